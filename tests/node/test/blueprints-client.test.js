'use strict';
// The generated JavaScript client of the pets example (codegen/tests/golden/pets, installed
// from its npm pack) against the pets server, over socket.io-client 4 and over fetch: typed
// `where`, sort, select and populate sent as Sails reads them, every action, the error body,
// and the typed change messages of a watching socket.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { io } = require('socket.io-client');
const { installPackages, startServer, startPostgres } = require('./helpers');

const MODULE = pathToFileURL(path.join(installPackages(), 'node_modules', 'pets-client', 'index.js')).href;

for (const backend of ['sqlite', 'postgres']) test(`the generated client drives every blueprint action and operator, typed, over a socket and over fetch (${backend})`, async () => {
  const { createClient, isUserFindOneError } = await import(MODULE);
  const pg = backend === 'postgres' ? await startPostgres() : null;
  const server = await startServer('pets', pg ? ['--db', pg.url] : []);
  const sockets = [];
  const socket = () => {
    const s = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(s);
    return s;
  };
  try {
    const overSocket = createClient({ socket: socket() });
    const overFetch = createClient({ baseUrl: server.url });
    const watcher = createClient({ socket: socket() });
    const heard = [];
    watcher.on('user', (change) => heard.push(change));
    assert.deepEqual(await watcher.userFind(), []);

    const ids = {};
    for (const name of ['amy', 'bob', 'Bobby', 'zed']) ids[name] = (await overSocket.userCreate({ name })).id;
    for (const client of [overSocket, overFetch]) {
      const found = await client.userFind({ where: { name: { startsWith: 'b' } }, sort: [{ id: 'DESC' }] });
      assert.deepEqual(found.map((u) => u.name), ['Bobby', 'bob']);
      const either = await client.userFind({
        where: { or: [{ name: 'amy' }, { id: { '>=': ids.zed } }] }, select: ['name'], limit: 10,
      });
      assert.deepEqual(either, [{ id: ids.amy, name: 'amy' }, { id: ids.zed, name: 'zed' }]);
      assert.deepEqual((await client.userFind({ where: { name: ['amy', 'zed'] }, omit: ['createdAt', 'updatedAt'], populate: [] }))
        .map((u) => Object.keys(u).sort().join()), ['id,name', 'id,name']);
    }
    // Every operator, as the typed `where` writes it.
    const only = { id: { '>=': ids.amy } };
    const operators = [
      [{ name: 'amy' }, ['amy']],
      [{ name: ['amy', 'zed'] }, ['amy', 'zed']],
      [{ id: { '<': ids.Bobby, '>=': ids.amy } }, ['amy', 'bob']],
      [{ id: { '<=': ids.bob, '>': ids.amy } }, ['bob']],
      [{ name: { '>': 'y' } }, ['zed']],
      [{ name: { '>=': 'zed' } }, ['zed']],
      [{ name: { '!=': 'amy' }, ...only }, ['bob', 'Bobby', 'zed']],
      [{ id: { in: [ids.bob, ids.zed] } }, ['bob', 'zed']],
      [{ id: { nin: [ids.bob, ids.zed], '>=': ids.amy } }, ['amy', 'Bobby']],
      [{ name: { contains: 'OB' }, ...only }, ['bob', 'Bobby']],
      [{ name: { startsWith: 'B' }, ...only }, ['bob', 'Bobby']],
      [{ name: { endsWith: 'BY' } }, ['Bobby']],
      [{ name: { like: 'b%b' }, ...only }, ['bob']],
      [{ or: [{ name: 'amy' }, { name: 'zed' }] }, ['amy', 'zed']],
      [{ and: [{ id: { '>=': ids.bob } }, { id: { '<=': ids.Bobby } }] }, ['bob', 'Bobby']],
      [{ createdAt: { '>': 0 }, updatedAt: { '>': 0 }, ...only }, ['amy', 'bob', 'Bobby', 'zed']],
    ];
    for (const [where, expected] of operators) {
      for (const client of [overSocket, overFetch]) {
        assert.deepEqual((await client.userFind({ where })).map((u) => u.name), expected, JSON.stringify(where));
      }
    }
    const rex = await overSocket.petCreate({ name: 'rex', owner: ids.bob });
    assert.equal(rex.owner.name, 'bob');
    const bob = await overFetch.userFindOne(ids.bob, { populate: ['pets'] });
    assert.deepEqual(bob.pets.map((p) => [p.name, p.owner]), [['rex', ids.bob]]);
    assert.deepEqual((await overFetch.userAddPets(ids.amy, rex.id)).pets.map((p) => p.id), [rex.id]);
    assert.equal((await overSocket.petPopulateOwner(rex.id)).name, 'amy');
    assert.deepEqual((await overSocket.userPopulatePets(ids.amy)).map((p) => p.id), [rex.id]);
    assert.deepEqual((await overSocket.userRemovePets(ids.amy, rex.id)).pets, []);
    assert.deepEqual((await overSocket.userReplacePets(ids.zed, [rex.id])).pets.map((p) => p.id), [rex.id]);
    assert.equal((await overFetch.userUpdate(ids.zed, { name: 'zedd' })).name, 'zedd');
    assert.equal((await overFetch.userDestroy(ids.Bobby)).name, 'Bobby');

    await assert.rejects(overFetch.userFindOne(999), (e) => isUserFindOneError(e) && e.status === 404
      && e.body.error === 'not_found' && e.body.message === 'no `user` has the id 999');
    await assert.rejects(overSocket.userFind({ limit: 5000 }), (e) => e.status === 400 && /`limit` is at most 1000/.test(e.body.message));

    // The watcher hears, typed, what the others did (pushes may still be on their way).
    const expected = [`created ${ids.amy}`, `updated ${ids.zed}`, `destroyed ${ids.Bobby}`, `addedTo ${ids.bob}`];
    const deadline = Date.now() + 10000;
    const verbs = () => heard.map((c) => `${c.verb} ${c.id}`);
    while (!expected.every((v) => verbs().includes(v)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const v of expected) assert.ok(verbs().includes(v), `${v} in ${verbs().join()}`);
  } finally {
    for (const s of sockets) s.disconnect();
    await server.stop();
    pg?.stop();
  }
});
