//! The stages of a round one by one, for benchmarks and tools that time
//! them: eligibility ([`Instance::new`]), building the MILP ([`formulate`]),
//! and solving ([`crate::solver::best`]). Library users call
//! [`crate::allocate`](mod@crate::allocate) instead, which runs them all and explains the result.
//!
//! ```
//! use boligmatch::solver::engine::{formulate, Instance, Restrictions};
//! # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples/ballerup-2014");
//! # let today = chrono::NaiveDate::from_ymd_opt(2014, 11, 3).unwrap();
//! let round = boligmatch::load(&boligmatch::RoundPaths::in_dir(&dir), today)?.round;
//! let inst = Instance::new(&round);
//! let model = formulate(&inst, &Restrictions::default()).expect("no forced pair");
//! assert_eq!(model.x.len(), inst.unit_pair_count());
//! let best = boligmatch::solver::best(&inst, &Restrictions::default(), &Default::default())?;
//! assert!(best.is_some());
//! # Ok::<(), boligmatch::Error>(())
//! ```

pub use crate::solver::formulation::{formulate, Formulation};
pub use crate::solver::instance::{Instance, Plan, Restrictions};
