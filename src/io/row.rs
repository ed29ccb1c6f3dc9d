//! Typed access to one row's cells, reporting each bad cell with file,
//! line, column, value and what the column expects.
//!
//! Shared by the account and rep readers so both word their messages the
//! same way: `accounts.csv:14: column 'potential': value '-5': expected a
//! number >= 0 (annual opportunity in currency)`.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::parse::{is_date_shaped, parse_bool, parse_date, parse_number, NumberKind};
use super::table::{Row, Table};
use super::Report;
use crate::InputProblem;

/// What a numeric column accepts, for parsing and for the message.
pub struct NumberRule {
    pub kind: NumberKind,
    /// Inclusive bounds.
    pub min: f64,
    pub max: f64,
    /// The message for any bad value, e.g. "expected a number >= 0 (FTE)".
    pub expected: &'static str,
    /// Why `max` is where it is, when it is a limit of the model rather
    /// than of the quantity (a latitude cannot exceed 90; a potential can,
    /// but the solver cannot use it). Named in the message of a value above.
    pub max_reason: Option<&'static str>,
}

/// Reads the cells of one row; remembers whether any cell was bad.
pub struct RowReader<'a> {
    table: &'a Table,
    row: &'a Row,
    report: &'a mut Report,
    failed: bool,
}

impl<'a> RowReader<'a> {
    pub fn new(table: &'a Table, row: &'a Row, report: &'a mut Report) -> RowReader<'a> {
        RowReader {
            table,
            row,
            report,
            failed: false,
        }
    }

    /// True once any cell of this row was reported.
    pub fn failed(&self) -> bool {
        self.failed
    }

    pub fn line(&self) -> u64 {
        self.row.line
    }

    /// Report a problem with one cell.
    pub fn fail(&mut self, column: &str, value: &str, message: impl Into<String>) {
        self.failed = true;
        self.report.problem(InputProblem {
            file: self.table.file.clone(),
            line: Some(self.row.line),
            column: Some(column.to_string()),
            value: Some(value.to_string()),
            message: message.into(),
        });
    }

    /// The trimmed cell, or `None` when the column is absent or the cell empty.
    pub fn text(&self, column: &str) -> Option<String> {
        self.table
            .cell(self.row, column)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
    }

    /// A required identifier: present and non-empty.
    pub fn id(&mut self, column: &str) -> Option<String> {
        let value = self.text(column);
        if value.is_none() && self.table.has(column) {
            self.fail(column, "", "expected a non-empty identifier");
        }
        value
    }

    /// A required identifier that must be unique in the file: an id
    /// already in `seen` is reported with the line of its first use.
    pub fn unique_id(&mut self, column: &str, seen: &mut HashMap<String, u64>) -> Option<String> {
        let id = self.id(column)?;
        match seen.get(&id) {
            Some(&first) => self.fail(
                column,
                &id,
                format!("duplicate {column}: first used on line {first}; ids must be unique"),
            ),
            None => {
                seen.insert(id.clone(), self.line());
            }
        }
        Some(id)
    }

    /// The home of a located row: its required `lat` and `lon`.
    pub fn home(&mut self) -> Option<(f64, f64)> {
        let lat = self.required_number("lat", &LAT);
        let lon = self.required_number("lon", &LON);
        Some((lat?, lon?))
    }

    /// An optional number: `Ok(None)` when absent or empty.
    pub fn optional_number(&mut self, column: &str, rule: &NumberRule) -> Option<f64> {
        let cell = self.text(column)?;
        match parse_number(&cell, rule.kind) {
            Ok(v) if v >= rule.min && v <= rule.max => Some(v),
            Ok(v) => {
                let message = match rule.max_reason {
                    Some(reason) if v > rule.max => format!(
                        "{}, at most {} ({reason})",
                        rule.expected,
                        super::limits::display(rule.max)
                    ),
                    _ => rule.expected.to_string(),
                };
                self.fail(column, &cell, message);
                None
            }
            Err(err) => {
                let message = match err.detail {
                    Some(detail) => format!("{}; {detail}", rule.expected),
                    None => rule.expected.to_string(),
                };
                self.fail(column, &cell, message);
                None
            }
        }
    }

    /// A required number: an empty cell is reported too. A column missing
    /// from the header was already reported once, not on every row.
    pub fn required_number(&mut self, column: &str, rule: &NumberRule) -> Option<f64> {
        if self.text(column).is_none() {
            if self.table.has(column) {
                self.fail(
                    column,
                    "",
                    format!("{} (the value is required)", rule.expected),
                );
            }
            return None;
        }
        self.optional_number(column, rule)
    }

    /// A flag; empty or absent means false.
    pub fn flag(&mut self, column: &str) -> bool {
        let Some(cell) = self.text(column) else {
            return false;
        };
        match parse_bool(&cell) {
            Some(b) => b,
            None => {
                self.fail(
                    column,
                    &cell,
                    "expected true/false, yes/no, y/n or 1/0 (empty means false)",
                );
                false
            }
        }
    }

    /// An optional YYYY-MM-DD date.
    pub fn date(&mut self, column: &str) -> Option<NaiveDate> {
        let cell = self.text(column)?;
        let date = parse_date(&cell);
        if date.is_none() {
            let message = if is_date_shaped(&cell) {
                "no such date: expected a calendar date written YYYY-MM-DD"
            } else {
                "expected a date written YYYY-MM-DD"
            };
            self.fail(column, &cell, message);
        }
        date
    }

    /// Extra (non-contract) cells, aligned with the table's extra names.
    pub fn extras(&self) -> Vec<String> {
        self.table.extra_cells(self.row)
    }
}

/// Latitude in degrees.
pub const LAT: NumberRule = NumberRule {
    kind: NumberKind::Plain,
    min: -90.0,
    max: 90.0,
    expected: "expected a latitude in degrees between -90 and 90 (WGS84)",
    max_reason: None,
};

/// Longitude in degrees.
pub const LON: NumberRule = NumberRule {
    kind: NumberKind::Plain,
    min: -180.0,
    max: 180.0,
    expected: "expected a longitude in degrees between -180 and 180 (WGS84)",
    max_reason: None,
};

/// What [`read_each`] made of a table's rows.
pub struct RowsRead<T> {
    /// One item per row read, in file order.
    pub items: Vec<T>,
    /// Line of each item, same order.
    pub lines: Vec<u64>,
    /// True when every row became an item (and there was one at least):
    /// checks over all of them are only meaningful then.
    pub complete: bool,
}

/// Read every row of `table` with `read`, which reports each bad cell, so
/// that every problem shows up in one run; without a required column no
/// row is kept, but every row is still read. A file with a header and no
/// rows is the problem `empty`.
pub fn read_each<T>(
    table: &Table,
    report: &mut Report,
    empty: &str,
    mut read: impl FnMut(&Row, &mut Report) -> Option<T>,
) -> RowsRead<T> {
    let complete_header = table.missing_required.is_empty();
    let mut out = RowsRead {
        items: Vec::new(),
        lines: Vec::new(),
        complete: complete_header && !table.rows.is_empty(),
    };
    for row in &table.rows {
        match read(row, report) {
            Some(item) if complete_header => {
                out.items.push(item);
                out.lines.push(row.line);
            }
            Some(_) => {}
            None => out.complete = false,
        }
    }
    if table.rows.is_empty() {
        report.problem(InputProblem {
            file: table.file.clone(),
            line: None,
            column: None,
            value: None,
            message: empty.to_string(),
        });
    }
    out
}
