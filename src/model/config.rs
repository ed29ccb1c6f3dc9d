use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::account::MAX_WORKLOAD_HOURS;
use super::ramp::RampConfig;
use super::rebalance::RebalanceConfig;
use super::rep::Rep;
use super::review::ReviewConfig;
use super::rules::{
    validate_rules, Limits, NamedList, Preference, Restriction, RuleTables, SegmentShare,
};
use super::scenarios::ScenariosConfig;
use super::targets::QuotaConfig;
use crate::InputProblem;

/// Default `[balance] potential_tolerance`: ±5 % of the rep's fair share.
pub const DEFAULT_POTENTIAL_TOLERANCE: f64 = 0.05;
/// Default `[balance] workload_tolerance`: ±10 % of the rep's fair share.
pub const DEFAULT_WORKLOAD_TOLERANCE: f64 = 0.10;
/// Fiscal years a plan may name: outside this a typo (0, an extra digit).
pub const FISCAL_YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

/// The plan configuration (`plan.toml`). Every field has a default, so a
/// run without any config file is valid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// First month of the fiscal year, 1-12.
    pub fiscal_year_start_month: u32,
    /// Calendar year in which the planned fiscal year starts. `None` is
    /// allowed (tplan never reads the clock, so outputs stay reproducible);
    /// the stages where dates matter (ramp, phasing) ask for it by name.
    pub fiscal_year: Option<i32>,
    pub balance: BalanceConfig,
    pub workload: WorkloadDefaults,
    pub ramp: RampConfig,
    pub quota: QuotaConfig,
    /// `[scenarios]`: capacity and headcount scenarios (`tplan scenarios`).
    pub scenarios: ScenariosConfig,
    /// `[review]`: the quarterly review against actuals (`tplan review`).
    pub review: ReviewConfig,
    pub compactness: CompactnessConfig,
    pub continuity: ContinuityConfig,
    /// `[[named]]`: named-account lists pinned to a rep.
    pub named: Vec<NamedList>,
    /// `[[restrict]]`: reps that may only cover some accounts.
    pub restrict: Vec<Restriction>,
    /// `[[prefer]]`: soft preferences (industry specialists).
    pub prefer: Vec<Preference>,
    /// `[[limits]]`: per-rep maxima.
    pub limits: Vec<Limits>,
    /// `[[segment_share]]`: hybrid reps' capacity split by segment.
    pub segment_share: Vec<SegmentShare>,
    /// `[rebalance]`: mid-year rebalance (`tplan rebalance`).
    pub rebalance: RebalanceConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            fiscal_year_start_month: 1,
            fiscal_year: None,
            balance: BalanceConfig::default(),
            workload: WorkloadDefaults::default(),
            ramp: RampConfig::default(),
            quota: QuotaConfig::default(),
            scenarios: ScenariosConfig::default(),
            review: ReviewConfig::default(),
            compactness: CompactnessConfig::default(),
            continuity: ContinuityConfig::default(),
            named: Vec::new(),
            restrict: Vec::new(),
            prefer: Vec::new(),
            limits: Vec::new(),
            segment_share: Vec::new(),
            rebalance: RebalanceConfig::default(),
        }
    }
}

/// `[continuity]`: keep relationships where balance allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ContinuityConfig {
    /// Cost of moving an account away from its current owner, in km of
    /// distance per unit of potential: a move must save more than this many
    /// km (potential-weighted) to be worth it. 0 (the default) turns it off.
    pub move_cost_km: f64,
}

/// `[compactness]`: how territory compactness is reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CompactnessConfig {
    /// An account counts as an outlier of its territory when its rep's home
    /// is more than this many km farther than another eligible rep's home.
    pub outlier_margin_km: f64,
}

impl Default for CompactnessConfig {
    fn default() -> Self {
        CompactnessConfig {
            outlier_margin_km: 50.0,
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
    /// Relative tolerance on the number of accounts around cap_r x group
    /// accounts per FTE; unset (the default) leaves account counts free.
    pub account_tolerance: Option<f64>,
    /// Who is balanced against whom: `coverage` (reps with the same
    /// segment coverage, the default), `all` (every rep with capacity) or
    /// `region` (same coverage and same `region` in reps.csv).
    pub groups: BalanceGroups,
    /// With `groups = "region"`: each region's potential and workload per
    /// FTE within this fraction of the mean over all its coverage peers
    /// (regions balanced first, territories within regions). Unset: regions
    /// are not compared.
    pub region_tolerance: Option<f64>,
}

/// `[balance] groups`: the peers each rep is balanced against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BalanceGroups {
    #[default]
    Coverage,
    All,
    Region,
}

impl Default for BalanceConfig {
    fn default() -> Self {
        BalanceConfig {
            potential_tolerance: DEFAULT_POTENTIAL_TOLERANCE,
            workload_tolerance: DEFAULT_WORKLOAD_TOLERANCE,
            account_tolerance: None,
            groups: BalanceGroups::Coverage,
            region_tolerance: None,
        }
    }
}

impl BalanceConfig {
    /// Balance-group key of a rep: reps with equal keys are peers.
    pub fn group_key(&self, rep: &Rep) -> String {
        match self.groups {
            BalanceGroups::Coverage => rep.coverage_key(),
            BalanceGroups::All => "all".to_string(),
            BalanceGroups::Region => format!(
                "{}@{}",
                rep.coverage_key(),
                rep.region.as_deref().unwrap_or("")
            ),
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

impl Config {
    /// Value checks the TOML types cannot express, one problem per bad
    /// value. `column` is the dotted key (e.g. `balance.potential_tolerance`);
    /// `file` is left empty and `line` unset: the loader knows the file and
    /// fills both in. New config sections add their checks here.
    pub fn validate(&self) -> Vec<InputProblem> {
        let mut problems = Vec::new();
        if !(1..=12).contains(&self.fiscal_year_start_month) {
            problems.push(config_problem(
                "fiscal_year_start_month",
                self.fiscal_year_start_month.to_string(),
                "expected a month number from 1 (January) to 12 (December)",
            ));
        }
        if let Some(year) = self.fiscal_year.filter(|y| !FISCAL_YEARS.contains(y)) {
            problems.push(config_problem(
                "fiscal_year",
                year.to_string(),
                "expected a calendar year from 1900 to 9999",
            ));
        }
        for (key, value) in [
            (
                "balance.potential_tolerance",
                self.balance.potential_tolerance,
            ),
            (
                "balance.workload_tolerance",
                self.balance.workload_tolerance,
            ),
        ] {
            // 0 would demand exact balance, which lumpy accounts never allow;
            // 1 or more would let a rep hold nothing.
            if !(value > 0.0 && value < 1.0) {
                problems.push(config_problem(
                    key,
                    value.to_string(),
                    "expected a fraction strictly between 0 and 1 (0.05 means within 5% of the fair share)",
                ));
            }
        }
        for (key, value) in [
            ("balance.account_tolerance", self.balance.account_tolerance),
            ("balance.region_tolerance", self.balance.region_tolerance),
        ] {
            if let Some(value) = value {
                if !(value > 0.0 && value < 1.0) {
                    problems.push(config_problem(
                        key,
                        value.to_string(),
                        "expected a fraction strictly between 0 and 1 (0.2 means within 20% of the fair share)",
                    ));
                }
            }
        }
        if self.balance.region_tolerance.is_some() && self.balance.groups != BalanceGroups::Region {
            problems.push(config_problem(
                "balance.region_tolerance",
                self.balance
                    .region_tolerance
                    .unwrap_or_default()
                    .to_string(),
                "only applies with groups = \"region\" (regions first, territories within regions)",
            ));
        }
        problems.extend(validate_rules(&RuleTables {
            named: &self.named,
            restrict: &self.restrict,
            prefer: &self.prefer,
            limits: &self.limits,
            segment_share: &self.segment_share,
        }));
        problems.extend(self.workload.validate());
        problems.extend(self.ramp.validate());
        problems.extend(self.quota.validate());
        problems.extend(self.scenarios.validate(&self.ramp));
        problems.extend(self.review.validate());
        let move_cost = self.continuity.move_cost_km;
        if !(move_cost.is_finite() && move_cost >= 0.0) {
            problems.push(config_problem(
                "continuity.move_cost_km",
                move_cost.to_string(),
                "expected km of driving per unit of potential, >= 0 (0 turns continuity off)",
            ));
        }
        problems.extend(self.rebalance.validate());
        let margin = self.compactness.outlier_margin_km;
        if !(margin.is_finite() && margin >= 0.0) {
            problems.push(config_problem(
                "compactness.outlier_margin_km",
                margin.to_string(),
                "expected a distance in km >= 0",
            ));
        }
        problems
    }
}

impl WorkloadDefaults {
    fn validate(&self) -> Vec<InputProblem> {
        let expected = format!(
            "expected hours per year: a finite number from 0 to {MAX_WORKLOAD_HOURS:e} (the most \
             one account may have; more is beyond what the solver handles reliably, check the unit)"
        );
        let mut problems = Vec::new();
        if !is_hours(self.default_hours) {
            problems.push(config_problem(
                "workload.default_hours",
                self.default_hours.to_string(),
                &expected,
            ));
        }
        for (segment, &hours) in &self.by_segment {
            if !is_hours(hours) {
                problems.push(config_problem(
                    &format!("workload.by_segment.{segment}"),
                    hours.to_string(),
                    &expected,
                ));
            }
        }
        problems
    }
}

fn is_hours(h: f64) -> bool {
    h.is_finite() && (0.0..=MAX_WORKLOAD_HOURS).contains(&h)
}

/// A config problem about `key`; the loader fills in file and line.
fn config_problem(key: &str, value: String, message: &str) -> InputProblem {
    InputProblem::config_key(key, value, message)
}
