#!/usr/bin/env python3
"""Runs the SQL recipes of docs/FLEET.md (docs/sql/*.sql) in real engines
over a folder of footprint manifests, and reads one manifest with pyarrow.

Usage: engines.py MANIFEST_GLOB SQL_DIR ONE_MANIFEST
Prints one JSON document: {"duckdb": {query: rows}, "spark": {...} (when
PySpark is installed), "pyarrow": {"schema": {...}, "metadata": {...},
"rows": N}}.
"""
import json
import os
import sys

glob, sql_dir, one = sys.argv[1], sys.argv[2], sys.argv[3]
QUERIES = ["hosts", "duplicates", "copies_of", "one_host_only"]


def sql(name):
    with open(os.path.join(sql_dir, name + ".sql")) as f:
        return f.read()


def plain(v):
    return v if isinstance(v, (str, int, float, type(None))) else str(v)


out = {}

import duckdb  # noqa: E402

con = duckdb.connect()
# The recipe of docs/FLEET.md; the glob is ours, quoted as SQL.
quoted = "'" + glob.replace("'", "''") + "'"
con.execute(
    f"CREATE VIEW manifest AS SELECT * FROM read_parquet({quoted}, hive_partitioning = true, union_by_name = true)"
)
con.execute(sql("latest"))
out["duckdb"] = {}
for q in QUERIES:
    cur = con.execute(sql(q))
    cols = [d[0] for d in cur.description]
    out["duckdb"][q] = [dict(zip(cols, map(plain, r))) for r in cur.fetchall()]

try:
    from pyspark.sql import SparkSession
except ImportError:
    SparkSession = None
if SparkSession is not None:
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("footprint-fleet")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.read.option("recursiveFileLookup", "true").parquet(
        os.path.dirname(glob.split("*")[0]) or "."
    ).createOrReplaceTempView("manifest")
    spark.sql(sql("latest"))
    out["spark"] = {}
    for q in QUERIES:
        rows = spark.sql(sql(q)).collect()
        out["spark"][q] = [{k: plain(v) for k, v in r.asDict().items()} for r in rows]
    spark.stop()

import pyarrow.parquet as pq  # noqa: E402

f = pq.ParquetFile(one)
schema = f.schema_arrow
out["pyarrow"] = {
    "schema": {n: str(schema.field(n).type) for n in schema.names},
    "nullable": {n: schema.field(n).nullable for n in schema.names},
    "metadata": {k.decode(): v.decode() for k, v in (f.metadata.metadata or {}).items()},
    "rows": f.metadata.num_rows,
    "compression": f.metadata.row_group(0).column(0).compression if f.metadata.num_row_groups else None,
}
print(json.dumps(out))
