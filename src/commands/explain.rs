//! `tplan explain OUT ACCOUNT_ID [--data DIR] [--to REP_ID]`: why an account
//! went to its rep in the plan in OUT, and what moving it would cost.
//!
//! Reads OUT/manifest.json (inputs, solver, objective, config) and
//! OUT/assignments.csv (owner and reason per account, by column name), the
//! input files recorded in the manifest (paths relative to the current
//! directory) or those of `--data DIR`, and checks that accounts.csv and
//! reps.csv are byte-identical to the ones planned (SHA-256) and that the
//! config gives the same balance tolerances and workload defaults. On a
//! folder written by `tplan rebalance` the data is taken as of the
//! rebalance's effective date (the manifest's `rebalance.effective_date`),
//! as the rebalance took it ([`crate::rebalance::as_of`]): reps who had
//! left have capacity 0, the mid-year bands apply, and the explanation
//! says when today's owner has left. Nothing is written.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde_json::Value;

use crate::explain;
use crate::io::{self, ACCOUNTS_FILE, ACCOUNTS_XLSX, CONFIG_FILE, REPS_FILE, REPS_XLSX};
use crate::model::{Dataset, PartSplit, Reason};
use crate::output::owners::{first_ids, unassigned, AssignmentsFile, OpenFailure, RowProblem};
use crate::output::{atomic::MANIFEST_MARKER_KEY, ASSIGNMENTS_FILE, MANIFEST_FILE};
use crate::rebalance;
use crate::territory::verify;
use crate::{Error, Result};

use super::plan::DEFAULT_SOLVER;

/// Arguments of `tplan explain`.
#[derive(Debug, Clone)]
pub struct ExplainOptions {
    /// The plan output folder.
    pub out: PathBuf,
    pub account: String,
    /// Input folder to use instead of the paths recorded in the manifest.
    pub data: Option<PathBuf>,
    /// Re-plan with the account locked to this rep.
    pub to: Option<String>,
}

/// What to do when the inputs do not match the plan.
const REMEDY: &str = "re-run `tplan plan`, or pass --data DIR with the original inputs";

/// Print the explanation (and the re-plan with `--to`) on stdout.
pub fn run(options: &ExplainOptions) -> Result<()> {
    print!("{}", explain_text(options)?);
    Ok(())
}

/// The text `run` prints.
pub fn explain_text(options: &ExplainOptions) -> Result<String> {
    let out = &options.out;
    let manifest = read_manifest(out)?;
    let files = input_files(out, &manifest, options.data.as_deref())?;
    let loaded = io::load_dataset(&files.dir, files.config.as_deref())?;
    // The plan balanced late starters on the months they work.
    let planning = crate::model::planning_view(&loaded.dataset);
    let dataset = planning.as_ref().unwrap_or(&loaded.dataset);
    // A rebalance planned without the reps who had left by its effective
    // date, to its mid-year bands: explain the same data.
    let as_of = rebalance_as_of(&manifest, &files.dir, &loaded, dataset)?;
    let dataset = as_of.as_ref().map_or(dataset, |a| &a.dataset);
    check_config(out, &manifest, dataset)?;
    let plan = read_assignments(out, dataset)?;

    let account = explain::find_account(dataset, &options.account)?;
    // Reps split by `[[segment_share]]` are explained by their parts
    // (`R029[ENT]`): each part is balanced in its own segment's group.
    let split = PartSplit::of(dataset);
    let (view, owners) = match &split {
        Some(split) => (
            &split.dataset,
            split.part_owner_of_each(dataset, &plan.owners),
        ),
        None => (dataset, plan.owners.clone()),
    };
    let gone = |r: usize| {
        let r = split.as_ref().map_or(r, |s| s.part_rep[r]);
        let a = as_of.as_ref()?;
        explain::left(a.end_dates[r], a.effective)
    };
    let explanation = explain::explain(view, &owners, account, plan.reasons[account].clone())?
        .with_departures(gone);
    let mut text = explain::render(view, &explanation);

    if let Some(to) = &options.to {
        let rep = explain::find_rep(dataset, to)?;
        if let Some(g) = as_of
            .as_ref()
            .and_then(|a| explain::left(a.end_dates[rep], a.effective))
        {
            return Err(Error::Usage(format!(
                "rep {to} {} and takes no accounts: choose a rep who stays",
                explain::render::gone_text(g)
            )));
        }
        let solver = manifest
            .get("solver")
            .and_then(Value::as_str)
            .unwrap_or(DEFAULT_SOLVER);
        let objective = manifest
            .get("objective")
            .and_then(Value::as_f64)
            .unwrap_or_else(|| verify::objective(dataset, &plan.owners));
        let plan_figures = explain::PlanFigures {
            owners: &plan.owners,
            objective,
            lp_bound: manifest.get("lp_bound").and_then(Value::as_f64),
        };
        let resolved = explain::resolve_with(dataset, plan_figures, account, rep, solver)?;
        text.push('\n');
        text.push_str(&explain::render_resolve(dataset, &resolved));
    }
    Ok(text)
}

/// The data as of a rebalance's effective date, for a folder that
/// `tplan rebalance` wrote (its manifest has a `rebalance` section):
/// departures and mid-year bands applied as the rebalance applied them.
struct RebalanceAsOf {
    dataset: Dataset,
    end_dates: Vec<Option<NaiveDate>>,
    effective: Option<NaiveDate>,
}

fn rebalance_as_of(
    manifest: &Value,
    dir: &Path,
    loaded: &io::Loaded,
    dataset: &Dataset,
) -> Result<Option<RebalanceAsOf>> {
    let Some(section) = manifest.get("rebalance") else {
        return Ok(None);
    };
    let effective = match section.get("effective_date") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_str()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "{}: rebalance.effective_date {v} is not a date written YYYY-MM-DD: {REMEDY}",
                        MANIFEST_FILE
                    ))
                })?,
        ),
    };
    let accounts_file = dir.join(ACCOUNTS_FILE).display().to_string();
    let reps_file = dir.join(REPS_FILE).display().to_string();
    let found = rebalance::as_of(
        dataset,
        effective,
        rebalance::Origin {
            accounts_file: &accounts_file,
            reps_file: &reps_file,
            account_lines: &loaded.account_lines,
            rep_lines: &loaded.rep_lines,
        },
    )?;
    Ok(Some(RebalanceAsOf {
        dataset: found.dataset,
        end_dates: found.end_dates,
        effective,
    }))
}

/// OUT/manifest.json of a tplan plan folder.
fn read_manifest(out: &Path) -> Result<Value> {
    let not_plan = |why: String| {
        Error::Usage(format!(
            "{} is not a tplan plan folder: {why}; give the --out folder of `tplan plan` \
             (default reports/<input folder name>)",
            out.display()
        ))
    };
    if !out.is_dir() {
        return Err(not_plan("no such folder".to_string()));
    }
    let path = out.join(MANIFEST_FILE);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| not_plan(format!("cannot read {MANIFEST_FILE} ({e})")))?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| not_plan(format!("{MANIFEST_FILE} is not valid JSON ({e})")))?;
    if value.get(MANIFEST_MARKER_KEY).is_none() {
        return Err(not_plan(format!(
            "{MANIFEST_FILE} has no {MANIFEST_MARKER_KEY}"
        )));
    }
    if !out.join(ASSIGNMENTS_FILE).is_file() {
        return Err(not_plan(format!("it has no {ASSIGNMENTS_FILE}")));
    }
    Ok(value)
}

/// The inputs to load: a folder holding accounts.csv and reps.csv, and the
/// config file, if any.
struct InputFiles {
    dir: PathBuf,
    config: Option<PathBuf>,
}

/// Recorded input files: (path, sha256).
fn recorded_inputs(manifest: &Value) -> Vec<(String, String)> {
    manifest
        .get("inputs")
        .and_then(Value::as_array)
        .map(|files| {
            files
                .iter()
                .filter_map(|f| {
                    Some((
                        f.get("path")?.as_str()?.to_string(),
                        f.get("sha256")?.as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn file_name_is(path: &str, name: &str) -> bool {
    Path::new(path).file_name().is_some_and(|n| n == name)
}

/// The file name part of a recorded input path.
fn file_name_of(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Find the inputs (the manifest's, or `--data`'s) and check that
/// accounts.csv and reps.csv are the files the plan was made from.
fn input_files(out: &Path, manifest: &Value, data: Option<&Path>) -> Result<InputFiles> {
    let recorded = recorded_inputs(manifest);
    let manifest_path = out.join(MANIFEST_FILE);
    let find = |name: &str| {
        recorded
            .iter()
            .find(|(p, _)| file_name_is(p, name))
            .cloned()
            .ok_or_else(|| {
                Error::Usage(format!(
                    "{} records no {name} among its inputs: {REMEDY}",
                    manifest_path.display()
                ))
            })
    };
    // A plan made from accounts.xlsx / reps.xlsx records those instead.
    let (accounts_recorded, accounts_hash) =
        find(ACCOUNTS_XLSX).or_else(|_| find(ACCOUNTS_FILE))?;
    let (reps_recorded, reps_hash) = find(REPS_XLSX).or_else(|_| find(REPS_FILE))?;
    let is_table = |p: &str| {
        [ACCOUNTS_FILE, REPS_FILE, ACCOUNTS_XLSX, REPS_XLSX]
            .iter()
            .any(|name| file_name_is(p, name))
    };
    let config_recorded = recorded
        .iter()
        .find(|(p, _)| !is_table(p))
        .map(|(p, _)| PathBuf::from(p));
    let accounts_name = file_name_of(&accounts_recorded);
    let reps_name = file_name_of(&reps_recorded);

    let (dir, config) = match data {
        Some(dir) => {
            // The config the plan was made with (it may be a --config file
            // outside DIR) when it is still there, else DIR's own.
            let own = dir.join(CONFIG_FILE);
            let config = config_recorded
                .filter(|p| p.is_file())
                .or_else(|| own.is_file().then_some(own));
            (dir.to_path_buf(), config)
        }
        None => {
            let dir = Path::new(&accounts_recorded)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            if dir.join(&reps_name) != Path::new(&reps_recorded) {
                return Err(Error::Usage(format!(
                    "{} records accounts and reps in different folders ({accounts_recorded}, \
                     {reps_recorded}): pass --data DIR with the original inputs",
                    manifest_path.display()
                )));
            }
            if let Some(config) = &config_recorded {
                if !config.is_file() {
                    return Err(Error::Usage(format!(
                        "{} (the plan config recorded in {}) not found from the current \
                         directory: run explain where `tplan plan` ran, or pass --data DIR with \
                         the original inputs",
                        config.display(),
                        manifest_path.display()
                    )));
                }
            }
            (dir, config_recorded)
        }
    };
    for (name, hash) in [(&accounts_name, &accounts_hash), (&reps_name, &reps_hash)] {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(|e| {
            Error::Usage(format!(
                "cannot read {} ({e}), an input of the plan in {}: run explain where `tplan plan` \
                 ran (recorded paths are relative to it), or pass --data DIR with the original \
                 inputs",
                path.display(),
                out.display()
            ))
        })?;
        if &io::sha256_hex(&bytes) != hash {
            return Err(Error::Usage(format!(
                "{} is not the file the plan in {} was made from (its SHA-256 differs from \
                 {}): {REMEDY}",
                path.display(),
                out.display(),
                manifest_path.display()
            )));
        }
    }
    Ok(InputFiles { dir, config })
}

/// The config must give the same tolerances and workload defaults as the
/// one the plan was made with (other settings, e.g. quotas, may differ).
fn check_config(out: &Path, manifest: &Value, dataset: &Dataset) -> Result<()> {
    let Some(recorded) = manifest.get("config") else {
        return Ok(());
    };
    let current = serde_json::to_value(&dataset.config)
        .map_err(|e| Error::Usage(format!("cannot compare the plan config: {e}")))?;
    for key in [
        "balance", "workload", "named", "restrict", "prefer", "limits",
    ] {
        // Manifests from before rules existed have no rule keys: no rules.
        let empty = Value::Array(Vec::new());
        let was = recorded
            .get(key)
            .or_else(|| (key != "balance" && key != "workload").then_some(&empty));
        if was != current.get(key) {
            return Err(Error::Usage(format!(
                "the plan config's [{key}] settings differ from those the plan in {} was made \
                 with (see the config in its {MANIFEST_FILE}): {REMEDY}",
                out.display()
            )));
        }
    }
    Ok(())
}

/// Owner and reason of every account, from OUT/assignments.csv.
struct PlanRows {
    owners: Vec<usize>,
    reasons: Vec<Reason>,
}

fn read_assignments(out: &Path, dataset: &Dataset) -> Result<PlanRows> {
    let path = out.join(ASSIGNMENTS_FILE);
    let shown = path.display().to_string();
    let bad = |line: Option<u64>, what: String| {
        let at = line.map(|l| format!(":{l}")).unwrap_or_default();
        Error::Usage(format!("{shown}{at}: {what}"))
    };
    let file = AssignmentsFile::open(&path).map_err(|failure| match failure {
        OpenFailure::File(e) => bad(None, format!("cannot read the file: {e}")),
        OpenFailure::Header(e) => bad(Some(1), format!("cannot read the header: {e}")),
    })?;
    let col = |name: &str| {
        file.column(name).ok_or_else(|| {
            bad(
                Some(1),
                format!("no column {name}: not a tplan assignments file"),
            )
        })
    };
    let (acol, rcol, reason_col, extra_col) = (
        col("account_id")?,
        col("rep_id")?,
        col("reason")?,
        col("extra_km")?,
    );
    let stale = "the plan was made for other data; re-run `tplan plan`";
    let mut reasons: Vec<Option<Reason>> = vec![None; dataset.accounts.len()];
    let owners = file.match_rows(
        dataset,
        acol,
        rcol,
        |row| {
            let field = |c: usize| row.record.get(c).unwrap_or("");
            let extra_km = || {
                field(extra_col).parse::<f64>().map_err(|_| {
                    bad(
                        Some(row.line),
                        format!("extra_km '{}' is not a number", field(extra_col)),
                    )
                })
            };
            reasons[row.account] = Some(match field(reason_col) {
                "locked" => Reason::Locked,
                "nearest" => Reason::Nearest,
                "named" => Reason::Named {
                    list: named_list(dataset, row.account),
                },
                "balance" => Reason::Balance {
                    extra_km: extra_km()?,
                },
                "continuity" => Reason::Continuity {
                    extra_km: extra_km()?,
                },
                code if code.starts_with("rule:") => Reason::Rule {
                    name: code["rule:".len()..].to_string(),
                    extra_km: extra_km().unwrap_or(0.0),
                },
                other => {
                    return Err(bad(
                        Some(row.line),
                        format!(
                            "reason '{other}': expected locked, named, rule:<name>, nearest, \
                             balance or continuity"
                        ),
                    ))
                }
            });
            Ok(())
        },
        |line, problem| {
            Err(bad(
                Some(line),
                match problem {
                    RowProblem::Unreadable(e) => format!("unreadable row: {e}"),
                    RowProblem::UnknownAccount(id) => {
                        format!("account '{id}' is not in the input: {stale}")
                    }
                    RowProblem::UnknownRep(id) => {
                        format!("rep '{id}' is not in the input: {stale}")
                    }
                    RowProblem::Twice(id) => format!("account '{id}' has two rows"),
                },
            ))
        },
    )?;
    let missing = unassigned(&owners, dataset);
    if !missing.is_empty() {
        return Err(bad(
            None,
            format!(
                "no row for {} of the {} input accounts ({}): {stale}",
                missing.len(),
                dataset.accounts.len(),
                first_ids(&missing),
            ),
        ));
    }
    Ok(PlanRows {
        owners: owners.into_iter().flatten().collect(),
        reasons: reasons.into_iter().flatten().collect(),
    })
}

/// The `[[named]]` list that pins account `i`, as the config says now.
fn named_list(dataset: &Dataset, i: usize) -> String {
    dataset
        .rules
        .named
        .get(i)
        .and_then(|n| n.as_ref())
        .map(|n| n.1.clone())
        .unwrap_or_default()
}
