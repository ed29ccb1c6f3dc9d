//! Rebalance with `[[segment_share]]`: the model is solved over the reps'
//! capacity parts ([`PartSplit`], as `plan` does) and the outputs are
//! restated over reps.
//!
//! A split rep covers exactly the segments of its shares and every
//! account has a segment, so an account has at most one part of any rep
//! it may go to: the part of its segment. Today's owner maps to the part
//! of the account's segment, an account can never move between two parts
//! of one rep, and a move over parts is a move over reps and back. So the
//! model's move charge (taking an account from `Setup::current`) counts
//! exactly the moves over reps, and its bound holds for them: a plan over
//! reps with every part in its band is one plan over parts with the same
//! moves. [`Setup::over_parts`] and the caller check both equalities on
//! every run rather than trust them.

use crate::model::{PartSplit, RepBalance};
use crate::territory::verify;
use crate::{Error, Result};

use super::frontier::FrontierPoint;
use super::{account_kinds, Setup};

impl Setup {
    /// The same situation over the parts of `split` (built from
    /// `self.dataset`, so departed reps' parts have capacity 0): today's
    /// owners mapped to the part of each account's segment, a part
    /// departed or newly hired when its rep is.
    pub fn over_parts(&self, split: &PartSplit) -> Result<Setup> {
        let ds = &split.dataset;
        let current = split.part_owners(&self.dataset, &self.current);
        let of_rep =
            |flags: &[bool]| -> Vec<bool> { split.part_rep.iter().map(|&r| flags[r]).collect() };
        let departed = of_rep(&self.departed);
        let kind = account_kinds(ds, &current, &departed);
        if let Some(i) = (0..kind.len()).find(|&i| kind[i] != self.kind[i]) {
            return Err(Error::Solver(format!(
                "internal error: account {} is {:?} over reps but {:?} over segment-share parts",
                self.dataset.accounts[i].id, self.kind[i], kind[i]
            )));
        }
        Ok(Setup {
            dataset: ds.clone(),
            original_capacity: split
                .part_rep
                .iter()
                .zip(&split.part_share)
                .map(|(&r, share)| self.original_capacity[r] * share.as_ref().map_or(1.0, |s| s.1))
                .collect(),
            effective: self.effective,
            new_hire: of_rep(&self.new_hire),
            departed,
            current,
            kind,
            deals: self.deals.clone(),
            open_deals: self.open_deals.clone(),
        })
    }
}

/// A frontier point over parts restated over reps (`setup` is the
/// situation over reps): owners are reps, and the deviations and reps
/// outside tolerance are those of the reps, each the sum of its parts (a
/// rep is outside when one of its parts is). Moves, moved potential,
/// distance and the total band violation (summed over parts, where the
/// bands are) are unchanged.
pub fn point_over_reps(setup: &Setup, split: &PartSplit, point: FrontierPoint) -> FrontierPoint {
    let some: Vec<Option<usize>> = point.owner.iter().map(|&p| Some(p)).collect();
    let parts = verify::whole_rep_balances(&split.dataset, &some);
    let balance = split.rep_balances(&setup.dataset, &parts);
    let active: Vec<&RepBalance> = balance.iter().filter(|b| !setup.departed[b.rep]).collect();
    let max_abs = |f: fn(&RepBalance) -> f64| active.iter().map(|b| f(b).abs()).fold(0.0, f64::max);
    FrontierPoint {
        max_potential_deviation: max_abs(|b| b.potential_deviation),
        max_workload_deviation: max_abs(|b| b.workload_deviation),
        reps_outside: active.iter().filter(|b| !b.within_tolerance).count(),
        owner: split.rep_owners(&point.owner),
        ..point
    }
}
