//! `territories.csv`: one row per rep with its balance and compactness.
//!
//! Columns: `rep_id, name, group, capacity, accounts, potential, workload,
//! potential_target, workload_target, potential_dev_pct, workload_dev_pct,
//! accounts_target, accounts_dev_pct, within_tolerance, breach
//! (a `[[limits]]` maximum the rep exceeds or its region's balance
//! breach, empty when none), mean_distance_km, max_distance_km, hull_area_km2,
//! outliers, region, lat, lon`, then the input's extra rep columns carried
//! through untouched. `outliers` counts accounts whose rep is more than
//! `[compactness] outlier_margin_km` farther than another eligible rep;
//! `region` and the home `lat`/`lon` let `tplan report` draw rep homes and
//! build the CRM territory hierarchy from the output folder alone.
//! Deviations are signed
//! percentages of the target with 2 decimals (`+3.25`, `-0.40`, `0.00`);
//! `mean_distance_km` is potential-weighted. Rows are sorted by `rep_id`
//! compared as strings.

use std::io::Write;

use crate::model::{Dataset, Plan};

use super::format::{boolean, fixed, signed_pct};

/// Fixed columns of territories.csv, in order.
pub const TERRITORY_COLUMNS: [&str; 22] = [
    "rep_id",
    "name",
    "group",
    "capacity",
    "accounts",
    "potential",
    "workload",
    "potential_target",
    "workload_target",
    "potential_dev_pct",
    "workload_dev_pct",
    "accounts_target",
    "accounts_dev_pct",
    "within_tolerance",
    "breach",
    "mean_distance_km",
    "max_distance_km",
    "hull_area_km2",
    "outliers",
    "region",
    "lat",
    "lon",
];

/// Write territories.csv for `plan` to `out`.
pub fn write_territories<W: Write>(out: W, dataset: &Dataset, plan: &Plan) -> std::io::Result<()> {
    let mut w = super::csv_writer(out);
    let mut header: Vec<String> = TERRITORY_COLUMNS.iter().map(|c| c.to_string()).collect();
    let extras = super::carried_names(&header, &dataset.rep_extra_columns);
    header.extend(extras);
    w.write_record(&header)?;

    let mut rows: Vec<_> = plan.balance.iter().collect();
    rows.sort_by(|a, b| {
        let ida = &dataset.reps[a.rep].id;
        let idb = &dataset.reps[b.rep].id;
        ida.cmp(idb).then(a.rep.cmp(&b.rep))
    });
    for b in rows {
        let rep = &dataset.reps[b.rep];
        let mut record = vec![
            rep.id.clone(),
            rep.name.clone().unwrap_or_default(),
            b.group.clone(),
            fixed(rep.capacity, 3),
            b.accounts.to_string(),
            fixed(b.potential, 2),
            fixed(b.workload, 2),
            fixed(b.potential_target, 2),
            fixed(b.workload_target, 2),
            signed_pct(b.potential_deviation, 2),
            signed_pct(b.workload_deviation, 2),
            fixed(b.accounts_target, 2),
            signed_pct(b.accounts_deviation, 2),
            boolean(b.within_tolerance).to_string(),
            b.breach.clone().unwrap_or_default(),
            fixed(b.mean_distance_km, 3),
            fixed(b.max_distance_km, 3),
            fixed(plan.compactness[b.rep].hull_area_km2, 1),
            plan.compactness[b.rep].outliers.to_string(),
            rep.region.clone().unwrap_or_default(),
            fixed(rep.lat, 6),
            fixed(rep.lon, 6),
        ];
        record.extend(
            (0..dataset.rep_extra_columns.len())
                .map(|i| rep.extra.get(i).cloned().unwrap_or_default()),
        );
        w.write_record(&record)?;
    }
    w.flush()?;
    Ok(())
}
