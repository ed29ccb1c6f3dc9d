//! `[rebalance]`: the mid-year rebalance knobs (`tplan rebalance`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::InputProblem;

/// Default `[rebalance] transition_months`: open deals on a moved account
/// stay with the original owner for at most this long.
pub const DEFAULT_TRANSITION_MONTHS: u32 = 3;

/// `[rebalance]` in plan.toml. Every field is optional; the command-line
/// flags override the matching keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RebalanceConfig {
    /// YYYY-MM-DD: the day the new territories take effect. Reps whose
    /// `end_date` is on or before it have left.
    pub effective_date: Option<String>,
    /// Months an open deal on a moved account stays credited to its
    /// original owner (unless it closes first).
    pub transition_months: u32,
    /// At most this many accounts taken from an active owner.
    pub max_moves: Option<usize>,
    /// At most this share (percent of all potential) taken from active owners.
    pub max_moved_potential_pct: Option<f64>,
    /// Mid-year potential tolerance; default `[balance] potential_tolerance`.
    pub potential_tolerance: Option<f64>,
    /// Mid-year workload tolerance; default `[balance] workload_tolerance`.
    pub workload_tolerance: Option<f64>,
}

impl Default for RebalanceConfig {
    fn default() -> Self {
        RebalanceConfig {
            effective_date: None,
            transition_months: DEFAULT_TRANSITION_MONTHS,
            max_moves: None,
            max_moved_potential_pct: None,
            potential_tolerance: None,
            workload_tolerance: None,
        }
    }
}

impl RebalanceConfig {
    /// The effective date, when set and well formed.
    pub fn effective(&self) -> Option<NaiveDate> {
        self.effective_date
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
    }

    pub(super) fn validate(&self) -> Vec<InputProblem> {
        let mut problems = Vec::new();
        if let Some(d) = &self.effective_date {
            if self.effective().is_none() {
                problems.push(InputProblem::config_key(
                    "rebalance.effective_date",
                    d.clone(),
                    "expected a date written YYYY-MM-DD",
                ));
            }
        }
        if self.transition_months > 120 {
            problems.push(InputProblem::config_key(
                "rebalance.transition_months",
                self.transition_months.to_string(),
                "expected a number of months between 0 and 120",
            ));
        }
        if let Some(p) = self.max_moved_potential_pct {
            if !(p.is_finite() && (0.0..=100.0).contains(&p)) {
                problems.push(InputProblem::config_key(
                    "rebalance.max_moved_potential_pct",
                    p.to_string(),
                    "expected a percentage between 0 and 100",
                ));
            }
        }
        for (key, tol) in [
            ("rebalance.potential_tolerance", self.potential_tolerance),
            ("rebalance.workload_tolerance", self.workload_tolerance),
        ] {
            if let Some(t) = tol {
                if !(t > 0.0 && t < 1.0) {
                    problems.push(InputProblem::config_key(
                        key,
                        t.to_string(),
                        "expected a fraction strictly between 0 and 1 (0.1 means within 10% of the fair share)",
                    ));
                }
            }
        }
        problems
    }
}
