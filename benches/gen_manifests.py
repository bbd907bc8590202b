#!/usr/bin/env python3
"""Writes N footprint manifests of R rows each, as N hosts would, in a Hive
layout: OUT/host=hNN/volume=raid/scan=1.parquet. Needs pyarrow.

Usage: benches/gen_manifests.py OUT [N] [R]   (default 10 manifests, 200,000 rows)

Like a facility: every host holds its own project files (sizes spread from
1 KB to 2 GB, a third of them image-sequence frames of equal size) and 10 %
of each host's media are copies of another host's (same BLAKE3 and size),
1 % are hard links. Deterministic: the same arguments write the same rows.
"""
import os
import random
import sys

import pyarrow as pa
import pyarrow.parquet as pq

out = sys.argv[1]
hosts = int(sys.argv[2]) if len(sys.argv) > 2 else 10
rows = int(sys.argv[3]) if len(sys.argv) > 3 else 200_000

SCHEMA = pa.schema(
    [
        pa.field("host", pa.string(), False),
        pa.field("root", pa.string(), False),
        pa.field("path", pa.string(), False),
        pa.field("rel_path", pa.string(), False),
        pa.field("size", pa.int64(), False),
        pa.field("mtime_ns", pa.int64(), False),
        pa.field("device", pa.int64(), False),
        pa.field("inode", pa.int64(), False),
        pa.field("nlink", pa.int64(), False),
        pa.field("kind", pa.string(), False),
        pa.field("media_item", pa.string()),
        pa.field("codec", pa.string()),
        pa.field("width", pa.int32()),
        pa.field("height", pa.int32()),
        pa.field("fps", pa.float64()),
        pa.field("duration_s", pa.float64()),
        pa.field("bit_rate", pa.int64()),
        pa.field("blake3", pa.string()),
        pa.field("scan_id", pa.string(), False),
        pa.field("scan_time", pa.string(), False),
        pa.field("footprint_version", pa.string(), False),
    ]
)


def content(rng):
    """A size and a hash: a third are frames of one size per sequence."""
    size = int(10 ** rng.uniform(3, 9.3))
    return size, "%064x" % rng.getrandbits(256)


# What every host may copy: a shared pool of media.
pool_rng = random.Random(1)
pool = [content(pool_rng) for _ in range(rows // 10)]

for h in range(hosts):
    rng = random.Random(100 + h)
    host = f"h{h:02d}"
    root = f"/mnt/{host}/raid"
    cols = {f.name: [] for f in SCHEMA}
    scan = "%016x" % rng.getrandbits(64)
    inode = 1000
    for i in range(rows):
        shot = i // 500
        if i % 10 == 0:
            size, digest = pool[(i // 10 + h * 7) % len(pool)]
            rel = f"shared/A{shot:04d}/clip_{i:07d}.mov"
            kind = "video"
        elif i % 3 == 0:
            size, digest = 12_000_000, "%064x" % rng.getrandbits(256)
            rel = f"renders/sh{shot:04d}/comp.{i:07d}.exr"
            kind = "image_sequence"
        else:
            size, digest = content(rng)
            rel = f"project/sh{shot:04d}/file_{i:07d}.mov"
            kind = "video"
        link = i % 100 == 99
        if not link:
            inode += 1
        row = {
            "host": host, "root": root, "path": f"{root}/{rel}", "rel_path": rel,
            "size": size, "mtime_ns": 1_700_000_000_000_000_000 + i, "device": 2049,
            "inode": inode, "nlink": 2 if link or i % 100 == 98 else 1, "kind": kind,
            "media_item": None, "codec": "prores" if kind == "video" else "exr",
            "width": 3840, "height": 2160, "fps": 24.0, "duration_s": 1.0,
            "bit_rate": 700_000_000, "blake3": digest, "scan_id": scan,
            "scan_time": "2026-12-07T00:00:00Z", "footprint_version": "bench",
        }
        if link:  # a hard link: the previous file's inode, size and content
            for k in ("size", "blake3"):
                row[k] = cols[k][-1]
        for k, v in row.items():
            cols[k].append(v)
    table = pa.table(cols, schema=SCHEMA).replace_schema_metadata(
        {
            "footprint.manifest_schema": "1",
            "footprint.scan_id": scan,
            "footprint.host": host,
            "footprint.scan_time": "2026-12-07T00:00:00Z",
            "footprint.roots": f'["{root}"]',
        }
    )
    dest = os.path.join(out, f"host={host}", "volume=raid")
    os.makedirs(dest, exist_ok=True)
    pq.write_table(table, os.path.join(dest, "scan=1.parquet"), compression="zstd",
                   row_group_size=65_536)
    print(f"{dest}: {rows} rows", file=sys.stderr)
