//! `tplan scenarios DIR`: capacity and headcount scenarios for finance.
//!
//! Loads and validates the inputs, prepares the capacity model
//! ([`crate::scenarios::Setup`]), runs the named scenarios (`best`,
//! `likely`, `worst` and any `[[scenarios.scenario]]`) in parallel, then
//! the `[scenarios.sweep]` grid if one is configured (progress on stderr
//! when it is a terminal), writes scenarios.csv, scenarios_monthly.csv,
//! scenarios_yearly.csv and sweep.csv, and prints the comparison table.
//! Written beside a plan, the plan's report.html is not redrawn (that
//! would rewrite the plan's manifest, which this command leaves alone);
//! a line on stdout points at `tplan report OUT`, which adds the
//! Scenarios section.

use std::io::IsTerminal;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::output::scenarios as out;
use crate::output::{self, ManifestFile};
use crate::progress::Progress;
use crate::scenarios::{evaluate, sweep, Evaluation, Setup};
use crate::{io, Result};

/// Arguments of `tplan scenarios`.
#[derive(Debug, Clone)]
pub struct ScenariosOptions {
    pub dir: PathBuf,
    pub out: Option<PathBuf>,
    pub config: Option<PathBuf>,
    /// Sheet of accounts.xlsx / reps.xlsx to read (the first when `None`).
    pub sheet: Option<String>,
}

/// Run the scenarios end to end.
pub fn run(options: &ScenariosOptions) -> Result<()> {
    let progress = Progress::stderr(std::time::Instant::now());
    progress.phase("reading the inputs");
    let loaded = io::load_dataset_with_sheet(
        &options.dir,
        options.config.as_deref(),
        options.sheet.as_deref(),
    )?;
    for w in &loaded.warnings {
        progress.note(&format!("warning: {w}"));
    }
    let dataset = &loaded.dataset;
    let config_file = super::config_label(&options.dir, options.config.as_deref());
    let setup = Setup::new(dataset, &config_file)?;

    let super::OutputClaim {
        out: target,
        protected,
        lock: _lock,
        ..
    } = super::claim_output(
        &options.dir,
        options.out.as_deref(),
        &loaded,
        options.config.as_deref(),
    )?;

    progress.phase("running the scenarios");
    let sc = &dataset.config.scenarios;
    let named = sc.named();
    let results: Vec<(String, Evaluation)> = named
        .par_iter()
        .map(|(name, params)| (name.clone(), evaluate(&setup, params)))
        .collect();

    let mut files: Vec<(&str, Vec<u8>)> = vec![
        (out::SCENARIOS_FILE, out::scenarios_csv(&setup, &results)),
        (out::MONTHLY_FILE, out::monthly_csv(&setup, &results)),
        (out::YEARLY_FILE, out::yearly_csv(&results)),
    ];
    let group_setups = crate::scenarios::groups::group_setups(dataset, &config_file)?;
    let group_runs: out::GroupRuns = match &group_setups {
        Some(groups) => named
            .par_iter()
            .map(|(name, params)| {
                (
                    name.clone(),
                    crate::scenarios::groups::evaluate_groups(groups, params),
                )
            })
            .collect(),
        None => Vec::new(),
    };
    if let Some(groups) = &group_setups {
        files.push((out::GROUPS_FILE, out::groups_csv(groups, &group_runs)));
    }
    let mut sweep_points = 0;
    if let Some(sw) = &sc.sweep {
        let base = named
            .iter()
            .find(|(n, _)| *n == sw.base)
            .map(|(_, p)| *p)
            .unwrap_or_else(crate::scenarios::ScenarioParams::likely);
        let points = sweep::grid(base, sw);
        sweep_points = points.len();
        progress.phase(&format!("sweeping {sweep_points} scenarios"));
        // On a terminal the sweep's own bar takes the spinner's place.
        progress.finish();
        let bar = progress_bar(points.len() as u64);
        let summaries = sweep::run(&setup, &points, true, &|n| bar.inc(n as u64));
        bar.finish_and_clear();
        files.push((out::SWEEP_FILE, out::sweep_csv(&setup, &points, &summaries)));
    }

    let manifest = out::ScenariosManifest {
        tplan_version: env!("CARGO_PKG_VERSION").to_string(),
        kind: out::MANIFEST_KIND.to_string(),
        command: super::plan::command_line(),
        inputs: loaded
            .inputs
            .iter()
            .map(|f| ManifestFile {
                path: f.path.clone(),
                sha256: f.sha256.clone(),
                bytes: f.bytes,
            })
            .collect(),
        fiscal_year_start: setup.fiscal_year.first.to_string(),
        quota_per_ramped_fte: setup.quota_per_ramped_fte,
        quota_per_ramped_fte_derived: setup.quota_derived,
        attainment_last_year: setup.quota_derived.then_some(setup.attainment_last_year),
        scenarios: results.iter().map(|(n, _)| n.clone()).collect(),
        sweep_points,
        outputs: Vec::new(),
    };
    progress.phase("writing the output folder");
    let written = out::write_scenario_outputs(&target, &options.dir, &protected, &files, manifest)?;
    progress.finish();

    print!("{}", out::render_table(&setup, &results));
    if let Some(groups) = &group_setups {
        print!("{}", out::render_groups(groups, &group_runs));
    }
    let mut names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    let beside_plan = written.join(out::SCENARIOS_MANIFEST_FILE).is_file();
    if !beside_plan {
        names.push(output::WORKBOOK_FILE);
    }
    println!("  wrote {} to {}", names.join(", "), target.display());
    if sweep_points > 0 {
        println!("  sweep: {sweep_points} scenarios in {}", out::SWEEP_FILE);
    }
    // Beside a plan the plan's files and manifest are left as they are,
    // so its report.html does not show the scenarios until redrawn.
    if beside_plan && written.join(crate::report::REPORT_FILE).is_file() {
        println!(
            "  {} and {} do not show them yet: run `tplan report {}` to redraw them with the scenarios",
            crate::report::REPORT_FILE,
            output::WORKBOOK_FILE,
            written.display()
        );
    }
    Ok(())
}

/// A progress bar on stderr, hidden when stderr is not a terminal.
fn progress_bar(len: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    if let Ok(style) = ProgressStyle::with_template("sweep {bar:40} {pos}/{len} scenarios ({eta})")
    {
        bar.set_style(style);
    }
    bar
}
