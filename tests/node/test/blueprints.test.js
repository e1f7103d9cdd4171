'use strict';
// Blueprints on the wire, against the pets example (Sails' User / Pet pair), on SQLite and on
// a real PostgreSQL: every action over HTTP and over sails.io.js, the query language, the
// errors, and every realtime message Sails' blueprints send, reverse associations included,
// as a watching sails.io.js socket hears them (shared/reference/sails-blueprints.md).

const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, makeClient, startPostgres, startRedis } = require('./helpers');

/**
 * Every `user` and `pet` message a client hears, in order. `take(n)` resolves with the next
 * `n` once they have come.
 */
function recorder(client) {
  const seen = [];
  let wake = () => {};
  for (const event of ['user', 'pet']) {
    client.on(event, (data) => { seen.push({ event, ...data }); wake(); });
  }
  return {
    async take(n, timeoutMs = 10000) {
      const deadline = Date.now() + timeoutMs;
      while (seen.length < n) {
        if (Date.now() > deadline) throw new Error(`${n} messages expected, ${seen.length} came: ${JSON.stringify(seen)}`);
        await new Promise((resolve) => { wake = resolve; setTimeout(resolve, 50); });
      }
      return seen.splice(0, n);
    },
    /** What came beyond what was taken, after a round trip that orders it. */
    async rest(roundTrip) {
      await roundTrip();
      return seen.splice(0);
    },
  };
}

/** A record's keys without its timestamps, for comparing records across answers. */
function plain(record) {
  const { createdAt, updatedAt, ...rest } = record;
  assert.equal(typeof createdAt, 'number');
  assert.equal(typeof updatedAt, 'number');
  return rest;
}

for (const backend of ['sqlite', 'postgres']) {
  test.describe(`blueprints on ${backend}`, () => {
    let server; let pg; let alice; let watcher; let http;
    const quiet = () => alice.request('get', '/pet/0', {});

    test.before(async () => {
      const args = [];
      if (backend === 'postgres') {
        pg = await startPostgres();
        args.push('--db', pg.url);
      }
      server = await startServer('pets', args);
      alice = await makeClient('sails.io.js', server.url);
      watcher = await makeClient('sails.io.js', server.url);
      http = await makeClient('http', server.url);
    });
    test.after(async () => {
      for (const c of [alice, watcher]) c?.close();
      await server?.stop();
      pg?.stop();
    });

    test('create, find, findOne, update, destroy, populate, add, remove, replace — and their messages', async () => {
      const heard = recorder(watcher);
      const aliceHeard = recorder(alice);
      // A find watches the model (autoWatch) and subscribes to what it found.
      assert.deepEqual((await watcher.request('get', '/user', {})).body, []);
      assert.deepEqual((await watcher.request('get', '/pet', {})).body, []);

      // create
      const scott = await alice.request('post', '/user', { name: 'scott' });
      assert.equal(scott.statusCode, 200);
      assert.deepEqual(plain(scott.body), { id: 1, name: 'scott', pets: [] });
      assert.equal(scott.body.createdAt, scott.body.updatedAt);
      assert.deepEqual(await heard.take(1), [{ event: 'user', verb: 'created', id: 1, data: scott.body }]);

      // create with a singular association: the owner's collection grows.
      const rex = await alice.request('post', '/pet', { name: 'rex', owner: 1 });
      assert.equal(rex.statusCode, 200);
      // A populated singular association is the whole record without its collections.
      const { pets: _, ...scottAlone } = scott.body;
      assert.deepEqual(plain(rex.body), { id: 1, name: 'rex', owner: scottAlone });
      assert.deepEqual(await heard.take(2), [
        { event: 'pet', verb: 'created', id: 1, data: rex.body },
        { event: 'user', verb: 'addedTo', id: 1, attribute: 'pets', addedId: 1 },
      ]);
      const irl = await http.request('post', '/user', { name: 'irl' });
      assert.equal(irl.statusCode, 200);
      assert.deepEqual(await heard.take(1), [{ event: 'user', verb: 'created', id: 2, data: irl.body }]);

      // find populates every association; inside it a singular one is the plain id.
      const users = await http.request('get', '/user', {});
      assert.deepEqual(users.body.map(plain), [
        { id: 1, name: 'scott', pets: [{ ...rex.body, owner: 1 }] },
        { id: 2, name: 'irl', pets: [] },
      ]);
      assert.deepEqual((await alice.request('get', '/user/1', { populate: 'false' })).body, {
        id: 1, name: 'scott', createdAt: scott.body.createdAt, updatedAt: scott.body.updatedAt,
      });

      // update of a singular association: the pet's `updated`, the old owner's `removedFrom`
      // and the new owner's `addedTo`.
      const moved = await alice.request('patch', '/pet/1', { owner: 2 });
      assert.equal(moved.statusCode, 200);
      assert.equal(moved.body.owner.id, 2);
      const [updated, removed, added] = await heard.take(3);
      assert.deepEqual(updated, {
        event: 'pet', verb: 'updated', id: 1,
        data: { owner: 2, id: 1, updatedAt: moved.body.updatedAt },
        previous: rex.body,
      });
      assert.deepEqual(removed, { event: 'user', verb: 'removedFrom', id: 1, attribute: 'pets', removedId: 1 });
      assert.deepEqual(added, { event: 'user', verb: 'addedTo', id: 2, attribute: 'pets', addedId: 1 });

      // PUT updates too.
      const renamed = await alice.request('put', '/pet/1', { name: 'rexy' });
      assert.equal(renamed.body.name, 'rexy');
      const [put] = await heard.take(1);
      assert.deepEqual(put.data, { name: 'rexy', id: 1, updatedAt: renamed.body.updatedAt });

      // add: the parent's `addedTo`, the child's `updated`, the previous parent's `removedFrom`.
      const fido = await alice.request('post', '/pet', { name: 'fido' });
      await heard.take(1);
      const add = await alice.request('put', '/user/1/pets/1', {});
      assert.equal(add.statusCode, 200);
      assert.deepEqual(add.body.pets.map((p) => p.id), [1]);
      const addMessages = await heard.take(3);
      assert.deepEqual(addMessages[0], { event: 'user', verb: 'addedTo', id: 1, attribute: 'pets', addedId: 1 });
      assert.equal(addMessages[1].verb, 'updated');
      assert.deepEqual(addMessages[1].data.owner, 1);
      assert.deepEqual(addMessages[2], { event: 'user', verb: 'removedFrom', id: 2, attribute: 'pets', removedId: 1 });

      // populate, plural and singular.
      const pets = await http.request('get', '/user/1/pets', {});
      assert.deepEqual(pets.body.map((p) => p.name), ['rexy']);
      assert.equal((await http.request('get', '/pet/1/owner', {})).body.name, 'scott');
      const unowned = await alice.request('get', `/pet/${fido.body.id}/owner`, {});
      assert.equal(unowned.statusCode, 404);
      assert.equal(unowned.body.message, `the \`pet\` ${fido.body.id} has no \`owner\``);

      // remove
      const remove = await alice.request('delete', '/user/1/pets/1', {});
      assert.deepEqual(remove.body.pets, []);
      const removeMessages = await heard.take(2);
      assert.deepEqual(removeMessages[0], { event: 'user', verb: 'removedFrom', id: 1, attribute: 'pets', removedId: 1 });
      assert.deepEqual([removeMessages[1].verb, removeMessages[1].data.owner], ['updated', null]);

      // replace
      const replace = await alice.request('put', '/user/2/pets', [1, fido.body.id]);
      assert.equal(replace.statusCode, 200);
      assert.deepEqual(replace.body.pets.map((p) => p.id), [1, fido.body.id]);
      const replaceMessages = await heard.take(4);
      assert.deepEqual(replaceMessages.map((m) => `${m.event} ${m.verb} ${m.id}`), [
        'user addedTo 2', 'pet updated 1', `user addedTo 2`, `pet updated ${fido.body.id}`,
      ]);

      // destroy: answers the record; its pets let go of it.
      const destroyed = await alice.request('delete', '/user/2', {});
      assert.equal(destroyed.statusCode, 200);
      assert.deepEqual(destroyed.body.pets.map((p) => p.id), [1, fido.body.id]);
      const destroyMessages = await heard.take(3);
      assert.deepEqual(destroyMessages[0], { event: 'user', verb: 'destroyed', id: 2, previous: destroyed.body });
      assert.deepEqual(destroyMessages.slice(1).map((m) => [m.event, m.verb, m.id, m.data.owner]), [
        ['pet', 'updated', 1, null], ['pet', 'updated', fido.body.id, null],
      ]);
      assert.equal((await http.request('get', '/user/2', {})).statusCode, 404);

      // destroying an owned pet tells its owner.
      await alice.request('put', `/user/1/pets/${fido.body.id}`, {});
      await heard.take(2);
      const gone = await alice.request('delete', `/pet/${fido.body.id}`, {});
      assert.deepEqual(await heard.take(2), [
        { event: 'pet', verb: 'destroyed', id: fido.body.id, previous: gone.body },
        { event: 'user', verb: 'removedFrom', id: 1, attribute: 'pets', removedId: fido.body.id },
      ]);

      // create with a collection takes its pets from their owners: `created`, each pet's
      // `updated`, the previous owner's `removedFrom`.
      await alice.request('put', '/user/1/pets/1', {});
      await heard.take(2);
      const ann = await alice.request('post', '/user', { name: 'ann', pets: [1] });
      assert.equal(ann.statusCode, 200);
      assert.deepEqual(ann.body.pets.map((p) => p.id), [1]);
      const annMessages = await heard.take(3);
      assert.deepEqual(annMessages.map((m) => `${m.event} ${m.verb} ${m.id}`), [
        `user created ${ann.body.id}`, 'pet updated 1', 'user removedFrom 1',
      ]);
      assert.equal(annMessages[1].data.owner, ann.body.id);

      // Nothing else came, and the requester heard none of its own changes.
      assert.deepEqual(await heard.rest(quiet), []);
      assert.deepEqual(await aliceHeard.rest(quiet), []);
    });

    test('a socket hears about records it found, not about others', async () => {
      const other = await makeClient('sails.io.js', server.url);
      const heard = recorder(other);
      try {
        // findOne subscribes to that record only: no `created` for new ones.
        assert.equal((await other.request('get', '/user/1', {})).statusCode, 200);
        await http.request('post', '/user', { name: 'unseen' });
        await http.request('patch', '/user/1', { name: 'scotty' });
        const [message] = await heard.take(1);
        assert.deepEqual([message.event, message.verb, message.id, message.data.name], ['user', 'updated', 1, 'scotty']);
        assert.equal(message.previous.name, 'scott');
        assert.deepEqual(await heard.rest(() => other.request('get', '/pet/0', {})), []);
      } finally {
        other.close();
      }
    });

    test('a handler of the app\'s own publishes through the same model API', async () => {
      const heard = recorder(watcher);
      const mine = recorder(alice);
      const adopted = await alice.request('post', '/user/1/adopt', { name: 'stray' });
      assert.equal(adopted.statusCode, 200, JSON.stringify(adopted.body));
      assert.equal(adopted.body.owner.id, 1);
      assert.deepEqual(await heard.take(2), [
        { event: 'pet', verb: 'created', id: adopted.body.id, data: adopted.body },
        { event: 'user', verb: 'addedTo', id: 1, attribute: 'pets', addedId: adopted.body.id },
      ]);
      assert.deepEqual(await mine.rest(quiet), []);
      assert.equal((await http.request('post', '/user/999/adopt', { name: 'x' })).statusCode, 409);
    });

    test('the query language, the same over HTTP and over a socket', async () => {
      // A fresh set of users whose names and ids the queries pick from.
      const names = ['amy', 'bob', 'Bobby', '50%_off', 'zed'];
      const ids = {};
      for (const name of names) ids[name] = (await http.request('post', '/user', { name })).body.id;
      const only = { where: JSON.stringify({ id: { '>=': ids.amy } }) };
      const cases = [
        [{ name: 'amy' }, ['amy']],
        // Order comparisons on ids, and on text only where every collation agrees.
        [{ where: { id: { '<': ids.Bobby, '>=': ids.amy } } }, ['amy', 'bob']],
        [{ where: { id: { '<=': ids.bob, '>': ids.amy } } }, ['bob']],
        [{ where: { name: { '>': 'y' } } }, ['zed']],
        [{ where: { name: { '>=': 'zed' } } }, ['zed']],
        [{ where: { name: { '!=': 'amy' }, id: { '>': ids.bob } } }, ['Bobby', '50%_off', 'zed']],
        [{ where: { id: { in: [ids.bob, ids.zed] } } }, ['bob', 'zed']],
        [{ where: { id: { nin: [ids.bob, ids.zed], '>=': ids.amy } } }, ['amy', 'Bobby', '50%_off']],
        [{ where: { name: { contains: 'OB' }, id: { '>=': ids.amy } } }, ['bob', 'Bobby']],
        [{ where: { name: { startsWith: 'b' }, id: { '>=': ids.amy } } }, ['bob', 'Bobby']],
        [{ where: { name: { endsWith: 'by' } } }, ['Bobby']],
        [{ where: { name: { contains: '%_' } } }, ['50%_off']],
        [{ where: { name: { like: 'b%b' }, id: { '>=': ids.amy } } }, ['bob']],
        [{ where: { or: [{ name: 'amy' }, { name: 'zed' }] } }, ['amy', 'zed']],
        [{ where: { and: [{ id: { '>=': ids.bob } }, { id: { '<=': ids.Bobby } }] } }, ['bob', 'Bobby']],
        [{ ...only, sort: 'id desc', limit: 2 }, ['zed', '50%_off']],
        [{ ...only, sort: JSON.stringify({ id: -1 }), skip: 3 }, ['bob', 'amy']],
        [{ ...only, sort: JSON.stringify([{ id: 'DESC' }]), limit: 1 }, ['zed']],
      ];
      for (const [query, expected] of cases) {
        const data = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : v]));
        for (const client of [http, alice]) {
          const res = await client.request('get', '/user', client === alice ? query : data);
          assert.equal(res.statusCode, 200, `${client.kind} ${JSON.stringify(query)}: ${JSON.stringify(res.body)}`);
          assert.deepEqual(res.body.map((u) => u.name), expected, `${client.kind} ${JSON.stringify(query)}`);
        }
      }
      const picked = await alice.request('get', '/user', { ...only, select: 'name', limit: 1 });
      assert.deepEqual(picked.body, [{ id: ids.amy, name: 'amy' }]);
      const omitted = await http.request('get', '/user', { ...only, omit: 'name, createdAt', populate: 'false', limit: 1 });
      assert.deepEqual(Object.keys(omitted.body[0]).sort(), ['id', 'updatedAt']);
      // 30 by default, more when asked.
      for (let i = 0; i < 30; i += 1) await http.request('post', '/pet', { name: `pet${i}` });
      assert.equal((await http.request('get', '/pet', {})).body.length, 30);
      assert.ok((await http.request('get', '/pet', { limit: 35 })).body.length > 30);
    });

    test('many-to-many (User.groups via Group.members): both sides populated, both sides told', async () => {
      const groupsServer = await startServer('pets', backend === 'postgres' ? ['--db', pg.url, '--groups'] : ['--groups']);
      const ann = await makeClient('sails.io.js', groupsServer.url);
      const eve = await makeClient('sails.io.js', groupsServer.url);
      const web = await makeClient('http', groupsServer.url);
      try {
        const heard = recorder(eve);
        const groupHeard = [];
        eve.on('group', (m) => groupHeard.push({ event: 'group', ...m }));
        await eve.request('get', '/user', {});
        await eve.request('get', '/group', {});
        const admins = (await ann.request('post', '/group', { name: 'admins' })).body;
        const staff = (await ann.request('post', '/group', { name: 'staff' })).body;
        const bob = (await ann.request('post', '/user', { name: 'bob-m2m' })).body;
        const made = await ann.request('post', '/user', { name: 'ann-m2m', groups: [admins.id] });
        assert.equal(made.statusCode, 200, JSON.stringify(made.body));
        assert.deepEqual(made.body.groups.map((g) => g.name), ['admins']);
        const members = await web.request('get', `/group/${admins.id}/members`, {});
        assert.deepEqual(members.body.map((u) => u.name), ['ann-m2m']);
        // add, remove and replace, from either side; both sides hear `addedTo`/`removedFrom`.
        await ann.request('put', `/group/${admins.id}/members/${bob.id}`, {});
        await ann.request('delete', `/group/${admins.id}/members/${made.body.id}`, {});
        const replaced = await ann.request('put', `/user/${bob.id}/groups`, [staff.id]);
        assert.deepEqual(replaced.body.groups.map((g) => g.name), ['staff']);
        assert.deepEqual((await web.request('get', `/group/${admins.id}`, {})).body.members, []);
        const failed = await ann.request('put', `/user/${bob.id}/groups`, [staff.id, 999999]);
        assert.equal(failed.statusCode, 404);
        assert.deepEqual((await web.request('get', `/user/${bob.id}`, {})).body.groups.map((g) => g.id), [staff.id]);
        const gone = await ann.request('delete', `/group/${staff.id}`, {});
        assert.deepEqual(gone.body.members.map((u) => u.id), [bob.id]);
        assert.deepEqual((await web.request('get', `/user/${bob.id}`, {})).body.groups, []);
        const text = (m) => `${m.event} ${m.verb} ${m.id}${m.attribute ? ` ${m.attribute} ${m.addedId ?? m.removedId}` : ''}`;
        // A destroyed group's own `removedFrom` goes to its emptied room: only the user hears.
        assert.deepEqual((await heard.take(7)).map(text), [
          `user created ${bob.id}`,
          `user created ${made.body.id}`,
          `user addedTo ${bob.id} groups ${admins.id}`,
          `user removedFrom ${made.body.id} groups ${admins.id}`,
          `user removedFrom ${bob.id} groups ${admins.id}`,
          `user addedTo ${bob.id} groups ${staff.id}`,
          `user removedFrom ${bob.id} groups ${staff.id}`,
        ]);
        assert.deepEqual(groupHeard.map(text), [
          `group created ${admins.id}`,
          `group created ${staff.id}`,
          `group addedTo ${admins.id} members ${made.body.id}`,
          `group addedTo ${admins.id} members ${bob.id}`,
          `group removedFrom ${admins.id} members ${made.body.id}`,
          `group removedFrom ${admins.id} members ${bob.id}`,
          `group addedTo ${staff.id} members ${bob.id}`,
          `group destroyed ${staff.id}`,
        ]);
      } finally {
        ann.close();
        eve.close();
        await groupsServer.stop();
      }
    });

    test('bad input: a 400 that names the problem, 404, 409, and nothing half-written', async () => {
      const cases = [
        ['get', '/user', { nmae: 'x' }, 400, /`nmae`.*not an attribute of `user`/],
        ['get', '/user', { where: '{"name":' }, 400, /`where` is not valid JSON/],
        ['get', '/user', { where: '{"id":{"contains":"1"}}' }, 400, /`contains` cannot be used on `id`/],
        ['get', '/user', { where: '{"name":{"near":"x"}}' }, 400, /`near` on `name` is not an operator/],
        ['get', '/user', { limit: '5000' }, 400, /`limit` is at most 1000/],
        ['get', '/user', { populate: 'friends' }, 400, /`friends` in `populate` is not an association/],
        ['post', '/user', { name: 5 }, 400, /`name` takes a string, not the number 5/],
        ['post', '/user', { nmae: 'x' }, 400, /`nmae`.*not an attribute of `user`/],
        ['post', '/user', { id: 7 }, 400, /`id` of `user` is the database's to assign/],
        ['get', '/user/abc', {}, 400, /`abc` is not an id of `user`/],
        ['get', '/user/999', {}, 404, /no `user` has the id 999/],
        ['patch', '/user/999', { name: 'x' }, 404, /no `user` has the id 999/],
        ['delete', '/user/999', {}, 404, /no `user` has the id 999/],
        ['get', '/user/1/friends', {}, 404, /`friends` is not an association of `user`/],
        ['put', '/user/1/pets/999', {}, 404, /no `pet` has the id 999/],
        ['put', '/user/999/pets', [1], 404, /no `user` has the id 999/],
        ['patch', '/user/1', { createdAt: 5 }, 400, /`createdAt` of `user` is set by the model/],
        ['patch', '/user/1', { id: 2 }, 400, /`id` of `user` is the database's to assign/],
        ['post', '/pet', { name: 'x', owner: 999 }, 409, /`owner` of `pet` names the `user` 999, which does not exist/],
      ];
      for (const [method, url, data, status, message] of cases) {
        for (const client of [http, alice]) {
          const res = await client.request(method, url, data);
          assert.equal(res.statusCode, status, `${client.kind} ${method} ${url} ${JSON.stringify(data)}: ${JSON.stringify(res.body)}`);
          assert.match(res.body.message, message, `${client.kind} ${method} ${url}`);
        }
      }
      // A failed create or replace with associations changes nothing.
      const before = (await http.request('get', '/user', { limit: 1000 })).body;
      const owner = before.find((u) => u.pets.length > 0);
      assert.ok(owner, 'a user with pets');
      const failedCreate = await alice.request('post', '/user', { name: 'half', pets: [owner.pets[0].id, 999] });
      assert.equal(failedCreate.statusCode, 404);
      const failedReplace = await alice.request('put', `/user/${owner.id}/pets`, [999]);
      assert.equal(failedReplace.statusCode, 404);
      assert.deepEqual((await http.request('get', '/user', { limit: 1000 })).body, before);
    });
  });
}

test('several nodes: a change on one reaches a watcher on another, through Redis and one PostgreSQL', async () => {
  const pg = await startPostgres();
  const redis = await startRedis();
  const nodes = [];
  const clients = [];
  try {
    for (let i = 0; i < 2; i += 1) nodes.push(await startServer('pets', ['--db', pg.url, '--redis', redis.url]));
    const [one, two] = [await makeClient('sails.io.js', nodes[0].url), await makeClient('sails.io.js', nodes[1].url)];
    clients.push(one, two);
    const heard = recorder(two);
    assert.deepEqual((await two.request('get', '/user', {})).body, []);
    const scott = await one.request('post', '/user', { name: 'scott' });
    assert.deepEqual(await heard.take(1), [{ event: 'user', verb: 'created', id: scott.body.id, data: scott.body }]);
    // The watcher on the other node was subscribed to the new record there too.
    const renamed = await one.request('patch', `/user/${scott.body.id}`, { name: 'scotty' });
    const [updated] = await heard.take(1);
    assert.deepEqual([updated.verb, updated.data.name, updated.previous.name], ['updated', 'scotty', 'scott']);
    assert.equal(updated.data.updatedAt, renamed.body.updatedAt);
    // Both nodes read the one database.
    assert.deepEqual((await two.request('get', `/user/${scott.body.id}`, {})).body, renamed.body);
  } finally {
    for (const c of clients) c.close();
    for (const n of nodes) await n.stop();
    await redis.stop();
    pg.stop();
  }
});
