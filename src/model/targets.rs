//! `[quota]` company-level figures shared by quotas and capacity scenarios
//! (the company revenue target and the share of it sales must deliver),
//! and the quota method settings: top-down blend, bottom-up methods,
//! components, seasonality and attainment calibration.

use serde::{Deserialize, Serialize};

use crate::InputProblem;

/// `[quota]`: the number the sales plan must make, and how quotas are
/// derived from it (top-down blend, bottom-up methods, components,
/// seasonality, attainment calibration).
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
    /// Top-down blend, 0-1: the share of the quota total distributed by
    /// each rep's (ramp-adjusted) territory potential; the rest goes by
    /// ramp-adjusted capacity (FTE).
    pub potential_weight: f64,
    /// Seasonality weights of the 12 fiscal months (first fiscal month
    /// first), >= 0 with a positive sum; only their ratios matter.
    pub seasonality: Vec<f64>,
    pub bottom_up: BottomUpConfig,
    pub components: ComponentShares,
    pub attainment: AttainmentConfig,
}

impl Default for QuotaConfig {
    fn default() -> Self {
        QuotaConfig {
            company_target: None,
            sales_share: 1.0,
            over_assignment: 0.0,
            potential_weight: 0.5,
            seasonality: vec![1.0; 12],
            bottom_up: BottomUpConfig::default(),
            components: ComponentShares::default(),
            attainment: AttainmentConfig::default(),
        }
    }
}

/// `[quota.bottom_up]`: what each territory can bear, by three methods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BottomUpConfig {
    /// Potential method: expected share of territory potential booked in
    /// a year, (0, 1].
    pub capture_rate: f64,
    /// Flag a rep whose quota exceeds this share of its territory
    /// potential, (0, 1], >= capture_rate.
    pub max_capture_rate: f64,
    /// History method: `bookings_last_year` x (1 + growth); > -1.
    pub growth: f64,
    /// Pipeline method: open pipeline / coverage ratio; also the healthy
    /// coverage below which a rep is flagged. > 0 (3-4 is healthy).
    pub coverage_ratio: f64,
    /// Pipeline coverage above which a rep is flagged `high_coverage`:
    /// far above the healthy 3-4x, the pipeline is stale or the quota set
    /// too low for the territory. > coverage_ratio.
    pub high_coverage_ratio: f64,
    /// Weight of the potential method in the combined bottom-up figure.
    pub potential_weight: f64,
    /// Weight of the history method.
    pub history_weight: f64,
    /// Weight of the pipeline method.
    pub pipeline_weight: f64,
}

impl Default for BottomUpConfig {
    fn default() -> Self {
        BottomUpConfig {
            capture_rate: 0.20,
            max_capture_rate: 0.40,
            growth: 0.10,
            coverage_ratio: 3.0,
            high_coverage_ratio: 8.0,
            potential_weight: 0.4,
            history_weight: 0.4,
            pipeline_weight: 0.2,
        }
    }
}

/// `[quota.components]`: split of every rep's quota into components.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ComponentShares {
    /// Share of quota from new customers.
    pub new_business: f64,
    /// Share from growing existing customers.
    pub expansion: f64,
    /// Share from renewing existing customers.
    pub retention: f64,
    /// Split each rep's quota by its territory's sums of the account
    /// columns `new_business`, `expansion` and `retention` (extra columns
    /// of accounts.csv, amounts >= 0, empty = 0) instead of the shares; a
    /// territory whose sums are all 0 takes the shares.
    pub from_columns: bool,
}

impl Default for ComponentShares {
    fn default() -> Self {
        ComponentShares {
            new_business: 1.0,
            expansion: 0.0,
            retention: 0.0,
            from_columns: false,
        }
    }
}

impl ComponentShares {
    /// `(code, share)` of every component, in output order.
    pub fn all(&self) -> [(&'static str, f64); 3] {
        [
            ("new_business", self.new_business),
            ("expansion", self.expansion),
            ("retention", self.retention),
        ]
    }
}

/// `[quota.attainment]`: Monte Carlo attainment and calibration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AttainmentConfig {
    /// Spread of a rep's bookings around its expected productivity: the
    /// sigma of a lognormal with mean 1. > 0 and at most 2.
    pub spread: f64,
    /// Simulated years per rep, 100-1000000.
    pub simulations: u32,
    /// Random seed: the same seed gives the same figures.
    pub seed: u64,
    /// Healthy share of reps reaching quota: [low, high], 0 < low < high < 1.
    pub band: [f64; 2],
    /// Share of reps reaching quota that calibration aims for when the plan
    /// is outside the band; within the band.
    pub target_share: f64,
    /// Use the calibrated quotas as final quotas (default: report them and
    /// the trade-off, keep top-down quotas final).
    pub apply_calibration: bool,
}

impl Default for AttainmentConfig {
    fn default() -> Self {
        AttainmentConfig {
            spread: 0.25,
            simulations: 10_000,
            seed: 1,
            band: [0.60, 0.70],
            target_share: 0.65,
            apply_calibration: false,
        }
    }
}

/// Shares that must add up to 1 (after this much rounding slack).
const SUM_SLACK: f64 = 1e-9;

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
        if !is_fraction(self.potential_weight) {
            problems.push(problem(
                "quota.potential_weight",
                self.potential_weight,
                "expected a fraction from 0 to 1 (0.5 distributes half the quota by territory potential, half by ramp-adjusted capacity)",
            ));
        }
        let season = &self.seasonality;
        if season.len() != 12
            || season.iter().any(|w| !(w.is_finite() && *w >= 0.0))
            || season.iter().sum::<f64>() <= 0.0
        {
            problems.push(problem_text(
                "quota.seasonality",
                format!("{season:?}"),
                &format!(
                    "expected 12 weights, one per fiscal month, each >= 0 with a positive sum (got {} value{})",
                    season.len(),
                    if season.len() == 1 { "" } else { "s" }
                ),
            ));
        }
        problems.extend(self.bottom_up.validate());
        problems.extend(self.components.validate());
        problems.extend(self.attainment.validate());
        problems
    }
}

fn is_fraction(x: f64) -> bool {
    x.is_finite() && (0.0..=1.0).contains(&x)
}

/// `a + b + c = s` for a message about shares.
fn sum_text(parts: &[f64]) -> String {
    let sum: f64 = parts.iter().sum();
    let terms: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
    format!("{} = {sum}", terms.join(" + "))
}

impl BottomUpConfig {
    fn validate(&self) -> Vec<InputProblem> {
        let mut problems = Vec::new();
        let rate = |x: f64| x.is_finite() && x > 0.0 && x <= 1.0;
        if !rate(self.capture_rate) {
            problems.push(problem(
                "quota.bottom_up.capture_rate",
                self.capture_rate,
                "expected a fraction above 0 and at most 1 (0.2 means a territory books 20 % of its potential in a year)",
            ));
        }
        if !rate(self.max_capture_rate) {
            problems.push(problem(
                "quota.bottom_up.max_capture_rate",
                self.max_capture_rate,
                "expected a fraction above 0 and at most 1",
            ));
        } else if rate(self.capture_rate) && self.max_capture_rate < self.capture_rate {
            problems.push(problem(
                "quota.bottom_up.max_capture_rate",
                self.max_capture_rate,
                &format!(
                    "expected at least quota.bottom_up.capture_rate ({})",
                    self.capture_rate
                ),
            ));
        }
        if !(self.growth.is_finite() && self.growth > -1.0 && self.growth <= 10.0) {
            problems.push(problem(
                "quota.bottom_up.growth",
                self.growth,
                "expected a growth rate above -1 and at most 10 (0.1 means last year's bookings + 10 %)",
            ));
        }
        if !(self.coverage_ratio.is_finite() && self.coverage_ratio > 0.0) {
            problems.push(problem(
                "quota.bottom_up.coverage_ratio",
                self.coverage_ratio,
                "expected a positive ratio of pipeline to quota (3 to 4 is healthy)",
            ));
        }
        if !(self.high_coverage_ratio.is_finite() && self.high_coverage_ratio > self.coverage_ratio)
        {
            problems.push(problem(
                "quota.bottom_up.high_coverage_ratio",
                self.high_coverage_ratio,
                "expected a ratio of pipeline to quota above coverage_ratio (default 8: twice the top of the healthy 3-4x)",
            ));
        }
        let weights = [
            ("quota.bottom_up.potential_weight", self.potential_weight),
            ("quota.bottom_up.history_weight", self.history_weight),
            ("quota.bottom_up.pipeline_weight", self.pipeline_weight),
        ];
        let mut all_valid = true;
        for (key, w) in weights {
            if !is_fraction(w) {
                all_valid = false;
                problems.push(problem(key, w, "expected a weight from 0 to 1"));
            }
        }
        let parts = weights.map(|(_, w)| w);
        if all_valid && (parts.iter().sum::<f64>() - 1.0).abs() > SUM_SLACK {
            problems.push(problem_text(
                "quota.bottom_up",
                sum_text(&parts),
                "potential_weight + history_weight + pipeline_weight must sum to 1",
            ));
        }
        problems
    }
}

impl ComponentShares {
    fn validate(&self) -> Vec<InputProblem> {
        let mut problems = Vec::new();
        let mut all_valid = true;
        for (code, share) in self.all() {
            if !is_fraction(share) {
                all_valid = false;
                problems.push(problem(
                    &format!("quota.components.{code}"),
                    share,
                    "expected a share from 0 to 1",
                ));
            }
        }
        let parts = self.all().map(|(_, s)| s);
        if all_valid && (parts.iter().sum::<f64>() - 1.0).abs() > SUM_SLACK {
            problems.push(problem_text(
                "quota.components",
                sum_text(&parts),
                "new_business + expansion + retention must sum to 1",
            ));
        }
        problems
    }
}

impl AttainmentConfig {
    fn validate(&self) -> Vec<InputProblem> {
        let mut problems = Vec::new();
        if !(self.spread.is_finite() && self.spread > 0.0 && self.spread <= 2.0) {
            problems.push(problem(
                "quota.attainment.spread",
                self.spread,
                "expected a lognormal sigma above 0 and at most 2 (0.25 is typical)",
            ));
        }
        if !(100..=1_000_000).contains(&self.simulations) {
            problems.push(problem_text(
                "quota.attainment.simulations",
                self.simulations.to_string(),
                "expected a number of simulated years from 100 to 1000000",
            ));
        }
        let [low, high] = self.band;
        let band_ok = low.is_finite() && high.is_finite() && 0.0 < low && low < high && high < 1.0;
        if !band_ok {
            problems.push(problem_text(
                "quota.attainment.band",
                format!("{:?}", self.band),
                "expected [low, high] with 0 < low < high < 1 (e.g. [0.6, 0.7])",
            ));
        }
        if !(self.target_share.is_finite()
            && (!band_ok || (low..=high).contains(&self.target_share)))
        {
            problems.push(problem(
                "quota.attainment.target_share",
                self.target_share,
                &format!("expected a share within quota.attainment.band [{low}, {high}]"),
            ));
        }
        problems
    }
}

fn problem_text(key: &str, value: String, message: &str) -> InputProblem {
    InputProblem::config_key(key, value, message)
}

fn problem(key: &str, value: f64, message: &str) -> InputProblem {
    InputProblem::config_key(key, value.to_string(), message)
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
            ..QuotaConfig::default()
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
            ..QuotaConfig::default()
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

    #[test]
    fn shares_that_do_not_sum_to_one_name_the_table_and_the_sum() {
        let mut q = QuotaConfig::default();
        q.components.new_business = 0.6;
        q.components.expansion = 0.3;
        q.components.retention = 0.2;
        q.bottom_up.pipeline_weight = 0.5;
        q.seasonality = vec![1.0; 11];
        q.attainment.band = [0.7, 0.6];
        let problems = q.validate();
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        let keys: Vec<_> = problems
            .iter()
            .filter_map(|p| p.column.as_deref())
            .collect();
        assert_eq!(
            keys,
            [
                "quota.seasonality",
                "quota.bottom_up",
                "quota.components",
                "quota.attainment.band"
            ],
            "{text:#?}"
        );
        assert!(text[1].contains("0.4 + 0.4 + 0.5 = 1.3"), "{}", text[1]);
        assert!(text[2].contains("must sum to 1"), "{}", text[2]);
        assert!(text[0].contains("got 11 values"), "{}", text[0]);
    }

    #[test]
    fn defaults_are_valid_and_components_sum_to_one() {
        let q = QuotaConfig::default();
        assert!(q.validate().is_empty());
        let sum: f64 = q.components.all().iter().map(|(_, s)| s).sum();
        assert_eq!(sum, 1.0);
        let mut q = QuotaConfig::default();
        q.bottom_up.max_capture_rate = 0.1;
        q.attainment.target_share = 0.9;
        let keys: Vec<_> = q.validate().into_iter().filter_map(|p| p.column).collect();
        assert_eq!(
            keys,
            [
                "quota.bottom_up.max_capture_rate",
                "quota.attainment.target_share"
            ]
        );
    }
}
