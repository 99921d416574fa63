//! Never silent: a spinner on stderr with the stage and, during a search,
//! its nodes, best plan, bound and gap (only when stderr is a terminal; quiet
//! when piped), and Ctrl-C: the first stops the search and writes the best
//! plan found, labelled with its gap; a second ends the program at once
//! (the output layer never leaves a partial file either way).

use boligmatch::progress::{Control, Observer, Search};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The stage prefix of `simulate`'s run count.
const SIMULATE: &str = "simulate:";

/// The spinner, when one is shown.
static BAR: OnceLock<ProgressBar> = OnceLock::new();

/// This process's run: the command line runs one command per process, and
/// Ctrl-C cancels it.
static CONTROL: OnceLock<Control> = OnceLock::new();

/// The control of this process's run (a quiet one before [`start`]).
pub fn control() -> Control {
    CONTROL.get().cloned().unwrap_or_default()
}

struct Spinner {
    bar: ProgressBar,
    stage: Mutex<String>,
    last: Mutex<Option<Instant>>,
}

impl Observer for Spinner {
    fn stage(&self, name: &str) {
        if let Ok(mut s) = self.stage.lock() {
            // A simulation's run count stays: the rounds inside its weeks
            // would only flicker.
            if s.starts_with(SIMULATE) && !name.starts_with(SIMULATE) {
                return;
            }
            *s = name.to_string();
        }
        self.bar.set_message(name.to_string());
    }

    fn search(&self, f: &Search) {
        if self.stage.lock().is_ok_and(|s| s.starts_with(SIMULATE)) {
            return;
        }
        // At most ten updates a second.
        if let Ok(mut last) = self.last.lock() {
            if last.is_some_and(|t| t.elapsed() < Duration::from_millis(100)) {
                return;
            }
            *last = Some(Instant::now());
        }
        let stage = self.stage.lock().map(|s| s.clone()).unwrap_or_default();
        // The level where best and bound differ (level 2 once level 1 is
        // closed), so that the line stays short.
        let level = usize::from(f.best.is_some_and(|b| b.0 >= f.bound.0));
        let pick = |v: (i64, i64)| if level == 0 { v.0 } else { v.1 };
        let best = f
            .best
            .map_or("none yet".to_string(), |b| pick(b).to_string());
        self.bar.set_message(format!(
            "{stage}: {} nodes, level {} best {best} bound {}, gap {:.3}%",
            f.nodes,
            level + 1,
            pick(f.bound),
            f.gap() * 100.0
        ));
    }
}

/// Shows the spinner (when stderr is a terminal) and takes over Ctrl-C, for
/// the commands that solve: the run's [`control`] reports to the spinner and
/// is cancelled by the first Ctrl-C.
pub fn start(first_stage: &str) {
    let control = match spinner(first_stage) {
        Some(spinner) => Control::with_observer(std::sync::Arc::new(spinner)),
        None => Control::new(),
    };
    let cancel = control.clone();
    let _ = ctrlc::set_handler(move || {
        if cancel.is_cancelled() {
            eprintln!("\nstopped");
            std::process::exit(130);
        }
        cancel.cancel();
        pause();
        eprintln!(
            "\nCtrl-C: stopping the search; the best plan found is written, labelled with its gap (Ctrl-C again to quit at once)"
        );
    });
    let _ = CONTROL.set(control);
}

/// The spinner on stderr, when it is a terminal.
fn spinner(first_stage: &str) -> Option<Spinner> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar.set_message(first_stage.to_string());
    let _ = BAR.set(bar.clone());
    Some(Spinner {
        bar,
        stage: Mutex::new(first_stage.to_string()),
        last: Mutex::new(None),
    })
}

/// Clears the spinner before something is printed (it comes back with the
/// next report).
pub fn pause() {
    if let Some(bar) = BAR.get() {
        bar.finish_and_clear();
    }
}
