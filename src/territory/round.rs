//! Rounding: turn LP shares into a single owner per account.
//!
//! The shares come from a vertex (or nearly) of the LP's optimal face, where
//! only a few accounts per balance row stay split; each account goes to the
//! rep holding its largest share, and repair restores the bands that
//! rounding the split ones broke.

use super::candidates::reduced_cost;
use super::lp::{LpResult, Phase};
use super::problem::{Problem, KM_SCALE};

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
