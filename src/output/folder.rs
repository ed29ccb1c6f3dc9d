//! Reading a plan back from its output folder.
//!
//! `tplan report` must work from the output folder alone, and `tplan plan`
//! renders through the same path (it reads the files it has just staged),
//! so the charts, page, GeoJSON and exports can never disagree with the CSV
//! files next to them. Columns are looked up by name; a missing file or
//! column, or a value that does not parse, is an error naming the file (and
//! line).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{ASSIGNMENTS_FILE, MANIFEST_FILE, TERRITORIES_FILE};
use crate::error::ReportError;

/// One row of assignments.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountRow {
    pub id: String,
    pub name: String,
    /// rep_id of the planned owner.
    pub rep_id: String,
    /// Index into [`PlanFolder::reps`] of the planned owner.
    pub rep: usize,
    /// rep_id of the current owner, empty when none.
    pub previous_owner: String,
    pub moved: bool,
    pub reason: String,
    pub distance_km: f64,
    pub segment: String,
    pub potential: f64,
    pub workload: f64,
    pub lat: f64,
    pub lon: f64,
}

/// One row of territories.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct RepRow {
    pub id: String,
    pub name: String,
    pub group: String,
    pub capacity: f64,
    pub accounts: usize,
    pub potential: f64,
    pub workload: f64,
    pub potential_target: f64,
    pub workload_target: f64,
    pub potential_dev_pct: f64,
    pub workload_dev_pct: f64,
    pub within_tolerance: bool,
    pub mean_distance_km: f64,
    pub max_distance_km: f64,
    pub region: String,
    pub lat: f64,
    pub lon: f64,
}

/// Headline balance figures (manifest `balance.before` / `balance.after`).
#[derive(Debug, Clone, PartialEq)]
pub struct BalanceFigures {
    pub max_abs_potential_dev_pct: f64,
    pub max_abs_workload_dev_pct: f64,
    pub reps_outside_tolerance: u64,
}

/// What the report takes from manifest.json.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    pub tplan_version: String,
    pub status: String,
    pub objective: f64,
    pub lp_bound: f64,
    pub gap_pct: f64,
    pub potential_tolerance: f64,
    pub workload_tolerance: f64,
    pub fiscal_year: Option<i64>,
    pub fiscal_year_start_month: u32,
    pub moved: u64,
    pub moved_potential: f64,
    pub total_potential: f64,
    pub before: Option<BalanceFigures>,
    pub after: BalanceFigures,
    pub objective_before: Option<f64>,
}

/// A plan as read back from its output folder. Accounts are in file order
/// (sorted by id), reps sorted by id: everything drawn or exported follows
/// these orders, which makes every file deterministic.
#[derive(Debug, Clone)]
pub struct PlanFolder {
    pub dir: PathBuf,
    pub accounts: Vec<AccountRow>,
    pub reps: Vec<RepRow>,
    pub summary: RunSummary,
}

impl PlanFolder {
    /// Read assignments.csv, territories.csv and manifest.json from `dir`.
    pub fn read(dir: &Path) -> Result<PlanFolder, ReportError> {
        let summary = read_manifest(&dir.join(MANIFEST_FILE))?;
        let mut reps = read_reps(&dir.join(TERRITORIES_FILE))?;
        reps.sort_by(|a, b| a.id.cmp(&b.id));
        let index: BTreeMap<&str, usize> = reps
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        let accounts = read_accounts(&dir.join(ASSIGNMENTS_FILE), &index)?;
        Ok(PlanFolder {
            dir: dir.to_path_buf(),
            accounts,
            reps,
            summary,
        })
    }

    /// Index of the rep with this id.
    pub fn rep_index(&self, id: &str) -> Option<usize> {
        self.reps.binary_search_by(|r| r.id.as_str().cmp(id)).ok()
    }

    /// True when at least one account names a current owner, i.e. there is
    /// a "before" to compare with.
    pub fn has_before(&self) -> bool {
        self.accounts.iter().any(|a| !a.previous_owner.is_empty())
    }

    /// Potential and workload per rep under the current owners (accounts
    /// without one, or with an owner not in the plan, count for nobody).
    pub fn before_loads(&self) -> Vec<(f64, f64)> {
        let mut loads = vec![(0.0, 0.0); self.reps.len()];
        for a in &self.accounts {
            if let Some(r) = self.rep_index(&a.previous_owner) {
                loads[r].0 += a.potential;
                loads[r].1 += a.workload;
            }
        }
        loads
    }
}

/// A CSV file read into memory with its header index.
pub(crate) struct Table {
    path: PathBuf,
    columns: BTreeMap<String, usize>,
    rows: Vec<csv::StringRecord>,
}

impl Table {
    pub(crate) fn read(path: &Path) -> Result<Table, ReportError> {
        let bytes = read_file(path)?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(bytes.as_slice());
        let header = reader.headers().map_err(|e| malformed(path, None, e))?;
        let columns = header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.to_string(), i))
            .collect();
        let rows = reader
            .records()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| {
                let line = e.position().map(|p| p.line());
                malformed(path, line, e)
            })?;
        Ok(Table {
            path: path.to_path_buf(),
            columns,
            rows,
        })
    }

    /// Column position, or an error naming the file and column.
    pub(crate) fn column(&self, name: &str) -> Result<usize, ReportError> {
        self.columns.get(name).copied().ok_or_else(|| {
            malformed(
                &self.path,
                Some(1),
                format!(
                    "no column '{name}' (written by tplan {})",
                    env!("CARGO_PKG_VERSION")
                ),
            )
        })
    }

    /// Indices of several named columns, in the order given.
    pub(crate) fn columns(&self, names: &[&str]) -> Result<Vec<usize>, ReportError> {
        names.iter().map(|n| self.column(n)).collect()
    }
}

/// Accessor for one row: text and numbers by column, errors with line.
pub(crate) struct Row<'a> {
    table: &'a Table,
    record: &'a csv::StringRecord,
    /// 1-based line (header is line 1).
    pub(crate) line: u64,
}

impl Row<'_> {
    pub(crate) fn text(&self, column: usize) -> String {
        self.record.get(column).unwrap_or("").to_string()
    }

    pub(crate) fn number(&self, column: usize, name: &str) -> Result<f64, ReportError> {
        let raw = self.record.get(column).unwrap_or("");
        raw.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| {
                malformed(
                    &self.table.path,
                    Some(self.line),
                    format!("column '{name}': expected a number, found '{raw}'"),
                )
            })
    }

    /// A number, or `None` for an empty cell.
    pub(crate) fn opt_number(&self, column: usize, name: &str) -> Result<Option<f64>, ReportError> {
        if self.record.get(column).unwrap_or("").is_empty() {
            Ok(None)
        } else {
            self.number(column, name).map(Some)
        }
    }

    /// An error naming this row's file and line.
    pub(crate) fn error(&self, message: impl std::fmt::Display) -> ReportError {
        malformed(&self.table.path, Some(self.line), message)
    }

    fn boolean(&self, column: usize, name: &str) -> Result<bool, ReportError> {
        match self.record.get(column).unwrap_or("") {
            "true" => Ok(true),
            "false" => Ok(false),
            raw => Err(malformed(
                &self.table.path,
                Some(self.line),
                format!("column '{name}': expected true or false, found '{raw}'"),
            )),
        }
    }
}

pub(crate) fn rows(table: &Table) -> impl Iterator<Item = Row<'_>> {
    table.rows.iter().enumerate().map(move |(i, record)| Row {
        table,
        record,
        line: i as u64 + 2,
    })
}

fn read_reps(path: &Path) -> Result<Vec<RepRow>, ReportError> {
    let t = Table::read(path)?;
    let c = |n: &str| t.column(n);
    let (id, name, group, capacity, accounts) = (
        c("rep_id")?,
        c("name")?,
        c("group")?,
        c("capacity")?,
        c("accounts")?,
    );
    let (potential, workload, pt, wt) = (
        c("potential")?,
        c("workload")?,
        c("potential_target")?,
        c("workload_target")?,
    );
    let (pd, wd, within, mean, max) = (
        c("potential_dev_pct")?,
        c("workload_dev_pct")?,
        c("within_tolerance")?,
        c("mean_distance_km")?,
        c("max_distance_km")?,
    );
    let (region, lat, lon) = (c("region")?, c("lat")?, c("lon")?);
    rows(&t)
        .map(|r| {
            Ok(RepRow {
                id: r.text(id),
                name: r.text(name),
                group: r.text(group),
                capacity: r.number(capacity, "capacity")?,
                accounts: r.number(accounts, "accounts")? as usize,
                potential: r.number(potential, "potential")?,
                workload: r.number(workload, "workload")?,
                potential_target: r.number(pt, "potential_target")?,
                workload_target: r.number(wt, "workload_target")?,
                potential_dev_pct: r.number(pd, "potential_dev_pct")?,
                workload_dev_pct: r.number(wd, "workload_dev_pct")?,
                within_tolerance: r.boolean(within, "within_tolerance")?,
                mean_distance_km: r.number(mean, "mean_distance_km")?,
                max_distance_km: r.number(max, "max_distance_km")?,
                region: r.text(region),
                lat: r.number(lat, "lat")?,
                lon: r.number(lon, "lon")?,
            })
        })
        .collect()
}

fn read_accounts(
    path: &Path,
    reps: &BTreeMap<&str, usize>,
) -> Result<Vec<AccountRow>, ReportError> {
    let t = Table::read(path)?;
    let c = |n: &str| t.column(n);
    let (id, rep_id, distance, previous, moved, reason) = (
        c("account_id")?,
        c("rep_id")?,
        c("distance_km")?,
        c("previous_owner")?,
        c("moved")?,
        c("reason")?,
    );
    let (name, segment, potential, workload, lat, lon) = (
        c("account_name")?,
        c("segment")?,
        c("potential")?,
        c("workload")?,
        c("lat")?,
        c("lon")?,
    );
    rows(&t)
        .map(|r| {
            let owner = r.text(rep_id);
            let rep = *reps.get(owner.as_str()).ok_or_else(|| {
                malformed(
                    &t.path,
                    Some(r.line),
                    format!("column 'rep_id': rep '{owner}' is not in {TERRITORIES_FILE}"),
                )
            })?;
            Ok(AccountRow {
                id: r.text(id),
                name: r.text(name),
                rep_id: owner,
                rep,
                previous_owner: r.text(previous),
                moved: r.boolean(moved, "moved")?,
                reason: r.text(reason),
                distance_km: r.number(distance, "distance_km")?,
                segment: r.text(segment),
                potential: r.number(potential, "potential")?,
                workload: r.number(workload, "workload")?,
                lat: r.number(lat, "lat")?,
                lon: r.number(lon, "lon")?,
            })
        })
        .collect()
}

fn read_manifest(path: &Path) -> Result<RunSummary, ReportError> {
    let bytes = read_file(path)?;
    let v: Value =
        serde_json::from_slice(&bytes).map_err(|e| malformed(path, Some(e.line() as u64), e))?;
    let m = Manifest { path, v: &v };
    let before = match m.get("balance.before")? {
        Value::Null => None,
        _ => Some(m.balance("balance.before")?),
    };
    let objective_before = match m.get("balance.objective_before")? {
        Value::Null => None,
        _ => Some(m.number("balance.objective_before")?),
    };
    let fiscal_year = match m.get("config.fiscal_year")? {
        Value::Null => None,
        _ => Some(m.number("config.fiscal_year")? as i64),
    };
    Ok(RunSummary {
        tplan_version: m.text("tplan_version")?,
        status: m.text("status")?,
        objective: m.number("objective")?,
        lp_bound: m.number("lp_bound")?,
        gap_pct: m.number("gap_pct")?,
        potential_tolerance: m.number("config.balance.potential_tolerance")?,
        workload_tolerance: m.number("config.balance.workload_tolerance")?,
        fiscal_year,
        fiscal_year_start_month: m.number("config.fiscal_year_start_month")? as u32,
        moved: m.number("counts.moved")? as u64,
        moved_potential: m.number("counts.moved_potential")?,
        total_potential: m.number("counts.total_potential")?,
        before,
        after: m.balance("balance.after")?,
        objective_before,
    })
}

/// Dotted-path access to the manifest with errors naming the key.
struct Manifest<'a> {
    path: &'a Path,
    v: &'a Value,
}

impl Manifest<'_> {
    fn get(&self, key: &str) -> Result<&Value, ReportError> {
        key.split('.')
            .try_fold(self.v, |v, k| v.get(k))
            .ok_or_else(|| malformed(self.path, None, format!("no key '{key}'")))
    }

    fn number(&self, key: &str) -> Result<f64, ReportError> {
        self.get(key)?
            .as_f64()
            .ok_or_else(|| malformed(self.path, None, format!("key '{key}': expected a number")))
    }

    fn text(&self, key: &str) -> Result<String, ReportError> {
        self.get(key)?
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| malformed(self.path, None, format!("key '{key}': expected a string")))
    }

    fn balance(&self, key: &str) -> Result<BalanceFigures, ReportError> {
        Ok(BalanceFigures {
            max_abs_potential_dev_pct: self.number(&format!("{key}.max_abs_potential_dev_pct"))?,
            max_abs_workload_dev_pct: self.number(&format!("{key}.max_abs_workload_dev_pct"))?,
            reps_outside_tolerance: self.number(&format!("{key}.reps_outside_tolerance"))? as u64,
        })
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, ReportError> {
    fs::read(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            ReportError::Missing(path.to_path_buf())
        } else {
            ReportError::Io {
                path: path.to_path_buf(),
                cause: e,
            }
        }
    })
}

pub(crate) fn malformed(
    path: &Path,
    line: Option<u64>,
    message: impl std::fmt::Display,
) -> ReportError {
    ReportError::Malformed {
        path: path.to_path_buf(),
        line,
        message: message.to_string(),
    }
}
