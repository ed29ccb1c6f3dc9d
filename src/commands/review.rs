//! `tplan review OUT --actuals FILE [--as-of YYYY-MM] [--config FILE]`:
//! the quarterly review of the plan in OUT against bookings to date.
//!
//! Reads the plan's own files (`manifest.json` for the config it was made
//! with, `quotas.csv`, `quota_summary.csv`), checks actuals.csv against
//! them, and adds `review.csv`, `review_monthly.csv` and the manifest's
//! `review` section to the folder. When the folder has a report, the page
//! and charts are redrawn with the Review section. Nothing is written
//! until the actuals and the plan have been read and checked; every file
//! is then replaced atomically (temporary file, rename), the manifest
//! last, and the plan's other files are left as they are.
//!
//! `[review]` settings come from the plan's config as recorded in its
//! manifest, or from `--config FILE` (only its `[review]` table is used:
//! the fiscal year, seasonality and band stay the plan's).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::io::actuals::{parse_year_month, read_actuals, ActualsContext};
use crate::model::{Config, FiscalYear, YearMonth};
use crate::output::atomic::is_tplan_output;
use crate::output::folder::{rows, Table};
use crate::output::in_place::replace_file;
use crate::output::quotas::{QUOTAS_FILE, QUOTA_SUMMARY_FILE};
use crate::output::review::{
    review_csv, review_monthly_csv, summary_text, ReviewLabels, ReviewManifest, REVIEW_FILE,
    REVIEW_MONTHLY_FILE,
};
use crate::output::{ManifestFile, MANIFEST_FILE};
use crate::progress::Progress;
use crate::quota::Component;
use crate::report::{self, ReportError, REPORT_FILE};
use crate::review::{self, RepPlan, ReviewInput};
use crate::{Error, Result};

use super::plan::command_line;

/// Arguments of `tplan review`.
#[derive(Debug, Clone)]
pub struct ReviewOptions {
    /// The plan's output folder.
    pub out: PathBuf,
    pub actuals: PathBuf,
    /// The review month; default the latest month in actuals.csv.
    pub as_of: Option<YearMonth>,
    /// A plan config whose `[review]` table replaces the plan's.
    pub config: Option<PathBuf>,
}

/// `--as-of` as clap parses it: `YYYY-MM`.
pub fn parse_as_of(s: &str) -> std::result::Result<YearMonth, String> {
    parse_year_month(s).ok_or_else(|| format!("'{s}': expected a month written YYYY-MM"))
}

/// Run `tplan review`, recording this process's command line.
pub fn run(options: &ReviewOptions) -> Result<()> {
    run_with_command(options, command_line())
}

/// The plan's monthly quotas and reps as read back from its folder.
struct PlanQuotas {
    plans: Vec<RepPlan>,
    /// (name, region) per rep, same order.
    names: Vec<(String, String)>,
}

/// Run `tplan review`; `command` is recorded in the manifest.
pub fn run_with_command(options: &ReviewOptions, command: Vec<String>) -> Result<()> {
    let progress = Progress::stderr(std::time::Instant::now());
    progress.phase("reading the plan and the actuals");
    let dir = options.out.as_path();
    if !is_tplan_output(dir) {
        return Err(ReportError::NotPlanFolder(dir.to_path_buf()).into());
    }
    let mut config = plan_config(dir)?;
    if let Some(path) = &options.config {
        config.review = crate::io::load_config(path)?.review;
    }
    let fiscal_year = FiscalYear::new(
        config.fiscal_year.ok_or_else(|| {
            Error::Usage(format!(
                "{}: the plan has no fiscal_year, so it has no quotas to review",
                dir.join(MANIFEST_FILE).display()
            ))
        })?,
        config.fiscal_year_start_month,
    );
    if !dir.join(QUOTAS_FILE).is_file() {
        return Err(Error::Usage(format!(
            "{}: the plan has no {QUOTAS_FILE}; set [quota] company_target and run `tplan quota` before a review",
            dir.display()
        )));
    }
    let months = fiscal_year.months();
    if let Some(as_of) = options.as_of {
        if fiscal_year.fiscal_month(as_of).is_none() {
            return Err(Error::Usage(format!(
                "--as-of {as_of}: outside the plan's fiscal year ({} to {})",
                months[0], months[11]
            )));
        }
    }
    let plan = read_plan_quotas(dir, fiscal_year)?;
    let rep_ids: BTreeSet<String> = plan.plans.iter().map(|p| p.id.clone()).collect();
    let codes = Component::ALL.map(Component::code);
    let actuals = read_actuals(
        &options.actuals,
        &ActualsContext {
            rep_ids: &rep_ids,
            fiscal_year,
            as_of: options.as_of,
            components: &codes,
        },
    )?;
    let elapsed = fiscal_year
        .fiscal_month(actuals.as_of)
        .map_or(12, |m| m as usize);
    let by_rep = actuals.by_rep_and_month(fiscal_year);
    let bookings: Vec<Vec<f64>> = plan
        .plans
        .iter()
        .map(|p| by_rep.get(&p.id).cloned().unwrap_or_else(|| vec![0.0; 12]))
        .collect();
    progress.phase("reviewing the quotas");
    let band = config.quota.attainment.band;
    let result = review::review(&ReviewInput {
        reps: &plan.plans,
        bookings: &bookings,
        elapsed,
        seasonality: &config.quota.seasonality,
        config: &config.review,
        attainment_band: band,
    });
    let labels = ReviewLabels {
        months: &months,
        names: &plan.names,
    };
    let files = [
        (REVIEW_FILE, review_csv(&result, &labels)),
        (
            REVIEW_MONTHLY_FILE,
            review_monthly_csv(&result, &plan.plans, &bookings, &labels),
        ),
    ];
    refuse_overwriting_actuals(dir, &options.actuals)?;

    let section = ReviewManifest::new(
        &result,
        &months,
        &config.review,
        band,
        ManifestFile {
            path: actuals.input.path.clone(),
            sha256: actuals.input.sha256.clone(),
            bytes: actuals.input.bytes,
        },
        command,
    );
    let section = serde_json::to_value(&section).map_err(|e| Error::Usage(e.to_string()))?;
    progress.phase("writing the review files");
    let mut written = Vec::new();
    for (name, bytes) in &files {
        written.push(replace_file(dir, name, bytes)?);
    }
    // The manifest's review section first: the page reads it.
    super::report::update_manifest(dir, &written, Some(("review", section)))?;
    let has_report = dir.join(REPORT_FILE).is_file();
    if has_report {
        progress.phase("drawing the report");
        let mut drawn = Vec::new();
        for (name, bytes) in report::build_from_dir(dir)? {
            drawn.push(replace_file(dir, &name, &bytes)?);
        }
        super::report::update_manifest(dir, &drawn, None)?;
    }

    progress.finish();
    print!("{}", summary_text(&result, &months, &config.review, band));
    let unreviewed = plan
        .plans
        .iter()
        .filter(|p| !by_rep.contains_key(&p.id))
        .count();
    if unreviewed > 0 {
        println!(
            "  {unreviewed} rep{} no row in the actuals: counted as 0 bookings",
            if unreviewed == 1 { " has" } else { "s have" }
        );
    }
    println!(
        "wrote {REVIEW_FILE}, {REVIEW_MONTHLY_FILE}{} in {}",
        if has_report {
            " and the report's Review section"
        } else {
            " (no report.html in the folder: run `tplan report` to draw one)"
        },
        dir.display()
    );
    Ok(())
}

/// The config the plan was made with, from its manifest.
fn plan_config(dir: &Path) -> Result<Config> {
    let path = dir.join(MANIFEST_FILE);
    let malformed = |message: String| -> Error {
        ReportError::Malformed {
            path: path.clone(),
            line: None,
            message,
        }
        .into()
    };
    let text = fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let manifest: Value = serde_json::from_str(&text).map_err(|e| malformed(e.to_string()))?;
    let config = manifest
        .get("config")
        .cloned()
        .ok_or_else(|| malformed("no 'config' section".to_string()))?;
    serde_json::from_value(config).map_err(|e| {
        malformed(format!(
            "key 'config': {e} (written by another tplan version? re-run `tplan plan`)"
        ))
    })
}

/// The review never writes over its own input.
fn refuse_overwriting_actuals(dir: &Path, actuals: &Path) -> Result<()> {
    let (Ok(folder), Ok(file)) = (dir.canonicalize(), actuals.canonicalize()) else {
        return Ok(());
    };
    if file.parent() == Some(folder.as_path()) {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
        let ours = [REVIEW_FILE, REVIEW_MONTHLY_FILE, REPORT_FILE, MANIFEST_FILE];
        if name.as_deref().is_some_and(|n| ours.contains(&n)) {
            return Err(Error::Usage(format!(
                "{}: the review writes a file of that name into {}; keep actuals outside the output folder",
                actuals.display(),
                dir.display()
            )));
        }
    }
    Ok(())
}

/// quotas.csv (components added up per month) and quota_summary.csv,
/// reps in rep_id order.
fn read_plan_quotas(dir: &Path, fiscal_year: FiscalYear) -> Result<PlanQuotas> {
    let summary = Table::read(&dir.join(QUOTA_SUMMARY_FILE))?;
    let (id, name, region, pipeline) = (
        summary.column("rep_id")?,
        summary.column("name")?,
        summary.column("region")?,
        summary.column("pipeline")?,
    );
    let mut reps: BTreeMap<String, (String, String, Option<f64>)> = BTreeMap::new();
    for r in rows(&summary) {
        let rep = r.text(id);
        let info = (
            r.text(name),
            r.text(region),
            r.opt_number(pipeline, "pipeline")?,
        );
        if reps.insert(rep.clone(), info).is_some() {
            return Err(r
                .error(format!("column 'rep_id': rep '{rep}' appears twice"))
                .into());
        }
    }
    let quotas = Table::read(&dir.join(QUOTAS_FILE))?;
    let (rep_c, month_c, amount_c, ramp_c) = (
        quotas.column("rep_id")?,
        quotas.column("month")?,
        quotas.column("amount")?,
        quotas.column("ramp_factor")?,
    );
    // rep -> (quota per month, ramp per month)
    let mut months: BTreeMap<String, (Vec<f64>, Vec<f64>)> = reps
        .keys()
        .map(|k| (k.clone(), (vec![0.0; 12], vec![1.0; 12])))
        .collect();
    for r in rows(&quotas) {
        let rep = r.text(rep_c);
        let raw = r.text(month_c);
        let m = parse_year_month(&raw)
            .and_then(|m| fiscal_year.fiscal_month(m))
            .ok_or_else(|| {
                r.error(format!(
                    "column 'month': expected a month of the fiscal year from {}, found '{raw}'",
                    fiscal_year.first
                ))
            })? as usize
            - 1;
        let entry = months.get_mut(&rep).ok_or_else(|| {
            r.error(format!(
                "column 'rep_id': rep '{rep}' is not in {QUOTA_SUMMARY_FILE}"
            ))
        })?;
        entry.0[m] += r.number(amount_c, "amount")?;
        entry.1[m] = r.number(ramp_c, "ramp_factor")?;
    }
    let mut plans = Vec::with_capacity(reps.len());
    let mut names = Vec::with_capacity(reps.len());
    for (id, (name, region, pipeline)) in reps {
        let (monthly_quota, ramp) = months.remove(&id).unwrap_or_default();
        plans.push(RepPlan {
            id,
            monthly_quota,
            ramp,
            pipeline,
        });
        names.push((name, region));
    }
    Ok(PlanQuotas { plans, names })
}
