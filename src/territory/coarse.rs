//! Coarse model for the dual warm start: accounts of the same eligibility in
//! the same grid cell are merged into one (potential-weighted centroid,
//! summed loads). The coarse LP is small and its balance prices are close
//! to the fine LP's, because a price is a value per unit of potential or
//! workload at a rep, whatever the granularity of the accounts. Those prices
//! pick the fine LP's first core.

use std::collections::BTreeMap;

use super::cuts::MoveCuts;
use super::problem::{Eligibility, Problem};
use crate::distance::GeoPoint;

/// Coarse accounts per rep with capacity: enough to price every rep.
const CLUSTERS_PER_REP: usize = 15;
/// Never coarsen below this many accounts.
const MIN_CLUSTERS: usize = 400;

/// A coarse model and the cluster of every fine account.
pub struct Coarse {
    pub problem: Problem,
    /// Cluster index per fine account.
    pub cluster_of: Vec<usize>,
}

/// Merge accounts into at most about `CLUSTERS_PER_REP` x reps clusters.
/// Returns `None` when the instance is already small enough.
pub fn coarse_problem(p: &Problem) -> Option<Coarse> {
    let active = p.rep_group.iter().filter(|g| g.is_some()).count();
    let target = (CLUSTERS_PER_REP * active).max(MIN_CLUSTERS);
    if p.num_accounts <= 2 * target {
        return None;
    }
    let mut cell = 0.05;
    let mut clusters = cluster(p, cell);
    while clusters.len() > target {
        cell *= 1.5;
        clusters = cluster(p, cell);
    }
    let mut c = Problem {
        num_accounts: clusters.len(),
        pot: Vec::with_capacity(clusters.len()),
        work: Vec::with_capacity(clusters.len()),
        count: Vec::with_capacity(clusters.len()),
        // Preferences are tie-breakers between nearby reps: they matter to
        // the fine model only (their account flags do not map to clusters).
        prefer_of_rep: vec![Vec::new(); p.num_reps],
        prefer_matches: Vec::new(),
        account_points: Vec::with_capacity(clusters.len()),
        account_degrees: Vec::with_capacity(clusters.len()),
        eligibility: Vec::with_capacity(clusters.len()),
        // Clusters mix owners: continuity is priced on the fine model only.
        // A rebalance's clusters hold one weighed owner each and carry
        // their members' move charges (below).
        current: Vec::with_capacity(clusters.len()),
        move_weight: Vec::new(),
        // Cuts count whole accounts: a cluster is not one.
        move_cuts: MoveCuts::default(),
        ..p.clone()
    };
    let mut cluster_of = vec![0; p.num_accounts];
    for (k, (key, members)) in clusters.into_iter().enumerate() {
        for &i in &members {
            cluster_of[i] = k;
        }
        let pot: f64 = members.iter().map(|&i| p.pot[i]).sum();
        let work: f64 = members.iter().map(|&i| p.work[i]).sum();
        let weight = |i: usize| {
            if pot > 0.0 {
                p.pot[i] / pot
            } else {
                1.0 / members.len() as f64
            }
        };
        let clat: f64 = members
            .iter()
            .map(|&i| weight(i) * p.account_degrees[i].0)
            .sum();
        let clon: f64 = members
            .iter()
            .map(|&i| weight(i) * p.account_degrees[i].1)
            .sum();
        c.pot.push(pot);
        c.work.push(work);
        c.count.push(members.iter().map(|&i| p.count[i]).sum());
        c.account_points.push(GeoPoint::new(clat, clon));
        c.account_degrees.push((clat, clon));
        c.eligibility.push(key.eligibility);
        c.current.push(key.owner);
        if !p.move_weight.is_empty() {
            c.move_weight
                .push(members.iter().map(|&i| p.move_weight[i]).sum());
        }
    }
    Some(Coarse {
        problem: c,
        cluster_of,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    eligibility: Eligibility,
    /// A rebalance's current owner when moving the account is charged:
    /// without the charge in the coarse model its costs are distance alone,
    /// scaled down to a tie-breaker, and the coarse solution spreads every
    /// cluster over every rep in reach (60,000 x 200: about 14 candidate
    /// reps per account and a first fine LP of 832,000 columns).
    owner: Option<usize>,
    cell_lat: i64,
    cell_lon: i64,
}

fn cluster(p: &Problem, cell: f64) -> BTreeMap<Key, Vec<usize>> {
    let mut out: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for i in 0..p.num_accounts {
        let (lat, lon) = p.account_degrees[i];
        let key = Key {
            eligibility: p.eligibility[i],
            owner: p.weighed_owner(i),
            cell_lat: (lat / cell).floor() as i64,
            cell_lon: (lon * lat.to_radians().cos().max(0.1) / cell).floor() as i64,
        };
        out.entry(key).or_default().push(i);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rebalance's coarse model prices moves as the fine one does: each
    /// cluster holds the accounts of one owner and carries their summed
    /// move charge, so keeping a cluster with its owner costs nothing and
    /// moving it costs its members' moves. A plain plan's clusters stay
    /// free of owners and charges.
    #[test]
    fn rebalance_clusters_keep_one_owner_and_sum_the_move_charge() {
        let ds = crate::generate::generate(&crate::generate::GenerateSpec::new(3000, 20, 4));
        let plain = Problem::new(&ds);
        let coarse = coarse_problem(&plain).expect("3,000 accounts are coarsened");
        assert!(coarse.problem.current.iter().all(Option::is_none));
        assert!(coarse.problem.move_weight.is_empty());

        let mut p = plain.clone();
        p.current = (0..p.num_accounts)
            .map(|i| Some(p.nearest_eligible(i)))
            .collect();
        p.move_weight = (0..p.num_accounts).map(|i| 1.0 + i as f64 * 1e-3).collect();
        let coarse = coarse_problem(&p).expect("coarsened");
        let c = &coarse.problem;
        assert_eq!(c.move_weight.len(), c.num_accounts);
        let mut charge = vec![0.0; c.num_accounts];
        for (i, &k) in coarse.cluster_of.iter().enumerate() {
            assert_eq!(
                c.current[k],
                p.weighed_owner(i),
                "account {i} in cluster {k}"
            );
            charge[k] += p.move_weight[i];
        }
        for (k, &sum) in charge.iter().enumerate() {
            assert!((c.move_weight[k] - sum).abs() < 1e-9);
            let owner = c.current[k].expect("every account has an owner");
            assert_eq!(c.move_penalty(k, owner), 0.0);
            if let Some(&other) = c.eligible(k).iter().find(|&&r| r != owner) {
                assert!((c.move_penalty(k, other) - sum).abs() < 1e-9);
            }
        }
    }
}
