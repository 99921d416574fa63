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

/// Writes rows in columns: each at least its width in `min` and as wide as
/// its longest cell (in characters), so a long kind or area never runs into
/// the next column; the columns in `right` are right-aligned. Cells are
/// separated by one space.
pub fn columns(out: &mut String, rows: &[Vec<String>], min: &[usize], right: &[usize]) {
    let mut widths = min.to_vec();
    for r in rows {
        for (c, cell) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            if c > 0 {
                line.push(' ');
            }
            let w = widths.get(c).copied().unwrap_or(0);
            let pad = " ".repeat(w.saturating_sub(cell.chars().count()));
            if right.contains(&c) {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&pad);
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

fn placements(out: &mut String, p: &Proposal) {
    let mut rows: Vec<_> = p.placements.iter().collect();
    rows.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then(a.person_id.cmp(&b.person_id))
    });
    let head = [
        "person", "unit", "kind", "area", "staff", "method", "priority", "fit",
    ];
    let mut table = vec![head.map(str::to_string).to_vec()];
    table.extend(rows.iter().map(|r| {
        vec![
            r.person_id.clone(),
            r.unit_id.clone(),
            r.unit_kind.to_string(),
            r.area.clone(),
            r.staff_id.clone(),
            r.method.to_string(),
            r.priority.to_string(),
            r.fit.to_string(),
        ]
    }));
    columns(out, &table, &[10, 8, 14, 12, 12, 6, 8, 4], &[6, 7]);
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
    let rows: Vec<Vec<String>> = outcome
        .alternatives
        .iter()
        .map(|a| {
            vec![
                format!("  {}", a.person_id),
                format!("{} ->", a.current_unit_id),
                a.unit_id.clone(),
                a.unit_kind.to_string(),
                a.area.clone(),
                format!("loses priority {}, fit {}", a.priority_loss, a.fit_loss),
            ]
        })
        .collect();
    columns(out, &rows, &[12, 0, 8, 14, 12, 0], &[]);
}

#[cfg(test)]
mod tests {
    use super::columns;

    /// A kind or area longer than its column widens the column: every
    /// column starts at the same character on every line.
    #[test]
    fn long_cells_widen_their_column_and_keep_the_rest_aligned() {
        let rows: Vec<Vec<String>> = [
            ["person", "kind", "area", "fit"],
            ["P1", "youth_housing_with_a_very_long_id", "Centrum", "7"],
            ["P22", "ordinary", "Skovlunde Nord og Syd", "11"],
        ]
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
        let mut out = String::new();
        columns(&mut out, &rows, &[6, 14, 12, 4], &[3]);
        let lines: Vec<&str> = out.lines().collect();
        let starts = |needle: &str, line: &str| line.find(needle).unwrap();
        assert_eq!(starts("area", lines[0]), starts("Centrum", lines[1]));
        assert_eq!(starts("Centrum", lines[1]), starts("Skovlunde", lines[2]));
        assert!(lines
            .iter()
            .all(|l| l.chars().count() == lines[0].chars().count()));
        assert!(lines[1].contains("youth_housing_with_a_very_long_id Centrum"));
    }
}
