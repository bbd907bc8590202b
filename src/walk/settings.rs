//! The walk's settings: roots, links, file systems, excludes.

use anyhow::{Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::PathBuf;

/// Compiled `--exclude` patterns.
#[derive(Debug, Clone, Default)]
pub struct Excludes {
    /// Patterns without '/': matched against each file or folder name.
    pub names: GlobSet,
    /// Patterns with '/': matched against the root-relative and absolute path.
    pub paths: GlobSet,
    /// True when no pattern was given (lets the walker skip matching).
    pub empty: bool,
}

impl Excludes {
    /// Compiles the patterns; a malformed glob is a usage error.
    pub fn new(patterns: &[String]) -> Result<Self> {
        let mut names = GlobSetBuilder::new();
        let mut paths = GlobSetBuilder::new();
        for p in patterns {
            let glob = Glob::new(p).with_context(|| format!("invalid --exclude glob '{p}'"))?;
            if p.contains('/') {
                paths.add(glob);
            } else {
                names.add(glob);
            }
        }
        Ok(Excludes {
            names: names.build()?,
            paths: paths.build()?,
            empty: patterns.is_empty(),
        })
    }

    /// True if the entry `name`, at `rel` under its root and `abs` overall, is excluded.
    pub fn is_excluded(
        &self,
        name: &std::ffi::OsStr,
        rel: &std::path::Path,
        abs: &std::path::Path,
    ) -> bool {
        !self.empty
            && (self.names.is_match(name) || self.paths.is_match(rel) || self.paths.is_match(abs))
    }
}

/// Settings for the walk stage.
#[derive(Debug, Clone)]
pub struct WalkConfig {
    /// Roots to scan, absolute, none inside another.
    pub roots: Vec<PathBuf>,
    /// Roots given but covered by another (`roots_folded` in the report).
    pub folded: Vec<crate::walk::roots::FoldedRoot>,
    /// Follow symbolic links.
    pub follow_links: bool,
    /// Do not cross file-system boundaries.
    pub one_file_system: bool,
    /// Paths to skip.
    pub excludes: Excludes,
}
