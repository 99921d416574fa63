//! What a long command is doing, for a display, and a way to stop it early.
//!
//! The library never writes to the terminal and keeps no run state
//! process-wide. Each run carries a [`Control`] in its settings: the stage and,
//! during a search, the figures of the search go to the control's
//! [`Observer`] (without one a report costs a branch), and
//! [`Control::cancel`] asks every solve of that run to stop as if its time
//! limit had passed: each returns the best plan found so far, labelled with
//! its gap. The command-line tool shows a spinner on stderr when stderr is a
//! terminal and cancels on Ctrl-C.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

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

/// One run's control, passed in its settings ([`crate::solver::Settings`]):
/// a cancel flag shared by every solve of the run, and the observer its
/// stages and search figures go to. Cheap to clone (clones share the flag
/// and the observer); two runs with two controls — two requests to a web
/// page, two threads — are stopped and observed independently.
///
/// ```
/// use boligmatch::progress::Control;
/// let (a, b) = (Control::new(), Control::new());
/// let a2 = a.clone();
/// a2.cancel();
/// assert!(a.is_cancelled() && !b.is_cancelled());
/// ```
#[derive(Clone, Default)]
pub struct Control {
    cancelled: Arc<AtomicBool>,
    observer: Option<Arc<dyn Observer>>,
}

impl Control {
    /// A control of its own, without an observer.
    pub fn new() -> Control {
        Control::default()
    }

    /// A control of its own whose reports go to `observer`.
    pub fn with_observer(observer: Arc<dyn Observer>) -> Control {
        Control {
            cancelled: Arc::default(),
            observer: Some(observer),
        }
    }

    /// Asks every running and later solve of this run to stop as if its
    /// time limit had passed: each returns the best plan found so far,
    /// labelled with its gap.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    /// Whether [`Control::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// Reports a stage to the observer, if any.
    pub fn stage(&self, name: &str) {
        if let Some(o) = &self.observer {
            o.stage(name);
        }
    }

    /// Reports a search's figures to the observer, if any.
    pub fn search(&self, figures: &Search) {
        if let Some(o) = &self.observer {
            o.search(figures);
        }
    }
}

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control")
            .field("cancelled", &self.is_cancelled())
            .field("observer", &self.observer.is_some())
            .finish()
    }
}

/// Two controls are equal when they are the same run's (clones).
impl PartialEq for Control {
    fn eq(&self, other: &Control) -> bool {
        Arc::ptr_eq(&self.cancelled, &other.cancelled)
    }
}
