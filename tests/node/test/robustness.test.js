'use strict';
// Bad input gets a clear answer and loses nothing: malformed virtual requests, panics,
// oversized bodies, floods, disconnects mid-request; plus the connection-level contract
// (queueing before connect, handshake cookie and origin, origin allow-list, plain and newer
// socket.io clients, raw Engine.IO v3 framing).

const test = require('node:test');
const assert = require('node:assert/strict');
const WebSocket = require('ws');
const {
  startServer, makeClient, sailsConnect, sailsIo, sailsRequest, waitFor, nextEvent,
} = require('./helpers');

let server;
test.before(async () => { server = await startServer('conformance'); });
test.after(async () => {
  assert.ok(server.alive(), 'the server survived everything above');
  await server.stop();
});

test.describe('malformed virtual requests are answered 400 through the ack', () => {
  let client;
  test.before(async () => { client = await makeClient('socket.io-client@4', server.url); });
  test.after(() => client.close());

  const cases = [
    ['no url', 'get', { method: 'get', headers: {}, data: {} }, /url/],
    ['url not a string', 'get', { url: 5 }, /url/],
    ['url null', 'post', { url: null, data: {} }, /url/],
    ['url empty', 'get', { url: '' }, /url/],
    ['headers not an object', 'get', { url: '/hello', headers: 'x-a: b' }, /headers/],
    ['headers an array', 'get', { url: '/hello', headers: ['a'] }, /headers/],
    ['invalid header name', 'get', { url: '/hello', headers: { 'bad header': 'x' } }, /header/],
    ['invalid header value', 'get', { url: '/hello', headers: { 'x-a': 'line\nbreak' } }, /header/],
    // More than HeaderMap holds (32,768) panicked outside the guard: no ack (issue 23, point 6).
    ['40,000 headers', 'get', { url: '/hello', headers: Object.fromEntries(Array.from({ length: 40000 }, (_, i) => [`x-h${i}`, 'v'])) }, /too many headers/],
    ['one header with 40,000 values', 'get', { url: '/hello', headers: { 'x-h': Array(40000).fill('v') } }, /too many headers/],
    ['GET data an array', 'get', { url: '/inspect', data: [1, 2] }, /data/],
    ['DELETE data a string', 'delete', { url: '/inspect', data: 'abc' }, /data/],
    ['payload a string', 'get', 'just a string', /object/],
    ['payload a number', 'put', 42, /object/],
    ['invalid url', 'get', { url: '/a b' }, /url/],
    // Binary attachments arrive as placeholder objects: never read as a url, headers or body.
    ['binary headers', 'get', { url: '/hello', headers: Buffer.from('x') }, /binary attachments/],
    ['binary url', 'get', { url: Buffer.from('/hello') }, /binary attachments/],
    ['binary payload', 'get', Buffer.from('{}'), /binary attachments/],
    ['binary data', 'post', { url: '/echo', data: Buffer.from('abc') }, /binary attachments/],
    ['binary nested in data', 'post', { url: '/echo', data: { file: Buffer.from('abc') } }, /binary attachments/],
  ];
  for (const [name, event, payload, pattern] of cases) {
    test(name, async () => {
      const jwr = await client.socket.timeout(10000).emitWithAck(event, payload);
      assert.equal(jwr.statusCode, 400);
      assert.equal(typeof jwr.body.error, 'string');
      assert.match(jwr.body.error, pattern);
    });
  }

  test('a payload-less event with an ack gets a 400 too', async () => {
    const jwr = await client.socket.timeout(10000).emitWithAck('get');
    assert.equal(jwr.statusCode, 400);
  });

  test('without an ack, the error arrives as sails:parseError', async () => {
    const event = nextEvent(client, 'sails:parseError');
    client.socket.emit('get', { method: 'get' });
    const payload = await event;
    assert.equal(payload.statusCode, 400);
    assert.match(payload.body.error, /url/);
    assert.match(payload.error, /url/);
  });

  test('other event names are left alone and the socket keeps working', async () => {
    let answered = false;
    client.socket.emit('trace', { url: '/hello' }, () => { answered = true; });
    client.socket.emit('custom:thing', { anything: true });
    const res = await client.request('get', '/hello', {});
    assert.equal(res.statusCode, 200);
    assert.equal(answered, false, 'unknown events get no answer (Sails does the same)');
    assert.ok(client.socket.connected);
  });

  test('event names without a JSON escape never drop the socket, however odd (the escaped ones are an upstream drop: docs/robustness.md)', async () => {
    const names = ['', ' ', 'é', '日本語', '💥', 'get/../x', 'a'.repeat(10000), '42', 'null', '{}', '[]', "it's", 'back`tick', 'get ', 'GET', 'Get', '__proto__', 'constructor'];
    for (const name of names) client.socket.emit(name, { url: '/hello' });
    const res = await client.request('get', '/hello', {});
    assert.equal(res.statusCode, 200);
    assert.ok(client.socket.connected);
  });
});

test('oversized bodies are 413 on both transports; the connection survives', async () => {
  const big = { blob: 'x'.repeat(1024 * 1024 + 10) };
  for (const kind of ['sails.io.js', 'socket.io-client@4', 'http']) {
    const client = await makeClient(kind, server.url);
    try {
      const res = await client.request('post', '/echo', big);
      assert.equal(res.statusCode, 413, kind);
      const after = await client.request('post', '/echo', { small: true });
      assert.deepEqual(after.body, { small: true }, kind);
    } finally {
      client.close();
    }
  }
});

test('--max-body sets the limit for both transports', async () => {
  const small = await startServer('conformance', ['--max-body', '1000']);
  try {
    for (const kind of ['socket.io-client@4', 'http']) {
      const client = await makeClient(kind, small.url);
      try {
        assert.equal((await client.request('post', '/echo', { s: 'y'.repeat(2000) })).statusCode, 413, kind);
        assert.equal((await client.request('post', '/echo', { s: 'y'.repeat(500) })).statusCode, 200, kind);
      } finally {
        client.close();
      }
    }
  } finally {
    await small.stop();
  }
});

test('100 concurrent requests on one socket each get their own answer', async () => {
  for (const kind of ['sails.io.js', 'socket.io-client@4']) {
    const client = await makeClient(kind, server.url);
    try {
      // Later requests sleep less, so answers come back out of order.
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) =>
        client.request('get', '/slow', { ms: 100 - i }).then((res) => [i, res])));
      for (const [i, res] of results) {
        assert.equal(res.statusCode, 200, kind);
        assert.deepEqual(res.body, { slept: 100 - i }, kind);
      }
    } finally {
      client.close();
    }
  }
});

test('a flooding socket is capped at 256 in flight (429) while others are served', async () => {
  const flooder = await makeClient('socket.io-client@4', server.url);
  const other = await makeClient('sails.io.js', server.url);
  try {
    const flood = Array.from({ length: 300 }, () => flooder.request('get', '/slow', { ms: 1500 }));
    const meanwhile = await other.request('get', '/hello', {});
    assert.equal(meanwhile.statusCode, 200);
    const results = await Promise.all(flood);
    const codes = results.map((r) => r.statusCode);
    assert.equal(codes.filter((c) => c === 200).length, 256);
    assert.equal(codes.filter((c) => c === 429).length, 44);
    assert.match(results.find((r) => r.statusCode === 429).body.error, /in flight/);
    // The cap is on requests in flight, not a ban.
    assert.equal((await flooder.request('get', '/hello', {})).statusCode, 200);
  } finally {
    flooder.close();
    other.close();
  }
});

test('requests on one socket run concurrently: a slow one does not hold back the next', async () => {
  const client = await makeClient('sails.io.js', server.url);
  try {
    let slowDone = false;
    const slow = client.request('get', '/slow', { ms: 3000 }).then((r) => { slowDone = true; return r; });
    const fast = await client.request('get', '/hello', {});
    assert.equal(fast.statusCode, 200);
    assert.equal(slowDone, false, 'the fast answer came first');
    assert.equal((await slow).statusCode, 200);
  } finally {
    client.close();
  }
});

test('disconnecting mid-request fails that request on the client and nothing else', async () => {
  const { socket } = sailsConnect(server.url);
  await waitFor(socket, 'connect');
  const pending = sailsRequest(socket, { method: 'get', url: '/slow?ms=500' });
  socket.disconnect();
  const res = await pending;
  assert.equal(res.statusCode, 0);
  assert.ok(res.error instanceof Error);
  const other = await makeClient('socket.io-client@4', server.url);
  try {
    assert.equal((await other.request('get', '/hello', {})).statusCode, 200);
  } finally {
    other.close();
  }
});

test('sails.io.js queues requests made before it connects and sends them in order', async () => {
  const { socket } = sailsConnect(server.url);
  assert.equal(socket.isConnected(), false);
  const order = [];
  const results = await Promise.all([1, 2, 3].map((n) => new Promise((resolve) => {
    socket.get('/slow', { ms: 4 - n }, (body, jwr) => { order.push(n); resolve([n, jwr.statusCode, body]); });
  })));
  for (const [n, status, body] of results) {
    assert.equal(status, 200);
    assert.deepEqual(body, { slept: 4 - n });
  }
  socket.disconnect();
});

test('the handshake cookie reaches every request and a request cannot swap it', async () => {
  const client = await makeClient('sails.io.js', server.url, {
    initialConnectionHeaders: { cookie: 'sid=abc' },
  });
  try {
    assert.deepEqual((await client.request('get', '/cookie', {})).body, { cookie: 'sid=abc' });
    for (const name of ['cookie', 'Cookie', 'COOKIE']) {
      const res = await client.request('get', '/cookie', {}, { [name]: 'sid=evil' });
      assert.deepEqual(res.body, { cookie: 'sid=abc' }, name);
    }
  } finally {
    client.close();
  }
});

test('the handshake origin is pinned; a request cannot forge one', async () => {
  // Same-origin: the default policy accepts it.
  const withOrigin = await makeClient('sails.io.js', server.url, {
    initialConnectionHeaders: { origin: server.url },
  });
  const without = await makeClient('socket.io-client@4', server.url);
  try {
    const res = await withOrigin.request('get', '/inspect', {}, { Origin: 'http://evil.example' });
    assert.equal(res.body.headers.origin, server.url);
    const forged = await without.request('get', '/inspect', {}, { origin: 'http://evil.example' });
    assert.equal(forged.body.headers.origin, undefined);
  } finally {
    withOrigin.close();
    without.close();
  }
});

test('headers pinned to the handshake (--handshake-header): the handshake\'s value or none, never the request\'s', async () => {
  const pinned = await startServer('conformance', ['--handshake-header', 'x-authenticated-user']);
  const withUser = await makeClient('sails.io.js', pinned.url, { initialConnectionHeaders: { 'x-authenticated-user': 'ann' } });
  const without = await makeClient('sails.io.js', pinned.url);
  try {
    const forged = { 'x-authenticated-user': 'admin' };
    assert.equal((await withUser.request('get', '/inspect', {}, forged)).body.headers['x-authenticated-user'], 'ann');
    assert.equal((await without.request('get', '/inspect', {}, forged)).body.headers['x-authenticated-user'], undefined);
    // Other headers are still the request's own.
    assert.equal((await without.request('get', '/inspect', {}, { 'x-other': 'mine' })).body.headers['x-other'], 'mine');
  } finally {
    withUser.close();
    without.close();
    await pinned.stop();
  }
});

test.describe('default origin policy: same-origin pages and non-browser clients only', () => {
  const cases = [
    ['another site', 'http://evil.example', false],
    ['another port on the same host', () => `http://127.0.0.1:${Number(server.port) + 1}`, false],
    ['another host name for the same server', () => `http://localhost:${server.port}`, false],
    ['an opaque origin', 'null', false],
    // Browsers compare the scheme too (issue 23, point 8): this server was reached over http.
    ['the same host and port over https', () => server.url.replace('http:', 'https:'), false],
    ['the server itself', () => server.url, true],
  ];
  for (const [name, origin, accepted] of cases) {
    test(`a handshake from ${name} is ${accepted ? 'accepted' : 'refused, carrying the cookie nowhere'}`, async () => {
      const value = typeof origin === 'function' ? origin() : origin;
      const { socket } = sailsConnect(server.url, { initialConnectionHeaders: { origin: value, cookie: 'sid=victim' } });
      if (accepted) {
        await waitFor(socket, 'connect');
        const res = await sailsRequest(socket, { method: 'get', url: '/cookie', headers: {} });
        assert.deepEqual(res.body, { cookie: 'sid=victim' });
        socket.disconnect();
      } else {
        let called = false;
        socket.get('/cookie', () => { called = true; });
        await waitFor(socket, 'connect_error');
        assert.equal(socket.isConnected(), false);
        assert.equal(called, false);
      }
    });
  }

  test('polling from another origin is refused like engine.io, and no CORS header is given to the same origin', async () => {
    const evil = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'http://evil.example', cookie: 'sid=victim' } });
    assert.equal(evil.status, 400);
    assert.deepEqual(await evil.json(), { code: 3, message: 'Bad request' });
    const same = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: server.url } });
    assert.equal(same.status, 200);
    assert.equal(same.headers.get('access-control-allow-origin'), null);
  });

  test('behind a trusted proxy that ends TLS, the page\'s https origin is the server\'s own', async () => {
    const proxied = await startServer('conformance', ['--trust-proxy']);
    try {
      const page = proxied.url.replace('http:', 'https:');
      const handshake = (headers) => fetch(`${proxied.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: page, ...headers } });
      assert.equal((await handshake({ 'x-forwarded-proto': 'https' })).status, 200);
      assert.equal((await handshake({})).status, 400, 'without the proxy saying https');
      // Only a trusted proxy is believed: the default server ignores the header.
      const direct = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: server.url.replace('http:', 'https:'), 'x-forwarded-proto': 'https' } });
      assert.equal(direct.status, 400);
    } finally {
      await proxied.stop();
    }
  });

  test('allowing every origin is an explicit choice', async () => {
    const open = await startServer('conformance', ['--allow-any-origin']);
    try {
      const client = await makeClient('sails.io.js', open.url, { initialConnectionHeaders: { origin: 'http://elsewhere.example' } });
      try {
        assert.equal((await client.request('get', '/hello', {})).statusCode, 200);
      } finally {
        client.close();
      }
    } finally {
      await open.stop();
    }
  });

  test('an origin no browser can send stops the server from starting, saying what to write', async () => {
    for (const [origin, fix] of [['localboast.com', '"https://localboast.com"'], ['http://x.example:80', '"http://x.example"'], ['https://x.example:443', '"https://x.example"']]) {
      await assert.rejects(startServer('conformance', ['--allow-origin', origin]), (e) => {
        assert.match(e.message, /exited with 1/);
        assert.ok(e.message.includes(fix), e.message);
        return true;
      });
    }
  });
});

test.describe('origin allow-list', () => {
  let guarded;
  test.before(async () => {
    guarded = await startServer('conformance', ['--allow-origin', 'http://good.example', '--allow-origin', 'http://also.example:8080']);
  });
  test.after(async () => { await guarded.stop(); });

  test('an allowed origin connects', async () => {
    for (const origin of ['http://good.example', 'http://also.example:8080']) {
      const client = await makeClient('sails.io.js', guarded.url, { initialConnectionHeaders: { origin } });
      try {
        assert.equal((await client.request('get', '/hello', {})).statusCode, 200);
      } finally {
        client.close();
      }
    }
  });

  for (const [name, headers] of [['a foreign origin', { origin: 'http://evil.example' }], ['no origin', {}], ['a near miss', { origin: 'http://good.example/' }]]) {
    test(`${name} is refused before the upgrade and queued requests never run`, async () => {
      const { socket } = sailsConnect(guarded.url, { initialConnectionHeaders: headers });
      let called = false;
      socket.get('/hello', () => { called = true; });
      const [err] = await waitFor(socket, 'connect_error');
      assert.ok(err);
      assert.equal(socket.isConnected(), false);
      assert.equal(called, false);
    });
  }

  test('refusals answer like engine.io: 400 over websocket and polling', async () => {
    const polling = await fetch(`${guarded.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'http://evil.example' } });
    assert.equal(polling.status, 400);
    assert.deepEqual(await polling.json(), { code: 3, message: 'Bad request' });
    const status = await new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${guarded.port}/socket.io/?EIO=3&transport=websocket`, { origin: 'http://evil.example' });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode));
      ws.on('open', () => { ws.close(); resolve('opened'); });
      ws.on('error', () => {});
    });
    assert.equal(status, 400);
    const ok = await fetch(`${guarded.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'http://good.example' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), 'http://good.example');
  });

  test('plain HTTP routes are not affected by the socket origin policy', async () => {
    const res = await fetch(`${guarded.url}/hello`);
    assert.equal(res.status, 200);
  });
});

test('a plain socket.io client without the __sails_io_sdk_* query works (v2 and v4)', async () => {
  const v2 = require('socket.io-client-v2')(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
  try {
    await waitFor(v2, 'connect');
    const jwr = await new Promise((resolve) => v2.emit('get', { url: '/hello' }, resolve));
    assert.equal(jwr.statusCode, 200);
    assert.deepEqual(jwr.body, { hello: 'world' });
  } finally {
    v2.close();
  }
  const v4 = await makeClient('socket.io-client@4', server.url, { transports: ['polling'] });
  try {
    assert.deepEqual((await v4.request('get', '/hello', {})).body, { hello: 'world' });
  } finally {
    v4.close();
  }
});

test('sails.io.js on socket.io-client 4 connects (through the /engine.io/ path)', async () => {
  const io = sailsIo(require('socket.io-client'));
  const socket = io.sails.connect(server.url, { transports: ['websocket', 'polling'] });
  try {
    await waitFor(socket, 'connect');
    const res = await sailsRequest(socket, { method: 'get', url: '/hello' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.body, { hello: 'world' });
    const inspected = await sailsRequest(socket, { method: 'get', url: '/inspect' });
    assert.equal(inspected.body.socketId, socket._raw.id);
  } finally {
    socket.disconnect();
  }
});

test('Engine.IO v3 on the wire: open packet, then a server-sent 40, client pings answered', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/socket.io/?EIO=3&transport=websocket&__sails_io_sdk_version=1.2.1`);
  const frames = [];
  const got = (n) => new Promise((resolve) => {
    const check = () => { if (frames.length >= n) { ws.off('message', onMsg); resolve(); } };
    const onMsg = (data) => { frames.push(data.toString()); check(); };
    ws.on('message', onMsg);
    check();
  });
  try {
    await got(2);
    assert.match(frames[0], /^0\{/);
    const open = JSON.parse(frames[0].slice(1));
    assert.ok(open.sid);
    assert.deepEqual(open.upgrades, []);
    assert.equal(frames[1], '40');
    ws.send('2');
    await got(3);
    assert.equal(frames[2], '3');
    ws.send('421["get",{"method":"get","headers":{},"data":{},"url":"/inspect"}]');
    await got(4);
    assert.match(frames[3], /^431\[/);
    const [jwr] = JSON.parse(frames[3].slice(3));
    assert.equal(jwr.statusCode, 200);
    assert.equal(jwr.body.socketId, open.sid, 'the socket id is the engine session id');
  } finally {
    ws.close();
  }
});

test('GET /__getcookie answers the JSONP bootstrap', async () => {
  const res = await fetch(`${server.url}/__getcookie`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/javascript/);
  assert.equal(await res.text(), '_sailsIoJSConnect();');
});
