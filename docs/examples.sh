#!/usr/bin/env bash
# Makes the example volumes the README's outputs come from, in /tmp/footprint-examples,
# and prints each command's output: a rushes folder, a delivery (a DCP), and a DIT's
# card with two shuttles, ASC MHL histories on each, the second one damaged.
#
#   docs/examples.sh            # needs cargo; ascmhl on PATH (or $ASCMHL) for the DIT case
set -uo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet || exit 2
fp=$PWD/target/release/footprint
ascmhl=${ASCMHL:-ascmhl}
ex=/tmp/footprint-examples
rm -rf "$ex" && mkdir -p "$ex"
cam=fixtures/media/camera

# Rushes: camera clips, no programme runtime.
mkdir -p "$ex/PROJX_RUSHES/Day1/A001" "$ex/PROJX_RUSHES/Day1/B002"
cp "$cam/A001C001_prores_hq.mov" "$ex/PROJX_RUSHES/Day1/A001/A001C001_261201_R2EC.mov"
cp "$cam/C003C002_dnxhd36.mxf" "$ex/PROJX_RUSHES/Day1/A001/A001C002_261201_R2EC.mxf"
cp "$cam/B002C004_dnxhr.mxf" "$ex/PROJX_RUSHES/Day1/B002/B002C004_261201_K7QJ.mxf"
# A delivery: the fixtures' DCP (its CPL gives the runtime).
cp -r fixtures/dcp "$ex/PROJX_DELIVERY"

# A DIT's card and two shuttles with ASC MHL histories.
card=$ex/A001_CARD/A001R2EC
mkdir -p "$card"
cp "$ex/PROJX_RUSHES/Day1/A001/"* "$card/"
cp "$cam/B002C004_dnxhr.mxf" "$card/A001C003_261201_R2EC.mxf"
for s in SHUTTLE_1 SHUTTLE_2; do
  mkdir -p "$ex/$s/Day1"
  cp -r "$card" "$ex/$s/Day1/"
  if command -v "$ascmhl" >/dev/null; then
    "$ascmhl" create -h xxh64 "$ex/$s/Day1/A001R2EC" >/dev/null
  fi
done
# The second shuttle's copy goes wrong: one clip edited, one deleted.
printf 'x' >> "$ex/SHUTTLE_2/Day1/A001R2EC/A001C001_261201_R2EC.mov"
rm "$ex/SHUTTLE_2/Day1/A001R2EC/A001C003_261201_R2EC.mxf"

cd "$ex"
run() { echo "\$ footprint $*"; "$fp" "$@"; echo "(exit $?)"; echo; }
run audit -q PROJX_RUSHES
run audit -q PROJX_DELIVERY
run audit --verify-mhl --fail-on any A001_CARD SHUTTLE_1 SHUTTLE_2
