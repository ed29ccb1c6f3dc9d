//! `tplan validate DIR`: read every input, report all problems and warnings.

use std::path::Path;

use crate::Result;

/// Validate the input folder; prints a report on stdout, warnings on stderr.
pub fn run(_dir: &Path, _config: Option<&Path>) -> Result<()> {
    Err(crate::Error::Usage("validate: not built yet".into()))
}
