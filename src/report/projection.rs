//! Map projection: longitude/latitude to pixels, and the map's panels.
//!
//! An equirectangular projection with x scaled by cos(mean latitude) keeps
//! shapes right at the latitude of the data (enough for a territory map,
//! with no projection library), fitted to the data's extent. A plan with
//! accounts in Alaska or Hawaii beside the contiguous US would otherwise
//! be mostly empty ocean, so those points go to inset panels, the usual
//! US-map layout; a plan with no point in the main area has no insets.

/// Part of the map a point is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Area {
    Main,
    Alaska,
    Hawaii,
}

impl Area {
    /// Label of an inset panel.
    pub fn label(self) -> &'static str {
        match self {
            Area::Main => "",
            Area::Alaska => "Alaska (inset, own scale)",
            Area::Hawaii => "Hawaii (inset, own scale)",
        }
    }
}

/// Where a point would go if insets are used: Hawaii and Alaska by
/// bounding boxes (the Aleutians cross 180 degrees, hence `lon >= 170`).
pub fn raw_area(lat: f64, lon: f64) -> Area {
    if (15.0..=30.0).contains(&lat) && (-179.0..=-150.0).contains(&lon) {
        Area::Hawaii
    } else if lat >= 50.0 && (lon <= -129.0 || lon >= 170.0) {
        Area::Alaska
    } else {
        Area::Main
    }
}

/// Decides the panel of every point of one map.
#[derive(Debug, Clone, Copy)]
pub struct AreaRule {
    insets: bool,
}

impl AreaRule {
    /// Insets are used only when some point lies in the main area: a plan
    /// made only of Hawaiian accounts is simply fitted.
    pub fn for_points(points: impl IntoIterator<Item = (f64, f64)>) -> AreaRule {
        let insets = points
            .into_iter()
            .any(|(lat, lon)| raw_area(lat, lon) == Area::Main);
        AreaRule { insets }
    }

    pub fn area(&self, lat: f64, lon: f64) -> Area {
        if self.insets {
            raw_area(lat, lon)
        } else {
            Area::Main
        }
    }
}

/// A pixel rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// Km per degree of latitude on the tplan sphere (radius 6371.0088 km).
pub const KM_PER_DEG: f64 = 6371.0088 * std::f64::consts::PI / 180.0;

/// Equirectangular projection fitted into a pixel rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    /// cos(mean latitude): x shrink so that shapes are right there.
    kx: f64,
    /// Pixels per degree of latitude.
    scale: f64,
    /// Projected centre of the data (x = lon * kx, y = lat).
    cx: f64,
    cy: f64,
    /// Pixel centre of the rectangle.
    px: f64,
    py: f64,
}

impl Projection {
    /// Fit `(lat, lon)` points into `rect`, leaving `margin` pixels free on
    /// every side and showing at least `min_span` degrees (so that one
    /// point still gets a map). No points gives a view of (0, 0).
    pub fn fit(points: &[(f64, f64)], rect: Rect, margin: f64, min_span: f64) -> Projection {
        let (mut lat0, mut lat1, mut lon0, mut lon1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(lat, lon) in points {
            lat0 = lat0.min(lat);
            lat1 = lat1.max(lat);
            lon0 = lon0.min(lon);
            lon1 = lon1.max(lon);
        }
        if points.is_empty() {
            (lat0, lat1, lon0, lon1) = (0.0, 0.0, 0.0, 0.0);
        }
        let mid_lat = (lat0 + lat1) / 2.0;
        let kx = mid_lat.to_radians().cos().max(0.1);
        let span_x = ((lon1 - lon0) * kx).max(min_span * kx);
        let span_y = (lat1 - lat0).max(min_span);
        let w = (rect.w - 2.0 * margin).max(1.0);
        let h = (rect.h - 2.0 * margin).max(1.0);
        let scale = (w / span_x).min(h / span_y);
        Projection {
            kx,
            scale,
            cx: (lon0 + lon1) / 2.0 * kx,
            cy: mid_lat,
            px: rect.x + rect.w / 2.0,
            py: rect.y + rect.h / 2.0,
        }
    }

    /// Pixel position of a point (y grows downwards).
    pub fn to_px(&self, lat: f64, lon: f64) -> (f64, f64) {
        (
            self.px + (lon * self.kx - self.cx) * self.scale,
            self.py - (lat - self.cy) * self.scale,
        )
    }

    /// Integer pixel position, as the drawing backends take it.
    pub fn to_pixel(&self, lat: f64, lon: f64) -> (i32, i32) {
        let (x, y) = self.to_px(lat, lon);
        (x.round() as i32, y.round() as i32)
    }

    /// Kilometres per pixel (exact north-south; east-west at the mean
    /// latitude), for the scale bar.
    pub fn km_per_px(&self) -> f64 {
        KM_PER_DEG / self.scale
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECT: Rect = Rect {
        x: 0.0,
        y: 0.0,
        w: 1000.0,
        h: 500.0,
    };

    #[test]
    fn fitted_points_stay_inside_the_margins_and_north_is_up() {
        let pts = [(25.0, -125.0), (49.0, -67.0), (40.0, -100.0)];
        let p = Projection::fit(&pts, RECT, 20.0, 0.5);
        for &(lat, lon) in &pts {
            let (x, y) = p.to_px(lat, lon);
            assert!((19.9..=980.1).contains(&x), "{x}");
            assert!((19.9..=480.1).contains(&y), "{y}");
        }
        let (_, y_south) = p.to_px(25.0, -100.0);
        let (_, y_north) = p.to_px(49.0, -100.0);
        assert!(y_north < y_south);
        let (x_west, _) = p.to_px(40.0, -125.0);
        let (x_east, _) = p.to_px(40.0, -67.0);
        assert!(x_west < x_east);
    }

    #[test]
    fn east_west_is_shrunk_by_the_cosine_of_the_latitude() {
        // One degree of longitude at 60 degrees north is half a degree of
        // latitude long.
        let p = Projection::fit(&[(59.0, 10.0), (61.0, 12.0)], RECT, 0.0, 0.5);
        let (x0, y0) = p.to_px(60.0, 10.0);
        let (x1, _) = p.to_px(60.0, 11.0);
        let (_, y1) = p.to_px(61.0, 10.0);
        let ratio = (x1 - x0) / (y0 - y1);
        assert!((ratio - 0.5).abs() < 1e-9, "{ratio}");
    }

    #[test]
    fn a_single_point_is_centred() {
        let p = Projection::fit(&[(40.0, -90.0)], RECT, 10.0, 0.5);
        let (x, y) = p.to_px(40.0, -90.0);
        assert!((x - 500.0).abs() < 1e-9 && (y - 250.0).abs() < 1e-9);
        assert!(p.km_per_px().is_finite() && p.km_per_px() > 0.0);
    }

    #[test]
    fn hawaii_and_alaska_get_insets_only_beside_the_mainland() {
        assert_eq!(raw_area(21.3, -157.8), Area::Hawaii);
        assert_eq!(raw_area(61.2, -149.9), Area::Alaska);
        assert_eq!(raw_area(52.0, 178.0), Area::Alaska);
        assert_eq!(raw_area(47.6, -122.3), Area::Main);
        let mixed = AreaRule::for_points([(21.3, -157.8), (40.0, -90.0)]);
        assert_eq!(mixed.area(21.3, -157.8), Area::Hawaii);
        let hawaii_only = AreaRule::for_points([(21.3, -157.8), (19.7, -155.1)]);
        assert_eq!(hawaii_only.area(21.3, -157.8), Area::Main);
    }
}
