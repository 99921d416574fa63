//! The report of `history`: the programme week by week.

use super::{page, table, Lang};
use crate::report::labels::Label as L;
use crate::report::svg;
use maud::html;
use std::collections::BTreeMap;

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
