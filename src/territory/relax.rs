//! The LP relaxation over all eligible pairs, solved by column generation:
//! restricted LP, pricing of the missing pairs with the duals, repeat until
//! no pair has a negative reduced cost. Balance slacks keep every restricted
//! LP feasible; when slack remains at the optimum, a pure feasibility LP
//! (with its own pricing) decides whether the full model is infeasible.

use super::candidates::{drop_unattractive, price, start_candidates};
use super::coarse::{coarse_problem, Coarse};
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
/// A cluster share above this puts the rep in its accounts' first core
/// (interior-point solutions carry noise shares far below it).
const COARSE_SUPPORT: f64 = 1e-3;

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
    let mut cand = match coarse_problem(p) {
        Some(coarse) => coarse_core(p, &pool, &coarse, solver, on_round)?,
        None => {
            let prices = estimate_prices(p, &pool);
            core_candidates(p, &pool, &prices)
        }
    };
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

/// The first core from a solved coarse model: each account may go to the
/// reps its cluster went to (so the coarse optimum, split down to accounts,
/// is feasible in the first fine LP), to its nearest eligible rep, and to
/// the pool reps whose cost under the coarse prices is near its best.
fn coarse_core(
    p: &Problem,
    pool: &[Vec<usize>],
    coarse: &Coarse,
    solver: &str,
    on_round: &mut dyn FnMut(&str),
) -> Result<Vec<Vec<usize>>> {
    let c = &coarse.problem;
    on_round(&format!("coarse model of {} clusters", c.num_accounts));
    let mut cand = start_candidates(c);
    let (mut solves, mut priced) = (0, 0);
    let phase = Phase::Cost {
        penalty: INITIAL_PENALTY,
    };
    let lp = price_to_optimality(
        c,
        &mut cand,
        phase,
        solver,
        &mut solves,
        &mut priced,
        on_round,
    )?;
    let mut core: Vec<Vec<usize>> = pool
        .iter()
        .map(|reps| {
            if reps.len() == 1 {
                reps.clone()
            } else {
                Vec::new()
            }
        })
        .collect();
    for (i, reps) in core.iter_mut().enumerate() {
        if p.is_fixed(i) {
            continue;
        }
        let k = coarse.cluster_of[i];
        reps.extend(
            lp.shares[k]
                .iter()
                .filter(|s| s.1 > COARSE_SUPPORT)
                .map(|s| s.0),
        );
        reps.push(p.nearest_eligible(i));
        reps.sort_unstable();
        reps.dedup();
    }
    Ok(core)
}

/// Shares of a vertex (or nearly) of the optimal face: the LP over the
/// support pairs with a tiny generic perturbation of the costs.
pub fn vertex_on_support(
    p: &Problem,
    support: &[Vec<(usize, f64)>],
    solver: &str,
) -> Result<Vec<Vec<(usize, f64)>>> {
    let cand: Vec<Vec<usize>> = support
        .iter()
        .map(|s| {
            let mut r: Vec<usize> = s.iter().map(|x| x.0).collect();
            r.sort_unstable();
            r
        })
        .collect();
    let lp = solve_restricted(
        p,
        &cand,
        Phase::Vertex {
            penalty: INITIAL_PENALTY,
        },
        solver,
    )?;
    if std::env::var_os("TPLAN_DEBUG").is_some() {
        let split = lp
            .shares
            .iter()
            .filter(|s| s.iter().filter(|x| x.1 > 1e-3).count() > 1)
            .count();
        eprintln!(
            "vertex LP: slack {:.6}, cost {:.6}, split accounts {split}",
            lp.slack, lp.cost
        );
    }
    // Slack here means the support alone cannot balance (noise cut it too
    // fine): keep the interior shares.
    if lp.slack > SLACK_TOL {
        return Ok(support.to_vec());
    }
    Ok(lp.shares)
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
    let mut kept: Vec<Vec<usize>> = vec![Vec::new(); p.num_accounts];
    loop {
        let lp = solve_restricted(p, cand, phase, solver)?;
        *lp_solves += 1;
        let new_pairs = price(p, cand, &lp, phase);
        let added = new_pairs.len();
        *priced_pairs += added;
        for (i, r) in new_pairs {
            if let Err(at) = kept[i].binary_search(&r) {
                kept[i].insert(at, r);
            }
        }
        if added > 0 {
            drop_unattractive(p, cand, &kept, &lp, phase);
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
