#!/usr/bin/env bash
# Byte-identical reports from two builds: every command and format on the
# bundled fixtures and on a generated tree. For refactors that must not
# change behaviour.
#
#   benches/identical.sh OLD_BINARY [NEW_BINARY] [TREE]
#
# NEW_BINARY defaults to target/release/footprint; TREE to a 50,000-file tree
# made by benches/gen_tree.py. Timestamps (RFC 3339, JUnit `time=`) are masked;
# everything else must match. Exit 1 on the first difference, with the diff.
# MASK='sed expression' masks more, for a change meant to alter some text
# (e.g. MASK='/Blu-ray Disc:/d').
set -uo pipefail
cd "$(dirname "$0")/.."
OLD=${1:?usage: benches/identical.sh OLD_BINARY [NEW_BINARY] [TREE]}
NEW=${2:-$PWD/target/release/footprint}
TREE=${3:-/tmp/footprint_bench_tree}
[ -d "$TREE" ] || python3 benches/gen_tree.py "$TREE" 50000 0 >/dev/null
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
F=$PWD/fixtures
mask() { sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/<time>/g' \
  -e 's/time="[0-9.]+"/time="<t>"/g' -e "s#$WORK/(old|new)#<work>#g" -e "${MASK:-s/^\$//}"; }
n=0
run() {
  n=$((n + 1))
  for side in old new; do
    local bin=$OLD; [ $side = new ] && bin=$NEW
    mkdir -p "$WORK/$side"
    ( cd "$WORK/$side" && "$bin" "$@" >"$WORK/$side.out" 2>"$WORK/$side.err"; echo "exit $?" >>"$WORK/$side.out" )
    for f in "$WORK/$side"/*; do [ -f "$f" ] && { echo "== $(basename "$f")"; cat "$f"; } >>"$WORK/$side.out" && rm "$f"; done
    mask <"$WORK/$side.out" >"$WORK/$side.masked"
    mask <"$WORK/$side.err" >"$WORK/$side.err.masked"
  done
  if ! cmp -s "$WORK/old.masked" "$WORK/new.masked" || ! cmp -s "$WORK/old.err.masked" "$WORK/new.err.masked"; then
    echo "DIFFERENT: footprint $*"
    diff "$WORK/old.masked" "$WORK/new.masked" | head -40
    diff "$WORK/old.err.masked" "$WORK/new.err.masked" | head -20
    exit 1
  fi
}
C=(--no-cache -q)
for fmt in table json csv html; do
  run audit "${C[@]}" --format "$fmt" "$F"
  run audit "${C[@]}" --format "$fmt" --no-probe "$F/media" "$F/sequences" "$F/media/exports"
done
run audit "${C[@]}" --no-hash "$F"
run audit "${C[@]}" -L --format json "$F"
run audit "${C[@]}" --format json --verify-mhl --verify-dcp --runtime 52m --target dcp --target web-1080p "$F"
run audit "${C[@]}" --export-list cands.json "$F"
run audit "${C[@]}" --export-list cands.txt --fail-on any "$F"
run audit --no-cache --format json "$F/sequences"
for fmt in table json list; do run dupes "${C[@]}" --format "$fmt" "$F"; done
for fmt in table json junit; do
  run check -q --format "$fmt" "$F/dcp" --target dcp
  run check -q --format "$fmt" "$F/media/exports" --target bluray
done
run targets
run targets --format json
run audit "${C[@]}" --format json --no-probe --no-hash "$TREE"
run audit "${C[@]}" --format csv --no-probe "$TREE"
run dupes "${C[@]}" --format json "$TREE"
echo "identical: $n command lines, every output byte-equal (timestamps masked)"
