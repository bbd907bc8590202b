//! Ctrl-C (SIGINT) and SIGTERM handling.
//!
//! The first signal sets a flag that every stage polls between files, and that
//! the ffprobe runner polls while it waits, so work stops promptly and the
//! report is never half-written. A second signal exits at once with code 130.

use std::sync::atomic::{AtomicBool, Ordering};

static CANCELLED: AtomicBool = AtomicBool::new(false);

/// Installs the handler once. Errors (a handler already installed) are ignored.
pub fn install_handler() {
    let _ = ctrlc::set_handler(|| {
        if CANCELLED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
}

/// True once an interruption was requested.
pub fn is_cancelled() -> bool {
    CANCELLED.load(Ordering::Relaxed)
}
