//! The LP relaxation over all eligible pairs, solved by column generation:
//! restricted LP, pricing of the missing pairs with the duals, repeat until
//! no pair has a negative reduced cost. Balance slacks keep every restricted
//! LP feasible; when slack remains at the optimum, a pure feasibility LP
//! (with its own pricing) decides whether the full model is infeasible.

use super::candidates::{drop_unattractive, price, start_candidates};
use super::lp::{solve_restricted, LpResult, Phase};
use super::problem::Problem;
use super::warm::{core_candidates, estimate_prices};
use crate::Result;

/// Slack (scaled units: fair shares) treated as zero.
pub const SLACK_TOL: f64 = 1e-6;
/// First penalty per fair share of balance slack; raised when slack remains
/// but the feasibility LP proves a balanced plan exists.
const INITIAL_PENALTY: f64 = 100.0;
const MAX_PENALTY: f64 = 1e9;

/// The optimal LP relaxation with its candidate set.
#[derive(Debug, Clone)]
pub struct Relaxation {
    pub lp: LpResult,
    pub cand: Vec<Vec<usize>>,
    /// Candidate reps plus each account's nearest eligible reps: the moves
    /// local search may try.
    pub neighbours: Vec<Vec<usize>>,
    pub lp_solves: usize,
    pub priced_pairs: usize,
}

/// Why the relaxation has no balanced solution.
#[derive(Debug, Clone)]
pub struct Infeasibility {
    /// The feasibility LP at its optimum (minimum total slack).
    pub lp: LpResult,
}

/// Solve the relaxation; `Err(Infeasibility)` when no balanced plan exists.
pub fn solve_relaxation(
    p: &Problem,
    solver: &str,
    on_round: &mut dyn FnMut(&str),
) -> Result<std::result::Result<Relaxation, Infeasibility>> {
    let pool = start_candidates(p);
    let prices = estimate_prices(p, &pool);
    let mut cand = core_candidates(p, &pool, &prices);
    on_round(&format!(
        "core of {} pairs from a pool of {}",
        cand.iter().map(Vec::len).sum::<usize>(),
        pool.iter().map(Vec::len).sum::<usize>()
    ));
    let mut lp_solves = 0;
    let mut priced_pairs = 0;
    let mut penalty = INITIAL_PENALTY;
    loop {
        let phase = Phase::Cost { penalty };
        let lp = price_to_optimality(
            p,
            &mut cand,
            phase,
            solver,
            &mut lp_solves,
            &mut priced_pairs,
            on_round,
        )?;
        if lp.slack <= SLACK_TOL {
            let neighbours = pool
                .iter()
                .zip(&cand)
                .map(|(a, b)| {
                    let mut n: Vec<usize> = a.iter().chain(b).copied().collect();
                    n.sort_unstable();
                    n.dedup();
                    n
                })
                .collect();
            return Ok(Ok(Relaxation {
                lp,
                cand,
                neighbours,
                lp_solves,
                priced_pairs,
            }));
        }
        let feas = price_to_optimality(
            p,
            &mut cand,
            Phase::Feasibility,
            solver,
            &mut lp_solves,
            &mut priced_pairs,
            on_round,
        )?;
        if feas.slack > SLACK_TOL {
            return Ok(Err(Infeasibility { lp: feas }));
        }
        penalty *= 20.0;
        if penalty > MAX_PENALTY {
            return Err(crate::Error::Solver(
                "balance slack stays positive although a balanced plan exists (numerical trouble)"
                    .into(),
            ));
        }
    }
}

/// Is a balanced plan possible at these tolerances? (Feasibility LP with
/// pricing over all pairs.)
pub fn is_feasible(p: &Problem, solver: &str) -> Result<bool> {
    let mut cand = start_candidates(p);
    let (mut solves, mut priced) = (0, 0);
    let lp = price_to_optimality(
        p,
        &mut cand,
        Phase::Feasibility,
        solver,
        &mut solves,
        &mut priced,
        &mut |_| {},
    )?;
    Ok(lp.slack <= SLACK_TOL)
}

fn price_to_optimality(
    p: &Problem,
    cand: &mut [Vec<usize>],
    phase: Phase,
    solver: &str,
    lp_solves: &mut usize,
    priced_pairs: &mut usize,
    on_round: &mut dyn FnMut(&str),
) -> Result<LpResult> {
    loop {
        let lp = solve_restricted(p, cand, phase, solver)?;
        *lp_solves += 1;
        let added = price(p, cand, &lp, phase);
        *priced_pairs += added;
        if added > 0 {
            drop_unattractive(p, cand, &lp, phase);
        }
        on_round(&format!(
            "LP {}: {} columns, slack {:.4}, cost {:.6}, {} pairs priced in",
            *lp_solves, lp.columns, lp.slack, lp.cost, added
        ));
        if added == 0 {
            return Ok(lp);
        }
    }
}
