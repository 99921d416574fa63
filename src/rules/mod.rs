//! The housing rules: who may live where and be supported by whom
//! ([`eligibility`]), and how much each person and each placement is worth
//! ([`scoring`]). The only place a housing rule is written.

pub mod eligibility;
pub mod scoring;
