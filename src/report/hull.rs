//! Territory outlines: the convex hull of each territory's accounts, one
//! per map area (see [`super::projection::Area`]), so that a territory
//! with accounts in Hawaii and on the mainland is not drawn as a shape
//! across the Pacific.
//!
//! Rings are in (lon, lat) degrees, closed (first point repeated last) and
//! counter-clockwise, as RFC 7946 wants them. A territory whose points in
//! an area are fewer than three or all on a line gets the hull of a small
//! octagon around each point instead, so every ring is a real polygon that
//! still contains its accounts.

use std::collections::BTreeMap;

use geo::{ConvexHull, Coord, LineString, MultiPoint, Point};

use super::projection::{Area, AreaRule};
use crate::output::folder::AccountRow;

/// Radius in degrees of the octagon put around points of a degenerate
/// territory (about 2 km).
const DEGENERATE_RADIUS_DEG: f64 = 0.02;

/// The outline of one territory in one map area.
#[derive(Debug, Clone, PartialEq)]
pub struct TerritoryHull {
    /// Index into [`crate::output::folder::PlanFolder::reps`].
    pub rep: usize,
    pub area: Area,
    /// Closed counter-clockwise ring of (lon, lat).
    pub ring: Vec<(f64, f64)>,
}

/// Every territory's hulls, sorted by rep then area.
pub fn territory_hulls<'a>(
    accounts: impl IntoIterator<Item = &'a AccountRow>,
    rule: &AreaRule,
) -> Vec<TerritoryHull> {
    let mut points: BTreeMap<(usize, Area), Vec<(f64, f64)>> = BTreeMap::new();
    for a in accounts {
        points
            .entry((a.rep, rule.area(a.lat, a.lon)))
            .or_default()
            .push((a.lon, a.lat));
    }
    points
        .into_iter()
        .map(|((rep, area), pts)| TerritoryHull {
            rep,
            area,
            ring: hull_ring(&pts),
        })
        .collect()
}

/// Closed CCW convex hull ring of (lon, lat) points; never degenerate.
pub fn hull_ring(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let ring = convex_ring(points.iter().copied());
    if signed_area(&ring).abs() > 1e-12 {
        return ring;
    }
    let r = DEGENERATE_RADIUS_DEG;
    let d = r * std::f64::consts::FRAC_1_SQRT_2;
    let octagon = [
        (r, 0.0),
        (d, d),
        (0.0, r),
        (-d, d),
        (-r, 0.0),
        (-d, -d),
        (0.0, -r),
        (d, -d),
    ];
    convex_ring(
        points
            .iter()
            .flat_map(|&(x, y)| octagon.iter().map(move |&(dx, dy)| (x + dx, y + dy))),
    )
}

fn convex_ring(points: impl Iterator<Item = (f64, f64)>) -> Vec<(f64, f64)> {
    let mp: MultiPoint<f64> = points.map(|(x, y)| Point::new(x, y)).collect();
    let hull = mp.convex_hull();
    let mut ring: Vec<(f64, f64)> = hull.exterior().coords().map(|c| (c.x, c.y)).collect();
    close(&mut ring);
    if signed_area(&ring) < 0.0 {
        ring.reverse();
    }
    ring
}

fn close(ring: &mut Vec<(f64, f64)>) {
    if let (Some(&first), Some(&last)) = (ring.first(), ring.last()) {
        if first != last {
            ring.push(first);
        }
    }
}

/// Shoelace signed area of a closed ring: positive when counter-clockwise
/// (x east, y north).
pub fn signed_area(ring: &[(f64, f64)]) -> f64 {
    ring.windows(2)
        .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
        .sum::<f64>()
        / 2.0
}

/// A ring as a geo line string (for tests and callers using geo).
pub fn line_string(ring: &[(f64, f64)]) -> LineString<f64> {
    LineString::from(
        ring.iter()
            .map(|&(x, y)| Coord { x, y })
            .collect::<Vec<_>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Contains, Polygon};

    fn check(ring: &[(f64, f64)], inside: &[(f64, f64)]) {
        assert!(ring.len() >= 4, "{ring:?}");
        assert_eq!(ring.first(), ring.last(), "closed");
        assert!(signed_area(ring) > 0.0, "counter-clockwise: {ring:?}");
        let poly = Polygon::new(line_string(ring), vec![]);
        for &(x, y) in inside {
            let p = Point::new(x, y);
            let on_edge = ring.contains(&(x, y));
            assert!(on_edge || poly.contains(&p), "{p:?} outside {ring:?}");
        }
    }

    #[test]
    fn hull_is_closed_counter_clockwise_and_contains_its_points() {
        let pts = [(0.0, 0.0), (2.0, 0.0), (2.0, 1.0), (0.0, 1.0), (1.0, 0.5)];
        let ring = hull_ring(&pts);
        check(&ring, &[(1.0, 0.5)]);
        assert_eq!(ring.len(), 5, "four corners, closed");
    }

    #[test]
    fn one_two_or_collinear_points_still_give_a_polygon() {
        for pts in [
            vec![(-90.0, 40.0)],
            vec![(-90.0, 40.0), (-89.0, 41.0)],
            vec![(-90.0, 40.0), (-89.0, 40.0), (-88.0, 40.0)],
            vec![(-90.0, 40.0), (-90.0, 40.0)],
        ] {
            let ring = hull_ring(&pts);
            check(&ring, &pts);
        }
    }

    #[test]
    fn signed_area_sign_follows_orientation() {
        let ccw = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)];
        assert!((signed_area(&ccw) - 0.5).abs() < 1e-12);
        let cw: Vec<_> = ccw.iter().rev().copied().collect();
        assert!(signed_area(&cw) < 0.0);
    }
}
