'use strict';
// Sessions shared by HTTP and sockets (`conformance --sessions`), with the real sails.io.js on
// socket.io-client 2 and 4: the handshake's cookie names the session; a socket without one
// gets its own; `nosession` turns sessions off; `/__getcookie` sets the cookie; socket
// responses never carry `set-cookie`; and with `--redis`, two nodes share the sessions.

const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, makeClient, startRedis } = require('./helpers');

const SIO = {
  'sails.io.js on socket.io-client 2': {},
  'sails.io.js on socket.io-client 4': { ioClient: require('socket.io-client') },
};

/** `name=value` of the session cookie a response set, or null. */
function sessionCookie(res) {
  const set = res.headers.getSetCookie().find((c) => c.startsWith('sails.sid='));
  return set ? set.split(';')[0] : null;
}

async function http(base, method, path, { cookie, body } = {}) {
  const headers = {};
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(new URL(path, base), {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, cookie: sessionCookie(res), body: text, json: () => JSON.parse(text) };
}

async function socket(server, options, cookie, extraHeaders = {}) {
  const headers = { ...extraHeaders };
  if (cookie) headers.cookie = cookie;
  return makeClient('sails.io.js', server.url, { ...options, initialConnectionHeaders: headers });
}

function assertNoSetCookie(jwr) {
  for (const name of Object.keys(jwr.headers || {})) {
    assert.notEqual(name.toLowerCase(), 'set-cookie', 'a socket response carried set-cookie');
  }
}

test('sessions over HTTP and sockets', async (t) => {
  const server = await startServer('conformance', ['--sessions']);
  t.after(() => server.stop());

  for (const [name, options] of Object.entries(SIO)) {
    await t.test(`${name}: login over HTTP, then the socket sees the user`, async () => {
      const login = await http(server.url, 'PUT', '/session', { body: { user: 'ann' } });
      assert.equal(login.status, 200);
      assert.ok(login.cookie, 'the HTTP login set the session cookie');
      const client = await socket(server, options, login.cookie);
      try {
        const jwr = await client.request('get', '/session');
        assert.equal(jwr.statusCode, 200);
        assert.deepEqual(jwr.body, { user: 'ann' });
      } finally {
        client.close();
      }
    });

    await t.test(`${name}: login over the socket, then HTTP sees the user`, async () => {
      const getcookie = await http(server.url, 'GET', '/__getcookie');
      assert.equal(getcookie.status, 200);
      assert.equal(getcookie.body, '_sailsIoJSConnect();');
      assert.ok(getcookie.cookie, '/__getcookie set the session cookie');
      const client = await socket(server, options, getcookie.cookie);
      try {
        const login = await client.request('put', '/session', { user: 'bob' });
        assert.equal(login.statusCode, 200);
        assertNoSetCookie(login);
        const seen = await http(server.url, 'GET', '/session', { cookie: getcookie.cookie });
        assert.deepEqual(seen.json(), { user: 'bob' });
        // And back: an HTTP write is seen by the socket's next request.
        await http(server.url, 'PUT', '/session', { cookie: getcookie.cookie, body: { user: 'cy' } });
        assert.deepEqual((await client.request('get', '/session')).body, { user: 'cy' });
        // Logging out over the socket ends the browser's session too.
        const logout = await client.request('delete', '/session');
        assert.equal(logout.statusCode, 200);
        assertNoSetCookie(logout);
        const after = await http(server.url, 'GET', '/session', { cookie: getcookie.cookie });
        assert.deepEqual(after.json(), { user: null });
      } finally {
        client.close();
      }
    });
  }

  await t.test('/__getcookie keeps a session that exists', async () => {
    const first = await http(server.url, 'GET', '/__getcookie');
    const again = await http(server.url, 'GET', '/__getcookie', { cookie: first.cookie });
    assert.equal(again.status, 200);
    assert.equal(again.cookie, null, 'no new cookie for a session the browser has');
  });

  await t.test('a socket without a cookie gets a session of its own, never shared', async () => {
    const a = await socket(server, {});
    const b = await socket(server, {});
    try {
      const login = await a.request('put', '/session', { user: 'alice' });
      assert.equal(login.statusCode, 200);
      assertNoSetCookie(login);
      assert.deepEqual((await a.request('get', '/session')).body, { user: 'alice' });
      assert.deepEqual((await b.request('get', '/session')).body, { user: null });
      await b.request('put', '/session', { user: 'bert' });
      assert.deepEqual((await a.request('get', '/session')).body, { user: 'alice' });
      assert.deepEqual((await b.request('get', '/session')).body, { user: 'bert' });
      // The server keeps the socket's cookie to itself: the app's requests see it, the
      // client never gets it.
      const cookie = (await a.request('get', '/cookie')).body.cookie;
      assert.match(cookie, /^sails\.sid=/);
    } finally {
      a.close();
      b.close();
    }
  });

  await t.test('a request cannot swap the socket\'s session with its own cookie header', async () => {
    const victim = await http(server.url, 'PUT', '/session', { body: { user: 'victim' } });
    const client = await socket(server, {});
    try {
      const jwr = await client.request('get', '/session', {}, { cookie: victim.cookie });
      assert.deepEqual(jwr.body, { user: null });
    } finally {
      client.close();
    }
  });

  await t.test('nor with a percent-encoded cookie name, which the session layer decodes', async () => {
    const victim = await http(server.url, 'PUT', '/session', { body: { user: 'victim' } });
    const value = victim.cookie.slice('sails.sid='.length);
    for (const handshake of [null, (await http(server.url, 'GET', '/__getcookie')).cookie]) {
      const client = await socket(server, {}, handshake);
      try {
        const jwr = await client.request('get', '/session', {}, { cookie: `sails%2Esid=${value}` });
        assert.deepEqual(jwr.body, { user: null }, `handshake cookie: ${handshake}`);
      } finally {
        client.close();
      }
    }
    // The victim's session is still there (a socket that had chosen it deleted it on leaving).
    assert.deepEqual((await http(server.url, 'GET', '/session', { cookie: victim.cookie })).json(), { user: 'victim' });
  });

  await t.test('after a logout over the socket, /__getcookie gives a new session that the next socket shares', async () => {
    const first = (await http(server.url, 'GET', '/__getcookie')).cookie;
    const old = await socket(server, {}, first);
    try {
      await old.request('put', '/session', { user: 'gus' });
      await old.request('delete', '/session');
    } finally {
      old.close();
    }
    // The browser still holds the dead id; it gets a new one instead of keeping it.
    const renewed = await http(server.url, 'GET', '/__getcookie', { cookie: first });
    assert.ok(renewed.cookie, '/__getcookie set a new cookie');
    assert.notEqual(renewed.cookie, first);
    const client = await socket(server, {}, renewed.cookie);
    try {
      await client.request('put', '/session', { user: 'hal' });
      assert.deepEqual((await http(server.url, 'GET', '/session', { cookie: renewed.cookie })).json(), { user: 'hal' },
        'the login over the socket sticks for the browser');
    } finally {
      client.close();
    }
  });

  await t.test('nosession turns sessions off: for the socket, or for one request', async () => {
    const login = await http(server.url, 'PUT', '/session', { body: { user: 'dee' } });
    const off = await socket(server, {}, login.cookie, { nosession: 'true' });
    try {
      assert.deepEqual((await off.request('get', '/session')).body, { user: null });
      const write = await off.request('put', '/session', { user: 'eve' });
      assert.equal(write.statusCode, 200);
      assertNoSetCookie(write);
      assert.deepEqual((await off.request('get', '/session')).body, { user: null });
    } finally {
      off.close();
    }
    // The browser's session was not touched.
    assert.deepEqual((await http(server.url, 'GET', '/session', { cookie: login.cookie })).json(), { user: 'dee' });
    const on = await socket(server, {}, login.cookie);
    try {
      assert.deepEqual((await on.request('get', '/session')).body, { user: 'dee' });
      const one = await on.request('get', '/session', {}, { nosession: '1' });
      assert.deepEqual(one.body, { user: null });
    } finally {
      on.close();
    }
  });

  await t.test('socket.io-client 4 with ?nosession in the handshake query', async () => {
    const login = await http(server.url, 'PUT', '/session', { body: { user: 'fay' } });
    const client = await makeClient('socket.io-client@4', server.url, {
      extraHeaders: { cookie: login.cookie }, query: { nosession: 'true' },
    });
    try {
      assert.deepEqual((await client.request('get', '/session')).body, { user: null });
    } finally {
      client.close();
    }
  });
});

test('two nodes share sessions through Redis', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const one = await startServer('conformance', ['--sessions', '--redis', redis.url]);
  t.after(() => one.stop());
  const two = await startServer('conformance', ['--sessions', '--redis', redis.url]);
  t.after(() => two.stop());

  await t.test('login over HTTP on one node, a socket on the other sees it', async () => {
    const login = await http(one.url, 'PUT', '/session', { body: { user: 'gus' } });
    const client = await socket(two, {}, login.cookie);
    try {
      assert.deepEqual((await client.request('get', '/session')).body, { user: 'gus' });
    } finally {
      client.close();
    }
  });

  await t.test('login over a socket on one node, HTTP on the other sees it', async () => {
    const getcookie = await http(two.url, 'GET', '/__getcookie');
    const client = await socket(one, { ioClient: require('socket.io-client') }, getcookie.cookie);
    try {
      assert.equal((await client.request('put', '/session', { user: 'hal' })).statusCode, 200);
    } finally {
      client.close();
    }
    assert.deepEqual((await http(two.url, 'GET', '/session', { cookie: getcookie.cookie })).json(), { user: 'hal' });
  });

  await t.test('a cookie-less socket\'s own session leaves the store with the socket', async () => {
    const before = await redis.dbsize();
    const client = await socket(one, {});
    await client.request('put', '/session', { user: 'ivy' });
    assert.equal(await redis.dbsize(), before + 1);
    client.close();
    while (await redis.dbsize() !== before) await new Promise((resolve) => setTimeout(resolve, 20));
  });
});
