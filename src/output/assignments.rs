//! `assignments.csv`: one row per account with its owner and why.
//!
//! Columns: `account_id, rep_id, distance_km, previous_owner, moved, reason,
//! extra_km, account_name, segment, potential, workload, lat, lon`, then the
//! input's extra account columns carried through untouched. `lat`/`lon` make
//! the output folder self-sufficient: `tplan report` draws the map and writes
//! the GeoJSON from this file alone. Rows are sorted by
//! `account_id` compared as strings; ids are written exactly as read.

use std::io::Write;

use crate::model::{Dataset, Plan};

use super::format::{boolean, fixed};

/// Fixed columns of assignments.csv, in order.
pub const ASSIGNMENT_COLUMNS: [&str; 13] = [
    "account_id",
    "rep_id",
    "distance_km",
    "previous_owner",
    "moved",
    "reason",
    "extra_km",
    "account_name",
    "segment",
    "potential",
    "workload",
    "lat",
    "lon",
];

/// Write assignments.csv for `plan` to `out`.
pub fn write_assignments<W: Write>(out: W, dataset: &Dataset, plan: &Plan) -> std::io::Result<()> {
    let mut w = super::csv_writer(out);
    let mut header: Vec<String> = ASSIGNMENT_COLUMNS.iter().map(|c| c.to_string()).collect();
    let extras = super::carried_names(&header, &dataset.account_extra_columns);
    header.extend(extras);
    w.write_record(&header)?;

    let mut rows: Vec<_> = plan.assignments.iter().collect();
    rows.sort_by(|a, b| {
        let ida = &dataset.accounts[a.account].id;
        let idb = &dataset.accounts[b.account].id;
        ida.cmp(idb).then(a.account.cmp(&b.account))
    });
    for a in rows {
        let account = &dataset.accounts[a.account];
        let rep = &dataset.reps[a.rep];
        let previous = a.previous_rep.map(|p| dataset.reps[p].id.as_str());
        let moved = a.previous_rep.is_some_and(|p| p != a.rep);
        let extra_km = a.reason.extra_km().map(|k| fixed(k, 3)).unwrap_or_default();
        let mut record = vec![
            account.id.clone(),
            rep.id.clone(),
            fixed(a.distance_km, 3),
            previous.unwrap_or("").to_string(),
            boolean(moved).to_string(),
            a.reason.code().to_string(),
            extra_km,
            account.name.clone().unwrap_or_default(),
            account.segment.clone().unwrap_or_default(),
            fixed(account.potential, 2),
            fixed(account.workload, 2),
            fixed(account.lat, 6),
            fixed(account.lon, 6),
        ];
        record.extend(
            (0..dataset.account_extra_columns.len())
                .map(|i| account.extra.get(i).cloned().unwrap_or_default()),
        );
        w.write_record(&record)?;
    }
    w.flush()?;
    Ok(())
}
