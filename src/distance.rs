//! Great-circle distance. Every distance figure in tplan uses the haversine
//! formula on a sphere of radius 6371.0088 km (the IUGG mean Earth radius).

/// Mean Earth radius in km used for every distance.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Haversine distance in km between two WGS84 points given in degrees.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let p1 = GeoPoint::new(lat1, lon1);
    p1.km_to(&GeoPoint::new(lat2, lon2))
}

/// A point with its trigonometry precomputed, for fast repeated distances.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPoint {
    lat_rad: f64,
    lon_rad: f64,
    cos_lat: f64,
    /// The point on the unit sphere, for [`GeoPoint::km_lower_bound`].
    unit: [f64; 3],
}

impl GeoPoint {
    pub fn new(lat_deg: f64, lon_deg: f64) -> GeoPoint {
        let lat_rad = lat_deg.to_radians();
        let lon_rad = lon_deg.to_radians();
        let cos_lat = lat_rad.cos();
        GeoPoint {
            lat_rad,
            lon_rad,
            cos_lat,
            unit: [
                cos_lat * lon_rad.cos(),
                cos_lat * lon_rad.sin(),
                lat_rad.sin(),
            ],
        }
    }

    /// A lower bound on [`GeoPoint::km_to`] without trigonometry: the
    /// straight chord through the Earth, `R c <= 2 R asin(c / 2)`, less a
    /// margin for rounding (a millionth of a metre and a part in 10^12),
    /// so that it never exceeds the haversine as computed. Searches use it
    /// to skip the haversine of pairs that cannot win; at 1,000,000 x
    /// 2,000 that is most of the pairs.
    pub fn km_lower_bound(&self, other: &GeoPoint) -> f64 {
        let [x, y, z] = self.unit;
        let [a, b, c] = other.unit;
        let chord = ((x - a) * (x - a) + (y - b) * (y - b) + (z - c) * (z - c)).sqrt();
        (EARTH_RADIUS_KM * chord * (1.0 - 1e-12) - 1e-9).max(0.0)
    }

    /// Haversine km to another point.
    pub fn km_to(&self, other: &GeoPoint) -> f64 {
        let dlat = other.lat_rad - self.lat_rad;
        let dlon = other.lon_rad - self.lon_rad;
        let s_lat = (dlat * 0.5).sin();
        let s_lon = (dlon * 0.5).sin();
        let h = s_lat * s_lat + self.cos_lat * other.cos_lat * s_lon * s_lon;
        2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Distance, Haversine, Point};

    #[test]
    fn new_york_to_los_angeles_matches_reference() {
        // JFK (40.6413, -73.7781) to LAX (33.9416, -118.4085): 3974.2 km
        // on a 6371.0088 km sphere.
        let d = haversine_km(40.6413, -73.7781, 33.9416, -118.4085);
        assert!((d - 3974.2).abs() < 1.0, "got {d}");
    }

    #[test]
    fn agrees_with_geo_crate() {
        let pairs = [
            ((21.3069, -157.8583), (47.6062, -122.3321)),
            ((0.0, 0.0), (0.0, 180.0)),
            ((89.9, 10.0), (-89.9, -170.0)),
            ((41.8781, -87.6298), (41.8781, -87.6298)),
        ];
        for ((a, b), (c, d)) in pairs {
            let ours = haversine_km(a, b, c, d);
            let theirs = Haversine::distance(Point::new(b, a), Point::new(d, c)) / 1000.0;
            assert!((ours - theirs).abs() < 1e-6, "{ours} vs {theirs}");
        }
    }

    /// The chord bound stays below the haversine as computed, from a
    /// few millimetres to the antipodes, and is close to it at the
    /// distances that decide a territory.
    #[test]
    fn chord_bound_never_exceeds_the_haversine() {
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for k in 0..200_000 {
            let a = GeoPoint::new(next() * 180.0 - 90.0, next() * 360.0 - 180.0);
            // Offsets from 1e-8 degrees (about a millimetre) to the globe.
            let scale = 10f64.powf(-8.0 + 10.5 * next());
            let b = GeoPoint::new(
                (a.lat_rad.to_degrees() + scale * (next() - 0.5)).clamp(-90.0, 90.0),
                a.lon_rad.to_degrees() + scale * (next() - 0.5),
            );
            let (km, lb) = (a.km_to(&b), a.km_lower_bound(&b));
            assert!(lb <= km, "case {k}: bound {lb} above {km}");
            if km > 1.0 && km < 500.0 {
                assert!(
                    lb > km * (1.0 - 1e-3),
                    "case {k}: bound {lb} far below {km}"
                );
            }
        }
        let same = GeoPoint::new(41.8781, -87.6298);
        assert_eq!(same.km_lower_bound(&same), 0.0);
    }

    #[test]
    fn antipodes_are_half_the_circumference() {
        let d = haversine_km(0.0, 0.0, 0.0, 180.0);
        assert!((d - std::f64::consts::PI * EARTH_RADIUS_KM).abs() < 1e-6);
    }
}
