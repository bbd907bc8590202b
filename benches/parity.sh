#!/usr/bin/env bash
# Native readers against ffprobe on any media tree (issue 5's corpus check):
# audits DIR twice without cache, once with --probe-with ffprobe and once
# with the default readers, and compares every item footprint read natively,
# field by field. Prints agreement per field and each disagreement.
#
#   benches/parity.sh DIR [DIR...]
#
# Exit 1 if fewer than 99% of the natively read files agree on codec,
# resolution, frame rate, duration and audio layout.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 DIR [DIR...]" >&2; exit 2; }
cargo build --release --quiet
FP=$PWD/target/release/footprint
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$FP" audit -q --no-hash --no-cache --probe-with ffprobe --format json "$@" > "$WORK/ff.json"
"$FP" audit -q --no-hash --no-cache --format json "$@" > "$WORK/auto.json"
python3 - "$WORK/ff.json" "$WORK/auto.json" <<'PY'
import json, sys
ff = {m["path"]: m for m in json.load(open(sys.argv[1]))["media"]}
auto = json.load(open(sys.argv[2]))["media"]
def video(m, k):
    return (m.get("video") or {}).get(k)
fields = {
    "codec": lambda m: video(m, "codec"),
    "resolution": lambda m: (video(m, "width"), video(m, "height")),
    "frame rate": lambda m: video(m, "fps"),
    "duration": lambda m: m.get("duration_s"),
    "audio layout": lambda m: [(a["codec"], a["channels"], a["sample_rate"], a.get("channel_layout")) for a in m["audio"]],
    "profile/pix_fmt/bit rate/timecode": lambda m: (video(m, "profile"), video(m, "pix_fmt"), video(m, "bit_rate"), m.get("bit_rate"), m.get("timecode"), m.get("container")),
}
native = [m for m in auto if m["probe"]["source"] == "native" and ff.get(m["path"], {}).get("probe", {}).get("source") == "ffprobe"]
print(f"{len(auto)} media items; {len(native)} read natively and by ffprobe")
core_ok = 0
for m in native:
    f = ff[m["path"]]
    bad = [name for name, get in fields.items() if get(m) != get(f)]
    if not [b for b in bad if b != "profile/pix_fmt/bit rate/timecode"]:
        core_ok += 1
    for name in bad:
        print(f"  differs ({name}): {m['path']}\n    native:  {fields[name](m)}\n    ffprobe: {fields[name](f)}")
for name, get in fields.items():
    same = sum(get(m) == get(ff[m["path"]]) for m in native)
    print(f"{name:36} {same}/{len(native)}")
share = core_ok / len(native) if native else 1.0
print(f"agree on codec, resolution, frame rate, duration, audio: {share:.2%}")
sys.exit(0 if share >= 0.99 else 1)
PY
