//! Hostile inputs and command lines (issue 18): values beyond what the
//! model solves reliably, usage errors, and the like. Each case is built
//! from `tests/fixtures/tiny` with one cell or flag changed, runs the
//! binary and checks the exit status and the message.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn tplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tplan"))
        .current_dir(manifest_dir())
        .args(args)
        .output()
        .expect("run tplan")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A copy of `tests/fixtures/tiny` in a fresh temporary folder, with
/// `from` replaced by `to` in `file` (which must contain it).
fn tiny_with(file: &str, from: &str, to: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    for name in ["accounts.csv", "reps.csv"] {
        let text =
            std::fs::read_to_string(manifest_dir().join("tests/fixtures/tiny").join(name)).unwrap();
        let text = if name == file {
            assert!(text.contains(from), "{from} not in {name}");
            text.replacen(from, to, 1)
        } else {
            text
        };
        std::fs::write(dir.join(name), text).unwrap();
    }
    (tmp, dir)
}

/// `validate` and `plan` both refuse the folder with exit 1, every needle
/// on stderr, and `plan` writes no output folder.
fn assert_refused(dir: &Path, needles: &[&str]) {
    let out_dir = dir.parent().unwrap().join("out");
    for args in [
        vec!["validate", dir.to_str().unwrap()],
        vec![
            "plan",
            dir.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
            "--no-report",
        ],
    ] {
        let out = tplan(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        for needle in needles {
            assert!(
                err.contains(needle),
                "{args:?}: expected\n  {needle}\nin\n{err}"
            );
        }
        assert!(!out_dir.exists(), "{args:?} wrote {}", out_dir.display());
    }
}

#[test]
fn potential_of_1e308_is_beyond_the_limit() {
    let (_tmp, dir) = tiny_with("accounts.csv", ",120000,", ",1e308,");
    assert_refused(
        &dir,
        &["accounts.csv:2: column 'potential': value '1e308': expected a number >= 0 (annual opportunity in currency), at most 1e12"],
    );
}

#[test]
fn potential_of_1e15_is_beyond_the_limit() {
    let (_tmp, dir) = tiny_with("accounts.csv", ",120000,", ",1e15,");
    assert_refused(
        &dir,
        &[
            "accounts.csv:2: column 'potential': value '1e15'",
            "at most 1e12",
        ],
    );
}

#[test]
fn bookings_and_pipeline_share_the_money_limit() {
    let (_tmp, dir) = tiny_with("accounts.csv", ",80000,150000,", ",2e12,3e12,");
    assert_refused(
        &dir,
        &[
            "accounts.csv:2: column 'bookings_last_year': value '2e12'",
            "accounts.csv:2: column 'pipeline': value '3e12'",
        ],
    );
}

#[test]
fn workload_of_1e308_is_beyond_the_limit() {
    let (_tmp, dir) = tiny_with("accounts.csv", ",95000,,", ",95000,1e308,");
    assert_refused(
        &dir,
        &[
            "accounts.csv:3: column 'workload': value '1e308'",
            "at most 1e6 (hours per year",
        ],
    );
}

#[test]
fn capacity_of_a_million_fte_is_beyond_the_limit() {
    let (_tmp, dir) = tiny_with("reps.csv", ",SMB,1.0,", ",SMB,1000000,");
    assert_refused(
        &dir,
        &[
            "reps.csv:2: column 'capacity': value '1000000'",
            "at most 1000 (FTE, not hours",
        ],
    );
}

#[test]
fn capacities_a_million_times_apart_are_refused() {
    let (_tmp, dir) = tiny_with("reps.csv", ",SMB,0.5,", ",SMB,0.0000001,");
    assert_refused(
        &dir,
        &["reps.csv:3: column 'capacity': value '0.0000001': fair shares of potential span more than 1e6x", "rep 'R02' (line 3"],
    );
}

#[test]
fn one_account_a_thousand_times_its_fair_share_is_refused() {
    let (_tmp, dir) = tiny_with("accounts.csv", ",120000,", ",1000000000,");
    assert_refused(
        &dir,
        &[
            "accounts.csv:2: column 'potential': value '1000000000': this account is",
            "more than the 100x the solver handles reliably",
        ],
    );
}

#[test]
fn values_at_the_limits_are_accepted() {
    let (_tmp, dir) = tiny_with("accounts.csv", ",80000,150000,", ",1e12,1e12,");
    let out = tplan(&["validate", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn an_unknown_solver_is_a_usage_error() {
    let out = tplan(&["plan", "tests/fixtures/tiny", "--solver", "bogus"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("unknown solver 'bogus'"), "{err}");
    let out = tplan(&["quota", "tests/fixtures/tiny", "--solver", "bogus"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
