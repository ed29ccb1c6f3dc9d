//! Writing a plan: assignments, territory summary, manifest, stdout summary;
//! and reading it back from the output folder ([`folder`]), for the report,
//! the CRM exports and the commands that work on an earlier run.
//!
//! Every file of a run goes into a temporary folder that replaces the
//! output folder only once complete ([`atomic`]); formatting is fixed so
//! that a re-run writes byte-identical CSV files and a manifest that differs
//! only in its `timings` ([`format`], [`manifest`]).

pub mod assignments;
pub mod atomic;
pub mod comparison;
pub mod folder;
pub mod format;
pub mod hierarchy;
pub mod in_place;
pub mod lock;
pub mod manifest;
pub mod owners;
pub mod quotas;
pub mod rebalance;
pub mod review;
pub mod scenarios;
pub mod segment_shares;
pub mod summary;
pub mod swap;
pub mod territories;
pub mod workbook;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sha2::{Digest, Sha256};

use crate::model::Dataset;
use crate::quota::QuotaPlan;
use crate::territory::PlanOutcome;
use crate::{Error, Result};

pub use assignments::{write_assignments, ASSIGNMENT_COLUMNS};
pub use atomic::{check_target, default_output_dir, StagedDir, MANIFEST_FILE};
pub use comparison::{PlanFigures, COMPARISON_COLUMNS, COMPARISON_FILE};
pub use hierarchy::HIERARCHY_FILE;
pub use manifest::{Manifest, ManifestFile, RunInfo, Timings};
pub use segment_shares::SEGMENT_SHARES_FILE;
pub use summary::{render as render_summary, SummaryInput};
pub use territories::{write_territories, TERRITORY_COLUMNS};
pub use workbook::WORKBOOK_FILE;

/// Name of the per-account file.
pub const ASSIGNMENTS_FILE: &str = "assignments.csv";
/// Name of the per-rep file.
pub const TERRITORIES_FILE: &str = "territories.csv";

/// A CSV writer with the fixed dialect of every tplan output: `,`, LF line
/// ends, quotes only where needed, no BOM.
pub(crate) fn csv_writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .delimiter(b',')
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out)
}

/// Header names for carried-through input columns: each keeps its name
/// unless that is already taken, then gets an `input_` prefix (repeated
/// until unique).
pub(crate) fn carried_names(fixed: &[String], extras: &[String]) -> Vec<String> {
    let mut taken: Vec<String> = fixed.to_vec();
    let mut names = Vec::with_capacity(extras.len());
    for extra in extras {
        let mut name = extra.clone();
        while taken.contains(&name) {
            name = format!("input_{name}");
        }
        taken.push(name.clone());
        names.push(name);
    }
    names
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// Write `bytes` to `dir/name` (`name` may have a folder part, e.g.
/// `exports/x.csv`), flushed to disk, and describe the file.
fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<ManifestFile> {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let mut file = fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(|e| Error::io(&path, e))?;
    Ok(ManifestFile {
        path: name.to_string(),
        sha256: sha256_hex(bytes),
        bytes: bytes.len() as u64,
    })
}

/// assignments.csv as bytes.
pub fn assignments_csv(dataset: &Dataset, outcome: &PlanOutcome) -> Vec<u8> {
    let mut buf = Vec::new();
    write_assignments(&mut buf, dataset, &outcome.plan).expect("writing to memory");
    buf
}

/// territories.csv as bytes.
pub fn territories_csv(dataset: &Dataset, outcome: &PlanOutcome) -> Vec<u8> {
    let mut buf = Vec::new();
    write_territories(&mut buf, dataset, &outcome.plan).expect("writing to memory");
    buf
}

/// What [`write_plan_folder`] wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// The resolved output folder now in place.
    pub dir: PathBuf,
    /// The files next to the manifest.
    pub outputs: Vec<ManifestFile>,
    /// The timings recorded in the manifest.
    pub timings: Timings,
    /// The rows of comparison.csv (status quo, nearest, balanced).
    pub comparison: Vec<PlanFigures>,
}

/// Stage timings measured before the write.
#[derive(Debug, Clone, Copy)]
pub struct RunClock {
    /// When the run started.
    pub started: Instant,
    /// Seconds spent loading and validating the inputs.
    pub load: f64,
    /// Seconds spent in the planner.
    pub solve: f64,
}

/// Draws the report files (charts, report.html, GeoJSON, CRM exports) of
/// a staged plan folder from its own files. The command hands in
/// `report::build_from_dir`: the report reads this module's file names,
/// so this module must not name the report.
pub type ReportBuilder = fn(&Path) -> Result<Vec<(String, Vec<u8>)>>;

/// What to write besides the plan's own tables.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// The report builder, and with it plan.xlsx ([`workbook`]); `None`
    /// (`--no-report`) writes neither.
    pub report: Option<ReportBuilder>,
    /// The command's progress: a phase each for the files, the report and
    /// the workbook.
    pub progress: crate::progress::Progress,
}

/// Write every output file of a plan into `staged`, then the manifest
/// (last, with the timings up to that point), then swap the folder into
/// place. On any error the staged folder is removed and the previous
/// output, if any, is left as it was. No report files (see
/// [`write_plan_folder_with`]).
pub fn write_plan_folder(
    staged: StagedDir,
    dataset: &Dataset,
    outcome: &PlanOutcome,
    run: &RunInfo,
    clock: RunClock,
) -> Result<Written> {
    write_plan_folder_with(
        staged,
        dataset,
        outcome,
        None,
        run,
        clock,
        WriteOptions::default(),
    )
}

/// [`write_plan_folder`], plus `quotas.csv`, `quota_summary.csv` and the
/// manifest's `quota` section when `quotas` is given, and the report files
/// when `options.report`.
pub fn write_plan_folder_with(
    staged: StagedDir,
    dataset: &Dataset,
    outcome: &PlanOutcome,
    quotas: Option<&QuotaPlan>,
    run: &RunInfo,
    clock: RunClock,
    options: WriteOptions,
) -> Result<Written> {
    write_plan_folder_extra(
        staged,
        dataset,
        outcome,
        quotas,
        run,
        clock,
        options,
        Extra::default(),
    )
}

/// Files and a manifest section a command adds to a plan folder (the
/// rebalance's moves, summary and frontier).
#[derive(Debug, Clone, Default)]
pub struct Extra {
    /// Written after the plan's own files and before the report, which
    /// may read them.
    pub files: Vec<(String, Vec<u8>)>,
    /// The manifest's `rebalance` section.
    pub rebalance: Option<serde_json::Value>,
}

/// [`write_plan_folder_with`] plus `extra` files and manifest section.
#[allow(clippy::too_many_arguments)]
pub fn write_plan_folder_extra(
    staged: StagedDir,
    dataset: &Dataset,
    outcome: &PlanOutcome,
    quotas: Option<&QuotaPlan>,
    run: &RunInfo,
    clock: RunClock,
    options: WriteOptions,
    extra: Extra,
) -> Result<Written> {
    let write_started = Instant::now();
    options.progress.phase("writing the output folder");
    let dir = staged.path().to_path_buf();
    let mut outputs = vec![
        write_file(&dir, ASSIGNMENTS_FILE, &assignments_csv(dataset, outcome))?,
        write_file(&dir, TERRITORIES_FILE, &territories_csv(dataset, outcome))?,
    ];
    if let Some(plan) = quotas {
        for (name, bytes) in quotas::quota_files(dataset, plan) {
            outputs.push(write_file(&dir, name, &bytes)?);
        }
    }
    let comparison = comparison::compare(dataset, &outcome.plan);
    outputs.push(write_file(
        &dir,
        COMPARISON_FILE,
        &comparison::comparison_csv(&comparison),
    )?);
    if let Some(bytes) = hierarchy::hierarchy_csv(dataset, &outcome.plan) {
        outputs.push(write_file(&dir, HIERARCHY_FILE, &bytes)?);
    }
    if let Some(bytes) = segment_shares::segment_shares_csv(dataset, &outcome.plan) {
        outputs.push(write_file(&dir, SEGMENT_SHARES_FILE, &bytes)?);
    }
    for (name, bytes) in &extra.files {
        outputs.push(write_file(&dir, name, bytes)?);
    }
    let quota_manifest = || quotas.map(|plan| quotas::QuotaManifest::new(plan, None));
    // Keep the report last among the outputs: it reads the staged folder,
    // so files written after it would be missing from it.
    if let Some(build_report) = options.report {
        // The report reads the folder it describes, manifest included (as
        // `tplan report` does): a provisional manifest first, the final one
        // with every output and the timings below.
        let mut provisional = Manifest::new(run, dataset, outcome, &outputs, Timings::default());
        provisional.quota = quota_manifest();
        provisional.comparison = Some(comparison.clone());
        provisional.rebalance = extra.rebalance.clone();
        write_file(&dir, MANIFEST_FILE, provisional.to_json().as_bytes())?;
        options.progress.phase("drawing the report");
        for (name, bytes) in build_report(&dir)? {
            outputs.push(write_file(&dir, &name, &bytes)?);
        }
        options.progress.phase("writing the workbook");
        outputs.push(write_file(&dir, WORKBOOK_FILE, &workbook::from_dir(&dir)?)?);
    }
    let timings = Timings::new(
        clock.load,
        clock.solve,
        &outcome.stats,
        manifest::seconds(write_started.elapsed()),
        manifest::seconds(clock.started.elapsed()),
    );
    let mut manifest = Manifest::new(run, dataset, outcome, &outputs, timings.clone());
    manifest.quota = quota_manifest();
    manifest.comparison = Some(comparison.clone());
    manifest.rebalance = extra.rebalance;
    write_file(&dir, MANIFEST_FILE, manifest.to_json().as_bytes())?;
    let dir = staged.commit()?;
    Ok(Written {
        dir,
        outputs,
        timings,
        comparison,
    })
}

#[cfg(test)]
mod tests;
