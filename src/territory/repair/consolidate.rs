//! Fewer moves in a balanced rebalance plan: two discretionary moves
//! undone for one other move, or three for two.
//!
//! Why: repair and improvement relocate one account or swap two. On a
//! balanced plan where undoing any single move breaks a band, neither can
//! lower the move count, yet on lumpy accounts two moves out of one rep
//! often do what one larger account does alone (issue 15: on the ENT/MM
//! piece of case (a) two accounts leave R039 where one suffices). This
//! step undoes two moves (each account back to its current owner), and
//! when that leaves at most two reps outside their bands it looks for one
//! relocation that puts them back: out of an over-band rep, into an
//! under-band one, or between the two. It keeps the exchange when the
//! plan stays balanced and its cost falls (one move fewer outweighs any
//! distance, see `rebalance::model`). When no pair does, it tries three
//! moves (two that share a rep, reps with few moves first, and any third)
//! for two relocations, within a budget: case (a)'s ENT/MM piece had one
//! such exchange and no pair.

use super::{add_load, neg_load, Load, LocalSearch, EPS};
use crate::territory::deadline::{Checkpoint, Deadline};
use crate::territory::problem::NUM_METRICS;

/// Reps a single relocation can put back in band (its two ends).
const MAX_LEFT_OUT: usize = 2;
/// Triples of moves tried per pass: pairs through one rep grow with the
/// square of its moves (a new hire taking 200 accounts), and each pair
/// is tried with every other move.
const MAX_TRIPLES: usize = 4_000;
/// Relative widening of [`LeftOut::window`], far above float noise: the
/// window only rules relocations out, the exact test decides.
const WINDOW_SLACK: f64 = 1e-9;

/// A rep outside its band after undoing two moves: its load and its
/// group's and tier's totals then.
#[derive(Debug, Clone, Copy)]
struct LeftOut {
    rep: usize,
    load: Load,
    group: Load,
    tier: Load,
    /// Per metric, the loads that keep the rep within its band and limit
    /// while its group's total stays `group`, a little widened: a quick
    /// necessary test for relocations within or outside the group.
    window: [(f64, f64); NUM_METRICS],
}

/// Accounts that list each rep as a candidate, split by whether moving
/// one there can change a group's total. Candidate lists and loads do not
/// change during the search, so this is built once.
struct Incoming {
    /// The metric `within` is sorted by; `None` (everything in `across`)
    /// when region tiers make every band depend on other groups.
    key: Option<usize>,
    /// Per rep: (load in `key`, account) of accounts all of whose eligible
    /// reps share the rep's group, ascending.
    within: Vec<Vec<(f64, usize)>>,
    /// Per rep: the other accounts, ascending.
    across: Vec<Vec<usize>>,
}

/// Undoing one move alone, as a pass found it.
#[derive(Debug, Clone, Copy)]
struct Undo {
    reps: [usize; 2],
    crosses: bool,
    left_out: usize,
}

impl Undo {
    /// True when undoing both moves must leave more reps out than one
    /// relocation can put back: neither crosses groups (so no band moves),
    /// they share no rep and nothing changed there since, so the reps left
    /// out are those each leaves out alone.
    fn rules_out(&self, other: &Undo, stale: &[bool]) -> bool {
        let fresh = self.reps.iter().chain(&other.reps).all(|&r| !stale[r]);
        let disjoint = self.reps.iter().all(|r| !other.reps.contains(r));
        fresh
            && disjoint
            && !self.crosses
            && !other.crosses
            && self.left_out + other.left_out > MAX_LEFT_OUT
    }
}

/// Moves undone and fewer relocations in their place.
#[derive(Debug, Clone, PartialEq)]
struct Exchange {
    undo: Vec<usize>,
    relocate: Vec<(usize, usize)>,
}

impl LocalSearch<'_> {
    /// Replace pairs of discretionary moves by at most one relocation
    /// (and triples by two) while the plan stays balanced and its cost
    /// falls; returns how many exchanges were made. Does nothing outside
    /// a rebalance or on a plan still outside its bands. Stops at
    /// `deadline` with every kept change an improvement.
    pub fn consolidate_moves(&mut self, deadline: &Deadline) -> usize {
        if self.p.move_weight.is_empty() || self.total_violation() > EPS {
            return 0;
        }
        let index = self.incoming_index();
        let mut replaced = 0;
        loop {
            let mut found = self.consolidation_pass(deadline, &index);
            if found == 0 && !deadline.passed(Checkpoint::Improvement) {
                found = self.triple_pass(deadline, &index);
            }
            replaced += found;
            if found == 0 || deadline.passed(Checkpoint::Improvement) {
                break;
            }
        }
        self.stats.consolidated += replaced;
        replaced
    }

    /// One pass over the pairs of the plan's moves (in account order),
    /// each evaluated on the plan as the pass left it: a pair is replaced
    /// as soon as it is found, and pairs with an account already undone
    /// are skipped. Returns how many pairs were replaced.
    fn consolidation_pass(&mut self, deadline: &Deadline, index: &Incoming) -> usize {
        let moved = self.discretionary_moves();
        let alone: Vec<Undo> = moved.iter().map(|&a| self.undo_alone(a)).collect();
        // Reps whose load or band changed since `alone` was taken.
        let mut stale = vec![false; self.p.num_reps];
        let mut replaced = 0;
        for (x, &a) in moved.iter().enumerate() {
            if deadline.passed(Checkpoint::Improvement) {
                break;
            }
            for (y, &b) in moved.iter().enumerate().skip(x + 1) {
                if !self.is_moved(a) {
                    break;
                }
                if !self.is_moved(b) || alone[x].rules_out(&alone[y], &stale) {
                    continue;
                }
                if let Some(trio) = self.best_trio(a, b, index) {
                    self.mark_stale(&trio, &mut stale);
                    self.apply(&trio);
                    replaced += 1;
                }
            }
        }
        replaced
    }

    /// What undoing move `i` alone does: which reps it touches, whether it
    /// crosses groups, and how many reps it leaves outside their bands.
    fn undo_alone(&self, i: usize) -> Undo {
        let o = self.p.weighed_owner(i).unwrap_or(self.owner[i]);
        let reps = [self.owner[i], o];
        let crosses = self.p.rep_group[reps[0]] != self.p.rep_group[reps[1]];
        let left_out = self
            .left_out_after(&self.relocation(i, o), MAX_LEFT_OUT)
            .map_or(MAX_LEFT_OUT + 1, |l| l.len());
        Undo {
            reps,
            crosses,
            left_out,
        }
    }

    /// Flag every rep whose load or band `trio` changes.
    fn mark_stale(&self, trio: &Exchange, stale: &mut [bool]) {
        let mut reps: Vec<usize> = Vec::with_capacity(6);
        for &i in &trio.undo {
            reps.push(self.owner[i]);
            reps.extend(self.p.weighed_owner(i));
        }
        for &(c, t) in &trio.relocate {
            reps.extend([self.owner[c], t]);
        }
        let groups: Vec<Option<usize>> = reps.iter().map(|&r| self.p.rep_group[r]).collect();
        if groups.windows(2).any(|w| w[0] != w[1]) || !self.p.tiers.is_empty() {
            // A group's total moved: every band in it did.
            for g in groups.into_iter().flatten() {
                for &r in &self.p.groups[g].reps {
                    stale[r] = true;
                }
            }
        }
        for r in reps {
            stale[r] = true;
        }
    }

    fn is_moved(&self, i: usize) -> bool {
        self.p.weighed_owner(i).is_some_and(|o| o != self.owner[i])
    }

    fn apply(&mut self, exchange: &Exchange) {
        for &i in &exchange.undo {
            if let Some(o) = self.p.weighed_owner(i) {
                self.relocate(i, o);
            }
        }
        for &(c, t) in &exchange.relocate {
            self.relocate(c, t);
        }
    }

    /// Accounts away from a current owner who may keep them, ascending.
    fn discretionary_moves(&self) -> Vec<usize> {
        (0..self.p.num_accounts)
            .filter(|&i| self.is_moved(i))
            .collect()
    }

    /// Load changes of sending account `i` to rep `to`.
    fn relocation(&self, i: usize, to: usize) -> [(usize, Load); 2] {
        let l = self.p.loads(i);
        [(self.owner[i], neg_load(&l)), (to, l)]
    }

    /// Cost change of sending account `i` to rep `to`.
    fn relocation_cost(&self, i: usize, to: usize) -> f64 {
        self.cost(i, to) - self.cost(i, self.owner[i])
    }

    /// Undo moves `a` and `b` and, if that leaves reps outside their
    /// bands, the cheapest relocation that puts them back; `None` when no
    /// such trio keeps the plan balanced at a lower cost.
    fn best_trio(&self, a: usize, b: usize, index: &Incoming) -> Option<Exchange> {
        let (undo, cost) = self.undo_of(&[a, b])?;
        let left_out = self.left_out_after(&undo, MAX_LEFT_OUT)?;
        self.best_closing(&[a, b], &undo, cost, &[], &left_out, index)
    }

    /// Load changes and cost change of sending each of `moves` back to
    /// its current owner; `None` when one has no owner who may keep it.
    fn undo_of(&self, moves: &[usize]) -> Option<(Vec<(usize, Load)>, f64)> {
        let mut undo = Vec::with_capacity(2 * moves.len() + 2);
        let mut cost = 0.0;
        for &i in moves {
            let o = self.p.weighed_owner(i)?;
            undo.extend(self.relocation(i, o));
            cost += self.relocation_cost(i, o);
        }
        Some((undo, cost))
    }

    /// With `undo` (the load changes of undoing moves `undone`, and of
    /// relocations `made` already chosen, costing `cost` together) leaving
    /// `left_out` outside their bands: the exchange itself when nothing
    /// is left out, else its cheapest completion by one relocation that
    /// puts every rep back, if the whole still lowers the cost.
    fn best_closing(
        &self,
        undone: &[usize],
        undo: &[(usize, Load)],
        cost: f64,
        made: &[(usize, usize)],
        left_out: &[LeftOut],
        index: &Incoming,
    ) -> Option<Exchange> {
        let exchange = |relocate: Vec<(usize, usize)>| Exchange {
            undo: undone.to_vec(),
            relocate,
        };
        if left_out.is_empty() {
            return (cost < -EPS).then(|| exchange(made.to_vec()));
        }
        let mut skip: Vec<usize> = undone.to_vec();
        skip.extend(made.iter().map(|m| m.0));
        let mut best: Option<(f64, (usize, usize))> = None;
        self.relocations_touching(left_out, &skip, index, |c, t| {
            if !left_out.iter().all(|l| self.back_in_band(l, c, t)) {
                return;
            }
            let cost_change = cost + self.relocation_cost(c, t);
            if cost_change >= -EPS || best.is_some_and(|b| cost_change >= b.0) {
                return;
            }
            let mut delta = undo.to_vec();
            delta.extend(self.relocation(c, t));
            if self.violation_change(&delta) <= EPS {
                best = Some((cost_change, (c, t)));
            }
        });
        best.map(|(_, last)| {
            let mut relocate = made.to_vec();
            relocate.push(last);
            exchange(relocate)
        })
    }

    /// One pass over triples of the plan's moves, at most [`MAX_TRIPLES`]
    /// of them: two moves that share a rep, the reps with fewest moves
    /// first, whose undo leaves at most three reps out of band, with any
    /// third. Three moves undone for two relocations: the first between
    /// two reps the undo leaves out of band and putting both back, the
    /// second as for pairs. Returns how many triples were replaced.
    fn triple_pass(&mut self, deadline: &Deadline, index: &Incoming) -> usize {
        let moved = self.discretionary_moves();
        let pairs = self.linked_pairs(&moved);
        let mut budget = MAX_TRIPLES;
        let mut replaced = 0;
        let mut done = vec![false; moved.len()];
        for (x, y) in pairs {
            if deadline.passed(Checkpoint::Improvement) {
                break;
            }
            let (u, v) = (moved[x], moved[y]);
            if done[x] || done[y] || !self.is_moved(u) || !self.is_moved(v) {
                continue;
            }
            if !self.undo_leaves_few(u, v) {
                continue;
            }
            for (z, &w) in moved.iter().enumerate() {
                if z == x || z == y || done[z] || !self.is_moved(w) {
                    continue;
                }
                if budget == 0 {
                    return replaced;
                }
                budget -= 1;
                if let Some(exchange) = self.best_triple([u, v, w], index) {
                    self.apply(&exchange);
                    replaced += 1;
                    for k in [x, y, z] {
                        done[k] = true;
                    }
                    break;
                }
            }
        }
        replaced
    }

    /// Pairs of `moved` (indices) that share a rep, those at the reps
    /// with fewest moves first (a new hire's hundreds of pairs last), then
    /// in index order.
    fn linked_pairs(&self, moved: &[usize]) -> Vec<(usize, usize)> {
        let mut at_rep: Vec<Vec<usize>> = vec![Vec::new(); self.p.num_reps];
        for (k, &a) in moved.iter().enumerate() {
            let o = self.p.weighed_owner(a).unwrap_or(self.owner[a]);
            at_rep[self.owner[a]].push(k);
            at_rep[o].push(k);
        }
        let mut pairs: Vec<(usize, usize, usize)> = Vec::new();
        for list in &at_rep {
            for (n, &x) in list.iter().enumerate() {
                for &y in &list[n + 1..] {
                    pairs.push((list.len(), x.min(y), x.max(y)));
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup_by_key(|p| (p.1, p.2));
        pairs.into_iter().map(|(_, x, y)| (x, y)).collect()
    }

    /// Whether undoing moves `u` and `v` leaves at most three reps out of
    /// band: a third undo and two relocations can then close it.
    fn undo_leaves_few(&self, u: usize, v: usize) -> bool {
        self.undo_of(&[u, v])
            .is_some_and(|(undo, _)| self.left_out_after(&undo, MAX_LEFT_OUT + 1).is_some())
    }

    /// Undo the three moves `trio` and, if that leaves reps out of band,
    /// the cheapest one or two relocations that put them all back.
    fn best_triple(&self, trio: [usize; 3], index: &Incoming) -> Option<Exchange> {
        let (undo, cost) = self.undo_of(&trio)?;
        let left_out = self.left_out_after(&undo, 2 * MAX_LEFT_OUT)?;
        if left_out.len() <= MAX_LEFT_OUT {
            return self.best_closing(&trio, &undo, cost, &[], &left_out, index);
        }
        // The first relocation goes between two reps left out and puts
        // both back; the second closes what is left.
        for first in &left_out {
            for second in &left_out {
                let (from, to) = (first.rep, second.rep);
                if from == to {
                    continue;
                }
                for &c in &self.members[from] {
                    if trio.contains(&c)
                        || self.p.eligible(c).len() < 2
                        || self.p.eligible(c).binary_search(&to).is_err()
                        || !self.back_in_band(first, c, to)
                        || !self.back_in_band(second, c, to)
                    {
                        continue;
                    }
                    let mut delta = undo.clone();
                    delta.extend(self.relocation(c, to));
                    let Some(rest) = self.left_out_after(&delta, MAX_LEFT_OUT) else {
                        continue;
                    };
                    let made = [(c, to)];
                    let cost = cost + self.relocation_cost(c, to);
                    if let Some(exchange) =
                        self.best_closing(&trio, &delta, cost, &made, &rest, index)
                    {
                        return Some(exchange);
                    }
                }
            }
        }
        None
    }

    /// [`LeftOut::window`] of rep `r` when its group's total is `group`.
    fn load_window(&self, r: usize, group: &Load) -> [(f64, f64); NUM_METRICS] {
        let Some(g) = self.p.rep_group[r] else {
            return [(f64::NEG_INFINITY, f64::INFINITY); NUM_METRICS];
        };
        let share = self.p.cap[r] / self.p.groups[g].capacity;
        std::array::from_fn(|m| {
            let (mut lo, mut hi) = if self.p.tol[m].is_finite() {
                super::band(share * group[m], self.p.tol[m])
            } else {
                (f64::NEG_INFINITY, f64::INFINITY)
            };
            hi = hi.min(self.p.limit[r][m]);
            let slack = WINDOW_SLACK * (lo.abs() + hi.abs()).min(f64::MAX);
            lo -= slack;
            hi += slack;
            (lo, hi)
        })
    }

    /// Whether relocating account `c` to rep `t` puts `rep` back in its
    /// band, counting only `rep` itself: a cheap test before the full
    /// check of every rep the trio touches.
    fn back_in_band(&self, rep: &LeftOut, c: usize, t: usize) -> bool {
        let from = self.owner[c];
        let g = self.p.rep_group[rep.rep];
        if self.p.tiers.is_empty() && (self.p.rep_group[from] == g) == (self.p.rep_group[t] == g) {
            // The group's total stays: only the rep's own load can move.
            let sign = f64::from(u8::from(t == rep.rep)) - f64::from(u8::from(from == rep.rep));
            let fits = self.p.metrics.iter().all(|&m| {
                let x = rep.load[m] + sign * self.p.load(m, c);
                rep.window[m].0 <= x && x <= rep.window[m].1
            });
            if !fits {
                return false;
            }
        }
        let l = self.p.loads(c);
        let sign = |inside: &dyn Fn(usize) -> bool| {
            f64::from(u8::from(inside(t))) - f64::from(u8::from(inside(from)))
        };
        let shifted = |base: &Load, k: f64| -> Load { std::array::from_fn(|m| base[m] + k * l[m]) };
        let tier = g.and_then(|g| self.p.group_tier[g]);
        let load = shifted(&rep.load, sign(&|r| r == rep.rep));
        let group = shifted(&rep.group, sign(&|r| self.p.rep_group[r] == g));
        let tier_total = shifted(
            &rep.tier,
            sign(&|r| {
                tier.is_some() && self.p.rep_group[r].and_then(|h| self.p.group_tier[h]) == tier
            }),
        );
        self.rep_violation(rep.rep, &load, &group, &tier_total) <= EPS
    }

    /// Reps outside their bands after `delta` (the plan being balanced
    /// before it), or `None` when more than [`MAX_LEFT_OUT`] are.
    fn left_out_after(&self, delta: &[(usize, Load)], most: usize) -> Option<Vec<LeftOut>> {
        let mut reps: Vec<usize> = delta.iter().map(|d| d.0).collect();
        let shift_of = |keep: &dyn Fn(usize) -> bool| {
            delta
                .iter()
                .filter(|d| keep(d.0))
                .fold([0.0; NUM_METRICS], |s, d| add_load(&s, &d.1))
        };
        let group_shift = |g: usize| shift_of(&|r| self.p.rep_group[r] == Some(g));
        let tier_shift = |t: usize| {
            shift_of(&|r| self.p.rep_group[r].and_then(|g| self.p.group_tier[g]) == Some(t))
        };
        // A group's total that moves shifts every member's band; a tier's,
        // every member group's region band.
        for g in 0..self.p.groups.len() {
            let moved_total = group_shift(g).iter().any(|x| x.abs() > 0.0)
                || self.p.group_tier[g]
                    .is_some_and(|t| tier_shift(t).iter().any(|x| x.abs() > 0.0));
            if moved_total {
                reps.extend(&self.p.groups[g].reps);
            }
        }
        reps.sort_unstable();
        reps.dedup();
        let mut out = Vec::new();
        for r in reps {
            let Some(g) = self.p.rep_group[r] else {
                continue;
            };
            let load = add_load(&self.load[r], &shift_of(&|s| s == r));
            let gload = add_load(&self.group_load[g], &group_shift(g));
            let tload = self.p.group_tier[g].map_or([0.0; NUM_METRICS], |t| {
                add_load(&self.tier_load[t], &tier_shift(t))
            });
            if self.rep_violation(r, &load, &gload, &tload) > EPS {
                out.push(LeftOut {
                    rep: r,
                    load,
                    group: gload,
                    tier: tload,
                    window: self.load_window(r, &gload),
                });
                if out.len() > most {
                    return None;
                }
            }
        }
        Some(out)
    }

    /// Calls `f` with the relocations (account, rep) that change the load
    /// of every rep in `left_out` (one or two reps), leaving out accounts
    /// `skip`: out of or into a lone rep along the LP's columns, or between
    /// two reps along any eligible pair. Into a lone rep, only accounts
    /// whose load fits its window (or that may cross groups) are offered.
    fn relocations_touching(
        &self,
        left_out: &[LeftOut],
        skip: &[usize],
        index: &Incoming,
        mut f: impl FnMut(usize, usize),
    ) {
        let free = |c: usize| !skip.contains(&c) && self.p.eligible(c).len() > 1;
        match left_out {
            [lone] => {
                let s = lone.rep;
                for &c in self.members[s].iter().filter(|&&c| free(c)) {
                    for &t in self.cand[c].iter().filter(|&&t| t != s) {
                        f(c, t);
                    }
                }
                let into = |c: usize| free(c) && self.owner[c] != s;
                for &c in index.across[s].iter().filter(|&&c| into(c)) {
                    f(c, s);
                }
                let within = &index.within[s];
                let (lo, hi) = match index.key {
                    Some(m) => (
                        lone.window[m].0 - lone.load[m],
                        lone.window[m].1 - lone.load[m],
                    ),
                    None => (f64::NEG_INFINITY, f64::INFINITY),
                };
                let start = within.partition_point(|e| e.0 < lo);
                for &(_, c) in within[start..].iter().take_while(|e| e.0 <= hi) {
                    if into(c) {
                        f(c, s);
                    }
                }
            }
            [first, second] => {
                let (s1, s2) = (first.rep, second.rep);
                for (from, to) in [(s1, s2), (s2, s1)] {
                    // Any eligible pair, not only the LP's columns: the
                    // trio's account is often one the LP never priced
                    // towards `to` (case (a): R039's account to R011).
                    for &c in self.members[from].iter().filter(|&&c| free(c)) {
                        if self.p.eligible(c).binary_search(&to).is_ok() {
                            f(c, to);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// [`Incoming`] of this plan's candidate lists.
    fn incoming_index(&self) -> Incoming {
        // The window is exact only while no group or tier total moves.
        let key = if self.p.tiers.is_empty() {
            self.p.metrics.first().copied()
        } else {
            None
        };
        let mut within = vec![Vec::new(); self.p.num_reps];
        let mut across = vec![Vec::new(); self.p.num_reps];
        for (s, incoming) in self.incoming.iter().enumerate() {
            let g = self.p.rep_group[s];
            for &(c, _) in incoming {
                let stays = self.p.eligible(c).iter().all(|&r| self.p.rep_group[r] == g);
                match key {
                    Some(m) if stays => within[s].push((self.p.load(m, c), c)),
                    _ => across[s].push(c),
                }
            }
            within[s].sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        }
        Incoming {
            key,
            within,
            across,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Account, Dataset, Rep, WorkloadSource};
    use crate::territory::deadline::Deadline;
    use crate::territory::problem::Problem;

    fn account(id: usize, potential: f64, owner: usize) -> Account {
        Account {
            id: format!("A{id}"),
            name: None,
            lat: 40.0 + 0.01 * id as f64,
            lon: -90.0,
            potential,
            workload: 10.0,
            workload_source: WorkloadSource::Data,
            segment: None,
            industry: None,
            current_owner: Some(format!("R{owner}")),
            locked: false,
            bookings_last_year: None,
            pipeline: None,
            extra: Vec::new(),
        }
    }

    fn rep(r: usize) -> Rep {
        Rep {
            id: format!("R{r}"),
            name: None,
            lat: 40.0,
            lon: -90.0 + 0.01 * r as f64,
            segments: Vec::new(),
            capacity: 1.0,
            start_date: None,
            manager: None,
            region: None,
            extra: Vec::new(),
        }
    }

    /// Three reps around a mean of 100 with a 5 % band: R0 owns 110 (two
    /// accounts of 5, one of 10, one of 90), R1 93, R2 97. Moving both 5s
    /// to R1 balances with two moves; moving the 10 alone does with one.
    fn lumpy() -> Dataset {
        let owners = [
            (5.0, 0),
            (5.0, 0),
            (10.0, 0),
            (90.0, 0),
            (93.0, 1),
            (97.0, 2),
        ];
        let mut ds = Dataset {
            reps: (0..3).map(rep).collect(),
            accounts: owners
                .iter()
                .enumerate()
                .map(|(i, &(pot, o))| account(i, pot, o))
                .collect(),
            ..Dataset::default()
        };
        ds.config.balance.potential_tolerance = 0.05;
        ds.config.balance.workload_tolerance = 10.0;
        ds
    }

    fn weighed(ds: &Dataset) -> Problem {
        let mut p = Problem::new(ds);
        p.move_weight = vec![1.0; p.num_accounts];
        p.distance_weight = 1e-6;
        p
    }

    fn moves(s: &LocalSearch) -> usize {
        (0..s.p.num_accounts).filter(|&i| s.is_moved(i)).count()
    }

    #[test]
    fn two_small_moves_become_one_larger() {
        let ds = lumpy();
        let p = weighed(&ds);
        let cand: Vec<Vec<usize>> = (0..p.num_accounts)
            .map(|i| p.eligible(i).to_vec())
            .collect();
        let prices = vec![[0.0; NUM_METRICS]; p.num_reps];
        let mut s = LocalSearch::new(&p, &cand, vec![1, 1, 0, 0, 1, 2], prices);
        assert_eq!(s.total_violation(), 0.0, "the two-move plan is balanced");
        assert_eq!(moves(&s), 2);
        let before = s.total_cost();
        assert_eq!(s.consolidate_moves(&Deadline::new(None)), 1);
        assert_eq!(s.owner, vec![0, 0, 1, 0, 1, 2]);
        assert_eq!(moves(&s), 1);
        assert_eq!(s.total_violation(), 0.0);
        assert!(s.total_cost() < before);
        assert_eq!(s.stats.consolidated, 1);
    }

    /// Five reps around a mean of 99 (band 94.05-103.95). The plan moved
    /// A (10) and B (10) into R1 and C (8) into R4; undoing any two leaves
    /// three reps out, so no pair closes with one relocation, but undoing
    /// all three and moving D (15) R0 -> R1 and E (8) R2 -> R4 does.
    #[test]
    fn three_moves_become_two_where_no_pair_closes() {
        let owners = [
            (10.0, 0),
            (15.0, 0),
            (85.0, 0),
            (80.0, 1),
            (10.0, 2),
            (8.0, 2),
            (92.0, 2),
            (8.0, 3),
            (95.0, 3),
            (92.0, 4),
        ];
        let mut ds = lumpy();
        ds.reps = (0..5).map(rep).collect();
        ds.accounts = owners
            .iter()
            .enumerate()
            .map(|(i, &(pot, o))| account(i, pot, o))
            .collect();
        let p = weighed(&ds);
        let cand: Vec<Vec<usize>> = (0..p.num_accounts)
            .map(|i| p.eligible(i).to_vec())
            .collect();
        let prices = vec![[0.0; NUM_METRICS]; p.num_reps];
        let mut s = LocalSearch::new(&p, &cand, vec![1, 0, 0, 1, 1, 2, 2, 4, 3, 4], prices);
        assert_eq!(s.total_violation(), 0.0, "the three-move plan is balanced");
        assert_eq!(
            s.consolidation_pass(&Deadline::new(None), &s.incoming_index()),
            0
        );
        assert_eq!(s.consolidate_moves(&Deadline::new(None)), 1);
        assert_eq!(s.owner, vec![0, 1, 0, 1, 2, 4, 2, 3, 3, 4]);
        assert_eq!(moves(&s), 2);
        assert_eq!(s.total_violation(), 0.0);
    }

    #[test]
    fn nothing_changes_when_no_single_account_fits() {
        // The 10 becomes a 16: one account alone now overshoots R1's band.
        let mut ds = lumpy();
        ds.accounts[2].potential = 16.0;
        ds.accounts[3].potential = 84.0;
        let p = weighed(&ds);
        let cand: Vec<Vec<usize>> = (0..p.num_accounts)
            .map(|i| p.eligible(i).to_vec())
            .collect();
        let prices = vec![[0.0; NUM_METRICS]; p.num_reps];
        let plan = vec![1, 1, 0, 0, 1, 2];
        let mut s = LocalSearch::new(&p, &cand, plan.clone(), prices);
        assert_eq!(s.total_violation(), 0.0);
        assert_eq!(s.consolidate_moves(&Deadline::new(None)), 0);
        assert_eq!(s.owner, plan);
    }

    #[test]
    fn outside_a_rebalance_or_off_balance_nothing_runs() {
        let ds = lumpy();
        let plain = Problem::new(&ds);
        let cand: Vec<Vec<usize>> = (0..plain.num_accounts)
            .map(|i| plain.eligible(i).to_vec())
            .collect();
        let prices = vec![[0.0; NUM_METRICS]; plain.num_reps];
        let mut s = LocalSearch::new(&plain, &cand, vec![1, 1, 0, 0, 1, 2], prices.clone());
        assert_eq!(s.consolidate_moves(&Deadline::new(None)), 0);
        // The current owners: R0 at 110, outside its band.
        let p = weighed(&ds);
        let mut s = LocalSearch::new(&p, &cand, vec![0, 0, 0, 0, 1, 2], prices);
        assert!(s.total_violation() > 0.0);
        assert_eq!(s.consolidate_moves(&Deadline::new(None)), 0);
    }
}
