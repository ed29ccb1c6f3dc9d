//! An earlier run's owners, read back from its `assignments.csv` and
//! matched against today's input (`tplan quota`, `tplan explain`).
//!
//! The reading and matching are here; the words are the caller's: quota
//! lists every problem as an input problem, explain stops at the first.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

use csv::StringRecord;

use crate::model::Dataset;

/// An assignments file, opened and its header read.
pub struct AssignmentsFile {
    reader: csv::Reader<File>,
    headers: StringRecord,
}

/// Why an assignments file could not be opened.
pub enum OpenFailure {
    /// The file cannot be opened.
    File(csv::Error),
    /// Its header line cannot be read.
    Header(csv::Error),
}

/// A row whose account and rep are both in the input.
pub struct MatchedRow<'r> {
    /// 1-based line (the header is line 1).
    pub line: u64,
    /// Index of the account in the input.
    pub account: usize,
    /// Index of the rep in the input.
    pub rep: usize,
    pub record: &'r StringRecord,
}

/// A row that does not match the input.
pub enum RowProblem<'r> {
    /// Not a CSV row.
    Unreadable(csv::Error),
    /// The account_id of the row is not an account of the input.
    UnknownAccount(&'r str),
    /// The rep_id of the row is not a rep of the input.
    UnknownRep(&'r str),
    /// The account has an earlier row.
    Twice(&'r str),
}

impl AssignmentsFile {
    pub fn open(path: &Path) -> Result<AssignmentsFile, OpenFailure> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_path(path)
            .map_err(OpenFailure::File)?;
        let headers = reader.headers().map_err(OpenFailure::Header)?.clone();
        Ok(AssignmentsFile { reader, headers })
    }

    /// Index of the column with this name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// Match every row (account in `account_col`, rep in `rep_col`)
    /// against `dataset`, in file order: `row` is told each matched row
    /// (before a second row of an account is a problem), `problem` each
    /// row that does not match; either may stop the walk with an error.
    /// Returns the owner of each input account, `None` where no row names
    /// it (a later row of an account wins).
    pub fn match_rows<E>(
        mut self,
        dataset: &Dataset,
        account_col: usize,
        rep_col: usize,
        mut row: impl FnMut(&MatchedRow<'_>) -> Result<(), E>,
        mut problem: impl FnMut(u64, RowProblem<'_>) -> Result<(), E>,
    ) -> Result<Vec<Option<usize>>, E> {
        let accounts = index(dataset.accounts.iter().map(|a| a.id.as_str()));
        let reps = index(dataset.reps.iter().map(|r| r.id.as_str()));
        let mut owners: Vec<Option<usize>> = vec![None; dataset.accounts.len()];
        for (record, line) in self.reader.records().zip(2u64..) {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    problem(line, RowProblem::Unreadable(e))?;
                    continue;
                }
            };
            let account_id = record.get(account_col).unwrap_or("");
            let Some(&account) = accounts.get(account_id) else {
                problem(line, RowProblem::UnknownAccount(account_id))?;
                continue;
            };
            let rep_id = record.get(rep_col).unwrap_or("");
            let Some(&rep) = reps.get(rep_id) else {
                problem(line, RowProblem::UnknownRep(rep_id))?;
                continue;
            };
            row(&MatchedRow {
                line,
                account,
                rep,
                record: &record,
            })?;
            if owners[account].is_some() {
                problem(line, RowProblem::Twice(account_id))?;
            }
            owners[account] = Some(rep);
        }
        Ok(owners)
    }
}

/// Position of each id.
fn index<'d>(ids: impl Iterator<Item = &'d str>) -> HashMap<&'d str, usize> {
    ids.enumerate().map(|(i, id)| (id, i)).collect()
}

/// The ids of the input accounts without an owner, in input order.
pub fn unassigned<'d>(owners: &[Option<usize>], dataset: &'d Dataset) -> Vec<&'d str> {
    owners
        .iter()
        .zip(&dataset.accounts)
        .filter(|(o, _)| o.is_none())
        .map(|(_, a)| a.id.as_str())
        .collect()
}

/// The first five ids, and `, ...` when there are more.
pub fn first_ids(ids: &[&str]) -> String {
    let listed: Vec<&str> = ids.iter().take(5).copied().collect();
    format!(
        "{}{}",
        listed.join(", "),
        if ids.len() > 5 { ", ..." } else { "" }
    )
}
