//! The readable table `allocate` prints.

use crate::allocate::{Goal, Goals, Outcome, Proposal};
use std::fmt::Write;

fn pct(g: &Goal) -> String {
    // Floored, so that 89.7 % never reads as a met 90 % goal.
    format!("{:.0}%", (g.share() * 100.0 + 1e-9).floor())
}

/// A goal's target as the table writes it (`90%`).
fn target(g: &Goal) -> String {
    format!("{}%", (g.target * 1000.0).round() / 10.0)
}

fn goal_line(out: &mut String, label: &str, g: &Goal, target: &str) {
    let mark = if g.met() { "met" } else { "NOT met" };
    let _ = writeln!(
        out,
        "  {label:<42} {:>3}/{:<3} {:>5}   goal {target:<16} {mark}",
        g.achieved,
        g.total,
        pct(g)
    );
}

/// The goals block.
pub fn goals(out: &mut String, g: &Goals) {
    let _ = writeln!(out, "Programme goals:");
    goal_line(out, "under 18 housed", &g.under_18, &target(&g.under_18));
    goal_line(
        out,
        "aged 18-29 housed",
        &g.age_18_29,
        &target(&g.age_18_29),
    );
    goal_line(
        out,
        "housed with a support worker",
        &g.support,
        &target(&g.support),
    );
    goal_line(
        out,
        "asked for a female worker and got one",
        &g.female_worker,
        "where possible",
    );
}

fn placements(out: &mut String, p: &Proposal) {
    let _ = writeln!(
        out,
        "{:<10} {:<8} {:<14} {:<12} {:<12} {:<6} {:>8} {:>4}",
        "person", "unit", "kind", "area", "staff", "method", "priority", "fit"
    );
    let mut rows: Vec<_> = p.placements.iter().collect();
    rows.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then(a.person_id.cmp(&b.person_id))
    });
    for r in rows {
        let _ = writeln!(
            out,
            "{:<10} {:<8} {:<14} {:<12} {:<12} {:<6} {:>8} {:>4}",
            r.person_id, r.unit_id, r.unit_kind, r.area, r.staff_id, r.method, r.priority, r.fit
        );
    }
}

/// The whole printout.
pub fn render(outcome: &Outcome, round_date: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Allocation round {round_date}: {} people, {} units ({} places), {} free support slots",
        outcome.people, outcome.units, outcome.places, outcome.support_slots
    );
    for p in &outcome.proposals {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Proposal {} - level 1 (priority) {} [{}], level 2 (fit) {} [{}]",
            p.rank,
            p.level1.value,
            p.level1.status.describe(),
            p.level2.value,
            p.level2.status.describe()
        );
        if let Some(st) = &p.stability {
            let _ = writeln!(
                out,
                "{}",
                super::words::stability(st, super::html::Lang::En)
            );
        }
        if p.rank == 1 {
            first_proposal(&mut out, p);
        } else {
            let _ = writeln!(
                out,
                "  differs from proposal 1: {}",
                if p.changes.is_empty() {
                    "only in support workers".to_string()
                } else {
                    p.changes
                        .iter()
                        .map(|c| super::words::change(c, super::html::Lang::En))
                        .collect::<Vec<_>>()
                        .join("; ")
                }
            );
        }
    }
    if let Some(note) = &outcome.note {
        let note = super::words::fewer(note, super::html::Lang::En);
        let _ = writeln!(out, "\nNote: {note}");
    }
    alternatives(&mut out, outcome);
    if outcome.alternatives_skipped > 0 {
        let _ = writeln!(
            out,
            "\nNote: the time limit ran out before {} (person, unit) pairs were weighed for alternatives; allow more time for all of them",
            outcome.alternatives_skipped
        );
    }
    if let Some(best) = outcome.proposals.first() {
        let label = if best.level1.status.is_optimal() {
            "optimal".to_string()
        } else {
            best.level1.status.describe()
        };
        let _ = writeln!(
            out,
            "\n{label}: {} housed (priority score {}) · priority list: {} housed ({})",
            best.placements.len(),
            best.level1.value,
            outcome.baseline.housed,
            outcome.baseline.priority_score
        );
    }
    out
}

/// Proposal 1 in full: placements, who is not placed and why, the goals.
fn first_proposal(out: &mut String, p: &Proposal) {
    placements(out, p);
    if !p.unplaced.is_empty() {
        let _ = writeln!(out, "\nNot placed ({}):", p.unplaced.len());
        let mut rows: Vec<_> = p.unplaced.iter().collect();
        rows.sort_by(|a, b| {
            b.priority
                .cmp(&a.priority)
                .then(a.person_id.cmp(&b.person_id))
        });
        for u in rows {
            let _ = writeln!(
                out,
                "  {:<10} priority {:>4}  {}: {}",
                u.person_id,
                u.priority,
                u.reason.as_str(),
                u.details
            );
        }
    }
    let _ = writeln!(out);
    goals(out, &p.goals);
    if p.programme != p.goals {
        let _ = writeln!(
            out,
            "Programme so far (the roster: people waiting and the record's tenants, age at registration):"
        );
        let (u, a) = (&p.programme.under_18, &p.programme.age_18_29);
        goal_line(out, "under 18 housed", u, &target(u));
        goal_line(out, "aged 18-29 housed", a, &target(a));
    }
}

/// The alternatives for proposal 1, with their exact loss.
fn alternatives(out: &mut String, outcome: &Outcome) {
    if outcome.alternatives.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nAlternatives for proposal 1 (exact loss if the placement were forced):"
    );
    for a in &outcome.alternatives {
        let _ = writeln!(
            out,
            "  {:<10} {} -> {:<8} {:<14} {:<12} loses priority {}, fit {}",
            a.person_id,
            a.current_unit_id,
            a.unit_id,
            a.unit_kind,
            a.area,
            a.priority_loss,
            a.fit_loss
        );
    }
}
