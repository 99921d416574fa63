//! Report charts as SVG: bars, grouped bars, gauges and lines, with axis
//! labels, units, a colour-blind-safe palette (Okabe–Ito) and a text
//! alternative (`<title>` and `<desc>`, referenced by `aria-labelledby`).
//!
//! Each chart computes its coordinates first and hands them to a maud
//! template, which escapes every text. SVG elements are always closed
//! (`<rect …></rect>`): inside HTML an unclosed SVG element would swallow the
//! ones after it.

use maud::{html, Markup};

/// Okabe–Ito colours, safe for the common colour-vision deficiencies.
pub const PALETTE: [&str; 7] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
];

/// A number with one decimal, as coordinates are written.
fn f1(x: f64) -> String {
    format!("{x:.1}")
}

/// A value for labels: whole numbers without decimals.
fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

fn colour(j: usize) -> &'static str {
    PALETTE[j % PALETTE.len()]
}

/// The `<svg>` element of a chart with its text alternative around `body`.
fn chart(id: &str, (w, h): (u32, u32), title: &str, desc: &str, body: Markup) -> Markup {
    html! {
        svg class="chart" id=(id) role="img" aria-labelledby={ (id) "-t " (id) "-d" }
            viewBox={ "0 0 " (w) " " (h) } width=(w) height=(h) xmlns="http://www.w3.org/2000/svg" {
            title id={ (id) "-t" } { (title) }
            desc id={ (id) "-d" } { (desc) }
            (body)
        }
    }
}

/// A round axis maximum at or above `v` (1, 2, 4, 8 or 10 × a power of ten).
fn nice_max(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
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

/// A round axis maximum above every value of every series.
fn series_max(series: &[(String, Vec<f64>)]) -> f64 {
    nice_max(
        series
            .iter()
            .flat_map(|(_, v)| v.iter().copied())
            .fold(0.0, f64::max),
    )
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

/// A horizontal bar chart: one bar per label.
pub fn hbars(id: &str, title: &str, labels: &[String], values: &[f64], unit: &str) -> Markup {
    let (row, left, w) = (26u32, 230u32, 720u32);
    let h = 40 + row * labels.len().max(1) as u32 + 30;
    let max = nice_max(values.iter().copied().fold(0.0, f64::max));
    let desc = labels
        .iter()
        .zip(values)
        .map(|(l, v)| format!("{l}: {v} {unit}"))
        .collect::<Vec<_>>()
        .join("; ");
    let plot = f64::from(w - left - 40);
    let bars = labels.iter().zip(values).enumerate().map(|(i, (l, v))| {
        let y = 30 + i as u32 * row;
        let bw = (v / max * plot).max(0.0);
        (l, y, bw, fmt_num(*v))
    });
    let body = html! {
        @for (label, y, bw, value) in bars {
            text x=(left - 8) y=(y + 15) text-anchor="end" class="lbl" { (label) }
            rect x=(left) y=(y + 3) width=(f1(bw)) height=(row - 8) fill=(PALETTE[0]) {}
            text x=(f1(f64::from(left) + bw + 4.0)) y=(y + 15) class="val" { (value) }
        }
        (x_axis(left, w - 40, h - 30, max, unit))
    };
    chart(id, (w, h), title, &desc, body)
}

/// A horizontal axis from `x0` to `x1` at height `y`, ticks every quarter.
fn x_axis(x0: u32, x1: u32, y: u32, max: f64, unit: &str) -> Markup {
    let ticks = (0..=4).map(|k| {
        let x = f64::from(x0) + f64::from(x1 - x0) * f64::from(k) / 4.0;
        (f1(x), fmt_num(max * f64::from(k) / 4.0))
    });
    html! {
        line x1=(x0) y1=(y) x2=(x1) y2=(y) class="axis" {}
        @for (x, label) in ticks {
            line x1=(x) y1=(y) x2=(x) y2=(y + 4) class="axis" {}
            text x=(x) y=(y + 16) text-anchor="middle" class="tick" { (label) }
        }
        text x=(x1) y=(y + 28) text-anchor="end" class="unit" { (unit) }
    }
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

    /// The x of step `i` of `steps`, and the y of a value on an axis up to
    /// `max` (values outside 0..=max drawn at the edge).
    fn scales(&self, steps: usize, max: f64) -> (impl Fn(usize) -> f64, impl Fn(f64) -> f64) {
        let (left, plot_w) = (f64::from(self.left), self.plot_w());
        let (base_y, plot_h) = (self.base_y(), self.plot_h());
        let n = steps.max(2) as f64 - 1.0;
        (
            move |i: usize| left + plot_w * i as f64 / n,
            move |v: f64| base_y - v.clamp(0.0, max) / max * plot_h,
        )
    }
}

/// Gridlines with tick labels every quarter, and the unit along the axis.
fn y_axis(max: f64, unit: &str) -> Markup {
    let f = &FRAME;
    let (base_y, plot_h) = (f.base_y(), f.plot_h());
    let ticks = (0..=4).map(|k| {
        let y = base_y - plot_h * f64::from(k) / 4.0;
        (f1(y), f1(y + 4.0), fmt_num(max * f64::from(k) / 4.0))
    });
    let mid = f1(f64::from(f.top) + plot_h / 2.0);
    html! {
        @for (y, label_y, label) in ticks {
            line x1=(f.left) y1=(y) x2=(f.w - f.right) y2=(y) class="grid" {}
            text x=(f.left - 4) y=(label_y) text-anchor="end" class="tick" { (label) }
        }
        text x="70" y=(mid) class="unit" transform={ "rotate(-90 70 " (mid) ")" } text-anchor="middle" { (unit) }
    }
}

/// A category label along the x axis, turned to fit.
fn x_label(x: f64, base_y: f64, text: &str) -> Markup {
    let (x, y) = (f1(x), f1(base_y + 14.0));
    html! {
        text x=(x) y=(y) text-anchor="end" class="lbl" transform={ "rotate(-30 " (x) " " (y) ")" } { (text) }
    }
}

/// One coloured square and name per series, from `x0` along `y`.
fn legend<'a>(names: impl Iterator<Item = &'a str>, x0: u32, y: u32) -> Markup {
    let mut x = f64::from(x0);
    let items: Vec<(String, String, &str, usize)> = names
        .enumerate()
        .map(|(j, n)| {
            let at = (f1(x), f1(x + 16.0), n, j);
            x += 24.0 + 7.0 * n.chars().count() as f64;
            (at.0, at.1, at.2, at.3)
        })
        .collect();
    html! {
        @for (sx, tx, name, j) in items {
            rect x=(sx) y=(y - 10) width="12" height="12" fill=(colour(j)) {}
            text x=(tx) y=(y) class="lbl" { (name) }
        }
    }
}

/// Grouped vertical bars: categories along x, one bar per series in each.
pub fn grouped(
    id: &str,
    title: &str,
    categories: &[String],
    series: &[(String, Vec<f64>)],
    unit: &str,
) -> Markup {
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
    let (plot_w, plot_h, base_y) = (FRAME.plot_w(), FRAME.plot_h(), FRAME.base_y());
    let left = f64::from(FRAME.left);
    let group_w = plot_w / categories.len().max(1) as f64;
    let bar_w = (group_w * 0.8) / series.len().max(1) as f64;
    let mut bars = Vec::new();
    for i in 0..categories.len() {
        let gx = left + group_w * i as f64 + group_w * 0.1;
        for (j, (_, vals)) in series.iter().enumerate() {
            let bh = vals.get(i).copied().unwrap_or(0.0) / max * plot_h;
            let x = gx + bar_w * j as f64;
            bars.push((f1(x), f1(base_y - bh), f1(bar_w.max(1.0) - 1.0), f1(bh), j));
        }
    }
    let labels = categories
        .iter()
        .enumerate()
        .map(|(i, c)| (left + group_w * (i as f64 + 0.5), short(c, 28)));
    let body = html! {
        (y_axis(max, unit))
        @for (x, y, w, h, j) in bars {
            rect x=(x) y=(y) width=(w) height=(h) fill=(colour(j)) {}
        }
        @for (x, text) in labels {
            (x_label(x, base_y, &text))
        }
        (legend(series.iter().map(|(n, _)| n.as_str()), FRAME.left, 18))
    };
    chart(id, (FRAME.w, FRAME.h), title, &desc, body)
}

/// What a gauge shows: a share of a group against a target.
#[derive(Debug, Clone, Copy)]
pub struct GaugeData<'a> {
    /// What is measured.
    pub label: &'a str,
    /// People in the group who reached the goal.
    pub achieved: usize,
    /// Count it is out of.
    pub total: usize,
    /// Share achieved (0–1).
    pub share: f64,
    /// Target share (0–1).
    pub target: f64,
    /// The word for "target".
    pub target_word: &'a str,
    /// "met" or "not met", in words.
    pub met_text: &'a str,
}

/// A gauge: a horizontal bar of the share achieved, with the target marked.
pub fn gauge(id: &str, g: &GaugeData) -> Markup {
    let (x0, bw) = (10.0, 340.0);
    let share_pct = (g.share * 100.0 + 1e-9).floor();
    let target_pct = g.target * 100.0;
    let desc = format!(
        "{}: {} of {} ({share_pct:.0}%), target {target_pct:.0}%; {}",
        g.label, g.achieved, g.total, g.met_text
    );
    let fill = if g.share + 1e-12 >= g.target {
        PALETTE[2]
    } else {
        PALETTE[3]
    };
    let filled = f1(bw * g.share.clamp(0.0, 1.0));
    let target_x = f1(x0 + bw * g.target);
    let caption = format!(
        "{}/{} · {share_pct:.0}% · {} {target_pct:.0}% · {}",
        g.achieved, g.total, g.target_word, g.met_text
    );
    let body = html! {
        text x="10" y="16" class="lbl" { (g.label) }
        rect x=(x0) y="24" width=(bw) height="18" class="track" {}
        rect x=(x0) y="24" width=(filled) height="18" fill=(fill) {}
        line x1=(target_x) y1="20" x2=(target_x) y2="46" class="target" {}
        text x="10" y="62" class="val" { (caption) }
    };
    chart(id, (360, 70), g.label, &desc, body)
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
) -> Markup {
    let max = series_max(series);
    let desc = series
        .iter()
        .map(|(n, v)| {
            let values: Vec<String> = v.iter().map(|x| fmt_num(*x)).collect();
            format!("{n}: {}", values.join(", "))
        })
        .chain(
            marks
                .iter()
                .map(|(i, _, l)| format!("{l} at {}", steps.get(*i).cloned().unwrap_or_default())),
        )
        .collect::<Vec<_>>()
        .join("; ");
    let (px, py) = FRAME.scales(steps.len(), max);
    let base_y = FRAME.base_y();
    let polylines = series.iter().enumerate().map(|(j, (_, vals))| {
        let points: Vec<String> = vals
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{},{}", f1(px(i)), f1(py(*v))))
            .collect();
        (points.join(" "), colour(j))
    });
    let points = marks.iter().filter_map(|(i, j, label)| {
        let v = series.get(*j).and_then(|(_, vals)| vals.get(*i))?;
        let (x, y) = (px(*i), py(*v));
        Some((f1(x), f1(y), f1(x + 8.0), f1(y - 8.0), label))
    });
    let body = html! {
        (y_axis(max, unit))
        @for (i, s) in steps.iter().enumerate() {
            (x_label(px(i), base_y, &short(s, 24)))
        }
        @for (points, stroke) in polylines {
            polyline points=(points) fill="none" stroke=(stroke) stroke-width="2.5" {}
        }
        @for (cx, cy, tx, ty, label) in points {
            circle cx=(cx) cy=(cy) r="6" fill="none" stroke="black" stroke-width="2" {}
            text x=(tx) y=(ty) class="val" { (label) }
        }
        (legend(series.iter().map(|(n, _)| n.as_str()), FRAME.left, 18))
    };
    chart(id, (FRAME.w, FRAME.h), title, &desc, body)
}

/// One band of a fan chart: a name and, per step, the 10th percentile, the
/// median and the 90th percentile.
pub struct Band {
    /// Legend name (a strategy).
    pub name: String,
    /// 10th percentile per step.
    pub p10: Vec<f64>,
    /// Median per step.
    pub median: Vec<f64>,
    /// 90th percentile per step.
    pub p90: Vec<f64>,
}

/// A fan chart over steps: per band a shaded area from the 10th to the 90th
/// percentile and its median as a line, in the band's colour, and a dashed
/// line at `target`. At most about ten step labels are written.
pub fn fan(
    id: &str,
    title: &str,
    steps: &[String],
    bands: &[Band],
    target: f64,
    unit: &str,
) -> Markup {
    let max = nice_max(
        bands
            .iter()
            .flat_map(|b| b.p90.iter().chain(&b.median).copied())
            .fold(target, f64::max),
    );
    let desc = bands
        .iter()
        .map(|b| {
            let per_step: Vec<String> = (0..steps.len())
                .map(|i| {
                    let at = |v: &[f64]| fmt_num(v.get(i).copied().unwrap_or(0.0));
                    format!(
                        "{} {}–{}–{}",
                        steps[i],
                        at(&b.p10),
                        at(&b.median),
                        at(&b.p90)
                    )
                })
                .collect();
            format!("{} (p10–median–p90): {}", b.name, per_step.join(", "))
        })
        .chain(std::iter::once(format!("target {}", fmt_num(target))))
        .collect::<Vec<_>>()
        .join("; ");
    let (px, py) = FRAME.scales(steps.len(), max);
    let base_y = FRAME.base_y();
    let line = |v: &[f64]| -> String {
        v.iter()
            .enumerate()
            .map(|(i, y)| format!("{},{}", f1(px(i)), f1(py(*y))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let shapes: Vec<(String, String, &str)> = bands
        .iter()
        .enumerate()
        .map(|(j, b)| {
            let lower: Vec<String> = b
                .p10
                .iter()
                .enumerate()
                .rev()
                .map(|(i, y)| format!("{},{}", f1(px(i)), f1(py(*y))))
                .collect();
            let area = format!("{} {}", line(&b.p90), lower.join(" "));
            (area, line(&b.median), colour(j))
        })
        .collect();
    let every = steps.len().div_ceil(10).max(1);
    let ty = f1(py(target));
    let x_end = FRAME.w - FRAME.right;
    let body = html! {
        (y_axis(max, unit))
        @for (i, s) in steps.iter().enumerate() {
            @if i % every == 0 || i + 1 == steps.len() {
                (x_label(px(i), base_y, &short(s, 24)))
            }
        }
        @for (area, median, c) in &shapes {
            polygon points=(area) fill=(c) fill-opacity="0.2" stroke="none" {}
            polyline points=(median) fill="none" stroke=(c) stroke-width="2.5" {}
        }
        line x1=(FRAME.left) y1=(ty) x2=(x_end) y2=(ty) stroke="black" stroke-width="1.5" stroke-dasharray="6 4" class="target" {}
        (legend(bands.iter().map(|b| b.name.as_str()), FRAME.left, 18))
    };
    chart(id, (FRAME.w, FRAME.h), title, &desc, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_elements_closed() {
        let svg = hbars("x", "<b>&", &["a<b".into()], &[2.0], "\"units\"").into_string();
        assert!(
            svg.contains("<title id=\"x-t\">&lt;b&gt;&amp;</title>"),
            "{svg}"
        );
        assert!(svg.contains(">a&lt;b</text>"), "{svg}");
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("</rect>"), "SVG elements are closed: {svg}");
    }
}
