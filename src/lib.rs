//! tplan: territory and quota planning as a linear program.
//!
//! Stages, each a module with plain data types between them:
//! `io` (read and validate inputs) -> `territory` (candidate pairs, LP,
//! pricing, rounding and repair, verification) -> `quota` (top-down and
//! bottom-up quotas, phasing, attainment) -> `output` (atomic writes of
//! assignments, territory summary, quotas and manifest) -> `report`
//! (charts, map, review page and GeoJSON from the output folder's files)
//! and `exports` (CRM loader files). `scenarios` models capacity and
//! headcount for finance. `generate` makes synthetic
//! instances; `commands` holds one function per CLI subcommand so the binary
//! only parses arguments.

pub mod commands;
pub mod distance;
pub mod error;
pub mod explain;
pub mod exports;
pub mod generate;
pub mod io;
pub mod model;
pub mod output;
pub mod progress;
pub mod quota;
pub mod rebalance;
pub mod report;
pub mod review;
pub mod scenarios;
pub mod territory;

pub use error::{Error, InputProblem, Result};
