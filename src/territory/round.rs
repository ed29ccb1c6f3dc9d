//! Rounding: turn LP shares into a single owner per account.
//!
//! The shares come from a vertex (or nearly) of the LP's optimal face, where
//! only a few accounts per balance row stay split; each account goes to the
//! rep holding its largest share, and repair restores the bands that
//! rounding the split ones broke.

use super::candidates::reduced_cost;
use super::lp::{LpResult, Phase};
use super::problem::{Problem, KM_SCALE, NUM_METRICS};

/// Shares below this are solver noise, not support.
const SUPPORT_SHARE: f64 = 1e-3;
/// A support rep must price within this many km (times the account's
/// potential) of zero reduced cost: interior points leave small shares on
/// pairs that are not optimal.
const SUPPORT_RC_KM: f64 = 1.0;

/// LP shares restricted to pairs at (near) zero reduced cost.
pub fn optimal_support(p: &Problem, lp: &LpResult) -> Vec<Vec<(usize, f64)>> {
    let phase = Phase::Cost { penalty: 0.0 };
    lp.shares
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if s.len() <= 1 {
                return s.clone();
            }
            let tol = p.pot[i] * SUPPORT_RC_KM / KM_SCALE + 1e-12;
            let kept: Vec<(usize, f64)> = s
                .iter()
                .copied()
                .filter(|&(r, x)| x >= SUPPORT_SHARE && reduced_cost(p, lp, phase, i, r) <= tol)
                .collect();
            if kept.is_empty() {
                s.clone()
            } else {
                kept
            }
        })
        .collect()
}

/// One owner per account: the rep with the largest share (ties to the
/// cheaper pair, then the lower index).
pub fn round_shares(p: &Problem, shares: &[Vec<(usize, f64)>]) -> Vec<usize> {
    shares
        .iter()
        .enumerate()
        .map(|(i, s)| {
            s.iter()
                .copied()
                .max_by(|a, b| {
                    a.1.total_cmp(&b.1)
                        .then_with(|| p.cost(i, b.0).total_cmp(&p.cost(i, a.0)))
                        .then_with(|| b.0.cmp(&a.0))
                })
                .map(|(r, _)| r)
                .unwrap_or_else(|| p.nearest_eligible(i))
        })
        .collect()
}

/// One owner per account, keeping each rep's expected load inside its
/// band: whole accounts keep their rep; split accounts, largest first, go
/// to the support rep that leaves the least band violation in the expected
/// loads (settled accounts in full, unsettled ones by their LP shares).
/// The LP point has every expected load inside its band, and each choice
/// lets the accounts still to come compensate. Largest-share rounding
/// ignored what the other split accounts did to a rep: with lumpy accounts
/// at 500 reps it broke the bands by 19 fair shares, which repair then paid
/// for in distance.
pub fn round_tracking_loads(p: &Problem, shares: &[Vec<(usize, f64)>]) -> Vec<usize> {
    // Whole accounts keep their rep; split ones are placed below.
    let mut owner: Vec<usize> = shares
        .iter()
        .enumerate()
        .map(|(i, s)| s.first().map_or_else(|| p.nearest_eligible(i), |x| x.0))
        .collect();
    let shares: Vec<Vec<(usize, f64)>> = shares
        .iter()
        .map(|s| {
            let total: f64 = s.iter().map(|x| x.1).sum::<f64>().max(1e-300);
            s.iter().map(|&(r, x)| (r, x / total)).collect()
        })
        .collect();
    let mut expected = vec![[0.0; NUM_METRICS]; p.num_reps];
    let mut split: Vec<usize> = Vec::new();
    for (i, s) in shares.iter().enumerate() {
        let l = p.loads(i);
        for &(r, x) in s {
            for m in 0..NUM_METRICS {
                expected[r][m] += x * l[m];
            }
        }
        if s.len() > 1 {
            split.push(i);
        }
    }
    let bands = rep_bands(p, &expected);
    let violation = |r: usize, load: &[f64; NUM_METRICS]| -> f64 {
        p.metrics
            .iter()
            .map(|&m| {
                let (lo, hi) = bands[r][m];
                (load[m] - hi).max(0.0) + (lo - load[m]).max(0.0)
            })
            .sum()
    };
    split.sort_by(|&a, &b| p.pot[b].total_cmp(&p.pot[a]).then(a.cmp(&b)));
    for i in split {
        let l = p.loads(i);
        let s = &shares[i];
        // Expected loads of the support reps if `to` takes the account.
        let after = |to: usize, r: usize, x: f64| -> [f64; NUM_METRICS] {
            let keep = if r == to { 1.0 } else { 0.0 };
            std::array::from_fn(|m| expected[r][m] + (keep - x) * l[m])
        };
        let best = s
            .iter()
            .map(|&(to, x)| {
                let change: f64 = s
                    .iter()
                    .map(|&(r, xr)| violation(r, &after(to, r, xr)) - violation(r, &expected[r]))
                    .sum();
                (change, -x, p.cost(i, to), to)
            })
            .min_by(|a, b| {
                a.0.total_cmp(&b.0)
                    .then(a.1.total_cmp(&b.1))
                    .then(a.2.total_cmp(&b.2))
                    .then(a.3.cmp(&b.3))
            })
            .map(|t| t.3);
        if let Some(to) = best {
            owner[i] = to;
            for &(r, xr) in s {
                let keep = if r == to { 1.0 } else { 0.0 };
                for m in 0..NUM_METRICS {
                    expected[r][m] += (keep - xr) * l[m];
                }
            }
        }
    }
    owner
}

/// Band per rep and metric around the group means of `load` (the LP's),
/// the high edge held to any `[[limits]]` maximum; unbounded for reps
/// without capacity and metrics that are not balanced.
pub fn rep_bands(p: &Problem, load: &[[f64; NUM_METRICS]]) -> Vec<[(f64, f64); NUM_METRICS]> {
    let mut group = vec![[0.0; NUM_METRICS]; p.groups.len()];
    for (r, l) in load.iter().enumerate() {
        if let Some(g) = p.rep_group[r] {
            for m in 0..NUM_METRICS {
                group[g][m] += l[m];
            }
        }
    }
    (0..p.num_reps)
        .map(|r| match p.rep_group[r] {
            Some(g) => {
                let share = p.cap[r] / p.groups[g].capacity;
                std::array::from_fn(|m| {
                    let tol = p.tol[m];
                    let (lo, hi) = if tol.is_finite() {
                        let t = share * group[g][m];
                        ((1.0 - tol) * t, (1.0 + tol) * t)
                    } else {
                        (f64::NEG_INFINITY, f64::INFINITY)
                    };
                    (lo, hi.min(p.limit[r][m]))
                })
            }
            None => [(f64::NEG_INFINITY, f64::INFINITY); NUM_METRICS],
        })
        .collect()
}
