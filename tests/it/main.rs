//! All integration tests build into one binary.

mod common;
mod props;
mod rules;
mod cli;
mod inputs;
