//! One module per subcommand; `main.rs` parses arguments and calls these.
