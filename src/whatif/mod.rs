//! The project leader's questions: what-if scenarios and sweeps
//! ([`scenario`]), and the cheapest mix of new homes and staff that reaches
//! the goals or the best within a budget ([`planning`]).

pub mod planning;
pub mod scenario;
