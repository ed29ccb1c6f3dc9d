//! Largest-remainder rounding: split a whole amount in proportion to
//! weights so that the parts are whole numbers and sum exactly to it.

/// Split `total` (whole currency units, >= 0) in proportion to `weights`
/// (finite, >= 0). Each part is the floor of its exact share plus at most
/// one unit; the units left over go to the largest remainders, ties to the
/// earlier index, so the result is deterministic and sums to `total`.
///
/// Returns `None` when `total > 0` but every weight is 0 (nothing to
/// carry it); all zeros when `total` is 0.
pub fn allocate(total: i64, weights: &[f64]) -> Option<Vec<i64>> {
    let n = weights.len();
    if total <= 0 {
        return (total == 0).then(|| vec![0; n]);
    }
    let sum: f64 = weights.iter().filter(|w| w.is_finite() && **w > 0.0).sum();
    if sum <= 0.0 {
        return None;
    }
    let exact: Vec<f64> = weights
        .iter()
        .map(|&w| {
            if w.is_finite() && w > 0.0 {
                total as f64 * (w / sum)
            } else {
                0.0
            }
        })
        .collect();
    let mut parts: Vec<i64> = exact.iter().map(|x| x.floor() as i64).collect();
    let mut order: Vec<usize> = (0..n).collect();
    // Largest remainder first; ties by index.
    order.sort_by(|&a, &b| {
        let ra = exact[a] - exact[a].floor();
        let rb = exact[b] - exact[b].floor();
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let mut left = total - parts.iter().sum::<i64>();
    // Floating-point error can leave the floors one unit off either way;
    // only units that carry weight receive or give units.
    let carrying: Vec<usize> = order.iter().copied().filter(|&i| exact[i] > 0.0).collect();
    while left > 0 {
        for &i in &carrying {
            if left == 0 {
                break;
            }
            parts[i] += 1;
            left -= 1;
        }
    }
    while left < 0 {
        let mut changed = false;
        for &i in carrying.iter().rev() {
            if left == 0 {
                break;
            }
            if parts[i] > 0 {
                parts[i] -= 1;
                left += 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    Some(parts)
}

/// Split each of `rows` (whole amounts >= 0) by the same `shares` so that
/// every row sums exactly to its amount and, in the usual case, every
/// column sums exactly to the largest-remainder split of the grand total
/// (so component totals are share x total, to the unit, as well as each
/// rep's components adding up to its quota). Every cell is the floor of
/// its exact share or one more. The units left after flooring go, rows
/// with the most first, to the columns still short of their total, largest
/// fraction first; when a row finds no such column, units are then moved
/// between columns within rows (a chain of swaps) until the column totals
/// are exact. Row totals are exact in every case.
pub fn allocate_rows(rows: &[i64], shares: &[f64]) -> Option<Vec<Vec<i64>>> {
    let sum: f64 = shares.iter().filter(|s| s.is_finite() && **s > 0.0).sum();
    if sum <= 0.0 {
        return rows
            .iter()
            .all(|&r| r == 0)
            .then(|| vec![vec![0; shares.len()]; rows.len()]);
    }
    let w: Vec<f64> = shares
        .iter()
        .map(|&s| {
            if s.is_finite() && s > 0.0 {
                s / sum
            } else {
                0.0
            }
        })
        .collect();
    let total: i64 = rows.iter().sum();
    let mut column_left = allocate(total, &w)?;
    let mut cells: Vec<Vec<i64>> = Vec::with_capacity(rows.len());
    let mut fracs: Vec<Vec<f64>> = Vec::with_capacity(rows.len());
    let mut row_left: Vec<i64> = Vec::with_capacity(rows.len());
    for &row in rows {
        // Each row alone must be exact: start from its own split's floors.
        let exact: Vec<f64> = w.iter().map(|x| row.max(0) as f64 * x).collect();
        let floors: Vec<i64> = exact.iter().map(|x| x.floor() as i64).collect();
        row_left.push(row.max(0) - floors.iter().sum::<i64>());
        for (c, f) in floors.iter().enumerate() {
            column_left[c] -= f;
        }
        fracs.push(exact.iter().map(|x| x - x.floor()).collect());
        cells.push(floors);
    }
    let mut ups = vec![vec![0i64; w.len()]; rows.len()];
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| row_left[b].cmp(&row_left[a]).then(a.cmp(&b)));
    for r in order {
        let mut cols: Vec<usize> = (0..w.len()).filter(|&c| w[c] > 0.0).collect();
        cols.sort_by(|&a, &b| {
            (column_left[b] > 0)
                .cmp(&(column_left[a] > 0))
                .then(fracs[r][b].total_cmp(&fracs[r][a]))
                .then(a.cmp(&b))
        });
        let mut k = 0;
        while row_left[r] > 0 && !cols.is_empty() {
            let c = cols[k % cols.len()];
            cells[r][c] += 1;
            ups[r][c] += 1;
            column_left[c] -= 1;
            row_left[r] -= 1;
            k += 1;
        }
    }
    repair_columns(&mut cells, &mut ups, &mut column_left, &w);
    Some(cells)
}

/// Move rounded-up units between columns within rows until no column is
/// over its total while another is under: a shortest chain of columns
/// `o -> ... -> u`, each step a row that rounded up the first column and
/// not the next (the integer transportation problem always has one).
fn repair_columns(
    cells: &mut [Vec<i64>],
    ups: &mut [Vec<i64>],
    column_left: &mut [i64],
    w: &[f64],
) {
    let n = w.len();
    while let Some(over) = (0..n).find(|&c| column_left[c] < 0) {
        // Breadth-first search over columns; `via[c]` = (previous column, row).
        let mut via: Vec<Option<(usize, usize)>> = vec![None; n];
        let mut seen = vec![false; n];
        seen[over] = true;
        let mut queue = std::collections::VecDeque::from([over]);
        let mut end = None;
        while let Some(from) = queue.pop_front() {
            if column_left[from] > 0 {
                end = Some(from);
                break;
            }
            for to in 0..n {
                if seen[to] || w[to] <= 0.0 {
                    continue;
                }
                if let Some(r) = (0..cells.len()).find(|&r| ups[r][from] > 0 && ups[r][to] == 0) {
                    seen[to] = true;
                    via[to] = Some((from, r));
                    queue.push_back(to);
                }
            }
        }
        let Some(mut to) = end else {
            return; // no chain: leave the columns as they are
        };
        while let Some((from, r)) = via[to] {
            cells[r][from] -= 1;
            ups[r][from] -= 1;
            cells[r][to] += 1;
            ups[r][to] += 1;
            to = from;
        }
        let end = end.unwrap_or(over);
        column_left[over] += 1;
        column_left[end] -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_columns_both_add_up() {
        // Three reps of 333,334 / 333,333 / 333,333 split 60/30/10: each
        // rep's split alone would give new business 200,001 + 200,000 +
        // 200,000 = 600,001; the columns must give 600,000 / 300,000 /
        // 100,000 exactly.
        let rows = [333_334, 333_333, 333_333];
        let m = allocate_rows(&rows, &[0.6, 0.3, 0.1]).unwrap();
        for (row, cells) in rows.iter().zip(&m) {
            assert_eq!(cells.iter().sum::<i64>(), *row);
        }
        let columns: Vec<i64> = (0..3).map(|c| m.iter().map(|r| r[c]).sum()).collect();
        assert_eq!(columns, [600_000, 300_000, 100_000]);
        // A case where rounding row by row leaves a column one unit over:
        // the chain of swaps makes it exact.
        let rows = [26_539_853, 35_058_265, 4_051_493, 5_578_034];
        let shares = [0.36706641326846295, 0.7400722286940503, 0.23596846943450037];
        let m = allocate_rows(&rows, &shares).unwrap();
        let sum: f64 = shares.iter().sum();
        let total: i64 = rows.iter().sum();
        let expected = allocate(total, &shares.map(|s| s / sum)).unwrap();
        for c in 0..3 {
            assert_eq!(m.iter().map(|r| r[c]).sum::<i64>(), expected[c]);
        }
        for (row, cells) in rows.iter().zip(&m) {
            assert_eq!(cells.iter().sum::<i64>(), *row);
        }
        assert_eq!(allocate_rows(&[5], &[0.0]), None);
        assert_eq!(
            allocate_rows(&[0, 0], &[0.0]).unwrap(),
            vec![vec![0], vec![0]]
        );
    }

    #[test]
    fn equal_weights_split_evenly_and_exactly() {
        assert_eq!(allocate(8_000_000, &[1.0; 10]).unwrap(), vec![800_000; 10]);
        assert_eq!(allocate(10, &[1.0; 3]).unwrap(), vec![4, 3, 3]);
    }

    #[test]
    fn remainders_go_to_the_largest_fractions() {
        // Exact shares 1.5, 2.7, 5.8: floors 1, 2, 5 leave 2 units, for
        // the remainders .8 and .7.
        assert_eq!(allocate(10, &[1.5, 2.7, 5.8]).unwrap(), vec![1, 3, 6]);
    }

    #[test]
    fn zero_weights_get_nothing() {
        assert_eq!(allocate(7, &[0.0, 1.0, 0.0]).unwrap(), vec![0, 7, 0]);
        assert_eq!(allocate(0, &[0.0, 0.0]).unwrap(), vec![0, 0]);
        assert_eq!(allocate(5, &[0.0, 0.0]), None);
    }
}
