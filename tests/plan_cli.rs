//! `tplan plan` end to end: runs the binary on `tests/fixtures/tiny` and
//! checks the output folder independently of the planner's own figures.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TINY: &str = "tests/fixtures/tiny";

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(TINY)
}

fn tplan(args: &[&str], cwd: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tplan"));
    cmd.args(args);
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    cmd.output().expect("run tplan")
}

fn plan(input: &Path, out: &Path) -> Output {
    tplan(
        &[
            "plan",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    )
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A copy of the tiny fixture in a scratch folder, so a refused run that
/// wrongly went ahead could never damage the repository's fixture.
fn copy_of_tiny(root: &Path) -> PathBuf {
    let dir = root.join("tiny");
    fs::create_dir_all(&dir).unwrap();
    for entry in fs::read_dir(tiny()).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    dir
}

fn listing(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let bytes = if e.path().is_file() {
                fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect()
}

fn ids(path: &Path, column: &str) -> Vec<String> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let idx = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("{} has no column {column}", path.display()));
    r.records()
        .map(|rec| rec.unwrap()[idx].to_string())
        .collect()
}

/// The manifest as JSON with its `timings` removed.
fn manifest_without_timings(dir: &Path) -> serde_json::Value {
    let text = fs::read_to_string(dir.join("manifest.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v.as_object_mut()
        .unwrap()
        .remove("timings")
        .expect("manifest has timings");
    v
}

#[test]
fn plan_tiny_succeeds_and_writes_three_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = plan(&tiny(), &out);
    assert!(
        o.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(&o),
        stderr(&o)
    );
    for f in ["assignments.csv", "territories.csv", "manifest.json"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let text = stdout(&o);
    assert!(text.contains("status: balanced"), "{text}");
    assert!(
        text.contains(&format!("output: {}", out.display())),
        "{text}"
    );
}

/// Checks that hold for any completed run, balanced or not (an
/// `OutsideTolerance` plan is written in full too).
#[test]
fn assignments_name_every_account_once_with_a_known_rep() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = plan(&tiny(), &out);
    assert!(out.join("manifest.json").is_file(), "{}", stderr(&o));

    let mut expected = ids(&tiny().join("accounts.csv"), "account_id");
    expected.sort();
    let got = ids(&out.join("assignments.csv"), "account_id");
    assert_eq!(
        got, expected,
        "one row per account, each once, sorted by id"
    );

    let reps = ids(&tiny().join("reps.csv"), "rep_id");
    for rep in ids(&out.join("assignments.csv"), "rep_id") {
        assert!(reps.contains(&rep), "unknown rep {rep}");
    }
    let mut rep_rows = ids(&out.join("territories.csv"), "rep_id");
    let mut sorted_reps = reps.clone();
    sorted_reps.sort();
    assert_eq!(rep_rows, sorted_reps, "one territory row per rep, sorted");
    rep_rows.dedup();
    assert_eq!(rep_rows.len(), reps.len());

    let bytes = fs::read(out.join("assignments.csv")).unwrap();
    assert!(!bytes.contains(&b'\r'), "LF line ends");
    assert!(!bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "no BOM");

    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["counts"]["accounts"], expected.len());
    assert_eq!(manifest["inputs"].as_array().unwrap().len(), 2);
    let status = manifest["status"].as_str().unwrap();
    assert_eq!(o.status.success(), status == "Balanced", "{}", stderr(&o));
    // A small plan: the two plain roundings, 14 seeded ones and the
    // LP-pinned one, and the manifest says which one was kept.
    assert_eq!(manifest["solve"]["rounding_starts"], 17);
    let kept = manifest["solve"]["rounding_kept"].as_str().unwrap();
    assert!(
        kept == "largest share" || kept.starts_with("band-aware") || kept == "LP-pinned",
        "{kept}"
    );
}

#[test]
fn second_run_is_byte_identical_apart_from_timings() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let first = plan(&tiny(), &out);
    assert!(out.join("manifest.json").is_file(), "{}", stderr(&first));
    let a1 = fs::read(out.join("assignments.csv")).unwrap();
    let t1 = fs::read(out.join("territories.csv")).unwrap();
    let m1 = manifest_without_timings(&out);

    // Same command line, same folder: the earlier output is replaced.
    let second = plan(&tiny(), &out);
    assert_eq!(first.status.code(), second.status.code());
    assert_eq!(fs::read(out.join("assignments.csv")).unwrap(), a1);
    assert_eq!(fs::read(out.join("territories.csv")).unwrap(), t1);
    assert_eq!(manifest_without_timings(&out), m1);
    let names: Vec<String> = listing(tmp.path()).into_keys().collect();
    assert_eq!(names, ["out"], "no temporary folders left behind");
}

#[test]
fn refuses_to_write_into_the_input_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let input = copy_of_tiny(tmp.path());
    let before = listing(&input);

    let o = plan(&input, &input);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("refusing to write the output into the input folder"),
        "{err}"
    );
    assert_eq!(listing(&input), before, "input folder untouched");

    // A folder that contains the input folder is refused too.
    let o = plan(&input, tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("contains the input folder"),
        "{}",
        stderr(&o)
    );
    assert_eq!(listing(&input), before);

    // And so is an input file itself.
    let o = plan(&input, &input.join("accounts.csv"));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("input file"), "{}", stderr(&o));
    assert_eq!(listing(&input), before);
}

#[test]
fn does_not_replace_a_folder_tplan_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let mine = tmp.path().join("mine");
    fs::create_dir(&mine).unwrap();
    fs::write(mine.join("notes.txt"), "keep me\n").unwrap();
    let before = listing(&mine);

    let o = plan(&tiny(), &mine);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("not a tplan output folder"), "{err}");
    assert_eq!(listing(&mine), before, "folder untouched");
    let names: Vec<String> = listing(tmp.path()).into_keys().collect();
    assert_eq!(names, ["mine"], "nothing else created");
}

#[test]
fn default_output_is_reports_and_input_folder_name() {
    let tmp = tempfile::tempdir().unwrap();
    let o = tplan(&["plan", tiny().to_str().unwrap()], Some(tmp.path()));
    let out = tmp.path().join("reports").join("tiny");
    assert!(out.join("manifest.json").is_file(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("output: reports/tiny"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn bad_input_leaves_no_output_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let input = copy_of_tiny(tmp.path());
    fs::write(input.join("reps.csv"), "rep_id,lat,lon\n").unwrap();
    let out = tmp.path().join("out");
    let o = plan(&input, &out);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!out.exists());
    let names: Vec<String> = listing(tmp.path()).into_keys().collect();
    assert_eq!(names, ["tiny"], "no temporary folders left behind");
}

/// (moved accounts, accounts with reason `continuity`) in an output folder.
fn moves_and_continuity(out: &Path) -> (usize, usize) {
    let mut r = csv::Reader::from_path(out.join("assignments.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (moved, reason) = (col("moved"), col("reason"));
    let mut counts = (0, 0);
    for row in r.records() {
        let row = row.unwrap();
        counts.0 += usize::from(&row[moved] == "true");
        counts.1 += usize::from(&row[reason] == "continuity");
    }
    counts
}

#[test]
fn continuity_cost_keeps_accounts_with_their_owner() {
    let tmp = tempfile::tempdir().unwrap();
    let free = tmp.path().join("free");
    let o = plan(&tiny(), &free);
    assert!(o.status.success(), "{}", stderr(&o));
    let (moved_free, kept_free) = moves_and_continuity(&free);
    assert!(moved_free > 0, "the tiny fixture's plan moves accounts");
    assert_eq!(kept_free, 0, "no continuity reason when it is off");

    let input = copy_of_tiny(tmp.path());
    fs::write(
        input.join("plan.toml"),
        "[continuity]\nmove_cost_km = 100\n",
    )
    .unwrap();
    let kept = tmp.path().join("kept");
    let o = plan(&input, &kept);
    assert!(o.status.success(), "{}", stderr(&o));
    let (moved, continuity) = moves_and_continuity(&kept);
    assert!(
        moved < moved_free,
        "{moved} moves with continuity, {moved_free} without"
    );
    assert!(continuity > 0, "kept accounts give the continuity reason");
    assert!(stdout(&o).contains("continuity: each move costs potential x 100 km"));

    let bad = tmp.path().join("bad");
    fs::create_dir_all(&bad).unwrap();
    for f in ["accounts.csv", "reps.csv"] {
        fs::copy(input.join(f), bad.join(f)).unwrap();
    }
    fs::write(bad.join("plan.toml"), "[continuity]\nmove_cost_km = -5\n").unwrap();
    let o = plan(&bad, &tmp.path().join("bad_out"));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("column 'continuity.move_cost_km': value '-5'"),
        "{}",
        stderr(&o)
    );
}
