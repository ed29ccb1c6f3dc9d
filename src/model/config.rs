use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Default `[balance] potential_tolerance`: ±5 % of the rep's fair share.
pub const DEFAULT_POTENTIAL_TOLERANCE: f64 = 0.05;
/// Default `[balance] workload_tolerance`: ±10 % of the rep's fair share.
pub const DEFAULT_WORKLOAD_TOLERANCE: f64 = 0.10;

/// The plan configuration (`plan.toml`). Every field has a default, so a
/// run without any config file is valid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// First month of the fiscal year, 1-12.
    pub fiscal_year_start_month: u32,
    /// Calendar year in which the planned fiscal year starts; `None` means
    /// the year of the run date is not used: outputs stay reproducible by
    /// requiring it only where dates matter (ramp, phasing).
    pub fiscal_year: Option<i32>,
    pub balance: BalanceConfig,
    pub workload: WorkloadDefaults,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            fiscal_year_start_month: 1,
            fiscal_year: None,
            balance: BalanceConfig::default(),
            workload: WorkloadDefaults::default(),
        }
    }
}

/// `[balance]`: how far each rep may sit from its fair share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BalanceConfig {
    /// Relative tolerance on potential around cap_r x group potential per FTE.
    pub potential_tolerance: f64,
    /// Relative tolerance on workload around cap_r x group workload per FTE.
    pub workload_tolerance: f64,
}

impl Default for BalanceConfig {
    fn default() -> Self {
        BalanceConfig {
            potential_tolerance: DEFAULT_POTENTIAL_TOLERANCE,
            workload_tolerance: DEFAULT_WORKLOAD_TOLERANCE,
        }
    }
}

/// `[workload]`: hours per year for accounts whose `workload` is empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkloadDefaults {
    /// Hours per year by segment code.
    pub by_segment: BTreeMap<String, f64>,
    /// Hours per year for an account whose segment is absent or not listed.
    pub default_hours: f64,
}

impl Default for WorkloadDefaults {
    fn default() -> Self {
        let by_segment = [("SMB", 20.0), ("MM", 60.0), ("ENT", 200.0)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        WorkloadDefaults {
            by_segment,
            default_hours: 40.0,
        }
    }
}

impl WorkloadDefaults {
    /// Hours per year for an account of this segment with no workload figure.
    pub fn hours_for(&self, segment: Option<&str>) -> f64 {
        segment
            .and_then(|s| self.by_segment.get(s))
            .copied()
            .unwrap_or(self.default_hours)
    }
}
