//! Rounding with the LP in the loop.
//!
//! Rounding the purified optimum's split accounts breaks the bands by
//! lumpy amounts (4.5 to 7.4 fair shares at 100,000 x 500), and repair, a
//! greedy search, pays for every unit of that with chains of moves: on one
//! generated 100,000 x 500 instance 4,125 moves, 112 s and a plan 6.35 %
//! above the bound. Here each split account is pinned at its band-aware
//! rounding and the restricted LP is solved again over every other
//! account: the LP re-places the rest around the pinned accounts at its
//! own optimum, purification leaves a new set of split accounts, and those
//! are pinned in the next round. What is left to round after
//! [`PINNING_ROUNDS`] rounds breaks the bands by a fraction of what plain
//! rounding did (0.27 against 1.06-1.51 fair shares at 60,000 x 200), so
//! repair is short and cheap. Each round costs one restricted LP over the
//! candidate pairs of the relaxation (no pricing: a start needs no proof),
//! solved piece by piece like the relaxation.

use super::components::solve_restricted_by_piece;
use super::deadline::{Checkpoint, Deadline, Stage};
use super::lp::Phase;
use super::problem::Problem;
use super::purify::purify;
use super::round::{optimal_support, round_tracking_loads};
use crate::Result;

/// Rounds of pinning: a third moved the gap by a few hundredths of a
/// percent at 10,000 x 100 and 60,000 x 200 for one more LP each.
pub const PINNING_ROUNDS: usize = 2;

/// Penalty per fair share of balance slack in the pinned LPs, as in the
/// relaxation's first cost phase: pins can make a band unreachable within
/// the candidate pairs, and the slack then says by how much.
const PINNED_SLACK_PENALTY: f64 = 100.0;

/// The band-aware rounding after [`PINNING_ROUNDS`] rounds of pinning,
/// starting from the purified optimum `vertex` and its band-aware
/// rounding `rounded`; `None` when the deadline passed first.
pub fn pinned_rounding(
    p: &Problem,
    cand: &[Vec<usize>],
    vertex: &[Vec<(usize, f64)>],
    rounded: &[usize],
    solver: &str,
    deadline: &Deadline,
) -> Result<Option<Vec<usize>>> {
    let mut pinned: Vec<Option<usize>> = vec![None; p.num_accounts];
    let mut split: Vec<bool> = vertex.iter().map(|s| s.len() > 1).collect();
    let mut owner = rounded.to_vec();
    for _ in 0..PINNING_ROUNDS {
        if deadline.passed(Checkpoint::PinnedRound) {
            return Ok(None);
        }
        for (i, pin) in pinned.iter_mut().enumerate() {
            if split[i] {
                *pin = Some(owner[i]);
            }
        }
        let columns: Vec<Vec<usize>> = cand
            .iter()
            .zip(&pinned)
            .map(|(reps, pin)| pin.map_or_else(|| reps.clone(), |r| vec![r]))
            .collect();
        let phase = Phase::Cost {
            penalty: PINNED_SLACK_PENALTY,
        };
        // A limit that passes inside these LPs cut the rounding short,
        // not the relaxation, whatever the LP code records.
        let inner = deadline.for_piece();
        let Some(lp) = solve_restricted_by_piece(p, &columns, phase, solver, &inner)? else {
            deadline.fire(Stage::Rounding);
            return Ok(None);
        };
        let (next, _) = purify(p, &optimal_support(p, &lp));
        owner = round_tracking_loads(p, &next);
        split = next.iter().map(|s| s.len() > 1).collect();
    }
    Ok(Some(owner))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{generate, GenerateSpec};
    use crate::territory::relax::{solve_relaxation, LpMethod};
    use crate::territory::repair::LocalSearch;

    /// On a generated 6,000 x 60 instance: every account goes to one of
    /// its candidate reps, every pinned account keeps its rounding, and
    /// the pinned rounding leaves less band violation to repair than
    /// the plain band-aware rounding of the same optimum.
    #[test]
    fn pinning_leaves_less_violation_than_plain_rounding() {
        let p = Problem::new(&generate(&GenerateSpec::new(6000, 60, 5)));
        let relaxation = solve_relaxation(&p, "clarabel", LpMethod::Columns, &|_| {})
            .unwrap()
            .expect("generated instances are feasible");
        let (vertex, _) = purify(&p, &optimal_support(&p, &relaxation.lp));
        let plain = round_tracking_loads(&p, &vertex);
        let pinned = pinned_rounding(
            &p,
            &relaxation.cand,
            &vertex,
            &plain,
            "clarabel",
            &Deadline::none(),
        )
        .unwrap()
        .expect("no deadline");
        for (i, &r) in pinned.iter().enumerate() {
            assert!(relaxation.cand[i].contains(&r), "account {i} to {r}");
            if vertex[i].len() > 1 {
                assert_eq!(r, plain[i], "split account {i} lost its pin");
            }
        }
        let violation = |owner: &[usize]| {
            LocalSearch::new(
                &p,
                &relaxation.neighbours,
                owner.to_vec(),
                relaxation.lp.price.clone(),
            )
            .total_violation()
        };
        let (before, after) = (violation(&plain), violation(&pinned));
        assert!(
            after < 0.5 * before,
            "pinned rounding leaves {after:.4} of violation, plain {before:.4}"
        );
    }
}
