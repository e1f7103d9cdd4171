'use strict';
// Shared helpers: start an example server on a free port, and talk to it with the real
// clients (sails.io.js on socket.io-client 2.x, socket.io-client 4, fetch).

const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TARGET = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');

/** A port nobody listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts an example binary (built by the test command) and resolves once it prints its
 * "listening on" line. `stop()` kills it and waits for it to exit. `port` reuses a port (a
 * restarted server); a free one is picked otherwise.
 */
async function startServer(binary = 'conformance', args = [], env = {}, port = undefined) {
  port = port || await freePort();
  // SAILROUTE_SUITE_TRANSPORT=sailroute runs every conformance server of the suites on the
  // project's own transport (issue 20), to see what it serves of them.
  if (binary === 'conformance' && process.env.SAILROUTE_SUITE_TRANSPORT && !args.includes('--transport')) {
    args = [...args, '--transport', process.env.SAILROUTE_SUITE_TRANSPORT];
  }
  const exe = path.join(TARGET, process.env.SAILROUTE_PROFILE || 'release', binary);
  const child = spawn(exe, ['--port', String(port), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${binary} did not start:\n${output}`)), 30000);
    const onData = (chunk) => {
      output += chunk;
      if (output.includes(`listening on http://127.0.0.1:${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${binary} exited with ${code}:\n${output}`));
    });
  });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    alive: () => child.exitCode === null && child.signalCode === null,
    /** Sends `signal` and resolves with the exit code once the process ends by itself. */
    async terminate(signal = 'SIGTERM') {
      child.kill(signal);
      await exited;
      return child.exitCode;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

const sailsInstances = new Map();

/**
 * The sails.io.js SDK on the given socket.io client module (2.x by default), with
 * auto-connect off. The SDK decorates the module it is given once, so instances are kept.
 */
function sailsIo(ioClient = require('socket.io-client-v2')) {
  if (!sailsInstances.has(ioClient)) {
    const io = require('sails.io.js')(ioClient);
    io.sails.autoConnect = false;
    io.sails.environment = 'production';
    io.sails.reconnection = false;
    sailsInstances.set(ioClient, io);
  }
  return sailsInstances.get(ioClient);
}

/** Connects a sails.io.js socket and resolves when it is connected. */
function sailsConnect(url, options = {}) {
  const io = sailsIo(options.ioClient);
  const { ioClient, ...rest } = options;
  const socket = io.sails.connect(url, { transports: ['websocket'], ...rest });
  return { io, socket };
}

function waitFor(emitter, event, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    // SailsSocket has on/off but no once.
    const fn = (...args) => {
      clearTimeout(timer);
      emitter.off(event, fn);
      resolve(args);
    };
    emitter.on(event, fn);
  });
}

/** One request through sails.io.js, resolving to the JWR (or the error shape on disconnect). */
function sailsRequest(socket, options) {
  return new Promise((resolve) => {
    socket.request(options, (body, jwr) => {
      if (body instanceof Error && !(jwr && jwr.toPOJO)) resolve({ error: body, ...jwr });
      else resolve(jwr.toPOJO ? jwr.toPOJO() : jwr);
    });
  });
}

/**
 * A uniform client over the three ways in: sails.io.js (socket.io-client 2), socket.io-client
 * 4 speaking the same wire format, and plain HTTP. `request` resolves to `{statusCode, body,
 * headers}` either way.
 */
async function makeClient(kind, url, options = {}) {
  if (kind === 'sails.io.js') {
    const { socket } = sailsConnect(url, options);
    await new Promise((resolve, reject) => {
      socket.on('connect', resolve);
      socket.on('connect_error', reject);
    });
    return {
      kind,
      socket,
      id: () => socket._raw.id,
      request: (method, reqUrl, data, headers) =>
        sailsRequest(socket, { method, url: reqUrl, data, headers: headers || {} }),
      on: (event, fn) => socket.on(event, fn),
      off: (event, fn) => socket.off(event, fn),
      close: () => { if (socket.isConnected()) socket.disconnect(); },
    };
  }
  if (kind === 'socket.io-client@4') {
    const { io } = require('socket.io-client');
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...options });
    await waitFor(socket, 'connect');
    return {
      kind,
      socket,
      id: () => socket.id,
      request: async (method, reqUrl, data, headers) => {
        const jwr = await socket.timeout(20000).emitWithAck(method, {
          method, url: reqUrl, data: data === undefined ? {} : data, headers: headers || {},
        });
        return jwr;
      },
      on: (event, fn) => socket.on(event, fn),
      off: (event, fn) => socket.off(event, fn),
      close: () => socket.disconnect(),
    };
  }
  if (kind === 'http') {
    return {
      kind,
      id: () => null,
      request: (method, reqUrl, data, headers) => httpRequest(url, method, reqUrl, data, headers),
      close: () => {},
    };
  }
  throw new Error(`unknown client ${kind}`);
}

/** The HTTP twin of a virtual request: data in the query for GET/HEAD/DELETE, else JSON body. */
async function httpRequest(base, method, reqUrl, data, headers = {}) {
  const m = method.toUpperCase();
  let target = new URL(reqUrl, base);
  const init = { method: m, headers: { ...headers }, redirect: 'manual' };
  if (['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(m)) {
    for (const [k, v] of Object.entries(data || {})) {
      for (const item of Array.isArray(v) ? v : [v]) target.searchParams.append(k, String(item));
    }
  } else if (data !== undefined) {
    init.body = JSON.stringify(data);
    init.headers['content-type'] = 'application/json';
  }
  const res = await fetch(target, init);
  const text = await res.text();
  const out = { statusCode: res.status, headers: {} };
  res.headers.forEach((v, k) => { if (k !== 'set-cookie') out.headers[k] = v; });
  if (text.length > 0) {
    const ct = res.headers.get('content-type') || '';
    out.body = ct.includes('json') ? JSON.parse(text) : text;
  }
  return out;
}

/** Resolves with the next `event` payload on `client`, or rejects after `timeoutMs`. */
function nextEvent(client, event, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const fn = (data) => { clearTimeout(timer); client.off(event, fn); resolve(data); };
    const timer = setTimeout(() => { client.off(event, fn); reject(new Error(`no ${event} event`)); }, timeoutMs);
    client.on(event, fn);
  });
}

/**
 * Collects every `event` on `client` until `settle` resolves, then a round trip more: a
 * request answered after the settle point proves earlier pushes would have arrived (one
 * socket delivers in order), so "nothing arrived" is asserted without sleeping.
 */
async function collectUntilQuiet(client, event, settle) {
  const seen = [];
  const fn = (data) => seen.push(data);
  client.on(event, fn);
  try {
    await settle();
    await client.request('get', '/hello', {});
  } finally {
    client.off(event, fn);
  }
  return seen;
}

/**
 * Debian's Chromium (or `CHROMIUM_PATH`), headless, driven by playwright-core. Pages that a
 * test fulfils itself count as public to Chromium, which would then refuse their sockets to
 * 127.0.0.1 (Local Network Access): turned off, so that only the server's own policy decides.
 */
function launchChromium() {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
      '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests'],
  });
}

/** The packages `installPackages` installs: the runtime and generated client packages. */
const PACKAGES = [
  path.join(ROOT, 'client-js'),
  path.join(ROOT, 'examples', 'todo-client', 'js'),
  path.join(ROOT, 'codegen', 'tests', 'golden', 'chat'),
  path.join(ROOT, 'codegen', 'tests', 'golden', 'pets'),
];

/**
 * Installs the packages as a user would: `npm pack` of the @sailroute/client runtime and of
 * the generated client packages (the todo example's, the chat golden's and the pets golden's), installed with
 * socket.io-client 4 into a fresh folder with its own package.json. Returns that folder. The
 * install is kept under target/js-install, keyed by the packed files' contents, so the test
 * files of one run share it.
 */
function installPackages() {
  const hash = crypto.createHash('sha256');
  for (const dir of PACKAGES) {
    for (const name of fs.readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (fs.statSync(file).isFile()) hash.update(name).update(fs.readFileSync(file));
    }
  }
  const dir = path.join(TARGET, 'js-install', hash.digest('hex').slice(0, 16));
  if (fs.existsSync(path.join(dir, 'installed'))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const npm = (args, cwd) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, stdio: ['ignore', 'pipe', 'inherit'] }).toString();
  const tarballs = PACKAGES.map((pkg) => {
    const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], pkg));
    return `./${packed.filename}`;
  });
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'app', private: true, type: 'module' }, null, 2)}\n`);
  const socketIo = require('socket.io-client/package.json').version;
  npm(['install', '--prefer-offline', ...tarballs, `socket.io-client@${socketIo}`], dir);
  fs.writeFileSync(path.join(dir, 'installed'), tarballs.join('\n'));
  return dir;
}

/** A redis-server child on a free port, without persistence. */
async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (;;) {
    const up = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null) throw new Error('redis-server exited');
    await new Promise((resolve) => setImmediate(resolve));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    /** How many keys Redis holds (the sessions: the adapter only publishes). */
    dbsize: () => new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => s.write('DBSIZE\r\n'));
      s.once('data', (d) => { s.destroy(); resolve(Number(String(d).slice(1).trim())); });
      s.on('error', reject);
    }),
    async stop() { child.kill('SIGKILL'); await exited; },
  };
}

/**
 * A real PostgreSQL server in a scratch directory, with Debian's `initdb` and `pg_ctl` (not on
 * PATH; the test command installs `postgresql`), run as `postgres` when the tests run as root.
 * Resolves to `{ url, stop() }`.
 */
async function startPostgres() {
  const versions = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').sort() : [];
  const bin = (name) => {
    const found = versions.map((v) => path.join('/usr/lib/postgresql', v, 'bin', name)).filter((p) => fs.existsSync(p));
    return found.length > 0 ? found[found.length - 1] : name;
  };
  const root = process.getuid && process.getuid() === 0;
  const run = (program, args) => {
    const [cmd, cmdArgs] = root ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
    execFileSync(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  };
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'sailroute-pg-'));
  if (root) execFileSync('chown', ['postgres:postgres', dir]);
  const port = await freePort();
  const data = path.join(dir, 'data');
  run(bin('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  run(bin('pg_ctl'), ['-D', data, '-l', path.join(dir, 'log'), '-w', '-o',
    `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir}`, 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try { run(bin('pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']); } catch { /* already gone */ }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = {
  ROOT, TARGET, installPackages, freePort, startServer, sailsIo, sailsConnect, sailsRequest, makeClient, httpRequest,
  waitFor, nextEvent, collectUntilQuiet, launchChromium, startPostgres, startRedis,
};
