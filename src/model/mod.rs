//! The round's plain data: units, young people, staff members, the policy,
//! kinds of home, the export contract's columns and the offers record.
//! No I/O and no rules here; the readers in `input` build these
//! values.

pub mod aliases;
pub mod columns;
pub mod kinds;
mod policy;
pub mod record;
mod values;

pub use policy::*;
pub use values::*;
