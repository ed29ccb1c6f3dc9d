//! Independent verification of a single-owner plan, from the dataset alone
//! (no LP state): every account owned once by a rep with capacity that covers
//! its segment, locks kept, and each rep's potential and workload within
//! tolerance of its balance group's per-FTE mean.

use std::collections::BTreeMap;

use crate::distance::haversine_km;
use crate::model::{deviation, Dataset, PartSplit, RepBalance};

/// Relative slack allowed on the tolerance check for float rounding.
const CHECK_EPS: f64 = 1e-9;

/// A rule the plan breaks.
#[derive(Debug, Clone, PartialEq)]
pub enum Violation {
    /// Account index has no valid owner index.
    Unassigned { account: usize },
    /// Owner has zero capacity.
    NoCapacity { account: usize, rep: usize },
    /// Owner does not cover the account's segment.
    Segment { account: usize, rep: usize },
    /// Locked account not with its current owner.
    Lock { account: usize, rep: usize },
    /// Account of a `[[named]]` list not with its rep.
    Named { account: usize, rep: usize },
    /// Owner forbidden by a `[[restrict]]` or distance `[[limits]]` rule.
    Rule {
        account: usize,
        rep: usize,
        rule: String,
    },
}

/// Balance figures per rep for `owner` (rep index per account, `None` for
/// accounts left out, e.g. without a current owner). A rep split by
/// `[[segment_share]]` is the sum of its parts, each balanced in its
/// segment's group.
pub fn rep_balances(ds: &Dataset, owner: &[Option<usize>]) -> Vec<RepBalance> {
    match PartSplit::of(ds) {
        None => whole_rep_balances(ds, owner),
        Some(split) => {
            let parts = whole_rep_balances(&split.dataset, &split.part_owners(ds, owner));
            split.rep_balances(ds, &parts)
        }
    }
}

/// [`rep_balances`] of a dataset whose reps are all whole (parts
/// included).
pub fn whole_rep_balances(ds: &Dataset, owner: &[Option<usize>]) -> Vec<RepBalance> {
    let n_reps = ds.reps.len();
    let mut pot = vec![0.0; n_reps];
    let mut work = vec![0.0; n_reps];
    let mut count = vec![0usize; n_reps];
    let mut dist_weighted = vec![0.0; n_reps];
    let mut max_km: Vec<f64> = vec![0.0; n_reps];
    for (a, o) in ds.accounts.iter().zip(owner) {
        let Some(r) = *o else { continue };
        let rep = &ds.reps[r];
        let km = haversine_km(a.lat, a.lon, rep.lat, rep.lon);
        pot[r] += a.potential;
        work[r] += a.workload;
        count[r] += 1;
        dist_weighted[r] += a.potential * km;
        max_km[r] = max_km[r].max(km);
    }
    // Groups: reps with capacity and the same balance key.
    let balance = &ds.config.balance;
    // Tiers (region_tolerance): reps with the same coverage, all regions.
    let mut groups: BTreeMap<String, (f64, f64, f64, f64)> = BTreeMap::new();
    let mut tiers: BTreeMap<String, (f64, f64, f64, f64)> = BTreeMap::new();
    for (r, rep) in ds.reps.iter().enumerate() {
        if rep.capacity > 0.0 {
            for e in [
                groups.entry(balance.group_key(rep)).or_default(),
                tiers.entry(rep.coverage_key()).or_default(),
            ] {
                e.0 += rep.capacity;
                e.1 += pot[r];
                e.2 += work[r];
                e.3 += count[r] as f64;
            }
        }
    }
    let tol_p = balance.potential_tolerance;
    let tol_w = balance.workload_tolerance;
    let within = |dev: f64, tol: f64| dev.abs() <= tol * (1.0 + CHECK_EPS) + CHECK_EPS;
    ds.reps
        .iter()
        .enumerate()
        .map(|(r, rep)| {
            let key = balance.group_key(rep);
            let (potential_target, workload_target, accounts_target) = match groups.get(&key) {
                Some(&(cap, gp, gw, gn)) if rep.capacity > 0.0 => (
                    rep.capacity * gp / cap,
                    rep.capacity * gw / cap,
                    rep.capacity * gn / cap,
                ),
                _ => (0.0, 0.0, 0.0),
            };
            let potential_deviation = deviation(pot[r], potential_target);
            let workload_deviation = deviation(work[r], workload_target);
            let accounts_deviation = deviation(count[r] as f64, accounts_target);
            let breach = exceeded_limit(ds, r, count[r], work[r])
                .or_else(|| region_breach(ds, rep, &groups, &tiers));
            let within_tolerance = if rep.capacity > 0.0 {
                within(potential_deviation, tol_p)
                    && within(workload_deviation, tol_w)
                    && balance
                        .account_tolerance
                        .is_none_or(|t| within(accounts_deviation, t))
                    && breach.is_none()
            } else {
                count[r] == 0
            };
            RepBalance {
                rep: r,
                group: key,
                accounts: count[r],
                potential: pot[r],
                workload: work[r],
                potential_target,
                workload_target,
                accounts_target,
                potential_deviation,
                workload_deviation,
                accounts_deviation,
                breach,
                within_tolerance,
                mean_distance_km: if pot[r] > 0.0 {
                    dist_weighted[r] / pot[r]
                } else {
                    0.0
                },
                max_distance_km: max_km[r],
            }
        })
        .collect()
}

/// With `[balance] region_tolerance`: how the rep's region group sits
/// outside the band around the per-FTE mean of all reps of its coverage.
fn region_breach(
    ds: &Dataset,
    rep: &crate::model::Rep,
    groups: &BTreeMap<String, (f64, f64, f64, f64)>,
    tiers: &BTreeMap<String, (f64, f64, f64, f64)>,
) -> Option<String> {
    let tol = ds.config.balance.region_tolerance?;
    if rep.capacity <= 0.0 {
        return None;
    }
    let balance = &ds.config.balance;
    let cover = rep.coverage_key();
    let tier = *tiers.get(&cover)?;
    let own = groups.get(&balance.group_key(rep))?;
    let mut metrics = vec![("potential", own.1, tier.1), ("workload", own.2, tier.2)];
    if balance.account_tolerance.is_some() {
        metrics.push(("accounts", own.3, tier.3));
    }
    for (name, load, total) in metrics {
        let dev = deviation(load, own.0 / tier.0 * total);
        if dev.abs() > tol * (1.0 + CHECK_EPS) + CHECK_EPS {
            return Some(format!(
                "region {} {name} per FTE {:+.2} % vs all {cover} reps (region_tolerance ±{} %)",
                rep.region.as_deref().unwrap_or(""),
                dev * 100.0,
                tol * 100.0
            ));
        }
    }
    None
}

/// The `[[limits]]` maximum rep `r` exceeds, described, if any.
fn exceeded_limit(ds: &Dataset, r: usize, accounts: usize, hours: f64) -> Option<String> {
    let lim = ds.rules.limits.get(r)?;
    if let Some(l) = &lim.max_accounts {
        if accounts as f64 > l.value {
            return Some(format!(
                "{accounts} accounts > max_accounts {} of rule '{}'",
                l.value, l.rule
            ));
        }
    }
    if let Some(l) = &lim.max_workload_hours {
        if hours > l.value * (1.0 + CHECK_EPS) {
            return Some(format!(
                "{hours:.0} h > max_workload_hours {} of rule '{}'",
                l.value, l.rule
            ));
        }
    }
    None
}

/// Hard-rule violations of a single-owner plan (empty when valid).
pub fn rule_violations(ds: &Dataset, owner: &[usize]) -> Vec<Violation> {
    let mut out = Vec::new();
    if owner.len() != ds.accounts.len() {
        return (owner.len()..ds.accounts.len())
            .map(|account| Violation::Unassigned { account })
            .collect();
    }
    for (i, (a, &r)) in ds.accounts.iter().zip(owner).enumerate() {
        let Some(rep) = ds.reps.get(r) else {
            out.push(Violation::Unassigned { account: i });
            continue;
        };
        if rep.capacity <= 0.0 {
            out.push(Violation::NoCapacity { account: i, rep: r });
        }
        if !rep.covers(a.segment.as_deref()) {
            out.push(Violation::Segment { account: i, rep: r });
        }
        if a.locked && a.current_owner.as_deref() != Some(rep.id.as_str()) {
            out.push(Violation::Lock { account: i, rep: r });
        }
        if let Some(Some((named_rep, _))) = ds.rules.named.get(i) {
            if *named_rep != r {
                out.push(Violation::Named { account: i, rep: r });
            }
        } else if let Some(rule) = ds.rules.excluding_rule(ds, i, r) {
            out.push(Violation::Rule {
                account: i,
                rep: r,
                rule: rule.to_string(),
            });
        }
    }
    out
}

/// `[continuity]` charge of a plan: potential x `move_cost_km` summed over
/// accounts that leave their current owner (0 when continuity is off).
pub fn continuity_cost(ds: &Dataset, owner: &[usize]) -> f64 {
    let km = ds.config.continuity.move_cost_km;
    if km <= 0.0 {
        return 0.0;
    }
    ds.accounts
        .iter()
        .zip(owner)
        .filter(|(a, &r)| {
            a.current_owner
                .as_deref()
                .is_some_and(|o| o != ds.reps[r].id.as_str())
        })
        .map(|(a, _)| a.potential * km)
        .sum()
}

/// Sum over accounts of potential x km to the owner's home.
pub fn objective(ds: &Dataset, owner: &[usize]) -> f64 {
    ds.accounts
        .iter()
        .zip(owner)
        .map(|(a, &r)| {
            let rep = &ds.reps[r];
            a.potential * haversine_km(a.lat, a.lon, rep.lat, rep.lon)
        })
        .sum()
}

/// `[[prefer]]` credit of a plan: potential x min(bonus_km, km) summed over
/// accounts owned by a preferred rep (0 without preferences).
pub fn preference_credit(ds: &Dataset, owner: &[usize]) -> f64 {
    if ds.rules.preferences.is_empty() {
        return 0.0;
    }
    ds.accounts
        .iter()
        .zip(owner)
        .enumerate()
        .filter_map(|(i, (a, &r))| {
            let (bonus, _) = ds.rules.preference(i, r)?;
            let rep = &ds.reps[r];
            Some(a.potential * bonus.min(haversine_km(a.lat, a.lon, rep.lat, rep.lon)))
        })
        .sum()
}
