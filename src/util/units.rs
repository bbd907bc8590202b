//! Newtypes for the units footprint reports: bytes, file identity, durations.
//!
//! Human-readable sizes use decimal (SI) prefixes, because drive vendors,
//! delivery specs (Blu-ray 25/50 GB, DCP 54 GB per 30 min) and `du -H` do.

use serde::Serialize;
use std::fmt;

/// A byte count. `Display` prints it for people (`2.1 TB`); JSON gets the integer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Bytes(pub u64);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 6] = ["B", "kB", "MB", "GB", "TB", "PB"];
        let mut v = self.0 as f64;
        let mut unit = 0;
        while v >= 1000.0 && unit < UNITS.len() - 1 {
            v /= 1000.0;
            unit += 1;
        }
        if unit == 0 {
            write!(f, "{} B", self.0)
        } else if v < 10.0 {
            write!(f, "{v:.2} {}", UNITS[unit])
        } else if v < 100.0 {
            write!(f, "{v:.1} {}", UNITS[unit])
        } else {
            write!(f, "{v:.0} {}", UNITS[unit])
        }
    }
}

/// The identity of a file on disk: hard links share it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId {
    /// `st_dev`.
    pub dev: u64,
    /// `st_ino`.
    pub ino: u64,
}

/// `2981` as `2,981`, for counts people read.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Formats seconds as `h:mm:ss` (or `m:ss`) for tables.
pub fn format_duration(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "-".to_string();
    }
    let total = seconds.round() as u64;
    let (h, m, s) = (total / 3600, (total / 60) % 60, total % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// Formats a bit rate in bits per second as `Mbit/s` (or `kbit/s`).
pub fn format_bit_rate(bps: u64) -> String {
    if bps >= 1_000_000 {
        format!("{:.1} Mbit/s", bps as f64 / 1e6)
    } else {
        format!("{:.0} kbit/s", bps as f64 / 1e3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_display_uses_si_prefixes() {
        assert_eq!(Bytes(0).to_string(), "0 B");
        assert_eq!(Bytes(999).to_string(), "999 B");
        assert_eq!(Bytes(1_000).to_string(), "1.00 kB");
        assert_eq!(Bytes(54_000_000_000).to_string(), "54.0 GB");
        assert_eq!(Bytes(2_100_000_000_000).to_string(), "2.10 TB");
        assert_eq!(Bytes(300_000_000_000).to_string(), "300 GB");
    }

    #[test]
    fn durations_and_rates() {
        assert_eq!(format_duration(5520.0), "1:32:00");
        assert_eq!(format_duration(59.6), "1:00");
        assert_eq!(format_duration(f64::NAN), "-");
        assert_eq!(format_bit_rate(250_000_000), "250.0 Mbit/s");
        assert_eq!(format_bit_rate(192_000), "192 kbit/s");
    }
}
