//! The US state borders drawn under the territory map.
//!
//! `assets/geo/us_states.txt` holds the borders of the US Census Bureau's
//! cartographic state boundaries (2017, public domain) as packaged in the
//! us-atlas TopoJSON (ISC licence, `assets/geo/us-atlas-LICENSE.txt`),
//! simplified to 0.01 degrees by `assets/geo/make_us_states.py`: one
//! polyline per line, `lon,lat` pairs separated by spaces. Every border is
//! one line, so shared borders are drawn once. Outside the US nothing of
//! it falls in view and the map is drawn without a base map.

use std::sync::OnceLock;

static STATES_TEXT: &str = include_str!("../../assets/geo/us_states.txt");

/// State borders as polylines of (lat, lon).
pub fn state_borders() -> &'static [Vec<(f64, f64)>] {
    static PARSED: OnceLock<Vec<Vec<(f64, f64)>>> = OnceLock::new();
    PARSED.get_or_init(|| parse(STATES_TEXT))
}

fn parse(text: &str) -> Vec<Vec<(f64, f64)>> {
    text.lines()
        .map(|line| {
            line.split(' ')
                .filter_map(|pair| {
                    let (lon, lat) = pair.split_once(',')?;
                    Some((lat.parse().ok()?, lon.parse().ok()?))
                })
                .collect::<Vec<_>>()
        })
        .filter(|l| l.len() >= 2)
        .collect()
}

/// Clip a polyline (pixels) to a rectangle, returning the visible runs.
pub fn clip_polyline(
    points: &[(f64, f64)],
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
) -> Vec<Vec<(f64, f64)>> {
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    for w in points.windows(2) {
        let Some((a, b)) = clip_segment(w[0], w[1], x0, y0, x1, y1) else {
            continue;
        };
        match runs.last_mut() {
            Some(run) if run.last() == Some(&a) => run.push(b),
            _ => runs.push(vec![a, b]),
        }
    }
    runs
}

/// Liang-Barsky clipping of one segment to the rectangle.
fn clip_segment(
    a: (f64, f64),
    b: (f64, f64),
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.0 - x0),
        (dx, x1 - a.0),
        (-dy, a.1 - y0),
        (dy, y1 - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| (a.0 + t * dx, a.1 + t * dy);
    Some((
        if t0 > 0.0 { at(t0) } else { a },
        if t1 < 1.0 { at(t1) } else { b },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_borders_parse_and_cover_the_us() {
        let borders = state_borders();
        assert!(borders.len() > 300, "{}", borders.len());
        let has = |lat: f64, lon: f64| {
            borders
                .iter()
                .flatten()
                .any(|&(a, o)| (a - lat).abs() < 1.0 && (o - lon).abs() < 1.0)
        };
        assert!(has(41.7, -87.5), "Lake Michigan shore near Chicago");
        assert!(has(21.3, -157.8), "Oahu");
        assert!(has(61.0, -150.0), "Cook Inlet, Alaska");
    }

    #[test]
    fn clipping_keeps_inside_runs_and_cuts_at_the_edge() {
        let line = [
            (-5.0, 5.0),
            (5.0, 5.0),
            (15.0, 5.0),
            (15.0, 20.0),
            (5.0, 8.0),
        ];
        let runs = clip_polyline(&line, 0.0, 0.0, 10.0, 10.0);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0], vec![(0.0, 5.0), (5.0, 5.0), (10.0, 5.0)]);
        assert_eq!(runs[1].last(), Some(&(5.0, 8.0)));
        assert!(clip_polyline(&[(20.0, 20.0), (30.0, 30.0)], 0.0, 0.0, 10.0, 10.0).is_empty());
    }
}
