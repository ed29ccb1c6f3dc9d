//! Repair and improvement of a single-owner plan by local search.
//!
//! Repair: while some rep is outside its band, make the move or swap that
//! removes the most violation per unit of extra distance cost. Improvement:
//! moves and swaps that lower the cost without adding violation. Moves are
//! limited to each account's candidate reps (the LP's columns), which hold
//! every pair the LP found worth considering.

mod consolidate;

use super::deadline::{Checkpoint, Deadline};
use super::problem::{add_load, Eligibility, Problem, NUM_METRICS};

/// Loads of one rep (or one change) in every metric.
type Load = [f64; NUM_METRICS];

fn neg_load(a: &Load) -> Load {
    std::array::from_fn(|m| -a[m])
}

/// Band edges are pulled in by this relative margin so that float noise
/// can never put a repaired rep a hair outside its tolerance.
const BAND_MARGIN: f64 = 1e-9;
/// Violation changes smaller than this are noise.
const EPS: f64 = 1e-12;
/// Violated reps scanned for a move when the worst rep has none.
const REPAIR_FALLBACK_REPS: usize = 40;
/// Cross-group moves evaluated per repair step, cheapest (priced) first.
const CROSS_GROUP_MOVES: usize = 64;
/// Improvement passes over all accounts.
const MAX_IMPROVE_PASSES: usize = 20;
/// Accounts improved between two looks at the deadline.
const DEADLINE_STRIDE: usize = 256;

/// Counts of what the local search did.
#[derive(Debug, Clone, Copy, Default)]
pub struct SearchStats {
    pub repair_moves: usize,
    pub improve_moves: usize,
    /// Exchanges of moves for fewer ([`consolidate`]).
    pub consolidated: usize,
}

/// A plan under local search with its loads kept up to date.
pub struct LocalSearch<'a> {
    p: &'a Problem,
    cand: &'a [Vec<usize>],
    /// Cost of each candidate pair, aligned with `cand`: swaps look up
    /// hundreds of pairs per account, and haversine dominated improvement.
    cand_cost: Vec<Vec<f64>>,
    /// Priced cost (cost net of the LP balance prices, which stay fixed for
    /// the whole search) of each candidate pair, aligned with `cand`:
    /// repair's move scans priced every pair again at each step.
    cand_priced: Vec<Vec<f64>>,
    /// Priced cost of each account at its current owner.
    owner_priced: Vec<f64>,
    pub owner: Vec<usize>,
    load: Vec<Load>,
    group_load: Vec<Load>,
    /// Loads per region tier (`[balance] region_tolerance`).
    tier_load: Vec<Load>,
    members: Vec<Vec<usize>>,
    position: Vec<usize>,
    /// Accounts (not fixed) that list each rep as a candidate, with the
    /// rep's position in the account's candidate list.
    incoming: Vec<Vec<(usize, usize)>>,
    /// Each rep's violation ([`rep_violation`](Self::rep_violation) at its
    /// current load and group and tier totals), refreshed when those
    /// change: repair looked it up for every rep at every step and twice
    /// per evaluated move, and recomputing it was a fifth of repair.
    violation: Vec<f64>,
    /// Swap partners: accounts owned by `s` that may go to `r`, keyed
    /// (s, r). Scanning all of a rep's members for the few that border
    /// the other rep made swap search the slowest part of the search.
    /// Entries are sorted by cost change: improvement takes the cheapest
    /// partner that keeps balance and stops there, and looking the costs
    /// up per partner (cache misses in `cand`) was 80 % of improvement at
    /// 100,000 accounts.
    border: std::collections::HashMap<(usize, usize), Vec<Partner>>,
    /// While the plan is first loaded, partners are appended and each
    /// list sorted once at the end: inserting each in order shifted the
    /// lists' tails once per account, a tenth of the search at 10,000
    /// accounts.
    loading: bool,
    /// Per group and metric, the group's reps sorted by load per unit of
    /// capacity share, for evaluating a change of the group's total (see
    /// [`BandIndex`]); rebuilt whenever a rep of the group changes load.
    bands: Vec<[BandIndex; NUM_METRICS]>,
    pub stats: SearchStats,
    /// LP balance prices per rep and metric: repair ranks moves by priced
    /// cost so it stays on the LP's optimal face where it can.
    price: Vec<Load>,
}

impl<'a> LocalSearch<'a> {
    pub fn new(
        p: &'a Problem,
        cand: &'a [Vec<usize>],
        owner: Vec<usize>,
        price: Vec<Load>,
    ) -> Self {
        let cand_cost: Vec<Vec<f64>> = cand
            .iter()
            .enumerate()
            .map(|(i, reps)| reps.iter().map(|&r| p.cost(i, r)).collect())
            .collect();
        // The same expression as `priced` computes, so the cached values
        // are bit for bit the ones it would return.
        let cand_priced = cand
            .iter()
            .enumerate()
            .map(|(i, reps)| {
                reps.iter()
                    .zip(&cand_cost[i])
                    .map(|(&r, &c)| c - super::lp::priced_load(p, &price[r], i))
                    .collect()
            })
            .collect();
        let mut s = LocalSearch {
            p,
            cand,
            cand_cost,
            cand_priced,
            owner_priced: vec![0.0; p.num_accounts],
            violation: vec![0.0; p.num_reps],
            load: vec![[0.0; NUM_METRICS]; p.num_reps],
            group_load: vec![[0.0; NUM_METRICS]; p.groups.len()],
            tier_load: vec![[0.0; NUM_METRICS]; p.tiers.len()],
            members: vec![Vec::new(); p.num_reps],
            position: vec![0; p.num_accounts],
            incoming: vec![Vec::new(); p.num_reps],
            border: std::collections::HashMap::new(),
            loading: true,
            bands: vec![Default::default(); p.groups.len()],
            owner,
            stats: SearchStats::default(),
            price,
        };
        for (i, reps) in cand.iter().enumerate() {
            let r = s.owner[i];
            s.add(i, r);
            if reps.len() > 1 {
                for (k, &c) in reps.iter().enumerate() {
                    s.incoming[c].push((i, k));
                }
            }
        }
        // `border_order` is a total order (an account is in a list once),
        // so sorting once gives the lists that inserting in order gives.
        s.loading = false;
        for list in s.border.values_mut() {
            list.sort_by(border_order);
        }
        for g in 0..p.groups.len() {
            s.rebuild_bands(g);
        }
        for r in 0..p.num_reps {
            s.refresh_violation(r);
        }
        s
    }

    /// Recompute rep `r`'s cached violation from its loads.
    fn refresh_violation(&mut self, r: usize) {
        self.violation[r] = match self.p.rep_group[r] {
            Some(g) => self.rep_violation(r, &self.load[r], &self.group_load[g], &self.tier_of(g)),
            None => 0.0,
        };
    }

    /// Re-sort group `g`'s reps by load per capacity share.
    fn rebuild_bands(&mut self, g: usize) {
        if !self.p.tiers.is_empty() {
            return;
        }
        let group = &self.p.groups[g];
        for &m in &self.p.metrics {
            if !self.p.tol[m].is_finite() {
                continue;
            }
            let reps = group.reps.iter().map(|&r| {
                let share = self.p.cap[r] / group.capacity;
                (self.load[r][m], share)
            });
            self.bands[g][m].rebuild(reps);
        }
    }

    fn add(&mut self, i: usize, r: usize) {
        let l = self.p.loads(i);
        self.shift_loads(r, &l);
        self.position[i] = self.members[r].len();
        self.members[r].push(i);
        self.owner[i] = r;
        let priced_here = self.priced(i, r);
        self.owner_priced[i] = priced_here;
        let cand = self.cand;
        if cand[i].len() > 1 {
            let here = self.cost(i, r);
            for (k, &c) in cand[i].iter().enumerate() {
                if c != r {
                    let entry = Partner {
                        gain: self.cand_cost[i][k] - here,
                        account: i,
                        priced_there: self.cand_priced[i][k],
                        priced_here,
                        loads: l,
                    };
                    let list = self.border.entry((r, c)).or_default();
                    if self.loading {
                        list.push(entry);
                    } else {
                        let at = list.partition_point(|e| border_order(e, &entry).is_lt());
                        list.insert(at, entry);
                    }
                }
            }
        }
    }

    fn remove(&mut self, i: usize) {
        let r = self.owner[i];
        let l = neg_load(&self.p.loads(i));
        self.shift_loads(r, &l);
        let pos = self.position[i];
        self.members[r].swap_remove(pos);
        if let Some(&moved) = self.members[r].get(pos) {
            self.position[moved] = pos;
        }
        let cand = self.cand;
        if cand[i].len() > 1 {
            let here = self.cost(i, r);
            for (k, &c) in cand[i].iter().enumerate() {
                if c != r {
                    let entry = Partner {
                        gain: self.cand_cost[i][k] - here,
                        account: i,
                        priced_there: 0.0,
                        priced_here: 0.0,
                        loads: [0.0; NUM_METRICS],
                    };
                    if let Some(list) = self.border.get_mut(&(r, c)) {
                        let at = list.partition_point(|e| border_order(e, &entry).is_lt());
                        debug_assert_eq!(list.get(at).map(|e| e.account), Some(i));
                        list.remove(at);
                    }
                }
            }
        }
    }

    /// Add `l` to rep `r`'s load and to its group's and tier's totals.
    fn shift_loads(&mut self, r: usize, l: &Load) {
        self.load[r] = add_load(&self.load[r], l);
        if let Some(g) = self.p.rep_group[r] {
            self.group_load[g] = add_load(&self.group_load[g], l);
            if let Some(t) = self.p.group_tier[g] {
                self.tier_load[t] = add_load(&self.tier_load[t], l);
            }
        }
    }

    /// Tier totals of group `g` (zeros when regions are not balanced).
    fn tier_of(&self, g: usize) -> Load {
        self.p.group_tier[g].map_or([0.0; NUM_METRICS], |t| self.tier_load[t])
    }

    /// Load of group `g` outside its region band around the tier's mean.
    fn region_violation(&self, g: usize, gload: &Load, tload: &Load) -> f64 {
        let Some(t) = self.p.group_tier[g] else {
            return 0.0;
        };
        let share = self.p.groups[g].capacity / self.p.tiers[t].capacity;
        self.p
            .metrics
            .iter()
            .filter(|&&m| self.p.tol[m].is_finite())
            .map(|&m| outside_band(gload[m], share * tload[m], self.p.region_tol))
            .sum()
    }

    /// Accounts owned by `s` that list `r` as a candidate.
    fn border_accounts(&self, s: usize, r: usize) -> &[Partner] {
        self.border.get(&(s, r)).map_or(&[], Vec::as_slice)
    }

    fn relocate(&mut self, i: usize, to: usize) {
        let from = self.owner[i];
        self.remove(i);
        self.add(i, to);
        let (gf, gt) = (self.p.rep_group[from], self.p.rep_group[to]);
        if let Some(g) = gf {
            self.rebuild_bands(g);
        }
        if let Some(g) = gt.filter(|&g| Some(g) != gf) {
            self.rebuild_bands(g);
        }
        if gf == gt {
            // The group's total is unchanged: only the two reps moved.
            self.refresh_violation(from);
            self.refresh_violation(to);
        } else if self.p.tiers.is_empty() {
            // Both groups' totals (and so every member's band) moved.
            for g in [gf, gt].into_iter().flatten() {
                for k in 0..self.p.groups[g].reps.len() {
                    self.refresh_violation(self.p.groups[g].reps[k]);
                }
            }
            self.refresh_violation(from);
            self.refresh_violation(to);
        } else {
            // Tier totals moved too, shifting the region band of every
            // group in those tiers: rare enough to recompute them all.
            for r in 0..self.p.num_reps {
                self.refresh_violation(r);
            }
        }
    }

    /// Violation of rep `r` for given loads and group and tier totals
    /// (scaled units): load outside the balance bands, load over its
    /// limits, and its capacity share of its group's region violation.
    fn rep_violation(&self, r: usize, load: &Load, gload: &Load, tload: &Load) -> f64 {
        let Some(g) = self.p.rep_group[r] else {
            return 0.0;
        };
        let share = self.p.cap[r] / self.p.groups[g].capacity;
        let mut v = share * self.region_violation(g, gload, tload);
        for &m in &self.p.metrics {
            if self.p.tol[m].is_finite() {
                v += outside_band(load[m], share * gload[m], self.p.tol[m]);
            }
            v += over_limit(load[m], self.p.limit[r][m]);
        }
        v
    }

    fn current_violation(&self, r: usize) -> f64 {
        self.violation[r]
    }

    /// Cost of the current plan (scaled units).
    pub fn total_cost(&self) -> f64 {
        (0..self.p.num_accounts)
            .map(|i| self.cost(i, self.owner[i]))
            .sum()
    }

    /// Total violation over all reps.
    pub fn total_violation(&self) -> f64 {
        (0..self.p.num_reps)
            .map(|r| self.current_violation(r))
            .sum()
    }

    /// Change in violation if the load changes `delta` (rep, change) applied.
    fn violation_change(&self, delta: &[(usize, Load)]) -> f64 {
        if let Some(change) = self.two_rep_change(delta) {
            return change;
        }
        if self.p.tiers.is_empty() {
            return self.indexed_change(delta);
        }
        self.general_change(delta)
    }

    /// Fast path: all of `delta` moves load between two reps of one group,
    /// so the group's targets stay put and only those two reps change.
    fn two_rep_change(&self, delta: &[(usize, Load)]) -> Option<f64> {
        let a = delta[0].0;
        let b = delta.iter().map(|d| d.0).find(|&r| r != a)?;
        if delta.iter().any(|d| d.0 != a && d.0 != b) {
            return None;
        }
        let g = self.p.rep_group[a]?;
        if self.p.rep_group[b] != Some(g) {
            return None;
        }
        let (mut la, mut lb) = (self.load[a], self.load[b]);
        for (r, d) in delta {
            if *r == a {
                la = add_load(&la, d);
            } else {
                lb = add_load(&lb, d);
            }
        }
        let (gl, tl) = (&self.group_load[g], &self.tier_of(g));
        let after = self.rep_violation(a, &la, gl, tl) + self.rep_violation(b, &lb, gl, tl);
        Some(after - self.current_violation(a) - self.current_violation(b))
    }

    /// Band violation of rep `r` alone (no limits, no regions) at load
    /// `load` when its group's total is `gload`.
    fn band_violation(&self, r: usize, load: &Load, gload: &Load) -> f64 {
        let Some(g) = self.p.rep_group[r] else {
            return 0.0;
        };
        let share = self.p.cap[r] / self.p.groups[g].capacity;
        self.p
            .metrics
            .iter()
            .filter(|&&m| self.p.tol[m].is_finite())
            .map(|&m| outside_band(load[m], share * gload[m], self.p.tol[m]))
            .sum()
    }

    /// Violation change of `delta` without region tiers, in time
    /// logarithmic in the group sizes: a change of a group's total moves
    /// every rep's band, and the sorted [`BandIndex`] gives the change
    /// summed over the group's reps at their current loads; the reps whose
    /// own load changes are then corrected one by one. Checking every rep
    /// of both groups for each cross-group move or swap made repair at 500
    /// reps take minutes.
    fn indexed_change(&self, delta: &[(usize, Load)]) -> f64 {
        // (rep, load change) per distinct rep, (group, total change) per
        // distinct group; `delta` has at most four entries.
        let mut reps: Vec<(usize, Load)> = Vec::with_capacity(4);
        let mut groups: Vec<(usize, Load)> = Vec::with_capacity(2);
        for (r, d) in delta {
            match reps.iter_mut().find(|x| x.0 == *r) {
                Some(x) => x.1 = add_load(&x.1, d),
                None => reps.push((*r, *d)),
            }
            if let Some(g) = self.p.rep_group[*r] {
                match groups.iter_mut().find(|x| x.0 == g) {
                    Some(x) => x.1 = add_load(&x.1, d),
                    None => groups.push((g, *d)),
                }
            }
        }
        let none = [0.0; NUM_METRICS];
        let mut change = 0.0;
        for &(g, shift) in &groups {
            let before = self.group_load[g];
            let after = add_load(&before, &shift);
            let moves = shift.iter().any(|x| x.abs() > 0.0);
            if moves {
                for &m in &self.p.metrics {
                    if self.p.tol[m].is_finite() {
                        change += self.bands[g][m].change(before[m], after[m], self.p.tol[m]);
                    }
                }
            }
            for &(r, d) in reps.iter().filter(|x| self.p.rep_group[x.0] == Some(g)) {
                let load = self.load[r];
                change += self.rep_violation(r, &add_load(&load, &d), &after, &none)
                    - self.rep_violation(r, &load, &before, &none);
                if moves {
                    // The index counted this rep at its old load.
                    change -= self.band_violation(r, &load, &after)
                        - self.band_violation(r, &load, &before);
                }
            }
        }
        change
    }

    fn general_change(&self, delta: &[(usize, Load)]) -> f64 {
        let groups: Vec<usize> = {
            let mut g: Vec<usize> = delta.iter().filter_map(|d| self.p.rep_group[d.0]).collect();
            g.sort_unstable();
            g.dedup();
            g
        };
        let group_shift = |g: usize| -> Load {
            delta
                .iter()
                .filter(|d| self.p.rep_group[d.0] == Some(g))
                .fold([0.0; NUM_METRICS], |acc, d| add_load(&acc, &d.1))
        };
        let rep_shift = |r: usize| -> Load {
            delta
                .iter()
                .filter(|d| d.0 == r)
                .fold([0.0; NUM_METRICS], |acc, d| add_load(&acc, &d.1))
        };
        let tier_shift = |t: usize| -> Load {
            delta
                .iter()
                .filter(|d| self.p.rep_group[d.0].and_then(|g| self.p.group_tier[g]) == Some(t))
                .fold([0.0; NUM_METRICS], |acc, d| add_load(&acc, &d.1))
        };
        // A tier whose total moves shifts the region band of every group in
        // it: those groups are affected too.
        let mut groups = groups;
        let mut tiers: Vec<usize> = groups
            .iter()
            .filter_map(|&g| self.p.group_tier[g])
            .collect();
        tiers.sort_unstable();
        tiers.dedup();
        let moving_tiers: Vec<(usize, Load)> = tiers
            .into_iter()
            .map(|t| (t, tier_shift(t)))
            .filter(|(_, sh)| sh.iter().any(|x| x.abs() > 0.0))
            .collect();
        for (t, _) in &moving_tiers {
            groups.extend(&self.p.tiers[*t].groups);
        }
        groups.sort_unstable();
        groups.dedup();
        let mut change = 0.0;
        for g in groups {
            let gshift = group_shift(g);
            let tshift = self.p.group_tier[g]
                .and_then(|t| moving_tiers.iter().find(|x| x.0 == t))
                .map_or([0.0; NUM_METRICS], |x| x.1);
            let group_total_moves = gshift.iter().chain(&tshift).any(|x| x.abs() > 0.0);
            let affected: Vec<usize> = if group_total_moves {
                self.p.groups[g].reps.clone()
            } else {
                let mut r: Vec<usize> = delta
                    .iter()
                    .map(|d| d.0)
                    .filter(|&r| self.p.rep_group[r] == Some(g))
                    .collect();
                r.sort_unstable();
                r.dedup();
                r
            };
            let gload = add_load(&self.group_load[g], &gshift);
            let tload = add_load(&self.tier_of(g), &tshift);
            for r in affected {
                let before = self.current_violation(r);
                let after =
                    self.rep_violation(r, &add_load(&self.load[r], &rep_shift(r)), &gload, &tload);
                change += after - before;
            }
        }
        change
    }

    fn move_delta(&self, i: usize, to: usize) -> [(usize, Load); 2] {
        let from = self.owner[i];
        let l = self.p.loads(i);
        [(from, neg_load(&l)), (to, l)]
    }

    fn swap_delta(&self, i: usize, j: usize) -> [(usize, Load); 4] {
        let (ri, rj) = (self.owner[i], self.owner[j]);
        swap_delta_of(ri, &self.p.loads(i), rj, &self.p.loads(j))
    }

    /// Cost of pair (i, r) net of the LP balance prices.
    fn priced(&self, i: usize, r: usize) -> f64 {
        match self.cand[i].binary_search(&r) {
            Ok(k) => self.cand_priced[i][k],
            Err(_) => self.p.cost(i, r) - super::lp::priced_load(self.p, &self.price[r], i),
        }
    }

    /// Cost of pair (i, r), cached for candidate pairs.
    fn cost(&self, i: usize, r: usize) -> f64 {
        match self.cand[i].binary_search(&r) {
            Ok(k) => self.cand_cost[i][k],
            Err(_) => self.p.cost(i, r),
        }
    }

    fn movable(&self, i: usize) -> bool {
        self.cand[i].len() > 1
    }

    /// Restore balance; returns the violation left (0 when repaired).
    ///
    /// Each step works on the rep furthest outside its band (scanning
    /// every violated rep each step costs far more than it gains): the best
    /// move within its group, else the best move within a group for any of
    /// the worst few, else a move across groups for the worst, else the best
    /// swap for the worst (swaps are costly to search). A rep nothing helps is set aside until some
    /// other step changes the loads.
    pub fn repair(&mut self) -> f64 {
        let max_steps = 50 * self.p.num_reps + 10 * self.p.num_accounts.min(100_000);
        let mut stuck = vec![false; self.p.num_reps];
        let mut cache = MoveCache::new(self.p);
        for _ in 0..max_steps {
            let violated: Vec<(f64, usize)> = (0..self.p.num_reps)
                .filter(|&r| !stuck[r])
                .map(|r| (self.current_violation(r), r))
                .filter(|v| v.0 > EPS)
                .collect();
            let Some(&(_, worst)) = violated
                .iter()
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
            else {
                break;
            };
            // The next worst few stand in for "all violated reps": scanning
            // hundreds of them per step made repair at 500 reps take minutes.
            let mut by_violation = violated.clone();
            by_violation.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let all: Vec<usize> = by_violation
                .iter()
                .take(REPAIR_FALLBACK_REPS)
                .map(|v| v.1)
                .collect();
            // Moves across groups shift both groups' targets, so each one
            // is checked against every rep of both groups: at 500 reps that
            // search dominated repair, so it comes after the cheap
            // same-group moves of the worst few reps.
            let Some(step) = self
                .cached_repair_move(&[worst], &mut cache)
                .or_else(|| self.cached_repair_move(&all, &mut cache))
                .or_else(|| self.best_cross_group_move(worst))
                .or_else(|| self.best_repair_swap(worst))
                .or_else(|| self.best_wide_step(worst))
            else {
                stuck[worst] = true;
                continue;
            };
            match step {
                Step::Move(i, to) => {
                    cache.changed(self.p, self.owner[i], to);
                    self.relocate(i, to);
                }
                Step::Swap(i, j) => {
                    let (ri, rj) = (self.owner[i], self.owner[j]);
                    cache.changed(self.p, ri, rj);
                    self.relocate(i, rj);
                    self.relocate(j, ri);
                }
            }
            stuck.iter_mut().for_each(|s| *s = false);
            self.stats.repair_moves += 1;
        }
        self.total_violation()
    }

    /// The best of the reps' [`rep_repair_move`](Self::rep_repair_move)s,
    /// with each rep's best move kept from earlier steps while no rep it
    /// depends on has changed load (and its group's total is unchanged):
    /// repair re-scanned the worst 40 reps' moves at every step, and most
    /// steps change two reps only.
    fn cached_repair_move(&self, reps: &[usize], cache: &mut MoveCache) -> Option<Step> {
        let mut best: Option<(f64, Step)> = None;
        for &r in reps {
            let entry = match cache.valid(self.p, r) {
                Some(e) => e,
                None => {
                    let (found, touched) = self.rep_repair_move(r);
                    cache.store(r, found, touched)
                }
            };
            if let Some((score, step)) = entry {
                if best.as_ref().is_none_or(|(b, _)| score < *b) {
                    best = Some((score, step));
                }
            }
        }
        best.map(|b| b.1)
    }

    /// Every move that could bring rep `r` back toward its band, as
    /// (account, to): when above, each movable member to each of its other
    /// candidate reps; when below, each account that lists `r`, to `r`.
    /// Pairs with `to` equal to the owner come too; callers skip them.
    /// The third argument is the move's priced cost change.
    fn for_each_helpful_move(&self, r: usize, mut f: impl FnMut(usize, usize, f64)) {
        let (over, under) = self.band_side(r);
        if over {
            for &i in &self.members[r] {
                if self.movable(i) {
                    let here = self.owner_priced[i];
                    for (&to, &there) in self.cand[i].iter().zip(&self.cand_priced[i]) {
                        f(i, to, there - here);
                    }
                }
            }
        }
        if under {
            for &(i, k) in &self.incoming[r] {
                f(i, r, self.cand_priced[i][k] - self.owner_priced[i]);
            }
        }
    }

    /// Best move within rep `r`'s group that lowers the violation (score:
    /// priced cost per unit of violation removed), and every rep whose load
    /// the answer depends on.
    fn rep_repair_move(&self, r: usize) -> (Option<(f64, Step)>, Vec<usize>) {
        // Marks instead of a list sorted afterwards: the scan visits
        // thousands of moves at 100,000 accounts but touches few reps.
        let mut touched = vec![false; self.p.num_reps];
        touched[r] = true;
        let mut best: Option<(f64, Step)> = None;
        self.for_each_helpful_move(r, |i, to, dc| {
            let from = self.owner[i];
            touched[from] = true;
            touched[to] = true;
            if to == from || self.p.rep_group[to] != self.p.rep_group[from] {
                return;
            }
            let dv = self.violation_change(&self.move_delta(i, to));
            if dv >= -EPS {
                return;
            }
            let score = dc / -dv;
            if best.as_ref().is_none_or(|(b, _)| score < *b) {
                best = Some((score, Step::Move(i, to)));
            }
        });
        let touched = (0..self.p.num_reps).filter(|&t| touched[t]).collect();
        (best, touched)
    }

    /// Best single move for rep `r` between balance groups: such a move
    /// shifts both groups' targets and needs every rep of both re-checked,
    /// so only the cheapest few (by priced cost) are evaluated. Moves
    /// within the group are [`rep_repair_move`](Self::rep_repair_move)'s.
    fn best_cross_group_move(&self, r: usize) -> Option<Step> {
        // (account, to, priced cost change) of every move that could help.
        let mut moves: Vec<(usize, usize, f64)> = Vec::new();
        self.for_each_helpful_move(r, |i, to, dc| {
            let from = self.owner[i];
            if to != from && self.p.rep_group[to] != self.p.rep_group[from] {
                moves.push((i, to, dc));
            }
        });
        if moves.len() > CROSS_GROUP_MOVES {
            // A cross-group move shifts both groups' targets and is checked
            // against every rep of both: only the cheapest few are worth it.
            moves.select_nth_unstable_by(CROSS_GROUP_MOVES - 1, |a, b| {
                a.2.total_cmp(&b.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1))
            });
            moves.truncate(CROSS_GROUP_MOVES);
        }
        let mut best: Option<(f64, Step)> = None;
        for (i, to, dc) in moves {
            let dv = self.violation_change(&self.move_delta(i, to));
            if dv >= -EPS {
                continue;
            }
            let score = dc / -dv;
            if best.as_ref().is_none_or(|(b, _)| score < *b) {
                best = Some((score, Step::Move(i, to)));
            }
        }
        best.map(|b| b.1)
    }

    /// Whether rep `r` is above its band or limit (in any metric) and
    /// whether it is below its band: an over rep is fixed by moving
    /// accounts out, an under rep by taking accounts in.
    fn band_side(&self, r: usize) -> (bool, bool) {
        let Some(g) = self.p.rep_group[r] else {
            return (false, false);
        };
        let share = self.p.cap[r] / self.p.groups[g].capacity;
        let (mut over, mut under) = (false, false);
        for &m in &self.p.metrics {
            let load = self.load[r][m];
            if self.p.tol[m].is_finite() {
                let (lo, hi) = band(share * self.group_load[g][m], self.p.tol[m]);
                over |= load > hi;
                under |= load < lo;
            }
            over |= over_limit(load, self.p.limit[r][m]) > 0.0;
            if let Some(t) = self.p.group_tier[g] {
                if self.p.tol[m].is_finite() {
                    let tier_share = self.p.groups[g].capacity / self.p.tiers[t].capacity;
                    let (lo, hi) = band(tier_share * self.tier_load[t][m], self.p.region_tol);
                    over |= self.group_load[g][m] > hi;
                    under |= self.group_load[g][m] < lo;
                }
            }
        }
        (over, under)
    }

    /// Best swap of a member of `r` with a member of one of its
    /// candidate reps `s` (score: priced cost per unit of violation
    /// removed). A swap can remove at most the violation of the reps it
    /// touches (both reps within one group; every rep across groups, whose
    /// targets move), so a swap that adds cost and cannot beat the best
    /// score even at that bound is not evaluated; at 100,000 x 500 this
    /// search was half of repair.
    fn best_repair_swap(&self, r: usize) -> Option<Step> {
        let violation = &self.violation;
        let all: f64 = violation.iter().sum();
        let mut best: Option<(f64, Step)> = None;
        for &i in &self.members[r] {
            if !self.movable(i) {
                continue;
            }
            let pir = self.owner_priced[i];
            let li = self.p.loads(i);
            for (k, &s) in self.cand[i].iter().enumerate() {
                if s == r {
                    continue;
                }
                let pis = self.cand_priced[i][k];
                let bound = if self.p.rep_group[s] == self.p.rep_group[r] && self.p.tiers.is_empty()
                {
                    violation[r] + violation[s]
                } else {
                    all
                };
                for e in self.border_accounts(s, r) {
                    let j = e.account;
                    // The same sum, in the same order, as before the bound.
                    let dc = pis + e.priced_there - pir - e.priced_here;
                    if let Some((b, _)) = best {
                        if dc > 0.0 && dc >= b * bound * (1.0 + 1e-9) + 1e-300 {
                            continue;
                        }
                    }
                    let dv = self.violation_change(&swap_delta_of(r, &li, s, &e.loads));
                    if dv >= -EPS {
                        continue;
                    }
                    let score = dc / -dv;
                    if best.as_ref().is_none_or(|(b, _)| score < *b) {
                        best = Some((score, Step::Swap(i, j)));
                    }
                }
            }
        }
        best.map(|b| b.1)
    }

    /// Last resort for a rep nothing in the candidate sets helps: moves
    /// and swaps over every eligible pair, not only the LP's candidates.
    /// Lumpy accounts can leave a rep a hair outside its band where only a
    /// pair the LP priced out (too far to be worth it in the relaxation)
    /// closes the gap; feasibility comes before distance.
    fn best_wide_step(&self, r: usize) -> Option<Step> {
        let (over, under) = self.band_side(r);
        // Eligibility is per class of accounts: which classes allow `r` is
        // decided once per call, not by a search in every account's list
        // (this scan runs over all accounts at each call).
        let class_allows: Vec<bool> = self
            .p
            .segment_reps
            .iter()
            .map(|reps| reps.len() > 1 && reps.binary_search(&r).is_ok())
            .collect();
        let incoming: Vec<usize> = (0..self.p.num_accounts)
            .filter(|&i| {
                self.owner[i] != r
                    && match self.p.eligibility[i] {
                        Eligibility::Class(c) => class_allows[c],
                        Eligibility::Locked(_) => false,
                    }
            })
            .collect();
        let mut best: Option<(f64, Step)> = None;
        // The priced cost is looked up only for moves that remove
        // violation: off the candidate lists it is a haversine, and most
        // of the pairs scanned here do not help.
        let consider =
            |best: &mut Option<(f64, Step)>, dv: f64, dc: &dyn Fn() -> f64, step: Step| {
                if dv < -EPS {
                    let score = dc() / -dv;
                    if best.as_ref().is_none_or(|(b, _)| score < *b) {
                        *best = Some((score, step));
                    }
                }
            };
        let members: Vec<usize> = self.members[r]
            .iter()
            .copied()
            .filter(|&i| !self.p.is_fixed(i))
            .collect();
        if over {
            for &i in &members {
                for &to in self.p.eligible(i) {
                    if to != r {
                        let dv = self.violation_change(&self.move_delta(i, to));
                        let dc = || self.priced(i, to) - self.owner_priced[i];
                        consider(&mut best, dv, &dc, Step::Move(i, to));
                    }
                }
            }
        }
        if under {
            for &j in &incoming {
                let dv = self.violation_change(&self.move_delta(j, r));
                let dc = || self.priced(j, r) - self.owner_priced[j];
                consider(&mut best, dv, &dc, Step::Move(j, r));
            }
        }
        if best.is_none() {
            for &i in &members {
                for &j in &incoming {
                    let s = self.owner[j];
                    if self.p.eligible(i).binary_search(&s).is_err() {
                        continue;
                    }
                    let dv = self.violation_change(&self.swap_delta(i, j));
                    let dc = || {
                        self.priced(i, s) + self.priced(j, r)
                            - self.owner_priced[i]
                            - self.owner_priced[j]
                    };
                    consider(&mut best, dv, &dc, Step::Swap(i, j));
                }
            }
        }
        best.map(|b| b.1)
    }

    /// Lower the cost by moves and swaps that add no violation. After the
    /// first pass only accounts touching a rep whose load changed in the
    /// previous pass are looked at again: nothing else can have become
    /// improvable, and re-scanning every account made this the slowest
    /// stage at 60,000 accounts.
    ///
    /// Stops when `deadline` passes (checked before each pass and every
    /// [`DEADLINE_STRIDE`] accounts): every move kept lowered the cost and
    /// added no violation, so the plan is as good as when it started.
    pub fn improve(&mut self, deadline: &Deadline) {
        let mut dirty = vec![true; self.p.num_reps];
        for _ in 0..MAX_IMPROVE_PASSES {
            let mut changed = 0;
            let mut next = vec![false; self.p.num_reps];
            for i in 0..self.p.num_accounts {
                if i % DEADLINE_STRIDE == 0 && deadline.passed(Checkpoint::Improvement) {
                    self.stats.improve_moves += changed;
                    return;
                }
                if !self.movable(i)
                    || !(dirty[self.owner[i]] || self.cand[i].iter().any(|&s| dirty[s]))
                {
                    continue;
                }
                if let Some((a, b)) = self.improve_account(i) {
                    next[a] = true;
                    next[b] = true;
                    changed += 1;
                }
            }
            self.stats.improve_moves += changed;
            if std::env::var_os("TPLAN_DEBUG").is_some() {
                eprintln!(
                    "improve pass: {changed} changes, {} dirty reps",
                    dirty.iter().filter(|&&d| d).count()
                );
            }
            if changed == 0 {
                break;
            }
            dirty = next;
        }
    }

    /// Make the best cost-lowering move or swap for account `i`; returns the
    /// two reps whose loads changed.
    fn improve_account(&mut self, i: usize) -> Option<(usize, usize)> {
        let r = self.owner[i];
        let here = self.cost(i, r);
        let mut better: Vec<(f64, usize)> = self.cand[i]
            .iter()
            .zip(&self.cand_cost[i])
            .filter(|&(&s, _)| s != r)
            .map(|(&s, &c)| (c - here, s))
            .filter(|(d, _)| *d < -EPS)
            .collect();
        better.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for &(_, s) in &better {
            if self.violation_change(&self.move_delta(i, s)) <= EPS {
                self.relocate(i, s);
                return Some((r, s));
            }
        }
        let li = self.p.loads(i);
        let mut best: Option<(f64, usize)> = None;
        for &(gain_i, s) in &better {
            // Partners cheapest first: the first that keeps balance is
            // this `s`'s best, and once the saving is gone none follows.
            for e in self.border_accounts(s, r) {
                let (gain_j, j) = (e.gain, e.account);
                let dc = gain_i + gain_j;
                if dc >= -EPS || best.is_some_and(|(b, _)| dc >= b) {
                    break;
                }
                if self.violation_change(&swap_delta_of(r, &li, s, &e.loads)) <= EPS {
                    best = Some((dc, j));
                    break;
                }
            }
        }
        if let Some((_, j)) = best {
            let s = self.owner[j];
            self.relocate(i, s);
            self.relocate(j, r);
            return Some((r, s));
        }
        None
    }
}

/// Each rep's best same-group repair move, kept while valid: stamped with
/// the step it was found at, invalid once any rep it depends on (or its
/// group's total) changed at a later step.
struct MoveCache {
    entries: Vec<Option<CachedMove>>,
    rep_changed: Vec<usize>,
    group_changed: Vec<usize>,
    clock: usize,
}

struct CachedMove {
    at: usize,
    touched: Vec<usize>,
    best: Option<(f64, Step)>,
}

impl MoveCache {
    fn new(p: &Problem) -> Self {
        MoveCache {
            entries: (0..p.num_reps).map(|_| None).collect(),
            rep_changed: vec![0; p.num_reps],
            group_changed: vec![0; p.groups.len()],
            clock: 1,
        }
    }

    fn valid(&self, p: &Problem, r: usize) -> Option<Option<(f64, Step)>> {
        let e = self.entries[r].as_ref()?;
        let group_ok = p.rep_group[r].is_none_or(|g| self.group_changed[g] < e.at);
        (group_ok && e.touched.iter().all(|&t| self.rep_changed[t] < e.at)).then_some(e.best)
    }

    fn store(
        &mut self,
        r: usize,
        best: Option<(f64, Step)>,
        touched: Vec<usize>,
    ) -> Option<(f64, Step)> {
        self.entries[r] = Some(CachedMove {
            at: self.clock,
            touched,
            best,
        });
        best
    }

    /// Reps `a` and `b` exchange load (and their groups' totals change
    /// when they are in different groups).
    fn changed(&mut self, p: &Problem, a: usize, b: usize) {
        self.clock += 1;
        self.rep_changed[a] = self.clock;
        self.rep_changed[b] = self.clock;
        if p.rep_group[a] != p.rep_group[b] {
            for g in [p.rep_group[a], p.rep_group[b]].into_iter().flatten() {
                self.group_changed[g] = self.clock;
            }
        }
        self.clock += 1;
    }
}

#[derive(Debug, Clone, Copy)]
enum Step {
    Move(usize, usize),
    Swap(usize, usize),
}

/// One group's reps in one metric, sorted by `q = load / share` (share =
/// the rep's fraction of the group's capacity), with prefix sums of load
/// and share. A rep is above its band when `q > (1 + t) G` and below when
/// `q < (1 - t) G` (G the group total), so the summed band violation of
/// all reps, and its change when G moves, take two binary searches.
#[derive(Debug, Clone, Default)]
struct BandIndex {
    q: Vec<f64>,
    /// `load_sum[k]`: sum of the loads of the first `k` reps by `q`.
    load_sum: Vec<f64>,
    share_sum: Vec<f64>,
}

impl BandIndex {
    fn rebuild(&mut self, reps: impl Iterator<Item = (f64, f64)>) {
        let mut v: Vec<(f64, f64, f64)> = reps.map(|(l, s)| (l / s, l, s)).collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        self.q.clear();
        self.load_sum.clear();
        self.share_sum.clear();
        let (mut l, mut s) = (0.0, 0.0);
        self.load_sum.push(l);
        self.share_sum.push(s);
        for (q, load, share) in v {
            self.q.push(q);
            l += load;
            s += share;
            self.load_sum.push(l);
            self.share_sum.push(s);
        }
    }

    fn loads(&self, a: usize, b: usize) -> f64 {
        self.load_sum[b] - self.load_sum[a]
    }

    fn shares(&self, a: usize, b: usize) -> f64 {
        self.share_sum[b] - self.share_sum[a]
    }

    /// Change of the summed band violation (band of [`band`]) of every rep
    /// at its current load when the group total goes from `g0` to `g1`.
    fn change(&self, g0: f64, g1: f64, tol: f64) -> f64 {
        let n = self.q.len();
        let (lo0, hi0) = band(g0, tol);
        let (lo1, hi1) = band(g1, tol);
        let above = |h: f64| self.q.partition_point(|&q| q <= h);
        let below = |l: f64| self.q.partition_point(|&q| q < l);
        // Above the band: sum over q > h of (load - h share).
        let (k0, k1) = (above(hi0), above(hi1));
        let upper = if hi1 >= hi0 {
            -(hi1 - hi0) * self.shares(k1, n) - (self.loads(k0, k1) - hi0 * self.shares(k0, k1))
        } else {
            (hi0 - hi1) * self.shares(k0, n) + (self.loads(k1, k0) - hi1 * self.shares(k1, k0))
        };
        // Below the band: sum over q < l of (l share - load).
        let (j0, j1) = (below(lo0), below(lo1));
        let lower = if lo1 >= lo0 {
            (lo1 - lo0) * self.shares(0, j0) + (lo1 * self.shares(j0, j1) - self.loads(j0, j1))
        } else {
            -(lo0 - lo1) * self.shares(0, j1) - (lo0 * self.shares(j1, j0) - self.loads(j1, j0))
        };
        upper + lower
    }
}

/// A swap partner: account `account`, owned by `s`, that may go to `r`
/// (keyed (s, r) in `LocalSearch::border`).
#[derive(Debug, Clone, Copy)]
struct Partner {
    /// cost(account, r) - cost(account, s).
    gain: f64,
    account: usize,
    /// Priced cost at `r` and at `s` (balance prices are fixed for the
    /// whole search).
    priced_there: f64,
    priced_here: f64,
    /// The account's loads, kept here because swap search reads them for
    /// every partner it tries and fetching them from the problem's
    /// per-metric arrays missed the cache (a fifth of improvement at
    /// 100,000 accounts).
    loads: Load,
}

/// Load changes of swapping an account with loads `li` owned by `ri` and
/// one with loads `lj` owned by `rj`.
fn swap_delta_of(ri: usize, li: &Load, rj: usize, lj: &Load) -> [(usize, Load); 4] {
    [(ri, neg_load(li)), (rj, *li), (rj, neg_load(lj)), (ri, *lj)]
}

/// Order of swap partners: cost change, then account.
fn border_order(a: &Partner, b: &Partner) -> std::cmp::Ordering {
    a.gain.total_cmp(&b.gain).then(a.account.cmp(&b.account))
}

/// The band [(1 - tol) target, (1 + tol) target], pulled in by the margin.
fn band(target: f64, tol: f64) -> (f64, f64) {
    let t = tol * (1.0 - BAND_MARGIN) - BAND_MARGIN;
    ((1.0 - t) * target, (1.0 + t) * target)
}

/// How far `load` lies above a hard limit (pulled in by the margin).
fn over_limit(load: f64, limit: f64) -> f64 {
    if limit.is_finite() {
        (load - limit * (1.0 - BAND_MARGIN)).max(0.0)
    } else {
        0.0
    }
}

/// How far `load` lies outside its band.
fn outside_band(load: f64, target: f64, tol: f64) -> f64 {
    let (lo, hi) = band(target, tol);
    (load - hi).max(0.0) + (lo - load).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{generate, GenerateSpec};

    /// The indexed evaluation agrees with checking every rep of the groups
    /// involved, for moves and swaps within and across groups, on plans
    /// far outside their bands (nearest rep) and on the way to balance.
    #[test]
    fn indexed_change_matches_full_check() {
        let ds = generate(&GenerateSpec::new(1500, 24, 3));
        let p = Problem::new(&ds);
        assert!(p.tiers.is_empty() && p.groups.len() > 1);
        let cand: Vec<Vec<usize>> = (0..p.num_accounts)
            .map(|i| p.eligible(i).to_vec())
            .collect();
        let owner: Vec<usize> = (0..p.num_accounts).map(|i| p.nearest_eligible(i)).collect();
        let mut s = LocalSearch::new(&p, &cand, owner, vec![[0.0; NUM_METRICS]; p.num_reps]);
        let mut cross = 0;
        let mut x: u64 = 12345;
        let mut next = |n: usize| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((x >> 33) as usize) % n
        };
        for round in 0..400 {
            let i = next(p.num_accounts);
            let j = next(p.num_accounts);
            let to = cand[i][next(cand[i].len())];
            let check = |delta: &[(usize, Load)]| {
                let (a, b) = (s.indexed_change(delta), s.general_change(delta));
                assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()), "{a} vs {b}");
            };
            if to != s.owner[i] {
                check(&s.move_delta(i, to));
                cross += usize::from(p.rep_group[to] != p.rep_group[s.owner[i]]);
            }
            let (ri, rj) = (s.owner[i], s.owner[j]);
            if ri != rj && cand[i].contains(&rj) && cand[j].contains(&ri) {
                check(&s.swap_delta(i, j));
            }
            // Walk the plan so later checks see other loads.
            if round % 3 == 0 && to != s.owner[i] {
                s.relocate(i, to);
                // The cached violations are exactly the recomputed ones.
                for r in 0..p.num_reps {
                    let g = p.rep_group[r].unwrap();
                    let fresh = s.rep_violation(r, &s.load[r], &s.group_load[g], &s.tier_of(g));
                    assert_eq!(s.violation[r].to_bits(), fresh.to_bits());
                }
            }
        }
        assert!(cross > 20, "{cross} cross-group moves checked");
    }
}
