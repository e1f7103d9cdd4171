#!/usr/bin/env bash
# The wire benchmark, side by side: Sails 1.5.18, sailroute on its own transport and on
# socketioxide (the transport it replaces), raw socketioxide, then sailroute's
# fan-out across two nodes through Redis, then blueprints against Sails' ORM. Rewrites the generated tables in docs/benchmarks.md. `--smoke` runs a few seconds per scenario instead
# and only checks that everything runs (the test command does this).
#   bash scripts/bench.sh [--smoke] [--servers sails,sailroute,sailroute-sio,raw] [--scenarios get,wrk,...]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d ../shared/bench/loadgen ]; then
  echo "bench: ../shared/bench/loadgen is missing (the shared load generator sits beside the repo)" >&2
  exit 1
fi
missing=""
command -v wrk >/dev/null || missing="$missing wrk"
command -v redis-server >/dev/null || missing="$missing redis-server"
if [ -n "$missing" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi
[ -d tests/node/node_modules/socket.io-client ] || (cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
# Vega-Lite, for the chart of the results (bench/wire/chart.mjs).
[ -d bench/wire/node_modules/vega-lite ] || (cd bench/wire && npm ci --no-audit --no-fund --loglevel=error)
cargo build --release --locked -p conformance -p sailroute-bench -p pets
node bench/wire/run.js "$@"
# Fan-out across two nodes through Redis (sailroute only: the others have no such mode here).
case " $* " in
  *" --smoke "*) node bench/wire/fanout-nodes.js --smoke ;;
  *" --servers "*|*" --scenarios "*) ;;
  *) node bench/wire/fanout-nodes.js ;;
esac
# Blueprints against Sails with its ORM (sails-disk): create to watchers, find of 100.
case " $* " in
  *" --smoke "*) node bench/wire/blueprints.js --smoke ;;
  *" --servers "*|*" --scenarios "*) ;;
  *) node bench/wire/blueprints.js ;;
esac
