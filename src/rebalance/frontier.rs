//! Moves against balance: the best balance reachable within a move
//! budget, and the frontier of budgets from 0 to what full balance needs.
//!
//! Within a budget the plan is built greedily from today's owners: the
//! accounts that must be placed (orphans, new accounts, rule-forced) start
//! where the full rebalance put them and may be re-placed for free to any
//! eligible rep; then each step makes the one move of the full
//! rebalance (account to its new owner there) that lowers the total band
//! violation most (ties: least extra distance, then lowest account and
//! rep index), until balance holds or the budget is spent. Drawing the
//! moves from the full rebalance keeps each step cheap and makes the
//! frontier end at the full rebalance; a search over every (account,
//! rep) pair was tried and needed more moves for less balance (on
//! data/: 588 moves left 22 reps outside where the LP's 653 balance all). The total band violation
//! is the sum over reps and balanced metrics of how far the rep's load
//! lies outside its band, as a fraction of its target, plus any
//! `[[limits]]` excess. Every point is a verified single-owner plan; the
//! LP bound says how far from the fewest moves it can be, and each point's
//! violation bound ([`super::violation_bound`]) how far from the least
//! violation within its budget.

use rayon::prelude::*;

use crate::distance::haversine_km;
use crate::model::{Dataset, RepBalance};
use crate::territory::{self, verify};

use super::violation_bound::{Situation, Within};
use super::{AccountKind, Setup};

/// Points of the frontier between 0 moves and the full rebalance.
pub const FRONTIER_STEPS: usize = 10;
/// Pairs of moves are undone together only up to this many moves: the
/// search is quadratic in the moves (on data/ with R003 gone and drifted
/// potential it took 14 moves to 12; at 5,000 x 40 with 74 moves it found
/// nothing and cost about 3 s in a debug build).
const MAX_PAIR_UNDO_MOVES: usize = 60;
/// Violation treated as zero (float noise on sums of loads).
const VIOLATION_EPS: f64 = 1e-9;

/// A move budget: at most `moves` accounts and `potential` currency taken
/// from active owners (discretionary moves only: forced ones are counted
/// out by the caller).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    pub moves: usize,
    pub potential: f64,
}

/// One point of the frontier.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontierPoint {
    /// The budget of discretionary moves.
    pub budget: usize,
    /// Discretionary moves made.
    pub moves: usize,
    /// Potential of the accounts moved.
    pub moved_potential: f64,
    /// Largest |deviation| of potential over active reps.
    pub max_potential_deviation: f64,
    /// Largest |deviation| of workload over active reps.
    pub max_workload_deviation: f64,
    pub reps_outside: usize,
    pub total_violation: f64,
    /// No plan within the budget has less total violation
    /// ([`super::violation_bound`]).
    pub violation_bound: f64,
    /// Potential x km of the plan.
    pub distance: f64,
    /// Rep index per account.
    pub owner: Vec<usize>,
}

/// Fixed per-rep targets, bands and limits the greedy search scores against.
pub(super) struct Bands {
    /// Per rep and metric (potential, workload, accounts): target load.
    pub(super) target: Vec<[f64; 3]>,
    pub(super) tol: [f64; 3],
    /// Per rep and metric: hard maximum (infinite when none).
    pub(super) limit: Vec<[f64; 3]>,
    pub(super) active: Vec<bool>,
}

impl Bands {
    fn of(ds: &Dataset, full: &[RepBalance]) -> Bands {
        let b = &ds.config.balance;
        let tol = [
            b.potential_tolerance,
            b.workload_tolerance,
            b.account_tolerance.unwrap_or(f64::INFINITY),
        ];
        let limit = (0..ds.reps.len())
            .map(|r| {
                let l = ds.rules.limits.get(r);
                [
                    f64::INFINITY,
                    l.and_then(|l| l.max_workload_hours.as_ref())
                        .map_or(f64::INFINITY, |x| x.value),
                    l.and_then(|l| l.max_accounts.as_ref())
                        .map_or(f64::INFINITY, |x| x.value),
                ]
            })
            .collect();
        Bands {
            target: full
                .iter()
                .map(|x| [x.potential_target, x.workload_target, x.accounts_target])
                .collect(),
            tol,
            limit,
            active: ds.reps.iter().map(|r| r.capacity > 0.0).collect(),
        }
    }

    /// Band excess of one rep with these loads.
    fn violation(&self, r: usize, load: &[f64; 3]) -> f64 {
        if !self.active[r] {
            return 0.0;
        }
        (0..3).fold(0.0, |v, m| self.add_metric(v, r, m, load[m]))
    }

    /// Band excess of one rep in metric `m` at load `x`: outside the band
    /// as a fraction of the target, plus any excess over the limit.
    pub(super) fn metric_violation(&self, r: usize, m: usize, x: f64) -> f64 {
        if !self.active[r] {
            return 0.0;
        }
        self.add_metric(0.0, r, m, x)
    }

    /// `v` plus the excess of metric `m` (one float sum at a time, so that
    /// a rep's violation adds up in one fixed order).
    fn add_metric(&self, mut v: f64, r: usize, m: usize, x: f64) -> f64 {
        let t = self.target[r][m];
        if self.tol[m].is_finite() && t > 0.0 {
            v += ((x - t).abs() / t - self.tol[m]).max(0.0);
        }
        let cap = self.limit[r][m];
        if cap.is_finite() && x > cap {
            v += (x - cap) / cap.max(1.0);
        }
        v
    }
}

/// The greedy search's state: owners and loads.
/// Potential, workload and account count of each rep under `owner`.
fn rep_loads(ds: &Dataset, owner: &[usize]) -> Vec<[f64; 3]> {
    let mut load = vec![[0.0; 3]; ds.reps.len()];
    for (i, &r) in owner.iter().enumerate() {
        let a = &ds.accounts[i];
        load[r][0] += a.potential;
        load[r][1] += a.workload;
        load[r][2] += 1.0;
    }
    load
}

struct Search<'a> {
    ds: &'a Dataset,
    eligible: &'a [Vec<usize>],
    bands: &'a Bands,
    owner: Vec<usize>,
    load: Vec<[f64; 3]>,
}

impl<'a> Search<'a> {
    fn account_load(&self, i: usize) -> [f64; 3] {
        let a = &self.ds.accounts[i];
        [a.potential, a.workload, 1.0]
    }

    fn km(&self, i: usize, r: usize) -> f64 {
        let (a, rep) = (&self.ds.accounts[i], &self.ds.reps[r]);
        haversine_km(a.lat, a.lon, rep.lat, rep.lon)
    }

    fn total_violation(&self) -> f64 {
        (0..self.load.len())
            .map(|r| self.bands.violation(r, &self.load[r]))
            .sum()
    }

    /// Change of total violation and of potential x km if account `i`
    /// went to rep `to`.
    fn delta(&self, i: usize, to: usize) -> (f64, f64) {
        let from = self.owner[i];
        let l = self.account_load(i);
        let mut f = self.load[from];
        let mut t = self.load[to];
        for m in 0..3 {
            f[m] -= l[m];
            t[m] += l[m];
        }
        let dv = self.bands.violation(from, &f) + self.bands.violation(to, &t)
            - self.bands.violation(from, &self.load[from])
            - self.bands.violation(to, &self.load[to]);
        let pot = self.ds.accounts[i].potential;
        (dv, pot * (self.km(i, to) - self.km(i, from)))
    }

    fn apply(&mut self, i: usize, to: usize) {
        let l = self.account_load(i);
        let from = self.owner[i];
        for (m, x) in l.iter().enumerate() {
            self.load[from][m] -= x;
            self.load[to][m] += x;
        }
        self.owner[i] = to;
    }

    /// The best free move (an account that must be placed, to any
    /// eligible rep) that lowers the violation: (violation change,
    /// distance change, account, rep).
    fn best_free_move(&self, accounts: &[usize]) -> Option<(f64, f64, usize, usize)> {
        accounts
            .par_iter()
            .filter_map(|&i| {
                self.eligible[i]
                    .iter()
                    .filter(|&&r| r != self.owner[i])
                    .map(|&r| {
                        let (dv, dd) = self.delta(i, r);
                        (dv, dd, i, r)
                    })
                    .filter(|m| m.0 < -VIOLATION_EPS)
                    .min_by(cmp_moves)
            })
            .min_by(cmp_moves)
    }

    /// The best of the given (account, rep) moves that lowers the violation.
    fn best_paid_move(&self, moves: &[(usize, usize)]) -> Option<(f64, f64, usize, usize)> {
        moves
            .iter()
            .map(|&(i, r)| {
                let (dv, dd) = self.delta(i, r);
                (dv, dd, i, r)
            })
            .filter(|m| m.0 < -VIOLATION_EPS)
            .min_by(cmp_moves)
    }
}

fn cmp_moves(a: &(f64, f64, usize, usize), b: &(f64, f64, usize, usize)) -> std::cmp::Ordering {
    a.0.total_cmp(&b.0)
        .then(a.1.total_cmp(&b.1))
        .then(a.2.cmp(&b.2))
        .then(a.3.cmp(&b.3))
}

/// The shared inputs of every budgeted search.
pub struct Frontier<'a> {
    setup: &'a Setup,
    eligible: Vec<Vec<usize>>,
    bands: Bands,
    /// Owners of the full rebalance (placements of the accounts that must move).
    full: Vec<usize>,
}

impl<'a> Frontier<'a> {
    /// Prepare budgeted searches around the full rebalance `full_owner`.
    pub fn new(setup: &'a Setup, full_owner: &[usize]) -> Frontier<'a> {
        let ds = &setup.dataset;
        let some: Vec<Option<usize>> = full_owner.iter().map(|&r| Some(r)).collect();
        let full_balance = verify::whole_rep_balances(ds, &some);
        Frontier {
            setup,
            eligible: territory::eligible_reps(ds),
            bands: Bands::of(ds, &full_balance),
            full: full_owner.to_vec(),
        }
    }

    /// The best balance found with at most `budget` discretionary moves.
    pub fn within(&self, budget: Budget) -> Vec<usize> {
        let setup = self.setup;
        let ds = &setup.dataset;
        let start: Vec<usize> = (0..ds.accounts.len())
            .map(|i| match (setup.kind[i], setup.current[i]) {
                (AccountKind::Staying, Some(o)) => o,
                _ => self.full[i],
            })
            .collect();
        let load = rep_loads(ds, &start);
        let mut s = Search {
            ds,
            eligible: &self.eligible,
            bands: &self.bands,
            owner: start,
            load,
        };
        let free: Vec<usize> = (0..ds.accounts.len())
            .filter(|&i| setup.kind[i] != AccountKind::Staying && self.eligible[i].len() > 1)
            .collect();
        let mut unmoved: Vec<(usize, usize)> = (0..ds.accounts.len())
            .filter(|&i| setup.kind[i] == AccountKind::Staying && s.owner[i] != self.full[i])
            .map(|i| (i, self.full[i]))
            .collect();
        let (mut moves, mut potential) = (0usize, 0.0);
        while s.total_violation() > VIOLATION_EPS {
            if let Some((_, _, i, r)) = s.best_free_move(&free) {
                s.apply(i, r);
                continue;
            }
            if moves >= budget.moves {
                break;
            }
            unmoved.retain(|&(i, _)| potential + ds.accounts[i].potential <= budget.potential);
            let Some((_, _, i, r)) = s.best_paid_move(&unmoved) else {
                break;
            };
            s.apply(i, r);
            moves += 1;
            potential += ds.accounts[i].potential;
            unmoved.retain(|&(k, _)| k != i);
        }
        s.owner
    }

    /// Fewer moves for a balanced plan: undo a discretionary move (the
    /// account goes back to its current owner) when balance still holds,
    /// alone or with one compensating move that costs no move itself (an
    /// account that must be placed anyway, or one already moved, going to
    /// another rep or back to its owner). Repeats until no move can be
    /// undone. Rounding the LP and repairing the bands can move staying
    /// accounts where re-routing an orphan would do; this takes them back.
    pub fn undo_moves(&self, owner: &[usize]) -> Vec<usize> {
        let setup = self.setup;
        let ds = &setup.dataset;
        let load = rep_loads(ds, owner);
        let mut s = Search {
            ds,
            eligible: &self.eligible,
            bands: &self.bands,
            owner: owner.to_vec(),
            load,
        };
        if s.total_violation() > VIOLATION_EPS {
            return s.owner;
        }
        loop {
            let moved: Vec<usize> = (0..ds.accounts.len())
                .filter(|&i| {
                    setup.kind[i] == AccountKind::Staying && setup.current[i] != Some(s.owner[i])
                })
                .collect();
            let mut undone = false;
            for &i in &moved {
                let Some(home) = setup.current[i] else {
                    continue;
                };
                let away = s.owner[i];
                if away == home {
                    continue;
                }
                s.apply(i, home);
                if s.total_violation() <= VIOLATION_EPS {
                    undone = true;
                    continue;
                }
                if let Some((c, r)) = self.compensation(&s, i) {
                    s.apply(c, r);
                    undone = true;
                    continue;
                }
                // Two compensating moves: the one that lowers the
                // violation most, then one that restores balance.
                let free = self.free_moved(&s, i);
                if let Some((_, _, c1, r1)) = s.best_free_move(&free) {
                    let back1 = s.owner[c1];
                    s.apply(c1, r1);
                    if let Some((c2, r2)) = self.compensation(&s, i) {
                        s.apply(c2, r2);
                        undone = true;
                        continue;
                    }
                    s.apply(c1, back1);
                }
                s.apply(i, away);
            }
            let pairs_affordable = moved.len() <= MAX_PAIR_UNDO_MOVES;
            let progress = undone || (pairs_affordable && self.undo_pair(&mut s, &moved));
            if !progress {
                return s.owner;
            }
        }
    }

    /// Undo two moves at once and restore balance with one new move of
    /// an account held by one of the four reps involved: one move fewer.
    fn undo_pair(&self, s: &mut Search<'_>, moved: &[usize]) -> bool {
        let setup = self.setup;
        for (k, &i) in moved.iter().enumerate() {
            for &j in &moved[k + 1..] {
                let (Some(hi), Some(hj)) = (setup.current[i], setup.current[j]) else {
                    continue;
                };
                let (ai, aj) = (s.owner[i], s.owner[j]);
                s.apply(i, hi);
                s.apply(j, hj);
                let reps = [hi, hj, ai, aj];
                let held: Vec<usize> = (0..s.owner.len())
                    .filter(|&c| {
                        c != i && c != j && reps.contains(&s.owner[c]) && self.eligible[c].len() > 1
                    })
                    .collect();
                let fix = self.balancing_move(s, &held);
                if let Some((c, r)) = fix {
                    s.apply(c, r);
                    return true;
                }
                s.apply(j, aj);
                s.apply(i, ai);
            }
        }
        false
    }

    /// Accounts whose move costs no move: those that must be placed and
    /// those already moved (other than `undone`).
    fn free_moved(&self, s: &Search<'_>, undone: usize) -> Vec<usize> {
        let setup = self.setup;
        (0..setup.kind.len())
            .filter(|&c| {
                c != undone
                    && self.eligible[c].len() > 1
                    && (setup.kind[c] != AccountKind::Staying
                        || setup.current[c] != Some(s.owner[c]))
            })
            .collect()
    }

    /// A move of a free or already-moved account (other than `undone`)
    /// that restores balance, least extra distance first.
    fn compensation(&self, s: &Search<'_>, undone: usize) -> Option<(usize, usize)> {
        self.balancing_move(s, &self.free_moved(s, undone))
    }

    /// The move of one of `candidates` to another eligible rep that
    /// restores balance, least extra distance first (ties: lowest account
    /// and rep index, whatever the thread count).
    fn balancing_move(&self, s: &Search<'_>, candidates: &[usize]) -> Option<(usize, usize)> {
        let total = s.total_violation();
        let by_distance = |a: &(f64, f64, usize, usize), b: &(f64, f64, usize, usize)| {
            cmp_moves(&(0.0, a.1, a.2, a.3), &(0.0, b.1, b.2, b.3))
        };
        candidates
            .par_iter()
            .filter_map(|&c| {
                self.eligible[c]
                    .iter()
                    .filter(|&&r| r != s.owner[c])
                    .map(|&r| {
                        let (dv, dd) = s.delta(c, r);
                        (dv, dd, c, r)
                    })
                    .filter(|m| total + m.0 <= VIOLATION_EPS)
                    .min_by(by_distance)
            })
            .min_by(by_distance)
            .map(|m| (m.2, m.3))
    }

    /// Total band violation of a plan (0 when every rep is within its band).
    pub fn violation(&self, owner: &[usize]) -> f64 {
        self.violation_at(&rep_loads(&self.setup.dataset, owner))
    }

    /// Total band violation of reps with these loads.
    fn violation_at(&self, load: &[[f64; 3]]) -> f64 {
        (0..load.len())
            .map(|r| self.bands.violation(r, &load[r]))
            .sum()
    }

    /// [`Frontier::within`] each budget of moves (no potential budget),
    /// on the thread pool.
    pub fn within_each(&self, budgets: &[usize]) -> Vec<Vec<usize>> {
        budgets
            .par_iter()
            .map(|&b| {
                self.within(Budget {
                    moves: b,
                    potential: f64::INFINITY,
                })
            })
            .collect()
    }

    /// Lower bounds on the total violation within each budget of moves,
    /// each given a plan within it (`owners`, in the same order).
    pub fn violation_bounds(&self, budgets: &[usize], owners: &[Vec<usize>]) -> Vec<f64> {
        let setup = self.setup;
        let situation = Situation {
            load: setup
                .dataset
                .accounts
                .iter()
                .map(|a| [a.potential, a.workload, 1.0])
                .collect(),
            eligible: &self.eligible,
            kind: &setup.kind,
            current: &setup.current,
            bands: &self.bands,
        };
        let within: Vec<Within> = budgets
            .iter()
            .zip(owners)
            .map(|(&budget, owner)| {
                let load = rep_loads(&setup.dataset, owner);
                Within {
                    budget,
                    violation: self.violation_at(&load),
                    load,
                }
            })
            .collect();
        situation.bounds(&within)
    }

    /// Figures of one plan as a frontier point, with the bound on the
    /// violation within its budget.
    pub fn point(&self, budget: usize, owner: Vec<usize>, violation_bound: f64) -> FrontierPoint {
        let ds = &self.setup.dataset;
        let some: Vec<Option<usize>> = owner.iter().map(|&r| Some(r)).collect();
        let balance = verify::whole_rep_balances(ds, &some);
        let active = |b: &&RepBalance| ds.reps[b.rep].capacity > 0.0;
        let max_abs = |f: fn(&RepBalance) -> f64| {
            balance
                .iter()
                .filter(active)
                .map(|b| f(b).abs())
                .fold(0.0, f64::max)
        };
        let moved: Vec<usize> = self
            .setup
            .taken(&owner)
            .filter(|&i| self.setup.kind[i] == AccountKind::Staying)
            .collect();
        FrontierPoint {
            budget,
            moves: moved.len(),
            moved_potential: moved.iter().map(|&i| ds.accounts[i].potential).sum(),
            max_potential_deviation: max_abs(|b| b.potential_deviation),
            max_workload_deviation: max_abs(|b| b.workload_deviation),
            reps_outside: balance
                .iter()
                .filter(active)
                .filter(|b| !b.within_tolerance)
                .count(),
            total_violation: self.violation(&owner),
            violation_bound,
            distance: verify::objective(ds, &owner),
            owner,
        }
    }

    /// Budgets from 0 to `full_moves` in [`FRONTIER_STEPS`] steps, each
    /// searched independently on the thread pool (results do not depend
    /// on the thread count), the full rebalance as the last point.
    pub fn series(&self, full_moves: usize) -> Vec<FrontierPoint> {
        let mut budgets: Vec<usize> = (0..FRONTIER_STEPS)
            .map(|k| (full_moves * k + FRONTIER_STEPS / 2) / FRONTIER_STEPS)
            .collect();
        budgets.dedup();
        budgets.retain(|&b| b < full_moves);
        let owners = self.within_each(&budgets);
        let bounds = self.violation_bounds(&budgets, &owners);
        let mut points: Vec<FrontierPoint> = owners
            .into_par_iter()
            .zip(budgets.par_iter().zip(&bounds))
            .map(|(owner, (&b, &bound))| self.point(b, owner, bound))
            .collect();
        // The full rebalance's budget: 0 bounds any violation, and a
        // balanced full rebalance meets it.
        points.push(self.point(full_moves, self.full.clone(), 0.0));
        points
    }
}
