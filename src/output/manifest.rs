//! `manifest.json`: what was run, on which inputs, with which result.
//!
//! Reproducibility contract: for the same inputs, config, command line and
//! tplan build, **everything except the `timings` object is byte-identical
//! on re-run**. To keep it so, the manifest is built from structs (fixed
//! key order, never a map), holds no dates, host names or absolute paths
//! that the user did not type, names the program `tplan` instead of the
//! path it was started from, and carries the wall-clock figures only in
//! `timings`, which is always the last key (so `head` or a line diff of two
//! manifests shows everything that should match first).

use serde::Serialize;

use crate::model::{Config, Dataset, PlanStatus};
use crate::territory::{PlanOutcome, SolveStats};

use super::summary::{moved_potential, status_quo_objective, BalanceFigures};

/// One input file, identified by its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestFile {
    /// Path as the run saw it (as given on the command line, joined with
    /// the file name).
    pub path: String,
    /// Lower-case hex SHA-256 of the bytes.
    pub sha256: String,
    pub bytes: u64,
}

/// Who ran what: everything the manifest needs beyond the plan itself.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// The command line, starting with `tplan`.
    pub command: Vec<String>,
    pub inputs: Vec<ManifestFile>,
    /// Input warnings, as printed on stderr.
    pub warnings: Vec<String>,
    /// The solver asked for on the command line.
    pub solver: String,
}

/// Counts of the run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Counts {
    pub accounts: usize,
    pub reps: usize,
    pub locked: usize,
    pub with_current_owner: usize,
    pub moved: usize,
    pub moved_potential: f64,
    pub total_potential: f64,
    pub reps_outside_tolerance: usize,
}

/// Balance before (current owners) and after (the plan).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BalanceSection {
    /// `null` when no account has a current owner.
    pub before: Option<BalanceFigures>,
    pub after: BalanceFigures,
    /// Potential x km of the current owners; `null` unless every account
    /// has one.
    pub objective_before: Option<f64>,
}

/// Wall-clock seconds of one solver stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageTiming {
    pub stage: String,
    pub seconds: f64,
}

/// Wall-clock seconds per stage (rounded to the millisecond). The only
/// part of the manifest that differs between identical runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Timings {
    pub load: f64,
    pub solve: f64,
    /// The solver's own stages, in run order.
    pub solve_stages: Vec<StageTiming>,
    /// Writing the output files, up to the manifest itself.
    pub write: f64,
    /// From start to the manifest being written.
    pub total: f64,
}

/// Seconds rounded to the millisecond.
pub fn seconds(d: std::time::Duration) -> f64 {
    round_ms(d.as_secs_f64())
}

fn round_ms(s: f64) -> f64 {
    (s * 1000.0).round() / 1000.0
}

impl Timings {
    /// Timings with the solver's stages taken from its stats.
    pub fn new(load: f64, solve: f64, stats: &SolveStats, write: f64, total: f64) -> Timings {
        Timings {
            load,
            solve,
            solve_stages: stats
                .timings
                .iter()
                .map(|(stage, s)| StageTiming {
                    stage: stage.clone(),
                    seconds: round_ms(*s),
                })
                .collect(),
            write,
            total,
        }
    }
}

/// The run manifest; field order is the key order in the file.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest<'a> {
    pub tplan_version: &'static str,
    pub command: &'a [String],
    pub inputs: &'a [ManifestFile],
    /// The effective plan config (defaults filled in).
    pub config: &'a Config,
    pub solver: &'a str,
    pub status: PlanStatus,
    /// Potential x km of the single-owner plan.
    pub objective: f64,
    /// Optimal value of the LP relaxation.
    pub lp_bound: f64,
    /// (objective - lp_bound) / lp_bound.
    pub gap: f64,
    pub gap_pct: f64,
    /// `--time-limit`: the seconds, whether it cut the search short and
    /// where (`lp` or `improvement`); present only when the flag was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_limit: Option<crate::territory::TimeLimitReport>,
    pub counts: Counts,
    pub balance: BalanceSection,
    /// The solve statistics; their timings go to `timings`.
    pub solve: SolveStats,
    /// Quota totals, top-down vs bottom-up, attainment and calibration;
    /// present when quotas were written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota: Option<super::quotas::QuotaManifest>,
    /// Status quo, nearest-rep and balanced plans side by side (the rows
    /// of comparison.csv, unrounded), each with its `moved_accounts` and
    /// `moved_potential`; present when comparison.csv was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Vec<super::comparison::PlanFigures>>,
    /// `tplan rebalance`: moves, the bound on the moves any balanced plan
    /// needs, departures and budgets; present in a rebalance folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rebalance: Option<serde_json::Value>,
    /// Files written next to the manifest.
    pub outputs: &'a [ManifestFile],
    pub warnings: &'a [String],
    /// Always last: the only non-reproducible part.
    pub timings: Timings,
}

impl<'a> Manifest<'a> {
    /// Assemble the manifest of a run.
    pub fn new(
        run: &'a RunInfo,
        dataset: &'a Dataset,
        outcome: &PlanOutcome,
        outputs: &'a [ManifestFile],
        timings: Timings,
    ) -> Manifest<'a> {
        let plan = &outcome.plan;
        let (moved, moved_pot) = moved_potential(dataset, plan);
        let after = BalanceFigures::of(&plan.balance);
        Manifest {
            tplan_version: env!("CARGO_PKG_VERSION"),
            command: &run.command,
            inputs: &run.inputs,
            config: &dataset.config,
            solver: &run.solver,
            status: plan.status,
            objective: plan.objective,
            lp_bound: plan.lp_bound,
            gap: plan.gap,
            gap_pct: plan.gap * 100.0,
            time_limit: outcome.stats.time_limit.clone(),
            counts: Counts {
                accounts: dataset.accounts.len(),
                reps: dataset.reps.len(),
                locked: dataset.accounts.iter().filter(|a| a.locked).count(),
                with_current_owner: dataset
                    .accounts
                    .iter()
                    .filter(|a| a.current_owner.is_some())
                    .count(),
                moved,
                moved_potential: moved_pot,
                total_potential: dataset.accounts.iter().map(|a| a.potential).sum(),
                reps_outside_tolerance: after.reps_outside_tolerance,
            },
            balance: BalanceSection {
                before: outcome.status_quo.as_deref().map(BalanceFigures::of),
                after,
                objective_before: status_quo_objective(dataset, plan),
            },
            solve: outcome.stats.clone(),
            quota: None,
            comparison: None,
            rebalance: None,
            outputs,
            warnings: &run.warnings,
            timings,
        }
    }

    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("manifest serializes");
        s.push('\n');
        s
    }
}
