//! `accounts.xlsx` / `reps.xlsx`: one sheet of a workbook read into the
//! same table of text cells as a CSV file ([`super::table`]), so every
//! check that applies to the CSV applies to the sheet unchanged.
//!
//! A cell becomes the text a person would have typed: numbers in their
//! shortest exact form (`120000`, `42.2711`), dates as `YYYY-MM-DD`,
//! booleans as `true`/`false`. Excel error cells (`#N/A`, `#DIV/0!`) are
//! problems, never values. Messages name the file and sheet as the file
//! (`data/accounts.xlsx (sheet Accounts)`), the sheet row as the line, and
//! add the cell reference (`D3`) that Excel shows.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};

use super::Report;
use crate::InputProblem;

/// One sheet as rows of text: the sheet row number (1-based, as Excel
/// shows it) and the cells from the sheet's first used column.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetText {
    /// The sheet read.
    pub name: String,
    /// 0-based index of the first used column (for cell references).
    pub first_column: u32,
    pub rows: Vec<(u64, Vec<String>)>,
}

/// Where one input table comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableSource {
    Csv(PathBuf),
    Xlsx(PathBuf),
}

/// The file that holds an input table in `dir`: `csv_name` or
/// `xlsx_name`. When both exist, that is a problem (tplan does not guess
/// which one is current) and `None`. When neither does, the CSV, whose
/// absence the reader then reports.
pub fn choose_source(
    dir: &Path,
    csv_name: &str,
    xlsx_name: &str,
    report: &mut Report,
) -> Option<TableSource> {
    let (csv, xlsx) = (dir.join(csv_name), dir.join(xlsx_name));
    match (csv.exists(), xlsx.exists()) {
        (true, true) => {
            report.problem(InputProblem {
                file: xlsx.display().to_string(),
                line: None,
                column: None,
                value: None,
                message: format!(
                    "both {csv_name} and {xlsx_name} are in {}: tplan reads one of them and will not guess which is current; remove or rename the other",
                    dir.display()
                ),
            });
            None
        }
        (false, true) => Some(TableSource::Xlsx(xlsx)),
        _ => Some(TableSource::Csv(csv)),
    }
}

/// How a sheet's file is named in messages: `data/accounts.xlsx (sheet
/// Accounts)`.
pub fn sheet_label(path_label: &str, sheet: &str) -> String {
    format!("{path_label} (sheet {sheet})")
}

/// Read `sheet` (or the first sheet) of the workbook `bytes`. Problems
/// (not a workbook, no such sheet, empty sheet, error cells) go to
/// `report`; `None` when there is nothing to validate.
pub fn read_sheet(
    path_label: &str,
    bytes: &[u8],
    sheet: Option<&str>,
    report: &mut Report,
) -> Option<SheetText> {
    let problem = |file: &str, message: String| InputProblem {
        file: file.to_string(),
        line: None,
        column: None,
        value: None,
        message,
    };
    let mut book: Xlsx<_> = match open_workbook_from_rs(Cursor::new(bytes)) {
        Ok(book) => book,
        Err(e) => {
            report.problem(problem(
                path_label,
                format!("cannot read the file as an Excel workbook (.xlsx): {e}"),
            ));
            return None;
        }
    };
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => match names.iter().find(|n| *n == wanted) {
            Some(n) => n.clone(),
            None => {
                report.problem(InputProblem {
                    value: Some(wanted.to_string()),
                    ..problem(
                        path_label,
                        format!(
                            "no sheet of that name (--sheet); the sheets are: {}",
                            names.join(", ")
                        ),
                    )
                });
                return None;
            }
        },
        None => match names.first() {
            Some(n) => n.clone(),
            None => {
                report.problem(problem(path_label, "the workbook has no sheet".to_string()));
                return None;
            }
        },
    };
    let label = sheet_label(path_label, &name);
    let range = match book.worksheet_range(&name) {
        Ok(range) => range,
        Err(e) => {
            report.problem(problem(&label, format!("cannot read the sheet: {e}")));
            return None;
        }
    };
    let Some((first_row, first_column)) = range.start() else {
        report.problem(problem(
            &label,
            "the sheet is empty: expected a header row naming the columns in its first row"
                .to_string(),
        ));
        return None;
    };
    let mut rows = Vec::with_capacity(range.height());
    for (i, cells) in range.rows().enumerate() {
        let row = u64::from(first_row) + i as u64 + 1;
        let mut texts = Vec::with_capacity(cells.len());
        for (j, cell) in cells.iter().enumerate() {
            let column = first_column + j as u32;
            texts.push(cell_text(cell).unwrap_or_else(|error| {
                report.problem(InputProblem {
                    line: Some(row),
                    value: Some(error.clone()),
                    ..problem(
                        &label,
                        format!(
                            "cell {} holds the Excel error {error}: fix the formula or type the value",
                            cell_reference(column, row)
                        ),
                    )
                });
                String::new()
            }));
        }
        rows.push((row, texts));
    }
    Some(SheetText {
        name,
        first_column,
        rows,
    })
}

/// The text of a cell as a person would type it; `Err` with the error
/// code for an Excel error cell.
pub fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        // Rust's shortest round-trip form: 120000, 42.2711, 0.1.
        Data::Float(x) => format!("{x}"),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, hh, mm, ss, ms) = dt.to_ymd_hms_milli();
            if (hh, mm, ss, ms) == (0, 0, 0, 0) {
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}")
            }
        }
        Data::DateTime(dt) => format!("{}", dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(e.to_string()),
    })
}

/// Excel's name of a cell: 0-based column 3, row 7 is `D7`.
pub fn cell_reference(column: u32, row: u64) -> String {
    let mut letters = Vec::new();
    let mut n = column + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &row.to_string()
}

/// Add the cell reference to each problem that names a row and column of
/// this sheet (`... (cell D3)`), so the user can go straight to it.
pub fn add_cell_references(
    problems: &mut [InputProblem],
    label: &str,
    header: &[String],
    first_column: u32,
) {
    for p in problems.iter_mut().filter(|p| p.file == label) {
        let (Some(line), Some(column)) = (p.line, p.column.as_deref()) else {
            continue;
        };
        if let Some(pos) = header.iter().position(|h| h.eq_ignore_ascii_case(column)) {
            let cell = cell_reference(first_column + pos as u32, line);
            p.message.push_str(&format!(" (cell {cell})"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_are_excel_names() {
        assert_eq!(cell_reference(0, 1), "A1");
        assert_eq!(cell_reference(3, 7), "D7");
        assert_eq!(cell_reference(25, 2), "Z2");
        assert_eq!(cell_reference(26, 2), "AA2");
        assert_eq!(cell_reference(27, 10), "AB10");
    }

    #[test]
    fn cells_read_as_typed_text() {
        assert_eq!(cell_text(&Data::Float(120000.0)).unwrap(), "120000");
        assert_eq!(cell_text(&Data::Float(42.2711)).unwrap(), "42.2711");
        assert_eq!(cell_text(&Data::Int(7)).unwrap(), "7");
        assert_eq!(cell_text(&Data::Bool(true)).unwrap(), "true");
        assert_eq!(cell_text(&Data::String(" R01 ".into())).unwrap(), "R01");
        assert_eq!(
            cell_text(&Data::Error(calamine::CellErrorType::NA)).unwrap_err(),
            "#N/A"
        );
    }
}
