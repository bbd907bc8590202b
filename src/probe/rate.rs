//! Frame rate as people mean it: the nominal rate an editing application
//! shows. A constant-rate stream has its exact rational (`30000/1001`); a
//! variable-rate one has the average over the stream. Every reader states
//! the mode it saw, and the ffprobe path derives the same value from
//! `r_frame_rate`, `avg_frame_rate` and the stream's time base by the rules
//! of [`from_ffprobe`] (docs/PROBE.md, "Frame rate").

use serde::{Deserialize, Serialize};

/// Whether every frame lasts the same time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FpsMode {
    /// Constant frame rate: every frame has the same duration.
    Cfr,
    /// Variable frame rate: `fps` is the average over the stream.
    Vfr,
}

/// A frame rate as an exact fraction, with its mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    /// Numerator (frames).
    pub num: u64,
    /// Denominator (seconds).
    pub den: u64,
    /// Constant or variable.
    pub mode: FpsMode,
}

/// The highest rate taken as a frame rate. Above it a "rate" is a time base
/// (Matroska's 1/1000, MPEG's 1/90000) that a demuxer reported for lack of one.
const MAX_FPS: f64 = 1000.0;

impl Rate {
    /// `num/den` reduced, or `None` for a zero or absurd rate.
    pub fn new(num: u64, den: u64, mode: FpsMode) -> Option<Rate> {
        if num == 0 || den == 0 {
            return None;
        }
        let g = gcd(num, den);
        let r = Rate {
            num: num / g,
            den: den / g,
            mode,
        };
        (r.fps() < MAX_FPS).then_some(r)
    }

    /// Frames per second.
    pub fn fps(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// `"30000/1001"`, `"25/1"`.
    pub fn rational(self) -> String {
        format!("{}/{}", self.num, self.den)
    }

    /// A rate known only as a number (an image header's float): NTSC rates
    /// become their 1001 fractions, others are kept to the millisecond.
    pub fn from_fps(fps: f64) -> Option<Rate> {
        if !fps.is_finite() || fps <= 0.0 {
            return None;
        }
        let ntsc = (fps * 1.001).round();
        if (fps - fps.round()).abs() > 1e-3 && (fps * 1.001 - ntsc).abs() < 2e-3 {
            return Rate::new(ntsc as u64 * 1000, 1001, FpsMode::Cfr);
        }
        Rate::new((fps * 1000.0).round() as u64, 1000, FpsMode::Cfr)
    }

    /// The standard rate within `tolerance` fps of `fps`, for rates measured
    /// from rounded timestamps; else `fps` as it is.
    pub fn snap(fps: f64, tolerance: f64) -> Option<Rate> {
        Rate::standard(fps, tolerance).or_else(|| Rate::from_fps(fps))
    }

    /// The standard rate (SMPTE and EBU frame rates and their doubles)
    /// within `tolerance` fps of `fps`.
    pub fn standard(fps: f64, tolerance: f64) -> Option<Rate> {
        const STANDARD: [(u64, u64); 14] = [
            (24000, 1001),
            (24, 1),
            (25, 1),
            (30000, 1001),
            (30, 1),
            (48000, 1001),
            (48, 1),
            (50, 1),
            (60000, 1001),
            (60, 1),
            (100, 1),
            (120000, 1001),
            (120, 1),
            (15, 1),
        ];
        STANDARD
            .iter()
            .map(|&(n, d)| (n, d, (n as f64 / d as f64 - fps).abs()))
            .filter(|c| c.2 <= tolerance)
            .min_by(|a, b| a.2.total_cmp(&b.2))
            .and_then(|(n, d, _)| Rate::new(n, d, FpsMode::Cfr))
    }

    /// The rate of samples that all last `delta` ticks of `timescale`.
    pub fn constant(timescale: u64, delta: u64) -> Option<Rate> {
        Rate::new(timescale, delta, FpsMode::Cfr)
    }

    /// The rate of `frames` frames over `ticks` of `timescale`: constant when
    /// every frame had the same duration, else the average.
    pub fn average(frames: u64, timescale: u64, ticks: u64, constant: bool) -> Option<Rate> {
        let mode = if constant { FpsMode::Cfr } else { FpsMode::Vfr };
        Rate::new(frames.checked_mul(timescale)?, ticks, mode)
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a.max(1) } else { gcd(b, a % b) }
}

/// `"24000/1001"` as a fraction; `0/0` and garbage are `None`.
pub fn fraction(s: &str) -> Option<(u64, u64)> {
    let (n, d) = s.split_once('/').unwrap_or((s, "1"));
    let (n, d) = (n.trim().parse().ok()?, d.trim().parse().ok()?);
    (n > 0 && d > 0).then_some((n, d))
}

/// How far the average may drift from the base rate of a constant-rate stream:
/// timestamps rounded to the millisecond (Matroska, FLV) and an edit list
/// shortening the stream move FFmpeg's `avg_frame_rate` by up to ~2 %.
const JITTER: f64 = 0.02;

/// The nominal rate from ffprobe's two rates and the stream's time base:
/// 1. `r_frame_rate` (the base rate FFmpeg guessed from the timestamps) and
///    `avg_frame_rate` (frames over duration) agree: constant, at `r`.
/// 2. They differ by less than 2 %: constant at `r` (rounded timestamps or an
///    edit list moved the average, not the frames).
/// 3. Otherwise, or without a plausible `r` (equal to the time base, or over
///    1,000 fps): variable, at the average.
/// 4. No average: `r` when plausible, as constant (a raw stream with timing).
pub fn from_ffprobe(r: Option<&str>, avg: Option<&str>, time_base: Option<&str>) -> Option<Rate> {
    let tb = time_base.and_then(fraction);
    let r = r.and_then(fraction).filter(|&(n, d)| {
        // A base rate equal to the time base is a demuxer's placeholder.
        // A base rate equal to the time base (1/600, 1/1000) is a demuxer's
        // placeholder, not a frame rate.
        tb.is_none_or(|(tn, td)| !(n * tn == d * td && n / d >= 200))
    });
    let r = r.and_then(|(n, d)| Rate::new(n, d, FpsMode::Cfr));
    let a = avg
        .and_then(fraction)
        .and_then(|(n, d)| Rate::new(n, d, FpsMode::Vfr));
    let nominal = match (r, a) {
        (Some(r), Some(a)) if (r.fps() - a.fps()).abs() <= JITTER * r.fps() => r,
        (_, Some(a)) => return Some(a),
        (Some(r), None) => r,
        (None, None) => return None,
    };
    // FFmpeg bounds its fractions (60000/1001 becomes 19001/317): the
    // standard rate a few parts per million away is the one meant.
    Rate::standard(nominal.fps(), nominal.fps() * 1e-5).or(Some(nominal))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ff(r: &str, a: &str, tb: &str) -> Option<(String, FpsMode)> {
        from_ffprobe(Some(r), Some(a), Some(tb)).map(|r| (r.rational(), r.mode))
    }

    #[test]
    fn ffprobe_rates_become_nominal_rates() {
        use FpsMode::*;
        // Constant: both rates agree.
        assert_eq!(
            ff("24000/1001", "24000/1001", "1/24000"),
            Some(("24000/1001".into(), Cfr))
        );
        // An edit list moved the average (29.41 for a 29.97 clip): constant at r.
        assert_eq!(
            ff("30000/1001", "2941/100", "1/30000"),
            Some(("30000/1001".into(), Cfr))
        );
        // Matroska's millisecond timestamps: 1000/33 for a 29.97 stream.
        assert_eq!(
            ff("30000/1001", "1000/33", "1/1000"),
            Some(("30000/1001".into(), Cfr))
        );
        // Variable: the average.
        assert_eq!(
            ff("25/1", "1280/81", "1/12800"),
            Some(("1280/81".into(), Vfr))
        );
        // An init segment without samples: r is the time base, no average.
        assert_eq!(ff("90000/1", "0/0", "1/90000"), None);
        // Matroska without DefaultDuration: r is 1000 (the time base).
        assert_eq!(ff("1000/1", "0/0", "1/1000"), None);
        assert_eq!(ff("1000/1", "24/1", "1/1000"), Some(("24/1".into(), Vfr)));
        // FFmpeg's bounded fraction for 59.94 is the standard rate.
        assert_eq!(
            ff("19001/317", "19001/317", "1/1000"),
            Some(("60000/1001".into(), Cfr))
        );
        // A raw stream with VUI timing and no average.
        assert_eq!(ff("25/1", "0/0", "1/1200000"), Some(("25/1".into(), Cfr)));
    }

    #[test]
    fn rates_reduce_and_refuse_nonsense() {
        let r = Rate::average(48, 24000, 48048, true).unwrap();
        assert_eq!(r.rational(), "24000/1001");
        assert_eq!(r.mode, FpsMode::Cfr);
        assert!(Rate::new(0, 1, FpsMode::Cfr).is_none());
        assert!(Rate::new(90000, 1, FpsMode::Cfr).is_none());
        assert_eq!(Rate::from_fps(23.976).unwrap().rational(), "24000/1001");
        assert_eq!(Rate::from_fps(25.0).unwrap().rational(), "25/1");
        assert_eq!(Rate::from_fps(59.94).unwrap().rational(), "60000/1001");
        assert_eq!(Rate::from_fps(12.5).unwrap().rational(), "25/2");
        assert_eq!(fraction("0/0"), None);
        assert_eq!(fraction("25"), Some((25, 1)));
    }
}
