#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what is missing (Node.js and npm
# packages; schemathesis from PyPI into target/py; Chromium, redis-server and postgresql via apt-get), then runs formatting and lint gates, the Rust
# tests and the end-to-end suites against the examples. Run it from anywhere:
#   bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n==> %s\n' "$*"; }

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# Tools the suites need: Node.js for the client suites, Debian's Chromium for the browser
# tests (browsers cannot be downloaded here; playwright-core drives the system one).
command -v node >/dev/null && command -v npm >/dev/null || { log "installing Node.js"; apt_install nodejs npm; }
[ -x /usr/bin/chromium ] || { log "installing chromium"; apt_install chromium; }
# A real redis-server for the multi-node tests (they start and stop their own).
command -v redis-server >/dev/null || { log "installing redis-server"; apt_install redis-server; }
# A real PostgreSQL for the blueprint SQL tests (they start their own server in a scratch
# directory with Debian's initdb and pg_ctl, which are not on PATH).
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || { log "installing postgresql"; apt_install postgresql; }
# schemathesis (PyPI) runs the todo example's OpenAPI document against the live server
# (tests/node/test/schemathesis.test.js); it lives in its own virtualenv under target/.
SCHEMATHESIS_VERSION=4.32.5
if ! target/py/bin/st --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  log "installing schemathesis $SCHEMATHESIS_VERSION"
  command -v python3 >/dev/null || apt_install python3
  rm -rf target/py
  python3 -m venv target/py 2>/dev/null || { rm -rf target/py; apt_install python3-venv; python3 -m venv target/py; }
  target/py/bin/pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
export SCHEMATHESIS="$PWD/target/py/bin/st"

# One cold pass: incremental caches would only add gigabytes to a target/ that is thrown
# away (a CI machine's disk is not always large).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

log "formatting"
cargo fmt --all -- --check

log "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
# The runtime alone, without the features the examples turn on (redis, sessions).
cargo clippy -p sailroute --all-targets --locked -- -D warnings

log "rust tests"
cargo test --workspace --locked

log "packages: cargo package of every published crate; the packaged generator renders alone"
bash scripts/package.sh

log "fuzz smoke (cargo-fuzz: a few seconds per target; long runs in docs/robustness.md)"
bash scripts/fuzz.sh --smoke

log "end-to-end suites (Node: sails.io.js, socket.io-client, the generated JS client; Chromium)"
cargo build --workspace --bins --locked
(cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
# The official Socket.IO protocol suite keeps its own pinned mocha and chai.
(cd tests/protocol/socket.io-protocol && npm ci --no-audit --no-fund --loglevel=error)
# The served /sailroute.js carries the @sailroute/client runtime: its copy must be current.
(cd tests/node && node scripts/runtime-bundle.js --check)
(cd tests/node && SAILROUTE_PROFILE=debug npm test)

log "TypeScript: generated declarations under --strict --exactOptionalPropertyTypes"
(cd tests/node && npm run --silent typecheck)

log "benchmark smoke run (a few seconds per scenario, Sails and raw socketioxide beside sailroute)"
bash scripts/bench.sh --smoke

log "all suites passed"
