'use strict';
// What the wire scripts share: their `--name value` options, starting a measured server, and a
// server's CPU time and resident memory from /proc (Linux only, as the benchmarks are).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

/** `--name value` from the command line, or `fallback`. */
function option(name, fallback) {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
}

/** User and system CPU time of `pid`, in seconds, apart. */
function cpuTimes(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

/** User plus system CPU time of `pid`, in seconds. */
function cpuSeconds(pid) {
  const { user, system } = cpuTimes(pid);
  return user + system;
}

/** Resident memory of `pid`, in KiB. */
function rssKiB(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

/**
 * Starts one measured server on a free port and waits until it listens: `sails` (the Sails app
 * in `sailsDir`), one of the `conformance` kinds below or `raw` (`raw-socketioxide`), release builds
 * from `target`. Rejects with the server's output if it exits or is not up within 60 s.
 */
/** The Rust servers by kind: binary and arguments. `sailroute` is the runtime on its default
 * transport, its own (issue 20), serving the conformance app; `sailroute-own` the same named
 * explicitly, `sailroute-sio` the runtime on socketioxide, the transport it replaces, and
 * `sailroute-minimal` the runtime serving what raw socketioxide serves and nothing else. */
const RUST_SERVERS = {
  sailroute: ['conformance', []],
  'sailroute-own': ['conformance', ['--transport', 'sailroute']],
  'sailroute-sio': ['conformance', ['--transport', 'socketioxide']],
  // The runtime serving only raw socketioxide's two handlers (no app middleware): the
  // like-for-like comparison with `raw` for the request scenarios.
  'sailroute-minimal': ['sailroute-minimal', []],
  raw: ['raw-socketioxide', []],
};

async function startServer(kind, { target, sailsDir }) {
  if (kind !== 'sails' && !RUST_SERVERS[kind]) throw new Error(`unknown server ${kind}: one of sails, ${Object.keys(RUST_SERVERS).join(', ')}`);
  const port = await freePort();
  const child = kind === 'sails'
    ? spawn('node', ['app.js'], { cwd: sailsDir, env: { ...process.env, NODE_ENV: 'production', PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(path.join(target, 'release', RUST_SERVERS[kind][0]), ['--port', String(port), ...RUST_SERVERS[kind][1]], { stdio: ['ignore', 'pipe', 'pipe'] });
  const ready = kind === 'sails' ? '"lifted":true' : `listening on http://127.0.0.1:${port}`;
  let output = '';
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${kind} did not start:\n${output}`)), 60000);
      const onData = (chunk) => { output += chunk; if (output.includes(ready)) { clearTimeout(timer); resolve(); } };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${kind} exited (${code}):\n${output}`)); });
    });
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  child.removeAllListeners('exit');
  return { kind, port, pid: child.pid, url: `http://127.0.0.1:${port}`, child };
}

module.exports = { option, cpuSeconds, cpuTimes, rssKiB, sleep, freePort, startServer };
