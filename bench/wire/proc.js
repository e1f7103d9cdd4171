'use strict';
// What the wire scripts share: their `--name value` options, and a server's CPU time and
// resident memory from /proc (Linux only, as the benchmarks are).
const fs = require('node:fs');

/** `--name value` from the command line, or `fallback`. */
function option(name, fallback) {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
}

/** User plus system CPU time of `pid`, in seconds. */
function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** User and system CPU time of `pid`, in seconds, apart. */
function cpuTimes(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

/** Resident memory of `pid`, in KiB. */
function rssKiB(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

module.exports = { option, cpuSeconds, cpuTimes, rssKiB, sleep };
