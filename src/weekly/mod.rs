//! The weekly loop: the offers record (offers, answers, move-ins, tenancies
//! that end) as the commands that change it see it, and the programme's
//! history week by week.

pub mod history;
pub mod record;
pub mod weeks;
