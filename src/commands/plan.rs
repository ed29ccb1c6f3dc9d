//! `tplan plan DIR`: validate, solve the territory LP, round, verify, write.

use std::path::PathBuf;

use crate::Result;

/// Solver used when `--solver` is not given.
pub const DEFAULT_SOLVER: &str = "clarabel";

/// Arguments of `tplan plan`.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    pub dir: PathBuf,
    pub out: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub solver: String,
}

/// Run the planner end to end.
pub fn run(_options: &PlanOptions) -> Result<()> {
    Err(crate::Error::Usage("plan: not built yet".into()))
}
