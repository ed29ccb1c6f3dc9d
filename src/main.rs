//! The `tplan` command line: parses arguments and calls the library.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use tplan::commands;

#[derive(Parser)]
#[command(
    name = "tplan",
    version,
    about = "Territory and quota planning optimizer"
)]
// `--version` also names the LP backends compiled in ([`version_text`]).
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check an input folder against the data contract and report every problem.
    Validate {
        /// Folder holding accounts.csv, reps.csv and optionally plan.toml.
        dir: PathBuf,
        /// Plan config to use instead of DIR/plan.toml.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Sheet to read from accounts.xlsx / reps.xlsx (default: the first).
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
    },
    /// Build balanced territories and write the plan to an output folder.
    Plan {
        /// Folder holding accounts.csv, reps.csv and optionally plan.toml.
        dir: PathBuf,
        /// Output folder (default: reports/<input folder name>/).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Plan config to use instead of DIR/plan.toml.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Sheet to read from accounts.xlsx / reps.xlsx (default: the first).
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// LP solver backend: clarabel (default), ipm (tplan's own
        /// interior point, faster on large plans; see docs/solvers.md),
        /// highs (built with `--features highs`).
        #[arg(long, default_value = commands::plan::DEFAULT_SOLVER, value_parser = solver_name)]
        solver: String,
        /// Skip the charts, report.html, GeoJSON and CRM exports.
        #[arg(long)]
        no_report: bool,
        /// Stop searching after SECONDS (from the start of the run) and
        /// write the best verified plan found so far, or nothing; exit 1
        /// when the limit cut the search short.
        #[arg(long, value_name = "SECONDS", value_parser = seconds)]
        time_limit: Option<f64>,
    },
    /// Mid-year rebalance: the fewest account moves that restore balance,
    /// with the LP's lower bound on the moves any balanced plan needs.
    Rebalance {
        /// Folder holding accounts.csv (with current_owner), reps.csv and
        /// optionally plan.toml and deals.csv.
        dir: PathBuf,
        /// Output folder (default: reports/<input folder name>/).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Plan config to use instead of DIR/plan.toml.
        #[arg(long)]
        config: Option<PathBuf>,
        /// At most N accounts taken from active owners.
        #[arg(long, value_name = "N")]
        max_moves: Option<usize>,
        /// At most PCT % of all potential taken from active owners.
        #[arg(long, value_name = "PCT")]
        max_moved_potential: Option<f64>,
        /// Day the new territories take effect (reps whose end_date is on
        /// or before it have left).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        effective: Option<chrono::NaiveDate>,
        /// LP solver backend: clarabel (default), ipm (tplan's own
        /// interior point, faster on large plans; see docs/solvers.md),
        /// highs (built with `--features highs`).
        #[arg(long, default_value = commands::plan::DEFAULT_SOLVER, value_parser = solver_name)]
        solver: String,
        /// Skip the charts, report.html, GeoJSON and CRM exports.
        #[arg(long)]
        no_report: bool,
        /// Stop searching after SECONDS (from the start of the run) and
        /// write the best verified plan found so far, or nothing; exit 1
        /// when the limit cut the search short.
        #[arg(long, value_name = "SECONDS", value_parser = seconds)]
        time_limit: Option<f64>,
    },
    /// Redraw the charts, review page, GeoJSON and CRM exports of an output folder.
    Report {
        /// An output folder written by `tplan plan`.
        dir: PathBuf,
    },
    /// Quotas for the plan in OUT (planning first when OUT holds none).
    Quota {
        /// Folder holding accounts.csv, reps.csv and optionally plan.toml.
        dir: PathBuf,
        /// Output folder holding the plan (default: reports/<input folder name>/).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Plan config to use instead of DIR/plan.toml.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Sheet to read from accounts.xlsx / reps.xlsx (default: the first).
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// LP solver backend, for the plan made when OUT holds none.
        #[arg(long, default_value = commands::plan::DEFAULT_SOLVER, value_parser = solver_name)]
        solver: String,
        /// Time limit of the plan made when OUT holds none (see `plan`).
        #[arg(long, value_name = "SECONDS", value_parser = seconds)]
        time_limit: Option<f64>,
    },
    /// Capacity and headcount scenarios: hires needed, when, and the cost.
    Scenarios {
        /// Folder holding accounts.csv, reps.csv and optionally plan.toml.
        dir: PathBuf,
        /// Output folder (default: reports/<input folder name>/).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Plan config to use instead of DIR/plan.toml.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Sheet to read from accounts.xlsx / reps.xlsx (default: the first).
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
    },
    /// Quarterly review of a plan's quotas against actuals to date.
    Review {
        /// Output folder of a plan with quotas (quotas.csv, quota_summary.csv).
        out: PathBuf,
        /// Bookings to date: rep_id, month (YYYY-MM), bookings, optional component.
        #[arg(long)]
        actuals: PathBuf,
        /// Review month, YYYY-MM (default: the latest month in the actuals).
        #[arg(long, value_name = "YYYY-MM", value_parser = commands::review::parse_as_of)]
        as_of: Option<tplan::model::YearMonth>,
        /// Plan config whose [review] table replaces the plan's.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Why an account went to its rep in a plan, and what moving it would cost.
    Explain {
        /// Plan output folder (holds manifest.json and assignments.csv).
        out: PathBuf,
        /// The account to explain.
        account_id: String,
        /// Input folder to use instead of the inputs recorded in OUT/manifest.json.
        #[arg(long)]
        data: Option<PathBuf>,
        /// Re-plan with the account locked to this rep and report the cost.
        #[arg(long, value_name = "REP_ID")]
        to: Option<String>,
    },
    /// Print a shell completion script: `tplan completions bash > /etc/bash_completion.d/tplan`.
    Completions {
        /// bash, zsh or fish (elvish and powershell work too).
        shell: clap_complete::Shell,
    },
    /// Write a synthetic instance clustered like real markets.
    Generate {
        /// Number of accounts (1 to 10,000,000).
        #[arg(long, value_parser = count_in(commands::generate::MAX_ACCOUNTS))]
        accounts: usize,
        /// Number of reps (1 to 100,000).
        #[arg(long, value_parser = count_in(commands::generate::MAX_REPS))]
        reps: usize,
        /// Random seed: the same seed gives byte-identical files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output folder for accounts.csv and reps.csv.
        #[arg(long)]
        out: PathBuf,
    },
}

/// `tplan --version`: the version and the LP backends of this build
/// (`highs` only with `--features highs`).
fn version_text() -> String {
    format!(
        "{} (LP solvers: {})",
        env!("CARGO_PKG_VERSION"),
        tplan::territory::solver::available_solvers().join(", ")
    )
}

/// The clap command with the runtime version text.
fn cli_command() -> clap::Command {
    // clap wants a 'static version; this string lives as long as the
    // process anyway, and is made once.
    let version: &'static str = Box::leak(version_text().into_boxed_str());
    Cli::command().version(version)
}

/// A YYYY-MM-DD date argument.
fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("'{s}': expected a date written YYYY-MM-DD"))
}

fn main() -> ExitCode {
    let matches = cli_command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let result = match cli.command {
        Command::Validate { dir, config, sheet } => {
            commands::validate::run(&dir, config.as_deref(), sheet.as_deref())
                .with_context(|| format!("validating {}", dir.display()))
        }
        Command::Plan {
            dir,
            out,
            config,
            sheet,
            solver,
            no_report,
            time_limit,
        } => {
            let options = commands::plan::PlanOptions {
                dir: dir.clone(),
                out,
                config,
                sheet,
                solver,
                report: !no_report,
                time_limit,
            };
            commands::plan::run(&options).with_context(|| format!("planning {}", dir.display()))
        }
        Command::Quota {
            dir,
            out,
            config,
            sheet,
            solver,
            time_limit,
        } => {
            let options = commands::quota::QuotaOptions {
                dir: dir.clone(),
                out,
                config,
                sheet,
                solver,
                time_limit,
            };
            commands::quota::run(&options)
                .with_context(|| format!("setting quotas for {}", dir.display()))
        }
        Command::Scenarios {
            dir,
            out,
            config,
            sheet,
        } => {
            let options = commands::scenarios::ScenariosOptions {
                dir: dir.clone(),
                out,
                config,
                sheet,
            };
            commands::scenarios::run(&options)
                .with_context(|| format!("running scenarios for {}", dir.display()))
        }
        Command::Review {
            out,
            actuals,
            as_of,
            config,
        } => {
            let options = commands::review::ReviewOptions {
                out: out.clone(),
                actuals,
                as_of,
                config,
            };
            commands::review::run(&options)
                .with_context(|| format!("reviewing the plan in {}", out.display()))
        }
        Command::Rebalance {
            dir,
            out,
            config,
            max_moves,
            max_moved_potential,
            effective,
            solver,
            no_report,
            time_limit,
        } => {
            let options = commands::rebalance::RebalanceOptions {
                dir: dir.clone(),
                out,
                config,
                solver,
                report: !no_report,
                max_moves,
                max_moved_potential_pct: max_moved_potential,
                effective,
                time_limit,
            };
            commands::rebalance::run(&options)
                .with_context(|| format!("rebalancing {}", dir.display()))
        }
        Command::Report { dir } => commands::report::run(&dir)
            .with_context(|| format!("writing the report of {}", dir.display())),
        Command::Explain {
            out,
            account_id,
            data,
            to,
        } => {
            let options = commands::explain::ExplainOptions {
                out: out.clone(),
                account: account_id.clone(),
                data,
                to,
            };
            commands::explain::run(&options)
                .with_context(|| format!("explaining account {account_id} in {}", out.display()))
        }
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut cli_command(), "tplan", &mut std::io::stdout());
            Ok(())
        }
        Command::Generate {
            accounts,
            reps,
            seed,
            out,
        } => {
            let options = commands::generate::GenerateOptions {
                accounts,
                reps,
                seed,
                out: out.clone(),
            };
            commands::generate::run(&options)
                .with_context(|| format!("generating into {}", out.display()))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}

/// A count from 1 to `max`, refused by clap (exit 2) before anything is
/// allocated.
fn count_in(max: usize) -> impl clap::builder::TypedValueParser<Value = usize> {
    use clap::builder::TypedValueParser;
    clap::value_parser!(u64)
        .range(1..=max as u64)
        .map(|n| n as usize)
}

/// `--time-limit`: seconds, a finite number >= 0, refused by clap (exit
/// 2) otherwise.
fn seconds(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && s >= 0.0 => Ok(s),
        _ => Err(format!(
            "'{text}': expected a number of seconds, 0 or more (e.g. 60 or 0.5)"
        )),
    }
}

/// `--solver`: a name this build offers, refused by clap (exit 2, as any
/// usage error) rather than after the inputs were read.
fn solver_name(name: &str) -> Result<String, String> {
    tplan::territory::solver::check_solver(name)
        .map(|()| name.to_string())
        .map_err(|e| e.to_string())
}
