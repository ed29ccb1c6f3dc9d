//! `comparison.csv`: the evidence for a plan. The status quo (current
//! owners), the distance-only plan (every account to its nearest eligible
//! rep, locks and segments kept) and the balanced plan, side by side on
//! balance, distance and disruption.
//!
//! Columns: `plan, accounts_assigned, max_potential_deviation_pct,
//! max_workload_deviation_pct, reps_outside_tolerance, total_distance_km,
//! weighted_distance, mean_km_per_account, moved_accounts,
//! moved_potential`. One row per plan in the order `status_quo`,
//! `nearest`, `balanced`; the `status_quo` row counts only accounts with a
//! current owner and is left out when no account has one. Balance figures
//! are those of the independent verifier ([`crate::territory::verify`]):
//! each rep against capacity x its balance group's per-FTE mean over the
//! accounts the plan assigns. `weighted_distance` is potential x km (the
//! planner's distance objective, without any `[continuity]` charge, so the
//! three rows compare like with like); `moved_*` count accounts whose
//! owner differs from their current owner. Fixed decimals: percentages 2,
//! km 3, money 2.

use std::fmt::Write as _;
use std::io::Write;

use serde::Serialize;

use crate::distance::haversine_km;
use crate::model::{Dataset, Plan};
use crate::territory::{self, verify};

use super::format::{fixed, thousands};
use super::summary::BalanceFigures;

/// Name of the file.
pub const COMPARISON_FILE: &str = "comparison.csv";

/// Columns of comparison.csv, in order.
pub const COMPARISON_COLUMNS: [&str; 10] = [
    "plan",
    "accounts_assigned",
    "max_potential_deviation_pct",
    "max_workload_deviation_pct",
    "reps_outside_tolerance",
    "total_distance_km",
    "weighted_distance",
    "mean_km_per_account",
    "moved_accounts",
    "moved_potential",
];

/// Plan names, in row order.
pub const STATUS_QUO: &str = "status_quo";
pub const NEAREST: &str = "nearest";
pub const BALANCED: &str = "balanced";

/// The figures of one plan (a row of comparison.csv; also in the manifest).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanFigures {
    pub plan: &'static str,
    pub accounts_assigned: usize,
    /// Largest |potential deviation| over all reps, percent.
    pub max_potential_deviation_pct: f64,
    /// Largest |workload deviation| over all reps, percent.
    pub max_workload_deviation_pct: f64,
    pub reps_outside_tolerance: usize,
    /// Sum of haversine km from each assigned account to its owner's home.
    pub total_distance_km: f64,
    /// Sum of potential x km (the distance objective).
    pub weighted_distance: f64,
    /// total_distance_km / accounts_assigned (0 without accounts).
    pub mean_km_per_account: f64,
    /// Accounts with a current owner that get another owner.
    pub moved_accounts: usize,
    pub moved_potential: f64,
}

/// Figures of the plan `owner` (rep index per account; `None` for accounts
/// the plan leaves out).
/// `current` is each account's current owner
/// ([`Dataset::current_owner_indices`]), for the moves.
pub fn figures(
    ds: &Dataset,
    plan: &'static str,
    owner: &[Option<usize>],
    current: &[Option<usize>],
) -> PlanFigures {
    let balance = BalanceFigures::of(&verify::rep_balances(ds, owner));
    let mut f = PlanFigures {
        plan,
        accounts_assigned: 0,
        max_potential_deviation_pct: balance.max_abs_potential_dev_pct,
        max_workload_deviation_pct: balance.max_abs_workload_dev_pct,
        reps_outside_tolerance: balance.reps_outside_tolerance,
        total_distance_km: 0.0,
        weighted_distance: 0.0,
        mean_km_per_account: 0.0,
        moved_accounts: 0,
        moved_potential: 0.0,
    };
    for ((a, o), current) in ds.accounts.iter().zip(owner).zip(current) {
        let Some(r) = *o else { continue };
        let rep = &ds.reps[r];
        let km = haversine_km(a.lat, a.lon, rep.lat, rep.lon);
        f.accounts_assigned += 1;
        f.total_distance_km += km;
        f.weighted_distance += a.potential * km;
        if current.is_some_and(|c| c != r) {
            f.moved_accounts += 1;
            f.moved_potential += a.potential;
        }
    }
    if f.accounts_assigned > 0 {
        f.mean_km_per_account = f.total_distance_km / f.accounts_assigned as f64;
    }
    f
}

/// Status quo (when any account has a current owner), nearest and balanced.
pub fn compare(ds: &Dataset, plan: &Plan) -> Vec<PlanFigures> {
    let mut rows = Vec::with_capacity(3);
    let current = ds.current_owner_indices();
    if current.iter().any(Option::is_some) {
        // A rep with capacity 0 (gone) has no fair share: its accounts
        // count for nobody, rather than as an infinite deviation.
        let held: Vec<Option<usize>> = current
            .iter()
            .map(|o| o.filter(|&r| ds.reps[r].capacity > 0.0))
            .collect();
        rows.push(figures(ds, STATUS_QUO, &held, &current));
    }
    let nearest: Vec<Option<usize>> = territory::nearest_owners(ds)
        .into_iter()
        .map(Some)
        .collect();
    rows.push(figures(ds, NEAREST, &nearest, &current));
    let mut balanced = vec![None; ds.accounts.len()];
    for a in &plan.assignments {
        balanced[a.account] = Some(a.rep);
    }
    rows.push(figures(ds, BALANCED, &balanced, &current));
    rows
}

/// Write comparison.csv.
pub fn write_comparison<W: Write>(out: W, rows: &[PlanFigures]) -> std::io::Result<()> {
    let mut w = super::csv_writer(out);
    w.write_record(COMPARISON_COLUMNS)?;
    for f in rows {
        w.write_record([
            f.plan.to_string(),
            f.accounts_assigned.to_string(),
            fixed(f.max_potential_deviation_pct, 2),
            fixed(f.max_workload_deviation_pct, 2),
            f.reps_outside_tolerance.to_string(),
            fixed(f.total_distance_km, 3),
            fixed(f.weighted_distance, 2),
            fixed(f.mean_km_per_account, 3),
            f.moved_accounts.to_string(),
            fixed(f.moved_potential, 2),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// comparison.csv as bytes.
pub fn comparison_csv(rows: &[PlanFigures]) -> Vec<u8> {
    let mut buf = Vec::new();
    write_comparison(&mut buf, rows).expect("writing to memory");
    buf
}

/// Human label of a plan name.
pub fn label(plan: &str) -> &str {
    match plan {
        STATUS_QUO => "status quo",
        NEAREST => "nearest rep",
        BALANCED => "balanced",
        other => other,
    }
}

/// The compact table of the stdout summary: a header and one line per
/// plan (`accts`: accounts the plan assigns, fewer for a status quo with
/// unowned accounts; `pot dev`, `wl dev`: the largest |deviation| of any
/// rep; `outside`: reps outside tolerance).
pub fn render(rows: &[PlanFigures], reps: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "  {:<12}{:>7} {:>8} {:>8} {:>8} {:>18} {:>7} {:>7}",
        "plan", "accts", "pot dev", "wl dev", "outside", "potential x km", "km/acct", "moved"
    );
    for f in rows {
        let _ = writeln!(
            s,
            "  {:<12}{:>7} {:>8} {:>8} {:>8} {:>18} {:>7} {:>7}",
            label(f.plan),
            thousands(f.accounts_assigned as f64),
            format!("{} %", fixed(f.max_potential_deviation_pct, 1)),
            format!("{} %", fixed(f.max_workload_deviation_pct, 1)),
            format!("{}/{reps}", f.reps_outside_tolerance),
            thousands(f.weighted_distance),
            fixed(f.mean_km_per_account, 1),
            thousands(f.moved_accounts as f64),
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Account, Config, Rep, WorkloadSource};

    fn account(id: &str, lon: f64, potential: f64, owner: Option<&str>) -> Account {
        Account {
            id: id.into(),
            name: None,
            lat: 0.0,
            lon,
            potential,
            workload: 10.0,
            workload_source: WorkloadSource::Data,
            segment: None,
            industry: None,
            current_owner: owner.map(str::to_string),
            locked: false,
            bookings_last_year: None,
            pipeline: None,
            extra: vec![],
        }
    }

    fn rep(id: &str, lon: f64) -> Rep {
        Rep {
            id: id.into(),
            name: None,
            lat: 0.0,
            lon,
            segments: vec![],
            capacity: 1.0,
            start_date: None,
            manager: None,
            region: None,
            extra: vec![],
        }
    }

    /// Two reps at lon 0 and 1; three accounts near rep A, one near B.
    fn dataset() -> Dataset {
        Dataset {
            accounts: vec![
                account("a1", 0.0, 100.0, Some("A")),
                account("a2", 0.1, 100.0, Some("A")),
                account("a3", 0.2, 100.0, None),
                account("a4", 1.0, 100.0, Some("A")),
            ],
            reps: vec![rep("A", 0.0), rep("B", 1.0)],
            config: Config::default(),
            account_extra_columns: vec![],
            rep_extra_columns: vec![],
            rules: Default::default(),
        }
    }

    #[test]
    fn figures_count_distance_moves_and_balance() {
        let ds = dataset();
        let km = |lon: f64| haversine_km(0.0, 0.0, 0.0, lon);
        // a1, a2 with A; a3 and a4 with B: a4 moved (a3 has no owner).
        let f = figures(
            &ds,
            BALANCED,
            &[Some(0), Some(0), Some(1), Some(1)],
            &ds.current_owner_indices(),
        );
        assert_eq!(f.accounts_assigned, 4);
        let total = km(0.1) + km(0.8);
        assert!((f.total_distance_km - total).abs() < 1e-9);
        assert!((f.weighted_distance - 100.0 * total).abs() < 1e-6);
        assert!((f.mean_km_per_account - total / 4.0).abs() < 1e-9);
        assert_eq!((f.moved_accounts, f.moved_potential), (1, 100.0));
        assert_eq!(f.max_potential_deviation_pct, 0.0);
        assert_eq!(f.reps_outside_tolerance, 0);
    }

    /// A plan that assigns nothing.
    fn empty_plan() -> Plan {
        Plan {
            assignments: vec![],
            balance: vec![],
            compactness: vec![],
            segment_parts: vec![],
            status: crate::model::PlanStatus::Balanced,
            objective: 0.0,
            lp_bound: 0.0,
            gap: 0.0,
        }
    }

    #[test]
    fn status_quo_counts_owned_accounts_only() {
        let ds = dataset();
        let plan = empty_plan();
        let rows = compare(&ds, &plan);
        let names: Vec<&str> = rows.iter().map(|r| r.plan).collect();
        assert_eq!(names, [STATUS_QUO, NEAREST, BALANCED]);
        let sq = &rows[0];
        assert_eq!(sq.accounts_assigned, 3);
        assert_eq!(sq.moved_accounts, 0);
        // A holds 300 of 300: +100 % against a fair share of 150; B -100 %.
        assert!((sq.max_potential_deviation_pct - 100.0).abs() < 1e-9);
        assert_eq!(sq.reps_outside_tolerance, 2);
        // Nearest: a4 to B (moved), a3 to A.
        let nearest = &rows[1];
        assert_eq!(nearest.accounts_assigned, 4);
        assert_eq!(nearest.moved_accounts, 1);
        assert!(
            (nearest.total_distance_km
                - haversine_km(0.0, 0.0, 0.0, 0.1)
                - haversine_km(0.0, 0.0, 0.0, 0.2))
            .abs()
                < 1e-9
        );
        // An empty plan assigns nothing.
        assert_eq!(rows[2].accounts_assigned, 0);

        let csv = String::from_utf8(comparison_csv(&rows)).unwrap();
        let mut lines = csv.lines();
        assert_eq!(lines.next().unwrap(), COMPARISON_COLUMNS.join(","));
        assert!(lines.next().unwrap().starts_with("status_quo,3,100.00,"));
    }

    #[test]
    fn no_owner_no_status_quo_row() {
        let mut ds = dataset();
        for a in &mut ds.accounts {
            a.current_owner = None;
        }
        let plan = empty_plan();
        let names: Vec<&str> = compare(&ds, &plan).iter().map(|r| r.plan).collect();
        assert_eq!(names, [NEAREST, BALANCED]);
    }
}
