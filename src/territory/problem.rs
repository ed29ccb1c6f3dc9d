//! The territory model in solver-neutral, scaled form: balance groups,
//! eligible reps per account, scaled loads and costs.
//!
//! Potential and workload are scaled so that one FTE's fair share is about 1,
//! and costs are potential-share x (km / 1000), so the LP's numbers sit near 1
//! whatever the currency or the size of the instance.

use std::collections::BTreeMap;

use super::cuts::MoveCuts;
use crate::distance::GeoPoint;
use crate::model::Dataset;

/// Km per cost unit: keeps LP costs near 1.
pub const KM_SCALE: f64 = 1000.0;

/// Balanced (or limited) quantities: potential, workload, account count.
pub const NUM_METRICS: usize = 3;
pub const POTENTIAL: usize = 0;
pub const WORKLOAD: usize = 1;
pub const ACCOUNTS: usize = 2;

/// Sum of two loads, metric by metric.
pub fn add_load(a: &[f64; NUM_METRICS], b: &[f64; NUM_METRICS]) -> [f64; NUM_METRICS] {
    std::array::from_fn(|m| a[m] + b[m])
}

/// Reps with the same segment coverage: they are balanced against each other.
#[derive(Debug, Clone)]
pub struct Group {
    /// Rep indices (into `Dataset::reps`), ascending.
    pub reps: Vec<usize>,
    /// Total FTE of the group.
    pub capacity: f64,
}

/// Balance groups of one segment coverage across regions (`[balance]
/// groups = "region"` with `region_tolerance`): each group's per-FTE mean
/// must lie within the region tolerance of the tier's.
#[derive(Debug, Clone)]
pub struct Tier {
    /// Group indices, ascending.
    pub groups: Vec<usize>,
    /// Total FTE of the tier.
    pub capacity: f64,
}

/// Which reps may own an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Eligibility {
    /// Locked to this rep.
    Locked(usize),
    /// Any rep of `Problem::segment_reps[class]`.
    Class(usize),
}

/// Everything the planner needs, precomputed once per run.
#[derive(Debug, Clone)]
pub struct Problem {
    pub num_accounts: usize,
    pub num_reps: usize,
    /// Scaled potential (1 = one FTE's fair share overall).
    pub pot: Vec<f64>,
    /// Scaled workload (1 = one FTE's fair share overall).
    pub work: Vec<f64>,
    /// Scaled account count (1 = one FTE's fair share of accounts).
    pub count: Vec<f64>,
    /// Currency per scaled potential unit.
    pub pot_unit: f64,
    /// Hours per scaled workload unit.
    pub work_unit: f64,
    /// Accounts per scaled count unit.
    pub count_unit: f64,
    pub account_points: Vec<GeoPoint>,
    /// Account coordinates in degrees (lat, lon), for coarsening.
    pub account_degrees: Vec<(f64, f64)>,
    pub rep_points: Vec<GeoPoint>,
    /// FTE per rep; 0 for reps that take no accounts.
    pub cap: Vec<f64>,
    pub groups: Vec<Group>,
    /// Region tiers (empty unless `[balance] region_tolerance` is set).
    pub tiers: Vec<Tier>,
    /// Tier index per group.
    pub group_tier: Vec<Option<usize>>,
    /// `[balance] region_tolerance`; infinite when off.
    pub region_tol: f64,
    /// Group index per rep, `None` for reps with zero capacity.
    pub rep_group: Vec<Option<usize>>,
    pub eligibility: Vec<Eligibility>,
    /// Eligible reps (ascending) per segment class.
    pub segment_reps: Vec<Vec<usize>>,
    /// Balance tolerance per metric; infinite for a metric that is not
    /// balanced (account count unless `[balance] account_tolerance`).
    pub tol: [f64; NUM_METRICS],
    /// Hard maximum per rep and metric (scaled; `[[limits]]`), infinite
    /// when none.
    pub limit: Vec<[f64; NUM_METRICS]>,
    /// Metrics the model carries (balanced or limited), ascending.
    pub metrics: Vec<usize>,
    /// `[[prefer]]`: per rep, (preference index, bonus km).
    pub prefer_of_rep: Vec<Vec<(usize, f64)>>,
    /// Per preference: which accounts match.
    pub prefer_matches: Vec<Vec<bool>>,
    /// Current owner per account (rep index, or [`Problem::OWNER_ELSEWHERE`]
    /// in a piece of a split model), for the continuity cost.
    pub current: Vec<Option<usize>>,
    /// `[continuity] move_cost_km`: km charged per unit potential for
    /// leaving the current owner (0: off).
    pub move_km: f64,
    /// Rebalance: cost (scaled units) of taking account `i` from its
    /// current owner, charged on top of the distance; empty when off.
    pub move_weight: Vec<f64>,
    /// Rebalance: factor on the distance part of every cost (1 in `plan`),
    /// small enough that distance only breaks ties between move counts.
    pub distance_weight: f64,
    /// Rebalance: cover cuts on the moves at each rep ([`super::cuts`]);
    /// empty in `plan`.
    pub move_cuts: MoveCuts,
    /// Some territory rule is in force (checked once: the check walks
    /// every account's named-list slot).
    pub has_rules: bool,
}

impl Problem {
    /// `current` of an account whose owner is a rep of another piece of a
    /// split model ([`super::components`]): every rep of this piece charges
    /// the account's move, as in the whole model.
    pub const OWNER_ELSEWHERE: usize = usize::MAX;

    /// Build the model of a validated dataset (every segment covered, locks
    /// to existing reps with capacity).
    pub fn new(ds: &Dataset) -> Problem {
        Self::with_tolerances(
            ds,
            ds.config.balance.potential_tolerance,
            ds.config.balance.workload_tolerance,
        )
    }

    /// Same as [`Problem::new`] with other tolerances (infeasibility search).
    pub fn with_tolerances(ds: &Dataset, tol_p: f64, tol_w: f64) -> Problem {
        let cap: Vec<f64> = ds.reps.iter().map(|r| r.capacity.max(0.0)).collect();
        let total_cap: f64 = cap.iter().sum();
        let total_pot: f64 = ds.accounts.iter().map(|a| a.potential).sum();
        let total_work: f64 = ds.accounts.iter().map(|a| a.workload).sum();
        let pot_unit = positive_or_one(total_pot / total_cap);
        let work_unit = positive_or_one(total_work / total_cap);
        let count_unit = positive_or_one(ds.accounts.len() as f64 / total_cap);

        let (groups, rep_group) = balance_groups(ds, &cap);
        let region_tol = ds.config.balance.region_tolerance.unwrap_or(f64::INFINITY);
        let (tiers, group_tier) = if region_tol.is_finite() {
            region_tiers(ds, &groups)
        } else {
            (Vec::new(), vec![None; groups.len()])
        };
        let (eligibility, segment_reps) = eligibility(ds, &cap);
        let limit = rep_limits(ds, work_unit, count_unit);
        let tol = [
            tol_p,
            tol_w,
            ds.config.balance.account_tolerance.unwrap_or(f64::INFINITY),
        ];
        let metrics = (0..NUM_METRICS)
            .filter(|&m| tol[m].is_finite() || limit.iter().any(|l| l[m].is_finite()))
            .collect();
        let mut prefer_of_rep = vec![Vec::new(); ds.reps.len()];
        for (k, pref) in ds.rules.preferences.iter().enumerate() {
            for &r in &pref.reps {
                prefer_of_rep[r].push((k, pref.bonus_km));
            }
        }
        Problem {
            num_accounts: ds.accounts.len(),
            num_reps: ds.reps.len(),
            pot: ds.accounts.iter().map(|a| a.potential / pot_unit).collect(),
            work: ds.accounts.iter().map(|a| a.workload / work_unit).collect(),
            count: vec![1.0 / count_unit; ds.accounts.len()],
            pot_unit,
            work_unit,
            count_unit,
            account_points: ds
                .accounts
                .iter()
                .map(|a| GeoPoint::new(a.lat, a.lon))
                .collect(),
            account_degrees: ds.accounts.iter().map(|a| (a.lat, a.lon)).collect(),
            rep_points: ds
                .reps
                .iter()
                .map(|r| GeoPoint::new(r.lat, r.lon))
                .collect(),
            cap,
            groups,
            tiers,
            group_tier,
            region_tol,
            rep_group,
            eligibility,
            segment_reps,
            tol,
            limit,
            metrics,
            prefer_of_rep,
            prefer_matches: ds
                .rules
                .preferences
                .iter()
                .map(|p| p.matches.clone())
                .collect(),
            current: ds.current_owner_indices(),
            move_km: ds.config.continuity.move_cost_km,
            move_weight: Vec::new(),
            distance_weight: 1.0,
            move_cuts: MoveCuts::default(),
            has_rules: !ds.rules.is_empty(),
        }
    }

    /// Reps that may own account `i`.
    pub fn eligible(&self, i: usize) -> &[usize] {
        match &self.eligibility[i] {
            Eligibility::Locked(r) => std::slice::from_ref(r),
            Eligibility::Class(c) => &self.segment_reps[*c],
        }
    }

    /// Km from account `i` to rep `r`'s home.
    pub fn km(&self, i: usize, r: usize) -> f64 {
        self.account_points[i].km_to(&self.rep_points[r])
    }

    /// Scaled LP cost of giving account `i` to rep `r`: potential x km,
    /// less the `[[prefer]]` credit, plus the continuity charge when `r` is
    /// not the current owner.
    pub fn cost(&self, i: usize, r: usize) -> f64 {
        self.cost_at_km(i, r, self.km(i, r))
    }

    /// [`Problem::km`] without the haversine: never above it.
    pub fn km_lower_bound(&self, i: usize, r: usize) -> f64 {
        self.account_points[i].km_lower_bound(&self.rep_points[r])
    }

    /// [`Problem::cost`] with `km` for the distance. It never falls as
    /// `km` grows (the preference credit is capped by the distance), so at
    /// [`Problem::km_lower_bound`] it bounds the cost from below.
    pub fn cost_at_km(&self, i: usize, r: usize, km: f64) -> f64 {
        self.distance_weight
            * self.pot[i]
            * (km - self.preference_km(i, r, km) + self.move_charge_km(i, r))
            / KM_SCALE
            + self.move_penalty(i, r)
    }

    /// Rebalance charge for giving account `i` to a rep other than its
    /// current owner (0 outside a rebalance).
    pub fn move_penalty(&self, i: usize, r: usize) -> f64 {
        match (self.move_weight.get(i), self.current[i]) {
            (Some(&w), Some(o)) if o != r => w,
            _ => 0.0,
        }
    }

    /// The current owner of account `i` when moves are weighed and it may
    /// keep the account: a pair every rebalance LP should hold.
    pub fn weighed_owner(&self, i: usize) -> Option<usize> {
        let o = self.current[i]?;
        (self.move_weight.get(i).is_some_and(|&w| w > 0.0) && self.eligible(i).contains(&o))
            .then_some(o)
    }

    /// Scaled load of account `i` in metric `m`.
    pub fn load(&self, m: usize, i: usize) -> f64 {
        match m {
            POTENTIAL => self.pot[i],
            WORKLOAD => self.work[i],
            _ => self.count[i],
        }
    }

    /// Loads of account `i` in every metric.
    pub fn loads(&self, i: usize) -> [f64; NUM_METRICS] {
        [self.pot[i], self.work[i], self.count[i]]
    }

    /// `[[prefer]]` credit (km, at most the distance itself) when rep `r`
    /// is a preferred owner of account `i`.
    pub fn preference_km(&self, i: usize, r: usize, km: f64) -> f64 {
        let mut bonus: f64 = 0.0;
        for &(k, b) in &self.prefer_of_rep[r] {
            if self.prefer_matches[k][i] {
                bonus = bonus.max(b);
            }
        }
        bonus.min(km)
    }

    /// Continuity charge (km) for giving account `i` to rep `r`.
    pub fn move_charge_km(&self, i: usize, r: usize) -> f64 {
        match self.current[i] {
            Some(o) if o != r => self.move_km,
            _ => 0.0,
        }
    }

    /// Nearest eligible rep of account `i` (ties to the lower index).
    pub fn nearest_eligible(&self, i: usize) -> usize {
        let bound = |r| (self.km_lower_bound(i, r), r);
        let nearest = nearest_by_km(self.eligible(i).iter().copied(), 1, bound, |r| {
            self.km(i, r)
        });
        nearest.first().copied().unwrap_or(usize::MAX)
    }

    /// Metrics held to a balance band (finite tolerance), ascending.
    pub fn balanced_metrics(&self) -> Vec<usize> {
        self.metrics
            .iter()
            .copied()
            .filter(|&m| self.tol[m].is_finite())
            .collect()
    }

    /// True when account `i` has a single possible owner.
    pub fn is_fixed(&self, i: usize) -> bool {
        self.eligible(i).len() == 1
    }
}

fn positive_or_one(x: f64) -> f64 {
    if x.is_finite() && x > 0.0 {
        x
    } else {
        1.0
    }
}

/// Per-rep maxima of `[[limits]]` in scaled units (workload, accounts).
fn rep_limits(ds: &Dataset, work_unit: f64, count_unit: f64) -> Vec<[f64; NUM_METRICS]> {
    (0..ds.reps.len())
        .map(|r| {
            let mut l = [f64::INFINITY; NUM_METRICS];
            if let Some(lim) = ds.rules.limits.get(r) {
                if let Some(h) = &lim.max_workload_hours {
                    l[WORKLOAD] = h.value / work_unit;
                }
                if let Some(n) = &lim.max_accounts {
                    l[ACCOUNTS] = n.value / count_unit;
                }
            }
            l
        })
        .collect()
}

/// Groups of reps with capacity by balance key (`[balance] groups`),
/// ordered by key.
fn balance_groups(ds: &Dataset, cap: &[f64]) -> (Vec<Group>, Vec<Option<usize>>) {
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (r, rep) in ds.reps.iter().enumerate() {
        if cap[r] > 0.0 {
            by_key
                .entry(ds.config.balance.group_key(rep))
                .or_default()
                .push(r);
        }
    }
    let mut rep_group = vec![None; ds.reps.len()];
    let groups = by_key
        .into_iter()
        .enumerate()
        .map(|(g, (_key, reps))| {
            for &r in &reps {
                rep_group[r] = Some(g);
            }
            let capacity = reps.iter().map(|&r| cap[r]).sum();
            Group { reps, capacity }
        })
        .collect();
    (groups, rep_group)
}

/// Tiers of groups with the same segment coverage (one per coverage).
fn region_tiers(ds: &Dataset, groups: &[Group]) -> (Vec<Tier>, Vec<Option<usize>>) {
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (g, group) in groups.iter().enumerate() {
        by_key
            .entry(ds.reps[group.reps[0]].coverage_key())
            .or_default()
            .push(g);
    }
    let mut group_tier = vec![None; groups.len()];
    let tiers = by_key
        .into_values()
        .enumerate()
        .map(|(t, members)| {
            for &g in &members {
                group_tier[g] = Some(t);
            }
            let capacity = members.iter().map(|&g| groups[g].capacity).sum();
            Tier {
                groups: members,
                capacity,
            }
        })
        .collect();
    (tiers, group_tier)
}

/// Eligible reps of every account: by segment, narrowed by the rules, or
/// the lock (a named list pins like a lock).
fn eligibility(ds: &Dataset, cap: &[f64]) -> (Vec<Eligibility>, Vec<Vec<usize>>) {
    let rules = &ds.rules;
    let narrowing =
        !rules.restrictions.is_empty() || rules.limits.iter().any(|l| l.max_distance_km.is_some());
    if narrowing {
        return eligibility_by_rules(ds, cap);
    }
    let mut class_of: BTreeMap<Option<&str>, usize> = BTreeMap::new();
    let mut segment_reps: Vec<Vec<usize>> = Vec::new();
    let eligibility = ds
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            if let Some(r) = fixed_owner(ds, i) {
                return Eligibility::Locked(r);
            }
            let seg = a.segment.as_deref();
            let class = *class_of.entry(seg).or_insert_with(|| {
                segment_reps.push(
                    (0..ds.reps.len())
                        .filter(|&r| cap[r] > 0.0 && ds.reps[r].covers(seg))
                        .collect(),
                );
                segment_reps.len() - 1
            });
            Eligibility::Class(class)
        })
        .collect();
    (eligibility, segment_reps)
}

/// The rep an account must go to: its lock, or its named list.
fn fixed_owner(ds: &Dataset, i: usize) -> Option<usize> {
    let a = &ds.accounts[i];
    if a.locked {
        if let Some(r) = a.current_owner.as_deref().and_then(|o| ds.rep_index(o)) {
            return Some(r);
        }
    }
    ds.rules.named.get(i).and_then(|n| n.as_ref()).map(|n| n.0)
}

/// Eligibility when restrictions or distance limits apply: each account's
/// own set of reps, interned so accounts with equal sets share a class.
fn eligibility_by_rules(ds: &Dataset, cap: &[f64]) -> (Vec<Eligibility>, Vec<Vec<usize>>) {
    let mut class_of: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
    let mut class_reps: Vec<Vec<usize>> = Vec::new();
    let eligibility = (0..ds.accounts.len())
        .map(|i| {
            if let Some(r) = fixed_owner(ds, i) {
                return Eligibility::Locked(r);
            }
            let seg = ds.accounts[i].segment.as_deref();
            let reps: Vec<usize> = (0..ds.reps.len())
                .filter(|&r| {
                    cap[r] > 0.0
                        && ds.reps[r].covers(seg)
                        && ds.rules.excluding_rule(ds, i, r).is_none()
                })
                .collect();
            let next = class_reps.len();
            let class = *class_of.entry(reps).or_insert_with_key(|reps| {
                class_reps.push(reps.clone());
                next
            });
            Eligibility::Class(class)
        })
        .collect();
    (eligibility, class_reps)
}

/// The `k` items with the smallest `(km, item)` (all of them when there
/// are no more than `k`), in no particular order: the set a selection
/// over every item's haversine gives, but the haversine is computed only
/// for items whose lower bound (`bound(item)` gives `(bound, item)`) does
/// not exceed the largest distance among the `k` items of smallest bound.
/// Any item of the answer lies within that distance, so none is skipped.
pub fn nearest_by_km(
    items: impl Iterator<Item = usize>,
    k: usize,
    bound: impl Fn(usize) -> (f64, usize),
    km: impl Fn(usize) -> f64,
) -> Vec<usize> {
    let by_pair = |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
    if k == 0 {
        return Vec::new();
    }
    let mut bounds: Vec<(f64, usize)> = items.map(bound).collect();
    if bounds.len() <= k {
        return bounds.iter().map(|b| b.1).collect();
    }
    bounds.select_nth_unstable_by(k - 1, by_pair);
    let reach = bounds[..k].iter().map(|b| km(b.1)).fold(0.0, f64::max);
    let mut exact: Vec<(f64, usize)> = bounds
        .iter()
        .filter(|b| b.0 <= reach)
        .map(|b| (km(b.1), b.1))
        .collect();
    if exact.len() > k {
        exact.select_nth_unstable_by(k - 1, by_pair);
        exact.truncate(k);
    }
    exact.iter().map(|e| e.1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pruned search returns the set a selection over every item's
    /// haversine returns, co-located reps (ties broken by index) included.
    #[test]
    fn nearest_by_km_is_the_full_selection() {
        let ds = crate::generate::generate(&crate::generate::GenerateSpec::new(300, 60, 4));
        let mut p = Problem::new(&ds);
        // Three reps on one spot: ties that only the index breaks.
        p.rep_points[7] = p.rep_points[3];
        p.rep_points[11] = p.rep_points[3];
        for i in 0..p.num_accounts {
            for k in [0, 1, 2, 5, 8, 200] {
                let eligible = p.eligible(i);
                let mut all: Vec<(f64, usize)> =
                    eligible.iter().map(|&r| (p.km(i, r), r)).collect();
                all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let mut want: Vec<usize> = all.iter().take(k).map(|a| a.1).collect();
                let bound = |r| (p.km_lower_bound(i, r), r);
                let mut got = nearest_by_km(eligible.iter().copied(), k, bound, |r| p.km(i, r));
                want.sort_unstable();
                got.sort_unstable();
                assert_eq!(got, want, "account {i}, k {k}");
            }
            let nearest = p.nearest_eligible(i);
            let brute = p
                .eligible(i)
                .iter()
                .map(|&r| (p.km(i, r), r))
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
                .map(|a| a.1);
            assert_eq!(Some(nearest), brute, "account {i}");
        }
    }
}
