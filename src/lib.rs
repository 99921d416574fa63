//! boligmatch proposes **who moves into which home, with which support
//! worker**, for a municipality's Housing First programme for homeless young
//! people: ranked allocation proposals, proven optimal, each placement
//! explained, every person not placed given a reason.
//!
//! # Quick start
//!
//! Load a round from the allocation office's exports, allocate, and walk the
//! placements of the best proposal:
//!
//! ```
//! use boligmatch::{allocate, load, NaiveDate, Options, RoundPaths};
//!
//! let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples/ballerup-2014");
//! // The round date is policy.toml's `round_date`; this date is used only
//! // when the policy gives none.
//! let today = NaiveDate::from_ymd_opt(2014, 11, 3).unwrap();
//! let loaded = load(&RoundPaths::in_dir(&dir), today)?;
//!
//! let outcome = allocate(&loaded.round, &Options { proposals: 2, ..Options::default() })?;
//! let best = &outcome.proposals[0];
//! assert!(best.level1.status.is_optimal() && best.level2.status.is_optimal());
//! for p in &best.placements {
//!     println!("{} moves into {} with {} ({})", p.person_id, p.unit_id, p.staff_id, p.method);
//! }
//! for u in &best.unplaced {
//!     println!("{} is not housed: {}", u.person_id, u.reason);
//! }
//! println!("under-18s housed: {:.0} %", best.goals.under_18.share() * 100.0);
//! # Ok::<(), boligmatch::Error>(())
//! ```
//!
//! A round can also be built from values with [`Round::new`], which checks
//! every value, sorts by id and derives what the engine needs, or read from
//! any [`std::io::Read`] with [`read`]:
//!
//! ```
//! use boligmatch::model::*;
//! use boligmatch::{allocate, Options, Round};
//!
//! let date = boligmatch::NaiveDate::from_ymd_opt(2014, 11, 3).unwrap();
//! let home = Unit {
//!     id: "U1".into(), kind: UnitKind::new("ordinary"), places: 1, rent: 300_000,
//!     available_from: None, drug_free: false, gender: UnitGender::Any,
//!     min_age: 18, max_age: None, area: None, occupants: vec![], line: 0,
//! };
//! let young = Person {
//!     id: "P1".into(), gender: Gender::F, age: 19, substance_use: SubstanceUse::None,
//!     psychiatric: false, in_recovery: false, income: 900_000, max_rent: None,
//!     stay: Stay::Street, registered: None, female_staff: FemaleStaff::Preferred,
//!     home_area: None, preferred_areas: vec![], declined_units: vec![],
//!     pinned_unit: None, known_staff_id: None, kept_offer: None, line: 0,
//! };
//! let worker = Staff { id: "S1".into(), gender: Gender::F, method: Method::Cti, capacity: 1, caseload: None, line: 0 };
//! let round = Round::new(vec![home], vec![young], vec![worker], Policy::with_date(date))?;
//!
//! let outcome = allocate(&round, &Options::default())?;
//! let p = &outcome.proposals[0].placements[0];
//! assert_eq!((p.person_id.as_str(), p.unit_id.as_str(), p.staff_id.as_str()), ("P1", "U1", "S1"));
//! # Ok::<(), boligmatch::Error>(())
//! ```
//!
//! More in `examples/weekly_round.rs` (the office's weekly round) and
//! `examples/what_if.rs` (the project leader's scenarios).
//!
//! # Layers
//!
//! Data flows one way: each module uses only modules of its own layer or
//! the layers below it, and no cycle of modules exists (checked by
//! `tests/it/layers.rs`, which reads this table; `docs/architecture.md`
//! carries the same rows and how data flows through them).
//!
//! | layer | name | modules | what it holds |
//! |---|---|---|---|
//! | 0 | base | [`error`], [`progress`] | positioned problems and typed errors; progress and cancellation |
//! | 1 | values | [`model`] | units, young people, staff, the policy, kinds, the column contract, the offers record's lines; no I/O, no rules |
//! | 2 | files | `input`, [`output`] | every reader (CSV, workbooks, text, privacy screening, TOML, the record file); atomic writes that never touch an input |
//! | 3 | round | `round` | the validated round every caller starts from ([`Round::new`], [`load`]); the record checked and applied |
//! | 4 | rules | `rules` | eligibility and scoring: the only place a housing rule is written |
//! | 5 | solve | `solver` | the sealed instance, the formulation, the flow and MILP solvers, ranked proposals, the priority list |
//! | 6 | allocation | [`allocate`](mod@allocate) | one round end to end: proposals, alternatives, explanations, goals |
//! | 7 | domains | [`weekly`], [`whatif`], [`simulate`], [`generate`] | the weekly loop, what-if and planning, simulation, synthetic rounds |
//! | 8 | reports | [`report`] | CSV, JSON, HTML and workbook reports from typed results |
//!
//! The front ends (the `boligmatch` command line, `src/cli/`) stand above
//! every layer and call the library's public items.
#![deny(missing_docs)]
#![forbid(unsafe_code)]
// Functions a reader can hold in mind: at most 80 lines (clippy.toml).
#![deny(clippy::too_many_lines)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

/// Declares modules that are the library's internals: crate-private, or
/// public with the `internals` feature (for the benchmarks, the tests and
/// the solver comparison example, which reach the stages one by one). The
/// front door is the crate root and the public modules below.
macro_rules! internal_modules {
    ($($(#[$meta:meta])* $name:ident;)+) => {
        $(
            $(#[$meta])*
            #[cfg(feature = "internals")]
            pub mod $name;
            $(#[$meta])*
            #[cfg(not(feature = "internals"))]
            pub(crate) mod $name;
        )+
    };
}

pub mod allocate;
pub mod error;
pub mod generate;
pub mod model;
pub mod output;
pub mod progress;
pub mod report;
pub mod simulate;
pub mod weekly;
pub mod whatif;

internal_modules! {
    /// Every reader: CSV, workbooks, text, privacy screening, TOML, the
    /// record file.
    input;
    /// The validated round, loading it, the record checked and applied.
    round;
    /// Eligibility and scoring.
    rules;
    /// The sealed instance, the formulation, the solvers.
    solver;
}

// The front door: what a front end (the command line, the web page) uses.
pub use allocate::explain::Reason as UnplacedReason;
pub use allocate::{
    check_pins, run as allocate, Alternative, Change, Goal, Goals, Options, Outcome, Placement,
    Proposal, Unplaced, UnplacedPeople,
};
pub use chrono::NaiveDate;
pub use error::{Error, OutputProblem, OutputRole, Problem, Problems, Result};
pub use input::scenario::{load as load_scenario, Scenario};
pub use input::{parse_date, policy_defaults, policy_text, AliasesUsed, HEADER, MAX_ROWS};
pub use model::record::{Reason as OfferReason, Status as OfferStatus};
pub use model::{Gender, GoalTargets, Method, Person, Policy, Staff, Unit, UnitKind};
pub use output::write_all;
pub use progress::{Control, Observer};
pub use report::files::{allocation_files, Audit};
pub use report::{html::Lang as ReportLang, CsvStyle};
pub use round::{load, read, Loaded, Round, RoundDate, RoundPaths, Source};
pub use rules::eligibility::Exclusion;
pub use rules::scoring::FitTerm;
pub use simulate::study;
pub use solver::instance::Target;
pub use solver::{LevelResult, Settings, Status as SolveStatus};
pub use weekly::history::history;
pub use weekly::{answer, offer, Answer, Offer};
pub use whatif::planning::run as plan;
pub use whatif::scenario::{load_dir as load_scenarios, run_all as compare_scenarios};
pub use whatif::sweep::{sweep_scenarios, Sweep};
