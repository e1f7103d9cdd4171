#!/usr/bin/env node
/*
 * The soak: a sailroute server (examples/conformance) under mixed traffic for a long time —
 * persistent sockets doing GETs, POSTs with bodies and subscribe/leave round trips, a publisher
 * broadcasting to their rooms, and a churn of sockets that connect, make one request and go —
 * while the server's RSS is sampled from /proc. Reports the RSS at the end of the warm-up and at
 * the end, the growth between them, and every error (a failed or non-2xx ack, a lost connect).
 * Not part of the test command: `bash scripts/scale.sh soak` runs it for 10 minutes.
 *
 *   node bench/wire/soak.js --url http://127.0.0.1:PORT --server-pid PID
 *        [--duration 600] [--warmup 60] [--sockets 200] [--churn 20] [--rate 10]
 */
'use strict';
const path = require('node:path');
const { option, cpuSeconds: cpuOf, rssKiB: rssOf, sleep } = require('./proc');

const { io } = require(path.join(__dirname, '..', '..', 'tests', 'node', 'node_modules', 'socket.io-client'));

const URL_ = option('url', 'http://127.0.0.1:1337');
const PID = Number(option('server-pid', '0'));
const DURATION = Number(option('duration', '600'));
const WARMUP = Number(option('warmup', '60'));
const SOCKETS = Number(option('sockets', '200'));
const CHURN = Number(option('churn', '20')); // connects per second
const RATE = Number(option('rate', '10')); // requests per second per persistent socket
const ROOMS = 10;

const stats = { requests: 0, failed: 0, connects: 0, connectFailures: 0, broadcasts: 0, pushes: 0 };
let running = true;

const rssKiB = () => rssOf(PID);
const cpuSeconds = () => cpuOf(PID);

function connect() {
  return new Promise((resolve, reject) => {
    const socket = io(URL_, { transports: ['websocket'], forceNew: true, reconnection: false });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e) => { socket.close(); reject(e); });
  });
}

async function request(socket, method, url, data) {
  try {
    const jwr = await socket.timeout(10000).emitWithAck(method, { method, url, data, headers: {} });
    stats.requests++;
    if (!(jwr && jwr.statusCode >= 200 && jwr.statusCode < 300)) stats.failed++;
  } catch {
    stats.requests++;
    stats.failed++;
  }
}

async function persistent(i) {
  const socket = await connect();
  stats.connects++;
  socket.on('msg', () => { stats.pushes++; });
  const room = `soak-${i % ROOMS}`;
  await request(socket, 'put', `/subscribe/${room}`, {});
  const body = { p: 'x'.repeat(256) };
  let n = 0;
  while (running) {
    switch (n++ % 4) {
      case 0: await request(socket, 'get', '/hello', {}); break;
      case 1: await request(socket, 'post', '/echo', body); break;
      case 2: await request(socket, 'put', `/subscribe/soak-extra-${i}`, {}); break;
      default: await request(socket, 'post', `/leave/soak-extra-${i}`, {}); break;
    }
    await sleep(1000 / RATE);
  }
  socket.close();
}

async function churn() {
  while (running) {
    const started = Date.now();
    connect().then(async (socket) => {
      stats.connects++;
      await request(socket, 'get', '/hello', {});
      socket.close();
    }, () => { stats.connectFailures++; });
    await sleep(Math.max(0, 1000 / CHURN - (Date.now() - started)));
  }
}

async function publisher() {
  let seq = 0;
  while (running) {
    const room = `soak-${seq % ROOMS}`;
    try {
      const res = await fetch(`${URL_}/broadcast/${room}`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seq }),
      });
      await res.arrayBuffer();
      stats.broadcasts++;
    } catch {
      stats.failed++;
    }
    seq++;
    await sleep(100);
  }
}

async function main() {
  const hardStop = setTimeout(() => { console.error('soak: hard timeout'); process.exit(2); }, (DURATION + 120) * 1000);
  hardStop.unref();
  const workers = [];
  for (let i = 0; i < SOCKETS; i++) workers.push(persistent(i));
  workers.push(churn(), publisher());
  const samples = [];
  const started = Date.now();
  let warm = null;
  const cpuStart = cpuSeconds();
  while ((Date.now() - started) / 1000 < DURATION) {
    await sleep(5000);
    const t = (Date.now() - started) / 1000;
    samples.push({ t: Math.round(t), rss_kib: rssKiB() });
    if (warm === null && t >= WARMUP) warm = samples[samples.length - 1];
    console.error(`soak: ${Math.round(t)} s, rss ${(rssKiB() / 1024).toFixed(1)} MiB, ${stats.requests} requests, ${stats.connects} connects`);
  }
  const cpu = cpuSeconds() - cpuStart;
  running = false;
  await Promise.allSettled(workers);
  const last = samples.slice(-3).map((s) => s.rss_kib).sort((a, b) => a - b)[1];
  const growth = warm ? (last - warm.rss_kib) / warm.rss_kib * 100 : null;
  console.log(JSON.stringify({
    duration_s: DURATION, warmup_s: WARMUP, persistent_sockets: SOCKETS, churn_per_s: CHURN,
    ...stats,
    rss_mib_after_warmup: warm && +(warm.rss_kib / 1024).toFixed(1),
    rss_mib_at_end: +(last / 1024).toFixed(1),
    rss_growth_percent_after_warmup: growth === null ? null : +growth.toFixed(2),
    server_cpu_s: +cpu.toFixed(1),
    rss_samples_mib: samples.map((s) => [s.t, +(s.rss_kib / 1024).toFixed(1)]),
  }));
  process.exit(stats.failed === 0 && stats.connectFailures === 0 ? 0 : 1);
}

main().catch((e) => { console.error(e); process.exit(1); });
