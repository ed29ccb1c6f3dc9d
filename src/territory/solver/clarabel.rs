//! Clarabel: pure-Rust interior-point solver, the default backend. Its
//! solutions are interior (not vertices), so callers must not assume few
//! fractional values.

use good_lp::{solvers::clarabel::clarabel, SolverModel};

use super::{add_rows, outcome, to_good_lp, LpModel, LpOutcome};
use crate::Result;

/// Solve `model`, stopping after `seconds` when given.
pub fn solve(model: &LpModel, seconds: Option<f64>) -> Result<LpOutcome> {
    let parts = to_good_lp(model);
    let mut problem = parts.vars.minimise(parts.objective).using(clarabel);
    problem
        .settings()
        .tol_gap_abs(1e-7)
        .tol_gap_rel(1e-7)
        .tol_feas(1e-8)
        .max_iter(400);
    if let Some(seconds) = seconds {
        problem.settings().time_limit(seconds);
    }
    let refs = add_rows(&mut problem, parts.constraints);
    let t = std::time::Instant::now();
    let r = problem.solve();
    if std::env::var_os("TPLAN_DEBUG").is_some() {
        if let Ok(s) = &r {
            eprintln!(
                "clarabel {} vars {} rows: {:.2}s, {} iterations, solver time {:.2}s",
                model.num_vars(),
                model.rows.len(),
                t.elapsed().as_secs_f64(),
                s.inner().iterations,
                s.inner().solve_time
            );
        }
    }
    // Stopped by its time limit, Clarabel still reports `AlmostSolved`
    // when the last iterate meets its reduced tolerances: not an optimum,
    // and its duals bound nothing. A solve that ran the whole limit is
    // treated as stopped, whatever its status.
    if let (Some(limit), Ok(s)) = (seconds, &r) {
        if s.inner().solve_time >= limit {
            return Ok(LpOutcome::TimeLimit);
        }
    }
    outcome(model, &parts.handles, &refs, r, "Clarabel")
}
