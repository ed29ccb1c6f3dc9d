//! Ramp and the fiscal calendar: how much of a full quota a rep can carry
//! in each month of the fiscal year, given when the rep started.
//!
//! Shared by quotas (ramp-adjusted capacity, monthly phasing) and capacity
//! scenarios (ramped FTE by month). Tenure month 1 is the calendar month
//! that holds the rep's `start_date`: a rep who starts on the 20th carries
//! that month as month 1, the common practice in sales compensation plans
//! (and no silent day-level proration that a planner would have to guess).

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::InputProblem;

/// A calendar month, written `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct YearMonth {
    pub year: i32,
    /// 1-12.
    pub month: u32,
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Self {
        debug_assert!((1..=12).contains(&month));
        YearMonth { year, month }
    }

    /// The month holding `date`.
    pub fn of(date: NaiveDate) -> Self {
        YearMonth::new(date.year(), date.month())
    }

    /// Months since year 0, so that differences count months.
    fn ordinal(self) -> i64 {
        self.year as i64 * 12 + (self.month as i64 - 1)
    }

    fn from_ordinal(ordinal: i64) -> Self {
        YearMonth::new(
            ordinal.div_euclid(12) as i32,
            ordinal.rem_euclid(12) as u32 + 1,
        )
    }

    /// This month shifted by `months` (may be negative).
    pub fn plus(self, months: i64) -> Self {
        YearMonth::from_ordinal(self.ordinal() + months)
    }

    /// Signed number of months from `earlier` to `self`.
    pub fn months_since(self, earlier: YearMonth) -> i64 {
        self.ordinal() - earlier.ordinal()
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The planned fiscal year: 12 consecutive months from its first month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FiscalYear {
    pub first: YearMonth,
}

impl FiscalYear {
    /// The fiscal year starting in `start_month` of calendar year `year`.
    pub fn new(year: i32, start_month: u32) -> Self {
        FiscalYear {
            first: YearMonth::new(year, start_month),
        }
    }

    /// The 12 months in order.
    pub fn months(&self) -> Vec<YearMonth> {
        self.months_over(12)
    }

    /// `n` consecutive months from the first (multi-year horizons).
    pub fn months_over(&self, n: usize) -> Vec<YearMonth> {
        (0..n as i64).map(|k| self.first.plus(k)).collect()
    }

    /// 1-based fiscal month of `month`, if it lies in this fiscal year.
    pub fn fiscal_month(&self, month: YearMonth) -> Option<u32> {
        let k = month.months_since(self.first);
        (0..12).contains(&k).then(|| k as u32 + 1)
    }
}

/// Tenure month (1-based) of a rep who started on `start` during `month`;
/// `None` before the start month. A rep with no start date is treated as
/// long tenured by the callers (fully ramped), since the data contract
/// makes `start_date` optional for existing reps.
pub fn tenure_month(start: NaiveDate, month: YearMonth) -> Option<u32> {
    let k = month.months_since(YearMonth::of(start));
    (k >= 0).then(|| u32::try_from(k + 1).unwrap_or(u32::MAX))
}

/// One step of the ramp: tenure months `from_month..=to_month` carry
/// `percent` of a full quota.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RampStep {
    pub from_month: u32,
    pub to_month: u32,
    pub percent: f64,
}

/// `[ramp]`: share of a full quota by tenure month; 100 % after the last
/// step. An empty list means every rep is productive from month 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RampConfig {
    pub steps: Vec<RampStep>,
}

impl Default for RampConfig {
    /// The common schedule: 0 % in months 1-3, 50 % in 4-6, 75 % in 7-9,
    /// 100 % from month 10.
    fn default() -> Self {
        let step = |from_month, to_month, percent| RampStep {
            from_month,
            to_month,
            percent,
        };
        RampConfig {
            steps: vec![step(1, 3, 0.0), step(4, 6, 50.0), step(7, 9, 75.0)],
        }
    }
}

impl RampConfig {
    /// Share of a full quota (0-1) in tenure month `tenure` (1-based).
    pub fn factor(&self, tenure: u32) -> f64 {
        self.steps
            .iter()
            .find(|s| (s.from_month..=s.to_month).contains(&tenure))
            .map_or(1.0, |s| s.percent / 100.0)
    }

    /// Share of a full quota in `month` for a rep who started on `start`:
    /// 0 before the start month, the schedule afterwards, 1 for a rep with
    /// no start date.
    pub fn factor_in(&self, start: Option<NaiveDate>, month: YearMonth) -> f64 {
        match start {
            None => 1.0,
            Some(start) => tenure_month(start, month).map_or(0.0, |t| self.factor(t)),
        }
    }

    /// Number of tenure months until a rep reaches 100 %.
    pub fn months_to_full(&self) -> u32 {
        self.steps.last().map_or(0, |s| s.to_month)
    }

    /// Problems with the schedule, keyed `ramp.steps[i].field` (0-based, as
    /// in the TOML array): steps must start at month 1, follow each other
    /// without gaps or overlaps, and never ramp down.
    pub fn validate(&self) -> Vec<InputProblem> {
        let mut problems = Vec::new();
        let mut expected_from = 1;
        let mut previous_percent = 0.0_f64;
        for (i, step) in self.steps.iter().enumerate() {
            let key = |field: &str| format!("ramp.steps[{i}].{field}");
            if step.from_month != expected_from {
                let what = if i == 0 {
                    "the first ramp step must start at tenure month 1".to_string()
                } else if step.from_month > expected_from {
                    format!(
                        "a gap: the previous step ends at month {}, so this one must start at month {expected_from}",
                        expected_from - 1
                    )
                } else {
                    format!(
                        "an overlap: the previous step ends at month {}, so this one must start at month {expected_from}",
                        expected_from - 1
                    )
                };
                problems.push(problem(
                    key("from_month"),
                    step.from_month.to_string(),
                    &what,
                ));
            }
            if step.to_month < step.from_month {
                problems.push(problem(
                    key("to_month"),
                    step.to_month.to_string(),
                    &format!(
                        "expected a month >= from_month ({}) of the same step",
                        step.from_month
                    ),
                ));
            }
            if !(step.percent.is_finite() && (0.0..=100.0).contains(&step.percent)) {
                problems.push(problem(
                    key("percent"),
                    step.percent.to_string(),
                    "expected a percentage of full quota from 0 to 100",
                ));
            } else if step.percent < previous_percent {
                problems.push(problem(
                    key("percent"),
                    step.percent.to_string(),
                    &format!(
                        "a ramp must not go down: the previous step is {} %",
                        previous_percent
                    ),
                ));
            }
            if step.percent.is_finite() {
                previous_percent = previous_percent.max(step.percent);
            }
            expected_from = step.to_month.max(step.from_month).saturating_add(1);
        }
        problems
    }
}

fn problem(key: String, value: String, message: &str) -> InputProblem {
    InputProblem::config_key(key, value, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn default_schedule_is_the_common_one() {
        let ramp = RampConfig::default();
        let by_month: Vec<f64> = (1..=12).map(|t| ramp.factor(t)).collect();
        assert_eq!(
            by_month,
            [0.0, 0.0, 0.0, 0.5, 0.5, 0.5, 0.75, 0.75, 0.75, 1.0, 1.0, 1.0]
        );
        assert_eq!(ramp.months_to_full(), 9);
        assert!(ramp.validate().is_empty());
    }

    #[test]
    fn hire_in_fiscal_month_five_gets_the_schedule_from_there() {
        // Fiscal year Feb 2027 - Jan 2028; the hire starts mid-June
        // (fiscal month 5).
        let fy = FiscalYear::new(2027, 2);
        let ramp = RampConfig::default();
        let start = Some(date(2027, 6, 20));
        let factors: Vec<f64> = fy
            .months()
            .iter()
            .map(|&m| ramp.factor_in(start, m))
            .collect();
        assert_eq!(
            factors,
            [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 0.5, 0.5, 0.75, 0.75]
        );
        assert_eq!(fy.fiscal_month(YearMonth::new(2027, 6)), Some(5));
        assert_eq!(fy.fiscal_month(YearMonth::new(2028, 2)), None);
    }

    #[test]
    fn tenured_and_undated_reps_are_fully_ramped() {
        let ramp = RampConfig::default();
        let m = YearMonth::new(2027, 1);
        assert_eq!(ramp.factor_in(Some(date(2015, 3, 1)), m), 1.0);
        assert_eq!(ramp.factor_in(None, m), 1.0);
        // Started two months before the fiscal year: month 3 of tenure.
        assert_eq!(tenure_month(date(2026, 11, 30), m), Some(3));
        assert_eq!(tenure_month(date(2027, 2, 1), m), None);
    }

    #[test]
    fn year_month_arithmetic_crosses_years() {
        let m = YearMonth::new(2027, 11);
        assert_eq!(m.plus(3).to_string(), "2028-02");
        assert_eq!(m.plus(-11).to_string(), "2026-12");
        assert_eq!(YearMonth::new(2028, 2).months_since(m), 3);
        let fy = FiscalYear::new(2027, 7);
        let months: Vec<String> = fy.months().iter().map(|m| m.to_string()).collect();
        assert_eq!(months.first().unwrap(), "2027-07");
        assert_eq!(months.last().unwrap(), "2028-06");
    }

    #[test]
    fn gaps_overlaps_and_ramping_down_are_named() {
        let step = |from_month, to_month, percent| RampStep {
            from_month,
            to_month,
            percent,
        };
        let ramp = RampConfig {
            steps: vec![
                step(1, 3, 0.0),
                step(5, 6, 50.0),
                step(6, 8, 40.0),
                step(9, 7, 120.0),
            ],
        };
        let problems = ramp.validate();
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(problems.len(), 5, "{text:#?}");
        assert_eq!(
            problems[0].column.as_deref(),
            Some("ramp.steps[1].from_month")
        );
        assert!(text[0].contains("a gap"), "{}", text[0]);
        assert!(text[1].contains("an overlap"), "{}", text[1]);
        assert!(text[2].contains("must not go down"), "{}", text[2]);
        assert_eq!(
            problems[3].column.as_deref(),
            Some("ramp.steps[3].to_month")
        );
        assert_eq!(problems[4].column.as_deref(), Some("ramp.steps[3].percent"));
    }

    #[test]
    fn first_step_must_start_at_month_one() {
        let ramp = RampConfig {
            steps: vec![RampStep {
                from_month: 2,
                to_month: 3,
                percent: 0.0,
            }],
        };
        let problems = ramp.validate();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("tenure month 1"));
    }
}
