//! Grandfathered deals: an open deal on a moved account stays credited to
//! its original owner until it closes or the transition period ends,
//! whichever comes first. A deal whose owner has left cannot be
//! grandfathered (there is nobody to credit); it follows the account.

use chrono::{Months, NaiveDate};

use crate::model::{Dataset, Deal};

/// One deal that stays with its original owner for a while.
#[derive(Debug, Clone, PartialEq)]
pub struct Grandfathered {
    /// Index into the deals.
    pub deal: usize,
    pub account: usize,
    /// Rep index credited until `until`.
    pub original_owner: usize,
    /// Rep index that owns the account after the rebalance.
    pub new_owner: usize,
    pub amount: f64,
    /// Last day of the credit: the close date or the end of the
    /// transition period, whichever comes first.
    pub until: NaiveDate,
}

/// End of the transition period that starts on `effective`.
pub fn transition_end(effective: NaiveDate, months: u32) -> NaiveDate {
    effective
        .checked_add_months(Months::new(months))
        .and_then(|d| d.pred_opt())
        .unwrap_or(effective)
}

/// Open deals on accounts that changed owner, credited to an active
/// original owner: closing on or after the effective date, until the
/// earlier of the close date and the transition end.
pub fn grandfathered(
    ds: &Dataset,
    deals: &[Deal],
    owner: &[usize],
    departed: &[bool],
    effective: Option<NaiveDate>,
    transition_months: u32,
) -> Vec<Grandfathered> {
    let Some(effective) = effective else {
        return Vec::new();
    };
    let end = transition_end(effective, transition_months);
    deals
        .iter()
        .enumerate()
        .filter(|(_, d)| d.is_open() && d.close_date >= effective && transition_months > 0)
        .filter_map(|(k, d)| {
            let original = ds.rep_index(&d.owner)?;
            let new_owner = owner[d.account];
            (original != new_owner && !departed[original]).then(|| Grandfathered {
                deal: k,
                account: d.account,
                original_owner: original,
                new_owner,
                amount: d.amount,
                until: d.close_date.min(end),
            })
        })
        .collect()
}
