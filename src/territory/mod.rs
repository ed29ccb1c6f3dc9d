//! The territory model: balance groups, candidate pairs, LP with pricing, rounding and repair, verification.
