//! tplan's own interior-point LP: Mehrotra's predictor-corrector on the
//! normal equations `A D A^T dy = r`, factored by faer's sparse Cholesky
//! (`--solver ipm`).
//!
//! Why not Clarabel alone: Clarabel factors the augmented KKT system of a
//! general conic problem, about (columns + rows + one bound row per column)
//! unknowns, orders it with AMD at every solve and refines each solve
//! iteratively. On the territory LP that is 3-4 times the work the
//! structure needs: every x column sits in one assignment row and a few
//! rows of its rep, so the normal equations' assignment block is diagonal
//! and their fill is only the rep rows' coupling through shared accounts.
//! One symbolic analysis per LP and one numeric factorisation per
//! iteration of a matrix of about `rows` unknowns is all it takes.
//!
//! The solve is deterministic (sequential faer, sums in a fixed order).
//! A run that does not converge returns [`IpmOutcome::Failed`], and the
//! backend falls back to Clarabel, which also tells infeasible models
//! apart. Not the default yet: plans rounded from its optimum are not as
//! close to the bound on every instance (docs/solvers.md, session 13).

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::cholesky::llt::factor::LltRegularization;
use faer::sparse::linalg::cholesky::{
    factorize_symbolic_cholesky, CholeskySymbolicParams, LltRef, SymbolicCholesky,
    SymmetricOrdering,
};
use faer::sparse::linalg::SupernodalThreshold;
use faer::sparse::{SparseColMatRef, SymbolicSparseColMatRef};
use faer::{Conj, MatMut, Par, Side};

use super::{objective_of, LpModel, LpSolution, Sense};

/// Relative primal and dual infeasibility and duality gap at which the
/// solve stops (in the equilibrated problem). Clarabel's default path
/// stops at 1e-7 too; at 1e-8 the iterate sat closer to a vertex and the
/// plans rounded from it were worse (10,000 x 100: 0.52 % against 0.38 %).
const TOLERANCE: f64 = 1e-7;
/// Iterations before giving up (and falling back to Clarabel). LPs up to
/// 100,000 x 500 take at most 82. At 1,000,000 x 2,000 some coarse LPs
/// take 158-190, and the 1.8-million-column fine LP had primal and dual
/// feasibility by iteration 100 but a gap that fell slowly until about
/// 160; it converged at 182 (310 s), where stopping at 150 had cost 247
/// s before Clarabel's 618-683 s.
const MAX_ITERATIONS: usize = 250;
/// Fraction of the step to the boundary taken.
const STEP_FRACTION: f64 = 0.995;
/// Diagonal added to the normal equations (after equilibration), so that
/// dependent rows (a group's mean row beside its reps' load rows, say)
/// keep them positive definite.
const REGULARIZATION: f64 = 1e-10;

/// What an interior-point solve ended with.
#[derive(Debug)]
pub enum IpmOutcome {
    Optimal(LpSolution),
    /// The time limit passed before convergence.
    TimeLimit,
    /// No convergence within the iteration limit, or a numerical failure:
    /// the caller should use another method.
    Failed(String),
}

/// How a model variable is recovered from the standard form's columns.
#[derive(Debug, Clone, Copy)]
enum Recover {
    /// `x = shift + col`.
    Shifted { col: usize, shift: f64 },
    /// `x = shift - col` (only an upper bound).
    Mirrored { col: usize, shift: f64 },
    /// `x = pos - neg` (free).
    Split { pos: usize, neg: usize },
}

/// `min c'x, A x = b, x >= 0` with A in compressed columns (row indices
/// sorted within each column).
struct Standard {
    rows: usize,
    col_ptr: Vec<usize>,
    row_idx: Vec<usize>,
    vals: Vec<f64>,
    b: Vec<f64>,
    c: Vec<f64>,
    recover: Vec<Recover>,
}

/// Columns with more entries than this (a balance group's mean, which
/// sits in every band row of the group) are split (see
/// [`split_dense_columns`]).
const DENSE_COLUMN: usize = 24;

/// Split every column of more than [`DENSE_COLUMN`] entries into copies
/// of at most that many, chained by rows `copy_i - copy_(i+1) = 0`; the
/// first copy keeps the column's index and cost. One dense column would
/// make all its rows one dense block of `A D A'` (at 100,000 accounts,
/// a group of 350 reps gives a block of 1,400 rows to factor at every
/// iteration); the chain keeps the coupling to neighbouring chunks. This is
/// Vanderbei's splitting of dense columns.
fn split_dense_columns(
    columns: &mut Vec<Vec<(usize, f64)>>,
    c: &mut Vec<f64>,
    b: &mut Vec<f64>,
    rows: &mut usize,
) {
    for j in 0..columns.len() {
        if columns[j].len() <= DENSE_COLUMN {
            continue;
        }
        let mut entries = std::mem::take(&mut columns[j]);
        entries.sort_by_key(|&(k, _)| k);
        let mut chunks = entries.chunks(DENSE_COLUMN);
        columns[j] = chunks.next().expect("a dense column has entries").to_vec();
        let mut previous = j;
        for chunk in chunks {
            let copy = columns.len();
            columns.push(chunk.to_vec());
            c.push(0.0);
            columns[previous].push((*rows, 1.0));
            columns[copy].push((*rows, -1.0));
            b.push(0.0);
            *rows += 1;
            previous = copy;
        }
    }
}

impl Standard {
    fn cols(&self) -> usize {
        self.c.len()
    }

    /// Every model row becomes an equality (a slack column for `<=` and
    /// `>=`), bounds are shifted to zero, a finite upper bound over a
    /// finite lower one becomes a row of its own.
    fn from_model(model: &LpModel) -> Standard {
        let n = model.num_vars();
        let mut columns: Vec<Vec<(usize, f64)>> = Vec::with_capacity(n + model.rows.len());
        let mut c = Vec::with_capacity(n + model.rows.len());
        let mut b: Vec<f64> = model.rows.iter().map(|r| r.rhs).collect();
        let mut terms_of: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        for (k, row) in model.rows.iter().enumerate() {
            for &(j, a) in &row.terms {
                terms_of[j].push((k, a));
            }
        }
        let mut recover = Vec::with_capacity(n);
        let mut extra_rows: Vec<(usize, f64)> = Vec::new(); // (column, upper - lower)
        for (j, terms) in terms_of.into_iter().enumerate() {
            let (lo, up, cost) = (model.lower[j], model.upper[j], model.cost[j]);
            let col = columns.len();
            if lo.is_finite() {
                for &(k, a) in &terms {
                    b[k] -= a * lo;
                }
                if up.is_finite() {
                    extra_rows.push((col, up - lo));
                }
                columns.push(terms);
                c.push(cost);
                recover.push(Recover::Shifted { col, shift: lo });
            } else if up.is_finite() {
                for &(k, a) in &terms {
                    b[k] -= a * up;
                }
                columns.push(terms.iter().map(|&(k, a)| (k, -a)).collect());
                c.push(-cost);
                recover.push(Recover::Mirrored { col, shift: up });
            } else {
                columns.push(terms.clone());
                columns.push(terms.iter().map(|&(k, a)| (k, -a)).collect());
                c.extend([cost, -cost]);
                recover.push(Recover::Split {
                    pos: col,
                    neg: col + 1,
                });
            }
        }
        for (k, row) in model.rows.iter().enumerate() {
            let sign = match row.sense {
                Sense::Eq => continue,
                Sense::Le => 1.0,
                Sense::Ge => -1.0,
            };
            columns.push(vec![(k, sign)]);
            c.push(0.0);
        }
        let mut rows = model.rows.len();
        for (col, width) in extra_rows {
            columns[col].push((rows, 1.0));
            columns.push(vec![(rows, 1.0)]);
            c.push(0.0);
            b.push(width);
            rows += 1;
        }
        split_dense_columns(&mut columns, &mut c, &mut b, &mut rows);
        let mut col_ptr = Vec::with_capacity(columns.len() + 1);
        let mut row_idx = Vec::new();
        let mut vals = Vec::new();
        col_ptr.push(0);
        for mut col in columns {
            col.sort_by_key(|&(k, _)| k);
            // A variable written twice in one row counts once, summed.
            let mut last: Option<usize> = None;
            for (k, a) in col {
                if last == Some(k) {
                    *vals.last_mut().expect("a previous entry") += a;
                } else {
                    row_idx.push(k);
                    vals.push(a);
                    last = Some(k);
                }
            }
            col_ptr.push(row_idx.len());
        }
        Standard {
            rows,
            col_ptr,
            row_idx,
            vals,
            b,
            c,
            recover,
        }
    }

    fn column(&self, j: usize) -> (&[usize], &[f64]) {
        let span = self.col_ptr[j]..self.col_ptr[j + 1];
        (&self.row_idx[span.clone()], &self.vals[span])
    }

    /// `out = A v`.
    fn times(&self, v: &[f64], out: &mut [f64]) {
        out.fill(0.0);
        for (j, &vj) in v.iter().enumerate() {
            if vj != 0.0 {
                let (rows, vals) = self.column(j);
                for (&k, &a) in rows.iter().zip(vals) {
                    out[k] += a * vj;
                }
            }
        }
    }

    /// `out = A' y`.
    fn transpose_times(&self, y: &[f64], out: &mut [f64]) {
        for (j, o) in out.iter_mut().enumerate() {
            let (rows, vals) = self.column(j);
            *o = rows.iter().zip(vals).map(|(&k, &a)| a * y[k]).sum();
        }
    }

    /// Ruiz equilibration: scale rows and columns until every row's and
    /// column's largest entry is near 1, so that loads in dollars and
    /// shares in [0, 1] meet on equal terms. Returns (row, column) scales;
    /// the problem becomes `R A C`, `R b`, `C c`.
    fn equilibrate(&mut self) -> (Vec<f64>, Vec<f64>) {
        let (m, n) = (self.rows, self.cols());
        let mut row_scale = vec![1.0; m];
        let mut col_scale = vec![1.0; n];
        for _ in 0..12 {
            let mut row_max = vec![0.0f64; m];
            let mut col_max = vec![0.0f64; n];
            for (j, cm) in col_max.iter_mut().enumerate() {
                let (rows, vals) = self.column(j);
                for (&k, &a) in rows.iter().zip(vals) {
                    let a = a.abs();
                    row_max[k] = row_max[k].max(a);
                    *cm = cm.max(a);
                }
            }
            let spread = row_max
                .iter()
                .chain(&col_max)
                .filter(|&&v| v > 0.0)
                .fold(0.0f64, |acc, &v| acc.max((1.0 - v).abs()));
            if spread < 1e-3 {
                break;
            }
            let rf: Vec<f64> = row_max
                .iter()
                .map(|&v| if v > 0.0 { 1.0 / v.sqrt() } else { 1.0 })
                .collect();
            let cf: Vec<f64> = col_max
                .iter()
                .map(|&v| if v > 0.0 { 1.0 / v.sqrt() } else { 1.0 })
                .collect();
            for (j, f) in cf.iter().enumerate() {
                for p in self.col_ptr[j]..self.col_ptr[j + 1] {
                    self.vals[p] *= rf[self.row_idx[p]] * f;
                }
            }
            row_scale.iter_mut().zip(&rf).for_each(|(s, f)| *s *= f);
            col_scale.iter_mut().zip(&cf).for_each(|(s, f)| *s *= f);
        }
        self.b.iter_mut().zip(&row_scale).for_each(|(v, s)| *v *= s);
        self.c.iter_mut().zip(&col_scale).for_each(|(v, s)| *v *= s);
        (row_scale, col_scale)
    }
}

/// The lower triangle of `A D A' + reg I` in compressed columns, with,
/// for each column of A, where each product of two of its entries lands,
/// so that every iteration refills the values without a search.
struct NormalMatrix {
    col_ptr: Vec<usize>,
    row_idx: Vec<usize>,
    vals: Vec<f64>,
    /// Per A column j, `pairs[pair_ptr[j]..pair_ptr[j+1]]` = (position in
    /// `vals`, a_kj * a_lj).
    pair_ptr: Vec<usize>,
    pairs: Vec<(usize, f64)>,
    diagonal: Vec<usize>,
}

impl NormalMatrix {
    fn pattern(a: &Standard) -> NormalMatrix {
        let m = a.rows;
        let mut lists: Vec<Vec<usize>> = (0..m).map(|k| vec![k]).collect();
        for j in 0..a.cols() {
            let (rows, _) = a.column(j);
            for (p, &lo) in rows.iter().enumerate() {
                for &hi in &rows[p + 1..] {
                    lists[lo].push(hi);
                }
            }
        }
        let mut col_ptr = Vec::with_capacity(m + 1);
        let mut row_idx = Vec::new();
        col_ptr.push(0);
        for list in &mut lists {
            list.sort_unstable();
            list.dedup();
            row_idx.extend_from_slice(list);
            col_ptr.push(row_idx.len());
        }
        let diagonal = col_ptr[..m].to_vec();
        let position = |hi: usize, lo: usize| -> usize {
            let span = &row_idx[col_ptr[lo]..col_ptr[lo + 1]];
            col_ptr[lo] + span.binary_search(&hi).expect("entry in the pattern")
        };
        let mut pair_ptr = Vec::with_capacity(a.cols() + 1);
        let mut pairs = Vec::new();
        pair_ptr.push(0);
        for j in 0..a.cols() {
            let (rows, vals) = a.column(j);
            for p in 0..rows.len() {
                for q in p..rows.len() {
                    pairs.push((position(rows[q], rows[p]), vals[p] * vals[q]));
                }
            }
            pair_ptr.push(pairs.len());
        }
        NormalMatrix {
            vals: vec![0.0; row_idx.len()],
            col_ptr,
            row_idx,
            pair_ptr,
            pairs,
            diagonal,
        }
    }

    fn size(&self) -> usize {
        self.col_ptr.len() - 1
    }

    fn fill(&mut self, d: &[f64], reg: f64) {
        self.vals.fill(0.0);
        for (j, &dj) in d.iter().enumerate() {
            for &(pos, aa) in &self.pairs[self.pair_ptr[j]..self.pair_ptr[j + 1]] {
                self.vals[pos] += dj * aa;
            }
        }
        for &p in &self.diagonal {
            self.vals[p] += reg;
        }
    }

    fn symbolic(&self) -> SymbolicSparseColMatRef<'_, usize> {
        let n = self.size();
        SymbolicSparseColMatRef::new_checked(n, n, &self.col_ptr, None, &self.row_idx)
    }
}

/// A factorisation of the normal matrix, refreshed every iteration on one
/// symbolic analysis.
struct Factor {
    symbolic: SymbolicCholesky<usize>,
    values: Vec<f64>,
    work: MemBuffer,
}

/// Above this many entries in the Cholesky factor per entry of the
/// normal matrix's lower triangle, the factor is worked in dense blocks
/// (supernodal); at or below it, column by column (simplicial).
///
/// The normal matrix's fill is usually thin (rows of neighbouring reps):
/// supernodes stay small and faer's dense kernels cost more to set up than
/// they save. Simplicial: the LP-pinned rounding of 60,000 x 200 (fill
/// 1.1-1.2) took 1.95 s, against 8.40 s supernodal, and 100,000 x 500's
/// LPs (fill 1.26 for the long ones, up to 3.15 for the coarse ones) 42 s
/// against 92 s. With 2,000 reps the coarse models' rep rows fill in
/// densely (1,000,000 x 2,000: fill 5.0-6.0), and there supernodal took
/// each coarse LP in 5.2-7.3 s against 23-48 s.
const SUPERNODAL_FILL: f64 = 4.0;

impl Factor {
    fn analyse(normal: &NormalMatrix) -> Result<Factor, String> {
        let mut symbolic = Self::symbolic(normal, SupernodalThreshold::FORCE_SIMPLICIAL)?;
        if symbolic.len_val() as f64 > SUPERNODAL_FILL * normal.row_idx.len() as f64 {
            symbolic = Self::symbolic(normal, SupernodalThreshold::FORCE_SUPERNODAL)?;
        }
        let scratch = symbolic
            .factorize_numeric_llt_scratch::<f64>(Par::Seq, Default::default())
            .or(symbolic.solve_in_place_scratch::<f64>(1, Par::Seq));
        Ok(Factor {
            values: vec![0.0; symbolic.len_val()],
            work: MemBuffer::new(scratch),
            symbolic,
        })
    }

    #[cfg(test)]
    fn is_supernodal(&self) -> bool {
        matches!(
            self.symbolic.raw(),
            faer::sparse::linalg::cholesky::SymbolicCholeskyRaw::Supernodal(_)
        )
    }

    /// Ordering (AMD) and symbolic factorisation, simplicial or supernodal.
    fn symbolic(
        normal: &NormalMatrix,
        threshold: SupernodalThreshold,
    ) -> Result<SymbolicCholesky<usize>, String> {
        factorize_symbolic_cholesky(
            normal.symbolic(),
            Side::Lower,
            SymmetricOrdering::Amd,
            CholeskySymbolicParams {
                supernodal_flop_ratio_threshold: threshold,
                ..Default::default()
            },
        )
        .map_err(|e| format!("symbolic factorisation: {e:?}"))
    }

    fn factor(&mut self, normal: &NormalMatrix) -> Result<(), String> {
        let mat = SparseColMatRef::new(normal.symbolic(), &normal.vals);
        let biggest = normal
            .diagonal
            .iter()
            .fold(0.0f64, |acc, &p| acc.max(normal.vals[p]));
        // A pivot that cancels to nothing (dependent rows) is replaced by
        // a large one: that direction is left alone.
        let regularization = LltRegularization {
            dynamic_regularization_delta: biggest.max(1.0) * 1e8,
            dynamic_regularization_epsilon: 1e-30,
        };
        self.symbolic
            .factorize_numeric_llt(
                &mut self.values,
                mat,
                Side::Lower,
                regularization,
                Par::Seq,
                MemStack::new(&mut self.work),
                Default::default(),
            )
            .map(|_| ())
            .map_err(|e| format!("numeric factorisation: {e:?}"))
    }

    fn solve(&mut self, rhs: &mut [f64]) {
        let n = rhs.len();
        let llt = LltRef::new(&self.symbolic, &self.values);
        llt.solve_in_place_with_conj(
            Conj::No,
            MatMut::from_column_major_slice_mut(rhs, n, 1),
            Par::Seq,
            MemStack::new(&mut self.work),
        );
    }
}

/// Solve `(A D A' + reg I) dy = rhs` in place, with up to three steps of
/// iterative refinement against the product itself (the factor of an
/// ill-conditioned matrix near the optimum can lose digits). `work` is a
/// column-sized scratch vector.
fn solve_refined(a: &Standard, d: &[f64], factor: &mut Factor, rhs: &mut [f64], work: &mut [f64]) {
    let target = rhs.to_vec();
    let scale = max_abs(&target).max(1e-300);
    factor.solve(rhs);
    let mut residual = vec![0.0; rhs.len()];
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        a.transpose_times(rhs, work);
        work.iter_mut().zip(d).for_each(|(w, d)| *w *= d);
        a.times(work, &mut residual);
        for ((r, t), y) in residual.iter_mut().zip(&target).zip(rhs.iter()) {
            *r = t - *r - REGULARIZATION * y;
        }
        let error = max_abs(&residual) / scale;
        if error < 1e-12 || error > 0.5 * best {
            break;
        }
        best = error;
        factor.solve(&mut residual);
        rhs.iter_mut().zip(&residual).for_each(|(y, r)| *y += r);
    }
}

/// Largest step in [0, 1] with `v + step * dv >= 0`.
fn step_to_boundary(v: &[f64], dv: &[f64]) -> f64 {
    v.iter()
        .zip(dv)
        .filter(|(_, &d)| d < 0.0)
        .fold(1.0f64, |acc, (&x, &d)| acc.min(-x / d))
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0f64, |acc, x| acc.max(x.abs()))
}

/// An iterate: primal values `x`, row duals `y`, reduced costs `z`.
struct Point {
    x: Vec<f64>,
    y: Vec<f64>,
    z: Vec<f64>,
}

/// A Newton direction.
struct Direction {
    dx: Vec<f64>,
    dy: Vec<f64>,
    dz: Vec<f64>,
}

/// Mehrotra's starting point: least-squares `x` and `(y, z)`, shifted
/// inside the orthant.
fn starting_point(
    std: &Standard,
    normal: &mut NormalMatrix,
    factor: &mut Factor,
) -> Result<Point, String> {
    let (m, n) = (std.rows, std.cols());
    normal.fill(&vec![1.0; n], REGULARIZATION);
    factor.factor(normal)?;
    let mut y = vec![0.0; m];
    std.times(&std.c, &mut y);
    factor.solve(&mut y);
    let mut z = vec![0.0; n];
    std.transpose_times(&y, &mut z);
    z.iter_mut().zip(&std.c).for_each(|(z, c)| *z = c - *z);
    let mut w = std.b.clone();
    factor.solve(&mut w);
    let mut x = vec![0.0; n];
    std.transpose_times(&w, &mut x);
    let lowest = |v: &[f64]| v.iter().cloned().fold(f64::INFINITY, f64::min);
    let shift_x = (-1.5 * lowest(&x)).max(0.0);
    let shift_z = (-1.5 * lowest(&z)).max(0.0);
    x.iter_mut().for_each(|v| *v += shift_x);
    z.iter_mut().for_each(|v| *v += shift_z);
    let xz = dot(&x, &z);
    let (sum_x, sum_z) = (x.iter().sum::<f64>(), z.iter().sum::<f64>());
    let (ex, ez) = if xz > 0.0 {
        (0.5 * xz / sum_z, 0.5 * xz / sum_x)
    } else {
        (1.0, 1.0)
    };
    x.iter_mut().for_each(|v| *v = (*v + ex).max(1e-8));
    z.iter_mut().for_each(|v| *v = (*v + ez).max(1e-8));
    Ok(Point { x, y, z })
}

/// The Newton direction towards `x z = target` from `point`, with primal
/// residual `rp = b - A x` and dual residual `rd = c - A' y - z`:
/// `A D A' dy = rp + A (d rd - r_xz / z)` with `r_xz = target - x z`,
/// `dx = d (A' dy - rd) + r_xz / z`, `dz = rd - A' dy`.
fn newton_direction(
    std: &Standard,
    point: &Point,
    (d, rp, rd): (&[f64], &[f64], &[f64]),
    r_xz: &[f64],
    factor: &mut Factor,
    out: &mut Direction,
) {
    let z = &point.z;
    let mut tmp: Vec<f64> = (0..z.len())
        .map(|j| d[j] * rd[j] - r_xz[j] / z[j])
        .collect();
    std.times(&tmp, &mut out.dy);
    out.dy.iter_mut().zip(rp).for_each(|(r, p)| *r += p);
    solve_refined(std, d, factor, &mut out.dy, &mut tmp);
    std.transpose_times(&out.dy, &mut tmp);
    for (j, aty) in tmp.iter().enumerate() {
        out.dx[j] = d[j] * (aty - rd[j]) + r_xz[j] / z[j];
        out.dz[j] = rd[j] - aty;
    }
}

/// Model values and row duals of the standard form's point, undoing the
/// scalings.
fn model_solution(
    model: &LpModel,
    std: &Standard,
    point: &Point,
    (row_scale, col_scale): (&[f64], &[f64]),
    (b_scale, c_scale): (f64, f64),
) -> LpSolution {
    let column_value = |col: usize| point.x[col] * col_scale[col] * b_scale;
    let values: Vec<f64> = std
        .recover
        .iter()
        .map(|r| match *r {
            Recover::Shifted { col, shift } => shift + column_value(col),
            Recover::Mirrored { col, shift } => shift - column_value(col),
            Recover::Split { pos, neg } => column_value(pos) - column_value(neg),
        })
        .collect();
    let duals: Vec<f64> = (0..model.rows.len())
        .map(|k| point.y[k] * row_scale[k] * c_scale)
        .collect();
    LpSolution {
        objective: objective_of(model, &values),
        values,
        duals,
    }
}

/// Solve `model`; `deadline_reached` is asked between iterations.
pub fn solve(model: &LpModel, deadline_reached: &dyn Fn() -> bool) -> IpmOutcome {
    let started = std::time::Instant::now();
    let mut std = Standard::from_model(model);
    if std.rows == 0 || std.cols() == 0 {
        return IpmOutcome::Failed("an empty model".into());
    }
    let (row_scale, col_scale) = std.equilibrate();
    // Scale b and c to unit size so that the tolerances mean the same for
    // a model in metres or in millions.
    let b_scale = max_abs(&std.b).max(1e-12);
    let c_scale = max_abs(&std.c).max(1e-12);
    std.b.iter_mut().for_each(|v| *v /= b_scale);
    std.c.iter_mut().for_each(|v| *v /= c_scale);

    let (m, n) = (std.rows, std.cols());
    let mut normal = NormalMatrix::pattern(&std);
    let mut factor = match Factor::analyse(&normal) {
        Ok(f) => f,
        Err(e) => return IpmOutcome::Failed(e),
    };
    let mut point = match starting_point(&std, &mut normal, &mut factor) {
        Ok(p) => p,
        Err(e) => return IpmOutcome::Failed(e),
    };
    let (b_norm, c_norm) = (1.0 + max_abs(&std.b), 1.0 + max_abs(&std.c));
    let mut rp = vec![0.0; m];
    let mut rd = vec![0.0; n];
    let mut d = vec![0.0; n];
    let mut r_xz = vec![0.0; n];
    let mut step = Direction {
        dx: vec![0.0; n],
        dy: vec![0.0; m],
        dz: vec![0.0; n],
    };
    let mut converged = false;
    let mut iterations = 0;
    while iterations < MAX_ITERATIONS {
        let Point { x, y, z } = &point;
        std.times(x, &mut rp);
        rp.iter_mut().zip(&std.b).for_each(|(r, b)| *r = b - *r);
        std.transpose_times(y, &mut rd);
        for j in 0..n {
            rd[j] = std.c[j] - rd[j] - z[j];
        }
        let (primal, dual) = (dot(&std.c, x), dot(&std.b, y));
        let mu = dot(x, z) / n as f64;
        if max_abs(&rp) / b_norm < TOLERANCE
            && max_abs(&rd) / c_norm < TOLERANCE
            && (primal - dual).abs() / (1.0 + primal.abs()) < TOLERANCE
        {
            converged = true;
            break;
        }
        if !mu.is_finite() || deadline_reached() {
            break;
        }
        iterations += 1;
        for j in 0..n {
            d[j] = x[j] / z[j];
        }
        normal.fill(&d, REGULARIZATION);
        if let Err(e) = factor.factor(&normal) {
            return IpmOutcome::Failed(e);
        }
        // Predictor (affine scaling): the target x z = 0.
        for j in 0..n {
            r_xz[j] = -x[j] * z[j];
        }
        newton_direction(&std, &point, (&d, &rp, &rd), &r_xz, &mut factor, &mut step);
        let Point { x, z, .. } = &point;
        let alpha_p = step_to_boundary(x, &step.dx);
        let alpha_d = step_to_boundary(z, &step.dz);
        let mu_affine = (0..n)
            .map(|j| (x[j] + alpha_p * step.dx[j]) * (z[j] + alpha_d * step.dz[j]))
            .sum::<f64>()
            / n as f64;
        let sigma = (mu_affine / mu).clamp(0.0, 1.0).powi(3);
        // Corrector: the target sigma mu, less the predictor's second-order
        // term.
        for j in 0..n {
            r_xz[j] = -x[j] * z[j] - step.dx[j] * step.dz[j] + sigma * mu;
        }
        newton_direction(&std, &point, (&d, &rp, &rd), &r_xz, &mut factor, &mut step);
        let alpha_p = (STEP_FRACTION * step_to_boundary(&point.x, &step.dx)).min(1.0);
        let alpha_d = (STEP_FRACTION * step_to_boundary(&point.z, &step.dz)).min(1.0);
        point
            .x
            .iter_mut()
            .zip(&step.dx)
            .for_each(|(v, dv)| *v += alpha_p * dv);
        point
            .z
            .iter_mut()
            .zip(&step.dz)
            .for_each(|(v, dv)| *v += alpha_d * dv);
        point
            .y
            .iter_mut()
            .zip(&step.dy)
            .for_each(|(v, dv)| *v += alpha_d * dv);
    }
    if std::env::var_os("TPLAN_DEBUG").is_some() {
        eprintln!(
            "ipm {n} columns {m} rows: {iterations} iterations, {:.2}s, {}",
            started.elapsed().as_secs_f64(),
            if converged {
                "converged"
            } else {
                "not converged"
            }
        );
    }
    if !converged {
        return if deadline_reached() {
            IpmOutcome::TimeLimit
        } else {
            IpmOutcome::Failed(format!("no convergence in {iterations} iterations"))
        };
    }
    IpmOutcome::Optimal(model_solution(
        model,
        &std,
        &point,
        (&row_scale, &col_scale),
        (b_scale, c_scale),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::territory::solver::{clarabel, LpOutcome};

    fn random(seed: u64) -> impl FnMut() -> f64 {
        let mut state = seed;
        move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// A transportation-like LP shaped like the territory model: each of
    /// `accounts` rows takes its unit from three of `reps` columns, each
    /// rep's load lies within 10 % of a shared mean (a column in every
    /// band row: dense when there are many reps), with penalised slacks.
    fn territory_like(accounts: usize, reps: usize, seed: u64) -> LpModel {
        territory_like_with(accounts, reps, seed, false)
    }

    /// [`territory_like`], the second and third reps of each account drawn
    /// at random when `scattered` (rather than fixed offsets from the
    /// first): every rep then shares accounts with most others, as the
    /// clusters of a coarse model do with 2,000 reps.
    fn territory_like_with(accounts: usize, reps: usize, seed: u64, scattered: bool) -> LpModel {
        let mut next = random(seed);
        let mut m = LpModel::default();
        let mut rep_terms: Vec<Vec<(usize, f64)>> = vec![Vec::new(); reps];
        for _ in 0..accounts {
            let load = 0.2 + 2.0 * next();
            let mut terms = Vec::new();
            let first = (next() * reps as f64) as usize;
            let (second, third) = if scattered {
                // Two distinct offsets in 1..reps from `first`.
                let a = 1 + (next() * (reps - 1) as f64) as usize;
                let b = 1 + (next() * (reps - 2) as f64) as usize;
                let b = if b >= a { b + 1 } else { b };
                ((first + a) % reps, (first + b) % reps)
            } else {
                ((first + 1) % reps, (first + 7) % reps)
            };
            for r in [first, second, third] {
                let x = m.add_var(0.0, f64::INFINITY, next() * load);
                terms.push((x, 1.0));
                rep_terms[r].push((x, load));
            }
            m.add_row(terms, Sense::Eq, 1.0);
        }
        let mean = m.add_var(0.0, f64::INFINITY, 0.0);
        let mut mean_row = vec![(mean, reps as f64)];
        for terms in rep_terms {
            let l = m.add_var(0.0, f64::INFINITY, 0.0);
            let mut row = vec![(l, 1.0)];
            row.extend(terms.iter().map(|&(x, a)| (x, -a)));
            m.add_row(row, Sense::Eq, 0.0);
            mean_row.push((l, -1.0));
            for (factor, sense, sign) in [(0.9, Sense::Ge, 1.0), (1.1, Sense::Le, -1.0)] {
                let s = m.add_var(0.0, f64::INFINITY, 100.0);
                m.add_row(vec![(l, 1.0), (mean, -factor), (s, sign)], sense, 0.0);
            }
        }
        m.add_row(mean_row, Sense::Eq, 0.0);
        m
    }

    fn reduced_costs_are_nonnegative(model: &LpModel, s: &LpSolution) -> f64 {
        let mut worst = 0.0f64;
        let mut reduced = model.cost.clone();
        for (row, &y) in model.rows.iter().zip(&s.duals) {
            for &(j, a) in &row.terms {
                reduced[j] -= y * a;
            }
        }
        for r in reduced {
            worst = worst.min(r);
        }
        worst
    }

    /// The interior point's solution of `model`, whose objective must
    /// agree with Clarabel's, and the scale of that objective.
    fn optimum_matching_clarabel(model: &LpModel, what: &str) -> (LpSolution, f64) {
        let IpmOutcome::Optimal(ours) = solve(model, &|| false) else {
            panic!("{what}: no convergence")
        };
        let LpOutcome::Optimal(theirs) = clarabel::solve(model, None).unwrap() else {
            panic!("clarabel failed")
        };
        let scale = 1.0 + theirs.objective.abs();
        assert!(
            (ours.objective - theirs.objective).abs() < 1e-6 * scale,
            "{what}: {} against {}",
            ours.objective,
            theirs.objective
        );
        (ours, scale)
    }

    /// The interior point's optimum, primal rows and dual signs agree with
    /// Clarabel's on models with and without a dense column.
    #[test]
    fn matches_clarabel_on_territory_like_models() {
        for (accounts, reps, seed) in [(60, 6, 1), (400, 40, 2), (900, 90, 3)] {
            let model = territory_like(accounts, reps, seed);
            let (ours, scale) = optimum_matching_clarabel(&model, &format!("{accounts} x {reps}"));
            for row in &model.rows {
                let lhs: f64 = row.terms.iter().map(|&(j, a)| a * ours.values[j]).sum();
                let ok = match row.sense {
                    Sense::Eq => (lhs - row.rhs).abs() < 1e-6,
                    Sense::Le => lhs <= row.rhs + 1e-6,
                    Sense::Ge => lhs >= row.rhs - 1e-6,
                };
                assert!(ok, "{accounts} x {reps}: row {row:?} at {lhs}");
            }
            assert!(ours.values.iter().all(|&v| v >= -1e-9));
            assert!(reduced_costs_are_nonnegative(&model, &ours) > -1e-6 * scale);
        }
    }

    /// Which factorisation a model gets: column by column where reps share
    /// accounts with a few neighbours, dense blocks where they share them
    /// with most others; both solve to Clarabel's optimum.
    #[test]
    fn dense_fill_is_factored_in_supernodes() {
        for (scattered, supernodal) in [(false, false), (true, true)] {
            let model = territory_like_with(2000, 400, 4, scattered);
            let mut std = Standard::from_model(&model);
            std.equilibrate();
            let normal = NormalMatrix::pattern(&std);
            let factor = Factor::analyse(&normal).unwrap();
            assert_eq!(factor.is_supernodal(), supernodal, "scattered: {scattered}");
            optimum_matching_clarabel(&model, &format!("scattered: {scattered}"));
        }
    }

    #[test]
    fn a_dense_column_is_split_into_chained_copies() {
        let model = territory_like(900, 90, 3);
        let std = Standard::from_model(&model);
        assert!((0..std.cols()).all(|j| std.column(j).0.len() <= DENSE_COLUMN + 2));
        // 181 band and mean entries in chunks of 24: 8 copies, 7 chain rows.
        assert_eq!(std.rows, model.rows.len() + 7);
    }
}
