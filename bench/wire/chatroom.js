'use strict';
/**
 * Where real chat servers live: many sockets in one room, a modest broadcast rate. For each
 * server (Sails, sailroute on its own transport and on socketioxide, raw socketioxide), one after another, the shared load generator
 * connects N sockets, subscribes them all to one room, publishes M broadcasts at R per second,
 * waits for every delivery, then holds the sockets idle; the server's user and system CPU
 * (from /proc) and resident memory are read at each phase boundary the load generator logs.
 *
 *   node bench/wire/chatroom.js [--clients 10000] [--messages 50] [--rate 5] [--drain 20] [--hold 10] [--servers sails,sailroute,sailroute-sio,raw]
 *
 * Prints one JSON object per server and a Markdown table; writes target/bench-work/chatroom.json.
 * Needs what scripts/bench.sh prepares (release binaries, target/bench-work/{loadgen,sails-app}).
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { option, cpuTimes, rssKiB, startServer } = require('./proc');

const ROOT = path.resolve(__dirname, '..', '..');
const TARGET = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
const WORK = path.join(TARGET, 'bench-work');
const CLIENTS = option('clients', '10000');
const MESSAGES = option('messages', '50');
const RATE = option('rate', '5');
const DRAIN = option('drain', '20');
const HOLD = option('hold', '10');
const SERVERS = option('servers', 'sails,sailroute,sailroute-sio,raw').split(',');

function snapshot(pid) {
  const { user, system } = cpuTimes(pid);
  return { at: Date.now(), user, system, rssMiB: rssKiB(pid) / 1024 };
}

async function measure(kind) {
  const server = await startServer(kind, { target: TARGET, sailsDir: path.join(WORK, 'sails-app') });
  const marks = { start: snapshot(server.pid) };
  // Long enough to publish every message at the rate (the load generator stops at --duration).
  const duration = String(Math.ceil(Number(MESSAGES) / Number(RATE)) + 30);
  const argv = [path.join(WORK, 'loadgen', 'loadgen.js'), '--url', server.url, '--mode', 'fanout', '--clients', CLIENTS,
    '--messages', MESSAGES, '--rate', RATE, '--duration', duration, '--drain', DRAIN, '--hold', HOLD, '--server-pid', String(server.pid)];
  const loadgen = spawn('node', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  loadgen.stdout.on('data', (d) => { stdout += d; });
  let pending = '';
  loadgen.stderr.on('data', (d) => {
    stderr += d;
    // Whole lines only: a chunk may end mid-line.
    const lines = (pending + d).split('\n');
    pending = lines.pop();
    for (const line of lines) {
      if (/connected \d+\/\d+ sockets/.test(line)) marks.connected = snapshot(server.pid);
      else if (/subscribed \d+\/\d+ sockets/.test(line)) marks.subscribed = snapshot(server.pid);
      else if (/published \d+ broadcasts/.test(line)) marks.published = snapshot(server.pid);
      else if (/holding \d+ sockets/.test(line)) marks.delivered = snapshot(server.pid);
    }
  });
  const code = await new Promise((resolve) => loadgen.once('exit', resolve));
  marks.end = snapshot(server.pid);
  server.child.kill('SIGKILL');
  if (code !== 0) throw new Error(`loadgen exited with ${code}:\n${stderr}`);
  const result = JSON.parse(stdout.trim().split('\n').pop());
  const phase = (from, to) => marks[from] && marks[to] && {
    seconds: (marks[to].at - marks[from].at) / 1000,
    user: +(marks[to].user - marks[from].user).toFixed(2),
    system: +(marks[to].system - marks[from].system).toFixed(2),
    rssMiB: +marks[to].rssMiB.toFixed(1),
  };
  return {
    kind,
    phases: {
      connect: phase('start', 'subscribed'),
      delivery: phase('subscribed', 'delivered'),
      idle: phase('delivered', 'end'),
      total: phase('start', 'end'),
    },
    delivered: result.delivered, lost: result.lost, dup: result.duplicates, errors: result.errors,
  };
}

async function main() {
  const results = [];
  for (const kind of SERVERS) {
    const r = await measure(kind);
    console.log(JSON.stringify(r));
    results.push(r);
  }
  fs.writeFileSync(path.join(WORK, 'chatroom.json'), `${JSON.stringify({ clients: CLIENTS, messages: MESSAGES, rate: RATE, results }, null, 2)}\n`);
  const row = (r, p) => {
    const x = r.phases[p];
    return x ? `${x.user.toFixed(2)} s / ${x.system.toFixed(2)} s, ${x.rssMiB.toFixed(0)} MiB` : 'n/a';
  };
  console.log(`\n| server | connect + subscribe (user / system, RSS after) | delivery | idle ${HOLD} s | whole run | lost | dup |`);
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.kind} | ${row(r, 'connect')} | ${row(r, 'delivery')} | ${row(r, 'idle')} | ${row(r, 'total')} | ${r.lost} | ${r.dup} |`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
