//! Self-contained HTML reports: inline CSS and SVG, no scripts, no external
//! requests (a Content-Security-Policy forbids them), printable on A4. Danish
//! by default; every label is a `Label` (an enum), so a missing one does not compile.
//!
//! The markup comes from maud templates, which escape every value; each
//! section of a report is its own small function.

use super::labels::Label as L;
pub use super::labels::Lang;
use super::svg::{self, GaugeData};
use super::words;
use crate::allocate::explain::Reason;
use crate::allocate::{Goal, Goals, Outcome, Proposal, Unplaced};
use crate::rules::eligibility::Exclusion;
use crate::rules::scoring::FitTerm;
use crate::solver::Status;
use crate::whatif::planning::{Plan, PlanResult, Shortfall};
use crate::whatif::scenario::Row;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use std::collections::BTreeMap;

const CSS: &str = r#"
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;margin:24px auto;max-width:1040px;color:#111;line-height:1.4}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:2px solid #0072B2;padding-bottom:2px;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0;font-size:.88em}th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#eef3f8}td.num{text-align:right}tr.diff td{background:#fff3d6}td.changed{background:#ffe0b3;font-weight:bold}
.meta{color:#444}.gauges{display:flex;flex-wrap:wrap;gap:8px}.chart{max-width:100%;height:auto}
.lbl{font-size:12px}.val{font-size:12px;font-weight:bold}.tick{font-size:11px;fill:#333}.unit{font-size:11px;fill:#333;font-style:italic}
.axis{stroke:#333}.grid{stroke:#ddd}.track{fill:#eee}.target{stroke:#000;stroke-width:3}
.ok{color:#00734f;font-weight:bold}.bad{color:#a33b00;font-weight:bold}.note{background:#f4f4f4;padding:6px 10px}
section{page-break-inside:auto}
@page{size:A4;margin:14mm}
@media print{body{max-width:none;margin:0}section{page-break-before:always}section:first-of-type{page-break-before:avoid}h2{page-break-after:avoid}tr{page-break-inside:avoid}}
"#;

/// A whole page around `body`, with the title as heading.
fn page(lang: Lang, title: &str, body: Markup) -> String {
    let doc = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy"
                    content="default-src 'none'; style-src 'unsafe-inline'; img-src data:";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                h1 { (title) }
                (body)
                p.meta { (lang.t(L::Generated)) " " (env!("CARGO_PKG_VERSION")) }
            }
        }
    };
    let mut out = doc.into_string();
    out.push('\n');
    out
}

/// A table with a header row; the columns in `numeric` are right-aligned.
fn table(head: &[&str], rows: &[Vec<String>], numeric: &[usize]) -> Markup {
    html! {
        table {
            thead { tr { @for h in head { th scope="col" { (h) } } } }
            tbody {
                @for row in rows {
                    tr {
                        @for (i, cell) in row.iter().enumerate() {
                            td.num[numeric.contains(&i)] { (cell) }
                        }
                    }
                }
            }
        }
    }
}

/// A two-column table of names and values.
fn kv_table(rows: &[(&str, String)]) -> Markup {
    html! {
        table { tbody {
            @for (k, v) in rows { tr { th scope="row" { (k) } td { (v) } } }
        } }
    }
}

/// How a value was reached, in words.
fn status_text(lang: Lang, status: &Status) -> String {
    match status {
        Status::Optimal => lang.t(L::Optimal).to_string(),
        Status::BestFound { gap } => format!(
            "{}, {} {:.2}%",
            lang.t(L::BestFound),
            lang.t(L::Gap),
            gap * 100.0
        ),
    }
}

/// One gauge per goal of the programme.
fn gauges(lang: Lang, id: &str, g: &Goals) -> Markup {
    let items: [(L, &Goal); 4] = [
        (L::GoalUnder18, &g.under_18),
        (L::Goal18To29, &g.age_18_29),
        (L::GoalSupport, &g.support),
        (L::GoalFemale, &g.female_worker),
    ];
    html! {
        div.gauges {
            @for (i, (label, goal)) in items.iter().enumerate() {
                (svg::gauge(&format!("{id}-gauge-{i}"), &GaugeData {
                    label: lang.t(*label),
                    achieved: goal.achieved,
                    total: goal.total,
                    share: goal.share(),
                    target: goal.target,
                    target_word: lang.t(L::Target),
                    met_text: lang.t(if goal.met() { L::Met } else { L::NotMet }),
                }))
            }
        }
    }
}

fn reason_label(r: Reason) -> L {
    match r {
        Reason::NoEligibleUnit => L::ReasonNoUnit,
        Reason::NoSupportCapacity => L::ReasonNoSupport,
        Reason::Outcompeted => L::ReasonOutcompeted,
    }
}

fn exclusion_label(e: Exclusion) -> L {
    match e {
        Exclusion::Rent => L::ExclRent,
        Exclusion::WomenOnly => L::ExclWomen,
        Exclusion::MenOnly => L::ExclMen,
        Exclusion::TooYoung => L::ExclYoung,
        Exclusion::TooOld => L::ExclOld,
        Exclusion::DrugFree => L::ExclDrugfree,
        Exclusion::NotAvailable => L::ExclLate,
        Exclusion::Declined => L::ExclDeclined,
        Exclusion::TooFar => L::ExclFar,
        Exclusion::Full => L::ExclFull,
        Exclusion::Resident => L::ExclResident,
    }
}

fn term_label(t: FitTerm) -> L {
    match t {
        FitTerm::PreferredArea => L::FitArea,
        FitTerm::KindSuits => L::FitKind,
        FitTerm::RentHeadroom => L::FitRent,
        FitTerm::FemaleWorker => L::FitFemale,
        FitTerm::FirstMethod => L::FitMethod,
        FitTerm::KnownWorker => L::FitKnown,
    }
}

/// Fit terms that reveal health (the kind that suits a need, the method a need calls for).
fn term_is_health(t: FitTerm) -> bool {
    matches!(t, FitTerm::KindSuits | FitTerm::FirstMethod)
}

/// Why a person was not placed, in words (health-related rules counted as
/// "other rules" with `redact`).
fn unplaced_details(lang: Lang, u: &Unplaced, redact: bool) -> String {
    match u.reason {
        Reason::NoEligibleUnit => {
            let mut parts = Vec::new();
            let mut hidden = 0;
            for (e, n) in &u.blocking {
                if redact && e.is_health() {
                    hidden += n;
                } else {
                    parts.push(format!("{}: {n}", lang.t(exclusion_label(*e))));
                }
            }
            if hidden > 0 {
                parts.push(format!("{}: {hidden}", lang.t(L::DetailOther)));
            }
            parts.join("; ")
        }
        Reason::NoSupportCapacity => lang.t(L::DetailNoSupport).to_string(),
        Reason::Outcompeted => {
            let eligible = format!("{} {}", u.eligible_units, lang.t(L::DetailEligible));
            match u.lowest_placed_priority {
                Some(l) => format!(
                    "{eligible}; {}: {l} ({} {})",
                    lang.t(L::DetailLowest),
                    lang.t(L::Priority).to_lowercase(),
                    u.priority
                ),
                None => eligible,
            }
        }
    }
}

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
fn allocation_sections(outcome: &Outcome, meta: &Meta, lang: Lang, redact: bool) -> Markup {
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

fn pct(g: &Goal) -> String {
    format!("{:.0}%", (g.share() * 100.0 + 1e-9).floor())
}

/// The report of `whatif`; `sweep` marks where each goal is first met.
pub fn whatif(rows: &[Row], lang: Lang, sweep: bool) -> String {
    let cats: Vec<String> = rows.iter().map(|r| r.scenario.clone()).collect();
    let bands = [
        (
            lang.t(L::Under18).to_string(),
            rows.iter().map(|r| r.housed_under_18 as f64).collect(),
        ),
        (
            lang.t(L::Age18To24).to_string(),
            rows.iter().map(|r| r.housed_18_24 as f64).collect(),
        ),
        (
            lang.t(L::Age25To29).to_string(),
            rows.iter().map(|r| r.housed_25_29 as f64).collect(),
        ),
    ];
    let body = html! {
        section {
            h2 { (lang.t(L::Comparison)) }
            (comparison_table(rows, lang))
        }
        section {
            h2 { (lang.t(L::HousedByBand)) }
            (svg::grouped("housed-by-band", lang.t(L::HousedByBand), &cats, &bands, lang.t(L::PeopleUnit)))
            @if sweep { (sweep_part(rows, &cats, lang)) }
        }
    };
    page(lang, lang.t(L::TitleWhatif), body)
}

/// One row per scenario: housed by band and gender, goals, rent, shelter cost.
fn comparison_table(rows: &[Row], lang: Lang) -> Markup {
    let base = rows.first();
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.scenario.clone(),
                r.housed.to_string(),
                r.housed_under_18.to_string(),
                r.housed_18_24.to_string(),
                r.housed_25_29.to_string(),
                r.housed_women.to_string(),
                r.housed_men.to_string(),
                pct(&r.goals.under_18),
                pct(&r.goals.age_18_29),
                pct(&r.goals.support),
                pct(&r.goals.female_worker),
                r.monthly_rent_dkk.to_string(),
                r.shelter_cost_avoided_dkk.to_string(),
                format!(
                    "{:+}",
                    base.map_or(0, |b| r.housed as i64 - b.housed as i64)
                ),
            ]
        })
        .collect();
    let head = [
        L::Scenario,
        L::Housed,
        L::Under18,
        L::Age18To24,
        L::Age25To29,
        L::Women,
        L::Men,
        L::GoalUnder18,
        L::Goal18To29,
        L::GoalSupport,
        L::GoalFemale,
        L::RentMonth,
        L::ShelterSaved,
        L::Change,
    ]
    .map(|l| lang.t(l));
    table(&head, &body, &[1, 2, 3, 4, 5, 6, 11, 12, 13])
}

/// A sweep: housed and goal shares over the steps, and where each goal is
/// first met.
fn sweep_part(rows: &[Row], cats: &[String], lang: Lang) -> Markup {
    let share = |f: fn(&Row) -> &Goal| -> Vec<f64> {
        rows.iter()
            .map(|r| (f(r).share() * 100.0).floor())
            .collect()
    };
    let series = [
        (
            lang.t(L::Housed).to_string(),
            rows.iter().map(|r| r.housed as f64).collect::<Vec<_>>(),
        ),
        (
            lang.t(L::GoalUnder18).to_string(),
            share(|r| &r.goals.under_18),
        ),
        (
            lang.t(L::Goal18To29).to_string(),
            share(|r| &r.goals.age_18_29),
        ),
    ];
    // (series in the chart, label, whether a step meets the goal)
    type SweepGoal = (usize, L, fn(&Row) -> bool);
    let goals: [SweepGoal; 2] = [
        (1, L::GoalUnder18, |r| r.goals.under_18.met()),
        (2, L::Goal18To29, |r| r.goals.age_18_29.met()),
    ];
    let mut marks = Vec::new();
    let mut firsts = Vec::new();
    for (series_index, label, met) in goals {
        let at = rows.iter().position(met);
        if let Some(i) = at {
            marks.push((
                i,
                series_index,
                format!("{}: {}", lang.t(L::FirstMet), rows[i].scenario),
            ));
        }
        firsts.push(vec![
            lang.t(label).to_string(),
            at.map_or_else(
                || lang.t(L::NotWithin).to_string(),
                |i| rows[i].scenario.clone(),
            ),
        ]);
    }
    let unit = format!("{} / {}", lang.t(L::PeopleUnit), lang.t(L::Shares));
    html! {
        h2 { (lang.t(L::GoalsOverSweep)) }
        (svg::lines("sweep-curve", lang.t(L::GoalsOverSweep), cats, &series, &unit, &marks))
        (table(&[lang.t(L::Goals), lang.t(L::FirstMet)], &firsts, &[]))
    }
}

/// The report of `plan`.
pub fn plan(p: &Plan, lang: Lang, redact: bool) -> String {
    let body = match &p.result {
        PlanResult::Reached {
            mix,
            total_cost_dkk,
            status,
            outcome,
            round,
        } => {
            let meta = Meta {
                round_date: round.policy.round_date.to_string(),
                inputs: Vec::new(),
            };
            html! {
                (mix_section(p, mix, *total_cost_dkk, status, outcome, lang))
                section { h2 { (lang.t(L::Enabled)) } }
                (allocation_sections(outcome, &meta, lang, redact))
            }
        }
        PlanResult::Unreachable { shortfalls } => unreachable_section(p, shortfalls, lang),
        PlanResult::WithinBudget {
            budget_dkk,
            best,
            next,
        } => {
            let meta = Meta {
                round_date: best.round.policy.round_date.to_string(),
                inputs: Vec::new(),
            };
            html! {
                section {
                    h2 { (lang.t(L::BudgetMix)) }
                    p { strong { (lang.t(L::Budget)) ": " (budget_dkk) " kr." } }
                }
                (mix_section(p, &best.mix, best.total_cost_dkk, &best.status, &best.outcome, lang))
                section {
                    h2 { (lang.t(L::NextStep)) }
                    (table(&[lang.t(L::Measure), lang.t(L::Now), lang.t(L::WithMore)], &next_rows(best, next, lang), &[1, 2]))
                }
                section { h2 { (lang.t(L::Enabled)) } }
                (allocation_sections(&best.outcome, &meta, lang, redact))
            }
        }
    };
    page(lang, lang.t(L::TitlePlan), body)
}

/// The budget's mix against the mix of 100,000 kr more: every template whose
/// count changes, the cost and the goals.
fn next_rows(
    best: &crate::whatif::planning::BudgetMix,
    next: &crate::whatif::planning::BudgetMix,
    lang: Lang,
) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = best
        .mix
        .iter()
        .zip(&next.mix)
        .filter(|(a, b)| a.count != b.count)
        .map(|(a, b)| vec![a.template.clone(), a.count.to_string(), b.count.to_string()])
        .collect();
    for (label, a, b) in [
        (L::TotalCost, best.total_cost_dkk, next.total_cost_dkk),
        (
            L::HousedUnder18,
            best.housed_under_18 as i64,
            next.housed_under_18 as i64,
        ),
        (
            L::Housed18To29,
            best.housed_18_29 as i64,
            next.housed_18_29 as i64,
        ),
        (L::PriorityHoused, best.priority, next.priority),
    ] {
        rows.push(vec![
            lang.t(label).to_string(),
            a.to_string(),
            b.to_string(),
        ]);
    }
    rows
}

/// The cheapest mix, its cost, and the goals before and after.
fn mix_section(
    p: &Plan,
    mix: &[crate::whatif::planning::MixLine],
    total_cost_dkk: i64,
    status: &Status,
    outcome: &Outcome,
    lang: Lang,
) -> Markup {
    let rows: Vec<Vec<String>> = mix
        .iter()
        .map(|m| {
            vec![
                m.template.clone(),
                m.count.to_string(),
                m.cost_each_dkk.to_string(),
                m.cost_dkk.to_string(),
            ]
        })
        .collect();
    let head = [L::Template, L::Count, L::CostEach, L::Cost].map(|l| lang.t(l));
    html! {
        section {
            h2 { (lang.t(L::Mix)) }
            (table(&head, &rows, &[1, 2, 3]))
            p {
                strong { (lang.t(L::TotalCost)) ": " (total_cost_dkk) " kr." }
                " (" (p.months) " " (lang.t(L::Months)) "; " (status_text(lang, status)) ")"
            }
            h2 { (lang.t(L::Goals)) }
            h3 { (lang.t(L::Before)) }
            (gauges(lang, "before", &p.before))
            h3 { (lang.t(L::After)) }
            (gauges(lang, "after", &outcome.proposals[0].programme))
        }
    }
}

/// Why the goals cannot be reached: per goal, the best share achievable.
fn unreachable_section(p: &Plan, shortfalls: &[Shortfall], lang: Lang) -> Markup {
    let rows: Vec<Vec<String>> = shortfalls
        .iter()
        .map(|s| {
            vec![
                s.goal.to_string(),
                format!("{:.0}%", s.target * 100.0),
                format!("{:.1}%", s.best_achievable * 100.0),
            ]
        })
        .collect();
    let head = [L::Goals, L::Target, L::BestAchievable].map(|l| lang.t(l));
    html! {
        section {
            h2 { (lang.t(L::Unreachable)) }
            (table(&head, &rows, &[1, 2]))
            (gauges(lang, "before", &p.before))
        }
    }
}
/// The report of `simulate`: per scenario the chance of meeting each goal
/// at the end; per scenario and goal a fan chart of the goal's share over
/// time (median with a shaded 10–90 % band per strategy, and the goal as a
/// dashed line); the waiting-time distribution per scenario and strategy; for a
/// sweep, the first step that reaches the chosen confidence.
pub fn simulation(
    all: &[(String, crate::simulate::Results)],
    firsts: &[crate::simulate::SweepVerdict],
    lang: Lang,
) -> String {
    use crate::simulate::{percentile, GOALS};
    // Per scenario and goal, one fan per strategy on the same axes.
    let mut charts = Vec::new();
    for (scenario, r) in all {
        let weeks: Vec<String> = r.days.iter().map(|d| d.to_string()).collect();
        for (goal, target, m) in GOALS {
            let bands: Vec<svg::Band> = r
                .strategies
                .iter()
                .enumerate()
                .map(|(si, s)| {
                    let at = |q: f64| -> Vec<f64> {
                        (0..r.days.len())
                            .map(|w| {
                                let mut v: Vec<f64> =
                                    r.runs[si].iter().map(|run| run[w][m] * 100.0).collect();
                                percentile(&mut v, q)
                            })
                            .collect()
                    };
                    svg::Band {
                        name: s.as_str().to_string(),
                        p10: at(0.1),
                        median: at(0.5),
                        p90: at(0.9),
                    }
                })
                .collect();
            let id = format!("sim-{}-{goal}", charts.len());
            let title = format!(
                "{scenario} — {goal} ({} {}%)",
                lang.t(L::Target),
                target * 100.0
            );
            charts.push(html! {
                h3 { (title) }
                (svg::fan(&id, &title, &weeks, &bands, target * 100.0, lang.t(L::Shares)))
            });
        }
    }
    let rows: Vec<Vec<String>> = all.iter().flat_map(|(name, r)| r.goal_rows(name)).collect();
    let head = crate::simulate::GOAL_COLUMNS;
    let first_rows: Vec<Vec<String>> = firsts
        .iter()
        .map(|v| {
            vec![
                v.strategy.as_str().to_string(),
                v.goal.to_string(),
                v.label()
                    .unwrap_or_else(|| lang.t(L::NotWithin).to_string()),
            ]
        })
        .collect();
    // Days from registration to a home, over every run, per scenario.
    let buckets: [(&str, i64); 5] = [
        ("0-30", 30),
        ("31-90", 90),
        ("91-180", 180),
        ("181-365", 365),
        ("366+", i64::MAX),
    ];
    // Per scenario: one series per strategy, the share in each bucket.
    type Series = Vec<(String, Vec<f64>)>;
    let waits: Vec<(String, Series)> = all
        .iter()
        .map(|(scenario, r)| {
            let series = r
                .strategies
                .iter()
                .zip(&r.waits)
                .map(|(s, w)| {
                    let mut counts = vec![0.0; buckets.len()];
                    for d in w {
                        if let Some(i) = buckets.iter().position(|(_, hi)| d <= hi) {
                            counts[i] += 1.0;
                        }
                    }
                    let n = w.len().max(1) as f64;
                    let shares = counts.iter().map(|c| (c * 100.0 / n).round()).collect();
                    (s.as_str().to_string(), shares)
                })
                .collect();
            (scenario.clone(), series)
        })
        .collect();
    let bucket_names: Vec<String> = buckets
        .iter()
        .map(|(n, _)| format!("{n} {}", lang.t(L::Days)))
        .collect();
    let body = html! {
        section {
            h2 { (lang.t(L::ChanceOfGoals)) }
            (table(&head, &rows, &[3, 4, 5, 6]))
        }
        section {
            h2 { (lang.t(L::GoalsOverTime)) }
            @for c in &charts { (c) }
        }
        @if !first_rows.is_empty() {
            section {
                h2 { (lang.t(L::FirstMet)) }
                (table(&["strategy", "goal", "step"], &first_rows, &[]))
            }
        }
        section {
            h2 { (lang.t(L::WaitToHome)) }
            @for (i, (scenario, series)) in waits.iter().enumerate() {
                h3 { (scenario) }
                (svg::grouped(&format!("sim-wait-{i}"), lang.t(L::WaitToHome), &bucket_names, series, lang.t(L::Shares)))
            }
        }
    };
    page(lang, lang.t(L::TitleSimulation), body)
}

/// The report of `history`: the programme week by week.
pub fn history(rows: &[crate::weekly::history::WeekRow], lang: Lang) -> String {
    use crate::model::record::Reason;
    let weeks: Vec<String> = rows.iter().map(|r| r.round_date.to_string()).collect();
    let pct = |(a, b): (usize, usize)| {
        if b == 0 {
            0.0
        } else {
            (a as f64 * 100.0 / b as f64).floor()
        }
    };
    let series = [
        (
            lang.t(L::HousedSoFar).to_string(),
            rows.iter()
                .map(|r| r.housed_so_far as f64)
                .collect::<Vec<_>>(),
        ),
        (
            lang.t(L::GoalUnder18).to_string(),
            rows.iter().map(|r| pct(r.under_18)).collect(),
        ),
        (
            lang.t(L::Goal18To29).to_string(),
            rows.iter().map(|r| pct(r.age_18_29)).collect(),
        ),
    ];
    let total = |f: fn(&crate::weekly::history::WeekRow) -> &BTreeMap<Reason, usize>, r: Reason| {
        rows.iter()
            .map(|w| f(w).get(&r).copied().unwrap_or(0) as f64)
            .sum::<f64>()
    };
    let declines: Vec<Reason> = Reason::DECLINE.to_vec();
    let ends: Vec<Reason> = Reason::END.to_vec();
    let names = |rs: &[Reason]| {
        rs.iter()
            .map(|r| r.as_str().to_string())
            .collect::<Vec<_>>()
    };
    let head: Vec<&str> = crate::weekly::history::COLUMNS.to_vec();
    let body: Vec<Vec<String>> = rows.iter().map(|r| r.cells()).collect();
    let numeric: Vec<usize> = (0..head.len())
        .filter(|&c| c != 1 && c != head.len() - 1)
        .collect();
    let unit = format!("{} / {}", lang.t(L::PeopleUnit), lang.t(L::Shares));
    let body = html! {
        section {
            h2 { (lang.t(L::HousedSoFar)) }
            (svg::lines("history-curve", lang.t(L::HousedSoFar), &weeks, &series, &unit, &[]))
        }
        section {
            h2 { (lang.t(L::DeclinedBy)) }
            (svg::hbars("history-declined", lang.t(L::DeclinedBy), &names(&declines),
                &declines.iter().map(|r| total(|w| &w.declined, *r)).collect::<Vec<_>>(), lang.t(L::Count)))
            h2 { (lang.t(L::EndedBy)) }
            (svg::hbars("history-ended", lang.t(L::EndedBy), &names(&ends),
                &ends.iter().map(|r| total(|w| &w.moved_out, *r)).collect::<Vec<_>>(), lang.t(L::Count)))
        }
        section {
            h2 { (lang.t(L::WeekByWeek)) }
            (table(&head, &body, &numeric))
        }
    };
    page(lang, lang.t(L::TitleHistory), body)
}
