//! A floor on the discretionary moves of one independent piece of a
//! rebalance, from whole accounts and one shift of each group's total.
//!
//! Why: the LP bound with cover cuts ([`super::cuts`]) stays far below
//! what lumpy pieces need (issue 15: the ENT/MM piece of case (a) needs
//! 9 moves against an LP bound of 2.7). The cuts let one fractional
//! crossing move lift every band of a group, in whatever direction each
//! rep needs. Here every band of a group moves with the same shift of the
//! group's total, and each rep counts whole accounts:
//!
//! - Let a balanced plan move `X` accounts across groups, `c_g` of them
//!   into or out of group `g` (so `X >= c_g` and `2 X = sum c_g`). The
//!   group's total then shifts by `D_g`, within the box of the `c_g`
//!   largest loads that may leave (below) and arrive (above), per metric.
//! - At shift `D`, a rep whose untouched load is over its band (or limit)
//!   must give away at least the fewest of its own movable accounts that
//!   cover the excess, largest first; one under its band must take in at
//!   least the fewest offered accounts that cover the shortfall. Both
//!   counts only fall (give) or rise (take) as `D` grows, so over a cell
//!   of the box the counts at its upper and lower corners bound every
//!   point of it. The cells are cut at the rep's band edges.
//! - Every move leaves one rep and enters one, so the plan moves at least
//!   the sum of the give counts and at least the sum of the take counts.
//!
//! The floor is the least of `max(X, gives, takes)` over every choice of
//! `c_g` and cell, found group by group (a small dynamic programme). It
//! holds for every balanced single-owner plan of the piece, whatever the
//! LP says, and the rebalance's bound is the larger of the two. It is
//! computed only where every account has a current owner who may keep it
//! or a single eligible rep (no orphans or new accounts to place, whose
//! placement changes loads without a move), and only up to
//! [`MAX_FLOOR`] moves, where the LP bound takes over.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::problem::{add_load, Problem, NUM_METRICS};

type Load = [f64; NUM_METRICS];

/// Highest floor computed (and most crossing moves per group tried): a
/// plan with more crossing moves has at least this many moves anyway.
pub const MAX_FLOOR: usize = 24;
/// Relative slack on every band: the verifier accepts a plan a float's
/// width outside it.
const BAND_EPS: f64 = 1e-7;
/// Most (cells x reps) evaluated per group and crossing count; coarser
/// cells above it (any partition of the box gives a valid floor).
const MAX_CELL_WORK: usize = 20_000_000;
/// Most eligible (account, rep) pairs scanned for the offered accounts:
/// above it (national plans) the LP bound alone is reported.
const MAX_PAIRS: usize = 50_000_000;

/// The fewest discretionary moves any balanced plan needs among
/// `accounts` (one independent piece), at most [`MAX_FLOOR`]; 0 when the
/// piece has accounts to place or reps without a group.
pub fn fewest_moves(p: &Problem, accounts: &[usize]) -> usize {
    if p.move_weight.is_empty() {
        return 0;
    }
    let Some(piece) = Piece::of(p, accounts) else {
        return 0;
    };
    let per_group: Vec<Vec<Vec<(usize, usize)>>> = piece
        .groups
        .par_iter()
        .map(|&g| piece.needs_by_crossings(p, g))
        .collect();
    least_over_groups(&per_group)
}

/// Loads and sorted account loads of one piece.
struct Piece {
    groups: Vec<usize>,
    /// Per rep (all reps of the problem): load if untouched.
    load: Vec<Load>,
    /// Per rep and metric: running sums of its movable accounts' loads,
    /// largest first ([`MAX_FLOOR`] + 1 of them at most).
    own: Vec<[Vec<f64>; NUM_METRICS]>,
    /// Per rep and metric: the same over other reps' movable accounts it
    /// may own.
    offered: Vec<[Vec<f64>; NUM_METRICS]>,
    /// Per group and metric: running sums of the loads that may leave it,
    /// and that may arrive in it, largest first.
    leaving: Vec<[Vec<f64>; NUM_METRICS]>,
    arriving: Vec<[Vec<f64>; NUM_METRICS]>,
}

impl Piece {
    fn of(p: &Problem, accounts: &[usize]) -> Option<Piece> {
        let pairs: usize = accounts.iter().map(|&i| p.eligible(i).len()).sum();
        if pairs > MAX_PAIRS {
            return None;
        }
        let mut load = vec![[0.0; NUM_METRICS]; p.num_reps];
        let mut own = vec![vec![Vec::new(); NUM_METRICS]; p.num_reps];
        let mut offered = vec![vec![Vec::new(); NUM_METRICS]; p.num_reps];
        let mut leaving = vec![vec![Vec::new(); NUM_METRICS]; p.groups.len()];
        let mut arriving = vec![vec![Vec::new(); NUM_METRICS]; p.groups.len()];
        let mut groups = Vec::new();
        for &i in accounts {
            let eligible = p.eligible(i);
            let l = p.loads(i);
            let at = match (p.weighed_owner(i), eligible) {
                (Some(o), _) => o,
                (None, [only]) => *only,
                // An account to place: its rep is the plan's choice.
                _ => return None,
            };
            let group_of = |r: usize| p.rep_group[r];
            let home = group_of(at)?;
            for &r in eligible {
                groups.push(group_of(r)?);
            }
            groups.push(home);
            load[at] = add_load(&load[at], &l);
            if eligible.len() < 2 {
                continue;
            }
            for m in 0..NUM_METRICS {
                push_largest(&mut own[at][m], l[m]);
            }
            for &r in eligible.iter().filter(|&&r| r != at) {
                for m in 0..NUM_METRICS {
                    push_largest(&mut offered[r][m], l[m]);
                }
            }
            let mut elsewhere: Vec<usize> = eligible
                .iter()
                .filter_map(|&r| group_of(r))
                .filter(|&g| g != home)
                .collect();
            elsewhere.sort_unstable();
            elsewhere.dedup();
            if !elsewhere.is_empty() {
                for m in 0..NUM_METRICS {
                    push_largest(&mut leaving[home][m], l[m]);
                }
            }
            for g in elsewhere {
                for m in 0..NUM_METRICS {
                    push_largest(&mut arriving[g][m], l[m]);
                }
            }
        }
        groups.sort_unstable();
        groups.dedup();
        Some(Piece {
            groups,
            load,
            own: own.into_iter().map(running_sums).collect(),
            offered: offered.into_iter().map(running_sums).collect(),
            leaving: leaving.into_iter().map(running_sums).collect(),
            arriving: arriving.into_iter().map(running_sums).collect(),
        })
    }

    /// [`Piece::needs`] for 0 to [`MAX_FLOOR`] crossing moves, each
    /// computed once the range of shifts grows.
    fn needs_by_crossings(&self, p: &Problem, g: usize) -> Vec<Vec<(usize, usize)>> {
        let mut by_count: Vec<Vec<(usize, usize)>> = Vec::with_capacity(MAX_FLOOR + 1);
        for c in 0..=MAX_FLOOR {
            let grows = (0..NUM_METRICS).any(|m| {
                prefix_at(&self.leaving[g][m], c) != prefix_at(&self.leaving[g][m], c.max(1) - 1)
                    || prefix_at(&self.arriving[g][m], c)
                        != prefix_at(&self.arriving[g][m], c.max(1) - 1)
            });
            let needs = match by_count.last() {
                Some(last) if !grows => last.clone(),
                _ => self.needs(p, g, c),
            };
            by_count.push(needs);
        }
        by_count
    }

    /// Pareto-least (gives, takes) of group `g`'s reps over every shift of
    /// its total that `c` crossing moves allow.
    fn needs(&self, p: &Problem, g: usize, c: usize) -> Vec<(usize, usize)> {
        let reps = &p.groups[g].reps;
        let total: Load = reps
            .iter()
            .fold([0.0; NUM_METRICS], |s, &r| add_load(&s, &self.load[r]));
        let dims: Vec<usize> = p.balanced_metrics();
        // Per balanced metric, the cut points of the shift's range.
        let mut cuts: Vec<Vec<f64>> = dims
            .iter()
            .map(|&m| {
                let low = -prefix_at(&self.leaving[g][m], c);
                let high = prefix_at(&self.arriving[g][m], c);
                let mut at = vec![low, high];
                for &r in reps {
                    let f = p.cap[r] / p.groups[g].capacity;
                    let t = p.tol[m];
                    // The rep is within its band for shifts in [from, to].
                    let from = self.load[r][m] / ((1.0 + t) * f) - total[m];
                    let to = self.load[r][m] / ((1.0 - t).max(0.0) * f) - total[m];
                    at.extend([from, to].into_iter().filter(|x| *x > low && *x < high));
                }
                at.sort_by(f64::total_cmp);
                at.dedup();
                at
            })
            .collect();
        coarsen(&mut cuts, reps.len());
        let mut found: Vec<(usize, usize)> = Vec::new();
        let cells: usize = cuts
            .iter()
            .map(|c| c.len().saturating_sub(1).max(1))
            .product();
        for cell in 0..cells {
            let (mut lower, mut upper) = ([0.0; NUM_METRICS], [0.0; NUM_METRICS]);
            let mut k = cell;
            for (d, &m) in dims.iter().enumerate() {
                let n = cuts[d].len().saturating_sub(1).max(1);
                let at = k % n;
                k /= n;
                lower[m] = cuts[d][at];
                upper[m] = cuts[d][(at + 1).min(cuts[d].len() - 1)];
            }
            let gives = reps
                .iter()
                .map(|&r| self.gives(p, r, g, &total, &upper))
                .sum();
            let takes = reps
                .iter()
                .map(|&r| self.takes(p, r, g, &total, &lower))
                .sum();
            keep_least(&mut found, (gives, takes));
        }
        found
    }

    /// Fewest accounts rep `r` of group `g` must give away when the
    /// group's total is `total + shift`.
    fn gives(&self, p: &Problem, r: usize, g: usize, total: &Load, shift: &Load) -> usize {
        let f = p.cap[r] / p.groups[g].capacity;
        let mut k = 0;
        for &m in &p.metrics {
            let load = self.load[r][m];
            if p.tol[m].is_finite() {
                let upper = (1.0 + p.tol[m]) * f * (total[m] + shift[m]);
                k = k.max(cover(
                    &self.own[r][m],
                    load - upper - BAND_EPS * upper.abs(),
                ));
            }
            let limit = p.limit[r][m];
            if limit.is_finite() {
                k = k.max(cover(
                    &self.own[r][m],
                    load - limit - BAND_EPS * limit.abs(),
                ));
            }
        }
        k
    }

    /// Fewest accounts rep `r` of group `g` must take in when the group's
    /// total is `total + shift`.
    fn takes(&self, p: &Problem, r: usize, g: usize, total: &Load, shift: &Load) -> usize {
        let f = p.cap[r] / p.groups[g].capacity;
        let mut k = 0;
        for m in p.balanced_metrics() {
            let lower = (1.0 - p.tol[m]) * f * (total[m] + shift[m]);
            let need = lower - self.load[r][m] - BAND_EPS * lower.abs();
            k = k.max(cover(&self.offered[r][m], need));
        }
        k
    }
}

/// Group by group, the least `max(X, gives, takes)` over every choice of
/// crossing counts `c_g` (with `X >= c_g` and `2 X >= sum c_g`) and of
/// each group's Pareto-least counts at that `c_g`; at most [`MAX_FLOOR`].
fn least_over_groups(per_group: &[Vec<Vec<(usize, usize)>>]) -> usize {
    // (sum of c_g, largest c_g) -> Pareto-least (gives, takes).
    let mut states: BTreeMap<(usize, usize), Vec<(usize, usize)>> = BTreeMap::new();
    states.insert((0, 0), vec![(0, 0)]);
    for options in per_group {
        let mut next: BTreeMap<(usize, usize), Vec<(usize, usize)>> = BTreeMap::new();
        for (&(sum, most), found) in &states {
            for (c, needs) in options.iter().enumerate() {
                let key = (sum + c, most.max(c));
                if key.0 > 2 * MAX_FLOOR {
                    continue;
                }
                let list = next.entry(key).or_default();
                for &(g0, t0) in found {
                    for &(g1, t1) in needs {
                        keep_least(
                            list,
                            ((g0 + g1).min(MAX_FLOOR + 1), (t0 + t1).min(MAX_FLOOR + 1)),
                        );
                    }
                }
            }
        }
        states = next;
    }
    let mut best = MAX_FLOOR;
    for (&(sum, most), found) in &states {
        let crossing = most.max(sum.div_ceil(2));
        for &(gives, takes) in found {
            best = best.min(crossing.max(gives).max(takes));
        }
    }
    best
}

/// Add `(gives, takes)` to a Pareto-least list unless some entry is no
/// larger in both; drop the entries it beats.
fn keep_least(list: &mut Vec<(usize, usize)>, point: (usize, usize)) {
    if list.iter().any(|q| q.0 <= point.0 && q.1 <= point.1) {
        return;
    }
    list.retain(|q| !(point.0 <= q.0 && point.1 <= q.1));
    list.push(point);
}

/// Fewest of the loads behind `sums` (running sums, largest first) that
/// reach `need`: 0 when nothing is needed, more than [`MAX_FLOOR`] when
/// they never do.
fn cover(sums: &[f64], need: f64) -> usize {
    if need <= 0.0 {
        return 0;
    }
    let k = sums.partition_point(|&s| s < need);
    if k < sums.len() {
        k + 1
    } else {
        MAX_FLOOR + 1
    }
}

/// Sum of the `c` largest loads (all of them when fewer).
fn prefix_at(sums: &[f64], c: usize) -> f64 {
    match c.min(sums.len()) {
        0 => 0.0,
        k => sums[k - 1],
    }
}

/// Add `x` to `loads`, which only has to hold the [`MAX_FLOOR`] + 1
/// largest: trimmed now and then so a rep offered 40,000 accounts keeps
/// a few dozen.
fn push_largest(loads: &mut Vec<f64>, x: f64) {
    loads.push(x);
    if loads.len() >= 4 * (MAX_FLOOR + 1) {
        loads.sort_unstable_by(|a, b| b.total_cmp(a));
        loads.truncate(MAX_FLOOR + 1);
    }
}

/// Running sums, largest first, of each metric's loads, keeping the
/// [`MAX_FLOOR`] + 1 largest: no count above the floor's cap is needed.
fn running_sums(loads: Vec<Vec<f64>>) -> [Vec<f64>; NUM_METRICS] {
    let mut loads = loads.into_iter();
    std::array::from_fn(|_| {
        let mut v = loads.next().unwrap_or_default();
        v.sort_unstable_by(|a, b| b.total_cmp(a));
        v.truncate(MAX_FLOOR + 1);
        let mut sum = 0.0;
        v.iter_mut().for_each(|x| {
            sum += *x;
            *x = sum;
        });
        v
    })
}

/// Drop every other inner cut point of the longest dimension until the
/// cells times `reps` fit [`MAX_CELL_WORK`]: merged cells stay valid.
fn coarsen(cuts: &mut [Vec<f64>], reps: usize) {
    let work = |cuts: &[Vec<f64>]| -> usize {
        cuts.iter()
            .map(|c| c.len().saturating_sub(1).max(1))
            .product::<usize>()
            .saturating_mul(reps.max(1))
    };
    while work(cuts) > MAX_CELL_WORK {
        let Some(longest) = cuts.iter_mut().max_by_key(|c| c.len()) else {
            return;
        };
        if longest.len() <= 2 {
            return;
        }
        let last = longest.len() - 1;
        let kept: Vec<f64> = longest
            .iter()
            .enumerate()
            .filter(|&(k, _)| k == 0 || k == last || k % 2 == 0)
            .map(|(_, &x)| x)
            .collect();
        *longest = kept;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cover_counts_the_largest_loads_first() {
        let sums = running_sums(vec![vec![1.0, 5.0, 2.0, 4.0]; NUM_METRICS]);
        assert_eq!(sums[0], vec![5.0, 9.0, 11.0, 12.0]);
        assert_eq!(cover(&sums[0], 0.0), 0);
        assert_eq!(cover(&sums[0], 5.0), 1);
        assert_eq!(cover(&sums[0], 9.5), 3);
        // Never reached: more than the floor's cap.
        assert_eq!(cover(&sums[0], 12.5), MAX_FLOOR + 1);
    }

    #[test]
    fn the_least_list_keeps_only_pareto_points() {
        let mut list = Vec::new();
        for p in [(3, 3), (1, 4), (4, 1), (2, 2), (5, 5)] {
            keep_least(&mut list, p);
        }
        list.sort_unstable();
        assert_eq!(list, vec![(1, 4), (2, 2), (4, 1)]);
    }

    #[test]
    fn crossing_moves_count_once_for_both_groups_they_touch() {
        // Two groups: without crossing, 3 gives and 2 takes in the first
        // and 1 give in the second; one crossing move between them (c = 1
        // in each) leaves 1 give and 1 take in the first, none in the
        // second.
        let first = vec![vec![(3, 2)], vec![(1, 1)]];
        let second = vec![vec![(1, 0)], vec![(0, 0)]];
        // c = (0, 0): max(0, 4, 2) = 4; c = (1, 1): X = 1, max(1, 1, 1) = 1.
        assert_eq!(least_over_groups(&[first, second.clone()]), 1);
        // Each crossing move is a move: the second group alone needs one
        // give without crossing, or one crossing move.
        assert_eq!(least_over_groups(&[second]), 1);
        // Three crossing moves cost three even where they clear every need.
        let third = vec![vec![(4, 4)], vec![(4, 4)], vec![(4, 4)], vec![(0, 0)]];
        assert_eq!(least_over_groups(&[third]), 3);
    }
}
