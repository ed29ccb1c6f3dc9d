//! Reading and validating inputs (CSV, TOML) with precise errors; writing
//! datasets.
//!
//! `load_dataset` is the first step of every command. It reads the whole
//! input folder, collects every problem it can find (not just the first)
//! and either returns a `Dataset` with warnings and the input file hashes,
//! or an `Error::Input` listing the problems, each naming file, line,
//! column and value with what was expected.
//!
//! Submodules: `text` (bytes, BOM, UTF-8, delimiter), `table` (CSV shape,
//! header), `row` and `parse` (cells), `accounts` / `reps` (one file
//! each), `actuals` (actuals.csv for `tplan review`), `checks` (across
//! files), `warnings`, `config` (plan.toml) and
//! `write` (the reverse direction, for `tplan generate`).

mod accounts;
pub mod actuals;
mod checks;
mod config;
mod deals;
mod limits;
mod parse;
mod reps;
mod row;
mod table;
mod text;
mod warnings;
mod write;
mod xlsx;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::model::{resolve_rules, Config, Dataset, RuleSet};
use crate::{Error, InputProblem, Result};

pub use deals::{load_deals, DEALS_FILE};
pub use limits::{MAX_CAPACITY, MAX_MONEY, MAX_WORKLOAD_HOURS};
pub use parse::{parse_bool, parse_number, NumberKind};
pub use reps::DEFAULT_CAPACITY;
pub use warnings::{thousands, FAR_AWAY_KM};
pub use write::write_dataset;

/// File names inside an input folder.
pub const ACCOUNTS_FILE: &str = "accounts.csv";
pub const REPS_FILE: &str = "reps.csv";
/// Workbooks that may stand in for the CSV files (first sheet, or the
/// sheet named by `--sheet`).
pub const ACCOUNTS_XLSX: &str = "accounts.xlsx";
pub const REPS_XLSX: &str = "reps.xlsx";
pub const CONFIG_FILE: &str = "plan.toml";

/// A validated input folder.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub dataset: Dataset,
    /// Suspicious but valid data; worth telling the user, not fatal.
    pub warnings: Vec<InputProblem>,
    /// Every file read, in reading order (accounts, reps, config if any),
    /// for the run manifest.
    pub inputs: Vec<InputFile>,
    /// Line in accounts.csv of each account, in `Dataset::accounts` order.
    pub account_lines: Vec<u64>,
    /// Line in reps.csv of each rep, in `Dataset::reps` order.
    pub rep_lines: Vec<u64>,
}

/// One input file as read: its name as the user gave it, and its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub path: String,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    pub bytes: u64,
}

/// Problems and warnings collected while reading.
#[derive(Debug, Default)]
pub(crate) struct Report {
    problems: Vec<InputProblem>,
    warnings: Vec<InputProblem>,
}

impl Report {
    pub(crate) fn problem(&mut self, p: InputProblem) {
        self.problems.push(p);
    }

    pub(crate) fn warning(&mut self, p: InputProblem) {
        self.warnings.push(p);
    }
}

/// Read and validate `dir/accounts.csv`, `dir/reps.csv` and the plan
/// config: `config` when given, else `dir/plan.toml` when present, else
/// the defaults.
pub fn load_dataset(dir: &Path, config: Option<&Path>) -> Result<Loaded> {
    load_dataset_with_sheet(dir, config, None)
}

/// [`load_dataset`], where `accounts.xlsx` / `reps.xlsx` (standing in for
/// the CSV files) are read from the sheet `sheet` instead of their first.
pub fn load_dataset_with_sheet(
    dir: &Path,
    config: Option<&Path>,
    sheet: Option<&str>,
) -> Result<Loaded> {
    if let Some(sheet) = sheet {
        let workbooks = [ACCOUNTS_XLSX, REPS_XLSX];
        if !workbooks.iter().any(|name| dir.join(name).is_file()) {
            return Err(Error::Usage(format!(
                "--sheet {sheet}: {} holds no {ACCOUNTS_XLSX} or {REPS_XLSX} to read a sheet from",
                dir.display()
            )));
        }
    }
    let mut report = Report::default();
    let mut inputs = Vec::new();

    let config_path = config_path(dir, config);
    let config_label = config_path.as_deref().map(label);

    // The config is read first (segment workload defaults fill empty
    // cells) but listed last among the inputs.
    let mut config_input = Vec::new();
    let mut config_source = String::new();
    let config = match (&config_path, &config_label) {
        (Some(path), Some(name)) => read_config_file(
            path,
            name,
            &mut config_input,
            &mut config_source,
            &mut report,
        ),
        _ => Config::default(),
    };

    let accounts_input = read_input_table(
        &InputTable {
            dir,
            csv_name: ACCOUNTS_FILE,
            xlsx_name: ACCOUNTS_XLSX,
            sheet,
            contract: &accounts::ACCOUNT_COLUMNS,
        },
        &mut inputs,
        &mut report,
    );
    let reps_input = read_input_table(
        &InputTable {
            dir,
            csv_name: REPS_FILE,
            xlsx_name: REPS_XLSX,
            sheet,
            contract: &reps::REP_COLUMNS,
        },
        &mut inputs,
        &mut report,
    );
    let (accounts_label, accounts_table) = (accounts_input.label.clone(), accounts_input.table);
    let (reps_label, reps_table) = (reps_input.label.clone(), reps_input.table);
    let sheets: Vec<SheetOrigin> = [accounts_input.sheet, reps_input.sheet]
        .into_iter()
        .flatten()
        .collect();
    let accounts = accounts_table
        .as_ref()
        .map(|t| accounts::read_accounts(t, &config, &mut report))
        .unwrap_or_default();
    let reps = reps_table
        .as_ref()
        .map(|t| reps::read_reps(t, &mut report))
        .unwrap_or_default();

    inputs.append(&mut config_input);

    // With no usable reps.csv every owner would look unknown: one problem
    // per account that says nothing the file-level problem does not.
    let rep_ids_known = reps_table
        .as_ref()
        .is_some_and(|t| t.has("rep_id") && !t.rows.is_empty());
    checks::check_cross_file(
        &checks::Inputs {
            accounts_file: &accounts_label,
            reps_file: &reps_label,
            accounts: &accounts,
            reps: &reps,
            rep_ids_known,
        },
        &mut report,
    );

    for origin in &sheets {
        origin.add_cell_references(&mut report.problems);
    }
    if !report.problems.is_empty() {
        let order = [
            Some(&accounts_label),
            Some(&reps_label),
            config_label.as_ref(),
        ];
        return Err(Error::input(sorted_problems(report.problems, &order)));
    }

    let mut dataset = Dataset {
        accounts: accounts.accounts,
        reps: reps.reps,
        config,
        account_extra_columns: accounts_table.map(|t| t.extra_names()).unwrap_or_default(),
        rep_extra_columns: reps_table.map(|t| t.extra_names()).unwrap_or_default(),
        rules: RuleSet::default(),
    };
    // Rules name reps, accounts and columns: they are checked once both
    // files are known good, and their problems point into the config.
    match resolve_rules(&dataset) {
        Ok(rules) => dataset.rules = rules,
        Err(problems) => {
            let file = config_label.clone().unwrap_or_default();
            let problems = problems
                .into_iter()
                .map(|mut p| {
                    p.file = file.clone();
                    p.line = p
                        .column
                        .as_deref()
                        .and_then(|c| config::line_in_source(&config_source, c));
                    p
                })
                .collect();
            return Err(Error::input(problems));
        }
    }
    let origin = warnings::Origin {
        accounts_file: &accounts_label,
        reps_file: &reps_label,
        account_lines: &accounts.lines,
        rep_lines: &reps.lines,
    };
    let mut beyond_limits = limits::check_dataset(&dataset, &origin);
    for sheet in &sheets {
        sheet.add_cell_references(&mut beyond_limits);
    }
    if !beyond_limits.is_empty() {
        return Err(Error::input(beyond_limits));
    }
    let mut warnings = report.warnings;
    warnings.extend(warnings::dataset_warnings(&dataset, &origin));
    for sheet in &sheets {
        sheet.add_cell_references(&mut warnings);
    }
    Ok(Loaded {
        dataset,
        warnings,
        inputs,
        account_lines: accounts.lines,
        rep_lines: reps.lines,
    })
}

/// Where to look for one input table.
struct InputTable<'a> {
    dir: &'a Path,
    csv_name: &'a str,
    xlsx_name: &'a str,
    /// Sheet of the workbook to read; the first when `None`.
    sheet: Option<&'a str>,
    contract: &'a [table::ColumnSpec],
}

/// One input table as read: how messages name it, the table, and for a
/// workbook where its cells sit (for cell references in messages).
struct ReadTable {
    label: String,
    table: Option<table::Table>,
    sheet: Option<SheetOrigin>,
}

/// The sheet an input table came from.
struct SheetOrigin {
    label: String,
    header: Vec<String>,
    first_column: u32,
}

impl SheetOrigin {
    fn add_cell_references(&self, problems: &mut [InputProblem]) {
        xlsx::add_cell_references(problems, &self.label, &self.header, self.first_column);
    }
}

/// Read the CSV file or the workbook standing in for it (never both).
fn read_input_table(
    spec: &InputTable,
    inputs: &mut Vec<InputFile>,
    report: &mut Report,
) -> ReadTable {
    let source = xlsx::choose_source(spec.dir, spec.csv_name, spec.xlsx_name, report);
    match source {
        None => ReadTable {
            label: label(&spec.dir.join(spec.csv_name)),
            table: None,
            sheet: None,
        },
        Some(xlsx::TableSource::Csv(path)) => {
            let name = label(&path);
            let table = read_csv(&path, &name, spec.contract, inputs, report);
            ReadTable {
                label: name,
                table,
                sheet: None,
            }
        }
        Some(xlsx::TableSource::Xlsx(path)) => {
            let path_label = label(&path);
            let Some(bytes) = read_input(&path, &path_label, inputs, report) else {
                return ReadTable {
                    label: path_label,
                    table: None,
                    sheet: None,
                };
            };
            let Some(sheet) = xlsx::read_sheet(&path_label, &bytes, spec.sheet, report) else {
                return ReadTable {
                    label: path_label,
                    table: None,
                    sheet: None,
                };
            };
            let name = xlsx::sheet_label(&path_label, &sheet.name);
            let table = table::table_from_rows(&name, sheet.rows, spec.contract, report);
            let origin = table.as_ref().map(|t| SheetOrigin {
                label: name.clone(),
                header: t.header.clone(),
                first_column: sheet.first_column,
            });
            ReadTable {
                label: name,
                table,
                sheet: origin,
            }
        }
    }
}

/// Read and validate a plan config file on its own.
pub fn load_config(path: &Path) -> Result<Config> {
    let name = label(path);
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let mut report = Report::default();
    let config = config_from_bytes(&name, &bytes, &mut report);
    if report.problems.is_empty() {
        Ok(config)
    } else {
        Err(Error::input(report.problems))
    }
}

/// A path as the user would recognise it in a message.
fn label(path: &Path) -> String {
    path.display().to_string()
}

/// `--config` when given; otherwise `dir/plan.toml` if it exists.
fn config_path(dir: &Path, explicit: Option<&Path>) -> Option<PathBuf> {
    match explicit {
        Some(path) => Some(path.to_path_buf()),
        None => {
            let default = dir.join(CONFIG_FILE);
            default.is_file().then_some(default)
        }
    }
}

fn read_config_file(
    path: &Path,
    name: &str,
    inputs: &mut Vec<InputFile>,
    source: &mut String,
    report: &mut Report,
) -> Config {
    match read_input(path, name, inputs, report) {
        Some(bytes) => {
            *source = text::decode(&bytes).text.into_owned();
            config_from_bytes(name, &bytes, report)
        }
        None => Config::default(),
    }
}

fn config_from_bytes(name: &str, bytes: &[u8], report: &mut Report) -> Config {
    let decoded = text::decode(bytes);
    if let Some(&line) = decoded.invalid_utf8_lines.first() {
        report.problem(InputProblem {
            file: name.to_string(),
            line: Some(line),
            column: None,
            value: None,
            message: "invalid UTF-8: save the file as UTF-8".to_string(),
        });
        return Config::default();
    }
    let (config, problems) = config::parse_config(name, &decoded.text);
    problems.into_iter().for_each(|p| report.problem(p));
    config
}

fn read_csv(
    path: &Path,
    name: &str,
    contract: &[table::ColumnSpec],
    inputs: &mut Vec<InputFile>,
    report: &mut Report,
) -> Option<table::Table> {
    let bytes = read_input(path, name, inputs, report)?;
    table::read_table(name, &bytes, contract, report)
}

/// Read a file and record its hash; a file that cannot be read is a
/// problem like any other, so the user sees it alongside the rest.
pub(crate) fn read_input(
    path: &Path,
    name: &str,
    inputs: &mut Vec<InputFile>,
    report: &mut Report,
) -> Option<Vec<u8>> {
    if let Some(message) = not_a_regular_file(path) {
        report.problem(InputProblem {
            file: name.to_string(),
            line: None,
            column: None,
            value: None,
            message,
        });
        return None;
    }
    match std::fs::read(path) {
        Ok(bytes) => {
            inputs.push(InputFile {
                path: name.to_string(),
                sha256: sha256_hex(&bytes),
                bytes: bytes.len() as u64,
            });
            Some(bytes)
        }
        Err(err) => {
            report.problem(InputProblem {
                file: name.to_string(),
                line: None,
                column: None,
                value: None,
                message: format!("cannot read the file: {err}"),
            });
            None
        }
    }
}

/// Reading a FIFO blocks until someone writes to it, and a device may never
/// end: only regular files (or symlinks to one) are read. A missing file is
/// left to the read, whose error says so.
fn not_a_regular_file(path: &Path) -> Option<String> {
    let kind = std::fs::metadata(path).ok()?.file_type();
    if kind.is_file() {
        return None;
    }
    let what = if kind.is_dir() {
        "a folder"
    } else {
        "a special file (a FIFO, socket or device)"
    };
    Some(format!(
        "cannot read the file: it is {what}, not a regular file; tplan reads only regular files"
    ))
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Problems grouped by file (in `order`), then by line; the order found
/// is kept otherwise, so a row's problems stay in column order.
fn sorted_problems(
    mut problems: Vec<InputProblem>,
    order: &[Option<&String>],
) -> Vec<InputProblem> {
    let file_rank = |file: &str| {
        order
            .iter()
            .position(|f| f.is_some_and(|f| f == file))
            .unwrap_or(order.len())
    };
    problems.sort_by_key(|p| (file_rank(&p.file), p.line.unwrap_or(0)));
    problems
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod fuzz;
