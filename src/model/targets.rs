//! `[quota]` company-level figures shared by quotas and capacity scenarios:
//! the company revenue target and the share of it sales must deliver.

use serde::{Deserialize, Serialize};

use crate::InputProblem;

/// `[quota]`: the number the sales plan must make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QuotaConfig {
    /// Company revenue target for the fiscal year (currency). `None`: no
    /// quotas are set, `plan` writes territories only.
    pub company_target: Option<f64>,
    /// Share of the company target delivered by the sales team (0-1].
    pub sales_share: f64,
    /// Quota set above the sales target as a buffer, as a fraction
    /// (0.10 = rep quotas sum to 110 % of the sales target).
    pub over_assignment: f64,
}

impl Default for QuotaConfig {
    fn default() -> Self {
        QuotaConfig {
            company_target: None,
            sales_share: 1.0,
            over_assignment: 0.0,
        }
    }
}

impl QuotaConfig {
    /// Company target x sales share: what sales must book.
    pub fn sales_target(&self) -> Option<f64> {
        self.company_target.map(|t| t * self.sales_share)
    }

    /// The sum of rep quotas: sales target plus over-assignment.
    pub fn quota_total(&self) -> Option<f64> {
        self.sales_target()
            .map(|t| t * (1.0 + self.over_assignment))
    }

    pub fn validate(&self) -> Vec<InputProblem> {
        let mut problems = Vec::new();
        if let Some(t) = self.company_target {
            if !(t.is_finite() && t > 0.0) {
                problems.push(problem(
                    "quota.company_target",
                    t,
                    "expected a positive amount of currency (e.g. 10000000)",
                ));
            }
        }
        if !(self.sales_share.is_finite() && self.sales_share > 0.0 && self.sales_share <= 1.0) {
            problems.push(problem(
                "quota.sales_share",
                self.sales_share,
                "expected a fraction above 0 and at most 1 (0.8 means sales delivers 80 % of the company target)",
            ));
        }
        if !(self.over_assignment.is_finite() && (0.0..=1.0).contains(&self.over_assignment)) {
            problems.push(problem(
                "quota.over_assignment",
                self.over_assignment,
                "expected a fraction from 0 to 1 (0.1 means quotas sum to 110 % of the sales target; 10-15 % is common)",
            ));
        }
        problems
    }
}

fn problem(key: &str, value: f64, message: &str) -> InputProblem {
    InputProblem {
        file: String::new(),
        line: None,
        column: Some(key.to_string()),
        value: Some(value.to_string()),
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worked_example_sales_target() {
        let q = QuotaConfig {
            company_target: Some(10_000_000.0),
            sales_share: 0.8,
            over_assignment: 0.1,
        };
        assert_eq!(q.sales_target(), Some(8_000_000.0));
        assert!((q.quota_total().unwrap() - 8_800_000.0).abs() < 1e-6);
        assert!(q.validate().is_empty());
    }

    #[test]
    fn bad_values_are_named_by_key() {
        let q = QuotaConfig {
            company_target: Some(-5.0),
            sales_share: 1.5,
            over_assignment: f64::NAN,
        };
        let keys: Vec<_> = q.validate().into_iter().filter_map(|p| p.column).collect();
        assert_eq!(
            keys,
            [
                "quota.company_target",
                "quota.sales_share",
                "quota.over_assignment"
            ]
        );
    }
}
