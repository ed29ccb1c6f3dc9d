//! Monthly phasing: an annual quota spread over the 12 fiscal months by
//! seasonality weight x ramp factor, in whole units that sum exactly to
//! the annual figure. A new hire's months before the start and at 0 %
//! ramp are 0; a month at 50 % carries half of what a ramped month of the
//! same seasonality carries.

use super::alloc::allocate;

/// Weight of each month: seasonality x ramp factor.
pub fn month_weights(seasonality: &[f64], ramp: &[f64]) -> Vec<f64> {
    seasonality.iter().zip(ramp).map(|(s, r)| s * r).collect()
}

/// Seasonality-weighted mean ramp factor: the share of a fully ramped
/// rep's year that this rep can carry (equals the plain mean of the 12
/// factors when seasonality is flat).
pub fn productive_share(seasonality: &[f64], ramp: &[f64]) -> f64 {
    let total: f64 = seasonality.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    month_weights(seasonality, ramp).iter().sum::<f64>() / total
}

/// `annual` split over the months by [`month_weights`]; `None` when the
/// annual figure is positive but no month carries weight.
pub fn phase(annual: i64, seasonality: &[f64], ramp: &[f64]) -> Option<Vec<i64>> {
    allocate(annual, &month_weights(seasonality, ramp))
}

/// Fiscal quarter (1-4) of a 1-based fiscal month.
pub fn quarter(fiscal_month: u32) -> u32 {
    (fiscal_month.saturating_sub(1)) / 3 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_year_for_a_ramped_rep() {
        let flat = [1.0; 12];
        let months = phase(1_200_000, &flat, &[1.0; 12]).unwrap();
        assert_eq!(months, vec![100_000; 12]);
        assert_eq!(productive_share(&flat, &[1.0; 12]), 1.0);
    }

    #[test]
    fn new_hire_months_follow_the_ramp() {
        // Hire in fiscal month 5 on the default ramp.
        let ramp = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 0.5, 0.5, 0.75, 0.75];
        let flat = [1.0; 12];
        let share = productive_share(&flat, &ramp);
        assert!((share - 3.0 / 12.0).abs() < 1e-12);
        let months = phase(300_000, &flat, &ramp).unwrap();
        assert_eq!(
            months,
            [0, 0, 0, 0, 0, 0, 0, 50_000, 50_000, 50_000, 75_000, 75_000]
        );
    }

    #[test]
    fn seasonality_shapes_the_months_and_sums_are_exact() {
        let season = [1.0, 1.0, 1.5, 1.0, 1.0, 1.5, 1.0, 1.0, 1.5, 1.0, 1.0, 2.0];
        let months = phase(1_000_003, &season, &[1.0; 12]).unwrap();
        assert_eq!(months.iter().sum::<i64>(), 1_000_003);
        assert!(months[11] > months[2] && months[2] > months[0]);
        assert_eq!(quarter(1), 1);
        assert_eq!(quarter(3), 1);
        assert_eq!(quarter(4), 2);
        assert_eq!(quarter(12), 4);
    }
}
