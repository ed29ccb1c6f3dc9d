//! `[review]` in plan.toml: the settings of the quarterly review against
//! actuals (`tplan review`), each with a documented default.

use serde::{Deserialize, Serialize};

use crate::InputProblem;

/// Default share of open pipeline expected to close in the rest of the year.
pub const DEFAULT_WIN_RATE: f64 = 0.25;
/// Default pace (attainment of quota to date) below which a rep is at risk.
pub const DEFAULT_AT_RISK_BELOW: f64 = 0.90;
/// Default pace at or above which a rep is ahead.
pub const DEFAULT_AHEAD_ABOVE: f64 = 1.10;
/// Default healthy pipeline coverage of the rest-of-year quota (the
/// brief's 3-4x).
pub const DEFAULT_COVERAGE_BAND: [f64; 2] = [3.0, 4.0];

/// `[review]`: how actuals are judged and how quotas may be re-phased.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReviewConfig {
    /// Share of a territory's open pipeline expected to close as bookings
    /// in the rest of the year (pipeline-weighted forecast), 0 to 1.
    pub win_rate: f64,
    /// A rep whose bookings to date are below this share of its quota to
    /// date is `at_risk`.
    pub at_risk_below: f64,
    /// A rep at or above this share of its quota to date is `ahead`.
    pub ahead_above: f64,
    /// Healthy pipeline coverage of the rest-of-year quota, `[low, high]`:
    /// below is `low_coverage`, above is `high_coverage`.
    pub coverage_band: [f64; 2],
    /// How far a rep's annual quota may move toward its run-rate forecast,
    /// as a fraction of the annual quota: 0 (the default) keeps every
    /// annual quota, so only the remaining months are re-phased.
    pub max_annual_change: f64,
}

impl Default for ReviewConfig {
    fn default() -> Self {
        ReviewConfig {
            win_rate: DEFAULT_WIN_RATE,
            at_risk_below: DEFAULT_AT_RISK_BELOW,
            ahead_above: DEFAULT_AHEAD_ABOVE,
            coverage_band: DEFAULT_COVERAGE_BAND,
            max_annual_change: 0.0,
        }
    }
}

impl ReviewConfig {
    /// Every problem with the values, keys named `review.<key>`.
    pub fn validate(&self) -> Vec<InputProblem> {
        let mut p = Vec::new();
        if !(self.win_rate.is_finite() && (0.0..=1.0).contains(&self.win_rate)) {
            p.push(problem(
                "review.win_rate",
                self.win_rate.to_string(),
                "expected a share of open pipeline from 0 to 1",
            ));
        }
        let risk_ok =
            self.at_risk_below.is_finite() && self.at_risk_below > 0.0 && self.at_risk_below <= 1.0;
        if !risk_ok {
            p.push(problem(
                "review.at_risk_below",
                self.at_risk_below.to_string(),
                "expected a share of quota to date above 0 and at most 1 (0.9: below 90 % of pace is at risk)",
            ));
        }
        if !(self.ahead_above.is_finite()
            && self.ahead_above >= 1.0
            && (!risk_ok || self.ahead_above > self.at_risk_below))
        {
            p.push(problem(
                "review.ahead_above",
                self.ahead_above.to_string(),
                "expected a share of quota to date of at least 1 and above review.at_risk_below (1.1: 110 % of pace or more is ahead)",
            ));
        }
        let [low, high] = self.coverage_band;
        if !(low.is_finite() && high.is_finite() && 0.0 < low && low < high) {
            p.push(problem(
                "review.coverage_band",
                format!("{:?}", self.coverage_band),
                "expected [low, high] pipeline coverage with 0 < low < high, e.g. [3.0, 4.0]",
            ));
        }
        if !(self.max_annual_change.is_finite() && (0.0..1.0).contains(&self.max_annual_change)) {
            p.push(problem(
                "review.max_annual_change",
                self.max_annual_change.to_string(),
                "expected a fraction from 0 (annual quotas unchanged) to below 1",
            ));
        }
        p
    }
}

fn problem(key: &str, value: String, message: &str) -> InputProblem {
    InputProblem::config_key(key, value, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert!(ReviewConfig::default().validate().is_empty());
    }

    #[test]
    fn bad_values_name_their_keys() {
        let c = ReviewConfig {
            win_rate: 1.5,
            at_risk_below: 0.0,
            ahead_above: 0.95,
            coverage_band: [4.0, 3.0],
            max_annual_change: 1.0,
        };
        let keys: Vec<String> = c.validate().into_iter().filter_map(|p| p.column).collect();
        assert_eq!(
            keys,
            [
                "review.win_rate",
                "review.at_risk_below",
                "review.ahead_above",
                "review.coverage_band",
                "review.max_annual_change"
            ]
        );
    }
}
