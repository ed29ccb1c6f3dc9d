//! Mid-year rebalance: the fewest account moves that bring every rep back
//! within its balance band, with the rules of `plan`, and a lower bound on
//! the moves any balanced plan needs.
//!
//! This module owns the rebalance situation ([`Setup`]: who left, which
//! accounts must be placed, which deals are open), the move model and its
//! bound ([`model`]), the moves-vs-balance frontier and budgets
//! ([`frontier`]), and grandfathered deals ([`grandfathering`]). It sees
//! only domain types; reading deals and writing files live in `io` and
//! `output`.

pub mod frontier;
pub mod grandfathering;
pub mod model;
pub mod parts;
pub mod violation_bound;

use chrono::NaiveDate;

use crate::model::{Dataset, Deal};
use crate::{Error, InputProblem, Result};

/// Why an account is (or may be) placed with a new owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    /// Its current owner is active and may keep it: moving it is a
    /// discretionary move.
    Staying,
    /// Its current owner has left: it must be placed.
    Orphan,
    /// No current owner: it must be placed.
    NewAccount,
    /// Its current owner is active but a rule (segment, named list,
    /// restriction, distance limit) no longer lets it keep the account.
    Forced,
}

impl AccountKind {
    /// The reason code of moves.csv.
    pub fn code(self) -> &'static str {
        match self {
            AccountKind::Staying => "balance",
            AccountKind::Orphan => "orphan",
            AccountKind::NewAccount => "new_account",
            AccountKind::Forced => "rule",
        }
    }
}

/// The rebalance situation, ready for the model.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The data as of the effective date: departed reps at capacity 0,
    /// the mid-year tolerances in `[balance]`.
    pub dataset: Dataset,
    /// The data as given (capacities as read), for the outputs.
    pub original_capacity: Vec<f64>,
    pub effective: Option<NaiveDate>,
    /// Per rep: left on or before the effective date, or capacity 0.
    pub departed: Vec<bool>,
    /// Per rep: active and owns no account today.
    pub new_hire: Vec<bool>,
    /// Today's owner per account (rep index), departed reps included.
    pub current: Vec<Option<usize>>,
    pub kind: Vec<AccountKind>,
    pub deals: Vec<Deal>,
    /// Open deal amount per account.
    pub open_deals: Vec<f64>,
}

impl Setup {
    /// Accounts whose current owner stays and may keep them.
    pub fn staying(&self) -> usize {
        self.kind
            .iter()
            .filter(|&&k| k == AccountKind::Staying)
            .count()
    }

    /// Accounts of a kind.
    pub fn count(&self, kind: AccountKind) -> usize {
        self.kind.iter().filter(|&&k| k == kind).count()
    }

    /// Discretionary moves of a plan: staying accounts that end with
    /// another rep.
    pub fn discretionary_moves(&self, owner: &[usize]) -> usize {
        self.taken(owner)
            .filter(|&i| self.kind[i] == AccountKind::Staying)
            .count()
    }

    /// Accounts taken from an active owner (discretionary and rule-forced).
    pub fn taken(&self, owner: &[usize]) -> impl Iterator<Item = usize> + '_ {
        let owner = owner.to_vec();
        (0..owner.len()).filter(move |&i| {
            matches!(self.kind[i], AccountKind::Staying | AccountKind::Forced)
                && self.current[i] != Some(owner[i])
        })
    }

    /// Open deal amount over all accounts.
    pub fn taken_all_open(&self) -> f64 {
        self.open_deals.iter().sum()
    }

    /// Today's owners with orphans and new accounts left out: the balance
    /// before the rebalance, over active reps only.
    pub fn before_owners(&self) -> Vec<Option<usize>> {
        self.current
            .iter()
            .zip(&self.kind)
            .map(|(&o, &k)| match k {
                AccountKind::Orphan | AccountKind::NewAccount => None,
                _ => o,
            })
            .collect()
    }
}

/// Where each input row came from, for messages.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub accounts_file: &'a str,
    pub reps_file: &'a str,
    pub account_lines: &'a [u64],
    pub rep_lines: &'a [u64],
}

/// Name of the reps.csv column that marks a departure.
pub const END_DATE_COLUMN: &str = "end_date";

/// The data as of an effective date (see [`as_of`]).
#[derive(Debug, Clone)]
pub struct AsOf {
    /// Departed reps at capacity 0, the mid-year tolerances of
    /// `[rebalance]` in `[balance]`.
    pub dataset: Dataset,
    /// Per rep: left on or before the effective date, or capacity 0.
    pub departed: Vec<bool>,
    /// Per rep: the `end_date` of reps.csv, when given.
    pub end_dates: Vec<Option<NaiveDate>>,
}

/// The data as the rebalance sees it on `effective`: reps whose
/// `end_date` is on or before it (or whose capacity is 0) have left and
/// get capacity 0, and `[rebalance]`'s mid-year tolerances replace
/// `[balance]`'s. `tplan explain` applies the same to a rebalance folder.
/// A bad end_date, or end dates without an effective date, is an input
/// error.
pub fn as_of(dataset: &Dataset, effective: Option<NaiveDate>, origin: Origin<'_>) -> Result<AsOf> {
    let mut problems = Vec::new();
    let found = departures(dataset, effective, origin, &mut problems);
    if !problems.is_empty() {
        return Err(Error::input(problems));
    }
    Ok(found)
}

/// [`as_of`], its problems added to `problems`.
fn departures(
    dataset: &Dataset,
    effective: Option<NaiveDate>,
    origin: Origin<'_>,
    problems: &mut Vec<InputProblem>,
) -> AsOf {
    let end_dates = end_dates(dataset, origin, problems);
    if effective.is_none() && end_dates.iter().any(Option::is_some) {
        problems.push(InputProblem {
            file: origin.reps_file.to_string(),
            line: None,
            column: Some(END_DATE_COLUMN.to_string()),
            value: None,
            message: "reps have end dates but no effective date is set: give --effective \
                      YYYY-MM-DD or [rebalance] effective_date"
                .to_string(),
        });
    }
    let departed: Vec<bool> = dataset
        .reps
        .iter()
        .zip(&end_dates)
        .map(|(rep, end)| {
            rep.capacity <= 0.0 || matches!((end, effective), (Some(e), Some(d)) if *e <= d)
        })
        .collect();
    let mut ds = dataset.clone();
    for (rep, &gone) in ds.reps.iter_mut().zip(&departed) {
        if gone {
            rep.capacity = 0.0;
        }
    }
    let rb = &dataset.config.rebalance;
    if let Some(t) = rb.potential_tolerance {
        ds.config.balance.potential_tolerance = t;
    }
    if let Some(t) = rb.workload_tolerance {
        ds.config.balance.workload_tolerance = t;
    }
    AsOf {
        dataset: ds,
        departed,
        end_dates,
    }
}

/// Build the rebalance situation: departures as of `effective`, mid-year
/// tolerances, account kinds and open deals. Every problem found (a bad
/// end_date, a locked or named account whose owner left, a segment no
/// active rep covers) is returned as one input error.
pub fn prepare(
    dataset: &Dataset,
    effective: Option<NaiveDate>,
    deals: Vec<Deal>,
    origin: Origin<'_>,
) -> Result<Setup> {
    let mut problems = Vec::new();
    let AsOf {
        dataset: ds,
        departed,
        ..
    } = departures(dataset, effective, origin, &mut problems);
    let current = dataset.current_owner_indices();
    check_pins(&ds, &current, &departed, origin, &mut problems);
    check_coverage(&ds, origin, &mut problems);
    if !problems.is_empty() {
        return Err(Error::input(problems));
    }
    let kind = account_kinds(&ds, &current, &departed);
    let mut owns = vec![false; ds.reps.len()];
    current.iter().flatten().for_each(|&r| owns[r] = true);
    let new_hire = (0..ds.reps.len())
        .map(|r| !departed[r] && !owns[r])
        .collect();
    let mut open_deals = vec![0.0; ds.accounts.len()];
    for d in deals.iter().filter(|d| d.is_open()) {
        open_deals[d.account] += d.amount;
    }
    Ok(Setup {
        original_capacity: dataset.reps.iter().map(|r| r.capacity).collect(),
        dataset: ds,
        effective,
        departed,
        new_hire,
        current,
        kind,
        deals,
        open_deals,
    })
}

/// Each account's kind, from today's owner and who may own it under the
/// rules of `ds` (departed reps at capacity 0).
fn account_kinds(ds: &Dataset, current: &[Option<usize>], departed: &[bool]) -> Vec<AccountKind> {
    let eligible = crate::territory::eligible_reps(ds);
    current
        .iter()
        .zip(&eligible)
        .map(|(&o, reps)| match o {
            None => AccountKind::NewAccount,
            Some(r) if departed[r] => AccountKind::Orphan,
            Some(r) if reps.contains(&r) => AccountKind::Staying,
            Some(_) => AccountKind::Forced,
        })
        .collect()
}

/// The `end_date` column of reps.csv (carried as an extra column), parsed.
fn end_dates(
    ds: &Dataset,
    origin: Origin<'_>,
    problems: &mut Vec<InputProblem>,
) -> Vec<Option<NaiveDate>> {
    let Some(col) = ds
        .rep_extra_columns
        .iter()
        .position(|c| c == END_DATE_COLUMN)
    else {
        return vec![None; ds.reps.len()];
    };
    ds.reps
        .iter()
        .enumerate()
        .map(|(r, rep)| {
            let cell = rep.extra.get(col).map(|c| c.trim()).unwrap_or("");
            if cell.is_empty() {
                return None;
            }
            let date = NaiveDate::parse_from_str(cell, "%Y-%m-%d").ok();
            if date.is_none() {
                problems.push(InputProblem {
                    file: origin.reps_file.to_string(),
                    line: origin.rep_lines.get(r).copied(),
                    column: Some(END_DATE_COLUMN.to_string()),
                    value: Some(cell.to_string()),
                    message: "expected a date written YYYY-MM-DD (the rep's last day), or empty"
                        .to_string(),
                });
            }
            date
        })
        .collect()
}

/// A locked or named account must stay with its rep: that rep leaving is
/// a contradiction the user must resolve.
fn check_pins(
    ds: &Dataset,
    current: &[Option<usize>],
    departed: &[bool],
    origin: Origin<'_>,
    problems: &mut Vec<InputProblem>,
) {
    for (i, a) in ds.accounts.iter().enumerate() {
        let line = origin.account_lines.get(i).copied();
        if a.locked {
            if let Some(r) = current[i].filter(|&r| departed[r]) {
                problems.push(InputProblem {
                    file: origin.accounts_file.to_string(),
                    line,
                    column: Some("locked".to_string()),
                    value: Some(ds.reps[r].id.clone()),
                    message: format!(
                        "account {} is locked to {} who has left (end_date on or before the \
                         effective date, or capacity 0): unlock the account or give it a new \
                         current_owner",
                        a.id, ds.reps[r].id
                    ),
                });
            }
        }
        if let Some(Some((r, list))) = ds.rules.named.get(i) {
            if departed[*r] {
                problems.push(InputProblem {
                    file: origin.accounts_file.to_string(),
                    line,
                    column: Some("account_id".to_string()),
                    value: Some(a.id.clone()),
                    message: format!(
                        "account {} is pinned by [[named]] '{list}' to {} who has left: \
                         name another rep in the list",
                        a.id, ds.reps[*r].id
                    ),
                });
            }
        }
    }
}

/// Every account segment still needs an active rep covering it.
fn check_coverage(ds: &Dataset, origin: Origin<'_>, problems: &mut Vec<InputProblem>) {
    let mut reported = std::collections::BTreeSet::new();
    for (i, a) in ds.accounts.iter().enumerate() {
        let seg = a.segment.as_deref();
        if ds.reps.iter().any(|r| r.capacity > 0.0 && r.covers(seg)) {
            continue;
        }
        if reported.insert(seg.map(str::to_string)) {
            problems.push(InputProblem {
                file: origin.accounts_file.to_string(),
                line: origin.account_lines.get(i).copied(),
                column: Some("segment".to_string()),
                value: seg.map(str::to_string),
                message: "after the departures no active rep covers this segment: hire or \
                          re-assign a rep who covers it"
                    .to_string(),
            });
        }
    }
}

#[cfg(test)]
mod tests;
