//! Capacity and headcount scenarios for finance: how many reps, hired when,
//! make the number, and what they cost.
//!
//! - [`config`]: `[scenarios]` in plan.toml (costs, horizon, the default
//!   `best` / `likely` / `worst` scenarios, named scenarios, a sweep grid);
//! - [`model`]: the monthly capacity model on plain numbers (cohorts,
//!   ramp, attrition hazard, backfills after a lead time, bookings, cost);
//! - [`headcount`]: the exact search for the fewest hires that make the
//!   plan year's target and the latest month they can start;
//! - [`sweep`]: a parameter grid, evaluated in parallel with rayon.
//!
//! [`Setup::new`] turns a validated [`Dataset`] into the scenario-independent
//! inputs; [`evaluate`] runs one scenario. Nothing here reads or writes
//! files.
//!
//! Conventions a finance reader should know:
//! - the number to make is the `[quota]` sales target (company target x
//!   sales share), not the over-assigned quota total;
//! - the roster is reps.csv as of the first month of the fiscal year: reps
//!   (and open requisitions, rows without a name) whose `start_date` falls
//!   inside the horizon are planned hires that join in their start month;
//!   reps starting later are ignored;
//! - headcount is in heads, FTE and ramped FTE in capacity units;
//! - cost is the fully loaded cost (OTE + overhead) of the FTE on payroll,
//!   plus a recruiting cost per hire, over the plan year; cost per dollar
//!   is that cost over the plan year's bookings with the solved hires.

pub mod groups;
pub mod headcount;
pub mod model;
pub mod sweep;

use crate::model::{Dataset, FiscalYear, RampConfig, YearMonth};
use crate::{Error, InputProblem, Result};

pub use crate::model::{ScenarioOverride, ScenarioParams, ScenariosConfig, SweepConfig};
pub use headcount::{HeadcountPlan, HiringCaps};
pub use model::{Closing, Cohort, ModelParams, Series};

/// Scenario-independent inputs of the capacity model.
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    pub fiscal_year: FiscalYear,
    /// The horizon's months, from the first month of the fiscal year.
    pub months: Vec<YearMonth>,
    /// The roster grouped by start month.
    pub cohorts: Vec<Cohort>,
    /// Reps in reps.csv starting within the plan year.
    pub planned_hires: usize,
    /// Of those, rows without a name (open requisitions).
    pub open_reqs: usize,
    /// Annual quota of a fully ramped FTE.
    pub quota_per_ramped_fte: f64,
    /// True when derived from bookings_last_year rather than configured.
    pub quota_derived: bool,
    /// Last year's attainment the derived quota capacity assumes.
    pub attainment_last_year: f64,
    /// The `[ramp]` schedule scenarios stretch.
    pub ramp: RampConfig,
    /// Sales target of each fiscal year of the horizon.
    pub targets: Vec<f64>,
    pub season: [f64; 12],
    pub cost_per_fte_month: f64,
    pub cost_per_hire: f64,
    /// What recruiting can deliver (`[scenarios] max_hires_per_month`,
    /// `max_hires`).
    pub hiring_caps: headcount::HiringCaps,
}

fn missing(file: &str, key: &str, message: &str) -> Error {
    Error::input(vec![InputProblem {
        file: file.to_string(),
        line: None,
        column: Some(key.to_string()),
        value: None,
        message: message.to_string(),
    }])
}

impl Setup {
    /// Prepare the model inputs. `config_file` names the plan config in
    /// messages (a required key that is unset is reported against it).
    pub fn new(dataset: &Dataset, config_file: &str) -> Result<Setup> {
        let config = &dataset.config;
        let sc = &config.scenarios;
        let year = config.fiscal_year.ok_or_else(|| {
            missing(
                config_file,
                "fiscal_year",
                "scenarios need the calendar year in which the planned fiscal year starts (e.g. fiscal_year = 2027): ramp and planned hires are dated",
            )
        })?;
        let sales_target = config.quota.sales_target().ok_or_else(|| {
            missing(
                config_file,
                "quota.company_target",
                "scenarios need the number to make: set [quota] company_target (and sales_share)",
            )
        })?;
        let fy = FiscalYear::new(year, config.fiscal_year_start_month);
        let months = fy.months_over(sc.horizon_months as usize);

        let mut by_start: std::collections::BTreeMap<Option<i64>, (f64, f64)> = Default::default();
        let (mut planned_hires, mut open_reqs) = (0, 0);
        for rep in &dataset.reps {
            let start = rep
                .start_date
                .map(|d| YearMonth::of(d).months_since(fy.first));
            if let Some(k) = start {
                if (0..12).contains(&k) {
                    planned_hires += 1;
                    if rep.name.is_none() {
                        open_reqs += 1;
                    }
                }
            }
            let entry = by_start.entry(start).or_insert((0.0, 0.0));
            entry.0 += 1.0;
            entry.1 += rep.capacity;
        }
        let cohorts = by_start
            .into_iter()
            .map(|(start, (heads, fte))| Cohort { start, heads, fte })
            .collect();

        let (quota, derived) = match sc.quota_per_ramped_fte {
            Some(q) => (q, false),
            None => (derive_quota(dataset, &fy, config_file)?, true),
        };
        let years = sc.horizon_months.div_ceil(12) as i32;
        let targets = (0..years)
            .map(|y| sales_target * (1.0 + sc.target_growth).powi(y))
            .collect();
        Ok(Setup {
            fiscal_year: fy,
            months,
            cohorts,
            planned_hires,
            open_reqs,
            quota_per_ramped_fte: quota,
            quota_derived: derived,
            attainment_last_year: sc.attainment_last_year(),
            ramp: config.ramp.clone(),
            targets,
            season: sc.season_weights(),
            cost_per_fte_month: (sc.ote_per_fte + sc.overhead_per_fte) / 12.0,
            cost_per_hire: sc.recruiting_cost_per_hire,
            hiring_caps: headcount::HiringCaps {
                per_month: sc.max_hires_per_month,
                total: sc.max_hires,
            },
        })
    }

    /// The model inputs of one scenario.
    pub fn params(&self, s: &ScenarioParams) -> ModelParams {
        ModelParams {
            months: self.months.len(),
            ramp: model::ramp_table(&self.ramp, s.ramp_months),
            hazard: model::monthly_hazard(s.attrition),
            lead_time: s.lead_time_months,
            backfill: s.backfill,
            bookings_per_ramped_fte_month: self.quota_per_ramped_fte
                * s.productivity
                * s.attainment
                / 12.0,
            season: self.season,
            cost_per_fte_month: self.cost_per_fte_month,
            cost_per_hire: self.cost_per_hire,
        }
    }

    /// Months until full ramp in a scenario.
    pub fn ramp_months(&self, s: &ScenarioParams) -> u32 {
        s.ramp_months.unwrap_or(self.ramp.months_to_full())
    }
}

/// Quota capacity of a ramped FTE-year implied by last year: last fiscal
/// year's bookings per ramped FTE-year of today's roster, divided by last
/// year's attainment (bookings are attained quota, and the model applies
/// each scenario's attainment to quota capacity).
fn derive_quota(dataset: &Dataset, fy: &FiscalYear, config_file: &str) -> Result<f64> {
    let bookings: f64 = dataset
        .accounts
        .iter()
        .filter_map(|a| a.bookings_last_year)
        .sum();
    let last_year: Vec<YearMonth> = (1..=12).rev().map(|k| fy.first.plus(-k)).collect();
    let ramped_years: f64 = dataset
        .reps
        .iter()
        .map(|r| {
            r.capacity
                * last_year
                    .iter()
                    .map(|&m| dataset.config.ramp.factor_in(r.start_date, m))
                    .sum::<f64>()
                / 12.0
        })
        .sum();
    if bookings > 0.0 && ramped_years > 0.0 {
        Ok(bookings / ramped_years / dataset.config.scenarios.attainment_last_year())
    } else {
        Err(missing(
            config_file,
            "scenarios.quota_per_ramped_fte",
            "cannot derive the quota per ramped FTE: accounts.csv has no bookings_last_year or no rep was ramped last year; set it (currency per fully ramped FTE per year)",
        ))
    }
}

/// One fiscal year of the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct YearFigures {
    /// First month of the fiscal year.
    pub first: YearMonth,
    pub target: f64,
    pub expected_bookings: f64,
    pub bookings_with_hires: f64,
    pub cost_with_hires: f64,
}

/// The row of scenarios.csv (plan-year figures).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub target: f64,
    pub headcount_start: f64,
    pub headcount_year_end: f64,
    pub ramped_fte_year_end: f64,
    /// Plan-year bookings of the roster (with attrition and backfills),
    /// without extra hires.
    pub expected_bookings: f64,
    /// Target minus expected bookings (> 0: short).
    pub gap_to_target: f64,
    pub hires_needed: Option<u32>,
    pub earliest_hire_month: Option<YearMonth>,
    pub latest_hire_month: Option<YearMonth>,
    pub headcount_year_end_with_hires: f64,
    pub ramped_fte_year_end_with_hires: f64,
    pub bookings_with_hires: f64,
    /// Plan-year cost with the solved hires (starting in the latest month).
    pub total_cost: f64,
    /// total_cost / bookings_with_hires.
    pub cost_per_dollar: f64,
    pub status: &'static str,
    /// Extra hires by start month (the solved plan, or under hiring caps
    /// that cannot make the number, the most they allow).
    pub hires_by_month: Vec<(YearMonth, u32)>,
    /// When the hiring caps cannot make the number: what they reach.
    pub reachable: Option<Reachable>,
}

/// What the most hiring the caps allow reaches when it misses the target.
#[derive(Debug, Clone, PartialEq)]
pub struct Reachable {
    /// Plan-year bookings with the most hires the caps allow.
    pub plan_year_bookings: f64,
    /// First month whose trailing 12 months book the plan-year target when
    /// recruiting keeps hiring at the monthly cap (within the budget), up
    /// to five years out; `None` when that never happens.
    pub annual_rate_from: Option<YearMonth>,
}

/// Everything one scenario produces.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub params: ScenarioParams,
    pub ramp_months: u32,
    pub summary: Summary,
    pub plan: HeadcountPlan,
    /// Roster only.
    pub base: Series,
    /// Roster plus the solved hires.
    pub with_hires: Series,
    pub years: Vec<YearFigures>,
}

fn sum(v: &[f64], range: std::ops::Range<usize>) -> f64 {
    v[range].iter().sum()
}

/// Run one scenario: the roster over the horizon, the headcount solve for
/// the plan year, and the plan with the solved hires.
pub fn evaluate(setup: &Setup, s: &ScenarioParams) -> Evaluation {
    let p = setup.params(s);
    let base = model::simulate(&setup.cohorts, &p);
    let unit = model::unit_response(&p);
    let year1 = 0..12.min(p.months);
    let target = setup.targets[0];
    let expected = sum(&base.bookings, year1.clone());
    let contribution: Vec<f64> = year1
        .clone()
        .map(|start| {
            (start..year1.end)
                .map(|k| {
                    unit.ramped_fte[k - start] * p.bookings_per_ramped_fte_month * p.season[k % 12]
                })
                .sum()
        })
        .collect();
    let caps = setup.hiring_caps;
    let plan = headcount::solve_capped(
        target - expected,
        target,
        &contribution,
        s.lead_time_months as usize,
        caps,
    );
    let with_hires = with_schedule(&base, &unit, &plan.schedule, &p);
    let reachable = plan.capped_short.then(|| Reachable {
        plan_year_bookings: sum(&with_hires.bookings, year1.clone()),
        annual_rate_from: month_reaching_annual_rate(setup, s, target),
    });
    let last = year1.end - 1;
    let year_end = base.closing(last, p.hazard);
    let year_end_with_hires = with_hires.closing(last, p.hazard);
    let bookings_with_hires = sum(&with_hires.bookings, year1.clone());
    let total_cost = sum(&with_hires.cost, year1.clone());
    let month = |k: Option<usize>| k.map(|k| setup.months[k]);
    let summary = Summary {
        target,
        headcount_start: base.heads[0],
        headcount_year_end: year_end.heads,
        ramped_fte_year_end: year_end.ramped_fte,
        expected_bookings: expected,
        gap_to_target: target - expected,
        hires_needed: plan.hires,
        earliest_hire_month: month(plan.earliest),
        latest_hire_month: month(plan.latest),
        headcount_year_end_with_hires: year_end_with_hires.heads,
        ramped_fte_year_end_with_hires: year_end_with_hires.ramped_fte,
        bookings_with_hires,
        total_cost,
        cost_per_dollar: if bookings_with_hires > 0.0 {
            total_cost / bookings_with_hires
        } else {
            f64::NAN
        },
        status: plan.status(),
        hires_by_month: plan
            .schedule
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(k, &n)| (setup.months[k], n))
            .collect(),
        reachable,
    };
    let years = setup
        .targets
        .iter()
        .enumerate()
        .map(|(y, &target)| {
            let r = 12 * y..(12 * y + 12).min(p.months);
            YearFigures {
                first: setup.months[12 * y],
                target,
                expected_bookings: sum(&base.bookings, r.clone()),
                bookings_with_hires: sum(&with_hires.bookings, r.clone()),
                cost_with_hires: sum(&with_hires.cost, r),
            }
        })
        .collect();
    Evaluation {
        params: *s,
        ramp_months: setup.ramp_months(s),
        summary,
        plan,
        base,
        with_hires,
        years,
    }
}

/// `base` plus `schedule[k]` unit hires starting in each month k.
fn with_schedule(base: &Series, unit: &Series, schedule: &[u32], p: &ModelParams) -> Series {
    schedule
        .iter()
        .enumerate()
        .filter(|(_, &n)| n > 0)
        .fold(base.clone(), |acc, (k, &n)| {
            acc.plus_shifted(unit, f64::from(n), k, p)
        })
}

/// The first month whose trailing 12 months of bookings reach `target`
/// when recruiting hires at the monthly cap from the earliest month for as
/// long as the hiring budget lasts, over five years from the plan year.
fn month_reaching_annual_rate(setup: &Setup, s: &ScenarioParams, target: f64) -> Option<YearMonth> {
    let months = crate::model::MAX_HORIZON_MONTHS as usize;
    let p = ModelParams {
        months,
        ..setup.params(s)
    };
    let base = model::simulate(&setup.cohorts, &p);
    let unit = model::unit_response(&p);
    let per_month = setup.hiring_caps.per_month.unwrap_or(headcount::MAX_HIRES);
    let mut left = setup.hiring_caps.total.unwrap_or(headcount::MAX_HIRES);
    let schedule: Vec<u32> = (0..months)
        .map(|k| {
            if k < s.lead_time_months as usize {
                return 0;
            }
            let n = per_month.min(left);
            left -= n;
            n
        })
        .collect();
    let series = with_schedule(&base, &unit, &schedule, &p);
    let first = setup.fiscal_year.first;
    (11..months)
        .find(|&k| series.bookings[k - 11..=k].iter().sum::<f64>() >= target)
        .map(|k| first.plus(k as i64))
}

#[cfg(test)]
mod tests;
