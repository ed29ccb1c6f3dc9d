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
fn one_account_a_thousand_times_its_fair_share_of_workload_is_refused() {
    // The rest of SMB (four accounts at the 20 h default) gives R01 a fair
    // share of 53 h: 100,000 h is about 1,900 of them.
    let (_tmp, dir) = tiny_with("accounts.csv", ",60000,12,", ",60000,100000,");
    assert_refused(
        &dir,
        &[
            "accounts.csv:4: column 'workload': value '100000': this account is 1875x the largest fair share of workload",
            "(53 hours for rep 'R01')",
            "more than the 100x the solver handles reliably",
        ],
    );
}

#[test]
fn a_segment_default_workload_beyond_the_rest_says_where_it_comes_from() {
    // A001's workload cell is empty (the 20 h SMB default); the other SMB
    // accounts are given 0.01 h each, so R01's fair share of the rest is
    // 0.027 h and the default is 750x it.
    let (_tmp, dir) = tiny_with("accounts.csv", ",60000,12,", ",60000,0.01,");
    let path = dir.join("accounts.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text
        .replacen(",95000,,", ",95000,0.01,", 1)
        .replacen(",110000,,", ",110000,0.01,", 1)
        .replacen(",105000,,", ",105000,0.01,", 1);
    std::fs::write(&path, text).unwrap();
    assert_refused(
        &dir,
        &[
            "accounts.csv:2: column 'workload': value '20': this account is 750x the largest fair share of workload",
            "its workload cell is empty: 20 hours is the [workload] default for segment SMB",
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

// ------------------------------------------------------------ generate

fn generate(accounts: &str, reps: &str, out: &Path) -> Output {
    tplan(&[
        "generate",
        "--accounts",
        accounts,
        "--reps",
        reps,
        "--out",
        out.to_str().unwrap(),
    ])
}

#[test]
fn generate_refuses_counts_beyond_the_limits_before_allocating() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("g");
    for (accounts, reps, needle) in [
        (
            "10000000000000000000",
            "3",
            "10000000000000000000 is not in 1..=10000000",
        ),
        ("100000000000", "3", "100000000000 is not in 1..=10000000"),
        ("0", "3", "0 is not in 1..=10000000"),
        ("10", "0", "0 is not in 1..=100000"),
    ] {
        let result = generate(accounts, reps, &out);
        let err = stderr(&result);
        assert_eq!(result.status.code(), Some(2), "{accounts} {reps}: {err}");
        assert!(err.contains(needle), "{err}");
        assert!(!out.exists());
    }
}

#[test]
fn generate_refuses_a_folder_holding_the_users_data() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("mine");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("accounts.csv"), "my precious data\n").unwrap();
    let result = generate("10", "2", &out);
    let err = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{err}");
    assert!(
        err.contains("already holds files tplan generate did not write (accounts.csv)"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("accounts.csv")).unwrap(),
        "my precious data\n"
    );
    assert!(!out.join("reps.csv").exists());
}

#[test]
fn generate_writes_into_an_empty_folder_and_again_into_its_own() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("g");
    std::fs::create_dir(&out).unwrap();
    for seed_run in 0..2 {
        let result = generate("20", "3", &out);
        assert_eq!(
            result.status.code(),
            Some(0),
            "run {seed_run}: {}",
            stderr(&result)
        );
    }
    assert!(out.join(".tplan-generated").is_file());
    let check = tplan(&["validate", out.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

#[test]
fn generate_onto_a_file_says_so_once() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("afile");
    std::fs::write(&file, "x").unwrap();
    let result = generate("10", "2", &file);
    let err = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{err}");
    assert!(err.contains("is an existing file, not a folder"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let below = generate("10", "2", &file.join("sub"));
    let err = stderr(&below);
    assert_eq!(below.status.code(), Some(1), "{err}");
    assert_eq!(
        err.matches("os error").count(),
        1,
        "the OS error once: {err}"
    );
}

// ------------------------------------------------------------ output swap

/// `tplan plan tests/fixtures/tiny --out OUT --no-report` with extra
/// environment variables (the swap's fault injection).
fn plan_tiny(out: &Path, env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tplan"))
        .current_dir(manifest_dir())
        .args([
            "plan",
            "tests/fixtures/tiny",
            "--out",
            out.to_str().unwrap(),
            "--no-report",
        ])
        .envs(env.iter().copied())
        .output()
        .expect("run tplan")
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn is_complete_plan(out: &Path) -> bool {
    ["manifest.json", "assignments.csv", "territories.csv"]
        .iter()
        .all(|f| out.join(f).is_file())
}

#[test]
fn a_kill_between_the_fallback_renames_is_undone_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_eq!(plan_tiny(&out, &[]).status.code(), Some(0));
    let killed = plan_tiny(
        &out,
        &[
            ("TPLAN_TEST_NO_EXCHANGE", "1"),
            ("TPLAN_TEST_FAULT", "after-move-aside"),
        ],
    );
    assert_eq!(killed.status.code(), None, "aborted: {}", stderr(&killed));
    // The gap of the rename-aside path: the old folder is hidden.
    assert!(!out.exists());
    assert!(names_in(tmp.path())
        .iter()
        .any(|n| n.starts_with(".out.old-")));

    let next = plan_tiny(&out, &[]);
    let err = stderr(&next);
    assert_eq!(next.status.code(), Some(0), "{err}");
    assert!(err.contains("note: restored"), "{err}");
    assert!(is_complete_plan(&out));
    assert_eq!(
        names_in(tmp.path()),
        vec!["out".to_string()],
        "stale folders removed"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_kill_right_after_the_exchange_leaves_the_new_plan_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_eq!(plan_tiny(&out, &[]).status.code(), Some(0));
    let first = std::fs::read(out.join("manifest.json")).unwrap();
    let killed = plan_tiny(&out, &[("TPLAN_TEST_FAULT", "after-exchange")]);
    assert_eq!(killed.status.code(), None, "aborted: {}", stderr(&killed));
    // Never absent: the new plan is in place, the old one is in the
    // killed run's temporary folder.
    assert!(is_complete_plan(&out));
    let stale: Vec<String> = names_in(tmp.path())
        .into_iter()
        .filter(|n| n.starts_with(".out.tmp-"))
        .collect();
    assert_eq!(stale.len(), 1, "{stale:?}");
    let old = tmp.path().join(&stale[0]);
    assert!(is_complete_plan(&old), "the old plan, swapped out");
    assert_eq!(std::fs::read(old.join("manifest.json")).unwrap(), first);

    assert_eq!(plan_tiny(&out, &[]).status.code(), Some(0));
    assert_eq!(
        names_in(tmp.path()),
        vec!["out".to_string()],
        "stale folder removed"
    );
}

// ------------------------------------------------------------ messages

/// A copy of `tests/fixtures/tiny` with `plan.toml` holding `config`.
fn tiny_with_config(config: &str) -> (tempfile::TempDir, PathBuf) {
    let (tmp, dir) = tiny_with("accounts.csv", "", "");
    std::fs::write(dir.join("plan.toml"), config).unwrap();
    (tmp, dir)
}

fn validate_err(dir: &Path) -> String {
    let out = tplan(&["validate", dir.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    err
}

#[test]
fn ramp_step_errors_name_the_plan_toml_line() {
    let (_tmp, dir) = tiny_with_config(
        "[ramp]\nsteps = [\n    { from_month = 1, to_month = 3, percent = 50 },\n    { from_month = 5, to_month = 6, percent = 200 },\n]\n",
    );
    let err = validate_err(&dir);
    assert!(
        err.contains("plan.toml:4: column 'ramp.steps[1].from_month': value '5': a gap"),
        "{err}"
    );
    assert!(
        err.contains("plan.toml:4: column 'ramp.steps[1].percent': value '200'"),
        "{err}"
    );
}

#[test]
fn integer_overflow_in_plan_toml_gives_the_range() {
    let (_tmp, dir) = tiny_with_config("[quota.attainment]\nsimulations = 1e12\n");
    let err = validate_err(&dir);
    assert!(
        err.contains("expected a whole number from 0 to 4,294,967,295"),
        "{err}"
    );
    assert!(!err.contains("u32"), "{err}");
    let (_tmp, dir) = tiny_with_config("fiscal_year = 99999999999\n");
    let err = validate_err(&dir);
    assert!(err.contains("plan.toml:1: column 'fiscal_year'"), "{err}");
    assert!(!err.contains("i32"), "{err}");
}

#[test]
fn fiscal_year_zero_is_refused() {
    let (_tmp, dir) = tiny_with_config("fiscal_year = 0\n");
    let err = validate_err(&dir);
    assert!(
        err.contains("plan.toml:1: column 'fiscal_year': value '0': expected a calendar year from 1900 to 9999"),
        "{err}"
    );
}

#[test]
fn a_date_that_does_not_exist_says_so() {
    let (_tmp, dir) = tiny_with("reps.csv", "2019-04-01", "2027-02-30");
    let err = validate_err(&dir);
    assert!(
        err.contains("reps.csv:2: column 'start_date': value '2027-02-30': no such date"),
        "{err}"
    );
}

#[test]
fn all_capacities_zero_reports_the_root_cause_alone() {
    let err = validate_err(Path::new("tests/fixtures/bad_zero_capacity"));
    assert!(err.contains("total capacity is 0"), "{err}");
    assert!(err.contains("1 problem in the input"), "{err}");
    assert!(!err.contains("locked to rep"), "{err}");
}

#[test]
fn a_corrupt_manifest_is_called_corrupt() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_eq!(plan_tiny(&out, &[]).status.code(), Some(0));
    std::fs::write(out.join("manifest.json"), "{\"tplan_version\": \"0.1").unwrap();
    let report = tplan(&["report", out.to_str().unwrap()]);
    let err = stderr(&report);
    assert_eq!(report.status.code(), Some(1), "{err}");
    assert!(err.contains("manifest.json is corrupt"), "{err}");
    let again = plan_tiny(&out, &[]);
    let err = stderr(&again);
    assert_eq!(again.status.code(), Some(1), "{err}");
    assert!(err.contains("manifest.json is corrupt"), "{err}");
}

#[test]
fn an_unwritable_output_names_the_path_once() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("afile");
    std::fs::write(&file, "x").unwrap();
    let out = plan_tiny(&file.join("out"), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.matches("os error").count(), 1, "{err}");
    assert!(!err.contains(".tmp-"), "no internal temp path: {err}");
}

#[cfg(unix)]
#[test]
fn a_fifo_as_accounts_csv_is_refused_without_hanging() {
    let (_tmp, dir) = tiny_with("accounts.csv", "", "");
    std::fs::remove_file(dir.join("accounts.csv")).unwrap();
    let made = Command::new("mkfifo")
        .arg(dir.join("accounts.csv"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let err = validate_err(&dir);
    assert!(
        err.contains("accounts.csv: cannot read the file: it is a special file (a FIFO, socket or device), not a regular file"),
        "{err}"
    );
}

#[test]
fn a_folder_as_reps_csv_is_refused() {
    let (_tmp, dir) = tiny_with("accounts.csv", "", "");
    std::fs::remove_file(dir.join("reps.csv")).unwrap();
    std::fs::create_dir(dir.join("reps.csv")).unwrap();
    let err = validate_err(&dir);
    assert!(
        err.contains("reps.csv: cannot read the file: it is a folder"),
        "{err}"
    );
}

#[test]
fn a_nul_byte_in_a_name_is_refused() {
    let (_tmp, dir) = tiny_with("accounts.csv", "Acme Rockford", "Acme\0Rockford");
    let err = validate_err(&dir);
    assert!(
        err.contains(
            "accounts.csv:2: column 'name': value 'Acme\\0Rockford': control character U+0000"
        ),
        "{err}"
    );
}

#[test]
fn an_outside_tolerance_plan_prints_no_negative_gap() {
    // One account ten times its segment's other potential: no balanced plan.
    let (tmp, dir) = tiny_with("accounts.csv", ",120000,", ",3000000,");
    let out_dir = tmp.path().join("out");
    let out = tplan(&[
        "plan",
        dir.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "--no-report",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(text.contains("OUTSIDE TOLERANCE"), "{text}");
    assert!(text.contains("does not apply to this one"), "{text}");
    assert!(!text.contains("above the bound"), "{text}");
}

/// The phase lines of a run's stderr (a log, not a terminal), checked to
/// be `SECONDS s  PHASE` with the seconds rising.
fn phases(err: &str) -> Vec<String> {
    let lines: Vec<&str> = err.lines().filter(|l| l.contains(" s  ")).collect();
    let mut last = 0.0;
    for line in &lines {
        let seconds: f64 = line.trim().split(' ').next().unwrap().parse().unwrap();
        assert!(seconds >= last, "{err}");
        last = seconds;
    }
    assert!(!err.contains('\r'), "no spinner redraws in a log: {err:?}");
    lines
        .iter()
        .map(|l| l.split_once(" s  ").unwrap().1.to_string())
        .collect()
}

#[test]
fn progress_in_a_log_is_one_line_per_phase() {
    let tmp = tempfile::tempdir().unwrap();
    let out = plan_tiny(&tmp.path().join("out"), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(
        phases(&err),
        [
            "reading the inputs",
            "solving the LP relaxation",
            "rounding and repairing",
            "verifying the plan",
            "writing the output folder",
        ],
        "{err}"
    );
}

#[test]
fn every_long_command_logs_its_phases_reading_to_writing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = tplan(&[
        "quota",
        "tests/fixtures/quota_tiny",
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(
        phases(&err),
        [
            "reading the inputs",
            "solving the LP relaxation",
            "rounding and repairing",
            "verifying the plan",
            "setting quotas",
            "writing the output folder",
            "drawing the report",
            "writing the workbook",
        ],
        "quota, planning first: {err}"
    );
    let o = tplan(&[
        "quota",
        "tests/fixtures/quota_tiny",
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(
        phases(&err),
        [
            "reading the inputs",
            "setting quotas",
            "writing the quota files",
            "writing the workbook",
        ],
        "quota on a plan: {err}"
    );
    let o = tplan(&["report", out.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(
        phases(&err),
        [
            "drawing the report",
            "writing the workbook",
            "replacing the files"
        ],
        "report: {err}"
    );
    let o = tplan(&[
        "scenarios",
        "tests/fixtures/scen",
        "--out",
        tmp.path().join("scen").to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let logged = phases(&err);
    assert_eq!(
        logged[..2],
        ["reading the inputs", "running the scenarios"],
        "{err}"
    );
    assert_eq!(logged.last().unwrap(), "writing the output folder", "{err}");
}

// ------------------------------------------------------------ run lock

#[cfg(unix)]
#[test]
fn a_second_run_on_the_same_output_is_refused_with_the_first_ones_pid() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // A live process stands in for a first run that holds the lock.
    let mut first = Command::new("sleep").arg("60").spawn().expect("sleep");
    let lock = tmp.path().join(".out.lock");
    std::fs::write(&lock, format!("{}\n", first.id())).unwrap();

    let second = plan_tiny(&out, &[]);
    let err = stderr(&second);
    assert_eq!(second.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "another tplan run (PID {}) is writing",
            first.id()
        )),
        "{err}"
    );
    assert!(!out.exists());

    // The first run dies without releasing it (as kill -9 would leave it):
    // the next run takes the lock over and releases it when done.
    first.kill().unwrap();
    first.wait().unwrap();
    let third = plan_tiny(&out, &[]);
    assert_eq!(third.status.code(), Some(0), "{}", stderr(&third));
    assert!(is_complete_plan(&out));
    assert!(!lock.exists(), "released on exit");
}

#[test]
fn a_finished_run_leaves_no_lock_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_eq!(plan_tiny(&out, &[]).status.code(), Some(0));
    let failed = tplan(&[
        "plan",
        "tests/fixtures/bad_lat",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(failed.status.code(), Some(1));
    assert_eq!(names_in(tmp.path()), vec!["out".to_string()]);
}

#[test]
fn a_name_that_a_spreadsheet_would_run_is_warned() {
    let (_tmp, dir) = tiny_with("accounts.csv", "Acme Rockford", "=HYPERLINK(\"http://x\")");
    let out = tplan(&["validate", dir.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("accounts.csv:2: column 'name': value '=HYPERLINK(\"http://x\")': 1 row has a cell starting with =, +, - or @"),
        "{err}"
    );
    // A negative number in an extra column is a number, not a formula.
    let (_tmp, dir) = tiny_with("accounts.csv", "named account", "-12.5");
    let out = tplan(&["validate", dir.to_str().unwrap()]);
    assert!(!stderr(&out).contains("formula"), "{}", stderr(&out));
}
