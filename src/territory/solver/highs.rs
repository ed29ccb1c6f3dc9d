//! HiGHS (feature `highs`): dual simplex, vertex solutions. Needs cmake, a
//! C++ compiler and libclang at build time.

use good_lp::{solvers::highs::highs, SolverModel};

use super::{add_rows, outcome, to_good_lp, LpModel, LpOutcome};
use crate::Result;

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
    outcome(model, &parts.handles, &refs, problem.solve(), "HiGHS")
}
