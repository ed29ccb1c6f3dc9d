//! Issue 17, item 3: territories are balanced on the capacity a rep has in
//! the plan year. A rep starting after the plan year takes no accounts; a
//! rep starting in month 10 of 12 is balanced on 3/12 of its FTE. Checked
//! with the independent checker of tests/common, which applies the rule
//! from reps.csv and plan.toml on its own.

mod common;

use std::path::Path;
use std::process::Command;

fn tplan(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tplan"))
        .args(args)
        .output()
        .unwrap()
}

/// A generated instance whose first two reps (in file order) start late:
/// `late` in month 10 of fiscal 2027, `after` in 2028.
fn instance_with_late_starters(root: &Path) -> std::path::PathBuf {
    let dir = root.join("late");
    let out = tplan(&[
        "generate",
        "--accounts",
        "900",
        "--reps",
        "8",
        "--seed",
        "7",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reps = std::fs::read_to_string(dir.join("reps.csv")).unwrap();
    let mut lines = reps.lines();
    let header = lines.next().unwrap();
    let columns: Vec<&str> = header.split(',').collect();
    let start = columns.iter().position(|c| *c == "start_date");
    let segment = columns.iter().position(|c| *c == "segment").unwrap();
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    // Two reps of the largest coverage group start late, so the rest of
    // their group can absorb their accounts.
    let mut by_segment: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
    for (k, r) in rows.iter().enumerate() {
        by_segment.entry(r[segment].clone()).or_default().push(k);
    }
    let group = by_segment.values().max_by_key(|v| v.len()).unwrap().clone();
    assert!(group.len() >= 4, "generated group too small: {group:?}");
    let mut text = String::new();
    let mut header_cols = columns.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    if start.is_none() {
        header_cols.push("start_date".to_string());
    }
    let start_col = start.unwrap_or(header_cols.len() - 1);
    text.push_str(&header_cols.join(","));
    text.push('\n');
    for (k, mut r) in rows.into_iter().enumerate() {
        if start.is_none() {
            r.push(String::new());
        }
        if k == group[0] {
            r[start_col] = "2027-10-04".to_string();
        } else if k == group[1] {
            r[start_col] = "2028-02-01".to_string();
        } else if r[start_col].as_str() > "2027-01-01" {
            r[start_col] = "2020-01-01".to_string();
        }
        text.push_str(&r.join(","));
        text.push('\n');
    }
    std::fs::write(dir.join("reps.csv"), text).unwrap();
    std::fs::write(dir.join("plan.toml"), "fiscal_year = 2027\n").unwrap();
    dir
}

fn rep_ids(dir: &Path) -> Vec<String> {
    common::read_table(&dir.join("reps.csv"))
        .into_iter()
        .map(|r| r["rep_id"].clone())
        .collect()
}

#[test]
fn late_starters_are_balanced_on_the_months_they_work() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = instance_with_late_starters(tmp.path());
    let out = tmp.path().join("out");
    let run = tplan(&[
        "plan",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-report",
    ]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stdout}\n{stderr}");

    let reps = common::read_table(&dir.join("reps.csv"));
    let late = reps
        .iter()
        .find(|r| r["start_date"] == "2027-10-04")
        .unwrap()["rep_id"]
        .clone();
    let after = reps
        .iter()
        .find(|r| r["start_date"] == "2028-02-01")
        .unwrap()["rep_id"]
        .clone();
    assert!(
        stderr.contains(&format!(
            "rep '{late}' starts in 2027-10, with 3 of the plan year's 12 months left"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "rep '{after}' starts in 2028-02, after the plan year"
        )),
        "{stderr}"
    );
    assert!(
        stdout.contains("late starters balanced on the months they work"),
        "{stdout}"
    );

    // The rep starting after the year holds nothing.
    let rows = common::read_assignments(&out);
    assert!(
        rows.iter().all(|(_, r)| *r != after),
        "{after} got accounts"
    );
    assert!(rows.iter().any(|(_, r)| *r == late), "{late} got none");

    // The independent checker balances the late rep on 3/12 of its FTE;
    // every rep is within tolerance of that.
    let report = common::check_folder(&dir, &out, false, 1.0);
    let ids = rep_ids(&dir);
    let k = ids.iter().position(|id| *id == late).unwrap();
    let b = &report.balance[k];
    assert!(
        b.potential_dev().abs() <= 0.05 + 1e-6,
        "{late}: {}",
        b.potential_dev()
    );
}
