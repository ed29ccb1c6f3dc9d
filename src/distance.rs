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
}

impl GeoPoint {
    pub fn new(lat_deg: f64, lon_deg: f64) -> GeoPoint {
        let lat_rad = lat_deg.to_radians();
        GeoPoint {
            lat_rad,
            lon_rad: lon_deg.to_radians(),
            cos_lat: lat_rad.cos(),
        }
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

    #[test]
    fn antipodes_are_half_the_circumference() {
        let d = haversine_km(0.0, 0.0, 0.0, 180.0);
        assert!((d - std::f64::consts::PI * EARTH_RADIUS_KM).abs() < 1e-6);
    }
}
