//! The "Status quo vs distance-only vs balanced" and "Roll-up" sections of
//! report.html, read back from `comparison.csv` and `hierarchy.csv`. Each
//! section is left out when its file is not in the folder (folders written
//! before tplan wrote these files, or reps without region and manager).

use std::fmt::Write as _;

use super::html::{escape, num_cell, table, text_cell};
use super::{ReportError, Section};
use crate::output::folder::{rows, PlanFolder, Table};
use crate::output::format::{fixed, thousands};
use crate::output::{COMPARISON_COLUMNS, COMPARISON_FILE, HIERARCHY_FILE, SEGMENT_SHARES_FILE};

/// One row of comparison.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    pub plan: String,
    pub accounts_assigned: f64,
    pub max_potential_deviation_pct: f64,
    pub max_workload_deviation_pct: f64,
    pub reps_outside_tolerance: f64,
    pub total_distance_km: f64,
    pub weighted_distance: f64,
    pub mean_km_per_account: f64,
    pub moved_accounts: f64,
    pub moved_potential: f64,
}

/// Read comparison.csv, `None` when the folder has none.
pub fn read_comparison(folder: &PlanFolder) -> Result<Option<Vec<ComparisonRow>>, ReportError> {
    let path = folder.dir.join(COMPARISON_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let t = Table::read(&path)?;
    // Every column after `plan` is a number, in the order of the fields.
    let numbers = &COMPARISON_COLUMNS[1..];
    let plan = t.column("plan")?;
    let cols = t.columns(numbers)?;
    rows(&t)
        .map(|r| {
            let mut v = [0.0; 9];
            for (k, (&c, name)) in cols.iter().zip(numbers).enumerate() {
                v[k] = r.number(c, name)?;
            }
            Ok(ComparisonRow {
                plan: r.text(plan),
                accounts_assigned: v[0],
                max_potential_deviation_pct: v[1],
                max_workload_deviation_pct: v[2],
                reps_outside_tolerance: v[3],
                total_distance_km: v[4],
                weighted_distance: v[5],
                mean_km_per_account: v[6],
                moved_accounts: v[7],
                moved_potential: v[8],
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn plan_label(plan: &str) -> String {
    match plan {
        "status_quo" => "status quo (current owners)".to_string(),
        "nearest" => "distance-only (nearest eligible rep)".to_string(),
        "balanced" => "balanced (this plan)".to_string(),
        other => other.to_string(),
    }
}

/// The comparison section, `None` without comparison.csv.
pub fn comparison_section(folder: &PlanFolder) -> Result<Option<Section>, ReportError> {
    let Some(plans) = read_comparison(folder)? else {
        return Ok(None);
    };
    let reps = folder.reps.len();
    let body: Vec<String> = plans
        .iter()
        .map(|p| {
            [
                text_cell(&plan_label(&p.plan)),
                num_cell(&thousands(p.accounts_assigned), p.accounts_assigned),
                num_cell(
                    &format!("{} %", fixed(p.max_potential_deviation_pct, 2)),
                    p.max_potential_deviation_pct,
                ),
                num_cell(
                    &format!("{} %", fixed(p.max_workload_deviation_pct, 2)),
                    p.max_workload_deviation_pct,
                ),
                num_cell(
                    &format!("{} of {reps}", thousands(p.reps_outside_tolerance)),
                    p.reps_outside_tolerance,
                ),
                num_cell(&thousands(p.total_distance_km), p.total_distance_km),
                num_cell(&thousands(p.weighted_distance), p.weighted_distance),
                num_cell(&fixed(p.mean_km_per_account, 1), p.mean_km_per_account),
                num_cell(&thousands(p.moved_accounts), p.moved_accounts),
                num_cell(&thousands(p.moved_potential), p.moved_potential),
            ]
            .concat()
        })
        .collect();
    let mut html = String::new();
    let _ = writeln!(
        html,
        "<p>The same accounts and reps under three plans: today's owners (accounts with a \
         current owner only), every account to its nearest eligible rep (segments and locks \
         kept: the least distance any plan can have, whatever the balance), and the balanced \
         plan. Deviations are each rep's potential and workload against capacity × its balance \
         group's per-FTE mean; potential × km is the planner's distance objective. From \
         <a href=\"{0}\">{0}</a>.</p>",
        escape(COMPARISON_FILE)
    );
    let find = |name: &str| plans.iter().find(|p| p.plan == name);
    if let (Some(n), Some(b)) = (find("nearest"), find("balanced")) {
        if n.weighted_distance > 0.0 {
            let _ = writeln!(
                html,
                "<p>Balance costs <b>{} %</b> more potential × km than the distance-only plan, \
                 which leaves {} of {reps} reps outside tolerance.</p>",
                fixed(
                    (b.weighted_distance - n.weighted_distance) / n.weighted_distance * 100.0,
                    1
                ),
                thousands(n.reps_outside_tolerance)
            );
        }
    }
    html.push_str(&table(
        &[
            "plan",
            "accounts",
            "max |potential dev|",
            "max |workload dev|",
            "reps outside tolerance",
            "total km",
            "potential × km",
            "mean km per account",
            "moved accounts",
            "moved potential",
        ],
        &body,
    ));
    Ok(Some(Section {
        id: "comparison",
        title: "Status quo vs distance-only vs balanced".into(),
        html,
    }))
}

/// The roll-up section, `None` without hierarchy.csv.
pub fn hierarchy_section(folder: &PlanFolder) -> Result<Option<Section>, ReportError> {
    let path = folder.dir.join(HIERARCHY_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let t = Table::read(&path)?;
    let (level, name, region) = (t.column("level")?, t.column("name")?, t.column("region")?);
    const NUMBERS: [&str; 12] = [
        "reps",
        "fte",
        "accounts",
        "potential",
        "workload",
        "potential_per_fte",
        "potential_share_pct",
        "fte_share_pct",
        "potential_index",
        "max_rep_potential_deviation_pct",
        "reps_outside_tolerance",
        "weighted_distance",
    ];
    let cols = t.columns(&NUMBERS)?;
    let mut body = Vec::new();
    for r in rows(&t) {
        let mut v = [None; 12];
        for (k, (&c, n)) in cols.iter().zip(NUMBERS).enumerate() {
            v[k] = r.opt_number(c, n)?;
        }
        let num = |k: usize, shown: &dyn Fn(f64) -> String| match v[k] {
            Some(x) => num_cell(&shown(x), x),
            None => "<td class=\"n\" data-k=\"0\">–</td>".to_string(),
        };
        let pct = |x: f64| format!("{} %", fixed(x, 1));
        body.push(
            [
                text_cell(&r.text(level)),
                text_cell(&r.text(name)),
                text_cell(&r.text(region)),
                num(0, &thousands),
                num(1, &|x| fixed(x, 2)),
                num(2, &thousands),
                num(3, &thousands),
                num(4, &thousands),
                num(5, &thousands),
                num(6, &pct),
                num(7, &pct),
                num(8, &|x| fixed(x, 2)),
                num(9, &|x| fixed(x, 2)),
                num(10, &thousands),
                num(11, &thousands),
            ]
            .concat(),
        );
    }
    let mut html = String::new();
    let _ = writeln!(
        html,
        "<p>Territories rolled up by region and by manager (reps.csv columns; <i>(none)</i> \
         collects reps without one). The potential index is the unit's share of potential \
         over its share of FTE: 1.00 means it holds exactly its capacity's share. Reps are \
         balanced against their segment group, so a unit of enterprise reps shows a high \
         index by design. From <a href=\"{0}\">{0}</a>.</p>",
        escape(HIERARCHY_FILE)
    );
    html.push_str(&table(
        &[
            "level",
            "name",
            "region",
            "reps",
            "FTE",
            "accounts",
            "potential",
            "workload h",
            "potential per FTE",
            "potential share",
            "FTE share",
            "potential index",
            "max |rep potential dev| %",
            "reps outside tolerance",
            "potential × km",
        ],
        &body,
    ));
    Ok(Some(Section {
        id: "hierarchy",
        title: "Roll-up by region and manager".into(),
        html,
    }))
}

/// The `[[segment_share]]` section, `None` without segment_shares.csv: each
/// part of a split hybrid rep against its segment's fair share.
pub fn segment_shares_section(folder: &PlanFolder) -> Result<Option<Section>, ReportError> {
    let path = folder.dir.join(SEGMENT_SHARES_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let t = Table::read(&path)?;
    let texts = [t.column("rep_id")?, t.column("segment")?];
    const NUMBERS: [&str; 8] = [
        "share",
        "capacity",
        "accounts",
        "potential",
        "potential_target",
        "potential_dev_pct",
        "workload",
        "workload_dev_pct",
    ];
    let cols = t.columns(&NUMBERS)?;
    let within = t.column("within_tolerance")?;
    let breach = t.column("breach")?;
    let mut body = Vec::new();
    for r in rows(&t) {
        let mut v = [0.0; 8];
        for (k, (&c, n)) in cols.iter().zip(NUMBERS).enumerate() {
            v[k] = r.number(c, n)?;
        }
        let pct = |x: f64| format!("{} %", fixed(x, 2));
        body.push(
            [
                text_cell(&r.text(texts[0])),
                text_cell(&r.text(texts[1])),
                num_cell(&format!("{} %", fixed(v[0] * 100.0, 1)), v[0]),
                num_cell(&fixed(v[1], 3), v[1]),
                num_cell(&thousands(v[2]), v[2]),
                num_cell(&thousands(v[3]), v[3]),
                num_cell(&thousands(v[4]), v[4]),
                num_cell(&pct(v[5]), v[5]),
                num_cell(&thousands(v[6]), v[6]),
                num_cell(&pct(v[7]), v[7]),
                text_cell(&r.text(within)),
                text_cell(&r.text(breach)),
            ]
            .concat(),
        );
    }
    let mut html = String::new();
    let _ = writeln!(
        html,
        "<p>Hybrid reps split by <code>[[segment_share]]</code>: each part takes the rep's \
         accounts of one segment and is balanced against that segment's reps, with the rep's \
         capacity × share as its FTE. The territory table shows each rep as the sum of its \
         parts. From <a href=\"{0}\">{0}</a>.</p>",
        escape(SEGMENT_SHARES_FILE)
    );
    html.push_str(&table(
        &[
            "rep",
            "segment",
            "share",
            "FTE",
            "accounts",
            "potential",
            "target",
            "potential dev",
            "workload h",
            "workload dev",
            "within tolerance",
            "breach",
        ],
        &body,
    ));
    Ok(Some(Section {
        id: "segment-shares",
        title: "Segment shares of hybrid reps".into(),
        html,
    }))
}
