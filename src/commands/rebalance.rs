//! `tplan rebalance DIR [--out OUT] [--config FILE] [--max-moves N]
//! [--max-moved-potential PCT] [--effective YYYY-MM-DD]`: the fewest
//! account moves that restore balance mid-year, with the LP's lower bound
//! on the moves any balanced plan needs.
//!
//! Stages: load and validate the inputs (accounts with `current_owner`,
//! reps, optional `deals.csv`), apply departures as of the effective date,
//! solve the rebalance model ([`crate::rebalance::model`]), keep within a
//! move budget when one is set ([`crate::rebalance::frontier`]); with
//! `[[segment_share]]` over the reps' capacity parts, restated over reps
//! ([`crate::rebalance::parts`]); verify,
//! and write the plan folder (assignments.csv in `plan`'s form, so
//! `report`, `explain`, `quota` and the CRM exports work on it) plus
//! moves.csv, rebalance_summary.csv, frontier.csv, grandfathered.csv and
//! the manifest's `rebalance` section. Nothing is written on bad input; a
//! plan that cannot be balanced within the budget is written with status
//! `OutsideTolerance` and the run exits 1.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::NaiveDate;
use serde_json::json;

use crate::model::{PartSplit, PlanStatus, RepBalance};
use crate::output::format::{fixed, thousands};
use crate::output::rebalance::{rebalance_files, RebalanceFiles};
use crate::output::{self, manifest, ManifestFile, RunClock, RunInfo, StagedDir};
use crate::progress::Progress;
use crate::rebalance::frontier::{Budget, Frontier, FrontierPoint};
use crate::rebalance::grandfathering::{grandfathered, Grandfathered};
use crate::rebalance::{model, prepare, AccountKind, Origin, Setup};
use crate::territory::{self, verify};
use crate::{io, quota, Error, InputProblem, Result};

/// Arguments of `tplan rebalance`.
#[derive(Debug, Clone)]
pub struct RebalanceOptions {
    pub dir: PathBuf,
    pub out: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub solver: String,
    /// Write the charts, report.html, GeoJSON and CRM exports too.
    pub report: bool,
    /// `--max-moves`: overrides `[rebalance] max_moves`.
    pub max_moves: Option<usize>,
    /// `--max-moved-potential`: overrides `[rebalance] max_moved_potential_pct`.
    pub max_moved_potential_pct: Option<f64>,
    /// `--effective`: overrides `[rebalance] effective_date`.
    pub effective: Option<NaiveDate>,
    /// `--time-limit`: seconds from the start of the run (see
    /// [`territory::deadline`]).
    pub time_limit: Option<f64>,
}

/// The move budget in force: accounts and potential taken from active
/// owners, rule-forced moves included.
#[derive(Debug, Clone, Copy, Default)]
struct Limits {
    max_moves: Option<usize>,
    max_potential_pct: Option<f64>,
}

/// Run the rebalance end to end, recording this process's command line.
pub fn run(options: &RebalanceOptions) -> Result<()> {
    run_with_command(options, super::plan::command_line())
}

/// Run the rebalance end to end; `command` is written to the manifest.
pub fn run_with_command(options: &RebalanceOptions, command: Vec<String>) -> Result<()> {
    let started = Instant::now();
    let progress = Progress::stderr(started);
    progress.phase("reading the inputs");
    let mut loaded = io::load_dataset(&options.dir, options.config.as_deref())?;
    for w in &loaded.warnings {
        progress.note(&format!("warning: {w}"));
    }
    let config = &loaded.dataset.config.rebalance;
    let effective = options.effective.or_else(|| config.effective());
    let limits = Limits {
        max_moves: options.max_moves.or(config.max_moves),
        max_potential_pct: options
            .max_moved_potential_pct
            .or(config.max_moved_potential_pct),
    };
    if let Some(p) = limits.max_potential_pct {
        if !(p.is_finite() && (0.0..=100.0).contains(&p)) {
            return Err(Error::Usage(format!(
                "--max-moved-potential {p}: expected a percentage between 0 and 100"
            )));
        }
    }
    let deals = io::load_deals(&options.dir, &loaded.dataset)?;
    let deals = match deals {
        Some((deals, input)) => {
            loaded.inputs.push(input);
            deals
        }
        None => Vec::new(),
    };
    let accounts_file = options.dir.join(io::ACCOUNTS_FILE).display().to_string();
    let reps_file = options.dir.join(io::REPS_FILE).display().to_string();
    // Balanced like `plan`: late starters on the months they work.
    let planning = crate::model::planning_view(&loaded.dataset);
    let setup = prepare(
        planning.as_ref().unwrap_or(&loaded.dataset),
        effective,
        deals,
        Origin {
            accounts_file: &accounts_file,
            reps_file: &reps_file,
            account_lines: &loaded.account_lines,
            rep_lines: &loaded.rep_lines,
        },
    )?;
    check_budget_covers_forced(&setup, limits)?;
    // With [[segment_share]] the model runs over the reps' capacity parts
    // (crate::rebalance::parts); outputs are restated over reps.
    let split = PartSplit::of(&setup.dataset);
    let part_setup = split.as_ref().map(|s| setup.over_parts(s)).transpose()?;
    let model_setup = part_setup.as_ref().unwrap_or(&setup);
    let load = manifest::seconds(started.elapsed());

    // As `plan`: one run at a time on an output folder.
    let super::OutputClaim {
        out,
        protected,
        lock: _lock,
        ..
    } = super::claim_output(
        &options.dir,
        options.out.as_deref(),
        &loaded,
        options.config.as_deref(),
    )?;

    let solve_started = Instant::now();
    let solved = model::solve(
        model_setup,
        &super::planner_options(&options.solver, &progress, options.time_limit, started),
    )
    .map_err(|e| super::nothing_written(e, &out))?;
    progress.phase("choosing the moves");
    let (solved, full_owner) = undo_spare_moves(model_setup, solved)?;
    let frontier = Frontier::new(model_setup, &full_owner);
    let mut points = frontier.series(solved.moves);
    let mut outcome = solved.outcome.clone();
    let budget_binding = !within_limits(model_setup, &full_owner, limits);
    // The closest plan within a binding budget: its total band violation
    // and the least any plan within the budget's moves can have.
    let mut closest: Option<(f64, f64)> = None;
    if budget_binding {
        let budget = discretionary_budget(model_setup, limits);
        let owner = frontier.within(budget);
        let violation = frontier.violation(&owner);
        let moves = budget.moves.min(model_setup.staying());
        closest = Some((
            violation,
            frontier.violation_bounds(&[moves], std::slice::from_ref(&owner))[0],
        ));
        outcome.plan = territory::plan_of_owners(&model_setup.dataset, &owner, 0.0)?;
        model::describe_distance(model_setup, &mut outcome);
    }
    if let (Some(split), Some(parts)) = (&split, &part_setup) {
        let part_moves = parts.discretionary_moves(&model::owners(&outcome));
        outcome.plan = territory::plan_over_reps(&setup.dataset, split, outcome.plan)?;
        outcome.status_quo = Some(verify::rep_balances(&setup.dataset, &setup.before_owners()));
        if setup.discretionary_moves(&model::owners(&outcome)) != part_moves {
            return Err(Error::Solver(
                "internal error: the rebalance counts other moves over reps than over \
                 segment-share parts and was not written"
                    .to_string(),
            ));
        }
        points = points
            .into_iter()
            .map(|p| crate::rebalance::parts::point_over_reps(&setup, split, p))
            .collect();
    }
    let owner = model::owners(&outcome);
    if let Some(v) = verify::rule_violations(&setup.dataset, &owner).first() {
        return Err(Error::Solver(format!(
            "internal error: the rebalance breaks a hard rule ({v:?}) and was not written"
        )));
    }
    let moves = setup.discretionary_moves(&owner);
    let gf = grandfathered(
        &setup.dataset,
        &setup.deals,
        &owner,
        &setup.departed,
        setup.effective,
        setup.dataset.config.rebalance.transition_months,
    );
    let before = verify::rep_balances(&setup.dataset, &setup.before_owners());
    let config_label = super::config_label(&options.dir, options.config.as_deref());
    let quotas = rest_of_year_quotas(&loaded.dataset, &setup, &owner)
        .map_err(|e| super::name_config_file(e, &config_label))?;
    let solve = manifest::seconds(solve_started.elapsed());

    let files = RebalanceFiles {
        setup: &setup,
        owner: &owner,
        before: &before,
        after: &outcome.plan.balance,
        grandfathered: &gf,
        frontier: &points,
        quotas: quotas.as_deref(),
    };
    let mut section =
        manifest_section(&setup, &solved, moves, limits, budget_binding, &gf, &points);
    if let Some((violation, bound)) = closest {
        section["closest_plan_violation"] = json!(violation);
        section["closest_plan_violation_bound"] = json!(bound);
    }
    let run = RunInfo {
        command,
        inputs: loaded
            .inputs
            .iter()
            .map(|f| ManifestFile {
                path: f.path.clone(),
                sha256: f.sha256.clone(),
                bytes: f.bytes,
            })
            .collect(),
        warnings: loaded.warnings.iter().map(ToString::to_string).collect(),
        solver: options.solver.clone(),
    };
    let mut protected = protected;
    protected.push(options.dir.join(io::DEALS_FILE));
    let staged = StagedDir::create(&out, &options.dir, &protected)?;
    output::write_plan_folder_extra(
        staged,
        &setup.dataset,
        &outcome,
        None,
        &run,
        RunClock {
            started,
            load,
            solve,
        },
        output::WriteOptions {
            report: options.report.then_some(super::report::build_plan_report),
            progress: progress.clone(),
        },
        output::Extra {
            files: rebalance_files(&files),
            rebalance: Some(section),
        },
    )?;
    progress.finish();
    print!(
        "{}",
        render_summary(
            &setup,
            &solved,
            moves,
            &before,
            &outcome.plan.balance,
            &gf,
            &out
        )
    );
    if let Some(text) = super::time_limit_fired(&outcome.stats) {
        println!("time limit: {text}");
    }
    if outcome.plan.status == PlanStatus::OutsideTolerance {
        let outside = outcome
            .plan
            .balance
            .iter()
            .filter(|b| !b.within_tolerance && !setup.departed[b.rep])
            .count();
        let why = if budget_binding {
            format!(
                "the move budget ({}) does not allow a balanced plan: restoring balance takes {} \
                 discretionary moves (no balanced plan needs fewer than {})",
                describe_limits(limits),
                solved.moves,
                solved.bound
            )
        } else {
            "no single-owner plan within every band was found".to_string()
        };
        let found = match closest {
            Some((violation, bound)) => format!(
                "total band violation {violation:.4}, where no plan within the budget has less \
                 than {bound:.4}"
            ),
            None => "least total band violation found".to_string(),
        };
        return Err(Error::Infeasible(format!(
            "{why}; {outside} reps stay outside tolerance; the closest plan ({moves} moves, \
             {found}) was written to {} with status OutsideTolerance{}",
            out.display(),
            super::time_limit_note(&outcome.stats)
        )));
    }
    if let Some(text) = super::time_limit_fired(&outcome.stats) {
        return Err(Error::TimeLimit(format!(
            "{text}; this best verified plan found so far was written to {} with status \
             Balanced: {moves} discretionary moves, where no balanced plan needs fewer than {} \
             (a longer limit lets the search finish)",
            out.display(),
            solved.bound
        )));
    }
    Ok(())
}

/// Rest-of-year quota per rep, before (the territories as they were,
/// departed reps included, new accounts left out) and after, from the
/// effective month to the fiscal year end; `None` unless the config sets
/// `[quota] company_target` and an effective date is known.
fn rest_of_year_quotas(
    original: &crate::model::Dataset,
    setup: &Setup,
    owner: &[usize],
) -> Result<Option<Vec<(f64, f64)>>> {
    let (Some(_), Some(effective)) = (original.config.quota.company_target, setup.effective) else {
        return Ok(None);
    };
    let from = crate::model::YearMonth::of(effective);
    let reps = original.reps.len();
    let mut before_ds = original.clone();
    let kept: Vec<usize> = (0..setup.current.len())
        .filter(|&i| setup.current[i].is_some())
        .collect();
    before_ds.accounts = kept.iter().map(|&i| original.accounts[i].clone()).collect();
    before_ds.rules = crate::model::RuleSet::default();
    let before_owner: Vec<usize> = kept.iter().filter_map(|&i| setup.current[i]).collect();
    let before = quota::plan_quotas(&before_ds, &before_owner)?;
    // Quotas are set on the FTE of reps.csv (their ramp dates a late
    // start); the territories balanced late starters on less.
    let mut after_ds = setup.dataset.clone();
    for (rep, given) in after_ds.reps.iter_mut().zip(&original.reps) {
        if rep.capacity > 0.0 {
            rep.capacity = given.capacity;
        }
    }
    let after = quota::plan_quotas(&after_ds, owner)?;
    let b = quota::rest_of_year::remaining_by_rep(&before, reps, from);
    let a = quota::rest_of_year::remaining_by_rep(&after, reps, from);
    Ok(Some(b.into_iter().zip(a).collect()))
}

/// The LP plan with the moves balance can spare undone, kept only when
/// the independent check still finds it balanced and it moves fewer
/// accounts.
fn undo_spare_moves(setup: &Setup, solved: model::Solved) -> Result<(model::Solved, Vec<usize>)> {
    let owner = model::owners(&solved.outcome);
    if solved.outcome.plan.status != PlanStatus::Balanced {
        return Ok((solved, owner));
    }
    let fewer = Frontier::new(setup, &owner).undo_moves(&owner);
    let moves = setup.discretionary_moves(&fewer);
    if moves >= solved.moves {
        return Ok((solved, owner));
    }
    let plan = territory::plan_of_owners(&setup.dataset, &fewer, 0.0)?;
    if plan.status != PlanStatus::Balanced {
        return Ok((solved, owner));
    }
    let mut better = solved;
    better.outcome.plan = plan;
    better.outcome.status_quo = Some(verify::rep_balances(&setup.dataset, &setup.before_owners()));
    model::describe_distance(setup, &mut better.outcome);
    better.moves = moves;
    Ok((better, fewer))
}

/// Does a plan keep to the move budget?
fn within_limits(setup: &Setup, owner: &[usize], limits: Limits) -> bool {
    let taken: Vec<usize> = setup.taken(owner).collect();
    let pot: f64 = taken
        .iter()
        .map(|&i| setup.dataset.accounts[i].potential)
        .sum();
    limits.max_moves.is_none_or(|m| taken.len() <= m)
        && limits
            .max_potential_pct
            .is_none_or(|p| pot <= p / 100.0 * total_potential(setup) + 1e-9)
}

fn total_potential(setup: &Setup) -> f64 {
    setup.dataset.accounts.iter().map(|a| a.potential).sum()
}

/// Accounts the rules force away from an active owner.
fn forced(setup: &Setup) -> Vec<usize> {
    (0..setup.kind.len())
        .filter(|&i| setup.kind[i] == AccountKind::Forced)
        .collect()
}

/// What is left of the budget for discretionary moves.
fn discretionary_budget(setup: &Setup, limits: Limits) -> Budget {
    let forced = forced(setup);
    let forced_pot: f64 = forced
        .iter()
        .map(|&i| setup.dataset.accounts[i].potential)
        .sum();
    Budget {
        moves: limits
            .max_moves
            .map_or(usize::MAX, |m| m.saturating_sub(forced.len())),
        potential: limits.max_potential_pct.map_or(f64::INFINITY, |p| {
            (p / 100.0 * total_potential(setup) - forced_pot).max(0.0)
        }),
    }
}

/// A budget below what the rules force is bad input: name the accounts.
fn check_budget_covers_forced(setup: &Setup, limits: Limits) -> Result<()> {
    let forced = forced(setup);
    let ds = &setup.dataset;
    let forced_pot: f64 = forced.iter().map(|&i| ds.accounts[i].potential).sum();
    let listed = || {
        let ids: Vec<&str> = forced
            .iter()
            .take(10)
            .map(|&i| ds.accounts[i].id.as_str())
            .collect();
        let more = forced.len().saturating_sub(ids.len());
        format!(
            "{}{}",
            ids.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        )
    };
    let problem = |column: &str, value: String, message: String| InputProblem {
        file: "command line / [rebalance]".to_string(),
        line: None,
        column: Some(column.to_string()),
        value: Some(value),
        message,
    };
    if let Some(m) = limits.max_moves {
        if forced.len() > m {
            return Err(Error::input(vec![problem(
                "max_moves",
                m.to_string(),
                format!(
                    "the budget is below the {} accounts the rules force away from their active \
                     owners (segment coverage, [[named]], [[restrict]] or distance limits): {}; \
                     expected at least {}",
                    forced.len(),
                    listed(),
                    forced.len()
                ),
            )]));
        }
    }
    if let Some(p) = limits.max_potential_pct {
        let needed = forced_pot / total_potential(setup).max(f64::MIN_POSITIVE) * 100.0;
        if needed > p + 1e-9 {
            return Err(Error::input(vec![problem(
                "max_moved_potential_pct",
                p.to_string(),
                format!(
                    "the budget is below the {} % of potential the rules force away from active \
                     owners ({}); expected at least {}",
                    fixed(needed, 2),
                    listed(),
                    fixed(needed, 2)
                ),
            )]));
        }
    }
    Ok(())
}

fn describe_limits(limits: Limits) -> String {
    let mut parts = Vec::new();
    if let Some(m) = limits.max_moves {
        parts.push(format!("at most {m} moves"));
    }
    if let Some(p) = limits.max_potential_pct {
        parts.push(format!("at most {p} % of potential"));
    }
    parts.join(", ")
}

fn rep_ids(setup: &Setup, pick: &[bool]) -> Vec<String> {
    setup
        .dataset
        .reps
        .iter()
        .zip(pick)
        .filter(|(_, &p)| p)
        .map(|(r, _)| r.id.clone())
        .collect()
}

/// The manifest's `rebalance` section.
fn manifest_section(
    setup: &Setup,
    solved: &model::Solved,
    moves: usize,
    limits: Limits,
    budget_binding: bool,
    gf: &[Grandfathered],
    points: &[FrontierPoint],
) -> serde_json::Value {
    json!({
        "effective_date": setup.effective.map(|d| d.format("%Y-%m-%d").to_string()),
        "departed_reps": rep_ids(setup, &setup.departed),
        "new_hires": rep_ids(setup, &setup.new_hire),
        "orphans": setup.count(AccountKind::Orphan),
        "new_accounts": setup.count(AccountKind::NewAccount),
        "forced_by_rules": setup.count(AccountKind::Forced),
        "staying_accounts": setup.staying(),
        "discretionary_moves": moves,
        "moves_bound": solved.bound,
        "lp_moves": solved.lp_moves,
        "full_balance_moves": solved.moves,
        "statement": format!("{moves} moves; no balanced plan needs fewer than {}", solved.bound),
        "max_moves": limits.max_moves,
        "max_moved_potential_pct": limits.max_potential_pct,
        "budget_binding": budget_binding,
        "open_deal_rule": "a move costs 1; open deals add at most 1/4 move in total (in \
                           proportion to each account's share of open deal amount) and \
                           distance at most 1/4, so deals and distance only choose among \
                           plans with the fewest moves",
        "grandfathered_deals": gf.len(),
        "grandfathered_amount": gf.iter().map(|g| g.amount).sum::<f64>(),
        "frontier": points.iter().map(|p| json!({
            "budget": p.budget,
            "moves": p.moves,
            "reps_outside_tolerance": p.reps_outside,
            "max_potential_deviation": p.max_potential_deviation,
            "max_workload_deviation": p.max_workload_deviation,
            "total_band_violation": p.total_violation,
            "violation_bound": p.violation_bound,
            "distance": p.distance,
        })).collect::<Vec<_>>(),
    })
}

/// Largest |potential deviation| and reps outside tolerance, active reps.
fn balance_line(setup: &Setup, balance: &[RepBalance]) -> String {
    let active: Vec<&RepBalance> = balance.iter().filter(|b| !setup.departed[b.rep]).collect();
    let max_p = active
        .iter()
        .map(|b| b.potential_deviation.abs())
        .fold(0.0, f64::max);
    let max_w = active
        .iter()
        .map(|b| b.workload_deviation.abs())
        .fold(0.0, f64::max);
    let outside = active.iter().filter(|b| !b.within_tolerance).count();
    format!(
        "max deviation potential {} %, workload {} %; {outside} of {} reps outside tolerance",
        fixed(max_p * 100.0, 1),
        fixed(max_w * 100.0, 1),
        active.len()
    )
}

/// The one-screen summary printed on stdout.
fn render_summary(
    setup: &Setup,
    solved: &model::Solved,
    moves: usize,
    before: &[RepBalance],
    after: &[RepBalance],
    gf: &[Grandfathered],
    out: &Path,
) -> String {
    let ds = &setup.dataset;
    let mut s = String::new();
    let departed = rep_ids(setup, &setup.departed);
    let hires = rep_ids(setup, &setup.new_hire);
    s.push_str(&format!(
        "rebalance{}: {} accounts, {} reps ({} departed{}, {} new hire{})\n",
        setup
            .effective
            .map(|d| format!(" effective {}", d.format("%Y-%m-%d")))
            .unwrap_or_default(),
        thousands(ds.accounts.len() as f64),
        ds.reps.len(),
        departed.len(),
        if departed.is_empty() {
            String::new()
        } else {
            format!(": {}", departed.join(", "))
        },
        hires.len(),
        if hires.is_empty() {
            String::new()
        } else {
            format!(": {}", hires.join(", "))
        },
    ));
    s.push_str(&format!(
        "  placed (not counted as moves): {} orphans, {} new accounts, {} forced by rules\n",
        setup.count(AccountKind::Orphan),
        setup.count(AccountKind::NewAccount),
        setup.count(AccountKind::Forced)
    ));
    s.push_str(&format!(
        "  {moves} moves; no balanced plan needs fewer than {} (LP bound {})\n",
        solved.bound,
        fixed(solved.lp_moves, 2)
    ));
    s.push_str(&format!("  before: {}\n", balance_line(setup, before)));
    s.push_str(&format!("  after:  {}\n", balance_line(setup, after)));
    let open: f64 = setup.taken_all_open();
    if open > 0.0 || !gf.is_empty() {
        s.push_str(&format!(
            "  open deals: {} on all accounts; {} deals ({}) grandfathered to their original owners\n",
            thousands(open),
            gf.len(),
            thousands(gf.iter().map(|g| g.amount).sum())
        ));
    }
    s.push_str(&format!(
        "  wrote {} (moves.csv, rebalance_summary.csv, frontier.csv, assignments.csv, manifest.json)\n",
        out.display()
    ));
    s
}
