//! accounts.xlsx / reps.xlsx in place of the CSV files: the same plan,
//! the same validation, and errors that name file, sheet, row, column,
//! value and cell.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

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

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
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

/// Write `rows` (header first) as a sheet the way a person keeps it in
/// Excel: numbers as numbers, YYYY-MM-DD as real dates, ids as text.
fn add_sheet(book: &mut Workbook, name: &str, rows: &[Vec<String>]) {
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let sheet = book.add_worksheet();
    sheet.set_name(name).unwrap();
    let header = &rows[0];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c16) = (r as u32, c as u16);
            let is_id = matches!(
                header[c].as_str(),
                "account_id" | "rep_id" | "current_owner"
            );
            if r == 0 || cell.is_empty() || is_id {
                if !cell.is_empty() {
                    sheet.write_string(r, c16, cell).unwrap();
                }
            } else if let Ok(x) = cell.parse::<f64>() {
                sheet.write_number(r, c16, x).unwrap();
            } else if let Ok(d) = ExcelDateTime::parse_from_str(cell) {
                sheet.write_datetime_with_format(r, c16, &d, &date).unwrap();
            } else {
                sheet.write_string(r, c16, cell).unwrap();
            }
        }
    }
}

fn write_xlsx(path: &Path, sheets: &[(&str, Vec<Vec<String>>)]) {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        add_sheet(&mut book, name, rows);
    }
    book.save(path).unwrap();
}

/// The tiny fixture with accounts.xlsx and reps.xlsx instead of the CSVs.
fn xlsx_copy(root: &Path) -> PathBuf {
    let dir = root.join("tiny_xlsx");
    fs::create_dir_all(&dir).unwrap();
    let src = fixture("tiny");
    let accounts = csv_rows(&src.join("accounts.csv"));
    let reps = csv_rows(&src.join("reps.csv"));
    write_xlsx(&dir.join("accounts.xlsx"), &[("Accounts", accounts)]);
    write_xlsx(&dir.join("reps.xlsx"), &[("Reps", reps)]);
    dir
}

#[test]
fn a_folder_of_workbooks_plans_exactly_as_its_csv_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = xlsx_copy(tmp.path());
    let (a, b) = (tmp.path().join("from_csv"), tmp.path().join("from_xlsx"));
    let o = tplan(&[
        "plan",
        fixture("tiny").to_str().unwrap(),
        "--out",
        a.to_str().unwrap(),
        "--no-report",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = tplan(&[
        "plan",
        dir.to_str().unwrap(),
        "--out",
        b.to_str().unwrap(),
        "--no-report",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    for file in ["assignments.csv", "territories.csv", "comparison.csv"] {
        assert_eq!(
            fs::read_to_string(a.join(file)).unwrap(),
            fs::read_to_string(b.join(file)).unwrap(),
            "{file}"
        );
    }
    let manifest = fs::read_to_string(b.join("manifest.json")).unwrap();
    assert!(manifest.contains("accounts.xlsx") && manifest.contains("reps.xlsx"));
    // explain finds the workbooks the plan recorded.
    let o = tplan(&["explain", b.to_str().unwrap(), "A001"]);
    assert!(o.status.success(), "{}", text(&o));
    let from_csv = tplan(&["explain", a.to_str().unwrap(), "A001"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).replace("tiny_xlsx", "tiny"),
        String::from_utf8_lossy(&from_csv.stdout)
    );
}

#[test]
fn a_bad_cell_is_named_by_file_sheet_row_column_value_and_cell() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = xlsx_copy(tmp.path());
    let mut accounts = csv_rows(&fixture("tiny").join("accounts.csv"));
    let col = accounts[0].iter().position(|h| h == "potential").unwrap();
    accounts[2][col] = "lots".to_string();
    write_xlsx(&dir.join("accounts.xlsx"), &[("Accounts", accounts)]);
    let o = tplan(&["validate", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    let letter = char::from(b'A' + col as u8);
    let expected = "accounts.xlsx (sheet Accounts):3: column 'potential': value 'lots'";
    assert!(err.contains(expected), "{err}");
    // The README quotes this message.
    assert!(
        err.contains(&format!(
            "value 'lots': expected a number >= 0 (annual opportunity in currency) (cell {letter}3)"
        )),
        "{err}"
    );
}

#[test]
fn both_a_csv_and_a_workbook_is_refused_rather_than_guessed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = xlsx_copy(tmp.path());
    fs::copy(fixture("tiny").join("reps.csv"), dir.join("reps.csv")).unwrap();
    let o = tplan(&["validate", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("both reps.csv and reps.xlsx"), "{err}");
}

#[test]
fn sheet_picks_a_named_sheet_and_an_unknown_one_lists_the_sheets() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = xlsx_copy(tmp.path());
    let src = fixture("tiny");
    let notes = vec![vec!["note".to_string()], vec!["not the data".to_string()]];
    write_xlsx(
        &dir.join("accounts.xlsx"),
        &[
            ("Notes", notes.clone()),
            ("Data", csv_rows(&src.join("accounts.csv"))),
        ],
    );
    write_xlsx(
        &dir.join("reps.xlsx"),
        &[("Notes", notes), ("Data", csv_rows(&src.join("reps.csv")))],
    );
    // The first sheet has none of the contract's columns.
    let o = tplan(&["validate", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("(sheet Notes):1: column 'account_id'"));
    let o = tplan(&["validate", dir.to_str().unwrap(), "--sheet", "Data"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = tplan(&["validate", dir.to_str().unwrap(), "--sheet", "Accounts"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "value 'Accounts': no sheet of that name (--sheet); the sheets are: Notes, Data"
        ),
        "{err}"
    );
}

#[test]
fn sheet_without_a_workbook_is_refused() {
    let o = tplan(&[
        "validate",
        fixture("tiny").to_str().unwrap(),
        "--sheet",
        "Data",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--sheet Data:"));
}

#[test]
fn a_file_that_is_not_a_workbook_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = xlsx_copy(tmp.path());
    fs::write(dir.join("reps.xlsx"), "rep_id,lat,lon\n").unwrap();
    let o = tplan(&["validate", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("reps.xlsx: cannot read the file as an Excel workbook (.xlsx)"));
}
