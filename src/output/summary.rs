//! The one-screen summary printed on stdout after `tplan plan`, and the
//! balance figures it shares with the manifest.
//!
//! Everything here is a pure function of the dataset, the planner's outcome
//! and the timings, so it can be unit tested without a solver.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::distance::haversine_km;
use crate::model::{BalanceConfig, Dataset, Plan, PlanStatus, RepBalance};
use crate::territory::PlanOutcome;

use super::format::{signed, thousands};
use super::manifest::Timings;

/// How many reps the summary lists by deviation.
pub const WORST_REPS_LISTED: usize = 5;

/// Parts of split reps named in the summary line.
const SEGMENT_PARTS_LISTED: usize = 8;
/// How many regions the summary names on its potential-index line.
pub const REGIONS_LISTED: usize = 6;

/// Headline balance figures of a set of territories.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BalanceFigures {
    /// Largest |potential deviation| over all reps, in percent.
    pub max_abs_potential_dev_pct: f64,
    /// Largest |workload deviation| over all reps, in percent.
    pub max_abs_workload_dev_pct: f64,
    pub reps_outside_tolerance: usize,
    pub reps: usize,
}

impl BalanceFigures {
    /// Figures of one plan's (or the status quo's) per-rep balance.
    pub fn of(balance: &[RepBalance]) -> BalanceFigures {
        let max_abs = |f: fn(&RepBalance) -> f64| {
            balance
                .iter()
                .map(|b| f(b).abs() * 100.0)
                .fold(0.0, f64::max)
        };
        BalanceFigures {
            max_abs_potential_dev_pct: max_abs(|b| b.potential_deviation),
            max_abs_workload_dev_pct: max_abs(|b| b.workload_deviation),
            reps_outside_tolerance: balance.iter().filter(|b| !b.within_tolerance).count(),
            reps: balance.len(),
        }
    }
}

/// Sum of potential x km to the current owner's home, when every account
/// has a current owner (the status quo's objective); `None` otherwise.
pub fn status_quo_objective(dataset: &Dataset, plan: &Plan) -> Option<f64> {
    if plan.assignments.len() != dataset.accounts.len() {
        return None;
    }
    plan.assignments.iter().try_fold(0.0, |sum, a| {
        let account = &dataset.accounts[a.account];
        let rep = &dataset.reps[a.previous_rep?];
        Some(sum + account.potential * haversine_km(account.lat, account.lon, rep.lat, rep.lon))
    })
}

/// Total potential of the accounts that changed owner.
pub fn moved_potential(dataset: &Dataset, plan: &Plan) -> (usize, f64) {
    plan.assignments
        .iter()
        .filter(|a| a.previous_rep.is_some_and(|p| p != a.rep))
        .fold((0, 0.0), |(n, p), a| {
            (n + 1, p + dataset.accounts[a.account].potential)
        })
}

/// Share of its tolerance a deviation uses (1.0 = on the limit).
fn tolerance_use(deviation: f64, tolerance: f64) -> f64 {
    if tolerance > 0.0 {
        deviation.abs() / tolerance
    } else if deviation.abs() > 1e-12 {
        f64::INFINITY
    } else {
        0.0
    }
}

/// The larger share of tolerance used by either deviation of a rep.
fn worst_use(b: &RepBalance, tol: &BalanceConfig) -> f64 {
    let accounts = tol
        .account_tolerance
        .map_or(0.0, |t| tolerance_use(b.accounts_deviation, t));
    let limit = if b.breach.is_some() {
        f64::INFINITY
    } else {
        0.0
    };
    tolerance_use(b.potential_deviation, tol.potential_tolerance)
        .max(tolerance_use(b.workload_deviation, tol.workload_tolerance))
        .max(accounts)
        .max(limit)
}

/// Reps ordered from the most to the least deviating (by the share of
/// tolerance used), ties by rep id.
pub fn reps_by_deviation<'a>(
    dataset: &Dataset,
    balance: &'a [RepBalance],
    tol: &BalanceConfig,
) -> Vec<&'a RepBalance> {
    let mut reps: Vec<&RepBalance> = balance.iter().collect();
    reps.sort_by(|a, b| {
        worst_use(b, tol)
            .total_cmp(&worst_use(a, tol))
            .then_with(|| dataset.reps[a.rep].id.cmp(&dataset.reps[b.rep].id))
    });
    reps
}

fn tol_pct(t: f64) -> String {
    format!("±{} %", super::format::fixed(t * 100.0, 1))
}

/// One line per rep outside tolerance, saying by how much, for stderr.
pub fn outside_tolerance_report(dataset: &Dataset, plan: &Plan) -> String {
    let tol = &dataset.config.balance;
    let mut s = String::new();
    for b in reps_by_deviation(dataset, &plan.balance, tol) {
        if b.within_tolerance {
            continue;
        }
        let part = |name: &str, dev: f64, t: f64| {
            let verdict = if dev.abs() > t + 1e-12 {
                format!(
                    "outside by {} points",
                    super::format::fixed((dev.abs() - t) * 100.0, 2)
                )
            } else {
                "ok".to_string()
            };
            format!(
                "{name} {} % of target (tolerance {}, {verdict})",
                signed(dev * 100.0, 2),
                tol_pct(t)
            )
        };
        let mut parts = vec![
            part("potential", b.potential_deviation, tol.potential_tolerance),
            part("workload", b.workload_deviation, tol.workload_tolerance),
        ];
        if let Some(t) = tol.account_tolerance {
            parts.push(part("accounts", b.accounts_deviation, t));
        }
        if let Some(limit) = &b.breach {
            parts.push(limit.clone());
        }
        let _ = writeln!(
            s,
            "  rep {} ({}): {}",
            dataset.reps[b.rep].id,
            b.group,
            parts.join("; "),
        );
    }
    s
}

/// What the summary needs besides the dataset and the outcome.
#[derive(Debug, Clone)]
pub struct SummaryInput<'a> {
    pub dataset: &'a Dataset,
    pub outcome: &'a PlanOutcome,
    /// The output folder as the user named it.
    pub out_dir: &'a Path,
    pub timings: &'a Timings,
    /// Input warnings printed on stderr.
    pub warnings: usize,
    /// The rows of comparison.csv; the table is left out when empty.
    pub comparison: &'a [super::comparison::PlanFigures],
}

/// The one-screen stdout summary of a planning run.
pub fn render(input: &SummaryInput) -> String {
    let dataset = input.dataset;
    let plan = &input.outcome.plan;
    let tol = &dataset.config.balance;
    let mut s = String::new();

    // Inputs.
    let accounts = dataset.accounts.len();
    let locked = dataset.accounts.iter().filter(|a| a.locked).count();
    let owned = dataset
        .accounts
        .iter()
        .filter(|a| a.current_owner.is_some())
        .count();
    let fte: f64 = dataset.reps.iter().map(|r| r.capacity).sum();
    let groups: BTreeSet<&str> = plan.balance.iter().map(|b| b.group.as_str()).collect();
    let _ = writeln!(
        s,
        "tplan plan: {} accounts ({} locked, {} with a current owner), {} reps ({} FTE) in {} balance group{}",
        thousands(accounts as f64),
        thousands(locked as f64),
        thousands(owned as f64),
        thousands(dataset.reps.len() as f64),
        super::format::fixed(fte, 1),
        groups.len(),
        if groups.len() == 1 { "" } else { "s" },
    );
    if input.warnings > 0 {
        let _ = writeln!(
            s,
            "{} input warning{} (see stderr)",
            input.warnings,
            if input.warnings == 1 { "" } else { "s" }
        );
    }

    // Status.
    let after = BalanceFigures::of(&plan.balance);
    let count_tol = tol
        .account_tolerance
        .map(|t| format!(" and {} accounts", tol_pct(t)))
        .unwrap_or_default();
    let rule_limits = if dataset
        .rules
        .limits
        .iter()
        .any(|l| *l != Default::default())
    {
        " and its [[limits]]"
    } else {
        ""
    };
    let regions = tol
        .region_tolerance
        .map(|t| format!(", each region within {} of its segment peers", tol_pct(t)))
        .unwrap_or_default();
    let limits = format!(
        "{} potential{} {} workload{count_tol} of the group's fair share{rule_limits}{regions}",
        tol_pct(tol.potential_tolerance),
        if count_tol.is_empty() { " and" } else { "," },
        tol_pct(tol.workload_tolerance)
    );
    match plan.status {
        PlanStatus::Balanced => {
            let _ = writeln!(s, "status: balanced, every rep within {limits}");
        }
        PlanStatus::OutsideTolerance => {
            let _ = writeln!(
                s,
                "status: OUTSIDE TOLERANCE, {} of {} reps not within {limits} (details on stderr)",
                after.reps_outside_tolerance, after.reps
            );
        }
    }
    s.push('\n');

    // Status quo vs distance-only vs the plan.
    s.push_str(&super::comparison::render(
        input.comparison,
        dataset.reps.len(),
    ));
    let find = |name: &str| input.comparison.iter().find(|f| f.plan == name);
    let balanced = find(super::comparison::BALANCED);
    let change = |base: Option<&super::comparison::PlanFigures>, label: &str| {
        let (b, p) = (base?, balanced?);
        (b.weighted_distance > 0.0).then(|| {
            format!(
                "{} % vs {label}",
                signed(
                    (p.weighted_distance - b.weighted_distance) / b.weighted_distance * 100.0,
                    1
                )
            )
        })
    };
    let status_quo = find(super::comparison::STATUS_QUO);
    let complete = status_quo.filter(|f| f.accounts_assigned == accounts);
    let changes: Vec<String> = [
        change(complete, "status quo"),
        change(find(super::comparison::NEAREST), "nearest rep"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !changes.is_empty() {
        let _ = writeln!(s, "  plan's potential x km: {}", changes.join(", "));
    }
    if let Some(f) = status_quo.filter(|f| f.accounts_assigned < accounts) {
        let _ = writeln!(
            s,
            "  (status quo: the {} accounts with a current owner only)",
            thousands(f.accounts_assigned as f64)
        );
    }
    s.push('\n');

    if plan.status == PlanStatus::OutsideTolerance {
        // The bound is the optimum of balanced plans; a plan allowed out of
        // balance can beat it, so a "gap" would be meaningless (even < 0).
        let _ = writeln!(
            s,
            "LP bound {} is for plans within tolerance and does not apply to this one (outside tolerance): no gap",
            thousands(plan.lp_bound)
        );
    } else {
        let _ = writeln!(
            s,
            "LP bound {}, gap {} % above the bound",
            thousands(plan.lp_bound),
            super::format::fixed(plan.gap * 100.0, 2)
        );
    }
    if let Some(text) = input
        .outcome
        .stats
        .time_limit
        .as_ref()
        .and_then(|t| t.describe())
    {
        let _ = writeln!(s, "time limit: {text}");
    }
    let (moved, moved_pot) = moved_potential(dataset, plan);
    let total_pot: f64 = dataset.accounts.iter().map(|a| a.potential).sum();
    let share = if total_pot > 0.0 {
        format!(
            " ({} %)",
            super::format::fixed(moved_pot / total_pot * 100.0, 1)
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "moved {} of {} accounts, potential {} of {}{share}",
        thousands(moved as f64),
        thousands(accounts as f64),
        thousands(moved_pot),
        thousands(total_pot),
    );
    let move_km = dataset.config.continuity.move_cost_km;
    if move_km > 0.0 {
        let kept = plan
            .assignments
            .iter()
            .filter(|a| matches!(a.reason, crate::model::Reason::Continuity { .. }))
            .count();
        let _ = writeln!(
            s,
            "continuity: each move costs potential x {} km (in the objective and the LP bound); {} accounts kept with a farther current owner",
            super::format::fixed(move_km, 0),
            thousands(kept as f64),
        );
    }
    if super::hierarchy::has_hierarchy(dataset) {
        let rows = super::hierarchy::roll_up(&super::hierarchy::rep_figures(dataset, plan));
        if let Some(line) = super::hierarchy::render_regions(&rows, REGIONS_LISTED) {
            let _ = writeln!(s, "{line}");
        }
    }
    if !plan.segment_parts.is_empty() {
        let _ = writeln!(s, "{}", segment_share_line(dataset, plan));
    }
    let outliers: usize = plan.compactness.iter().map(|c| c.outliers).sum();
    let _ = writeln!(
        s,
        "outliers: {} accounts sit more than {} km farther from their rep than from another eligible rep",
        thousands(outliers as f64),
        super::format::fixed(dataset.config.compactness.outlier_margin_km, 0),
    );
    s.push('\n');

    // Worst reps.
    let worst: Vec<_> = reps_by_deviation(dataset, &plan.balance, tol)
        .into_iter()
        .take(WORST_REPS_LISTED)
        .collect();
    if !worst.is_empty() {
        let _ = writeln!(s, "most deviating reps:");
        let _ = writeln!(
            s,
            "  {:<12} {:<12} {:>8} {:>14} {:>14}",
            "rep", "group", "accounts", "potential dev", "workload dev"
        );
        for b in worst {
            let flag = if b.within_tolerance { "" } else { "  outside" };
            let _ = writeln!(
                s,
                "  {:<12} {:<12} {:>8} {:>14} {:>14}{flag}",
                dataset.reps[b.rep].id,
                b.group,
                b.accounts,
                format!("{} %", signed(b.potential_deviation * 100.0, 2)),
                format!("{} %", signed(b.workload_deviation * 100.0, 2)),
            );
        }
        s.push('\n');
    }

    let t = input.timings;
    let _ = writeln!(
        s,
        "time {} s (load {} s, solve {} s, write {} s)",
        super::format::fixed(t.total, 2),
        super::format::fixed(t.load, 2),
        super::format::fixed(t.solve, 2),
        super::format::fixed(t.write, 2),
    );
    let _ = writeln!(s, "output: {}", input.out_dir.display());
    s
}

/// With `[[segment_share]]`: each split rep's parts and their potential
/// deviation from the segment's fair share.
fn segment_share_line(dataset: &Dataset, plan: &Plan) -> String {
    let parts = &plan.segment_parts;
    let outside = parts.iter().filter(|p| !p.balance.within_tolerance).count();
    let mut reps: Vec<usize> = parts.iter().map(|p| p.rep).collect();
    reps.dedup();
    let mut s = format!(
        "segment shares: {} part(s) of {} hybrid rep(s), {} outside tolerance;",
        parts.len(),
        reps.len(),
        outside
    );
    for (k, p) in parts.iter().enumerate().take(SEGMENT_PARTS_LISTED) {
        let same_rep = k > 0 && p.rep == parts[k - 1].rep;
        let _ = write!(
            s,
            "{}{} {} {} potential {} %",
            if same_rep {
                ","
            } else if k > 0 {
                ";"
            } else {
                ""
            },
            if same_rep {
                String::new()
            } else {
                format!(" {}", dataset.reps[p.rep].id)
            },
            p.segment,
            super::format::share_pct(p.share),
            super::format::signed_pct(p.balance.potential_deviation, 2)
        );
    }
    if parts.len() > SEGMENT_PARTS_LISTED {
        let _ = write!(s, " and {} more", parts.len() - SEGMENT_PARTS_LISTED);
    }
    s
}
