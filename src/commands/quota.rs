//! `tplan quota DIR [--out OUT]`: quotas for the plan already in OUT, or
//! for a fresh plan when OUT holds none.
//!
//! With a plan in OUT (a tplan output folder with `assignments.csv`), the
//! owners are read back and checked against the input accounts and reps
//! (every account exactly once, every rep known), the quotas are computed,
//! and `quotas.csv`, `quota_summary.csv` and the manifest's `quota` section
//! are added to the folder, each file written under a temporary name and
//! renamed. Without one, this runs `tplan plan`, which writes the quotas
//! too. Either way the config must set `quota.company_target` and
//! `fiscal_year`; that is checked before anything else happens.

use std::convert::Infallible;
use std::path::{Path, PathBuf};

use super::{config_label, name_config_file};
use crate::io;
use crate::model::Dataset;
use crate::output::atomic::ExistingTarget;
use crate::output::owners::{first_ids, unassigned, AssignmentsFile, OpenFailure, RowProblem};
use crate::output::{self, quotas, ASSIGNMENTS_FILE, MANIFEST_FILE};
use crate::progress::Progress;
use crate::{quota, Error, InputProblem, Result};

use super::plan::{self as plan_cmd, PlanOptions};

/// Arguments of `tplan quota`.
#[derive(Debug, Clone)]
pub struct QuotaOptions {
    pub dir: PathBuf,
    pub out: Option<PathBuf>,
    pub config: Option<PathBuf>,
    /// Sheet of accounts.xlsx / reps.xlsx to read (the first when `None`).
    pub sheet: Option<String>,
    /// Solver for the plan made first when OUT holds none.
    pub solver: String,
    /// `--time-limit` of the plan made first when OUT holds none.
    pub time_limit: Option<f64>,
}

/// Run `tplan quota`, recording this process's command line.
pub fn run(options: &QuotaOptions) -> Result<()> {
    run_with_command(options, plan_cmd::command_line())
}

/// Run `tplan quota`; `command` is recorded in the manifest.
pub fn run_with_command(options: &QuotaOptions, command: Vec<String>) -> Result<()> {
    let started = std::time::Instant::now();
    let progress = Progress::stderr(started);
    progress.phase("reading the inputs");
    let label = config_label(&options.dir, options.config.as_deref());
    let loaded = io::load_dataset_with_sheet(
        &options.dir,
        options.config.as_deref(),
        options.sheet.as_deref(),
    )?;
    let dataset = &loaded.dataset;
    quota::requirements(&dataset.config).map_err(|e| name_config_file(e, &label))?;

    let super::OutputClaim {
        out,
        resolved,
        existing,
        lock: _lock,
        ..
    } = super::claim_output(
        &options.dir,
        options.out.as_deref(),
        &loaded,
        options.config.as_deref(),
    )?;
    let assignments = resolved.join(ASSIGNMENTS_FILE);
    if existing != ExistingTarget::TplanOutput || !assignments.is_file() {
        progress.note(&format!(
            "no plan in {}: planning the territories first",
            out.display()
        ));
        return plan_cmd::run_loaded(
            &PlanOptions {
                dir: options.dir.clone(),
                out: options.out.clone(),
                config: options.config.clone(),
                sheet: options.sheet.clone(),
                solver: options.solver.clone(),
                report: true,
                time_limit: options.time_limit,
            },
            loaded,
            command,
            started,
            &progress,
        );
    }
    for w in &loaded.warnings {
        progress.note(&format!("warning: {w}"));
    }
    let shown = out.join(ASSIGNMENTS_FILE).display().to_string();
    let owners = read_owners(&assignments, &shown, dataset)?;
    warn_if_inputs_changed(&resolved, &loaded.inputs, &out);

    progress.phase("setting quotas");
    let plan = quota::plan_quotas(dataset, &owners).map_err(|e| name_config_file(e, &label))?;
    let inputs = loaded
        .inputs
        .iter()
        .map(|f| output::ManifestFile {
            path: f.path.clone(),
            sha256: f.sha256.clone(),
            bytes: f.bytes,
        })
        .collect();
    let run = quotas::QuotaRun::new(command, inputs, dataset);
    progress.phase("writing the quota files");
    quotas::add_to_folder(&resolved, dataset, &plan, run)?;
    refresh_workbook(&resolved, &progress)?;
    progress.finish();
    println!(
        "tplan quota: territories read from {shown} ({} accounts, {} reps)",
        dataset.accounts.len(),
        dataset.reps.len()
    );
    print!("{}", quotas::render(dataset, &plan));
    println!("output: {}", out.display());
    Ok(())
}

/// Rebuild plan.xlsx with the new quota sheets when the folder has one
/// (a plan written with its report), and record it in the manifest.
fn refresh_workbook(dir: &Path, progress: &Progress) -> Result<()> {
    if !dir.join(output::WORKBOOK_FILE).is_file() {
        return Ok(());
    }
    progress.phase("writing the workbook");
    let bytes = output::workbook::from_dir(dir)?;
    let written = output::in_place::replace_file(dir, output::WORKBOOK_FILE, &bytes)?;
    super::report::update_manifest(dir, &[written], None)
}

/// The owner (rep index) of every account, from an earlier run's
/// assignments.csv, checked against the input accounts and reps.
pub fn read_owners(path: &Path, shown: &str, dataset: &Dataset) -> Result<Vec<usize>> {
    let file = AssignmentsFile::open(path).map_err(
        |(OpenFailure::File(e) | OpenFailure::Header(e))| {
            Error::Usage(format!("cannot read {shown}: {e}"))
        },
    )?;
    let problem =
        |line: Option<u64>, column: Option<&str>, value: Option<&str>, message: String| {
            InputProblem {
                file: shown.to_string(),
                line,
                column: column.map(str::to_string),
                value: value.map(str::to_string),
                message,
            }
        };
    let (Some(acol), Some(rcol)) = (file.column("account_id"), file.column("rep_id")) else {
        return Err(Error::input(vec![problem(
            Some(1),
            None,
            None,
            "expected the columns account_id and rep_id of a tplan assignments file".to_string(),
        )]));
    };
    let stale = "the plan was made for other data; run `tplan plan` again";
    let mut problems = Vec::new();
    let walk = file.match_rows(
        dataset,
        acol,
        rcol,
        |_| Ok::<(), Infallible>(()),
        |line, p| {
            problems.push(match p {
                RowProblem::Unreadable(e) => {
                    problem(Some(line), None, None, format!("unreadable row: {e}"))
                }
                RowProblem::UnknownAccount(id) => problem(
                    Some(line),
                    Some("account_id"),
                    Some(id),
                    format!("not an account of the input: {stale}"),
                ),
                RowProblem::UnknownRep(id) => problem(
                    Some(line),
                    Some("rep_id"),
                    Some(id),
                    format!("not a rep of the input: {stale}"),
                ),
                RowProblem::Twice(id) => problem(
                    Some(line),
                    Some("account_id"),
                    Some(id),
                    "assigned twice".to_string(),
                ),
            });
            Ok(())
        },
    );
    let owners = match walk {
        Ok(owners) => owners,
        Err(never) => match never {},
    };
    let missing = unassigned(&owners, dataset);
    if !missing.is_empty() {
        problems.push(problem(
            None,
            Some("account_id"),
            None,
            format!(
                "{} input account{} not assigned ({}): {stale}",
                missing.len(),
                if missing.len() == 1 { " is" } else { "s are" },
                first_ids(&missing),
            ),
        ));
    }
    if !problems.is_empty() {
        return Err(Error::input(problems));
    }
    Ok(owners.into_iter().map(|o| o.unwrap_or(0)).collect())
}

/// A warning when the CSV inputs differ from the ones the plan was made
/// from (the config may change freely: quota settings live there).
fn warn_if_inputs_changed(dir: &Path, inputs: &[io::InputFile], shown: &Path) {
    let Ok(text) = std::fs::read_to_string(dir.join(MANIFEST_FILE)) else {
        return;
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
        return;
    };
    let Some(recorded) = value.get("inputs").and_then(|v| v.as_array()) else {
        return;
    };
    let hash_of = |path: &str| {
        recorded
            .iter()
            .find(|f| f.get("path").and_then(|p| p.as_str()) == Some(path))
            .and_then(|f| f.get("sha256").and_then(|h| h.as_str()))
            .map(str::to_string)
    };
    for f in inputs.iter().filter(|f| f.path.ends_with(".csv")) {
        if hash_of(&f.path).is_some_and(|h| h != f.sha256) {
            eprintln!(
                "warning: {} changed since the plan in {} was made: quotas use today's figures on \
                 the earlier territories; run `tplan plan` to re-plan",
                f.path,
                shown.display()
            );
        }
    }
}
