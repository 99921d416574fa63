//! All integration tests build into one binary.

mod cli;
mod common;
mod docs;
mod generate;
mod golden;
mod hardening;
mod hostile;
mod inputs;
mod kinds;
mod layers;
mod props;
mod record;
mod report;
mod rules;
mod simulate;
mod weekly;
mod whatif;
mod workbook_bombs;
mod workbooks;
