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
//! bound is that figure rounded up. When the model falls into independent
//! pieces, the same holds for each piece with its accounts' share of the
//! two allowances, and each piece rounds up on its own.

use crate::distance::haversine_km;
use crate::territory::{self, PieceBound, PlanOptions, PlanOutcome};
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
    /// Per account, the most its distance and open-deal terms can add to a
    /// plan's objective, in moves: summed over the accounts of one piece of
    /// the model, what the piece's bound allows for beside its moves.
    pub allowance: Vec<f64>,
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
    let far = worst_distances(setup);
    let worst: f64 = far.iter().sum();
    let distance_weight = if worst > 0.0 {
        DISTANCE_SHARE * unit / worst
    } else {
        1.0
    };
    let allowance = (0..ds.accounts.len())
        .map(|i| {
            let distance = if worst > 0.0 {
                DISTANCE_SHARE * far[i] / worst
            } else {
                0.0
            };
            let deal = if setup.kind[i] == AccountKind::Staying && total_open > 0.0 {
                DEAL_SHARE * setup.open_deals[i] / total_open
            } else {
                0.0
            };
            distance + deal
        })
        .collect();
    Weights {
        move_weight,
        distance_weight,
        unit,
        allowance,
    }
}

/// Per account, the largest distance term any plan can give it (scaled
/// potential x km / 1000, the continuity charge included): at its
/// farthest eligible rep.
fn worst_distances(setup: &Setup) -> Vec<f64> {
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
        .collect()
}

/// The fewest discretionary moves any balanced plan needs, from the LP
/// relaxation's bound on the weighted objective, piece by independent
/// piece of the model: a piece's moves are a whole number too, so each
/// piece's bound less its allowance (its accounts' share of the distance
/// and deal terms) rounds up on its own, and the sum can exceed the
/// whole bound rounded up once.
pub fn moves_bound_by_piece(pieces: &[PieceBound], w: &Weights) -> usize {
    pieces
        .iter()
        .map(|piece| {
            let allowance: f64 = piece.accounts.iter().map(|&i| w.allowance[i]).sum();
            whole_moves_above(piece.bound / w.unit - allowance).max(piece.moves_floor)
        })
        .sum()
}

/// The least whole number of moves at or above `moves` (less float slack).
fn whole_moves_above(moves: f64) -> usize {
    let moves = moves - BOUND_EPS;
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
    let (mut outcome, pieces) = territory::plan_rebalance(
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
        bound: moves_bound_by_piece(&pieces, &w),
        lp_moves: pieces.iter().map(|p| p.bound).sum::<f64>() / w.unit,
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
