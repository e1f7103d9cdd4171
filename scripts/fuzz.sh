#!/usr/bin/env bash
# The fuzz targets in fuzz/ (cargo-fuzz, libFuzzer, on nightly).
#
#   bash scripts/fuzz.sh --smoke          each target for a few seconds (the test command runs this)
#   bash scripts/fuzz.sh [RUNS] [TARGET]  each target (or one) for RUNS executions (10,000,000 by
#                                         default): the long runs recorded in docs/robustness.md
#
# Installs cargo-fuzz when it is missing. Sanitizer `none`: the code under test is safe Rust, so
# what there is to find is a panic, an abort, a hang or runaway memory — all caught by
# libFuzzer itself — and without AddressSanitizer a target runs 2–3× more inputs per second.
# Each target starts from its seeds (fuzz/seeds/, checked in; for the scanner, the examples'
# sources) and grows a corpus in fuzz/corpus/ (ignored by git); a crash is written to fuzz/artifacts/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(bridge jwr client_packet codegen_scan criteria engine_packet socket_packet ws_frame session)
smoke=false
runs=10000000
only=""
case "${1:-}" in
  --smoke) smoke=true ;;
  "") ;;
  *) runs="$1"; only="${2:-}" ;;
esac

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
rustup run nightly rustc --version >/dev/null 2>&1 ||
  rustup toolchain install nightly --profile minimal || {
  echo "fuzz: the nightly toolchain is missing and could not be installed (rustup toolchain install nightly)" >&2
  exit 1
}

cd fuzz
cargo +nightly fuzz build --sanitizer none
for target in "${TARGETS[@]}"; do
  [ -n "$only" ] && [ "$only" != "$target" ] && continue
  mkdir -p "corpus/$target"
  if $smoke; then
    limit=(-max_total_time=8)
  else
    limit=(-runs="$runs")
  fi
  # Inputs up to 64 KiB, but Rust source for the scanner up to 4 KiB: enough for routes, mounts
  # and types, and syn parses larger files so slowly that 10 million runs would take hours.
  max_len=65536
  [ "$target" = codegen_scan ] && max_len=4096
  echo "fuzz: $target ${limit[*]} -max_len=$max_len"
  # The scanner's seeds are the examples' own sources, read where they are (no copies to drift).
  seeds=("seeds/$target")
  [ "$target" = codegen_scan ] && seeds=(../examples/chat/src ../examples/todo/src ../examples/todo-shared/src)
  cargo +nightly fuzz run --sanitizer none "$target" "corpus/$target" "${seeds[@]}" -- \
    "${limit[@]}" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 2>&1 |
    grep --line-buffered -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE|==[0-9]+== ERROR|SUMMARY|thread .* panicked)' || true
  # A crash makes cargo fuzz fail; with pipefail off for grep, check the artifacts instead.
  if compgen -G "artifacts/$target/*" >/dev/null; then
    echo "fuzz: $target found a crash: $(ls "artifacts/$target")" >&2
    exit 1
  fi
done
