//! boligmatch proposes who moves into which home, with which support worker,
//! for a municipality's Housing First programme for homeless young people.
//!
//! Data flows one way: [`input`] → [`eligibility`] → [`formulation`] →
//! [`solve`] → [`report`]. [`round`] drives the pipeline for one allocation
//! round.
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod allocation;
pub mod baseline;
pub mod eligibility;
pub mod error;
pub mod explain;
pub mod formulation;
pub mod input;
pub mod instance;
pub mod model;
pub mod output;
pub mod planning;
pub mod report;
pub mod round;
pub mod scenario;
pub mod scoring;
pub mod solver;

pub use allocation::{
    run as allocate, Alternative, Goal, Goals, Options, Outcome, Placement, Proposal, Unplaced,
};
pub use error::{Error, Problem, Problems, Result};
pub use input::{load, Loaded, RoundPaths};
pub use model::{Gender, Method, Person, Policy, Staff, Unit, UnitKind};
pub use round::Round;
pub use solver::Settings;
pub mod generate;
