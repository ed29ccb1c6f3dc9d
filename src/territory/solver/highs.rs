//! HiGHS (feature `highs`): dual simplex, vertex solutions. Needs cmake, a
//! C++ compiler and libclang at build time.

use good_lp::{solvers::highs::highs, SolverModel};

use super::{add_rows, outcome, to_good_lp, LpModel, LpOutcome};
use crate::Result;

/// good_lp's error text for a HiGHS run that ended without a feasible
/// primal solution.
const NO_SOLUTION_FOUND: &str = "NoSolutionFound";

/// Solve `model`, stopping after `seconds` when given.
pub fn solve(model: &LpModel, seconds: Option<f64>) -> Result<LpOutcome> {
    let parts = to_good_lp(model);
    let mut problem = parts.vars.minimise(parts.objective).using(highs);
    problem.set_verbose(false);
    let mut problem = problem.set_threads(1);
    if let Some(seconds) = seconds {
        problem = problem.set_time_limit(seconds);
    }
    let refs = add_rows(&mut problem, parts.constraints);
    let t = std::time::Instant::now();
    let r = problem.solve();
    // At its time limit with no feasible iterate yet, good_lp reports
    // HiGHS's answer as an error: a stopped solve, not a failure.
    if let (Some(limit), Err(good_lp::ResolutionError::Other(NO_SOLUTION_FOUND))) = (seconds, &r) {
        if t.elapsed().as_secs_f64() >= limit {
            return Ok(LpOutcome::TimeLimit);
        }
    }
    outcome(model, &parts.handles, &refs, r, "HiGHS")
}
