//! The application layer: command-line parsing ([`cli`]), validated settings
//! ([`config`], [`projectfile`]) and report destinations ([`output`]).
//! Commands use it; stages never do.

pub mod cli;
pub mod config;
pub mod output;
pub mod projectfile;
