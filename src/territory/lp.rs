//! The restricted territory LP: assignment rows for accounts with two or more
//! candidate reps, per-group mean rows, and per-rep balance rows with
//! penalised slacks so that every restricted LP is feasible. Accounts with a
//! single candidate enter as constants.
//!
//! Duals are returned per rep and metric as `price`, so the reduced cost of
//! any pair (i, r), in the LP or not, is
//! `cost(i, r) - u_i - sum_m load_m(i) * price[r][m]`.

use super::deadline::{Checkpoint, Deadline, Stage};
use super::problem::{Problem, NUM_METRICS, POTENTIAL, WORKLOAD};
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

/// A balance or limit row that needed slack: which rep, which metric, how
/// much.
#[derive(Debug, Clone, PartialEq)]
pub struct SlackUse {
    pub rep: usize,
    pub metric: Metric,
    /// True when the rep is above its band (or its limit), false when below.
    pub above: bool,
    /// True for a `[[limits]]` maximum rather than the balance band.
    pub limit: bool,
    /// For a region row (`[balance] region_tolerance`): the balance group
    /// whose per-FTE mean is outside its tier's band; `rep` is its first rep.
    pub region_group: Option<usize>,
    /// Scaled amount outside the band.
    pub amount: f64,
}

/// A balanced quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Potential,
    Workload,
    Accounts,
}

impl Metric {
    pub fn from_index(m: usize) -> Metric {
        match m {
            POTENTIAL => Metric::Potential,
            WORKLOAD => Metric::Workload,
            _ => Metric::Accounts,
        }
    }
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
    /// Price per rep and metric: the value of one unit of load at the rep
    /// (zero for metrics the model does not carry).
    pub price: Vec<[f64; NUM_METRICS]>,
    /// Assignment-row dual per account (derived for single-candidate accounts).
    pub u: Vec<f64>,
    /// Rebalance: dual of each rep's cover cuts ([`super::cuts`]),
    /// `[take in, give out]`; empty when the model has none.
    pub cut_price: Vec<[f64; 2]>,
    /// Rebalance: dual of each group's rows that count moves `[into,
    /// out of]` it from other groups; empty when the model has no cut.
    pub cross_price: Vec<[f64; 2]>,
    /// Number of x variables in the LP.
    pub columns: usize,
}

impl LpResult {
    /// `sum_m load_m(i) * price[r][m]`: what the balance rows pay for
    /// account `i` at rep `r`.
    pub fn priced_load(&self, p: &Problem, i: usize, r: usize) -> f64 {
        priced_load(p, &self.price[r], i)
    }

    /// What the cover cuts pay for pair (i, r): the give-out cut of `r`
    /// when `r` owns `i` today, its take-in cut when another active rep
    /// does, and the rows that count moves between groups when that rep
    /// is in another group (coefficient -1 in each).
    pub fn cut_price(&self, p: &Problem, i: usize, r: usize) -> f64 {
        let (Some(&[take_in, give_out]), Some(&Some(o))) =
            (self.cut_price.get(r), p.move_cuts.owner.get(i))
        else {
            return 0.0;
        };
        let own = if o == r { give_out } else { take_in };
        match p.move_cuts.crosses(p, i, r) {
            Some((from, to)) => own - self.cross_price[to][0] - self.cross_price[from][1],
            None => own,
        }
    }
}

/// `sum_m load_m(i) * price[m]` over the model's metrics.
pub fn priced_load(p: &Problem, price: &[f64; NUM_METRICS], i: usize) -> f64 {
    p.metrics.iter().map(|&m| p.load(m, i) * price[m]).sum()
}

/// The two rows `a x - (1 -/+ tol) b y (>= / <=) 0` that keep `a x` within
/// `tol` of `b y`, each with a slack at `slack_cost`; returns the slacks
/// (below, above).
fn add_band_rows(
    m: &mut LpModel,
    (x, a): (usize, f64),
    (y, b): (usize, f64),
    tol: f64,
    slack_cost: f64,
) -> [usize; 2] {
    [false, true].map(|above| {
        let s = m.add_var(0.0, f64::INFINITY, slack_cost);
        let (factor, sense, sign) = if above {
            (1.0 + tol, Sense::Le, -1.0)
        } else {
            (1.0 - tol, Sense::Ge, 1.0)
        };
        m.add_row(vec![(x, a), (y, -factor * b), (s, sign)], sense, 0.0);
        s
    })
}

/// Build and solve the LP over `cand` (candidate reps per account).
#[cfg(test)]
pub fn solve_restricted(
    p: &Problem,
    cand: &[Vec<usize>],
    phase: Phase,
    solver_name: &str,
) -> Result<LpResult> {
    solve_restricted_within(p, cand, phase, solver_name, &Deadline::none())?
        .ok_or_else(|| crate::Error::Solver("a solve without a time limit stopped at one".into()))
}

/// [`solve_restricted`], with the time left before `deadline` given to the
/// solver; `None` when the deadline had passed or the solver stopped at it.
pub fn solve_restricted_within(
    p: &Problem,
    cand: &[Vec<usize>],
    phase: Phase,
    solver_name: &str,
    deadline: &Deadline,
) -> Result<Option<LpResult>> {
    if deadline.passed(Checkpoint::LpSolve) {
        return Ok(None);
    }
    let mut m = LpModel::default();
    let mut fixed = vec![[0.0; NUM_METRICS]; p.num_reps];
    let mut fixed_cost = 0.0;
    // x columns: (account, rep, var)
    let mut cols: Vec<(usize, usize, usize)> = Vec::new();
    let mut assign_row: Vec<Option<usize>> = vec![None; p.num_accounts];
    let mut rep_terms: Vec<Vec<(usize, usize)>> = vec![Vec::new(); p.num_reps];

    for (i, reps) in cand.iter().enumerate() {
        if reps.len() == 1 {
            let r = reps[0];
            for &k in &p.metrics {
                fixed[r][k] += p.load(k, i);
            }
            fixed_cost += phase.pair_cost(p, i, r);
            continue;
        }
        let mut terms = Vec::with_capacity(reps.len());
        for &r in reps {
            let v = m.add_var(0.0, f64::INFINITY, phase.pair_cost(p, i, r));
            cols.push((i, r, v));
            terms.push((v, 1.0));
            rep_terms[r].push((v, i));
        }
        assign_row[i] = Some(m.add_row(terms, Sense::Eq, 1.0));
    }

    // Per-rep load variables keep every x column in a few short rows (its
    // account, its rep's loads), so the balance rows and group means stay
    // tiny and the factorisation sparse:
    // L_rm - sum_i load_m(i) x_ir = fixed load of r.
    let mut load_rows: Vec<[Option<usize>; NUM_METRICS]> = vec![[None; NUM_METRICS]; p.num_reps];
    let mut load_var = vec![[usize::MAX; NUM_METRICS]; p.num_reps];
    for r in 0..p.num_reps {
        if p.rep_group[r].is_none() {
            continue;
        }
        for &k in &p.metrics {
            let l = m.add_var(0.0, f64::INFINITY, 0.0);
            load_var[r][k] = l;
            let mut terms = vec![(l, 1.0)];
            terms.extend(rep_terms[r].iter().map(|&(v, i)| (v, -p.load(k, i))));
            load_rows[r][k] = Some(m.add_row(terms, Sense::Eq, fixed[r][k]));
        }
    }

    // Per-group means per FTE: C_g * T_g - sum of the group's loads = 0.
    let balanced = p.balanced_metrics();
    let mut mean = vec![[usize::MAX; NUM_METRICS]; p.groups.len()];
    for (g, group) in p.groups.iter().enumerate() {
        for &k in &balanced {
            let t = m.add_var(0.0, f64::INFINITY, 0.0);
            let mut terms = vec![(t, group.capacity)];
            terms.extend(group.reps.iter().map(|&r| (load_var[r][k], -1.0)));
            m.add_row(terms, Sense::Eq, 0.0);
            mean[g][k] = t;
        }
    }

    // Balance rows with slacks: L_r - (1 -/+ tol) cap_r T_g (>= / <=) 0;
    // limit rows: L_r - s <= limit.
    let slack_cost = phase.slack_cost();
    let mut slack_vars: Vec<(usize, usize, Metric, bool, bool, Option<usize>)> = Vec::new();
    for (r, loads) in load_var.iter().enumerate() {
        let Some(g) = p.rep_group[r] else { continue };
        for &k in &balanced {
            let slacks = add_band_rows(
                &mut m,
                (loads[k], 1.0),
                (mean[g][k], p.cap[r]),
                p.tol[k],
                slack_cost,
            );
            for (s, above) in slacks.into_iter().zip([false, true]) {
                slack_vars.push((s, r, Metric::from_index(k), above, false, None));
            }
        }
        for &k in &p.metrics {
            if p.limit[r][k].is_finite() {
                let s = m.add_var(0.0, f64::INFINITY, slack_cost);
                slack_vars.push((s, r, Metric::from_index(k), true, true, None));
                m.add_row(vec![(loads[k], 1.0), (s, -1.0)], Sense::Le, p.limit[r][k]);
            }
        }
    }

    // Cuts count moves, which the feasibility phase does not price.
    let cut_rows = match phase {
        Phase::Cost { .. } => add_cut_rows(&mut m, p, cand, &rep_terms),
        Phase::Feasibility => CutRows::default(),
    };

    // Regions first: each group's mean within the region tolerance of its
    // tier's mean, C_t M_t = sum of C_g T_g, and
    // C_g T_g - (1 -/+ tol) C_g M_t (>= / <=) 0 with slacks in load units.
    for tier in &p.tiers {
        for &k in &balanced {
            let mt = m.add_var(0.0, f64::INFINITY, 0.0);
            let mut terms = vec![(mt, tier.capacity)];
            terms.extend(
                tier.groups
                    .iter()
                    .map(|&g| (mean[g][k], -p.groups[g].capacity)),
            );
            m.add_row(terms, Sense::Eq, 0.0);
            for &g in &tier.groups {
                let cg = p.groups[g].capacity;
                let slacks =
                    add_band_rows(&mut m, (mean[g][k], cg), (mt, cg), p.region_tol, slack_cost);
                let first = p.groups[g].reps[0];
                for (s, above) in slacks.into_iter().zip([false, true]) {
                    slack_vars.push((s, first, Metric::from_index(k), above, false, Some(g)));
                }
            }
        }
    }

    let sol = match solver::solve_within(solver_name, &m, deadline.remaining())? {
        LpOutcome::Optimal(sol) => sol,
        LpOutcome::TimeLimit => {
            deadline.fire(Stage::Lp);
            return Ok(None);
        }
        // Slacks make every restricted LP feasible; a solver that says
        // otherwise has failed numerically.
        LpOutcome::Infeasible => {
            return Err(crate::Error::Solver(
                "the restricted LP with balance slacks was reported infeasible".into(),
            ))
        }
    };

    // x_ir has coefficient -load_i in r's load row, so its price per unit
    // of load is minus that row's dual.
    let mut price = vec![[0.0; NUM_METRICS]; p.num_reps];
    for r in 0..p.num_reps {
        for k in 0..NUM_METRICS {
            if let Some(row) = load_rows[r][k] {
                price[r][k] = -sol.duals[row];
            }
        }
    }

    let mut shares: Vec<Vec<(usize, f64)>> = vec![Vec::new(); p.num_accounts];
    // A cut's slack stands for moves: its cost is part of the objective
    // (and of the bound), not balance slack.
    let mut cost = fixed_cost
        + cut_rows
            .slacks
            .iter()
            .map(|&s| sol.values[s] * m.cost[s])
            .sum::<f64>();
    for &(i, r, v) in &cols {
        let x = sol.values[v];
        cost += x * m.cost[v];
        if x > 1e-9 {
            shares[i].push((r, x));
        }
    }
    let (cut_price, cross_price) = cut_rows.prices(&sol.duals);
    let mut result = LpResult {
        cost,
        slack: 0.0,
        slack_uses: Vec::new(),
        shares,
        price,
        u: vec![0.0; p.num_accounts],
        cut_price,
        cross_price,
        columns: cols.len(),
    };
    for (i, reps) in cand.iter().enumerate() {
        match assign_row[i] {
            Some(row) => result.u[i] = sol.duals[row],
            None => {
                let r = reps[0];
                result.shares[i].push((r, 1.0));
                result.u[i] = phase.pair_cost(p, i, r)
                    - result.priced_load(p, i, r)
                    - result.cut_price(p, i, r);
            }
        }
    }

    let mut slack = 0.0;
    let mut slack_uses = Vec::new();
    for &(s, rep, metric, above, limit, region_group) in &slack_vars {
        let amount = sol.values[s];
        if amount > 1e-7 {
            slack += amount;
            slack_uses.push(SlackUse {
                rep,
                metric,
                above,
                limit,
                region_group,
                amount,
            });
        }
    }

    result.slack = slack;
    result.slack_uses = slack_uses;
    Ok(Some(result))
}

/// The cover-cut rows of one restricted LP: per rep, its `[take in, give
/// out]` rows; per group, the rows that define its moves `[in from, out
/// to]` other groups (if a cut uses them); every cut's slack.
#[derive(Default)]
struct CutRows {
    /// Per rep and side: (row, coefficient of each of the rep's x columns
    /// of that side).
    rows: Vec<[Vec<(usize, f64)>; 2]>,
    cross: Vec<[Option<usize>; 2]>,
    slacks: Vec<usize>,
}

impl CutRows {
    /// What each rep's cut rows pay per x column of each side, and each
    /// group's crossing duals; nothing when the model has no cut.
    fn prices(&self, duals: &[f64]) -> (Vec<[f64; 2]>, Vec<[f64; 2]>) {
        let rows = self
            .rows
            .iter()
            .map(|sides| {
                sides
                    .each_ref()
                    .map(|rows| rows.iter().map(|&(row, a)| a * duals[row]).sum())
            })
            .collect();
        let cross = self
            .cross
            .iter()
            .map(|rows| rows.map(|row| row.map_or(0.0, |row| duals[row])))
            .collect();
        (rows, cross)
    }
}

/// Rebalance cover cuts ([`super::cuts`]) over the x columns of each rep
/// (`rep_terms[r]`: (column, account)), with single-candidate accounts
/// as constants and a slack priced like the moves it stands for
/// ([`super::cuts::Facet::slack_cost`]). With `Y_in(g)`
/// and `Y_out(g)` the moves into and out of group g (variables, one
/// defining row each), each facet `own a + cross b >= need` is
/// take in: own (sum of x_ir over other reps' discretionary accounts) + cross Y_out(g) + s >= need;
/// give out: own (n_r - sum of x_ir over r's own discretionary accounts) + cross Y_in(g) + s >= need.
fn add_cut_rows(
    m: &mut LpModel,
    p: &Problem,
    cand: &[Vec<usize>],
    rep_terms: &[Vec<(usize, usize)>],
) -> CutRows {
    let cuts = &p.move_cuts;
    if cuts.owner.is_empty() || cuts.is_empty() {
        return CutRows::default();
    }
    // Per rep: discretionary accounts it owns, and those of its fixed
    // (single-candidate) accounts taken in or kept; per group, the fixed
    // ones that cross into or out of it.
    let mut owned = vec![0usize; p.num_reps];
    let mut fixed_in = vec![0usize; p.num_reps];
    let mut fixed_kept = vec![0usize; p.num_reps];
    let mut fixed_cross = vec![[0usize; 2]; p.groups.len()];
    for (i, o) in cuts.owner.iter().enumerate() {
        let Some(o) = *o else { continue };
        owned[o] += 1;
        if let [r] = cand[i][..] {
            if r == o {
                fixed_kept[r] += 1;
            } else {
                fixed_in[r] += 1;
            }
            if let Some((from, to)) = cuts.crosses(p, i, r) {
                fixed_cross[to][0] += 1;
                fixed_cross[from][1] += 1;
            }
        }
    }
    // Y_in(g) for a group with a give-out row that counts it, Y_out(g)
    // for one with such a take-in row.
    let mut used = vec![[false; 2]; p.groups.len()];
    for r in 0..p.num_reps {
        if let Some(g) = p.rep_group[r] {
            used[g][0] |= cuts.give_out[r].iter().any(|f| f.cross > 0.0);
            used[g][1] |= cuts.take_in[r].iter().any(|f| f.cross > 0.0);
        }
    }
    let mut cross_terms: Vec<[Vec<(usize, f64)>; 2]> =
        vec![[Vec::new(), Vec::new()]; p.groups.len()];
    for (r, terms) in rep_terms.iter().enumerate() {
        for &(v, i) in terms {
            if let Some((from, to)) = cuts.crosses(p, i, r) {
                if used[to][0] {
                    cross_terms[to][0].push((v, -1.0));
                }
                if used[from][1] {
                    cross_terms[from][1].push((v, -1.0));
                }
            }
        }
    }
    let mut out = CutRows {
        rows: vec![[Vec::new(), Vec::new()]; p.num_reps],
        cross: vec![[None; 2]; p.groups.len()],
        slacks: Vec::new(),
    };
    let mut cross_var = vec![[usize::MAX; 2]; p.groups.len()];
    for (g, terms) in cross_terms.into_iter().enumerate() {
        for (side, mut terms) in terms.into_iter().enumerate() {
            if !used[g][side] {
                continue;
            }
            let y = m.add_var(0.0, f64::INFINITY, 0.0);
            terms.push((y, 1.0));
            cross_var[g][side] = y;
            out.cross[g][side] = Some(m.add_row(terms, Sense::Eq, fixed_cross[g][side] as f64));
        }
    }
    for r in 0..p.num_reps {
        let Some(g) = p.rep_group[r] else { continue };
        let own = |&&(_, i): &&(usize, usize)| cuts.owner[i] == Some(r);
        let other = |&&(_, i): &&(usize, usize)| cuts.owner[i].is_some_and(|o| o != r);
        for f in &cuts.take_in[r] {
            let s = m.add_var(0.0, f64::INFINITY, f.slack_cost(cuts.move_unit));
            let mut terms: Vec<(usize, f64)> = rep_terms[r]
                .iter()
                .filter(other)
                .map(|&(v, _)| (v, f.own))
                .collect();
            if f.cross > 0.0 {
                terms.push((cross_var[g][1], f.cross));
            }
            terms.push((s, 1.0));
            let need = f.need - f.own * fixed_in[r] as f64;
            out.rows[r][0].push((m.add_row(terms, Sense::Ge, need), f.own));
            out.slacks.push(s);
        }
        for f in &cuts.give_out[r] {
            let s = m.add_var(0.0, f64::INFINITY, f.slack_cost(cuts.move_unit));
            let mut terms: Vec<(usize, f64)> = rep_terms[r]
                .iter()
                .filter(own)
                .map(|&(v, _)| (v, -f.own))
                .collect();
            if f.cross > 0.0 {
                terms.push((cross_var[g][0], f.cross));
            }
            terms.push((s, 1.0));
            let need = f.need - f.own * (owned[r] - fixed_kept[r]) as f64;
            out.rows[r][1].push((m.add_row(terms, Sense::Ge, need), -f.own));
            out.slacks.push(s);
        }
    }
    out
}
