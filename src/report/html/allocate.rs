//! The report of `allocate`: the goals at a glance, the comparison with the
//! priority list, each proposal's placements with their reasons, who is not
//! placed and why, and how homes and support slots are used.

use super::{
    exclusion_label, gauges, kv_table, page, reason_label, status_text, table, term_is_health,
    term_label, unplaced_details, Lang,
};

use crate::allocate::explain::Reason;
use crate::allocate::{Outcome, Proposal, Unplaced};
use crate::report::labels::Label as L;
use crate::report::svg;
use crate::report::words;
use crate::rules::eligibility::Exclusion;
use maud::{html, Markup};
use std::collections::BTreeMap;

/// What the allocation report needs besides the outcome.
#[derive(Debug, Clone)]
pub struct Meta {
    /// The round date, as shown in the title.
    pub round_date: String,
    /// Input files as given.
    pub inputs: Vec<String>,
}

/// The report of `allocate`.
pub fn allocate(outcome: &Outcome, meta: &Meta, lang: Lang, redact: bool) -> String {
    let title = format!("{} {}", lang.t(L::TitleAllocate), meta.round_date);
    page(
        lang,
        &title,
        allocation_sections(outcome, meta, lang, redact),
    )
}

/// Every section of the allocation report (also embedded in the plan report).
pub(super) fn allocation_sections(
    outcome: &Outcome,
    meta: &Meta,
    lang: Lang,
    redact: bool,
) -> Markup {
    let best = &outcome.proposals[0];
    html! {
        (glance_section(outcome, meta, lang, redact))
        section {
            h2 { (lang.t(L::Goals)) }
            (gauges(lang, "alloc", &best.goals))
            @if best.programme != best.goals {
                h3 { (lang.t(L::ProgrammeSoFar)) }
                (gauges(lang, "programme", &best.programme))
            }
            (versus_list(outcome, lang))
        }
        (proposals_section(outcome, lang, redact))
        (unplaced_section(best, lang, redact))
        (use_section(outcome, lang))
    }
}

/// The round at a glance: sizes, status, the inputs.
fn glance_section(outcome: &Outcome, meta: &Meta, lang: Lang, redact: bool) -> Markup {
    let best = &outcome.proposals[0];
    let rows = [
        (lang.t(L::Round), meta.round_date.clone()),
        (lang.t(L::People), outcome.people.to_string()),
        (
            lang.t(L::Units),
            format!(
                "{} ({} {})",
                outcome.units,
                outcome.places,
                lang.t(L::Places).to_lowercase()
            ),
        ),
        (lang.t(L::SupportSlots), outcome.support_slots.to_string()),
        (lang.t(L::Status), status_text(lang, &best.level1.status)),
    ];
    html! {
        section {
            h2 { (lang.t(L::AtAGlance)) }
            (kv_table(&rows))
            @if !meta.inputs.is_empty() { p.meta { (meta.inputs.join(" · ")) } }
            @if redact { p.note { (lang.t(L::Redacted)) } }
        }
    }
}

/// The optimiser against the plain priority list: a chart and a table.
fn versus_list(outcome: &Outcome, lang: Lang) -> Markup {
    let best = &outcome.proposals[0];
    let base = &outcome.baseline;
    let series = [
        (
            lang.t(L::Optimiser).to_string(),
            vec![best.placements.len() as f64],
        ),
        (
            lang.t(L::PriorityList).to_string(),
            vec![base.housed as f64],
        ),
    ];
    let rows = [
        vec![
            lang.t(L::Optimiser).into(),
            best.placements.len().to_string(),
            best.level1.value.to_string(),
            best.level2.value.to_string(),
        ],
        vec![
            lang.t(L::PriorityList).into(),
            base.housed.to_string(),
            base.priority_score.to_string(),
            base.fit.to_string(),
        ],
    ];
    let head = [
        "",
        lang.t(L::Housed),
        lang.t(L::PriorityScore),
        lang.t(L::FitScore),
    ];
    html! {
        h2 { (lang.t(L::VsList)) }
        (svg::grouped("vs-list", lang.t(L::VsList), &[lang.t(L::Housed).to_string()], &series, lang.t(L::PeopleUnit)))
        (table(&head, &rows, &[1, 2, 3]))
    }
}

/// Every ranked proposal: its values, how it differs, its placements.
fn proposals_section(outcome: &Outcome, lang: Lang, redact: bool) -> Markup {
    let base_units: BTreeMap<&str, &str> = outcome.proposals[0]
        .placements
        .iter()
        .map(|p| (p.person_id.as_str(), p.unit_id.as_str()))
        .collect();
    html! {
        section {
            h2 { (lang.t(L::Proposals)) }
            @if let Some(n) = &outcome.note {
                p.note { (lang.t(L::Note)) ": " (words::fewer(n, lang)) }
            }
            @for p in &outcome.proposals {
                (proposal(p, &base_units, &outcome.kinds, lang, redact))
            }
        }
    }
}

/// One proposal; placements that differ from proposal 1 are highlighted.
fn proposal(
    p: &Proposal,
    base_units: &BTreeMap<&str, &str>,
    kinds: &crate::model::kinds::Kinds,
    lang: Lang,
    redact: bool,
) -> Markup {
    let heading = format!(
        "{} {} — {} {}, {} {} ({})",
        lang.t(L::Proposal),
        p.rank,
        lang.t(L::PriorityScore),
        p.level1.value,
        lang.t(L::FitScore),
        p.level2.value,
        status_text(lang, &p.level1.status)
    );
    let differs = if p.changes.is_empty() {
        lang.t(L::SameHomes).to_string()
    } else {
        let changes: Vec<String> = p.changes.iter().map(|c| words::change(c, lang)).collect();
        changes.join("; ")
    };
    let mut rows: Vec<_> = p.placements.iter().collect();
    rows.sort_by(|a, c| {
        c.priority
            .cmp(&a.priority)
            .then(a.person_id.cmp(&c.person_id))
    });
    let head = [
        L::Person,
        L::Unit,
        L::Kind,
        L::Area,
        L::Staff,
        L::Method,
        L::Priority,
        L::Reasons,
    ];
    html! {
        h3 { (heading) }
        @if p.rank > 1 { p { strong { (lang.t(L::Differs)) ":" } " " (differs) } }
        @if let Some(st) = &p.stability { p.stability { (words::stability(st, lang)) } }
        table {
            thead { tr { @for h in head { th scope="col" { (lang.t(h)) } } } }
            tbody {
                @for pl in rows {
                    @let changed = p.rank > 1
                        && base_units.get(pl.person_id.as_str()) != Some(&pl.unit_id.as_str());
                    @let reasons: Vec<&str> = pl.terms.iter()
                        .filter(|t| !(redact && term_is_health(**t)))
                        .map(|t| lang.t(term_label(*t)))
                        .chain(pl.known_worker_not_kept.then(|| lang.t(L::KnownNotKept)))
                        .collect();
                    tr.diff[changed] {
                        td { (pl.person_id) }
                        td.changed[changed] { (pl.unit_id) }
                        td { (kinds.label(&pl.unit_kind, lang == Lang::Da)) }
                        td { (pl.area) }
                        td { (pl.staff_id) }
                        td { (pl.method.as_str()) }
                        td.num { (pl.priority) }
                        td { (reasons.join("; ")) }
                    }
                }
            }
        }
    }
}

/// Who is not placed and why, with the rules that close most units.
fn unplaced_section(best: &Proposal, lang: Lang, redact: bool) -> Markup {
    let mut un: Vec<&Unplaced> = best.unplaced.iter().collect();
    un.sort_by(|a, c| {
        c.priority
            .cmp(&a.priority)
            .then(a.person_id.cmp(&c.person_id))
    });
    let rows: Vec<Vec<String>> = un
        .iter()
        .map(|u| {
            vec![
                u.person_id.clone(),
                u.priority.to_string(),
                lang.t(reason_label(u.reason)).to_string(),
                unplaced_details(lang, u, redact),
            ]
        })
        .collect();
    let head = [
        lang.t(L::Person),
        lang.t(L::Priority),
        lang.t(L::Reason),
        lang.t(L::Details),
    ];
    let mut blocks: BTreeMap<Exclusion, usize> = BTreeMap::new();
    let mut reasons: BTreeMap<Reason, usize> = BTreeMap::new();
    for u in &best.unplaced {
        *reasons.entry(u.reason).or_default() += 1;
        for (e, n) in &u.blocking {
            if !(redact && e.is_health()) {
                *blocks.entry(*e).or_default() += n;
            }
        }
    }
    let reason_names: Vec<String> = reasons
        .keys()
        .map(|r| lang.t(reason_label(*r)).to_string())
        .collect();
    let block_names: Vec<String> = blocks
        .keys()
        .map(|e| lang.t(exclusion_label(*e)).to_string())
        .collect();
    html! {
        section {
            h2 { (lang.t(L::Unplaced)) " (" (best.unplaced.len()) ")" }
            (table(&head, &rows, &[1]))
            (svg::hbars("unplaced-reasons", lang.t(L::Reason), &reason_names, &counts(&reasons), lang.t(L::PeopleUnit)))
            h3 { (lang.t(L::Blocking)) }
            (svg::hbars("blocking-rules", lang.t(L::Blocking), &block_names, &counts(&blocks), lang.t(L::UnitsClosed)))
        }
    }
}

/// The counts of a tally, in key order, for a chart.
fn counts<K>(tally: &BTreeMap<K, usize>) -> Vec<f64> {
    tally.values().map(|n| *n as f64).collect()
}

/// Places by kind and support slots by method: used against available.
fn use_section(outcome: &Outcome, lang: Lang) -> Markup {
    let best = &outcome.proposals[0];
    html! {
        section {
            h2 { (lang.t(L::UseByKind)) }
            (used_vs_available(lang, "use-kind", L::UseByKind, &outcome.places_by_kind,
                |k| best.placements.iter().filter(|p| p.unit_kind == *k).count(),
                |k| outcome.kinds.label(k, lang == Lang::Da).to_string(), L::Places))
            h2 { (lang.t(L::UseByMethod)) }
            (used_vs_available(lang, "use-method", L::UseByMethod, &outcome.slots_by_method,
                |m| best.placements.iter().filter(|p| p.method == *m).count(),
                |m| m.as_str().to_string(), L::SupportSlots))
        }
    }
}

/// Grouped bars of what was used against what was available, per category.
fn used_vs_available<K>(
    lang: Lang,
    id: &str,
    title: L,
    available: &[(K, u32)],
    used: impl Fn(&K) -> usize,
    label: impl Fn(&K) -> String,
    unit: L,
) -> Markup {
    let names: Vec<String> = available.iter().map(|(k, _)| label(k)).collect();
    let series = [
        (
            lang.t(L::Used).to_string(),
            available.iter().map(|(k, _)| used(k) as f64).collect(),
        ),
        (
            lang.t(L::Available).to_string(),
            available.iter().map(|(_, n)| f64::from(*n)).collect(),
        ),
    ];
    svg::grouped(id, lang.t(title), &names, &series, lang.t(unit))
}
