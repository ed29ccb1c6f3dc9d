//! `tplan generate`: write a synthetic instance.
//!
//! Guards first: counts within what fits in memory, and an `--out` folder
//! that is new, empty, or one `generate` wrote before (it holds
//! [`GENERATED_MARKER`]), so a user's own accounts.csv is never replaced.

use std::path::{Path, PathBuf};

use crate::generate::{generate, GenerateSpec, SEGMENTS};
use crate::model::Dataset;
use crate::{Error, Result};

/// Most accounts `generate` writes: about 2 GB in memory, far beyond the
/// largest instance the planner is measured on (100,000 accounts).
pub const MAX_ACCOUNTS: usize = 10_000_000;
/// Most reps `generate` writes.
pub const MAX_REPS: usize = 100_000;
/// File `generate` leaves in its folder so a later run may write there again.
pub const GENERATED_MARKER: &str = ".tplan-generated";

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
    check_counts(options.accounts, options.reps)?;
    check_out_folder(&options.out)?;
    let spec = GenerateSpec::new(options.accounts, options.reps, options.seed);
    let dataset = generate(&spec);
    crate::io::write_dataset(&options.out, &dataset)?;
    let marker = options.out.join(GENERATED_MARKER);
    let note = format!(
        "written by tplan generate --accounts {} --reps {} --seed {}; tplan generate may overwrite this folder's accounts.csv and reps.csv\n",
        options.accounts, options.reps, options.seed
    );
    std::fs::write(&marker, note).map_err(|e| Error::io(&marker, e))?;
    println!("{}", summary(&dataset, options));
    Ok(())
}

/// At least one account and one rep, and no more than the limits.
pub fn check_counts(accounts: usize, reps: usize) -> Result<()> {
    for (what, n, max) in [
        ("accounts", accounts, MAX_ACCOUNTS),
        ("reps", reps, MAX_REPS),
    ] {
        if n == 0 || n > max {
            return Err(Error::Usage(format!(
                "--{what} {n}: expected 1 to {}",
                crate::io::thousands(max as f64)
            )));
        }
    }
    Ok(())
}

/// `out` must be missing, an empty folder, or a folder `generate` wrote.
fn check_out_folder(out: &Path) -> Result<()> {
    let metadata = match std::fs::metadata(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(out, e)),
        Ok(m) => m,
    };
    if !metadata.is_dir() {
        return Err(Error::Usage(format!(
            "--out {} is an existing file, not a folder: give the path of a new or empty folder",
            out.display()
        )));
    }
    let mut names: Vec<String> = std::fs::read_dir(out)
        .map_err(|e| Error::io(out, e))?
        .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<std::io::Result<_>>()
        .map_err(|e| Error::io(out, e))?;
    if names.is_empty() || names.iter().any(|n| n == GENERATED_MARKER) {
        return Ok(());
    }
    names.sort();
    let shown = names.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    let more = names.len().saturating_sub(5);
    Err(Error::Usage(format!(
        "--out {} already holds files tplan generate did not write ({shown}{}): generate writes only into a new or empty folder, or one it wrote before; choose another --out",
        out.display(),
        if more > 0 { format!(" and {more} more") } else { String::new() }
    )))
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
