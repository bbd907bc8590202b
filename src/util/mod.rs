//! Utilities below every stage: units, paths as bytes, time, hashing maps,
//! file opening, cancellation, progress and errors. They import no stage.

pub mod arenas;
pub mod cancel;
pub mod error;
pub mod fasthash;
pub mod fsutil;
pub mod pathbytes;
pub mod pathfmt;
pub mod progress;
pub mod status;
pub mod timefmt;
pub mod units;
