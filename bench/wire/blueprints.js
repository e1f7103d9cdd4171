#!/usr/bin/env node
/*
 * Blueprints side by side, in one run: Sails 1.5.18 with its ORM on sails-disk (its default
 * embedded adapter; bench/sails-blueprints) and sailroute's examples/pets on a SQLite file, the
 * same User / Pet pair with every default. Two scenarios, server CPU time from /proc:
 *
 *   create  W sockets watch `user` (each did `GET /user`); one more socket creates users (4 in
 *           flight) until N are made. Every watcher must hear every `created`. Figure: server
 *           CPU per create (its insert, its answer, and its publish to W watchers).
 *   find    with 100 users stored, F sockets each `GET /user?limit=100` in a loop (every answer
 *           must hold 100 records, populated). Figure: server CPU per find.
 *
 *   node bench/wire/blueprints.js [--smoke] [--watchers 1000] [--creates 300] [--finds 3000]
 *        [--servers sails,sailroute] [--pause-before-create SECONDS] (time to attach a profiler)
 *
 * Writes the table into docs/benchmarks.md (between its blueprints markers) unless --smoke.
 * Needs the release pets binary (scripts/bench.sh builds it), node + npm (the Sails app is
 * copied to target/bench-work and `npm ci`ed there), and tests/node's socket.io-client 4.
 */
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { cpuTimes, rssKiB, freePort } = require('./proc');

const ROOT = path.resolve(__dirname, '..', '..');
const TARGET = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
const WORK = path.join(TARGET, 'bench-work');
const { io } = require(path.join(ROOT, 'tests', 'node', 'node_modules', 'socket.io-client'));

const args = process.argv.slice(2);
const SMOKE = args.includes('--smoke');
const number = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
};
const WATCHERS = number('watchers', SMOKE ? 50 : 1000);
const CREATES = Math.max(100, number('creates', SMOKE ? 100 : 300));
const FINDS = number('finds', SMOKE ? 100 : 3000);
const FINDERS = 20;
const SERVERS = (args.includes('--servers') ? args[args.indexOf('--servers') + 1] : 'sails,sailroute').split(',');
const PAUSE = number('pause-before-create', 0);
const IN_FLIGHT = 4;

const children = [];
function stopAll() {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
process.on('exit', stopAll);
setTimeout(() => { console.error('blueprints: time limit'); stopAll(); process.exit(3); }, (SMOKE ? 5 : 30) * 60 * 1000).unref();

function log(message) { process.stderr.write(`blueprints: ${message}\n`); }

/** The Sails app, copied out of the repo and installed from its lockfile once per lockfile. */
function prepareSails() {
  const src = path.join(ROOT, 'bench', 'sails-blueprints');
  const dest = path.join(WORK, 'sails-blueprints');
  const lock = fs.readFileSync(path.join(src, 'package-lock.json'), 'utf8');
  const stamp = path.join(dest, '.installed-lock');
  if (!(fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === lock)) {
    fs.rmSync(dest, { recursive: true, force: true });
    fs.cpSync(src, dest, { recursive: true });
    log(`npm ci in ${path.relative(ROOT, dest)}`);
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dest, stdio: ['ignore', 'inherit', 'inherit'] });
    fs.writeFileSync(stamp, lock);
  }
  for (const file of ['app.js', 'api']) fs.cpSync(path.join(src, file), path.join(dest, file), { recursive: true });
  return dest;
}

/** Starts `kind` on an empty database and resolves once it listens. */
async function startServer(kind, sailsDir) {
  const port = await freePort();
  let child;
  if (kind === 'sails') {
    fs.rmSync(path.join(sailsDir, '.tmp'), { recursive: true, force: true });
    child = spawn('node', ['app.js'], { cwd: sailsDir, env: { ...process.env, NODE_ENV: 'production', PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  } else {
    const dir = path.join(WORK, 'pets-db');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    child = spawn(path.join(TARGET, 'release', 'pets'), ['--port', String(port), '--db', `sqlite:${path.join(dir, 'pets.db')}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  }
  children.push(child);
  const ready = kind === 'sails' ? '"lifted":true' : `listening on http://127.0.0.1:${port}`;
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} did not start:\n${output}`)), 60000);
    const onData = (chunk) => { output += chunk; if (output.includes(ready)) { clearTimeout(timer); resolve(); } };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${kind} exited (${code}):\n${output}`)); });
  });
  child.removeAllListeners('exit');
  return { kind, pid: child.pid, url: `http://127.0.0.1:${port}`, child };
}

/** A socket speaking Sails' virtual requests, as sails.io.js does (socket.io-client 4). */
function connect(url) {
  return new Promise((resolve, reject) => {
    const socket = io(url, {
      transports: ['websocket'], forceNew: true, reconnection: false,
      query: { __sails_io_sdk_version: '1.2.1', __sails_io_sdk_platform: 'node', __sails_io_sdk_language: 'javascript' },
      extraHeaders: { origin: url },
    });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function request(socket, method, url, data = {}) {
  return new Promise((resolve, reject) => {
    socket.timeout(30000).emit(method, { method, url, data, headers: {} }, (err, jwr) => {
      if (err) reject(err);
      else if (jwr.statusCode !== 200) reject(new Error(`${method} ${url}: ${jwr.statusCode} ${JSON.stringify(jwr.body)}`));
      else resolve(jwr.body);
    });
  });
}

async function connectMany(url, n) {
  const sockets = [];
  for (let i = 0; i < n; i += 50) {
    sockets.push(...await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => connect(url))));
  }
  return sockets;
}

/** User and system CPU seconds of `pid` since `before`. */
function since(pid, before) {
  const now = cpuTimes(pid);
  return { user: now.user - before.user, system: now.system - before.system };
}

async function createScenario(server) {
  const watchers = await connectMany(server.url, WATCHERS);
  let heard = 0;
  for (const w of watchers) {
    w.on('user', (m) => { if (m.verb === 'created') heard += 1; });
    await request(w, 'get', '/user');
  }
  const publisher = await connect(server.url);
  if (PAUSE > 0) {
    log(`${server.kind} (pid ${server.pid}): creating in ${PAUSE} s`);
    await new Promise((resolve) => setTimeout(resolve, PAUSE * 1000));
  }
  const expected = CREATES * WATCHERS;
  const cpu0 = cpuTimes(server.pid);
  const t0 = process.hrtime.bigint();
  let made = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (made < CREATES) {
      made += 1;
      await request(publisher, 'post', '/user', { name: `user${made}` });
    }
  }));
  // Every watcher hears every create, or the run says how many were lost (after 2 minutes).
  const deadline = Date.now() + 120000;
  while (heard < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const heardAll = heard >= expected;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const { user, system } = since(server.pid, cpu0);
  const rss = rssKiB(server.pid) / 1024;
  for (const s of [...watchers, publisher]) s.close();
  return {
    creates: CREATES, watchers: WATCHERS, delivered: heard, lost: expected - heard, complete: heardAll,
    seconds: +seconds.toFixed(2), creates_per_sec: Math.round(CREATES / seconds),
    cpu_ms_per_create: +(((user + system) / CREATES) * 1000).toFixed(3),
    user_ms_per_create: +((user / CREATES) * 1000).toFixed(3), rss_mb: +rss.toFixed(1),
  };
}

async function findScenario(server) {
  const finders = await connectMany(server.url, FINDERS);
  const cpu0 = cpuTimes(server.pid);
  const t0 = process.hrtime.bigint();
  let done = 0;
  let bad = 0;
  await Promise.all(finders.map(async (socket) => {
    while (done < FINDS) {
      done += 1;
      const users = await request(socket, 'get', '/user', { limit: 100 });
      if (!Array.isArray(users) || users.length !== 100 || !Array.isArray(users[0].pets)) bad += 1;
    }
  }));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const { user, system } = since(server.pid, cpu0);
  for (const s of finders) s.close();
  return {
    finds: done, bad, seconds: +seconds.toFixed(2), finds_per_sec: Math.round(done / seconds),
    cpu_ms_per_find: +(((user + system) / done) * 1000).toFixed(3),
    user_ms_per_find: +((user / done) * 1000).toFixed(3),
  };
}

async function main() {
  fs.mkdirSync(WORK, { recursive: true });
  const sailsDir = prepareSails();
  const results = {};
  for (const kind of SERVERS) {
    log(`${kind}: create with ${WATCHERS} watchers, then find of 100`);
    const server = await startServer(kind, sailsDir);
    results[kind] = { create: await createScenario(server), find: await findScenario(server) };
    server.child.kill('SIGKILL');
    log(`${kind}: ${JSON.stringify(results[kind])}`);
  }
  console.log(JSON.stringify(results));
  if (!(results.sails && results.sailroute)) return;
  const ratio = (key, scenario) => +(results.sails[scenario][key] / results.sailroute[scenario][key]).toFixed(1);
  results.ratio = {
    create: ratio('cpu_ms_per_create', 'create'), find: ratio('cpu_ms_per_find', 'find'),
    create_user: ratio('user_ms_per_create', 'create'), find_user: ratio('user_ms_per_find', 'find'),
  };
  log(`ratio: ${JSON.stringify(results.ratio)}`);
  const failed = ['sails', 'sailroute'].some((k) => results[k].create.lost !== 0 || results[k].find.bad !== 0);
  if (failed) {
    console.error('blueprints: a watcher missed a message or a find answered short');
    process.exitCode = 1;
  }
  if (!SMOKE) writeDoc(results);
}

function writeDoc(r) {
  const file = path.join(ROOT, 'docs', 'benchmarks.md');
  const doc = fs.readFileSync(file, 'utf8');
  const row = (name, x) => `| ${name} | ${x.create.cpu_ms_per_create} ms (user ${x.create.user_ms_per_create} ms) | ${x.create.creates_per_sec} | ${x.create.lost} | ${x.find.cpu_ms_per_find} ms (user ${x.find.user_ms_per_find} ms) | ${x.find.finds_per_sec.toLocaleString('en-US')} | ${x.create.rss_mb} MB |`;
  const block = [
    '<!-- blueprints:begin (generated by bench/wire/blueprints.js) -->',
    `Run ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} with \`node bench/wire/blueprints.js\` (after \`bash scripts/bench.sh\` built the release binaries): ` +
      `Sails 1.5.18 on sails-disk and sailroute's examples/pets on a SQLite file, the same User / Pet pair. ` +
      `create: ${CREATES} users created over one socket (${IN_FLIGHT} in flight) while ${WATCHERS} sockets watch \`user\`; every watcher heard every \`created\`. ` +
      `find: ${FINDS} \`GET /user?limit=100\` from ${FINDERS} sockets, 100 records each, populated.`,
    '',
    '| server | server CPU per create (to the watchers) | creates/s | lost | server CPU per find of 100 | finds/s | RSS after create |',
    '|---|---|---|---|---|---|---|',
    row('Sails 1.5.18 (sails-disk)', r.sails),
    row('sailroute (SQLite)', r.sailroute),
    '',
    `sailroute uses ${r.ratio.create}× less CPU per create (${r.ratio.create_user}× less user CPU) and ${r.ratio.find}× less per find (${r.ratio.find_user}× less user CPU); the target is 10× on both.`,
    '<!-- blueprints:end -->',
  ].join('\n') + '\n';
  const begin = doc.indexOf('<!-- blueprints:begin');
  const endMark = '<!-- blueprints:end -->\n';
  const end = doc.indexOf(endMark);
  const next = begin >= 0 && end > begin
    ? doc.slice(0, begin) + block + doc.slice(end + endMark.length)
    : `${doc.trimEnd()}\n\n## Blueprints against Sails\n\n${block}`;
  fs.writeFileSync(file, next);
}

main().catch((e) => { console.error(e); stopAll(); process.exit(1); });
