//! `hierarchy.csv`: the territory summary rolled up the sales hierarchy
//! (reps.csv `region` and `manager`), written when any rep has either.
//!
//! Columns: `level, name, region, reps, fte, accounts, potential,
//! workload, potential_per_fte, workload_per_fte, potential_share_pct,
//! fte_share_pct, potential_index, max_rep_potential_deviation_pct,
//! reps_outside_tolerance, weighted_distance`. Rows: level `region` (one
//! per region; present when any rep has a region), level `manager` (one
//! per manager, `region` filled when all its reps share one; present when
//! any rep has a manager), then one `total` row; names sorted within a
//! level. Reps without a region (manager) count under the name `(none)`.
//! `potential_index` is the unit's share of potential over its share of
//! FTE: 1.00 means the unit holds exactly its capacity's share, above 1 it
//! holds more opportunity per head than the company average (empty when
//! the unit has no FTE). `max_rep_potential_deviation_pct` is the largest
//! |potential deviation| of its reps from their balance-group fair share;
//! `weighted_distance` is potential x km of the unit's accounts.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

use serde::Serialize;

use crate::model::{Dataset, Plan};

use super::format::fixed;

/// Name of the file.
pub const HIERARCHY_FILE: &str = "hierarchy.csv";

/// Name used for reps with an empty region or manager.
pub const NONE_NAME: &str = "(none)";

/// Columns of hierarchy.csv, in order.
pub const HIERARCHY_COLUMNS: [&str; 16] = [
    "level",
    "name",
    "region",
    "reps",
    "fte",
    "accounts",
    "potential",
    "workload",
    "potential_per_fte",
    "workload_per_fte",
    "potential_share_pct",
    "fte_share_pct",
    "potential_index",
    "max_rep_potential_deviation_pct",
    "reps_outside_tolerance",
    "weighted_distance",
];

/// What a roll-up needs of one rep in the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct RepFigures {
    pub region: Option<String>,
    pub manager: Option<String>,
    pub capacity: f64,
    pub accounts: usize,
    pub potential: f64,
    pub workload: f64,
    /// (potential - fair share) / fair share.
    pub potential_deviation: f64,
    pub within_tolerance: bool,
    /// Potential x km of the rep's accounts.
    pub weighted_distance: f64,
}

/// One row of hierarchy.csv.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollUp {
    /// `region`, `manager` or `total`.
    pub level: &'static str,
    pub name: String,
    /// The region of a region row, a manager's region when all its reps
    /// share one, else empty.
    pub region: String,
    pub reps: usize,
    pub fte: f64,
    pub accounts: usize,
    pub potential: f64,
    pub workload: f64,
    pub potential_per_fte: f64,
    pub workload_per_fte: f64,
    pub potential_share_pct: f64,
    pub fte_share_pct: f64,
    /// Potential share / FTE share; `None` without FTE.
    pub potential_index: Option<f64>,
    pub max_rep_potential_deviation_pct: f64,
    pub reps_outside_tolerance: usize,
    pub weighted_distance: f64,
}

/// Each rep's figures in `plan`, in `Dataset::reps` order.
pub fn rep_figures(ds: &Dataset, plan: &Plan) -> Vec<RepFigures> {
    let mut weighted = vec![0.0; ds.reps.len()];
    for a in &plan.assignments {
        weighted[a.rep] += ds.accounts[a.account].potential * a.distance_km;
    }
    plan.balance
        .iter()
        .map(|b| {
            let rep = &ds.reps[b.rep];
            RepFigures {
                region: rep.region.clone(),
                manager: rep.manager.clone(),
                capacity: rep.capacity,
                accounts: b.accounts,
                potential: b.potential,
                workload: b.workload,
                potential_deviation: b.potential_deviation,
                within_tolerance: b.within_tolerance,
                weighted_distance: weighted[b.rep],
            }
        })
        .collect()
}

/// True when any rep names a region or a manager.
pub fn has_hierarchy(ds: &Dataset) -> bool {
    ds.reps
        .iter()
        .any(|r| r.region.is_some() || r.manager.is_some())
}

fn unit_name(v: &Option<String>) -> String {
    match v.as_deref() {
        Some(s) if !s.trim().is_empty() => s.to_string(),
        _ => NONE_NAME.to_string(),
    }
}

/// The roll-up rows: regions, managers, total (see the module docs).
pub fn roll_up(reps: &[RepFigures]) -> Vec<RollUp> {
    let total_pot: f64 = reps.iter().map(|r| r.potential).sum();
    let total_fte: f64 = reps.iter().map(|r| r.capacity).sum();
    let unit = |level: &'static str, name: String, region: String, members: &[&RepFigures]| {
        let fte: f64 = members.iter().map(|r| r.capacity).sum();
        let potential: f64 = members.iter().map(|r| r.potential).sum();
        let workload: f64 = members.iter().map(|r| r.workload).sum();
        let per_fte = |x: f64| if fte > 0.0 { x / fte } else { 0.0 };
        let share = |x: f64, total: f64| if total > 0.0 { x / total } else { 0.0 };
        let (pot_share, fte_share) = (share(potential, total_pot), share(fte, total_fte));
        RollUp {
            level,
            name,
            region,
            reps: members.len(),
            fte,
            accounts: members.iter().map(|r| r.accounts).sum(),
            potential,
            workload,
            potential_per_fte: per_fte(potential),
            workload_per_fte: per_fte(workload),
            potential_share_pct: pot_share * 100.0,
            fte_share_pct: fte_share * 100.0,
            potential_index: (fte_share > 0.0).then(|| pot_share / fte_share),
            max_rep_potential_deviation_pct: members
                .iter()
                .map(|r| r.potential_deviation.abs() * 100.0)
                .fold(0.0, f64::max),
            reps_outside_tolerance: members.iter().filter(|r| !r.within_tolerance).count(),
            weighted_distance: members.iter().map(|r| r.weighted_distance).sum(),
        }
    };
    let mut rows = Vec::new();
    if reps.iter().any(|r| r.region.is_some()) {
        let mut by: BTreeMap<String, Vec<&RepFigures>> = BTreeMap::new();
        for r in reps {
            by.entry(unit_name(&r.region)).or_default().push(r);
        }
        for (name, members) in by {
            rows.push(unit("region", name.clone(), name, &members));
        }
    }
    if reps.iter().any(|r| r.manager.is_some()) {
        let mut by: BTreeMap<String, Vec<&RepFigures>> = BTreeMap::new();
        for r in reps {
            by.entry(unit_name(&r.manager)).or_default().push(r);
        }
        for (name, members) in by {
            let first = unit_name(&members[0].region);
            let region = if members.iter().all(|r| unit_name(&r.region) == first) {
                first
            } else {
                String::new()
            };
            rows.push(unit("manager", name, region, &members));
        }
    }
    let all: Vec<&RepFigures> = reps.iter().collect();
    rows.push(unit("total", "total".to_string(), String::new(), &all));
    rows
}

/// Write hierarchy.csv.
pub fn write_hierarchy<W: Write>(out: W, rows: &[RollUp]) -> std::io::Result<()> {
    let mut w = super::csv_writer(out);
    w.write_record(HIERARCHY_COLUMNS)?;
    for r in rows {
        w.write_record([
            r.level.to_string(),
            r.name.clone(),
            r.region.clone(),
            r.reps.to_string(),
            fixed(r.fte, 3),
            r.accounts.to_string(),
            fixed(r.potential, 2),
            fixed(r.workload, 2),
            fixed(r.potential_per_fte, 2),
            fixed(r.workload_per_fte, 2),
            fixed(r.potential_share_pct, 2),
            fixed(r.fte_share_pct, 2),
            r.potential_index.map(|x| fixed(x, 3)).unwrap_or_default(),
            fixed(r.max_rep_potential_deviation_pct, 2),
            r.reps_outside_tolerance.to_string(),
            fixed(r.weighted_distance, 2),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// hierarchy.csv as bytes, `None` when no rep has a region or manager.
pub fn hierarchy_csv(ds: &Dataset, plan: &Plan) -> Option<Vec<u8>> {
    if !has_hierarchy(ds) {
        return None;
    }
    let mut buf = Vec::new();
    write_hierarchy(&mut buf, &roll_up(&rep_figures(ds, plan))).expect("writing to memory");
    Some(buf)
}

/// One summary line with each region's potential index, when there are
/// regions (at most `max` named, the rest counted).
pub fn render_regions(rows: &[RollUp], max: usize) -> Option<String> {
    let regions: Vec<&RollUp> = rows.iter().filter(|r| r.level == "region").collect();
    if regions.is_empty() {
        return None;
    }
    let mut s = String::from("potential index by region (1.00 = share of FTE):");
    for r in regions.iter().take(max) {
        let index = r.potential_index.map(|x| fixed(x, 2));
        let _ = write!(s, " {} {}", r.name, index.as_deref().unwrap_or("-"));
    }
    if regions.len() > max {
        let _ = write!(s, " and {} more", regions.len() - max);
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rep(region: Option<&str>, manager: Option<&str>, cap: f64, pot: f64) -> RepFigures {
        RepFigures {
            region: region.map(str::to_string),
            manager: manager.map(str::to_string),
            capacity: cap,
            accounts: 2,
            potential: pot,
            workload: pot / 10.0,
            potential_deviation: (pot - 100.0 * cap) / (100.0 * cap),
            within_tolerance: (pot - 100.0 * cap).abs() <= 5.0 * cap,
            weighted_distance: pot * 3.0,
        }
    }

    fn reps() -> Vec<RepFigures> {
        vec![
            rep(Some("West"), Some("Mia"), 1.0, 110.0),
            rep(Some("East"), Some("Kai"), 1.0, 100.0),
            rep(Some("West"), Some("Mia"), 0.5, 50.0),
            rep(Some("East"), Some("Mia"), 1.0, 98.0),
            rep(None, None, 0.5, 42.0),
        ]
    }

    fn find<'a>(rows: &'a [RollUp], level: &str, name: &str) -> &'a RollUp {
        rows.iter()
            .find(|r| r.level == level && r.name == name)
            .unwrap_or_else(|| panic!("no {level} {name} in {rows:?}"))
    }

    #[test]
    fn rows_are_regions_then_managers_then_total_sorted_by_name() {
        let rows = roll_up(&reps());
        let keys: Vec<(&str, &str)> = rows.iter().map(|r| (r.level, r.name.as_str())).collect();
        assert_eq!(
            keys,
            [
                ("region", "(none)"),
                ("region", "East"),
                ("region", "West"),
                ("manager", "(none)"),
                ("manager", "Kai"),
                ("manager", "Mia"),
                ("total", "total"),
            ]
        );
    }

    #[test]
    fn sums_shares_and_index() {
        let rows = roll_up(&reps());
        let total = find(&rows, "total", "total");
        assert_eq!(total.reps, 5);
        assert!((total.fte - 4.0).abs() < 1e-12);
        assert!((total.potential - 400.0).abs() < 1e-12);
        assert_eq!(total.accounts, 10);
        assert_eq!(total.potential_index, Some(1.0));
        assert!((total.potential_share_pct - 100.0).abs() < 1e-12);
        // Levels partition the reps: each level sums to the total.
        for level in ["region", "manager"] {
            let of: Vec<&RollUp> = rows.iter().filter(|r| r.level == level).collect();
            let sum = |f: fn(&RollUp) -> f64| of.iter().map(|r| f(r)).sum::<f64>();
            assert!((sum(|r| r.potential) - total.potential).abs() < 1e-9);
            assert!((sum(|r| r.fte) - total.fte).abs() < 1e-9);
            assert!((sum(|r| r.workload) - total.workload).abs() < 1e-9);
            assert!((sum(|r| r.weighted_distance) - total.weighted_distance).abs() < 1e-9);
            assert!((sum(|r| r.potential_share_pct) - 100.0).abs() < 1e-9);
            assert_eq!(of.iter().map(|r| r.reps).sum::<usize>(), total.reps);
        }
        // West: 160 of 400 potential on 1.5 of 4 FTE -> 0.4 / 0.375.
        let west = find(&rows, "region", "West");
        assert!((west.potential_per_fte - 160.0 / 1.5).abs() < 1e-9);
        assert!((west.potential_index.unwrap() - 0.4 / 0.375).abs() < 1e-12);
        assert!((west.max_rep_potential_deviation_pct - 10.0).abs() < 1e-9);
        assert_eq!(west.reps_outside_tolerance, 1);
        // (none): 42 on 0.5 FTE.
        let none = find(&rows, "region", NONE_NAME);
        assert!((none.potential_index.unwrap() - (42.0 / 400.0) / (0.5 / 4.0)).abs() < 1e-12);
    }

    #[test]
    fn manager_region_only_when_shared() {
        let rows = roll_up(&reps());
        assert_eq!(find(&rows, "manager", "Kai").region, "East");
        assert_eq!(find(&rows, "manager", "Mia").region, "");
        assert_eq!(find(&rows, "manager", NONE_NAME).region, NONE_NAME);
        assert_eq!(find(&rows, "total", "total").region, "");
    }

    #[test]
    fn levels_without_data_are_left_out_and_zero_fte_has_no_index() {
        let mut only_regions = reps();
        for r in &mut only_regions {
            r.manager = None;
        }
        only_regions.push(rep(Some("North"), None, 0.0, 0.0));
        only_regions.last_mut().unwrap().potential_deviation = 0.0;
        let rows = roll_up(&only_regions);
        assert!(rows.iter().all(|r| r.level != "manager"));
        assert_eq!(find(&rows, "region", "North").potential_index, None);
        let csv = {
            let mut b = Vec::new();
            write_hierarchy(&mut b, &rows).unwrap();
            String::from_utf8(b).unwrap()
        };
        assert_eq!(csv.lines().next().unwrap(), HIERARCHY_COLUMNS.join(","));
        let north = csv
            .lines()
            .find(|l| l.starts_with("region,North,"))
            .unwrap();
        assert_eq!(north.split(',').nth(12), Some(""), "{north}");
        assert!(render_regions(&rows, 2).unwrap().ends_with("and 2 more"));
    }
}
