//! Write a tplan output folder for a generated instance without solving:
//! every account goes to its nearest eligible rep. For timing `tplan
//! report` at a scale where planning itself takes many minutes:
//!
//! ```text
//! cargo run --release --example fake_plan_folder -- 100000 500 1 /tmp/fake100k
//! time target/release/tplan report /tmp/fake100k
//! ```
//!
//! The folder is written by the library's own writer (same files and
//! formats as `tplan plan --no-report`); only the plan is fake.

use std::path::PathBuf;
use std::time::Instant;

use tplan::distance::haversine_km;
use tplan::generate::{generate, GenerateSpec};
use tplan::model::{Assignment, Plan, PlanStatus, Reason};
use tplan::output::{self, RunClock, RunInfo, StagedDir};
use tplan::territory::{verify, PlanOutcome, SolveStats};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [accounts, reps, seed, out] = args.as_slice() else {
        anyhow::bail!("usage: fake_plan_folder ACCOUNTS REPS SEED OUT");
    };
    let started = Instant::now();
    let ds = generate(&GenerateSpec::new(
        accounts.parse()?,
        reps.parse()?,
        seed.parse()?,
    ));
    let owner: Vec<usize> = ds
        .accounts
        .iter()
        .map(|a| {
            (0..ds.reps.len())
                .filter(|&r| ds.reps[r].capacity > 0.0 && ds.reps[r].covers(a.segment.as_deref()))
                .min_by(|&x, &y| {
                    let d = |r: usize| haversine_km(a.lat, a.lon, ds.reps[r].lat, ds.reps[r].lon);
                    d(x).total_cmp(&d(y))
                })
                .unwrap_or(0)
        })
        .collect();
    let previous: Vec<Option<usize>> = ds
        .accounts
        .iter()
        .map(|a| a.current_owner.as_deref().and_then(|o| ds.rep_index(o)))
        .collect();
    let assignments = owner
        .iter()
        .enumerate()
        .map(|(i, &r)| {
            let a = &ds.accounts[i];
            Assignment {
                account: i,
                rep: r,
                distance_km: haversine_km(a.lat, a.lon, ds.reps[r].lat, ds.reps[r].lon),
                previous_rep: previous[i],
                moved: previous[i].is_some_and(|p| p != r),
                reason: Reason::Nearest,
            }
        })
        .collect();
    let some: Vec<Option<usize>> = owner.iter().map(|&r| Some(r)).collect();
    let objective = verify::objective(&ds, &owner);
    let outcome = PlanOutcome {
        plan: Plan {
            assignments,
            balance: verify::rep_balances(&ds, &some),
            compactness: tplan::territory::compactness_of(&ds, &owner),
            segment_parts: Vec::new(),
            status: PlanStatus::OutsideTolerance,
            objective,
            lp_bound: objective,
            gap: 0.0,
        },
        stats: SolveStats::default(),
        status_quo: previous
            .iter()
            .any(Option::is_some)
            .then(|| verify::rep_balances(&ds, &previous)),
    };
    let out = PathBuf::from(out);
    let input = std::env::temp_dir().join("tplan-fake-input");
    let staged = StagedDir::create(&out, &input, &[])?;
    let run = RunInfo {
        command: vec!["fake_plan_folder".into()],
        inputs: vec![],
        warnings: vec![],
        solver: "none (nearest rep)".into(),
    };
    output::write_plan_folder(
        staged,
        &ds,
        &outcome,
        &run,
        RunClock {
            started,
            load: 0.0,
            solve: 0.0,
        },
    )?;
    println!(
        "wrote {} in {:.2} s",
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
