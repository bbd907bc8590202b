//! What the probe stage keeps in the cache between runs: deterministic
//! answers only, as JSON text the cache stores without reading.

use super::{ProbeError, ProbeInfo};
use serde::{Deserialize, Serialize};

/// A probe result worth keeping: deterministic answers only (not timeouts).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CachedProbe {
    /// The reader's facts, and which reader answered.
    Ok {
        /// `ffprobe`…
        source: String,
        /// What it said.
        info: Box<ProbeInfo>,
    },
    /// The reader rejected the file (fake or broken media).
    Unreadable(String),
}

impl CachedProbe {
    /// The cacheable form of a probe result, if it is deterministic.
    pub fn from_result(r: &Result<ProbeInfo, ProbeError>, source: &str) -> Option<Self> {
        match r {
            Ok(info) => Some(CachedProbe::Ok {
                source: source.to_string(),
                info: Box::new(info.clone()),
            }),
            Err(ProbeError::Unreadable(m)) => Some(CachedProbe::Unreadable(m.clone())),
            _ => None,
        }
    }

    /// The reader that gave it.
    pub fn source(&self) -> &'static str {
        match self {
            CachedProbe::Ok { source, .. } if source == "native" => "native",
            CachedProbe::Ok { .. } | CachedProbe::Unreadable(_) => "ffprobe",
        }
    }

    /// Back to a probe result.
    pub fn to_result(&self) -> Result<ProbeInfo, ProbeError> {
        match self {
            CachedProbe::Ok { info, .. } => Ok((**info).clone()),
            CachedProbe::Unreadable(m) => Err(ProbeError::Unreadable(m.clone())),
        }
    }
}

impl CachedProbe {
    /// Reads what [`CachedProbe::to_json`] stored; `None` for text an older
    /// version wrote in another shape (the file is probed again).
    pub fn from_json(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }

    /// The text the cache stores.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a probe result serializes")
    }
}
