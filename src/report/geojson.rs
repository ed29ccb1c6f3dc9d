//! `territories.geojson`: the plan for GIS tools (QGIS, kepler.gl).
//!
//! One FeatureCollection (RFC 7946): a feature per territory (its convex
//! hull, a MultiPolygon when it has accounts in more than one map area,
//! `null` geometry for a rep without accounts), a point per rep home and a
//! point per account with its territory. Positions are [lon, lat] with at
//! most 7 decimals (about 1 cm), exterior rings counter-clockwise and
//! closed. Written by hand rather than through a JSON value so that the
//! key order and number formatting are fixed.

use std::fmt::Write as _;

use super::hull::TerritoryHull;
use super::palette::{hex, rep_colour};
use crate::output::folder::PlanFolder;
use crate::output::format::fixed;

/// Decimals kept for coordinates.
pub const COORD_DECIMALS: usize = 7;

/// A coordinate with at most 7 decimals, trailing zeros dropped.
pub fn coord(x: f64) -> String {
    let s = fixed(x, COORD_DECIMALS);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// A JSON string literal.
fn string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

fn ring(out: &mut String, ring: &[(f64, f64)]) {
    out.push('[');
    for (i, &(lon, lat)) in ring.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "[{},{}]", coord(lon), coord(lat));
    }
    out.push(']');
}

fn territory_geometry(out: &mut String, hulls: &[&TerritoryHull]) {
    match hulls {
        [] => out.push_str("null"),
        [one] => {
            out.push_str("{\"type\":\"Polygon\",\"coordinates\":[");
            ring(out, &one.ring);
            out.push_str("]}");
        }
        many => {
            out.push_str("{\"type\":\"MultiPolygon\",\"coordinates\":[");
            for (i, h) in many.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('[');
                ring(out, &h.ring);
                out.push(']');
            }
            out.push_str("]}");
        }
    }
}

fn point(lat: f64, lon: f64) -> String {
    format!(
        "{{\"type\":\"Point\",\"coordinates\":[{},{}]}}",
        coord(lon),
        coord(lat)
    )
}

/// The whole FeatureCollection, one feature per line.
pub fn geojson(folder: &PlanFolder, hulls: &[TerritoryHull]) -> String {
    let mut features: Vec<String> =
        Vec::with_capacity(folder.accounts.len() + 2 * folder.reps.len());
    for (i, r) in folder.reps.iter().enumerate() {
        let mine: Vec<&TerritoryHull> = hulls.iter().filter(|h| h.rep == i).collect();
        let mut f = String::from("{\"type\":\"Feature\",\"geometry\":");
        territory_geometry(&mut f, &mine);
        let _ = write!(
            f,
            ",\"properties\":{{\"kind\":\"territory\",\"rep_id\":{},\"rep_name\":{},\"group\":{},\
             \"accounts\":{},\"potential\":{},\"workload\":{},\"potential_dev_pct\":{},\
             \"workload_dev_pct\":{},\"within_tolerance\":{},\"colour\":\"{}\"}}}}",
            string(&r.id),
            string(&r.name),
            string(&r.group),
            r.accounts,
            fixed(r.potential, 2),
            fixed(r.workload, 2),
            fixed(r.potential_dev_pct, 2),
            fixed(r.workload_dev_pct, 2),
            r.within_tolerance,
            hex(rep_colour(i))
        );
        features.push(f);
    }
    for (i, r) in folder.reps.iter().enumerate() {
        features.push(format!(
            "{{\"type\":\"Feature\",\"geometry\":{},\"properties\":{{\"kind\":\"rep_home\",\
             \"rep_id\":{},\"rep_name\":{},\"colour\":\"{}\"}}}}",
            point(r.lat, r.lon),
            string(&r.id),
            string(&r.name),
            hex(rep_colour(i))
        ));
    }
    for a in &folder.accounts {
        features.push(format!(
            "{{\"type\":\"Feature\",\"geometry\":{},\"properties\":{{\"kind\":\"account\",\
             \"account_id\":{},\"name\":{},\"territory\":{},\"previous_owner\":{},\"moved\":{},\
             \"segment\":{},\"potential\":{},\"workload\":{},\"distance_km\":{},\"colour\":\"{}\"}}}}",
            point(a.lat, a.lon),
            string(&a.id),
            string(&a.name),
            string(&a.rep_id),
            string(&a.previous_owner),
            a.moved,
            string(&a.segment),
            fixed(a.potential, 2),
            fixed(a.workload, 2),
            fixed(a.distance_km, 3),
            hex(rep_colour(a.rep))
        ));
    }
    let mut out = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    out.push_str(&features.join(",\n"));
    out.push_str("\n]}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_keep_at_most_seven_decimals() {
        assert_eq!(coord(-87.62980000), "-87.6298");
        assert_eq!(coord(41.123456789), "41.1234568");
        assert_eq!(coord(10.0), "10");
        assert_eq!(coord(-0.00000001), "0");
        assert_eq!(coord(0.0), "0");
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(string("a\"b"), "\"a\\\"b\"");
    }
}
