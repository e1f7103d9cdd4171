#!/usr/bin/env bash
# Same-run A/B of two server binaries on one socket scenario: alternates them for a few rounds
# (a fresh server each time) under the shared load generator and prints server CPU per request
# from /proc. This is how the "what each change bought" figures in docs/benchmarks.md are taken:
# build the old commit's binary into another target directory, then
#   bash bench/wire/ab.sh OLD_BINARY NEW_BINARY [get|post] [rounds]
# Run `bash scripts/bench.sh --smoke` once first: it prepares the load generator.
set -euo pipefail
cd "$(dirname "$0")/../.."
a=${1:?first server binary}
b=${2:?second server binary}
mode=${3:-get}
rounds=${4:-3}
loadgen=target/bench-work/loadgen/loadgen.js
[ -f "$loadgen" ] || { echo "ab: $loadgen is missing; run bash scripts/bench.sh --smoke first" >&2; exit 1; }
port=$((20000 + RANDOM % 20000))
extra=()
[ "$mode" = post ] && extra=(--payload-bytes 256)

for round in $(seq "$rounds"); do
  for bin in "$a" "$b"; do
    "$bin" --port "$port" >/dev/null 2>&1 &
    pid=$!
    trap 'kill $pid 2>/dev/null || true' EXIT
    for _ in $(seq 50); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
      sleep 0.1
    done
    result=$(node "$loadgen" --url "http://127.0.0.1:$port" --mode "$mode" --clients 50 \
      --duration 8 --warmup 2 --server-pid "$pid" --quiet "${extra[@]}")
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    echo "$result" | node -e '
      const d = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const cpu = d.usage.server_cpu_pct;
      console.log(`round ${process.argv[1]}  ${process.argv[2]}  ${d.req_per_sec.toFixed(0)} req/s  ` +
        `server CPU ${cpu.toFixed(1)} %  ${(cpu * 1e4 / d.req_per_sec).toFixed(2)} µs/req`);
    ' "$round" "$bin"
  done
done
