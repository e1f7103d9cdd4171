#!/usr/bin/env node
/*
 * The wire benchmark: Sails 1.5.18, sailroute (examples/conformance) on its own transport (the
 * default) and on socketioxide (`sailroute-sio`, the transport it replaces), and raw socketioxide
 * (bench/src/bin/raw-socketioxide.rs), measured one after another in one run with the shared
 * load generator (../shared/bench/loadgen), on 127.0.0.1 only.
 *
 *   node bench/wire/run.js            full run (~15 s per scenario); rewrites docs/benchmarks.md
 *                                     and its chart, docs/benchmarks.svg (bench/wire/chart.mjs)
 *   node bench/wire/run.js --smoke    a few seconds per scenario; checks that every scenario runs
 *                                     and that nothing is lost, writes target/bench-work/smoke.md
 *   --servers sailroute,raw,sails     which servers (default all four: sails, sailroute,
 *                                     sailroute-sio, raw)
 *   --scenarios get,post256,...       which scenarios (default all)
 *
 * Needs: release builds of conformance and raw-socketioxide (scripts/bench.sh builds them),
 * node + npm (the loadgen and the Sails app are copied to target/bench-work and `npm ci`ed
 * there, since ../shared is read-only), wrk for the HTTP scenario. Every process it starts is
 * stopped by PID; a hard timer bounds the whole run.
 */
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer: startMeasured } = require('./proc');

const ROOT = path.resolve(__dirname, '..', '..');
const SHARED = path.resolve(ROOT, '..', 'shared', 'bench', 'loadgen');
const TARGET = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
const WORK = path.join(TARGET, 'bench-work');

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const SMOKE = flag('smoke');
const DUR = Number(option('duration', SMOKE ? 2 : 15));
const SERVERS = option('servers', 'sails,sailroute,sailroute-sio,raw').split(',');

/** Every scenario: loadgen arguments (or wrk), and how its figure per operation is read. */
const SCENARIOS = [
  // GET and new connections are run three times, the servers alternating, and the median is
  // kept: one run of each differs from the next by more than the servers do (docs/benchmarks.md).
  { id: 'get', title: 'socket GET /hello, 50 sockets', mode: 'get', rounds: SMOKE ? 1 : 3, also: ['sailroute-minimal'], args: ['--clients', SMOKE ? '10' : '50', '--warmup', SMOKE ? '1' : '2'] },
  { id: 'post256', title: 'socket POST /echo 256 B, 50 sockets', mode: 'post', also: ['sailroute-minimal'], args: ['--clients', SMOKE ? '10' : '50', '--warmup', SMOKE ? '1' : '2', '--payload-bytes', '256'] },
  { id: 'post4k', title: 'socket POST /echo 4 KiB, 50 sockets', mode: 'post', also: ['sailroute-minimal'], args: ['--clients', SMOKE ? '10' : '50', '--warmup', SMOKE ? '1' : '2', '--payload-bytes', '4096'] },
  // The subscribers in two client processes, the connections from two: one Node process is the
  // limit of these scenarios whatever the server (its queue then sets the latency, its CPU the
  // connection rate), so two let the figures compare the servers (docs/benchmarks.md).
  { id: 'fanout200', title: 'fan-out to 200 subscribers', mode: 'fanout', args: ['--clients', SMOKE ? '50' : '200', '--payload-bytes', '128', '--drain', SMOKE ? '5' : '10', '--workers', '2'] },
  { id: 'fanout1000', title: 'fan-out to 1000 subscribers', mode: 'fanout', args: ['--clients', SMOKE ? '200' : '1000', '--payload-bytes', '128', '--drain', SMOKE ? '5' : '20', '--workers', '2'] },
  // Latency at the same offered load for every server (50 broadcasts a second, 50,000
  // deliveries): as fast as acks allow, a faster server is offered more and its median is the
  // client's longer queue.
  { id: 'fanout1000r50', title: 'fan-out to 1000 subscribers at 50 broadcasts/s', mode: 'fanout', args: ['--clients', SMOKE ? '200' : '1000', '--payload-bytes', '128', '--drain', SMOKE ? '5' : '20', '--workers', '2', '--rate', '50'] },
  { id: 'connrate', title: 'new connections (handshake, upgrade, one GET), 2 × 10 at a time', script: 'connrate.js', rounds: SMOKE ? 1 : 3, also: ['sailroute-minimal'], args: ['--concurrency', SMOKE ? '3' : '10', '--workers', '2'] },
  { id: 'idle1000', title: '1000 idle sockets (RSS)', mode: 'connect', args: ['--clients', SMOKE ? '200' : '1000'] },
  { id: 'wrk', title: 'HTTP GET /hello, wrk, 50 connections', wrk: true },
];
/**
 * The servers a scenario runs on: `--servers` (or the default list), and, unless `--servers` was
 * given, the scenario's `also` servers: `sailroute-minimal`, the runtime serving only what raw
 * socketioxide serves, where the two do the same work (the request scenarios).
 */
const kindsFor = (scenario) => (args.includes('--servers') ? SERVERS : [...SERVERS, ...(scenario.also || [])]);
const wanted = option('scenarios', SCENARIOS.map((s) => s.id).join(',')).split(',');

const started = [];
const hardLimit = setTimeout(() => {
  console.error('bench: hard time limit reached, stopping everything');
  stopAll();
  process.exit(3);
}, (SMOKE ? 15 : 60) * 60 * 1000);
hardLimit.unref();
process.on('exit', stopAll);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { stopAll(); process.exit(130); });

function stopAll() {
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function log(message) { process.stderr.write(`bench: ${message}\n`); }

function sh(cmd, argv, cwd) {
  execFileSync(cmd, argv, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Copies a read-only shared folder into the work dir and installs it from its lockfile. */
function prepare(name, src) {
  const dest = path.join(WORK, name);
  const lock = fs.readFileSync(path.join(src, 'package-lock.json'), 'utf8');
  const stamp = path.join(dest, '.installed-lock');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === lock) return dest;
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(dest, { recursive: true });
  for (const entry of fs.readdirSync(src)) {
    if (entry === 'node_modules' || entry === 'results' || entry === 'sails-app') continue;
    fs.cpSync(path.join(src, entry), path.join(dest, entry), { recursive: true });
    fs.chmodSync(path.join(dest, entry), 0o755);
  }
  log(`npm ci in ${path.relative(ROOT, dest)}`);
  sh('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], dest);
  fs.writeFileSync(stamp, lock);
  return dest;
}

/** Starts a server (`startServer` in proc.js) and remembers it, so that an exit stops it. */
async function startServer(kind, sailsDir) {
  const server = await startMeasured(kind, { target: TARGET, sailsDir });
  started.push(server.child);
  return server;
}

async function stopServer(server) {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function runCapture(cmd, argv, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    started.push(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { err += c; });
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${argv.join(' ')} exited ${code}:\n${err}${out}`))));
  });
}

async function waitIdle(loadgenDir) {
  try {
    await runCapture('node', [path.join(loadgenDir, 'cpumon.js'), '--wait-idle', '15', '--max-wait', SMOKE ? '10' : '60']);
  } catch (e) {
    log(`machine not idle: ${e.message.split('\n')[0]}`);
  }
}

async function runScenario(scenario, server, loadgenDir) {
  await waitIdle(loadgenDir);
  if (scenario.wrk) {
    const wrkDur = Math.max(2, DUR - 5);
    const wrk = runCapture('wrk', ['-t1', '-c50', `-d${wrkDur}s`, '--latency', `${server.url}/hello`]);
    await new Promise((r) => setTimeout(r, 300));
    const mon = JSON.parse(await runCapture('node', [path.join(loadgenDir, 'cpumon.js'), '--pids', String(server.pid), '--names', 'server', '--duration', String(wrkDur - 0.5)]));
    return parseWrk(await wrk, mon);
  }
  if (scenario.script) {
    const out = await runCapture('node', [path.join(__dirname, scenario.script), '--url', server.url, '--server-pid', String(server.pid), '--duration', String(DUR), '--client-dir', loadgenDir, ...scenario.args]);
    return JSON.parse(out.trim().split('\n').pop());
  }
  let baseline = null;
  if (scenario.mode === 'connect') {
    const mon = JSON.parse(await runCapture('node', [path.join(loadgenDir, 'cpumon.js'), '--pids', String(server.pid), '--names', 'server', '--duration', '1']));
    baseline = mon.procs.server.rss_mb_max;
  }
  const argv = [path.join(loadgenDir, 'loadgen.js'), '--url', server.url, '--mode', scenario.mode, '--duration', String(DUR), '--server-pid', String(server.pid), '--quiet', ...scenario.args];
  const out = await runCapture('node', argv);
  const result = JSON.parse(out.trim().split('\n').pop());
  if (baseline != null) result.baseline_rss_mb = baseline;
  return result;
}

function parseWrk(text, mon) {
  const rps = Number((/Requests\/sec:\s+([\d.]+)/.exec(text) || [])[1]);
  const unit = (v, u) => Number(v) * ({ us: 0.001, ms: 1, s: 1000 }[u] || 1);
  const pct = (p) => { const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(text); return m ? unit(m[1], m[2]) : null; };
  const server = mon.procs.server;
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(text);
  return { mode: 'wrk', req_per_sec: rps, latency_ms: { p50: pct(50), p99: pct(99) }, usage: { server_cpu_pct: server.cpu_pct, server_rss_mb_max: server.rss_mb_max }, errors: errors ? errors[0] : null, raw: mon };
}

/** The figures a table row needs, from a loadgen (or wrk) result. */
function summarize(scenario, r) {
  const usage = r.usage || r.hold || {};
  const cpu = usage.server_cpu_pct;
  const rss = usage.server_rss_mb_max ?? usage.server_rss_mb_end;
  if (scenario.mode === 'fanout') {
    const rate = r.delivered_msgs_per_sec;
    const latency = r.delivery_latency_ms || {};
    return {
      throughput: rate, unit: 'msg/s', p50: latency.p50, p99: latency.p99,
      cpu, rss, perOp: rate && cpu != null ? (cpu / 100) / rate * 1e6 : null,
      lost: r.lost, dup: r.duplicates, errors: r.subscriber_disconnects || null,
      raw: r,
    };
  }
  if (scenario.mode === 'connect') {
    const hold = r.usage || {};
    const rss = hold.server_rss_mb_max ?? hold.server_rss_mb_end;
    const perSocketKb = r.baseline_rss_mb != null && r.connected ? ((rss - r.baseline_rss_mb) * 1024) / r.connected : null;
    return { throughput: null, unit: '', cpu: hold.server_cpu_pct, rss, baseline: r.baseline_rss_mb, perSocketKb, connected: r.connected, errors: r.connect_errors || null, raw: r };
  }
  const rate = r.req_per_sec;
  return {
    throughput: rate, unit: r.mode === 'connrate' ? 'conn/s' : 'req/s', p50: r.latency_ms && r.latency_ms.p50, p99: r.latency_ms && r.latency_ms.p99,
    cpu, rss, perOp: rate && cpu != null ? (cpu / 100) / rate * 1e6 : null,
    errors: r.errors && (typeof r.errors === 'object' ? r.errors.total : r.errors), raw: r,
  };
}

async function main() {
  fs.mkdirSync(WORK, { recursive: true });
  const loadgenDir = prepare('loadgen', SHARED);
  const sailsDir = SERVERS.includes('sails') ? prepare('sails-app', path.join(SHARED, 'sails-app')) : null;
  const results = Object.fromEntries(SERVERS.map((kind) => [kind, {}]));
  for (const scenario of SCENARIOS.filter((s) => wanted.includes(s.id))) {
    const kinds = kindsFor(scenario);
    const rounds = Object.fromEntries(kinds.map((kind) => [kind, []]));
    for (let round = 1; round <= (scenario.rounds || 1); round++) {
      for (const kind of kinds) {
        // A fresh server per run: memory and connection state from one do not leak into the next.
        const server = await startServer(kind, sailsDir);
        try {
          log(`${kind}: ${scenario.id} (round ${round})`);
          const summary = summarize(scenario, await runScenario(scenario, server, loadgenDir));
          rounds[kind].push(summary);
          log(`${kind}: ${scenario.id}: ${JSON.stringify(summary, (k, v) => (k === 'raw' ? undefined : v))}`);
        } catch (e) {
          rounds[kind].push({ error: e.message.split('\n').slice(0, 3).join(' ') });
          log(`${kind}: ${scenario.id} failed: ${e.message}`);
        } finally {
          await stopServer(server);
        }
      }
    }
    for (const kind of kinds) (results[kind] ??= {})[scenario.id] = median(rounds[kind]);
  }
  const markdown = render(results);
  const out = SMOKE ? path.join(WORK, 'smoke.md') : path.join(ROOT, 'docs', 'benchmarks.md');
  if (SMOKE) {
    fs.writeFileSync(out, markdown);
  } else {
    const doc = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
    fs.writeFileSync(out, spliceWire(doc, markdown));
  }
  const json = path.join(WORK, SMOKE ? 'smoke.json' : 'wire.json');
  fs.writeFileSync(json, JSON.stringify(results, null, 2));
  log(`wrote ${path.relative(ROOT, out)}`);
  // The same figures as a chart (Vega-Lite, bench/wire/chart.mjs); docs/benchmarks.md embeds it.
  const svg = SMOKE ? path.join(WORK, 'smoke.svg') : path.join(ROOT, 'docs', 'benchmarks.svg');
  sh('node', [path.join(__dirname, 'chart.mjs'), json, svg]);
  const failures = checkSmoke(results);
  if (failures.length) {
    for (const f of failures) log(`FAILED: ${f}`);
    process.exitCode = 1;
  }
}

/**
 * Of several runs of one scenario on one server, the run with the median CPU per operation,
 * with every run's figure in `rounds`; a failed run makes the whole a failure.
 */
function median(runs) {
  const failed = runs.find((r) => r.error);
  if (failed || runs.length === 1) return failed || runs[0];
  const sorted = [...runs].sort((a, b) => (a.perOp ?? Infinity) - (b.perOp ?? Infinity));
  return { ...sorted[Math.floor((sorted.length - 1) / 2)], rounds: runs.map((r) => r.perOp) };
}

/**
 * The run's checks: every scenario produced figures and nothing errored; sailroute lost no
 * message (the baselines' losses are findings to report, not failures of this project).
 */
function checkSmoke(results) {
  const failures = [];
  for (const [kind, byScenario] of Object.entries(results)) {
    for (const [id, r] of Object.entries(byScenario)) {
      if (r.error) failures.push(`${kind} ${id}: ${r.error}`);
      else if (id === 'idle1000' ? !(r.connected > 0) : !(r.throughput > 0)) failures.push(`${kind} ${id}: no throughput`);
      else if (r.errors) failures.push(`${kind} ${id}: ${r.errors} errors`);
      else if (r.lost && kind.startsWith('sailroute')) failures.push(`${kind} ${id}: ${r.lost} messages lost`);
    }
  }
  return failures;
}

const fmt = (v, digits = 0) => (v == null || Number.isNaN(v) ? '–' : Number(v).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const ratio = (a, b) => (a == null || b == null || !b ? '–' : `${(a / b).toFixed(2)}×`);

function machine() {
  const cpu = os.cpus()[0];
  return `${os.cpus().length} × ${cpu ? cpu.model.trim() : 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

function render(results) {
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const lines = [];
  lines.push('<!-- wire:begin (generated by bench/wire/run.js; edit outside these markers) -->');
  lines.push(`Run ${when} with \`bash scripts/bench.sh\` (${SMOKE ? 'smoke' : `${DUR} s per scenario`}), one server at a time, fresh per scenario;`);
  lines.push('a scenario run several times alternates the servers and shows the run with the median CPU/op.');
  lines.push(`Machine: ${machine()}.`);
  lines.push('');
  lines.push('"CPU/op" is server CPU time per request (or per delivered message for fan-out), read from /proc;');
  lines.push('it is the figure that survives a noisy 2-core machine. Ratios compare sailroute with each server');
  lines.push('in the same run (lower is better for CPU/op and RSS).');
  lines.push('');
  lines.push('| scenario | server | throughput | p50 ms | p99 ms | server CPU % | CPU/op µs | RSS MB | sailroute CPU/op vs this |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const scenario of SCENARIOS.filter((s) => wanted.includes(s.id))) {
    for (const kind of kindsFor(scenario)) {
      const r = (results[kind] || {})[scenario.id];
      if (!r) continue;
      if (r.error) { lines.push(`| ${scenario.title} | ${kind} | failed: ${r.error.replace(/\|/g, '/')} | | | | | | |`); continue; }
      const ours = (results.sailroute || {})[scenario.id] || {};
      const lossNote = scenario.mode === 'fanout' ? ` (lost ${fmt(r.lost)})` : '';
      const raw = (results.raw || {})[scenario.id] || {};
      // The minimal server's row compares it with raw socketioxide, which serves the same.
      const vs = kind === 'sailroute' ? '—'
        : kind === 'sailroute-minimal' ? `${ratio(ours.perOp, r.perOp)}; this vs raw ${ratio(r.perOp, raw.perOp)}`
          : scenario.mode === 'connect' ? `RSS ${ratio(ours.rss, r.rss)}` : ratio(ours.perOp, r.perOp);
      const title = r.rounds ? `${scenario.title} (median of ${r.rounds.length} runs, CPU/op ${r.rounds.map((v) => fmt(v, 2)).join(' / ')})` : scenario.title;
      lines.push(`| ${title} | ${kind} | ${r.throughput == null ? `${fmt(r.connected)} connected` : `${fmt(r.throughput)} ${r.unit}`}${lossNote} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.cpu, 1)} | ${fmt(r.perOp, 2)} | ${fmt(r.rss, 1)} | ${vs} |`);
    }
  }
  const idle = SERVERS.map((k) => [k, (results[k] || {}).idle1000]).filter(([, r]) => r && !r.error && r.connected);
  if (idle.length) {
    lines.push('');
    lines.push('Idle sockets: resident memory each connected socket adds, (RSS with the sockets − RSS before) / sockets: ' +
      idle.map(([k, r]) => `${k} ${fmt(r.perSocketKb, 1)} KB (${fmt(r.baseline, 1)} → ${fmt(r.rss, 1)} MB)`).join(', ') + '.');
  }
  lines.push('<!-- wire:end -->');
  return `${lines.join('\n')}\n`;
}

/** Replaces the generated block in docs/benchmarks.md, keeping the hand-written text around it. */
function spliceWire(doc, block) {
  const begin = doc.indexOf('<!-- wire:begin');
  const end = doc.indexOf('<!-- wire:end -->');
  if (begin >= 0 && end > begin) return doc.slice(0, begin) + block + doc.slice(end + '<!-- wire:end -->\n'.length);
  return `${doc}${doc ? '\n' : ''}## Wire benchmark\n\n${block}`;
}

main().catch((e) => { log(e.stack || String(e)); stopAll(); process.exit(1); });
