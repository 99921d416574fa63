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

/// The round with last week's proposal 1 kept where the levels allow (a
/// third level, stability): read from `proposals.csv` in last week's output
/// folder `last_out` (what `allocate --previous` reads).
pub fn with_last_week(
    round: crate::round::Round,
    last_out: &std::path::Path,
) -> crate::error::Result<crate::round::Round> {
    let rows = read_proposals(&last_out.join("proposals.csv"), 1)?;
    let map = rows
        .into_iter()
        .map(|p| (p.person_id, (p.unit_id, p.staff_id)))
        .collect();
    Ok(round.with_previous(map))
}
