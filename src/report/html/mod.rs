//! Self-contained HTML reports: inline CSS and SVG, no scripts, no external
//! requests (a Content-Security-Policy forbids them), printable on A4. Danish
//! by default; every label is a `Label` (an enum), so a missing one does not compile.
//!
//! The markup comes from maud templates, which escape every value; each
//! section of a report is its own small function.

mod allocate;
mod history;
mod plan;
mod simulation;
mod whatif;

pub use allocate::{allocate, Meta};
pub use history::history;
pub use plan::plan;
pub use simulation::simulation;
pub use whatif::whatif;

use super::labels::Label as L;
pub use super::labels::Lang;
use super::svg::{self, GaugeData};
use crate::allocate::explain::Reason;
use crate::allocate::{Goal, Goals, Unplaced};
use crate::rules::eligibility::Exclusion;
use crate::rules::scoring::FitTerm;
use crate::solver::Status;
use maud::{html, Markup, PreEscaped, DOCTYPE};

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
pub(super) fn page(lang: Lang, title: &str, body: Markup) -> String {
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
pub(super) fn table(head: &[&str], rows: &[Vec<String>], numeric: &[usize]) -> Markup {
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
pub(super) fn kv_table(rows: &[(&str, String)]) -> Markup {
    html! {
        table { tbody {
            @for (k, v) in rows { tr { th scope="row" { (k) } td { (v) } } }
        } }
    }
}

/// How a value was reached, in words.
pub(super) fn status_text(lang: Lang, status: &Status) -> String {
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
pub(super) fn gauges(lang: Lang, id: &str, g: &Goals) -> Markup {
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

pub(super) fn reason_label(r: Reason) -> L {
    match r {
        Reason::NoEligibleUnit => L::ReasonNoUnit,
        Reason::NoSupportCapacity => L::ReasonNoSupport,
        Reason::Outcompeted => L::ReasonOutcompeted,
    }
}

pub(super) fn exclusion_label(e: Exclusion) -> L {
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

pub(super) fn term_label(t: FitTerm) -> L {
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
pub(super) fn term_is_health(t: FitTerm) -> bool {
    matches!(t, FitTerm::KindSuits | FitTerm::FirstMethod)
}

/// Why a person was not placed, in words (health-related rules counted as
/// "other rules" with `redact`).
pub(super) fn unplaced_details(lang: Lang, u: &Unplaced, redact: bool) -> String {
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

/// A goal's share as a whole percentage, rounded down.
pub(super) fn pct(g: &Goal) -> String {
    format!("{:.0}%", (g.share() * 100.0 + 1e-9).floor())
}
