//! The LP relaxation over all eligible pairs, solved by column generation:
//! restricted LP, pricing of the missing pairs with the duals, repeat until
//! no pair has a negative reduced cost. Balance slacks keep every restricted
//! LP feasible; when slack remains at the optimum, a pure feasibility LP
//! (with its own pricing) decides whether the full model is infeasible.
//! The first core comes from a coarse model ([`LpMethod::Columns`]) or from
//! reduced-cost fixing under Lagrangian prices ([`LpMethod::Dual`]).

use super::candidates::{add_pairs, drop_unattractive, price, start_candidates};
use super::coarse::{coarse_problem, Coarse};
use super::components;
use super::deadline::{Checkpoint, Deadline};
use super::dual;
use super::lp::{solve_restricted_within, LpResult, Phase};
use super::problem::Problem;
use super::warm::{core_candidates, estimate_prices};
use crate::Result;
use rayon::prelude::*;

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
    /// [`LpMethod::Columns`] over the whole model as one LP, even when it
    /// falls into independent pieces: the path before pieces were solved
    /// side by side, kept as the benchmarks' same-run baseline.
    Whole,
    /// Reduced-cost fixing under Lagrangian prices (`dual.rs`): only the
    /// accounts near a tie between reps enter the first LP as columns.
    /// Measured slower than `Columns` (docs/solvers.md, session 6).
    Dual,
}

/// The optimal LP relaxation with its candidate set.
#[derive(Debug, Clone)]
pub struct Relaxation {
    pub lp: LpResult,
    /// The lower bound on the full LP optimum ([`Relaxation::bound`]) split
    /// over the independent pieces of the model ([`super::components`]):
    /// each piece's accounts and its own bound (one piece of every account
    /// when it was solved as one LP). A count that is whole per piece, like
    /// a rebalance's moves, rounds up piece by piece.
    pub piece_bounds: Vec<PieceBound>,
    pub cand: Vec<Vec<usize>>,
    /// Candidate reps plus each account's nearest eligible reps: the moves
    /// local search may try.
    pub neighbours: Vec<Vec<usize>>,
    pub lp_solves: usize,
    pub priced_pairs: usize,
}

impl Relaxation {
    /// Lower bound on the full LP optimum (scaled units): the restricted
    /// optimum, less the Lagrangian deficit when pricing stopped early,
    /// summed over the pieces.
    pub fn bound(&self) -> f64 {
        self.piece_bounds.iter().map(|piece| piece.bound).sum()
    }
}

/// One independent piece's accounts and its part of the relaxation's bound.
#[derive(Debug, Clone, PartialEq)]
pub struct PieceBound {
    pub accounts: Vec<usize>,
    pub bound: f64,
    /// Rebalance: fewest discretionary moves of the piece by whole
    /// accounts and group shifts ([`super::shift_floor`]); 0 when not
    /// computed.
    pub moves_floor: usize,
}

/// Why the relaxation has no balanced solution.
#[derive(Debug, Clone)]
pub struct Infeasibility {
    /// The feasibility LP at its optimum (minimum total slack).
    pub lp: LpResult,
}

/// Solve the relaxation; `Err(Infeasibility)` when no balanced plan exists.
#[cfg(test)]
pub fn solve_relaxation(
    p: &Problem,
    solver: &str,
    method: LpMethod,
    on_round: &(dyn Fn(&str) + Sync),
) -> Result<std::result::Result<Relaxation, Infeasibility>> {
    match solve_relaxation_within(p, solver, method, &Deadline::none(), on_round)? {
        Relaxed::Solved(r) => Ok(Ok(r)),
        Relaxed::Infeasible(i) => Ok(Err(i)),
        Relaxed::Stopped => Err(crate::Error::Solver(
            "a relaxation without a time limit stopped at one".into(),
        )),
    }
}

/// How a relaxation under a deadline ended.
#[derive(Debug)]
pub enum Relaxed {
    /// Solved, or stopped by the deadline after a restricted LP of the
    /// full model was solved (then its bound is that LP's Lagrangian bound).
    Solved(Relaxation),
    /// No balanced plan exists.
    Infeasible(Infeasibility),
    /// The deadline passed before any restricted LP of the full model was
    /// solved: no LP solution to round.
    Stopped,
}

/// Solve the relaxation, stopping at `deadline` with the last restricted
/// LP of the full model solved (see [`Relaxed`]). A model whose LP falls
/// into independent pieces ([`components`]) is solved piece by piece, side
/// by side; when a piece has no balanced plan, the whole model is solved
/// again so that the infeasibility is explained over every rep.
pub fn solve_relaxation_within(
    p: &Problem,
    solver: &str,
    method: LpMethod,
    deadline: &Deadline,
    on_round: &(dyn Fn(&str) + Sync),
) -> Result<Relaxed> {
    let pieces = components::pieces(p);
    if pieces.len() < 2 || method == LpMethod::Whole {
        return solve_as_one(p, solver, method, 0.0, deadline, on_round);
    }
    on_round(&format!(
        "{} independent pieces of {} accounts",
        pieces.len(),
        pieces
            .iter()
            .map(|piece| piece.accounts.len().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let floor = cost_floor(p);
    let solved: Vec<Result<Relaxed>> = pieces
        .par_iter()
        .enumerate()
        .map(|(k, piece)| {
            let sub = components::sub_problem(p, piece);
            let label = |msg: &str| on_round(&format!("piece {}: {msg}", k + 1));
            let own = deadline.for_piece();
            let share = piece.accounts.len() as f64 / p.num_accounts as f64;
            let allowance = BOUND_GAP * share * floor;
            let relaxed = solve_as_one(&sub, solver, method, allowance, &own, &label);
            deadline.absorb(&own);
            relaxed
        })
        .collect();
    let mut parts = Vec::with_capacity(pieces.len());
    for relaxed in solved {
        match relaxed? {
            Relaxed::Solved(part) => parts.push(part),
            Relaxed::Infeasible(_) => {
                return solve_as_one(p, solver, method, 0.0, deadline, on_round)
            }
            Relaxed::Stopped => return Ok(Relaxed::Stopped),
        }
    }
    Ok(Relaxed::Solved(components::merge(p, &pieces, parts)))
}

/// A lower bound on the cost part of the LP optimum: every account at its
/// cheapest eligible rep, with the distance at its chord bound (no
/// haversine). Summed in account order, so it does not depend on the
/// thread count.
pub(super) fn cost_floor(p: &Problem) -> f64 {
    let cheapest: Vec<f64> = (0..p.num_accounts)
        .into_par_iter()
        .map(|i| {
            p.eligible(i)
                .iter()
                .map(|&r| p.cost_at_km(i, r, p.km_lower_bound(i, r)))
                .fold(f64::INFINITY, f64::min)
        })
        .collect();
    cheapest.iter().filter(|c| c.is_finite()).sum()
}

/// [`solve_relaxation_within`] over one model as a single LP. Pricing stops
/// once the Lagrangian deficit is within [`BOUND_GAP`] of this model's
/// cost or within `allowance` (absolute, scaled units). A piece of a split
/// model gets its share (by accounts) of `BOUND_GAP` times a floor of the
/// whole model's cost: a piece whose own cost is small (SMB accounts of
/// low potential) would otherwise price on to a precision that moves the
/// whole bound by a few parts in a million, one interior-point solve of
/// its 42,000 accounts at a time (60,000 x 200). The deficits then add up
/// to at most `2 x BOUND_GAP` of the whole cost.
pub(super) fn solve_as_one(
    p: &Problem,
    solver: &str,
    method: LpMethod,
    allowance: f64,
    deadline: &Deadline,
    on_round: &(dyn Fn(&str) + Sync),
) -> Result<Relaxed> {
    let pool = start_candidates(p);
    let mut cand = match (method, coarse_problem(p)) {
        (LpMethod::Dual, _) => dual_core(p, &pool, on_round),
        (LpMethod::Columns | LpMethod::Whole, Some(coarse)) => {
            match coarse_core(p, &pool, &coarse, solver, deadline, on_round)? {
                Some(core) => core,
                None => return Ok(Relaxed::Stopped),
            }
        }
        (LpMethod::Columns | LpMethod::Whole, None) => {
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
    // The last restricted LP of the cost phase, for a deadline that passes
    // in the feasibility phase.
    let mut last_cost: Option<(LpResult, f64)> = None;
    loop {
        let phase = Phase::Cost { penalty };
        let priced = price_to_optimality(
            p,
            &mut cand,
            phase,
            Enough {
                gap: BOUND_GAP,
                allowance,
            },
            solver,
            Rounds {
                deadline,
                checkpoint: Checkpoint::LpRound,
            },
            &mut tally,
            on_round,
        )?;
        let (lp, deficit, complete) = match priced {
            Some(priced) => priced,
            None => match last_cost.take() {
                Some((lp, deficit)) => (lp, deficit, false),
                None => return Ok(Relaxed::Stopped),
            },
        };
        if lp.slack <= SLACK_TOL || !complete {
            if complete && std::env::var_os("TPLAN_DEBUG").is_some() {
                report_ties(p, &pool, &lp, on_round);
            }
            if !complete {
                // Stopped early, the LP kept may be an earlier round's:
                // its support must stay among the candidates.
                let support: Vec<(usize, usize)> = lp
                    .shares
                    .iter()
                    .enumerate()
                    .flat_map(|(i, s)| s.iter().map(move |&(r, _)| (i, r)))
                    .collect();
                add_pairs(&mut cand, &support);
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
            return Ok(Relaxed::Solved(Relaxation {
                piece_bounds: vec![PieceBound {
                    accounts: (0..p.num_accounts).collect(),
                    bound: lp.cost - deficit,
                    moves_floor: 0,
                }],
                lp,
                cand,
                neighbours,
                lp_solves: tally.lp_solves,
                priced_pairs: tally.priced_pairs,
            }));
        }
        let feasibility = price_to_optimality(
            p,
            &mut cand,
            Phase::Feasibility,
            Enough::EXACT,
            solver,
            Rounds {
                deadline,
                checkpoint: Checkpoint::LpRound,
            },
            &mut tally,
            on_round,
        )?;
        last_cost = Some((lp, deficit));
        let feas = match feasibility {
            Some((feas, _, true)) => feas,
            // Stopped before feasibility was decided: round the cost
            // phase's LP (slack and all) on the next pass.
            _ => continue,
        };
        if feas.slack > SLACK_TOL {
            return Ok(Relaxed::Infeasible(Infeasibility { lp: feas }));
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
fn dual_core(
    p: &Problem,
    pool: &[Vec<usize>],
    on_round: &(dyn Fn(&str) + Sync),
) -> Vec<Vec<usize>> {
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
fn report_ties(p: &Problem, pool: &[Vec<usize>], lp: &LpResult, on_round: &(dyn Fn(&str) + Sync)) {
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
    deadline: &Deadline,
    on_round: &(dyn Fn(&str) + Sync),
) -> Result<Option<Vec<Vec<usize>>>> {
    let c = &coarse.problem;
    on_round(&format!("coarse model of {} clusters", c.num_accounts));
    let mut cand = start_candidates(c);
    let mut tally = Tally::default();
    let phase = Phase::Cost {
        penalty: INITIAL_PENALTY,
    };
    let rounds = Rounds {
        deadline,
        checkpoint: Checkpoint::CoarseRound,
    };
    // The coarse model only seeds the full one: stopped, there is nothing
    // to round.
    let Some((lp, _, true)) = price_to_optimality(
        c,
        &mut cand,
        phase,
        Enough {
            gap: COARSE_BOUND_GAP,
            allowance: 0.0,
        },
        solver,
        rounds,
        &mut tally,
        on_round,
    )?
    else {
        return Ok(None);
    };
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
        // A rebalance keeps most accounts with today's owner (added by the
        // caller): its nearest rep would double the first LP's rows for
        // pairs pricing adds back where they pay.
        if p.move_weight.is_empty() {
            reps.push(p.nearest_eligible(i));
        }
        reps.sort_unstable();
        reps.dedup();
    }
    Ok(Some(core))
}

/// Is a balanced plan possible at these tolerances? (Feasibility LP with
/// pricing over all pairs.)
pub fn is_feasible(p: &Problem, solver: &str) -> Result<bool> {
    let mut cand = start_candidates(p);
    let mut tally = Tally::default();
    let deadline = Deadline::none();
    let rounds = Rounds {
        deadline: &deadline,
        checkpoint: Checkpoint::LpRound,
    };
    let Some((lp, _, _)) = price_to_optimality(
        p,
        &mut cand,
        Phase::Feasibility,
        Enough::EXACT,
        solver,
        rounds,
        &mut tally,
        &|_| {},
    )?
    else {
        return Err(crate::Error::Solver(
            "a feasibility LP without a time limit stopped at one".into(),
        ));
    };
    Ok(lp.slack <= SLACK_TOL)
}

/// LP solves and priced pairs, over all rounds of a relaxation.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    lp_solves: usize,
    priced_pairs: usize,
}

/// The deadline of a column generation and the checkpoint its rounds
/// report at.
#[derive(Clone, Copy)]
struct Rounds<'a> {
    deadline: &'a Deadline,
    checkpoint: Checkpoint,
}

/// When column generation may stop with pairs left to price: the
/// Lagrangian deficit within `gap` of the restricted LP's cost, or within
/// `allowance` (absolute).
#[derive(Debug, Clone, Copy)]
struct Enough {
    gap: f64,
    allowance: f64,
}

impl Enough {
    /// Price until no pair is left.
    const EXACT: Enough = Enough {
        gap: 0.0,
        allowance: 0.0,
    };
}

/// Column generation to optimality, or, in the cost phase of a balanced
/// LP, until the Lagrangian deficit is small `enough`. Returns the last
/// restricted LP, its deficit (0 when no pair prices negative), and
/// whether pricing finished; when the deadline stops it, the last LP
/// solved (`false`), or `None` when none was.
#[allow(clippy::too_many_arguments)]
fn price_to_optimality(
    p: &Problem,
    cand: &mut [Vec<usize>],
    phase: Phase,
    enough: Enough,
    solver: &str,
    rounds: Rounds<'_>,
    tally: &mut Tally,
    on_round: &(dyn Fn(&str) + Sync),
) -> Result<Option<(LpResult, f64, bool)>> {
    let mut kept: Vec<Vec<usize>> = vec![Vec::new(); p.num_accounts];
    let mut last: Option<(LpResult, f64)> = None;
    loop {
        let Some(lp) = solve_restricted_within(p, cand, phase, solver, rounds.deadline)? else {
            on_round("LP stopped by the time limit");
            return Ok(last.map(|(lp, deficit)| (lp, deficit, false)));
        };
        tally.lp_solves += 1;
        let pricing = price(p, cand, &lp, phase);
        let close_enough = matches!(phase, Phase::Cost { .. })
            && lp.slack <= SLACK_TOL
            && pricing.deficit <= (enough.gap * lp.cost.abs()).max(enough.allowance);
        let added = if close_enough { 0 } else { pricing.added.len() };
        on_round(&format!(
            "LP {}: {} columns, slack {:.4}, cost {:.6}, deficit {:.2e}, {} pairs priced in",
            tally.lp_solves, lp.columns, lp.slack, lp.cost, pricing.deficit, added
        ));
        if added == 0 {
            return Ok(Some((lp, pricing.deficit, true)));
        }
        if rounds.deadline.passed(rounds.checkpoint) {
            on_round("column generation stopped by the time limit");
            return Ok(Some((lp, pricing.deficit, false)));
        }
        add_pairs(cand, &pricing.added);
        add_pairs(&mut kept, &pricing.added);
        tally.priced_pairs += added;
        drop_unattractive(p, cand, &kept, &lp, phase);
        last = Some((lp, pricing.deficit));
    }
}
