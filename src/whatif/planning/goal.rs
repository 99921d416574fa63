//! The programme's goals as values: a group (or the female-worker wish) and
//! the share of it to reach, parsed from `NAME=SHARE` and turned into a
//! constraint on a round.

use crate::model::GoalKind;
use crate::round::Round;
use crate::solver::instance::Target;
use serde::Serialize;

/// A goal of the programme, as a share of a group.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Goal {
    /// Which group, or the female-worker goal.
    pub name: GoalKind,
    /// Share to reach, 0–1.
    pub share: f64,
}

/// Why a goal `NAME=SHARE` could not be read; each names the text given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GoalError {
    /// No `=` between the name and the share.
    #[error("'{spec}': expected NAME=SHARE, e.g. under_18=1.0")]
    NoShare {
        /// The goal as given.
        spec: String,
    },
    /// The name is not a goal's.
    #[error("'{spec}': \"{name}\" is not one of {}", GoalKind::expected())]
    UnknownName {
        /// The goal as given.
        spec: String,
        /// The name as given.
        name: String,
    },
    /// The share is not a number.
    #[error("'{spec}': \"{share}\" is not a share such as 0.9")]
    NotAShare {
        /// The goal as given.
        spec: String,
        /// The share as given.
        share: String,
    },
    /// The share is not from 0 to 1 (or not a number at all: NaN).
    #[error("'{spec}': the share must be between 0 and 1")]
    OutOfRange {
        /// The goal as given.
        spec: String,
        /// The share read.
        share: f64,
    },
}

impl std::str::FromStr for Goal {
    type Err = GoalError;
    fn from_str(s: &str) -> Result<Goal, GoalError> {
        Goal::parse(s)
    }
}

impl Goal {
    /// Parses `NAME=SHARE`, e.g. `under_18=1.0`; the share may also be
    /// written as a percentage, `age_18_29=90%`.
    ///
    /// ```
    /// use boligmatch::model::GoalKind;
    /// use boligmatch::whatif::planning::{Goal, GoalError};
    ///
    /// assert_eq!(Goal::parse("age_18_29=90%")?.share, 0.9);
    /// assert_eq!(Goal::parse("under_18=1")?.name, GoalKind::Under18);
    /// assert!(matches!(Goal::parse("all=2"), Err(GoalError::OutOfRange { .. })));
    /// # Ok::<(), GoalError>(())
    /// ```
    pub fn parse(s: &str) -> Result<Goal, GoalError> {
        let (n, v) = s
            .split_once('=')
            .ok_or_else(|| GoalError::NoShare { spec: s.into() })?;
        let name = GoalKind::parse(n).ok_or_else(|| GoalError::UnknownName {
            spec: s.into(),
            name: n.into(),
        })?;
        let share: f64 =
            v.trim()
                .trim_end_matches('%')
                .parse()
                .map_err(|_| GoalError::NotAShare {
                    spec: s.into(),
                    share: v.into(),
                })?;
        let share = if v.trim().ends_with('%') {
            share / 100.0
        } else {
            share
        };
        if !(0.0..=1.0).contains(&share) {
            return Err(GoalError::OutOfRange {
                spec: s.into(),
                share,
            });
        }
        Ok(Goal { name, share })
    }

    /// The programme's housing goals from a policy's `[goals]` (by default
    /// all under-18s and 90 % of 18–29-year-olds).
    pub fn programme(targets: &crate::model::GoalTargets) -> Vec<Goal> {
        vec![
            Goal {
                name: GoalKind::Under18,
                share: targets.under_18,
            },
            Goal {
                name: GoalKind::Age18To29,
                share: targets.age_18_29,
            },
        ]
    }

    /// The people this round can still count for the goal: waiting, in the
    /// goal's group by their age at registration, and not already housed by
    /// the offers record.
    pub(super) fn members(&self, round: &Round) -> Vec<usize> {
        round
            .people
            .iter()
            .enumerate()
            .filter(|(_, p)| counts_for(self.name, round, p))
            .map(|(i, _)| i)
            .collect()
    }

    /// (housed already by the record, everyone in the group over the
    /// programme): the programme's share starts from these.
    pub(super) fn programme_base(&self, round: &Round) -> (usize, usize) {
        let day = round.policy.round_date;
        let roster = round
            .people
            .iter()
            .chain(&round.programme.tenants_in_people)
            .filter(|p| self.name.concerns_at(p, day));
        let (mut housed, mut total) = (0, 0);
        for p in roster {
            total += 1;
            housed += usize::from(round.programme.housed.contains(&p.id));
        }
        (housed, total)
    }

    /// As a constraint on a round: the programme's share (the roster and the
    /// record's tenants counted), reached by housing enough of this round's
    /// members.
    pub fn target(&self, round: &Round) -> Target {
        let people = self.members(round);
        if self.name == GoalKind::FemaleWorker {
            Target::FemaleWorker {
                people,
                share: self.share,
            }
        } else {
            let (already, total) = self.programme_base(round);
            let needed = (self.share * total as f64 - 1e-9).ceil().max(0.0) as usize;
            Target::Housed {
                min_housed: needed.saturating_sub(already).min(people.len()),
                people,
            }
        }
    }
}

/// Whether a waiting person counts for a goal this round: in its group by
/// age at registration and not housed by the record already.
pub(super) fn counts_for(kind: GoalKind, round: &Round, p: &crate::model::Person) -> bool {
    if kind == GoalKind::FemaleWorker {
        return kind.concerns(p);
    }
    kind.concerns_at(p, round.policy.round_date) && !round.programme.housed.contains(&p.id)
}

#[cfg(test)]
mod goal_tests {
    use super::*;

    /// Issue 12: goal names were matched as strings, and an unknown one
    /// silently counted everyone.
    #[test]
    fn goals_are_typed_and_unknown_names_refused() {
        assert_eq!(
            Goal::parse("under_18=1").map(|g| g.name),
            Ok(GoalKind::Under18)
        );
        assert_eq!(Goal::parse("age_18_29=90%").map(|g| g.share), Ok(0.9));
        let e = Goal::parse("under_81=1").unwrap_err().to_string();
        assert!(
            e.contains("\"under_81\" is not one of under_18 | age_18_29"),
            "{e}"
        );
        // Issue 24: the library names no flag; the command line adds it.
        assert!(e.starts_with("'under_81=1': "), "{e}");
        assert!(Goal::parse("all=nan").is_err());
        assert!(Goal::parse("all=inf").is_err());
    }
}
