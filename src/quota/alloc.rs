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

#[cfg(test)]
mod tests {
    use super::*;

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
