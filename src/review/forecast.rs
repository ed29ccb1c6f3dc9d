//! Judging a rep's year so far: pace against the plan, the two forecasts
//! for the year end, the on-track status and pipeline coverage.

use serde::Serialize;

/// Bookings to date as a share of quota to date; `None` when the plan
/// asked for nothing yet (a new hire still at 0 % ramp).
pub fn pace(bookings_to_date: f64, quota_to_date: f64) -> Option<f64> {
    (quota_to_date > 0.0).then(|| bookings_to_date / quota_to_date)
}

/// Year-end bookings if the rep keeps its pace on the plan's remaining
/// months: bookings to date + pace x rest-of-year quota (which equals
/// pace x annual quota, so seasonality and ramp are respected). Without a
/// pace the rest of the year is taken as planned.
pub fn run_rate_forecast(bookings_to_date: f64, pace: Option<f64>, rest_of_year_quota: f64) -> f64 {
    bookings_to_date + pace.unwrap_or(1.0) * rest_of_year_quota
}

/// Year-end bookings from pipeline: bookings to date + win rate x open
/// pipeline; bookings to date alone when the territory has no pipeline data.
pub fn pipeline_forecast(bookings_to_date: f64, pipeline: Option<f64>, win_rate: f64) -> f64 {
    bookings_to_date + win_rate * pipeline.unwrap_or(0.0)
}

/// Where a rep stands against its quota to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Pace below `at_risk_below`.
    AtRisk,
    /// Pace between the two thresholds.
    OnTrack,
    /// Pace at or above `ahead_above`.
    Ahead,
    /// No quota to date: nothing to judge yet.
    NoQuotaYet,
}

impl Status {
    /// Code written to review.csv.
    pub fn code(self) -> &'static str {
        match self {
            Status::AtRisk => "at_risk",
            Status::OnTrack => "on_track",
            Status::Ahead => "ahead",
            Status::NoQuotaYet => "no_quota_yet",
        }
    }
}

/// Status from the pace and the `[review]` thresholds.
pub fn status(pace: Option<f64>, at_risk_below: f64, ahead_above: f64) -> Status {
    match pace {
        None => Status::NoQuotaYet,
        Some(p) if p < at_risk_below => Status::AtRisk,
        Some(p) if p >= ahead_above => Status::Ahead,
        Some(_) => Status::OnTrack,
    }
}

/// Open pipeline over what is still to book; `None` without pipeline data
/// or with nothing left to book.
pub fn coverage(pipeline: Option<f64>, still_to_book: f64) -> Option<f64> {
    pipeline
        .filter(|_| still_to_book > 0.0)
        .map(|p| p / still_to_book)
}

/// A figure against a healthy `[low, high]` band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Below,
    Within,
    Above,
}

/// Where `x` lies against `[low, high]` (both ends inside).
pub fn against_band(x: f64, [low, high]: [f64; 2]) -> Band {
    if x < low {
        Band::Below
    } else if x > high {
        Band::Above
    } else {
        Band::Within
    }
}

/// The coverage flag of review.csv: `low_coverage` below the band,
/// `high_coverage` above it (pipeline far beyond what is left to book:
/// the quota is low for the territory, or the pipeline is not qualified).
pub fn coverage_flag(coverage: Option<f64>, band: [f64; 2]) -> Option<&'static str> {
    match against_band(coverage?, band) {
        Band::Below => Some("low_coverage"),
        Band::Above => Some("high_coverage"),
        Band::Within => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pace_and_run_rate_follow_the_plan_shape() {
        // Quota to date 290 of 1200, booked 261: 90 % pace.
        let p = pace(261.0, 290.0);
        assert!((p.unwrap() - 0.9).abs() < 1e-12);
        let f = run_rate_forecast(261.0, p, 910.0);
        assert!((f - 0.9 * 1200.0).abs() < 1e-9);
        assert_eq!(pace(50.0, 0.0), None);
        assert_eq!(run_rate_forecast(50.0, None, 910.0), 960.0);
    }

    #[test]
    fn pipeline_forecast_weights_open_pipeline() {
        assert_eq!(pipeline_forecast(300.0, Some(2000.0), 0.25), 800.0);
        assert_eq!(pipeline_forecast(300.0, None, 0.25), 300.0);
    }

    #[test]
    fn status_thresholds() {
        assert_eq!(status(Some(0.899), 0.9, 1.1), Status::AtRisk);
        assert_eq!(status(Some(0.9), 0.9, 1.1), Status::OnTrack);
        assert_eq!(status(Some(1.0999), 0.9, 1.1), Status::OnTrack);
        assert_eq!(status(Some(1.1), 0.9, 1.1), Status::Ahead);
        assert_eq!(status(None, 0.9, 1.1), Status::NoQuotaYet);
    }

    #[test]
    fn coverage_is_flagged_on_both_sides_of_the_band() {
        let band = [3.0, 4.0];
        assert_eq!(
            coverage_flag(coverage(Some(2000.0), 1000.0), band),
            Some("low_coverage")
        );
        assert_eq!(coverage_flag(coverage(Some(3500.0), 1000.0), band), None);
        assert_eq!(coverage_flag(coverage(Some(3000.0), 1000.0), band), None);
        assert_eq!(coverage_flag(coverage(Some(4000.0), 1000.0), band), None);
        assert_eq!(
            coverage_flag(coverage(Some(9000.0), 1000.0), band),
            Some("high_coverage")
        );
        assert_eq!(coverage(Some(9000.0), 0.0), None);
        assert_eq!(coverage(None, 1000.0), None);
    }
}
