//! The weekly loop: the offers record (offers, answers, move-ins, tenancies
//! that end) as the commands that change it see it, and the programme's
//! history week by week. [`offer()`] and [`answer()`] are the changes a
//! front end makes, each under the record's lock and atomically.

pub mod answer;
pub mod history;
pub mod offer;
pub mod record;
pub mod weeks;

pub use answer::{answer, Answer, AnswerError, Answered};
pub use offer::{offer, Offer, OfferError, Pending};

/// A proposals.csv of `allocate`, read back: the placements of one
/// proposal, or why the file is not one.
pub use crate::input::proposals::{read as read_proposals, ProposalsError, Proposed};
