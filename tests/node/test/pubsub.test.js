'use strict';
// Typed events and resourceful pub-sub over the wire, with the real sails.io.js (and a
// socket.io-client 4 watcher), against the chat example: event names, verbs, payload keys in
// Sails' order, room names, omit-the-requester, and room isolation.

const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, makeClient, nextEvent, collectUntilQuiet } = require('./helpers');

let server;
let ann; let bob; let carol; let watcher;
test.before(async () => {
  server = await startServer('chat', ['--db', 'sqlite::memory:']);
  ann = await makeClient('sails.io.js', server.url);
  bob = await makeClient('sails.io.js', server.url);
  carol = await makeClient('sails.io.js', server.url);
  watcher = await makeClient('socket.io-client@4', server.url);
});
test.after(async () => {
  for (const c of [ann, bob, carol, watcher]) c.close();
  await server.stop();
});

let posted;

test('joining announces presence to the room; the joiner gets the list in its answer', async () => {
  const joined = await ann.request('put', '/rooms/lobby/join', { user: 'ann' });
  assert.equal(joined.statusCode, 200);
  assert.deepEqual(joined.body.users, ['ann']);
  const presence = nextEvent(ann, 'presence');
  const bobJoined = await bob.request('put', '/rooms/lobby/join', { user: 'bob' });
  assert.deepEqual(bobJoined.body.users, ['ann', 'bob']);
  assert.deepEqual(await presence, { room: 'lobby', users: ['ann', 'bob'] });
  assert.equal((await carol.request('put', '/rooms/elsewhere/join', { user: 'carol' })).statusCode, 200);
});

test('watching the class room: sails_model_create_message', async () => {
  const all = await watcher.request('get', '/messages', {});
  assert.equal(all.statusCode, 200);
  const me = await watcher.request('get', '/me', {});
  assert.ok(me.body.rooms.includes('sails_model_create_message'), JSON.stringify(me.body.rooms));
});

test('a post: a typed event to the room (not the author, not other rooms), `created` to watchers', async () => {
  const atBob = nextEvent(bob, 'chat:message');
  const atWatcher = nextEvent(watcher, 'message');
  const annHeard = collectUntilQuiet(ann, 'chat:message', () => atBob);
  const carolHeard = collectUntilQuiet(carol, 'chat:message', () => atBob);
  const res = await ann.request('post', '/rooms/lobby/messages', { text: 'hello' });
  assert.equal(res.statusCode, 200);
  posted = res.body;
  assert.deepEqual(await atBob, { message: posted });
  const created = await atWatcher;
  assert.deepEqual(Object.keys(created), ['verb', 'data', 'id']);
  assert.deepEqual(created, { verb: 'created', data: posted, id: posted.id });
  assert.deepEqual(await annHeard, []);
  assert.deepEqual(await carolHeard, []);
  // Room members (and watchers) are now subscribed to the record's room.
  const me = await bob.request('get', '/me', {});
  assert.ok(me.body.rooms.includes(`sails_model_message_${posted.id}:message`), JSON.stringify(me.body.rooms));
  assert.ok(me.body.rooms.includes('room:lobby'));
});

test('`updated` with data, id and previous reaches subscribers, not the requester', async () => {
  const atBob = nextEvent(bob, 'message');
  const annHeard = collectUntilQuiet(ann, 'message', () => atBob);
  const res = await ann.request('patch', `/messages/${posted.id}`, { text: 'hello, all' });
  assert.equal(res.statusCode, 200);
  const updated = await atBob;
  assert.deepEqual(Object.keys(updated), ['verb', 'data', 'id', 'previous']);
  assert.equal(updated.verb, 'updated');
  assert.equal(updated.id, posted.id);
  assert.deepEqual(updated.data, { text: 'hello, all', edited: true });
  assert.deepEqual(updated.previous, posted);
  assert.deepEqual(await annHeard, []);
});

test('`addedTo` and `removedFrom` with Sails\' keys', async () => {
  const added = nextEvent(ann, 'message');
  const reaction = (await bob.request('post', `/messages/${posted.id}/reactions`, { emoji: '👍' })).body;
  const addedTo = await added;
  assert.deepEqual(Object.keys(addedTo), ['id', 'verb', 'attribute', 'addedId', 'added']);
  assert.deepEqual(addedTo, { id: posted.id, verb: 'addedTo', attribute: 'reactions', addedId: reaction.id, added: reaction });
  const removed = nextEvent(ann, 'message');
  assert.equal((await bob.request('delete', `/messages/${posted.id}/reactions/${reaction.id}`, {})).statusCode, 204);
  const removedFrom = await removed;
  assert.deepEqual(Object.keys(removedFrom), ['id', 'verb', 'attribute', 'removedId']);
  assert.deepEqual(removedFrom, { id: posted.id, verb: 'removedFrom', attribute: 'reactions', removedId: reaction.id });
});

test('`destroyed` with id and previous, then the record room is emptied', async () => {
  const atBob = nextEvent(bob, 'message');
  assert.equal((await ann.request('delete', `/messages/${posted.id}`, {})).statusCode, 204);
  const destroyed = await atBob;
  assert.deepEqual(Object.keys(destroyed), ['verb', 'id', 'previous']);
  assert.equal(destroyed.verb, 'destroyed');
  assert.equal(destroyed.id, posted.id);
  assert.equal(destroyed.previous.text, 'hello, all');
  const me = await bob.request('get', '/me', {});
  assert.ok(!me.body.rooms.includes(`sails_model_message_${posted.id}:message`), JSON.stringify(me.body.rooms));
});

test('typed errors travel the same way', async () => {
  const notJoined = await carol.request('post', '/rooms/lobby/messages', { text: 'hi' });
  assert.equal(notJoined.statusCode, 403);
  assert.deepEqual(notJoined.body, { code: 'not_joined', room: 'lobby' });
  const overHttp = await (await makeClient('http', server.url)).request('put', '/rooms/lobby/join', { user: 'x' });
  assert.equal(overHttp.statusCode, 400);
  assert.deepEqual(overHttp.body, { code: 'socket_required' });
});

test('a socket that goes away leaves the presence list', async () => {
  const presence = nextEvent(ann, 'presence');
  bob.close();
  assert.deepEqual(await presence, { room: 'lobby', users: ['ann'] });
});
