#!/usr/bin/env bash
# `footprint dupes` against fclones (the fastest duplicate finder we measured) on the same
# deterministic post-production-like volume: same groups, wall time, peak memory.
#
# Usage: benches/compare_dupes.sh [TREE] [FILES] [BIG_MIB]
#   TREE     where to build the volume (default /tmp/footprint_bench_tree); reused if present
#   FILES    small and medium files (default 50,000)
#   BIG_MIB  large rushes sharing prefixes/suffixes, in MiB (default 6,000)
# Needs: python3, hyperfine, fclones (cargo install fclones), GNU time.
# footprint runs with --no-cache: these are first-audit figures (docs/CACHE.md
# has the re-audit ones). Cold runs drop the page cache before each run and need root; they are skipped otherwise.
# Quote the ratios, not the seconds: the machines are small and noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
TREE=${1:-/tmp/footprint_bench_tree}
FILES=${2:-50000}
BIG=${3:-6000}
for tool in hyperfine fclones python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done
cargo build --release --quiet
FP=$PWD/target/release/footprint
[ -d "$TREE" ] || python3 benches/gen_tree.py "$TREE" "$FILES" "$BIG"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "== same groups?"
"$FP" dupes -q --no-cache --format json "$TREE" > "$OUT/fp.json"
fclones group --format json "$TREE" > "$OUT/fc.json" 2>/dev/null
python3 - "$OUT/fp.json" "$OUT/fc.json" <<'EOF'
import json, sys
fp = json.load(open(sys.argv[1]))
fc = json.load(open(sys.argv[2]))
a = {frozenset(g["paths"]) for g in fp["duplicates"]}
b = {frozenset(g["files"]) for g in fc["groups"]}
print(f"footprint: {len(a)} groups, {fp['summary']['duplicate_bytes']} wasted bytes")
print(f"fclones:   {len(b)} groups, {fc['header']['stats']['redundant_file_size']} redundant bytes"
      " (fclones counts hard links as redundant)")
if a != b:
    print(f"DIFFERENT: {len(a - b)} only in footprint, {len(b - a)} only in fclones")
    sys.exit(1)
print("identical groups")
EOF

CMDS=(
  -n "footprint dupes" "$FP dupes -q --no-cache --format json $TREE"
  -n "fclones group (default)" "fclones group --format json $TREE"
  -n "fclones group --threads hdd:8,8" "fclones group --threads hdd:8,8 --format json $TREE"
)
echo "== warm page cache"
hyperfine -N --warmup 1 --runs 7 --output=null "${CMDS[@]}" --export-markdown "$OUT/warm.md"
if [ -w /proc/sys/vm/drop_caches ]; then
  echo "== cold page cache"
  hyperfine --runs 3 --output=null --prepare 'sync; echo 3 > /proc/sys/vm/drop_caches' \
    "${CMDS[@]}" --export-markdown "$OUT/cold.md"
fi

echo "== peak memory (max RSS, warm, median of 3)"
rss() {
  for _ in 1 2 3; do /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1; done | sort -n | sed -n 2p
}
echo "footprint dupes:                 $(rss "$FP" dupes -q --no-cache --format json "$TREE") KiB"
echo "fclones group (default):         $(rss fclones group --format json "$TREE") KiB"
echo "fclones group --threads hdd:8,8: $(rss fclones group --threads hdd:8,8 --format json "$TREE") KiB"
