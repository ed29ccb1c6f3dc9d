//! Library error types. Every user-facing problem names the file, line,
//! column and value, and says what was expected.

use std::fmt;
use std::path::PathBuf;

/// How many input problems are listed before "and N more".
pub const MAX_LISTED_PROBLEMS: usize = 50;

/// One problem found in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    /// File name as the user gave it (e.g. `data/accounts.csv`).
    pub file: String,
    /// 1-based line in the file (the header is line 1), when known.
    pub line: Option<u64>,
    /// Column name (or TOML key), when known.
    pub column: Option<String>,
    /// The offending value as written, when there is one.
    pub value: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl InputProblem {
    /// A problem with a plan.toml key, its file and line filled in by the
    /// config reader (which knows both).
    pub fn config_key(key: impl Into<String>, value: impl Into<String>, message: &str) -> Self {
        InputProblem {
            file: String::new(),
            line: None,
            column: Some(key.into()),
            value: Some(value.into()),
            message: message.to_string(),
        }
    }
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(col) = &self.column {
            write!(f, ": column '{col}'")?;
        }
        if let Some(v) = &self.value {
            write!(f, ": value '{v}'")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every error the library returns.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The inputs break the data contract; all problems found, capped.
    #[error("{}", format_problems(.problems, *.more))]
    Input {
        problems: Vec<InputProblem>,
        /// Problems found beyond `MAX_LISTED_PROBLEMS`.
        more: usize,
    },
    /// A file could not be read or written. The OS error is part of the
    /// message and deliberately not a `source`: printing the chain
    /// (`{:#}`) would repeat it.
    #[error("{}: {cause}", .path.display())]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
    /// No plan satisfies the rules; the text explains why in planning terms.
    #[error("no feasible plan: {0}")]
    Infeasible(String),
    /// `--time-limit` ran out: the text says what was written (the best
    /// verified plan found so far, or nothing).
    #[error("time limit: {0}")]
    TimeLimit(String),
    /// The LP solver failed for a reason other than infeasibility.
    #[error("LP solver failed: {0}")]
    Solver(String),
    /// An account id that is not in the data (`tplan explain`).
    #[error(
        "unknown account '{id}': the plan has {accounts} accounts{}",
        .closest.as_ref().map(|c| format!("; did you mean {c}?")).unwrap_or_default()
    )]
    UnknownAccount {
        id: String,
        accounts: usize,
        /// The nearest id in spelling, when one is close.
        closest: Option<String>,
    },
    /// A request that makes no sense (bad arguments to a library call).
    #[error("{0}")]
    Usage(String),
    /// An output folder could not be read back or its report drawn.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// plan.xlsx could not be built from the output folder's files.
    #[error(transparent)]
    Workbook(#[from] WorkbookError),
}

/// Name of the workbook in the output folder (`output` writes it, and its
/// errors name it).
pub const WORKBOOK_FILE: &str = "plan.xlsx";

/// Errors reading an output folder or drawing its report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The folder has no manifest written by tplan.
    #[error("{}: not a tplan output folder (no manifest.json written by tplan); run `tplan plan` first", .0.display())]
    NotPlanFolder(PathBuf),
    /// A file the report needs is not in the folder.
    #[error("{}: missing from the output folder; re-run `tplan plan` to write it", .0.display())]
    Missing(PathBuf),
    /// A file is there but cannot be read as tplan wrote it.
    #[error("{}{}: {message}", .path.display(), .line.map(|l| format!(":{l}")).unwrap_or_default())]
    Malformed {
        path: PathBuf,
        line: Option<u64>,
        message: String,
    },
    /// Reading a file failed. The OS error is in the message, not a
    /// `source`, so printing the chain does not repeat it.
    #[error("{}: {cause}", .path.display())]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
    /// plotters failed to draw a chart.
    #[error("drawing {file}: {message}")]
    Render { file: String, message: String },
}

/// Errors building the workbook.
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    /// A CSV file of the folder cannot be read as tplan wrote it.
    #[error("{}{}: {message}", .path.display(), .line.map(|l| format!(":{l}")).unwrap_or_default())]
    Malformed {
        path: PathBuf,
        line: Option<u64>,
        message: String,
    },
    /// Reading a file failed.
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// rust_xlsxwriter refused something (a bug: every input is checked).
    #[error("writing {WORKBOOK_FILE}: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

impl Error {
    /// Build an input error from a list of problems, capping the list.
    pub fn input(mut problems: Vec<InputProblem>) -> Error {
        let more = problems.len().saturating_sub(MAX_LISTED_PROBLEMS);
        problems.truncate(MAX_LISTED_PROBLEMS);
        Error::Input { problems, more }
    }

    /// Wrap an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            cause: source,
        }
    }
}

fn format_problems(problems: &[InputProblem], more: usize) -> String {
    let count = problems.len() + more;
    let mut s = format!(
        "{count} problem{} in the input:",
        if count == 1 { "" } else { "s" }
    );
    for p in problems {
        s.push_str("\n  ");
        s.push_str(&p.to_string());
    }
    if more > 0 {
        s.push_str(&format!("\n  ... and {more} more"));
    }
    s
}

/// Result alias for the library.
pub type Result<T> = std::result::Result<T, Error>;
