//! The LP relaxation over all eligible pairs, solved by column generation:
//! restricted LP, pricing of the missing pairs with the duals, repeat until
//! no pair has a negative reduced cost. Balance slacks keep every restricted
//! LP feasible; when slack remains at the optimum, a pure feasibility LP
//! (with its own pricing) decides whether the full model is infeasible.
//! The first core comes from a coarse model ([`LpMethod::Columns`]) or from
//! reduced-cost fixing under Lagrangian prices ([`LpMethod::Dual`]).

use super::candidates::{add_pairs, drop_unattractive, price, start_candidates};
use super::coarse::{coarse_problem, Coarse};
use super::dual;
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
/// Pricing stops once the Lagrangian bound is within this fraction of the
/// restricted optimum: the last rounds of column generation each cost a
/// full LP solve to move the objective by a few parts per 100,000, far
/// below the rounding gap (0.5-1 %). At 10k x 100 the step from 1e-5 saves
/// one of four fine solves; the reported bound stays a valid lower bound.
pub const BOUND_GAP: f64 = 1e-4;
/// The same for the coarse model, which only seeds the fine one.
const COARSE_BOUND_GAP: f64 = 1e-4;
/// A cluster share above this puts the rep in its accounts' first core
/// (interior-point solutions carry noise shares far below it).
const COARSE_SUPPORT: f64 = 1e-3;

/// Price error (km per fair share, in every balanced metric) the dual's
/// reduced-cost fixing allows for: an account whose cheapest priced rep
/// beats its others by more than this times its loads is fixed there.
const FIX_MARGIN_KM: f64 = 10.0;

/// How the first restricted LP's columns are chosen. Both end in the same
/// column generation over every eligible pair, so both give the LP optimum
/// (within `BOUND_GAP`) and a valid bound; they differ in how many and how
/// large the interior-point solves on the way are, and the plan can differ
/// with the LP's interior point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LpMethod {
    /// Column generation from a core picked by a solved coarse model
    /// (clusters of accounts), or by price adjustment on small instances.
    #[default]
    Columns,
    /// Reduced-cost fixing under Lagrangian prices (`dual.rs`): only the
    /// accounts near a tie between reps enter the first LP as columns.
    /// Measured slower than `Columns` (docs/solvers.md, session 6).
    Dual,
}

/// The optimal LP relaxation with its candidate set.
#[derive(Debug, Clone)]
pub struct Relaxation {
    pub lp: LpResult,
    /// Lower bound on the full LP optimum (scaled units): the restricted
    /// optimum, less the Lagrangian deficit when pricing stopped early.
    pub bound: f64,
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
    method: LpMethod,
    on_round: &mut dyn FnMut(&str),
) -> Result<std::result::Result<Relaxation, Infeasibility>> {
    let pool = start_candidates(p);
    let mut cand = match (method, coarse_problem(p)) {
        (LpMethod::Dual, _) => dual_core(p, &pool, on_round),
        (LpMethod::Columns, Some(coarse)) => coarse_core(p, &pool, &coarse, solver, on_round)?,
        (LpMethod::Columns, None) => {
            let prices = estimate_prices(p, &pool);
            core_candidates(p, &pool, &prices)
        }
    };
    // A rebalance starts from today's owners: without their pairs the
    // first LP would have to move every account.
    for (i, reps) in cand.iter_mut().enumerate() {
        if let Some(o) = p.weighed_owner(i) {
            if let Err(at) = reps.binary_search(&o) {
                reps.insert(at, o);
            }
        }
    }
    on_round(&format!(
        "core of {} pairs from a pool of {}",
        cand.iter().map(Vec::len).sum::<usize>(),
        pool.iter().map(Vec::len).sum::<usize>()
    ));
    let mut tally = Tally::default();
    let mut penalty = INITIAL_PENALTY;
    loop {
        let phase = Phase::Cost { penalty };
        let (lp, deficit) =
            price_to_optimality(p, &mut cand, phase, BOUND_GAP, solver, &mut tally, on_round)?;
        if lp.slack <= SLACK_TOL {
            if std::env::var_os("TPLAN_DEBUG").is_some() {
                report_ties(p, &pool, &lp, on_round);
            }
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
                bound: lp.cost - deficit,
                lp,
                cand,
                neighbours,
                lp_solves: tally.lp_solves,
                priced_pairs: tally.priced_pairs,
            }));
        }
        let (feas, _) = price_to_optimality(
            p,
            &mut cand,
            Phase::Feasibility,
            0.0,
            solver,
            &mut tally,
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

/// The first core by reduced-cost fixing under the Lagrangian prices of
/// the pool: clear accounts fixed, near-tied ones with their near reps.
fn dual_core(p: &Problem, pool: &[Vec<usize>], on_round: &mut dyn FnMut(&str)) -> Vec<Vec<usize>> {
    let t = std::time::Instant::now();
    let prices = dual::ascend(p, pool, INITIAL_PENALTY);
    let core = dual::fixed_core(p, pool, &prices.price, FIX_MARGIN_KM);
    on_round(&format!(
        "dual value {:.6} after {} steps in {:.2}s; {} of {} accounts left open by reduced-cost fixing",
        prices.value,
        prices.steps,
        t.elapsed().as_secs_f64(),
        core.iter().filter(|reps| reps.len() > 1).count(),
        p.num_accounts
    ));
    core
}

/// How many accounts reduced-cost fixing would leave open at the LP's own
/// optimal prices, for a few margins (the `TPLAN_DEBUG` trace): the floor
/// of what any dual method's fixing can reach.
fn report_ties(p: &Problem, pool: &[Vec<usize>], lp: &LpResult, on_round: &mut dyn FnMut(&str)) {
    for margin_km in [1.0, 3.0, 10.0, 30.0] {
        let open = dual::fixed_core(p, pool, &lp.price, margin_km)
            .iter()
            .filter(|reps| reps.len() > 1)
            .count();
        on_round(&format!(
            "at the LP's prices, {open} of {} accounts within {margin_km} km of a tie",
            p.num_accounts
        ));
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
    let mut tally = Tally::default();
    let phase = Phase::Cost {
        penalty: INITIAL_PENALTY,
    };
    let (lp, _) = price_to_optimality(
        c,
        &mut cand,
        phase,
        COARSE_BOUND_GAP,
        solver,
        &mut tally,
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

/// Is a balanced plan possible at these tolerances? (Feasibility LP with
/// pricing over all pairs.)
pub fn is_feasible(p: &Problem, solver: &str) -> Result<bool> {
    let mut cand = start_candidates(p);
    let mut tally = Tally::default();
    let (lp, _) = price_to_optimality(
        p,
        &mut cand,
        Phase::Feasibility,
        0.0,
        solver,
        &mut tally,
        &mut |_| {},
    )?;
    Ok(lp.slack <= SLACK_TOL)
}

/// LP solves and priced pairs, over all rounds of a relaxation.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    lp_solves: usize,
    priced_pairs: usize,
}

/// Column generation to optimality, or, in the cost phase of a balanced
/// LP, until the Lagrangian bound is within `bound_gap`. Returns the last
/// restricted LP and its deficit (0 when no pair prices negative).
fn price_to_optimality(
    p: &Problem,
    cand: &mut [Vec<usize>],
    phase: Phase,
    bound_gap: f64,
    solver: &str,
    tally: &mut Tally,
    on_round: &mut dyn FnMut(&str),
) -> Result<(LpResult, f64)> {
    let mut kept: Vec<Vec<usize>> = vec![Vec::new(); p.num_accounts];
    loop {
        let lp = solve_restricted(p, cand, phase, solver)?;
        tally.lp_solves += 1;
        let pricing = price(p, cand, &lp, phase);
        let close_enough = matches!(phase, Phase::Cost { .. })
            && lp.slack <= SLACK_TOL
            && pricing.deficit <= bound_gap * lp.cost.abs();
        let added = if close_enough { 0 } else { pricing.added.len() };
        on_round(&format!(
            "LP {}: {} columns, slack {:.4}, cost {:.6}, deficit {:.2e}, {} pairs priced in",
            tally.lp_solves, lp.columns, lp.slack, lp.cost, pricing.deficit, added
        ));
        if added == 0 {
            return Ok((lp, pricing.deficit));
        }
        add_pairs(cand, &pricing.added);
        add_pairs(&mut kept, &pricing.added);
        tally.priced_pairs += added;
        drop_unattractive(p, cand, &kept, &lp, phase);
    }
}
