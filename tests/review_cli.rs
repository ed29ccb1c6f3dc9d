//! `tplan review`, end to end: on a plan of `tests/fixtures/quota_tiny`
//! (files added, the plan's files untouched, the page redrawn, bad input
//! refused with nothing written), and on the sample plan's quota files
//! (`tests/fixtures/review_sample`, written by `plan data/`) with
//! `data/actuals.csv`, where attainment, forecasts, status and the
//! re-phasing are recomputed here from the CSV files alone and the
//! README's figures are checked.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

mod helpers;
use helpers::{copy_dir, manifest, num, rows, text, tplan};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The plan of quota_tiny, made once per test run; tests work on copies.
fn tiny_plan() -> &'static Path {
    static PLAN: OnceLock<PathBuf> = OnceLock::new();
    PLAN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let out = dir.join("plan");
        let input = root().join("tests/fixtures/quota_tiny");
        let o = tplan(&[
            "plan",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", text(&o));
        out
    })
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(snapshot(&path));
        } else {
            files.insert(path.clone(), fs::read(&path).unwrap());
        }
    }
    files
}

/// Q1 2025 actuals for quota_tiny (R02 starts in February and carries no
/// quota before May).
const TINY_ACTUALS: &str = "rep_id,month,bookings,component\n\
    R01,2025-01,40000,new_business\n\
    R01,2025-02,30000,new_business\n\
    R01,2025-03,\"$55,000.50\",\n\
    R03,2025-01,90000,\n\
    R03,2025-03,120000,\n\
    R04,2025-02,10000,expansion\n";

struct Case {
    _tmp: tempfile::TempDir,
    out: PathBuf,
    actuals: PathBuf,
}

fn tiny_case(actuals: &str) -> Case {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("plan");
    copy_dir(tiny_plan(), &out);
    let path = tmp.path().join("actuals.csv");
    fs::write(&path, actuals).unwrap();
    Case {
        _tmp: tmp,
        out,
        actuals: path,
    }
}

fn review(case: &Case, extra: &[&str]) -> Output {
    let mut args = vec![
        "review",
        case.out.to_str().unwrap(),
        "--actuals",
        case.actuals.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    tplan(&args)
}

#[test]
fn review_adds_its_files_redraws_the_page_and_keeps_the_plan() {
    let case = tiny_case(TINY_ACTUALS);
    let before = snapshot(&case.out);
    let o = review(&case, &["--as-of", "2025-03"]);
    assert!(o.status.success(), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("review as of 2025-03 (3 of 12 months closed), 4 reps"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 rep has no row in the actuals"),
        "{stdout}"
    );

    let after = snapshot(&case.out);
    for name in [
        "assignments.csv",
        "territories.csv",
        "quotas.csv",
        "quota_summary.csv",
        "comparison.csv",
    ] {
        let p = case.out.join(name);
        assert_eq!(before[&p], after[&p], "{name} changed");
    }
    // Nothing left behind but the new files.
    let added: Vec<String> = after
        .keys()
        .filter(|p| !before.contains_key(*p))
        .map(|p| p.strip_prefix(&case.out).unwrap().display().to_string())
        .collect();
    assert_eq!(
        added,
        [
            "review.csv",
            "review.png",
            "review.svg",
            "review_monthly.csv"
        ]
    );

    let page = fs::read_to_string(case.out.join("report.html")).unwrap();
    assert!(page.contains("Review as of 2025-03"), "no Review section");
    assert!(page.contains("Quotas"), "the Quotas section went missing");

    let m = manifest(&case.out);
    let r = &m["review"];
    assert_eq!(r["as_of"], "2025-03");
    assert_eq!(r["months_closed"], 3);
    assert_eq!(r["reps"], 4);
    assert_eq!(r["status"]["no_quota_yet"], 1);
    let outputs = m["outputs"].as_array().unwrap();
    for name in [
        "review.csv",
        "review_monthly.csv",
        "review.png",
        "report.html",
    ] {
        let entry = outputs
            .iter()
            .find(|o| o["path"] == name)
            .unwrap_or_else(|| panic!("{name} not in the manifest's outputs"));
        let bytes = fs::read(case.out.join(name)).unwrap();
        assert_eq!(entry["bytes"], bytes.len() as u64, "{name}");
    }
    assert_eq!(
        m["quota"],
        manifest(tiny_plan())["quota"],
        "quota section kept"
    );

    let reps = rows(&case.out.join("review.csv"));
    let r01 = &reps[0];
    assert_eq!(r01["rep_id"], "R01");
    assert_eq!(num(r01, "bookings_to_date"), 125_000.5);
    assert_eq!(reps[1]["status"], "no_quota_yet");
    // R04 booked a tenth or less of its quarter: at risk.
    assert_eq!(reps[3]["status"], "at_risk");

    // The same review again gives the same bytes.
    let o = review(&case, &["--as-of", "2025-03"]);
    assert!(o.status.success(), "{}", text(&o));
    let again = snapshot(&case.out);
    for name in [
        "review.csv",
        "review_monthly.csv",
        "review.png",
        "review.svg",
        "report.html",
    ] {
        let p = case.out.join(name);
        assert_eq!(after[&p], again[&p], "{name} differs on a re-run");
    }
}

#[test]
fn review_settings_come_from_the_plan_or_from_config() {
    let case = tiny_case(TINY_ACTUALS);
    let o = review(&case, &[]);
    assert!(o.status.success(), "{}", text(&o));
    // Without --as-of the review month is the latest month in the file.
    assert_eq!(manifest(&case.out)["review"]["as_of"], "2025-03");
    let default = rows(&case.out.join("review.csv"));
    let config = case.actuals.with_file_name("review.toml");
    fs::write(
        &config,
        "[review]\nwin_rate = 0.5\nmax_annual_change = 0.2\n",
    )
    .unwrap();
    let o = review(&case, &["--config", config.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let m = manifest(&case.out);
    assert_eq!(m["review"]["config"]["win_rate"], 0.5);
    let changed = rows(&case.out.join("review.csv"));
    // R01 has pipeline: its pipeline forecast grows by 0.25 x pipeline.
    let pipeline = num(&default[0], "pipeline");
    assert!(pipeline > 0.0);
    let grown = num(&changed[0], "pipeline_forecast") - num(&default[0], "pipeline_forecast");
    assert!(
        (grown - 0.25 * pipeline).abs() < 0.01,
        "{grown} vs {pipeline}"
    );
    // R04 is far behind: its annual quota drops by the most allowed, 20 %.
    let (was, now) = (
        num(&default[3], "proposed_annual_quota"),
        num(&changed[3], "proposed_annual_quota"),
    );
    assert_eq!(now, (was * 0.8).round(), "{was} -> {now}");
}

/// Run a review on bad actuals: exit 1, the message, nothing written.
fn refused(actuals: &str, extra: &[&str], expected: &[&str]) {
    let case = tiny_case(actuals);
    let before = snapshot(&case.out);
    let o = review(&case, extra);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let stderr =
        String::from_utf8_lossy(&o.stderr).replace(case.actuals.to_str().unwrap(), "actuals.csv");
    for e in expected {
        assert!(stderr.contains(e), "expected {e:?} in:\n{stderr}");
    }
    assert_eq!(before, snapshot(&case.out), "the folder changed");
}

#[test]
fn bad_actuals_are_refused_with_file_line_column_and_value() {
    let header = "rep_id,month,bookings,component\n";
    refused(
        &format!("{header}R01,2025-01,100,\nR99,2025-01,100,\n"),
        &[],
        &["actuals.csv:3: column 'rep_id': value 'R99': unknown rep"],
    );
    refused(
        &format!("{header}R01,2024-12,100,\nR01,2026-01,5,\n"),
        &[],
        &[
            "actuals.csv:2: column 'month': value '2024-12': outside the plan's fiscal year: expected a month from 2025-01 to 2025-12",
            "actuals.csv:3: column 'month': value '2026-01'",
        ],
    );
    refused(
        &format!("{header}R01,2025-04,100,\n"),
        &["--as-of", "2025-03"],
        &["actuals.csv:2: column 'month': value '2025-04': after the review month 2025-03"],
    );
    refused(
        &format!("{header}R01,2025-01,-100,\n"),
        &[],
        &["actuals.csv:2: column 'bookings': value '-100': expected bookings in currency, a number >= 0"],
    );
    refused(
        &format!("{header}R01,2025-01,100,new_business\nR01,2025-01,50,new_business\n"),
        &[],
        &["actuals.csv:3: column 'component': value 'R01 2025-01 new_business': duplicate: line 2"],
    );
    refused(
        &format!("{header}R01,2025-01,100,upsell\n"),
        &[],
        &["actuals.csv:2: column 'component': value 'upsell': unknown component"],
    );
    refused("rep_id,bookings\nR01,100\n", &[], &["month"]);
}

#[test]
fn usage_and_folder_errors() {
    let case = tiny_case(TINY_ACTUALS);
    let before = snapshot(&case.out);
    let o = review(&case, &["--as-of", "2025-13"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = tplan(&["review", case.out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = review(&case, &["--as-of", "2026-01"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("--as-of 2026-01: outside the plan's fiscal year"),
        "{}",
        text(&o)
    );
    assert_eq!(before, snapshot(&case.out));

    // A folder tplan did not write, and a plan without quotas.
    let other = case.actuals.with_file_name("other");
    fs::create_dir_all(&other).unwrap();
    let o = tplan(&[
        "review",
        other.to_str().unwrap(),
        "--actuals",
        case.actuals.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("not a tplan output folder"),
        "{}",
        text(&o)
    );
    let no_quotas = case.actuals.with_file_name("noquota");
    copy_dir(&case.out, &no_quotas);
    fs::remove_file(no_quotas.join("quotas.csv")).unwrap();
    let o = tplan(&[
        "review",
        no_quotas.to_str().unwrap(),
        "--actuals",
        case.actuals.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("the plan has no quotas.csv"),
        "{}",
        text(&o)
    );
}

// ------------------------------------------------------------ the sample

/// The sample plan's review: everything recomputed from quotas.csv,
/// quota_summary.csv and data/actuals.csv, and the README's figures.
#[test]
fn sample_review_matches_an_independent_recomputation_and_the_readme() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("plan");
    copy_dir(&root().join("tests/fixtures/review_sample"), &out);
    let actuals = root().join("data/actuals.csv");
    let o = tplan(&[
        "review",
        out.to_str().unwrap(),
        "--actuals",
        actuals.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout).to_string();

    // Independent figures: quota per rep and month, bookings per rep to
    // 2027-06, pipeline per rep.
    let mut quota: BTreeMap<String, [f64; 12]> = BTreeMap::new();
    for r in rows(&out.join("quotas.csv")) {
        let m: usize = r["month"][5..7].parse().unwrap();
        quota.entry(r["rep_id"].clone()).or_insert([0.0; 12])[m - 1] += num(&r, "amount");
    }
    let mut ramp: BTreeMap<String, [f64; 12]> = BTreeMap::new();
    for r in rows(&out.join("quotas.csv")) {
        let m: usize = r["month"][5..7].parse().unwrap();
        ramp.entry(r["rep_id"].clone()).or_insert([1.0; 12])[m - 1] = num(&r, "ramp_factor");
    }
    let season: Vec<f64> = manifest(&out)["config"]["quota"]["seasonality"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let mut booked: BTreeMap<String, f64> = BTreeMap::new();
    for r in rows(&actuals) {
        assert!(r["month"].as_str() <= "2027-06");
        *booked.entry(r["rep_id"].clone()).or_default() += num(&r, "bookings");
    }
    let pipeline: BTreeMap<String, f64> = rows(&out.join("quota_summary.csv"))
        .iter()
        .map(|r| (r["rep_id"].clone(), num(r, "pipeline")))
        .collect();

    let review = rows(&out.join("review.csv"));
    assert_eq!(review.len(), 30);
    let (mut q_to_date, mut b_to_date, mut annual_total, mut run_rate, mut by_pipe) =
        (0.0, 0.0, 0.0, 0.0, 0.0);
    let (mut at_risk, mut on_track, mut ahead, mut none) = (0, 0, 0, 0);
    let (mut judged, mut reach_rr, mut reach_pipe, mut still_total) = (0, 0, 0, 0.0);
    for r in &review {
        let id = &r["rep_id"];
        let months = quota[id];
        let to_date: f64 = months[..6].iter().sum();
        let annual: f64 = months.iter().sum();
        let b = booked.get(id).copied().unwrap_or(0.0);
        assert_eq!(num(r, "quota_to_date"), to_date, "{id}");
        assert_eq!(num(r, "bookings_to_date"), b, "{id}");
        let forecast_pipe = b + 0.25 * pipeline[id];
        assert!(
            (num(r, "pipeline_forecast") - forecast_pipe).abs() < 0.01,
            "{id}"
        );
        let still = (annual - b).max(0.0).round();
        assert_eq!(num(r, "still_to_book"), still, "{id}");
        q_to_date += to_date;
        b_to_date += b;
        annual_total += annual;
        by_pipe += forecast_pipe;
        still_total += still;
        if to_date > 0.0 {
            let pace = b / to_date;
            assert!(
                (num(r, "attainment_to_date_pct") - (pace * 100.0 * 100.0).round() / 100.0).abs()
                    < 1e-9,
                "{id}"
            );
            run_rate += pace * annual;
            judged += 1;
            reach_rr += usize::from(pace >= 1.0);
            reach_pipe += usize::from(forecast_pipe >= annual);
            let expected = if pace < 0.9 {
                at_risk += 1;
                "at_risk"
            } else if pace >= 1.1 {
                ahead += 1;
                "ahead"
            } else {
                on_track += 1;
                "on_track"
            };
            assert_eq!(r["status"], expected, "{id}");
        } else {
            none += 1;
            run_rate += b + annual - to_date;
            assert_eq!(r["status"], "no_quota_yet", "{id}");
        }
    }
    // Re-phasing: each rep's remaining months sum to what it still has to
    // book, spread by seasonality x ramp factor (the plan's phasing weights).
    let mut proposed: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for r in rows(&out.join("review_monthly.csv")) {
        if r["closed"] == "false" {
            proposed
                .entry(r["rep_id"].clone())
                .or_default()
                .push(num(&r, "quota_proposed"));
        }
    }
    for r in &review {
        let id = &r["rep_id"];
        let p = &proposed[id];
        assert_eq!(p.len(), 6);
        assert_eq!(p.iter().sum::<f64>(), num(r, "still_to_book"), "{id}");
        let w: Vec<f64> = (6..12).map(|m| season[m] * ramp[id][m]).collect();
        let total: f64 = w.iter().sum();
        for (k, v) in p.iter().enumerate() {
            let exact = num(r, "still_to_book") * w[k] / total;
            assert!(
                (v - exact).abs() < 1.0,
                "{id} month {}: {v} vs {exact}",
                k + 7
            );
        }
    }

    // The README's figures (section "Quarterly review against actuals").
    assert_eq!(b_to_date.round(), 58_305_255.0);
    assert_eq!(q_to_date, 73_103_969.0);
    assert_eq!(annual_total, 158_400_000.0);
    assert_eq!(format!("{:.1}", b_to_date / q_to_date * 100.0), "79.8");
    assert_eq!(run_rate.round(), 126_645_070.0);
    assert_eq!(format!("{:.1}", run_rate / annual_total * 100.0), "80.0");
    assert_eq!(by_pipe.round(), 162_859_344.0);
    assert_eq!(format!("{:.1}", by_pipe / annual_total * 100.0), "102.8");
    assert_eq!((at_risk, on_track, ahead, none), (19, 5, 5, 1));
    assert_eq!((judged, reach_rr, reach_pipe), (29, 7, 22));
    assert_eq!(still_total, 100_094_745.0);
    let total_pipeline: f64 = pipeline.values().sum();
    assert_eq!(format!("{:.2}", total_pipeline / still_total), "4.18");
    let flags: Vec<&str> = review.iter().map(|r| r["flags"].as_str()).collect();
    assert_eq!(flags.iter().filter(|f| **f == "low_coverage").count(), 2);
    assert_eq!(flags.iter().filter(|f| **f == "high_coverage").count(), 23);
    let quarter = |q: usize| -> (f64, f64) {
        let plan: f64 = quota
            .values()
            .map(|m| m[(q - 1) * 3..q * 3].iter().sum::<f64>())
            .sum();
        let new: f64 = proposed
            .values()
            .map(|p| p[(q - 3) * 3..(q - 2) * 3].iter().sum::<f64>())
            .sum();
        (plan, new)
    };
    assert_eq!(quarter(3), (39_192_177.0, 46_079_771.0));
    assert_eq!(quarter(4), (46_103_854.0, 54_014_974.0));
    for line in [
        "bookings to date 58,305,255 against quota to date 73,103,969: 79.8 %",
        "run rate 126,645,070 (80.0 % of quota), pipeline-weighted 162,859,344 (102.8 % of quota",
        "19 at risk",
        "24.14 % by run rate",
        "75.86 % by pipeline",
        "4.18x; 2 reps below 3x, 23 above 4x",
        "Q3 (from 2027-07): plan 39,192,177 -> proposed 46,079,771",
        "Q4 (from 2027-10): plan 46,103,854 -> proposed 54,014,974",
    ] {
        assert!(stdout.contains(line), "{line:?} not in:\n{stdout}");
    }
}
