//! Rest-of-year quota arithmetic, shared by the mid-year rebalance and the
//! quarterly review: what is left of a fiscal year's monthly quotas from a
//! given month on (per rep, from the quota module's figures with
//! components, ramp and seasonality applied), what a rep asked for up to a
//! review month, what it still has to book, and that amount re-phased over
//! the remaining months.
//!
//! In the slice functions months are fiscal months in order (index 0 is the
//! first month of the fiscal year) and `elapsed` is how many are closed.

use crate::model::{FiscalYear, YearMonth};

use super::phasing::phase;
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

/// Quota of the closed months: the plan's months `0..elapsed`.
pub fn quota_to_date(monthly_quota: &[f64], elapsed: usize) -> f64 {
    monthly_quota.iter().take(elapsed).sum()
}

/// Quota the plan puts in the months after the review month.
pub fn rest_of_year_quota(monthly_quota: &[f64], elapsed: usize) -> f64 {
    monthly_quota.iter().skip(elapsed).sum()
}

/// What a rep still has to book to reach `annual_quota`, in whole units:
/// the annual quota less bookings to date, never below 0 (a rep past its
/// annual quota has nothing left to book).
pub fn quota_still_to_book(annual_quota: f64, bookings_to_date: f64) -> i64 {
    (annual_quota - bookings_to_date).max(0.0).round() as i64
}

/// The annual quota the review proposes: unchanged when `max_change` is 0
/// or there is no pace to judge by; otherwise moved toward the run-rate
/// forecast by at most `max_change` x the annual quota, in whole units.
pub fn adjusted_annual_quota(annual_quota: f64, run_rate: Option<f64>, max_change: f64) -> f64 {
    match run_rate {
        Some(forecast) if max_change > 0.0 && annual_quota > 0.0 => forecast
            .clamp(
                annual_quota * (1.0 - max_change),
                annual_quota * (1.0 + max_change),
            )
            .round(),
        _ => annual_quota,
    }
}

/// `still_to_book` spread over the remaining months by the plan's phasing
/// weights (seasonality x ramp factor of each month), whole units summing
/// exactly to it: the plan's own phasing applied to what is left.
///
/// Spreading the shortfall by those weights on top of the plan's remaining
/// months is the same as scaling the months, since the plan phased them by
/// the same weights. Remaining months that all carry no weight (a rep
/// whose ramp is still 0) fall back to seasonality alone, and that to an
/// even split, so the amount is never dropped.
pub fn rephase_rest_of_year(still_to_book: i64, seasonality: &[f64], ramp: &[f64]) -> Vec<i64> {
    let n = seasonality.len().min(ramp.len());
    if n == 0 {
        return Vec::new();
    }
    let (seasonality, ramp) = (&seasonality[..n], &ramp[..n]);
    let even = vec![1.0; n];
    phase(still_to_book, seasonality, ramp)
        .or_else(|| phase(still_to_book, seasonality, &even))
        .or_else(|| phase(still_to_book, &even, &even))
        .unwrap_or_else(|| vec![0; n])
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

    const MONTHS: [f64; 12] = [
        80.0, 90.0, 120.0, 80.0, 90.0, 120.0, 80.0, 90.0, 120.0, 90.0, 100.0, 140.0,
    ];

    #[test]
    fn to_date_and_rest_split_the_year() {
        assert_eq!(quota_to_date(&MONTHS, 3), 290.0);
        assert_eq!(rest_of_year_quota(&MONTHS, 3), 1200.0 - 290.0);
        assert_eq!(quota_to_date(&MONTHS, 12), 1200.0);
        assert_eq!(rest_of_year_quota(&MONTHS, 12), 0.0);
    }

    #[test]
    fn still_to_book_is_never_negative() {
        assert_eq!(quota_still_to_book(1200.0, 250.4), 950);
        assert_eq!(quota_still_to_book(1200.0, 1500.0), 0);
    }

    #[test]
    fn a_shortfall_is_spread_by_the_weights_and_sums_exactly() {
        // Q1 quota 290, booked 250: 950 left over months 4-12, whose plan
        // carried 910. Every month grows by the same factor 950 / 910.
        let weights = &MONTHS[3..];
        let months = rephase_rest_of_year(950, weights, &[1.0; 9]);
        assert_eq!(months.iter().sum::<i64>(), 950);
        for (m, w) in months.iter().zip(weights) {
            assert!((*m as f64 - w * 950.0 / 910.0).abs() <= 1.0, "{months:?}");
        }
    }

    #[test]
    fn months_without_weight_fall_back_to_seasonality_then_even() {
        // Seasonality 1:2, ramp 0 in both months (the rep has not started).
        assert_eq!(rephase_rest_of_year(90, &[1.0, 2.0], &[0.0, 0.0]), [30, 60]);
        assert_eq!(rephase_rest_of_year(90, &[0.0, 0.0], &[0.0, 0.0]), [45, 45]);
        // A ramping rep: the 50 % month carries half.
        assert_eq!(rephase_rest_of_year(90, &[1.0, 1.0], &[0.5, 1.0]), [30, 60]);
        assert!(rephase_rest_of_year(90, &[], &[]).is_empty());
    }

    #[test]
    fn annual_quota_moves_only_when_allowed_and_within_the_limit() {
        assert_eq!(adjusted_annual_quota(1000.0, Some(700.0), 0.0), 1000.0);
        assert_eq!(adjusted_annual_quota(1000.0, Some(700.0), 0.1), 900.0);
        assert_eq!(adjusted_annual_quota(1000.0, Some(1040.0), 0.1), 1040.0);
        assert_eq!(adjusted_annual_quota(1000.0, Some(2000.0), 0.1), 1100.0);
        assert_eq!(adjusted_annual_quota(1000.0, None, 0.1), 1000.0);
    }
}
