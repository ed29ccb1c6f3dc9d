//! `reps.csv`: its contract columns and the reader that turns rows into
//! `Rep`s, checking everything that needs only this file.

use std::collections::HashMap;

use super::limits;
use super::parse::{parse_segment_list, NumberKind};
use super::row::{read_each, NumberRule, RowReader};
use super::table::{ColumnSpec, Row, Table};
use super::Report;
use crate::model::Rep;

/// The reps.csv columns of the data contract, in contract order.
pub const REP_COLUMNS: [ColumnSpec; 9] = [
    ColumnSpec::required("rep_id"),
    ColumnSpec::optional("name"),
    ColumnSpec::required("lat"),
    ColumnSpec::required("lon"),
    ColumnSpec::optional("segment"),
    ColumnSpec::optional("capacity"),
    ColumnSpec::optional("start_date"),
    ColumnSpec::optional("manager"),
    ColumnSpec::optional("region"),
];

/// FTE of a rep whose capacity cell is empty or absent.
pub const DEFAULT_CAPACITY: f64 = 1.0;

const CAPACITY: NumberRule = NumberRule {
    kind: NumberKind::Plain,
    min: 0.0,
    max: limits::MAX_CAPACITY,
    expected: "expected a number >= 0 (FTE; 1 is one full-time rep), or empty for 1.0",
    max_reason: Some(limits::CAPACITY_REASON),
};

/// Reps read from one file, with the line each came from.
#[derive(Debug, Default)]
pub struct RepsRead {
    pub reps: Vec<Rep>,
    /// Line of each rep in `reps`, same order.
    pub lines: Vec<u64>,
    /// Every rep_id in the file, including rows with other problems.
    pub ids: HashMap<String, u64>,
    /// True when every row became a rep: checks over all reps (capacity,
    /// coverage) are only meaningful then.
    pub complete: bool,
}

/// Read every row into a `Rep`, reporting each bad cell.
pub fn read_reps(table: &Table, report: &mut Report) -> RepsRead {
    let mut ids = HashMap::new();
    let rows = read_each(
        table,
        report,
        "no reps: the file has a header but no data rows; at least one rep with capacity > 0 is needed",
        |row, report| read_rep(table, row, &mut ids, report),
    );
    RepsRead {
        reps: rows.items,
        lines: rows.lines,
        ids,
        complete: rows.complete,
    }
}

fn read_rep(
    table: &Table,
    row: &Row,
    seen: &mut HashMap<String, u64>,
    report: &mut Report,
) -> Option<Rep> {
    let mut r = RowReader::new(table, row, report);
    let id = r.unique_id("rep_id", seen);
    let home = r.home();
    let capacity = r.optional_number("capacity", &CAPACITY);
    let had_capacity = r.text("capacity").is_some();
    let start_date = r.date("start_date");
    if r.failed() || (had_capacity && capacity.is_none()) {
        return None;
    }
    Some(Rep {
        id: id?,
        name: r.text("name"),
        lat: home?.0,
        lon: home?.1,
        segments: r
            .text("segment")
            .map(|s| parse_segment_list(&s))
            .unwrap_or_default(),
        capacity: capacity.unwrap_or(DEFAULT_CAPACITY),
        start_date,
        manager: r.text("manager"),
        region: r.text("region"),
        extra: r.extras(),
    })
}
