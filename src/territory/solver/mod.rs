//! LP backends behind one interface. The territory model builds an
//! [`LpModel`] (plain sparse rows); each backend file turns it into a good_lp
//! problem for one solver, behind its cargo feature, and returns primal
//! values and row duals in one sign convention. `ipm` is tplan's own
//! interior point, which reads the [`LpModel`] directly and falls back to
//! Clarabel.

mod clarabel;
#[cfg(feature = "highs")]
mod highs;
mod ipm;

use good_lp::{
    constraint::ConstraintReference, variable, Expression, ProblemVariables, SolverModel, Variable,
};

use crate::{Error, Result};

/// Row sense of an LP constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sense {
    Le,
    Ge,
    Eq,
}

/// One LP row: sum of coef x var (sense) rhs.
#[derive(Debug, Clone)]
pub struct Row {
    pub terms: Vec<(usize, f64)>,
    pub sense: Sense,
    pub rhs: f64,
}

/// A minimisation LP: variables with bounds and costs, sparse rows.
#[derive(Debug, Clone, Default)]
pub struct LpModel {
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
    pub cost: Vec<f64>,
    pub rows: Vec<Row>,
}

impl LpModel {
    /// Add a variable and return its index.
    pub fn add_var(&mut self, lower: f64, upper: f64, cost: f64) -> usize {
        self.lower.push(lower);
        self.upper.push(upper);
        self.cost.push(cost);
        self.cost.len() - 1
    }

    /// Add a row and return its index.
    pub fn add_row(&mut self, terms: Vec<(usize, f64)>, sense: Sense, rhs: f64) -> usize {
        self.rows.push(Row { terms, sense, rhs });
        self.rows.len() - 1
    }

    pub fn num_vars(&self) -> usize {
        self.cost.len()
    }
}

/// Optimal primal values and duals. `duals[k]` is the shadow price of row k
/// (d objective / d rhs), so a column's reduced cost is
/// `cost_j - sum_k duals[k] * a_kj`.
#[derive(Debug, Clone)]
pub struct LpSolution {
    pub values: Vec<f64>,
    pub duals: Vec<f64>,
    pub objective: f64,
}

/// Outcome of one LP solve.
#[derive(Debug, Clone)]
pub enum LpOutcome {
    Optimal(LpSolution),
    Infeasible,
    /// The solver stopped at its time limit ([`solve_within`]): no
    /// solution, not even a feasible one, is returned.
    TimeLimit,
}

/// Names of the backends compiled into this build.
pub fn available_solvers() -> Vec<&'static str> {
    let mut names = vec!["clarabel", "ipm"];
    if cfg!(feature = "highs") {
        names.push("highs");
    }
    names
}

/// Check a solver name against the backends in this build.
pub fn check_solver(name: &str) -> Result<()> {
    if available_solvers().contains(&name) {
        Ok(())
    } else {
        let hint = match name {
            "highs" => " (rebuild with `--features highs`)",
            "cbc" => " (CBC is not offered: good_lp's CBC backend gives no row duals, which pricing needs)",
            _ => "",
        };
        Err(Error::Usage(format!(
            "unknown solver '{name}'{hint}; this build has: {}",
            available_solvers().join(", ")
        )))
    }
}

/// Solve `model` with the named backend.
pub fn solve(name: &str, model: &LpModel) -> Result<LpOutcome> {
    solve_within(name, model, None)
}

/// Solve `model` with the named backend, stopping after `seconds` (none:
/// no limit) with [`LpOutcome::TimeLimit`].
pub fn solve_within(name: &str, model: &LpModel, seconds: Option<f64>) -> Result<LpOutcome> {
    if seconds.is_some_and(|s| s <= 0.0) {
        return Ok(LpOutcome::TimeLimit);
    }
    match name {
        "clarabel" => clarabel::solve(model, seconds),
        "ipm" => solve_by_ipm(model, seconds),
        #[cfg(feature = "highs")]
        "highs" => highs::solve(model, seconds),
        other => {
            check_solver(other)?;
            Err(Error::Solver(format!("solver '{other}' is not wired")))
        }
    }
}

/// tplan's interior-point method, with Clarabel where it does not
/// converge (Clarabel also tells an infeasible model apart).
fn solve_by_ipm(model: &LpModel, seconds: Option<f64>) -> Result<LpOutcome> {
    let start = std::time::Instant::now();
    let reached = || seconds.is_some_and(|s| start.elapsed().as_secs_f64() >= s);
    match ipm::solve(model, &reached) {
        ipm::IpmOutcome::Optimal(solution) => Ok(LpOutcome::Optimal(solution)),
        ipm::IpmOutcome::TimeLimit => Ok(LpOutcome::TimeLimit),
        ipm::IpmOutcome::Failed(why) => {
            if std::env::var_os("TPLAN_DEBUG").is_some() {
                eprintln!("ipm: {why}; solving with Clarabel");
            }
            let left = seconds.map(|s| s - start.elapsed().as_secs_f64());
            solve_within("clarabel", model, left)
        }
    }
}

/// The good_lp variables, objective and constraints of a model, shared by
/// every backend so each backend file only picks and tunes its solver.
pub(crate) struct GoodLpParts {
    pub vars: ProblemVariables,
    pub handles: Vec<Variable>,
    pub objective: Expression,
    pub constraints: Vec<good_lp::Constraint>,
}

pub(crate) fn to_good_lp(model: &LpModel) -> GoodLpParts {
    let mut vars = ProblemVariables::new();
    let handles: Vec<Variable> = (0..model.num_vars())
        .map(|j| {
            let mut def = variable();
            if model.lower[j].is_finite() {
                def = def.min(model.lower[j]);
            }
            if model.upper[j].is_finite() {
                def = def.max(model.upper[j]);
            }
            vars.add(def)
        })
        .collect();
    let objective: Expression = handles
        .iter()
        .zip(&model.cost)
        .filter(|(_, c)| **c != 0.0)
        .map(|(v, c)| *c * *v)
        .sum();
    let constraints = model
        .rows
        .iter()
        .map(|row| {
            let mut lhs = Expression::with_capacity(row.terms.len());
            for &(j, a) in &row.terms {
                lhs.add_mul(a, handles[j]);
            }
            match row.sense {
                Sense::Le => lhs.leq(row.rhs),
                Sense::Ge => lhs.geq(row.rhs),
                Sense::Eq => lhs.eq(row.rhs),
            }
        })
        .collect();
    GoodLpParts {
        vars,
        handles,
        objective,
        constraints,
    }
}

/// Add every constraint to a backend model, keeping references for duals.
pub(crate) fn add_rows<M: SolverModel>(
    model: &mut M,
    constraints: Vec<good_lp::Constraint>,
) -> Vec<ConstraintReference> {
    constraints
        .into_iter()
        .map(|c| model.add_constraint(c))
        .collect()
}

/// Turn a backend's answer into an [`LpOutcome`]: primal values, row duals
/// in the shadow-price convention, and the objective recomputed from the
/// values (backends differ in what they report).
pub(crate) fn outcome<S>(
    model: &LpModel,
    handles: &[Variable],
    refs: &[ConstraintReference],
    answer: std::result::Result<S, good_lp::ResolutionError>,
    backend: &str,
) -> Result<LpOutcome>
where
    S: good_lp::Solution + for<'a> good_lp::SolutionWithDual<'a>,
{
    use good_lp::DualValues;
    match answer {
        // HiGHS returns its last iterate at the time limit: not optimal,
        // and its duals prove nothing.
        Ok(solution) if matches!(solution.status(), good_lp::SolutionStatus::TimeLimit) => {
            Ok(LpOutcome::TimeLimit)
        }
        Ok(mut solution) => {
            let values: Vec<f64> = handles.iter().map(|v| solution.value(*v)).collect();
            let dual = solution.compute_dual();
            let duals = refs.iter().map(|r| dual.dual(r.clone())).collect();
            Ok(LpOutcome::Optimal(LpSolution {
                objective: objective_of(model, &values),
                values,
                duals,
            }))
        }
        Err(good_lp::ResolutionError::Infeasible) => Ok(LpOutcome::Infeasible),
        // Clarabel's MaxTime status, as good_lp words it.
        Err(good_lp::ResolutionError::Other(TIME_LIMIT_REACHED)) => Ok(LpOutcome::TimeLimit),
        Err(e) => Err(Error::Solver(format!("{backend}: {e}"))),
    }
}

/// good_lp's error text for Clarabel's `MaxTime` status.
const TIME_LIMIT_REACHED: &str = "Time limit reached";

/// Objective value recomputed from primal values.
pub(crate) fn objective_of(model: &LpModel, values: &[f64]) -> f64 {
    model.cost.iter().zip(values).map(|(c, x)| c * x).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// min x + 2y s.t. x + y = 1, x <= 0.3: x = 0.3, y = 0.7, dual of the
    /// equality row = 2, dual of x <= 0.3 row = -1.
    #[test]
    fn duals_follow_shadow_price_convention() {
        let mut m = LpModel::default();
        let x = m.add_var(0.0, f64::INFINITY, 1.0);
        let y = m.add_var(0.0, f64::INFINITY, 2.0);
        m.add_row(vec![(x, 1.0), (y, 1.0)], Sense::Eq, 1.0);
        m.add_row(vec![(x, 1.0)], Sense::Le, 0.3);
        m.add_row(vec![(y, 1.0)], Sense::Ge, 0.1);
        for name in available_solvers() {
            let LpOutcome::Optimal(s) = solve(name, &m).unwrap() else {
                panic!("{name}: infeasible")
            };
            assert!((s.values[x] - 0.3).abs() < 1e-6, "{name}");
            assert!((s.objective - 1.7).abs() < 1e-6, "{name}");
            assert!((s.duals[0] - 2.0).abs() < 1e-6, "{name}: {:?}", s.duals);
            assert!((s.duals[1] + 1.0).abs() < 1e-6, "{name}: {:?}", s.duals);
            assert!(s.duals[2].abs() < 1e-6, "{name}: {:?}", s.duals);
        }
    }

    /// A solve with no time left is not started; one with time is the
    /// same as without a limit.
    #[test]
    fn a_time_limit_stops_or_leaves_the_solve_alone() {
        let mut m = LpModel::default();
        let x = m.add_var(0.0, 1.0, 1.0);
        m.add_row(vec![(x, 1.0)], Sense::Ge, 0.5);
        for name in available_solvers() {
            assert!(matches!(
                solve_within(name, &m, Some(0.0)).unwrap(),
                LpOutcome::TimeLimit
            ));
            let LpOutcome::Optimal(s) = solve_within(name, &m, Some(60.0)).unwrap() else {
                panic!("{name}: not solved within a minute")
            };
            assert!((s.values[x] - 0.5).abs() < 1e-6, "{name}");
        }
    }

    /// A Clarabel solve that ran out its limit is stopped, whatever status
    /// it gives its last iterate (one that meets its reduced tolerances is
    /// `AlmostSolved`).
    #[test]
    fn a_solve_that_ran_out_its_limit_is_stopped() {
        let mut m = LpModel::default();
        let vars: Vec<usize> = (0..200).map(|j| m.add_var(0.0, 1.0, j as f64)).collect();
        for pair in vars.chunks(2) {
            m.add_row(vec![(pair[0], 1.0), (pair[1], 1.0)], Sense::Eq, 1.0);
        }
        assert!(matches!(
            solve_within("clarabel", &m, Some(1e-9)).unwrap(),
            LpOutcome::TimeLimit
        ));
    }

    #[test]
    fn infeasible_model_is_reported() {
        let mut m = LpModel::default();
        let x = m.add_var(0.0, 1.0, 1.0);
        m.add_row(vec![(x, 1.0)], Sense::Ge, 2.0);
        for name in available_solvers() {
            assert!(
                matches!(solve(name, &m).unwrap(), LpOutcome::Infeasible),
                "{name}"
            );
        }
    }
}
