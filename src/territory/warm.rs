//! Dual warm start: cheap estimates of the balance-row prices, used to pick a
//! small core of contested (account, rep) pairs for the first LP.
//!
//! Price adjustment (tatonnement) over a candidate pool: every account takes
//! the rep with the lowest priced cost `cost - pot * alpha_r - work * beta_r`;
//! a rep above its band gets a lower price, one below a higher price, with a
//! step that grows while the sign holds and halves when it flips. The result
//! need not be optimal: the LP with pricing over all pairs fixes any error,
//! the warm start only keeps that LP small.

use rayon::prelude::*;

use super::problem::Problem;

/// Price-adjustment sweeps.
const SWEEPS: usize = 150;
/// First price step (cost units per fair share: 1 = 1000 km).
const FIRST_STEP: f64 = 0.02;
/// A pair joins the core when its priced cost is within this many km (times
/// the account's potential) of the account's best pair.
pub const CORE_MARGIN_KM: f64 = 40.0;

/// Estimated prices per rep: `alpha` for potential, `beta` for workload.
#[derive(Debug, Clone)]
pub struct Prices {
    pub alpha: Vec<f64>,
    pub beta: Vec<f64>,
}

impl Prices {
    /// Priced cost of pair (i, r).
    pub fn priced(&self, p: &Problem, i: usize, r: usize) -> f64 {
        p.cost(i, r) - p.pot[i] * self.alpha[r] - p.work[i] * self.beta[r]
    }
}

/// Approximate fair-share targets per rep (scaled units): each account's load
/// is spread over its eligible reps by capacity, then averaged per group.
/// Exact whenever every segment is covered by one group.
fn approximate_targets(p: &Problem) -> (Vec<f64>, Vec<f64>) {
    let mut group_pot = vec![0.0; p.groups.len()];
    let mut group_work = vec![0.0; p.groups.len()];
    for i in 0..p.num_accounts {
        let reps = p.eligible(i);
        let total_cap: f64 = reps.iter().map(|&r| p.cap[r]).sum();
        if total_cap <= 0.0 {
            continue;
        }
        for &r in reps {
            if let Some(g) = p.rep_group[r] {
                group_pot[g] += p.pot[i] * p.cap[r] / total_cap;
                group_work[g] += p.work[i] * p.cap[r] / total_cap;
            }
        }
    }
    let mut tp = vec![0.0; p.num_reps];
    let mut tw = vec![0.0; p.num_reps];
    for (g, group) in p.groups.iter().enumerate() {
        for &r in &group.reps {
            tp[r] = p.cap[r] * group_pot[g] / group.capacity;
            tw[r] = p.cap[r] * group_work[g] / group.capacity;
        }
    }
    (tp, tw)
}

/// Fair-share targets per rep from the groups' current loads.
fn group_mean_targets(p: &Problem, pot: &[f64], work: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mut tp = vec![0.0; p.num_reps];
    let mut tw = vec![0.0; p.num_reps];
    for group in &p.groups {
        let gp: f64 = group.reps.iter().map(|&r| pot[r]).sum();
        let gw: f64 = group.reps.iter().map(|&r| work[r]).sum();
        for &r in &group.reps {
            tp[r] = p.cap[r] * gp / group.capacity;
            tw[r] = p.cap[r] * gw / group.capacity;
        }
    }
    (tp, tw)
}

/// Estimate balance prices by price adjustment over `pool`.
pub fn estimate_prices(p: &Problem, pool: &[Vec<usize>]) -> Prices {
    let (mut tp, mut tw) = approximate_targets(p);
    let mut prices = Prices {
        alpha: vec![0.0; p.num_reps],
        beta: vec![0.0; p.num_reps],
    };
    let costs: Vec<Vec<f64>> = pool
        .par_iter()
        .enumerate()
        .map(|(i, reps)| reps.iter().map(|&r| p.cost(i, r)).collect())
        .collect();
    let mut step_a = vec![FIRST_STEP; p.num_reps];
    let mut step_b = vec![FIRST_STEP; p.num_reps];
    let mut last_a = vec![0i8; p.num_reps];
    let mut last_b = vec![0i8; p.num_reps];
    for sweep in 0..SWEEPS {
        let (pot, work) = loads(p, pool, &costs, &prices);
        if sweep > 0 {
            // Groups sharing a segment split it as the current prices do,
            // as the LP's per-group mean variables would.
            (tp, tw) = group_mean_targets(p, &pot, &work);
        }
        for r in 0..p.num_reps {
            if p.rep_group[r].is_none() {
                continue;
            }
            let da = direction(
                pot[r],
                tp[r],
                p.tol[super::problem::POTENTIAL],
                prices.alpha[r],
            );
            let db = direction(
                work[r],
                tw[r],
                p.tol[super::problem::WORKLOAD],
                prices.beta[r],
            );
            adjust(&mut prices.alpha[r], &mut step_a[r], &mut last_a[r], da);
            adjust(&mut prices.beta[r], &mut step_b[r], &mut last_b[r], db);
        }
    }
    prices
}

/// Ascent direction of the Lagrangian dual in one price: raise it when the
/// load is below the band, lower it when above, and move it toward zero when
/// the load sits inside the band (complementary slackness: a rep may carry a
/// positive price only at its lower edge, a negative one only at its upper).
fn direction(load: f64, target: f64, tol: f64, price: f64) -> i8 {
    let (lo, hi) = ((1.0 - tol) * target, (1.0 + tol) * target);
    if load > hi || (price > 0.0 && load > lo) {
        -1
    } else if load < lo || (price < 0.0 && load < hi) {
        1
    } else {
        0
    }
}

fn adjust(price: &mut f64, step: &mut f64, last: &mut i8, dir: i8) {
    if dir == 0 {
        *last = 0;
        return;
    }
    if *last == dir {
        *step *= 1.5;
    } else if *last != 0 {
        *step *= 0.5;
    }
    *price += f64::from(dir) * *step;
    *last = dir;
}

/// Loads per rep when every account takes its lowest priced pool pair.
fn loads(
    p: &Problem,
    pool: &[Vec<usize>],
    costs: &[Vec<f64>],
    prices: &Prices,
) -> (Vec<f64>, Vec<f64>) {
    let best: Vec<usize> = pool
        .par_iter()
        .zip(costs)
        .enumerate()
        .map(|(i, (reps, cs))| {
            let mut b = (f64::INFINITY, usize::MAX);
            for (&r, &c) in reps.iter().zip(cs) {
                let v = c - p.pot[i] * prices.alpha[r] - p.work[i] * prices.beta[r];
                if v < b.0 {
                    b = (v, r);
                }
            }
            b.1
        })
        .collect();
    let mut pot = vec![0.0; p.num_reps];
    let mut work = vec![0.0; p.num_reps];
    for (i, &r) in best.iter().enumerate() {
        if r != usize::MAX {
            pot[r] += p.pot[i];
            work[r] += p.work[i];
        }
    }
    (pot, work)
}

/// The core: for each account, the pool reps whose priced cost is within
/// `CORE_MARGIN_KM` of its best (always at least the best).
pub fn core_candidates(p: &Problem, pool: &[Vec<usize>], prices: &Prices) -> Vec<Vec<usize>> {
    pool.par_iter()
        .enumerate()
        .map(|(i, reps)| {
            if reps.len() <= 1 {
                return reps.clone();
            }
            let priced: Vec<f64> = reps.iter().map(|&r| prices.priced(p, i, r)).collect();
            let best = priced.iter().copied().fold(f64::INFINITY, f64::min);
            let margin = p.pot[i] * CORE_MARGIN_KM / super::problem::KM_SCALE + 1e-12;
            reps.iter()
                .zip(&priced)
                .filter(|(_, &v)| v <= best + margin)
                .map(|(&r, _)| r)
                .collect()
        })
        .collect()
}
