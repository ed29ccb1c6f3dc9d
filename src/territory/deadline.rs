//! `--time-limit`: when the planner stops searching.
//!
//! The limit bounds the two open-ended parts of a solve: the LP relaxation
//! (the solver itself is given the time left, and column generation stops
//! between rounds) and the improvement of the rounded plans. Rounding,
//! repair, the independent verification and writing always run to the
//! end, since without them there is no plan to write. When the limit ends
//! the LP after a restricted LP of the full model was solved, that LP is
//! rounded and repaired as the optimum would be, and its Lagrangian bound
//! (the restricted optimum less the pricing deficit) is the plan's bound:
//! valid, weaker than the LP optimum. Before that there is no plan.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

/// Environment variable for the tests: the deadline counts as passed once
/// the run reaches a stage (`lp`: the first restricted LP of the full
/// model solved and priced; `improvement`: the rounded plans repaired), so
/// the stopped paths are tested without depending on the machine's speed.
/// Only read when a time limit is set; unset in normal use.
pub const TEST_DEADLINE_VAR: &str = "TPLAN_TEST_DEADLINE";

/// `--time-limit SECONDS`, counted from `started` (the start of the
/// command, so reading the inputs counts too).
#[derive(Debug, Clone, Copy)]
pub struct TimeLimit {
    pub seconds: f64,
    pub started: Instant,
}

/// Where the time limit cut the search short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Column generation (or a solve within it) was stopped.
    Lp,
    /// The LP-pinned rounding's restricted LPs were stopped (the LP
    /// relaxation had finished).
    Rounding,
    /// Improvement of the rounded and repaired plans was stopped.
    Improvement,
}

impl Stage {
    fn code(self) -> u8 {
        match self {
            Stage::Lp => 1,
            Stage::Improvement => 2,
            Stage::Rounding => 3,
        }
    }

    fn of_code(code: u8) -> Option<Stage> {
        match code {
            1 => Some(Stage::Lp),
            2 => Some(Stage::Improvement),
            3 => Some(Stage::Rounding),
            _ => None,
        }
    }

    /// "during the LP relaxation" / "during improvement".
    pub fn during(self) -> &'static str {
        match self {
            Stage::Lp => "during the LP relaxation",
            Stage::Rounding => "during the LP-pinned rounding",
            Stage::Improvement => "while improving the plan",
        }
    }
}

/// What the time limit did, for the manifest and the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeLimitReport {
    /// `--time-limit`, seconds.
    pub seconds: f64,
    /// The limit cut the search short (a verified plan was still written).
    pub fired: bool,
    /// Where: `lp`, `rounding` or `improvement`; `null` when it did not
    /// fire.
    pub stage: Option<Stage>,
}

impl TimeLimitReport {
    /// What a reader should know about the plan when the limit fired.
    pub fn describe(&self) -> Option<String> {
        let stage = self.stage.filter(|_| self.fired)?;
        let what = match stage {
            Stage::Lp => {
                "the plan was rounded from the last restricted LP and repaired, not improved, and \
                 its bound is that LP's Lagrangian bound (valid, weaker than the LP optimum)"
            }
            Stage::Rounding => {
                "the plan was rounded from the LP optimum without the LP-pinned rounding, \
                 repaired and not improved; its bound is the LP optimum's"
            }
            Stage::Improvement => {
                "the plan was repaired but not fully improved; its bound is the LP optimum's"
            }
        };
        Some(format!(
            "--time-limit {} s ran out {}: {what}",
            seconds_text(self.seconds),
            stage.during()
        ))
    }
}

/// Seconds as typed: `3`, `0.5`.
pub fn seconds_text(s: f64) -> String {
    format!("{s}")
}

/// The deadline of one solve, shared by the threads of the search.
#[derive(Debug)]
pub struct Deadline {
    limit: Option<f64>,
    at: Option<Instant>,
    /// The test hook's stage, when set.
    hook: Option<Checkpoint>,
    /// The hook's stage was reached: the deadline counts as passed.
    hook_reached: AtomicBool,
    /// The first stage the deadline cut short ([`Stage::code`]; 0: none).
    fired: AtomicU8,
}

/// A point where the search checks the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checkpoint {
    /// Before an LP solve (any model).
    LpSolve,
    /// After a restricted LP of the coarse model was priced.
    CoarseRound,
    /// After a restricted LP of the full model was priced.
    LpRound,
    /// Before a round of the LP-pinned rounding.
    PinnedRound,
    /// Within improvement.
    Improvement,
}

impl Checkpoint {
    fn stage(self) -> Stage {
        match self {
            Checkpoint::LpSolve | Checkpoint::CoarseRound | Checkpoint::LpRound => Stage::Lp,
            Checkpoint::PinnedRound => Stage::Rounding,
            Checkpoint::Improvement => Stage::Improvement,
        }
    }
}

impl Deadline {
    /// No limit: never passes.
    pub fn none() -> Deadline {
        Deadline {
            limit: None,
            at: None,
            hook: None,
            hook_reached: AtomicBool::new(false),
            fired: AtomicU8::new(0),
        }
    }

    /// The deadline of `limit`, with the test hook of [`TEST_DEADLINE_VAR`].
    pub fn new(limit: Option<TimeLimit>) -> Deadline {
        let Some(limit) = limit else {
            return Deadline::none();
        };
        let hook = match std::env::var(TEST_DEADLINE_VAR).as_deref() {
            Ok("lp") => Some(Checkpoint::LpRound),
            Ok("rounding") => Some(Checkpoint::PinnedRound),
            Ok("improvement") => Some(Checkpoint::Improvement),
            _ => None,
        };
        Deadline {
            limit: Some(limit.seconds),
            // A limit too far ahead to represent never passes.
            at: Duration::try_from_secs_f64(limit.seconds)
                .ok()
                .and_then(|d| limit.started.checked_add(d)),
            hook,
            hook_reached: AtomicBool::new(false),
            fired: AtomicU8::new(0),
        }
    }

    /// Has the deadline passed at this checkpoint? Callers ask only where
    /// they would stop, so a yes is recorded as the limit firing there.
    pub fn passed(&self, at: Checkpoint) -> bool {
        if self.limit.is_none() {
            return false;
        }
        if self.hook == Some(at) {
            self.hook_reached.store(true, Ordering::Relaxed);
        }
        // Once passed, always passed: a solver stopped at the limit may
        // return a hair before the clock reads it.
        let passed = self.fired.load(Ordering::Relaxed) != 0
            || self.hook_reached.load(Ordering::Relaxed)
            || self.at.is_some_and(|t| Instant::now() >= t);
        if passed {
            self.fire(at.stage());
        }
        passed
    }

    /// The same limit for one independent piece of a split LP, solved
    /// beside the others: the test hook and the record of where the limit
    /// fired are the piece's own, so each piece keeps at least the
    /// restricted LP it had solved when the limit passed, as a whole
    /// model does. [`Deadline::absorb`] brings the record back.
    pub fn for_piece(&self) -> Deadline {
        Deadline {
            limit: self.limit,
            at: self.at,
            hook: self.hook,
            hook_reached: AtomicBool::new(false),
            fired: AtomicU8::new(0),
        }
    }

    /// Record where a piece's deadline fired, unless this one fired first.
    pub fn absorb(&self, piece: &Deadline) {
        let code = piece.fired.load(Ordering::Relaxed);
        if code != 0 {
            let _ = self
                .fired
                .compare_exchange(0, code, Ordering::Relaxed, Ordering::Relaxed);
        }
    }

    /// Record that the limit stopped work at `stage` (the first one counts).
    pub fn fire(&self, stage: Stage) {
        let _ = self
            .fired
            .compare_exchange(0, stage.code(), Ordering::Relaxed, Ordering::Relaxed);
    }

    /// Seconds left for a solver, `None` without a limit (or with one too
    /// far ahead to represent).
    pub fn remaining(&self) -> Option<f64> {
        self.at
            .map(|t| t.saturating_duration_since(Instant::now()).as_secs_f64())
    }

    /// The stage the limit first cut short, if it did.
    pub fn fired(&self) -> Option<Stage> {
        Stage::of_code(self.fired.load(Ordering::Relaxed))
    }

    /// The manifest's record; `None` without a limit.
    pub fn report(&self) -> Option<TimeLimitReport> {
        let seconds = self.limit?;
        let stage = self.fired();
        Some(TimeLimitReport {
            seconds,
            fired: stage.is_some(),
            stage,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_limit_never_passes() {
        let d = Deadline::none();
        assert!(!d.passed(Checkpoint::LpSolve));
        assert_eq!(d.report(), None);
        assert_eq!(d.remaining(), None);
    }

    #[test]
    fn a_zero_limit_has_passed_and_records_the_first_stage() {
        let d = Deadline::new(Some(TimeLimit {
            seconds: 0.0,
            started: Instant::now(),
        }));
        assert!(d.passed(Checkpoint::LpSolve));
        assert!(d.passed(Checkpoint::Improvement));
        assert_eq!(d.fired(), Some(Stage::Lp));
        assert_eq!(d.remaining(), Some(0.0));
        let report = d.report().unwrap();
        assert!(report.fired);
        assert!(report
            .describe()
            .unwrap()
            .starts_with("--time-limit 0 s ran out during the LP relaxation"));
    }

    #[test]
    fn a_generous_limit_does_not_pass_and_a_huge_one_never_does() {
        for seconds in [3600.0, 1e300] {
            let d = Deadline::new(Some(TimeLimit {
                seconds,
                started: Instant::now(),
            }));
            assert!(!d.passed(Checkpoint::LpRound), "{seconds}");
            let report = d.report().unwrap();
            assert!(!report.fired);
            assert_eq!(report.stage, None);
            assert_eq!(report.describe(), None);
        }
    }
}
