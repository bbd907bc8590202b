//! `footprint cache`: inspect or clean the cache of hashes and probe results.

use crate::cache::{Cache, default_dir};

/// Runs `footprint cache stats|prune|clear`.
pub fn run(args: &crate::app::cli::CacheArgs) -> anyhow::Result<crate::util::error::Exit> {
    use crate::app::cli::{CacheAction, ListFormat};
    use std::io::Write;
    let dir = args
        .cache_dir
        .clone()
        .or_else(default_dir)
        .ok_or_else(|| anyhow::anyhow!("no cache folder: set --cache-dir or HOME"))?;
    let mut cache = Cache::open(&dir).map_err(anyhow::Error::msg)?;
    let mut out = std::io::stdout().lock();
    let done = |n: u64| serde_json::json!({ "removed": n });
    match (args.action, args.format) {
        (CacheAction::Stats, ListFormat::Json) => {
            serde_json::to_writer_pretty(&mut out, &cache.stats().map_err(anyhow::Error::msg)?)?;
            writeln!(out)?;
        }
        (CacheAction::Stats, ListFormat::Table) => {
            let s = cache.stats().map_err(anyhow::Error::msg)?;
            writeln!(
                out,
                "{}\n{} files: {} with a full hash, {} with a probe result; {} on disk.",
                s.path,
                s.entries,
                s.full_hashes,
                s.probes,
                crate::util::units::Bytes(s.bytes)
            )?;
        }
        (action, format) => {
            let n = match action {
                CacheAction::Prune => cache.prune(),
                _ => cache.clear(),
            }
            .map_err(anyhow::Error::msg)?;
            match format {
                ListFormat::Json => writeln!(out, "{}", done(n))?,
                ListFormat::Table => {
                    writeln!(out, "Removed {n} entries from {}.", cache.path().display())?
                }
            }
        }
    }
    Ok(crate::util::error::Exit::Success)
}
