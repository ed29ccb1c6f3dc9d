//! The report of a plan: charts (PNG and SVG), `report.html`, GeoJSON and
//! the CRM exports, all made from the output folder's own files.
//!
//! [`build`] reads the folder ([`crate::output::folder::PlanFolder`]) and returns every
//! file as bytes; `tplan plan` writes them into its staged folder before
//! the swap, `tplan report` ([`crate::commands::report`]) rewrites them in
//! place, one atomic rename per file. Both go through the same reader, so
//! the page can never show something the CSV files do not say.
//!
//! Sections of the page and their charts come in a fixed order (the
//! comparison of status quo, distance-only and balanced plans after the
//! summary, the region and manager roll-up after the territories, each
//! when its CSV file is in the folder). Optional
//! sections plug in through [`OPTIONAL_SECTIONS`]: one function each,
//! returning `None` when its input file (e.g. `quotas.csv`,
//! `scenarios.csv`) is not in the folder.

pub mod balance;
pub mod basemap;
pub mod evidence;
pub mod geojson;
pub mod html;
pub mod hull;
pub mod map;
pub mod palette;
pub mod projection;
pub mod quotas;
pub mod rebalance;
pub mod render;
pub mod review;
pub mod scenarios;

use std::path::Path;

use rayon::prelude::*;

pub use crate::error::ReportError;
use crate::exports;
use crate::output::folder::PlanFolder;
use balance::BalanceChart;
use map::MapChart;
use render::{Chart, Rendered};

/// The review page.
pub const REPORT_FILE: &str = "report.html";
/// Territories, rep homes and accounts for GIS tools.
pub const GEOJSON_FILE: &str = "territories.geojson";

/// One section of report.html.
#[derive(Debug, Clone)]
pub struct Section {
    /// Anchor id.
    pub id: &'static str,
    pub title: String,
    /// Body HTML (charts inline).
    pub html: String,
}

/// What an optional section adds: its page section and its chart files.
#[derive(Debug, Clone)]
pub struct SectionOutput {
    pub section: Section,
    /// (file name, bytes), e.g. `quotas.png`.
    pub files: Vec<(String, Vec<u8>)>,
}

impl SectionOutput {
    /// A section and its chart files (see [`Rendered::files`]).
    pub fn new(
        id: &'static str,
        title: impl Into<String>,
        html: String,
        files: Vec<(String, Vec<u8>)>,
    ) -> SectionOutput {
        SectionOutput {
            section: Section {
                id,
                title: title.into(),
                html,
            },
            files,
        }
    }
}

/// An optional section: `Ok(None)` when its input file is absent.
pub type SectionBuilder = fn(&PlanFolder) -> Result<Option<SectionOutput>, ReportError>;

/// Sections shown only when their files exist, in page order. Quotas
/// (`quotas.csv`, `quota_summary.csv`), the review against actuals
/// (`review.csv`, `review_monthly.csv`) and scenarios (`scenarios.csv`,
/// `scenarios_monthly.csv`) add one function each here.
pub const OPTIONAL_SECTIONS: &[SectionBuilder] = &[
    quotas::section,
    review::section,
    scenarios::section,
    rebalance::section,
];

/// Render a chart to both formats and add the files to `files`.
fn chart_files<C: Chart>(chart: &C, r: &Rendered, files: &mut Vec<(String, Vec<u8>)>) {
    files.extend(r.clone().files(chart.name()));
}

/// File-name-safe form of a balance-group key: `SMB`, `ENT_MM` for
/// `ENT;MM`, `all` for `*` (reps covering every segment).
pub fn group_file_part(group: &str) -> String {
    if group == "*" {
        return "all".to_string();
    }
    let s: String = group
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        "group".to_string()
    } else {
        s
    }
}

/// One map per balance group when there is more than one group, named
/// `map_<group>` (made unique by a numeric suffix if two keys clean up to
/// the same name).
fn group_maps(folder: &PlanFolder) -> Vec<MapChart<'_>> {
    let groups: std::collections::BTreeSet<&str> =
        folder.reps.iter().map(|r| r.group.as_str()).collect();
    if groups.len() < 2 {
        return Vec::new();
    }
    let mut used = std::collections::BTreeSet::new();
    groups
        .into_iter()
        .map(|g| {
            let base = format!("map_{}", group_file_part(g));
            let mut name = base.clone();
            let mut n = 1;
            while !used.insert(name.clone()) {
                n += 1;
                name = format!("{base}_{n}");
            }
            MapChart::for_group(folder, g, name)
        })
        .collect()
}

/// Every report file of the plan in `folder`, as (path relative to the
/// folder, bytes), in a fixed order. Deterministic: the same folder gives
/// the same bytes.
pub fn build(folder: &PlanFolder) -> Result<Vec<(String, Vec<u8>)>, ReportError> {
    let map = MapChart::new(folder);
    let balance = BalanceChart::new(folder);
    // The two big charts are independent: draw them on both cores.
    let (map_r, balance_r) = rayon::join(|| render::both(&map), || render::both(&balance));
    let (map_r, balance_r) = (map_r?, balance_r?);

    let groups = group_maps(folder);
    let group_r: Vec<Rendered> = groups
        .par_iter()
        .map(render::both)
        .collect::<Result<_, _>>()?;

    let mut files = Vec::new();
    chart_files(&map, &map_r, &mut files);
    for (chart, r) in groups.iter().zip(&group_r) {
        chart_files(chart, r, &mut files);
    }
    chart_files(&balance, &balance_r, &mut files);

    let mut sections = vec![html::summary_section(folder)];
    if let Some(section) = evidence::comparison_section(folder)? {
        sections.push(section);
    }
    let mut map_html = html::figure(&map_r.svg, "map", "Territory map.");
    for (chart, r) in groups.iter().zip(&group_r) {
        map_html.push_str(&html::figure(
            &r.svg,
            chart.name(),
            "One balance group's territories.",
        ));
    }
    sections.push(Section {
        id: "map",
        title: "Territory map".into(),
        html: map_html,
    });
    sections.push(Section {
        id: "balance",
        title: "Balance".into(),
        html: html::figure(
            &balance_r.svg,
            "balance",
            "Each rep's potential and workload as a % of its fair share (capacity × its group's per-FTE mean).",
        ),
    });
    sections.push(html::territories_section(folder));
    if let Some(section) = evidence::hierarchy_section(folder)? {
        sections.push(section);
    }
    if let Some(section) = evidence::segment_shares_section(folder)? {
        sections.push(section);
    }
    sections.push(html::moves_section(folder));
    for builder in OPTIONAL_SECTIONS {
        if let Some(out) = builder(folder)? {
            sections.push(out.section);
            files.extend(out.files);
        }
    }

    // The GeoJSON uses the map's hulls, so both show the same outlines.
    files.push((
        GEOJSON_FILE.to_string(),
        geojson::geojson(folder, map.hulls()).into_bytes(),
    ));
    files.extend(exports::files(folder));

    let mut listed: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    listed.extend(
        [
            crate::output::ASSIGNMENTS_FILE,
            crate::output::TERRITORIES_FILE,
            crate::output::MANIFEST_FILE,
        ]
        .map(str::to_string),
    );
    listed.extend(
        [
            crate::output::COMPARISON_FILE,
            crate::output::HIERARCHY_FILE,
            crate::output::SEGMENT_SHARES_FILE,
            crate::output::rebalance::MOVES_FILE,
            crate::output::rebalance::REBALANCE_SUMMARY_FILE,
            crate::output::rebalance::FRONTIER_FILE,
            crate::output::rebalance::GRANDFATHERED_FILE,
        ]
        .into_iter()
        .filter(|f| folder.dir.join(f).is_file())
        .map(str::to_string),
    );
    listed.sort();
    let page = html::page(folder, &sections, &listed);
    files.insert(0, (REPORT_FILE.to_string(), page.into_bytes()));
    Ok(files)
}

/// Read the plan in `dir` and build its report files.
pub fn build_from_dir(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, ReportError> {
    if !crate::output::atomic::is_tplan_output(dir) {
        return Err(
            corrupt_manifest(dir).unwrap_or_else(|| ReportError::NotPlanFolder(dir.to_path_buf()))
        );
    }
    build(&PlanFolder::read(dir)?)
}

/// A manifest.json that is there but not JSON (truncated, edited by hand)
/// is reported as such, with the parser's line, not as a foreign folder.
fn corrupt_manifest(dir: &Path) -> Option<ReportError> {
    let path = dir.join(crate::output::MANIFEST_FILE);
    let text = std::fs::read(&path).ok()?;
    let err = serde_json::from_slice::<serde_json::Value>(&text).err()?;
    Some(ReportError::Malformed {
        path,
        line: Some(err.line() as u64),
        message: format!(
            "manifest.json is corrupt ({err}); re-run `tplan plan` to write the folder again"
        ),
    })
}

#[cfg(test)]
mod tests;
