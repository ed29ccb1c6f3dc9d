//! Checks that need both files: owners that exist, locks a plan can keep,
//! segments some rep can take, and capacity to take anything at all.
//!
//! These are errors, not warnings: each one makes every plan impossible
//! (or, for an unknown owner, means the data does not say what it seems to).

use std::collections::BTreeMap;

use super::accounts::AccountsRead;
use super::reps::RepsRead;
use super::Report;
use crate::model::{Account, Rep};
use crate::InputProblem;

/// Both files' contents and names, as the cross-file checks need them.
pub struct Inputs<'a> {
    pub accounts_file: &'a str,
    pub reps_file: &'a str,
    pub accounts: &'a AccountsRead,
    pub reps: &'a RepsRead,
    /// False when reps.csv could not be read or lacks rep_id: every owner
    /// would look unknown, which says nothing useful.
    pub rep_ids_known: bool,
}

/// Run every cross-file check.
pub fn check_cross_file(inputs: &Inputs<'_>, report: &mut Report) {
    if inputs.rep_ids_known {
        check_owners(inputs, report);
    }
    if inputs.reps.complete {
        check_capacity_and_coverage(inputs, report);
    }
}

/// Owners must be reps; locks must go to a rep that can keep the account.
fn check_owners(inputs: &Inputs<'_>, report: &mut Report) {
    let accounts = &inputs.accounts;
    for (account, &line) in accounts.accounts.iter().zip(&accounts.lines) {
        let Some(owner) = &account.current_owner else {
            continue;
        };
        if !inputs.reps.ids.contains_key(owner) {
            report.problem(owner_problem(
                inputs,
                line,
                owner,
                format!(
                    "unknown current_owner: expected a rep_id from {}",
                    inputs.reps_file
                ),
            ));
            continue;
        }
        if account.locked {
            if let Some((rep, rep_line)) = find_rep(inputs.reps, owner) {
                check_lock(inputs, account, line, rep, rep_line, report);
            }
        }
    }
}

fn check_lock(
    inputs: &Inputs<'_>,
    account: &Account,
    line: u64,
    rep: &Rep,
    rep_line: u64,
    report: &mut Report,
) {
    let owner = &rep.id;
    // With no capacity anywhere that is the one problem to report: a lock
    // error per locked account would bury it.
    let any_capacity = inputs.reps.reps.iter().any(|r| r.capacity > 0.0);
    if rep.capacity <= 0.0 && any_capacity {
        report.problem(owner_problem(
            inputs,
            line,
            owner,
            format!(
                "the account is locked to rep '{owner}' whose capacity is 0 ({}:{rep_line}); a rep with no capacity takes no accounts: give the rep capacity or unlock the account",
                inputs.reps_file
            ),
        ));
    }
    if !rep.covers(account.segment.as_deref()) {
        report.problem(owner_problem(
            inputs,
            line,
            owner,
            format!(
                "the account is locked to rep '{owner}' whose segments ({}) do not include the account's segment '{}' ({}:{rep_line}): change the rep's segments or unlock the account",
                rep.segments.join(";"),
                account.segment.as_deref().unwrap_or(""),
                inputs.reps_file
            ),
        ));
    }
}

fn owner_problem(inputs: &Inputs<'_>, line: u64, owner: &str, message: String) -> InputProblem {
    InputProblem {
        file: inputs.accounts_file.to_string(),
        line: Some(line),
        column: Some("current_owner".to_string()),
        value: Some(owner.to_string()),
        message,
    }
}

fn find_rep<'a>(reps: &'a RepsRead, id: &str) -> Option<(&'a Rep, u64)> {
    reps.reps
        .iter()
        .zip(&reps.lines)
        .find(|(r, _)| r.id == id)
        .map(|(r, &line)| (r, line))
}

/// Some capacity must exist, and every account segment needs a rep with
/// capacity that covers it.
fn check_capacity_and_coverage(inputs: &Inputs<'_>, report: &mut Report) {
    let reps = &inputs.reps.reps;
    if reps.is_empty() {
        return; // "no reps" was reported with the file.
    }
    let total: f64 = reps.iter().map(|r| r.capacity).sum();
    if total <= 0.0 {
        report.problem(InputProblem {
            file: inputs.reps_file.to_string(),
            line: None,
            column: Some("capacity".to_string()),
            value: Some("0".to_string()),
            message: format!(
                "total capacity is 0: all {} reps have capacity 0, so no account can be assigned; at least one rep needs capacity > 0",
                reps.len()
            ),
        });
        return;
    }
    let working: Vec<&Rep> = reps.iter().filter(|r| r.capacity > 0.0).collect();
    for (segment, (count, first_line)) in segments_in_use(inputs.accounts) {
        if working.iter().any(|r| r.covers(Some(&segment))) {
            continue;
        }
        report.problem(InputProblem {
            file: inputs.accounts_file.to_string(),
            line: Some(first_line),
            column: Some("segment".to_string()),
            value: Some(segment.clone()),
            message: format!(
                "no rep with capacity > 0 covers segment '{segment}' ({count} account{}, the first on this line); reps with capacity cover: {}",
                if count == 1 { "" } else { "s" },
                covered_segments(&working)
            ),
        });
    }
}

/// Segment -> (number of accounts, line of the first), sorted by segment.
fn segments_in_use(accounts: &AccountsRead) -> BTreeMap<String, (usize, u64)> {
    let mut segments: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    for (account, &line) in accounts.accounts.iter().zip(&accounts.lines) {
        if let Some(segment) = &account.segment {
            let entry = segments.entry(segment.clone()).or_insert((0, line));
            entry.0 += 1;
        }
    }
    segments
}

fn covered_segments(reps: &[&Rep]) -> String {
    let mut segments: Vec<&str> = reps
        .iter()
        .flat_map(|r| r.segments.iter().map(String::as_str))
        .collect();
    segments.sort_unstable();
    segments.dedup();
    segments.join(", ")
}
