//! The restricted territory LP: assignment rows for accounts with two or more
//! candidate reps, per-group mean rows, and per-rep balance rows with
//! penalised slacks so that every restricted LP is feasible. Accounts with a
//! single candidate enter as constants.
//!
//! Duals are returned per rep as `alpha` (potential) and `beta` (workload),
//! so the reduced cost of any pair (i, r), in the LP or not, is
//! `cost(i, r) - u_i - pot_i * alpha_r - work_i * beta_r`.

use super::problem::Problem;
use super::solver::{self, LpModel, LpOutcome, Sense};
use crate::Result;

/// What the LP minimises.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Phase {
    /// Distance cost plus `penalty` per unit of balance slack.
    Cost { penalty: f64 },
    /// Balance slack only: is any plan within tolerance possible?
    Feasibility,
}

impl Phase {
    /// LP cost of pair (i, r) in this phase.
    pub fn pair_cost(&self, p: &Problem, i: usize, r: usize) -> f64 {
        match self {
            Phase::Cost { .. } => p.cost(i, r),
            Phase::Feasibility => 0.0,
        }
    }

    fn slack_cost(&self) -> f64 {
        match self {
            Phase::Cost { penalty } => *penalty,
            Phase::Feasibility => 1.0,
        }
    }
}

/// A balance row that needed slack: which rep, which metric, how much.
#[derive(Debug, Clone, PartialEq)]
pub struct SlackUse {
    pub rep: usize,
    pub metric: Metric,
    /// True when the rep is above its band, false when below.
    pub above: bool,
    /// Scaled amount outside the band.
    pub amount: f64,
}

/// A balanced quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Potential,
    Workload,
}

/// Solution of one restricted LP.
#[derive(Debug, Clone)]
pub struct LpResult {
    /// Objective without slack penalties (scaled units).
    pub cost: f64,
    /// Total slack (scaled units).
    pub slack: f64,
    pub slack_uses: Vec<SlackUse>,
    /// Non-zero shares per account: (rep, share).
    pub shares: Vec<Vec<(usize, f64)>>,
    pub alpha: Vec<f64>,
    pub beta: Vec<f64>,
    /// Assignment-row dual per account (derived for single-candidate accounts).
    pub u: Vec<f64>,
    /// Number of x variables in the LP.
    pub columns: usize,
}

/// Row indices of one rep's balance rows.
struct RepRows {
    lo_p: usize,
    hi_p: usize,
    lo_w: usize,
    hi_w: usize,
}

/// Build and solve the LP over `cand` (candidate reps per account).
pub fn solve_restricted(
    p: &Problem,
    cand: &[Vec<usize>],
    phase: Phase,
    solver_name: &str,
) -> Result<LpResult> {
    let mut m = LpModel::default();
    let mut fixed_p = vec![0.0; p.num_reps];
    let mut fixed_w = vec![0.0; p.num_reps];
    let mut fixed_cost = 0.0;
    // x columns: (account, rep, var)
    let mut cols: Vec<(usize, usize, usize)> = Vec::new();
    let mut assign_row: Vec<Option<usize>> = vec![None; p.num_accounts];
    let mut rep_terms_p: Vec<Vec<(usize, f64)>> = vec![Vec::new(); p.num_reps];
    let mut rep_terms_w: Vec<Vec<(usize, f64)>> = vec![Vec::new(); p.num_reps];

    for (i, reps) in cand.iter().enumerate() {
        if reps.len() == 1 {
            let r = reps[0];
            fixed_p[r] += p.pot[i];
            fixed_w[r] += p.work[i];
            fixed_cost += phase.pair_cost(p, i, r);
            continue;
        }
        let mut terms = Vec::with_capacity(reps.len());
        for &r in reps {
            let v = m.add_var(0.0, f64::INFINITY, phase.pair_cost(p, i, r));
            cols.push((i, r, v));
            terms.push((v, 1.0));
            rep_terms_p[r].push((v, p.pot[i]));
            rep_terms_w[r].push((v, p.work[i]));
        }
        assign_row[i] = Some(m.add_row(terms, Sense::Eq, 1.0));
    }

    // Per-group means per FTE: C_g * T_g - sum of the group's loads = fixed loads.
    let t_p: Vec<usize> = p
        .groups
        .iter()
        .map(|_| m.add_var(0.0, f64::INFINITY, 0.0))
        .collect();
    let t_w: Vec<usize> = p
        .groups
        .iter()
        .map(|_| m.add_var(0.0, f64::INFINITY, 0.0))
        .collect();
    let mut group_rows = Vec::with_capacity(p.groups.len());
    for (g, group) in p.groups.iter().enumerate() {
        let mut terms_p = vec![(t_p[g], group.capacity)];
        let mut terms_w = vec![(t_w[g], group.capacity)];
        let mut rhs_p = 0.0;
        let mut rhs_w = 0.0;
        for &r in &group.reps {
            terms_p.extend(rep_terms_p[r].iter().map(|&(v, a)| (v, -a)));
            terms_w.extend(rep_terms_w[r].iter().map(|&(v, a)| (v, -a)));
            rhs_p += fixed_p[r];
            rhs_w += fixed_w[r];
        }
        let row_p = m.add_row(terms_p, Sense::Eq, rhs_p);
        let row_w = m.add_row(terms_w, Sense::Eq, rhs_w);
        group_rows.push((row_p, row_w));
    }

    // Balance rows with slacks: load - (1 -/+ tol) cap T_g (>= / <=) -fixed.
    let slack_cost = phase.slack_cost();
    let mut rep_rows: Vec<Option<RepRows>> = Vec::with_capacity(p.num_reps);
    let mut slack_vars: Vec<(usize, usize, Metric, bool)> = Vec::new();
    for r in 0..p.num_reps {
        let Some(g) = p.rep_group[r] else {
            rep_rows.push(None);
            continue;
        };
        let mut row =
            |terms: &[(usize, f64)], t: usize, factor: f64, fixed: f64, above: bool, metric| {
                let s = m.add_var(0.0, f64::INFINITY, slack_cost);
                slack_vars.push((s, r, metric, above));
                let mut all = terms.to_vec();
                all.push((t, -factor * p.cap[r]));
                if above {
                    all.push((s, -1.0));
                    m.add_row(all, Sense::Le, -fixed)
                } else {
                    all.push((s, 1.0));
                    m.add_row(all, Sense::Ge, -fixed)
                }
            };
        let lo_p = row(
            &rep_terms_p[r],
            t_p[g],
            1.0 - p.tol_p,
            fixed_p[r],
            false,
            Metric::Potential,
        );
        let hi_p = row(
            &rep_terms_p[r],
            t_p[g],
            1.0 + p.tol_p,
            fixed_p[r],
            true,
            Metric::Potential,
        );
        let lo_w = row(
            &rep_terms_w[r],
            t_w[g],
            1.0 - p.tol_w,
            fixed_w[r],
            false,
            Metric::Workload,
        );
        let hi_w = row(
            &rep_terms_w[r],
            t_w[g],
            1.0 + p.tol_w,
            fixed_w[r],
            true,
            Metric::Workload,
        );
        rep_rows.push(Some(RepRows {
            lo_p,
            hi_p,
            lo_w,
            hi_w,
        }));
    }

    let LpOutcome::Optimal(sol) = solver::solve(solver_name, &m)? else {
        // Slacks make every restricted LP feasible; a solver that says
        // otherwise has failed numerically.
        return Err(crate::Error::Solver(
            "the restricted LP with balance slacks was reported infeasible".into(),
        ));
    };

    let mut alpha = vec![0.0; p.num_reps];
    let mut beta = vec![0.0; p.num_reps];
    for r in 0..p.num_reps {
        if let (Some(rows), Some(g)) = (&rep_rows[r], p.rep_group[r]) {
            let (gp, gw) = group_rows[g];
            alpha[r] = sol.duals[rows.lo_p] + sol.duals[rows.hi_p] - sol.duals[gp];
            beta[r] = sol.duals[rows.lo_w] + sol.duals[rows.hi_w] - sol.duals[gw];
        }
    }

    let mut shares: Vec<Vec<(usize, f64)>> = vec![Vec::new(); p.num_accounts];
    let mut cost = fixed_cost;
    for &(i, r, v) in &cols {
        let x = sol.values[v];
        cost += x * m.cost[v];
        if x > 1e-9 {
            shares[i].push((r, x));
        }
    }
    let mut u = vec![0.0; p.num_accounts];
    for (i, reps) in cand.iter().enumerate() {
        match assign_row[i] {
            Some(row) => u[i] = sol.duals[row],
            None => {
                let r = reps[0];
                shares[i].push((r, 1.0));
                u[i] = phase.pair_cost(p, i, r) - p.pot[i] * alpha[r] - p.work[i] * beta[r];
            }
        }
    }

    let mut slack = 0.0;
    let mut slack_uses = Vec::new();
    for &(s, rep, metric, above) in &slack_vars {
        let amount = sol.values[s];
        if amount > 1e-7 {
            slack += amount;
            slack_uses.push(SlackUse {
                rep,
                metric,
                above,
                amount,
            });
        }
    }

    Ok(LpResult {
        cost,
        slack,
        slack_uses,
        shares,
        alpha,
        beta,
        u,
        columns: cols.len(),
    })
}
