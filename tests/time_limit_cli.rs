//! `--time-limit SECONDS` (issue 18, guard 13): when the limit cuts the
//! search short, `plan`, `quota` and `rebalance` write the best verified
//! plan found so far, or nothing, say which, and exit 1; a limit that does
//! not fire changes no output byte. The stopped paths are reached through
//! `TPLAN_TEST_DEADLINE` (the deadline counts as passed at a named stage),
//! so no test depends on the machine's speed; `--time-limit 0` has passed
//! before the first LP.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn tplan(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tplan"))
        .args(args)
        .env_remove("TPLAN_TEST_DEADLINE")
        .envs(env.iter().copied())
        .output()
        .expect("run tplan")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn generated(root: &Path, accounts: usize, reps: usize) -> PathBuf {
    let dir = root.join(format!("in_{accounts}_{reps}"));
    let o = tplan(
        &[
            "generate",
            "--accounts",
            &accounts.to_string(),
            "--reps",
            &reps.to_string(),
            "--out",
            s(&dir),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    dir
}

fn manifest(out: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap()
}

fn plan(input: &Path, out: &Path, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let mut args = vec!["plan", s(input), "--out", s(out), "--no-report"];
    args.extend_from_slice(extra);
    tplan(&args, env)
}

#[test]
fn a_zero_limit_writes_nothing_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = plan(
        Path::new("tests/fixtures/tiny"),
        &out,
        &["--time-limit", "0"],
        &[],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "time limit: --time-limit 0 s ran out during the LP relaxation, before any plan was found"
        ),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert!(err.contains("was not created"), "{err}");
    assert!(!out.exists());
    assert!(
        stdout(&o).is_empty(),
        "no summary of a plan that was not written"
    );
}

#[test]
fn a_zero_limit_leaves_the_earlier_plan_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let tiny = Path::new("tests/fixtures/tiny");
    assert_eq!(plan(tiny, &out, &[], &[]).status.code(), Some(0));
    let before = std::fs::read(out.join("manifest.json")).unwrap();
    let o = plan(tiny, &out, &["--time-limit", "0"], &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("keeps what it held"), "{err}");
    assert_eq!(std::fs::read(out.join("manifest.json")).unwrap(), before);
}

/// The files under `dir`, relative to it, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                files.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    files.sort();
    files
}

/// Every file of two plan folders byte-identical but manifest.json, whose
/// keys must match except the command line, `time_limit` and `timings`.
fn assert_same_plan(a: &Path, b: &Path) {
    let names = files_under(a);
    assert_eq!(names, files_under(b));
    assert!(names.len() > 3, "{names:?}");
    for name in &names {
        if name == Path::new("manifest.json") {
            continue;
        }
        assert!(
            std::fs::read(a.join(name)).unwrap() == std::fs::read(b.join(name)).unwrap(),
            "{} differs",
            name.display()
        );
    }
    let strip = |mut m: Value| {
        let o = m.as_object_mut().unwrap();
        for key in ["command", "time_limit", "timings"] {
            o.remove(key);
        }
        m
    };
    assert_eq!(strip(manifest(a)), strip(manifest(b)));
}

#[test]
fn a_generous_limit_changes_no_output() {
    let tmp = tempfile::tempdir().unwrap();
    let input = generated(tmp.path(), 1500, 12);
    let (free, limited) = (tmp.path().join("free"), tmp.path().join("limited"));
    let o = tplan(&["plan", s(&input), "--out", s(&free)], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = tplan(
        &[
            "plan",
            s(&input),
            "--out",
            s(&limited),
            "--time-limit",
            "3600",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stdout(&o).contains("time limit"), "{}", stdout(&o));
    assert_same_plan(&free, &limited);
    let m = manifest(&limited);
    assert_eq!(m["time_limit"]["seconds"], 3600.0);
    assert_eq!(m["time_limit"]["fired"], false);
    assert!(m["time_limit"]["stage"].is_null());
    assert!(manifest(&free).get("time_limit").is_none());
}

/// The checker's verdict on a written plan: every rule and band kept, and
/// the plan's bound no higher than the full LP optimum the checker solves
/// (within 1e-5: the two interior-point solves each stop within about
/// 1e-7 of their optimum, and the bound of a finished LP was measured
/// 1.8e-6 above the checker's).
fn check_written(input: &Path, out: &Path) -> (f64, f64) {
    let report = common::check_folder(input, out, true, 0.25);
    let lp = report.lp_optimum.unwrap();
    let m = manifest(out);
    let bound = m["lp_bound"].as_f64().unwrap();
    assert!(
        bound <= lp * (1.0 + 1e-5),
        "the written bound {bound} is above the LP optimum {lp}: not a bound"
    );
    let objective = m["objective"].as_f64().unwrap();
    assert!((objective - report.objective).abs() <= 1e-6 * objective);
    (bound, lp)
}

#[test]
fn stopped_in_the_lp_the_plan_from_the_last_restricted_lp_is_verified_and_written() {
    let tmp = tempfile::tempdir().unwrap();
    let input = generated(tmp.path(), 2000, 16);
    let out = tmp.path().join("out");
    let o = plan(
        &input,
        &out,
        &["--time-limit", "3600"],
        &[("TPLAN_TEST_DEADLINE", "lp")],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("time limit: --time-limit 3600 s ran out during the LP relaxation"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "this best verified plan found so far was written to {} with status Balanced",
            out.display()
        )),
        "{err}"
    );
    let text = stdout(&o);
    assert!(
        text.contains("time limit: --time-limit 3600 s ran out during the LP relaxation"),
        "{text}"
    );
    let m = manifest(&out);
    assert_eq!(m["status"], "Balanced");
    assert_eq!(m["time_limit"]["fired"], true);
    assert_eq!(m["time_limit"]["stage"], "lp");
    assert_eq!(m["solve"]["rounding_starts"], 2, "no extra starts");
    assert_eq!(m["solve"]["improve_moves"], 0, "no improvement");
    let (bound, lp) = check_written(&input, &out);
    // Stopped after one LP, the Lagrangian bound is below the optimum.
    assert!(bound < lp * (1.0 - 1e-4), "bound {bound}, LP {lp}");
}

/// A generated 2,000 x 16 plan run once freely (`free`) and once with a
/// limit that the test hook makes run out at `stage` (`out`, exit 1).
struct Stopped {
    tmp: tempfile::TempDir,
    input: PathBuf,
    free: PathBuf,
    out: PathBuf,
    err: String,
}

fn stopped_at(stage: &str) -> Stopped {
    let tmp = tempfile::tempdir().unwrap();
    let input = generated(tmp.path(), 2000, 16);
    let (free, out) = (tmp.path().join("free"), tmp.path().join("out"));
    assert_eq!(plan(&input, &free, &[], &[]).status.code(), Some(0));
    let o = plan(
        &input,
        &out,
        &["--time-limit", "3600"],
        &[("TPLAN_TEST_DEADLINE", stage)],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    Stopped {
        tmp,
        input,
        free,
        out,
        err,
    }
}

#[test]
fn stopped_in_improvement_the_repaired_plan_is_written_with_the_lp_bound() {
    let Stopped {
        tmp,
        input,
        free,
        out,
        err,
    } = stopped_at("improvement");
    assert!(
        err.contains("time limit: --time-limit 3600 s ran out while improving the plan"),
        "{err}"
    );
    let m = manifest(&out);
    assert_eq!(m["time_limit"]["stage"], "improvement");
    assert_eq!(m["solve"]["improve_moves"], 0);
    let full = manifest(&free);
    // The same LP, so the same bound; the plan is no better than the
    // improved one.
    assert_eq!(m["lp_bound"], full["lp_bound"]);
    assert!(m["objective"].as_f64().unwrap() >= full["objective"].as_f64().unwrap());
    check_written(&input, &out);
    // Stopped the same way, the same plan: the hook is deterministic.
    let again = tmp.path().join("again");
    let o = plan(
        &input,
        &again,
        &["--time-limit", "3600"],
        &[("TPLAN_TEST_DEADLINE", "improvement")],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_same_plan(&out, &again);
}

/// The limit passing in the LP-pinned rounding's LPs used to be reported
/// "during the LP relaxation", which had finished.
#[test]
fn stopped_in_the_pinned_rounding_the_plain_roundings_are_written_with_the_lp_bound() {
    // `_tmp` keeps the folder until the end of the test.
    let Stopped {
        tmp: _tmp,
        input,
        free,
        out,
        err,
    } = stopped_at("rounding");
    assert!(
        err.contains("time limit: --time-limit 3600 s ran out during the LP-pinned rounding"),
        "{err}"
    );
    assert!(!err.contains("during the LP relaxation"), "{err}");
    let m = manifest(&out);
    assert_eq!(m["status"], "Balanced");
    assert_eq!(m["time_limit"]["stage"], "rounding");
    assert_eq!(m["solve"]["improve_moves"], 0, "no improvement");
    // The relaxation finished: the LP optimum's bound, as without a limit.
    assert_eq!(m["lp_bound"], manifest(&free)["lp_bound"]);
    check_written(&input, &out);
}

#[test]
fn quota_stops_its_plan_the_same_way() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let quota = |limit: &str| {
        tplan(
            &[
                "quota",
                "tests/fixtures/quota_tiny",
                "--out",
                s(&out),
                "--time-limit",
                limit,
            ],
            &[("TPLAN_TEST_DEADLINE", "improvement")],
        )
    };
    let o = quota("0");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!out.exists());
    let o = quota("3600");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("ran out while improving the plan"), "{err}");
    let m = manifest(&out);
    assert_eq!(m["time_limit"]["stage"], "improvement");
    assert!(m.get("quota").is_some(), "the quotas of the written plan");
}

#[test]
fn rebalance_stops_the_same_way() {
    let tmp = tempfile::tempdir().unwrap();
    let input = generated(tmp.path(), 800, 8);
    let out = tmp.path().join("out");
    let rebalance = |limit: &str, env: &[(&str, &str)]| {
        tplan(
            &[
                "rebalance",
                s(&input),
                "--out",
                s(&out),
                "--no-report",
                "--time-limit",
                limit,
            ],
            env,
        )
    };
    let o = rebalance("0", &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("before any plan was found") && err.contains("nothing was written"),
        "{err}"
    );
    assert!(!out.exists());
    let o = rebalance("3600", &[("TPLAN_TEST_DEADLINE", "improvement")]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("ran out while improving the plan"), "{err}");
    assert!(err.contains("discretionary moves, where no balanced plan needs fewer than"));
    assert!(stdout(&o).contains("time limit: --time-limit 3600 s ran out while improving"));
    let m = manifest(&out);
    assert_eq!(m["time_limit"]["fired"], true);
    assert!(m.get("rebalance").is_some());
    let report = common::check_folder(&input, &out, false, 1.0);
    assert!(report.objective > 0.0);
}

#[test]
fn bad_limits_are_usage_errors() {
    for command in ["plan", "quota", "rebalance"] {
        for bad in ["-1", "NaN", "abc", "inf", ""] {
            let arg = format!("--time-limit={bad}");
            let o = tplan(&[command, "tests/fixtures/tiny", &arg], &[]);
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{command} {arg}: {err}");
            assert!(err.contains("--time-limit"), "{command} {arg}: {err}");
        }
    }
}
