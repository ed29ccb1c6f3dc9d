//! `tplan plan DIR`: validate, solve the territory LP, round, verify, write.
//!
//! Stages, each timed: load and validate the inputs (warnings to stderr),
//! check the output folder is safe to (re)write, plan the territories,
//! write assignments.csv, territories.csv, the report (charts, page,
//! GeoJSON, CRM exports; unless `--no-report`) and manifest.json atomically,
//! print the one-screen summary on stdout. A plan that could not be brought
//! within tolerance is still written in full (its manifest says
//! `OutsideTolerance`), the reps outside are listed on stderr, and the run
//! returns [`Error::Infeasible`] so the exit status is 1.

use std::path::PathBuf;
use std::time::Instant;

use crate::model::PlanStatus;
use crate::output::{self, manifest, summary, ManifestFile, RunClock, RunInfo, StagedDir};
use crate::progress::Progress;
use crate::{io, quota, territory, Error, Result};

/// Solver used when `--solver` is not given.
pub const DEFAULT_SOLVER: &str = "clarabel";

/// Arguments of `tplan plan`.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    pub dir: PathBuf,
    pub out: Option<PathBuf>,
    pub config: Option<PathBuf>,
    /// Sheet of accounts.xlsx / reps.xlsx to read (the first when `None`).
    pub sheet: Option<String>,
    pub solver: String,
    /// Write the charts, report.html, GeoJSON and CRM exports too.
    pub report: bool,
    /// `--time-limit`: seconds from the start of the run (see
    /// [`territory::deadline`]).
    pub time_limit: Option<f64>,
}

/// Run the planner end to end, recording this process's command line in
/// the manifest.
pub fn run(options: &PlanOptions) -> Result<()> {
    run_with_command(options, command_line())
}

/// The command line as recorded in the manifest: `tplan` and the arguments
/// as given (the program path is left out so that the manifest does not
/// depend on where the binary lives).
pub fn command_line() -> Vec<String> {
    std::iter::once("tplan".to_string())
        .chain(
            std::env::args_os()
                .skip(1)
                .map(|a| a.to_string_lossy().into_owned()),
        )
        .collect()
}

/// Run the planner end to end; `command` is written to the manifest.
pub fn run_with_command(options: &PlanOptions, command: Vec<String>) -> Result<()> {
    let started = Instant::now();
    run_since(options, command, started, &Progress::stderr(started))
}

/// [`run_with_command`] for a run that started at `started` and reports on
/// `progress` (`quota` plans first on its own clock).
fn run_since(
    options: &PlanOptions,
    command: Vec<String>,
    started: Instant,
    progress: &Progress,
) -> Result<()> {
    progress.phase("reading the inputs");
    let loaded = io::load_dataset_with_sheet(
        &options.dir,
        options.config.as_deref(),
        options.sheet.as_deref(),
    )?;
    run_loaded(options, loaded, command, started, progress)
}

/// [`run_since`] on inputs already read from `options` (`quota` has read
/// them when it finds no plan to set quotas on).
pub(crate) fn run_loaded(
    options: &PlanOptions,
    loaded: io::Loaded,
    command: Vec<String>,
    started: Instant,
    progress: &Progress,
) -> Result<()> {
    for w in &loaded.warnings {
        progress.note(&format!("warning: {w}"));
    }
    // Territories balance late starters on the months they work; quotas
    // keep the FTE of reps.csv (their ramp already dates the start).
    let planning = crate::model::planning_view(&loaded.dataset);
    let dataset = planning.as_ref().unwrap_or(&loaded.dataset);
    let load = manifest::seconds(started.elapsed());
    // Quotas when the config sets a company target; what they need is
    // checked before the solve.
    let config_label = super::config_label(&options.dir, options.config.as_deref());
    let wants_quotas = dataset.config.quota.company_target.is_some();
    if wants_quotas {
        quota::requirements(&dataset.config)
            .map_err(|e| super::name_config_file(e, &config_label))?;
    }

    // Refuse an unsafe output folder before spending time on the solve.
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
    let outcome = territory::plan_territories(
        dataset,
        &super::planner_options(&options.solver, progress, options.time_limit, started),
    )
    .map_err(|e| super::nothing_written(super::name_numeric_suspects(e, &loaded), &out))?;
    let quotas = if wants_quotas {
        progress.phase("setting quotas");
        let owners = quota::owners_of(&outcome.plan, dataset.accounts.len());
        Some(
            quota::plan_quotas(&loaded.dataset, &owners)
                .map_err(|e| super::name_config_file(e, &config_label))?,
        )
    } else {
        None
    };
    let solve = manifest::seconds(solve_started.elapsed());

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
    let staged = StagedDir::create(&out, &options.dir, &protected)?;
    let written = output::write_plan_folder_with(
        staged,
        dataset,
        &outcome,
        quotas.as_ref(),
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
    )?;
    progress.finish();

    print!(
        "{}",
        summary::render(&summary::SummaryInput {
            dataset,
            outcome: &outcome,
            out_dir: &out,
            timings: &written.timings,
            warnings: loaded.warnings.len(),
            comparison: &written.comparison,
        })
    );
    print!("{}", late_start_note(&loaded.dataset));
    if let Some(quotas) = &quotas {
        println!();
        print!("{}", output::quotas::render(dataset, quotas));
    }

    if options.report {
        println!(
            "review page: {}",
            out.join(crate::report::REPORT_FILE).display()
        );
        println!(
            "workbook: {}",
            out.join(crate::output::WORKBOOK_FILE).display()
        );
    }

    if outcome.plan.status == PlanStatus::OutsideTolerance {
        let outside = outcome
            .plan
            .balance
            .iter()
            .filter(|b| !b.within_tolerance)
            .count();
        eprintln!(
            "{outside} rep{} outside tolerance:",
            if outside == 1 { " is" } else { "s are" }
        );
        eprint!(
            "{}",
            summary::outside_tolerance_report(dataset, &outcome.plan)
        );
        let tol = &dataset.config.balance;
        return Err(Error::Infeasible(format!(
            "no single-owner plan keeps every rep within {} % potential and {} % workload of \
             its fair share: {outside} of {} reps are outside (listed above); the closest plan \
             found was written to {} with status OutsideTolerance{}",
            output::format::fixed(tol.potential_tolerance * 100.0, 1),
            output::format::fixed(tol.workload_tolerance * 100.0, 1),
            outcome.plan.balance.len(),
            out.display(),
            super::time_limit_note(&outcome.stats)
        )));
    }
    if let Some(text) = super::time_limit_fired(&outcome.stats) {
        return Err(Error::TimeLimit(format!(
            "{text}; this best verified plan found so far was written to {} with status \
             Balanced, {} % above its bound (a longer limit lets the search finish)",
            out.display(),
            output::format::fixed(outcome.plan.gap * 100.0, 2)
        )));
    }
    Ok(())
}

/// One summary line on reps balanced on less than their FTE because they
/// start during (or after) the plan year; empty when there are none.
fn late_start_note(dataset: &crate::model::Dataset) -> String {
    let late = crate::model::late_starts(dataset);
    if late.is_empty() {
        return String::new();
    }
    let each: Vec<String> = late
        .iter()
        .map(|l| {
            format!(
                "{} from {} ({}/12 of {} FTE)",
                dataset.reps[l.rep].id, l.start, l.months_available, l.capacity
            )
        })
        .collect();
    format!(
        "late starters balanced on the months they work in the plan year: {}\n",
        each.join(", ")
    )
}
