//! Scenario outputs: `scenarios.csv` (one row per scenario),
//! `scenarios_monthly.csv`, `scenarios_yearly.csv`, `sweep.csv`, a small
//! manifest, and the comparison table for stdout.
//!
//! Fixed formatting (see [`super::format`]): fractions with 4 decimals,
//! currency with 2, heads and FTE with 4, cost per dollar with 6; months
//! as `YYYY-MM`; empty cells where a figure does not exist (no hire needed,
//! none possible). Rows are in scenario-name order (sweeps in grid order),
//! so a re-run writes byte-identical files.
//!
//! Where the files go ([`write_scenario_outputs`]): into a new (or empty)
//! output folder, or one an earlier `tplan scenarios` wrote, the whole
//! folder is staged and swapped in ([`StagedDir`]) with a `manifest.json`
//! of kind `scenarios`. Into a folder `tplan plan` wrote, the scenario
//! files are added beside the plan, each written under a temporary name
//! and renamed into place, with their own `scenarios_manifest.json`; the
//! plan's files and manifest are left untouched.

use std::fmt::Write as _;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::atomic::{check_target, ExistingTarget, StagedDir, MANIFEST_FILE};
use super::format::{fixed, thousands};
use super::{csv_writer, sha256_hex, ManifestFile};
use crate::model::YearMonth;
use crate::scenarios::{Evaluation, ScenarioParams, Setup, Summary};
use crate::{Error, Result};

pub const SCENARIOS_FILE: &str = "scenarios.csv";
pub const MONTHLY_FILE: &str = "scenarios_monthly.csv";
pub const YEARLY_FILE: &str = "scenarios_yearly.csv";
pub const SWEEP_FILE: &str = "sweep.csv";
/// Manifest of scenario files added to a plan's output folder.
pub const SCENARIOS_MANIFEST_FILE: &str = "scenarios_manifest.json";
/// `kind` of a manifest written by `tplan scenarios`.
pub const MANIFEST_KIND: &str = "scenarios";

/// Columns shared by scenarios.csv (after `scenario`) and sweep.csv
/// (after `point`).
pub const SUMMARY_COLUMNS: [&str; 23] = [
    "attrition",
    "ramp_months",
    "productivity",
    "attainment",
    "lead_time_months",
    "backfill",
    "quota_per_ramped_fte",
    "target",
    "planned_hires",
    "headcount_start",
    "headcount_year_end",
    "ramped_fte_year_end",
    "expected_bookings",
    "gap_to_target",
    "hires_needed",
    "earliest_hire_month",
    "latest_hire_month",
    "headcount_year_end_with_hires",
    "ramped_fte_year_end_with_hires",
    "bookings_with_hires",
    "total_cost",
    "cost_per_dollar",
    "status",
];

pub const MONTHLY_COLUMNS: [&str; 15] = [
    "scenario",
    "month",
    "horizon_month",
    "headcount",
    "fte",
    "ramped_fte",
    "bookings",
    "departures",
    "starts",
    "cost",
    "headcount_with_hires",
    "ramped_fte_with_hires",
    "bookings_with_hires",
    "cost_with_hires",
    "hires_needed_if_start",
];

pub const YEARLY_COLUMNS: [&str; 9] = [
    "scenario",
    "fiscal_year_start",
    "target",
    "expected_bookings",
    "gap_to_target",
    "bookings_with_hires",
    "gap_with_hires",
    "total_cost",
    "cost_per_dollar",
];

fn money(x: f64) -> String {
    fixed(x, 2)
}

fn fte(x: f64) -> String {
    fixed(x, 4)
}

fn month(m: Option<YearMonth>) -> String {
    m.map(|m| m.to_string()).unwrap_or_default()
}

fn summary_fields(
    setup: &Setup,
    params: &ScenarioParams,
    ramp_months: u32,
    s: &Summary,
) -> Vec<String> {
    vec![
        fixed(params.attrition, 4),
        ramp_months.to_string(),
        fixed(params.productivity, 4),
        fixed(params.attainment, 4),
        params.lead_time_months.to_string(),
        super::format::boolean(params.backfill).to_string(),
        money(setup.quota_per_ramped_fte),
        money(s.target),
        setup.planned_hires.to_string(),
        fte(s.headcount_start),
        fte(s.headcount_year_end),
        fte(s.ramped_fte_year_end),
        money(s.expected_bookings),
        money(s.gap_to_target),
        s.hires_needed.map(|n| n.to_string()).unwrap_or_default(),
        month(s.earliest_hire_month),
        month(s.latest_hire_month),
        fte(s.headcount_year_end_with_hires),
        fte(s.ramped_fte_year_end_with_hires),
        money(s.bookings_with_hires),
        money(s.total_cost),
        fixed(s.cost_per_dollar, 6),
        s.status.to_string(),
    ]
}

fn finish(w: csv::Writer<Vec<u8>>) -> Vec<u8> {
    w.into_inner().expect("writing to memory")
}

/// scenarios.csv: one row per scenario, in the given (name) order.
pub fn scenarios_csv(setup: &Setup, results: &[(String, Evaluation)]) -> Vec<u8> {
    let mut w = csv_writer(Vec::new());
    let mut header = vec!["scenario"];
    header.extend(SUMMARY_COLUMNS);
    w.write_record(&header).expect("writing to memory");
    for (name, e) in results {
        let mut row = vec![name.clone()];
        row.extend(summary_fields(setup, &e.params, e.ramp_months, &e.summary));
        w.write_record(&row).expect("writing to memory");
    }
    finish(w)
}

/// scenarios_monthly.csv: one row per scenario and horizon month.
pub fn monthly_csv(setup: &Setup, results: &[(String, Evaluation)]) -> Vec<u8> {
    let mut w = csv_writer(Vec::new());
    w.write_record(MONTHLY_COLUMNS).expect("writing to memory");
    for (name, e) in results {
        let (b, h) = (&e.base, &e.with_hires);
        for (k, m) in setup.months.iter().enumerate() {
            let needed = e
                .plan
                .needed_if_start
                .get(k)
                .copied()
                .flatten()
                .map(|n| n.to_string())
                .unwrap_or_default();
            w.write_record([
                name.clone(),
                m.to_string(),
                (k + 1).to_string(),
                fte(b.heads[k]),
                fte(b.fte[k]),
                fte(b.ramped_fte[k]),
                money(b.bookings[k]),
                fte(b.departures[k]),
                fte(b.starts[k]),
                money(b.cost[k]),
                fte(h.heads[k]),
                fte(h.ramped_fte[k]),
                money(h.bookings[k]),
                money(h.cost[k]),
                needed,
            ])
            .expect("writing to memory");
        }
    }
    finish(w)
}

/// scenarios_yearly.csv: one row per scenario and fiscal year of the horizon.
pub fn yearly_csv(results: &[(String, Evaluation)]) -> Vec<u8> {
    let mut w = csv_writer(Vec::new());
    w.write_record(YEARLY_COLUMNS).expect("writing to memory");
    for (name, e) in results {
        for y in &e.years {
            let per_dollar = if y.bookings_with_hires > 0.0 {
                y.cost_with_hires / y.bookings_with_hires
            } else {
                f64::NAN
            };
            w.write_record([
                name.clone(),
                y.first.to_string(),
                money(y.target),
                money(y.expected_bookings),
                money(y.target - y.expected_bookings),
                money(y.bookings_with_hires),
                money(y.target - y.bookings_with_hires),
                money(y.cost_with_hires),
                fixed(per_dollar, 6),
            ])
            .expect("writing to memory");
        }
    }
    finish(w)
}

/// sweep.csv: one row per grid point, in grid order, numbered from 1.
pub fn sweep_csv(setup: &Setup, points: &[ScenarioParams], summaries: &[Summary]) -> Vec<u8> {
    let mut w = csv_writer(Vec::new());
    let mut header = vec!["point"];
    header.extend(SUMMARY_COLUMNS);
    w.write_record(&header).expect("writing to memory");
    for (i, (p, s)) in points.iter().zip(summaries).enumerate() {
        let mut row = vec![(i + 1).to_string()];
        row.extend(summary_fields(setup, p, setup.ramp_months(p), s));
        w.write_record(&row).expect("writing to memory");
    }
    finish(w)
}

/// The comparison table printed on stdout.
pub fn render_table(setup: &Setup, results: &[(String, Evaluation)]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Capacity scenarios, fiscal year from {} ({} months): sales target {}",
        setup.fiscal_year.first,
        setup.months.len(),
        thousands(setup.targets[0])
    );
    let _ = writeln!(
        out,
        "  quota per ramped FTE {} ({}); {} planned hire{} in reps.csv ({} open requisition{})",
        thousands(setup.quota_per_ramped_fte),
        if setup.quota_derived {
            "derived: last year's bookings per ramped FTE"
        } else {
            "configured"
        },
        setup.planned_hires,
        if setup.planned_hires == 1 { "" } else { "s" },
        setup.open_reqs,
        if setup.open_reqs == 1 { "" } else { "s" },
    );
    let w = results
        .iter()
        .map(|(n, _)| n.len())
        .max()
        .unwrap_or(0)
        .max(8);
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  {:<w$} {:>6} {:>5} {:>5} {:>7} {:>5} {:>14} {:>14} {:>6} {:>8} {:>8} {:>14} {:>7}",
        "scenario",
        "attr",
        "ramp",
        "prod",
        "attain",
        "lead",
        "bookings",
        "gap",
        "hires",
        "latest",
        "FTE end",
        "total cost",
        "cost/$"
    );
    for (name, e) in results {
        let s = &e.summary;
        let hires = match s.hires_needed {
            Some(n) => n.to_string(),
            None => "n/a".to_string(),
        };
        let latest = match (s.hires_needed, s.latest_hire_month) {
            (_, Some(m)) => m.to_string(),
            (Some(0), None) => "-".to_string(),
            _ => "n/a".to_string(),
        };
        let _ = writeln!(
            out,
            "  {:<w$} {:>5}% {:>5} {:>5} {:>6}% {:>5} {:>14} {:>14} {:>6} {:>8} {:>8} {:>14} {:>7}",
            name,
            fixed(e.params.attrition * 100.0, 1),
            e.ramp_months,
            fixed(e.params.productivity, 2),
            fixed(e.params.attainment * 100.0, 0),
            e.params.lead_time_months,
            thousands(s.expected_bookings),
            thousands(s.gap_to_target),
            hires,
            latest,
            fixed(s.ramped_fte_year_end_with_hires, 1),
            thousands(s.total_cost),
            fixed(s.cost_per_dollar, 4),
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  bookings, gap: plan year, roster as is (attrition, backfills, planned hires); hires: fewest extra hires\n  that make the target, all starting by `latest`; FTE end, total cost, cost/$: with those hires"
    );
    out
}

/// The manifest of a scenarios run: no timings, so re-runs are identical.
#[derive(Debug, Clone, Serialize)]
pub struct ScenariosManifest {
    pub tplan_version: String,
    pub kind: String,
    pub command: Vec<String>,
    pub inputs: Vec<ManifestFile>,
    pub fiscal_year_start: String,
    pub quota_per_ramped_fte: f64,
    pub quota_per_ramped_fte_derived: bool,
    pub scenarios: Vec<String>,
    pub sweep_points: usize,
    pub outputs: Vec<ManifestFile>,
}

fn describe(name: &str, bytes: &[u8]) -> ManifestFile {
    ManifestFile {
        path: name.to_string(),
        sha256: sha256_hex(bytes),
        bytes: bytes.len() as u64,
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = fs::File::create(path).map_err(|e| Error::io(path, e))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(|e| Error::io(path, e))
}

/// True when `dir/manifest.json` was written by `tplan scenarios`.
fn written_by_scenarios(dir: &Path) -> bool {
    fs::read_to_string(dir.join(MANIFEST_FILE))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .is_some_and(|v| v.get("kind").and_then(|k| k.as_str()) == Some(MANIFEST_KIND))
}

/// Write `files` (name, bytes) and the manifest into `out` (see the
/// module docs for how). `manifest.outputs` is filled in here. Returns the
/// resolved output folder.
pub fn write_scenario_outputs(
    out: &Path,
    input_dir: &Path,
    protected: &[PathBuf],
    files: &[(&str, Vec<u8>)],
    mut manifest: ScenariosManifest,
) -> Result<PathBuf> {
    let (resolved, existing) = check_target(out, input_dir, protected)?;
    let beside_plan = existing == ExistingTarget::TplanOutput && !written_by_scenarios(&resolved);
    // A folder of its own gets the scenario sheets in plan.xlsx; beside a
    // plan the plan's workbook (in the plan's manifest) is left alone, as
    // its report.html is, until `tplan report` redraws both.
    let mut files: Vec<(&str, Vec<u8>)> = files.to_vec();
    if !beside_plan {
        let sources = super::workbook::Sources {
            dir: resolved.clone(),
            files: files
                .iter()
                .map(|(n, b)| (n.to_string(), b.clone()))
                .collect(),
        };
        files.push((super::WORKBOOK_FILE, super::workbook::build(&sources)?));
    }
    manifest.outputs = files.iter().map(|(n, b)| describe(n, b)).collect();
    let mut json = serde_json::to_string_pretty(&manifest).expect("serialising the manifest");
    json.push('\n');
    if !beside_plan {
        let staged = StagedDir::create(out, input_dir, protected)?;
        for (name, bytes) in &files {
            write_synced(&staged.path().join(name), bytes)?;
        }
        write_synced(&staged.path().join(MANIFEST_FILE), json.as_bytes())?;
        return staged.commit();
    }
    let all: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (*n, b.as_slice()))
        .chain(std::iter::once((SCENARIOS_MANIFEST_FILE, json.as_bytes())))
        .collect();
    for (name, bytes) in &all {
        let temp = resolved.join(format!(".{name}.tmp-{}", std::process::id()));
        let result = write_synced(&temp, bytes).and_then(|_| {
            fs::rename(&temp, resolved.join(name)).map_err(|e| Error::io(resolved.join(name), e))
        });
        if let Err(e) = result {
            let _ = fs::remove_file(&temp);
            return Err(e);
        }
    }
    // A sweep.csv of an earlier run that had a sweep would now be stale.
    let sweep = resolved.join(SWEEP_FILE);
    if !files.iter().any(|(n, _)| *n == SWEEP_FILE) && sweep.exists() {
        fs::remove_file(&sweep).map_err(|e| Error::io(&sweep, e))?;
    }
    Ok(resolved)
}
