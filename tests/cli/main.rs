//! Integration tests: one binary, topic modules (as ripgrep's tests/tests.rs).

mod aiff;
mod cache;
mod camera_raw;
mod check;
mod common;
mod consolidate;
mod fixtures;
mod folders;
mod info;
mod muxers;
mod native;
mod package;
mod parity;
mod probe;
mod reports;
mod robust;
mod scans;
mod streams;
mod targets;
mod trees;
mod verdicts;
mod visual;
mod waste;
