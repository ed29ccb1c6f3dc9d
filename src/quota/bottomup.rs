//! Bottom-up: what each territory can bear, by three methods, and their
//! configured combination.
//!
//! - potential: territory potential x capture rate;
//! - history: `bookings_last_year` x (1 + growth);
//! - pipeline: open pipeline / coverage ratio (the quota the pipeline
//!   supports at healthy coverage).
//!
//! A method is available when at least one account in the data has its
//! column filled (empty cells count as 0); the weights of unavailable
//! methods are shared out over the available ones in proportion, so the
//! combination always weighs what the data supports.

use serde::Serialize;

use crate::model::BottomUpConfig;

/// Sums over the accounts of one territory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Territory {
    pub accounts: usize,
    pub potential: f64,
    pub bookings: f64,
    pub pipeline: f64,
}

/// Which methods the data supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Availability {
    pub history: bool,
    pub pipeline: bool,
}

/// Weights of the methods as used (summing to 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MethodWeights {
    pub potential: f64,
    pub history: f64,
    pub pipeline: f64,
}

/// The three figures of one territory for a full year (not ramp-adjusted);
/// `None` for a method the data does not support.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Methods {
    pub potential: f64,
    pub history: Option<f64>,
    pub pipeline: Option<f64>,
}

/// The configured weights restricted to the available methods and
/// normalised; `None` when the available methods all have weight 0.
pub fn effective_weights(cfg: &BottomUpConfig, avail: Availability) -> Option<MethodWeights> {
    let p = cfg.potential_weight;
    let h = if avail.history {
        cfg.history_weight
    } else {
        0.0
    };
    let q = if avail.pipeline {
        cfg.pipeline_weight
    } else {
        0.0
    };
    let sum = p + h + q;
    (sum > 0.0).then(|| MethodWeights {
        potential: p / sum,
        history: h / sum,
        pipeline: q / sum,
    })
}

/// Each method's figure for a territory.
pub fn methods(t: &Territory, cfg: &BottomUpConfig, avail: Availability) -> Methods {
    Methods {
        potential: t.potential * cfg.capture_rate,
        history: avail.history.then_some(t.bookings * (1.0 + cfg.growth)),
        pipeline: avail.pipeline.then_some(t.pipeline / cfg.coverage_ratio),
    }
}

/// The weighted combination of the methods (full year).
pub fn combine(m: &Methods, w: &MethodWeights) -> f64 {
    w.potential * m.potential
        + w.history * m.history.unwrap_or(0.0)
        + w.pipeline * m.pipeline.unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_method_and_the_blend() {
        let cfg = BottomUpConfig::default(); // 0.2 capture, +10 %, 3x; 0.4/0.4/0.2
        let t = Territory {
            accounts: 3,
            potential: 1_000_000.0,
            bookings: 150_000.0,
            pipeline: 600_000.0,
        };
        let all = Availability {
            history: true,
            pipeline: true,
        };
        let m = methods(&t, &cfg, all);
        assert!((m.potential - 200_000.0).abs() < 1e-6);
        assert!((m.history.unwrap() - 165_000.0).abs() < 1e-6);
        assert!((m.pipeline.unwrap() - 200_000.0).abs() < 1e-6);
        let w = effective_weights(&cfg, all).unwrap();
        // 0.4 x 200k + 0.4 x 165k + 0.2 x 200k
        assert!((combine(&m, &w) - 186_000.0).abs() < 1e-6);
    }

    #[test]
    fn missing_columns_hand_their_weight_to_the_others() {
        let cfg = BottomUpConfig::default();
        let none = Availability {
            history: false,
            pipeline: false,
        };
        let w = effective_weights(&cfg, none).unwrap();
        assert_eq!((w.potential, w.history, w.pipeline), (1.0, 0.0, 0.0));
        let only_history = Availability {
            history: true,
            pipeline: false,
        };
        let w = effective_weights(&cfg, only_history).unwrap();
        assert!((w.potential - 0.5).abs() < 1e-12 && (w.history - 0.5).abs() < 1e-12);
        let cfg = BottomUpConfig {
            potential_weight: 0.0,
            history_weight: 0.0,
            pipeline_weight: 1.0,
            ..BottomUpConfig::default()
        };
        assert_eq!(effective_weights(&cfg, none), None);
    }
}
