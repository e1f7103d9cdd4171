#!/usr/bin/env bash
# The crates meant for users pass `cargo package` (which builds each one from its packaged
# files alone, against the others' packages), and the packaged code generator, unpacked on its
# own away from this repository, still renders: its templates travel inside it
# (codegen/templates is a link to the top-level templates/, which cargo packages as files).
#   bash scripts/package.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# todo-api is the standalone client crate `sailroute-codegen --rust-crate` wrote (examples/todo-api).
crates=(sailroute-ir sailroute-macros sailroute sailroute-client sailroute-codegen todo-api)
args=()
for c in "${crates[@]}"; do args+=(-p "$c"); done
target=${CARGO_TARGET_DIR:-target}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
# cargo verifies each package against the others' through a local registry, and takes a
# registry crate for immutable: its unpacked source in CARGO_HOME (shared by every clone on the
# machine) and its build in the target directory. After a change, an earlier run's
# sailroute-ir 0.1.0 would stand in for the one just packaged (seen as "cannot find `compat` in
# `sailroute_ir`"). So the unpacked sources always go, and the builds when the packaged
# sources changed since the last verified run (or that run is unknown).
stamp=$target/package/verified.sha256
earlier_run=false
[ -d "$target/package/tmp-registry" ] && earlier_run=true
cargo package --locked --allow-dirty --no-verify --quiet "${args[@]}"
current=$(cd "$target/package" && sha256sum ./*.crate)
for c in "${crates[@]}"; do
  rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"$c-$version"
done
if $earlier_run && [ "$(cat "$stamp" 2>/dev/null)" != "$current" ]; then
  for c in "${crates[@]}"; do
    cargo clean --quiet -p "$c" 2>/dev/null || true
  done
fi
# --allow-dirty: the check runs on a working tree too, not only on a commit.
cargo package --locked --allow-dirty "${args[@]}"
echo "$current" >"$stamp"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for c in sailroute-ir sailroute-codegen; do
  tar -xzf "$target/package/$c-$version.crate" -C "$work"
done
# The templates travel inside the crate as files, not as the repository's link.
templates="$work/sailroute-codegen-$version/templates"
[ -d "$templates" ] && [ ! -L "$templates" ] && [ -f "$templates/js/index.js.jinja" ] ||
  { echo "the packaged sailroute-codegen does not carry its templates" >&2; exit 1; }

# The unpacked generator, with the unpacked IR crate standing in for the unpublished one.
(cd "$work/sailroute-codegen-$version" &&
  CARGO_TARGET_DIR="$(cd "$OLDPWD" && cd "$target" && pwd)" cargo run --quiet \
    --config "patch.crates-io.sailroute-ir.path=\"$work/sailroute-ir-$version\"" -- \
    --contract "$OLDPWD/examples/todo/api.json" --rust "$work/packaged/client.rs" --js "$work/packaged/js" --js-name todo-client \
    --rust-crate "$work/packaged/crate" --crate-name todo-api >/dev/null)
# The workspace's generator, from the same contract.
cargo run --quiet --locked -p sailroute-codegen -- \
  --contract examples/todo/api.json --rust "$work/workspace/client.rs" --js "$work/workspace/js" --js-name todo-client \
  --rust-crate "$work/workspace/crate" --crate-name todo-api >/dev/null
diff -r "$work/workspace" "$work/packaged"
echo "packaged: ${crates[*]}; the unpacked sailroute-codegen renders what the workspace's renders"
