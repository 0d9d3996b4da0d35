#!/bin/sh
# CARGO for `maturin build --zig` (mk/dist.mk): when maturin compiles the Python extension for a target, build
# the Node addon for the same target first, in maturin's exact environment (its zig linker wrappers). Cargo
# counts the linker in every unit's fingerprint, so a separate `cargo zigbuild` (other wrapper paths) would
# compile all the dependencies a second time; this way the wheel and the addon share them.
set -eu
real_cargo=${DIST_REAL_CARGO:-cargo}
if [ "${1:-}" = rustc ]; then
  target=
  prev=
  for arg in "$@"; do
    if [ "$prev" = --target ]; then target=$arg; fi
    prev=$arg
  done
  [ -n "$target" ] || { echo "cargo-with-node.sh: no --target in: $*" >&2; exit 2; }
  "$real_cargo" build --release --locked -p openrouter-pkce-node --target "$target" \
    --manifest-path "$(dirname "$0")/../../Cargo.toml" --message-format short >&2
fi
exec "$real_cargo" "$@"
