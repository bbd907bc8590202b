//! Stage 3: probe media for container, codecs, resolution, frame rate, duration.
//!
//! Probing sits behind the [`Prober`] trait: [`ffprobe::Ffprobe`] runs FFmpeg's
//! ffprobe with a timeout; tests substitute their own. Image sequences are probed
//! once, on their first frame; their frame rate comes from the DPX/EXR header
//! ([`header`]) or is assumed to be 24 and reported as assumed.

pub mod media;
pub mod memo;
pub use media::{ASSUMED_SEQUENCE_FPS, MediaItem};
pub use memo::CachedProbe;

pub mod detail;
pub mod ffprobe;
pub mod header;
pub mod native;
pub mod rate;
pub mod stage;

use serde::{Deserialize, Serialize};
use std::path::Path;
use thiserror::Error;

/// Video stream facts, named as ffprobe names them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VideoInfo {
    /// ffprobe `codec_name` (`prores`, `h264`, `dnxhd`, `dpx`…).
    pub codec: String,
    /// ffprobe `profile` (`HQ`, `High`, `DNXHR LB`…).
    pub profile: Option<String>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Nominal frames per second: the exact rate of a constant-rate stream,
    /// the average of a variable-rate one ([`rate`]).
    pub fps: Option<f64>,
    /// `cfr` or `vfr`, when the reader could tell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fps_mode: Option<rate::FpsMode>,
    /// The frame rate as an exact fraction (`"30000/1001"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fps_rational: Option<String>,
    /// Pixel format (`yuv422p10le`…).
    pub pix_fmt: Option<String>,
    /// Stream bit rate, bits per second, when the container states it (addition).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bit_rate: Option<u64>,
}

impl VideoInfo {
    /// Sets `fps`, `fps_mode` and `fps_rational` from one rate (or clears them).
    pub fn set_rate(&mut self, rate: Option<rate::Rate>) {
        self.fps = rate.map(rate::Rate::fps);
        self.fps_mode = rate.map(|r| r.mode);
        self.fps_rational = rate.map(rate::Rate::rational);
    }

    /// This stream with its rate set.
    pub fn with_rate(mut self, rate: Option<rate::Rate>) -> Self {
        self.set_rate(rate);
        self
    }
}

/// Audio stream facts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AudioInfo {
    /// ffprobe `codec_name` (`pcm_s24le`, `aac`…).
    pub codec: String,
    /// Channel count.
    pub channels: u32,
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// ffprobe `channel_layout` (`stereo`, `5.1`…), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel_layout: Option<String>,
}

/// What a probe learned about one file (cached as JSON between runs).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProbeInfo {
    /// ffprobe `format_name`.
    pub container: Option<String>,
    /// Seconds.
    pub duration_s: Option<f64>,
    /// Bits per second, as the container states it.
    pub bit_rate: Option<u64>,
    /// The first real video stream (attached pictures are skipped).
    pub video: Option<VideoInfo>,
    /// Every audio stream, in stream order.
    pub audio: Vec<AudioInfo>,
    /// Start timecode, when the file carries one.
    pub timecode: Option<String>,
    /// A native reader knew the length but not every stream field (AAC
    /// whose SBR only decoding shows): ffprobe answers the streams, this
    /// answer the duration. Never stored or reported.
    #[serde(skip)]
    pub streams_unsure: bool,
}

/// Why a probe failed. Callers branch on it: `Missing` disables probing for the run.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum ProbeError {
    /// The prober's binary is not installed or cannot start.
    #[error("ffprobe not available: {0}")]
    Missing(String),
    /// The prober ran past its time limit and was killed.
    #[error("ffprobe timed out after {0:.0} s and was killed")]
    Timeout(f64),
    /// The prober rejected the file (fake, truncated or unsupported media).
    #[error("not readable as media: {0}")]
    Unreadable(String),
    /// The prober printed something that is not the JSON it should.
    #[error("ffprobe returned invalid output: {0}")]
    BadOutput(String),
    /// The file is empty.
    #[error("empty file (0 bytes): not valid media")]
    Empty,
    /// Reading the file or running the prober failed.
    #[error("{0}")]
    Io(String),
    /// The run was interrupted.
    #[error("interrupted")]
    Interrupted,
}

/// Which readers probe media (`--probe-with`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ProbeWith {
    /// footprint's own header readers first, ffprobe for every other format.
    #[default]
    Auto,
    /// footprint's readers only: no FFmpeg needed; other formats are not probed.
    Native,
    /// ffprobe for every file (to cross-check the native readers).
    Ffprobe,
}

/// The readers a run probes with: native header readers and/or ffprobe.
pub struct Readers {
    /// ffprobe once looked for: found, or why not.
    ff: std::sync::OnceLock<Result<ffprobe::Ffprobe, ProbeError>>,
    /// How to look for it: the binary given, the per-file timeout.
    bin: Option<std::path::PathBuf>,
    timeout: std::time::Duration,
    /// Which readers answer.
    pub with: ProbeWith,
    /// ffprobe children allowed at once.
    children: Gate,
}

/// A counting gate: at most `n` callers inside at once, the rest wait.
struct Gate {
    free: std::sync::Mutex<usize>,
    turn: std::sync::Condvar,
}

impl Gate {
    fn new(n: usize) -> Self {
        Gate {
            free: std::sync::Mutex::new(n.max(1)),
            turn: std::sync::Condvar::new(),
        }
    }

    fn run<T>(&self, f: impl FnOnce() -> T) -> T {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.turn.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        drop(free);
        // Given back even if `f` panics: a poisoned run must not stall the rest.
        struct Back<'a>(&'a Gate);
        impl Drop for Back<'_> {
            fn drop(&mut self) {
                *self.0.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
                self.0.turn.notify_one();
            }
        }
        let _back = Back(self);
        f()
    }
}

impl Readers {
    /// Finds ffprobe now unless `with` is `Native`; the error says why it is missing.
    pub fn locate(
        with: ProbeWith,
        bin: Option<&Path>,
        timeout: std::time::Duration,
    ) -> (Self, Option<ProbeError>) {
        let readers = Self::deferred(with, bin, timeout);
        readers.ffprobe();
        let missing = readers.missing().cloned();
        (readers, missing)
    }

    /// Looks for ffprobe only when a file first needs it: running
    /// `ffprobe -version` costs a process start (100-200 ms of loading
    /// FFmpeg's libraries), which a drive the native readers read whole
    /// never needs.
    pub fn deferred(with: ProbeWith, bin: Option<&Path>, timeout: std::time::Duration) -> Self {
        Readers {
            ff: std::sync::OnceLock::new(),
            bin: bin.map(Path::to_path_buf),
            timeout,
            with,
            children: Gate::new(usize::MAX),
        }
    }

    /// At most `n` ffprobe children at once, however many threads probe:
    /// header reads may run many at a time, FFmpeg processes one per core.
    pub fn with_children(mut self, n: usize) -> Self {
        self.children = Gate::new(n);
        self
    }

    /// One ffprobe run, through the gate; `None` when ffprobe is not used
    /// or missing.
    fn run_ffprobe(&self, path: &Path) -> Option<Result<ProbeInfo, ProbeError>> {
        let ff = self.ffprobe()?;
        Some(self.children.run(|| {
            // Ctrl-C while this worker waited for its turn: start no process.
            if crate::util::cancel::is_cancelled() {
                return Err(ProbeError::Interrupted);
            }
            ff.probe(path)
        }))
    }

    /// ffprobe, looked for on the first call; `None` under `--probe-with
    /// native` or when it is missing.
    pub fn ffprobe(&self) -> Option<&ffprobe::Ffprobe> {
        if self.with == ProbeWith::Native {
            return None;
        }
        self.ff
            .get_or_init(|| {
                let locate_timeout = self.timeout.min(std::time::Duration::from_secs(10));
                ffprobe::Ffprobe::locate(self.bin.as_deref(), locate_timeout)
                    .map(|ff| ff.with_timeout(self.timeout))
            })
            .as_ref()
            .ok()
    }

    /// Why ffprobe is missing, once it was looked for.
    pub fn missing(&self) -> Option<&ProbeError> {
        self.ff.get().and_then(|r| r.as_ref().err())
    }

    /// Probes one file of `size` bytes; `None` when no reader may read it.
    pub fn probe(
        &self,
        path: &Path,
        size: u64,
    ) -> Option<(Result<ProbeInfo, ProbeError>, &'static str)> {
        let native = (self.with != ProbeWith::Ffprobe)
            .then(|| native::probe(path, size))
            .flatten();
        match native {
            Some(info) if !info.streams_unsure => Some((Ok(info), "native")),
            // The streams from ffprobe (it decodes), the length counted
            // natively (ffprobe estimates it from the bit rate there).
            Some(info) => self.run_ffprobe(path).map(|answer| {
                let answer = answer.map(|mut f| {
                    if info.duration_s.is_some() {
                        f.duration_s = info.duration_s;
                        f.bit_rate = info.bit_rate;
                    }
                    f
                });
                (answer, "ffprobe")
            }),
            None if self.with != ProbeWith::Ffprobe => match native::refuse(path, size) {
                Some(why) => Some((Err(ProbeError::Unreadable(why)), "native")),
                None => self.run_ffprobe(path).map(|r| (r, "ffprobe")),
            },
            None => self.run_ffprobe(path).map(|r| (r, "ffprobe")),
        }
    }
}

/// Something that can probe a media file.
pub trait Prober: Sync {
    /// Probes one file.
    fn probe(&self, path: &Path) -> Result<ProbeInfo, ProbeError>;
    /// The `probe.source` this prober reports (`ffprobe`, `native`).
    fn source(&self) -> &'static str;
}

#[cfg(test)]
mod tests {
    use super::Gate;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn the_gate_lets_n_callers_in_at_once_and_every_caller_through() {
        let gate = Gate::new(2);
        let (inside, most, done) = (
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
        );
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    gate.run(|| {
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        inside.fetch_sub(1, Ordering::SeqCst);
                    });
                    done.fetch_add(1, Ordering::SeqCst);
                });
            }
        });
        assert_eq!(done.load(Ordering::SeqCst), 8);
        // Never more than two inside (two at once unless the spawns were slow).
        assert!((1..=2).contains(&most.load(Ordering::SeqCst)));
        // A panic inside gives its place back.
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| gate.run(|| panic!("x"))));
        assert!(r.is_err());
        assert_eq!(*gate.free.lock().unwrap(), 2);
    }
}
