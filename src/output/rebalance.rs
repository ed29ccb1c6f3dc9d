//! The rebalance files of an output folder: `moves.csv` (one row per
//! account that changes owner), `rebalance_summary.csv` (one row per rep,
//! before and after), `frontier.csv` (moves against balance) and
//! `grandfathered.csv` (open deals kept by their original owner). Rows
//! are in a fixed order and numbers fixed-format, so re-runs are
//! byte-identical.

use crate::distance::haversine_km;
use crate::model::RepBalance;
use crate::rebalance::frontier::FrontierPoint;
use crate::rebalance::grandfathering::Grandfathered;
use crate::rebalance::{AccountKind, Setup};

use super::format::{fixed, signed_pct};

pub const MOVES_FILE: &str = "moves.csv";
pub const REBALANCE_SUMMARY_FILE: &str = "rebalance_summary.csv";
pub const FRONTIER_FILE: &str = "frontier.csv";
pub const GRANDFATHERED_FILE: &str = "grandfathered.csv";
pub const RATIONALE_FILE: &str = "rationale.md";

/// Columns of moves.csv.
pub const MOVES_COLUMNS: [&str; 12] = [
    "account_id",
    "name",
    "from_rep",
    "to_rep",
    "reason",
    "potential",
    "workload",
    "km_before",
    "km_after",
    "open_deal_amount",
    "grandfathered_amount",
    "segment",
];

/// What the rebalance files describe.
pub struct RebalanceFiles<'a> {
    pub setup: &'a Setup,
    /// Final owner per account.
    pub owner: &'a [usize],
    /// Balance over active reps before (today's owners) and after.
    pub before: &'a [RepBalance],
    pub after: &'a [RepBalance],
    pub grandfathered: &'a [Grandfathered],
    pub frontier: &'a [FrontierPoint],
    /// Rest-of-year quota per rep, before and after, when quotas are set.
    pub quotas: Option<&'a [(f64, f64)]>,
}

/// Accounts that change owner, in account order.
pub fn changed(setup: &Setup, owner: &[usize]) -> Vec<usize> {
    (0..owner.len())
        .filter(|&i| setup.current[i] != Some(owner[i]))
        .collect()
}

fn km(setup: &Setup, i: usize, r: usize) -> f64 {
    let a = &setup.dataset.accounts[i];
    let rep = &setup.dataset.reps[r];
    haversine_km(a.lat, a.lon, rep.lat, rep.lon)
}

/// moves.csv as bytes.
pub fn moves_csv(f: &RebalanceFiles<'_>) -> Vec<u8> {
    let s = f.setup;
    let ds = &s.dataset;
    let mut gf = vec![0.0; ds.accounts.len()];
    for g in f.grandfathered {
        gf[g.account] += g.amount;
    }
    let mut w = super::csv_writer(Vec::new());
    w.write_record(MOVES_COLUMNS).expect("in memory");
    for i in changed(s, f.owner) {
        let a = &ds.accounts[i];
        let to = f.owner[i];
        w.write_record([
            a.id.clone(),
            a.name.clone().unwrap_or_default(),
            s.current[i]
                .map(|r| ds.reps[r].id.clone())
                .unwrap_or_default(),
            ds.reps[to].id.clone(),
            s.kind[i].code().to_string(),
            fixed(a.potential, 2),
            fixed(a.workload, 2),
            s.current[i]
                .map(|r| fixed(km(s, i, r), 1))
                .unwrap_or_default(),
            fixed(km(s, i, to), 1),
            fixed(s.open_deals[i], 2),
            fixed(gf[i], 2),
            a.segment.clone().unwrap_or_default(),
        ])
        .expect("in memory");
    }
    w.into_inner().expect("in memory")
}

/// The status of a rep in the rebalance.
pub fn rep_status(s: &Setup, r: usize) -> &'static str {
    if s.departed[r] {
        "departed"
    } else if s.new_hire[r] {
        "new_hire"
    } else {
        "active"
    }
}

/// Moves into and out of each rep (every change of owner).
pub fn moves_in_out(s: &Setup, owner: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let n = s.dataset.reps.len();
    let (mut ins, mut outs) = (vec![0; n], vec![0; n]);
    for i in changed(s, owner) {
        ins[owner[i]] += 1;
        if let Some(r) = s.current[i] {
            outs[r] += 1;
        }
    }
    (ins, outs)
}

/// rebalance_summary.csv as bytes.
pub fn summary_csv(f: &RebalanceFiles<'_>) -> Vec<u8> {
    let s = f.setup;
    let ds = &s.dataset;
    let (ins, outs) = moves_in_out(s, f.owner);
    let mut credit = vec![0.0; ds.reps.len()];
    for g in f.grandfathered {
        credit[g.original_owner] += g.amount;
    }
    let mut before_accounts = vec![0usize; ds.reps.len()];
    let mut before_pot = vec![0.0; ds.reps.len()];
    for (i, o) in s.current.iter().enumerate() {
        if let Some(r) = *o {
            before_accounts[r] += 1;
            before_pot[r] += ds.accounts[i].potential;
        }
    }
    let mut header = vec![
        "rep_id",
        "name",
        "status",
        "accounts_before",
        "accounts_after",
        "potential_before",
        "potential_after",
        "potential_deviation_before_pct",
        "potential_deviation_after_pct",
        "workload_deviation_before_pct",
        "workload_deviation_after_pct",
        "within_tolerance_after",
        "moves_in",
        "moves_out",
        "grandfathered_credit",
    ];
    if f.quotas.is_some() {
        header.extend(["rest_of_year_quota_before", "rest_of_year_quota_after"]);
    }
    let mut w = super::csv_writer(Vec::new());
    w.write_record(&header).expect("in memory");
    for (r, rep) in ds.reps.iter().enumerate() {
        let active = !s.departed[r];
        let dev = |x: f64| {
            if active {
                signed_pct(x, 2)
            } else {
                String::new()
            }
        };
        let (b, a) = (&f.before[r], &f.after[r]);
        let mut row = vec![
            rep.id.clone(),
            rep.name.clone().unwrap_or_default(),
            rep_status(s, r).to_string(),
            before_accounts[r].to_string(),
            a.accounts.to_string(),
            fixed(before_pot[r], 2),
            fixed(a.potential, 2),
            dev(b.potential_deviation),
            dev(a.potential_deviation),
            dev(b.workload_deviation),
            dev(a.workload_deviation),
            if active {
                super::format::boolean(a.within_tolerance).to_string()
            } else {
                String::new()
            },
            ins[r].to_string(),
            outs[r].to_string(),
            fixed(credit[r], 2),
        ];
        if let Some(q) = f.quotas {
            row.push(fixed(q[r].0, 2));
            row.push(fixed(q[r].1, 2));
        }
        w.write_record(&row).expect("in memory");
    }
    w.into_inner().expect("in memory")
}

/// Columns of frontier.csv.
pub const FRONTIER_COLUMNS: [&str; 9] = [
    "budget",
    "moves",
    "moved_potential",
    "max_potential_deviation_pct",
    "max_workload_deviation_pct",
    "reps_outside_tolerance",
    "total_band_violation",
    "violation_bound",
    "distance",
];

/// frontier.csv as bytes.
pub fn frontier_csv(points: &[FrontierPoint]) -> Vec<u8> {
    let mut w = super::csv_writer(Vec::new());
    w.write_record(FRONTIER_COLUMNS).expect("in memory");
    for p in points {
        w.write_record([
            p.budget.to_string(),
            p.moves.to_string(),
            fixed(p.moved_potential, 2),
            fixed(p.max_potential_deviation * 100.0, 2),
            fixed(p.max_workload_deviation * 100.0, 2),
            p.reps_outside.to_string(),
            fixed(p.total_violation, 6),
            fixed(p.violation_bound, 6),
            fixed(p.distance, 0),
        ])
        .expect("in memory");
    }
    w.into_inner().expect("in memory")
}

/// grandfathered.csv as bytes.
pub fn grandfathered_csv(f: &RebalanceFiles<'_>) -> Vec<u8> {
    let s = f.setup;
    let ds = &s.dataset;
    let mut w = super::csv_writer(Vec::new());
    w.write_record([
        "deal_id",
        "account_id",
        "original_owner",
        "new_owner",
        "amount",
        "stage",
        "close_date",
        "credited_until",
    ])
    .expect("in memory");
    for g in f.grandfathered {
        let d = &s.deals[g.deal];
        w.write_record([
            d.id.clone(),
            ds.accounts[g.account].id.clone(),
            ds.reps[g.original_owner].id.clone(),
            ds.reps[g.new_owner].id.clone(),
            fixed(g.amount, 2),
            d.stage.clone(),
            d.close_date.format("%Y-%m-%d").to_string(),
            g.until.format("%Y-%m-%d").to_string(),
        ])
        .expect("in memory");
    }
    w.into_inner().expect("in memory")
}

/// rationale.md: a short paragraph per affected rep (moves in or out,
/// departed, new hire) that a manager can forward.
pub fn rationale_md(f: &RebalanceFiles<'_>) -> Vec<u8> {
    let s = f.setup;
    let ds = &s.dataset;
    let (ins, outs) = moves_in_out(s, f.owner);
    let mut text = String::from("# Rebalance: what changes for each rep, and why\n\n");
    if let Some(d) = s.effective {
        text.push_str(&format!("Effective {}.\n\n", d.format("%Y-%m-%d")));
    }
    let changed = changed(s, f.owner);
    let reasons = |r: usize, incoming: bool| -> String {
        let mut by: std::collections::BTreeMap<&str, (usize, f64)> = Default::default();
        for &i in &changed {
            let hit = if incoming {
                f.owner[i] == r
            } else {
                s.current[i] == Some(r)
            };
            if hit {
                let e = by.entry(s.kind[i].code()).or_default();
                e.0 += 1;
                e.1 += ds.accounts[i].potential;
            }
        }
        by.iter()
            .map(|(code, (n, p))| {
                let what = match *code {
                    "orphan" => "from departed reps",
                    "new_account" => "new accounts",
                    "rule" => "required by the territory rules",
                    _ => "to restore balance",
                };
                format!(
                    "{n} account{} {what} (potential {})",
                    if *n == 1 { "" } else { "s" },
                    super::format::thousands(*p)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (r, rep) in ds.reps.iter().enumerate() {
        if ins[r] == 0 && outs[r] == 0 && !s.departed[r] && !s.new_hire[r] {
            continue;
        }
        let name = rep
            .name
            .as_deref()
            .map(|n| format!("{} ({n})", rep.id))
            .unwrap_or_else(|| rep.id.clone());
        text.push_str(&format!("## {name}\n\n"));
        if s.departed[r] {
            text.push_str(&format!(
                "Leaves the team: all {} accounts go to other reps, nearest first within the \
                 balance bands.\n",
                outs[r]
            ));
        } else {
            if s.new_hire[r] {
                text.push_str("New hire: starts with a territory of its own.\n");
            }
            if ins[r] > 0 {
                text.push_str(&format!("Receives {}.\n", reasons(r, true)));
            }
            if outs[r] > 0 {
                text.push_str(&format!("Hands over {}.\n", reasons(r, false)));
            }
            let (b, a) = (&f.before[r], &f.after[r]);
            text.push_str(&format!(
                "Potential goes from {} % to {} % of fair share (band ±{} %).\n",
                signed_pct(b.potential_deviation, 1),
                signed_pct(a.potential_deviation, 1),
                fixed(ds.config.balance.potential_tolerance * 100.0, 1)
            ));
        }
        if let Some(q) = f.quotas {
            text.push_str(&format!(
                "Rest-of-year quota: {} before, {} after.\n",
                super::format::thousands(q[r].0),
                super::format::thousands(q[r].1)
            ));
        }
        let kept: Vec<&Grandfathered> = f
            .grandfathered
            .iter()
            .filter(|g| g.original_owner == r)
            .collect();
        if !kept.is_empty() {
            text.push_str(&format!(
                "Keeps credit for {} open deal{} on accounts handed over ({}), until each \
                 closes or the transition ends (latest {}).\n",
                kept.len(),
                if kept.len() == 1 { "" } else { "s" },
                super::format::thousands(kept.iter().map(|g| g.amount).sum()),
                kept.iter()
                    .map(|g| g.until)
                    .max()
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default()
            ));
        }
        text.push('\n');
    }
    text.into_bytes()
}

/// Every rebalance file, name and bytes.
pub fn rebalance_files(f: &RebalanceFiles<'_>) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![
        (MOVES_FILE.to_string(), moves_csv(f)),
        (REBALANCE_SUMMARY_FILE.to_string(), summary_csv(f)),
        (FRONTIER_FILE.to_string(), frontier_csv(f.frontier)),
        (RATIONALE_FILE.to_string(), rationale_md(f)),
    ];
    if !f.setup.deals.is_empty() {
        files.push((GRANDFATHERED_FILE.to_string(), grandfathered_csv(f)));
    }
    files
}

/// Is this account's move discretionary?
pub fn is_discretionary(s: &Setup, i: usize) -> bool {
    s.kind[i] == AccountKind::Staying
}
