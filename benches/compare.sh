#!/usr/bin/env bash
# footprint next to the tools users would otherwise run, on this machine,
# alternating runs (hyperfine), warm page cache, medians; prints ratios.
#
#   benches/compare.sh [TREE] [FILES]
#   ONLY=probe benches/compare.sh     # one section: walk, hash or probe
#
#   walk       `audit --no-probe --no-hash`  vs  du -s --apparent-size, diskus
#   hashing    footprint on two identical large files  vs  b3sum on the same
#   probing    `audit --no-hash -j 2` on 100 clips  vs  ffprobe, mediainfo
#              once per file with 2 workers (xargs -P 2)
#   corpus     `audit --no-hash --no-cache -j 2` of a third-party media tree
#              (CORPUS, default ../shared/corpus: phones, cameras, encoders
#              and test suites) vs ffprobe and mediainfo once per media
#              file footprint lists, with 2 workers
#   duplicates see benches/compare_dupes.sh (fclones, with group agreement
#              and peak memory)
#
# footprint runs with --no-cache (first-audit figures), except the walk: it
# runs as a user types it, and reads no file, so it opens no cache.
# Needs python3, hyperfine; peers that are missing are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
TREE=${1:-/tmp/footprint_bench_tree}
ONLY=${ONLY:-all}
want() { [ "$ONLY" = all ] || [ "$ONLY" = "$1" ]; }
FILES=${2:-50000}
command -v hyperfine >/dev/null || { echo "missing: hyperfine" >&2; exit 2; }
cargo build --release --quiet
FP=$PWD/target/release/footprint
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
[ -d "$TREE" ] || [ "$ONLY" = probe ] || [ "$ONLY" = hash ] || [ "$ONLY" = corpus ] || python3 benches/gen_tree.py "$TREE" "$FILES" 0 >/dev/null

# Median seconds of the first (or Nth) command of a hyperfine JSON export.
median() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['median'])" "$1" "${2:-0}"; }
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}')" "$1" "$2"; }

if want walk; then
echo "== walk: $(find "$TREE" -type f | wc -l) files"
CMDS=(-n footprint "$FP audit -q --no-probe --no-hash --format json $TREE"
      -n du "du -s --apparent-size -B1 $TREE")
command -v diskus >/dev/null && CMDS+=(-n diskus "diskus $TREE")
hyperfine -N --style basic --warmup 2 --runs 15 --output=null --export-json "$WORK/walk.json" "${CMDS[@]}" >/dev/null
fp=$(median "$WORK/walk.json" 0)
echo "footprint / du:     $(ratio "$fp" "$(median "$WORK/walk.json" 1)")  (1.00 = as fast as du)"
command -v diskus >/dev/null && echo "footprint / diskus: $(ratio "$fp" "$(median "$WORK/walk.json" 2)")"

fi

if want hash; then
echo "== full hashing: two identical 1 GiB files"
mkdir -p "$WORK/big"
head -c 1073741824 /dev/urandom > "$WORK/big/a.bin"
cp "$WORK/big/a.bin" "$WORK/big/b.bin"
if command -v b3sum >/dev/null; then
  hyperfine -N --style basic --warmup 1 --runs 7 --output=null --export-json "$WORK/hash.json" \
    -n footprint "$FP dupes -q --no-cache --format json $WORK/big" \
    -n b3sum "b3sum $WORK/big/a.bin $WORK/big/b.bin" >/dev/null
  echo "footprint / b3sum:  $(ratio "$(median "$WORK/hash.json" 0)" "$(median "$WORK/hash.json" 1)")  (target: ≤ 1.05, i.e. ≥ 0.95 × its throughput)"
fi
rm -rf "$WORK/big"
fi

if want probe; then

echo "== probing: 100 clips, 2 workers"
mkdir -p "$WORK/clips"
i=0
while [ $i -lt 100 ]; do
  for f in fixtures/media/camera/*.mov fixtures/media/camera/*.mxf fixtures/media/exports/PROJX_cut_v0[123].mp4 fixtures/media/audio/*.wav; do
    [ $i -lt 100 ] || break
    cp "$f" "$WORK/clips/clip_$(printf %03d $i).${f##*.}"
    i=$((i + 1))
  done
done
CMDS=(-n footprint "$FP audit -q --no-hash --no-cache -j 2 --format json $WORK/clips"
      -n footprint-ffprobe "$FP audit -q --no-hash --no-cache -j 2 --probe-with ffprobe --format json $WORK/clips")
command -v ffprobe >/dev/null && CMDS+=(-n ffprobe "sh -c 'ls $WORK/clips/* | xargs -P 2 -n 1 ffprobe -v error -show_format -show_streams -of json >/dev/null'")
command -v mediainfo >/dev/null && CMDS+=(-n mediainfo "sh -c 'ls $WORK/clips/* | xargs -P 2 -n 1 mediainfo --Output=JSON >/dev/null'")
hyperfine -N --style basic --warmup 1 --runs 5 --output=null --export-json "$WORK/probe.json" "${CMDS[@]}" >/dev/null
fp=$(median "$WORK/probe.json" 0)
echo "footprint --probe-with ffprobe / footprint: $(ratio "$(median "$WORK/probe.json" 1)" "$fp")×"
n=2
command -v ffprobe >/dev/null && { echo "ffprobe / footprint:   $(ratio "$(median "$WORK/probe.json" $n)" "$fp")×  (target: 20×)"; n=$((n + 1)); }
command -v mediainfo >/dev/null && echo "mediainfo / footprint: $(ratio "$(median "$WORK/probe.json" $n)" "$fp")×"
fi

if want corpus; then
CORPUS=${CORPUS:-../shared/corpus}
if [ -d "$CORPUS" ]; then
"$FP" audit -q --no-hash --no-cache --format json "$CORPUS" |
  python3 -c "import json,sys,os; [print(m['path']) for m in json.load(sys.stdin)['media'] if os.path.isfile(m['path'])]" > "$WORK/media.txt"
echo "== corpus: $(wc -l < "$WORK/media.txt") media files in $CORPUS, 2 workers"
CMDS=(-n footprint "$FP audit -q --no-hash --no-cache -j 2 --format json $CORPUS")
command -v ffprobe >/dev/null && CMDS+=(-n ffprobe "sh -c 'xargs -a $WORK/media.txt -d \"\\\\n\" -P 2 -n 1 ffprobe -v quiet -show_format -show_streams -of json >/dev/null'")
command -v mediainfo >/dev/null && CMDS+=(-n mediainfo "sh -c 'xargs -a $WORK/media.txt -d \"\\\\n\" -P 2 -n 1 mediainfo --Output=JSON >/dev/null'")
hyperfine -N -i --style basic --warmup 1 --runs 5 --output=null --export-json "$WORK/corpus.json" "${CMDS[@]}" >/dev/null
fp=$(median "$WORK/corpus.json" 0)
echo "footprint: ${fp}s"
n=1
command -v ffprobe >/dev/null && { echo "ffprobe per file / footprint: $(ratio "$(median "$WORK/corpus.json" $n)" "$fp")×  (target: 10×)"; n=$((n + 1)); }
command -v mediainfo >/dev/null && echo "mediainfo per file / footprint: $(ratio "$(median "$WORK/corpus.json" $n)" "$fp")×"
else
echo "== corpus: $CORPUS not found, skipped"
fi
fi

