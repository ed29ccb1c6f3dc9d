//! Purification: move an optimal LP point that splits many accounts (what
//! an interior-point solver returns) to one that splits few, without
//! raising its cost or leaving any balance band.
//!
//! A vertex of the territory LP splits at most about as many accounts as
//! there are tight balance rows, while Clarabel's interior solutions split
//! thousands at 60,000 accounts; rounding those broke balance by several
//! fair shares and repair then cost 1-2 % of distance. Each step here takes
//! a few split accounts near one another, finds a combination of share
//! shifts that leaves every tight balance row of the reps involved (and
//! the group totals, so every band stays put) unchanged, orients it so the
//! cost does not rise, and follows it until a share reaches 0 or 1 or a
//! band edge is reached. Each step removes a share or tightens a row, so
//! the process ends; what remains split is (locally) a vertex.

use super::problem::{Problem, NUM_METRICS};

/// Shares below this are zero.
const ZERO: f64 = 1e-12;
/// A band row within this fraction of its target of an edge is tight.
const TIGHT: f64 = 1e-7;
/// Reps gathered around a seed before it is declared part of the vertex.
const MAX_REPS: usize = 10;
/// Shifts considered per step (columns of the local system).
const MAX_EDGES: usize = 48;
/// Relative pivot threshold of the local elimination.
const PIVOT: f64 = 1e-10;

/// Outcome figures, for the debug trace and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PurifyStats {
    pub split_before: usize,
    pub split_after: usize,
    pub steps: usize,
    /// Cost change in scaled units (never positive beyond noise).
    pub cost_change: f64,
    /// Scaled load outside the bands before and after (0 for an LP
    /// optimum; purification keeps it).
    pub violation_before: f64,
    pub violation_after: f64,
}

/// One shift: move share of account `account` from rep `from` to rep `to`.
#[derive(Debug, Clone, Copy)]
struct Edge {
    account: usize,
    from: usize,
    to: usize,
}

/// A balance quantity that must not change along a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Row {
    /// Rep's potential (0) or workload (1) at a band edge.
    Rep(usize, u8),
    /// A group's total potential (0) or workload (1): fixed so that every
    /// band of the group stays where it is.
    Group(usize, u8),
}

struct State<'a> {
    p: &'a Problem,
    shares: Vec<Vec<(usize, f64)>>,
    /// Loads per rep and metric.
    load: Vec<[f64; NUM_METRICS]>,
    /// Band per rep and metric: (low, high), fixed for the whole run; the
    /// high edge is also held to any `[[limits]]` maximum.
    band: Vec<[(f64, f64); NUM_METRICS]>,
    /// Split accounts holding a share at each rep (may hold stale entries).
    at_rep: Vec<Vec<usize>>,
}

/// Purify `shares` (one list of (rep, share) per account, each summing to
/// about 1) in place of a vertex LP solve; returns the new shares.
pub fn purify(p: &Problem, shares: &[Vec<(usize, f64)>]) -> (Vec<Vec<(usize, f64)>>, PurifyStats) {
    let mut st = State::new(p, shares);
    let mut stats = PurifyStats {
        split_before: st.split_count(),
        violation_before: st.violation(),
        ..PurifyStats::default()
    };
    let mut queue: std::collections::VecDeque<usize> =
        (0..p.num_accounts).filter(|&i| st.is_split(i)).collect();
    let mut queued = vec![false; p.num_accounts];
    for &i in &queue {
        queued[i] = true;
    }
    let max_steps = 8 * (stats.split_before + 4 * p.num_reps) + 100;
    while let Some(seed) = queue.pop_front() {
        queued[seed] = false;
        if stats.steps >= max_steps {
            break;
        }
        if !st.is_split(seed) {
            continue;
        }
        let Some(edges) = st.dependent_edges(seed) else {
            continue;
        };
        let Some((dc, changed)) = st.step(&edges) else {
            continue;
        };
        stats.steps += 1;
        stats.cost_change += dc;
        for i in changed {
            if st.is_split(i) && !queued[i] {
                queued[i] = true;
                queue.push_back(i);
            }
        }
    }
    stats.split_after = st.split_count();
    stats.violation_after = st.violation();
    (st.shares, stats)
}

impl<'a> State<'a> {
    fn new(p: &'a Problem, shares: &[Vec<(usize, f64)>]) -> Self {
        // Renormalise: support filtering may have dropped dust shares.
        let shares: Vec<Vec<(usize, f64)>> = shares
            .iter()
            .map(|s| {
                let total: f64 = s.iter().map(|x| x.1).sum();
                if total > 0.0 {
                    s.iter().map(|&(r, x)| (r, x / total)).collect()
                } else {
                    s.clone()
                }
            })
            .collect();
        let mut load = vec![[0.0; NUM_METRICS]; p.num_reps];
        let mut at_rep = vec![Vec::new(); p.num_reps];
        for (i, s) in shares.iter().enumerate() {
            for &(r, x) in s {
                for (m, l) in load[r].iter_mut().enumerate() {
                    *l += x * p.load(m, i);
                }
                if s.len() > 1 {
                    at_rep[r].push(i);
                }
            }
        }
        let band = super::round::rep_bands(p, &load);
        State {
            p,
            shares,
            load,
            band,
            at_rep,
        }
    }

    /// Scaled load outside the bands, from the shares themselves.
    fn violation(&self) -> f64 {
        let mut load = vec![[0.0; NUM_METRICS]; self.p.num_reps];
        for (i, s) in self.shares.iter().enumerate() {
            for &(r, x) in s {
                for (m, l) in load[r].iter_mut().enumerate() {
                    *l += x * self.p.load(m, i);
                }
            }
        }
        let mut v = 0.0;
        for (l, band) in load.iter().zip(&self.band) {
            for (&x, &(lo, hi)) in l.iter().zip(band) {
                v += (x - hi).max(0.0) + (lo - x).max(0.0);
            }
        }
        v
    }

    fn is_split(&self, i: usize) -> bool {
        self.shares[i].len() > 1
    }

    fn split_count(&self) -> usize {
        (0..self.p.num_accounts)
            .filter(|&i| self.is_split(i))
            .count()
    }

    fn metric(&self, i: usize, m: usize) -> f64 {
        self.p.load(m, i)
    }

    /// Whether rep `r`'s metric `m` sits at a band edge (or its limit).
    fn is_tight(&self, r: usize, m: usize) -> bool {
        let (lo, hi) = self.band[r][m];
        let reference = if hi.is_finite() { hi } else { lo };
        if !reference.is_finite() {
            return false;
        }
        let scale = TIGHT * reference.abs().max(1e-9);
        (lo.is_finite() && self.load[r][m] - lo <= scale)
            || (hi.is_finite() && hi - self.load[r][m] <= scale)
    }

    /// The shifts of account `i`: from its first rep to each other one.
    fn edges_of(&self, i: usize) -> Vec<Edge> {
        let s = &self.shares[i];
        s[1..]
            .iter()
            .map(|&(to, _)| Edge {
                account: i,
                from: s[0].0,
                to,
            })
            .collect()
    }

    /// Rows that the shifts of `edges` must keep constant.
    fn rows_of(&self, edges: &[Edge]) -> Vec<Row> {
        let mut rows = Vec::new();
        for e in edges {
            for r in [e.from, e.to] {
                for &m in &self.p.metrics {
                    if self.is_tight(r, m) {
                        rows.push(Row::Rep(r, m as u8));
                    }
                }
            }
            let (gf, gt) = (self.p.rep_group[e.from], self.p.rep_group[e.to]);
            if gf != gt {
                for g in [gf, gt].into_iter().flatten() {
                    for &m in &self.p.metrics {
                        if self.p.tol[m].is_finite() {
                            rows.push(Row::Group(g, m as u8));
                        }
                    }
                }
            }
        }
        rows.sort_unstable();
        rows.dedup();
        rows
    }

    /// Split accounts around `seed` whose shifts are linearly dependent on
    /// the rows they touch (more shifts than rows), or `None` when the
    /// neighbourhood is already a vertex.
    fn dependent_edges(&mut self, seed: usize) -> Option<Vec<Edge>> {
        let mut accounts = vec![seed];
        let mut edges = self.edges_of(seed);
        let mut reps: Vec<usize> = self.shares[seed].iter().map(|x| x.0).collect();
        let mut next_rep = 0;
        loop {
            if edges.len() > self.rows_of(&edges).len() {
                return Some(edges);
            }
            // Add split accounts whose reps are all already in the set
            // (they add shifts but no rows), then widen by one rep.
            let mut added = false;
            let mut k = 0;
            while k < reps.len() && edges.len() < MAX_EDGES {
                let r = reps[k];
                self.at_rep[r].retain(|&i| self.shares[i].len() > 1);
                for &i in &self.at_rep[r] {
                    if accounts.contains(&i) {
                        continue;
                    }
                    if self.shares[i].iter().all(|x| reps.contains(&x.0)) {
                        accounts.push(i);
                        edges.extend(self.edges_of(i));
                        added = true;
                        if edges.len() >= MAX_EDGES {
                            break;
                        }
                    }
                }
                k += 1;
            }
            if added && edges.len() > self.rows_of(&edges).len() {
                return Some(edges);
            }
            if reps.len() >= MAX_REPS || edges.len() >= MAX_EDGES {
                return None;
            }
            // Widen: the first split account at a rep in the set that
            // reaches a rep outside it.
            let mut widened = false;
            while next_rep < reps.len() && !widened {
                let r = reps[next_rep];
                let found = self.at_rep[r].iter().copied().find(|&i| {
                    !accounts.contains(&i) && self.shares[i].iter().any(|x| !reps.contains(&x.0))
                });
                match found {
                    Some(i) => {
                        for &(s, _) in &self.shares[i] {
                            if !reps.contains(&s) {
                                reps.push(s);
                            }
                        }
                        accounts.push(i);
                        edges.extend(self.edges_of(i));
                        widened = true;
                    }
                    None => next_rep += 1,
                }
            }
            if !widened {
                return None;
            }
        }
    }

    /// Follow a cost-non-increasing combination of `edges` that keeps their
    /// rows constant as far as shares and bands allow. Returns the cost
    /// change and the accounts touched, or `None` if no move was possible.
    fn step(&mut self, edges: &[Edge]) -> Option<(f64, Vec<usize>)> {
        let rows = self.rows_of(edges);
        let matrix: Vec<Vec<f64>> = rows
            .iter()
            .map(|row| edges.iter().map(|e| self.coefficient(*row, e)).collect())
            .collect();
        let mut lambda = null_vector(matrix, edges.len())?;
        let dc: f64 = edges
            .iter()
            .zip(&lambda)
            .map(|(e, l)| l * (self.p.cost(e.account, e.to) - self.p.cost(e.account, e.from)))
            .sum();
        if dc > 0.0 {
            lambda.iter_mut().for_each(|l| *l = -*l);
        }

        // Share changes per (account, rep) and load changes per rep.
        let mut delta: Vec<(usize, usize, f64)> = Vec::new();
        let mut push =
            |i: usize, r: usize, d: f64| match delta.iter_mut().find(|x| x.0 == i && x.1 == r) {
                Some(x) => x.2 += d,
                None => delta.push((i, r, d)),
            };
        for (e, &l) in edges.iter().zip(&lambda) {
            push(e.account, e.from, -l);
            push(e.account, e.to, l);
        }
        let mut dload: Vec<(usize, [f64; NUM_METRICS])> = Vec::new();
        for &(i, r, d) in &delta {
            let change: [f64; NUM_METRICS] = std::array::from_fn(|m| d * self.p.load(m, i));
            match dload.iter_mut().find(|x| x.0 == r) {
                Some(x) => {
                    for (l, c) in x.1.iter_mut().zip(&change) {
                        *l += c;
                    }
                }
                None => dload.push((r, change)),
            }
        }

        let mut t = f64::INFINITY;
        for &(i, r, d) in &delta {
            let x = self.share(i, r);
            if d < -ZERO {
                t = t.min(x / -d);
            } else if d > ZERO {
                t = t.min((1.0 - x) / d);
            }
        }
        for &(r, change) in &dload {
            for (m, &dm) in change.iter().enumerate() {
                if rows.contains(&Row::Rep(r, m as u8)) {
                    continue;
                }
                let (lo, hi) = self.band[r][m];
                let reference = if hi.is_finite() { hi } else { 1.0 };
                let scale = 1e-12 * reference.abs().max(1e-9);
                if dm > scale {
                    t = t.min(((hi - self.load[r][m]) / dm).max(0.0));
                } else if dm < -scale {
                    t = t.min(((self.load[r][m] - lo) / -dm).max(0.0));
                }
            }
        }
        if !(t.is_finite() && t > 1e-12) {
            return None;
        }

        for &(i, r, d) in &delta {
            self.set_share(i, r, self.share(i, r) + t * d);
        }
        for &(r, change) in &dload {
            for (l, c) in self.load[r].iter_mut().zip(&change) {
                *l += t * c;
            }
        }
        let mut touched: Vec<usize> = delta.iter().map(|x| x.0).collect();
        touched.sort_unstable();
        touched.dedup();
        for &i in &touched {
            self.clean(i);
        }
        Some((-t * dc.abs(), touched))
    }

    fn coefficient(&self, row: Row, e: &Edge) -> f64 {
        match row {
            Row::Rep(r, m) => {
                let a = self.metric(e.account, m as usize);
                if r == e.to {
                    a
                } else if r == e.from {
                    -a
                } else {
                    0.0
                }
            }
            Row::Group(g, m) => {
                let a = self.metric(e.account, m as usize);
                let into = self.p.rep_group[e.to] == Some(g);
                let out = self.p.rep_group[e.from] == Some(g);
                match (into, out) {
                    (true, false) => a,
                    (false, true) => -a,
                    _ => 0.0,
                }
            }
        }
    }

    fn share(&self, i: usize, r: usize) -> f64 {
        self.shares[i]
            .iter()
            .find(|x| x.0 == r)
            .map_or(0.0, |x| x.1)
    }

    fn set_share(&mut self, i: usize, r: usize, value: f64) {
        if let Some(x) = self.shares[i].iter_mut().find(|x| x.0 == r) {
            x.1 = value;
        }
    }

    /// Drop shares that reached zero; snap a share that reached one. The
    /// dropped share's load stays in `load` (it is below noise).
    fn clean(&mut self, i: usize) {
        self.shares[i].retain(|x| x.1 > ZERO);
        if let Some(full) = self.shares[i].iter().position(|x| x.1 >= 1.0 - ZERO) {
            let r = self.shares[i][full].0;
            self.shares[i] = vec![(r, 1.0)];
        }
    }
}

/// A non-zero `lambda` with `matrix * lambda = 0` (matrix has fewer rows
/// than `cols` columns), by Gaussian elimination with partial pivoting;
/// `None` if elimination finds no free column (numerically full rank).
fn null_vector(mut a: Vec<Vec<f64>>, cols: usize) -> Option<Vec<f64>> {
    let rows = a.len();
    let max_abs = a
        .iter()
        .flatten()
        .fold(0.0_f64, |m, &v| m.max(v.abs()))
        .max(1e-300);
    let mut pivot_col = Vec::with_capacity(rows);
    let mut r = 0;
    let mut free = None;
    for c in 0..cols {
        if r == rows {
            free.get_or_insert(c);
            break;
        }
        let (best, value) = (r..rows)
            .map(|k| (k, a[k][c].abs()))
            .max_by(|x, y| x.1.total_cmp(&y.1))?;
        if value <= PIVOT * max_abs {
            free.get_or_insert(c);
            continue;
        }
        a.swap(r, best);
        let pivot_row = a[r].clone();
        for (k, row) in a.iter_mut().enumerate() {
            if k != r && row[c] != 0.0 {
                let f = row[c] / pivot_row[c];
                for (x, &y) in row[c..].iter_mut().zip(&pivot_row[c..]) {
                    *x -= f * y;
                }
            }
        }
        pivot_col.push(c);
        r += 1;
    }
    let f = free?;
    let mut lambda = vec![0.0; cols];
    lambda[f] = 1.0;
    for (k, &c) in pivot_col.iter().enumerate() {
        lambda[c] = -a[k][f] / a[k][c];
    }
    Some(lambda)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_vector_of_a_wide_matrix() {
        let a = vec![vec![1.0, 2.0, 3.0], vec![0.0, 1.0, 1.0]];
        let l = null_vector(a.clone(), 3).unwrap();
        for row in &a {
            let dot: f64 = row.iter().zip(&l).map(|(x, y)| x * y).sum();
            assert!(dot.abs() < 1e-12, "{l:?}");
        }
        assert!(l.iter().any(|v| v.abs() > 0.5));
    }

    /// On a real interior-point optimum: far fewer split accounts, no
    /// more cost, no more band violation, every account still whole.
    #[test]
    fn interior_optimum_becomes_nearly_a_vertex() {
        use crate::generate::{generate, GenerateSpec};
        use crate::territory::relax::solve_relaxation;
        use crate::territory::round::optimal_support;
        for (seed, accounts, reps) in [(1, 1500, 12), (2, 5000, 20)] {
            let ds = generate(&GenerateSpec::new(accounts, reps, seed));
            let p = Problem::new(&ds);
            let relaxation = solve_relaxation(
                &p,
                "clarabel",
                crate::territory::relax::LpMethod::Columns,
                &|_| {},
            )
            .unwrap()
            .expect("generated instances are feasible");
            let support = optimal_support(&p, &relaxation.lp);
            let cost = |shares: &[Vec<(usize, f64)>]| -> f64 {
                shares
                    .iter()
                    .enumerate()
                    .flat_map(|(i, s)| s.iter().map(move |&(r, x)| (i, r, x)))
                    .map(|(i, r, x)| x * p.cost(i, r))
                    .sum()
            };
            let before = cost(&State::new(&p, &support).shares);
            let (shares, stats) = purify(&p, &support);
            let rows = 2 * p.num_reps + 2 * p.groups.len();
            if accounts >= 5000 {
                // The case must exercise purification: an interior point.
                assert!(stats.split_before > 4 * rows, "seed {seed}: {stats:?}");
            }
            assert!(
                stats.split_after <= rows && stats.split_after <= stats.split_before,
                "seed {seed}: {stats:?}"
            );
            assert!(cost(&shares) <= before + 1e-9, "seed {seed}: {stats:?}");
            assert!(
                stats.violation_after <= stats.violation_before + 1e-9,
                "seed {seed}: {stats:?}"
            );
            for (i, s) in shares.iter().enumerate() {
                let total: f64 = s.iter().map(|x| x.1).sum();
                assert!((total - 1.0).abs() < 1e-9, "account {i}: {s:?}");
                assert!(s.iter().all(|x| x.1 > 0.0));
            }
        }
    }

    #[test]
    fn null_vector_with_a_zero_column_picks_it() {
        let a = vec![vec![1.0, 0.0, 1.0], vec![2.0, 0.0, 1.0]];
        let l = null_vector(a, 3).unwrap();
        assert_eq!(l, vec![0.0, 1.0, 0.0]);
    }
}
