#!/usr/bin/env bash
# Cold vs warm audit of an unchanged ~12,000-file volume (issue: persistent
# cache). Prints the warm/cold ratio of wall times (medians, hyperfine).
#
#   benches/cache.sh [TREE] [FILES]
#
# Needs hyperfine, python3 and (for the probing half) ffprobe. "Cold" clears
# footprint's cache before each run; the page cache stays warm, so the cold
# figure is the smallest it can be and the ratio is conservative.
set -euo pipefail
cd "$(dirname "$0")/.."
TREE=${1:-/tmp/footprint-cache-bench}
FILES=${2:-12000}
CACHE=$(mktemp -d)
trap 'rm -rf "$CACHE"' EXIT
cargo build --release --quiet
FP=$PWD/target/release/footprint
[ -d "$TREE" ] || python3 benches/gen_tree.py "$TREE" "$FILES" 300 >/dev/null
echo "tree: $(find "$TREE" -type f | wc -l) files, $(du -sh --apparent-size "$TREE" | cut -f1)"

median() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['median'])" "$1"; }

run() { # NAME RUNS ARGS...
  local name=$1 runs=$2; shift 2
  hyperfine -N --style basic --runs "$runs" --export-json "$CACHE/$name-cold.json" \
    --prepare "$FP cache clear --cache-dir $CACHE/db" \
    "$FP audit -q --format json --cache-dir $CACHE/db $* $TREE" >/dev/null
  "$FP" audit -q --format json --cache-dir "$CACHE/db" "$@" "$TREE" >/dev/null
  hyperfine -N --style basic --warmup 1 --runs 10 --export-json "$CACHE/$name-warm.json" \
    "$FP audit -q --format json --cache-dir $CACHE/db $* $TREE" >/dev/null
  local c w
  c=$(median "$CACHE/$name-cold.json"); w=$(median "$CACHE/$name-warm.json")
  python3 -c "c,w=$c,$w; print(f'$name: cold {c:.3f} s, warm {w:.3f} s, warm/cold = {w/c:.4f}')"
}

run hash-only 5 --no-probe
if command -v ffprobe >/dev/null; then
  run full-audit 3
fi
