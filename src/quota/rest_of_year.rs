//! Rest-of-year quota arithmetic: what is left of a fiscal year's monthly
//! quotas from a given month on. Plain functions over the quota module's
//! monthly figures (components, ramp and seasonality already applied), so
//! the mid-year rebalance and the quarterly review use the same sums.

use crate::model::{FiscalYear, YearMonth};

use super::{QuotaPlan, RepQuota};

/// The fiscal months from `from` to the fiscal year end (empty when
/// `from` is after the year; the whole year when it is before).
pub fn months_left(fy: &FiscalYear, from: YearMonth) -> Vec<YearMonth> {
    fy.months()
        .into_iter()
        .filter(|m| m.months_since(from) >= 0)
        .collect()
}

/// A rep's quota over the months from `from` on, every component summed.
pub fn remaining(rep: &RepQuota, from: YearMonth) -> f64 {
    rep.components
        .iter()
        .flat_map(|c| &c.months)
        .filter(|m| m.month.months_since(from) >= 0)
        .map(|m| m.amount as f64)
        .sum()
}

/// Rest-of-year quota per rep index (`reps` of them) of a quota plan;
/// reps without a quota get 0.
pub fn remaining_by_rep(plan: &QuotaPlan, reps: usize, from: YearMonth) -> Vec<f64> {
    let mut out = vec![0.0; reps];
    for q in &plan.reps {
        if q.rep < reps {
            out[q.rep] = remaining(q, from);
        }
    }
    out
}

/// `amount` prorated to the months left: amount x months left / 12.
pub fn prorated(amount: f64, fy: &FiscalYear, from: YearMonth) -> f64 {
    amount * months_left(fy, from).len() as f64 / 12.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_left_run_from_the_month_to_the_fiscal_year_end() {
        let fy = FiscalYear::new(2026, 2);
        let left = months_left(&fy, YearMonth::new(2026, 8));
        assert_eq!(left.len(), 6);
        assert_eq!(left[0], YearMonth::new(2026, 8));
        assert_eq!(left[5], YearMonth::new(2027, 1));
        assert_eq!(months_left(&fy, YearMonth::new(2025, 1)).len(), 12);
        assert!(months_left(&fy, YearMonth::new(2027, 2)).is_empty());
        assert_eq!(prorated(1200.0, &fy, YearMonth::new(2026, 8)), 600.0);
    }
}
