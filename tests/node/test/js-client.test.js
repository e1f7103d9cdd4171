'use strict';
// The generated JavaScript client (examples/todo-client/js, installed from its npm pack) against the todo server, over
// socket.io-client 4 and over fetch: every route, typed errors, the same answers either way.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { io } = require('socket.io-client');
const { installPackages, startServer, waitFor } = require('./helpers');

// The generated package as a user installs it (npm pack, then npm install with the runtime).
const MODULE = pathToFileURL(path.join(installPackages(), 'node_modules', 'todo-client', 'index.js')).href;

async function exercise(client, unchecked, ClientError) {
  const { isGetTodoError, isStatsError } = await import(MODULE);
  const seen = [];
  assert.deepEqual(await client.stats(), { total: 0, done: 0, by_priority: {} });

  const first = await client.createTodo({ title: 'write tests', priority: 'high', tags: ['dev'] });
  assert.equal(first.title, 'write tests');
  assert.equal(first.priority, 'high');
  assert.equal(first.done, false);
  assert.ok(!('note' in first), 'skip_serializing_if leaves the key out');
  const owner = { name: 'Ada', since: '1842-10-05' };
  const second = await client.createTodo({ title: 'ship', note: 'with a note', owner });
  assert.equal(second.priority, 'normal', 'serde default applies');
  assert.equal(second.note, 'with a note');
  // The sibling crate's type, and Uuid / chrono fields as serde writes them.
  assert.deepEqual(second.owner, owner);
  assert.match(second.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.ok(Date.parse(second.created) > Date.parse(first.created));
  assert.deepEqual(await client.getTodoByUid(second.uid), second);
  seen.push([first.id, second.id]);

  // The rules of the server's type (`#[garde(...)]`) fail the call before sending...
  const blank = { title: '  ', tags: ['', 'ok'] };
  const byField = (fields) => fields.map((f) => `${f.path} ${f.rule} ${f.message}`).sort();
  let local;
  await assert.rejects(client.createTodo(blank), (e) => {
    assert.ok(e instanceof ClientError);
    assert.equal(e.kind, 'invalid');
    assert.equal(e.status, 0, 'nothing was sent');
    assert.equal(e.route, 'createTodo');
    local = byField(e.fields);
    assert.deepEqual(local, ['tags[0] length length is lower than 1', 'title pattern does not match pattern /[^\\s\\u0085\\uFEFF]/']);
    return true;
  });
  // ... and the server, asked anyway, answers 422 with the same fields.
  await assert.rejects(unchecked.createTodo(blank), (e) => {
    assert.equal(e.kind, 'invalid');
    assert.equal(e.status, 422);
    assert.equal(e.body.error, 'validation');
    assert.deepEqual(byField(e.fields), local);
    return true;
  });
  assert.deepEqual(await client.getTodo(first.id), first);
  await assert.rejects(client.getTodo(999), (e) => isGetTodoError(e) && !isStatsError(e) && e.route === 'getTodo'
    && e.status === 404 && e.body.code === 'not_found' && e.body.id === 999
    && e.method === 'GET' && e.path === '/api/todos/999' && e.message === 'GET /api/todos/999 answered 404');

  assert.equal((await client.listTodos()).length, 2);
  assert.deepEqual(await client.listTodos({ tag: 'dev' }), [first]);
  const updated = await client.updateTodo(first.id, { title: 'write more tests', done: true });
  assert.equal(updated.done, true);
  assert.deepEqual(await client.listTodos({ done: true }), [updated]);

  assert.equal(await client.deleteTodo(second.id), undefined);
  await assert.rejects(client.getTodo(second.id), (e) => e.status === 404);
  const stats = await client.stats();
  assert.deepEqual(stats, { total: 1, done: 1, by_priority: { high: 1 } });
  seen.push(updated.title, stats);
  return seen;
}

test('the generated JS client gives the same answers over socket.io and fetch', async () => {
  const { createClient, ClientError, Priority } = await import(MODULE);
  assert.deepEqual(Priority, { Low: 'low', Normal: 'normal', High: 'high' });
  assert.ok(Object.isFrozen(Priority));

  const overSocketServer = await startServer('todo');
  const overHttpServer = await startServer('todo');
  const socket = io(overSocketServer.url, { transports: ['websocket'], forceNew: true, reconnection: false });
  try {
    await waitFor(socket, 'connect');
    const viaSocket = await exercise(createClient({ socket }), createClient({ socket, localChecks: false }), ClientError);
    const viaFetch = await exercise(createClient({ baseUrl: overHttpServer.url }),
      createClient({ baseUrl: overHttpServer.url, localChecks: false }), ClientError);
    assert.deepEqual(viaSocket, viaFetch);
  } finally {
    socket.close();
    await overSocketServer.stop();
    await overHttpServer.stop();
  }
});

test('calls time out with a ClientError of kind "timeout", on both transports', async () => {
  const { createClient, ClientError } = await import(MODULE);
  // A socket that never answers, and a fetch that never resolves until aborted.
  const silentSocket = { timeout: (ms) => ({ emitWithAck: () => new Promise((_, reject) => setTimeout(() => reject(new Error('operation has timed out')), ms)) }) };
  const hangingFetch = (_url, init) => new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
  for (const client of [createClient({ socket: silentSocket, timeoutMs: 20 }), createClient({ fetch: hangingFetch, timeoutMs: 20 })]) {
    await assert.rejects(client.stats(), (e) => e instanceof ClientError && e.kind === 'timeout' && e.status === 0);
  }
});

test('100 concurrent calls on one socket each resolve to their own answer', async () => {
  const { createClient } = await import(MODULE);
  const server = await startServer('todo');
  const socket = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
  try {
    await waitFor(socket, 'connect');
    const client = createClient({ socket });
    const created = await Promise.all(Array.from({ length: 100 }, (_, i) => client.createTodo({ title: `t${i}` })));
    created.forEach((todo, i) => assert.equal(todo.title, `t${i}`));
    assert.equal(new Set(created.map((t) => t.id)).size, 100);
  } finally {
    socket.close();
    await server.stop();
  }
});

test('a malformed ack is a "decode" error, never a success', async () => {
  const { createClient, ClientError } = await import(MODULE);
  for (const ack of [{ body: { total: 1 } }, { body: {}, statusCode: '200' }, null, 'ok']) {
    const socket = { connected: true, on() {}, off() {}, timeout: () => ({ emitWithAck: async () => ack }) };
    await assert.rejects(createClient({ socket }).stats(), (e) => {
      assert.ok(e instanceof ClientError);
      assert.equal(e.kind, 'decode', JSON.stringify(ack));
      assert.equal(e.path, '/api/stats');
      assert.deepEqual(e.body, ack);
      return true;
    });
  }
});

test('a path parameter that cannot be written is an "encode" error and nothing is sent', async () => {
  const { createClient, ClientError } = await import(MODULE);
  let sent = 0;
  const socket = { connected: true, on() {}, off() {}, timeout: () => ({ emitWithAck: async () => { sent += 1; return { statusCode: 200 }; } }) };
  const client = createClient({ socket });
  for (const id of [undefined, null, '', { id: 1 }]) {
    await assert.rejects(client.getTodo(id), (e) => e instanceof ClientError && e.kind === 'encode' && e.route === 'getTodo' && /path parameter id/.test(e.message));
  }
  assert.equal(sent, 0);
});

test('a call cut off by a disconnect is a "disconnected" error, not a timeout (real socket.io-client)', async () => {
  const { createClient, ClientError } = await import(MODULE);
  const server = await startServer('todo');
  const socket = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
  try {
    await waitFor(socket, 'connect');
    const client = createClient({ socket, timeoutMs: 20000 });
    const call = client.stats();
    socket.disconnect();
    await assert.rejects(call, (e) => e instanceof ClientError && e.kind === 'disconnected' && e.path === '/api/stats');
  } finally {
    socket.close();
    await server.stop();
  }
});

// One query encoding: the same values reach the server from the generated client over a
// socket and over fetch, and from sails.io.js' `data` over a socket.
const SEARCHES = [
  {},
  { tag: ['one'] },
  { tag: ['a b', 'x&y=z', 'é/ü?#', '+%20'], priority: ['high', 'low'], ids: [1, 2, 3], done: false, q: '  spaced  ', limit: 0 },
  { tag: ['', 'dup', 'dup'], done: true, limit: 4294967295 },
];
const DECODED = { tag: [], priority: [], ids: [], done: null, q: null, limit: null };

test('one query encoding: sequences, enums, numbers, booleans and escapes round-trip from every client', async () => {
  const { createClient } = await import(MODULE);
  const server = await startServer('todo');
  const socket = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
  // Listened for at once: the socket may connect while the sails.io.js client below does.
  const connected = waitFor(socket, 'connect');
  const { makeClient } = require('./helpers');
  const sails = await makeClient('sails.io.js', server.url);
  try {
    await connected;
    for (const client of [createClient({ socket }), createClient({ baseUrl: server.url })]) {
      for (const search of SEARCHES) {
        const { search: echoed } = await client.search(search);
        assert.deepEqual(echoed, { ...DECODED, ...search });
      }
    }
    for (const search of SEARCHES) {
      const res = await sails.request('get', '/api/search', search);
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.body.search, { ...DECODED, ...search });
    }
  } finally {
    socket.close();
    sails.close();
    await server.stop();
  }
});
