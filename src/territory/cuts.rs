//! Cover cuts of the rebalance LP: how many discretionary accounts a rep
//! must give away or take in under any balanced single-owner plan.
//!
//! Why: the LP relaxation can move a fraction of one large account where
//! a real plan moves it whole or not at all, so on lumpy accounts (ENT,
//! MM) its bound on the moves is far below what a balanced plan needs
//! (issue 15: 62 against 72 moves at 5,000 x 40). A rep whose own accounts
//! are over its band by 30 % of its largest account must still give away
//! one whole account; the count of such whole accounts is a valid
//! inequality for every balanced plan, and the LP with it gives a higher,
//! still valid, bound.
//!
//! For rep `r` in group `g` (FTE share `f = cap_r / C_g`) and a balanced
//! metric, a balanced plan keeps `r`'s load within `(1 -/+ t) f T_g`,
//! where `T_g` is the group's total. `T_g` is not fixed when accounts may
//! go to reps of other groups (hybrid reps, region groups), but only
//! moves change it: it is at least what the group's reps own today plus
//! what only the group may own, less what moves out of the group, and at
//! most what they own plus every account that must be placed and may go
//! to the group, plus what moves in from other groups.
//! - **Give away**: `r` keeps what only `r` may own (non-discretionary
//!   accounts eligible to `r` alone) and its own discretionary accounts
//!   that stay. Over its upper band by `E`, it must give away accounts or
//!   the group must take in from other groups enough to lift the band:
//!   each account of load `x` moved out of `r` lowers the excess by `x`,
//!   each moved into the group by `(1 + t) f x`.
//! - **Take in**: `r` ends with at most its own accounts, every account
//!   that must be placed and may go to `r`, and what it takes from other
//!   active reps. Below its lower band by `D`, it must take in accounts
//!   (each lowers the shortfall by its load) or the group must give away
//!   to other groups enough to lower the band (each by `(1 - t) f x`).
//!
//! With `a` moves at the rep and `b` crossing moves of the group, the
//! fewest `b` for each `a` is a cover count (largest loads first), and
//! the lower convex hull of those points gives the rows
//! `own a + cross b >= need` ([`Facet`]). Without crossing accounts this
//! is `a >= the fewest of the rep's own moves`. A `[[limits]]` maximum
//! counts `r`'s own accounts only.
//!
//! Each row is valid for every balanced plan, so the LP with them still
//! bounds the moves from below. Only the rebalance carries cuts: `plan`
//! has no discretionary moves to count.

use rayon::prelude::*;

use super::problem::{Eligibility, Problem, NUM_METRICS};

/// Relative slack on a cover's need: a plan that the verifier calls
/// balanced may sit a float's width outside the band.
const NEED_EPS: f64 = 1e-7;

type Loads = [f64; NUM_METRICS];

/// The cover cuts of a rebalance model; empty outside a rebalance.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MoveCuts {
    /// Current owner per account when moving the account is a
    /// discretionary move ([`Problem::weighed_owner`]), cached: pricing
    /// asks for it once per pair.
    pub owner: Vec<Option<usize>>,
    /// Per rep: rows on the moves out of it and into its group.
    pub give_out: Vec<Vec<Facet>>,
    /// Per rep: rows on the moves into it and out of its group.
    pub take_in: Vec<Vec<Facet>>,
    /// The cheapest move's weight: what one unit of a cut's slack costs
    /// per unit of the cheapest way to meet it by moves.
    pub move_unit: f64,
}

/// A valid inequality `own a + cross b >= need` on a rep's discretionary
/// moves `a` (out of it, or into it) and its group's crossing moves `b`
/// (into the group, or out of it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Facet {
    pub own: f64,
    pub cross: f64,
    pub need: f64,
}

impl Facet {
    /// Cost per unit of slack on this row: what the cheapest moves that
    /// meet one unit of it cost (each move is worth at least `move_unit`
    /// and counts `own` or `cross`). Slack is what keeps the cuts from
    /// pulling every pair of the pool into a restricted LP that lacks the
    /// accounts to meet them; priced like the moves, it gives the same
    /// optimum as hard rows up to distance, and any price keeps the bound
    /// valid (a plan that meets the row needs no slack).
    pub fn slack_cost(&self, move_unit: f64) -> f64 {
        move_unit / self.own.max(self.cross)
    }
}

impl MoveCuts {
    /// True when the model carries no cut.
    pub fn is_empty(&self) -> bool {
        self.give_out.iter().chain(&self.take_in).all(Vec::is_empty)
    }

    /// True when moving account `i` to rep `r` takes it from one balance
    /// group to another.
    pub fn crosses(&self, p: &Problem, i: usize, r: usize) -> Option<(usize, usize)> {
        let o = self.owner.get(i).copied().flatten()?;
        match (p.rep_group[o], p.rep_group[r]) {
            (Some(from), Some(to)) if from != to => Some((from, to)),
            _ => None,
        }
    }
}

/// The cover cuts of `p` (empty unless `p` weighs moves).
pub fn move_cuts(p: &Problem) -> MoveCuts {
    if p.move_weight.is_empty() {
        return MoveCuts::default();
    }
    let owner: Vec<Option<usize>> = (0..p.num_accounts).map(|i| p.weighed_owner(i)).collect();
    let groups = GroupsOf::of(p);
    let rl = RepLoads::of(p, &owner, &groups);
    let give_out = (0..p.num_reps)
        .into_par_iter()
        .map(|r| give_out_facets(p, &rl, r))
        .collect();
    let take_in = (0..p.num_reps)
        .into_par_iter()
        .map(|r| take_in_facets(p, &owner, &rl, r))
        .collect();
    let move_unit = p
        .move_weight
        .iter()
        .copied()
        .filter(|&w| w > 0.0)
        .fold(f64::INFINITY, f64::min);
    MoveCuts {
        owner,
        give_out,
        take_in,
        move_unit: if move_unit.is_finite() {
            move_unit
        } else {
            0.0
        },
    }
}

/// Balance groups (ascending) whose reps may own each eligibility class.
struct GroupsOf {
    class: Vec<Vec<usize>>,
}

impl GroupsOf {
    fn of(p: &Problem) -> GroupsOf {
        let class = p
            .segment_reps
            .iter()
            .map(|reps| {
                let mut g: Vec<usize> = reps.iter().filter_map(|&r| p.rep_group[r]).collect();
                g.sort_unstable();
                g.dedup();
                g
            })
            .collect();
        GroupsOf { class }
    }

    fn account<'a>(&'a self, p: &Problem, i: usize, one: &'a mut [usize; 1]) -> &'a [usize] {
        match p.eligibility[i] {
            Eligibility::Class(c) => &self.class[c],
            Eligibility::Locked(r) => match p.rep_group[r] {
                Some(g) => {
                    one[0] = g;
                    &one[..]
                }
                None => &[],
            },
        }
    }
}

/// Loads that bound what each rep and group may end with.
struct RepLoads {
    /// Per rep: discretionary accounts it owns today.
    own: Vec<Loads>,
    /// Per rep: non-discretionary accounts only it may own.
    only: Vec<Loads>,
    /// Per rep: non-discretionary accounts it may own (orphans, new
    /// accounts, rule-forced).
    free: Vec<Loads>,
    /// Per rep: its discretionary accounts that another rep may own.
    movable: Vec<Vec<usize>>,
    /// Per group: the least total (owned today, or only the group may
    /// own) before moves out of it.
    low_total: Vec<Loads>,
    /// Per group: the most total (owned today, or must be placed and may
    /// go to the group) before moves into it.
    high_total: Vec<Loads>,
    /// Per group: its reps' discretionary accounts that another group may
    /// own.
    leaving: Vec<Vec<usize>>,
    /// Per group: other groups' discretionary accounts that it may own.
    arriving: Vec<Vec<usize>>,
}

impl RepLoads {
    fn of(p: &Problem, owner: &[Option<usize>], groups: &GroupsOf) -> RepLoads {
        let zero = vec![[0.0; NUM_METRICS]; p.num_reps];
        let zero_g = vec![[0.0; NUM_METRICS]; p.groups.len()];
        let mut l = RepLoads {
            own: zero.clone(),
            only: zero.clone(),
            free: zero,
            movable: vec![Vec::new(); p.num_reps],
            low_total: zero_g.clone(),
            high_total: zero_g,
            leaving: vec![Vec::new(); p.groups.len()],
            arriving: vec![Vec::new(); p.groups.len()],
        };
        let mut one = [0];
        for (i, o) in owner.iter().enumerate() {
            let add = |to: &mut Loads| {
                for (m, x) in to.iter_mut().enumerate() {
                    *x += p.load(m, i);
                }
            };
            let eligible = p.eligible(i);
            let in_groups = groups.account(p, i, &mut one);
            match *o {
                Some(o) => {
                    add(&mut l.own[o]);
                    if eligible.len() > 1 {
                        l.movable[o].push(i);
                    }
                    if let Some(g) = p.rep_group[o] {
                        add(&mut l.low_total[g]);
                        add(&mut l.high_total[g]);
                        for &h in in_groups {
                            if h == g {
                                continue;
                            }
                            l.arriving[h].push(i);
                            if l.leaving[g].last() != Some(&i) {
                                l.leaving[g].push(i);
                            }
                        }
                    }
                }
                None => {
                    for &r in eligible {
                        add(&mut l.free[r]);
                    }
                    if let [r] = eligible {
                        add(&mut l.only[*r]);
                    }
                    for &g in in_groups {
                        add(&mut l.high_total[g]);
                    }
                    let all_grouped = eligible.iter().all(|&r| p.rep_group[r].is_some());
                    if let ([g], true) = (in_groups, all_grouped) {
                        add(&mut l.low_total[*g]);
                    }
                }
            }
        }
        l
    }
}

/// Rows on the moves out of rep `r` and into its group.
fn give_out_facets(p: &Problem, l: &RepLoads, r: usize) -> Vec<Facet> {
    let Some(g) = p.rep_group[r] else {
        return Vec::new();
    };
    let f = p.cap[r] / p.groups[g].capacity;
    let mut facets = Vec::new();
    for &m in &p.metrics {
        let kept = l.own[r][m] + l.only[r][m];
        let own_loads = || l.movable[r].iter().map(|&i| p.load(m, i)).collect();
        if p.limit[r][m].is_finite() {
            let need = kept - p.limit[r][m] - NEED_EPS * p.limit[r][m].abs().max(1.0);
            facets.extend(cover_facets(own_loads(), Vec::new(), need));
        }
        if p.tol[m].is_finite() {
            let lift = (1.0 + p.tol[m]) * f;
            let upper = lift * l.high_total[g][m];
            let need = kept - upper - NEED_EPS * upper.abs().max(1.0);
            let crossing = l.arriving[g].iter().map(|&i| lift * p.load(m, i)).collect();
            facets.extend(cover_facets(own_loads(), crossing, need));
        }
    }
    facets
}

/// Rows on the moves into rep `r` and out of its group.
fn take_in_facets(p: &Problem, owner: &[Option<usize>], l: &RepLoads, r: usize) -> Vec<Facet> {
    let Some(g) = p.rep_group[r] else {
        return Vec::new();
    };
    let f = p.cap[r] / p.groups[g].capacity;
    let mut facets = Vec::new();
    // Other reps' discretionary accounts that `r` may own: one scan of
    // every account, made only for a rep short of its band.
    let mut offered: Option<Vec<usize>> = None;
    for m in p.balanced_metrics() {
        let drop = (1.0 - p.tol[m]) * f;
        let lower = drop * l.low_total[g][m];
        let need = lower - l.own[r][m] - l.free[r][m] - NEED_EPS * lower.abs().max(1.0);
        if need <= 0.0 {
            continue;
        }
        let offered = offered.get_or_insert_with(|| {
            (0..p.num_accounts)
                .filter(|&i| {
                    owner[i].is_some_and(|o| o != r) && p.eligible(i).binary_search(&r).is_ok()
                })
                .collect()
        });
        let offered = offered.iter().map(|&i| p.load(m, i)).collect();
        let crossing = l.leaving[g].iter().map(|&i| drop * p.load(m, i)).collect();
        facets.extend(cover_facets(offered, crossing, need));
    }
    facets
}

/// Valid rows `own a + cross b >= need` for "`a` of the `own` loads and
/// `b` of the `cross` loads sum to at least `need`": for each `a` the
/// fewest `b` (largest loads first), then the lower convex hull of those
/// points, plus `a >= a_min` when fewer own moves cannot be made up by
/// crossing ones. Nothing when nothing is needed or not even every load
/// reaches `need` (the LP then finds the model infeasible by itself).
fn cover_facets(own: Vec<f64>, cross: Vec<f64>, need: f64) -> Vec<Facet> {
    if need <= 0.0 {
        return Vec::new();
    }
    let own = prefix_sums_largest_first(own);
    let cross = prefix_sums_largest_first(cross);
    let fewest_cross = |rest: f64| -> Option<usize> {
        (rest <= 0.0)
            .then_some(0)
            .or_else(|| cross.iter().position(|&s| s >= rest).map(|k| k + 1))
    };
    // (a, fewest b) for a = 0, 1, ... until the own moves alone suffice.
    let mut points: Vec<(f64, f64)> = Vec::new();
    for a in 0..=own.len() {
        let covered = if a == 0 { 0.0 } else { own[a - 1] };
        if let Some(b) = fewest_cross(need - covered) {
            points.push((a as f64, b as f64));
            if b == 0 {
                break;
            }
        }
    }
    let Some(&(a_min, _)) = points.first() else {
        return Vec::new();
    };
    let mut facets = Vec::new();
    if a_min > 0.0 {
        facets.push(Facet {
            own: 1.0,
            cross: 0.0,
            need: a_min,
        });
    }
    let hull = lower_hull(&points);
    for w in hull.windows(2) {
        let ((a1, b1), (a2, b2)) = (w[0], w[1]);
        let own = (b1 - b2) / (a2 - a1);
        facets.push(Facet {
            own,
            cross: 1.0,
            need: own * a1 + b1,
        });
    }
    facets
}

/// Running sums of `loads` sorted largest first.
fn prefix_sums_largest_first(mut loads: Vec<f64>) -> Vec<f64> {
    loads.sort_unstable_by(|a, b| b.total_cmp(a));
    let mut sum = 0.0;
    loads
        .into_iter()
        .map(|x| {
            sum += x;
            sum
        })
        .collect()
}

/// Lower convex hull of points sorted by x (strictly increasing x).
fn lower_hull(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut hull: Vec<(f64, f64)> = Vec::new();
    for &pt in points {
        while hull.len() >= 2 {
            let (o, a) = (hull[hull.len() - 2], hull[hull.len() - 1]);
            let cross = (a.0 - o.0) * (pt.1 - o.1) - (a.1 - o.1) * (pt.0 - o.0);
            if cross <= 0.0 {
                hull.pop();
            } else {
                break;
            }
        }
        hull.push(pt);
    }
    hull
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facet(own: f64, cross: f64, need: f64) -> Facet {
        Facet { own, cross, need }
    }

    #[test]
    fn without_crossing_loads_the_row_is_the_fewest_own_moves() {
        assert_eq!(
            cover_facets(vec![1.0, 5.0, 2.0, 4.0], Vec::new(), 9.5),
            vec![facet(1.0, 0.0, 3.0)]
        );
        assert_eq!(
            cover_facets(vec![1.0, 5.0, 2.0, 4.0], Vec::new(), 5.0),
            vec![facet(1.0, 0.0, 1.0)]
        );
        assert!(cover_facets(vec![1.0, 5.0], Vec::new(), 0.0).is_empty());
        // Not coverable: no row.
        assert!(cover_facets(vec![1.0, 2.0], Vec::new(), 3.5).is_empty());
    }

    #[test]
    fn crossing_loads_trade_against_own_moves_along_the_hull() {
        // One own account covers; without it, three crossing ones do.
        let f = cover_facets(vec![10.0, 1.0], vec![0.4, 0.4, 0.4, 0.1], 1.0);
        assert_eq!(f, vec![facet(3.0, 1.0, 3.0)]);
        // Every integer point the rows allow is a cover.
        let own = [3.0, 2.0, 2.0];
        let cross = [1.5, 1.0, 1.0, 0.5];
        let need = 5.5;
        let rows = cover_facets(own.to_vec(), cross.to_vec(), need);
        for a in 0..=own.len() {
            for b in 0..=cross.len() {
                let reach: f64 = own[..a].iter().sum::<f64>() + cross[..b].iter().sum::<f64>();
                let allowed = rows
                    .iter()
                    .all(|r| r.own * a as f64 + r.cross * b as f64 >= r.need - 1e-9);
                if reach >= need {
                    assert!(allowed, "cover a={a} b={b} cut off by {rows:?}");
                }
            }
        }
        // And they are stronger than the count over both lists together.
        assert!(rows.iter().any(|r| r.own * 1.0 + r.cross * 1.0 < r.need));
    }
}
