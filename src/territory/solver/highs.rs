//! HiGHS (feature `highs`): dual simplex, vertex solutions. Needs cmake, a
//! C++ compiler and libclang at build time.

use good_lp::{
    solvers::highs::highs, DualValues, ResolutionError, Solution, SolutionWithDual, SolverModel,
};

use super::{add_rows, objective_of, to_good_lp, LpModel, LpOutcome, LpSolution};
use crate::{Error, Result};

pub fn solve(model: &LpModel) -> Result<LpOutcome> {
    let parts = to_good_lp(model);
    let mut problem = parts.vars.minimise(parts.objective).using(highs);
    problem.set_verbose(false);
    let mut problem = problem.set_threads(1);
    let refs = add_rows(&mut problem, parts.constraints);
    match problem.solve() {
        Ok(mut solution) => {
            let values: Vec<f64> = parts.handles.iter().map(|v| solution.value(*v)).collect();
            let dual = solution.compute_dual();
            let duals = refs.iter().map(|r| dual.dual(r.clone())).collect();
            Ok(LpOutcome::Optimal(LpSolution {
                objective: objective_of(model, &values),
                values,
                duals,
            }))
        }
        Err(ResolutionError::Infeasible) => Ok(LpOutcome::Infeasible),
        Err(e) => Err(Error::Solver(format!("HiGHS: {e}"))),
    }
}
