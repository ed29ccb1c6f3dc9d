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

/// The output folder of a run (`--out`, or `reports/<input folder name>/`)
/// and the files it must never overwrite: every input read, plus a
/// `--config` file outside the input folder.
pub(crate) fn output_target(
    dir: &Path,
    out: Option<&Path>,
    loaded: &crate::io::Loaded,
    config: Option<&Path>,
) -> crate::Result<(PathBuf, Vec<PathBuf>)> {
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
    Ok((out, protected))
}
