//! Synthetic instances clustered like real markets (see `tplan generate`).
