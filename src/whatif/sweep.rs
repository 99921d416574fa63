//! Sweeps: more units of a kind, or more workers of a method and gender,
//! step by step; one or two dimensions make a grid of scenarios, each step
//! a whole round.

use crate::input::scenario::{AddStaff, AddUnits, Scenario};
use crate::input::spec::{StaffSpec, UnitSpec};
use crate::model::kinds::{self, Kinds};
use crate::model::{Gender, Method, Unit, UnitGender, UnitKind};
use crate::round::Round;

/// The largest count a sweep goes up to.
pub const MAX_SWEEP_COUNT: u32 = 1_000;

/// The most scenarios one grid runs (each is a whole round).
pub const MAX_GRID_STEPS: usize = 10_000;

/// One dimension of a sweep: `add=KIND:FROM..TO` or `staff=METHOD:GENDER:FROM..TO`.
#[derive(Debug, Clone, PartialEq)]
pub enum Sweep {
    /// Add units of a kind, from the base's typical unit of that kind.
    Units {
        /// The kind of unit added at each step.
        kind: UnitKind,
        /// Counts, inclusive.
        range: std::ops::RangeInclusive<u32>,
    },
    /// Add workers of a method and gender, with the base's typical capacity.
    Staff {
        /// The method of the workers added at each step.
        method: Method,
        /// The gender of the workers added at each step.
        gender: Gender,
        /// Counts, inclusive.
        range: std::ops::RangeInclusive<u32>,
    },
}

/// Why a sweep spec could not be read; each names the spec as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SweepError {
    /// Not `add=KIND:FROM..TO` nor `staff=METHOD:GENDER:FROM..TO`.
    #[error(
        "'{spec}': expected 'add=KIND:FROM..TO' (e.g. add=skaev_bolig:0..10) or \
         'staff=METHOD:GENDER:FROM..TO' (e.g. staff=ICM:f:0..3)"
    )]
    Malformed {
        /// The spec as given.
        spec: String,
    },
    /// The range goes down, or above [`MAX_SWEEP_COUNT`].
    #[error("'{spec}': the range must go up, to at most {max}", max = MAX_SWEEP_COUNT)]
    Range {
        /// The spec as given.
        spec: String,
        /// The first count.
        from: u32,
        /// The last count.
        to: u32,
    },
    /// The kind is not a kind id.
    #[error(
        "'{spec}': kind \"{}\" is not a kind id (a-z, 0-9, _); expected one of {} or a kind \
         policy.toml declares",
        crate::error::printable(.kind),
        Kinds::default().expected()
    )]
    UnknownKind {
        /// The spec as given.
        spec: String,
        /// The kind as given.
        kind: String,
    },
    /// The method is not a support method.
    #[error("'{spec}': method \"{method}\" is not one of {}", Method::expected())]
    UnknownMethod {
        /// The spec as given.
        spec: String,
        /// The method as given.
        method: String,
    },
    /// The gender is not a gender.
    #[error("'{spec}': gender \"{gender}\" is not one of {}", Gender::expected())]
    UnknownGender {
        /// The spec as given.
        spec: String,
        /// The gender as given.
        gender: String,
    },
}

impl Sweep {
    /// Parses a sweep spec, `add=KIND:FROM..TO` or
    /// `staff=METHOD:GENDER:FROM..TO`, the counts up to [`MAX_SWEEP_COUNT`].
    ///
    /// ```
    /// use boligmatch::whatif::sweep::{Sweep, SweepError};
    ///
    /// let s = Sweep::parse("staff=ICM:f:0..3")?;
    /// assert_eq!(s.steps(), vec![0, 1, 2, 3]);
    /// assert!(matches!(Sweep::parse("add=ordinary:3..1"), Err(SweepError::Range { from: 3, to: 1, .. })));
    /// # Ok::<(), SweepError>(())
    /// ```
    pub fn parse(spec: &str) -> Result<Sweep, SweepError> {
        let bad = || SweepError::Malformed { spec: spec.into() };
        let (what, rest) = spec.split_once('=').ok_or_else(bad)?;
        let parts: Vec<&str> = rest.split(':').collect();
        let range = |s: &str| -> Result<std::ops::RangeInclusive<u32>, SweepError> {
            let (a, b) = s.split_once("..").ok_or_else(bad)?;
            let from: u32 = a.trim().parse().map_err(|_| bad())?;
            let to: u32 = b.trim().parse().map_err(|_| bad())?;
            if from > to || to > MAX_SWEEP_COUNT {
                return Err(SweepError::Range {
                    spec: spec.into(),
                    from,
                    to,
                });
            }
            Ok(from..=to)
        };
        match (what.trim(), parts.as_slice()) {
            ("add", [kind, r]) => Ok(Sweep::Units {
                kind: Kinds::default()
                    .find(kind)
                    .or_else(|| kinds::is_id(kind.trim()).then(|| UnitKind::new(kind.trim())))
                    .ok_or_else(|| SweepError::UnknownKind {
                        spec: spec.into(),
                        kind: kind.to_string(),
                    })?,
                range: range(r)?,
            }),
            ("staff", [method, gender, r]) => Ok(Sweep::Staff {
                method: Method::parse(method).ok_or_else(|| SweepError::UnknownMethod {
                    spec: spec.into(),
                    method: method.to_string(),
                })?,
                gender: Gender::parse(gender).ok_or_else(|| SweepError::UnknownGender {
                    spec: spec.into(),
                    gender: gender.to_string(),
                })?,
                range: range(r)?,
            }),
            _ => Err(bad()),
        }
    }

    /// Steps of the sweep.
    pub fn steps(&self) -> Vec<u32> {
        match self {
            Sweep::Units { range, .. } | Sweep::Staff { range, .. } => range.clone().collect(),
        }
    }

    /// Label of a step, e.g. `+3 skaev_bolig`.
    pub fn label(&self, n: u32) -> String {
        match self {
            Sweep::Units { kind, .. } => format!("+{n} {kind}"),
            Sweep::Staff { method, gender, .. } => format!("+{n} {method} ({gender})"),
        }
    }

    /// Adds `n` of this dimension to a scenario, using the base's median unit
    /// (rent, places, area) or median worker capacity of the kind.
    pub fn add_to(&self, base: &Round, s: &mut Scenario, n: u32) {
        if n == 0 {
            return;
        }
        match self {
            Sweep::Units { kind, .. } => {
                let mut same: Vec<&Unit> = base.units.iter().filter(|u| u.kind == *kind).collect();
                same.sort_by_key(|u| (u.rent, u.id.clone()));
                let typical = same.get(same.len() / 2);
                s.add_units.push(AddUnits {
                    unit: UnitSpec {
                        kind: kind.clone(),
                        places: typical.map_or(1, |u| u.places),
                        rent_dkk: typical.map_or(3000.0, |u| u.rent as f64 / 100.0),
                        drug_free: false,
                        gender: UnitGender::Any,
                        min_age: typical.map_or(18, |u| u.min_age),
                        max_age: typical.and_then(|u| u.max_age),
                        area: typical.and_then(|u| u.area.clone()),
                        available_from: None,
                    },
                    count: n,
                    id_prefix: Some(format!("SWEEP-{kind}-")),
                });
            }
            Sweep::Staff { method, gender, .. } => {
                let mut caps: Vec<u32> = base
                    .staff
                    .iter()
                    .filter(|st| st.method == *method)
                    .map(|st| st.capacity)
                    .collect();
                caps.sort();
                s.add_staff.push(AddStaff {
                    staff: StaffSpec {
                        method: *method,
                        gender: *gender,
                        capacity: caps.get(caps.len() / 2).copied().unwrap_or(5),
                    },
                    count: n,
                    id_prefix: Some(format!("SWEEP-{method}-{gender}-")),
                });
            }
        }
    }
}

impl std::str::FromStr for Sweep {
    type Err = SweepError;
    fn from_str(spec: &str) -> Result<Sweep, SweepError> {
        Sweep::parse(spec)
    }
}

/// The scenarios of a sweep over one or two dimensions, the base (all zeros)
/// first. `source` is what messages name as the scenarios' origin (a front
/// end's word for where the sweep was asked for).
pub fn sweep_scenarios(base: &Round, dims: &[Sweep], source: &str) -> Vec<Scenario> {
    let grid: Vec<Vec<u32>> = match dims {
        [] => vec![],
        [a] => a.steps().into_iter().map(|x| vec![x]).collect(),
        [a, b, ..] => a
            .steps()
            .into_iter()
            .flat_map(|x| b.steps().into_iter().map(move |y| vec![x, y]))
            .collect(),
    };
    let mut out = Vec::new();
    for point in grid {
        let mut s = Scenario::base();
        s.name = dims
            .iter()
            .zip(&point)
            .map(|(d, n)| d.label(*n))
            .collect::<Vec<_>>()
            .join(", ");
        s.source = source.into();
        for (d, n) in dims.iter().zip(&point) {
            d.add_to(base, &mut s, *n);
        }
        out.push(s);
    }
    out
}

/// A checked sweep: no dimension (no sweep), one, or two (a grid), of at most
/// [`MAX_GRID_STEPS`] scenarios in all.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grid {
    dims: Vec<Sweep>,
}

/// Why a grid of sweeps is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GridError {
    /// More than two dimensions.
    #[error("a sweep of {given} dimensions; at most two")]
    TooManyDimensions {
        /// The dimensions given.
        given: usize,
    },
    /// More scenarios than [`MAX_GRID_STEPS`].
    #[error("a sweep of {steps} steps in all; at most {max} (narrow a range)")]
    TooManySteps {
        /// The scenarios the grid would run.
        steps: usize,
        /// [`MAX_GRID_STEPS`].
        max: usize,
    },
}

impl Grid {
    /// The grid of `dims`, checked.
    ///
    /// ```
    /// use boligmatch::whatif::sweep::{Grid, GridError, Sweep};
    ///
    /// let add = Sweep::parse("add=ordinary:0..1000").unwrap();
    /// let hire = Sweep::parse("staff=ICM:f:0..1000").unwrap();
    /// assert_eq!(Grid::new(vec![add.clone()]).map(|g| g.steps()), Ok(1001));
    /// assert!(matches!(Grid::new(vec![add, hire]), Err(GridError::TooManySteps { .. })));
    /// ```
    pub fn new(dims: Vec<Sweep>) -> Result<Grid, GridError> {
        if dims.len() > 2 {
            return Err(GridError::TooManyDimensions { given: dims.len() });
        }
        let grid = Grid { dims };
        if grid.steps() > MAX_GRID_STEPS {
            return Err(GridError::TooManySteps {
                steps: grid.steps(),
                max: MAX_GRID_STEPS,
            });
        }
        Ok(grid)
    }

    /// Whether there is no sweep at all.
    pub fn is_empty(&self) -> bool {
        self.dims.is_empty()
    }

    /// The scenarios the grid runs (none without a dimension).
    pub fn steps(&self) -> usize {
        if self.dims.is_empty() {
            return 0;
        }
        self.dims.iter().map(|s| s.steps().len()).product()
    }

    /// Its scenarios, the base (all zeros) first; see [`sweep_scenarios`].
    pub fn scenarios(&self, base: &Round, source: &str) -> Vec<Scenario> {
        sweep_scenarios(base, &self.dims, source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 24: the library's reasons carry the values and name no flag;
    /// a front end adds its own word for where the spec came from.
    #[test]
    fn sweep_errors_carry_the_spec_and_name_no_flag() {
        assert_eq!(
            Sweep::parse("add=Castle:0..3"),
            Err(SweepError::UnknownKind {
                spec: "add=Castle:0..3".into(),
                kind: "Castle".into()
            })
        );
        for spec in [
            "nonsense",
            "add=ordinary:3..1",
            "add=ordinary:0..1001",
            "staff=XYZ:f:0..1",
            "staff=ICM:q:0..1",
        ] {
            let m = Sweep::parse(spec).unwrap_err().to_string();
            assert!(m.starts_with(&format!("'{spec}': ")), "{m}");
            assert!(!m.contains("--"), "{m}");
        }
        let one = Sweep::parse("staff=ICM:f:0..2").unwrap();
        assert_eq!(
            Grid::new(vec![one.clone(); 3]),
            Err(GridError::TooManyDimensions { given: 3 })
        );
        let grid = Grid::new(vec![one.clone(), one]).unwrap();
        assert_eq!((grid.steps(), Grid::default().steps()), (9, 0));
    }
}
