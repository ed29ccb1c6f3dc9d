//! `TPLAN_LP` picks how the planner's LP is solved: `columns` (the default,
//! column generation from a coarse model, independent pieces side by side),
//! `whole` (the same as one LP) or `dual` (Lagrangian prices and
//! reduced-cost fixing). Each must give verified plans within the checker's
//! gap of the full LP optimum, and a bad value is a usage error.

mod common;

use std::path::Path;
use std::process::{Command, Output};

/// The single-owner plan must be within this share of the LP optimum, as
/// in `independent_check.rs`.
const MAX_GAP: f64 = 0.01;

fn tplan(args: &[&str], lp: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tplan"))
        .args(args)
        .env("TPLAN_LP", lp)
        .output()
        .expect("run tplan")
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn generate(accounts: usize, reps: usize, seed: u64, out: &Path) {
    let o = tplan(
        &[
            "generate",
            "--accounts",
            &accounts.to_string(),
            "--reps",
            &reps.to_string(),
            "--seed",
            &seed.to_string(),
            "--out",
            path_str(out),
        ],
        "",
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Plan a generated instance with an LP method and check the plan
/// independently (rules, balance, gap to the checker's own full LP).
fn check_method(method: &str, accounts: usize, reps: usize, seed: u64) -> common::Report {
    check_with(method, "clarabel", accounts, reps, seed)
}

/// [`check_method`] with a given `--solver`.
fn check_with(
    method: &str,
    solver: &str,
    accounts: usize,
    reps: usize,
    seed: u64,
) -> common::Report {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("input");
    let out = tmp.path().join("out");
    generate(accounts, reps, seed, &input);
    let o = tplan(
        &[
            "plan",
            path_str(&input),
            "--out",
            path_str(&out),
            "--no-report",
            "--solver",
            solver,
        ],
        method,
    );
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(
        manifest.contains(&format!("\"lp_method\": \"{method}\"")),
        "manifest does not record the method {method}:\n{manifest}"
    );
    common::check_folder(&input, &out, true, MAX_GAP)
}

/// The dual start, and the whole model as one LP on instances that fall
/// into two pieces (600 x 12 and 1,200 x 20 do).
#[test]
fn dual_and_whole_lp_plans_pass_the_independent_check() {
    let runs = [
        ("dual", 600, 12, 2),
        ("dual", 400, 10, 3),
        ("whole", 600, 12, 2),
        ("whole", 1200, 20, 2),
    ];
    for (method, accounts, reps, seed) in runs {
        let report = check_method(method, accounts, reps, seed);
        eprintln!(
            "{accounts} x {reps} seed {seed}, {method}: gap {:.3} %",
            100.0 * report.gap().unwrap()
        );
    }
}

/// tplan's own interior-point LP (`--solver ipm`) on pieces side by side
/// and as one LP; 1,200 x 20 has groups big enough that their mean columns
/// are split.
#[test]
fn ipm_solver_plans_pass_the_independent_check() {
    for (method, accounts, reps, seed) in [("columns", 600, 12, 2), ("whole", 1200, 20, 2)] {
        let report = check_with(method, "ipm", accounts, reps, seed);
        eprintln!(
            "{accounts} x {reps} seed {seed}, {method}, ipm: gap {:.3} %",
            100.0 * report.gap().unwrap()
        );
    }
}

#[test]
fn unknown_lp_method_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("input");
    generate(50, 3, 1, &input);
    let out = tmp.path().join("out");
    let o = tplan(
        &["plan", path_str(&input), "--out", path_str(&out)],
        "simplex",
    );
    assert!(!o.status.success(), "a bad TPLAN_LP must fail the run");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("TPLAN_LP='simplex'") && stderr.contains("expected columns, whole or dual"),
        "{stderr}"
    );
    assert!(!out.exists(), "no output folder on a usage error");
}
