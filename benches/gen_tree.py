#!/usr/bin/env python3
"""Builds a deterministic tree that looks like a post-production drive.

Usage: benches/gen_tree.py OUT_DIR [FILES] [BIG_MIB]
  FILES    files in all (default 50,000)
  BIG_MIB  also write large "rushes" totalling about this many MiB (default 0):
           files of 240-480 MiB that share a prefix, a prefix and a suffix,
           or are exact copies, as on a real shuttle drive

Project folders of small and medium files, image sequences of equal-size
frames (one re-exported as an exact copy), copied exports, same-size twins
that differ in the last KiB or one middle byte, and hard links. Content is
pseudo-random from a fixed seed, so every run builds the same bytes.
"""
import os
import random
import sys

out = sys.argv[1]
total = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
big_mib = int(sys.argv[3]) if len(sys.argv) > 3 else 0
rng = random.Random(20261122)


def blob(n):
    return rng.randbytes(n)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


made = 0
# 8 image sequences of equal-size frames (~40% of files); the last is a copy of the first.
frames = max(10, total * 4 // 10 // 8)
first_seq = None
for s in range(8):
    d = f"{out}/VFX/sh{s:03d}/comp_v{1 + s % 3:03d}"
    if s == 7 and first_seq:
        for i, data in enumerate(first_seq):
            write(f"{d}/sh{s:03d}_comp.{1001 + i:04d}.dpx", data)
    else:
        seq = [blob(2048) for _ in range(frames)]
        if s == 0:
            first_seq = seq
        for i, data in enumerate(seq):
            write(f"{d}/sh{s:03d}_comp.{1001 + i:04d}.dpx", data)
    made += frames
# Exports copied 1-3 times across folders.
originals = max(10, total // 16)
for i in range(originals):
    data = blob(rng.randint(1_000, 60_000))
    write(f"{out}/Exports/ep{i % 10:02d}/cut_{i:05d}_v{1 + i % 4:02d}.mov", data)
    for c in range(rng.randint(0, 2)):
        write(f"{out}/Backup{c}/ep{i % 10:02d}/cut_{i:05d}_v{1 + i % 4:02d}.mov", data)
        made += 1
    made += 1
# Same-size twins: identical but for the last KiB, or one byte in the middle.
twins = max(10, total // 50)
for i in range(twins):
    base = bytearray(blob(8192))
    write(f"{out}/Twins/a_{i:05d}.wav", bytes(base))
    if i % 2:
        base[-1024:] = blob(1024)
    else:
        base[4096] ^= 0xFF
    write(f"{out}/Twins/b_{i:05d}.wav", bytes(base))
    made += 2
# Hard links.
for i in range(min(100, originals)):
    src = f"{out}/Exports/ep{i % 10:02d}/cut_{i:05d}_v{1 + i % 4:02d}.mov"
    dst = f"{out}/Links/cut_{i:05d}.mov"
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if not os.path.exists(dst):
        os.link(src, dst)
    made += 1
# Small project files up to the total.
i = 0
while made < total:
    write(f"{out}/Projects/p{i % 40:02d}/d{(i // 40) % 25:02d}/note_{i:06d}.txt", blob(rng.randint(0, 4000)))
    i += 1
    made += 1


def write_big(path, mib, seed, tweak=None):
    """MiB blocks of fixed random bytes, each stamped with (seed, index)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        for i in range(mib):
            stamp = (seed if tweak is None or not tweak(i) else seed + 1_000_000).to_bytes(8, "little")
            f.write(stamp + i.to_bytes(8, "little") + BLOCK[16:])


BLOCK = rng.randbytes(1 << 20)
left = big_mib
n = 0
while left >= 240:
    mib = min(left, 240 + (n * 80) % 241)
    name = f"{out}/Rushes/day{n % 3:02d}/A{n:03d}C001_big.mov"
    write_big(name, mib, n)
    left -= mib
    made += 1
    kind = n % 4
    if kind and left >= mib:
        if kind == 1:  # same prefix, different rest
            write_big(name.replace("_big", "_prefix_twin"), mib, n, lambda i: i > 0)
        elif kind == 2:  # same prefix and suffix, different middle
            write_big(name.replace("_big", "_ends_twin"), mib, n, lambda i, m=mib: i == m // 2)
        else:  # an exact copy on another "drive"
            write_big(f"{out}/Backup_rushes/A{n:03d}C001_big.mov", mib, n)
        left -= mib
        made += 1
    n += 1

print(f"{made} files in {out}")
