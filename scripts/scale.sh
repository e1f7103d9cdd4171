#!/usr/bin/env bash
# Scale and soak runs (minutes each; not part of the test command). Figures go in
# docs/benchmarks.md ("Scale and soak") with these commands.
#   bash scripts/scale.sh fanout   10,000 sockets on one node, one room, broadcasts to all of them:
#                                  delivery (zero loss), latency, server RSS and CPU
#   bash scripts/scale.sh storm    1,000 Rust clients subscribed; the server is killed and started
#                                  again; every client reconnects at once and replays its
#                                  subscription; one broadcast must then reach all of them
#   bash scripts/scale.sh soak     10 minutes of mixed requests, broadcasts, connects and
#                                  disconnects; server RSS growth after a 1-minute warm-up
#   bash scripts/scale.sh all
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
work=target/bench-work
mkdir -p "$work"

cargo build --release --locked -p conformance -p sailroute-bench
[ -d tests/node/node_modules/socket.io-client ] || (cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
if [ ! -d "$work/loadgen/node_modules" ]; then
  rm -rf "$work/loadgen"
  cp -r ../shared/bench/loadgen "$work/loadgen"
  (cd "$work/loadgen" && npm ci --no-audit --no-fund --loglevel=error)
fi

# A fresh conformance server on a free port; sets $port and $pid.
start() {
  port=$((20000 + RANDOM % 20000))
  target/release/conformance --port "$port" >/dev/null 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return
    sleep 0.1
  done
  echo "scale: the server did not start" >&2
  exit 1
}

if [ "$what" = fanout ] || [ "$what" = all ]; then
  start
  echo "scale: fanout to 10,000 sockets" >&2
  node "$work/loadgen/loadgen.js" --url "http://127.0.0.1:$port" --mode fanout --clients 10000 \
    --workers 2 --connect-concurrency 200 --connect-timeout 60 --messages 20 --rate 2 --drain 30 \
    --payload-bytes 128 --server-pid "$pid" --quiet | tee "$work/scale-fanout.json"
  kill "$pid"
fi

if [ "$what" = storm ] || [ "$what" = all ]; then
  echo "scale: reconnect storm of 1,000 clients" >&2
  target/release/storm --server target/release/conformance --clients 1000 | tee "$work/scale-storm.json"
fi

if [ "$what" = soak ] || [ "$what" = all ]; then
  start
  echo "scale: 10-minute soak" >&2
  node bench/wire/soak.js --url "http://127.0.0.1:$port" --server-pid "$pid" --duration 600 \
    --warmup 60 | tee "$work/scale-soak.json"
  kill "$pid"
fi
