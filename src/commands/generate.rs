//! `tplan generate`: write a synthetic instance.

use std::path::PathBuf;

use crate::Result;

/// Arguments of `tplan generate`.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    pub accounts: usize,
    pub reps: usize,
    pub seed: u64,
    pub out: PathBuf,
}

/// Generate the instance and write accounts.csv and reps.csv into `out`.
pub fn run(_options: &GenerateOptions) -> Result<()> {
    Err(crate::Error::Usage("generate: not built yet".into()))
}
