//! One CSV file as a table of trimmed text cells with line numbers, its
//! header matched against the data contract.
//!
//! This layer knows columns and lines but not what the values mean; the
//! account and rep readers turn cells into domain types. Problems with the
//! file's shape (empty, no header, missing or repeated columns, ragged rows,
//! broken UTF-8) are reported here, all of them, and reading goes on as far
//! as it can so the user sees every problem in one run.

use std::collections::HashMap;

use super::text::{decode, delimiter_name, detect_delimiter, first_line};
use super::Report;
use crate::InputProblem;

/// A column of the data contract.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    /// Lower-case contract name.
    pub name: &'static str,
    pub required: bool,
}

impl ColumnSpec {
    /// A column every file must have.
    pub const fn required(name: &'static str) -> ColumnSpec {
        ColumnSpec {
            name,
            required: true,
        }
    }

    /// A column a file may leave out.
    pub const fn optional(name: &'static str) -> ColumnSpec {
        ColumnSpec {
            name,
            required: false,
        }
    }
}

/// One data row: its 1-based line and its cells, trimmed.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
}

/// A parsed CSV file.
#[derive(Debug)]
pub struct Table {
    /// The file as the user named it, for messages.
    pub file: String,
    /// Header names as written (trimmed), in file order.
    pub header: Vec<String>,
    /// Contract column name -> position in the header.
    positions: HashMap<&'static str, usize>,
    /// Positions of columns outside the contract, in file order.
    pub extra_positions: Vec<usize>,
    /// Required contract columns absent from the header.
    pub missing_required: Vec<&'static str>,
    pub rows: Vec<Row>,
}

impl Table {
    /// True when the header has this contract column.
    pub fn has(&self, column: &str) -> bool {
        self.positions.contains_key(column)
    }

    /// The trimmed cell of a contract column; `None` when the column is absent.
    pub fn cell<'r>(&self, row: &'r Row, column: &str) -> Option<&'r str> {
        let pos = *self.positions.get(column)?;
        row.cells.get(pos).map(String::as_str)
    }

    /// Names of the extra (non-contract) columns, in file order.
    pub fn extra_names(&self) -> Vec<String> {
        self.extra_positions
            .iter()
            .map(|&p| self.header[p].clone())
            .collect()
    }

    /// The row's extra cells, aligned with `extra_names`.
    pub fn extra_cells(&self, row: &Row) -> Vec<String> {
        self.extra_positions
            .iter()
            .map(|&p| row.cells.get(p).cloned().unwrap_or_default())
            .collect()
    }
}

/// Read a CSV file's bytes into a table, reporting shape problems.
///
/// Returns `None` only when there is no header to work with (empty file).
pub fn read_table(
    file: &str,
    bytes: &[u8],
    contract: &[ColumnSpec],
    report: &mut Report,
) -> Option<Table> {
    let decoded = decode(bytes);
    let text = decoded.text.as_ref();
    if text.trim().is_empty() {
        report.problem(InputProblem {
            file: file.to_string(),
            line: None,
            column: None,
            value: None,
            message: format!(
                "the file is empty: expected a header row naming the columns ({})",
                describe_contract(contract)
            ),
        });
        return None;
    }

    let known: Vec<&str> = contract.iter().map(|c| c.name).collect();
    let choice = detect_delimiter(first_line(text), &known);
    if !choice.also_present.is_empty() {
        let others: Vec<&str> = choice
            .also_present
            .iter()
            .map(|&d| delimiter_name(d))
            .collect();
        report.warning(InputProblem {
            file: file.to_string(),
            line: Some(1),
            column: None,
            value: None,
            message: format!(
                "the header contains both {} and {}: read as {}-delimited because that splits out the most contract column names",
                delimiter_name(choice.delimiter),
                others.join(" and "),
                delimiter_name(choice.delimiter)
            ),
        });
    }

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(choice.delimiter)
        .from_reader(text.as_bytes());
    let mut records = reader.records();

    let mut lines = LineCounter::new(text.as_bytes());
    // The csv crate skips blank lines, so the header is the first record.
    let (header_line, header) = match records.next() {
        Some(Ok(record)) => (lines.line_of(&record), trimmed_cells(&record)),
        Some(Err(err)) => {
            report.problem(csv_error_problem(file, &err));
            return None;
        }
        None => return None,
    };

    let mut table = match_header(file, header_line, header, contract, report);
    let field_count = table.header.len();
    let mut utf8 = Utf8Locator::new(decoded.invalid_utf8_lines);
    for result in records {
        let record = match result {
            Ok(record) => record,
            Err(err) => {
                report.problem(csv_error_problem(file, &err));
                continue;
            }
        };
        let line = lines.line_of(&record);
        let cells = trimmed_cells(&record);
        utf8.observe(line, &table.header, &cells);
        if cells.len() != field_count {
            report.problem(ragged_row_problem(
                file,
                line,
                field_count,
                &cells,
                choice.delimiter,
            ));
            continue;
        }
        // Spreadsheets leave rows of bare delimiters at the end; they hold
        // no data at all, so skipping them loses nothing.
        if cells.iter().all(String::is_empty) {
            continue;
        }
        if let Some(problem) = control_character_problem(file, line, &table.header, &cells) {
            report.problem(problem);
            continue;
        }
        table.rows.push(Row { line, cells });
    }
    if let Some(problem) = utf8.problem(file) {
        report.problem(problem);
    }
    Some(table)
}

/// A table from rows already split into cells (a spreadsheet's sheet,
/// each row with its sheet row number): the same header matching and row
/// handling as a CSV file. Columns after the last named one are dropped
/// when empty; a value in one is a problem, as a ragged CSV row is.
pub fn table_from_rows(
    file: &str,
    rows: Vec<(u64, Vec<String>)>,
    contract: &[ColumnSpec],
    report: &mut Report,
) -> Option<Table> {
    let mut rows = rows
        .into_iter()
        .skip_while(|(_, cells)| cells.iter().all(String::is_empty));
    let Some((header_line, mut header)) = rows.next() else {
        report.problem(InputProblem {
            file: file.to_string(),
            line: None,
            column: None,
            value: None,
            message: format!(
                "the sheet is empty: expected a header row naming the columns ({})",
                describe_contract(contract)
            ),
        });
        return None;
    };
    let width = header
        .iter()
        .rposition(|h| !h.is_empty())
        .map_or(0, |p| p + 1);
    header.truncate(width);
    let mut table = match_header(file, header_line, header, contract, report);
    for (line, mut cells) in rows {
        if let Some(extra) = cells.iter().skip(width).find(|c| !c.is_empty()) {
            report.problem(InputProblem {
                file: file.to_string(),
                line: Some(line),
                column: None,
                value: Some(extra.clone()),
                message: format!(
                    "a value to the right of the last named column (the header names {width} columns): give the column a name or clear the cell"
                ),
            });
            continue;
        }
        cells.resize(width, String::new());
        if cells.iter().all(String::is_empty) {
            continue;
        }
        if let Some(problem) = control_character_problem(file, line, &table.header, &cells) {
            report.problem(problem);
            continue;
        }
        table.rows.push(Row { line, cells });
    }
    Some(table)
}

/// A NUL or other control character in a cell (tab and line breaks inside
/// quotes excepted) is refused: it is invisible in a spreadsheet, breaks
/// CRM loaders, and would be copied into every output.
fn control_character_problem(
    file: &str,
    line: u64,
    header: &[String],
    cells: &[String],
) -> Option<InputProblem> {
    let is_bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    let (column, cell) = cells
        .iter()
        .enumerate()
        .find(|(_, cell)| cell.chars().any(is_bad))?;
    let bad = cell.chars().find(|&c| is_bad(c))?;
    Some(InputProblem {
        file: file.to_string(),
        line: Some(line),
        column: header.get(column).cloned(),
        value: Some(cell.escape_debug().to_string()),
        message: format!(
            "control character U+{:04X} in the cell: expected printable text; remove it (often a sign of a binary file or a broken export)",
            bad as u32
        ),
    })
}

/// Human list of the contract's columns, required ones marked.
pub fn describe_contract(contract: &[ColumnSpec]) -> String {
    let required: Vec<&str> = contract
        .iter()
        .filter(|c| c.required)
        .map(|c| c.name)
        .collect();
    let optional: Vec<&str> = contract
        .iter()
        .filter(|c| !c.required)
        .map(|c| c.name)
        .collect();
    format!(
        "required: {}; optional: {}",
        required.join(", "),
        optional.join(", ")
    )
}

/// Line numbers as an editor shows them.
///
/// The csv crate's own `Position::line` miscounts around blank lines and
/// CRLF endings (measured: in a CRLF file the first data row is reported
/// as line 1), so lines are counted from the record's byte offset instead.
/// That offset can point at the line ending left before the record, so
/// line endings are skipped first.
struct LineCounter<'t> {
    text: &'t [u8],
    offset: usize,
    line: u64,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t [u8]) -> LineCounter<'t> {
        LineCounter {
            text,
            offset: 0,
            line: 1,
        }
    }

    /// 1-based line where the record starts. Records come in file order,
    /// so counting goes on from the previous record: linear overall.
    fn line_of(&mut self, record: &csv::StringRecord) -> u64 {
        let Some(position) = record.position() else {
            return self.line;
        };
        let mut start = usize::try_from(position.byte())
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > self.offset {
            let newlines = self.text[self.offset..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.line += newlines as u64;
            self.offset = start;
        }
        self.line
    }
}

fn trimmed_cells(record: &csv::StringRecord) -> Vec<String> {
    record.iter().map(|c| c.trim().to_string()).collect()
}

/// Match header names to the contract (trimmed, case-insensitive).
fn match_header(
    file: &str,
    header_line: u64,
    header: Vec<String>,
    contract: &[ColumnSpec],
    report: &mut Report,
) -> Table {
    let mut positions: HashMap<&'static str, usize> = HashMap::new();
    let mut extra_positions = Vec::new();
    for (pos, name) in header.iter().enumerate() {
        let lower = name.to_ascii_lowercase();
        match contract.iter().find(|c| c.name == lower) {
            Some(spec) => {
                if let Some(&first) = positions.get(spec.name) {
                    report.problem(InputProblem {
                        file: file.to_string(),
                        line: Some(header_line),
                        column: Some(name.clone()),
                        value: None,
                        message: format!(
                            "the column appears twice (fields {} and {}): keep one",
                            first + 1,
                            pos + 1
                        ),
                    });
                } else {
                    positions.insert(spec.name, pos);
                }
            }
            None => extra_positions.push(pos),
        }
    }
    let missing_required: Vec<&'static str> = contract
        .iter()
        .filter(|c| c.required && !positions.contains_key(c.name))
        .map(|c| c.name)
        .collect();
    for &name in &missing_required {
        report.problem(InputProblem {
            file: file.to_string(),
            line: Some(header_line),
            column: Some(name.to_string()),
            value: None,
            message: format!(
                "required column is missing; columns found: {}",
                header.join(", ")
            ),
        });
    }
    Table {
        file: file.to_string(),
        header,
        positions,
        extra_positions,
        missing_required,
        rows: Vec::new(),
    }
}

fn ragged_row_problem(
    file: &str,
    line: u64,
    expected: usize,
    cells: &[String],
    delimiter: u8,
) -> InputProblem {
    let mut message = format!(
        "expected {expected} fields as in the header, found {}",
        cells.len()
    );
    // The usual cause: an unquoted "1,234.50" in a comma-delimited file.
    if delimiter == b',' && cells.len() > expected {
        message.push_str(
            "; a value containing a comma (such as 1,234.50) must be quoted in a comma-delimited file",
        );
    }
    InputProblem {
        file: file.to_string(),
        line: Some(line),
        column: None,
        value: Some(cells.join(&char::from(delimiter).to_string())),
        message,
    }
}

fn csv_error_problem(file: &str, err: &csv::Error) -> InputProblem {
    InputProblem {
        file: file.to_string(),
        line: err.position().map(|p| p.line()),
        column: None,
        value: None,
        message: format!("cannot read the CSV: {err}"),
    }
}

/// Finds the column of the first invalid UTF-8 sequence, so the problem
/// can name line, column and value like every other.
struct Utf8Locator {
    lines: Vec<u64>,
    column: Option<String>,
    value: Option<String>,
}

impl Utf8Locator {
    fn new(lines: Vec<u64>) -> Utf8Locator {
        Utf8Locator {
            lines,
            column: None,
            value: None,
        }
    }

    fn observe(&mut self, line: u64, header: &[String], cells: &[String]) {
        if self.column.is_some() || self.lines.first() != Some(&line) {
            return;
        }
        if let Some(pos) = cells.iter().position(|c| c.contains('\u{FFFD}')) {
            self.column = Some(
                header
                    .get(pos)
                    .cloned()
                    .unwrap_or_else(|| format!("#{}", pos + 1)),
            );
            self.value = Some(cells[pos].clone());
        }
    }

    fn problem(&self, file: &str) -> Option<InputProblem> {
        let first = *self.lines.first()?;
        let count = self.lines.len();
        Some(InputProblem {
            file: file.to_string(),
            line: Some(first),
            column: self.column.clone(),
            value: self.value.clone(),
            message: format!(
                "invalid UTF-8 ({count} line{} affected, the first shown; invalid bytes shown as \u{FFFD}): save the file as UTF-8",
                if count == 1 { "" } else { "s" }
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTRACT: [ColumnSpec; 2] = [ColumnSpec::required("id"), ColumnSpec::optional("x")];

    fn read(bytes: &[u8]) -> (Option<Table>, Report) {
        let mut report = Report::default();
        let table = read_table("t.csv", bytes, &CONTRACT, &mut report);
        (table, report)
    }

    fn lines(bytes: &[u8]) -> Vec<u64> {
        read(bytes).0.unwrap().rows.iter().map(|r| r.line).collect()
    }

    #[test]
    fn line_numbers_survive_blank_lines_crlf_and_multiline_fields() {
        assert_eq!(lines(b"id,x\nA,1\n\nB,2\n"), vec![2, 4]);
        assert_eq!(lines(b"id,x\r\nA,1\r\n\r\nB,2\r\n"), vec![2, 4]);
        assert_eq!(lines(b"\n\nid,x\nA,1\n"), vec![4]);
        assert_eq!(lines(b"id,x\n\"A\nA\",1\nB,2\n\n\n\nC,3"), vec![2, 4, 8]);
        assert_eq!(lines(b"\xEF\xBB\xBFid,x\r\nA,1\r\nB,2"), vec![2, 3]);
    }

    #[test]
    fn header_problems() {
        let (table, report) = read(b"X, Id ,id,note\n1,2,3,4\n");
        let table = table.unwrap();
        assert_eq!(table.header, vec!["X", "Id", "id", "note"]);
        assert_eq!(table.extra_names(), vec!["note"]);
        assert_eq!(table.rows[0].cells, vec!["1", "2", "3", "4"]);
        assert_eq!(report.problems.len(), 1);
        assert_eq!(
            report.problems[0].to_string(),
            "t.csv:1: column 'id': the column appears twice (fields 2 and 3): keep one"
        );
        let (table, report) = read(b"x\n1\n");
        assert_eq!(table.unwrap().missing_required, vec!["id"]);
        assert!(report.problems[0].to_string().contains("columns found: x"));
    }

    #[test]
    fn empty_and_ragged() {
        let (table, report) = read(b" \r\n\n");
        assert!(table.is_none());
        assert!(report.problems[0].message.starts_with("the file is empty"));
        let (table, report) = read(b"id,x\nA,1,2\nB\nC,3\n,\n");
        assert_eq!(table.unwrap().rows.len(), 1);
        let texts: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(texts.len(), 2, "{texts:?}");
        assert!(texts[0].starts_with("t.csv:2: value 'A,1,2': expected 2 fields as in the header, found 3; a value containing a comma"));
        assert!(
            texts[1].starts_with("t.csv:3: value 'B': expected 2 fields as in the header, found 1")
        );
    }
}
