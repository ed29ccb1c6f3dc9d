//! Writing a dataset back as accounts.csv and reps.csv in the contract's
//! column order, with a fixed number format so the same dataset always
//! gives the same bytes (`tplan generate` relies on this for seeds).
//!
//! Formats: lat/lon 6 decimals (about 0.1 m), money 2 decimals, workload 1
//! decimal, capacity in the shortest form that reads back exactly. A
//! workload that came from the segment default is written empty so that
//! reading the folder back derives it the same way. Values already at these
//! precisions read back identical.

use std::io::Write;
use std::path::Path;

use super::accounts::ACCOUNT_COLUMNS;
use super::reps::REP_COLUMNS;
use crate::model::{Account, Dataset, Rep, WorkloadSource};
use crate::{Error, Result};

/// Write `dir/accounts.csv` and `dir/reps.csv`, creating `dir` if needed.
/// Each file is written to a temporary name and renamed into place, so a
/// reader never sees half a file.
pub fn write_dataset(dir: &Path, dataset: &Dataset) -> Result<()> {
    check_extras(dataset)?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let accounts = accounts_csv(dataset).map_err(|e| Error::io(dir.join("accounts.csv"), e))?;
    write_atomically(&dir.join("accounts.csv"), &accounts)?;
    let reps = reps_csv(dataset).map_err(|e| Error::io(dir.join("reps.csv"), e))?;
    write_atomically(&dir.join("reps.csv"), &reps)
}

/// Every row must have one value per extra column, or the file would be
/// ragged and unreadable; that is a bug in the caller, not bad user data.
fn check_extras(dataset: &Dataset) -> Result<()> {
    let accounts = dataset.account_extra_columns.len();
    let reps = dataset.rep_extra_columns.len();
    let bad_account = dataset.accounts.iter().find(|a| a.extra.len() != accounts);
    let bad_rep = dataset.reps.iter().find(|r| r.extra.len() != reps);
    let describe = |kind: &str, id: &str, have: usize, want: usize| {
        Error::Usage(format!(
            "cannot write {kind} '{id}': it has {have} extra values but the dataset names {want} extra columns"
        ))
    };
    if let Some(a) = bad_account {
        return Err(describe("account", &a.id, a.extra.len(), accounts));
    }
    if let Some(r) = bad_rep {
        return Err(describe("rep", &r.id, r.extra.len(), reps));
    }
    Ok(())
}

fn accounts_csv(dataset: &Dataset) -> std::io::Result<Vec<u8>> {
    let header = ACCOUNT_COLUMNS
        .iter()
        .map(|c| c.name.to_string())
        .chain(dataset.account_extra_columns.iter().cloned());
    let rows = dataset.accounts.iter().map(account_record);
    to_csv(header, rows)
}

fn reps_csv(dataset: &Dataset) -> std::io::Result<Vec<u8>> {
    let header = REP_COLUMNS
        .iter()
        .map(|c| c.name.to_string())
        .chain(dataset.rep_extra_columns.iter().cloned());
    let rows = dataset.reps.iter().map(rep_record);
    to_csv(header, rows)
}

/// Cells in ACCOUNT_COLUMNS order, then the extras.
fn account_record(a: &Account) -> Vec<String> {
    let workload = match a.workload_source {
        WorkloadSource::Data => format!("{:.1}", a.workload),
        WorkloadSource::SegmentDefault => String::new(),
    };
    let mut cells = vec![
        a.id.clone(),
        text(&a.name),
        degrees(a.lat),
        degrees(a.lon),
        money(a.potential),
        workload,
        text(&a.segment),
        text(&a.industry),
        text(&a.current_owner),
        a.locked.to_string(),
        a.bookings_last_year.map(money).unwrap_or_default(),
        a.pipeline.map(money).unwrap_or_default(),
    ];
    cells.extend(a.extra.iter().cloned());
    cells
}

/// Cells in REP_COLUMNS order, then the extras.
fn rep_record(r: &Rep) -> Vec<String> {
    let mut cells = vec![
        r.id.clone(),
        text(&r.name),
        degrees(r.lat),
        degrees(r.lon),
        r.segments.join(";"),
        // Shortest exact form: 0.5, 1, 1.5, 0.333...; never exponent notation.
        format!("{}", r.capacity),
        r.start_date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        text(&r.manager),
        text(&r.region),
    ];
    cells.extend(r.extra.iter().cloned());
    cells
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn degrees(x: f64) -> String {
    format!("{x:.6}")
}

fn money(x: f64) -> String {
    format!("{x:.2}")
}

fn to_csv(
    header: impl Iterator<Item = String>,
    rows: impl Iterator<Item = Vec<String>>,
) -> std::io::Result<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(&row)?;
    }
    writer
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// Write to a temporary file beside `path`, then rename over it.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{file_name}.tmp-{}", std::process::id()));
    let result = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        // Best effort: do not leave the temporary file behind.
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}
