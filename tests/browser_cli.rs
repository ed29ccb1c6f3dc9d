//! report.html in a real browser: headless Chromium loads the page of a
//! plan with quotas and scenarios, and a script injected into a copy of
//! the page (tests/browser/check.js) reports console errors, the size of
//! every chart and of the map, and whether clicking a header sorts each
//! table. `chromium --dump-dom` prints the result; no driver, no network.
//!
//! Skipped with a notice when Chromium is not installed (`apt-get install
//! chromium`; `TPLAN_CHROMIUM` names another binary). CI sets
//! `TPLAN_REQUIRE_BROWSER=1`, which turns the skip into a failure.
//!
//! With `TPLAN_SCREENSHOT=FILE` the sample data's page top is also
//! written to FILE (how docs/report-top.png is made).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Put first in <head>: collects script errors, failed resource loads
/// and console.error calls before the page's own script runs.
const ERROR_HOOKS: &str = "<script>window.__tplanErrors=[];\
window.addEventListener('error',function(e){window.__tplanErrors.push('error: '+(e.message||(e.target&&e.target.outerHTML?e.target.outerHTML.slice(0,120):'')))},true);\
window.addEventListener('unhandledrejection',function(e){window.__tplanErrors.push('unhandled rejection: '+e.reason)});\
var __ce=console.error;console.error=function(){window.__tplanErrors.push('console.error: '+Array.prototype.join.call(arguments,' '));__ce.apply(console,arguments)};\
</script>";

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("TPLAN_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var("TPLAN_REQUIRE_BROWSER").as_deref() != Ok("1"),
        "TPLAN_REQUIRE_BROWSER=1 but {} is not installed",
        path.display()
    );
    eprintln!(
        "browser check skipped: {} not found (apt-get install chromium, or set TPLAN_CHROMIUM)",
        path.display()
    );
    None
}

fn tplan(args: &[&str]) -> Output {
    let o = Command::new(env!("CARGO_BIN_EXE_tplan"))
        .args(args)
        .output()
        .expect("run tplan");
    assert!(
        o.status.success(),
        "tplan {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// Headless Chromium with the flags it needs as root in a container, a
/// fresh profile, and nothing that reaches the network.
fn headless(browser: &Path, profile: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// A copy of `page` with the error hooks first in <head> and the check
/// script last in <body>.
fn instrumented(page: &Path, to: &Path) {
    let html = fs::read_to_string(page).unwrap();
    let check =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/check.js"))
            .unwrap();
    assert!(html.contains("<head>") && html.contains("</body>"));
    let html = html
        .replacen("<head>", &format!("<head>{ERROR_HOOKS}"), 1)
        .replacen("</body>", &format!("<script>{check}</script></body>"), 1);
    fs::write(to, html).unwrap();
}

/// The JSON the check script left in the dumped DOM.
fn check_result(dom: &str) -> serde_json::Value {
    let start = dom.rfind("<pre id=\"tplan-check\">").unwrap_or_else(|| {
        panic!(
            "no check result in the page; the script did not run:\n{}",
            &dom[..dom.len().min(2000)]
        )
    }) + "<pre id=\"tplan-check\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let json = dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    serde_json::from_str(&json).unwrap()
}

#[test]
fn the_review_page_renders_without_errors_and_its_tables_sort() {
    let Some(browser) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scen");
    let out = tmp.path().join("out");
    let (input_s, out_s) = (input.to_str().unwrap(), out.to_str().unwrap());
    tplan(&["plan", input_s, "--out", out_s]);
    tplan(&["scenarios", input_s, "--out", out_s]);
    tplan(&["report", out_s]);
    let page = out.join("check.html");
    instrumented(&out.join("report.html"), &page);

    let o = headless(&browser, &tmp.path().join("profile"))
        .args([
            "--window-size=1280,900",
            "--virtual-time-budget=10000",
            "--dump-dom",
        ])
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(
        o.status.success(),
        "chromium: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let result = check_result(&String::from_utf8_lossy(&o.stdout));

    assert_eq!(result["errors"], serde_json::json!([]), "console errors");
    let charts = result["charts"].as_array().unwrap();
    let sections: Vec<&str> = charts
        .iter()
        .map(|c| c["section"].as_str().unwrap())
        .collect();
    for wanted in ["map", "balance", "quotas", "scenarios"] {
        assert!(
            sections.contains(&wanted),
            "no chart in section {wanted}: {sections:?}"
        );
    }
    for c in charts {
        assert!(
            c["width"].as_f64().unwrap() > 100.0 && c["height"].as_f64().unwrap() > 100.0,
            "chart drawn at {c}"
        );
    }
    let map = &result["map"];
    assert!(
        map["width"].as_f64().unwrap() > 100.0 && map["height"].as_f64().unwrap() > 100.0,
        "map {map}"
    );
    let tables = result["tables"].as_array().unwrap();
    assert!(!tables.is_empty(), "no sortable table checked");
    for t in tables {
        assert!(
            t["distinct"].as_u64().unwrap() >= 2,
            "a column with one value proves nothing: {t}"
        );
        assert_eq!(t["ascending"], true, "first click sorts ascending: {t}");
        assert_eq!(t["descending"], true, "second click sorts descending: {t}");
    }

    if let Some(shot) = std::env::var_os("TPLAN_SCREENSHOT") {
        screenshot(&browser, tmp.path(), Path::new(&shot));
    }
}

/// The top of the sample data's review page, as a PNG.
fn screenshot(browser: &Path, tmp: &Path, to: &Path) {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let out = tmp.join("sample");
    tplan(&[
        "plan",
        sample.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let to = std::path::absolute(to).unwrap();
    let o = headless(browser, &tmp.join("profile-shot"))
        .args(["--window-size=1280,1000", "--virtual-time-budget=10000"])
        .arg(format!("--screenshot={}", to.display()))
        .arg(format!("file://{}", out.join("report.html").display()))
        .output()
        .expect("run chromium");
    assert!(
        o.status.success() && to.is_file(),
        "screenshot: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}
