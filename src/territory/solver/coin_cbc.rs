//! CBC (feature `coin_cbc`): COIN-OR's CLP simplex through CBC. Needs
//! coinor-libcbc-dev at build time.

use good_lp::{
    solvers::coin_cbc::coin_cbc, DualValues, ResolutionError, Solution, SolutionWithDual,
    SolverModel,
};

use super::{add_rows, objective_of, to_good_lp, LpModel, LpOutcome, LpSolution};
use crate::{Error, Result};

pub fn solve(model: &LpModel) -> Result<LpOutcome> {
    let parts = to_good_lp(model);
    let mut problem = parts.vars.minimise(parts.objective).using(coin_cbc);
    problem.set_parameter("log", "0");
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
        Err(e) => Err(Error::Solver(format!("CBC: {e}"))),
    }
}
