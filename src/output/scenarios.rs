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
use crate::scenarios::groups::{roll_up, GroupResult, GroupSetup};
use crate::scenarios::{Evaluation, ScenarioParams, Setup, Summary};
use crate::{Error, Result};

pub const SCENARIOS_FILE: &str = "scenarios.csv";
pub const MONTHLY_FILE: &str = "scenarios_monthly.csv";
pub const YEARLY_FILE: &str = "scenarios_yearly.csv";
pub const SWEEP_FILE: &str = "sweep.csv";
/// One row per scenario and group, then the roll-up (`group_by` only).
pub const GROUPS_FILE: &str = "scenarios_groups.csv";
/// Manifest of scenario files added to a plan's output folder.
pub const SCENARIOS_MANIFEST_FILE: &str = "scenarios_manifest.json";
/// `kind` of a manifest written by `tplan scenarios`.
pub const MANIFEST_KIND: &str = "scenarios";

/// Columns shared by scenarios.csv (after `scenario`) and sweep.csv
/// (after `point`).
pub const SUMMARY_COLUMNS: [&str; 26] = [
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
    "hires_by_month",
    "reachable_bookings",
    "target_rate_month",
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
        hires_by_month(s),
        s.reachable
            .as_ref()
            .map(|r| money(r.plan_year_bookings))
            .unwrap_or_default(),
        month(s.reachable.as_ref().and_then(|r| r.annual_rate_from)),
    ]
}

/// `2027-04:5;2027-05:3`: extra hires by start month.
fn hires_by_month(s: &Summary) -> String {
    s.hires_by_month
        .iter()
        .map(|(m, n)| format!("{m}:{n}"))
        .collect::<Vec<_>>()
        .join(";")
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
            format!(
                "derived: last year's bookings per ramped FTE / {:.0} % attainment last year",
                setup.attainment_last_year * 100.0
            )
        } else {
            "configured".to_string()
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
    let caps = setup.hiring_caps;
    if caps.is_unlimited() {
        let _ = writeln!(
            out,
            "  bookings, gap: plan year, roster as is (attrition, backfills, planned hires); hires: fewest extra hires\n  that make the target, all starting by `latest`; FTE end, total cost, cost/$: with those hires"
        );
    } else {
        let _ = writeln!(
            out,
            "  bookings, gap: plan year, roster as is (attrition, backfills, planned hires); hires: fewest extra hires\n  that make the target within what recruiting delivers ({}), spread over months, the last starting in `latest`;\n  FTE end, total cost, cost/$: with those hires",
            caps_text(caps)
        );
        for (name, e) in results {
            let s = &e.summary;
            let schedule = s
                .hires_by_month
                .iter()
                .map(|(m, n)| format!("{n} in {m}"))
                .collect::<Vec<_>>()
                .join(", ");
            if let Some(r) = &s.reachable {
                let by = match r.annual_rate_from {
                    Some(m) => format!(
                        "hiring on at that pace, the trailing 12 months book the target from {m}"
                    ),
                    None => "hiring on at that pace does not reach the target's annual rate within five years".to_string(),
                };
                let _ = writeln!(
                    out,
                    "  {name}: the target is out of reach: the most recruiting delivers ({}) books {} in the plan year ({} % of the target); {by}",
                    if schedule.is_empty() { "no hire in the plan year".to_string() } else { schedule },
                    thousands(r.plan_year_bookings),
                    fixed(100.0 * r.plan_year_bookings / s.target, 1),
                );
            } else if !schedule.is_empty() {
                let _ = writeln!(out, "  {name}: hires {schedule}");
            }
        }
    }
    out
}

fn caps_text(caps: crate::scenarios::HiringCaps) -> String {
    let mut parts = Vec::new();
    if let Some(n) = caps.per_month {
        parts.push(format!("at most {n} a month"));
    }
    if let Some(n) = caps.total {
        parts.push(format!("at most {n} in the year"));
    }
    parts.join(", ")
}

pub const GROUP_COLUMNS: [&str; 14] = [
    "scenario",
    "group",
    "reps",
    "target_share",
    "quota_per_ramped_fte",
    "ramp_months",
    "target",
    "expected_bookings",
    "gap_to_target",
    "hires_needed",
    "hires_by_month",
    "bookings_with_hires",
    "total_cost",
    "status",
];

/// Group results of every scenario, in scenario order.
pub type GroupRuns = Vec<(String, Vec<GroupResult>)>;

/// scenarios_groups.csv: per scenario, one row per group (by name) and a
/// last row `all` that adds them up.
pub fn groups_csv(groups: &[GroupSetup], runs: &GroupRuns) -> Vec<u8> {
    let mut w = csv_writer(Vec::new());
    w.write_record(GROUP_COLUMNS).expect("writing to memory");
    for (name, results) in runs {
        for (g, r) in groups.iter().zip(results) {
            let s = &r.evaluation.summary;
            w.write_record([
                name.clone(),
                g.name.clone(),
                g.reps.to_string(),
                fixed(g.target_share, 4),
                money(g.setup.quota_per_ramped_fte),
                r.evaluation.ramp_months.to_string(),
                money(s.target),
                money(s.expected_bookings),
                money(s.gap_to_target),
                s.hires_needed.map(|n| n.to_string()).unwrap_or_default(),
                hires_by_month(s),
                money(s.bookings_with_hires),
                money(s.total_cost),
                s.status.to_string(),
            ])
            .expect("writing to memory");
        }
        let all = roll_up(results);
        w.write_record([
            name.clone(),
            "all".to_string(),
            groups.iter().map(|g| g.reps).sum::<usize>().to_string(),
            fixed(groups.iter().map(|g| g.target_share).sum(), 4),
            String::new(),
            String::new(),
            money(all.target),
            money(all.expected_bookings),
            money(all.gap_to_target),
            all.hires_needed.map(|n| n.to_string()).unwrap_or_default(),
            String::new(),
            money(all.bookings_with_hires),
            money(all.total_cost),
            all.status.to_string(),
        ])
        .expect("writing to memory");
    }
    finish(w)
}

/// The groups side by side for stdout: per scenario, each group's gap and
/// hires, then the roll-up.
pub fn render_groups(groups: &[GroupSetup], runs: &GroupRuns) -> String {
    let mut out = String::new();
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  by group ({} groups, each with its own quota per ramped FTE, ramp and share of the target):",
        groups.len()
    );
    for g in groups {
        let _ = writeln!(
            out,
            "    {:<14} {:>3} reps  target share {:>5} %  quota per ramped FTE {}",
            g.name,
            g.reps,
            fixed(g.target_share * 100.0, 1),
            thousands(g.setup.quota_per_ramped_fte),
        );
    }
    let w = groups
        .iter()
        .map(|g| g.name.len() + 10)
        .max()
        .unwrap_or(0)
        .max(18);
    let mut header = format!("  {:<12}", "scenario");
    for g in groups {
        let _ = write!(header, " {:>w$}", format!("{} gap/hires", g.name));
    }
    let _ = write!(header, " {:>w$}", "all gap/hires");
    let _ = writeln!(out, "{header}");
    let cell = |gap: f64, hires: Option<u32>| {
        format!(
            "{} / {}",
            thousands(gap),
            hires.map_or("n/a".to_string(), |n| n.to_string())
        )
    };
    for (name, results) in runs {
        let mut line = format!("  {name:<12}");
        for r in results {
            let s = &r.evaluation.summary;
            let _ = write!(line, " {:>w$}", cell(s.gap_to_target, s.hires_needed));
        }
        let all = roll_up(results);
        let _ = write!(line, " {:>w$}", cell(all.gap_to_target, all.hires_needed));
        let _ = writeln!(out, "{line}");
    }
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
    /// Last year's attainment a derived quota capacity assumes (absent
    /// when `quota_per_ramped_fte` is configured).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attainment_last_year: Option<f64>,
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
