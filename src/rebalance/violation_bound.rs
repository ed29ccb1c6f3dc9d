//! A lower bound on the total band violation any plan within a move budget
//! can reach: the certificate of each frontier point below full balance.
//!
//! The frontier's measure (see [`super::frontier`]) is a sum over reps and
//! metrics of convex piecewise-linear functions of the rep's load, with
//! fixed targets. Pricing each rep's load at `pi` (per metric) and each
//! discretionary move at `lambda` splits the problem: every rep term alone
//! (`min_L f(L) - pi L`, reached at a breakpoint of `f`), every account
//! alone (its cheapest priced rep). For a fixed `pi` the best `lambda` for
//! a budget of `b` moves lets exactly the `b` accounts that gain most by
//! leaving their owner do so. Whatever `pi`, the sum is a lower bound on
//! the least violation within the budget (weak duality), over every plan
//! that keeps each account with an eligible rep; its maximum over `pi` is
//! the LP relaxation's. A subgradient ascent with Polyak's step moves
//! `pi` from the slopes of the terms at a plan within the budget; the best
//! value seen is the bound. One evaluation is one pass over
//! every eligible (account, rep) pair, summed in account order, so the
//! bound does not depend on the thread count.

use rayon::prelude::*;

use super::frontier::Bands;
use super::AccountKind;

/// Pair evaluations the ascent may spend on all budgets together; the
/// step count per budget is this over (pairs x budgets), within
/// [`MIN_STEPS`, `MAX_STEPS`]: 71 steps and about 2.4 s on 2 cores for
/// ten budgets at 60,000 x 200, 300-400 on `data/`.
const PAIR_EVALUATIONS: f64 = 5e9;
const MIN_STEPS: usize = 15;
const MAX_STEPS: usize = 400;
/// Accounts per rayon task in an evaluation (each is a few reps' prices).
const ACCOUNTS_PER_TASK: usize = 2048;
/// Starting points tried: the plan's slopes times 1, 1/2, ... 1/2^(n-1).
const START_HALVINGS: usize = 6;
/// Steps without a better value before the level comes down halfway
/// to the best value.
const STALL_STEPS: usize = 10;

/// What the bound needs of a rebalance: loads, eligibility, owners.
pub(super) struct Situation<'a> {
    /// Per account: potential, workload, 1.
    pub(super) load: Vec<[f64; 3]>,
    pub(super) eligible: &'a [Vec<usize>],
    pub(super) kind: &'a [AccountKind],
    /// Today's owner of each staying account.
    pub(super) current: &'a [Option<usize>],
    pub(super) bands: &'a Bands,
}

/// A plan within a budget, as the bound of that budget starts from it.
pub(super) struct Within {
    /// Discretionary moves allowed.
    pub(super) budget: usize,
    /// The plan's total band violation.
    pub(super) violation: f64,
    /// Its reps' loads (potential, workload, accounts).
    pub(super) load: Vec<[f64; 3]>,
}

/// One rep term: its function's breakpoints over `[0, total load]` and the
/// scale of its slope (zero when the term is empty).
struct Term {
    points: Vec<f64>,
    slope: f64,
}

/// How one account sits under the prices: its value and rep without a
/// move, and for a staying account what leaving its owner gains and where
/// it would go.
struct Choice {
    value: f64,
    rep: usize,
    gain: f64,
    to: usize,
}

impl Situation<'_> {
    /// The bound for each budget (moves), given a plan within it: its
    /// total violation (the ascent's target) and its reps' loads (where
    /// the ascent starts), in the order given.
    pub(super) fn bounds(&self, budgets: &[Within]) -> Vec<f64> {
        let reps = self.bands.target.len();
        let total = self.load.iter().fold([0.0; 3], |mut t, l| {
            for m in 0..3 {
                t[m] += l[m];
            }
            t
        });
        let terms: Vec<[Term; 3]> = (0..reps)
            .map(|r| std::array::from_fn(|m| self.term(r, m, total[m])))
            .collect();
        let pairs: usize = self.eligible.iter().map(Vec::len).sum();
        let steps = (PAIR_EVALUATIONS / (pairs.max(1) * budgets.len().max(1)) as f64) as usize;
        let steps = steps.clamp(MIN_STEPS, MAX_STEPS);
        budgets
            .par_iter()
            .map(|within| {
                let best = self.ascend(&terms, within, steps);
                // Float sums of a bound that the measured plan may meet
                // exactly (budget 0 without forced accounts).
                (best * (1.0 - 1e-9) - 1e-12).max(0.0)
            })
            .collect()
    }

    fn term(&self, r: usize, m: usize, total: f64) -> Term {
        let b = self.bands;
        let mut points = vec![0.0, total];
        let mut slope = 0.0;
        if !b.active[r] {
            return Term { points, slope };
        }
        let t = b.target[r][m];
        if b.tol[m].is_finite() && t > 0.0 {
            points.extend([t * (1.0 - b.tol[m]), t * (1.0 + b.tol[m])]);
            slope += 1.0 / t;
        }
        let cap = b.limit[r][m];
        if cap.is_finite() {
            points.push(cap);
            slope += 1.0 / cap.max(1.0);
        }
        points.retain(|&x| (0.0..=total).contains(&x));
        Term { points, slope }
    }

    /// Subgradient ascent with Polyak's step towards a target level, in
    /// prices scaled by each term's slope so that every rep and metric
    /// moves alike. The level starts at `reached` (the violation a plan
    /// within the budget has, so at least the maximum) and comes down
    /// towards the best value by halving the distance whenever the best
    /// stalls: a level far above the maximum makes every step overshoot.
    /// Returns the best value seen.
    fn ascend(&self, terms: &[[Term; 3]], within: &Within, steps: usize) -> f64 {
        let (budget, reached) = (within.budget, within.violation);
        let scale: Vec<[f64; 3]> = terms
            .iter()
            .map(|t| std::array::from_fn(|m| t[m].slope))
            .collect();
        // Each load priced at its term's slope under the plan: with no
        // move allowed and nothing to place, that is the exact optimum.
        // With moves, whole accounts priced at those slopes seem to fix
        // more than they can (the prices do not see a band overshot), so
        // the start is the best of that point scaled down by halves.
        let slopes: Vec<[f64; 3]> = (0..terms.len())
            .map(|r| {
                std::array::from_fn(|m| match terms[r][m].slope {
                    0.0 => 0.0,
                    s => self.slope_at(r, m, within.load[r][m]) / s,
                })
            })
            .collect();
        let scaled = |factor: f64| -> Vec<[f64; 3]> {
            slopes.iter().map(|y| y.map(|v| v * factor)).collect()
        };
        let at = |y: &[[f64; 3]]| -> f64 {
            let price: Vec<[f64; 3]> = y
                .iter()
                .zip(&scale)
                .map(|(y, s)| std::array::from_fn(|m| y[m] * s[m]))
                .collect();
            self.evaluate(terms, &price, budget).0
        };
        let mut y = (0..START_HALVINGS)
            .map(|k| scaled(0.5f64.powi(k as i32)))
            .map(|y| (at(&y), y))
            .fold((f64::NEG_INFINITY, Vec::new()), |a, b| {
                if b.0 > a.0 {
                    b
                } else {
                    a
                }
            })
            .1;
        let mut price = vec![[0.0; 3]; terms.len()];
        let (mut best, mut stalled) = (f64::NEG_INFINITY, 0);
        let (mut reach, mut first_reach) = (f64::NAN, f64::NAN);
        for _ in 0..steps {
            for (p, (y, s)) in price.iter_mut().zip(y.iter().zip(&scale)) {
                *p = std::array::from_fn(|m| y[m] * s[m]);
            }
            let (value, grad) = self.evaluate(terms, &price, budget);
            if reach.is_nan() {
                reach = (reached - value).max(1e-9);
                first_reach = reach;
            }
            if value > best {
                best = value;
                stalled = 0;
            } else {
                stalled += 1;
                if stalled >= STALL_STEPS {
                    reach *= 0.5;
                    stalled = 0;
                }
            }
            let scaled: Vec<[f64; 3]> = grad
                .iter()
                .zip(&scale)
                .map(|(g, s)| std::array::from_fn(|m| g[m] * s[m]))
                .collect();
            let norm2: f64 = scaled.iter().flatten().map(|g| g * g).sum();
            let level = reached.min(best + reach);
            // Done when nothing is left to gain: a plan meets the best
            // value, or the level has come within a part in a thousand of
            // it (or of the first distance, for a best near zero).
            if norm2 == 0.0 || best >= reached || reach < 1e-3 * best.abs().max(first_reach) {
                break;
            }
            let t = (level - value).max(0.0) / norm2;
            for (y, g) in y.iter_mut().zip(&scaled) {
                for m in 0..3 {
                    y[m] += t * g[m];
                }
            }
        }
        best
    }

    /// The Lagrangian value at `price` for `budget` moves, and its slope
    /// in each price (load the accounts bring less load the term takes).
    fn evaluate(
        &self,
        terms: &[[Term; 3]],
        price: &[[f64; 3]],
        budget: usize,
    ) -> (f64, Vec<[f64; 3]>) {
        let mut grad = vec![[0.0; 3]; terms.len()];
        let mut value = 0.0;
        for (r, rep_terms) in terms.iter().enumerate() {
            for (m, term) in rep_terms.iter().enumerate() {
                if term.slope == 0.0 {
                    continue;
                }
                let (h, at) = self.rep_term(r, m, &term.points, price[r][m]);
                value += h;
                grad[r][m] -= at;
            }
        }
        let choices: Vec<Choice> = (0..self.load.len())
            .into_par_iter()
            .with_min_len(ACCOUNTS_PER_TASK)
            .map(|i| self.choice(i, price))
            .collect();
        let mut leaving: Vec<usize> = (0..choices.len())
            .filter(|&i| choices[i].gain > 0.0)
            .collect();
        if leaving.len() > budget && budget > 0 {
            leaving.select_nth_unstable_by(budget - 1, |&a, &b| {
                choices[b].gain.total_cmp(&choices[a].gain).then(a.cmp(&b))
            });
        }
        leaving.truncate(budget);
        let mut moved = vec![false; choices.len()];
        for &i in &leaving {
            moved[i] = true;
        }
        for (i, c) in choices.iter().enumerate() {
            let (rep, gain) = if moved[i] {
                (c.to, c.gain)
            } else {
                (c.rep, 0.0)
            };
            if rep == usize::MAX {
                // No eligible rep (a dataset validation rejects): leaving
                // it out only lowers the bound.
                continue;
            }
            value += c.value - gain;
            for (g, l) in grad[rep].iter_mut().zip(&self.load[i]) {
                *g += l;
            }
        }
        (value, grad)
    }

    /// The slope of rep `r`'s term in metric `m` at load `x` (the right
    /// one at a kink).
    fn slope_at(&self, r: usize, m: usize, x: f64) -> f64 {
        let b = self.bands;
        let (t, cap) = (b.target[r][m], b.limit[r][m]);
        let mut slope = 0.0;
        if b.tol[m].is_finite() && t > 0.0 {
            if x >= t * (1.0 + b.tol[m]) {
                slope += 1.0 / t;
            } else if x < t * (1.0 - b.tol[m]) {
                slope -= 1.0 / t;
            }
        }
        if cap.is_finite() && x >= cap {
            slope += 1.0 / cap.max(1.0);
        }
        slope
    }

    /// `min f(L) - pi L` over the term's breakpoints, and the load there.
    fn rep_term(&self, r: usize, m: usize, points: &[f64], pi: f64) -> (f64, f64) {
        points
            .iter()
            .map(|&l| (self.bands.metric_violation(r, m, l) - pi * l, l))
            .fold((f64::INFINITY, 0.0), |a, b| if b.0 < a.0 { b } else { a })
    }

    fn choice(&self, i: usize, price: &[[f64; 3]]) -> Choice {
        let l = &self.load[i];
        let cost = |r: usize| price[r][0] * l[0] + price[r][1] * l[1] + price[r][2] * l[2];
        let owner = match self.kind[i] {
            AccountKind::Staying => self.current[i],
            _ => None,
        };
        let mut best = (f64::INFINITY, usize::MAX);
        for &r in &self.eligible[i] {
            if Some(r) == owner {
                continue;
            }
            let c = cost(r);
            if c < best.0 {
                best = (c, r);
            }
        }
        match owner {
            Some(o) => {
                let stay = cost(o);
                Choice {
                    value: stay,
                    rep: o,
                    gain: if best.1 == usize::MAX {
                        0.0
                    } else {
                        stay - best.0
                    },
                    to: if best.1 == usize::MAX { o } else { best.1 },
                }
            }
            None => Choice {
                value: best.0,
                rep: best.1,
                gain: 0.0,
                to: best.1,
            },
        }
    }
}
