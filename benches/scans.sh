#!/usr/bin/env bash
# Scans as data (docs/FLEET.md): what a manifest adds to an audit, and how
# `footprint fleet` and DuckDB answer over a facility's manifests.
#
#   benches/scans.sh [PYTHON]
#
# PYTHON must import pyarrow (and duckdb for the comparison); .ci/run's venv
# has both: ~/.cache/footprint-ci/venv/bin/python. Needs hyperfine and GNU
# time. Builds /tmp/footprint-scans-200k (benches/gen_tree.py, 200,000
# files) and /tmp/footprint-fleet (10 manifests of 200,000 rows,
# benches/gen_manifests.py) once.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:-$HOME/.cache/footprint-ci/venv/bin/python}
TREE=/tmp/footprint-scans-200k
FLEET=/tmp/footprint-fleet
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cargo build --release --quiet
FP=$PWD/target/release/footprint
[ -d "$TREE" ] || python3 benches/gen_tree.py "$TREE" 200000 >/dev/null
[ -d "$FLEET" ] || "$PY" benches/gen_manifests.py "$FLEET" 10 200000

echo "== 1. --manifest on an audit of $(find "$TREE/" -type f | wc -l) files (warm, no probe)"
hyperfine -N --style basic --warmup 1 --runs 8 --export-json "$WORK/m.json" \
  "$FP audit -q --format json --no-probe --cache-dir $WORK/c $TREE" \
  "$FP audit -q --format json --no-probe --cache-dir $WORK/c --manifest $WORK/m.parquet $TREE" >/dev/null
python3 - "$WORK/m.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
a, m = r[0]["median"], r[1]["median"]
print(f"audit {a:.3f} s, with --manifest {m:.3f} s: {m / a:.3f}x")
PY
ls -l "$WORK/m.parquet" | awk '{printf "manifest: %d bytes\n", $5}'

echo "== 2. footprint fleet over $(find "$FLEET/" -name '*.parquet' | wc -l) manifests"
/usr/bin/time -f "fleet: %e s wall, %U s user, %M KB peak" "$FP" fleet --format json "$FLEET" >"$WORK/f.json"
python3 - "$WORK/f.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
print(f"{f['files']} rows, {len(f['duplicates'])} duplicate groups "
      f"({f['cross_host_groups']} across hosts), {len(f['only_here_folders'])} folders on one host only")
PY
if "$PY" -c 'import duckdb' 2>/dev/null; then
  echo "== 3. the same duplicate query in DuckDB (docs/sql/duplicates.sql)"
  /usr/bin/time -f "duckdb: %e s wall, %U s user, %M KB peak" "$PY" - "$FLEET" docs/sql <<'PY'
import duckdb, os, sys
con = duckdb.connect()
con.execute(f"CREATE VIEW manifest AS SELECT * FROM read_parquet('{sys.argv[1]}/*/*/*.parquet', hive_partitioning = true)")
con.execute(open(os.path.join(sys.argv[2], "latest.sql")).read())
n = con.execute(f"SELECT count(*) FROM ({open(os.path.join(sys.argv[2], 'duplicates.sql')).read()})").fetchone()[0]
print(f"duckdb: {n} duplicate groups")
PY
fi
