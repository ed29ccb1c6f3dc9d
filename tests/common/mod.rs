//! An independent checker for territory plans, shared by the integration
//! tests. It trusts nothing of the planner: it reads the input CSV files with
//! its own minimal parsing, recomputes distances, balance groups, fair shares
//! and deviations, and solves the full territory LP (every eligible pair)
//! from scratch with good_lp + Clarabel to compare the plan's objective with
//! the true LP optimum.
//!
//! The rules checked are those of the brief: every account exactly once,
//! rep ids exist, locks kept, segments respected, capacity-0 reps take
//! nothing, and every rep with capacity within (1 ± tol) of cap_r x its
//! group's load per FTE, for potential and workload. A balance group is the
//! set of reps with capacity > 0 and the same sorted segment set (an empty
//! segment list covers every segment and forms its own group).

// Each test crate uses a different part of this module.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use good_lp::{variable, Expression, ProblemVariables, Solution, SolverModel, Variable};

/// Earth radius of the brief (km).
pub const R_KM: f64 = 6371.0088;

/// Default tolerances and workload hours of the brief.
pub const DEFAULT_TOL_POTENTIAL: f64 = 0.05;
pub const DEFAULT_TOL_WORKLOAD: f64 = 0.10;

pub fn default_hours(segment: Option<&str>) -> f64 {
    match segment {
        Some("SMB") => 20.0,
        Some("MM") => 60.0,
        Some("ENT") => 200.0,
        _ => 40.0,
    }
}

/// Haversine km, written here rather than taken from the crate.
pub fn haversine(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dlat = p2 - p1;
    let dlon = (lon2 - lon1).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * R_KM * h.sqrt().min(1.0).asin()
}

#[derive(Debug, Clone)]
pub struct Acc {
    pub id: String,
    pub lat: f64,
    pub lon: f64,
    pub potential: f64,
    pub workload: f64,
    pub segment: Option<String>,
    pub owner: Option<String>,
    pub locked: bool,
}

#[derive(Debug, Clone)]
pub struct RepIn {
    pub id: String,
    pub lat: f64,
    pub lon: f64,
    /// Sorted, de-duplicated; empty = every segment.
    pub segments: Vec<String>,
    pub capacity: f64,
}

impl RepIn {
    pub fn covers(&self, segment: Option<&str>) -> bool {
        match segment {
            None => true,
            Some(s) => self.segments.is_empty() || self.segments.iter().any(|c| c == s),
        }
    }
}

/// A territory instance as the checker sees it.
#[derive(Debug, Clone)]
pub struct Instance {
    pub accounts: Vec<Acc>,
    pub reps: Vec<RepIn>,
    pub tol_p: f64,
    pub tol_w: f64,
}

/// Segment list of a rep: `;`-separated, trimmed, sorted, de-duplicated.
pub fn parse_segments(field: &str) -> Vec<String> {
    let set: BTreeSet<String> = field
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    set.into_iter().collect()
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn number(s: &str, what: &str) -> f64 {
    s.trim()
        .parse::<f64>()
        .unwrap_or_else(|_| panic!("checker: cannot read {what} '{s}' as a number"))
}

fn is_true(s: &str) -> bool {
    matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "true" | "yes" | "y" | "1" | "t"
    )
}

/// A CSV file as rows of column name -> cell.
pub fn read_table(path: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("checker: cannot read {}: {e}", path.display()));
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("checker: csv header")
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    reader
        .records()
        .map(|rec| {
            let rec = rec.expect("checker: csv record");
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// Plan config figures the checker needs, from `plan.toml` if present.
struct CheckerConfig {
    tol_p: f64,
    tol_w: f64,
    hours: BTreeMap<String, f64>,
    default_hours: f64,
    /// First month of the plan year as year * 12 + (month - 1), when
    /// `fiscal_year` is set: reps starting later are balanced on the
    /// months they work.
    plan_year_start: Option<i64>,
}

/// The rule of the brief and issue 17: a rep starting after the first month
/// of the plan year is balanced on capacity x (months left, start month
/// included) / 12; one starting after the year on 0.
fn planning_capacity(capacity: f64, start_date: Option<&str>, plan_year_start: Option<i64>) -> f64 {
    let (Some(first), Some(date)) = (plan_year_start, start_date) else {
        return capacity;
    };
    let mut parts = date.trim().split('-');
    let year: i64 = parts
        .next()
        .and_then(|y| y.parse().ok())
        .expect("checker: start_date year");
    let month: i64 = parts
        .next()
        .and_then(|m| m.parse().ok())
        .expect("checker: start_date month");
    let since = (year * 12 + month - 1 - first).clamp(0, 12);
    capacity * (12 - since) as f64 / 12.0
}

fn read_config(dir: &Path) -> CheckerConfig {
    read_config_file(&dir.join("plan.toml"))
}

fn read_config_file(path: &Path) -> CheckerConfig {
    let mut cfg = CheckerConfig {
        tol_p: DEFAULT_TOL_POTENTIAL,
        tol_w: DEFAULT_TOL_WORKLOAD,
        hours: [("SMB", 20.0), ("MM", 60.0), ("ENT", 200.0)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        default_hours: 40.0,
        plan_year_start: None,
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        return cfg;
    };
    let value: toml::Value = text.parse().expect("checker: plan.toml parses");
    let get = |table: &str, key: &str| -> Option<f64> {
        let v = value.get(table)?.get(key)?;
        v.as_float().or_else(|| v.as_integer().map(|i| i as f64))
    };
    if let Some(year) = value.get("fiscal_year").and_then(|v| v.as_integer()) {
        let month = value
            .get("fiscal_year_start_month")
            .and_then(|v| v.as_integer())
            .unwrap_or(1);
        cfg.plan_year_start = Some(year * 12 + month - 1);
    }
    if let Some(t) = get("balance", "potential_tolerance") {
        cfg.tol_p = t;
    }
    if let Some(t) = get("balance", "workload_tolerance") {
        cfg.tol_w = t;
    }
    if let Some(h) = get("workload", "default_hours") {
        cfg.default_hours = h;
    }
    if let Some(table) = value
        .get("workload")
        .and_then(|w| w.get("by_segment"))
        .and_then(|t| t.as_table())
    {
        cfg.hours = table
            .iter()
            .map(|(k, v)| {
                let h = v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
                (k.clone(), h.expect("checker: hours are numbers"))
            })
            .collect();
    }
    cfg
}

/// Read `accounts.csv`, `reps.csv` and (if present) `plan.toml` of a folder.
pub fn read_instance(dir: &Path) -> Instance {
    instance_with(dir, read_config(dir))
}

/// [`read_instance`] with the plan config of a `--config FILE` run.
#[allow(dead_code)]
pub fn read_instance_with_config(dir: &Path, config: &Path) -> Instance {
    instance_with(dir, read_config_file(config))
}

fn instance_with(dir: &Path, cfg: CheckerConfig) -> Instance {
    let accounts = read_table(&dir.join("accounts.csv"))
        .into_iter()
        .map(|row| {
            let segment = non_empty(row.get("segment").map(String::as_str));
            let workload = match non_empty(row.get("workload").map(String::as_str)) {
                Some(w) => number(&w, "workload"),
                None => segment
                    .as_deref()
                    .and_then(|s| cfg.hours.get(s))
                    .copied()
                    .unwrap_or(cfg.default_hours),
            };
            Acc {
                id: row["account_id"].trim().to_string(),
                lat: number(&row["lat"], "lat"),
                lon: number(&row["lon"], "lon"),
                potential: number(&row["potential"], "potential"),
                workload,
                segment,
                owner: non_empty(row.get("current_owner").map(String::as_str)),
                locked: row.get("locked").is_some_and(|s| is_true(s)),
            }
        })
        .collect();
    let reps = read_table(&dir.join("reps.csv"))
        .into_iter()
        .map(|row| RepIn {
            id: row["rep_id"].trim().to_string(),
            lat: number(&row["lat"], "lat"),
            lon: number(&row["lon"], "lon"),
            segments: parse_segments(row.get("segment").map(String::as_str).unwrap_or("")),
            capacity: planning_capacity(
                match non_empty(row.get("capacity").map(String::as_str)) {
                    Some(c) => number(&c, "capacity"),
                    None => 1.0,
                },
                non_empty(row.get("start_date").map(String::as_str)).as_deref(),
                cfg.plan_year_start,
            ),
        })
        .collect();
    Instance {
        accounts,
        reps,
        tol_p: cfg.tol_p,
        tol_w: cfg.tol_w,
    }
}

/// `assignments.csv` of an output folder as (account_id, rep_id) rows in
/// file order.
pub fn read_assignments(out: &Path) -> Vec<(String, String)> {
    read_table(&out.join("assignments.csv"))
        .into_iter()
        .map(|row| {
            (
                row["account_id"].trim().to_string(),
                row["rep_id"].trim().to_string(),
            )
        })
        .collect()
}

/// Map (account_id, rep_id) rows to an owner index per account, checking
/// that every account appears exactly once and every rep id exists.
pub fn owners_from_rows(inst: &Instance, rows: &[(String, String)]) -> Result<Vec<usize>, String> {
    let acc_index: HashMap<&str, usize> = inst
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let rep_index: HashMap<&str, usize> = inst
        .reps
        .iter()
        .enumerate()
        .map(|(r, rep)| (rep.id.as_str(), r))
        .collect();
    let mut owner: Vec<Option<usize>> = vec![None; inst.accounts.len()];
    let mut problems = Vec::new();
    for (acc, rep) in rows {
        let Some(&i) = acc_index.get(acc.as_str()) else {
            problems.push(format!("assignment of unknown account '{acc}'"));
            continue;
        };
        let Some(&r) = rep_index.get(rep.as_str()) else {
            problems.push(format!("account '{acc}' assigned to unknown rep '{rep}'"));
            continue;
        };
        if owner[i].is_some() {
            problems.push(format!("account '{acc}' assigned more than once"));
        }
        owner[i] = Some(r);
    }
    let missing: Vec<&str> = owner
        .iter()
        .enumerate()
        .filter(|(_, o)| o.is_none())
        .map(|(i, _)| inst.accounts[i].id.as_str())
        .collect();
    if !missing.is_empty() {
        problems.push(format!(
            "{} accounts not assigned, e.g. {:?}",
            missing.len(),
            &missing[..missing.len().min(5)]
        ));
    }
    if problems.is_empty() {
        Ok(owner.into_iter().map(Option::unwrap).collect())
    } else {
        Err(problems.join("\n"))
    }
}

/// May account `i` go to rep `r` under the hard rules (segment, lock,
/// capacity)?
pub fn eligible(inst: &Instance, i: usize, r: usize) -> bool {
    let a = &inst.accounts[i];
    let rep = &inst.reps[r];
    if rep.capacity <= 0.0 || !rep.covers(a.segment.as_deref()) {
        return false;
    }
    if a.locked {
        return a.owner.as_deref() == Some(rep.id.as_str());
    }
    true
}

/// Hard-rule violations of a single-owner plan (locks, segments, capacity).
pub fn rule_violations(inst: &Instance, owner: &[usize]) -> Vec<String> {
    let mut v = Vec::new();
    for (i, &r) in owner.iter().enumerate() {
        let a = &inst.accounts[i];
        let rep = &inst.reps[r];
        if a.locked && a.owner.as_deref() != Some(rep.id.as_str()) {
            v.push(format!(
                "locked account {} moved from {:?} to {}",
                a.id, a.owner, rep.id
            ));
        }
        if !rep.covers(a.segment.as_deref()) {
            v.push(format!(
                "account {} of segment {:?} given to rep {} covering {:?}",
                a.id, a.segment, rep.id, rep.segments
            ));
        }
        if rep.capacity <= 0.0 {
            v.push(format!(
                "account {} given to rep {} with capacity 0",
                a.id, rep.id
            ));
        }
    }
    v
}

/// Balance groups: key (segment set) -> rep indices, reps with capacity > 0.
pub fn groups(inst: &Instance) -> BTreeMap<Vec<String>, Vec<usize>> {
    let mut g: BTreeMap<Vec<String>, Vec<usize>> = BTreeMap::new();
    for (r, rep) in inst.reps.iter().enumerate() {
        if rep.capacity > 0.0 {
            g.entry(rep.segments.clone()).or_default().push(r);
        }
    }
    g
}

/// One rep's balance figures, recomputed by the checker.
#[derive(Debug, Clone)]
pub struct Balance {
    pub rep: String,
    pub potential: f64,
    pub workload: f64,
    pub potential_target: f64,
    pub workload_target: f64,
}

impl Balance {
    pub fn potential_dev(&self) -> f64 {
        dev(self.potential, self.potential_target)
    }
    pub fn workload_dev(&self) -> f64 {
        dev(self.workload, self.workload_target)
    }
}

fn dev(value: f64, target: f64) -> f64 {
    if target > 0.0 {
        (value - target) / target
    } else if value > 0.0 {
        f64::INFINITY
    } else {
        0.0
    }
}

/// Per-rep loads and targets (cap_r x group load / group capacity).
pub fn balance(inst: &Instance, owner: &[usize]) -> Vec<Balance> {
    let n = inst.reps.len();
    let (mut pot, mut work) = (vec![0.0; n], vec![0.0; n]);
    for (i, &r) in owner.iter().enumerate() {
        pot[r] += inst.accounts[i].potential;
        work[r] += inst.accounts[i].workload;
    }
    let mut out = Vec::new();
    for members in groups(inst).values() {
        let cap: f64 = members.iter().map(|&r| inst.reps[r].capacity).sum();
        let gp: f64 = members.iter().map(|&r| pot[r]).sum();
        let gw: f64 = members.iter().map(|&r| work[r]).sum();
        for &r in members {
            let c = inst.reps[r].capacity;
            out.push(Balance {
                rep: inst.reps[r].id.clone(),
                potential: pot[r],
                workload: work[r],
                potential_target: c * gp / cap,
                workload_target: c * gw / cap,
            });
        }
    }
    out
}

/// Reps outside tolerance, as readable lines (empty when balanced). A
/// relative slack of 1e-9 absorbs floating-point noise only.
pub fn balance_violations(inst: &Instance, owner: &[usize]) -> Vec<String> {
    let slack = 1e-9;
    balance(inst, owner)
        .into_iter()
        .filter(|b| {
            b.potential_dev().abs() > inst.tol_p + slack
                || b.workload_dev().abs() > inst.tol_w + slack
        })
        .map(|b| {
            format!(
                "rep {}: potential {:.2} vs target {:.2} ({:+.3} %), workload {:.2} vs target {:.2} ({:+.3} %)",
                b.rep,
                b.potential,
                b.potential_target,
                100.0 * b.potential_dev(),
                b.workload,
                b.workload_target,
                100.0 * b.workload_dev()
            )
        })
        .collect()
}

/// Sum over accounts of potential x haversine km to the owner's home.
pub fn objective(inst: &Instance, owner: &[usize]) -> f64 {
    owner
        .iter()
        .enumerate()
        .map(|(i, &r)| {
            let a = &inst.accounts[i];
            let rep = &inst.reps[r];
            a.potential * haversine(a.lat, a.lon, rep.lat, rep.lon)
        })
        .sum()
}

/// Optimal value of the full territory LP (every eligible pair), or `None`
/// when it is infeasible. Built from scratch with good_lp and Clarabel.
///
/// x[i,r] >= 0 for eligible pairs; sum_r x[i,r] = 1; per group g free
/// means Tp_g, Tw_g with C_g Tp_g = sum_{r in g} P_r (and the same for
/// workload); per rep (1 - tol) cap_r T_g <= load_r <= (1 + tol) cap_r T_g.
/// Potential and workload are scaled to mean 1 and distances to 1,000 km so
/// the interior-point solver works on well-scaled numbers.
pub fn full_lp_optimum(inst: &Instance) -> Option<f64> {
    let n = inst.accounts.len();
    let pmean = (inst.accounts.iter().map(|a| a.potential).sum::<f64>() / n as f64).max(1e-12);
    let wmean = (inst.accounts.iter().map(|a| a.workload).sum::<f64>() / n as f64).max(1e-12);
    let mut vars = ProblemVariables::new();
    let mut by_account: Vec<Vec<Variable>> = vec![Vec::new(); n];
    let mut by_rep: Vec<Vec<(usize, Variable)>> = vec![Vec::new(); inst.reps.len()];
    let mut objective = Expression::with_capacity(n * 8);
    for (i, a) in inst.accounts.iter().enumerate() {
        for (r, rep) in inst.reps.iter().enumerate() {
            if !eligible(inst, i, r) {
                continue;
            }
            let x = vars.add(variable().min(0.0));
            let km = haversine(a.lat, a.lon, rep.lat, rep.lon);
            objective.add_mul(a.potential / pmean * km / 1000.0, x);
            by_account[i].push(x);
            by_rep[r].push((i, x));
        }
        if by_account[i].is_empty() {
            return None;
        }
    }
    let grouped = groups(inst);
    let means: Vec<(Variable, Variable)> = grouped
        .keys()
        .map(|_| (vars.add(variable()), vars.add(variable())))
        .collect();

    let mut problem = vars.minimise(objective.clone()).using(good_lp::clarabel);
    problem
        .settings()
        .tol_gap_abs(1e-10)
        .tol_gap_rel(1e-10)
        .max_iter(500);
    for xs in &by_account {
        let sum: Expression = xs.iter().copied().sum();
        problem.add_constraint(sum.eq(1.0));
    }
    for (members, &(tp, tw)) in grouped.values().zip(&means) {
        let cap: f64 = members.iter().map(|&r| inst.reps[r].capacity).sum();
        let mut gp = Expression::from(0.0);
        let mut gw = Expression::from(0.0);
        for &r in members {
            let c = inst.reps[r].capacity;
            let mut p = Expression::with_capacity(by_rep[r].len());
            let mut w = Expression::with_capacity(by_rep[r].len());
            for &(i, x) in &by_rep[r] {
                p.add_mul(inst.accounts[i].potential / pmean, x);
                w.add_mul(inst.accounts[i].workload / wmean, x);
            }
            gp += p.clone();
            gw += w.clone();
            problem.add_constraint((p.clone() - (1.0 + inst.tol_p) * c * tp).leq(0.0));
            problem.add_constraint((p - (1.0 - inst.tol_p) * c * tp).geq(0.0));
            problem.add_constraint((w.clone() - (1.0 + inst.tol_w) * c * tw).leq(0.0));
            problem.add_constraint((w - (1.0 - inst.tol_w) * c * tw).geq(0.0));
        }
        problem.add_constraint((gp - cap * tp).eq(0.0));
        problem.add_constraint((gw - cap * tw).eq(0.0));
    }
    match problem.solve() {
        Ok(sol) => Some(sol.eval(&objective) * pmean * 1000.0),
        Err(good_lp::ResolutionError::Infeasible) => None,
        Err(e) => panic!("checker LP failed: {e}"),
    }
}

/// Everything the checker found about one plan.
#[derive(Debug)]
pub struct Report {
    pub objective: f64,
    pub lp_optimum: Option<f64>,
    pub balance: Vec<Balance>,
}

impl Report {
    pub fn gap(&self) -> Option<f64> {
        self.lp_optimum.map(|lp| (self.objective - lp) / lp)
    }
}

/// Check a plan folder against its input folder: hard rules and balance
/// always; the per-row figures of assignments.csv (distance_km to 0.001 km,
/// previous_owner, moved); the LP comparison when `with_lp` (plan >= LP
/// optimum - 1e-6 relative, and gap < `max_gap`). Panics with every problem
/// found.
pub fn check_folder(input: &Path, out: &Path, with_lp: bool, max_gap: f64) -> Report {
    let inst = read_instance(input);
    let rows = read_assignments(out);
    let owner = owners_from_rows(&inst, &rows).unwrap_or_else(|e| panic!("{e}"));
    let mut problems = Vec::new();
    let acc_index: HashMap<&str, usize> = inst
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    for row in read_table(&out.join("assignments.csv")) {
        let i = acc_index[row["account_id"].trim()];
        let (a, rep) = (&inst.accounts[i], &inst.reps[owner[i]]);
        let km = haversine(a.lat, a.lon, rep.lat, rep.lon);
        let written = number(&row["distance_km"], "distance_km");
        if (written - km).abs() > 0.001 {
            problems.push(format!(
                "account {}: distance_km {written} but haversine gives {km:.4}",
                a.id
            ));
        }
        let previous = non_empty(row.get("previous_owner").map(String::as_str));
        if previous != a.owner {
            problems.push(format!(
                "account {}: previous_owner {previous:?} but current_owner {:?}",
                a.id, a.owner
            ));
        }
        let moved = a.owner.as_ref().is_some_and(|o| *o != rep.id);
        if is_true(&row["moved"]) != moved {
            problems.push(format!("account {}: moved is '{}'", a.id, row["moved"]));
        }
    }
    assert!(
        problems.is_empty(),
        "assignments.csv figures are wrong:\n{}",
        problems[..problems.len().min(20)].join("\n")
    );
    check_owner(&inst, &owner, with_lp, max_gap)
}

/// [`check_folder`] on an instance and owner vector already in memory.
pub fn check_owner(inst: &Instance, owner: &[usize], with_lp: bool, max_gap: f64) -> Report {
    let mut problems = rule_violations(inst, owner);
    problems.extend(balance_violations(inst, owner));
    assert!(
        problems.is_empty(),
        "plan breaks the rules:\n{}",
        problems.join("\n")
    );
    let objective = objective(inst, owner);
    let lp_optimum = if with_lp {
        let lp = full_lp_optimum(inst).expect("the full LP is feasible when a plan exists");
        assert!(
            objective >= lp * (1.0 - 1e-6),
            "plan objective {objective} is below the LP optimum {lp}: the checker or the plan is wrong"
        );
        let gap = (objective - lp) / lp;
        assert!(
            gap < max_gap,
            "plan objective {objective} is {:.3} % above the LP optimum {lp} (limit {:.3} %)",
            gap * 100.0,
            max_gap * 100.0
        );
        Some(lp)
    } else {
        None
    };
    Report {
        objective,
        lp_optimum,
        balance: balance(inst, owner),
    }
}

/// `tplan plan DIR --config <config> --out <tmp>/out --no-report` with the
/// config written to a fresh temporary folder: the process output, the
/// output folder, and the folder guard (dropping it removes both).
pub fn plan_with_config(
    dir: &Path,
    config: &str,
) -> (std::process::Output, std::path::PathBuf, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("plan.toml");
    std::fs::write(&cfg, config).unwrap();
    let out = tmp.path().join("out");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tplan"))
        .args([
            "plan",
            dir.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--no-report",
        ])
        .output()
        .unwrap();
    (output, out, tmp)
}
