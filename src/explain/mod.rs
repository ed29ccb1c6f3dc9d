//! Why an account went to its rep in a plan, and what moving it would cost
//! (`tplan explain OUT ACCOUNT_ID`).
//!
//! Two views, both on plain domain types (no CSV here):
//! - [`explain`]: the local view. The account's owner, the nearest eligible
//!   rep, and for every eligible rep (nearest first) what moving this one
//!   account there would do: the extra potential x km, and each affected
//!   rep's balance afterwards, computed independently with
//!   [`verify::rep_balances`] on the plan's owners with the one account
//!   changed (group targets move when the move crosses balance groups).
//! - [`resolve_with`]: the global view. Re-plan with the account locked to
//!   another rep and compare the objective with the plan's.
//!
//! Rendering to text is in [`render`].

pub mod render;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::distance::haversine_km;
use crate::model::{Dataset, PlanStatus, Reason, RepBalance};
use crate::territory::{self, verify};
use crate::{Error, Result};

pub use render::{render, render_resolve};

/// Rows of the alternatives table (the owner is added when beyond them).
pub const MAX_ALTERNATIVES: usize = 8;

/// Which balance measure a deviation is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Potential,
    Workload,
}

/// One rep's balance after a hypothetical move.
#[derive(Debug, Clone, PartialEq)]
pub struct RepEffect {
    /// Index into `Dataset::reps`.
    pub rep: usize,
    /// (potential - target) / target after the move.
    pub potential_deviation: f64,
    pub workload_deviation: f64,
    pub within_tolerance: bool,
}

impl RepEffect {
    fn of(b: &RepBalance) -> RepEffect {
        RepEffect {
            rep: b.rep,
            potential_deviation: b.potential_deviation,
            workload_deviation: b.workload_deviation,
            within_tolerance: b.within_tolerance,
        }
    }
}

/// The affected rep that deviates most, relative to its tolerance.
#[derive(Debug, Clone, PartialEq)]
pub struct Worst {
    pub rep: usize,
    pub measure: Measure,
    pub deviation: f64,
}

/// What moving the account alone from its owner to another rep does to
/// balance (every other account keeps its owner).
#[derive(Debug, Clone, PartialEq)]
pub struct MoveEffect {
    /// The receiving rep, after the move.
    pub to: RepEffect,
    /// The plan's owner, after losing the account.
    pub from: RepEffect,
    /// The two reps are in different balance groups: both groups' targets
    /// move, so every rep of both groups is affected.
    pub crosses_groups: bool,
    /// Every affected rep is within tolerance after the move.
    pub within_tolerance: bool,
    /// Affected reps outside tolerance after the move.
    pub outside: usize,
    /// The affected rep deviating most, relative to its tolerance.
    pub worst: Worst,
}

/// One eligible rep as a possible owner.
#[derive(Debug, Clone, PartialEq)]
pub struct Alternative {
    pub rep: usize,
    pub km: f64,
    /// potential x (km - the owner's km): what the move adds to the
    /// objective (negative: this rep is nearer than the owner).
    pub extra_cost: f64,
    /// `None` for the plan's owner itself.
    pub effect: Option<MoveEffect>,
}

/// Why an account went where it did in a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// Index into `Dataset::accounts`.
    pub account: usize,
    /// The plan's owner (index into `Dataset::reps`).
    pub owner: usize,
    pub owner_km: f64,
    /// The reason recorded with the plan.
    pub reason: Reason,
    /// Today's owner, when the data names a known rep.
    pub current_owner: Option<usize>,
    /// Today's owner takes no accounts in the plan: it has left or has
    /// capacity 0 (see [`Explanation::with_departures`]).
    pub current_owner_gone: Option<Gone>,
    /// Reps with capacity that cover the account's segment.
    pub eligible: usize,
    /// Balance groups of the eligible reps: (group key, eligible reps in it).
    pub eligible_groups: Vec<(String, usize)>,
    /// The nearest eligible rep (ties to the lower index) and its km.
    pub nearest: usize,
    pub nearest_km: f64,
    /// The owner's balance in the plan.
    pub owner_balance: RepBalance,
    /// Moving the account to the nearest rep, when that is not the owner.
    pub nearest_move: Option<MoveEffect>,
    /// Eligible reps nearest first (at most [`MAX_ALTERNATIVES`], plus the
    /// owner when it is farther).
    pub alternatives: Vec<Alternative>,
    pub tol_p: f64,
    pub tol_w: f64,
}

/// Why today's owner of an account takes no accounts in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gone {
    /// Its `end_date` is on or before the rebalance's effective date.
    Left {
        end_date: NaiveDate,
        effective: NaiveDate,
    },
    /// Capacity 0 in reps.csv.
    NoCapacity,
}

/// A rep who left: its end_date and the effective date it left by.
pub fn left(end_date: Option<NaiveDate>, effective: Option<NaiveDate>) -> Option<Gone> {
    match (end_date, effective) {
        (Some(end_date), Some(effective)) if end_date <= effective => Some(Gone::Left {
            end_date,
            effective,
        }),
        _ => None,
    }
}

impl Explanation {
    /// Name the departure of today's owner: `gone(r)` says whether rep
    /// `r` of the explained dataset left, and when.
    pub fn with_departures(mut self, gone: impl Fn(usize) -> Option<Gone>) -> Explanation {
        if let Some(g) = self.current_owner.and_then(gone) {
            self.current_owner_gone = Some(g);
        }
        self
    }
}

/// Index of the account with this id; an unknown id is
/// [`Error::UnknownAccount`] with the closest id when one is near.
pub fn find_account(ds: &Dataset, id: &str) -> Result<usize> {
    if let Some(i) = ds.accounts.iter().position(|a| a.id == id) {
        return Ok(i);
    }
    Err(Error::UnknownAccount {
        id: id.to_string(),
        accounts: ds.accounts.len(),
        closest: closest_id(ds.accounts.iter().map(|a| a.id.as_str()), id),
    })
}

/// Index of the rep with this id, or a usage error naming the closest id.
pub fn find_rep(ds: &Dataset, id: &str) -> Result<usize> {
    ds.rep_index(id).ok_or_else(|| {
        let hint = closest_id(ds.reps.iter().map(|r| r.id.as_str()), id)
            .map(|c| format!("; did you mean {c}?"))
            .unwrap_or_default();
        Error::Usage(format!(
            "unknown rep '{id}': the plan has {} reps{hint}",
            ds.reps.len()
        ))
    })
}

/// The id nearest `id` in edit distance (case-insensitive), when within a
/// third of its length (at least 2); ties to the first in sorted order.
fn closest_id<'a>(ids: impl Iterator<Item = &'a str>, id: &str) -> Option<String> {
    let wanted = id.to_lowercase();
    let limit = (wanted.chars().count() / 3).max(2);
    ids.map(|c| (edit_distance(&c.to_lowercase(), &wanted), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c.to_string())
}

/// Levenshtein distance on chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Km from account `i` to rep `r`'s home.
fn km(ds: &Dataset, i: usize, r: usize) -> f64 {
    let (a, rep) = (&ds.accounts[i], &ds.reps[r]);
    haversine_km(a.lat, a.lon, rep.lat, rep.lon)
}

/// Reps with capacity covering account `i`'s segment that no rule
/// forbids, nearest first (ties to the lower index), with their km.
fn eligible_by_km(ds: &Dataset, i: usize) -> Vec<(usize, f64)> {
    let segment = ds.accounts[i].segment.as_deref();
    let mut reps: Vec<(usize, f64)> = ds
        .reps
        .iter()
        .enumerate()
        .filter(|(k, r)| {
            r.capacity > 0.0 && r.covers(segment) && ds.rules.excluding_rule(ds, i, *k).is_none()
        })
        .map(|(r, _)| (r, km(ds, i, r)))
        .collect();
    reps.sort_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
    reps
}

/// Explain account `account` in the plan `owners` (rep index per account,
/// as in assignments.csv) whose recorded reason is `reason`.
pub fn explain(
    ds: &Dataset,
    owners: &[usize],
    account: usize,
    reason: Reason,
) -> Result<Explanation> {
    check_owners(ds, owners)?;
    let Some(&owner) = owners.get(account) else {
        return Err(Error::Usage(format!(
            "account index {account} is not in the plan"
        )));
    };
    let a = &ds.accounts[account];
    let plan: Vec<Option<usize>> = owners.iter().map(|&r| Some(r)).collect();
    let balance = verify::rep_balances(ds, &plan);

    let mut eligible = eligible_by_km(ds, account);
    if eligible.is_empty() {
        // Only when the data changed under the plan: the owner stands alone.
        eligible.push((owner, km(ds, account, owner)));
    }
    let mut groups: BTreeMap<String, usize> = BTreeMap::new();
    for &(r, _) in &eligible {
        *groups
            .entry(ds.config.balance.group_key(&ds.reps[r]))
            .or_default() += 1;
    }
    let (nearest, nearest_km) = eligible[0];
    let owner_km = km(ds, account, owner);
    let current_owner = a.current_owner.as_deref().and_then(|o| ds.rep_index(o));

    let move_effect = |to: usize| move_effect(ds, &plan, &balance, account, owner, to);
    let mut rows: Vec<(usize, f64)> = eligible.iter().take(MAX_ALTERNATIVES).copied().collect();
    if !rows.iter().any(|&(r, _)| r == owner) {
        rows.push((owner, owner_km));
    }
    let alternatives = rows
        .into_iter()
        .map(|(r, d)| Alternative {
            rep: r,
            km: d,
            extra_cost: a.potential * (d - owner_km),
            effect: (r != owner).then(|| move_effect(r)),
        })
        .collect();

    Ok(Explanation {
        account,
        owner,
        owner_km,
        reason,
        current_owner,
        current_owner_gone: current_owner
            .filter(|&c| ds.reps[c].capacity <= 0.0)
            .map(|_| Gone::NoCapacity),
        eligible: eligible.len(),
        eligible_groups: groups.into_iter().collect(),
        nearest,
        nearest_km,
        owner_balance: balance[owner].clone(),
        nearest_move: (nearest != owner).then(|| move_effect(nearest)),
        alternatives,
        tol_p: ds.config.balance.potential_tolerance,
        tol_w: ds.config.balance.workload_tolerance,
    })
}

/// One owner per account, each a rep of the dataset.
fn check_owners(ds: &Dataset, owners: &[usize]) -> Result<()> {
    if owners.len() != ds.accounts.len() {
        return Err(Error::Usage(format!(
            "the plan has {} owners for {} accounts",
            owners.len(),
            ds.accounts.len()
        )));
    }
    if let Some(&r) = owners.iter().find(|&&r| r >= ds.reps.len()) {
        return Err(Error::Usage(format!(
            "the plan names rep index {r} of {} reps",
            ds.reps.len()
        )));
    }
    Ok(())
}

/// Balance after moving `account` alone from `from` to `to`.
fn move_effect(
    ds: &Dataset,
    plan: &[Option<usize>],
    before: &[RepBalance],
    account: usize,
    from: usize,
    to: usize,
) -> MoveEffect {
    let mut moved = plan.to_vec();
    moved[account] = Some(to);
    let after = verify::rep_balances(ds, &moved);
    let crosses_groups = before[from].group != before[to].group;
    let affected: Vec<usize> = if crosses_groups {
        let groups = [&before[from].group, &before[to].group];
        (0..ds.reps.len())
            .filter(|&r| {
                r == from
                    || r == to
                    || (ds.reps[r].capacity > 0.0 && groups.contains(&&before[r].group))
            })
            .collect()
    } else {
        vec![from, to]
    };
    let tol_p = ds.config.balance.potential_tolerance;
    let tol_w = ds.config.balance.workload_tolerance;
    let mut worst: Option<(f64, Worst)> = None;
    for &r in &affected {
        for (measure, dev, tol) in [
            (Measure::Potential, after[r].potential_deviation, tol_p),
            (Measure::Workload, after[r].workload_deviation, tol_w),
        ] {
            let ratio = relative(dev, tol);
            if worst.as_ref().is_none_or(|(w, _)| ratio > *w) {
                worst = Some((
                    ratio,
                    Worst {
                        rep: r,
                        measure,
                        deviation: dev,
                    },
                ));
            }
        }
    }
    let outside = affected
        .iter()
        .filter(|&&r| !after[r].within_tolerance)
        .count();
    MoveEffect {
        to: RepEffect::of(&after[to]),
        from: RepEffect::of(&after[from]),
        crosses_groups,
        within_tolerance: outside == 0,
        outside,
        worst: worst.map(|(_, w)| w).unwrap_or(Worst {
            rep: to,
            measure: Measure::Potential,
            deviation: after[to].potential_deviation,
        }),
    }
}

/// |deviation| as a multiple of the tolerance (a zero tolerance makes any
/// deviation infinitely large).
fn relative(deviation: f64, tolerance: f64) -> f64 {
    if tolerance > 0.0 {
        deviation.abs() / tolerance
    } else if deviation != 0.0 {
        f64::INFINITY
    } else {
        0.0
    }
}

/// The plan being explained, as far as a re-plan compares with it.
#[derive(Debug, Clone, Copy)]
pub struct PlanFigures<'a> {
    /// Rep index per account.
    pub owners: &'a [usize],
    /// potential x km of the plan.
    pub objective: f64,
    /// Its LP bound, when known.
    pub lp_bound: Option<f64>,
}

/// The answer of a re-plan with the account locked to another rep.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolve {
    pub account: usize,
    /// The rep the account was locked to.
    pub rep: usize,
    /// The plan's owner of the account.
    pub plan_owner: usize,
    /// potential x km of the plan.
    pub plan_objective: f64,
    /// The plan's LP bound, when known.
    pub plan_lp_bound: Option<f64>,
    /// potential x km of the re-plan.
    pub objective: f64,
    /// Its LP bound: no plan with the lock can do better.
    pub lp_bound: f64,
    pub status: PlanStatus,
    /// Reps of the re-plan outside tolerance (0 when `Balanced`).
    pub outside: usize,
    /// Other accounts whose owner differs from the plan's, by account
    /// index, ascending: (account, plan owner, new owner).
    pub changed: Vec<(usize, usize, usize)>,
    pub solver: String,
}

/// `part / whole`, 0 when `whole` is not positive.
pub fn fraction(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        part / whole
    } else {
        0.0
    }
}

impl Resolve {
    /// objective - plan objective.
    pub fn delta(&self) -> f64 {
        self.objective - self.plan_objective
    }

    /// lp_bound - the plan's LP bound: the cost of the lock itself.
    pub fn bound_delta(&self) -> Option<f64> {
        self.plan_lp_bound.map(|b| self.lp_bound - b)
    }
}

/// Re-plan `ds` with `account` locked to `rep` (its current owner set to
/// `rep`) with the same planner and `solver`, and compare with `plan`.
pub fn resolve_with(
    ds: &Dataset,
    plan: PlanFigures<'_>,
    account: usize,
    rep: usize,
    solver: &str,
) -> Result<Resolve> {
    let owners = plan.owners;
    check_owners(ds, owners)?;
    let (Some(a), Some(r)) = (ds.accounts.get(account), ds.reps.get(rep)) else {
        return Err(Error::Usage(format!(
            "account {account} or rep {rep} is not in the data"
        )));
    };
    if r.capacity <= 0.0 {
        return Err(Error::Usage(format!(
            "rep {} has capacity 0 and takes no accounts: choose a rep with capacity",
            r.id
        )));
    }
    if !r.covers(a.segment.as_deref()) {
        let segment = a.segment.as_deref().unwrap_or("");
        let covering: Vec<&str> = eligible_by_km(ds, account)
            .iter()
            .map(|&(c, _)| ds.reps[c].id.as_str())
            .collect();
        return Err(Error::Usage(format!(
            "rep {} covers {}, not segment {segment} of account {}: reps covering {segment}: {}",
            r.id,
            r.coverage_key(),
            a.id,
            covering.join(", ")
        )));
    }
    if let Some(rule) = ds.rules.excluding_rule(ds, account, rep) {
        return Err(Error::Usage(format!(
            "rule '{rule}' forbids rep {} for account {}: change the rule in the plan config to \
             allow it",
            r.id, a.id
        )));
    }
    let mut locked = ds.clone();
    locked.accounts[account].current_owner = Some(r.id.clone());
    locked.accounts[account].locked = true;
    // The lock replaces any named-list pin of this account.
    if let Some(pin) = locked.rules.named.get_mut(account) {
        *pin = None;
    }
    let outcome = territory::plan_territories(
        &locked,
        &territory::PlanOptions {
            solver: solver.to_string(),
            progress: crate::progress::Progress::off(),
            time_limit: None,
        },
    )
    .map_err(|e| match e {
        Error::Infeasible(text) => {
            Error::Infeasible(format!("with account {} locked to {}: {text}", a.id, r.id))
        }
        other => other,
    })?;
    let mut new_owner = vec![0; ds.accounts.len()];
    for asg in &outcome.plan.assignments {
        if let Some(slot) = new_owner.get_mut(asg.account) {
            *slot = asg.rep;
        }
    }
    let changed = owners
        .iter()
        .zip(&new_owner)
        .enumerate()
        .filter(|&(i, (o, n))| i != account && o != n)
        .map(|(i, (&o, &n))| (i, o, n))
        .collect();
    Ok(Resolve {
        account,
        rep,
        plan_owner: owners[account],
        plan_objective: plan.objective,
        plan_lp_bound: plan.lp_bound,
        objective: outcome.plan.objective,
        lp_bound: outcome.plan.lp_bound,
        status: outcome.plan.status,
        outside: outcome
            .plan
            .balance
            .iter()
            .filter(|b| !b.within_tolerance)
            .count(),
        changed,
        solver: solver.to_string(),
    })
}

#[cfg(test)]
mod tests;
