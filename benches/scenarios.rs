//! Scenario sweep speed: `cargo bench --bench scenarios`.
//!
//! A 10,000-point sweep (attrition x ramp_months x productivity x
//! attainment x lead_time_months = 10 x 10 x 10 x 10 x 1) over a 36-month
//! horizon on a generated 200-rep roster (`generate(2000, 200, 1)`, fiscal
//! year 2027, a $1B target), each point being a full scenario: roster
//! simulation, unit hire, headcount solve, plan with hires. Measured in the
//! same run, with rayon (`sweep/parallel`) and on one thread
//! (`sweep/sequential`); after criterion, a plain timing of five runs of
//! each prints both medians and the ratio (sequential / parallel) on
//! stderr. Target: the parallel sweep under 2 s on 2 cores.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};

use tplan::generate::{generate, GenerateSpec};
use tplan::scenarios::{sweep, ScenarioParams, Setup, SweepConfig};

fn setup() -> (Setup, Vec<ScenarioParams>) {
    let mut ds = generate(&GenerateSpec::new(2_000, 200, 1));
    ds.config.fiscal_year = Some(2027);
    ds.config.quota.company_target = Some(1.0e9);
    ds.config.scenarios.horizon_months = 36;
    ds.config.scenarios.quota_per_ramped_fte = Some(5.0e6);
    let setup = Setup::new(&ds, "bench").expect("bench setup");
    let ten = |from: f64, step: f64| (0..10).map(|i| from + step * i as f64).collect::<Vec<_>>();
    let grid = SweepConfig {
        attrition: ten(0.05, 0.03),
        ramp_months: (3..=12).collect(),
        productivity: ten(0.8, 0.05),
        attainment: ten(0.7, 0.04),
        ..SweepConfig::default()
    };
    let points = sweep::grid(ScenarioParams::likely(), &grid);
    assert_eq!(points.len(), 10_000);
    (setup, points)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn bench_sweep(c: &mut Criterion) {
    let (setup, points) = setup();
    let mut group = c.benchmark_group("sweep");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("parallel", |b| {
        b.iter(|| sweep::run(&setup, &points, true, &|_| {}))
    });
    group.bench_function("sequential", |b| {
        b.iter(|| sweep::run(&setup, &points, false, &|_| {}))
    });
    group.finish();

    let time = |parallel: bool| {
        median(
            (0..5)
                .map(|_| {
                    let t = Instant::now();
                    let out = sweep::run(&setup, &points, parallel, &|_| {});
                    assert_eq!(out.len(), points.len());
                    t.elapsed().as_secs_f64()
                })
                .collect(),
        )
    };
    let par = time(true);
    let seq = time(false);
    eprintln!(
        "sweep of {} scenarios x {} months on {} rayon threads: parallel {:.3} s, sequential {:.3} s, ratio {:.2}x",
        points.len(),
        setup.months.len(),
        rayon::current_num_threads(),
        par,
        seq,
        seq / par
    );
}

criterion_group!(benches, bench_sweep);
criterion_main!(benches);
