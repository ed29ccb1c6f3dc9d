//! Planner speed: `cargo bench --bench plan`.
//!
//! Measured in one run so the report can give ratios:
//! - `plan_territories/2000x20` and `plan_territories/10000x100`: the whole
//!   territory solve (candidate core, column generation, rounding, repair,
//!   verification) on `generate(N, R, 1)`;
//! - `full_lp/2000x20`: building the full LP over every eligible pair of the
//!   2,000 x 20 instance and solving it once with Clarabel through
//!   `tplan::territory::solver`, the plain alternative to column generation
//!   (the LP only: no rounding or repair).
//!
//! - `plan_whole/...`: the same plans with `LpMethod::Whole`, the LP solved
//!   as one even where it falls into independent pieces (the path before
//!   pieces were solved side by side): the same-run baseline of
//!   `plan_territories`;
//! - `plan_dual/2000x20`: the same plan with `LpMethod::Dual` (Lagrangian
//!   prices and reduced-cost fixing before column generation), against
//!   `plan_territories` (`LpMethod::Columns`, the default) in the same run.
//!
//! `TPLAN_BENCH_LARGE=1` adds 60000x200 and 100000x500 to
//! `plan_territories` and `plan_whole` (up to minutes per iteration) and
//! `plan_dual/10000x100`. `TPLAN_BENCH_SOLVER=highs` (with `--features
//! highs`) changes the backend of every benchmark.
//!
//! Each benchmark takes 10 samples of one iteration each (flat sampling).

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};

use tplan::distance::haversine_km;
use tplan::generate::{generate, GenerateSpec};
use tplan::model::Dataset;
use tplan::territory::solver::{solve, LpModel, LpOutcome, Sense};
use tplan::territory::{plan_territories_with, LpMethod, PlanOptions};

fn solver() -> String {
    std::env::var("TPLAN_BENCH_SOLVER")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "clarabel".to_string())
}

fn options_with(solver: String) -> PlanOptions {
    PlanOptions {
        solver,
        progress: tplan::progress::Progress::off(),
        time_limit: None,
    }
}

/// The full territory LP of the brief over every eligible pair: x[i,r] >= 0,
/// sum_r x[i,r] = 1, per balance group free means with C_g T_g = group load,
/// and (1 ± tol) cap_r T_g bounds on each rep's potential and workload.
/// Potential and workload scaled to mean 1, distance to 1,000 km.
fn full_lp(ds: &Dataset) -> LpModel {
    let n = ds.accounts.len() as f64;
    let pmean = ds.accounts.iter().map(|a| a.potential).sum::<f64>() / n;
    let wmean = ds.accounts.iter().map(|a| a.workload).sum::<f64>() / n;
    let tol_p = ds.config.balance.potential_tolerance;
    let tol_w = ds.config.balance.workload_tolerance;
    let mut lp = LpModel::default();
    let mut by_rep: Vec<Vec<(usize, usize)>> = vec![Vec::new(); ds.reps.len()];
    for (i, a) in ds.accounts.iter().enumerate() {
        let mut row = Vec::new();
        for (r, rep) in ds.reps.iter().enumerate() {
            let eligible = rep.capacity > 0.0
                && rep.covers(a.segment.as_deref())
                && (!a.locked || a.current_owner.as_deref() == Some(rep.id.as_str()));
            if eligible {
                let km = haversine_km(a.lat, a.lon, rep.lat, rep.lon);
                let j = lp.add_var(0.0, f64::INFINITY, a.potential / pmean * km / 1000.0);
                row.push((j, 1.0));
                by_rep[r].push((i, j));
            }
        }
        lp.add_row(row, Sense::Eq, 1.0);
    }
    let mut groups: Vec<(Vec<String>, Vec<usize>)> = Vec::new();
    for (r, rep) in ds.reps.iter().enumerate() {
        if rep.capacity <= 0.0 {
            continue;
        }
        match groups.iter_mut().find(|(k, _)| *k == rep.segments) {
            Some((_, members)) => members.push(r),
            None => groups.push((rep.segments.clone(), vec![r])),
        }
    }
    for (_, members) in &groups {
        let cap: f64 = members.iter().map(|&r| ds.reps[r].capacity).sum();
        let tp = lp.add_var(f64::NEG_INFINITY, f64::INFINITY, 0.0);
        let tw = lp.add_var(f64::NEG_INFINITY, f64::INFINITY, 0.0);
        let mut gp = vec![(tp, -cap)];
        let mut gw = vec![(tw, -cap)];
        for &r in members {
            let c = ds.reps[r].capacity;
            let p: Vec<(usize, f64)> = by_rep[r]
                .iter()
                .map(|&(i, j)| (j, ds.accounts[i].potential / pmean))
                .collect();
            let w: Vec<(usize, f64)> = by_rep[r]
                .iter()
                .map(|&(i, j)| (j, ds.accounts[i].workload / wmean))
                .collect();
            gp.extend(&p);
            gw.extend(&w);
            for (terms, t, tol) in [(p, tp, tol_p), (w, tw, tol_w)] {
                let mut hi = terms.clone();
                hi.push((t, -(1.0 + tol) * c));
                lp.add_row(hi, Sense::Le, 0.0);
                let mut lo = terms;
                lo.push((t, -(1.0 - tol) * c));
                lp.add_row(lo, Sense::Ge, 0.0);
            }
        }
        lp.add_row(gp, Sense::Eq, 0.0);
        lp.add_row(gw, Sense::Eq, 0.0);
    }
    lp
}

fn large() -> bool {
    std::env::var_os("TPLAN_BENCH_LARGE").is_some_and(|v| v == "1")
}

fn bench_plan(c: &mut Criterion) {
    let mut sizes = vec![(2_000, 20), (10_000, 100)];
    if large() {
        sizes.extend([(60_000, 200), (100_000, 500)]);
    }
    plan_group(c, "plan_territories", LpMethod::Columns, &sizes);
}

/// The same plans with tplan's own interior-point LP, beside
/// `plan_territories` (Clarabel) in the same run.
fn bench_plan_ipm(c: &mut Criterion) {
    let mut sizes = vec![(2_000, 20), (10_000, 100)];
    if large() {
        sizes.extend([(60_000, 200), (100_000, 500)]);
    }
    plan_group_with(c, "plan_ipm", LpMethod::Columns, &sizes, "ipm");
}

fn bench_plan_whole(c: &mut Criterion) {
    let mut sizes = vec![(2_000, 20), (10_000, 100)];
    if large() {
        sizes.extend([(60_000, 200), (100_000, 500)]);
    }
    plan_group(c, "plan_whole", LpMethod::Whole, &sizes);
}

fn bench_plan_dual(c: &mut Criterion) {
    let mut sizes = vec![(2_000, 20)];
    if large() {
        sizes.push((10_000, 100));
    }
    plan_group(c, "plan_dual", LpMethod::Dual, &sizes);
}

/// `plan_territories_with(method)` end to end on `generate(N, R, 1)`.
fn plan_group(c: &mut Criterion, name: &str, method: LpMethod, sizes: &[(usize, usize)]) {
    plan_group_with(c, name, method, sizes, &solver())
}

fn plan_group_with(
    c: &mut Criterion,
    name: &str,
    method: LpMethod,
    sizes: &[(usize, usize)],
    solver: &str,
) {
    let mut group = c.benchmark_group(name);
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
    for &(accounts, reps) in sizes {
        let ds = generate(&GenerateSpec::new(accounts, reps, 1));
        let options = options_with(solver.to_string());
        group.bench_function(
            BenchmarkId::from_parameter(format!("{accounts}x{reps}")),
            |b| b.iter(|| plan_territories_with(&ds, &options, method).expect("plan")),
        );
    }
    group.finish();
}

fn bench_full_lp(c: &mut Criterion) {
    let ds = generate(&GenerateSpec::new(2_000, 20, 1));
    let solver = solver();
    let mut group = c.benchmark_group("full_lp");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
    group.bench_function(BenchmarkId::from_parameter("2000x20"), |b| {
        b.iter(|| {
            let lp = full_lp(&ds);
            match solve(&solver, &lp).expect("solve") {
                LpOutcome::Optimal(sol) => sol.objective,
                LpOutcome::Infeasible => panic!("full LP infeasible"),
                LpOutcome::TimeLimit => panic!("full LP stopped without a time limit"),
            }
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    bench_plan,
    bench_plan_ipm,
    bench_plan_whole,
    bench_plan_dual,
    bench_full_lp
);
criterion_main!(benches);
