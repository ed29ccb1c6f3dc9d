//! `[scenarios]` in plan.toml: the capacity model's cost and horizon
//! settings, the three default scenarios (`best`, `likely`, `worst`, each
//! overridable key by key), extra named scenarios and a parameter sweep.
//!
//! ```toml
//! [scenarios]
//! horizon_months = 12
//! ote_per_fte = 200000
//! [scenarios.worst]
//! attrition = 0.30
//! [[scenarios.scenario]]
//! name = "hiring_freeze"
//! backfill = false
//! [scenarios.sweep]
//! attrition = [0.1, 0.15, 0.2]
//! attainment = [0.85, 0.95]
//! ```

use serde::{Deserialize, Serialize};

use super::ramp::RampConfig;
use crate::InputProblem;

/// Longest horizon the model accepts: five fiscal years.
pub const MAX_HORIZON_MONTHS: u32 = 60;
/// Largest sweep grid accepted (points).
pub const MAX_SWEEP_POINTS: usize = 2_000_000;
/// Names of the default scenarios, in output order.
pub const DEFAULT_NAMES: [&str; 3] = ["best", "likely", "worst"];

/// `[scenarios] group_by`: which reps.csv column forms the groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// The rep's segment coverage (`SMB`, `ENT;MM`; empty: `*`).
    Segment,
    /// The rep's `region` (empty: `(none)`).
    Region,
}

/// `[scenarios.groups.NAME]`: one group's own parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GroupOverride {
    pub quota_per_ramped_fte: Option<f64>,
    pub attainment_last_year: Option<f64>,
    /// Share of the sales target this group carries (0-1).
    pub target_share: Option<f64>,
    /// Months to full ramp for this group's hires, in scenarios that do
    /// not set `ramp_months` themselves.
    pub ramp_months: Option<u32>,
}

/// `[scenarios]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScenariosConfig {
    /// Months modelled from the first month of the fiscal year: 12 (the
    /// plan year, default), 24, 36, 48 or 60; later fiscal years are reported by
    /// year with the target grown by `target_growth`.
    pub horizon_months: u32,
    /// Annual quota of one fully ramped 1.0 FTE rep (currency). Unset
    /// (default): derived from the data as last fiscal year's
    /// `bookings_last_year` total divided by the ramped FTE-years the
    /// roster in reps.csv gave last year (each rep's capacity x the mean
    /// `[ramp]` factor over the 12 months before the plan year), i.e. what a
    /// ramped head demonstrably booked, divided by `attainment_last_year`
    /// (bookings are attained quota; the model multiplies quota capacity
    /// by each scenario's attainment).
    pub quota_per_ramped_fte: Option<f64>,
    /// The team's attainment last fiscal year (share of quota booked), used
    /// only to turn last year's bookings into quota capacity when
    /// `quota_per_ramped_fte` is derived. Default: the `likely` scenario's
    /// attainment, so that the most-likely case of an unchanged roster
    /// without attrition books what it booked last year.
    pub attainment_last_year: Option<f64>,
    /// On-target earnings (base + variable at 100 %) per FTE per year.
    /// Default: 200000.
    pub ote_per_fte: f64,
    /// Other fully loaded cost per FTE per year (benefits, payroll taxes,
    /// tools, travel, management overhead). Default: 60000.
    pub overhead_per_fte: f64,
    /// One-off cost of each hire (recruiting fees, onboarding), counted in
    /// the month the hire starts, for planned hires, backfills and solved
    /// hires alike. Default: 0.
    pub recruiting_cost_per_hire: f64,
    /// Most extra hires recruiting can start in one month. Unset
    /// (default): no cap, and the solved hires start together.
    pub max_hires_per_month: Option<u32>,
    /// Hiring budget: most extra hires in the plan year. Unset (default):
    /// no budget.
    pub max_hires: Option<u32>,
    /// Growth of the sales target per fiscal year after the plan year, as a
    /// fraction (0.2 = +20 % a year). Only used when `horizon_months` > 12.
    /// Default: 0.
    pub target_growth: f64,
    /// Bookings weight of each fiscal month (12 numbers >= 0, month 1
    /// first), normalised to a mean of 1: `[1,1,2, ...]` books a third
    /// quarter-end spike. Empty (default): every month weighs the same.
    pub seasonality: Vec<f64>,
    /// Overrides of the default best case (see [`ScenarioParams::best`]).
    pub best: ScenarioOverride,
    /// Overrides of the default most-likely case.
    pub likely: ScenarioOverride,
    /// Overrides of the default worst case.
    pub worst: ScenarioOverride,
    /// Run the model per group of reps: `"segment"` (segment coverage) or
    /// `"region"`, each with its own quota capacity, ramp and share of the
    /// target (see `scenarios::groups`). Unset (default): one team.
    pub group_by: Option<GroupBy>,
    /// `[scenarios.groups.NAME]`: a group's own parameters.
    pub groups: std::collections::BTreeMap<String, GroupOverride>,
    /// Further named scenarios (`[[scenarios.scenario]]`); keys not given
    /// take the `likely` value.
    pub scenario: Vec<NamedScenario>,
    /// A parameter grid run in addition to the named scenarios.
    pub sweep: Option<SweepConfig>,
}

impl Default for ScenariosConfig {
    fn default() -> Self {
        ScenariosConfig {
            horizon_months: 12,
            quota_per_ramped_fte: None,
            attainment_last_year: None,
            ote_per_fte: 200_000.0,
            overhead_per_fte: 60_000.0,
            recruiting_cost_per_hire: 0.0,
            max_hires_per_month: None,
            max_hires: None,
            target_growth: 0.0,
            seasonality: Vec::new(),
            best: ScenarioOverride::default(),
            likely: ScenarioOverride::default(),
            worst: ScenarioOverride::default(),
            group_by: None,
            groups: Default::default(),
            scenario: Vec::new(),
            sweep: None,
        }
    }
}

/// The parameters that vary between scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScenarioParams {
    /// Annual attrition rate (0 to <1): the share of reps who leave in a
    /// year, applied as the monthly hazard 1 - (1 - a)^(1/12).
    pub attrition: f64,
    /// Months until a new rep is fully ramped: the `[ramp]` schedule is
    /// stretched or squeezed proportionally to this length. `None`: the
    /// `[ramp]` schedule as written.
    pub ramp_months: Option<u32>,
    /// Multiplier on the quota per ramped FTE (1.0 = as configured or
    /// derived).
    pub productivity: f64,
    /// Expected share of quota booked (0.95 = reps book 95 % of quota on
    /// average).
    pub attainment: f64,
    /// Months a seat stays empty after a departure before the backfill
    /// starts; also the months from the start of the fiscal year until the
    /// first extra hire can start.
    pub lead_time_months: u32,
    /// Whether departures are backfilled.
    pub backfill: bool,
}

impl ScenarioParams {
    /// Best case: 10 % attrition, the plan's ramp, productivity +5 %,
    /// 100 % attainment, backfills start 2 months after a departure.
    pub fn best() -> Self {
        ScenarioParams {
            attrition: 0.10,
            ramp_months: None,
            productivity: 1.05,
            attainment: 1.0,
            lead_time_months: 2,
            backfill: true,
        }
    }

    /// Most likely: 15 % attrition (a common figure for quota-carrying
    /// reps), the plan's ramp, productivity as configured, 95 %
    /// attainment, 3 months to backfill.
    pub fn likely() -> Self {
        ScenarioParams {
            attrition: 0.15,
            ramp_months: None,
            productivity: 1.0,
            attainment: 0.95,
            lead_time_months: 3,
            backfill: true,
        }
    }

    /// Worst case: 25 % attrition, a 12-month ramp, productivity -5 %,
    /// 85 % attainment, 4 months to backfill.
    pub fn worst() -> Self {
        ScenarioParams {
            attrition: 0.25,
            ramp_months: Some(12),
            productivity: 0.95,
            attainment: 0.85,
            lead_time_months: 4,
            backfill: true,
        }
    }
}

/// Keys a scenario table may set; unset keys keep the base value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScenarioOverride {
    pub attrition: Option<f64>,
    pub ramp_months: Option<u32>,
    pub productivity: Option<f64>,
    pub attainment: Option<f64>,
    pub lead_time_months: Option<u32>,
    pub backfill: Option<bool>,
}

impl ScenarioOverride {
    /// `base` with the keys set here replaced.
    pub fn apply(&self, base: ScenarioParams) -> ScenarioParams {
        ScenarioParams {
            attrition: self.attrition.unwrap_or(base.attrition),
            ramp_months: self.ramp_months.or(base.ramp_months),
            productivity: self.productivity.unwrap_or(base.productivity),
            attainment: self.attainment.unwrap_or(base.attainment),
            lead_time_months: self.lead_time_months.unwrap_or(base.lead_time_months),
            backfill: self.backfill.unwrap_or(base.backfill),
        }
    }
}

/// `[[scenarios.scenario]]`: a scenario with its own name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedScenario {
    /// Letters, digits, `_`, `-` and `.`; not `best`, `likely` or `worst`
    /// (override those under `[scenarios.best]` etc.).
    pub name: String,
    pub attrition: Option<f64>,
    pub ramp_months: Option<u32>,
    pub productivity: Option<f64>,
    pub attainment: Option<f64>,
    pub lead_time_months: Option<u32>,
    pub backfill: Option<bool>,
}

impl NamedScenario {
    /// The keys this scenario sets.
    pub fn params(&self) -> ScenarioOverride {
        ScenarioOverride {
            attrition: self.attrition,
            ramp_months: self.ramp_months,
            productivity: self.productivity,
            attainment: self.attainment,
            lead_time_months: self.lead_time_months,
            backfill: self.backfill,
        }
    }
}

/// `[scenarios.sweep]`: the grid is every combination of the listed
/// values; a key left empty keeps the base scenario's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SweepConfig {
    /// Scenario the grid varies (default `likely`).
    pub base: String,
    pub attrition: Vec<f64>,
    pub ramp_months: Vec<u32>,
    pub productivity: Vec<f64>,
    pub attainment: Vec<f64>,
    pub lead_time_months: Vec<u32>,
}

impl Default for SweepConfig {
    fn default() -> Self {
        SweepConfig {
            base: "likely".to_string(),
            attrition: Vec::new(),
            ramp_months: Vec::new(),
            productivity: Vec::new(),
            attainment: Vec::new(),
            lead_time_months: Vec::new(),
        }
    }
}

impl SweepConfig {
    /// Number of grid points.
    pub fn points(&self) -> usize {
        [
            self.attrition.len(),
            self.ramp_months.len(),
            self.productivity.len(),
            self.attainment.len(),
            self.lead_time_months.len(),
        ]
        .iter()
        .map(|&n| n.max(1))
        .fold(1usize, |a, n| a.saturating_mul(n))
    }
}

impl ScenariosConfig {
    /// The most-likely scenario with its overrides.
    pub fn likely_params(&self) -> ScenarioParams {
        self.likely.apply(ScenarioParams::likely())
    }

    /// Last year's attainment: as set, or the most-likely attainment.
    pub fn attainment_last_year(&self) -> f64 {
        self.attainment_last_year
            .unwrap_or(self.likely_params().attainment)
    }

    /// Every scenario to run: the three defaults (with overrides) then the
    /// named ones, sorted by name.
    pub fn named(&self) -> Vec<(String, ScenarioParams)> {
        let likely = self.likely_params();
        let mut all = vec![
            ("best".to_string(), self.best.apply(ScenarioParams::best())),
            ("likely".to_string(), likely),
            (
                "worst".to_string(),
                self.worst.apply(ScenarioParams::worst()),
            ),
        ];
        all.extend(
            self.scenario
                .iter()
                .map(|s| (s.name.clone(), s.params().apply(likely))),
        );
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }

    /// Seasonality weights for fiscal months 1-12, mean 1.
    pub fn season_weights(&self) -> [f64; 12] {
        let mut w = [1.0; 12];
        let sum: f64 = self.seasonality.iter().sum();
        if self.seasonality.len() == 12 && sum > 0.0 {
            for (slot, v) in w.iter_mut().zip(&self.seasonality) {
                *slot = v * 12.0 / sum;
            }
        }
        w
    }

    /// Value checks, keyed `scenarios.…`; `ramp` is the plan's schedule
    /// (a `ramp_months` needs one to stretch).
    pub fn validate(&self, ramp: &RampConfig) -> Vec<InputProblem> {
        let mut p = Vec::new();
        if !(12..=MAX_HORIZON_MONTHS).contains(&self.horizon_months)
            || !self.horizon_months.is_multiple_of(12)
        {
            p.push(problem(
                "scenarios.horizon_months",
                self.horizon_months.to_string(),
                &format!("expected whole fiscal years in months: 12 (the plan year), 24, ... up to {MAX_HORIZON_MONTHS}"),
            ));
        }
        if let Some(q) = self.quota_per_ramped_fte {
            if !(q.is_finite() && q > 0.0) {
                p.push(problem(
                    "scenarios.quota_per_ramped_fte",
                    q.to_string(),
                    "expected a positive amount of currency per FTE per year, or leave it out to derive it from bookings_last_year",
                ));
            }
        }
        if self.max_hires_per_month == Some(0) {
            p.push(problem(
                "scenarios.max_hires_per_month",
                "0".to_string(),
                "expected at least 1 hire a month (leave it out for no cap)",
            ));
        }
        if self.group_by.is_none() && !self.groups.is_empty() {
            p.push(problem(
                "scenarios.groups",
                self.groups.keys().cloned().collect::<Vec<_>>().join(", "),
                "group parameters need [scenarios] group_by = \"segment\" or \"region\"",
            ));
        }
        for (name, g) in &self.groups {
            let key = |k: &str| format!("scenarios.groups.{name}.{k}");
            if let Some(q) = g.quota_per_ramped_fte {
                if !(q.is_finite() && q > 0.0) {
                    p.push(problem(
                        &key("quota_per_ramped_fte"),
                        q.to_string(),
                        "expected a positive amount of currency per FTE per year",
                    ));
                }
            }
            if let Some(a) = g.attainment_last_year {
                check_attainment(&key("attainment_last_year"), a, &mut p);
            }
            if let Some(t) = g.target_share {
                if !(t.is_finite() && (0.0..=1.0).contains(&t)) {
                    p.push(problem(
                        &key("target_share"),
                        t.to_string(),
                        "expected the group's share of the sales target, from 0 to 1",
                    ));
                }
            }
            if let Some(r) = g.ramp_months {
                if r == 0 || r > 36 {
                    p.push(problem(
                        &key("ramp_months"),
                        r.to_string(),
                        "expected months to full ramp, from 1 to 36",
                    ));
                }
            }
        }
        if let Some(a) = self.attainment_last_year {
            check_attainment("scenarios.attainment_last_year", a, &mut p);
        }
        for (key, v) in [
            ("scenarios.ote_per_fte", self.ote_per_fte),
            ("scenarios.overhead_per_fte", self.overhead_per_fte),
            (
                "scenarios.recruiting_cost_per_hire",
                self.recruiting_cost_per_hire,
            ),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                p.push(problem(
                    key,
                    v.to_string(),
                    "expected an amount of currency >= 0",
                ));
            }
        }
        if !(self.target_growth.is_finite() && self.target_growth > -1.0) {
            p.push(problem(
                "scenarios.target_growth",
                self.target_growth.to_string(),
                "expected a fraction above -1 (0.2 means the target grows 20 % a year)",
            ));
        }
        if !self.seasonality.is_empty() {
            let ok = self.seasonality.len() == 12
                && self.seasonality.iter().all(|v| v.is_finite() && *v >= 0.0)
                && self.seasonality.iter().sum::<f64>() > 0.0;
            if !ok {
                p.push(problem(
                    "scenarios.seasonality",
                    format!("{:?}", self.seasonality),
                    "expected 12 weights >= 0 (fiscal month 1 first), not all 0, or an empty list for no seasonality",
                ));
            }
        }
        for (name, o) in [
            ("best", &self.best),
            ("likely", &self.likely),
            ("worst", &self.worst),
        ] {
            validate_override(&format!("scenarios.{name}"), o, ramp, &mut p);
        }
        let mut seen: Vec<&str> = Vec::new();
        for (i, s) in self.scenario.iter().enumerate() {
            let key = format!("scenarios.scenario[{i}]");
            let valid_name = !s.name.is_empty()
                && s.name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
            if !valid_name {
                p.push(problem(
                    &format!("{key}.name"),
                    s.name.clone(),
                    "expected a scenario name of letters, digits, '_', '-' or '.'",
                ));
            } else if DEFAULT_NAMES.contains(&s.name.as_str()) {
                p.push(problem(
                    &format!("{key}.name"),
                    s.name.clone(),
                    &format!(
                        "'{}' is a default scenario: change it under [scenarios.{}] instead",
                        s.name, s.name
                    ),
                ));
            } else if seen.contains(&s.name.as_str()) {
                p.push(problem(
                    &format!("{key}.name"),
                    s.name.clone(),
                    "a scenario of this name is already defined: names must be unique",
                ));
            }
            seen.push(&s.name);
            validate_override(&key, &s.params(), ramp, &mut p);
        }
        if let Some(sw) = &self.sweep {
            let known = DEFAULT_NAMES.contains(&sw.base.as_str())
                || self.scenario.iter().any(|s| s.name == sw.base);
            if !known {
                p.push(problem(
                    "scenarios.sweep.base",
                    sw.base.clone(),
                    "expected the name of a scenario (best, likely, worst or a [[scenarios.scenario]] name)",
                ));
            }
            for v in &sw.attrition {
                check_attrition("scenarios.sweep.attrition", *v, &mut p);
            }
            for v in &sw.ramp_months {
                check_ramp("scenarios.sweep.ramp_months", *v, ramp, &mut p);
            }
            for v in &sw.productivity {
                check_positive("scenarios.sweep.productivity", *v, &mut p);
            }
            for v in &sw.attainment {
                check_attainment("scenarios.sweep.attainment", *v, &mut p);
            }
            for v in &sw.lead_time_months {
                check_lead("scenarios.sweep.lead_time_months", *v, &mut p);
            }
            if sw.points() > MAX_SWEEP_POINTS {
                p.push(problem(
                    "scenarios.sweep",
                    sw.points().to_string(),
                    &format!("the grid has too many points: at most {MAX_SWEEP_POINTS}"),
                ));
            }
        }
        p
    }
}

fn validate_override(
    key: &str,
    o: &ScenarioOverride,
    ramp: &RampConfig,
    p: &mut Vec<InputProblem>,
) {
    if let Some(v) = o.attrition {
        check_attrition(&format!("{key}.attrition"), v, p);
    }
    if let Some(v) = o.ramp_months {
        check_ramp(&format!("{key}.ramp_months"), v, ramp, p);
    }
    if let Some(v) = o.productivity {
        check_positive(&format!("{key}.productivity"), v, p);
    }
    if let Some(v) = o.attainment {
        check_attainment(&format!("{key}.attainment"), v, p);
    }
    if let Some(v) = o.lead_time_months {
        check_lead(&format!("{key}.lead_time_months"), v, p);
    }
}

fn check_attrition(key: &str, v: f64, p: &mut Vec<InputProblem>) {
    if !(v.is_finite() && (0.0..1.0).contains(&v)) {
        p.push(problem(
            key,
            v.to_string(),
            "expected an annual attrition rate from 0 to below 1 (0.15 means 15 % of reps leave in a year)",
        ));
    }
}

fn check_ramp(key: &str, v: u32, ramp: &RampConfig, p: &mut Vec<InputProblem>) {
    if ramp.months_to_full() == 0 {
        p.push(problem(
            key,
            v.to_string(),
            "the [ramp] schedule is empty (no ramp), so there is nothing to stretch: add [ramp] steps or drop this key",
        ));
    } else if !(1..=60).contains(&v) {
        p.push(problem(
            key,
            v.to_string(),
            "expected the months until a new rep is fully ramped, from 1 to 60",
        ));
    }
}

fn check_positive(key: &str, v: f64, p: &mut Vec<InputProblem>) {
    if !(v.is_finite() && v > 0.0 && v <= 10.0) {
        p.push(problem(
            key,
            v.to_string(),
            "expected a multiplier above 0 and at most 10 (1.0 = the configured quota per ramped FTE)",
        ));
    }
}

fn check_attainment(key: &str, v: f64, p: &mut Vec<InputProblem>) {
    if !(v.is_finite() && v > 0.0 && v <= 3.0) {
        p.push(problem(
            key,
            v.to_string(),
            "expected the expected share of quota booked, above 0 and at most 3 (0.95 = 95 %)",
        ));
    }
}

fn check_lead(key: &str, v: u32, p: &mut Vec<InputProblem>) {
    if v > 24 {
        p.push(problem(
            key,
            v.to_string(),
            "expected a hiring lead time from 0 to 24 months",
        ));
    }
}

fn problem(key: &str, value: String, message: &str) -> InputProblem {
    InputProblem::config_key(key, value, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_sorted() {
        let c = ScenariosConfig::default();
        assert!(c.validate(&RampConfig::default()).is_empty());
        let names: Vec<String> = c.named().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["best", "likely", "worst"]);
    }

    #[test]
    fn overrides_and_named_scenarios_start_from_their_base() {
        let c: ScenariosConfig = toml::from_str(
            "[worst]\nattrition = 0.3\n[[scenario]]\nname = \"freeze\"\nbackfill = false\n",
        )
        .unwrap();
        let named = c.named();
        let worst = named.iter().find(|(n, _)| n == "worst").unwrap().1;
        assert_eq!(worst.attrition, 0.3);
        assert_eq!(worst.attainment, ScenarioParams::worst().attainment);
        let freeze = named.iter().find(|(n, _)| n == "freeze").unwrap().1;
        assert!(!freeze.backfill);
        assert_eq!(freeze.attrition, ScenarioParams::likely().attrition);
    }

    #[test]
    fn bad_values_name_their_key() {
        let c: ScenariosConfig = toml::from_str(
            "horizon_months = 6\n[best]\nattrition = 1.2\n[[scenario]]\nname = \"best\"\n[sweep]\nbase = \"nope\"\nattainment = [0.9, -1]\n",
        )
        .unwrap();
        let keys: Vec<String> = c
            .validate(&RampConfig::default())
            .into_iter()
            .filter_map(|p| p.column)
            .collect();
        assert_eq!(
            keys,
            [
                "scenarios.horizon_months",
                "scenarios.best.attrition",
                "scenarios.scenario[0].name",
                "scenarios.sweep.base",
                "scenarios.sweep.attainment"
            ]
        );
        let unknown = toml::from_str::<ScenariosConfig>("[likely]\nattriton = 0.1\n");
        assert!(unknown.is_err());
    }

    #[test]
    fn ramp_months_needs_a_schedule() {
        let c: ScenariosConfig = toml::from_str("[best]\nramp_months = 6\n").unwrap();
        assert!(c.validate(&RampConfig::default()).is_empty());
        let none = RampConfig { steps: Vec::new() };
        assert_eq!(c.validate(&none).len(), 1);
    }
}
