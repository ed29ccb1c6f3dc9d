//! Rebalance speed: `cargo bench --bench rebalance`.
//!
//! `rebalance/2000x20` and `rebalance/10000x100`: `generate(N, R, 1)` is
//! planned, the plan fed back as today's owners, then every fourth
//! account's potential is raised by 80 %; each iteration solves the
//! rebalance model (LP with the move charge, rounding, repair,
//! verification), undoes the moves balance can spare and walks the
//! frontier, as `tplan rebalance` does. `plan_territories` on the same
//! perturbed data runs beside it for the ratio (issue 15's target: a
//! rebalance of 60,000 accounts x 200 reps no slower than `plan` on the
//! same data).
//!
//! `TPLAN_BENCH_LARGE=1` adds `rebalance/60000x200` and `plan/60000x200`
//! (a minute or more per iteration), as in benches/plan.rs.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};

use tplan::generate::{generate, GenerateSpec};
use tplan::model::Dataset;
use tplan::rebalance::frontier::Frontier;
use tplan::rebalance::{model, prepare, Origin};
use tplan::territory::{plan_territories, PlanOptions};

fn options() -> PlanOptions {
    PlanOptions {
        solver: "clarabel".to_string(),
        progress: tplan::progress::Progress::off(),
        time_limit: None,
    }
}

/// A balanced plan of `generate(accounts, reps, 1)` as today's owners,
/// with a quarter of the accounts' potential drifted up.
fn drifted(accounts: usize, reps: usize) -> Dataset {
    let mut ds = generate(&GenerateSpec::new(accounts, reps, 1));
    let plan = plan_territories(&ds, &options()).expect("plan");
    for a in &plan.plan.assignments {
        ds.accounts[a.account].current_owner = Some(ds.reps[a.rep].id.clone());
    }
    for a in ds.accounts.iter_mut().step_by(4) {
        a.potential *= 1.8;
    }
    ds
}

fn large() -> bool {
    std::env::var_os("TPLAN_BENCH_LARGE").is_some_and(|v| v == "1")
}

fn bench_rebalance(c: &mut Criterion) {
    let mut group = c.benchmark_group("rebalance");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
    let mut sizes = vec![(2_000, 20), (10_000, 100)];
    if large() {
        sizes.push((60_000, 200));
    }
    for (accounts, reps) in sizes {
        let ds = drifted(accounts, reps);
        let origin = Origin {
            accounts_file: "accounts.csv",
            reps_file: "reps.csv",
            account_lines: &[],
            rep_lines: &[],
        };
        let setup = prepare(&ds, None, Vec::new(), origin).expect("setup");
        let options = options();
        group.bench_function(
            BenchmarkId::new("rebalance", format!("{accounts}x{reps}")),
            |b| {
                b.iter(|| {
                    let solved = model::solve(&setup, &options).expect("rebalance");
                    let owner = model::owners(&solved.outcome);
                    let fewer = Frontier::new(&setup, &owner).undo_moves(&owner);
                    let undone = setup.discretionary_moves(&fewer);
                    let (full, moves) = if undone < solved.moves {
                        (fewer, undone)
                    } else {
                        (owner, solved.moves)
                    };
                    Frontier::new(&setup, &full).series(moves).len()
                })
            },
        );
        group.bench_function(
            BenchmarkId::new("plan", format!("{accounts}x{reps}")),
            |b| b.iter(|| plan_territories(&ds, &options).expect("plan")),
        );
    }
    group.finish();
}

criterion_group!(benches, bench_rebalance);
criterion_main!(benches);
