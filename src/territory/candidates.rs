//! Candidate pairs: which (account, rep) columns the restricted LP holds.
//!
//! A fixed "k nearest reps" set is not safe: balance can force accounts far
//! from home. The start set is each account's nearest eligible reps plus each
//! rep's nearest eligible accounts (a few fair shares, so the first LP can
//! already balance); pricing then adds every pair whose reduced cost under
//! the LP duals is negative, over all eligible pairs, until none is left.

use rayon::prelude::*;

use super::lp::{LpResult, Phase};
use super::problem::{nearest_by_km, Eligibility, Problem};

/// Nearest eligible reps per account in the start set.
pub const START_NEAREST_REPS: usize = 8;
/// Fair shares (in account count) of nearest accounts per rep in the start set.
pub const START_REP_FAIR_SHARES: f64 = 2.0;
/// Pairs added per account and pricing round, most negative first.
pub const PRICED_PER_ACCOUNT: usize = 1;
/// New pairs per rep and pricing round in a model with cover cuts: a
/// rep's cut prices every account that could move to it at once (at
/// 60,000 x 200 the new hire's take-in cut priced in 14,000 pairs a round
/// and grew the LP sixfold); the most negative ones are enough to move
/// the LP on, and the bound does not depend on which are added.
pub const PRICED_PER_REP: usize = 500;
/// Reduced cost below which a pair is added (scaled cost units).
pub const PRICING_TOLERANCE: f64 = 1e-7;

/// Start set of candidate reps per account (ascending rep index).
pub fn start_candidates(p: &Problem) -> Vec<Vec<usize>> {
    let mut cand: Vec<Vec<usize>> = (0..p.num_accounts)
        .into_par_iter()
        .map(|i| nearest_eligible_reps(p, i, START_NEAREST_REPS))
        .collect();
    for (r, accounts) in reps_nearest_accounts(p).into_iter().enumerate() {
        for i in accounts {
            cand[i].push(r);
        }
    }
    for c in &mut cand {
        c.sort_unstable();
        c.dedup();
        c.shrink_to_fit();
    }
    cand
}

fn nearest_eligible_reps(p: &Problem, i: usize, k: usize) -> Vec<usize> {
    let bound = |r| (p.km_lower_bound(i, r), r);
    nearest_by_km(p.eligible(i).iter().copied(), k, bound, |r| p.km(i, r))
}

/// For every rep with capacity, its nearest eligible free accounts: a few
/// fair shares of the accounts it could take.
fn reps_nearest_accounts(p: &Problem) -> Vec<Vec<usize>> {
    let free: Vec<usize> = (0..p.num_accounts).filter(|&i| !p.is_fixed(i)).collect();
    (0..p.num_reps)
        .into_par_iter()
        .map(|r| {
            if p.rep_group[r].is_none() {
                return Vec::new();
            }
            // Whether each segment class may go to r, looked up once
            // instead of per account.
            let class_takes: Vec<bool> = p
                .segment_reps
                .iter()
                .map(|reps| reps.binary_search(&r).is_ok())
                .collect();
            let eligible = |i: &usize| match p.eligibility[*i] {
                Eligibility::Locked(x) => x == r,
                Eligibility::Class(c) => class_takes[c],
            };
            let count = free.iter().filter(|i| eligible(i)).count();
            let take = fair_share_count(p, r, count);
            let bound = |i| (p.km_lower_bound(i, r), i);
            nearest_by_km(free.iter().copied().filter(eligible), take, bound, |i| {
                p.km(i, r)
            })
        })
        .collect()
}

/// A few fair shares, in account count, of `eligible` accounts for rep `r`.
fn fair_share_count(p: &Problem, r: usize, eligible: usize) -> usize {
    let Some(g) = p.rep_group[r] else { return 0 };
    let share = p.cap[r] / p.groups[g].capacity;
    ((START_REP_FAIR_SHARES * share * eligible as f64).ceil() as usize).max(1)
}

/// Reduced cost of pair (i, r) under the duals of `lp`.
pub fn reduced_cost(p: &Problem, lp: &LpResult, phase: Phase, i: usize, r: usize) -> f64 {
    phase.pair_cost(p, i, r) - lp.u[i] - lp.priced_load(p, i, r) - lp.cut_price(p, i, r)
}

/// Whether pair (i, r) can have a reduced cost below `-tol`: the same
/// sum as [`reduced_cost`] with the distance at its chord lower bound is
/// never above it (the cost does not fall as the distance grows, and
/// float rounding keeps that order), so a pair it rules out is one the
/// haversine would have ruled out too.
fn may_price_in(p: &Problem, lp: &LpResult, phase: Phase, i: usize, r: usize, tol: f64) -> bool {
    if !matches!(phase, Phase::Cost { .. }) || p.pot[i] < 0.0 || p.distance_weight < 0.0 {
        return true;
    }
    let cost = p.cost_at_km(i, r, p.km_lower_bound(i, r));
    cost - lp.u[i] - lp.priced_load(p, i, r) - lp.cut_price(p, i, r) < -tol
}

/// Pairs pricing added, and how far the restricted LP can be from the
/// full one.
#[derive(Debug, Clone, Default)]
pub struct Pricing {
    pub added: Vec<(usize, usize)>,
    /// Sum over accounts of the most negative reduced cost of a missing
    /// pair (>= 0 as a magnitude). Lowering each account's dual by its own
    /// share of this makes every pair dual feasible, so the restricted
    /// optimum minus `deficit` is a lower bound on the full LP (the
    /// Lagrangian bound of column generation).
    pub deficit: f64,
}

/// Every eligible pair missing from `cand` with negative reduced cost (up
/// to `PRICED_PER_ACCOUNT` per account, most negative first). None proves
/// the restricted LP optimal for the full model.
pub fn price(p: &Problem, cand: &[Vec<usize>], lp: &LpResult, phase: Phase) -> Pricing {
    let additions: Vec<(f64, Vec<(f64, usize)>)> = cand
        .par_iter()
        .enumerate()
        .map(|(i, current)| {
            let eligible = p.eligible(i);
            if eligible.len() <= current.len() {
                return (0.0, Vec::new());
            }
            let tol = PRICING_TOLERANCE * (1.0 + lp.u[i].abs());
            let mut negative: Vec<(f64, usize)> = eligible
                .iter()
                .filter(|r| current.binary_search(r).is_err())
                .filter(|&&r| may_price_in(p, lp, phase, i, r, tol))
                .map(|&r| (reduced_cost(p, lp, phase, i, r), r))
                .filter(|(rc, _)| *rc < -tol)
                .collect();
            negative.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let deficit = negative.first().map_or(0.0, |n| -n.0);
            negative.truncate(PRICED_PER_ACCOUNT);
            // Held for every account until the round ends: without this
            // each keeps room for all its eligible reps.
            negative.shrink_to_fit();
            (deficit, negative)
        })
        .collect();
    let mut pricing = Pricing::default();
    let mut added = Vec::new();
    for (i, (deficit, new)) in additions.into_iter().enumerate() {
        pricing.deficit += deficit;
        added.extend(new.into_iter().map(|(rc, r)| (rc, i, r)));
    }
    if !lp.cut_price.is_empty() {
        added = most_negative_per_rep(added, p.num_reps);
    }
    pricing.added = added.into_iter().map(|(_, i, r)| (i, r)).collect();
    pricing
}

/// At most [`PRICED_PER_REP`] new pairs per rep, most negative first
/// (ties: lower account).
fn most_negative_per_rep(
    added: Vec<(f64, usize, usize)>,
    num_reps: usize,
) -> Vec<(f64, usize, usize)> {
    let mut by_rep: Vec<Vec<(f64, usize, usize)>> = vec![Vec::new(); num_reps];
    for a in added {
        by_rep[a.2].push(a);
    }
    by_rep
        .into_iter()
        .flat_map(|mut pairs| {
            if pairs.len() > PRICED_PER_REP {
                pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                pairs.truncate(PRICED_PER_REP);
            }
            pairs
        })
        .collect()
}

/// Add priced pairs to the candidate lists, keeping them sorted.
pub fn add_pairs(cand: &mut [Vec<usize>], added: &[(usize, usize)]) {
    for &(i, r) in added {
        if let Err(at) = cand[i].binary_search(&r) {
            cand[i].insert(at, r);
        }
    }
}

/// Columns unused by the LP whose reduced cost exceeds this many km (times
/// the account's potential) are dropped to keep the restricted LP small;
/// pricing brings any of them back if the duals ever make it attractive.
pub const DROP_MARGIN_KM: f64 = 10.0;

/// Drop LP columns that carry no share and price well above zero. Keeps
/// every column the solution uses, so the restricted optimum is unchanged,
/// and every column pricing ever added (`kept`, sorted per account): with
/// degenerate duals a dropped column can price negative again, and
/// dropping it again would cycle for ever.
pub fn drop_unattractive(
    p: &Problem,
    cand: &mut [Vec<usize>],
    kept: &[Vec<usize>],
    lp: &LpResult,
    phase: Phase,
) -> usize {
    cand.par_iter_mut()
        .enumerate()
        .map(|(i, reps)| {
            if reps.len() <= 1 {
                return 0;
            }
            let margin = p.pot[i] * DROP_MARGIN_KM / super::problem::KM_SCALE;
            let used = &lp.shares[i];
            let before = reps.len();
            reps.retain(|&r| {
                kept[i].binary_search(&r).is_ok()
                    || used.iter().any(|&(u, x)| u == r && x > 1e-6)
                    || reduced_cost(p, lp, phase, i, r) <= margin
            });
            before - reps.len()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The start lists hold a few reps per account, and must not keep room
    /// for every eligible rep: at 1,000,000 x 2,000 that room was 15 GB
    /// before the first LP.
    #[test]
    fn start_lists_keep_no_room_for_every_eligible_rep() {
        let ds = crate::generate::generate(&crate::generate::GenerateSpec::new(400, 120, 1));
        let p = Problem::new(&ds);
        let cand = start_candidates(&p);
        let widest = (0..p.num_accounts).map(|i| p.eligible(i).len()).max();
        assert!(widest > Some(4 * START_NEAREST_REPS), "{widest:?}");
        for (i, c) in cand.iter().enumerate() {
            assert!(
                c.capacity() <= 2 * c.len().max(START_NEAREST_REPS),
                "account {i}: {} reps in room for {}",
                c.len(),
                c.capacity()
            );
        }
    }

    /// Pricing that skips pairs by their chord bound adds exactly the
    /// pairs, and finds exactly the deficit, of a scan of every pair.
    #[test]
    fn pruned_pricing_is_the_full_scan() {
        use crate::territory::lp::solve_restricted;
        let ds = crate::generate::generate(&crate::generate::GenerateSpec::new(500, 30, 3));
        let mut p = Problem::new(&ds);
        p.current = (0..p.num_accounts).map(|i| Some(i % p.num_reps)).collect();
        p.move_km = 40.0;
        let cand: Vec<Vec<usize>> = (0..p.num_accounts)
            .map(|i| nearest_eligible_reps(&p, i, 2))
            .map(|mut c| {
                c.sort_unstable();
                c
            })
            .collect();
        let phase = Phase::Cost { penalty: 50.0 };
        let lp = solve_restricted(&p, &cand, phase, "clarabel").unwrap();
        let pricing = price(&p, &cand, &lp, phase);
        let (mut want, mut deficit) = (Vec::new(), 0.0);
        for (i, current) in cand.iter().enumerate() {
            let tol = PRICING_TOLERANCE * (1.0 + lp.u[i].abs());
            let best = p
                .eligible(i)
                .iter()
                .filter(|r| !current.contains(r))
                .map(|&r| (reduced_cost(&p, &lp, phase, i, r), r))
                .filter(|(rc, _)| *rc < -tol)
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            if let Some((rc, r)) = best {
                want.push((i, r));
                deficit -= rc;
            }
        }
        assert!(want.len() > 20, "{} pairs", want.len());
        assert_eq!(pricing.added, want);
        assert_eq!(pricing.deficit, deficit);
    }
}
