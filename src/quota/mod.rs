//! Quotas from territories: top-down, bottom-up, reconciled, with
//! components, ramp and monthly phasing, and attainment calibration.
//!
//! Entry point: [`plan_quotas`], given a validated [`Dataset`] and the
//! owner of every account (from a finished [`Plan`] or an earlier run's
//! assignments). It knows nothing of files.
//!
//! Definitions (all amounts in whole currency units):
//! - **quota total** = company target x sales share x (1 + over-assignment),
//!   rounded to a whole unit;
//! - **productive share** of a rep = mean of its 12 fiscal-month ramp
//!   factors, weighted by seasonality (0 before its start month);
//! - **top-down** quota: the quota total split by `potential_weight` x
//!   share of ramp-adjusted territory potential + (1 - `potential_weight`)
//!   x share of ramp-adjusted capacity, capacity counted in its balance
//!   group's potential per FTE (see [`topdown`]); largest-remainder
//!   rounding, so the top-down quotas sum exactly to the quota total;
//! - **bottom-up**: the configured blend of the potential, history and
//!   pipeline methods for the rep's territory, times its productive share;
//! - **final quota** = top-down (the company number must be made; bottom-up
//!   is the check), or the calibrated quota when
//!   `quota.attainment.apply_calibration` is set;
//! - **gap** = top-down - bottom-up; **gap_pct** = gap / bottom-up;
//! - **pipeline coverage** = territory pipeline / final quota;
//! - components split each final quota by the configured shares (or, with
//!   `from_columns`, by the territory's sums of the per-account component
//!   columns), and each
//!   component is phased over the fiscal months by seasonality x ramp, all
//!   with largest-remainder rounding, so months sum to the component and
//!   components to the quota.

mod alloc;
pub mod bottomup;
pub mod calibrate;
pub mod phasing;
pub mod rest_of_year;
pub mod topdown;

use serde::Serialize;

use crate::model::{Config, Dataset, FiscalYear, Plan, YearMonth};
use crate::{Error, InputProblem, Result};

pub use alloc::{allocate, allocate_rows};
pub use bottomup::{Availability, MethodWeights, Methods, Territory};

/// Multiples of the sales target shown in the calibration trade-off.
pub const TRADEOFF_MULTIPLES: [f64; 6] = [0.8, 0.9, 1.0, 1.1, 1.2, 1.3];

/// A quota component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Component {
    NewBusiness,
    Expansion,
    Retention,
}

impl Component {
    /// The code written to quotas.csv and used in plan.toml.
    pub fn code(self) -> &'static str {
        match self {
            Component::NewBusiness => "new_business",
            Component::Expansion => "expansion",
            Component::Retention => "retention",
        }
    }

    /// Every component, in config order.
    pub const ALL: [Component; 3] = [
        Component::NewBusiness,
        Component::Expansion,
        Component::Retention,
    ];
}

/// One month of one component of one rep's quota.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MonthQuota {
    pub month: YearMonth,
    /// 1-based fiscal month.
    pub fiscal_month: u32,
    pub amount: i64,
    /// The rep's ramp factor in that month (0-1).
    pub ramp_factor: f64,
}

/// One component of one rep's final quota, by month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentQuota {
    pub component: Component,
    pub annual: i64,
    /// The 12 fiscal months in order; amounts sum to `annual`.
    pub months: Vec<MonthQuota>,
}

/// Why a rep's quota deserves a second look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Flag {
    /// Final quota above territory potential x max capture rate x
    /// productive share: more than the territory can bear.
    OverCapture,
    /// Pipeline coverage below the healthy ratio.
    LowCoverage,
    /// Pipeline coverage far above the healthy band.
    HighCoverage,
}

impl Flag {
    pub fn code(self) -> &'static str {
        match self {
            Flag::OverCapture => "over_capture",
            Flag::LowCoverage => "low_coverage",
            Flag::HighCoverage => "high_coverage",
        }
    }
}

/// Everything tplan says about one rep's quota.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepQuota {
    /// Index into `Dataset::reps`.
    pub rep: usize,
    /// FTE the quota is set on (reps.csv's capacity; territories may
    /// balance a late starter on less, see `model::availability`).
    pub capacity: f64,
    /// Ramp factor of each fiscal month.
    pub ramp: Vec<f64>,
    /// Seasonality-weighted mean ramp factor (0-1).
    pub productive_share: f64,
    /// Territory sums.
    pub territory: Territory,
    /// Bottom-up methods for the territory over a full year.
    pub methods: Methods,
    /// Blend of the methods for a full year (not ramp-adjusted).
    pub territory_bottom_up: f64,
    /// Blend x productive share, rounded: the rep's expected bookings.
    pub bottom_up: i64,
    pub top_down: i64,
    /// Top-down scaled by the calibration factor (= top-down when no
    /// calibration is possible or needed).
    pub calibrated: i64,
    pub final_quota: i64,
    /// top_down - bottom_up.
    pub gap: i64,
    /// gap / bottom_up; `None` when bottom-up is 0.
    pub gap_pct: Option<f64>,
    /// Territory pipeline / final quota; `None` when the data has no
    /// pipeline or the quota is 0.
    pub pipeline_coverage: Option<f64>,
    /// Probability of reaching the final quota.
    pub p_attain: f64,
    /// Probability of reaching the calibrated quota.
    pub p_attain_calibrated: f64,
    pub components: Vec<ComponentQuota>,
    pub flags: Vec<Flag>,
}

/// The calibration of a plan: one scale factor on every top-down quota.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// Factor applied to every top-down quota (1 when already in the band).
    pub scale: f64,
    /// Sum of the calibrated quotas.
    pub quota_total: i64,
    /// Expected share of reps reaching the calibrated quotas.
    pub share: f64,
    /// Sales target - calibrated quota total (positive: quotas alone no
    /// longer cover what sales must deliver).
    pub shortfall_vs_sales_target: f64,
    /// Whether the final quotas are the calibrated ones.
    pub applied: bool,
}

/// One point of the calibration trade-off.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TradeoffPoint {
    /// Sum of quotas (every top-down quota scaled by one factor).
    pub quota_total: f64,
    pub pct_of_sales_target: f64,
    /// Expected share of reps reaching quota at that level.
    pub share_attaining: f64,
}

/// The attainment simulation and calibration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attainment {
    pub simulations: u32,
    pub seed: u64,
    pub spread: f64,
    pub band: [f64; 2],
    pub target_share: f64,
    /// Reps with a positive final quota (the ones the share counts).
    pub reps_with_quota: usize,
    /// Expected share of reps reaching their top-down quota.
    pub share_top_down: f64,
    /// Expected share of reps reaching their final quota.
    pub share_final: f64,
    /// `None` when no scale reaches the target share (too many reps with
    /// no expected bookings).
    pub calibration: Option<Calibration>,
    /// Quota level vs share of reps attaining, sorted by quota total.
    pub tradeoff: Vec<TradeoffPoint>,
}

/// The quotas of a whole plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaPlan {
    /// First month of the fiscal year.
    pub first_month: YearMonth,
    pub months: Vec<YearMonth>,
    pub company_target: f64,
    pub sales_target: f64,
    pub over_assignment: f64,
    /// Sum of top-down quotas: the rounded quota total.
    pub top_down_total: i64,
    pub bottom_up_total: i64,
    pub final_total: i64,
    /// Components with a positive share, in config order.
    pub components: Vec<(Component, f64)>,
    pub availability: Availability,
    pub method_weights: MethodWeights,
    /// One entry per rep, sorted by rep_id.
    pub reps: Vec<RepQuota>,
    pub attainment: Attainment,
}

/// A config problem named by key; the command layer fills in the file.
fn config_problem(key: &str, value: Option<&str>, message: String) -> Error {
    Error::input(vec![InputProblem {
        file: String::new(),
        line: None,
        column: Some(key.to_string()),
        value: value.map(str::to_string),
        message,
    }])
}

/// The fiscal year and company target quotas need, or an error naming the
/// missing key. Cheap: commands call it before solving.
pub fn requirements(config: &Config) -> Result<(FiscalYear, f64)> {
    let target = config.quota.company_target.ok_or_else(|| {
        config_problem(
            "quota.company_target",
            None,
            "quotas need a company revenue target: set [quota] company_target (e.g. 10000000)"
                .to_string(),
        )
    })?;
    let year = config.fiscal_year.ok_or_else(|| {
        config_problem(
            "fiscal_year",
            None,
            format!(
                "quotas need the fiscal year for ramp and monthly phasing: set fiscal_year to the \
                 calendar year in which the planned fiscal year starts (e.g. fiscal_year = 2027; \
                 it starts in month {} per fiscal_year_start_month)",
                config.fiscal_year_start_month
            ),
        )
    })?;
    Ok((
        FiscalYear::new(year, config.fiscal_year_start_month),
        target,
    ))
}

/// Names of the per-account component columns, in component order.
pub const COMPONENT_COLUMNS: [&str; 3] = ["new_business", "expansion", "retention"];

/// For `quota.components.from_columns`: which component columns accounts.csv
/// has, and each territory's sums of them (by rep position).
#[allow(clippy::type_complexity)]
fn component_columns(
    dataset: &Dataset,
    owner: &[usize],
    position: &[usize],
) -> Result<([bool; 3], Vec<[f64; 3]>)> {
    let index: Vec<Option<usize>> = COMPONENT_COLUMNS
        .iter()
        .map(|name| dataset.account_extra_columns.iter().position(|c| c == name))
        .collect();
    let present = [index[0].is_some(), index[1].is_some(), index[2].is_some()];
    if !present.iter().any(|&p| p) {
        return Err(config_problem(
            "quota.components.from_columns",
            Some("true"),
            format!(
                "accounts.csv has none of the columns {}: add them (amounts per account) or set from_columns = false",
                COMPONENT_COLUMNS.join(", ")
            ),
        ));
    }
    let mut sums = vec![[0.0; 3]; position.len()];
    let mut problems = Vec::new();
    for (account, &r) in dataset.accounts.iter().zip(owner) {
        for (c, idx) in index.iter().enumerate() {
            let Some(cell) = idx.and_then(|i| account.extra.get(i)) else {
                continue;
            };
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            match crate::io::parse_number(cell, crate::io::NumberKind::Money) {
                Ok(v) if v.is_finite() && v >= 0.0 => sums[position[r]][c] += v,
                _ => problems.push(InputProblem {
                    file: "accounts.csv".to_string(),
                    line: None,
                    column: Some(COMPONENT_COLUMNS[c].to_string()),
                    value: Some(cell.to_string()),
                    message: format!(
                        "account {}: expected an amount >= 0 for the quota component split (quota.components.from_columns)",
                        account.id
                    ),
                }),
            }
        }
    }
    if problems.is_empty() {
        Ok((present, sums))
    } else {
        Err(Error::input(problems))
    }
}

/// Owner (rep index) of every account of a finished plan.
pub fn owners_of(plan: &Plan, accounts: usize) -> Vec<usize> {
    let mut owners = vec![0; accounts];
    for a in &plan.assignments {
        owners[a.account] = a.rep;
    }
    owners
}

/// Quotas for a dataset whose account `i` is owned by rep `owner[i]`.
pub fn plan_quotas(dataset: &Dataset, owner: &[usize]) -> Result<QuotaPlan> {
    let config = &dataset.config;
    let q = &config.quota;
    let (fy, company_target) = requirements(config)?;
    if owner.len() != dataset.accounts.len() || owner.iter().any(|&r| r >= dataset.reps.len()) {
        return Err(Error::Usage(format!(
            "quotas need one owner per account among the {} reps ({} owners given)",
            dataset.reps.len(),
            owner.len()
        )));
    }
    let months = fy.months();
    let season = &q.seasonality;

    // Reps in rep_id order: outputs, draws and ties all follow it.
    let mut order: Vec<usize> = (0..dataset.reps.len()).collect();
    order.sort_by(|&a, &b| dataset.reps[a].id.cmp(&dataset.reps[b].id));
    let position: Vec<usize> = {
        let mut p = vec![0; order.len()];
        for (k, &r) in order.iter().enumerate() {
            p[r] = k;
        }
        p
    };

    // Territories.
    let mut territories = vec![Territory::default(); order.len()];
    for (account, &r) in dataset.accounts.iter().zip(owner) {
        let t = &mut territories[position[r]];
        t.accounts += 1;
        t.potential += account.potential;
        t.bookings += account.bookings_last_year.unwrap_or(0.0);
        t.pipeline += account.pipeline.unwrap_or(0.0);
    }
    let availability = Availability {
        history: dataset
            .accounts
            .iter()
            .any(|a| a.bookings_last_year.is_some()),
        pipeline: dataset.accounts.iter().any(|a| a.pipeline.is_some()),
    };
    let method_weights =
        bottomup::effective_weights(&q.bottom_up, availability).ok_or_else(|| {
            config_problem(
                "quota.bottom_up.potential_weight",
                Some(&q.bottom_up.potential_weight.to_string()),
                "the bottom-up methods the data supports all have weight 0 (no account has \
                 bookings_last_year or pipeline for the others): give potential_weight a \
                 positive weight"
                    .to_string(),
            )
        })?;

    // Ramp and top-down.
    let ramps: Vec<Vec<f64>> = order
        .iter()
        .map(|&r| {
            months
                .iter()
                .map(|&m| config.ramp.factor_in(dataset.reps[r].start_date, m))
                .collect()
        })
        .collect();
    let productive: Vec<f64> = ramps
        .iter()
        .map(|ramp| phasing::productive_share(season, ramp))
        .collect();
    let sales_target = company_target * q.sales_share;
    let total = (sales_target * (1.0 + q.over_assignment)).round() as i64;
    // Potential per FTE of each balance group (reps with the same
    // segment coverage), from the territories as planned.
    let mut groups: std::collections::BTreeMap<String, (f64, f64)> = Default::default();
    for (k, &r) in order.iter().enumerate() {
        let g = groups.entry(dataset.reps[r].coverage_key()).or_default();
        g.0 += territories[k].potential;
        g.1 += dataset.reps[r].capacity;
    }
    let td_reps: Vec<topdown::TopDownRep> = order
        .iter()
        .enumerate()
        .map(|(k, &r)| {
            let (pot, fte) = groups[&dataset.reps[r].coverage_key()];
            topdown::TopDownRep {
                potential: territories[k].potential,
                capacity: dataset.reps[r].capacity,
                group_potential_per_fte: if fte > 0.0 { pot / fte } else { 0.0 },
                productive_share: productive[k],
            }
        })
        .collect();
    let top_down = topdown::top_down(total, q.potential_weight, &td_reps).ok_or_else(|| {
        Error::Infeasible(format!(
            "no rep can carry quota in the fiscal year starting {}: every rep has capacity 0 \
             or starts after the fiscal year (or in months whose seasonality weight is 0)",
            fy.first
        ))
    })?;

    // Bottom-up.
    let methods: Vec<Methods> = territories
        .iter()
        .map(|t| bottomup::methods(t, &q.bottom_up, availability))
        .collect();
    let territory_bu: Vec<f64> = methods
        .iter()
        .map(|m| bottomup::combine(m, &method_weights))
        .collect();
    let bottom_up: Vec<i64> = territory_bu
        .iter()
        .zip(&productive)
        .map(|(b, e)| (b * e).round() as i64)
        .collect();

    // Attainment and calibration.
    let att = &q.attainment;
    let draws =
        calibrate::Draws::simulate(order.len(), att.simulations as usize, att.spread, att.seed);
    let expected: Vec<f64> = bottom_up.iter().map(|&b| b as f64).collect();
    let td_f: Vec<f64> = top_down.iter().map(|&t| t as f64).collect();
    let share_top_down = draws.share(&expected, &td_f, 1.0);
    let [low, high] = att.band;
    let scale = if (low..=high).contains(&share_top_down) {
        Some(1.0)
    } else {
        draws.scale_for(&expected, &td_f, att.target_share)
    };
    let calibrated: Vec<i64> = match scale {
        Some(s) if s != 1.0 => {
            allocate((total as f64 * s).round() as i64, &td_f).unwrap_or_else(|| top_down.clone())
        }
        _ => top_down.clone(),
    };
    let apply = att.apply_calibration && scale.is_some();
    let final_quota = if apply {
        calibrated.clone()
    } else {
        top_down.clone()
    };
    let cal_f: Vec<f64> = calibrated.iter().map(|&c| c as f64).collect();
    let final_f: Vec<f64> = final_quota.iter().map(|&c| c as f64).collect();
    let calibration = scale.map(|s| {
        let quota_total: i64 = calibrated.iter().sum();
        Calibration {
            scale: s,
            quota_total,
            share: draws.share(&expected, &cal_f, 1.0),
            shortfall_vs_sales_target: sales_target - quota_total as f64,
            applied: apply,
        }
    });
    let mut tradeoff: Vec<TradeoffPoint> = TRADEOFF_MULTIPLES
        .iter()
        .map(|m| m * sales_target)
        .chain([total as f64])
        .chain(calibration.as_ref().map(|c| c.quota_total as f64))
        .map(|level| TradeoffPoint {
            quota_total: level,
            pct_of_sales_target: if sales_target > 0.0 {
                level / sales_target * 100.0
            } else {
                0.0
            },
            share_attaining: if total > 0 {
                draws.share(&expected, &td_f, level / total as f64)
            } else {
                0.0
            },
        })
        .collect();
    tradeoff.sort_by(|a, b| a.quota_total.total_cmp(&b.quota_total));
    tradeoff.dedup_by(|a, b| (a.quota_total - b.quota_total).abs() < 0.5);

    // Components and months.
    let columns = if q.components.from_columns {
        Some(component_columns(dataset, owner, &position)?)
    } else {
        None
    };
    let listed: Vec<usize> = (0..3)
        .filter(|&c| {
            q.components.all()[c].1 > 0.0 || columns.as_ref().is_some_and(|(present, _)| present[c])
        })
        .collect();
    let components: Vec<(Component, f64)> = listed
        .iter()
        .map(|&c| (Component::ALL[c], q.components.all()[c].1))
        .collect();
    let shares: Vec<f64> = components.iter().map(|(_, s)| *s).collect();
    // By shares: rows (reps) and columns (components) both exact.
    let by_shares = allocate_rows(&final_quota, &shares)
        .ok_or_else(|| Error::Usage("quota components have no positive share".to_string()))?;
    let bu = &q.bottom_up;
    let mut reps = Vec::with_capacity(order.len());
    for (k, &r) in order.iter().enumerate() {
        let quota = final_quota[k];
        let by_columns: Option<Vec<f64>> = columns.as_ref().and_then(|(_, sums)| {
            let w: Vec<f64> = listed.iter().map(|&c| sums[k][c]).collect();
            (w.iter().sum::<f64>() > 0.0).then_some(w)
        });
        let split = match &by_columns {
            Some(w) => allocate(quota, w).ok_or_else(|| {
                Error::Usage("quota components have no positive share".to_string())
            })?,
            None => by_shares[k].clone(),
        };
        let mut comps = Vec::with_capacity(components.len());
        for ((component, _), &annual) in components.iter().zip(&split) {
            let amounts = phasing::phase(annual, season, &ramps[k]).ok_or_else(|| {
                Error::Infeasible(format!(
                    "rep {} has a quota but no month with both ramp and seasonality weight",
                    dataset.reps[r].id
                ))
            })?;
            let months = months
                .iter()
                .zip(amounts)
                .zip(&ramps[k])
                .zip(1u32..)
                .map(
                    |(((&month, amount), &ramp_factor), fiscal_month)| MonthQuota {
                        month,
                        fiscal_month,
                        amount,
                        ramp_factor,
                    },
                )
                .collect();
            comps.push(ComponentQuota {
                component: *component,
                annual,
                months,
            });
        }
        let t = territories[k];
        let gap = top_down[k] - bottom_up[k];
        let pipeline_coverage =
            (availability.pipeline && quota > 0).then(|| t.pipeline / quota as f64);
        let mut flags = Vec::new();
        if quota as f64 > t.potential * bu.max_capture_rate * productive[k] + 0.5 {
            flags.push(Flag::OverCapture);
        }
        if pipeline_coverage.is_some_and(|c| c < bu.coverage_ratio) {
            flags.push(Flag::LowCoverage);
        }
        if pipeline_coverage.is_some_and(|c| c > bu.high_coverage_ratio) {
            flags.push(Flag::HighCoverage);
        }
        reps.push(RepQuota {
            rep: r,
            capacity: dataset.reps[r].capacity,
            ramp: ramps[k].clone(),
            productive_share: productive[k],
            territory: t,
            methods: methods[k],
            territory_bottom_up: territory_bu[k],
            bottom_up: bottom_up[k],
            top_down: top_down[k],
            calibrated: calibrated[k],
            final_quota: quota,
            gap,
            gap_pct: (bottom_up[k] > 0).then(|| gap as f64 / bottom_up[k] as f64),
            pipeline_coverage,
            p_attain: draws.p_attain(k, expected[k], final_f[k]),
            p_attain_calibrated: draws.p_attain(k, expected[k], cal_f[k]),
            components: comps,
            flags,
        });
    }

    Ok(QuotaPlan {
        first_month: fy.first,
        months,
        company_target,
        sales_target,
        over_assignment: q.over_assignment,
        top_down_total: total,
        bottom_up_total: bottom_up.iter().sum(),
        final_total: final_quota.iter().sum(),
        components,
        availability,
        method_weights,
        attainment: Attainment {
            simulations: att.simulations,
            seed: att.seed,
            spread: att.spread,
            band: att.band,
            target_share: att.target_share,
            reps_with_quota: final_quota.iter().filter(|&&q| q > 0).count(),
            share_top_down,
            share_final: draws.share(&expected, &final_f, 1.0),
            calibration,
            tradeoff,
        },
        reps,
    })
}

#[cfg(test)]
mod tests;
