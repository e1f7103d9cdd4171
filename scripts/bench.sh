#!/usr/bin/env bash
# The wire benchmark, side by side: Sails 1.5.18, sailroute, raw socketioxide. Rewrites the
# generated table in docs/benchmarks.md. `--smoke` runs a few seconds per scenario instead
# and only checks that everything runs (the test command does this).
#   bash scripts/bench.sh [--smoke] [--servers sails,sailroute,raw] [--scenarios get,wrk,...]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d ../shared/bench/loadgen ]; then
  echo "bench: ../shared/bench/loadgen is missing (the shared load generator sits beside the repo)" >&2
  exit 1
fi
command -v wrk >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk
}
cargo build --release --locked -p conformance -p sailroute-bench
exec node bench/wire/run.js "$@"
