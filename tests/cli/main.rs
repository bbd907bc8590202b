//! Integration tests: one binary, topic modules (as ripgrep's tests/tests.rs).

mod common;
mod fixtures;
mod probe;
mod trees;
mod waste;
