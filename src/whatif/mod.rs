//! The project leader's questions: what-if scenarios ([`scenario`]), sweeps
//! of more units or workers step by step ([`sweep`]), and the cheapest mix of
//! new homes and staff that reaches the goals or the best within a budget
//! ([`planning`]).

pub mod planning;
pub mod scenario;
pub mod sweep;
