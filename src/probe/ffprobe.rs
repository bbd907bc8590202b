//! FFmpeg's ffprobe, run as a child process with a timeout.
//!
//! Our own wrapper rather than the `ffprobe` crate (0.4), which has no timeout or kill, `-v quiet` (empty error messages), paths
//! passed raw (`rec:01.mp4` is read as a protocol, `-x.mov` as an option), and
//! required fields that make whole files fail to deserialize. Here:
//! - the path goes through the `file:` protocol, absolute, so no name is misread;
//! - `-v error` and stderr captured into the error message;
//! - the child runs in its own process group, which is killed on timeout or
//!   Ctrl-C (a wrapper script's own children die with it, so pipes close);
//! - JSON is read leniently: a missing field is `None`, never a failure.

use super::{AudioInfo, ProbeError, ProbeInfo, Prober, VideoInfo};
use serde_json::Value;
use std::ffi::OsString;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Longest stderr kept in an error message.
const STDERR_CAP: usize = 2000;
/// Longest stdout accepted (ffprobe's JSON for a sane file is a few kB).
const STDOUT_CAP: u64 = 16 << 20;

/// An ffprobe binary that was found to run.
#[derive(Clone, Debug)]
pub struct Ffprobe {
    bin: PathBuf,
    timeout: Duration,
}

impl Ffprobe {
    /// Checks that `bin` (default `ffprobe` on PATH) runs, by asking its version.
    pub fn locate(bin: Option<&Path>, timeout: Duration) -> Result<Self, ProbeError> {
        let bin = bin.map_or_else(|| PathBuf::from("ffprobe"), Path::to_path_buf);
        let probe = Ffprobe { bin, timeout };
        let out = probe.run(&[OsString::from("-version")])?;
        if !out.status_ok || !out.stdout.starts_with(b"ffprobe version") {
            return Err(ProbeError::Missing(format!(
                "{} -version did not identify itself as ffprobe{}",
                probe.bin.display(),
                stderr_suffix(&out.stderr)
            )));
        }
        Ok(probe)
    }

    /// The same binary with another per-file timeout.
    pub fn with_timeout(self, timeout: Duration) -> Self {
        Ffprobe { timeout, ..self }
    }

    fn run(&self, args: &[OsString]) -> Result<Output, ProbeError> {
        let mut child = Command::new(&self.bin)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => {
                    ProbeError::Missing(format!("{} not found on PATH", self.bin.display()))
                }
                _ => ProbeError::Missing(format!("cannot run {}: {e}", self.bin.display())),
            })?;
        // Drain both pipes on their own threads so a chatty child never blocks.
        let (tx, rx) = mpsc::channel();
        let mut stdout = child.stdout.take().expect("piped stdout");
        let mut stderr = child.stderr.take().expect("piped stderr");
        let tx2 = tx.clone();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = (&mut stdout).take(STDOUT_CAP).read_to_end(&mut buf);
            let _ = tx.send((true, buf));
        });
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = (&mut stderr).take(STDOUT_CAP).read_to_end(&mut buf);
            let _ = tx2.send((false, buf));
        });
        // Wait on the pipes, not by polling the child: both close the moment
        // ffprobe exits, so no probe pays a polling delay (measured: polling
        // in 1-20 ms steps cost ~10 ms per file).
        let deadline = Instant::now() + self.timeout;
        let (mut out, mut err) = (None, None);
        while out.is_none() || err.is_none() {
            if crate::util::cancel::is_cancelled() {
                kill_group(&mut child);
                return Err(ProbeError::Interrupted);
            }
            let now = Instant::now();
            if now >= deadline {
                kill_group(&mut child);
                return Err(ProbeError::Timeout(self.timeout.as_secs_f64()));
            }
            match rx.recv_timeout((deadline - now).min(Duration::from_millis(50))) {
                Ok((true, b)) => out = Some(b),
                Ok((false, b)) => err = Some(b),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(1))
                }
                Ok(None) => {
                    kill_group(&mut child);
                    return Err(ProbeError::Timeout(self.timeout.as_secs_f64()));
                }
                Err(e) => return Err(ProbeError::Io(format!("waiting for ffprobe: {e}"))),
            }
        };
        let (out, err) = (out.unwrap_or_default(), err.unwrap_or_default());
        Ok(Output {
            status_ok: status.success(),
            stdout: out,
            stderr: err,
        })
    }
}

/// What a delivery format's conformance needs beyond the probe result: the
/// first video stream's level and scan, as ffprobe reports them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StreamFormat {
    /// `level` (H.264: 41 for 4.1); `None` when ffprobe says -99 (unknown).
    pub level: Option<u32>,
    /// `field_order`: `progressive`, `tt`, `bb`, `tb`, `bt`; `None` if unknown.
    pub field_order: Option<String>,
}

impl Ffprobe {
    /// Asks ffprobe for the first video stream's level and field order.
    pub fn stream_format(&self, path: &Path) -> Result<StreamFormat, ProbeError> {
        let mut url = OsString::from("file:");
        url.push(path.as_os_str());
        let args = [
            "-v",
            "error",
            "-print_format",
            "json",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=level,field_order",
        ];
        let mut argv: Vec<OsString> = args.iter().map(OsString::from).collect();
        argv.push(url);
        let out = self.run(&argv)?;
        let v: Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| ProbeError::BadOutput(format!("{e}{}", stderr_suffix(&out.stderr))))?;
        let s = v.get("streams").and_then(|s| s.get(0));
        Ok(StreamFormat {
            level: s
                .and_then(|s| s.get("level"))
                .and_then(Value::as_i64)
                .filter(|l| *l > 0)
                .map(|l| l as u32),
            field_order: s
                .and_then(|s| s.get("field_order"))
                .and_then(Value::as_str)
                .filter(|f| *f != "unknown")
                .map(str::to_string),
        })
    }
}

struct Output {
    status_ok: bool,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

fn kill_group(child: &mut Child) {
    // SAFETY: plain syscall; the pid is our child's, which leads its own group.
    unsafe {
        libc::kill(-(child.id() as i32), libc::SIGKILL);
    }
    let _ = child.kill();
    // Reap without blocking forever on a process stuck in uninterruptible I/O.
    let until = Instant::now() + Duration::from_secs(2);
    while Instant::now() < until {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn stderr_suffix(stderr: &[u8]) -> String {
    let text = clean_stderr(stderr);
    if text.is_empty() {
        String::new()
    } else {
        format!(": {text}")
    }
}

/// ffprobe's stderr, trimmed, on one line, capped, without the `[demuxer @ 0x…]` noise.
fn clean_stderr(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let line = match (line.starts_with('['), line.find("] ")) {
            (true, Some(i)) => &line[i + 2..],
            _ => line,
        };
        // "file:/abs/path: Invalid data…": the path is already in the report entry.
        let line = match line.strip_prefix("file:") {
            Some(rest) => rest.rsplit_once(": ").map_or(rest, |(_, msg)| msg),
            None => line,
        };
        if !lines.iter().any(|l| l == line) {
            lines.push(line.to_string());
        }
    }
    let mut joined = lines.join("; ");
    if joined.len() > STDERR_CAP {
        let mut cut = STDERR_CAP;
        while !joined.is_char_boundary(cut) {
            cut -= 1;
        }
        joined.truncate(cut);
        joined.push('…');
    }
    joined
}

impl Ffprobe {
    /// ffprobe's whole `-show_format -show_streams` answer for one file,
    /// for views that show every stream (`footprint info`).
    pub fn probe_json(&self, path: &Path) -> Result<Value, ProbeError> {
        let mut url = OsString::from("file:");
        url.push(path.as_os_str());
        let args = [
            "-v",
            "error",
            "-hide_banner",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
        ];
        let mut argv: Vec<OsString> = args.iter().map(OsString::from).collect();
        argv.push(url);
        let out = self.run(&argv)?;
        let parsed: Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| ProbeError::BadOutput(format!("{e}{}", stderr_suffix(&out.stderr))))?;
        let has_format = parsed.get("format").is_some_and(Value::is_object);
        if !out.status_ok || !has_format {
            let msg = clean_stderr(&out.stderr);
            return Err(ProbeError::Unreadable(if msg.is_empty() {
                "ffprobe found no media format".to_string()
            } else {
                msg
            }));
        }
        Ok(parsed)
    }
}

impl Prober for Ffprobe {
    fn probe(&self, path: &Path) -> Result<ProbeInfo, ProbeError> {
        self.probe_json(path).map(|v| from_json(&v))
    }

    fn source(&self) -> &'static str {
        "ffprobe"
    }
}

pub(super) fn str_field(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.is_empty() && s != "unknown" => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(super) fn num_field(v: &Value, key: &str) -> Option<f64> {
    match v.get(key)? {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
    .filter(|x: &f64| x.is_finite() && *x >= 0.0)
}

/// Camera raw that ffprobe leaves unnamed, named from its fourcc as the
/// native reader names it, so the report is the same from either reader.
pub(super) fn raw_codec(stream: &Value) -> Option<String> {
    let tag = stream.get("codec_tag_string")?.as_str()?;
    super::native::raw::codec(tag.as_bytes()).map(Into::into)
}

/// A stream FFmpeg has no decoder for, named by its fourcc as the native
/// reader names it (`iamf`): a printable tag, not FFmpeg's `[0][0][0][0]`.
pub(super) fn tag_codec(stream: &Value) -> Option<String> {
    str_field(stream, "codec_tag_string").filter(|t| !t.starts_with('['))
}

/// Maps ffprobe's `-show_format -show_streams` JSON to [`ProbeInfo`].
pub fn from_json(v: &Value) -> ProbeInfo {
    let empty = Vec::new();
    let format = v.get("format").cloned().unwrap_or(Value::Null);
    let streams = v.get("streams").and_then(Value::as_array).unwrap_or(&empty);
    let is_cover = |s: &&Value| {
        s.get("disposition")
            .and_then(|d| d.get("attached_pic"))
            .and_then(Value::as_i64)
            == Some(1)
    };
    let video = streams
        .iter()
        .filter(|s| s.get("codec_type").and_then(Value::as_str) == Some("video"))
        .find(|s| !is_cover(s))
        .map(|s| {
            VideoInfo {
                codec: str_field(s, "codec_name")
                    .or_else(|| raw_codec(s))
                    .unwrap_or_else(|| "unknown".into()),
                profile: str_field(s, "profile"),
                width: num_field(s, "width").unwrap_or(0.0) as u32,
                height: num_field(s, "height").unwrap_or(0.0) as u32,
                pix_fmt: str_field(s, "pix_fmt"),
                bit_rate: num_field(s, "bit_rate").map(|b| b as u64),
                ..VideoInfo::default()
            }
            .with_rate(super::rate::from_ffprobe(
                str_field(s, "r_frame_rate").as_deref(),
                str_field(s, "avg_frame_rate").as_deref(),
                str_field(s, "time_base").as_deref(),
            ))
        });
    let audio = streams
        .iter()
        .filter(|s| s.get("codec_type").and_then(Value::as_str) == Some("audio"))
        .map(|s| AudioInfo {
            codec: str_field(s, "codec_name")
                .or_else(|| tag_codec(s))
                .unwrap_or_else(|| "unknown".into()),
            channels: num_field(s, "channels").unwrap_or(0.0) as u32,
            sample_rate: num_field(s, "sample_rate").unwrap_or(0.0) as u32,
            channel_layout: str_field(s, "channel_layout"),
        })
        .collect();
    let stream_duration = streams
        .iter()
        .filter_map(|s| num_field(s, "duration"))
        .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.max(d))));
    let timecode = format
        .get("tags")
        .and_then(|t| str_field(t, "timecode"))
        .or_else(|| {
            streams
                .iter()
                .find_map(|s| s.get("tags").and_then(|t| str_field(t, "timecode")))
        });
    ProbeInfo {
        container: str_field(&format, "format_name"),
        duration_s: num_field(&format, "duration").or(stream_duration),
        bit_rate: num_field(&format, "bit_rate").map(|b| b as u64),
        video,
        audio,
        timecode,
        streams_unsure: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_ffprobe_json_leniently() {
        let v: Value = serde_json::from_str(
            r#"{"streams":[
                {"codec_type":"video","codec_name":"mjpeg","disposition":{"attached_pic":1},"width":10,"height":10},
                {"codec_type":"video","codec_name":"prores","profile":"HQ","width":1920,"height":1080,
                 "avg_frame_rate":"24000/1001","pix_fmt":"yuv422p10le","tags":{"timecode":"01:00:00:00"}},
                {"codec_type":"audio","codec_name":"pcm_s24le","channels":2,"sample_rate":"48000","channel_layout":"stereo"},
                {"codec_type":"data"}],
              "format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2","duration":"2.002000","bit_rate":"62000000"}}"#,
        )
        .unwrap();
        let p = from_json(&v);
        let video = p.video.unwrap();
        assert_eq!(video.codec, "prores");
        assert_eq!(video.profile.as_deref(), Some("HQ"));
        assert_eq!((video.width, video.height), (1920, 1080));
        assert!((video.fps.unwrap() - 23.976).abs() < 1e-3);
        assert_eq!(p.audio.len(), 1);
        assert_eq!(p.audio[0].sample_rate, 48000);
        assert_eq!(p.duration_s, Some(2.002));
        assert_eq!(p.bit_rate, Some(62_000_000));
        assert_eq!(p.timecode.as_deref(), Some("01:00:00:00"));
    }

    #[test]
    fn missing_fields_are_none_not_errors() {
        let v: Value =
            serde_json::from_str(r#"{"streams":[{"codec_type":"video"}],"format":{}}"#).unwrap();
        let p = from_json(&v);
        assert_eq!(p.video.unwrap().codec, "unknown");
        assert_eq!(p.duration_s, None);
        assert_eq!(p.bit_rate, None);
    }

    #[test]
    fn stderr_is_cleaned_to_one_line() {
        let s = b"[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55] moov atom not found\nfile:/r/a.mov: Invalid data found when processing input\n";
        assert_eq!(
            clean_stderr(s),
            "moov atom not found; Invalid data found when processing input"
        );
    }
}
