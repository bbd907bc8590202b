//! footprint: audit the storage weight of film, TV and animation post-production.
//!
//! The audit is a pipeline of stages, each a folder that owns its settings
//! and its output types, run in this order by [`cmd::audit`]:
//!
//! 1. [`walk`]: every root in parallel, each regular file stat-ed once;
//! 2. [`classify`]: kinds, image sequences, media items ([`classify::inventory`]);
//! 3. [`probe`]: container, codec, resolution, rate, duration of each item;
//! 4. [`hash`]: duplicate groups by BLAKE3 (size, head, tail, full);
//! 5. [`manifest`]: ASC MHL histories and DCP/IMF packing lists against the disk;
//! 6. [`waste`]: obsolete versions, regenerable caches, duplicates to reclaim,
//!    copies across roots;
//! 7. [`targets`]: the weight against delivery targets, for a runtime;
//! 8. [`co2`]: the CO₂ of keeping it stored.
//!
//! [`cache`] keeps hashes and probe results between runs. [`report::Report`]
//! composes the stages' outputs and its renderers draw it. Above them,
//! [`app`] turns the command line into settings and [`cmd`] runs each
//! subcommand; [`util`] is below everything. `tests/architecture.rs` keeps
//! these layers pointing down (docs/ARCHITECTURE.md).
#![warn(missing_docs)]

pub mod app;
pub mod cmd;
pub mod report;

pub mod cache;
pub mod catalog;
pub mod classify;
pub mod co2;
pub mod hash;
pub mod manifest;
pub mod probe;
pub mod targets;
pub mod walk;
pub mod waste;

pub mod util;
