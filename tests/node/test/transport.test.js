// The transport of our own (issue 20), through its probe server (bench/src/bin/transport-probe.rs:
// Engine.IO 4 over WebSocket on runtime/src/transport, answering a Socket.IO CONNECT): the stock
// socket.io-client 4 connects, hears the server's heartbeat (the first ping a pingInterval after
// the handshake, not at once), answers it, and stays connected; clients come and go and the
// server lives on.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { io } = require('socket.io-client');
const { startServer, waitFor } = require('./helpers');

test('socket.io-client 4 connects to the transport and answers its heartbeats', async () => {
  const server = await startServer('transport-probe', ['--ping-interval', '300']);
  try {
    const socket = io(server.url, { transports: ['websocket'], reconnection: false, forceNew: true });
    const disconnects = [];
    socket.on('disconnect', (reason) => disconnects.push(reason));
    const pings = [];
    socket.io.on('ping', () => pings.push(Date.now()));
    await waitFor(socket, 'connect');
    const connectedAt = Date.now();
    while (pings.length < 3) await new Promise((r) => setTimeout(r, 50));
    assert.ok(pings[0] - connectedAt >= 150, `the first ping came ${pings[0] - connectedAt} ms after the handshake`);
    assert.equal(socket.connected, true);
    assert.deepEqual(disconnects, []);

    // Others connect and leave; the first one stays.
    const others = [];
    for (let i = 0; i < 20; i += 1) {
      const other = io(server.url, { transports: ['websocket'], reconnection: false, forceNew: true });
      others.push(other);
      await waitFor(other, 'connect');
    }
    for (const other of others) other.close();
    const more = pings.length + 2;
    while (pings.length < more) await new Promise((r) => setTimeout(r, 50));
    assert.equal(socket.connected, true);
    assert.deepEqual(disconnects, []);
    socket.close();
    assert.ok(server.alive());
  } finally {
    await server.stop();
  }
});

test('a broadcast on the transport reaches every other member of the room, acked', async () => {
  const server = await startServer('transport-probe');
  const sockets = [];
  try {
    const request = (socket, method, url, data = {}) => new Promise((resolve) => {
      socket.emit(method, { method, url, data, headers: {} }, resolve);
    });
    for (let i = 0; i < 5; i += 1) {
      const socket = io(server.url, { transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(socket);
      await waitFor(socket, 'connect');
      const answer = await request(socket, 'put', '/subscribe/room');
      assert.equal(answer.statusCode, 200);
    }
    const heard = sockets.map(() => []);
    sockets.forEach((socket, i) => socket.on('msg', (data) => heard[i].push(data)));
    for (let seq = 0; seq < 3; seq += 1) {
      const answer = await request(sockets[0], 'post', '/broadcast/room', { seq });
      assert.equal(answer.statusCode, 200);
    }
    while (heard.slice(1).some((h) => h.length < 3)) await new Promise((r) => setTimeout(r, 20));
    for (const h of heard.slice(1)) assert.deepEqual(h, [{ seq: 0 }, { seq: 1 }, { seq: 2 }]);
    assert.deepEqual(heard[0], [], 'the sender is left out');
  } finally {
    for (const socket of sockets) socket.close();
    await server.stop();
  }
});
