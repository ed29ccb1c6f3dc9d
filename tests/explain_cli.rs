//! `tplan explain OUT ACCOUNT_ID` end to end on `tests/fixtures/tiny`:
//! plans into a scratch folder, then explains locked, nearest and balance
//! accounts, re-plans with `--to`, and checks every refusal exits 1 with a
//! message that says what to do.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny")
}

fn tplan(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tplan"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run tplan")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A scratch folder holding a copy of the fixture in `tiny/` and its plan
/// in `out/`, planned from inside the scratch folder with relative paths
/// (so the manifest records `tiny/accounts.csv`).
fn planned() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("tiny");
    fs::create_dir_all(&dir).unwrap();
    for entry in fs::read_dir(tiny()).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    let o = tplan(&["plan", "tiny", "--out", "out"], root.path());
    assert!(o.status.success(), "plan failed: {}", stderr(&o));
    root
}

fn explain(root: &Path, args: &[&str]) -> Output {
    let mut all = vec!["explain", "out"];
    all.extend_from_slice(args);
    tplan(&all, root)
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        stderr(o)
    );
    stdout(o)
}

fn fails(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(1), "stdout: {}", stdout(o));
    assert!(stdout(o).is_empty(), "{}", stdout(o));
    stderr(o)
}

/// The reason column of the plan for `account`, read by header name.
fn reason_of(root: &Path, account: &str) -> String {
    let mut r = csv::Reader::from_path(root.join("out/assignments.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (a, reason) = (col("account_id"), col("reason"));
    r.records()
        .map(|x| x.unwrap())
        .find(|x| &x[a] == account)
        .map(|x| x[reason].to_string())
        .unwrap()
}

#[test]
fn locked_account_is_explained_by_its_lock() {
    let root = planned();
    assert_eq!(reason_of(root.path(), "A010"), "locked");
    let text = ok(&explain(root.path(), &["A010"]));
    assert!(text.starts_with("account A010  Juno Motors\n"), "{text}");
    assert!(
        text.contains("owner in the plan: R04 (Dee Detroit), 0.0 km, reason: locked"),
        "{text}"
    );
    assert!(text.contains("locked: a named account"), "{text}");
    assert!(text.contains("alternatives:"), "{text}");
    assert!(text.contains("R04 (owner)"), "{text}");
}

#[test]
fn nearest_account_names_its_rep_eligibility_and_alternatives() {
    let root = planned();
    assert_eq!(reason_of(root.path(), "A001"), "nearest");
    let text = ok(&explain(root.path(), &["A001"]));
    assert!(
        text.contains("owner in the plan: R01 (Ana Chicago), 128.5 km, reason: nearest"),
        "{text}"
    );
    assert!(
        text.contains("eligible: 2 reps with capacity cover segment SMB (balance group SMB: 2)"),
        "{text}"
    );
    assert!(text.contains("R01 is the nearest eligible rep"), "{text}");
    // Alternatives nearest first: the owner, then R02 with its extra cost
    // and what the move does to balance.
    let owner_row = text.find("  R01 (owner)").expect("owner row");
    let r02_row = text[owner_row..].find("\n  R02 ").expect("R02 row");
    assert!(text[owner_row + r02_row..].contains("outside"), "{text}");
    assert!(text.contains("single move is a local view"), "{text}");
}

#[test]
fn balance_account_says_why_the_nearest_rep_did_not_get_it() {
    let root = planned();
    assert_eq!(reason_of(root.path(), "A005"), "balance");
    let text = ok(&explain(root.path(), &["A005"]));
    assert!(text.contains("reason: balance"), "{text}");
    assert!(
        text.contains("nearest eligible rep: R01 (Ana Chicago), 54.3 km; R02 is 114.6 km farther"),
        "{text}"
    );
    assert!(
        text.contains("moving it alone to R01 would leave"),
        "{text}"
    );
    assert!(text.contains("2 reps would be outside tolerance"), "{text}");
    assert!(
        text.contains("the plan moves it from its current owner R01 to R02"),
        "{text}"
    );
}

#[test]
fn explanation_is_deterministic_and_reads_columns_by_name() {
    let root = planned();
    let first = ok(&explain(root.path(), &["A005"]));
    assert_eq!(first, ok(&explain(root.path(), &["A005"])));
    // Columns moved and new ones added (e.g. lat, lon): same explanation.
    let path = root.path().join("out/assignments.csv");
    let mut r = csv::Reader::from_path(&path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    let mut w = csv::Writer::from_path(&path).unwrap();
    let reorder = |v: &[String], extra: [&str; 2]| {
        let mut out: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        out.extend(v.iter().rev().cloned());
        out
    };
    w.write_record(reorder(&header, ["lat", "lon"])).unwrap();
    for row in &rows {
        w.write_record(reorder(row, ["1.0", "2.0"])).unwrap();
    }
    w.flush().unwrap();
    drop(w);
    assert_eq!(first, ok(&explain(root.path(), &["A005"])));
}

#[test]
fn to_rep_replans_and_reports_the_cost_without_writing() {
    let root = planned();
    let before = folder_bytes(&root.path().join("out"));
    let text = ok(&explain(root.path(), &["A007", "--to", "R03"]));
    assert!(
        text.contains("re-plan with A007 locked to R03 (Cai Indianapolis) (plan owner R04"),
        "{text}"
    );
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("potential x km "))
        .expect("objective row");
    let delta: f64 = row
        .split_whitespace()
        .nth(5)
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap();
    assert!(delta >= 0.0, "{row}");
    let changed = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("other accounts that change owner: "))
        .expect("changed-owner count");
    let count: usize = changed.split_whitespace().next().unwrap().parse().unwrap();
    assert!(count <= 11, "{changed}");
    assert!(text.contains("Nothing was written"), "{text}");
    for (p, bytes) in before {
        assert_eq!(fs::read(&p).unwrap(), bytes, "{} changed", p.display());
    }
}

#[test]
fn to_rep_that_does_not_cover_the_segment_is_refused() {
    let root = planned();
    let err = fails(&explain(root.path(), &["A010", "--to", "R03"]));
    assert!(
        err.contains("rep R03 covers MM, not segment ENT of account A010"),
        "{err}"
    );
    let err = fails(&explain(root.path(), &["A010", "--to", "R99"]));
    assert!(err.contains("unknown rep 'R99'"), "{err}");
}

#[test]
fn unknown_account_exits_1_with_the_count_and_a_suggestion() {
    let root = planned();
    let err = fails(&explain(root.path(), &["A0100"]));
    assert!(
        err.contains("unknown account 'A0100': the plan has 12 accounts; did you mean A010?"),
        "{err}"
    );
}

#[test]
fn changed_inputs_are_refused_naming_the_file() {
    let root = planned();
    let accounts = root.path().join("tiny/accounts.csv");
    let text = fs::read_to_string(&accounts).unwrap();
    fs::write(
        &accounts,
        text.replace("Acme Rockford", "Acme Rockford Inc"),
    )
    .unwrap();
    let err = fails(&explain(root.path(), &["A001"]));
    assert!(
        err.contains("tiny/accounts.csv is not the file the plan"),
        "{err}"
    );
    assert!(
        err.contains("re-run `tplan plan`, or pass --data DIR"),
        "{err}"
    );
    // The original inputs elsewhere are accepted with --data.
    let original = tiny();
    let text = ok(&explain(
        root.path(),
        &["A001", "--data", original.to_str().unwrap()],
    ));
    assert!(text.contains("reason: nearest"), "{text}");
    // A changed reps.csv is named too.
    let reps = root.path().join("tiny/reps.csv");
    fs::write(&accounts, fs::read(original.join("accounts.csv")).unwrap()).unwrap();
    let text = fs::read_to_string(&reps).unwrap();
    fs::write(&reps, text.replace("Ana Chicago", "Ana C.")).unwrap();
    let err = fails(&explain(root.path(), &["A001"]));
    assert!(
        err.contains("tiny/reps.csv is not the file the plan"),
        "{err}"
    );
}

#[test]
fn missing_inputs_say_where_to_run_or_to_pass_data() {
    let root = planned();
    let elsewhere = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    let o = tplan(
        &["explain", out.to_str().unwrap(), "A001"],
        elsewhere.path(),
    );
    let err = fails(&o);
    assert!(err.contains("cannot read tiny/accounts.csv"), "{err}");
    assert!(err.contains("pass --data DIR"), "{err}");
}

#[test]
fn a_folder_without_a_plan_is_refused() {
    let root = planned();
    let err = fails(&tplan(&["explain", "tiny", "A001"], root.path()));
    assert!(err.contains("tiny is not a tplan plan folder"), "{err}");
    fs::remove_file(root.path().join("out/assignments.csv")).unwrap();
    let err = fails(&explain(root.path(), &["A001"]));
    assert!(err.contains("it has no assignments.csv"), "{err}");
}

#[test]
fn assignments_missing_a_row_are_refused() {
    let root = planned();
    let path = root.path().join("out/assignments.csv");
    let text = fs::read_to_string(&path).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("A003,")).collect();
    fs::write(&path, kept.join("\n") + "\n").unwrap();
    let err = fails(&explain(root.path(), &["A001"]));
    assert!(
        err.contains("no row for 1 of the 12 input accounts (A003)"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let root = planned();
    let o = tplan(&["explain", "out"], root.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn a_config_with_other_tolerances_is_refused() {
    let root = planned();
    let other = root.path().join("other");
    fs::create_dir_all(&other).unwrap();
    for f in ["accounts.csv", "reps.csv"] {
        fs::copy(tiny().join(f), other.join(f)).unwrap();
    }
    fs::write(
        other.join("plan.toml"),
        "[balance]\npotential_tolerance = 0.2\n",
    )
    .unwrap();
    let err = fails(&explain(root.path(), &["A001", "--data", "other"]));
    assert!(err.contains("[balance] settings differ"), "{err}");
    // The same inputs without the config are the plan's: accepted.
    fs::remove_file(other.join("plan.toml")).unwrap();
    let text = ok(&explain(root.path(), &["A001", "--data", "other"]));
    assert!(text.contains("reason: nearest"), "{text}");
}

/// Every file under `dir` (recursively, e.g. `exports/`) with its bytes,
/// sorted by path.
fn folder_bytes(dir: &std::path::Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = fs::read(&p).unwrap();
                files.push((p, bytes));
            }
        }
    }
    files.sort();
    files
}
