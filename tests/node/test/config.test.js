'use strict';
// Server settings Sails apps rely on, with the real clients: Socket.IO at a custom path
// (Sails' `sockets.path`) for sails.io.js on socket.io-client 2 and 4, the stock browser client
// served beside it (`serveClient`), and Engine.IO's `maxPayload` as its own setting.

const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, makeClient, sailsConnect, waitFor } = require('./helpers');

test.describe('Socket.IO at a custom path', () => {
  let server;
  test.before(async () => {
    server = await startServer('conformance', ['--socket-path', '/socketsarefun', '--serve-client']);
  });
  test.after(async () => { await server.stop(); });

  for (const [name, ioClient] of [['socket.io-client 2', undefined], ['socket.io-client 4', require('socket.io-client')]]) {
    test(`sails.io.js on ${name} connects with its path option and makes requests`, async () => {
      const client = await makeClient('sails.io.js', server.url, { path: '/socketsarefun', ioClient });
      try {
        const res = await client.request('get', '/hello', {});
        assert.equal(res.statusCode, 200);
        assert.deepEqual(res.body, { hello: 'world' });
      } finally {
        client.close();
      }
    });
  }

  test('socket.io-client 4 connects at the path; the default path is not served', async () => {
    const client = await makeClient('socket.io-client@4', server.url, { path: '/socketsarefun' });
    try {
      assert.equal((await client.request('get', '/hello', {})).statusCode, 200);
    } finally {
      client.close();
    }
    const { io } = require('socket.io-client');
    const wrong = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
    try {
      const [error] = await waitFor(wrong, 'connect_error');
      assert.ok(error);
    } finally {
      wrong.close();
    }
    const polling = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
    assert.equal(polling.status, 404);
  });

  test('the stock Socket.IO browser client is served beside it', async () => {
    const res = await fetch(`${server.url}/socketsarefun/socket.io.js`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /javascript/);
    assert.match(await res.text(), /^\/\*!\n \* Socket\.IO v4\.8\.1/);
  });
});

test('without serve_client the browser client is not served', async () => {
  const server = await startServer('conformance');
  try {
    const res = await fetch(`${server.url}/socket.io/socket.io.js`);
    assert.notEqual(res.status, 200);
  } finally {
    await server.stop();
  }
});

/** POSTs one long-polling frame of `size` characters to a connected polling session. */
async function pollingPost(server, size) {
  const { socket } = sailsConnect(server.url, { transports: ['polling'] });
  await waitFor(socket, 'connect');
  try {
    const packet = `42["post",{"url":"/echo","data":{"s":"${'x'.repeat(size)}"}}]`;
    const res = await fetch(`${server.url}/socket.io/?EIO=3&transport=polling&sid=${socket._raw.io.engine.id}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: `${packet.length}:${packet}`,
    });
    return res.status;
  } finally {
    socket.disconnect();
  }
}

test('Engine.IO maxPayload is its own setting: a long-polling payload above it is refused, the default follows max-body', async () => {
  const limited = await startServer('conformance', ['--max-payload', '2000']);
  const normal = await startServer('conformance');
  try {
    assert.equal(await pollingPost(limited, 100), 200);
    assert.notEqual(await pollingPost(limited, 5000), 200, 'above maxPayload');
    assert.equal(await pollingPost(normal, 5000), 200, 'the same payload under the default');
  } finally {
    await limited.stop();
    await normal.stop();
  }
});

test.describe('the client IP: the peer address, or with --trust-proxy the hop the trusted proxies name, by one rule on both transports', () => {
  // The client claimed 6.6.6.6 in both headers; the proxy appended 203.0.113.7, the next one
  // 10.0.0.2 (issue 23, point 3: the left-most entry and a passed-through Forwarded are the
  // client's own words).
  const forwarded = { 'x-forwarded-for': '6.6.6.6, 203.0.113.7, 10.0.0.2', forwarded: 'for=6.6.6.6' };
  const cases = [
    ['not trusting any proxy', [], '127.0.0.1'],
    ['trusting one proxy', ['--trust-proxy'], '10.0.0.2'],
    ['trusting two hops', ['--trust-proxy-hops', '2'], '203.0.113.7'],
    ['trusting the proxies on loopback and 10.0.0.0/8', ['--trust-proxy-subnet', 'loopback', '--trust-proxy-subnet', '10.0.0.0/8'], '203.0.113.7'],
    ['reading Forwarded when told the proxy writes it', ['--trust-proxy', '--forwarded-header'], '6.6.6.6'],
  ];
  for (const [name, args, expected] of cases) {
    test(name, async () => {
      const server = await startServer('conformance', args);
      try {
        const http = await fetch(`${server.url}/ip`, { headers: forwarded });
        assert.deepEqual(await http.json(), { ip: expected }, 'HTTP');
        // Over a socket the handshake's forwarded header counts, never the request's own.
        const socket = await makeClient('sails.io.js', server.url, { initialConnectionHeaders: forwarded });
        const plain = await makeClient('sails.io.js', server.url);
        try {
          assert.deepEqual((await socket.request('get', '/ip', {}, {})).body, { ip: expected }, 'socket');
          const forged = await plain.request('get', '/ip', {}, { 'x-forwarded-for': '198.51.100.1' });
          assert.deepEqual(forged.body, { ip: '127.0.0.1' }, 'a virtual request cannot forge it');
        } finally {
          socket.close();
          plain.close();
        }
      } finally {
        await server.stop();
      }
    });
  }
});
