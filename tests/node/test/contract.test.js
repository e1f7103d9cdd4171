'use strict';
// The runtime contract of issue #2, route by route, for every way in: the real sails.io.js
// 1.2.1 (socket.io-client 2.x), socket.io-client 4 with the same wire format, and HTTP.

const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, makeClient } = require('./helpers');

const KINDS = ['sails.io.js', 'socket.io-client@4', 'http'];

let server;
test.before(async () => { server = await startServer('conformance'); });
test.after(async () => { await server.stop(); });

for (const kind of KINDS) {
  const isSocket = kind !== 'http';
  test.describe(`contract over ${kind}`, () => {
    let client;
    test.before(async () => { client = await makeClient(kind, server.url); });
    test.after(() => client.close());

    test('GET /hello', async () => {
      const res = await client.request('get', '/hello', {});
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.body, { hello: 'world' });
      assert.equal(res.headers['content-type'], 'application/json');
    });

    test('POST /echo returns the JSON body, objects and arrays alike', async () => {
      const data = { text: 'héllo', n: 1.5, nested: { list: [1, null, true] } };
      const res = await client.request('post', '/echo', data);
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.body, data);
      const arr = await client.request('post', '/echo', [1, 'two', { three: 3 }]);
      assert.deepEqual(arr.body, [1, 'two', { three: 3 }]);
    });

    test('GET /users/:id parses a u64 and refuses anything else with 400', async () => {
      assert.deepEqual((await client.request('get', '/users/42', {})).body, { id: 42 });
      assert.deepEqual((await client.request('get', '/users/18446744073709551615', {})).body.id, 18446744073709551615);
      for (const bad of ['abc', '-1', '1.5']) {
        const res = await client.request('get', `/users/${bad}`, {});
        assert.equal(res.statusCode, 400, bad);
      }
    });

    test('GET /status/:code answers that status', async () => {
      for (const code of [201, 418, 503]) {
        const res = await client.request('get', `/status/${code}`, {});
        assert.equal(res.statusCode, code);
        assert.deepEqual(res.body, { status: code });
      }
    });

    test('GET /text is text, GET /empty has no body', async () => {
      const text = await client.request('get', '/text', {});
      assert.equal(text.statusCode, 200);
      assert.equal(text.body, 'hello');
      assert.match(text.headers['content-type'], /^text\/plain/);
      const empty = await client.request('get', '/empty', {});
      assert.equal(empty.statusCode, 204);
      assert.equal(empty.body, undefined);
      if (kind === 'socket.io-client@4') assert.ok(!('body' in empty), 'no body key at all');
    });

    test('GET /redirect is a 302 to /hello, not followed', async () => {
      const res = await client.request('get', '/redirect', {});
      assert.equal(res.statusCode, 302);
      assert.equal(res.headers.location, '/hello');
    });

    test('GET /headers carries x-custom and never set-cookie', async () => {
      const res = await client.request('get', '/headers', {});
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.body, { ok: true });
      assert.equal(res.headers['x-custom'], 'abc');
      assert.ok(!('set-cookie' in res.headers));
      for (const name of Object.keys(res.headers)) assert.equal(name, name.toLowerCase());
    });

    test('a panicking handler is a 500 and the connection keeps serving', async () => {
      const res = await client.request('get', '/panic', {});
      assert.equal(res.statusCode, 500);
      const after = await client.request('get', '/hello', {});
      assert.equal(after.statusCode, 200);
    });

    test('GET /slow takes ms from the url or from data (merged into the query)', async () => {
      assert.deepEqual((await client.request('get', '/slow?ms=5', {})).body, { slept: 5 });
      assert.deepEqual((await client.request('get', '/slow', { ms: 7 })).body, { slept: 7 });
      assert.equal((await client.request('get', '/slow', { ms: 10001 })).statusCode, 400);
    });

    test('GET /protected is guarded by the router-wide middleware', async () => {
      assert.equal((await client.request('get', '/protected', {})).statusCode, 401);
      assert.equal((await client.request('get', '/protected', {}, { authorization: 'Bearer nope' })).statusCode, 401);
      const ok = await client.request('get', '/protected', {}, { Authorization: 'Bearer let-me-in' });
      assert.equal(ok.statusCode, 200);
      assert.deepEqual(ok.body, { ok: true });
    });

    test('unknown paths are 404', async () => {
      assert.equal((await client.request('get', '/no/such/route', {})).statusCode, 404);
      assert.equal((await client.request('post', '/nope', { a: 1 })).statusCode, 404);
    });

    test('/inspect shows what the handler saw (GET, data merged into the query)', async () => {
      const res = await client.request('get', '/inspect/a/b?x=1&x=2&sp=a%20b', { y: 'z', n: 5, many: ['p', 'q'] }, { 'X-Custom-Header': 'hi' });
      assert.equal(res.statusCode, 200);
      const seen = res.body;
      assert.equal(seen.method, 'GET');
      assert.equal(seen.path, '/inspect/a/b');
      assert.deepEqual(seen.query, { x: ['1', '2'], sp: 'a b', y: 'z', n: '5', many: ['p', 'q'] });
      assert.equal(seen.body, null);
      assert.equal(seen.headers['x-custom-header'], 'hi');
      assert.equal(seen.isSocket, isSocket);
      assert.equal(seen.socketId, client.id());
    });

    for (const method of ['post', 'put', 'patch']) {
      test(`${method.toUpperCase()} /inspect carries data as the JSON body`, async () => {
        const res = await client.request(method, '/inspect?q=1', { a: [1, 2], b: { c: null } });
        assert.equal(res.statusCode, 200);
        assert.equal(res.body.method, method.toUpperCase());
        assert.deepEqual(res.body.query, { q: '1' });
        assert.deepEqual(res.body.body, { a: [1, 2], b: { c: null } });
        assert.match(res.body.headers['content-type'], /^application\/json/);
      });
    }

    test('DELETE /inspect carries data in the query', async () => {
      const res = await client.request('delete', '/inspect', { id: 3 });
      assert.equal(res.body.method, 'DELETE');
      assert.deepEqual(res.body.query, { id: '3' });
      assert.equal(res.body.body, null);
    });

    test('GET /cookie without a cookie is null', async () => {
      assert.deepEqual((await client.request('get', '/cookie', {})).body, { cookie: null });
    });

    if (isSocket) {
      test('PUT /subscribe/:room joins and answers; POST /leave/:room leaves', async () => {
        assert.deepEqual((await client.request('put', '/subscribe/lobby', {})).body, { joined: 'lobby' });
        assert.deepEqual((await client.request('post', '/leave/lobby', {})).body, { left: 'lobby' });
      });
    } else {
      test('PUT /subscribe/:room over HTTP is a 400', async () => {
        const res = await client.request('put', '/subscribe/lobby', {});
        assert.equal(res.statusCode, 400);
        assert.ok(res.body.error);
      });
    }
  });
}

test('HTTP and socket requests get the same answers', async () => {
  const http = await makeClient('http', server.url);
  const sails = await makeClient('sails.io.js', server.url);
  const sio = await makeClient('socket.io-client@4', server.url);
  try {
    const cases = [
      ['get', '/hello', {}], ['post', '/echo', { x: [1, 'y'] }], ['get', '/users/7', {}],
      ['get', '/users/x', {}], ['get', '/status/202', {}], ['get', '/text', {}], ['get', '/empty', {}],
      ['get', '/protected', {}], ['get', '/missing', {}], ['get', '/slow', { ms: 1 }],
    ];
    for (const [method, url, data] of cases) {
      const expected = await http.request(method, url, data);
      for (const client of [sails, sio]) {
        const got = await client.request(method, url, data);
        assert.equal(got.statusCode, expected.statusCode, `${client.kind} ${method} ${url}`);
        assert.deepEqual(got.body, expected.body, `${client.kind} ${method} ${url}`);
      }
    }
  } finally {
    sails.close();
    sio.close();
  }
});
