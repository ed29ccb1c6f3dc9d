//! `tplan generate`: write a synthetic instance.

use std::path::PathBuf;

use crate::generate::{generate, GenerateSpec, SEGMENTS};
use crate::model::Dataset;
use crate::Result;

/// Arguments of `tplan generate`.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    pub accounts: usize,
    pub reps: usize,
    pub seed: u64,
    pub out: PathBuf,
}

/// Generate the instance and write accounts.csv and reps.csv into `out`
/// (created if missing); prints a one-line summary on stdout.
pub fn run(options: &GenerateOptions) -> Result<()> {
    let spec = GenerateSpec::new(options.accounts, options.reps, options.seed);
    let dataset = generate(&spec);
    crate::io::write_dataset(&options.out, &dataset)?;
    println!("{}", summary(&dataset, options));
    Ok(())
}

/// One line: counts per segment, locks, total potential, capacity, where.
fn summary(dataset: &Dataset, options: &GenerateOptions) -> String {
    let per_segment: Vec<String> = SEGMENTS
        .iter()
        .map(|s| {
            let n = dataset
                .accounts
                .iter()
                .filter(|a| a.segment.as_deref() == Some(*s))
                .count();
            format!("{s} {n}")
        })
        .collect();
    let locked = dataset.accounts.iter().filter(|a| a.locked).count();
    let potential: f64 = dataset.accounts.iter().map(|a| a.potential).sum();
    let fte: f64 = dataset.reps.iter().map(|r| r.capacity).sum();
    format!(
        "generated {} accounts ({}; {} locked; potential {}) and {} reps ({} FTE) with seed {} into {}",
        dataset.accounts.len(),
        per_segment.join(", "),
        locked,
        crate::io::thousands(potential),
        dataset.reps.len(),
        fte,
        options.seed,
        options.out.display()
    )
}
