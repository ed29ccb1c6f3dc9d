//! Warnings about data that is valid but suspicious: accounts too big to
//! balance, reps far from every account they may take, accounts with no
//! potential. None of these stops a run; each tells the user what to expect.

use std::collections::HashMap;

use crate::distance::GeoPoint;
use crate::model::{late_starts, Account, Dataset, Rep};
use crate::InputProblem;

/// A rep whose nearest eligible account is farther than this is reported.
pub const FAR_AWAY_KM: f64 = 1000.0;

/// Where the dataset came from, so warnings can name file and line.
pub struct Origin<'a> {
    pub accounts_file: &'a str,
    pub reps_file: &'a str,
    pub account_lines: &'a [u64],
    pub rep_lines: &'a [u64],
}

/// Every warning about a dataset that passed validation.
pub fn dataset_warnings(dataset: &Dataset, origin: &Origin<'_>) -> Vec<InputProblem> {
    let mut warnings = oversized_accounts(dataset, origin);
    warnings.extend(far_away_reps(dataset, origin));
    warnings.extend(zero_potential(dataset, origin));
    warnings.extend(late_starters(dataset, origin));
    warnings.extend(formula_like_cells(dataset, origin));
    warnings
}

/// Reps starting after the first month of the plan year: their territory
/// is balanced on the months they work (see `model::availability`).
fn late_starters(dataset: &Dataset, origin: &Origin<'_>) -> Vec<InputProblem> {
    late_starts(dataset)
        .into_iter()
        .map(|l| {
            let rep = &dataset.reps[l.rep];
            let message = if l.months_available == 0 {
                format!(
                    "rep '{}' starts in {}, after the plan year: it gets no territory this year (capacity 0 in the plan; its {} FTE counts from the year it starts)",
                    rep.id, l.start, l.capacity
                )
            } else {
                format!(
                    "rep '{}' starts in {}, with {} of the plan year's 12 months left: its territory is balanced on {:.3} of its {} FTE ({} / 12)",
                    rep.id, l.start, l.months_available, l.planning_capacity, l.capacity, l.months_available
                )
            };
            InputProblem {
                file: origin.reps_file.to_string(),
                line: origin.rep_lines.get(l.rep).copied(),
                column: Some("start_date".to_string()),
                value: rep.start_date.map(|d| d.to_string()),
                message,
            }
        })
        .collect()
}

/// One account segment (or accounts with none): total potential, total
/// capacity of the reps with capacity covering it, and the largest of them.
#[derive(Default)]
pub(super) struct SegmentTotals {
    pub potential: f64,
    /// Hours per year, segment defaults filled in.
    pub workload: f64,
    pub capacity: f64,
    pub largest_rep: Option<usize>,
}

/// Accounts whose potential exceeds (1 + tol) x the largest fair share
/// among their eligible reps: no single-owner plan can balance them.
/// A rep's fair share of a segment is cap_r x (segment potential / total
/// capacity covering the segment).
fn oversized_accounts(dataset: &Dataset, origin: &Origin<'_>) -> Vec<InputProblem> {
    let tol = dataset.config.balance.potential_tolerance;
    let totals = segment_totals(dataset);
    let mut warnings = Vec::new();
    for (i, account) in dataset.accounts.iter().enumerate() {
        let Some(segment) = totals.get(&account.segment) else {
            continue;
        };
        let Some(rep) = largest_eligible_rep(dataset, account, segment) else {
            continue;
        };
        let fair = rep.capacity * segment.potential / segment.capacity;
        if account.potential > (1.0 + tol) * fair {
            warnings.push(InputProblem {
                file: origin.accounts_file.to_string(),
                line: origin.account_lines.get(i).copied(),
                column: Some("potential".to_string()),
                value: Some(format!("{}", account.potential)),
                message: format!(
                    "this account alone exceeds (1 + {tol}) x the largest fair share among its eligible reps ({} for rep '{}' at capacity {}): exact balance is impossible, and the rep taking it will be over its potential target",
                    thousands(fair),
                    rep.id,
                    rep.capacity
                ),
            });
        }
    }
    warnings
}

pub(super) fn segment_totals(dataset: &Dataset) -> HashMap<Option<String>, SegmentTotals> {
    let mut totals: HashMap<Option<String>, SegmentTotals> = HashMap::new();
    for account in &dataset.accounts {
        let t = totals.entry(account.segment.clone()).or_default();
        t.potential += account.potential;
        t.workload += account.workload;
    }
    for (segment, t) in totals.iter_mut() {
        for (j, rep) in dataset.reps.iter().enumerate() {
            if rep.capacity <= 0.0 || !rep.covers(segment.as_deref()) {
                continue;
            }
            t.capacity += rep.capacity;
            if t.largest_rep
                .is_none_or(|b| dataset.reps[b].capacity < rep.capacity)
            {
                t.largest_rep = Some(j);
            }
        }
    }
    totals
}

/// The eligible rep with the largest fair share: the largest capacity
/// covering the segment, or for a locked account its owner (its only
/// eligible rep).
pub(super) fn largest_eligible_rep<'d>(
    dataset: &'d Dataset,
    account: &Account,
    segment: &SegmentTotals,
) -> Option<&'d Rep> {
    if segment.capacity <= 0.0 {
        return None;
    }
    if account.locked {
        let owner = account.current_owner.as_deref()?;
        return dataset
            .reps
            .iter()
            .find(|r| r.id == owner && r.capacity > 0.0);
    }
    segment.largest_rep.map(|j| &dataset.reps[j])
}

/// Reps with capacity whose home is more than `FAR_AWAY_KM` from every
/// account they may take, or who may take no account at all.
fn far_away_reps(dataset: &Dataset, origin: &Origin<'_>) -> Vec<InputProblem> {
    let points: Vec<GeoPoint> = dataset
        .accounts
        .iter()
        .map(|a| GeoPoint::new(a.lat, a.lon))
        .collect();
    let mut warnings = Vec::new();
    for (j, rep) in dataset.reps.iter().enumerate() {
        if rep.capacity <= 0.0 {
            continue;
        }
        let message = match nearest_eligible_km(dataset, &points, rep) {
            None => format!(
                "rep '{}' has capacity {} but no account has a segment it covers ({}): it will get no accounts",
                rep.id,
                rep.capacity,
                rep.segments.join(";")
            ),
            Some(km) if km > FAR_AWAY_KM => format!(
                "rep '{}' lives {} km from the nearest account it may take (more than {} km): informational, its territory will be far from home",
                rep.id,
                thousands(km),
                thousands(FAR_AWAY_KM)
            ),
            Some(_) => continue,
        };
        warnings.push(InputProblem {
            file: origin.reps_file.to_string(),
            line: origin.rep_lines.get(j).copied(),
            column: None,
            value: Some(format!("{}, {}", rep.lat, rep.lon)),
            message,
        });
    }
    warnings
}

/// Km to the nearest account the rep may take; stops early once one is
/// within range, since only "farther than" matters.
fn nearest_eligible_km(dataset: &Dataset, points: &[GeoPoint], rep: &Rep) -> Option<f64> {
    let home = GeoPoint::new(rep.lat, rep.lon);
    let mut nearest: Option<f64> = None;
    for (account, point) in dataset.accounts.iter().zip(points) {
        if !rep.covers(account.segment.as_deref()) {
            continue;
        }
        let km = home.km_to(point);
        if km <= FAR_AWAY_KM {
            return Some(km);
        }
        nearest = Some(nearest.map_or(km, |n| n.min(km)));
    }
    nearest
}

/// One warning counting accounts with potential 0.
fn zero_potential(dataset: &Dataset, origin: &Origin<'_>) -> Option<InputProblem> {
    let mut zero = dataset
        .accounts
        .iter()
        .enumerate()
        .filter(|(_, a)| a.potential == 0.0);
    let (first, _) = zero.next()?;
    let count = 1 + zero.count();
    Some(InputProblem {
        file: origin.accounts_file.to_string(),
        line: origin.account_lines.get(first).copied(),
        column: Some("potential".to_string()),
        value: Some("0".to_string()),
        message: format!(
            "{count} account{} potential 0 (the first on this line): they add workload but no opportunity",
            if count == 1 { " has" } else { "s have" }
        ),
    })
}

/// Text cells a spreadsheet would run as a formula (they start with `=`,
/// `+`, `-` or `@`): names and ids go through to the output CSVs, which
/// finance opens in Excel. One warning per file, naming the first.
fn formula_like_cells(dataset: &Dataset, origin: &Origin<'_>) -> Vec<InputProblem> {
    let accounts = dataset.accounts.iter().map(|a| {
        let named = [
            ("account_id", Some(&a.id)),
            ("name", a.name.as_ref()),
            ("segment", a.segment.as_ref()),
            ("industry", a.industry.as_ref()),
            ("current_owner", a.current_owner.as_ref()),
        ];
        first_formula(&named, &dataset.account_extra_columns, &a.extra)
    });
    let reps = dataset.reps.iter().map(|r| {
        let segments = r.segments.join(";");
        let named = [
            ("rep_id", Some(&r.id)),
            ("name", r.name.as_ref()),
            ("segment", Some(&segments)),
            ("manager", r.manager.as_ref()),
            ("region", r.region.as_ref()),
        ];
        first_formula(&named, &dataset.rep_extra_columns, &r.extra)
    });
    [
        formula_warning(accounts, origin.accounts_file, origin.account_lines),
        formula_warning(reps, origin.reps_file, origin.rep_lines),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The first cell of a row that looks like a formula: (column, value).
fn first_formula(
    named: &[(&str, Option<&String>)],
    extra_names: &[String],
    extra: &[String],
) -> Option<(String, String)> {
    let named = named
        .iter()
        .filter_map(|(c, v)| v.map(|v| (c.to_string(), v.clone())));
    let extras = extra_names.iter().cloned().zip(extra.iter().cloned());
    named.chain(extras).find(|(_, v)| looks_like_formula(v))
}

/// Starts with a formula trigger and is not simply a signed number.
pub fn looks_like_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@']) && cell.parse::<f64>().is_err()
}

fn formula_warning(
    rows: impl Iterator<Item = Option<(String, String)>>,
    file: &str,
    lines: &[u64],
) -> Option<InputProblem> {
    let mut found = rows.enumerate().filter_map(|(i, f)| f.map(|f| (i, f)));
    let (first, (column, value)) = found.next()?;
    let count = 1 + found.count();
    Some(InputProblem {
        file: file.to_string(),
        line: lines.get(first).copied(),
        column: Some(column),
        value: Some(value),
        message: format!(
            "{count} row{} a cell starting with =, +, - or @ (the first here): a spreadsheet opening the output CSVs would run it as a formula; rename it, or open the CSVs as text",
            if count == 1 { " has" } else { "s have" }
        ),
    })
}

/// A number rounded to a whole unit with thousands separators: 1,234,568.
pub fn thousands(x: f64) -> String {
    let rounded = x.round();
    let digits = format!("{:.0}", rounded.abs());
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if rounded < 0.0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1234567.8), "1,234,568");
        assert_eq!(thousands(-1000.0), "-1,000");
    }
}
