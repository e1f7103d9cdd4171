#!/usr/bin/env node
/*
 * Connection rate: new Socket.IO connections per second, each one a whole client's start —
 * handshake, WebSocket upgrade, one virtual GET /hello with its ack — then a disconnect; up
 * to --concurrency at a time for --duration seconds. Prints one JSON line in the load
 * generator's shape (req_per_sec = connections per second, the server's CPU from /proc), so
 * bench/wire/run.js reads it like the others.
 *
 *   node bench/wire/connrate.js --url http://127.0.0.1:PORT --server-pid PID [--duration 10] [--concurrency 20]
 *       [--workers 1]
 *
 * --workers N splits the clients over N processes (--concurrency each). One process is the limit
 * at about a thousand connections a second on this machine kind, whatever the server: with one,
 * the figure is the client's; with two, the client can use the whole machine and a server that
 * spends less CPU per connection leaves it more, so the rate compares the servers.
 *
 * Uses the load generator's socket.io-client 4 (--client-dir, the prepared loadgen folder) and
 * its handshake (the sails.io.js SDK query, Origin = the server's origin), so Sails accepts it.
 */
'use strict';
const path = require('node:path');
const { option, cpuSeconds, rssKiB } = require('./proc');
const URL_ = option('url', 'http://127.0.0.1:1337');
const PID = Number(option('server-pid', '0'));
const DURATION = Number(option('duration', '10'));
const CONCURRENCY = Number(option('concurrency', '20'));
const WORKERS = Math.max(1, Number(option('workers', '1')));
const IS_WORKER = process.argv.includes('--_worker');
const CLIENT_DIR = path.resolve(option('client-dir', path.join(__dirname, '..', '..', 'tests', 'node')));
const { io } = require(path.join(CLIENT_DIR, 'node_modules', 'socket.io-client'));

const cpuNow = () => (PID ? cpuSeconds(PID) : 0);
const rssMb = () => (PID ? rssKiB(PID) / 1024 : null);

function oneClient() {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const socket = io(URL_, {
      transports: ['websocket'], forceNew: true, reconnection: false,
      query: { __sails_io_sdk_version: '1.2.1', __sails_io_sdk_platform: 'node', __sails_io_sdk_language: 'javascript' },
      extraHeaders: { origin: new URL(URL_).origin },
    });
    const fail = (e) => { socket.close(); reject(e); };
    socket.once('connect_error', fail);
    socket.once('connect', async () => {
      try {
        const jwr = await socket.timeout(10000).emitWithAck('get', { method: 'get', url: '/hello', data: {}, headers: {} });
        socket.close();
        if (!jwr || jwr.statusCode !== 200) return reject(new Error(`status ${jwr && jwr.statusCode}`));
        resolve(Number(process.hrtime.bigint() - started) / 1e6);
      } catch (e) { fail(e); }
    });
  });
}

/** Runs --concurrency clients until `deadline`: their latencies (ms) and errors. */
async function runClients(deadline) {
  const latencies = [];
  let errors = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < deadline) {
      try { latencies.push(await oneClient()); } catch { errors++; }
    }
  }));
  return { latencies, errors };
}

/** The same in --workers child processes, started together; their results joined. */
async function runWorkers(deadline) {
  const { spawn } = require('node:child_process');
  const argv = process.argv.slice(1).filter((a) => a !== '--_worker');
  const results = await Promise.all(Array.from({ length: WORKERS }, () => new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...argv, '--_worker', '--deadline', String(deadline)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`a connrate worker exited with ${code}`));
      try { resolve(JSON.parse(out)); } catch (e) { reject(e); }
    });
  })));
  return {
    latencies: results.flatMap((r) => r.latencies),
    errors: results.reduce((n, r) => n + r.errors, 0),
  };
}

async function main() {
  const hard = setTimeout(() => process.exit(2), (DURATION + 60) * 1000);
  hard.unref();
  if (IS_WORKER) {
    const result = await runClients(Number(option('deadline', '0')));
    process.stdout.write(JSON.stringify(result));
    return;
  }
  let rssMax = rssMb();
  const cpu0 = cpuNow();
  const t0 = Date.now();
  const deadline = t0 + DURATION * 1000;
  const { latencies, errors } = WORKERS > 1 ? await runWorkers(deadline) : await runClients(deadline);
  const seconds = (Date.now() - t0) / 1000;
  const cpuUsed = cpuNow() - cpu0;
  rssMax = Math.max(rssMax || 0, rssMb() || 0);
  latencies.sort((a, b) => a - b);
  const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] : null);
  console.log(JSON.stringify({
    mode: 'connrate', connections: latencies.length, req_per_sec: latencies.length / seconds,
    latency_ms: { p50: pct(0.5), p99: pct(0.99) },
    usage: { server_cpu_pct: cpuUsed / seconds * 100, server_rss_mb_max: rssMax },
    errors,
  }));
}

main().catch((e) => { console.error(e); process.exit(1); });
