//! The HTML reports, rendered in a real browser (headless Chromium).

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_boligmatch"))
}

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data-samples/ballerup-2014")
}

fn make(args: &[&str]) {
    let o = bin().args(args).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn chromium() -> PathBuf {
    let candidates = ["chromium", "chromium-browser", "google-chrome"];
    if let Some(p) = std::env::var_os("BOLIGMATCH_CHROMIUM") {
        return PathBuf::from(p);
    }
    for c in candidates {
        if let Ok(o) = Command::new("which").arg(c).output() {
            if o.status.success() {
                return PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
            }
        }
    }
    panic!("headless Chromium is needed for the report tests: run `sh .ci/deps` (installs Debian's chromium), or set BOLIGMATCH_CHROMIUM");
}

/// Runs headless Chromium on a local file with networking cut off.
fn browse(html: &Path, extra: &[String]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium runs");
    assert!(
        o.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Hosts Chromium itself contacts in the background (updates, sign-in,
/// dictionaries, time); everything else in the net log came from the page.
const BROWSER_OWN: [&str; 6] = [
    "google.com",
    "googleapis.com",
    "gvt1.com",
    "gstatic.com",
    "googleusercontent.com",
    "chrome.com",
];

/// Every non-file URL in a Chromium net log that is not Chromium's own.
fn page_requests(netlog: &Path) -> Vec<String> {
    let log = std::fs::read_to_string(netlog).unwrap_or_default();
    assert!(!log.is_empty(), "no net log written");
    let mut out = Vec::new();
    for part in log.split("\"url\":\"").skip(1) {
        let url = part.split('"').next().unwrap_or("");
        let host = url
            .split("://")
            .nth(1)
            .unwrap_or("")
            .split(['/', ':', '?'])
            .next()
            .unwrap_or("");
        let own = BROWSER_OWN
            .iter()
            .any(|h| host == *h || host.ends_with(&format!(".{h}")));
        if !url.starts_with("file:")
            && !url.starts_with("data:")
            && !own
            && !out.contains(&url.to_string())
        {
            out.push(url.to_string());
        }
    }
    out
}

#[test]
fn the_network_check_would_see_a_request() {
    // Guards the guard: a page that loads an image is caught.
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("leaky.html");
    std::fs::write(
        &page,
        "<html><body><img src=\"https://example.org/x.png\"></body></html>",
    )
    .unwrap();
    let netlog = tmp.path().join("net.json");
    browse(
        &page,
        &[
            "--dump-dom".into(),
            format!("--log-net-log={}", netlog.display()),
        ],
    );
    assert_eq!(
        page_requests(&netlog),
        vec!["https://example.org/x.png".to_string()]
    );
}

fn check_rendered(html: &Path, min_svgs: usize) {
    let text = std::fs::read_to_string(html).unwrap();
    // Self-contained: no scripts, no external resources of any kind.
    for bad in [
        "<script", "src=", "href=", "url(", "@import", "<link", "<img", "https://",
    ] {
        assert!(!text.contains(bad), "{}: contains {bad}", html.display());
    }
    assert!(text.contains("Content-Security-Policy"));
    let dir = html.parent().unwrap();
    let png = dir.join("page.png");
    let pdf = dir.join("page.pdf");
    let (_, log_png) = browse(
        html,
        &[
            "--window-size=1100,1800".into(),
            format!("--screenshot={}", png.display()),
        ],
    );
    let (_, log_pdf) = browse(
        html,
        &[
            "--no-pdf-header-footer".into(),
            format!("--print-to-pdf={}", pdf.display()),
        ],
    );
    let netlog = dir.join("net.json");
    let (dom, log_dom) = browse(
        html,
        &[
            "--dump-dom".into(),
            format!("--log-net-log={}", netlog.display()),
        ],
    );
    let requests = page_requests(&netlog);
    assert!(
        requests.is_empty(),
        "the report made network requests: {requests:?}"
    );
    let png_bytes = std::fs::read(&png).unwrap();
    assert!(
        png_bytes.starts_with(b"\x89PNG") && png_bytes.len() > 30_000,
        "png {} bytes",
        png_bytes.len()
    );
    let pdf_bytes = std::fs::read(&pdf).unwrap();
    assert!(
        pdf_bytes.starts_with(b"%PDF") && pdf_bytes.len() > 20_000,
        "pdf {} bytes",
        pdf_bytes.len()
    );
    let svgs = dom.matches("<svg class=\"chart\"").count();
    assert!(
        svgs >= min_svgs,
        "{svgs} charts in the DOM, want {min_svgs}"
    );
    assert!(
        dom.contains("<title id="),
        "charts carry a text alternative"
    );
    for log in [log_png, log_pdf, log_dom] {
        for line in log.lines() {
            // Console messages and blocked or failed loads would show here.
            assert!(!line.contains("CONSOLE"), "console output: {line}");
            assert!(!line.contains("Refused to"), "blocked request: {line}");
            assert!(!line.contains("net::ERR"), "network request: {line}");
        }
    }
}

#[test]
fn allocate_report_renders_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let html = tmp.path().join("allocate.html");
    make(&[
        "allocate",
        sample().to_str().unwrap(),
        "--proposals",
        "3",
        "--report",
        html.to_str().unwrap(),
    ]);
    check_rendered(&html, 9);
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.contains("<html lang=\"da\">") && text.contains("Programmets mål"));
}

#[test]
fn whatif_and_sweep_reports_render_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let html = tmp.path().join("whatif.html");
    let scen = sample().join("scenarios");
    make(&[
        "whatif",
        sample().to_str().unwrap(),
        "--scenarios",
        scen.to_str().unwrap(),
        "--lang",
        "en",
        "--report",
        html.to_str().unwrap(),
    ]);
    check_rendered(&html, 1);
    assert!(std::fs::read_to_string(&html)
        .unwrap()
        .contains("Housed by age band"));
    let tmp2 = tempfile::tempdir().unwrap();
    let sweep = tmp2.path().join("sweep.html");
    make(&[
        "whatif",
        sample().to_str().unwrap(),
        "--sweep",
        "staff=ICM:f:0..4",
        "--report",
        sweep.to_str().unwrap(),
    ]);
    check_rendered(&sweep, 2);
    assert!(std::fs::read_to_string(&sweep)
        .unwrap()
        .contains("først nået"));
}

#[test]
fn plan_report_renders_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let html = tmp.path().join("plan.html");
    let t = sample().join("scenarios/templates.toml");
    make(&[
        "plan",
        sample().to_str().unwrap(),
        "--templates",
        t.to_str().unwrap(),
        "--report",
        html.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    check_rendered(&html, 8);
    assert!(std::fs::read_to_string(&html)
        .unwrap()
        .contains("Cheapest mix"));
}

#[test]
fn simulation_report_renders_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let html = tmp.path().join("simulation.html");
    make(&[
        "simulate",
        sample().to_str().unwrap(),
        "--timeline",
        sample().join("timeline.toml").to_str().unwrap(),
        "--weeks",
        "8",
        "--runs",
        "6",
        "--scenario",
        sample()
            .join("scenarios/more-skaeve-boliger.toml")
            .to_str()
            .unwrap(),
        "--report",
        html.to_str().unwrap(),
    ]);
    // Per scenario (base and one more): a fan chart per goal with a band per
    // strategy, and one waiting-time chart.
    check_rendered(&html, 6);
    let text = std::fs::read_to_string(&html).unwrap();
    assert_eq!(
        text.matches("fill-opacity=\"0.2\"").count(),
        2 * 2 * 2,
        "a shaded 10-90 % band per scenario, goal and strategy"
    );
    assert_eq!(
        text.matches("stroke-dasharray").count(),
        2 * 2,
        "goal lines"
    );
    assert!(
        text.contains("Ventetid fra registrering til bolig"),
        "Danish by default"
    );
}

#[test]
fn history_report_renders_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let html = tmp.path().join("history.html");
    let weeks = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data-samples/ballerup-2014-weeks");
    make(&[
        "history",
        weeks.to_str().unwrap(),
        "--report",
        html.to_str().unwrap(),
        "--lang",
        "da",
    ]);
    check_rendered(&html, 3);
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.contains("Uge for uge") && text.contains("2014-11-24"));
    // Notes are free text: never in a report.
    assert!(!text.contains("near his school"));
}

#[test]
fn redacted_reports_name_no_health_condition() {
    const WORDS: [&str; 18] = [
        "psychiatr",
        "psykiatri",
        "psykisk",
        "substance",
        "misbrug",
        "cannabis",
        "hash",
        "alcohol",
        "alkohol",
        "drug",
        "stoffer",
        "stoffri",
        "recovery",
        "behandling",
        "kind of home suits",
        "boligtypen passer",
        "first-choice method",
        "førstevalg af metode",
    ];
    let tmp = tempfile::tempdir().unwrap();
    let mut seen_unredacted = 0;
    let dir = sample();
    for lang in ["da", "en"] {
        for redact in [false, true] {
            let html = tmp.path().join(format!("r-{lang}-{redact}.html"));
            let mut args = vec![
                "allocate",
                dir.to_str().unwrap(),
                "--proposals",
                "2",
                "--report",
                html.to_str().unwrap(),
                "--lang",
                lang,
            ];
            if redact {
                args.push("--redact");
            }
            make(&args);
            let text = std::fs::read_to_string(&html).unwrap().to_lowercase();
            let found: Vec<&str> = WORDS.iter().copied().filter(|w| text.contains(w)).collect();
            if redact {
                assert!(
                    found.is_empty(),
                    "{lang}: redacted report still says {found:?}"
                );
            } else {
                seen_unredacted += found.len();
            }
        }
    }
    // The words do occur without --redact, so the check above is not vacuous.
    assert!(seen_unredacted > 0);
}

/// Every report, in both languages, with and without `--redact`: no label is
/// missing (a missing translation used to render as `??`).
#[test]
fn no_report_shows_a_missing_label() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = sample();
    let d = dir.to_str().unwrap();
    let scenarios = dir.join("scenarios");
    let templates = scenarios.join("templates.toml");
    let weeks = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data-samples/ballerup-2014-weeks");
    let commands: [Vec<&str>; 5] = [
        vec!["history", weeks.to_str().unwrap()],
        vec!["allocate", d, "--alternatives", "1"],
        vec!["whatif", d, "--scenarios", scenarios.to_str().unwrap()],
        vec!["whatif", d, "--sweep", "add=skaev_bolig:0..2"],
        vec!["plan", d, "--templates", templates.to_str().unwrap()],
    ];
    for (i, cmd) in commands.iter().enumerate() {
        for lang in ["da", "en"] {
            for redact in [false, true] {
                let file = tmp.path().join(format!("r{i}-{lang}-{redact}.html"));
                let mut args = cmd.clone();
                let f = file.to_str().unwrap().to_string();
                args.extend(["--report", &f, "--lang", lang]);
                if redact {
                    args.push("--redact");
                }
                make(&args);
                let html = std::fs::read_to_string(&file).unwrap();
                assert!(html.len() > 1000, "{args:?}: report too short");
                assert!(!html.contains("??"), "{args:?}: a label is missing");
            }
        }
    }
}
