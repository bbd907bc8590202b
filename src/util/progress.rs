//! Progress bars and warnings on stderr.
//!
//! Bars are drawn only when stderr is a terminal and `--quiet` is not given;
//! otherwise every bar is `ProgressBar::hidden()` (the null object), so stages
//! never need to check. Warnings go through [`Progress::warn`], which suspends
//! the bars so lines do not tear.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Duration;

/// The progress display of one run.
pub struct Progress {
    multi: MultiProgress,
    bars: bool,
    warnings: bool,
    verbose: bool,
    /// `FOOTPRINT_TIMINGS` set: when the run started, to print each phase's
    /// start in wall and CPU time (docs/PERFORMANCE.md).
    timings: Option<std::time::Instant>,
}

impl Progress {
    /// `bars`: draw progress bars; `warnings`: print warnings and the
    /// end-of-run summary of problems.
    pub fn new(bars: bool, warnings: bool) -> Self {
        let target = if bars {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Progress {
            multi: MultiProgress::with_draw_target(target),
            bars,
            warnings,
            verbose: false,
            timings: std::env::var_os("FOOTPRINT_TIMINGS").map(|_| std::time::Instant::now()),
        }
    }

    /// Also prints every per-file problem as it happens (`--verbose`).
    pub fn verbose(mut self, on: bool) -> Self {
        self.verbose = on && self.warnings;
        self
    }

    /// A display that shows nothing (tests, benches).
    pub fn hidden() -> Self {
        Progress::new(false, false)
    }

    /// Starts a phase, e.g. "2/4 Probing". With `total` it is a bar, else a
    /// spinner that counts files (`inc`) or shows only its label (no `inc`).
    pub fn phase(&self, step: usize, of: usize, label: &str, total: Option<u64>) -> ProgressBar {
        self.mark(label);
        if !self.bars {
            return ProgressBar::hidden();
        }
        let prefix = format!("{step}/{of} {label}");
        let bar = match total {
            Some(n) => ProgressBar::new(n).with_style(
                ProgressStyle::with_template(
                    "{prefix:>14.bold} [{bar:30}] {human_pos}/{human_len} eta {eta} {wide_msg}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            ),
            None => ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template(
                    "{prefix:>14.bold} {spinner} {human_pos} files {wide_msg}",
                )
                .expect("valid template"),
            ),
        };
        let bar = self.multi.add(bar.with_prefix(prefix));
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    /// With `FOOTPRINT_TIMINGS` set, prints on stderr the wall and CPU
    /// (user + system) time since the start as `label` begins: the
    /// difference between two lines is one stage's cost, whatever its
    /// threads did. Shown even with `-q`: it was asked for.
    pub fn mark(&self, label: &str) {
        let Some(start) = self.timings else { return };
        // SAFETY: getrusage only writes the struct it is given.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
        let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
        let (user, sys) = (secs(ru.ru_utime), secs(ru.ru_stime));
        self.multi.suspend(|| {
            eprintln!(
                "footprint: timing {:>8.3} s wall {:>8.3} s cpu ({user:.3} user, {sys:.3} sys): {label}",
                start.elapsed().as_secs_f64(),
                user + sys
            )
        });
    }

    /// Starts a phase shown as a label and a spinner, without a count.
    pub fn step(&self, step: usize, of: usize, label: &str) -> ProgressBar {
        let bar = self.phase(step, of, label, None);
        bar.set_style(
            ProgressStyle::with_template("{prefix:>14.bold} {spinner} {wide_msg}")
                .expect("valid template"),
        );
        bar
    }

    /// Prints a per-file problem as a warning, `PATH: message`, under
    /// `--verbose` only: otherwise [`Progress::summarize`] prints one line
    /// per kind at the end (3,000 unreadable files are one line, not 3,000).
    pub fn warn_file(&self, err: &crate::util::error::FileError) {
        if !self.verbose {
            return;
        }
        self.warn(&format!(
            "{}: {}",
            crate::util::pathfmt::display(&err.path),
            err.message
        ));
    }

    /// Prints an information line on stderr (not with `-q`).
    pub fn note(&self, message: &str) {
        if self.warnings {
            self.multi.suspend(|| eprintln!("footprint: {message}"));
        }
    }

    /// Prints a warning line on stderr without tearing the bars.
    pub fn warn(&self, message: &str) {
        if self.warnings {
            self.multi
                .suspend(|| eprintln!("footprint: warning: {message}"));
        }
    }
}

impl Progress {
    /// Prints [`summary_lines`] on stderr, each pointing at the full list.
    pub fn summarize<'a>(
        &self,
        problems: impl IntoIterator<Item = (crate::util::error::ErrorKind, &'a str)>,
    ) {
        if !self.warnings {
            return;
        }
        for line in crate::util::error::summary_lines(problems) {
            self.warn(&format!("{line}; all listed in the report's errors"));
        }
    }
}
