//! `tplan scenarios` end to end on `tests/fixtures/scen` (the tiny fixture,
//! an open requisition REQ01 starting 2027-04, a plan.toml with a target
//! and a 12-point sweep). Figures are re-derived from the files where the
//! files allow it, not taken from the program's own summary.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

mod helpers;
use helpers::{copy_dir, num, rows, tplan};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scen")
}

fn scenarios(input: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "scenarios",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    tplan(&args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A copy of the fixture, so tests can edit plan.toml.
fn copy_of_fixture(root: &Path) -> PathBuf {
    let dir = root.join("scen");
    copy_dir(&fixture(), &dir);
    dir
}

#[test]
fn writes_the_three_default_scenarios_and_the_table() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = scenarios(&fixture(), &out, &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    for name in ["best", "likely", "worst"] {
        assert!(stdout.contains(&format!("  {name} ")), "{stdout}");
    }
    assert!(stdout.contains("1 open requisition"), "{stdout}");

    let s = rows(&out.join("scenarios.csv"));
    let names: Vec<&str> = s.iter().map(|r| r["scenario"].as_str()).collect();
    assert_eq!(names, ["best", "likely", "worst"]);
    for col in [
        "scenario",
        "hires_needed",
        "latest_hire_month",
        "ramped_fte_year_end",
        "expected_bookings",
        "gap_to_target",
        "total_cost",
        "cost_per_dollar",
    ] {
        assert!(s[0].contains_key(col), "missing {col}");
    }
    // Worse assumptions never need fewer hires or book more.
    let hires: Vec<f64> = s.iter().map(|r| num(r, "hires_needed")).collect();
    let bookings: Vec<f64> = s.iter().map(|r| num(r, "expected_bookings")).collect();
    assert!(hires[0] <= hires[1] && hires[1] <= hires[2], "{hires:?}");
    assert!(bookings[0] > bookings[1] && bookings[1] > bookings[2]);

    // Monthly file: 12 months per scenario; its bookings add up to the
    // scenario's figures, and the plan with hires makes the target.
    let m = rows(&out.join("scenarios_monthly.csv"));
    assert_eq!(m.len(), 36);
    for r in &s {
        let months: Vec<_> = m
            .iter()
            .filter(|x| x["scenario"] == r["scenario"])
            .collect();
        assert_eq!(months.len(), 12);
        assert_eq!(months[0]["month"], "2027-01");
        let sum: f64 = months.iter().map(|x| num(x, "bookings")).sum();
        assert!((sum - num(r, "expected_bookings")).abs() < 0.1, "{sum}");
        let with: f64 = months.iter().map(|x| num(x, "bookings_with_hires")).sum();
        assert!((with - num(r, "bookings_with_hires")).abs() < 0.1);
        assert!(
            with >= num(r, "target") - 0.1,
            "{} does not make it",
            r["scenario"]
        );
        let target = num(r, "target");
        assert!((num(r, "gap_to_target") - (target - sum)).abs() < 0.1);
        let cost: f64 = months.iter().map(|x| num(x, "cost_with_hires")).sum();
        assert!((cost - num(r, "total_cost")).abs() < 0.1);
        assert!((num(r, "cost_per_dollar") - cost / with).abs() < 1e-5);
        // The solved hires start in the latest hire month.
        let latest = &r["latest_hire_month"];
        let k = months.iter().position(|x| &x["month"] == latest).unwrap();
        let jump = num(months[k], "headcount_with_hires") - num(months[k], "headcount");
        assert!((jump - num(r, "hires_needed")).abs() < 1e-3, "{jump}");
        // The open requisition joins in April with no ramped capacity yet.
        let april = months.iter().find(|x| x["month"] == "2027-04").unwrap();
        assert!(num(april, "starts") >= 1.0);
    }
    let y = rows(&out.join("scenarios_yearly.csv"));
    assert_eq!(y.len(), 3);
}

#[test]
fn reruns_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert!(scenarios(&fixture(), &a, &[]).status.success());
    assert!(scenarios(&fixture(), &b, &[]).status.success());
    for f in [
        "scenarios.csv",
        "scenarios_monthly.csv",
        "scenarios_yearly.csv",
        "sweep.csv",
    ] {
        assert_eq!(
            fs::read(a.join(f)).unwrap(),
            fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    // Again into the same folder: replaced, identical.
    let before = fs::read(a.join("scenarios.csv")).unwrap();
    assert!(scenarios(&fixture(), &a, &[]).status.success());
    assert_eq!(fs::read(a.join("scenarios.csv")).unwrap(), before);
}

#[test]
fn sweep_covers_the_grid_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert!(scenarios(&fixture(), &out, &[]).status.success());
    let s = rows(&out.join("sweep.csv"));
    assert_eq!(s.len(), 12);
    let grid: Vec<(String, String, String)> = s
        .iter()
        .map(|r| {
            (
                r["attrition"].clone(),
                r["attainment"].clone(),
                r["lead_time_months"].clone(),
            )
        })
        .collect();
    assert_eq!(grid[0], ("0.1000".into(), "0.9000".into(), "1".into()));
    assert_eq!(grid[1], ("0.1000".into(), "0.9000".into(), "2".into()));
    assert_eq!(grid[3], ("0.1000".into(), "1.0000".into(), "1".into()));
    assert_eq!(grid[11], ("0.2000".into(), "1.0000".into(), "3".into()));
    let points: Vec<String> = s.iter().map(|r| r["point"].clone()).collect();
    assert_eq!(points.first().unwrap(), "1");
    // More attrition, same rest: fewer bookings.
    assert!(num(&s[0], "expected_bookings") > num(&s[6], "expected_bookings"));
}

#[test]
fn missing_fiscal_year_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = copy_of_fixture(tmp.path());
    let toml = fs::read_to_string(dir.join("plan.toml")).unwrap();
    fs::write(
        dir.join("plan.toml"),
        toml.replace("fiscal_year = 2027\n", ""),
    )
    .unwrap();
    let o = scenarios(&dir, &tmp.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("column 'fiscal_year'"), "{err}");
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn bad_scenario_value_names_key_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = copy_of_fixture(tmp.path());
    let mut toml = fs::read_to_string(dir.join("plan.toml")).unwrap();
    toml.push_str("\n[scenarios.worst]\nattrition = 1.5\n");
    fs::write(dir.join("plan.toml"), &toml).unwrap();
    let line = toml.lines().count();
    let o = scenarios(&dir, &tmp.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    let expected = format!("plan.toml:{line}: column 'scenarios.worst.attrition': value '1.5'");
    assert!(err.contains(&expected), "{err}");
}

#[test]
fn scenarios_join_a_plan_folder_and_the_open_req_gets_a_territory() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let input = fixture();
    let o = tplan(&[
        "plan",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    // The open requisition (no name) is planned like any rep.
    let t = rows(&out.join("territories.csv"));
    let req = t.iter().find(|r| r["rep_id"] == "REQ01").expect("REQ01");
    assert!(num(req, "accounts") >= 1.0);
    let manifest = fs::read(out.join("manifest.json")).unwrap();
    let assignments = fs::read(out.join("assignments.csv")).unwrap();

    let o = scenarios(&input, &out, &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(fs::read(out.join("manifest.json")).unwrap(), manifest);
    assert_eq!(fs::read(out.join("assignments.csv")).unwrap(), assignments);
    assert!(out.join("scenarios.csv").is_file());
    let own: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("scenarios_manifest.json")).unwrap()).unwrap();
    assert_eq!(own["kind"], "scenarios");
    let leftovers: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn refuses_to_write_into_the_input_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = copy_of_fixture(tmp.path());
    let o = scenarios(&dir, &dir, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!dir.join("scenarios.csv").exists());
}

#[test]
fn config_flag_and_a_multi_year_horizon() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("three_years.toml");
    let mut toml = fs::read_to_string(fixture().join("plan.toml")).unwrap();
    toml = toml.replace(
        "[scenarios]\n",
        "[scenarios]\nhorizon_months = 36\ntarget_growth = 0.1\n",
    );
    fs::write(&config, toml).unwrap();
    let out = tmp.path().join("out");
    let o = scenarios(&fixture(), &out, &["--config", config.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let m = rows(&out.join("scenarios_monthly.csv"));
    assert_eq!(m.len(), 3 * 36);
    assert_eq!(m[35]["month"], "2029-12");
    let y = rows(&out.join("scenarios_yearly.csv"));
    let likely: Vec<_> = y.iter().filter(|r| r["scenario"] == "likely").collect();
    let starts: Vec<&str> = likely
        .iter()
        .map(|r| r["fiscal_year_start"].as_str())
        .collect();
    assert_eq!(starts, ["2027-01", "2028-01", "2029-01"]);
    assert!((num(likely[2], "target") - 1_500_000.0 * 1.21).abs() < 0.01);
    // Each year's bookings are the sum of its months.
    for (i, r) in likely.iter().enumerate() {
        let sum: f64 = m
            .iter()
            .filter(|x| x["scenario"] == "likely")
            .skip(12 * i)
            .take(12)
            .map(|x| num(x, "bookings_with_hires"))
            .sum();
        assert!((sum - num(r, "bookings_with_hires")).abs() < 0.1);
    }
    // The plan-year row is the same as with a 12-month horizon.
    let one = tmp.path().join("one");
    assert!(scenarios(&fixture(), &one, &[]).status.success());
    let a = rows(&out.join("scenarios.csv"));
    let b = rows(&one.join("scenarios.csv"));
    assert_eq!(a[1]["hires_needed"], b[1]["hires_needed"]);
    assert_eq!(a[1]["expected_bookings"], b[1]["expected_bookings"]);
}

/// Issue 17, item 6: `group_by = "segment"` models each segment coverage
/// on its own and rolls the groups up; the CSV's `all` rows are the sums
/// of the groups' rows, and the stdout table shows them side by side.
#[test]
fn scenarios_by_segment_roll_up_the_groups() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = copy_of_fixture(tmp.path());
    let mut toml = fs::read_to_string(dir.join("plan.toml")).unwrap();
    toml = toml.replace(
        "[scenarios]\n",
        "[scenarios]\ngroup_by = \"segment\"\nmax_hires_per_month = 1\n",
    );
    toml.push_str("\n[scenarios.groups.MM]\nramp_months = 12\n");
    fs::write(dir.join("plan.toml"), &toml).unwrap();
    let out = tmp.path().join("out");
    let o = scenarios(&dir, &out, &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    assert!(stdout.contains("by group (3 groups"), "{stdout}");
    assert!(stdout.contains("MM gap/hires"), "{stdout}");

    let g = rows(&out.join("scenarios_groups.csv"));
    let groups: Vec<&str> = g
        .iter()
        .filter(|r| r["scenario"] == "likely")
        .map(|r| r["group"].as_str())
        .collect();
    assert_eq!(groups, ["ENT;MM", "MM", "SMB", "all"]);
    for scenario in ["best", "likely", "worst"] {
        let of: Vec<_> = g.iter().filter(|r| r["scenario"] == scenario).collect();
        let (parts, all) = of.split_at(of.len() - 1);
        for col in ["target", "expected_bookings", "gap_to_target", "total_cost"] {
            let sum: f64 = parts.iter().map(|r| num(r, col)).sum();
            assert!((sum - num(all[0], col)).abs() < 0.05, "{scenario} {col}");
        }
        let share: f64 = parts.iter().map(|r| num(r, "target_share")).sum();
        assert!((share - 1.0).abs() < 1e-3, "{scenario}: shares {share}");
        // No month takes more than the cap of one hire.
        for r in parts {
            for m in r["hires_by_month"].split(';').filter(|m| !m.is_empty()) {
                assert!(m.ends_with(":1"), "{scenario} {}: {m}", r["group"]);
            }
        }
        let mm = parts.iter().find(|r| r["group"] == "MM").unwrap();
        assert_eq!(mm["ramp_months"], "12", "MM's own ramp");
    }
}
