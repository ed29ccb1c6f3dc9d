//! `tplan plan` with quotas and `tplan quota`, end to end on
//! `tests/fixtures/quota_tiny` (the tiny fixture plus a plan.toml with a
//! company target). The checks re-read the CSV files on their own.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

mod helpers;
use helpers::{copy_dir, manifest, rows, text, tplan};

const FIXTURE: &str = "tests/fixtures/quota_tiny";
/// 3,000,000 x 0.8 x 1.1.
const QUOTA_TOTAL: i64 = 2_640_000;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE)
}

fn run(cmd: &str, input: &Path, out: &Path) -> Output {
    tplan(&[cmd, input.to_str().unwrap(), "--out", out.to_str().unwrap()])
}

fn copy_fixture(root: &Path) -> PathBuf {
    let dir = root.join("quota_tiny");
    copy_dir(&fixture(), &dir);
    dir
}

fn int(row: &BTreeMap<String, String>, col: &str) -> i64 {
    row[col]
        .parse()
        .unwrap_or_else(|_| panic!("{col} = {:?} is not a whole number", row[col]))
}

#[test]
fn plan_writes_quotas_that_add_up() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = run("plan", &fixture(), &out);
    assert!(o.status.success(), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("quotas for the fiscal year 2025-01 to 2025-12"),
        "{stdout}"
    );
    assert!(stdout.contains("reps expected to reach quota"), "{stdout}");

    let summary = rows(&out.join("quota_summary.csv"));
    let reps: Vec<&str> = summary.iter().map(|r| r["rep_id"].as_str()).collect();
    assert_eq!(reps, ["R01", "R02", "R03", "R04"]);
    let head: Vec<String> = csv::Reader::from_path(out.join("quota_summary.csv"))
        .unwrap()
        .headers()
        .unwrap()
        .iter()
        .take(8)
        .map(str::to_string)
        .collect();
    assert_eq!(
        head,
        [
            "rep_id",
            "top_down",
            "bottom_up",
            "final_quota",
            "gap",
            "gap_pct",
            "pipeline_coverage",
            "p_attain"
        ]
    );
    // Top-down quotas sum exactly to target x share x (1 + over-assignment).
    let top_down: i64 = summary.iter().map(|r| int(r, "top_down")).sum();
    assert_eq!(top_down, QUOTA_TOTAL);
    let final_total: i64 = summary.iter().map(|r| int(r, "final_quota")).sum();
    assert_eq!(final_total, QUOTA_TOTAL, "final = top-down by default");
    for r in &summary {
        assert_eq!(int(r, "gap"), int(r, "top_down") - int(r, "bottom_up"));
        let parts = int(r, "new_business") + int(r, "expansion") + int(r, "retention");
        assert_eq!(
            parts,
            int(r, "final_quota"),
            "components add up for {}",
            r["rep_id"]
        );
        let p: f64 = r["p_attain"].parse().unwrap();
        assert!((0.0..=1.0).contains(&p));
    }

    // Months: 12 per rep and component, summing to the annual component.
    let months = rows(&out.join("quotas.csv"));
    assert_eq!(months.len(), 4 * 3 * 12);
    let mut sums: BTreeMap<(String, String), i64> = BTreeMap::new();
    for m in &months {
        assert_eq!(m["month"].len(), 7);
        assert!(m["month"].starts_with("2025-"), "{:?}", m);
        *sums
            .entry((m["rep_id"].clone(), m["component"].clone()))
            .or_default() += int(m, "amount");
    }
    for r in &summary {
        for c in ["new_business", "expansion", "retention"] {
            assert_eq!(sums[&(r["rep_id"].clone(), c.to_string())], int(r, c));
        }
    }
    // Sorted by rep, component, month.
    let keys: Vec<(String, String, String)> = months
        .iter()
        .map(|m| {
            (
                m["rep_id"].clone(),
                m["component"].clone(),
                m["month"].clone(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);

    // R02 starts 2025-02-01: nothing before May, then 50 %, 75 %, 100 %.
    let r02: Vec<&BTreeMap<String, String>> = months
        .iter()
        .filter(|m| m["rep_id"] == "R02" && m["component"] == "new_business")
        .collect();
    let ramp: Vec<&str> = r02.iter().map(|m| m["ramp_factor"].as_str()).collect();
    assert_eq!(
        ramp,
        [
            "0.0000", "0.0000", "0.0000", "0.0000", "0.5000", "0.5000", "0.5000", "0.7500",
            "0.7500", "0.7500", "1.0000", "1.0000"
        ]
    );
    let amounts: Vec<i64> = r02.iter().map(|m| int(m, "amount")).collect();
    assert!(amounts[..4].iter().all(|&a| a == 0), "{amounts:?}");
    assert!(amounts[4] > 0);
    // May (50 %, weight 1) is half of November (100 %, weight 1), give or
    // take the unit of rounding.
    assert!((2 * amounts[4] - amounts[10]).abs() <= 2, "{amounts:?}");

    let m = manifest(&out);
    assert_eq!(m["quota"]["top_down_total"], QUOTA_TOTAL);
    assert_eq!(m["quota"]["final_total"], QUOTA_TOTAL);
    // Component totals are exactly share x total.
    let components: Vec<(String, i64)> = m["quota"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["component"].as_str().unwrap().to_string(),
                c["total"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        components,
        [
            ("new_business".to_string(), 1_584_000),
            ("expansion".to_string(), 792_000),
            ("retention".to_string(), 264_000)
        ]
    );
    for (code, total) in &components {
        let from_csv: i64 = summary.iter().map(|r| int(r, code)).sum();
        assert_eq!(from_csv, *total, "{code}");
    }
    let quarters: i64 = m["quota"]["quarters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["total"].as_i64().unwrap())
        .sum();
    assert_eq!(quarters, QUOTA_TOTAL);
    let outputs: Vec<&str> = m["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        outputs[..4],
        [
            "assignments.csv",
            "territories.csv",
            "quotas.csv",
            "quota_summary.csv"
        ]
    );
    assert!(outputs.contains(&"report.html"), "{outputs:?}");
}

#[test]
fn quota_on_an_existing_plan_matches_plan_and_is_reproducible() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = run("plan", &fixture(), &out);
    assert!(o.status.success(), "{}", text(&o));
    let files = [
        "assignments.csv",
        "territories.csv",
        "quotas.csv",
        "quota_summary.csv",
    ];
    let before: Vec<Vec<u8>> = files
        .iter()
        .map(|f| fs::read(out.join(f)).unwrap())
        .collect();
    let mut planned = manifest(&out);

    let o = run("quota", &fixture(), &out);
    assert!(o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("territories read from"));
    let after: Vec<Vec<u8>> = files
        .iter()
        .map(|f| fs::read(out.join(f)).unwrap())
        .collect();
    assert_eq!(before, after, "same quotas, territories untouched");
    let mut quota_run = manifest(&out);
    assert_eq!(quota_run["quota"]["run"]["command"][1], "quota");
    quota_run["quota"].as_object_mut().unwrap().remove("run");
    planned.as_object_mut().unwrap().remove("timings");
    quota_run.as_object_mut().unwrap().remove("timings");
    assert_eq!(planned, quota_run);

    let text1 = fs::read(out.join("manifest.json")).unwrap();
    let o = run("quota", &fixture(), &out);
    assert!(o.status.success());
    assert_eq!(fs::read(out.join("manifest.json")).unwrap(), text1);
    let names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

#[test]
fn quota_plans_first_when_there_is_no_plan() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = run("quota", &fixture(), &out);
    assert!(o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("planning the territories first"));
    for f in [
        "assignments.csv",
        "quotas.csv",
        "quota_summary.csv",
        "manifest.json",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
}

#[test]
fn quota_refuses_a_plan_for_other_data() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert!(run("plan", &fixture(), &out).status.success());
    let path = out.join("assignments.csv");
    let original = fs::read_to_string(&path).unwrap();
    let manifest_before = fs::read(out.join("manifest.json")).unwrap();

    // One account missing.
    let lines: Vec<&str> = original.lines().collect();
    let dropped: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.starts_with("A007,"))
        .collect();
    fs::write(&path, dropped.join("\n") + "\n").unwrap();
    let o = run("quota", &fixture(), &out);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("assignments.csv"), "{err}");
    assert!(err.contains("A007"), "{err}");

    // An unknown rep.
    fs::write(&path, original.replacen(",R01,", ",R99,", 1)).unwrap();
    let o = run("quota", &fixture(), &out);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("column 'rep_id': value 'R99'"), "{err}");
    assert_eq!(
        fs::read(out.join("manifest.json")).unwrap(),
        manifest_before
    );
}

/// Runs `plan` on the fixture with `config` as plan.toml; expects exit 1
/// and returns stderr.
fn bad_config(config: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let input = copy_fixture(tmp.path());
    fs::write(input.join("plan.toml"), config).unwrap();
    let out = tmp.path().join("out");
    let o = run("plan", &input, &out);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(!out.exists(), "nothing written");
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn bad_quota_config_names_key_and_value() {
    let err = bad_config("fiscal_year = 2025\n[quota]\ncompany_target = -10\n");
    assert!(
        err.contains("plan.toml:3: column 'quota.company_target': value '-10'"),
        "{err}"
    );
    let err = bad_config(
        "fiscal_year = 2025\n[quota]\ncompany_target = 10\n[quota.components]\nnew_business = 0.6\nexpansion = 0.3\nretention = 0.2\n",
    );
    assert!(err.contains("column 'quota.components'"), "{err}");
    assert!(err.contains("0.6 + 0.3 + 0.2"), "{err}");
    assert!(err.contains("must sum to 1"), "{err}");
    let err = bad_config(
        "fiscal_year = 2025\n[ramp]\nsteps = [{ from_month = 1, to_month = 3, percent = 0 }, { from_month = 5, to_month = 6, percent = 50 }]\n",
    );
    assert!(err.contains("ramp.steps[1].from_month"), "{err}");
    assert!(err.contains("a gap"), "{err}");
    let err = bad_config(
        "fiscal_year = 2025\n[ramp]\nsteps = [{ from_month = 1, to_month = 3, percent = 50 }, { from_month = 4, to_month = 6, percent = 25 }]\n",
    );
    assert!(err.contains("ramp.steps[1].percent"), "{err}");
    let err = bad_config("fiscal_year_start_month = 13\n");
    assert!(
        err.contains("column 'fiscal_year_start_month': value '13'"),
        "{err}"
    );
    let err = bad_config("[quota]\ncompany_target = 1000000\n");
    assert!(err.contains("column 'fiscal_year'"), "{err}");
    assert!(err.contains("set fiscal_year"), "{err}");
    let err = bad_config("fiscal_year = 2025\n[quota]\ncompany_target = 1\nseasonality = [1, 2]\n");
    assert!(err.contains("column 'quota.seasonality'"), "{err}");
}

#[test]
fn quota_needs_a_company_target() {
    let tmp = tempfile::tempdir().unwrap();
    let input = copy_fixture(tmp.path());
    fs::write(
        input.join("plan.toml"),
        "fiscal_year = 2025\n[balance]\npotential_tolerance = 0.10\nworkload_tolerance = 0.20\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = run("quota", &input, &out);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("column 'quota.company_target'"), "{err}");
    assert!(!out.exists());
    // Without a target `plan` writes territories only.
    let o = run("plan", &input, &out);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!out.join("quotas.csv").exists());
    assert!(manifest(&out).get("quota").is_none());
}

#[test]
fn applied_calibration_lands_in_the_band() {
    let tmp = tempfile::tempdir().unwrap();
    let input = copy_fixture(tmp.path());
    let config =
        fs::read_to_string(input.join("plan.toml")).unwrap() + "apply_calibration = true\n";
    fs::write(input.join("plan.toml"), config).unwrap();
    let out = tmp.path().join("out");
    let o = run("plan", &input, &out);
    assert!(o.status.success(), "{}", text(&o));
    let m = manifest(&out);
    assert_eq!(m["quota"]["final_quota_is"], "calibrated");
    let share = m["quota"]["attainment"]["share_final"].as_f64().unwrap();
    assert!((0.6..=0.7).contains(&share), "{share}");
    let summary = rows(&out.join("quota_summary.csv"));
    let total: i64 = summary.iter().map(|r| int(r, "final_quota")).sum();
    assert_eq!(total, m["quota"]["final_total"].as_i64().unwrap());
    assert_eq!(
        total,
        m["quota"]["attainment"]["calibration"]["quota_total"]
            .as_i64()
            .unwrap()
    );
    assert_ne!(total, QUOTA_TOTAL);
}
