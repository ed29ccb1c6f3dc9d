//! `accounts.csv`: its contract columns and the reader that turns rows into
//! `Account`s, checking everything that needs only this file (values,
//! ranges, duplicate ids, locks without an owner).

use std::collections::HashMap;

use super::limits;
use super::parse::NumberKind;
use super::row::{read_each, NumberRule, RowReader};
use super::table::{ColumnSpec, Row, Table};
use super::Report;
use crate::model::{Account, Config, WorkloadSource};

/// The accounts.csv columns of the data contract, in contract order.
pub const ACCOUNT_COLUMNS: [ColumnSpec; 12] = [
    ColumnSpec::required("account_id"),
    ColumnSpec::optional("name"),
    ColumnSpec::required("lat"),
    ColumnSpec::required("lon"),
    ColumnSpec::required("potential"),
    ColumnSpec::optional("workload"),
    ColumnSpec::optional("segment"),
    ColumnSpec::optional("industry"),
    ColumnSpec::optional("current_owner"),
    ColumnSpec::optional("locked"),
    ColumnSpec::optional("bookings_last_year"),
    ColumnSpec::optional("pipeline"),
];

const POTENTIAL: NumberRule = NumberRule {
    kind: NumberKind::Money,
    min: 0.0,
    max: limits::MAX_MONEY,
    expected: "expected a number >= 0 (annual opportunity in currency)",
    max_reason: Some(limits::MONEY_REASON),
};

const WORKLOAD: NumberRule = NumberRule {
    kind: NumberKind::Plain,
    min: 0.0,
    max: limits::MAX_WORKLOAD_HOURS,
    expected:
        "expected a number >= 0 (hours per year), or empty for the segment default of plan.toml",
    max_reason: Some(limits::WORKLOAD_REASON),
};

const BOOKINGS: NumberRule = NumberRule {
    kind: NumberKind::Money,
    min: 0.0,
    max: limits::MAX_MONEY,
    expected: "expected a number >= 0 (last year's bookings in currency), or empty",
    max_reason: Some(limits::MONEY_REASON),
};

const PIPELINE: NumberRule = NumberRule {
    kind: NumberKind::Money,
    min: 0.0,
    max: limits::MAX_MONEY,
    expected: "expected a number >= 0 (open pipeline in currency), or empty",
    max_reason: Some(limits::MONEY_REASON),
};

/// Accounts read from one file, with the line each came from.
#[derive(Debug, Default)]
pub struct AccountsRead {
    pub accounts: Vec<Account>,
    /// Line of each account in `accounts`, same order.
    pub lines: Vec<u64>,
}

/// Read every row into an `Account`, reporting each bad cell.
pub fn read_accounts(table: &Table, config: &Config, report: &mut Report) -> AccountsRead {
    let mut ids = HashMap::new();
    let rows = read_each(
        table,
        report,
        "no accounts: the file has a header but no data rows",
        |row, report| read_account(table, row, config, &mut ids, report),
    );
    AccountsRead {
        accounts: rows.items,
        lines: rows.lines,
    }
}

fn read_account(
    table: &Table,
    row: &Row,
    config: &Config,
    seen: &mut HashMap<String, u64>,
    report: &mut Report,
) -> Option<Account> {
    let mut r = RowReader::new(table, row, report);
    let id = r.unique_id("account_id", seen);
    let home = r.home();
    let potential = r.required_number("potential", &POTENTIAL);
    let segment = r.text("segment");
    let workload = r.optional_number("workload", &WORKLOAD);
    let had_workload = r.text("workload").is_some();
    let current_owner = r.text("current_owner");
    let locked = r.flag("locked");
    if locked && current_owner.is_none() {
        let value = r.text("locked").unwrap_or_default();
        r.fail(
            "locked",
            &value,
            "a locked account must stay with its current_owner, but current_owner is empty",
        );
    }
    let bookings_last_year = r.optional_number("bookings_last_year", &BOOKINGS);
    let pipeline = r.optional_number("pipeline", &PIPELINE);
    if r.failed() {
        return None;
    }
    let (workload, workload_source) = match workload {
        Some(w) => (w, WorkloadSource::Data),
        // A non-empty cell that failed to parse was reported above.
        None if had_workload => return None,
        None => (
            config.workload.hours_for(segment.as_deref()),
            WorkloadSource::SegmentDefault,
        ),
    };
    Some(Account {
        id: id?,
        name: r.text("name"),
        lat: home?.0,
        lon: home?.1,
        potential: potential?,
        workload,
        workload_source,
        segment,
        industry: r.text("industry"),
        current_owner,
        locked,
        bookings_last_year,
        pipeline,
        extra: r.extras(),
    })
}
