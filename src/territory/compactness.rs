//! Compactness of each territory: convex hull area and far outliers.
//!
//! Planners judge a territory by whether a rep can drive it: the hull area
//! says how much ground it spans, and an outlier (an account much closer to
//! another eligible rep's home than to its own rep's) is the first thing a
//! reviewer asks about. Balance can force some outliers; counting them
//! makes that visible instead of leaving it to a map.

use geo::{Area, ConvexHull, MultiPoint, Point};

use super::problem::Problem;
use crate::model::Compactness;

/// Compactness per rep (in rep order) of the single-owner plan `owner`.
/// An account is an outlier when its own rep's home is more than
/// `margin_km` farther than the nearest other eligible rep's home.
pub fn compactness(p: &Problem, owner: &[usize], margin_km: f64) -> Vec<Compactness> {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); p.num_reps];
    for (i, &r) in owner.iter().enumerate() {
        members[r].push(i);
    }
    members
        .iter()
        .enumerate()
        .map(|(r, accounts)| Compactness {
            rep: r,
            hull_area_km2: hull_area_km2(p, accounts),
            outliers: accounts
                .iter()
                .filter(|&&i| is_outlier(p, i, r, margin_km))
                .count(),
        })
        .collect()
}

fn is_outlier(p: &Problem, i: usize, r: usize, margin_km: f64) -> bool {
    let own = p.km(i, r);
    p.eligible(i)
        .iter()
        .filter(|&&s| s != r)
        .any(|&s| p.km(i, s) + margin_km < own)
}

/// Area of the convex hull of the accounts, in km², on a local
/// equirectangular projection around their mean position (exact enough for
/// territories of a few hundred km; a territory spanning a continent is
/// reported as the large number it is).
fn hull_area_km2(p: &Problem, accounts: &[usize]) -> f64 {
    if accounts.len() < 3 {
        return 0.0;
    }
    const KM_PER_DEGREE: f64 = 6371.0088 * std::f64::consts::PI / 180.0;
    let n = accounts.len() as f64;
    let mean_lat = accounts
        .iter()
        .map(|&i| p.account_degrees[i].0)
        .sum::<f64>()
        / n;
    let mean_lon = accounts
        .iter()
        .map(|&i| p.account_degrees[i].1)
        .sum::<f64>()
        / n;
    let x_scale = KM_PER_DEGREE * mean_lat.to_radians().cos();
    let points: MultiPoint<f64> = accounts
        .iter()
        .map(|&i| {
            let (lat, lon) = p.account_degrees[i];
            Point::new((lon - mean_lon) * x_scale, (lat - mean_lat) * KM_PER_DEGREE)
        })
        .collect::<Vec<_>>()
        .into();
    points.convex_hull().unsigned_area()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{generate, GenerateSpec};

    #[test]
    fn hull_of_a_one_degree_square_at_the_equator() {
        let mut ds = generate(&GenerateSpec::new(40, 2, 1));
        for (k, a) in ds.accounts.iter_mut().enumerate() {
            // Corners of a 1 x 1 degree square, the rest inside it.
            let (lat, lon) = match k % 5 {
                0 => (0.0, 0.0),
                1 => (0.0, 1.0),
                2 => (1.0, 1.0),
                3 => (1.0, 0.0),
                _ => (0.5, 0.5),
            };
            a.lat = lat;
            a.lon = lon;
        }
        let p = Problem::new(&ds);
        let all: Vec<usize> = (0..p.num_accounts).collect();
        let side = 6371.0088 * std::f64::consts::PI / 180.0;
        // The projection is centred at mean latitude 0.5 degrees.
        let expected = side * side * 0.5_f64.to_radians().cos();
        assert!((hull_area_km2(&p, &all) - expected).abs() < 1e-6 * expected);
        assert_eq!(hull_area_km2(&p, &all[..2]), 0.0);
    }

    #[test]
    fn outliers_are_far_from_their_own_rep_only() {
        let ds = generate(&GenerateSpec::new(300, 6, 3));
        let p = Problem::new(&ds);
        let nearest: Vec<usize> = (0..p.num_accounts).map(|i| p.nearest_eligible(i)).collect();
        let c = compactness(&p, &nearest, 0.0);
        assert!(c.iter().all(|c| c.outliers == 0), "{c:?}");
        // Everyone to the same eligible rep where possible: outliers appear.
        let far: Vec<usize> = (0..p.num_accounts)
            .map(|i| *p.eligible(i).last().unwrap())
            .collect();
        let total: usize = compactness(&p, &far, 0.0).iter().map(|c| c.outliers).sum();
        let expected = (0..p.num_accounts)
            .filter(|&i| far[i] != nearest[i] && p.km(i, far[i]) > p.km(i, nearest[i]))
            .count();
        assert_eq!(total, expected);
    }
}
