#!/usr/bin/env node
/*
 * Fan-out across two nodes through Redis: 1000 subscribers split evenly over two conformance
 * nodes sharing one redis-server, messages published on one node by a socket as fast as acks
 * allow. Reports delivered messages per second, loss, and server CPU per delivered message
 * (both nodes, and Redis), from /proc. 127.0.0.1 only; every process it starts is stopped.
 *
 *   node bench/wire/fanout-nodes.js [--subscribers 1000] [--duration 10] [--smoke]
 *
 * Needs the release conformance binary (scripts/bench.sh builds it), redis-server, and the
 * tests/node packages (socket.io-client 4).
 */
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const TARGET = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
const { io } = require(path.join(ROOT, 'tests', 'node', 'node_modules', 'socket.io-client'));

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
};
const SMOKE = args.includes('--smoke');
const SUBSCRIBERS = option('subscribers', SMOKE ? 100 : 1000);
const DURATION = option('duration', SMOKE ? 2 : 10);
const HZ = 100;

const children = [];
function stopAll() {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
process.on('exit', stopAll);
setTimeout(() => { console.error('fanout-nodes: time limit'); stopAll(); process.exit(3); }, (DURATION + 120) * 1000).unref();

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

function start(cmd, argv, ready) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start: ${out}`)), 30000);
    const onData = (d) => { out += d; if (out.includes(ready)) { clearTimeout(timer); resolve(child); } };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${cmd} exited ${code}: ${out}`)); });
  });
}

function ticks(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

function rssMb(pid) {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : null;
}

function connect(url) {
  return new Promise((resolve, reject) => {
    const s = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

const request = (s, method, url, data) => s.timeout(10000).emitWithAck(method, { method, url, data, headers: {} });

async function main() {
  const redisPort = await freePort();
  const redis = await start('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], 'Ready to accept connections');
  const exe = path.join(TARGET, 'release', 'conformance');
  const nodes = [];
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const child = await start(exe, ['--port', String(port), '--redis', `redis://127.0.0.1:${redisPort}`], 'listening on');
    nodes.push({ url: `http://127.0.0.1:${port}`, pid: child.pid });
  }

  const received = new Array(SUBSCRIBERS).fill(0);
  const sockets = [];
  for (let i = 0; i < SUBSCRIBERS; i += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, SUBSCRIBERS - i) }, (_, j) => connect(nodes[(i + j) % 2].url)));
    batch.forEach((s, j) => {
      const index = i + j;
      s.on('msg', () => { received[index] += 1; });
      sockets.push(s);
    });
  }
  await Promise.all(sockets.map((s) => request(s, 'put', '/subscribe/bench', {})));
  const publisher = await connect(nodes[0].url);
  const payload = 'x'.repeat(100);

  const before = { a: ticks(nodes[0].pid), b: ticks(nodes[1].pid), redis: ticks(redis.pid), t: process.hrtime.bigint() };
  let published = 0;
  const end = Date.now() + DURATION * 1000;
  while (Date.now() < end) {
    const res = await request(publisher, 'post', '/broadcast/bench', { seq: published, p: payload });
    if (res.statusCode !== 200) throw new Error(`publish answered ${res.statusCode}`);
    published += 1;
  }
  const expected = published * SUBSCRIBERS;
  const total = () => received.reduce((a, b) => a + b, 0);
  const drainEnd = Date.now() + 20000;
  while (total() < expected && Date.now() < drainEnd) await new Promise((r) => setTimeout(r, 50));
  const after = { a: ticks(nodes[0].pid), b: ticks(nodes[1].pid), redis: ticks(redis.pid), t: process.hrtime.bigint() };
  const seconds = Number(after.t - before.t) / 1e9;
  const delivered = total();
  const cpu = (k) => (after[k] - before[k]) / HZ;
  const result = {
    subscribers: SUBSCRIBERS,
    nodes: 2,
    published,
    expected,
    delivered,
    lost: expected - delivered,
    seconds: +seconds.toFixed(2),
    delivered_per_sec: Math.round(delivered / seconds),
    cpu_seconds: { node_a: cpu('a'), node_b: cpu('b'), redis: cpu('redis') },
    node_cpu_us_per_delivered: +(((cpu('a') + cpu('b')) / delivered) * 1e6).toFixed(2),
    with_redis_cpu_us_per_delivered: +(((cpu('a') + cpu('b') + cpu('redis')) / delivered) * 1e6).toFixed(2),
    rss_mb: { node_a: rssMb(nodes[0].pid), node_b: rssMb(nodes[1].pid) },
  };
  for (const s of [publisher, ...sockets]) s.close();
  stopAll();
  console.log(JSON.stringify(result));
  if (!SMOKE) writeDoc(result);
  if (result.lost > 0 && SMOKE) process.exitCode = 1;
}

function writeDoc(r) {
  const file = path.join(ROOT, 'docs', 'benchmarks.md');
  const doc = fs.readFileSync(file, 'utf8');
  const block = [
    '<!-- fanout-nodes:begin (generated by bench/wire/fanout-nodes.js) -->',
    `Run ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} with \`node bench/wire/fanout-nodes.js\` (after \`bash scripts/bench.sh\` built the release binaries): ` +
      `${r.subscribers} subscribers split over ${r.nodes} conformance nodes on one redis-server, one socket publishing 100-byte messages on node A for ${DURATION} s, as fast as acks allow.`,
    '',
    '| published | delivered | lost | delivered msg/s | node CPU per delivered message | incl. Redis | RSS node A / B |',
    '|---|---|---|---|---|---|---|',
    `| ${r.published.toLocaleString('en-US')} | ${r.delivered.toLocaleString('en-US')} | ${r.lost} | ${r.delivered_per_sec.toLocaleString('en-US')} | ${r.node_cpu_us_per_delivered} µs | ${r.with_redis_cpu_us_per_delivered} µs | ${r.rss_mb.node_a.toFixed(1)} / ${r.rss_mb.node_b.toFixed(1)} MB |`,
    '<!-- fanout-nodes:end -->',
  ].join('\n') + '\n';
  const begin = doc.indexOf('<!-- fanout-nodes:begin');
  const endMark = '<!-- fanout-nodes:end -->\n';
  const end = doc.indexOf(endMark);
  const next = begin >= 0 && end > begin
    ? doc.slice(0, begin) + block + doc.slice(end + endMark.length)
    : `${doc.trimEnd()}\n\n## Fan-out across two nodes (Redis)\n\n${block}`;
  fs.writeFileSync(file, next);
}

main().catch((e) => { console.error(e); stopAll(); process.exit(1); });
