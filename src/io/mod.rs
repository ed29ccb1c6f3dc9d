//! Reading and validating inputs (CSV, TOML) with precise errors; writing datasets.
