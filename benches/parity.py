#!/usr/bin/env python3
"""Probe truth on third-party media: footprint's fields against ffprobe AND MediaInfo.

    benches/parity.py [--min PCT] [--min-native PCT] [--show N] DIR [DIR...]

For every file under DIR that ffprobe or MediaInfo reads as media (a video or
audio stream; playlists and subtitles excluded), it compares what footprint
reports (one `audit --no-hash --no-cache` with its default readers, and one
with `--probe-with native`, as without FFmpeg) field by field. A field counts
as right when it agrees with ffprobe or with MediaInfo (the rules of agreement
are in docs/PROBE.md, "Parity"). It prints agreement per field, per reader
(`probe.source` and container) and every disagreement, then:

  * exit 1 if a field of the default audit agrees on fewer than --min percent
    of the files that have that field (default 99.5);
  * exit 1 if fewer than --min-native percent of the media ffprobe reads get a
    right codec from the native readers alone (default 90).

ffprobe and MediaInfo answers are cached in $PARITY_CACHE (default
target/parity-cache), keyed by path, size and mtime.
"""
import argparse
import concurrent.futures as cf
import hashlib
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Bumped when what is cached per file changes.
CACHE_VERSION = 2
NOT_MEDIA_NAMES = {"ASSETMAP", "VOLINDEX"}
NOT_MEDIA = {".txt", ".xml", ".md", ".tsv", ".m3u8", ".mpd", ".vtt", ".srt", ".json", ".html"}

# MediaInfo `Format` (+ `Format_Version`/`Format_Profile`) to ffprobe's codec_name.
MI_VIDEO = {
    "AVC": "h264", "HEVC": "hevc", "AV1": "av1", "VP8": "vp8", "VP9": "vp9",
    "ProRes": "prores", "VC-3": "dnxhd", "MPEG-4 Visual": "mpeg4", "JPEG": "mjpeg",
    "JPEG 2000": "jpeg2000", "FFV1": "ffv1", "DPX": "dpx", "EXR": "exr", "VVC": "vvc",
    "Theora": "theora", "H.263": "h263", "VC-1": "vc1", "DV": "dvvideo", "PNG": "png",
    "TIFF": "tiff", "Sorenson Spark": "flv1", "HuffYUV": "huffyuv", "CineForm": "cfhd",
}
MI_AUDIO = {
    "AAC": "aac", "AC-3": "ac3", "E-AC-3": "eac3", "DTS": "dts", "Opus": "opus",
    "Vorbis": "vorbis", "FLAC": "flac", "ALAC": "alac", "PCM": "pcm", "MLP FBA": "truehd",
    "IAMF": "iamf", "Speex": "speex", "WavPack": "wavpack", "Monkey's Audio": "ape",
    "Musepack SV7": "musepack7", "Musepack SV8": "musepack8", "DSD": "dsd", "TrueHD": "truehd",
    "USAC": "aac", "AC-4": "ac4", "AMR": "amr_nb", "DTS LBR": "dts", "DTS XLL": "dts",
}
# MediaInfo names an unknown codec by its code point: those seen, by their ffprobe name.
MI_ALIASES = {"vvc1": "vvc", "vp90": "vp9", "vvi1": "vvc"}


def mi_video_codec(t):
    if container_code(t):
        return None
    f = t.get("Format")
    if f == "MPEG Video":
        return "mpeg1video" if t.get("Format_Version") == "1" else "mpeg2video"
    f = MI_VIDEO.get(f, (f or "").lower())
    return MI_ALIASES.get(f, f)


def container_code(t):
    """MediaInfo names a track it cannot identify by its Matroska CodecID
    (`V_MS/VFW/FOURCC` on an audio track): a container's code, not a codec."""
    f = t.get("Format") or ""
    return f == t.get("CodecID") and f[:2] in ("V_", "A_", "S_")


def mi_audio_codec(t):
    if container_code(t):
        return None
    f = t.get("Format")
    if f == "MPEG Audio":
        layer = t.get("Format_Profile", "")
        return {"Layer 1": "mp1", "Layer 2": "mp2"}.get(layer, "mp3")
    if f == "AMR":
        return "amr_wb" if "Wide" in t.get("Format_Profile", "") else "amr_nb"
    f = MI_AUDIO.get(f, (f or "").lower())
    return MI_ALIASES.get(f, f)


def family(codec):
    """Codec names compared across tools: every PCM variant is `pcm`."""
    if codec is None:
        return None
    c = codec.lower()
    if c.startswith("pcm_") or c in ("pcm", "lpcm"):
        return "pcm"
    if c.startswith("dsd_"):
        return "dsd"
    return c


def num(v):
    try:
        return float(str(v).split(" ")[0].split("/")[0]) if "/" not in str(v) else rate(v)
    except (TypeError, ValueError):
        return None


def rate(s):
    try:
        n, _, d = str(s).partition("/")
        v = float(n) / float(d or 1)
        return v if v > 0 else None
    except (ValueError, ZeroDivisionError):
        return None


def cached(kind, path, cmd, cache):
    st = os.stat(path)
    key = hashlib.sha1(f"{kind}\0{CACHE_VERSION}\0{path}\0{st.st_size}\0{st.st_mtime_ns}".encode()).hexdigest()
    f = os.path.join(cache, key + ".json")
    if os.path.exists(f):
        with open(f) as fh:
            return json.load(fh)
    try:
        run = subprocess.run(cmd + [path], capture_output=True, timeout=60)
        data = json.loads(run.stdout or b"null")
        if kind == "ff" and data and b"Estimating duration from bitrate" in run.stderr:
            # ffprobe says its duration is a guess: the decoded length is the truth.
            data["decoded_duration"] = decoded_duration(path)
        if kind == "ff" and data:
            data["packets_cfr"] = packets_cfr(path, data)
    except (subprocess.TimeoutExpired, json.JSONDecodeError):
        data = None
    with open(f, "w") as fh:
        json.dump(data, fh)
    return data


def first_video(d):
    return next((s for s in d.get("streams") or [] if s.get("codec_type") == "video"
                 and not s.get("disposition", {}).get("attached_pic")), None)


def packets_cfr(path, d):
    """When ffprobe's two rates disagree, whether the first video stream's
    packets step evenly at its base rate `r_frame_rate`: every interval
    between sorted presentation times within one time-base tick of the
    frame period (timestamps rounded to milliseconds step 33 or 34 ms at
    29.97 fps, which moves ffprobe's average on a short clip). Then the
    base rate is a statement about the file; otherwise nothing is."""
    v = first_video(d)
    if not v:
        return None
    r, a = rate(v.get("r_frame_rate")), rate(v.get("avg_frame_rate"))
    tb = rate(v.get("time_base"))
    if not (r and a and tb) or abs(r - a) <= 0.0011:
        return None
    run = subprocess.run(["ffprobe", "-v", "quiet", "-select_streams", str(v["index"]),
                          "-show_entries", "packet=pts", "-of", "csv=p=0", path],
                         capture_output=True, timeout=120)
    pts = sorted(int(x) for x in run.stdout.decode().split() if x.strip().lstrip("-").isdigit())
    if len(pts) < 3:
        return None
    period = 1.0 / (r * tb)
    return all(abs((b - a) - period) <= 1.0 for a, b in zip(pts, pts[1:]))


def decoded_duration(path):
    """The length ffmpeg reaches decoding the whole file (`time=` of -stats)."""
    run = subprocess.run(["ffmpeg", "-nostdin", "-v", "quiet", "-stats", "-i", path,
                          "-f", "null", "-"], capture_output=True, timeout=600)
    times = [t.split()[0] for t in run.stderr.decode(errors="replace").split("time=")[1:]]
    if not times:
        return None
    h, m, s = times[-1].split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def ffprobe_truth(d):
    """Streams and duration as ffprobe states them; None if it reads no media."""
    if not d or "streams" not in d:
        return None
    video = [s for s in d["streams"] if s.get("codec_type") == "video"
             and not s.get("disposition", {}).get("attached_pic")]
    audio = [s for s in d["streams"] if s.get("codec_type") == "audio"]
    if not video and not audio:
        return None
    v = video[0] if video else None
    fmt = (d.get("format") or {}).get("format_name", "")
    still = fmt.endswith("_pipe") or fmt == "image2"
    fps = None
    # A raw video elementary stream without timing gets FFmpeg's default
    # 25 fps: not a statement about the stream (MediaInfo's rate counts).
    raw = fmt in ("h264", "hevc", "vvc", "mpegvideo", "m4v", "obu", "cavsvideo", "evc")
    if v and not still and not raw:
        r, a = rate(v.get("r_frame_rate")), rate(v.get("avg_frame_rate"))
        # Only an unambiguous rate is truth: both rates agree (a constant-rate
        # stream), or the packets step evenly at the base rate.
        if r and a and abs(r - a) <= 0.0011:
            fps = a
        elif d.get("packets_cfr"):
            fps = r
    # An image pipe states 25 fps and one frame's duration by default: not truth.
    dur = None if still else num((d.get("format") or {}).get("duration"))
    start = num((d.get("format") or {}).get("start_time")) or 0.0
    if "decoded_duration" in d:
        dur = d["decoded_duration"]
    elif dur and start > 0:
        # A segment cut from a stream starts late; FFmpeg's format duration
        # of some fragmented files then counts from zero: both are stated.
        dur = {dur, dur - start}
    return {
        "video": v and {"codec": v.get("codec_name"), "width": v.get("width"),
                        "height": v.get("height"), "fps": fps},
        "audio": [{"codec": s.get("codec_name"), "channels": s.get("channels"),
                   "sample_rate": num(s.get("sample_rate"))} for s in audio],
        "duration": dur,
    }


def mediainfo_truth(d):
    if not d or not isinstance(d.get("media"), dict):
        return None
    tracks = d["media"].get("track") or []
    video = [t for t in tracks if t.get("@type") in ("Video", "Image")]
    audio = [t for t in tracks if t.get("@type") == "Audio"]
    if not video and not audio:
        return None
    general = next((t for t in tracks if t.get("@type") == "General"), {})
    v = video[0] if video else None
    fps = set()
    if v:
        for k in ("FrameRate", "FrameRate_Nominal", "FrameRate_Original"):
            if num(v.get(k)):
                fps.add(num(v.get(k)))
    duration = num(general.get("Duration"))
    raw = general.get("Format") in ("AVC", "HEVC", "VVC", "MPEG Video", "MPEG-4 Visual", "AV1")
    if raw and (not fps or v.get("FrameRate_Mode") == "VFR"):
        # A raw stream without timing: MediaInfo's duration assumes a rate.
        # A raw stream has no timestamps either, so a variable rate cannot be
        # measured: MediaInfo's is its frame count over a length it estimated
        # from the encoder's declared bit rate (245 frames in "237 ms").
        fps, duration = set(), None
    return {
        "video": v and {"codec": mi_video_codec(v), "width": num(v.get("Width")),
                        "height": num(v.get("Height")), "fps": fps or None},
        "audio": [{"codec": mi_audio_codec(t),
                   "channels": num(t.get("Channels")),
                   "sample_rate": num(t.get("SamplingRate"))} for t in audio],
        "duration": duration,
    }


def close(a, b, tol):
    return a is not None and b is not None and abs(float(a) - float(b)) <= tol


def agree(field, mine, truths):
    """Does footprint's value agree with one of the tools? None: no tool states it."""
    stated = [t for t in truths if t is not None]
    if not stated:
        return None
    for t in stated:
        if field == "fps":
            if any(close(mine, x, 0.0011) for x in (t if isinstance(t, set) else {t})):
                return True
        elif field == "duration":
            if any(close(mine, x, max(0.05, 0.002 * x)) for x in (t if isinstance(t, set) else {t})):
                return True
        elif field == "codec":
            if mine is not None and (mine == t or family(mine) == family(t)):
                return True
        elif mine is not None and float(mine) == float(t):
            return True
    return False


def fields_of(item):
    """footprint's answer in the harness's shape."""
    if item is None:
        return {"video": None, "audio": [], "duration": None}
    v = item.get("video")
    return {
        "video": v and {"codec": v.get("codec"), "width": v.get("width"),
                        "height": v.get("height"), "fps": v.get("fps")},
        "audio": item.get("audio") or [],
        "duration": item.get("duration_s"),
    }


def compare(mine, ff, mi):
    """{field: True/False} for every field a tool states for this file."""
    out = {}
    tools = [t for t in (ff, mi) if t]
    if any(t["video"] for t in tools):
        for k in ("codec", "width", "height", "fps"):
            truths = [(t["video"] or {}).get(k) for t in tools]
            ok = agree(k, (mine["video"] or {}).get(k), truths)
            if ok is not None:
                out["video " + k] = ok
    n = max(len(t["audio"]) for t in tools)
    if n:
        for k in ("codec", "channels", "sample_rate"):
            verdicts = []
            for i in range(n):
                truths = [t["audio"][i][k] if i < len(t["audio"]) else None for t in tools]
                m = mine["audio"][i].get(k) if i < len(mine["audio"]) else None
                verdicts.append(agree(k, m, truths))
            if any(v is not None for v in verdicts):
                out["audio " + k] = all(v is not False for v in verdicts)
    ok = agree("duration", mine["duration"], [t["duration"] for t in tools])
    if ok is not None:
        out["duration"] = ok
    return out


def audit(dirs, extra, fp):
    cmd = [fp, "audit", "-q", "--no-hash", "--no-cache", "--format", "json", *extra, *dirs]
    res = subprocess.run(cmd, capture_output=True)
    if res.returncode not in (0, 1):
        sys.exit(f"footprint failed: {res.stderr.decode()}")
    report = json.loads(res.stdout)
    return {m["path"]: m for m in report["media"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--min", type=float, default=99.5)
    ap.add_argument("--min-native", type=float, default=90.0)
    ap.add_argument("--show", type=int, default=1000, help="disagreements printed at most")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--footprint", help="the binary (default: target/release/footprint, built)")
    args = ap.parse_args()
    fp = args.footprint or os.path.join(ROOT, "target", "release", "footprint")
    if not args.no_build and not args.footprint:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    cache = os.environ.get("PARITY_CACHE", os.path.join(ROOT, "target", "parity-cache"))
    os.makedirs(cache, exist_ok=True)
    # Real paths: footprint reports a root given through a symlink by its target.
    dirs = [os.path.realpath(d) for d in args.dirs]
    files = sorted(os.path.join(r, f) for d in dirs for r, _, fs in os.walk(d) for f in fs
                   if os.path.splitext(f)[1].lower() not in NOT_MEDIA and f not in NOT_MEDIA_NAMES
                   and os.path.isfile(os.path.join(r, f)))
    ffcmd = ["ffprobe", "-v", "warning", "-of", "json", "-show_format", "-show_streams"]
    micmd = ["mediainfo", "--Output=JSON"]
    with cf.ThreadPoolExecutor(4) as pool:
        ff = dict(zip(files, pool.map(lambda f: ffprobe_truth(cached("ff", f, ffcmd, cache)), files)))
        mi = dict(zip(files, pool.map(lambda f: mediainfo_truth(cached("mi", f, micmd, cache)), files)))
    media = [f for f in files if ff[f] or mi[f]]
    auto = audit(dirs, [], fp)
    native = audit(dirs, ["--probe-with", "native"], fp)

    failed = False
    for name, answers in (("default readers (auto)", auto), ("native readers only", native)):
        per_field, per_reader, wrong = Counter(), defaultdict(Counter), []
        totals = Counter()
        for f in media:
            item = answers.get(f)
            verdicts = compare(fields_of(item), ff[f], mi[f])
            src = (item or {}).get("probe", {}).get("source", "not listed")
            reader = f"{src} {(item or {}).get('container') or os.path.splitext(f)[1]}"
            for k, ok in verdicts.items():
                totals[k] += 1
                per_field[k] += ok
                per_reader[reader]["right" if ok else "wrong"] += 1
                if not ok:
                    wrong.append((f, k))
        print(f"\n== {name}: {len(media)} media files ({len(answers)} items listed)")
        for f, k in wrong[: args.show]:
            mine = fields_of(answers.get(f))
            print(f"  wrong {k:17} {os.path.relpath(f, os.path.commonpath(dirs))}: footprint "
                  f"{pick(mine, k)}, ffprobe {pick(ff[f], k)}, mediainfo {pick(mi[f], k)}")
        print("  per reader (fields right/wrong):")
        for r in sorted(per_reader):
            c = per_reader[r]
            print(f"    {r:40} {c['right']:5} / {c['wrong']}")
        for k in sorted(totals):
            share = 100.0 * per_field[k] / totals[k]
            print(f"  {k:20} {per_field[k]:4}/{totals[k]:<4} {share:6.2f}%")
            if name.startswith("default") and share < args.min:
                failed = True
        if name.startswith("native"):
            ffmedia = [f for f in media if ff[f]]
            coded = 0
            for f in ffmedia:
                v = compare(fields_of(answers.get(f)), ff[f], mi[f])
                codec_keys = [k for k in v if k.endswith("codec")]
                coded += bool(codec_keys) and all(v[k] for k in codec_keys) \
                    and answers.get(f, {}).get("probe", {}).get("source") == "native"
            share = 100.0 * coded / max(1, len(ffmedia))
            print(f"  right codec without FFmpeg: {coded}/{len(ffmedia)} {share:.2f}%")
            failed |= share < args.min_native
    sys.exit(1 if failed else 0)


def pick(t, k):
    if not t:
        return None
    if k == "duration":
        return t["duration"]
    part, _, field = k.partition(" ")
    if part == "video":
        return (t["video"] or {}).get(field)
    return [a.get(field) for a in t["audio"]]


if __name__ == "__main__":
    main()
