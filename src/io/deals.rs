//! `deals.csv` (optional, rebalance): deal_id, account_id, owner, amount,
//! stage, close_date. Every row is checked against the accounts and reps
//! of the same input folder.

use std::collections::HashMap;

use super::parse::NumberKind;
use super::row::{NumberRule, RowReader};
use super::table::{read_table, ColumnSpec};
use super::{read_input, InputFile, Report};
use crate::model::{Dataset, Deal};
use crate::{Error, Result};

/// File name inside an input folder.
pub const DEALS_FILE: &str = "deals.csv";

/// The deals.csv columns, all required.
pub const DEAL_COLUMNS: [ColumnSpec; 6] = [
    ColumnSpec::required("deal_id"),
    ColumnSpec::required("account_id"),
    ColumnSpec::required("owner"),
    ColumnSpec::required("amount"),
    ColumnSpec::required("stage"),
    ColumnSpec::required("close_date"),
];

const AMOUNT: NumberRule = NumberRule {
    kind: NumberKind::Money,
    min: 0.0,
    max: super::limits::MAX_MONEY,
    expected: "expected a deal amount >= 0 (currency)",
    max_reason: Some(super::limits::MONEY_REASON),
};

/// Read `dir/deals.csv` when it exists: `Ok(None)` when there is none,
/// an input error listing every bad row otherwise.
pub fn load_deals(dir: &std::path::Path, ds: &Dataset) -> Result<Option<(Vec<Deal>, InputFile)>> {
    let path = dir.join(DEALS_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let name = path.display().to_string();
    let mut report = Report::default();
    let mut inputs = Vec::new();
    let deals = read_input(&path, &name, &mut inputs, &mut report)
        .and_then(|bytes| read_table(&name, &bytes, &DEAL_COLUMNS, &mut report))
        .map(|table| read_rows(&table, ds, &mut report))
        .unwrap_or_default();
    if !report.problems.is_empty() {
        return Err(Error::input(report.problems));
    }
    Ok(inputs.pop().map(|input| (deals, input)))
}

fn read_rows(table: &super::table::Table, ds: &Dataset, report: &mut Report) -> Vec<Deal> {
    if !table.missing_required.is_empty() {
        return Vec::new();
    }
    let accounts: HashMap<&str, usize> = ds
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut seen = HashMap::new();
    let mut deals = Vec::new();
    for row in &table.rows {
        let mut r = RowReader::new(table, row, report);
        let id = r.unique_id("deal_id", &mut seen);
        let account = r
            .id("account_id")
            .and_then(|a| match accounts.get(a.as_str()) {
                Some(&i) => Some(i),
                None => {
                    r.fail(
                        "account_id",
                        &a,
                        "unknown account: expected an account_id from accounts.csv",
                    );
                    None
                }
            });
        let owner = r.id("owner").and_then(|o| {
            if ds.rep_index(&o).is_some() {
                Some(o)
            } else {
                r.fail(
                    "owner",
                    &o,
                    "unknown owner: expected a rep_id from reps.csv",
                );
                None
            }
        });
        let amount = r.required_number("amount", &AMOUNT);
        let stage = r.text("stage");
        if stage.is_none() {
            r.fail(
                "stage",
                "",
                "expected the deal's stage (e.g. Proposal, Closed Won)",
            );
        }
        let close_date = r.date("close_date");
        if close_date.is_none() && !r.failed() {
            r.fail("close_date", "", "expected a date written YYYY-MM-DD");
        }
        if r.failed() {
            continue;
        }
        if let (Some(id), Some(account), Some(owner), Some(amount), Some(stage), Some(close_date)) =
            (id, account, owner, amount, stage, close_date)
        {
            deals.push(Deal {
                id,
                account,
                owner,
                amount,
                stage,
                close_date,
                line: row.line,
            });
        }
    }
    deals
}
