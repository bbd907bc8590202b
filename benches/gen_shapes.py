#!/usr/bin/env python3
"""Builds a deterministic tree of one of three shapes post-production has.

Usage: benches/gen_shapes.py SHAPE OUT_DIR [FILES]
  SHAPE  mixed   the generic drive of benches/gen_tree.py (projects, exports,
                 sequences, twins, hard links)
         media   a media-heavy drive: camera cards in deep folders (XDCAM,
                 ARRI, RED, BRAW), proxies, EXR/DPX sequences, versioned
                 exports (v01..v12), NLE render caches, sidecars; some
                 clips copied on a second "shuttle"
         frames  a render farm's output: shots × passes × versions of
                 numbered EXR frames, many small files in few folders
  FILES  files in all (default 100,000)

Files are small (0.5-8 KiB of pseudo-random bytes): the shapes measure the
walk, classification and per-file work, not the disks' throughput. Copies
and same-size files are placed so duplicate search has work to do. The same
arguments build the same bytes.
"""
import os
import random
import subprocess
import sys

shape = sys.argv[1]
out = sys.argv[2]
total = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
rng = random.Random(20261207)
made = 0
pool = [rng.randbytes(8192) for _ in range(64)]


def blob(n):
    # Slices of a fixed pool, stamped: distinct content without the cost of
    # generating a million random buffers.
    global made
    b = pool[made % 64]
    return made.to_bytes(8, "little") + b[: max(0, n - 8)]


def write(path, data):
    global made
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    made += 1


if shape == "mixed":
    here = os.path.dirname(os.path.abspath(__file__))
    subprocess.run([sys.executable, os.path.join(here, "gen_tree.py"), out, str(total)], check=True)
    sys.exit(0)

if shape == "media":
    day = 0
    while made < total:
        day += 1
        roll = f"A{day:03d}"
        # XDCAM card: deep folders, a clip and its sidecars.
        for c in range(12):
            clip = f"{out}/Rushes/DAY{day:02d}/{roll}_XDCAM/XDROOT/Clip/{roll}C{c:03d}"
            write(f"{clip}.MXF", blob(4096 + c))
            write(f"{clip}M01.XML", blob(600))
            write(f"{out}/Rushes/DAY{day:02d}/{roll}_XDCAM/XDROOT/Thmbnl/{roll}C{c:03d}T01.JPG", blob(900))
        # ARRI and RED and BRAW cards.
        for c in range(10):
            write(f"{out}/Rushes/DAY{day:02d}/B{day:03d}_ARRI/B{day:03d}C{c:03d}_2612{c:02d}_R1AB.mxf", blob(6000 + c))
            write(f"{out}/Rushes/DAY{day:02d}/C{day:03d}_RED/C{day:03d}_C{c:03d}.RDC/C{day:03d}_C{c:03d}_001.R3D", blob(5000 + c))
            write(f"{out}/Rushes/DAY{day:02d}/D{day:03d}_BRAW/D{day:03d}_{c:04d}.braw", blob(5500 + c))
        # Proxies of the day.
        for c in range(22):
            write(f"{out}/Proxies/DAY{day:02d}/{roll}C{c:03d}_proxy.mov", blob(1500 + c))
        # VFX sequences: 3 shots × 2 versions × 48 frames of equal size.
        for s in range(3):
            for v in (1, 2):
                d = f"{out}/VFX/sh{day:03d}{s}/comp/v{v:03d}"
                for f in range(48):
                    write(f"{d}/sh{day:03d}{s}_comp_v{v:03d}.{1001 + f:04d}.exr", blob(2048))
        # DPX scans.
        for f in range(40):
            write(f"{out}/Scans/R{day:02d}/R{day:02d}.{86400 + f:07d}.dpx", blob(3072))
        # Versioned exports and their copy on the shuttle.
        for v in range(1, 13):
            data = blob(7000 + v)
            name = f"EP{day:02d}_cut_v{v:02d}.mov"
            write(f"{out}/Exports/EP{day:02d}/{name}", data)
            if v == 12:
                write(f"{out}/Shuttle/EP{day:02d}/{name}", data)
        # NLE caches and render files.
        for k in range(30):
            write(f"{out}/Cache/CacheClip/{day:03d}/{k:04d}.mov", blob(1000))
            write(f"{out}/Project/Render Files/EP{day:02d}/render_{k:04d}.mov", blob(1200))
        # Audio and sidecars.
        for k in range(8):
            write(f"{out}/Audio/DAY{day:02d}/scene{k:02d}_T{day:02d}.wav", blob(3000 + k))
        write(f"{out}/Project/EP{day:02d}.prproj", blob(800))
        write(f"{out}/Rushes/DAY{day:02d}/report.pdf", blob(800))
    print(f"{made} files in {out}")
    sys.exit(0)

if shape == "frames":
    shot = 0
    while made < total:
        shot += 1
        for p in ("beauty", "diffuse", "specular", "depth", "matte"):
            for v in (1, 2, 3):
                d = f"{out}/render/sq{shot // 20:02d}/sh{shot:04d}/{p}/v{v:03d}"
                n = 120
                for f in range(n):
                    if made >= total:
                        break
                    # v003 of the beauty pass re-rendered identically to v002.
                    src = f"{out}/render/sq{shot // 20:02d}/sh{shot:04d}/{p}/v002/sh{shot:04d}_{p}.{1001 + f:04d}.exr"
                    if p == "beauty" and v == 3 and os.path.exists(src):
                        with open(src, "rb") as s:
                            data = s.read()
                    else:
                        data = blob(1024)
                    write(f"{d}/sh{shot:04d}_{p}.{1001 + f:04d}.exr", data)
    print(f"{made} files in {out}")
    sys.exit(0)

sys.exit(f"unknown shape {shape!r}: mixed, media or frames")
