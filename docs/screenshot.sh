#!/usr/bin/env bash
# Regenerates docs/img/report.png: the HTML report of the bundled fixtures,
# rendered by headless Chromium in a 1400 px window (the top of the page).
#
#   docs/screenshot.sh            # needs cargo, chromium (or $CHROMIUM)
set -euo pipefail
cd "$(dirname "$0")/.."
chrome=${CHROMIUM:-chromium}
command -v "$chrome" >/dev/null || { echo "screenshot: $chrome not found (apt install chromium)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet
# Exit code 1 is fine here: the fixtures hold broken files on purpose.
target/release/footprint audit -q --format html -o "$work/report.html" fixtures || [ $? -eq 1 ]
"$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --user-data-dir="$work/profile" --window-size=1400,1900 \
  --screenshot="$work/report.png" "file://$work/report.html" 2>/dev/null
mv "$work/report.png" docs/img/report.png
echo "docs/img/report.png ($(stat -c %s docs/img/report.png) bytes)"
