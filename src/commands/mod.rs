//! One module per subcommand; `main.rs` parses arguments and calls these.

pub mod explain;
pub mod generate;
pub mod plan;
pub mod quota;
pub mod report;
pub mod scenarios;
pub mod validate;
