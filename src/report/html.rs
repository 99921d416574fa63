//! Self-contained HTML reports: inline CSS and SVG, no scripts, no external
//! requests (a Content-Security-Policy forbids them), printable on A4. Danish by
//! default; every label comes from [`TEXTS`].

use super::svg::{self, esc};
use crate::allocation::{Goal, Goals, Outcome, Proposal, Unplaced};
use crate::eligibility::Exclusion;
use crate::explain::Reason;
use crate::planning::{Plan, PlanResult};
use crate::scenario::Row;
use crate::scoring::FitTerm;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Danish (default).
    #[default]
    Da,
    /// English.
    En,
}

/// The translation table: key, Danish, English.
pub const TEXTS: &[(&str, &str, &str)] = &[
    (
        "title_allocate",
        "Boliganvisning: forslag til fordeling",
        "Housing allocation: proposals",
    ),
    (
        "title_whatif",
        "Hvad nu hvis: scenarier",
        "What if: scenarios",
    ),
    (
        "title_plan",
        "Kapacitetsplan: billigste udbygning",
        "Capacity plan: cheapest expansion",
    ),
    ("round", "Runde", "Round"),
    ("at_a_glance", "Runden kort", "The round at a glance"),
    ("people", "Unge", "Young people"),
    ("units", "Boliger", "Units"),
    ("places", "Pladser", "Places"),
    (
        "support_slots",
        "Ledige bostøttepladser",
        "Free support slots",
    ),
    ("status", "Status", "Status"),
    ("optimal", "optimal (bevist)", "optimal (proven)"),
    ("best_found", "bedste fundne", "best found"),
    ("gap", "gab", "gap"),
    ("goals", "Programmets mål", "The programme's goals"),
    ("goal_under_18", "Under 18 år i bolig", "Under 18 housed"),
    ("goal_18_29", "18–29 år i bolig", "Aged 18–29 housed"),
    (
        "goal_support",
        "Boligplacerede med bostøtte",
        "Housed with support",
    ),
    (
        "goal_female",
        "Kvindelig medarbejder, hvor ønsket",
        "Female worker where asked",
    ),
    ("target", "mål", "target"),
    ("met", "nået", "met"),
    ("not_met", "ikke nået", "not met"),
    (
        "vs_list",
        "Optimering mod prioriteret liste",
        "Optimiser vs priority list",
    ),
    ("optimiser", "Optimering", "Optimiser"),
    ("priority_list", "Prioriteret liste", "Priority list"),
    ("housed", "I bolig", "Housed"),
    ("priority_score", "Prioritetssum", "Priority score"),
    ("fit_score", "Match", "Fit"),
    ("people_unit", "personer", "people"),
    ("proposals", "Rangerede forslag", "Ranked proposals"),
    ("proposal", "Forslag", "Proposal"),
    (
        "differs",
        "Forskel fra forslag 1",
        "Differs from proposal 1",
    ),
    (
        "same_homes",
        "kun forskel i bostøttemedarbejdere",
        "only in support workers",
    ),
    ("person", "Person", "Person"),
    ("unit", "Bolig", "Unit"),
    ("kind", "Type", "Kind"),
    ("area", "Område", "Area"),
    ("staff", "Medarbejder", "Worker"),
    ("method", "Metode", "Method"),
    ("priority", "Prioritet", "Priority"),
    ("reasons", "Hvorfor det passer", "Why it fits"),
    ("unplaced", "Ikke placeret", "Not placed"),
    ("reason", "Årsag", "Reason"),
    ("details", "Detaljer", "Details"),
    (
        "blocking",
        "Hvilke regler lukker flest boliger (for dem uden egnet bolig)",
        "Which rules close most units (for those with no eligible unit)",
    ),
    ("units_closed", "boliger lukket", "units closed"),
    (
        "use_by_kind",
        "Brug af pladser efter boligtype",
        "Use of places by kind",
    ),
    (
        "use_by_method",
        "Brug af bostøtte efter metode",
        "Use of support by method",
    ),
    ("used", "Brugt", "Used"),
    ("available", "Til rådighed", "Available"),
    ("count", "antal", "count"),
    ("r_no_unit", "ingen egnet bolig", "no eligible unit"),
    (
        "r_no_support",
        "ingen ledig bostøtte",
        "no support capacity",
    ),
    (
        "r_outcompeted",
        "andre med højere prioritet gik forud",
        "outcompeted",
    ),
    (
        "d_no_support",
        "ingen medarbejder med ledig kapacitet tilbyder de metoder, personens behov tillader",
        "no worker with free capacity offers the methods this person's need allows",
    ),
    (
        "d_eligible",
        "egnede boliger gik til andre",
        "eligible units went to others",
    ),
    (
        "d_lowest",
        "laveste prioritet placeret i en af dem",
        "lowest priority placed in one of them",
    ),
    ("d_other", "andre regler", "other rules"),
    (
        "x_rent",
        "husleje over det betalbare",
        "rent above affordable",
    ),
    ("x_women", "kun kvinder", "women only"),
    ("x_men", "kun mænd", "men only"),
    ("x_young", "under minimumsalder", "below minimum age"),
    ("x_old", "over maksimumsalder", "above maximum age"),
    ("x_drugfree", "stoffri bolig", "drug-free"),
    ("x_late", "ikke ledig i tide", "not available in time"),
    ("x_declined", "afslået", "declined"),
    (
        "x_far",
        "for langt fra hjemområdet",
        "too far from home area",
    ),
    ("f_area", "ønsket område", "preferred area"),
    ("f_kind", "boligtypen passer", "kind of home suits"),
    ("f_rent", "husleje giver luft", "rent leaves room"),
    (
        "f_female",
        "kvindelig medarbejder som ønsket",
        "female worker as asked",
    ),
    ("f_method", "førstevalg af metode", "first-choice method"),
    (
        "redacted",
        "Helbredsoplysninger er udeladt (--redact).",
        "Health-related reasons are left out (--redact).",
    ),
    ("note", "Bemærk", "Note"),
    ("comparison", "Sammenligning", "Comparison"),
    ("scenario", "Scenarie", "Scenario"),
    (
        "housed_by_band",
        "I bolig efter aldersgruppe",
        "Housed by age band",
    ),
    ("under_18", "under 18", "under 18"),
    ("a18_24", "18–24", "18–24"),
    ("a25_29", "25–29", "25–29"),
    ("women", "kvinder", "women"),
    ("men", "mænd", "men"),
    (
        "rent_month",
        "Husleje i alt pr. md. (kr.)",
        "Total rent per month (kr)",
    ),
    (
        "shelter_saved",
        "Sparet herberg pr. år (kr.)",
        "Shelter cost avoided per year (kr)",
    ),
    ("change", "Ændring i bolig", "Change in housed"),
    ("first_met", "først nået", "first met"),
    (
        "not_within",
        "ikke inden for forløbet",
        "not within the sweep",
    ),
    ("mix", "Billigste sammensætning", "Cheapest mix"),
    ("template", "Skabelon", "Template"),
    ("cost_each", "Pris pr. stk. (kr.)", "Cost each (kr)"),
    ("cost", "Pris (kr.)", "Cost (kr)"),
    ("total_cost", "Samlet pris", "Total cost"),
    (
        "months",
        "måneder inkl. engangsudgifter",
        "months incl. one-off costs",
    ),
    ("before", "Før", "Before"),
    ("after", "Efter", "After"),
    (
        "unreachable",
        "Målene kan ikke nås med disse skabeloner",
        "The goals cannot be reached with these templates",
    ),
    ("best_achievable", "bedst opnåelige", "best achievable"),
    (
        "enabled",
        "Fordelingen som udbygningen giver",
        "The allocation it enables",
    ),
    ("generated", "Lavet af boligmatch", "Made by boligmatch"),
    ("shares", "andel (%)", "share (%)"),
    (
        "chg_takes",
        "{id} får {to} i stedet for {from}",
        "{id} takes {to} instead of {from}",
    ),
    (
        "chg_housed",
        "{id} får bolig ({to})",
        "{id} is housed ({to})",
    ),
    (
        "chg_not_housed",
        "{id} får ikke bolig (havde {from})",
        "{id} is not housed (was {from})",
    ),
    (
        "goals_over_sweep",
        "Mål og boligplacerede gennem forløbet",
        "Goals and housed over the sweep",
    ),
];

impl Lang {
    /// The label for `key` (the key itself if missing, so tests notice).
    pub fn t(self, key: &str) -> &'static str {
        match TEXTS.iter().find(|(k, _, _)| *k == key) {
            Some((_, da, en)) => match self {
                Lang::Da => da,
                Lang::En => en,
            },
            None => "??",
        }
    }

    fn code(self) -> &'static str {
        match self {
            Lang::Da => "da",
            Lang::En => "en",
        }
    }
}

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

fn page(lang: Lang, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{}</style></head>\
<body><h1>{}</h1>{}<p class=\"meta\">{} {}</p></body></html>\n",
        lang.code(),
        esc(title),
        CSS,
        esc(title),
        body,
        lang.t("generated"),
        env!("CARGO_PKG_VERSION")
    )
}

fn table(head: &[&str], rows: &[Vec<String>], numeric: &[usize]) -> String {
    let mut o = String::from("<table><thead><tr>");
    for h in head {
        let _ = write!(o, "<th scope=\"col\">{}</th>", esc(h));
    }
    o.push_str("</tr></thead><tbody>");
    for r in rows {
        o.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let class = if numeric.contains(&i) {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(o, "<td{class}>{}</td>", esc(c));
        }
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table>");
    o
}

fn status_text(lang: Lang, p: &Proposal) -> String {
    let s = |st: &crate::solver::Status| match st {
        crate::solver::Status::Optimal => lang.t("optimal").to_string(),
        crate::solver::Status::BestFound { gap } => format!(
            "{}, {} {:.2}%",
            lang.t("best_found"),
            lang.t("gap"),
            gap * 100.0
        ),
    };
    s(&p.level1.status)
}

fn gauges(lang: Lang, id: &str, g: &Goals) -> String {
    let items: [(&str, &Goal); 4] = [
        ("goal_under_18", &g.under_18),
        ("goal_18_29", &g.age_18_29),
        ("goal_support", &g.support),
        ("goal_female", &g.female_worker),
    ];
    let mut o = String::from("<div class=\"gauges\">");
    for (i, (key, goal)) in items.iter().enumerate() {
        let met = if goal.met() {
            lang.t("met")
        } else {
            lang.t("not_met")
        };
        o.push_str(&svg::gauge(
            &format!("{id}-gauge-{i}"),
            lang.t(key),
            goal.achieved,
            goal.total,
            goal.share(),
            goal.target,
            lang.t("target"),
            met,
        ));
    }
    o.push_str("</div>");
    o
}

fn reason_label(lang: Lang, r: Reason) -> &'static str {
    match r {
        Reason::NoEligibleUnit => lang.t("r_no_unit"),
        Reason::NoSupportCapacity => lang.t("r_no_support"),
        Reason::Outcompeted => lang.t("r_outcompeted"),
    }
}

fn exclusion_label(lang: Lang, e: Exclusion) -> &'static str {
    lang.t(match e {
        Exclusion::Rent => "x_rent",
        Exclusion::WomenOnly => "x_women",
        Exclusion::MenOnly => "x_men",
        Exclusion::TooYoung => "x_young",
        Exclusion::TooOld => "x_old",
        Exclusion::DrugFree => "x_drugfree",
        Exclusion::NotAvailable => "x_late",
        Exclusion::Declined => "x_declined",
        Exclusion::TooFar => "x_far",
    })
}

fn term_label(lang: Lang, t: FitTerm) -> &'static str {
    lang.t(match t {
        FitTerm::PreferredArea => "f_area",
        FitTerm::KindSuits => "f_kind",
        FitTerm::RentHeadroom => "f_rent",
        FitTerm::FemaleWorker => "f_female",
        FitTerm::FirstMethod => "f_method",
    })
}

/// Fit terms that reveal health (the kind that suits a need, the method a need calls for).
fn term_is_health(t: FitTerm) -> bool {
    matches!(t, FitTerm::KindSuits | FitTerm::FirstMethod)
}

fn unplaced_details(lang: Lang, u: &Unplaced, redact: bool) -> String {
    match u.reason {
        Reason::NoEligibleUnit => {
            let mut parts = Vec::new();
            let mut hidden = 0;
            for (e, n) in &u.blocking {
                if redact && e.is_health() {
                    hidden += n;
                } else {
                    parts.push(format!("{}: {n}", exclusion_label(lang, *e)));
                }
            }
            if hidden > 0 {
                parts.push(format!("{}: {hidden}", lang.t("d_other")));
            }
            parts.join("; ")
        }
        Reason::NoSupportCapacity => lang.t("d_no_support").to_string(),
        Reason::Outcompeted => {
            let mut s = format!("{} {}", u.eligible_units, lang.t("d_eligible"));
            if let Some(l) = u.lowest_placed_priority {
                let _ = write!(
                    s,
                    "; {}: {l} ({} {})",
                    lang.t("d_lowest"),
                    lang.t("priority").to_lowercase(),
                    u.priority
                );
            }
            s
        }
    }
}

fn change_text(lang: Lang, c: &crate::allocation::Change) -> String {
    let key = match (&c.from, &c.to) {
        (Some(_), Some(_)) => "chg_takes",
        (None, Some(_)) => "chg_housed",
        _ => "chg_not_housed",
    };
    lang.t(key)
        .replace("{id}", &c.person_id)
        .replace("{from}", c.from.as_deref().unwrap_or(""))
        .replace("{to}", c.to.as_deref().unwrap_or(""))
}

fn kv_table(rows: &[(String, String)]) -> String {
    let mut o = String::from("<table><tbody>");
    for (k, v) in rows {
        let _ = write!(
            o,
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            esc(k),
            esc(v)
        );
    }
    o.push_str("</tbody></table>");
    o
}

/// What the allocation report needs besides the outcome.
#[derive(Debug, Clone)]
pub struct Meta {
    /// Round date.
    pub round_date: String,
    /// Input files as given.
    pub inputs: Vec<String>,
}

/// The report of `allocate`.
pub fn allocate(outcome: &Outcome, meta: &Meta, lang: Lang, redact: bool) -> String {
    let mut b = String::new();
    let best = &outcome.proposals[0];
    // The round at a glance
    let _ = write!(b, "<section><h2>{}</h2>", lang.t("at_a_glance"));
    let rows = vec![
        (lang.t("round").to_string(), meta.round_date.clone()),
        (lang.t("people").to_string(), outcome.people.to_string()),
        (
            lang.t("units").to_string(),
            format!(
                "{} ({} {})",
                outcome.units,
                outcome.places,
                lang.t("places").to_lowercase()
            ),
        ),
        (
            lang.t("support_slots").to_string(),
            outcome.support_slots.to_string(),
        ),
        (lang.t("status").to_string(), status_text(lang, best)),
    ];
    b.push_str(&kv_table(&rows));
    if !meta.inputs.is_empty() {
        let _ = write!(b, "<p class=\"meta\">{}</p>", esc(&meta.inputs.join(" · ")));
    }
    if redact {
        let _ = write!(b, "<p class=\"note\">{}</p>", lang.t("redacted"));
    }
    b.push_str("</section>");
    // Goals
    let _ = write!(b, "<section><h2>{}</h2>", lang.t("goals"));
    b.push_str(&gauges(lang, "alloc", &best.goals));
    // Optimiser vs priority list
    let _ = write!(b, "<h2>{}</h2>", lang.t("vs_list"));
    b.push_str(&svg::grouped(
        "vs-list",
        lang.t("vs_list"),
        &[lang.t("housed").to_string()],
        &[
            (
                lang.t("optimiser").to_string(),
                vec![best.placements.len() as f64],
            ),
            (
                lang.t("priority_list").to_string(),
                vec![outcome.baseline.housed as f64],
            ),
        ],
        lang.t("people_unit"),
    ));
    b.push_str(&table(
        &[
            "",
            lang.t("housed"),
            lang.t("priority_score"),
            lang.t("fit_score"),
        ],
        &[
            vec![
                lang.t("optimiser").into(),
                best.placements.len().to_string(),
                best.level1.value.to_string(),
                best.level2.value.to_string(),
            ],
            vec![
                lang.t("priority_list").into(),
                outcome.baseline.housed.to_string(),
                outcome.baseline.priority_score.to_string(),
                outcome.baseline.fit.to_string(),
            ],
        ],
        &[1, 2, 3],
    ));
    b.push_str("</section>");
    // Proposals
    let _ = write!(b, "<section><h2>{}</h2>", lang.t("proposals"));
    if let Some(n) = &outcome.note {
        let n = super::words::fewer(n, lang);
        let _ = write!(b, "<p class=\"note\">{}: {}</p>", lang.t("note"), esc(&n));
    }
    let base_units: BTreeMap<&str, &str> = best
        .placements
        .iter()
        .map(|p| (p.person_id.as_str(), p.unit_id.as_str()))
        .collect();
    for p in &outcome.proposals {
        let _ = write!(
            b,
            "<h3>{} {} — {} {}, {} {} ({})</h3>",
            lang.t("proposal"),
            p.rank,
            lang.t("priority_score"),
            p.level1.value,
            lang.t("fit_score"),
            p.level2.value,
            esc(&status_text(lang, p))
        );
        if p.rank > 1 {
            let d = if p.changes.is_empty() {
                lang.t("same_homes").to_string()
            } else {
                p.changes
                    .iter()
                    .map(|c| change_text(lang, c))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let _ = write!(
                b,
                "<p><strong>{}:</strong> {}</p>",
                lang.t("differs"),
                esc(&d)
            );
        }
        let _ = write!(
            b,
            "<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            lang.t("person"), lang.t("unit"), lang.t("kind"), lang.t("area"), lang.t("staff"), lang.t("method"), lang.t("priority"), lang.t("reasons")
        );
        let mut rows: Vec<_> = p.placements.iter().collect();
        rows.sort_by(|a, c| {
            c.priority
                .cmp(&a.priority)
                .then(a.person_id.cmp(&c.person_id))
        });
        for pl in rows {
            let changed =
                p.rank > 1 && base_units.get(pl.person_id.as_str()) != Some(&pl.unit_id.as_str());
            let reasons: Vec<&str> = pl
                .terms
                .iter()
                .filter(|t| !(redact && term_is_health(**t)))
                .map(|t| term_label(lang, *t))
                .collect();
            let _ = write!(
                b,
                "<tr{}><td>{}</td><td{}>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                if changed { " class=\"diff\"" } else { "" },
                esc(&pl.person_id),
                if changed { " class=\"changed\"" } else { "" },
                esc(&pl.unit_id),
                pl.unit_kind.as_str(),
                esc(&pl.area),
                esc(&pl.staff_id),
                pl.method.as_str(),
                pl.priority,
                esc(&reasons.join("; "))
            );
        }
        b.push_str("</tbody></table>");
    }
    b.push_str("</section>");
    // Unplaced
    let _ = write!(
        b,
        "<section><h2>{} ({})</h2>",
        lang.t("unplaced"),
        best.unplaced.len()
    );
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
                reason_label(lang, u.reason).to_string(),
                unplaced_details(lang, u, redact),
            ]
        })
        .collect();
    b.push_str(&table(
        &[
            lang.t("person"),
            lang.t("priority"),
            lang.t("reason"),
            lang.t("details"),
        ],
        &rows,
        &[1],
    ));
    let mut blocks: BTreeMap<Exclusion, usize> = BTreeMap::new();
    for u in &best.unplaced {
        for (e, n) in &u.blocking {
            if !(redact && e.is_health()) {
                *blocks.entry(*e).or_default() += n;
            }
        }
    }
    let mut reasons: BTreeMap<Reason, usize> = BTreeMap::new();
    for u in &best.unplaced {
        *reasons.entry(u.reason).or_default() += 1;
    }
    b.push_str(&svg::hbars(
        "unplaced-reasons",
        lang.t("reason"),
        &reasons
            .keys()
            .map(|r| reason_label(lang, *r).to_string())
            .collect::<Vec<_>>(),
        &reasons.values().map(|n| *n as f64).collect::<Vec<_>>(),
        lang.t("people_unit"),
    ));
    let _ = write!(b, "<h3>{}</h3>", lang.t("blocking"));
    b.push_str(&svg::hbars(
        "blocking-rules",
        lang.t("blocking"),
        &blocks
            .keys()
            .map(|e| exclusion_label(lang, *e).to_string())
            .collect::<Vec<_>>(),
        &blocks.values().map(|n| *n as f64).collect::<Vec<_>>(),
        lang.t("units_closed"),
    ));
    b.push_str("</section>");
    // Use of units and staff
    let _ = write!(b, "<section><h2>{}</h2>", lang.t("use_by_kind"));
    b.push_str(&used_vs_available(
        lang,
        "use-kind",
        lang.t("use_by_kind"),
        &outcome.places_by_kind,
        |k| best.placements.iter().filter(|p| p.unit_kind == k).count(),
        |k| k.as_str().to_string(),
        lang.t("places"),
    ));
    let _ = write!(b, "<h2>{}</h2>", lang.t("use_by_method"));
    b.push_str(&used_vs_available(
        lang,
        "use-method",
        lang.t("use_by_method"),
        &outcome.slots_by_method,
        |m| best.placements.iter().filter(|p| p.method == m).count(),
        |m| m.as_str().to_string(),
        lang.t("support_slots"),
    ));
    b.push_str("</section>");
    page(
        lang,
        &format!("{} {}", lang.t("title_allocate"), meta.round_date),
        &b,
    )
}

/// Grouped bars of what was used against what was available, per category.
fn used_vs_available<K: Copy>(
    lang: Lang,
    id: &str,
    title: &str,
    available: &[(K, u32)],
    used: impl Fn(K) -> usize,
    label: impl Fn(K) -> String,
    unit: &str,
) -> String {
    let names: Vec<String> = available.iter().map(|(k, _)| label(*k)).collect();
    svg::grouped(
        id,
        title,
        &names,
        &[
            (
                lang.t("used").to_string(),
                available.iter().map(|(k, _)| used(*k) as f64).collect(),
            ),
            (
                lang.t("available").to_string(),
                available.iter().map(|(_, n)| f64::from(*n)).collect(),
            ),
        ],
        unit,
    )
}

fn pct(g: &Goal) -> String {
    format!("{:.0}%", (g.share() * 100.0 + 1e-9).floor())
}

/// The report of `whatif`; `sweep` marks where each goal is first met.
pub fn whatif(rows: &[Row], lang: Lang, sweep: bool) -> String {
    let mut b = String::new();
    let _ = write!(b, "<section><h2>{}</h2>", lang.t("comparison"));
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
    b.push_str(&table(
        &[
            lang.t("scenario"),
            lang.t("housed"),
            lang.t("under_18"),
            lang.t("a18_24"),
            lang.t("a25_29"),
            lang.t("women"),
            lang.t("men"),
            lang.t("goal_under_18"),
            lang.t("goal_18_29"),
            lang.t("goal_support"),
            lang.t("goal_female"),
            lang.t("rent_month"),
            lang.t("shelter_saved"),
            lang.t("change"),
        ],
        &body,
        &[1, 2, 3, 4, 5, 6, 11, 12, 13],
    ));
    b.push_str("</section><section>");
    let _ = write!(b, "<h2>{}</h2>", lang.t("housed_by_band"));
    let cats: Vec<String> = rows.iter().map(|r| r.scenario.clone()).collect();
    b.push_str(&svg::grouped(
        "housed-by-band",
        lang.t("housed_by_band"),
        &cats,
        &[
            (
                lang.t("under_18").into(),
                rows.iter().map(|r| r.housed_under_18 as f64).collect(),
            ),
            (
                lang.t("a18_24").into(),
                rows.iter().map(|r| r.housed_18_24 as f64).collect(),
            ),
            (
                lang.t("a25_29").into(),
                rows.iter().map(|r| r.housed_25_29 as f64).collect(),
            ),
        ],
        lang.t("people_unit"),
    ));
    if sweep {
        let _ = write!(b, "<h2>{}</h2>", lang.t("goals_over_sweep"));
        let series = vec![
            (
                lang.t("housed").to_string(),
                rows.iter().map(|r| r.housed as f64).collect::<Vec<_>>(),
            ),
            (
                lang.t("goal_under_18").to_string(),
                rows.iter()
                    .map(|r| (r.goals.under_18.share() * 100.0).floor())
                    .collect(),
            ),
            (
                lang.t("goal_18_29").to_string(),
                rows.iter()
                    .map(|r| (r.goals.age_18_29.share() * 100.0).floor())
                    .collect(),
            ),
        ];
        let mut marks = Vec::new();
        let mut firsts = Vec::new();
        for (j, key, pick) in [
            (
                1usize,
                "goal_under_18",
                (|r: &Row| r.goals.under_18.met()) as fn(&Row) -> bool,
            ),
            (2, "goal_18_29", |r: &Row| r.goals.age_18_29.met()),
        ] {
            let at = rows.iter().position(pick);
            if let Some(i) = at {
                marks.push((
                    i,
                    j,
                    format!("{}: {}", lang.t("first_met"), rows[i].scenario),
                ));
            }
            firsts.push(vec![
                lang.t(key).to_string(),
                at.map_or_else(
                    || lang.t("not_within").to_string(),
                    |i| rows[i].scenario.clone(),
                ),
            ]);
        }
        b.push_str(&svg::lines(
            "sweep-curve",
            lang.t("goals_over_sweep"),
            &cats,
            &series,
            &format!("{} / {}", lang.t("people_unit"), lang.t("shares")),
            &marks,
        ));
        b.push_str(&table(
            &[lang.t("goals"), lang.t("first_met")],
            &firsts,
            &[],
        ));
    }
    b.push_str("</section>");
    page(lang, lang.t("title_whatif"), &b)
}

/// The report of `plan`.
pub fn plan(p: &Plan, lang: Lang, redact: bool) -> String {
    let mut b = String::new();
    match &p.result {
        PlanResult::Reached {
            mix,
            total_cost_dkk,
            status,
            outcome,
            round,
        } => {
            let _ = write!(b, "<section><h2>{}</h2>", lang.t("mix"));
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
            b.push_str(&table(
                &[
                    lang.t("template"),
                    lang.t("count"),
                    lang.t("cost_each"),
                    lang.t("cost"),
                ],
                &rows,
                &[1, 2, 3],
            ));
            let st = match status {
                crate::solver::Status::Optimal => lang.t("optimal").to_string(),
                crate::solver::Status::BestFound { gap } => format!(
                    "{}, {} {:.2}%",
                    lang.t("best_found"),
                    lang.t("gap"),
                    gap * 100.0
                ),
            };
            let _ = write!(
                b,
                "<p><strong>{}: {} kr.</strong> ({} {}; {})</p>",
                lang.t("total_cost"),
                total_cost_dkk,
                p.months,
                lang.t("months"),
                esc(&st)
            );
            let _ = write!(
                b,
                "<h2>{}</h2><h3>{}</h3>",
                lang.t("goals"),
                lang.t("before")
            );
            b.push_str(&gauges(lang, "before", &p.before));
            let _ = write!(b, "<h3>{}</h3>", lang.t("after"));
            b.push_str(&gauges(lang, "after", &outcome.proposals[0].goals));
            b.push_str("</section>");
            let meta = Meta {
                round_date: round.policy.round_date.to_string(),
                inputs: Vec::new(),
            };
            let inner = allocate(outcome, &meta, lang, redact);
            // Embed the allocation's sections.
            if let (Some(s), Some(e)) = (inner.find("<section>"), inner.rfind("</section>")) {
                let _ = write!(b, "<section><h2>{}</h2></section>", lang.t("enabled"));
                b.push_str(&inner[s..e + "</section>".len()]);
            }
        }
        PlanResult::Unreachable { shortfalls } => {
            let _ = write!(b, "<section><h2>{}</h2>", lang.t("unreachable"));
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
            b.push_str(&table(
                &[lang.t("goals"), lang.t("target"), lang.t("best_achievable")],
                &rows,
                &[1, 2],
            ));
            b.push_str(&gauges(lang, "before", &p.before));
            b.push_str("</section>");
        }
    }
    page(lang, lang.t("title_plan"), &b)
}
