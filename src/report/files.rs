//! The files of `--out`: proposals.csv, unplaced.csv, alternatives.csv, summary.json.

use super::html::Lang;
use super::{words, Cell, CsvStyle, Table};
use crate::allocate::{Goal, Goals, Outcome, Proposal};
use crate::model::Policy;
use crate::round::Source;
use crate::solver::{LevelResult, Status};
use serde_json::{json, Value};

/// `proposals.csv`: one row per housed person per proposal. The kind of home
/// in the reasons is named by its label in `lang`.
pub fn proposals_csv(outcome: &Outcome, style: CsvStyle, lang: Lang) -> Vec<u8> {
    proposals_table(outcome, lang).csv(style)
}

/// `proposals.csv` as a table (the sheet `proposals`).
pub fn proposals_table(outcome: &Outcome, lang: Lang) -> Table {
    let headers = vec![
        "proposal",
        "rank",
        "person_id",
        "unit_id",
        "unit_kind",
        "area",
        "staff_id",
        "method",
        "priority",
        "fit",
        "reasons",
    ];
    let mut rows = Vec::new();
    for p in &outcome.proposals {
        let mut placements: Vec<_> = p.placements.iter().collect();
        placements.sort_by(|a, b| {
            b.priority
                .cmp(&a.priority)
                .then(a.person_id.cmp(&b.person_id))
        });
        for (i, pl) in placements.iter().enumerate() {
            rows.push(vec![
                Cell::from(p.rank),
                Cell::from(i + 1),
                pl.person_id.as_str().into(),
                pl.unit_id.as_str().into(),
                pl.unit_kind.as_str().into(),
                pl.area.as_str().into(),
                pl.staff_id.as_str().into(),
                pl.method.as_str().into(),
                pl.priority.into(),
                pl.fit.into(),
                reasons(outcome, pl, lang).into(),
            ]);
        }
    }
    Table {
        name: "proposals",
        headers,
        rows,
    }
}

/// The reasons of a placement, the kind of home by its label in `lang`.
fn reasons(outcome: &Outcome, pl: &crate::allocate::Placement, lang: Lang) -> String {
    let label = outcome.kinds.label(&pl.unit_kind, lang == Lang::Da);
    pl.reasons
        .iter()
        .zip(pl.terms.iter().map(Some).chain(std::iter::repeat(None)))
        .map(|(r, t)| match t {
            Some(crate::rules::scoring::FitTerm::KindSuits) => {
                format!(
                    "{} ({label})",
                    crate::rules::scoring::FitTerm::KindSuits.label()
                )
            }
            _ => r.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `unplaced.csv`: one row per person not housed per proposal.
pub fn unplaced_csv(outcome: &Outcome, style: CsvStyle) -> Vec<u8> {
    unplaced_table(outcome).csv(style)
}

/// `unplaced.csv` as a table (the sheet `unplaced`).
pub fn unplaced_table(outcome: &Outcome) -> Table {
    let headers = vec!["proposal", "person_id", "priority", "reason", "details"];
    let mut rows = Vec::new();
    for p in &outcome.proposals {
        for u in &p.unplaced {
            rows.push(vec![
                Cell::from(p.rank),
                u.person_id.as_str().into(),
                u.priority.into(),
                u.reason.as_str().into(),
                u.details.as_str().into(),
            ]);
        }
    }
    Table {
        name: "unplaced",
        headers,
        rows,
    }
}

/// `alternatives.csv`: other units each housed person of proposal 1 could take.
pub fn alternatives_csv(outcome: &Outcome, style: CsvStyle) -> Vec<u8> {
    alternatives_table(outcome).csv(style)
}

/// `alternatives.csv` as a table (the sheet `alternatives`).
pub fn alternatives_table(outcome: &Outcome) -> Table {
    let headers = vec![
        "person_id",
        "current_unit_id",
        "rank",
        "unit_id",
        "unit_kind",
        "area",
        "priority_loss",
        "fit_loss",
    ];
    let rows: Vec<Vec<Cell>> = outcome
        .alternatives
        .iter()
        .map(|a| {
            vec![
                a.person_id.as_str().into(),
                a.current_unit_id.as_str().into(),
                a.rank.into(),
                a.unit_id.as_str().into(),
                a.unit_kind.as_str().into(),
                a.area.as_str().into(),
                a.priority_loss.into(),
                a.fit_loss.into(),
            ]
        })
        .collect();
    Table {
        name: "alternatives",
        headers,
        rows,
    }
}

/// The goals of every proposal, as `summary.json` gives them: proposal,
/// scope (this round or the programme so far), goal, achieved, total,
/// share, target, met (the workbook's sheet `goals`; no CSV file).
pub fn goals_table(outcome: &Outcome) -> Table {
    let headers = vec![
        "proposal", "scope", "goal", "achieved", "total", "share", "target", "met",
    ];
    let mut rows = Vec::new();
    for p in &outcome.proposals {
        for (scope, g) in [("round", &p.goals), ("programme_so_far", &p.programme)] {
            for (name, x) in [
                ("under_18_housed", &g.under_18),
                ("age_18_29_housed", &g.age_18_29),
                ("support_coverage", &g.support),
                ("female_worker_where_asked", &g.female_worker),
            ] {
                rows.push(vec![
                    Cell::from(p.rank),
                    scope.into(),
                    name.into(),
                    Cell::from(x.achieved),
                    Cell::from(x.total),
                    format!("{}", (x.share() * 10_000.0).round() / 10_000.0).into(),
                    format!("{}", x.target).into(),
                    if x.met() { "true" } else { "false" }.into(),
                ]);
            }
        }
    }
    Table {
        name: "goals",
        headers,
        rows,
    }
}

/// What summary.json records for audit.
#[derive(Debug, Clone)]
pub struct Audit {
    /// Input files with their SHA-256.
    pub inputs: Vec<Source>,
    /// The effective policy.
    pub policy: Policy,
    /// The command line as given.
    pub command_line: Vec<String>,
    /// Seconds spent reading and validating the inputs.
    pub read_seconds: f64,
}

fn level(l: &LevelResult) -> Value {
    let (status, gap) = match l.status {
        Status::Optimal => ("optimal", 0.0),
        Status::BestFound { gap } => ("best_found", gap),
    };
    json!({ "value": l.value, "status": status, "gap": gap })
}

fn goal(g: &Goal) -> Value {
    json!({
        "achieved": g.achieved,
        "total": g.total,
        "share": (g.share() * 10_000.0).round() / 10_000.0,
        "target": g.target,
        "met": g.met(),
    })
}

/// The goals as JSON.
pub fn goals_json(g: &Goals) -> Value {
    json!({
        "under_18_housed": goal(&g.under_18),
        "age_18_29_housed": goal(&g.age_18_29),
        "support_coverage": goal(&g.support),
        "female_worker_where_asked": goal(&g.female_worker),
    })
}

/// The files of `allocate --out`: `proposals.csv`, `unplaced.csv`,
/// `summary.json` (with the timings when `with_timings`) and, when
/// alternatives were asked for, `alternatives.csv` (see
/// docs/output-files.md), ready for [`crate::output::write_all`]. The CSV
/// reasons name the kind of home in `lang`.
pub fn allocation_files(
    outcome: &Outcome,
    audit: &Audit,
    style: CsvStyle,
    lang: Lang,
    (alternatives, with_timings): (bool, bool),
) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![
        proposals_table(outcome, lang).file(style),
        unplaced_table(outcome).file(style),
        (
            "summary.json".to_string(),
            summary_json(outcome, audit, with_timings),
        ),
    ];
    if alternatives {
        out.push(alternatives_table(outcome).file(style));
    }
    out
}

/// `summary.json`. Timings are the only part that changes between identical
/// runs; `with_timings = false` leaves them out for byte-identical archives.
pub fn summary_json(outcome: &Outcome, audit: &Audit, with_timings: bool) -> Vec<u8> {
    let proposals: Vec<Value> = outcome
        .proposals
        .iter()
        .map(|p| proposal_json(p, with_timings))
        .collect();
    let mut doc = json!({
        "round": {
            "date": audit.policy.round_date.to_string(),
            "people": outcome.people,
            "units": outcome.units,
            "places": outcome.places,
            "support_slots": outcome.support_slots,
            "offers_kept": outcome.offers_kept.len(),
            "offers_expired": outcome
                .offers_expired
                .iter()
                .map(|(p, u)| json!({"person_id": p, "unit_id": u}))
                .collect::<Vec<_>>(),
        },
        "proposals": proposals,
        "proposals_note": outcome.note.map(|n| words::fewer(&n, Lang::En)),
        "priority_list_baseline": {
            "housed": outcome.baseline.housed,
            "priority_score": outcome.baseline.priority_score,
            "fit": outcome.baseline.fit,
            "goals": goals_json(&outcome.baseline.goals),
        },
        "audit": {
            "boligmatch_version": env!("CARGO_PKG_VERSION"),
            "command_line": audit.command_line,
            "inputs": audit.inputs,
            "policy": audit.policy,
        },
    });
    if outcome.alternatives_skipped > 0 {
        // Only when cut short, so that complete runs keep their bytes.
        doc["alternatives_skipped_by_time_limit"] = json!(outcome.alternatives_skipped);
    }
    if with_timings {
        let t = &outcome.timings;
        doc["timings_seconds"] = json!({
            "read_validate": round6(audit.read_seconds),
            "eligibility": round6(t.eligibility),
            "model_build": round6(t.build),
            "solve_level1": round6(t.solve_level1),
            "solve_level2": round6(t.solve_level2),
            "proposals_after_first": round6(t.proposals),
            "alternatives": round6(t.alternatives),
        });
    }
    let mut bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// One proposal of `summary.json`.
fn proposal_json(p: &Proposal, with_timings: bool) -> Value {
    let status = if p.level1.status.is_optimal() && p.level2.status.is_optimal() {
        "optimal"
    } else {
        "best_found"
    };
    let mut v = json!({
        "proposal": p.rank,
        "status": status,
        "level1_priority": level(&p.level1),
        "level2_fit": level(&p.level2),
        "housed": p.placements.len(),
        "unplaced": p.unplaced.len(),
        "goals": goals_json(&p.goals),
        "programme_so_far": goals_json(&p.programme),
        "difference_from_proposal_1": p
            .changes
            .iter()
            .map(|c| words::change(c, Lang::En))
            .collect::<Vec<_>>(),
    });
    if let Some(st) = &p.stability {
        v["level3_stability"] = json!({
            "value": st.value,
            "unchanged_from_last_week": st.unchanged,
            "changed": st.changed.len(),
            "changed_because": st.changed.iter().fold(
                std::collections::BTreeMap::<&str, usize>::new(),
                |mut m, c| {
                    *m.entry(c.why).or_default() += 1;
                    m
                },
            ),
            "changed_people": st
                .changed
                .iter()
                .map(|c| json!({"person_id": c.person_id, "why": c.why}))
                .collect::<Vec<_>>(),
        });
    }
    if with_timings {
        v["solve_seconds"] = json!({
            "level1_build": round6(p.level1.build_seconds),
            "level1_solve": round6(p.level1.solve_seconds),
            "level2_solve": round6(p.level2.solve_seconds),
        });
    }
    v
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
