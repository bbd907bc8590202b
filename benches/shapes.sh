#!/usr/bin/env bash
# footprint on the three tree shapes of benches/gen_shapes.py (mixed,
# media-heavy, render-farm frames), next to the peers, warm page cache:
#
#   metadata   `audit --no-probe --no-hash`  vs  du -s --apparent-size, diskus
#   duplicates `dupes --no-cache`            vs  fclones group, czkawka_cli dup
#   hashing    `audit --hash all --no-cache` vs  b3sum on every non-empty file,
#              `find | xargs -P CORES b3sum` (b3sum has no walk of its own, and
#              its threads split one large file: many small files need one
#              process a core), and the same over a list made beforehand
#   memory     peak RSS of both (GNU time), and bytes per file
#
#   benches/shapes.sh [FILES] [SHAPES]      default: 100000 "mixed media frames"
#
#   COLD=1   drop the page cache before every run (hyperfine --prepare; needs
#            root and a writable /proc/sys/vm/drop_caches, else it stops)
#   RUNS=N   hyperfine runs per command (default 10, 5 for duplicates)
#
# Each shape also gets one line of wall, user and system time and peak RSS
# per footprint run (GNU time), so a 1M-file run shows where time goes.
# Trees are built once under /tmp/footprint-shape-SHAPE-FILES. Peers that
# are missing are skipped (cargo install diskus fclones czkawka_cli b3sum).
# Medians of hyperfine runs; quote ratios, the machines are small and noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=${1:-100000}
SHAPES=${2:-mixed media frames}
RUNS=${RUNS:-10}
PREP=()
if [ "${COLD:-0}" = 1 ]; then
  sync && echo 3 > /proc/sys/vm/drop_caches || { echo "COLD=1: cannot drop the page cache (root?)" >&2; exit 2; }
  # -N runs the prepare command without a shell too: give it one.
  PREP=(--prepare "sh -c 'sync; echo 3 > /proc/sys/vm/drop_caches'")
fi
cargo build --release --quiet
FP=$PWD/target/release/footprint
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
has() { command -v "$1" >/dev/null 2>&1; }
median() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['median'])" "$1" "$2"; }
rss() { for _ in 1 2 3; do { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null || true; } | tail -1; done | sort -n | sed -n 2p; }

for shape in $SHAPES; do
  TREE=/tmp/footprint-shape-$shape-$FILES
  [ -d "$TREE" ] || python3 benches/gen_shapes.py "$shape" "$TREE" "$FILES" >/dev/null
  n=$(find "$TREE/" -type f | wc -l)
  echo "== $shape: $n files, $(du -s --apparent-size -h "$TREE/" | cut -f1)"

  cmds=("$FP audit -q --format json --no-probe --no-hash $TREE" "du -s --apparent-size $TREE")
  has diskus && cmds+=("diskus $TREE")
  hyperfine -N --style none --warmup 2 --runs "$RUNS" "${PREP[@]}" --export-json "$OUT/m.json" "${cmds[@]}" >/dev/null
  fp=$(median "$OUT/m.json" 0); du_=$(median "$OUT/m.json" 1)
  line="metadata: footprint $(printf %.3f "$fp") s, du $(printf %.3f "$du_") s ($(python3 -c "print(f'{$fp/$du_:.2f}')")x)"
  if has diskus; then
    dk=$(median "$OUT/m.json" 2)
    line+=", diskus $(printf %.3f "$dk") s ($(python3 -c "print(f'{$fp/$dk:.2f}')")x)"
  fi
  echo "$line"

  cmds=("$FP dupes -q --no-cache --format json $TREE")
  has fclones && cmds+=("fclones group --format json $TREE")
  # czkawka: files of 1 byte and more (its default skips those under 8 KiB),
  # no cache, BLAKE3; it exits 11 when it finds duplicates, hence -i.
  has czkawka_cli && cmds+=("czkawka_cli dup -d $TREE -m 1 -H -t BLAKE3 -f $OUT/cz.txt")
  hyperfine -i -N --style none --warmup 1 --runs "$(( RUNS > 5 ? 5 : RUNS ))" "${PREP[@]}" --export-json "$OUT/d.json" "${cmds[@]}" >/dev/null
  fp=$(median "$OUT/d.json" 0)
  line="duplicates: footprint $(printf %.3f "$fp") s"
  i=1
  for peer in fclones czkawka_cli; do
    has $peer || continue
    p=$(median "$OUT/d.json" $i); i=$((i + 1))
    line+=", $peer $(printf %.3f "$p") s ($(python3 -c "print(f'{$fp/$p:.2f}')")x)"
  done
  echo "$line"

  if has b3sum; then
    find "$TREE/" -type f -size +0 -print0 > "$OUT/list"
    cores=$(nproc)
    cmds=("$FP audit -q --format json --no-probe --hash all --no-cache $TREE"
          "sh -c 'find $TREE/ -type f -size +0 -print0 | xargs -0 -P $cores -n 4096 b3sum'"
          "xargs -0 -a $OUT/list -P $cores -n 4096 b3sum")
    hyperfine -N --style none --warmup 1 --runs "$(( RUNS > 5 ? 5 : RUNS ))" "${PREP[@]}" --export-json "$OUT/h.json" "${cmds[@]}" >/dev/null
    fp=$(median "$OUT/h.json" 0); b3=$(median "$OUT/h.json" 1); b3l=$(median "$OUT/h.json" 2)
    line="hashing every file: footprint $(printf %.3f "$fp") s (whole audit)"
    line+=", find | b3sum $(printf %.3f "$b3") s ($(python3 -c "print(f'{$b3/$fp:.2f}')")x throughput)"
    line+=", b3sum on a ready list $(printf %.3f "$b3l") s ($(python3 -c "print(f'{$b3l/$fp:.2f}')")x)"
    echo "$line"
  fi

  for job in "audit -q --format json --no-probe --no-hash" "dupes -q --no-cache --format json"; do
    [ ${#PREP[@]} -gt 0 ] && { sync; echo 3 > /proc/sys/vm/drop_caches; }
    # shellcheck disable=SC2086
    /usr/bin/time -f "%e %U %S %M" -o "$OUT/t" "$FP" $job "$TREE" >/dev/null
    read -r wall user sys kb < "$OUT/t"
    echo "footprint ${job%% *}: ${wall} s wall, ${user} s user, ${sys} s system, ${kb} KB peak ($(( kb * 1024 / n )) B/file)"
  done
  [ ${#PREP[@]} -gt 0 ] && continue # peak memory below is a warm measure
  m=$(rss "$FP" audit -q --format json --no-probe --no-hash "$TREE")
  d=$(rss "$FP" dupes -q --no-cache --format json "$TREE")
  line="peak memory: audit $m KB ($(( m * 1024 / n )) B/file), dupes $d KB"
  has fclones && line+=", fclones $(rss fclones group --format json "$TREE") KB"
  has czkawka_cli && line+=", czkawka $(rss czkawka_cli dup -d "$TREE" -m 1 -H -t BLAKE3 -f "$OUT/cz.txt") KB"
  echo "$line"
done
