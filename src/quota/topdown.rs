//! Top-down: the quota total (sales target plus over-assignment, in whole
//! currency units) distributed to reps by a blend of ramp-adjusted
//! territory potential and ramp-adjusted capacity.
//!
//! Capacity is measured in what an FTE of the rep's balance group can
//! bear: capacity x the group's potential per FTE (the rep's fair share of
//! potential). Balance means equal opportunity, not equal size: an SMB FTE
//! and an ENT FTE work very different books, and splitting the total by
//! raw FTE across segments would hand SMB reps several times what their
//! territories hold. Within a group the two parts differ only by the
//! balance tolerance and by ramp.

use super::alloc::allocate;

/// What top-down needs to know of one rep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TopDownRep {
    /// Potential of the rep's territory.
    pub potential: f64,
    /// FTE.
    pub capacity: f64,
    /// Potential per FTE of the rep's balance group (0 when unknown).
    pub group_potential_per_fte: f64,
    /// Seasonality-weighted mean ramp factor over the fiscal year (0-1).
    pub productive_share: f64,
}

/// Each rep's share of the quota total (summing to 1):
/// `w x potential_r e_r / sum(potential e) + (1 - w) x fair_r e_r / sum(fair e)`,
/// with `e_r` the productive share and `fair_r` = capacity x group
/// potential per FTE. When no territory holds potential the whole total
/// goes by plain capacity. `None` when no rep is productive at all during
/// the fiscal year.
pub fn shares(potential_weight: f64, reps: &[TopDownRep]) -> Option<Vec<f64>> {
    let pot: Vec<f64> = reps
        .iter()
        .map(|r| r.potential.max(0.0) * r.productive_share)
        .collect();
    let fair: Vec<f64> = reps
        .iter()
        .map(|r| r.capacity.max(0.0) * r.group_potential_per_fte.max(0.0) * r.productive_share)
        .collect();
    let cap: Vec<f64> = if fair.iter().sum::<f64>() > 0.0 {
        fair
    } else {
        reps.iter()
            .map(|r| r.capacity.max(0.0) * r.productive_share)
            .collect()
    };
    let pot_sum: f64 = pot.iter().sum();
    let cap_sum: f64 = cap.iter().sum();
    if cap_sum <= 0.0 {
        return None;
    }
    let w = if pot_sum > 0.0 { potential_weight } else { 0.0 };
    Some(
        pot.iter()
            .zip(&cap)
            .map(|(p, c)| {
                let by_pot = if pot_sum > 0.0 { p / pot_sum } else { 0.0 };
                w * by_pot + (1.0 - w) * c / cap_sum
            })
            .collect(),
    )
}

/// The quota total split by [`shares`], in whole units summing exactly to
/// `total`.
pub fn top_down(total: i64, potential_weight: f64, reps: &[TopDownRep]) -> Option<Vec<i64>> {
    allocate(total, &shares(potential_weight, reps)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rep(potential: f64, capacity: f64, productive_share: f64) -> TopDownRep {
        TopDownRep {
            potential,
            capacity,
            group_potential_per_fte: 0.0,
            productive_share,
        }
    }

    #[test]
    fn worked_example_ten_fully_ramped_reps_get_800k_each() {
        // $10M company target, 80 % from sales, no over-assignment.
        let total = (10_000_000.0_f64 * 0.8).round() as i64;
        let reps = vec![rep(1_000_000.0, 1.0, 1.0); 10];
        for w in [0.0, 0.5, 1.0] {
            assert_eq!(top_down(total, w, &reps).unwrap(), vec![800_000; 10]);
        }
    }

    #[test]
    fn blend_mixes_potential_and_ramped_capacity() {
        // Potential 3:1, capacity 1:1: half by potential gives 0.375 / 0.125,
        // half by capacity 0.25 / 0.25.
        let reps = [rep(300.0, 1.0, 1.0), rep(100.0, 1.0, 1.0)];
        assert_eq!(top_down(1000, 0.5, &reps).unwrap(), vec![625, 375]);
        // A rep productive half the year carries half the weight.
        let reps = [rep(100.0, 1.0, 1.0), rep(100.0, 1.0, 0.5)];
        assert_eq!(top_down(900, 0.5, &reps).unwrap(), vec![600, 300]);
        // Nobody productive: no top-down split.
        assert!(top_down(900, 0.5, &[rep(100.0, 1.0, 0.0)]).is_none());
        // No potential anywhere: capacity decides.
        let reps = [rep(0.0, 1.5, 1.0), rep(0.0, 0.5, 1.0)];
        assert_eq!(top_down(100, 1.0, &reps).unwrap(), vec![75, 25]);
    }

    #[test]
    fn capacity_counts_in_the_groups_potential_per_fte() {
        // An SMB rep (1M per FTE) and an ENT rep (9M per FTE), one FTE
        // each, territories exactly at their fair share: any blend gives
        // 10 % and 90 %, not 50 / 50 by head count.
        let smb = TopDownRep {
            group_potential_per_fte: 1_000_000.0,
            ..rep(1_000_000.0, 1.0, 1.0)
        };
        let ent = TopDownRep {
            group_potential_per_fte: 9_000_000.0,
            ..rep(9_000_000.0, 1.0, 1.0)
        };
        for w in [0.0, 0.5, 1.0] {
            assert_eq!(top_down(1_000, w, &[smb, ent]).unwrap(), vec![100, 900]);
        }
        // Capacity part: a 0.5 FTE peer carries half a fair share even
        // when its territory came out 10 % above it.
        let half = TopDownRep {
            capacity: 0.5,
            ..rep(550_000.0, 0.5, 1.0)
        };
        let half = TopDownRep {
            group_potential_per_fte: 1_000_000.0,
            ..half
        };
        assert_eq!(
            top_down(1_500, 0.0, &[smb, half]).unwrap(),
            vec![1_000, 500]
        );
    }
}
