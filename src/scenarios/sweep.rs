//! Parameter sweeps: every combination of the `[scenarios.sweep]` lists,
//! run on a base scenario, in parallel with rayon.
//!
//! Grid order (the row order of sweep.csv) is fixed: attrition varies
//! slowest, then ramp_months, productivity, attainment and
//! lead_time_months fastest, each list in the order written. Results come
//! back in grid order whatever the thread count, so the output is
//! deterministic.

use rayon::prelude::*;

use super::{evaluate, Setup, Summary};
use crate::model::{ScenarioParams, SweepConfig};

/// Points evaluated between two progress reports.
const CHUNK: usize = 64;

/// The grid's scenarios in grid order.
pub fn grid(base: ScenarioParams, sweep: &SweepConfig) -> Vec<ScenarioParams> {
    fn or<T: Copy>(values: &[T], base: T) -> Vec<T> {
        if values.is_empty() {
            vec![base]
        } else {
            values.to_vec()
        }
    }
    let attrition = or(&sweep.attrition, base.attrition);
    let ramp: Vec<Option<u32>> = if sweep.ramp_months.is_empty() {
        vec![base.ramp_months]
    } else {
        sweep.ramp_months.iter().map(|&r| Some(r)).collect()
    };
    let productivity = or(&sweep.productivity, base.productivity);
    let attainment = or(&sweep.attainment, base.attainment);
    let lead = or(&sweep.lead_time_months, base.lead_time_months);
    let mut points = Vec::with_capacity(sweep.points());
    for &a in &attrition {
        for &r in &ramp {
            for &p in &productivity {
                for &t in &attainment {
                    for &l in &lead {
                        points.push(ScenarioParams {
                            attrition: a,
                            ramp_months: r,
                            productivity: p,
                            attainment: t,
                            lead_time_months: l,
                            backfill: base.backfill,
                        });
                    }
                }
            }
        }
    }
    points
}

/// Evaluate every point, in grid order; `parallel` chooses rayon or one
/// thread. `progress` is called with the number of points just finished.
pub fn run(
    setup: &Setup,
    points: &[ScenarioParams],
    parallel: bool,
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<Summary> {
    let chunk = |c: &[ScenarioParams]| {
        let out: Vec<Summary> = c.iter().map(|p| evaluate(setup, p).summary).collect();
        progress(c.len());
        out
    };
    if parallel {
        points.par_chunks(CHUNK).flat_map_iter(chunk).collect()
    } else {
        points.chunks(CHUNK).flat_map(chunk).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_order_is_attrition_outermost() {
        let sweep = SweepConfig {
            attrition: vec![0.1, 0.2],
            lead_time_months: vec![1, 2, 3],
            ..SweepConfig::default()
        };
        let g = grid(ScenarioParams::likely(), &sweep);
        assert_eq!(g.len(), 6);
        assert_eq!(sweep.points(), 6);
        let pairs: Vec<(f64, u32)> = g
            .iter()
            .map(|p| (p.attrition, p.lead_time_months))
            .collect();
        assert_eq!(
            pairs,
            [(0.1, 1), (0.1, 2), (0.1, 3), (0.2, 1), (0.2, 2), (0.2, 3)]
        );
        assert!(g
            .iter()
            .all(|p| p.attainment == ScenarioParams::likely().attainment));
    }
}
