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

    // Per-rep load variables keep every x column in three short rows (its
    // account, its rep's potential and workload), so the balance rows and
    // group means stay tiny and the factorisation sparse:
    // L_r - sum_i load_i x_ir = fixed load of r.
    let mut load_rows: Vec<Option<(usize, usize)>> = vec![None; p.num_reps];
    let mut load_p = vec![usize::MAX; p.num_reps];
    let mut load_w = vec![usize::MAX; p.num_reps];
    for r in 0..p.num_reps {
        if p.rep_group[r].is_none() {
            continue;
        }
        load_p[r] = m.add_var(0.0, f64::INFINITY, 0.0);
        load_w[r] = m.add_var(0.0, f64::INFINITY, 0.0);
        let mut terms_p = vec![(load_p[r], 1.0)];
        terms_p.extend(rep_terms_p[r].iter().map(|&(v, a)| (v, -a)));
        let mut terms_w = vec![(load_w[r], 1.0)];
        terms_w.extend(rep_terms_w[r].iter().map(|&(v, a)| (v, -a)));
        let row_p = m.add_row(terms_p, Sense::Eq, fixed_p[r]);
        let row_w = m.add_row(terms_w, Sense::Eq, fixed_w[r]);
        load_rows[r] = Some((row_p, row_w));
    }

    // Per-group means per FTE: C_g * T_g - sum of the group's loads = 0.
    let mut t_p = Vec::with_capacity(p.groups.len());
    let mut t_w = Vec::with_capacity(p.groups.len());
    for group in &p.groups {
        let tp = m.add_var(0.0, f64::INFINITY, 0.0);
        let tw = m.add_var(0.0, f64::INFINITY, 0.0);
        let mut terms_p = vec![(tp, group.capacity)];
        let mut terms_w = vec![(tw, group.capacity)];
        terms_p.extend(group.reps.iter().map(|&r| (load_p[r], -1.0)));
        terms_w.extend(group.reps.iter().map(|&r| (load_w[r], -1.0)));
        m.add_row(terms_p, Sense::Eq, 0.0);
        m.add_row(terms_w, Sense::Eq, 0.0);
        t_p.push(tp);
        t_w.push(tw);
    }

    // Balance rows with slacks: L_r - (1 -/+ tol) cap_r T_g (>= / <=) 0.
    let slack_cost = phase.slack_cost();
    let mut slack_vars: Vec<(usize, usize, Metric, bool)> = Vec::new();
    for r in 0..p.num_reps {
        let Some(g) = p.rep_group[r] else { continue };
        let bands = [
            (load_p[r], t_p[g], p.tol_p, Metric::Potential),
            (load_w[r], t_w[g], p.tol_w, Metric::Workload),
        ];
        for (load, mean, tol, metric) in bands {
            for above in [false, true] {
                let s = m.add_var(0.0, f64::INFINITY, slack_cost);
                slack_vars.push((s, r, metric, above));
                let factor = if above { 1.0 + tol } else { 1.0 - tol };
                let mut terms = vec![(load, 1.0), (mean, -factor * p.cap[r])];
                if above {
                    terms.push((s, -1.0));
                    m.add_row(terms, Sense::Le, 0.0);
                } else {
                    terms.push((s, 1.0));
                    m.add_row(terms, Sense::Ge, 0.0);
                }
            }
        }
    }

    let LpOutcome::Optimal(sol) = solver::solve(solver_name, &m)? else {
        // Slacks make every restricted LP feasible; a solver that says
        // otherwise has failed numerically.
        return Err(crate::Error::Solver(
            "the restricted LP with balance slacks was reported infeasible".into(),
        ));
    };

    // x_ir has coefficient -pot_i in r's potential-load row, so its price
    // per unit of potential is minus that row's dual.
    let mut alpha = vec![0.0; p.num_reps];
    let mut beta = vec![0.0; p.num_reps];
    for r in 0..p.num_reps {
        if let Some((row_p, row_w)) = load_rows[r] {
            alpha[r] = -sol.duals[row_p];
            beta[r] = -sol.duals[row_w];
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
