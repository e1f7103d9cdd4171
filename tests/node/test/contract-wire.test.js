'use strict';
// API compatibility on the wire, from JavaScript: clients generated (by the real
// sailroute-codegen binary) from earlier contracts of the todo API, installed beside the
// @sailroute/client runtime, against the todo server, which checks clients against its own
// contract and was given the earlier ones (`--accept-contract`). A compatible one (the server
// added a route since) is served; an incompatible one (`Todo.title` was a number) gets a
// ClientError of kind "incompatible" over fetch, over a socket's virtual requests, and when
// its socket's handshake names the contract (CONTRACT_QUERY), at once.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { io } = require('socket.io-client');
const { ROOT, TARGET, installPackages, startServer, waitFor } = require('./helpers');

const DIR = installPackages();
const CODEGEN = path.join(TARGET, process.env.SAILROUTE_PROFILE || 'release', 'sailroute-codegen');

/** Writes an edited copy of the todo contract and generates a JS client from it alone. */
function earlier(name, edit) {
  const contract = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'todo', 'api.json'), 'utf8'));
  edit(contract);
  const file = path.join(DIR, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(contract, null, 2));
  const out = path.join(DIR, name);
  execFileSync(CODEGEN, ['--contract', file, '--js', out, '--js-name', name], { stdio: 'pipe' });
  return { file, module: pathToFileURL(path.join(out, 'index.js')).href };
}

const compatible = earlier('without-stats', (c) => {
  c.api.routes = c.api.routes.filter((r) => r.name !== 'stats');
});
const incompatible = earlier('title-was-a-number', (c) => {
  const title = c.api.types.Todo.shape.Struct.find((f) => f.json_name === 'title');
  title.ty = { Int: 'U64' };
});

async function withServer(run) {
  const server = await startServer('todo', ['--accept-contract', compatible.file, '--accept-contract', incompatible.file]);
  try {
    await run(server.url);
  } finally {
    await server.stop();
  }
}

function socketFor(url, query) {
  return io(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...(query ? { query } : {}) });
}

function isIncompatible(error, { handshake = false } = {}) {
  assert.equal(error.kind, 'incompatible', error.message);
  assert.equal(error.route, 'listTodos');
  assert.match(error.message, /refused this client's contract/);
  if (!handshake) {
    assert.equal(error.status, 409);
    assert.ok(error.body.problems.some((p) => p.includes('`title` has changed type')), JSON.stringify(error.body));
  } else {
    assert.match(error.body.message, /`title` has changed type/);
  }
  return true;
}

test('a client of a compatible earlier contract is served over fetch and socket.io', async () => {
  const api = await import(compatible.module);
  const current = await import(pathToFileURL(path.join(DIR, 'node_modules', 'todo-client', 'index.js')).href);
  assert.notEqual(api.CONTRACT, current.CONTRACT);
  assert.equal(typeof api.createClient({}).stats, 'undefined', 'the earlier client has no stats route');
  await withServer(async (url) => {
    assert.deepEqual(await api.createClient({ baseUrl: url }).listTodos(), []);
    const socket = socketFor(url, api.CONTRACT_QUERY);
    try {
      await waitFor(socket, 'connect');
      const made = await api.createClient({ socket }).createTodo({ title: 'still works' });
      assert.equal(made.title, 'still works');
    } finally {
      socket.close();
    }
  });
});

test('a client of an incompatible contract gets kind "incompatible" on every transport', async () => {
  const api = await import(incompatible.module);
  const { ClientError } = await import(pathToFileURL(path.join(DIR, 'node_modules', '@sailroute', 'client', 'index.js')).href);
  await withServer(async (url) => {
    // Over fetch: the 409 answer.
    await assert.rejects(api.createClient({ baseUrl: url }).listTodos(), (e) => e instanceof ClientError && isIncompatible(e));

    // Over a socket whose handshake does not name the contract: each virtual request carries it.
    const plain = socketFor(url);
    try {
      await waitFor(plain, 'connect');
      await assert.rejects(api.createClient({ socket: plain }).listTodos(), (e) => isIncompatible(e));
    } finally {
      plain.close();
    }

    // Over a socket whose handshake names it: refused before connecting; calls fail at once,
    // whether made before the refusal arrives or after.
    const named = socketFor(url, api.CONTRACT_QUERY);
    try {
      const client = api.createClient({ socket: named });
      const refused = waitFor(named, 'connect_error');
      // Settled into a value at once, so its rejection is handled before the refusal arrives.
      const early = client.listTodos().then(() => assert.fail('the early call succeeded'), (e) => e);
      const [refusal] = await refused;
      assert.match(refusal.message, /^incompatible contract: /);
      assert.ok(isIncompatible(await early, { handshake: true }));
      await assert.rejects(client.listTodos(), (e) => isIncompatible(e, { handshake: true }));
      assert.equal(named.connected, false);
    } finally {
      named.close();
    }
  });
});
