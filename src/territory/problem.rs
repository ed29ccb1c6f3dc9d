//! The territory model in solver-neutral, scaled form: balance groups,
//! eligible reps per account, scaled loads and costs.
//!
//! Potential and workload are scaled so that one FTE's fair share is about 1,
//! and costs are potential-share x (km / 1000), so the LP's numbers sit near 1
//! whatever the currency or the size of the instance.

use std::collections::BTreeMap;

use crate::distance::GeoPoint;
use crate::model::Dataset;

/// Km per cost unit: keeps LP costs near 1.
pub const KM_SCALE: f64 = 1000.0;

/// Reps with the same segment coverage: they are balanced against each other.
#[derive(Debug, Clone)]
pub struct Group {
    /// Rep indices (into `Dataset::reps`), ascending.
    pub reps: Vec<usize>,
    /// Total FTE of the group.
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
    /// Currency per scaled potential unit.
    pub pot_unit: f64,
    /// Hours per scaled workload unit.
    pub work_unit: f64,
    pub account_points: Vec<GeoPoint>,
    /// Account coordinates in degrees (lat, lon), for coarsening.
    pub account_degrees: Vec<(f64, f64)>,
    pub rep_points: Vec<GeoPoint>,
    /// FTE per rep; 0 for reps that take no accounts.
    pub cap: Vec<f64>,
    pub groups: Vec<Group>,
    /// Group index per rep, `None` for reps with zero capacity.
    pub rep_group: Vec<Option<usize>>,
    pub eligibility: Vec<Eligibility>,
    /// Eligible reps (ascending) per segment class.
    pub segment_reps: Vec<Vec<usize>>,
    pub tol_p: f64,
    pub tol_w: f64,
    /// Current owner per account (rep index), for the continuity cost.
    pub current: Vec<Option<usize>>,
    /// `[continuity] move_cost_km`: km charged per unit potential for
    /// leaving the current owner (0: off).
    pub move_km: f64,
}

impl Problem {
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

        let (groups, rep_group) = balance_groups(ds, &cap);
        let (eligibility, segment_reps) = eligibility(ds, &cap);
        Problem {
            num_accounts: ds.accounts.len(),
            num_reps: ds.reps.len(),
            pot: ds.accounts.iter().map(|a| a.potential / pot_unit).collect(),
            work: ds.accounts.iter().map(|a| a.workload / work_unit).collect(),
            pot_unit,
            work_unit,
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
            rep_group,
            eligibility,
            segment_reps,
            tol_p,
            tol_w,
            current: ds
                .accounts
                .iter()
                .map(|a| a.current_owner.as_deref().and_then(|o| ds.rep_index(o)))
                .collect(),
            move_km: ds.config.continuity.move_cost_km,
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
    /// plus the continuity charge when `r` is not the current owner.
    pub fn cost(&self, i: usize, r: usize) -> f64 {
        self.pot[i] * (self.km(i, r) + self.move_charge_km(i, r)) / KM_SCALE
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
        let mut best = (f64::INFINITY, usize::MAX);
        for &r in self.eligible(i) {
            let d = self.km(i, r);
            if d < best.0 {
                best = (d, r);
            }
        }
        best.1
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

/// Groups of reps with capacity by identical coverage, ordered by key.
fn balance_groups(ds: &Dataset, cap: &[f64]) -> (Vec<Group>, Vec<Option<usize>>) {
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (r, rep) in ds.reps.iter().enumerate() {
        if cap[r] > 0.0 {
            by_key.entry(rep.coverage_key()).or_default().push(r);
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

/// Eligible reps of every account: by segment, or the lock.
fn eligibility(ds: &Dataset, cap: &[f64]) -> (Vec<Eligibility>, Vec<Vec<usize>>) {
    let mut class_of: BTreeMap<Option<&str>, usize> = BTreeMap::new();
    let mut segment_reps: Vec<Vec<usize>> = Vec::new();
    let eligibility = ds
        .accounts
        .iter()
        .map(|a| {
            if a.locked {
                if let Some(r) = a.current_owner.as_deref().and_then(|o| ds.rep_index(o)) {
                    return Eligibility::Locked(r);
                }
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
