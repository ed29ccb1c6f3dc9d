//! Quota outputs: `quotas.csv`, `quota_summary.csv`, the manifest's
//! `quota` section and the quota block of the stdout summary.
//!
//! `quotas.csv`: `rep_id, component, month, amount, ramp_factor,
//! fiscal_quarter`; one row per rep, component (with a positive share) and
//! fiscal month, `month` as `YYYY-MM`, `amount` in whole currency units
//! (the months of a rep and component sum exactly to its annual figure),
//! `ramp_factor` the rep's ramp in that month (0-1, 4 decimals). Sorted by
//! rep_id, then component code, then month.
//!
//! `quota_summary.csv`: one row per rep, sorted by rep_id: `rep_id,
//! top_down, bottom_up, final_quota, gap, gap_pct, pipeline_coverage,
//! p_attain`, then `name, manager, region, capacity, productive_share,
//! accounts, potential, bookings_last_year, pipeline, bu_potential,
//! bu_history, bu_pipeline, calibrated_quota, p_attain_calibrated,
//! new_business, expansion, retention, flags`. Amounts are whole currency
//! units; `gap = top_down - bottom_up`, `gap_pct` its percentage of
//! bottom-up (2 decimals, empty when bottom-up is 0); `pipeline_coverage`
//! is pipeline / final quota (2 decimals, empty without pipeline data or
//! quota); probabilities are fractions with 4 decimals (empty for a zero
//! quota); `bu_*` are the
//! full-year figures of each bottom-up method for the territory (empty when
//! the data lacks the column); `flags` is `;`-separated (`over_capture`,
//! `low_coverage`).
//!
//! Adding quotas to an existing output folder ([`add_to_folder`], used by
//! `tplan quota`) writes each file under a temporary name and renames it,
//! and rewrites the manifest the same way with its `quota` section and
//! `outputs` list replaced; everything else in the manifest is kept byte
//! for byte.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::model::{Dataset, QuotaConfig, RampConfig};
use crate::quota::{Attainment, Component, Flag, MethodWeights, QuotaPlan};
use crate::{Error, Result};

use super::format::{fixed, signed, thousands};
use super::{sha256_hex, ManifestFile, MANIFEST_FILE};

/// Name of the monthly quota file.
pub const QUOTAS_FILE: &str = "quotas.csv";
/// Name of the per-rep quota file.
pub const QUOTA_SUMMARY_FILE: &str = "quota_summary.csv";

/// Columns of quotas.csv.
pub const QUOTA_COLUMNS: [&str; 6] = [
    "rep_id",
    "component",
    "month",
    "amount",
    "ramp_factor",
    "fiscal_quarter",
];

/// Columns of quota_summary.csv.
pub const QUOTA_SUMMARY_COLUMNS: [&str; 26] = [
    "rep_id",
    "top_down",
    "bottom_up",
    "final_quota",
    "gap",
    "gap_pct",
    "pipeline_coverage",
    "p_attain",
    "name",
    "manager",
    "region",
    "capacity",
    "productive_share",
    "accounts",
    "potential",
    "bookings_last_year",
    "pipeline",
    "bu_potential",
    "bu_history",
    "bu_pipeline",
    "calibrated_quota",
    "p_attain_calibrated",
    "new_business",
    "expansion",
    "retention",
    "flags",
];

/// quotas.csv as bytes.
pub fn quotas_csv(dataset: &Dataset, plan: &QuotaPlan) -> Vec<u8> {
    let mut buf = Vec::new();
    write_quotas(&mut buf, dataset, plan).expect("writing to memory");
    buf
}

/// quota_summary.csv as bytes.
pub fn quota_summary_csv(dataset: &Dataset, plan: &QuotaPlan) -> Vec<u8> {
    let mut buf = Vec::new();
    write_quota_summary(&mut buf, dataset, plan).expect("writing to memory");
    buf
}

/// Write quotas.csv.
pub fn write_quotas<W: Write>(out: W, dataset: &Dataset, plan: &QuotaPlan) -> std::io::Result<()> {
    let mut w = super::csv_writer(out);
    w.write_record(QUOTA_COLUMNS)?;
    // plan.reps is in rep_id order; components by code, months in order.
    for r in &plan.reps {
        let id = &dataset.reps[r.rep].id;
        let mut comps: Vec<_> = r.components.iter().collect();
        comps.sort_by_key(|c| c.component.code());
        for c in comps {
            for m in &c.months {
                w.write_record([
                    id.as_str(),
                    c.component.code(),
                    &m.month.to_string(),
                    &m.amount.to_string(),
                    &fixed(m.ramp_factor, 4),
                    &crate::quota::phasing::quarter(m.fiscal_month).to_string(),
                ])?;
            }
        }
    }
    w.flush()
}

fn opt(x: Option<f64>, decimals: usize) -> String {
    x.map(|v| fixed(v, decimals)).unwrap_or_default()
}

/// Write quota_summary.csv.
pub fn write_quota_summary<W: Write>(
    out: W,
    dataset: &Dataset,
    plan: &QuotaPlan,
) -> std::io::Result<()> {
    let mut w = super::csv_writer(out);
    w.write_record(QUOTA_SUMMARY_COLUMNS)?;
    for r in &plan.reps {
        let rep = &dataset.reps[r.rep];
        let component = |c: Component| {
            r.components
                .iter()
                .find(|q| q.component == c)
                .map_or(0, |q| q.annual)
                .to_string()
        };
        let flags: Vec<&str> = r.flags.iter().map(|f| f.code()).collect();
        w.write_record([
            rep.id.clone(),
            r.top_down.to_string(),
            r.bottom_up.to_string(),
            r.final_quota.to_string(),
            r.gap.to_string(),
            opt(r.gap_pct.map(|g| g * 100.0), 2),
            opt(r.pipeline_coverage, 2),
            opt((r.final_quota > 0).then_some(r.p_attain), 4),
            rep.name.clone().unwrap_or_default(),
            rep.manager.clone().unwrap_or_default(),
            rep.region.clone().unwrap_or_default(),
            fixed(r.capacity, 3),
            fixed(r.productive_share, 4),
            r.territory.accounts.to_string(),
            fixed(r.territory.potential, 0),
            opt(plan.availability.history.then_some(r.territory.bookings), 0),
            opt(
                plan.availability.pipeline.then_some(r.territory.pipeline),
                0,
            ),
            fixed(r.methods.potential, 0),
            opt(r.methods.history, 0),
            opt(r.methods.pipeline, 0),
            r.calibrated.to_string(),
            opt((r.calibrated > 0).then_some(r.p_attain_calibrated), 4),
            component(Component::NewBusiness),
            component(Component::Expansion),
            component(Component::Retention),
            flags.join(";"),
        ])?;
    }
    w.flush()
}

/// One component's share and total in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentTotal {
    pub component: &'static str,
    pub share: f64,
    pub total: i64,
}

/// One fiscal quarter's total in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuarterTotal {
    pub quarter: u32,
    pub first_month: String,
    pub total: i64,
    /// Totals by component code.
    pub by_component: BTreeMap<&'static str, i64>,
}

/// Totals of the bottom-up methods over all territories (full year).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodTotals {
    pub potential: f64,
    pub history: Option<f64>,
    pub pipeline: Option<f64>,
}

/// Counts of flagged reps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlagCounts {
    pub over_capture: usize,
    pub low_coverage: usize,
    pub high_coverage: usize,
}

/// How a `tplan quota` run differed from the plan run recorded in the
/// rest of the manifest: its command line, inputs and the settings used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaRun {
    pub command: Vec<String>,
    /// Input files as read by the quota run (the config may have changed
    /// since the plan).
    pub inputs: Vec<ManifestFile>,
    pub fiscal_year: Option<i32>,
    pub fiscal_year_start_month: u32,
    pub ramp: RampConfig,
    pub quota: QuotaConfig,
}

impl QuotaRun {
    pub fn new(command: Vec<String>, inputs: Vec<ManifestFile>, dataset: &Dataset) -> QuotaRun {
        let c = &dataset.config;
        QuotaRun {
            command,
            inputs,
            fiscal_year: c.fiscal_year,
            fiscal_year_start_month: c.fiscal_year_start_month,
            ramp: c.ramp.clone(),
            quota: c.quota.clone(),
        }
    }
}

/// The manifest's `quota` section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaManifest {
    /// Present when `tplan quota` wrote the quotas into an existing plan
    /// folder (absent when `tplan plan` did: the manifest's own command,
    /// inputs and config apply).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<QuotaRun>,
    pub first_month: String,
    pub last_month: String,
    pub company_target: f64,
    pub sales_target: f64,
    pub over_assignment: f64,
    /// `top_down` or `calibrated`.
    pub final_quota_is: &'static str,
    pub top_down_total: i64,
    pub bottom_up_total: i64,
    pub final_total: i64,
    /// top_down_total - bottom_up_total.
    pub gap: i64,
    pub gap_pct: Option<f64>,
    pub reps: usize,
    pub bottom_up_weights: MethodWeights,
    pub bottom_up_methods: MethodTotals,
    pub components: Vec<ComponentTotal>,
    pub quarters: Vec<QuarterTotal>,
    pub flags: FlagCounts,
    pub attainment: Attainment,
    pub files: Vec<String>,
}

impl QuotaManifest {
    pub fn new(plan: &QuotaPlan, run: Option<QuotaRun>) -> QuotaManifest {
        let gap = plan.top_down_total - plan.bottom_up_total;
        let mut quarters: Vec<QuarterTotal> = (1..=4)
            .map(|q| QuarterTotal {
                quarter: q,
                first_month: plan
                    .months
                    .get((q as usize - 1) * 3)
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
                total: 0,
                by_component: BTreeMap::new(),
            })
            .collect();
        let mut components: Vec<ComponentTotal> = plan
            .components
            .iter()
            .map(|(c, share)| ComponentTotal {
                component: c.code(),
                share: *share,
                total: 0,
            })
            .collect();
        for r in &plan.reps {
            for c in &r.components {
                if let Some(t) = components
                    .iter_mut()
                    .find(|t| t.component == c.component.code())
                {
                    t.total += c.annual;
                }
                for m in &c.months {
                    let q =
                        &mut quarters[crate::quota::phasing::quarter(m.fiscal_month) as usize - 1];
                    q.total += m.amount;
                    *q.by_component.entry(c.component.code()).or_insert(0) += m.amount;
                }
            }
        }
        let sum_opt = |f: fn(&crate::quota::Methods) -> Option<f64>| {
            plan.reps.iter().map(|r| f(&r.methods)).sum::<Option<f64>>()
        };
        QuotaManifest {
            run,
            first_month: plan.first_month.to_string(),
            last_month: plan
                .months
                .last()
                .map(|m| m.to_string())
                .unwrap_or_default(),
            company_target: plan.company_target,
            sales_target: plan.sales_target,
            over_assignment: plan.over_assignment,
            final_quota_is: if plan
                .attainment
                .calibration
                .as_ref()
                .is_some_and(|c| c.applied)
            {
                "calibrated"
            } else {
                "top_down"
            },
            top_down_total: plan.top_down_total,
            bottom_up_total: plan.bottom_up_total,
            final_total: plan.final_total,
            gap,
            gap_pct: (plan.bottom_up_total > 0)
                .then(|| gap as f64 / plan.bottom_up_total as f64 * 100.0),
            reps: plan.reps.len(),
            bottom_up_weights: plan.method_weights,
            bottom_up_methods: MethodTotals {
                potential: plan.reps.iter().map(|r| r.methods.potential).sum(),
                history: sum_opt(|m| m.history),
                pipeline: sum_opt(|m| m.pipeline),
            },
            components,
            quarters,
            flags: FlagCounts {
                over_capture: count_flag(plan, Flag::OverCapture),
                low_coverage: count_flag(plan, Flag::LowCoverage),
                high_coverage: count_flag(plan, Flag::HighCoverage),
            },
            attainment: plan.attainment.clone(),
            files: vec![QUOTAS_FILE.to_string(), QUOTA_SUMMARY_FILE.to_string()],
        }
    }
}

fn count_flag(plan: &QuotaPlan, flag: Flag) -> usize {
    plan.reps.iter().filter(|r| r.flags.contains(&flag)).count()
}

/// The two quota files as `(name, bytes)`.
pub fn quota_files(dataset: &Dataset, plan: &QuotaPlan) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (QUOTAS_FILE, quotas_csv(dataset, plan)),
        (QUOTA_SUMMARY_FILE, quota_summary_csv(dataset, plan)),
    ]
}

/// Write `bytes` to `dir/name` through a temporary name and a rename, so
/// a reader never sees a half-written file.
fn replace_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<ManifestFile> {
    let temp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let path = dir.join(name);
    let write = || -> std::io::Result<()> {
        let mut f = fs::File::create(&temp)?;
        f.write_all(bytes)?;
        f.sync_all()
    };
    if let Err(e) = write() {
        let _ = fs::remove_file(&temp);
        return Err(Error::io(&temp, e));
    }
    fs::rename(&temp, &path).map_err(|e| {
        let _ = fs::remove_file(&temp);
        Error::io(&path, e)
    })?;
    Ok(ManifestFile {
        path: name.to_string(),
        sha256: sha256_hex(bytes),
        bytes: bytes.len() as u64,
    })
}

/// Add the quota files to an existing tplan output folder and record them
/// in its manifest (`quota` section, `outputs` list). The manifest text
/// is computed before any file is touched, so a manifest that cannot be
/// updated leaves the folder as it was.
pub fn add_to_folder(
    dir: &Path,
    dataset: &Dataset,
    plan: &QuotaPlan,
    run: QuotaRun,
) -> Result<Vec<ManifestFile>> {
    let manifest_path = dir.join(MANIFEST_FILE);
    let text = fs::read_to_string(&manifest_path).map_err(|e| Error::io(&manifest_path, e))?;
    let bad_manifest = |why: &str| {
        Error::Usage(format!(
            "cannot add quotas to {}: {why}; run `tplan plan` again to rewrite the folder",
            manifest_path.display()
        ))
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|_| bad_manifest("it is not valid JSON"))?;
    let files = quota_files(dataset, plan);
    let described: Vec<ManifestFile> = files
        .iter()
        .map(|(name, bytes)| ManifestFile {
            path: name.to_string(),
            sha256: sha256_hex(bytes),
            bytes: bytes.len() as u64,
        })
        .collect();
    // Struct order, not a JSON map's sorted keys, so the spliced manifest
    // reads exactly like one `tplan plan` writes.
    let mut outputs: Vec<ManifestFile> = value
        .get("outputs")
        .and_then(|o| o.as_array())
        .ok_or_else(|| bad_manifest("it has no outputs list"))?
        .iter()
        .map(|o| {
            Some(ManifestFile {
                path: o.get("path")?.as_str()?.to_string(),
                sha256: o.get("sha256")?.as_str()?.to_string(),
                bytes: o.get("bytes")?.as_u64()?,
            })
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| bad_manifest("its outputs list is not one tplan writes"))?;
    // Quota files sit right after the plan's own tables, where `tplan plan`
    // writes them (the report files, if any, come after).
    outputs.retain(|o| o.path != QUOTAS_FILE && o.path != QUOTA_SUMMARY_FILE);
    let at = outputs
        .iter()
        .position(|o| o.path == super::TERRITORIES_FILE)
        .map_or(outputs.len(), |k| k + 1);
    outputs.splice(at..at, described.iter().cloned());
    let quota = serde_json::to_string_pretty(&QuotaManifest::new(plan, Some(run)))
        .expect("quota section serializes");
    let outputs = serde_json::to_string_pretty(&outputs).expect("outputs serialize");
    let text = splice_top_level(&text, "quota", &quota, "outputs")
        .and_then(|t| splice_top_level(&t, "outputs", &outputs, "warnings"))
        .ok_or_else(|| bad_manifest("its layout is not one tplan writes"))?;
    if serde_json::from_str::<serde_json::Value>(&text).is_err() {
        return Err(bad_manifest("its layout is not one tplan writes"));
    }
    for (name, bytes) in &files {
        replace_file(dir, name, bytes)?;
    }
    replace_file(dir, MANIFEST_FILE, text.as_bytes())?;
    Ok(described)
}

/// Replace (or insert before the top-level key `before`) the top-level
/// key `key` of a pretty-printed JSON object (two-space indent, as the
/// manifest is written) with `pretty`, a value as `to_string_pretty`
/// writes it, leaving every other line as it was. `None` when the text
/// does not have that layout.
pub fn splice_top_level(text: &str, key: &str, pretty: &str, before: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    if lines.first() != Some(&"{") || lines.last() != Some(&"}") {
        return None;
    }
    let is_top = |l: &str| l.starts_with("  \"") && !l.starts_with("   ");
    let key_line = |name: &str| {
        let prefix = format!("  \"{name}\": ");
        lines.iter().position(|l| l.starts_with(&prefix))
    };
    let mut block = format!("  \"{key}\": ");
    for (i, l) in pretty.lines().enumerate() {
        if i > 0 {
            block.push_str("\n  ");
        }
        block.push_str(l);
    }
    let (start, end) = match key_line(key) {
        Some(start) => {
            let end = (start + 1..lines.len())
                .find(|&i| is_top(lines[i]) || i == lines.len() - 1)
                .unwrap_or(lines.len() - 1);
            (start, end)
        }
        None => {
            let at = key_line(before)?;
            (at, at)
        }
    };
    // A block followed by another key ends with a comma.
    if end < lines.len() - 1 {
        block.push(',');
    } else if start > 1 && !lines[start - 1].ends_with(',') {
        return None;
    }
    let mut out: Vec<&str> = lines[..start].to_vec();
    out.push(&block);
    out.extend_from_slice(&lines[end..]);
    let mut s = out.join("\n");
    s.push('\n');
    Some(s)
}

fn pct(x: f64, decimals: usize) -> String {
    format!("{} %", fixed(x * 100.0, decimals))
}

/// The quota block of the stdout summary.
pub fn render(dataset: &Dataset, plan: &QuotaPlan) -> String {
    let mut s = String::new();
    let cfg = &dataset.config.quota;
    let last = plan
        .months
        .last()
        .map(|m| m.to_string())
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "quotas for the fiscal year {} to {}: company target {} x {} from sales = sales target {}, +{} over-assignment",
        plan.first_month,
        last,
        thousands(plan.company_target),
        pct(cfg.sales_share, 0),
        thousands(plan.sales_target),
        pct(plan.over_assignment, 1),
    );

    // Roll-up by region (or manager), then the total.
    let group_of = |r: usize| {
        let rep = &dataset.reps[r];
        rep.region
            .clone()
            .or_else(|| rep.manager.clone())
            .unwrap_or_else(|| "(none)".to_string())
    };
    #[derive(Default)]
    struct Line {
        reps: usize,
        top_down: i64,
        bottom_up: i64,
        final_quota: i64,
        p_sum: f64,
        with_quota: usize,
        flagged: usize,
    }
    let mut groups: BTreeMap<String, Line> = BTreeMap::new();
    let mut total = Line::default();
    for r in &plan.reps {
        for line in [groups.entry(group_of(r.rep)).or_default(), &mut total] {
            line.reps += 1;
            line.top_down += r.top_down;
            line.bottom_up += r.bottom_up;
            line.final_quota += r.final_quota;
            if r.final_quota > 0 {
                line.p_sum += r.p_attain;
                line.with_quota += 1;
            }
            if !r.flags.is_empty() {
                line.flagged += 1;
            }
        }
    }
    let header = |s: &mut String| {
        let _ = writeln!(
            s,
            "  {:<14}{:>5}{:>15}{:>15}{:>15}{:>10}{:>15}{:>10}{:>9}",
            "", "reps", "top-down", "bottom-up", "gap", "gap %", "final quota", "attain", "flagged"
        );
    };
    let row = |s: &mut String, label: &str, l: &Line| {
        let gap = l.top_down - l.bottom_up;
        let gap_pct = if l.bottom_up > 0 {
            format!("{} %", signed(gap as f64 / l.bottom_up as f64 * 100.0, 1))
        } else {
            "-".to_string()
        };
        let attain = if l.with_quota > 0 {
            pct(l.p_sum / l.with_quota as f64, 1)
        } else {
            "-".to_string()
        };
        let sign = if gap > 0 { "+" } else { "" };
        let _ = writeln!(
            s,
            "  {:<14}{:>5}{:>15}{:>15}{:>15}{:>10}{:>15}{:>10}{:>9}",
            label,
            l.reps,
            thousands(l.top_down as f64),
            thousands(l.bottom_up as f64),
            format!("{sign}{}", thousands(gap as f64)),
            gap_pct,
            thousands(l.final_quota as f64),
            attain,
            l.flagged,
        );
    };
    header(&mut s);
    if groups.len() > 1 {
        for (name, line) in &groups {
            row(&mut s, name, line);
        }
    }
    row(&mut s, "total", &total);

    let w = &plan.method_weights;
    let final_is = if plan
        .attainment
        .calibration
        .as_ref()
        .is_some_and(|c| c.applied)
    {
        "calibrated top-down"
    } else {
        "top-down"
    };
    let _ = writeln!(
        s,
        "  final quota = {final_is}; bottom-up = potential x {} ({}), history x {} ({}), pipeline / {}x ({}), ramp-adjusted",
        pct(cfg.bottom_up.capture_rate, 0),
        pct(w.potential, 0),
        fixed(1.0 + cfg.bottom_up.growth, 2),
        if plan.availability.history { pct(w.history, 0) } else { "no data".to_string() },
        fixed(cfg.bottom_up.coverage_ratio, 1),
        if plan.availability.pipeline { pct(w.pipeline, 0) } else { "no data".to_string() },
    );
    let manifest = QuotaManifest::new(plan, None);
    let comps: Vec<String> = manifest
        .components
        .iter()
        .map(|c| {
            format!(
                "{} {} ({})",
                c.component,
                thousands(c.total as f64),
                pct(c.share, 0)
            )
        })
        .collect();
    let _ = writeln!(s, "  components: {}", comps.join(", "));
    let quarters: Vec<String> = manifest
        .quarters
        .iter()
        .map(|q| format!("Q{} {}", q.quarter, thousands(q.total as f64)))
        .collect();
    let _ = writeln!(s, "  quarters: {}", quarters.join(", "));

    let att = &plan.attainment;
    let [low, high] = att.band;
    let verdict = if att.share_final < low {
        "quotas are too high"
    } else if att.share_final > high {
        "quotas leave money on the table"
    } else {
        "within the band"
    };
    let _ = writeln!(
        s,
        "  reps expected to reach quota: {} of {} ({} to {} is healthy: {verdict}; {} simulated years, spread {})",
        pct(att.share_final, 1),
        att.reps_with_quota,
        pct(low, 0),
        pct(high, 0),
        thousands(att.simulations as f64),
        fixed(att.spread, 2),
    );
    match &att.calibration {
        Some(c) if c.scale != 1.0 => {
            let vs = if c.shortfall_vs_sales_target > 0.0 {
                format!("{} below", thousands(c.shortfall_vs_sales_target))
            } else {
                format!("{} above", thousands(-c.shortfall_vs_sales_target))
            };
            let _ = writeln!(
                s,
                "  calibration: quotas x {} = {} ({} of the sales target, {vs}) puts {} of reps at quota{}",
                fixed(c.scale, 4),
                thousands(c.quota_total as f64),
                pct(c.quota_total as f64 / plan.sales_target, 1),
                pct(c.share, 1),
                if c.applied {
                    " (applied)"
                } else {
                    " (not applied: set quota.attainment.apply_calibration = true)"
                },
            );
        }
        Some(_) => {
            let _ = writeln!(s, "  calibration: not needed, the plan is within the band");
        }
        None => {
            let _ = writeln!(
                s,
                "  calibration: not possible, too many reps have no expected bookings to reach {}",
                pct(att.target_share, 0)
            );
        }
    }
    let points: Vec<String> = att
        .tradeoff
        .iter()
        .map(|p| {
            format!(
                "{} ({}) -> {}",
                thousands(p.quota_total),
                pct(p.pct_of_sales_target / 100.0, 0),
                pct(p.share_attaining, 0)
            )
        })
        .collect();
    let _ = writeln!(
        s,
        "  trade-off, quota total (of sales target) -> reps at quota: {}",
        points.join(", ")
    );
    let _ = writeln!(
        s,
        "  flags: {} rep{} above {} of territory potential, {} below {}x pipeline coverage, {} above {}x",
        manifest.flags.over_capture,
        if manifest.flags.over_capture == 1 {
            ""
        } else {
            "s"
        },
        pct(cfg.bottom_up.max_capture_rate, 0),
        manifest.flags.low_coverage,
        fixed(cfg.bottom_up.coverage_ratio, 1),
        manifest.flags.high_coverage,
        fixed(cfg.bottom_up.high_coverage_ratio, 1),
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const MANIFEST: &str = "{\n  \"tplan_version\": \"0.1.0\",\n  \"outputs\": [\n    {\n      \"path\": \"a.csv\"\n    }\n  ],\n  \"warnings\": [],\n  \"timings\": {\n    \"total\": 1.0\n  }\n}\n";

    fn p(v: serde_json::Value) -> String {
        serde_json::to_string_pretty(&v).unwrap()
    }

    #[test]
    fn splice_inserts_then_replaces_a_top_level_key() {
        let once = splice_top_level(
            MANIFEST,
            "quota",
            &p(json!({"total": 5, "x": [1]})),
            "outputs",
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&once).unwrap();
        assert_eq!(v["quota"]["total"], 5);
        assert!(once.contains("  \"quota\": {\n    \"total\": 5,"), "{once}");
        assert!(once.find("\"quota\"").unwrap() < once.find("\"outputs\"").unwrap());
        let twice = splice_top_level(&once, "quota", &p(json!({"total": 6})), "outputs").unwrap();
        let v: serde_json::Value = serde_json::from_str(&twice).unwrap();
        assert_eq!(v["quota"], json!({"total": 6}));
        assert_eq!(v["timings"]["total"], 1.0);
        // Same text as inserting {"total": 6} in the first place.
        assert_eq!(
            twice,
            splice_top_level(MANIFEST, "quota", &p(json!({"total": 6})), "outputs").unwrap()
        );
        let outs =
            splice_top_level(&twice, "outputs", &p(json!([{"path": "b"}])), "warnings").unwrap();
        let v: serde_json::Value = serde_json::from_str(&outs).unwrap();
        assert_eq!(v["outputs"], json!([{"path": "b"}]));
        assert!(splice_top_level("[1]", "quota", &p(json!(1)), "outputs").is_none());
        assert!(splice_top_level(MANIFEST, "quota", &p(json!(1)), "nothing").is_none());
    }
}
