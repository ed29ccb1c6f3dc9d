//! The territory model: balance groups, candidate pairs, the LP with pricing
//! of missing pairs, rounding and repair, and independent verification.
//!
//! Entry point: [`plan_territories`]. The model sees only domain types.

use rayon::prelude::*;
use serde::Serialize;

mod candidates;
mod coarse;
mod compactness;
mod components;
mod cuts;
pub mod deadline;
mod dual;
mod infeasible;
mod lp;
mod pinned;
mod problem;
mod purify;
mod relax;
mod repair;
mod round;
mod shift_floor;
pub mod solver;
pub mod verify;
mod warm;

use std::time::Instant;

use crate::model::{Assignment, Dataset, PartSplit, Plan, PlanStatus, Reason, RepBalance};
pub use crate::progress::Progress;
use crate::{Error, Result};
use deadline::Deadline;
use problem::Problem;
pub use problem::KM_SCALE;
use relax::Relaxed;
use repair::LocalSearch;

pub use deadline::{Stage, TimeLimit, TimeLimitReport};
pub use infeasible::money;
pub use relax::{LpMethod, PieceBound};

/// Options of a planning run that are not part of the plan config.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// LP backend name (`clarabel`, or `highs` when built in).
    pub solver: String,
    /// The command's progress on stderr (a spinner on a terminal, one line
    /// per phase with the elapsed time otherwise), or [`Progress::off`].
    pub progress: Progress,
    /// `--time-limit`: stop the LP and the improvement when it runs out
    /// (see [`deadline`]); `None`: no limit.
    pub time_limit: Option<TimeLimit>,
}

/// Environment variable that picks the [`LpMethod`] of `tplan plan`.
pub const LP_METHOD_VAR: &str = "TPLAN_LP";

impl LpMethod {
    /// The method named by `TPLAN_LP`: `columns` (the default, also when
    /// unset or empty), `whole` or `dual`.
    pub fn from_env() -> Result<LpMethod> {
        let value = std::env::var(LP_METHOD_VAR).unwrap_or_default();
        match value.as_str() {
            "" | "columns" => Ok(LpMethod::Columns),
            "whole" => Ok(LpMethod::Whole),
            "dual" => Ok(LpMethod::Dual),
            other => Err(Error::Usage(format!(
                "{LP_METHOD_VAR}='{other}' is not an LP method; expected columns, whole or dual"
            ))),
        }
    }

    fn name(self) -> &'static str {
        match self {
            LpMethod::Columns => "columns",
            LpMethod::Whole => "whole",
            LpMethod::Dual => "dual",
        }
    }
}

/// How the solve went, for the manifest and the summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SolveStats {
    pub solver: String,
    /// How the LP's column generation started: `columns` (coarse model)
    /// or `dual` (reduced-cost fixing under Lagrangian prices).
    pub lp_method: String,
    /// LP solves, including the pricing rounds.
    pub lp_solves: usize,
    /// Pairs (account, rep) allowed by segments and locks.
    pub eligible_pairs: usize,
    /// Pairs in the final restricted LP.
    pub candidate_pairs: usize,
    /// Pairs added by pricing (negative reduced cost) over all rounds.
    pub priced_pairs: usize,
    /// Optimal value of the LP relaxation.
    pub lp_objective: f64,
    /// Accounts the LP optimum split between reps, after purification.
    pub split_accounts: usize,
    /// Roundings of the LP optimum that were repaired and improved.
    pub rounding_starts: usize,
    /// The rounding whose plan was kept (lowest cost within tolerance).
    pub rounding_kept: String,
    /// Single moves and swaps made to restore balance after rounding.
    pub repair_moves: usize,
    /// Moves and swaps that lowered the objective within tolerance.
    pub improve_moves: usize,
    /// `--time-limit` and what it did; the manifest shows it at its top
    /// level, only when a limit was given.
    #[serde(skip)]
    pub time_limit: Option<TimeLimitReport>,
    /// Named stage timings in seconds, in run order. Not serialised with
    /// the rest: the manifest keeps run-dependent figures under `timings`.
    #[serde(skip)]
    pub timings: Vec<(String, f64)>,
}

/// A verified plan plus how it was found and what it replaces.
#[derive(Debug, Clone)]
pub struct PlanOutcome {
    pub plan: Plan,
    pub stats: SolveStats,
    /// Balance of the current owners (accounts with an owner only), if any
    /// account has one.
    pub status_quo: Option<Vec<RepBalance>>,
}

/// Solve the territory model for a validated dataset.
///
/// With `[[segment_share]]`, the model is solved and verified over the
/// reps' capacity parts ([`PartSplit`]) and the plan is reported per rep,
/// with each part's figures in `Plan::segment_parts`.
///
/// The LP method comes from `TPLAN_LP` ([`LpMethod::from_env`]).
pub fn plan_territories(dataset: &Dataset, options: &PlanOptions) -> Result<PlanOutcome> {
    plan_territories_with(dataset, options, LpMethod::from_env()?)
}

/// [`plan_territories`] with the LP method given.
pub fn plan_territories_with(
    dataset: &Dataset,
    options: &PlanOptions,
    method: LpMethod,
) -> Result<PlanOutcome> {
    let mut outcome = match PartSplit::of(dataset) {
        None => plan_whole_reps(dataset, options, method)?,
        Some(split) => {
            let mut outcome = match plan_whole_reps(&split.dataset, options, method) {
                Err(Error::Infeasible(text)) => {
                    return Err(Error::Infeasible(with_part_notes(dataset, &split, text)))
                }
                other => other?,
            };
            outcome.plan = plan_over_reps(dataset, &split, outcome.plan)?;
            outcome
        }
    };
    // Today's owners are reps, not parts: measured on the data as given.
    outcome.status_quo = status_quo(dataset);
    Ok(outcome)
}

/// An infeasibility explanation over parts, with a note on each part it
/// names: which rep and rule it comes from, and that its share is a lever.
fn with_part_notes(ds: &Dataset, split: &PartSplit, mut text: String) -> String {
    for (p, part) in split.dataset.reps.iter().enumerate() {
        let Some((segment, share)) = &split.part_share[p] else {
            continue;
        };
        if !text.contains(part.id.as_str()) {
            continue;
        }
        let rep = &ds.reps[split.part_rep[p]];
        let rule = ds.rules.shares[split.part_rep[p]]
            .as_ref()
            .map_or("", |s| s.rule.as_str());
        text.push_str(&format!(
            "\n{} is the {segment} part of {}: [[segment_share]] '{rule}' gives it {} % of \
             its {} FTE; a larger {segment} share (or fewer accounts pinned to it) may make \
             the plan feasible",
            part.id,
            rep.id,
            (share * 1e4).round() / 100.0,
            rep.capacity
        ));
    }
    text
}

/// A plan over parts restated over reps, checked again against the rules
/// as the user wrote them (`plan` and `rebalance`).
pub fn plan_over_reps(ds: &Dataset, split: &PartSplit, parts_plan: Plan) -> Result<Plan> {
    let part_owner: Vec<usize> = parts_plan.assignments.iter().map(|a| a.rep).collect();
    let owner = split.rep_owners(&part_owner);
    if let Some(v) = verify::rule_violations(ds, &owner).first() {
        return Err(Error::Solver(format!(
            "internal error: the plan breaks a hard rule ({v:?}) and was not written"
        )));
    }
    let assignments = parts_plan
        .assignments
        .into_iter()
        .map(|a| {
            let rep = split.part_rep[a.rep];
            let previous_rep = a.previous_rep.map(|p| split.part_rep[p]);
            Assignment {
                rep,
                previous_rep,
                moved: previous_rep.is_some_and(|prev| prev != rep),
                ..a
            }
        })
        .collect();
    Ok(Plan {
        assignments,
        balance: split.rep_balances(ds, &parts_plan.balance),
        compactness: compactness_of(ds, &owner),
        segment_parts: split.segment_parts(&parts_plan.balance),
        ..parts_plan
    })
}

/// [`plan_territories`] for a dataset whose reps are all whole (the caller
/// fills in the status quo).
fn plan_whole_reps(
    dataset: &Dataset,
    options: &PlanOptions,
    method: LpMethod,
) -> Result<PlanOutcome> {
    solve_whole_reps(dataset, Problem::new(dataset), options, method).map(|(outcome, _)| outcome)
}

/// The rebalance model: `plan`'s model and rules, plus `move_weight[i]`
/// (scaled cost units) for taking account `i` from its current owner and
/// the distance scaled by `distance_weight`. Returns the verified plan and
/// the LP relaxation's lower bound on the model's objective, in the same
/// scaled units as the weights, piece by independent piece. With
/// `[[segment_share]]` the caller passes the parts dataset and restates
/// the plan ([`plan_over_reps`]).
pub fn plan_rebalance(
    dataset: &Dataset,
    options: &PlanOptions,
    move_weight: Vec<f64>,
    distance_weight: f64,
) -> Result<(PlanOutcome, Vec<PieceBound>)> {
    let mut problem = Problem::new(dataset);
    problem.move_weight = move_weight;
    problem.distance_weight = distance_weight;
    problem.move_cuts = cuts::move_cuts(&problem);
    if std::env::var_os("TPLAN_DEBUG").is_some() {
        for (r, (take, give)) in problem
            .move_cuts
            .take_in
            .iter()
            .zip(&problem.move_cuts.give_out)
            .enumerate()
            .filter(|(_, (t, g))| !t.is_empty() || !g.is_empty())
        {
            eprintln!("cover cuts of rep {r}: take in {take:?}, give out {give:?}");
        }
    }
    let (mut outcome, pieces) = solve_whole_reps(dataset, problem, options, LpMethod::from_env()?)?;
    outcome.status_quo = status_quo(dataset);
    Ok((outcome, pieces))
}

/// [`shift_floor::fewest_moves`] over every account of `dataset` with
/// these move weights: the floor of one piece made of the whole model
/// (valid for any set of accounts closed under their groups).
#[cfg(test)]
pub(crate) fn whole_account_floor(dataset: &Dataset, move_weight: Vec<f64>) -> usize {
    let mut p = Problem::new(dataset);
    p.move_weight = move_weight;
    let all: Vec<usize> = (0..p.num_accounts).collect();
    shift_floor::fewest_moves(&p, &all)
}

/// A single-owner plan (`owner[i]` is account `i`'s rep index) verified
/// and described like the planner's own, with `lp_bound` as its bound.
pub fn plan_of_owners(ds: &Dataset, owner: &[usize], lp_bound: f64) -> Result<Plan> {
    build_plan(ds, &Problem::new(ds), owner, lp_bound)
}

/// Scaled potential (1 = one FTE's fair share) and its currency unit.
pub fn scaled_potential(ds: &Dataset) -> (Vec<f64>, f64) {
    let p = Problem::new(ds);
    (p.pot, p.pot_unit)
}

/// Eligible reps of every account under the rules (locks, named lists,
/// segments, restrictions), reps with capacity only.
pub fn eligible_reps(ds: &Dataset) -> Vec<Vec<usize>> {
    let p = Problem::new(ds);
    (0..p.num_accounts)
        .map(|i| p.eligible(i).to_vec())
        .collect()
}

/// [`plan_whole_reps`] on a prepared model; also returns the LP bound in
/// the model's scaled cost units.
fn solve_whole_reps(
    dataset: &Dataset,
    problem: Problem,
    options: &PlanOptions,
    method: LpMethod,
) -> Result<(PlanOutcome, Vec<PieceBound>)> {
    solver::check_solver(&options.solver)?;
    let mut stats = SolveStats {
        solver: options.solver.clone(),
        ..SolveStats::default()
    };
    let mut clock = Instant::now();
    let mut lap = |name: &str, stats: &mut SolveStats| {
        stats
            .timings
            .push((name.to_string(), clock.elapsed().as_secs_f64()));
        clock = Instant::now();
    };

    stats.eligible_pairs = (0..problem.num_accounts)
        .map(|i| problem.eligible(i).len())
        .sum();
    lap("model", &mut stats);

    let progress = &options.progress;
    progress.phase("solving the LP relaxation");
    let verbose = std::env::var_os("TPLAN_DEBUG").is_some();
    stats.lp_method = method.name().to_string();
    let deadline = Deadline::new(options.time_limit);
    let relaxed =
        relax::solve_relaxation_within(&problem, &options.solver, method, &deadline, &|msg| {
            if verbose {
                eprintln!("{msg}");
            }
            progress.say(msg)
        })?;
    let relaxation = match relaxed {
        Relaxed::Solved(r) => r,
        Relaxed::Infeasible(infeasible) => {
            progress.phase("searching the smallest feasible tolerances");
            let text = infeasible::explain(dataset, &problem, &infeasible.lp, &options.solver)?;
            return Err(Error::Infeasible(text));
        }
        Relaxed::Stopped => {
            let seconds = options.time_limit.map_or(0.0, |t| t.seconds);
            return Err(Error::TimeLimit(format!(
                "--time-limit {} s ran out during the LP relaxation, before any plan was found",
                deadline::seconds_text(seconds)
            )));
        }
    };
    let lp_stopped = deadline.fired().is_some();
    lap("lp", &mut stats);
    stats.lp_solves = relaxation.lp_solves;
    stats.priced_pairs = relaxation.priced_pairs;
    stats.candidate_pairs = relaxation.cand.iter().map(Vec::len).sum();
    stats.lp_objective = relaxation.bound() * problem.pot_unit * KM_SCALE;

    progress.phase("rounding and repairing");
    let support = round::optimal_support(&problem, &relaxation.lp);
    let t = Instant::now();
    let (vertex, ps) = purify::purify(&problem, &support);
    stats.split_accounts = ps.split_after;
    if verbose {
        eprintln!(
            "purified in {:.2}s: split {} -> {}, {} steps, cost change {:.3e}, violation {:.3e} -> {:.3e}",
            t.elapsed().as_secs_f64(),
            ps.split_before,
            ps.split_after,
            ps.steps,
            ps.cost_change,
            ps.violation_before,
            ps.violation_after
        );
    }
    // Two roundings, each repaired and improved, side by side on the two
    // cores; the better single-owner plan wins (within tolerance first,
    // then lower cost). Largest-share rounding does best when few accounts
    // are split; band-aware rounding when lumpy accounts make largest-share
    // rounding break the bands by many fair shares.
    let by_share = round::round_shares(&problem, &vertex);
    let by_band = round::round_tracking_loads(&problem, &vertex);
    let search = |owner: Vec<usize>, what: &str| -> LocalSearch {
        let mut search = LocalSearch::new(
            &problem,
            &relaxation.neighbours,
            owner,
            relaxation.lp.price.clone(),
        );
        let t = Instant::now();
        let rounded = search.total_violation();
        search.repair();
        let repaired = t.elapsed().as_secs_f64();
        search.improve(&deadline);
        if search.total_violation() > 0.0 {
            search.repair();
        }
        if verbose {
            eprintln!(
                "{what}: violation {rounded:.6} after rounding; repaired in {repaired:.2}s, \
                 improved in {:.2}s: cost {:.6} violation {:.6} (lp {:.6}, bound {:.6})",
                t.elapsed().as_secs_f64() - repaired,
                search.total_cost(),
                search.total_violation(),
                relaxation.lp.cost,
                relaxation.bound()
            );
        }
        search
    };
    // Out of time, the two plain roundings only.
    let pinned = if lp_stopped {
        None
    } else {
        let t = Instant::now();
        let pinned = pinned::pinned_rounding(
            &problem,
            &relaxation.cand,
            &vertex,
            &by_band,
            &options.solver,
            &deadline,
        )?;
        if verbose {
            eprintln!("pinned rounding in {:.2}s", t.elapsed().as_secs_f64());
        }
        pinned
    };
    let extra = if lp_stopped {
        0
    } else {
        extra_rounding_starts(&problem)
    };
    let search_all = |starts: Vec<(Vec<usize>, String)>| -> Vec<(LocalSearch, String)> {
        starts
            .into_par_iter()
            .map(|(owner, what)| (search(owner, &format!("{what} rounding")), what))
            .collect()
    };
    let pinned_name = "LP-pinned".to_string();
    let mut plain = vec![
        (by_share, "largest share".to_string()),
        (by_band, "band-aware".to_string()),
    ];
    for seed in 1..=extra as u64 {
        let owner = round::round_tracking_loads_seeded(&problem, &vertex, seed);
        plain.push((owner, format!("band-aware, seed {seed}")));
    }
    // A large plan repairs the pinned rounding alone: plain roundings
    // leave several fair shares of violation there, and repairing them
    // took up to minutes for a worse plan. They remain the fallback when
    // the pinned start cannot be balanced. A small plan tries every start,
    // and so does a rebalance, whose objective counts moves: there the
    // pinned start alone moved more accounts (400 against 345 at 60,000 x
    // 200, docs/solvers.md).
    let rebalance = !problem.move_weight.is_empty();
    let mut searched = match pinned {
        Some(owner) if extra == 0 && !rebalance => {
            stats.rounding_starts = 1;
            let searched = search_all(vec![(owner, pinned_name)]);
            if searched[0].0.total_violation() > 0.0 {
                stats.rounding_starts += plain.len();
                searched.into_iter().chain(search_all(plain)).collect()
            } else {
                searched
            }
        }
        pinned => {
            plain.extend(pinned.map(|owner| (owner, pinned_name)));
            stats.rounding_starts = plain.len();
            search_all(plain)
        }
    };
    if rebalance {
        consolidate_best(&mut searched, &deadline, verbose);
    }
    let (best, kept) = searched.swap_remove(ranked(&searched)[0]);
    stats.rounding_kept = kept;
    stats.repair_moves = best.stats.repair_moves;
    stats.improve_moves = best.stats.improve_moves;
    stats.time_limit = deadline.report();
    let owner = best.owner;
    lap("round_repair", &mut stats);
    progress.phase("verifying the plan");

    let plan = build_plan(dataset, &problem, &owner, stats.lp_objective)?;
    lap("verify", &mut stats);
    let mut pieces = relaxation.piece_bounds;
    if rebalance {
        set_moves_floors(&problem, &mut pieces, verbose);
    }
    Ok((
        PlanOutcome {
            plan,
            stats,
            status_quo: None,
        },
        pieces,
    ))
}

/// Rebalance: each piece's whole-account floor on its moves
/// ([`shift_floor::fewest_moves`]).
fn set_moves_floors(problem: &Problem, pieces: &mut [PieceBound], verbose: bool) {
    for piece in pieces {
        piece.moves_floor = shift_floor::fewest_moves(problem, &piece.accounts);
        if verbose {
            eprintln!(
                "piece of {} accounts: LP bound {:.4}, whole-account floor {} moves",
                piece.accounts.len(),
                piece.bound,
                piece.moves_floor
            );
        }
    }
}

/// Searched plans best first: (violation left, cost), so a plan within
/// tolerance beats any that is not; on a tie the earlier start wins,
/// whatever order the threads finished in.
fn ranked(searched: &[(LocalSearch, String)]) -> Vec<usize> {
    let scores: Vec<(u8, f64)> = searched
        .iter()
        .map(|(s, _)| (u8::from(s.total_violation() > 0.0), s.total_cost()))
        .collect();
    let mut order: Vec<usize> = (0..searched.len()).collect();
    order.sort_by(|&a, &b| {
        let (sa, sb) = (scores[a], scores[b]);
        sa.0.cmp(&sb.0).then(sa.1.total_cmp(&sb.1)).then(a.cmp(&b))
    });
    order
}

/// Rebalance: the best [`CONSOLIDATED_STARTS`] plans replace pairs of
/// moves by single ones, and triples by pairs
/// ([`LocalSearch::consolidate_moves`]), side by side, then improve
/// again. Only the best few: on the sample's 636 moves each plan's pairs
/// took about 0.5 s, and 16 starts made the rebalance 30 times slower for
/// the same result.
const CONSOLIDATED_STARTS: usize = 2;

fn consolidate_best(searched: &mut [(LocalSearch, String)], deadline: &Deadline, verbose: bool) {
    let mut best = ranked(searched);
    best.truncate(CONSOLIDATED_STARTS);
    searched
        .par_iter_mut()
        .enumerate()
        .filter(|(k, _)| best.contains(k))
        .for_each(|(_, (search, what))| {
            let t = Instant::now();
            let before = search.total_cost();
            if search.consolidate_moves(deadline) > 0 {
                search.improve(deadline);
            }
            if verbose {
                eprintln!(
                    "{what} rounding: {} exchanges of moves for fewer in {:.2}s, cost {before:.6} -> {:.6}",
                    search.stats.consolidated,
                    t.elapsed().as_secs_f64(),
                    search.total_cost()
                );
            }
        });
}

/// Seeded band-aware roundings tried on top of the two plain ones.
/// Repair lands in a different local optimum from each rounding, and on
/// the sample the best of 16 starts is 0.61 % above the LP bound where the
/// two plain ones reach 0.91 % (measured 2026-11-23). Each start costs one
/// repair and improvement, which on 2 cores is about the LP's own time at
/// 6,000 x 40; above this size the starts would eat the time targets
/// (at 10,000 x 100 six more starts took 0.9 s for 0.03 points of gap).
const SMALL_PLAN_PAIRS: usize = 400_000;
const SMALL_PLAN_EXTRA_STARTS: usize = 14;

fn extra_rounding_starts(p: &Problem) -> usize {
    if p.num_accounts * p.num_reps <= SMALL_PLAN_PAIRS {
        SMALL_PLAN_EXTRA_STARTS
    } else {
        0
    }
}

/// Verify a single-owner plan independently and attach figures and reasons.
fn build_plan(ds: &Dataset, problem: &Problem, owner: &[usize], lp_bound: f64) -> Result<Plan> {
    let broken = verify::rule_violations(ds, owner);
    if let Some(v) = broken.first() {
        // The planner only ever assigns eligible pairs: this is a bug.
        return Err(Error::Solver(format!(
            "internal error: the plan breaks a hard rule ({v:?}) and was not written"
        )));
    }
    let some_owner: Vec<Option<usize>> = owner.iter().map(|&r| Some(r)).collect();
    let balance = verify::whole_rep_balances(ds, &some_owner);
    let status = if balance.iter().all(|b| b.within_tolerance) {
        PlanStatus::Balanced
    } else {
        PlanStatus::OutsideTolerance
    };
    // The model's objective: distance plus the continuity charge, less the
    // `[[prefer]]` credit (both 0 unless configured), the same quantity the
    // LP bound bounds.
    let objective = verify::objective(ds, owner) + verify::continuity_cost(ds, owner)
        - verify::preference_credit(ds, owner);
    let gap = if lp_bound > 0.0 {
        (objective - lp_bound) / lp_bound
    } else {
        0.0
    };
    // Each account's reason searches its nearest eligible rep (a haversine
    // per eligible rep): seconds at 100,000 accounts on one core. Indexed
    // collect keeps the accounts' order whatever the thread count.
    let assignments = owner
        .par_iter()
        .enumerate()
        .map(|(i, &r)| assignment(ds, problem, i, r))
        .collect();
    let compactness =
        compactness::compactness(problem, owner, ds.config.compactness.outlier_margin_km);
    Ok(Plan {
        assignments,
        balance,
        compactness,
        segment_parts: Vec::new(),
        status,
        objective,
        lp_bound,
        gap,
    })
}

fn assignment(ds: &Dataset, p: &Problem, i: usize, r: usize) -> Assignment {
    let previous_rep = p.current[i];
    let distance_km = p.km(i, r);
    Assignment {
        account: i,
        rep: r,
        distance_km,
        previous_rep,
        moved: previous_rep.is_some_and(|prev| prev != r),
        reason: reason(ds, p, i, r, previous_rep),
    }
}

/// Why account `i` went to rep `r`, from the data, the rules and distances.
fn reason(ds: &Dataset, p: &Problem, i: usize, r: usize, previous_rep: Option<usize>) -> Reason {
    let a = &ds.accounts[i];
    if a.locked {
        return Reason::Locked;
    }
    if let Some(Some((_, list))) = ds.rules.named.get(i) {
        return Reason::Named { list: list.clone() };
    }
    let distance_km = p.km(i, r);
    let nearest = p.nearest_eligible(i);
    // The nearest rep the segments allow, before any rule narrowed them:
    // the nearest eligible rep itself when no rule is in force.
    let by_segment = if !p.has_rules {
        Some(nearest)
    } else {
        (0..ds.reps.len())
            .filter(|&s| ds.reps[s].capacity > 0.0 && ds.reps[s].covers(a.segment.as_deref()))
            .min_by(|&x, &y| p.km(i, x).total_cmp(&p.km(i, y)).then(x.cmp(&y)))
    };
    let extra_km = distance_km - p.km(i, nearest);
    if let Some(s) = by_segment {
        let over_segment = distance_km - p.km(i, s);
        if over_segment <= 1e-9 {
            return Reason::Nearest;
        }
        if let Some((_, name)) = ds.rules.preference(i, r) {
            if p.preference_km(i, r, distance_km) > 0.0 && extra_km > 1e-9 {
                return Reason::Rule {
                    name: name.to_string(),
                    extra_km: over_segment,
                };
            }
        }
        if extra_km <= 1e-9 {
            if let Some(rule) = ds.rules.excluding_rule(ds, i, s) {
                return Reason::Rule {
                    name: rule.to_string(),
                    extra_km: over_segment,
                };
            }
        }
    }
    if nearest == r || extra_km <= 1e-9 {
        Reason::Nearest
    } else if p.move_km > 0.0 && previous_rep == Some(r) && extra_km < p.move_km {
        Reason::Continuity { extra_km }
    } else {
        Reason::Balance { extra_km }
    }
}

/// Compactness per rep of any single-owner plan (`owner[i]` is account
/// `i`'s rep index), with the configured outlier margin.
pub fn compactness_of(ds: &Dataset, owner: &[usize]) -> Vec<crate::model::Compactness> {
    compactness::compactness(
        &Problem::new(ds),
        owner,
        ds.config.compactness.outlier_margin_km,
    )
}

/// Balance of today's owners, when any account has one.
fn status_quo(ds: &Dataset) -> Option<Vec<RepBalance>> {
    let owners = ds.current_owner_indices();
    owners
        .iter()
        .any(Option::is_some)
        .then(|| verify::rep_balances(ds, &owners))
}

/// Each account to its nearest eligible rep (locks and rules kept): the distance-only plan.
pub fn nearest_owners(ds: &Dataset) -> Vec<usize> {
    let p = Problem::new(ds);
    (0..p.num_accounts)
        .into_par_iter()
        .map(|i| p.nearest_eligible(i))
        .collect()
}
