//! One module per subcommand; `main.rs` parses arguments and calls these.

pub mod explain;
pub mod generate;
pub mod plan;
pub mod quota;
pub mod rebalance;
pub mod report;
pub mod review;
pub mod scenarios;
pub mod validate;

use std::path::{Path, PathBuf};

/// The plan config file as the user would name it in a message.
pub(crate) fn config_label(dir: &Path, config: Option<&Path>) -> String {
    match config {
        Some(path) => path.display().to_string(),
        None => dir.join(crate::io::CONFIG_FILE).display().to_string(),
    }
}

/// Fill in the config file name on config problems raised after loading.
pub(crate) fn name_config_file(err: crate::Error, label: &str) -> crate::Error {
    match err {
        crate::Error::Input { mut problems, more } => {
            for p in &mut problems {
                if p.file.is_empty() {
                    p.file = label.to_string();
                }
            }
            crate::Error::Input { problems, more }
        }
        other => other,
    }
}

/// A run's claim on its output folder, taken before any time is spent
/// solving: where the folder is, the files it must never overwrite, what
/// is there now, and the run lock, held until the claim is dropped so a
/// second run on the same folder waits its turn.
pub(crate) struct OutputClaim {
    /// `--out`, or `reports/<input folder name>/`.
    pub out: PathBuf,
    /// Every input read, plus a `--config` file outside the input folder.
    pub protected: Vec<PathBuf>,
    /// `out` resolved, as [`crate::output::check_target`] checked it.
    pub resolved: PathBuf,
    pub existing: crate::output::atomic::ExistingTarget,
    pub lock: crate::output::lock::RunLock,
}

/// Refuse an unsafe output folder and lock it for this run.
pub(crate) fn claim_output(
    dir: &Path,
    out: Option<&Path>,
    loaded: &crate::io::Loaded,
    config: Option<&Path>,
) -> crate::Result<OutputClaim> {
    let out = match out {
        Some(out) => out.to_path_buf(),
        None => crate::output::default_output_dir(dir)?,
    };
    let mut protected: Vec<PathBuf> = loaded
        .inputs
        .iter()
        .map(|f| PathBuf::from(&f.path))
        .collect();
    protected.extend(config.map(Path::to_path_buf));
    let (resolved, existing) = crate::output::check_target(&out, dir, &protected)?;
    let lock = crate::output::lock::RunLock::acquire(&resolved, &out)?;
    Ok(OutputClaim {
        out,
        protected,
        resolved,
        existing,
        lock,
    })
}

/// The planner's options of a command: its solver and progress, and
/// `--time-limit` counted from the command's start.
pub(crate) fn planner_options(
    solver: &str,
    progress: &crate::progress::Progress,
    time_limit: Option<f64>,
    started: std::time::Instant,
) -> crate::territory::PlanOptions {
    crate::territory::PlanOptions {
        solver: solver.to_string(),
        progress: progress.clone(),
        time_limit: time_limit.map(|seconds| crate::territory::TimeLimit { seconds, started }),
    }
}

/// What `--time-limit` did to a written plan, when it cut the search
/// short.
pub(crate) fn time_limit_fired(stats: &crate::territory::SolveStats) -> Option<String> {
    stats.time_limit.as_ref().and_then(|t| t.describe())
}

/// [`time_limit_fired`] as a clause to append to another message.
pub(crate) fn time_limit_note(stats: &crate::territory::SolveStats) -> String {
    time_limit_fired(stats)
        .map(|t| format!("; {t}"))
        .unwrap_or_default()
}

/// A time limit that ran out before any plan: say that nothing was
/// written, and that the output folder is as it was.
pub(crate) fn nothing_written(err: crate::Error, out: &Path) -> crate::Error {
    match err {
        crate::Error::TimeLimit(text) => {
            let folder = if out.exists() {
                format!("{} keeps what it held", out.display())
            } else {
                format!("{} was not created", out.display())
            };
            crate::Error::TimeLimit(format!(
                "{text}: nothing was written ({folder}); a longer limit lets the LP finish"
            ))
        }
        other => other,
    }
}

/// A solver failure other than infeasibility on validated data is most
/// often numerical: add the inputs with the most extreme values, the likely
/// culprits, so the user knows which lines to check.
pub(crate) fn name_numeric_suspects(err: crate::Error, loaded: &crate::io::Loaded) -> crate::Error {
    match err {
        crate::Error::Solver(message) => crate::Error::Solver(format!(
            "{message}; values far apart are the usual cause, the likely inputs: {}",
            numeric_suspects(&loaded.dataset, &loaded.inputs)
        )),
        other => other,
    }
}

/// The largest potential and workload, and the largest and smallest
/// positive capacities, each with its id and file.
fn numeric_suspects(dataset: &crate::model::Dataset, inputs: &[crate::io::InputFile]) -> String {
    let file = |i: usize| inputs.get(i).map(|f| f.path.as_str()).unwrap_or("?");
    let by = |f: fn(&crate::model::Account) -> f64| {
        dataset.accounts.iter().max_by(|a, b| f(a).total_cmp(&f(b)))
    };
    let mut parts = Vec::new();
    if let Some(a) = by(|a| a.potential) {
        parts.push(format!(
            "{} account '{}' potential {}",
            file(0),
            a.id,
            a.potential
        ));
    }
    if let Some(a) = by(|a| a.workload) {
        parts.push(format!(
            "{} account '{}' workload {}",
            file(0),
            a.id,
            a.workload
        ));
    }
    let working = || dataset.reps.iter().filter(|r| r.capacity > 0.0);
    let largest = working().max_by(|a, b| a.capacity.total_cmp(&b.capacity));
    let smallest = working().min_by(|a, b| a.capacity.total_cmp(&b.capacity));
    for rep in largest.into_iter().chain(smallest) {
        parts.push(format!(
            "{} rep '{}' capacity {}",
            file(1),
            rep.id,
            rep.capacity
        ));
    }
    parts.dedup();
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn a_solver_failure_names_the_extreme_inputs() {
        let loaded = crate::io::load_dataset(Path::new("tests/fixtures/tiny"), None).unwrap();
        let err = super::name_numeric_suspects(
            crate::Error::Solver("clarabel: Numerical error".to_string()),
            &loaded,
        );
        let text = err.to_string();
        assert!(
            text.starts_with("LP solver failed: clarabel: Numerical error; "),
            "{text}"
        );
        for needle in [
            "accounts.csv account 'A010' potential 900000",
            "account 'A010' workload 220",
            "reps.csv rep 'R04' capacity 1",
            "rep 'R02' capacity 0.5",
        ] {
            assert!(text.contains(needle), "{needle} not in {text}");
        }
    }
}
