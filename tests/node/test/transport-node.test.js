'use strict';
// The runtime on its own transport (`.transport(SocketTransport::Sailroute)`, issue 20), the
// conformance app served with `--transport sailroute`, driven by the stock socket.io-client 4
// and sails.io.js: virtual requests and their acks through the same bridge and router as HTTP,
// bad input answered through the ack, namespaces refused as socket.io refuses them,
// long-polling and its upgrade to WebSocket, and a graceful shutdown that the client reconnects
// after. Rooms and
// pushes on this transport are in sockets.test.js, which runs on both.

const test = require('node:test');
const assert = require('node:assert/strict');
const { io } = require('socket.io-client');
const { startServer, makeClient, nextEvent, waitFor } = require('./helpers');

const ON_NODE = ['--transport', 'sailroute'];

let server;
let a; let http;
test.before(async () => {
  server = await startServer('conformance', ON_NODE);
  a = await makeClient('socket.io-client@4', server.url);
  http = await makeClient('http', server.url);
});
test.after(async () => {
  a.close();
  await server.stop();
});

test('a virtual request goes through the router and its ack carries the response', async () => {
  const hello = await a.request('get', '/hello', {});
  assert.equal(hello.statusCode, 200);
  assert.deepEqual(hello.body, (await http.request('get', '/hello', {})).body);
  const echo = await a.request('post', '/echo', { text: 'über', n: [1, 2] });
  assert.equal(echo.statusCode, 200);
  assert.deepEqual(echo.body, (await http.request('post', '/echo', { text: 'über', n: [1, 2] })).body);
  assert.equal((await a.request('get', '/nowhere', {})).statusCode, 404);
});

test('bad input gets 400 through the ack, a panic 500, and the socket stays', async () => {
  const malformed = await a.socket.timeout(5000).emitWithAck('get', 'not a request');
  assert.equal(malformed.statusCode, 400);
  const noUrl = await a.socket.timeout(5000).emitWithAck('post', { data: {} });
  assert.equal(noUrl.statusCode, 400);
  // Binary attachments are no request: 400, and the attachments are skipped.
  const binary = await a.socket.timeout(5000).emitWithAck('post', { url: '/echo', data: Buffer.from([1, 2, 3]) });
  assert.equal(binary.statusCode, 400);
  // Without an ack, the client hears sails:parseError.
  const parseError = nextEvent(a, 'sails:parseError');
  a.socket.emit('get', 'not a request either');
  assert.equal((await parseError).statusCode, 400);
  assert.equal((await a.request('get', '/panic', {})).statusCode, 500);
  const big = 'x'.repeat(1024 * 1024 + 10);
  assert.equal((await a.request('post', '/echo', { big })).statusCode, 413);
  assert.equal(a.socket.connected, true);
  assert.equal((await a.request('get', '/hello', {})).statusCode, 200);
});

test('binary sent as base64 in text frames (forceBase64) is no request either: 400, and the socket stays', async () => {
  const socket = io(server.url, { transports: ['websocket'], forceBase64: true, forceNew: true, reconnection: false });
  try {
    await waitFor(socket, 'connect');
    const binary = await socket.timeout(5000).emitWithAck('post', { url: '/echo', data: Buffer.from([1, 2, 3]) });
    assert.equal(binary.statusCode, 400);
    const hello = await socket.timeout(5000).emitWithAck('get', { url: '/hello' });
    assert.equal(hello.statusCode, 200);
    assert.equal(socket.connected, true);
  } finally {
    socket.close();
  }
});

/** A raw Engine.IO WebSocket to the server (version 4 unless told): `send(text)`, `next(prefix)` for the next frame
 * that starts with it, `closed` resolving when the server ends the connection. */
function rawSocket(port, eio = 4) {
  const WebSocket = require('ws');
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=${eio}&transport=websocket`);
  const frames = [];
  let wake = () => {};
  let ended = false;
  ws.on('message', (data) => { frames.push(String(data)); wake(); });
  // A failure shows as the connection's end, which `next` reports, not as an uncaught error.
  ws.on('error', () => {});
  const closed = new Promise((resolve) => ws.on('close', () => { ended = true; wake(); resolve(); }));
  return {
    frames,
    closed,
    send: (text) => ws.send(text),
    close: () => ws.close(),
    next: async (prefix) => {
      for (;;) {
        const at = frames.findIndex((f) => f.startsWith(prefix));
        if (at >= 0) return frames.splice(at, 1)[0];
        if (ended) throw new Error(`the connection ended before a frame starting ${prefix}; got ${JSON.stringify(frames)}`);
        await new Promise((resolve) => { wake = resolve; });
      }
    },
  };
}

test('an event name written with JSON escapes is read like any other, its bad request answered 400', async () => {
  // socketioxide drops such an event (docs/robustness.md); here it is a request like any other.
  // Written by hand on a WebSocket, since socket.io-client never escapes a name.
  const raw = rawSocket(server.port);
  try {
    assert.match(await raw.next('0'), /"sid"/);
    raw.send('40');
    assert.match(await raw.next('40'), /"sid"/);
    raw.send('421["g\\u0065t","x"]');
    assert.equal(JSON.parse((await raw.next('431')).slice(3))[0].statusCode, 400);
    raw.send('422["g\\u0065t",{"url":"/hello"}]');
    assert.equal(JSON.parse((await raw.next('432')).slice(3))[0].statusCode, 200);
    // Broken JSON that waits for an ack gets a 400 rather than silence.
    raw.send('423["get",{"url":');
    assert.equal(JSON.parse((await raw.next('433')).slice(3))[0].statusCode, 400);
  } finally {
    raw.close();
  }
});

test('a socket that has not joined the namespace hears no push, and is reached once it has', async () => {
  const raw = rawSocket(server.port);
  try {
    assert.match(await raw.next('0'), /"sid"/);
    assert.deepEqual((await a.request('post', '/blast', { event: 'news', data: { early: true } })).body, { sent: true });
    raw.send('40');
    assert.match(await raw.next('40'), /"sid"/);
    raw.send('421["get",{"url":"/hello"}]');
    await raw.next('431');
    assert.deepEqual(raw.frames.filter((f) => f.startsWith('42')), [], 'no push before the CONNECT');
    assert.deepEqual((await a.request('post', '/blast', { event: 'news', data: { late: true } })).body, { sent: true });
    assert.equal(await raw.next('42'), '42["news",{"late":true}]');
  } finally {
    raw.close();
  }
});

test('what is not Socket.IO is ignored and the socket stays; a DISCONNECT leaves the namespace and the connection stays, as in socket.io', async () => {
  const raw = rawSocket(server.port);
  try {
    await raw.next('0');
    raw.send('40"not an object"');
    assert.deepEqual(JSON.parse((await raw.next('44')).slice(2)), { message: 'a CONNECT carries no data or an auth object' });
    raw.send('40');
    await raw.next('40');
    for (const bad of ['49', '4', '4/x', '42["get",', '43[1]', '4?', '45-["x"]']) raw.send(bad);
    raw.send('421["get",{"url":"/hello"}]');
    assert.equal(JSON.parse((await raw.next('431')).slice(3))[0].statusCode, 200);
    raw.send('41');
    // Out of the namespace: a request is not served (socket.io ignores it too)...
    raw.send('422["get",{"url":"/hello"}]');
    // ...and a CONNECT joins again, on the same connection.
    raw.send('40');
    assert.match(await raw.next('40'), /^40\{"sid":"[A-Za-z0-9_-]{16}"\}$/);
    raw.send('423["get",{"url":"/hello"}]');
    assert.equal(JSON.parse((await raw.next('433')).slice(3))[0].statusCode, 200);
    assert.deepEqual(raw.frames.filter((f) => f.startsWith('432')), [], 'the request sent outside the namespace got no answer');
    raw.send('1');
    await raw.closed;
  } finally {
    raw.close();
  }
  assert.equal((await a.request('get', '/hello', {})).statusCode, 200);
});

test("the server pings a pingInterval after the open and keeps a client that answers", { timeout: 30000 }, async () => {
  const node = await startServer('conformance', [...ON_NODE, '--heartbeat', '300']);
  const socket = io(node.url, { transports: ['websocket'], forceNew: true, reconnection: false });
  try {
    const pings = [];
    const disconnects = [];
    socket.io.on('ping', () => pings.push(Date.now()));
    socket.on('disconnect', (reason) => disconnects.push(reason));
    await waitFor(socket, 'connect');
    const connectedAt = Date.now();
    while (pings.length < 4) await new Promise((r) => setTimeout(r, 50));
    assert.ok(pings[0] - connectedAt >= 150, `the first ping came ${pings[0] - connectedAt} ms after the open`);
    assert.deepEqual(disconnects, []);
    assert.equal(socket.connected, true);
  } finally {
    socket.close();
    await node.stop();
  }
});

test('another namespace is refused as socket.io refuses it; the default one stays usable', async () => {
  const admin = io(`${server.url}/admin`, { transports: ['websocket'], forceNew: true, reconnection: false });
  try {
    const [error] = await waitFor(admin, 'connect_error');
    assert.equal(error.message, 'Invalid namespace');
  } finally {
    admin.close();
  }
  assert.equal((await a.request('get', '/hello', {})).statusCode, 200);
});

test('long-polling serves both Engine.IO versions; unknown transports and versions get engine.io errors', async () => {
  // engine.io checks the transport first, then the version.
  const unknown = await http.request('get', '/socket.io/?EIO=4&transport=carrier-pigeon');
  assert.equal(unknown.statusCode, 400);
  assert.deepEqual(unknown.body, { code: 0, message: 'Transport unknown' });
  const v5 = await http.request('get', '/socket.io/?EIO=5&transport=websocket');
  assert.equal(v5.statusCode, 400);
  assert.deepEqual(v5.body, { code: 5, message: 'Unsupported protocol version' });
  const post = await http.request('post', '/socket.io/?EIO=4&transport=polling', {});
  assert.deepEqual(post.body, { code: 2, message: 'Bad handshake method' });
  const stranger = await http.request('get', '/socket.io/?EIO=4&transport=polling&sid=AAAAAAAAAAAAAAAA');
  assert.deepEqual(stranger.body, { code: 1, message: 'Session ID unknown' });
  // Polling alone, both stock clients: requests, the socket's id, bad input through the ack.
  for (const kind of ['socket.io-client@4', 'sails.io.js']) {
    const client = await makeClient(kind, server.url, { transports: ['polling'] });
    try {
      const seen = await client.request('get', '/inspect?a=1', { b: true });
      assert.equal(seen.statusCode, 200);
      assert.equal(seen.body.isSocket, true);
      assert.equal(seen.body.socketId, client.id());
      assert.equal((await client.request('get', '/panic', {})).statusCode, 500);
      assert.equal((await client.request('post', '/echo', { big: 'x'.repeat(1024 * 1024 + 10) })).statusCode, 413);
      assert.equal((await client.request('get', '/hello', {})).statusCode, 200);
    } finally {
      client.close();
    }
  }
});

test('a polling session upgrades to WebSocket (socket.io-client 4 and 2) and keeps its id', async () => {
  for (const kind of ['socket.io-client@4', 'sails.io.js']) {
    const client = await makeClient(kind, server.url, { transports: ['polling', 'websocket'] });
    try {
      const engine = kind === 'sails.io.js' ? client.socket._raw.io.engine : client.socket.io.engine;
      if (engine.transport.name !== 'websocket') await waitFor(engine, 'upgrade');
      assert.equal(engine.transport.name, 'websocket');
      const seen = await client.request('get', '/inspect', {});
      assert.equal(seen.body.socketId, client.id(), 'the same socket after the upgrade');
      assert.equal((await client.request('get', '/hello', {})).statusCode, 200);
    } finally {
      client.close();
    }
  }
});

test('sails.io.js (socket.io-client 2, Engine.IO 3) is connected at once and served', async () => {
  const sails = await makeClient('sails.io.js', server.url);
  try {
    assert.match(sails.id(), /^[A-Za-z0-9_-]{16}$/);
    const hello = await sails.request('get', '/hello', {});
    assert.equal(hello.statusCode, 200);
    assert.deepEqual(hello.body, (await http.request('get', '/hello', {})).body);
    const seen = await sails.request('get', '/inspect?a=1', { b: true });
    assert.equal(seen.body.isSocket, true);
    assert.equal(seen.body.socketId, sails.id());
    assert.equal((await sails.request('get', '/panic', {})).statusCode, 500);
    assert.equal((await sails.request('post', '/echo', { big: 'x'.repeat(1024 * 1024 + 10) })).statusCode, 413);
    // A malformed request without a callback's ack: sails:parseError.
    const parseError = nextEvent(sails, 'sails:parseError');
    sails.socket._raw.emit('get', 'not a request');
    assert.equal((await parseError).statusCode, 400);
    // Another namespace is refused with revision 4's ERROR packet.
    const raw = rawSocket(server.port, 3);
    try {
      assert.match(await raw.next('0'), /"sid"/);
      assert.equal(await raw.next('40'), '40');
      raw.send('40/admin,');
      assert.equal(await raw.next('44/admin'), '44/admin,"Invalid namespace"');
      raw.send('2probe');
      assert.equal(await raw.next('3'), '3probe', 'the client pings on Engine.IO 3 and the server answers');
    } finally {
      raw.close();
    }
  } finally {
    sails.close();
  }
});

test('on SIGTERM the transport closes without a DISCONNECT, and both stock clients reconnect to the restarted server', { timeout: 60000 }, async () => {
  const first = await startServer('conformance', ON_NODE);
  const options = { reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 500 };
  const client = await makeClient('socket.io-client@4', first.url, options);
  const sails = await makeClient('sails.io.js', first.url, options);
  let second;
  try {
    const gone = waitFor(client.socket, 'disconnect', 30000);
    const sailsGone = waitFor(sails.socket._raw, 'disconnect', 30000);
    const inFlight = client.request('get', '/slow?ms=500', {});
    assert.equal((await client.request('get', '/hello', {})).statusCode, 200);
    const exit = first.terminate('SIGTERM');
    assert.deepEqual((await inFlight).body, { slept: 500 }, 'the request in flight is answered');
    const [reason] = await gone;
    assert.equal(reason, 'transport close');
    const [sailsReason] = await sailsGone;
    assert.equal(sailsReason, 'transport close');
    assert.equal(await exit, 0);
    const answer = client.request('get', '/hello', {});
    const sailsAnswer = sails.request('get', '/hello', {});
    const back = waitFor(client.socket, 'connect', 30000);
    const sailsBack = waitFor(sails.socket._raw, 'connect', 30000);
    second = await startServer('conformance', ON_NODE, {}, first.port);
    await Promise.all([back, sailsBack]);
    assert.equal((await answer).statusCode, 200);
    assert.equal((await sailsAnswer).statusCode, 200);
  } finally {
    client.close();
    sails.close();
    await first.stop();
    if (second) await second.stop();
  }
});
