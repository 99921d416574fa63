//! A small SVG writer for report charts: bars, grouped bars, gauges and lines,
//! with axis labels, units, a colour-blind-safe palette (Okabe–Ito) and a text
//! alternative (`<title>` and `<desc>`, referenced by `aria-labelledby`).

use std::fmt::Write;

/// Okabe–Ito colours, safe for the common colour-vision deficiencies.
pub const PALETTE: [&str; 7] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
];

/// Escapes text for HTML and SVG.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn open(out: &mut String, id: &str, w: u32, h: u32, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-t {id}-d" viewBox="0 0 {w} {h}" width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        esc(title),
        esc(desc)
    );
}

fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 4.0, 8.0, 10.0] {
        if v <= m * mag {
            return m * mag;
        }
    }
    10.0 * mag
}

/// A horizontal bar chart: one bar per label.
pub fn hbars(id: &str, title: &str, labels: &[String], values: &[f64], unit: &str) -> String {
    let row = 26;
    let left = 230;
    let w = 720;
    let h = 40 + row * labels.len().max(1) as u32 + 30;
    let max = nice_max(values.iter().cloned().fold(0.0, f64::max));
    let desc = labels
        .iter()
        .zip(values)
        .map(|(l, v)| format!("{l}: {v} {unit}"))
        .collect::<Vec<_>>()
        .join("; ");
    let mut o = String::new();
    open(&mut o, id, w, h, title, &desc);
    let plot = (w - left - 40) as f64;
    for (i, (l, v)) in labels.iter().zip(values).enumerate() {
        let y = 30 + i as u32 * row;
        let bw = (v / max * plot).max(0.0);
        let _ = write!(
            o,
            r#"<text x="{}" y="{}" text-anchor="end" class="lbl">{}</text><rect x="{left}" y="{}" width="{bw:.1}" height="{}" fill="{}"/><text x="{:.1}" y="{}" class="val">{}</text>"#,
            left - 8,
            y + 15,
            esc(l),
            y + 3,
            row - 8,
            PALETTE[0],
            left as f64 + bw + 4.0,
            y + 15,
            fmt_num(*v)
        );
    }
    axis_x(&mut o, left, w - 40, h - 30, max, unit);
    o.push_str("</svg>");
    o
}

fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

fn axis_x(o: &mut String, x0: u32, x1: u32, y: u32, max: f64, unit: &str) {
    let _ = write!(
        o,
        r#"<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" class="axis"/>"#
    );
    for k in 0..=4 {
        let x = x0 as f64 + (x1 - x0) as f64 * k as f64 / 4.0;
        let _ = write!(
            o,
            r#"<line x1="{x:.1}" y1="{y}" x2="{x:.1}" y2="{}" class="axis"/><text x="{x:.1}" y="{}" text-anchor="middle" class="tick">{}</text>"#,
            y + 4,
            y + 16,
            fmt_num(max * k as f64 / 4.0)
        );
    }
    let _ = write!(
        o,
        r#"<text x="{x1}" y="{}" text-anchor="end" class="unit">{}</text>"#,
        y + 28,
        esc(unit)
    );
}

/// A round axis maximum above every value of every series.
fn series_max(series: &[(String, Vec<f64>)]) -> f64 {
    nice_max(
        series
            .iter()
            .flat_map(|(_, v)| v.iter().cloned())
            .fold(0.0, f64::max),
    )
}

/// Size and margins of the vertical charts (grouped bars, lines).
struct Frame {
    w: u32,
    h: u32,
    left: u32,
    right: u32,
    top: u32,
    bottom: u32,
}

/// The one frame every vertical chart uses.
const FRAME: Frame = Frame {
    w: 760,
    h: 340,
    left: 110,
    right: 20,
    top: 40,
    bottom: 100,
};

impl Frame {
    fn plot_w(&self) -> f64 {
        f64::from(self.w - self.left - self.right)
    }
    fn plot_h(&self) -> f64 {
        f64::from(self.h - self.top - self.bottom)
    }
    fn base_y(&self) -> f64 {
        f64::from(self.h - self.bottom)
    }
}

/// Gridlines with tick labels every quarter, and the unit along the axis.
fn y_axis(o: &mut String, max: f64, unit: &str) {
    let f = &FRAME;
    let (base_y, plot_h) = (f.base_y(), f.plot_h());
    for k in 0..=4 {
        let y = base_y - plot_h * k as f64 / 4.0;
        let _ = write!(
            o,
            r#"<line x1="{}" y1="{y:.1}" x2="{}" y2="{y:.1}" class="grid"/><text x="{}" y="{:.1}" text-anchor="end" class="tick">{}</text>"#,
            f.left,
            f.w - f.right,
            f.left - 4,
            y + 4.0,
            fmt_num(max * k as f64 / 4.0)
        );
    }
    let mid = f.top as f64 + plot_h / 2.0;
    let _ = write!(
        o,
        r#"<text x="70" y="{mid}" class="unit" transform="rotate(-90 70 {mid})" text-anchor="middle">{}</text>"#,
        esc(unit)
    );
}

/// Grouped vertical bars: categories along x, one bar per series in each.
pub fn grouped(
    id: &str,
    title: &str,
    categories: &[String],
    series: &[(String, Vec<f64>)],
    unit: &str,
) -> String {
    let (w, h, left) = (FRAME.w, FRAME.h, FRAME.left);
    let max = series_max(series);
    let desc = categories
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let vals = series
                .iter()
                .map(|(n, v)| format!("{n} {}", fmt_num(v.get(i).copied().unwrap_or(0.0))))
                .collect::<Vec<_>>()
                .join(", ");
            format!("{c}: {vals}")
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut o = String::new();
    open(&mut o, id, w, h, title, &desc);
    let (plot_w, plot_h, base_y) = (FRAME.plot_w(), FRAME.plot_h(), FRAME.base_y());
    let n = categories.len().max(1) as f64;
    let group_w = plot_w / n;
    let bar_w = (group_w * 0.8) / series.len().max(1) as f64;
    y_axis(&mut o, max, unit);
    for (i, c) in categories.iter().enumerate() {
        let gx = left as f64 + group_w * i as f64 + group_w * 0.1;
        for (j, (_, vals)) in series.iter().enumerate() {
            let v = vals.get(i).copied().unwrap_or(0.0);
            let bh = v / max * plot_h;
            let _ = write!(
                o,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" fill="{}"/>"#,
                gx + bar_w * j as f64,
                base_y - bh,
                bar_w.max(1.0) - 1.0,
                PALETTE[j % PALETTE.len()]
            );
        }
        let cx = left as f64 + group_w * (i as f64 + 0.5);
        let _ = write!(
            o,
            r#"<text x="{cx:.1}" y="{:.1}" text-anchor="end" class="lbl" transform="rotate(-30 {cx:.1} {:.1})">{}</text>"#,
            base_y + 14.0,
            base_y + 14.0,
            esc(&short(c, 28))
        );
    }
    legend(&mut o, series.iter().map(|(n, _)| n.as_str()), left, 18);
    o.push_str("</svg>");
    o
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

fn legend<'a>(o: &mut String, names: impl Iterator<Item = &'a str>, x0: u32, y: u32) {
    let mut x = x0 as f64;
    for (j, n) in names.enumerate() {
        let _ = write!(
            o,
            r#"<rect x="{x:.1}" y="{}" width="12" height="12" fill="{}"/><text x="{:.1}" y="{}" class="lbl">{}</text>"#,
            y - 10,
            PALETTE[j % PALETTE.len()],
            x + 16.0,
            y,
            esc(n)
        );
        x += 24.0 + 7.0 * n.chars().count() as f64;
    }
}

/// A gauge: a horizontal bar of the share achieved, with the target marked.
#[allow(clippy::too_many_arguments)]
pub fn gauge(
    id: &str,
    label: &str,
    achieved: usize,
    total: usize,
    share: f64,
    target: f64,
    target_word: &str,
    met_text: &str,
) -> String {
    let w = 360u32;
    let h = 70u32;
    let mut o = String::new();
    let desc = format!(
        "{label}: {achieved} of {total} ({:.0}%), target {:.0}%; {met_text}",
        (share * 100.0 + 1e-9).floor(),
        target * 100.0
    );
    open(&mut o, id, w, h, label, &desc);
    let (x0, bw) = (10.0, 340.0);
    let colour = if share + 1e-12 >= target {
        PALETTE[2]
    } else {
        PALETTE[3]
    };
    let _ = write!(
        o,
        r#"<text x="10" y="16" class="lbl">{}</text><rect x="{x0}" y="24" width="{bw}" height="18" class="track"/><rect x="{x0}" y="24" width="{:.1}" height="18" fill="{colour}"/><line x1="{:.1}" y1="20" x2="{:.1}" y2="46" class="target"/><text x="10" y="62" class="val">{achieved}/{total} · {:.0}% · {} {:.0}% · {}</text>"#,
        esc(label),
        bw * share.clamp(0.0, 1.0),
        x0 + bw * target,
        x0 + bw * target,
        (share * 100.0 + 1e-9).floor(),
        esc(target_word),
        target * 100.0,
        esc(met_text)
    );
    o.push_str("</svg>");
    o
}

/// A line chart over steps, one line per series, with optional marked points
/// (step index, series index, label).
pub fn lines(
    id: &str,
    title: &str,
    steps: &[String],
    series: &[(String, Vec<f64>)],
    unit: &str,
    marks: &[(usize, usize, String)],
) -> String {
    let (w, h, left) = (FRAME.w, FRAME.h, FRAME.left);
    let max = series_max(series);
    let desc = series
        .iter()
        .map(|(n, v)| {
            format!(
                "{n}: {}",
                v.iter().map(|x| fmt_num(*x)).collect::<Vec<_>>().join(", ")
            )
        })
        .chain(
            marks
                .iter()
                .map(|(i, _, l)| format!("{l} at {}", steps.get(*i).cloned().unwrap_or_default())),
        )
        .collect::<Vec<_>>()
        .join("; ");
    let mut o = String::new();
    open(&mut o, id, w, h, title, &desc);
    let (plot_w, plot_h, base_y) = (FRAME.plot_w(), FRAME.plot_h(), FRAME.base_y());
    let n = steps.len().max(2) as f64 - 1.0;
    let px = |i: usize| left as f64 + plot_w * i as f64 / n;
    let py = |v: f64| base_y - v / max * plot_h;
    y_axis(&mut o, max, unit);
    for (i, s) in steps.iter().enumerate() {
        let x = px(i);
        let _ = write!(
            o,
            r#"<text x="{x:.1}" y="{:.1}" text-anchor="end" class="lbl" transform="rotate(-30 {x:.1} {:.1})">{}</text>"#,
            base_y + 14.0,
            base_y + 14.0,
            esc(&short(s, 24))
        );
    }
    for (j, (_, vals)) in series.iter().enumerate() {
        let pts: Vec<String> = vals
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", px(i), py(*v)))
            .collect();
        let _ = write!(
            o,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"/>"#,
            pts.join(" "),
            PALETTE[j % PALETTE.len()]
        );
    }
    for (i, j, label) in marks {
        if let Some(v) = series.get(*j).and_then(|(_, vals)| vals.get(*i)) {
            let (x, y) = (px(*i), py(*v));
            let _ = write!(
                o,
                r#"<circle cx="{x:.1}" cy="{y:.1}" r="6" fill="none" stroke="black" stroke-width="2"/><text x="{:.1}" y="{:.1}" class="val">{}</text>"#,
                x + 8.0,
                y - 8.0,
                esc(label)
            );
        }
    }
    legend(&mut o, series.iter().map(|(n, _)| n.as_str()), left, 18);
    o.push_str("</svg>");
    o
}
