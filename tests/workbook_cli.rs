//! plan.xlsx end to end: `tplan plan`, `quota`, `report` and `scenarios`
//! write it, it reopens with calamine, and every cell equals the CSV file
//! it was made from (percent-point columns hold the fraction).

use std::collections::BTreeMap;
use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};

const WORKBOOK: &str = "plan.xlsx";
/// An account name that Excel would run as a formula if written as one.
const FORMULA_NAME: &str = "=HYPERLINK(\"http://example.com\",\"click\")";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn tplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tplan"))
        .args(args)
        .output()
        .expect("run tplan")
}

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A copy of a fixture whose first account is named like a formula.
fn copy_with_formula_name(root: &Path, name: &str) -> PathBuf {
    let dir = root.join(name);
    fs::create_dir_all(&dir).unwrap();
    for entry in fs::read_dir(fixture(name)).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    let accounts = dir.join("accounts.csv");
    let text = fs::read_to_string(&accounts).unwrap();
    let quoted = format!("\"{}\"", FORMULA_NAME.replace('"', "\"\""));
    let text = text.replacen("Acme Rockford", &quoted, 1);
    fs::write(&accounts, text).unwrap();
    dir
}

fn open(path: &Path) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(fs::read(path).unwrap())).expect("plan.xlsx opens")
}

fn sheet(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Vec<Vec<Data>> {
    let range = book
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    assert_eq!(range.start(), Some((0, 0)), "sheet {name} starts at A1");
    range.rows().map(|r| r.to_vec()).collect()
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// True when the cell shows the CSV text: the same string, or the same
/// number (a `_pct` column holds the fraction of the percentage points).
fn cell_equals(cell: &Data, column: &str, text: &str) -> bool {
    match cell {
        Data::Empty => text.is_empty(),
        Data::String(s) => s == text,
        Data::Float(x) => {
            let Ok(expected) = text.parse::<f64>() else {
                return false;
            };
            if column.ends_with("_pct") {
                (x * 100.0 - expected).abs() <= 1e-9 * expected.abs().max(1.0)
            } else {
                *x == expected
            }
        }
        _ => false,
    }
}

/// Every cell of `sheet` equals the CSV file, header included.
fn assert_sheet_equals_csv(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str, csv: &Path) {
    let cells = sheet(book, name);
    let rows = csv_rows(csv);
    assert_eq!(cells.len(), rows.len(), "sheet {name}: rows");
    let header = rows[0].clone();
    for (r, (cells, texts)) in cells.iter().zip(&rows).enumerate() {
        assert_eq!(cells.len(), texts.len(), "sheet {name} row {}", r + 1);
        for ((cell, text), column) in cells.iter().zip(texts).zip(&header) {
            assert!(
                cell_equals(cell, column, text),
                "sheet {name} row {} column {column}: cell {cell:?}, CSV '{text}'",
                r + 1
            );
        }
    }
}

fn manifest_output(out: &Path, manifest: &str, file: &str) -> Option<serde_json::Value> {
    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join(manifest)).unwrap()).unwrap();
    m["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["path"] == file)
        .cloned()
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(bytes))
}

#[test]
fn plan_writes_a_workbook_whose_cells_equal_the_csv_files() {
    let tmp = tempfile::tempdir().unwrap();
    let input = copy_with_formula_name(tmp.path(), "quota_tiny");
    let out = tmp.path().join("out");
    ok(&tplan(&[
        "plan",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]));
    let path = out.join(WORKBOOK);
    let mut book = open(&path);
    assert_eq!(
        book.sheet_names(),
        [
            "Summary",
            "Territories",
            "Assignments",
            "Quotas",
            "Quota summary"
        ]
    );
    assert_sheet_equals_csv(&mut book, "Territories", &out.join("territories.csv"));
    assert_sheet_equals_csv(&mut book, "Assignments", &out.join("assignments.csv"));
    assert_sheet_equals_csv(&mut book, "Quota summary", &out.join("quota_summary.csv"));

    // The formula-like name is a string cell and no formula is stored.
    let assignments = sheet(&mut book, "Assignments");
    let name_col = assignments[0]
        .iter()
        .position(|c| *c == Data::String("account_name".into()))
        .unwrap();
    assert!(assignments
        .iter()
        .any(|r| r[name_col] == Data::String(FORMULA_NAME.into())));
    let formulas = book.worksheet_formula("Assignments").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));

    // Quotas: one row per rep and month, one column per component; every
    // amount equals its row of quotas.csv.
    let quotas = sheet(&mut book, "Quotas");
    let header: Vec<String> = quotas[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(
        &header[..4],
        ["rep_id", "month", "fiscal_quarter", "ramp_factor"]
    );
    assert_eq!(header.last().unwrap(), "total");
    let mut pivot: BTreeMap<(String, String, String), f64> = BTreeMap::new();
    for row in &quotas[1..] {
        for (c, component) in header.iter().enumerate().take(header.len() - 1).skip(4) {
            let Data::Float(x) = row[c] else {
                panic!("quota amount {:?}", row[c])
            };
            pivot.insert(
                (row[0].to_string(), component.clone(), row[1].to_string()),
                x,
            );
        }
    }
    let csv = csv_rows(&out.join("quotas.csv"));
    assert_eq!(pivot.len(), csv.len() - 1);
    for r in &csv[1..] {
        let key = (r[0].clone(), r[1].clone(), r[2].clone());
        assert_eq!(pivot[&key], r[3].parse::<f64>().unwrap(), "{key:?}");
    }

    // Summary: the status and gap of the manifest, and the comparison table.
    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let summary = sheet(&mut book, "Summary");
    let value = |label: &str| {
        summary
            .iter()
            .find(|r| r[0] == Data::String(label.into()))
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("no '{label}' in Summary"))
    };
    assert_eq!(
        value("Status"),
        Data::String(m["status"].as_str().unwrap().into())
    );
    assert_eq!(
        value("LP bound"),
        Data::Float(m["lp_bound"].as_f64().unwrap())
    );
    assert_eq!(
        value("Gap to the LP bound"),
        Data::Float(m["gap_pct"].as_f64().unwrap() / 100.0)
    );
    assert_eq!(
        value("Quota: reconciliation gap"),
        Data::Float(m["quota"]["gap"].as_f64().unwrap())
    );
    let comparison = csv_rows(&out.join("comparison.csv"));
    let top = summary
        .iter()
        .position(|r| r[0] == Data::String("plan".into()))
        .expect("comparison table in Summary");
    for (k, texts) in comparison.iter().enumerate() {
        for ((cell, text), column) in summary[top + k].iter().zip(texts).zip(&comparison[0]) {
            assert!(
                cell_equals(cell, column, text),
                "comparison {column}: {cell:?} vs {text}"
            );
        }
    }

    // Recorded in the manifest like every other output.
    let bytes = fs::read(&path).unwrap();
    let entry = manifest_output(&out, "manifest.json", WORKBOOK).expect("plan.xlsx in outputs");
    assert_eq!(entry["sha256"], sha256(&bytes));
    assert_eq!(entry["bytes"], bytes.len());
}

#[test]
fn the_workbook_is_byte_identical_whatever_the_threads_and_after_tplan_report() {
    let tmp = tempfile::tempdir().unwrap();
    let input = fixture("quota_tiny");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    ok(&tplan(&[
        "plan",
        input.to_str().unwrap(),
        "--out",
        a.to_str().unwrap(),
    ]));
    let one_thread = Command::new(env!("CARGO_BIN_EXE_tplan"))
        .args([
            "plan",
            input.to_str().unwrap(),
            "--out",
            b.to_str().unwrap(),
        ])
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    ok(&one_thread);
    let first = fs::read(a.join(WORKBOOK)).unwrap();
    assert_eq!(first, fs::read(b.join(WORKBOOK)).unwrap());
    ok(&tplan(&["report", a.to_str().unwrap()]));
    assert_eq!(first, fs::read(a.join(WORKBOOK)).unwrap());
    let entry = manifest_output(&a, "manifest.json", WORKBOOK).unwrap();
    assert_eq!(entry["sha256"], sha256(&first));
}

#[test]
fn no_report_skips_the_workbook() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let input = fixture("tiny");
    ok(&tplan(&[
        "plan",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-report",
    ]));
    assert!(!out.join(WORKBOOK).exists());
    assert!(manifest_output(&out, "manifest.json", WORKBOOK).is_none());
}

#[test]
fn quota_on_a_planned_folder_adds_the_quota_sheets() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // Plan without quotas (tiny has no target), then quotas with a config.
    let input = fixture("tiny");
    ok(&tplan(&[
        "plan",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]));
    assert!(!open(&out.join(WORKBOOK))
        .sheet_names()
        .contains(&"Quotas".to_string()));
    let config = fixture("quota_tiny").join("plan.toml");
    ok(&tplan(&[
        "quota",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]));
    let mut book = open(&out.join(WORKBOOK));
    assert!(book.sheet_names().contains(&"Quotas".to_string()));
    assert_sheet_equals_csv(&mut book, "Quota summary", &out.join("quota_summary.csv"));
    let entry = manifest_output(&out, "manifest.json", WORKBOOK).unwrap();
    assert_eq!(
        entry["sha256"],
        sha256(&fs::read(out.join(WORKBOOK)).unwrap())
    );
}

#[test]
fn scenarios_in_a_folder_of_their_own_get_a_workbook() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let input = fixture("scen");
    let o = tplan(&[
        "scenarios",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    ok(&o);
    assert!(String::from_utf8_lossy(&o.stdout).contains(WORKBOOK));
    let mut book = open(&out.join(WORKBOOK));
    assert_eq!(book.sheet_names()[0], "Scenarios");
    assert_sheet_equals_csv(&mut book, "Scenarios", &out.join("scenarios.csv"));
    assert_sheet_equals_csv(
        &mut book,
        "Scenarios monthly",
        &out.join("scenarios_monthly.csv"),
    );
    assert_sheet_equals_csv(
        &mut book,
        "Scenarios yearly",
        &out.join("scenarios_yearly.csv"),
    );
    let entry = manifest_output(&out, "manifest.json", WORKBOOK).unwrap();
    assert_eq!(
        entry["sha256"],
        sha256(&fs::read(out.join(WORKBOOK)).unwrap())
    );
}
