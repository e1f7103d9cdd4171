'use strict';
// The chat keeps its rooms, people and message history in SQLite through the model API: a
// restarted server on the same file still has them (who is online starts empty: a restart
// disconnects every socket).

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer, makeClient } = require('./helpers');

test('rooms, people and messages survive a restart', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sailroute-chat-'));
  const db = `sqlite:${path.join(dir, 'chat.db')}`;
  try {
    let server = await startServer('chat', ['--db', db]);
    let ann = await makeClient('sails.io.js', server.url);
    assert.equal((await ann.request('put', '/rooms/lobby/join', { user: 'ann' })).statusCode, 200);
    const posted = await ann.request('post', '/rooms/lobby/messages', { text: 'still here?' });
    assert.equal(posted.statusCode, 200);
    const reacted = await ann.request('post', `/messages/${posted.body.id}/reactions`, { emoji: '👍' });
    assert.equal(reacted.statusCode, 200);
    const edited = await ann.request('patch', `/messages/${posted.body.id}`, { text: 'still here!' });
    assert.equal(edited.statusCode, 200);
    ann.close();
    await server.stop();

    server = await startServer('chat', ['--db', db]);
    ann = await makeClient('sails.io.js', server.url);
    try {
      const rooms = await ann.request('get', '/rooms', {});
      assert.deepEqual(rooms.body, [{ name: 'lobby', online: 0, messages: 1 }]);
      const joined = await ann.request('put', '/rooms/lobby/join', { user: 'ann' });
      assert.deepEqual(joined.body.history, [{
        ...posted.body, text: 'still here!', edited: true, reactions: [reacted.body],
      }]);
      // New ids continue after the kept ones.
      const next = await ann.request('post', '/rooms/lobby/messages', { text: 'yes' });
      assert.ok(next.body.id > posted.body.id);
      // Deleting a message deletes its reactions with it.
      assert.equal((await ann.request('delete', `/messages/${posted.body.id}`, {})).statusCode, 204);
      assert.deepEqual((await ann.request('get', '/rooms/lobby/messages', {})).body.map((m) => m.text), ['yes']);
    } finally {
      ann.close();
      await server.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
