//! The Lagrangian dual of the territory LP over its balance bands, and the
//! reduced-cost fixing it makes possible on large instances.
//!
//! Relaxing every rep's band rows (an upper multiplier `u` and a lower one
//! `l` per rep and balanced metric) and substituting each group's mean
//! `T_g = sum of the group's loads / C_g` separates the LP by account: each
//! account goes to the rep of its pool with the lowest priced cost
//! `cost(i, r) - sum_m load_m(i) * price[r][m]`, where
//! `price[r][m] = l - u + (1/C_g) sum_{s in g} cap_s ((1+t) u_s - (1-t) l_s)`
//! (the same sign convention as the LP's duals in `lp.rs`). One evaluation
//! of the dual is one parallel pass over the pool's pairs, so a few hundred
//! subgradient steps cost far less than one interior-point solve at 100,000
//! accounts.
//!
//! The prices only choose which accounts the LP still has to decide: an
//! account whose best priced rep beats every other by a clear margin is
//! fixed there (it enters the LP as a constant), the rest keep the reps
//! within the margin. Column generation over every eligible pair then
//! frees any fixed account that prices out, so the LP optimum and its
//! bound are exactly those of the full model whatever the prices' quality;
//! good prices only make the LPs small and few.

use rayon::prelude::*;

use super::problem::{Problem, KM_SCALE, NUM_METRICS};

/// Ascent steps at most.
const MAX_STEPS: usize = 400;
/// First step of every multiplier (cost units per fair share: 0.02 is
/// 20 km per unit of potential).
const FIRST_STEP: f64 = 0.02;
/// Step growth while a multiplier's slope keeps its sign, and shrinkage
/// when it flips.
const GROW: f64 = 1.2;
const SHRINK: f64 = 0.5;
/// The ascent stops once every step is below this.
const MIN_STEP: f64 = 1e-7;

/// Pool pairs with their costs, flat per account, for repeated pricing.
struct PricedPool {
    start: Vec<usize>,
    rep: Vec<u32>,
    cost: Vec<f64>,
    /// Loads per account in the balanced metrics (0 in the others, whose
    /// price is always 0).
    load: Vec<[f64; NUM_METRICS]>,
}

impl PricedPool {
    fn new(p: &Problem, pool: &[Vec<usize>], balanced: &[usize]) -> PricedPool {
        let mut start = Vec::with_capacity(pool.len() + 1);
        start.push(0);
        for reps in pool {
            start.push(start.last().copied().unwrap_or(0) + reps.len());
        }
        let rep = pool.iter().flatten().map(|&r| r as u32).collect();
        let cost = pool
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, reps)| reps.iter().map(move |&r| p.cost(i, r)))
            .collect();
        let load = (0..p.num_accounts)
            .map(|i| {
                let mut l = [0.0; NUM_METRICS];
                for &m in balanced {
                    l[m] = p.load(m, i);
                }
                l
            })
            .collect();
        PricedPool {
            start,
            rep,
            cost,
            load,
        }
    }

    /// Account `i`'s pool pairs as (rep, priced cost), in pool order.
    fn priced<'a>(
        &'a self,
        i: usize,
        price: &'a [[f64; NUM_METRICS]],
    ) -> impl Iterator<Item = (usize, f64)> + 'a {
        let l = self.load[i];
        (self.start[i]..self.start[i + 1]).map(move |k| {
            let r = self.rep[k] as usize;
            let pr = &price[r];
            (
                r,
                self.cost[k] - (l[0] * pr[0] + l[1] * pr[1] + l[2] * pr[2]),
            )
        })
    }

    /// Each account's cheapest priced pool rep (ties to the lower index)
    /// and that priced cost.
    fn cheapest(&self, price: &[[f64; NUM_METRICS]]) -> Vec<(usize, f64)> {
        (0..self.load.len())
            .into_par_iter()
            .map(|i| {
                self.priced(i, price)
                    .fold((usize::MAX, f64::INFINITY), |best, (r, v)| {
                        if v < best.1 || (v == best.1 && r < best.0) {
                            (r, v)
                        } else {
                            best
                        }
                    })
            })
            .collect()
    }
}

/// Band multipliers per rep and metric.
#[derive(Debug, Clone)]
struct Multipliers {
    upper: Vec<[f64; NUM_METRICS]>,
    lower: Vec<[f64; NUM_METRICS]>,
}

impl Multipliers {
    fn zero(reps: usize) -> Multipliers {
        Multipliers {
            upper: vec![[0.0; NUM_METRICS]; reps],
            lower: vec![[0.0; NUM_METRICS]; reps],
        }
    }

    /// Price per rep and metric (see the module comment).
    fn prices(&self, p: &Problem, balanced: &[usize]) -> Vec<[f64; NUM_METRICS]> {
        let mut price = vec![[0.0; NUM_METRICS]; p.num_reps];
        for group in &p.groups {
            for &m in balanced {
                let t = p.tol[m];
                let kappa: f64 = group
                    .reps
                    .iter()
                    .map(|&s| {
                        p.cap[s] * ((1.0 + t) * self.upper[s][m] - (1.0 - t) * self.lower[s][m])
                    })
                    .sum::<f64>()
                    / group.capacity;
                for &r in &group.reps {
                    price[r][m] = self.lower[r][m] - self.upper[r][m] + kappa;
                }
            }
        }
        price
    }
}

/// Near-optimal balance prices of the LP over `pool`, by ascent on its
/// Lagrangian dual.
#[derive(Debug, Clone)]
pub struct DualPrices {
    /// Price per rep and metric, in the LP's dual convention.
    pub price: Vec<[f64; NUM_METRICS]>,
    /// The best dual value: a lower bound on the LP over the pool's pairs
    /// (not on the full LP, whose bound column generation reports).
    pub value: f64,
    /// Dual evaluations made.
    pub steps: usize,
}

/// One multiplier's sign-step state: its own step length and the sign of
/// its last slope.
#[derive(Debug, Clone, Copy)]
struct Stride {
    step: f64,
    last: f64,
}

impl Stride {
    /// Move `x` along the sign of `slope` within `[0, cap]`: the step grows
    /// while the sign holds and halves when it flips, so each multiplier
    /// settles where its rep's load crosses the band edge.
    fn advance(&mut self, x: &mut f64, slope: f64, cap: f64) {
        let blocked = (slope <= 0.0 && *x <= 0.0) || (slope >= 0.0 && *x >= cap);
        if blocked || slope == 0.0 {
            self.last = 0.0;
            return;
        }
        if self.last * slope > 0.0 {
            self.step *= GROW;
        } else if self.last * slope < 0.0 {
            self.step *= SHRINK;
        }
        *x = (*x + slope.signum() * self.step).clamp(0.0, cap);
        self.last = slope.signum();
    }
}

/// Maximise the Lagrangian dual over `pool` by sign steps per multiplier
/// (resilient propagation). Plain subgradient steps with a Polyak target
/// were tried first: at 100,000 x 500 they reached only 83 % of the LP
/// optimum in 600 steps, because one step length serves every rep, while
/// the reps' prices differ by orders of magnitude. Multipliers stay within
/// `[0, penalty]`: the LP's band slacks cost `penalty` per unit, which
/// bounds the band rows' duals.
pub fn ascend(p: &Problem, pool: &[Vec<usize>], penalty: f64) -> DualPrices {
    let balanced = p.balanced_metrics();
    let pairs = PricedPool::new(p, pool, &balanced);
    let mut mult = Multipliers::zero(p.num_reps);
    let fresh = Stride {
        step: FIRST_STEP,
        last: 0.0,
    };
    let mut up_stride = vec![[fresh; NUM_METRICS]; p.num_reps];
    let mut low_stride = vec![[fresh; NUM_METRICS]; p.num_reps];
    let mut best = DualPrices {
        price: mult.prices(p, &balanced),
        value: f64::NEG_INFINITY,
        steps: 0,
    };
    for step in 0..MAX_STEPS {
        let price = mult.prices(p, &balanced);
        let cheapest = pairs.cheapest(&price);
        // Summed in account order: the same value whatever the threads.
        let value: f64 = cheapest.iter().map(|c| c.1).sum();
        best.steps = step + 1;
        if value > best.value {
            best.price = price;
            best.value = value;
        }
        let (up, low) = band_excess(p, &balanced, &pairs, &cheapest);
        let mut largest: f64 = 0.0;
        for r in 0..p.num_reps {
            for &m in &balanced {
                up_stride[r][m].advance(&mut mult.upper[r][m], up[r][m], penalty);
                low_stride[r][m].advance(&mut mult.lower[r][m], low[r][m], penalty);
                largest = largest.max(up_stride[r][m].step).max(low_stride[r][m].step);
            }
        }
        if largest < MIN_STEP {
            break;
        }
    }
    best
}

type PerRep = Vec<[f64; NUM_METRICS]>;

/// Subgradient of the dual: by how much each rep's load at the argmin is
/// above its upper band edge, and below its lower edge (negative inside).
fn band_excess(
    p: &Problem,
    balanced: &[usize],
    pairs: &PricedPool,
    cheapest: &[(usize, f64)],
) -> (PerRep, PerRep) {
    let mut load = vec![[0.0; NUM_METRICS]; p.num_reps];
    for (i, &(r, _)) in cheapest.iter().enumerate() {
        for &m in balanced {
            load[r][m] += pairs.load[i][m];
        }
    }
    let mut up = vec![[0.0; NUM_METRICS]; p.num_reps];
    let mut low = vec![[0.0; NUM_METRICS]; p.num_reps];
    for group in &p.groups {
        for &m in balanced {
            let mean = group.reps.iter().map(|&r| load[r][m]).sum::<f64>() / group.capacity;
            for &r in &group.reps {
                let target = p.cap[r] * mean;
                up[r][m] = load[r][m] - (1.0 + p.tol[m]) * target;
                low[r][m] = (1.0 - p.tol[m]) * target - load[r][m];
            }
        }
    }
    (up, low)
}

/// Reduced-cost fixing: per account, the pool reps whose priced cost is
/// within `margin_km` (times the account's summed balanced loads, so the
/// margin covers a price error of that many km per fair share in every
/// metric) of its cheapest. An account left with one rep is fixed there.
pub fn fixed_core(
    p: &Problem,
    pool: &[Vec<usize>],
    price: &[[f64; NUM_METRICS]],
    margin_km: f64,
) -> Vec<Vec<usize>> {
    let balanced = p.balanced_metrics();
    let pairs = PricedPool::new(p, pool, &balanced);
    (0..p.num_accounts)
        .into_par_iter()
        .map(|i| {
            let priced: Vec<(usize, f64)> = pairs.priced(i, price).collect();
            let best = priced.iter().map(|x| x.1).fold(f64::INFINITY, f64::min);
            let weight: f64 = pairs.load[i].iter().sum();
            let margin = weight.max(1e-9) * margin_km / KM_SCALE;
            let mut reps: Vec<usize> = priced
                .into_iter()
                .filter(|&(_, v)| v <= best + margin)
                .map(|(r, _)| r)
                .collect();
            reps.sort_unstable();
            reps
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::territory::candidates::start_candidates;
    use crate::territory::lp::{solve_restricted, Phase};

    fn problem(accounts: usize, reps: usize, seed: u64) -> Problem {
        let ds =
            crate::generate::generate(&crate::generate::GenerateSpec::new(accounts, reps, seed));
        Problem::new(&ds)
    }

    /// The dual value is a lower bound on the LP over the same pairs, and
    /// close to its optimum: the relaxation is exact for an LP (strong
    /// duality), so the ascent must get near.
    #[test]
    fn dual_value_bounds_the_pool_lp_from_below_and_gets_close() {
        let p = problem(600, 12, 2);
        let pool = start_candidates(&p);
        let dual = ascend(&p, &pool, 100.0);
        let lp = solve_restricted(&p, &pool, Phase::Cost { penalty: 100.0 }, "clarabel").unwrap();
        let optimum = lp.cost + 100.0 * lp.slack;
        assert!(
            dual.value <= optimum + 1e-6 * optimum.abs(),
            "{} > {optimum}",
            dual.value
        );
        assert!(
            dual.value >= optimum * (1.0 - 0.01),
            "dual {} too far below the LP optimum {optimum}",
            dual.value
        );
    }

    /// Every account keeps its cheapest priced rep; a zero margin keeps
    /// only exact ties with it (co-located reps), a huge one every pool rep.
    #[test]
    fn fixing_keeps_the_cheapest_rep_and_widens_with_the_margin() {
        let p = problem(300, 8, 1);
        let pool = start_candidates(&p);
        let dual = ascend(&p, &pool, 100.0);
        let tight = fixed_core(&p, &pool, &dual.price, 0.0);
        let loose = fixed_core(&p, &pool, &dual.price, 1e9);
        let balanced = p.balanced_metrics();
        let pairs = PricedPool::new(&p, &pool, &balanced);
        let cheapest = pairs.cheapest(&dual.price);
        for i in 0..p.num_accounts {
            assert!(tight[i].contains(&cheapest[i].0), "account {i}");
            for (r, v) in pairs.priced(i, &dual.price) {
                assert_eq!(
                    tight[i].contains(&r),
                    v <= cheapest[i].1,
                    "account {i}, rep {r}"
                );
            }
            assert_eq!(loose[i], pool[i], "account {i}");
        }
    }
}
