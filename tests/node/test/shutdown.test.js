'use strict';
// Graceful shutdown with real clients: on SIGTERM (and Ctrl-C) the server stops accepting,
// finishes the requests in flight on both transports, closes every socket's transport and
// exits by itself. The stock clients read a closed transport as "transport close" and
// reconnect, so after a restart they are served again: a Socket.IO DISCONNECT would read as
// "io server disconnect", after which socket.io-client (and sails.io.js) never reconnect.

const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, makeClient, waitFor } = require('./helpers');

for (const signal of ['SIGTERM', 'SIGINT']) {
  test(`on ${signal}: requests in flight finish, sockets see their transport close, the process exits 0`, { timeout: 60000 }, async () => {
    const server = await startServer('conformance');
    const v4 = await makeClient('socket.io-client@4', server.url);
    const sails = await makeClient('sails.io.js', server.url);
    try {
      const v4Gone = waitFor(v4.socket, 'disconnect', 30000);
      const sailsGone = waitFor(sails.socket._raw, 'disconnect', 30000);
      // A request in flight when the signal arrives: one socket delivers in order, so once a
      // later request on it is answered, the server is running the slow one.
      const overSocket = v4.request('get', '/slow?ms=800', {});
      assert.equal((await v4.request('get', '/hello', {})).statusCode, 200);
      const exit = server.terminate(signal);
      const answered = await overSocket;
      assert.equal(answered.statusCode, 200, 'the socket request in flight is answered');
      assert.deepEqual(answered.body, { slept: 800 });
      const [v4Reason] = await v4Gone;
      assert.equal(v4Reason, 'transport close');
      const [sailsReason] = await sailsGone;
      assert.equal(sailsReason, 'transport close');
      assert.equal(await exit, 0);
      assert.match(server.output(), /./, 'the server printed its start line');
    } finally {
      v4.close();
      sails.close();
      await server.stop();
    }
  });
}

test('a server on a multi-threaded runtime (the todo example) shuts down the same way', { timeout: 60000 }, async () => {
  const server = await startServer('todo');
  const clients = await Promise.all([1, 2, 3].map(() => makeClient('socket.io-client@4', server.url)));
  try {
    const gone = clients.map((c) => waitFor(c.socket, 'disconnect', 30000));
    assert.equal(await server.terminate('SIGTERM'), 0);
    for (const [reason] of await Promise.all(gone)) assert.equal(reason, 'transport close');
  } finally {
    for (const c of clients) c.close();
    await server.stop();
  }
});

test('after a restart the stock clients reconnect by themselves and their queued requests are answered', { timeout: 60000 }, async () => {
  const first = await startServer('conformance');
  // Reconnection as the clients ship it (the helpers turn it off for the other suites).
  const options = { reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 500 };
  const v4 = await makeClient('socket.io-client@4', first.url, options);
  const sails = await makeClient('sails.io.js', first.url, options);
  let second;
  try {
    const v4Gone = waitFor(v4.socket, 'disconnect', 30000);
    const sailsGone = waitFor(sails.socket._raw, 'disconnect', 30000);
    assert.equal(await first.terminate('SIGTERM'), 0);
    await Promise.all([v4Gone, sailsGone]);
    // Asked while no server runs: socket.io-client buffers the emit, sails.io.js queues the
    // request, until they are connected again.
    const v4Answer = v4.request('get', '/hello', {});
    const sailsAnswer = sails.request('get', '/hello', {});
    const v4Back = waitFor(v4.socket, 'connect', 30000);
    const sailsBack = waitFor(sails.socket._raw, 'connect', 30000);
    second = await startServer('conformance', [], {}, first.port);
    await Promise.all([v4Back, sailsBack]);
    for (const answer of await Promise.all([v4Answer, sailsAnswer])) {
      assert.equal(answer.statusCode, 200);
    }
  } finally {
    v4.close();
    sails.close();
    await first.stop();
    if (second) await second.stop();
  }
});
