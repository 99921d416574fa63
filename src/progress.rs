//! What a long command is doing, for a display, and a way to stop it early.
//!
//! The library never writes to the terminal. It reports its stage and, during
//! a search, the figures of the search to an [`Observer`] that the caller
//! installs once per process ([`observe`]); without one the reports cost a
//! load and a branch. The command-line tool installs a spinner on stderr when
//! stderr is a terminal.
//!
//! [`interrupt`] asks every running solve to stop as if its time limit had
//! passed: each returns the best plan found so far, labelled with its gap
//! (the command-line tool calls it on Ctrl-C).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

/// The figures of a running search (the flow solver's branch and bound, or
/// the ranked proposals).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Search {
    /// Nodes (flow solves) so far.
    pub nodes: usize,
    /// The best plan's (level 1, level 2), if one was found.
    pub best: Option<(i64, i64)>,
    /// What no plan can beat: (level 1, level 2).
    pub bound: (i64, i64),
}

impl Search {
    /// The relative gap between the best plan and the bound on the first
    /// level where they differ (1.0 without a plan).
    pub fn gap(&self) -> f64 {
        let Some(best) = self.best else {
            return 1.0;
        };
        let rel = |v: i64, b: i64| (b - v).max(0) as f64 / b.abs().max(1) as f64;
        if best.0 < self.bound.0 {
            rel(best.0, self.bound.0)
        } else {
            rel(best.1, self.bound.1)
        }
    }
}

/// Receives progress reports; called from any thread.
pub trait Observer: Send + Sync {
    /// A new stage began (`reading`, `eligibility`, `proposal 1`, …).
    fn stage(&self, name: &str);
    /// A search reports its figures (often: throttle the display).
    fn search(&self, figures: &Search);
}

static OBSERVER: OnceLock<Box<dyn Observer>> = OnceLock::new();
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the process's observer; `false` if one was installed already.
pub fn observe(observer: Box<dyn Observer>) -> bool {
    OBSERVER.set(observer).is_ok()
}

/// Reports a stage to the observer, if any.
pub fn stage(name: &str) {
    if let Some(o) = OBSERVER.get() {
        o.stage(name);
    }
}

/// Reports a search's figures to the observer, if any.
pub fn search(figures: &Search) {
    if let Some(o) = OBSERVER.get() {
        o.search(figures);
    }
}

/// Asks every running and later solve of this process to stop with the best
/// plan found so far.
pub fn interrupt() {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Whether [`interrupt`] was called.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}
