//! `segment_shares.csv`: with `[[segment_share]]`, each part of every
//! split hybrid rep and its own balance, written only when some rep is
//! split.
//!
//! Columns: `rep_id, segment, share, capacity, group, accounts, potential,
//! potential_target, potential_dev_pct, workload, workload_target,
//! workload_dev_pct, accounts_target, accounts_dev_pct, within_tolerance,
//! breach`. A part holds the rep's accounts of its segment; `capacity` is
//! the rep's FTE x `share`, and the targets are that capacity times the
//! per-FTE mean of the part's balance group (the segment's reps and the
//! other reps' parts of that segment). territories.csv shows the rep as
//! the sum of its parts. Rows are sorted by `rep_id`, then `segment`.

use crate::model::{Dataset, Plan};

use super::format::{boolean, fixed, signed_pct};

/// Name of the file.
pub const SEGMENT_SHARES_FILE: &str = "segment_shares.csv";

/// Columns of segment_shares.csv, in order.
pub const SEGMENT_SHARE_COLUMNS: [&str; 16] = [
    "rep_id",
    "segment",
    "share",
    "capacity",
    "group",
    "accounts",
    "potential",
    "potential_target",
    "potential_dev_pct",
    "workload",
    "workload_target",
    "workload_dev_pct",
    "accounts_target",
    "accounts_dev_pct",
    "within_tolerance",
    "breach",
];

/// The file's bytes, or `None` when no rep is split.
pub fn segment_shares_csv(dataset: &Dataset, plan: &Plan) -> Option<Vec<u8>> {
    if plan.segment_parts.is_empty() {
        return None;
    }
    let mut rows: Vec<_> = plan.segment_parts.iter().collect();
    rows.sort_by(|a, b| {
        dataset.reps[a.rep]
            .id
            .cmp(&dataset.reps[b.rep].id)
            .then(a.segment.cmp(&b.segment))
    });
    let mut buf = Vec::new();
    write_parts(&mut buf, dataset, &rows).expect("writing to memory");
    Some(buf)
}

fn write_parts(
    out: &mut Vec<u8>,
    dataset: &Dataset,
    rows: &[&crate::model::SegmentPart],
) -> std::io::Result<()> {
    let mut w = super::csv_writer(out);
    w.write_record(SEGMENT_SHARE_COLUMNS)?;
    for p in rows {
        let b = &p.balance;
        w.write_record([
            dataset.reps[p.rep].id.clone(),
            p.segment.clone(),
            fixed(p.share, 4),
            fixed(p.capacity, 3),
            b.group.clone(),
            b.accounts.to_string(),
            fixed(b.potential, 2),
            fixed(b.potential_target, 2),
            signed_pct(b.potential_deviation, 2),
            fixed(b.workload, 2),
            fixed(b.workload_target, 2),
            signed_pct(b.workload_deviation, 2),
            fixed(b.accounts_target, 2),
            signed_pct(b.accounts_deviation, 2),
            boolean(b.within_tolerance).to_string(),
            b.breach.clone().unwrap_or_default(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
