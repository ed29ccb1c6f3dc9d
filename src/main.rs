//! The `tplan` command line: parses arguments and calls the library.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use tplan::commands;

#[derive(Parser)]
#[command(
    name = "tplan",
    version,
    about = "Territory and quota planning optimizer"
)]
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
        /// LP solver backend.
        #[arg(long, default_value = commands::plan::DEFAULT_SOLVER, value_parser = solver_name)]
        solver: String,
        /// Skip the charts, report.html, GeoJSON and CRM exports.
        #[arg(long)]
        no_report: bool,
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
        /// LP solver backend, for the plan made when OUT holds none.
        #[arg(long, default_value = commands::plan::DEFAULT_SOLVER, value_parser = solver_name)]
        solver: String,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate { dir, config } => commands::validate::run(&dir, config.as_deref())
            .with_context(|| format!("validating {}", dir.display())),
        Command::Plan {
            dir,
            out,
            config,
            solver,
            no_report,
        } => {
            let options = commands::plan::PlanOptions {
                dir: dir.clone(),
                out,
                config,
                solver,
                report: !no_report,
            };
            commands::plan::run(&options).with_context(|| format!("planning {}", dir.display()))
        }
        Command::Quota {
            dir,
            out,
            config,
            solver,
        } => {
            let options = commands::quota::QuotaOptions {
                dir: dir.clone(),
                out,
                config,
                solver,
            };
            commands::quota::run(&options)
                .with_context(|| format!("setting quotas for {}", dir.display()))
        }
        Command::Scenarios { dir, out, config } => {
            let options = commands::scenarios::ScenariosOptions {
                dir: dir.clone(),
                out,
                config,
            };
            commands::scenarios::run(&options)
                .with_context(|| format!("running scenarios for {}", dir.display()))
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

/// `--solver`: a name this build offers, refused by clap (exit 2, as any
/// usage error) rather than after the inputs were read.
fn solver_name(name: &str) -> Result<String, String> {
    tplan::territory::solver::check_solver(name)
        .map(|()| name.to_string())
        .map_err(|e| e.to_string())
}
