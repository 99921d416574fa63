//! Long-lived threads for HiGHS: a thread that has run HiGHS never exits.
//!
//! HiGHS keeps its task scheduler in a C++ `thread_local` with a destructor.
//! With mingw-w64 (the Windows build) that storage is freed before the
//! destructor runs when a thread exits (msys2/MINGW-packages issues 2519 and
//! 7096), so a solve on a short-lived thread can crash or hang the process
//! by the next solves. Every HiGHS solve therefore runs on one of these
//! threads: a job goes to an idle one, or to a new one when all are busy
//! (a solve the watchdog gave up on keeps its thread until HiGHS returns);
//! after each job the thread waits for the next, for the life of the
//! process. The watchdog and the time limits stay with the caller
//! ([`super::milp::run_model`]), which waits for the job's answer on a
//! channel of its own.

use std::sync::mpsc::{channel, Sender};
use std::sync::{Mutex, OnceLock};

/// One solve to run.
pub(crate) type Job = Box<dyn FnOnce() + Send + 'static>;

/// A set of solver threads: the idle ones, each by the sender of its job
/// queue.
pub(crate) struct Pool {
    idle: Mutex<Vec<Sender<Job>>>,
}

/// The process's solver threads.
static POOL: OnceLock<Pool> = OnceLock::new();

/// Runs `job` on one of the process's solver threads ([`Pool::spawn`]).
pub(crate) fn spawn(job: Job) -> std::io::Result<()> {
    POOL.get_or_init(Pool::new).spawn(job)
}

impl Pool {
    /// No threads yet.
    pub(crate) fn new() -> Pool {
        Pool {
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `job` on an idle thread of the pool, or on a new one; returns at
    /// once. A job that panics does not end its thread (the panic is caught;
    /// the job's own channel then reports no answer to its caller).
    pub(crate) fn spawn(&'static self, job: Job) -> std::io::Result<()> {
        let waiting = self.idle.lock().ok().and_then(|mut v| v.pop());
        let job = match waiting {
            Some(queue) => match queue.send(job) {
                Ok(()) => return Ok(()),
                // A thread that is gone gives its job back: start another.
                Err(returned) => returned.0,
            },
            None => job,
        };
        let (queue, jobs) = channel::<Job>();
        std::thread::Builder::new()
            .name("boligmatch-highs".into())
            .spawn(move || {
                // The thread holds its own queue's sender, so `recv` never
                // ends for want of senders: it lives as long as the process.
                let mut next = Some(job);
                while let Some(job) = next.take() {
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                    if let Ok(mut v) = self.idle.lock() {
                        v.push(queue.clone());
                    }
                    next = jobs.recv().ok();
                }
            })?;
        Ok(())
    }

    /// How many threads wait for a job.
    #[cfg(test)]
    fn idle_count(&self) -> usize {
        self.idle.lock().map(|v| v.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::Pool;
    use std::sync::mpsc::{channel, Receiver};
    use std::thread::ThreadId;
    use std::time::Duration;

    fn pool() -> &'static Pool {
        Box::leak(Box::new(Pool::new()))
    }

    /// A job that sleeps `wait` and then says which thread ran it.
    fn run(pool: &'static Pool, wait: Duration) -> Receiver<ThreadId> {
        let (tx, rx) = channel();
        pool.spawn(Box::new(move || {
            std::thread::sleep(wait);
            let _ = tx.send(std::thread::current().id());
        }))
        .unwrap();
        rx
    }

    /// Waits until `n` threads of the pool are idle (each puts itself back
    /// right after its job).
    fn settle(pool: &Pool, n: usize) {
        for _ in 0..200 {
            if pool.idle_count() == n {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("{} idle threads, not {n}", pool.idle_count());
    }

    /// Jobs one after another reuse the one thread; a job while another runs
    /// gets a thread of its own; the threads stay, waiting, for later jobs:
    /// two jobs at once afterwards run on exactly those two.
    #[test]
    fn solver_threads_are_reused_and_never_exit() {
        let pool = pool();
        let first = run(pool, Duration::ZERO).recv().unwrap();
        settle(pool, 1);
        assert_eq!(run(pool, Duration::ZERO).recv().unwrap(), first);
        settle(pool, 1);
        let slow = run(pool, Duration::from_millis(300));
        let meanwhile = run(pool, Duration::ZERO).recv().unwrap();
        let slow = slow.recv().unwrap();
        assert_ne!(slow, meanwhile, "a busy thread is not given a second job");
        settle(pool, 2);
        let (a, b) = (
            run(pool, Duration::from_millis(100)),
            run(pool, Duration::from_millis(100)),
        );
        let mut seen = vec![a.recv().unwrap(), b.recv().unwrap()];
        let mut known = vec![slow, meanwhile];
        seen.sort_by_key(|t| format!("{t:?}"));
        known.sort_by_key(|t| format!("{t:?}"));
        assert_eq!(seen, known, "no thread exited and none was added");
    }

    /// A job that panics leaves its thread alive for the next job.
    #[test]
    fn a_panicking_job_does_not_end_its_thread() {
        let pool = pool();
        let (tx, rx) = channel::<u8>();
        pool.spawn(Box::new(move || {
            let _keep = tx;
            panic!("a solver fault");
        }))
        .unwrap();
        assert!(rx.recv().is_err(), "the job's channel reports no answer");
        settle(pool, 1);
        let (tx, rx) = channel();
        pool.spawn(Box::new(move || {
            let _ = tx.send(std::thread::current().id());
        }))
        .unwrap();
        rx.recv().unwrap();
        settle(pool, 1);
    }
}
