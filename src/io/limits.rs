//! The ranges of input numbers the territory model solves reliably.
//!
//! The LP is scaled so one FTE's fair share is about 1. Values far outside
//! these ranges do not make a different plan, they make an unusable one:
//! sums overflow to infinity, the interior-point solver stops with a
//! numerical error, or coefficients many orders of magnitude apart make it
//! crawl. Each limit is far beyond any real account or rep, so hitting one
//! means a typo (an extra "e9", a capacity in hours rather than FTE). They
//! are checked in `validate` and so before every plan.

use super::warnings::{largest_eligible_rep, segment_totals, thousands, Origin, SegmentTotals};
use crate::model::{Account, Dataset, WorkloadSource};
use crate::InputProblem;

/// Largest money value of one account (potential, bookings, pipeline):
/// a trillion in any currency.
pub const MAX_MONEY: f64 = 1e12;
pub const MONEY_REASON: &str = "larger amounts are beyond what one account can hold and what the solver handles reliably; check for a misplaced exponent or a missing decimal point";

/// Largest workload of one account, in hours per year (about 500 FTE);
/// defined with the model, whose `[workload]` defaults it also bounds.
pub use crate::model::MAX_WORKLOAD_HOURS;
pub const WORKLOAD_REASON: &str =
    "hours per year; more is beyond what the solver handles reliably, check the unit";

/// Largest capacity of one rep, in FTE.
pub const MAX_CAPACITY: f64 = 1000.0;
pub const CAPACITY_REASON: &str = "FTE, not hours; more is beyond what the solver handles reliably";

/// Largest ratio between two reps' fair shares of potential. Beyond it the
/// smallest rep's balance row is below the solver's tolerances.
pub const MAX_FAIR_SHARE_RATIO: f64 = 1e6;

/// Largest ratio of one account's potential (or workload hours) to the
/// largest fair share of it that the rest of its segment gives a rep it may
/// go to. Beyond it balance has no meaning, and the account's coefficient
/// swamps every other in the balance rows (the whole segment's fair shares
/// are set by one account).
pub const MAX_ACCOUNT_TO_FAIR_SHARE: f64 = 100.0;

/// A limit as the messages print it: 1e12 rather than 1000000000000.
pub fn display(limit: f64) -> String {
    if limit >= 1e6 {
        format!("{limit:e}")
    } else {
        format!("{limit}")
    }
}

/// Problems with values that are each within range but together beyond
/// what the model solves reliably.
pub fn check_dataset(dataset: &Dataset, origin: &Origin<'_>) -> Vec<InputProblem> {
    let mut problems = fair_share_spread(dataset, origin);
    problems.extend(accounts_beyond_any_share(dataset, origin));
    problems
}

/// One rep's fair share of potential in one segment it covers.
struct Share {
    rep: usize,
    segment: Option<String>,
    value: f64,
}

/// Fair share = capacity x the segment's potential per FTE, for every rep
/// with capacity and every segment in use it covers. With hybrid groups
/// the optimiser moves part of a segment between groups, so this is the
/// per-segment figure, which bounds the group one.
fn fair_shares(dataset: &Dataset) -> Vec<Share> {
    let totals = segment_totals(dataset);
    let mut segments: Vec<_> = totals.iter().collect();
    segments.sort_by(|a, b| a.0.cmp(b.0));
    let mut shares = Vec::new();
    for (segment, t) in segments {
        if t.capacity <= 0.0 || t.potential <= 0.0 {
            continue;
        }
        for (j, rep) in dataset.reps.iter().enumerate() {
            if rep.capacity > 0.0 && rep.covers(segment.as_deref()) {
                shares.push(Share {
                    rep: j,
                    segment: segment.clone(),
                    value: rep.capacity * t.potential / t.capacity,
                });
            }
        }
    }
    shares
}

fn fair_share_spread(dataset: &Dataset, origin: &Origin<'_>) -> Vec<InputProblem> {
    let shares = fair_shares(dataset);
    let by_value = |a: &&Share, b: &&Share| a.value.total_cmp(&b.value);
    let (Some(small), Some(large)) = (
        shares.iter().min_by(by_value),
        shares.iter().max_by(by_value),
    ) else {
        return Vec::new();
    };
    let ratio = large.value / small.value;
    if ratio <= MAX_FAIR_SHARE_RATIO {
        return Vec::new();
    }
    let describe = |s: &Share| {
        let rep = &dataset.reps[s.rep];
        format!(
            "rep '{}' (line {}, capacity {}, segment {})",
            rep.id,
            origin.rep_lines.get(s.rep).copied().unwrap_or(0),
            rep.capacity,
            s.segment.as_deref().unwrap_or("(none)")
        )
    };
    let rep = &dataset.reps[small.rep];
    vec![InputProblem {
        file: origin.reps_file.to_string(),
        line: origin.rep_lines.get(small.rep).copied(),
        column: Some("capacity".to_string()),
        value: Some(format!("{}", rep.capacity)),
        message: format!(
            "fair shares of potential span more than {}x, beyond what the solver handles reliably: {} has {} and {} has {} ({ratio:.3e}x); check the capacities, or plan the segments separately",
            display(MAX_FAIR_SHARE_RATIO),
            describe(small),
            thousands(small.value),
            describe(large),
            thousands(large.value),
        ),
    }]
}

/// The two balanced quantities an account brings to a rep.
#[derive(Clone, Copy)]
enum Load {
    Potential,
    Workload,
}

impl Load {
    fn of_account(self, a: &Account) -> f64 {
        match self {
            Load::Potential => a.potential,
            Load::Workload => a.workload,
        }
    }

    fn of_segment(self, t: &SegmentTotals) -> f64 {
        match self {
            Load::Potential => t.potential,
            Load::Workload => t.workload,
        }
    }
}

/// Accounts beyond [`MAX_ACCOUNT_TO_FAIR_SHARE`] times the largest fair
/// share of potential, or of workload hours, that the rest of their
/// segment gives a rep they may go to. Workload is balanced in every plan
/// (`[balance] workload_tolerance` is always a fraction), so both rows are
/// always in the model; a segment whose other accounts carry none of the
/// quantity gives no fair share and is skipped.
fn accounts_beyond_any_share(dataset: &Dataset, origin: &Origin<'_>) -> Vec<InputProblem> {
    let totals = segment_totals(dataset);
    let mut problems = Vec::new();
    for (i, account) in dataset.accounts.iter().enumerate() {
        let Some(segment) = totals.get(&account.segment) else {
            continue;
        };
        let Some(rep) = largest_eligible_rep(dataset, account, segment) else {
            continue;
        };
        for load in [Load::Potential, Load::Workload] {
            let own = load.of_account(account);
            // Measured against the rest: the account's own load would
            // raise the fair share it is compared with.
            let fair = rep.capacity * (load.of_segment(segment) - own) / segment.capacity;
            if !(fair > 0.0 && own > MAX_ACCOUNT_TO_FAIR_SHARE * fair) {
                continue;
            }
            let (column, what, share) = match load {
                Load::Potential => ("potential", "", thousands(fair)),
                Load::Workload => ("workload", " of workload", format!("{} hours", hours(fair))),
            };
            let mut message = format!(
                "this account is {:.0}x the largest fair share{what} the rest of its segment gives a rep it may go to ({share} for rep '{}'), more than the {}x the solver handles reliably: check the value",
                own / fair,
                rep.id,
                display(MAX_ACCOUNT_TO_FAIR_SHARE)
            );
            if matches!(load, Load::Workload)
                && account.workload_source == WorkloadSource::SegmentDefault
            {
                message.push_str(&format!(
                    "; its workload cell is empty: {own} hours is the [workload] default for segment {}, so give the segment's accounts their hours or change the default",
                    account.segment.as_deref().unwrap_or("(none)")
                ));
            }
            problems.push(InputProblem {
                file: origin.accounts_file.to_string(),
                line: origin.account_lines.get(i).copied(),
                column: Some(column.to_string()),
                value: Some(format!("{own}")),
                message,
            });
        }
    }
    problems
}

/// Hours as the messages print them: whole hours with thousands
/// separators, or two decimals below 10 (a fair share of 0.03 h is not 0).
fn hours(h: f64) -> String {
    if h >= 10.0 {
        thousands(h)
    } else {
        format!("{h:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::{display, hours};

    #[test]
    fn hours_keep_small_figures() {
        assert_eq!(hours(53.33), "53");
        assert_eq!(hours(12345.0), "12,345");
        assert_eq!(hours(0.0267), "0.03");
    }

    #[test]
    fn limits_print_short() {
        assert_eq!(display(1e12), "1e12");
        assert_eq!(display(1000.0), "1000");
    }
}
