//! The rebalance model and its certificate.
//!
//! `plan`'s territory LP with one change to the objective: taking a
//! staying account from its current owner costs one move (`unit`, in the
//! LP's scaled cost units), and distance is scaled down so that over a
//! whole plan it is worth at most [`DISTANCE_SHARE`] of one move. Moves
//! are therefore minimised first and distance second.
//!
//! Open deals: a staying account with open deals costs a little more to
//! move, in proportion to its share of all open deal amount, and all deals
//! together are worth at most [`DEAL_SHARE`] of one move. So deals never
//! make the plan move more accounts; among plans with the fewest moves
//! they pick the one that moves the least open pipeline (accounts with
//! open deals are the last to move), and distance breaks what ties remain.
//! A heavier deal weight would make the LP bound a bound on a weighted sum
//! rather than on the number of moves leadership is asked to approve.
//!
//! Certificate: the LP relaxation's lower bound V on that objective gives,
//! for every balanced single-owner plan y, moves(y) >= V/unit -
//! DISTANCE_SHARE - DEAL_SHARE, and moves(y) is a whole number, so the
//! bound is that figure rounded up.

use crate::distance::haversine_km;
use crate::territory::{self, PlanOptions, PlanOutcome};
use crate::Result;

use super::{AccountKind, Setup};

/// Most of one move that distance may add to the objective of a plan.
pub const DISTANCE_SHARE: f64 = 0.25;
/// Most of one move that open deals may add to the objective of a plan.
pub const DEAL_SHARE: f64 = 0.25;
/// Float slack on the bound before rounding up.
const BOUND_EPS: f64 = 1e-6;

/// The objective's weights in the LP's scaled cost units.
#[derive(Debug, Clone)]
pub struct Weights {
    /// Cost of leaving the current owner, per account (0 when the account
    /// must be placed anyway).
    pub move_weight: Vec<f64>,
    /// Factor on potential x km.
    pub distance_weight: f64,
    /// Cost of one plain move.
    pub unit: f64,
}

/// Weights for a rebalance: one move is one fair share of accounts
/// (capacity / accounts in scaled units), which keeps the LP's numbers
/// near 1 and a fair share of moves cheaper than a fair share of balance
/// slack.
pub fn weights(setup: &Setup) -> Weights {
    let ds = &setup.dataset;
    let capacity: f64 = ds.reps.iter().map(|r| r.capacity.max(0.0)).sum();
    let unit = capacity / ds.accounts.len().max(1) as f64;
    let total_open: f64 = (0..ds.accounts.len())
        .filter(|&i| setup.kind[i] == AccountKind::Staying)
        .map(|i| setup.open_deals[i])
        .sum();
    let move_weight = (0..ds.accounts.len())
        .map(|i| match setup.kind[i] {
            AccountKind::Staying if total_open > 0.0 => {
                unit * (1.0 + DEAL_SHARE * setup.open_deals[i] / total_open)
            }
            AccountKind::Staying => unit,
            _ => 0.0,
        })
        .collect();
    let worst = worst_distance(setup);
    let distance_weight = if worst > 0.0 {
        DISTANCE_SHARE * unit / worst
    } else {
        1.0
    };
    Weights {
        move_weight,
        distance_weight,
        unit,
    }
}

/// The largest distance term any plan can have (scaled potential x km /
/// 1000, the continuity charge included): every account at its farthest
/// eligible rep.
fn worst_distance(setup: &Setup) -> f64 {
    let ds = &setup.dataset;
    let (pot, _) = territory::scaled_potential(ds);
    let eligible = territory::eligible_reps(ds);
    let move_km = ds.config.continuity.move_cost_km;
    ds.accounts
        .iter()
        .zip(&eligible)
        .zip(&pot)
        .map(|((a, reps), p)| {
            let far = reps
                .iter()
                .map(|&r| haversine_km(a.lat, a.lon, ds.reps[r].lat, ds.reps[r].lon))
                .fold(0.0, f64::max);
            p * (far + move_km) / territory::KM_SCALE
        })
        .sum()
}

/// The fewest discretionary moves any balanced plan needs, from the LP
/// relaxation's bound on the weighted objective.
pub fn moves_bound(lp_bound: f64, w: &Weights) -> usize {
    let moves = lp_bound / w.unit - DISTANCE_SHARE - DEAL_SHARE - BOUND_EPS;
    if moves.is_finite() && moves > 0.0 {
        moves.ceil() as usize
    } else {
        0
    }
}

/// The rebalanced plan from the LP, with its certificate.
#[derive(Debug, Clone)]
pub struct Solved {
    pub outcome: PlanOutcome,
    /// Discretionary moves of the plan.
    pub moves: usize,
    /// No balanced plan needs fewer discretionary moves.
    pub bound: usize,
    /// The LP relaxation's bound in moves (before rounding up).
    pub lp_moves: f64,
    pub weights: Weights,
}

/// Solve the rebalance model and verify the plan (the territory planner
/// verifies every plan it returns independently of the LP).
pub fn solve(setup: &Setup, options: &PlanOptions) -> Result<Solved> {
    let w = weights(setup);
    let (mut outcome, lp_bound) = territory::plan_rebalance(
        &setup.dataset,
        options,
        w.move_weight.clone(),
        w.distance_weight,
    )?;
    let owner = owners(&outcome);
    describe_distance(setup, &mut outcome);
    outcome.status_quo = Some(crate::territory::verify::rep_balances(
        &setup.dataset,
        &setup.before_owners(),
    ));
    Ok(Solved {
        moves: setup.discretionary_moves(&owner),
        bound: moves_bound(lp_bound, &w),
        lp_moves: lp_bound / w.unit,
        outcome,
        weights: w,
    })
}

/// Rep index per account of a plan.
pub fn owners(outcome: &PlanOutcome) -> Vec<usize> {
    outcome.plan.assignments.iter().map(|a| a.rep).collect()
}

/// The plan's objective as distance (potential x km) with the
/// nearest-eligible-rep distance as its lower bound: the rebalance
/// objective in LP units means nothing to a reader.
pub fn describe_distance(setup: &Setup, outcome: &mut PlanOutcome) {
    let ds = &setup.dataset;
    let owner = owners(outcome);
    let objective = territory::verify::objective(ds, &owner);
    let nearest = territory::verify::objective(ds, &territory::nearest_owners(ds));
    let plan = &mut outcome.plan;
    plan.objective = objective;
    plan.lp_bound = nearest;
    plan.gap = if nearest > 0.0 {
        (objective - nearest) / nearest
    } else {
        0.0
    };
}
