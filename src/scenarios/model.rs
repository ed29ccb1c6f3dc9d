//! The monthly capacity model on plain numbers: expected headcount, FTE,
//! ramped FTE, bookings and cost by month, from a roster of cohorts.
//!
//! Deterministic expected values, month by month from the first month of
//! the horizon (month index 0):
//!
//! 1. Reps whose start month is reached join (planned hires and open
//!    requisitions in reps.csv, backfills, solved hires).
//! 2. The month's figures are taken on everyone present: headcount (heads),
//!    FTE (capacity), ramped FTE (FTE x ramp factor of each cohort's tenure
//!    month), bookings = ramped FTE x quota per ramped FTE / 12 x
//!    productivity x attainment x the month's seasonality weight, and cost
//!    = FTE x fully loaded cost / 12 + recruiting cost x heads starting.
//! 3. At the end of the month every cohort loses the monthly hazard
//!    h = 1 - (1 - a)^(1/12) of itself (a = annual attrition), so a year
//!    without backfills leaves exactly (1 - a) of a cohort. The departed
//!    FTE (and heads) are backfilled by a new cohort that starts
//!    `lead_time + 1` months later (the seat is empty for `lead_time`
//!    months; 0 means replaced the next month) and ramps from tenure
//!    month 1. Backfills leave and are backfilled in turn.
//!
//! The model is linear in the cohorts and does not depend on the calendar
//! except through seasonality, so the effect of one extra hire is a
//! shifted copy of a single unit cohort's run ([`unit_response`]); the
//! headcount solver relies on that.

/// Reps who share a start month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cohort {
    /// Start month as an index from the first month of the horizon
    /// (negative: started before it). `None`: no start date, treated as
    /// long tenured and fully ramped.
    pub start: Option<i64>,
    pub heads: f64,
    pub fte: f64,
}

/// One scenario's resolved model inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelParams {
    /// Months in the horizon.
    pub months: usize,
    /// Ramp factor (0-1) by tenure index (0 = tenure month 1); 1 beyond.
    pub ramp: Vec<f64>,
    /// Monthly attrition hazard.
    pub hazard: f64,
    /// Months a seat stays empty before the backfill starts.
    pub lead_time: u32,
    pub backfill: bool,
    /// Expected bookings of one ramped FTE in an average month.
    pub bookings_per_ramped_fte_month: f64,
    /// Weight of each fiscal month (mean 1); horizon month k uses k % 12.
    pub season: [f64; 12],
    /// Fully loaded cost of one FTE for one month.
    pub cost_per_fte_month: f64,
    /// One-off cost of each head starting.
    pub cost_per_hire: f64,
}

/// Monthly hazard of an annual attrition rate: 1 - (1 - a)^(1/12).
pub fn monthly_hazard(annual: f64) -> f64 {
    1.0 - (1.0 - annual).powf(1.0 / 12.0)
}

/// The ramp by tenure index for a schedule stretched to `ramp_months`:
/// tenure month t reads the base schedule at month ceil(t x B / R), B being
/// the base's months to full ramp, so each step keeps its share of the
/// ramp. `None` (or a base with no ramp) keeps the base schedule.
pub fn ramp_table(base: &crate::model::RampConfig, ramp_months: Option<u32>) -> Vec<f64> {
    let b = base.months_to_full();
    let r = ramp_months.unwrap_or(b);
    if b == 0 || r == 0 {
        return Vec::new();
    }
    (1..=r)
        .map(|t| {
            let month = (t * b).div_ceil(r).max(1);
            base.factor(month)
        })
        .collect()
}

/// Expected figures by horizon month.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    /// Heads present.
    pub heads: Vec<f64>,
    /// FTE present.
    pub fte: Vec<f64>,
    pub ramped_fte: Vec<f64>,
    pub bookings: Vec<f64>,
    /// Heads leaving at the end of the month.
    pub departures: Vec<f64>,
    /// Heads starting this month (planned, backfills, solved hires).
    pub starts: Vec<f64>,
    pub cost: Vec<f64>,
}

impl Series {
    fn zeros(n: usize) -> Self {
        Series {
            heads: vec![0.0; n],
            fte: vec![0.0; n],
            ramped_fte: vec![0.0; n],
            bookings: vec![0.0; n],
            departures: vec![0.0; n],
            starts: vec![0.0; n],
            cost: vec![0.0; n],
        }
    }

    /// Heads, FTE and ramped FTE at the close of month `k`: those present
    /// less the month's departures. Attrition falls at the end of a month
    /// on every cohort alike, so each figure keeps the share 1 - hazard;
    /// backfills of these departures start in a later month.
    pub fn closing(&self, k: usize, hazard: f64) -> Closing {
        let survive = 1.0 - hazard;
        Closing {
            heads: self.heads[k] * survive,
            fte: self.fte[k] * survive,
            ramped_fte: self.ramped_fte[k] * survive,
        }
    }

    /// `self + count x unit` with the unit shifted to start in month `start`
    /// (bookings re-weighted by the calendar months it lands on).
    pub fn plus_shifted(&self, unit: &Series, count: f64, start: usize, p: &ModelParams) -> Series {
        let mut s = self.clone();
        for k in start..s.heads.len() {
            let t = k - start;
            s.heads[k] += count * unit.heads[t];
            s.fte[k] += count * unit.fte[t];
            s.ramped_fte[k] += count * unit.ramped_fte[t];
            s.bookings[k] +=
                count * unit.ramped_fte[t] * p.bookings_per_ramped_fte_month * p.season[k % 12];
            s.departures[k] += count * unit.departures[t];
            s.starts[k] += count * unit.starts[t];
            s.cost[k] += count * unit.cost[t];
        }
        s
    }
}

/// Figures at the close of a month (see [`Series::closing`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Closing {
    pub heads: f64,
    pub fte: f64,
    pub ramped_fte: f64,
}

struct Active {
    start: Option<i64>,
    heads: f64,
    fte: f64,
}

/// Run the model over the horizon. Cohorts starting at or after the end
/// of the horizon are ignored.
pub fn simulate(cohorts: &[Cohort], p: &ModelParams) -> Series {
    let m = p.months;
    let mut s = Series::zeros(m);
    let mut joining_heads = vec![0.0; m];
    let mut joining_fte = vec![0.0; m];
    let mut active: Vec<Active> = Vec::with_capacity(cohorts.len() + m);
    for c in cohorts {
        match c.start {
            Some(start) if start >= 0 => {
                if let Ok(k) = usize::try_from(start) {
                    if k < m {
                        joining_heads[k] += c.heads;
                        joining_fte[k] += c.fte;
                    }
                }
            }
            start => active.push(Active {
                start,
                heads: c.heads,
                fte: c.fte,
            }),
        }
    }
    let survive = 1.0 - p.hazard;
    for k in 0..m {
        if joining_heads[k] > 0.0 || joining_fte[k] > 0.0 {
            active.push(Active {
                start: Some(k as i64),
                heads: joining_heads[k],
                fte: joining_fte[k],
            });
        }
        let (mut heads, mut fte, mut ramped) = (0.0, 0.0, 0.0);
        for a in &mut active {
            heads += a.heads;
            fte += a.fte;
            let factor = match a.start {
                None => 1.0,
                Some(start) => {
                    let t = (k as i64 - start) as usize;
                    p.ramp.get(t).copied().unwrap_or(1.0)
                }
            };
            ramped += a.fte * factor;
            a.heads *= survive;
            a.fte *= survive;
        }
        s.heads[k] = heads;
        s.fte[k] = fte;
        s.ramped_fte[k] = ramped;
        s.bookings[k] = ramped * p.bookings_per_ramped_fte_month * p.season[k % 12];
        s.starts[k] = joining_heads[k];
        s.cost[k] = fte * p.cost_per_fte_month + joining_heads[k] * p.cost_per_hire;
        s.departures[k] = heads * p.hazard;
        let back = k + 1 + p.lead_time as usize;
        if p.backfill && back < m {
            joining_heads[back] += heads * p.hazard;
            joining_fte[back] += fte * p.hazard;
        }
    }
    s
}

/// One 1.0 FTE hire starting in horizon month 0, with its attrition and
/// backfills, over the whole horizon; bookings use the seasonality of
/// months from 0 (use [`Series::plus_shifted`] to place it elsewhere).
pub fn unit_response(p: &ModelParams) -> Series {
    simulate(
        &[Cohort {
            start: Some(0),
            heads: 1.0,
            fte: 1.0,
        }],
        p,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RampConfig, YearMonth};
    use chrono::NaiveDate;

    fn params(months: usize, attrition: f64, lead: u32, backfill: bool) -> ModelParams {
        ModelParams {
            months,
            ramp: ramp_table(&RampConfig::default(), None),
            hazard: monthly_hazard(attrition),
            lead_time: lead,
            backfill,
            bookings_per_ramped_fte_month: 100.0,
            season: [1.0; 12],
            cost_per_fte_month: 10.0,
            cost_per_hire: 0.0,
        }
    }

    /// No attrition, no hires: ramped FTE is exactly capacity x the `[ramp]`
    /// factor of each rep's tenure month, summed, and bookings follow.
    #[test]
    fn no_attrition_reproduces_the_ramp_arithmetic_exactly() {
        let ramp = RampConfig::default();
        let first = YearMonth::new(2027, 1);
        let date = |y, m| NaiveDate::from_ymd_opt(y, m, 15).unwrap();
        // (start date, capacity): tenured, undated, ramping, joining later.
        let reps = [
            (Some(date(2015, 3)), 1.0),
            (None, 0.5),
            (Some(date(2026, 11)), 1.0),
            (Some(date(2027, 2)), 1.0),
            (Some(date(2027, 6)), 0.5),
        ];
        let cohorts: Vec<Cohort> = reps
            .iter()
            .map(|&(start, cap)| Cohort {
                start: start.map(|d| YearMonth::of(d).months_since(first)),
                heads: 1.0,
                fte: cap,
            })
            .collect();
        let p = params(12, 0.0, 0, true);
        let s = simulate(&cohorts, &p);
        for k in 0..12 {
            let month = first.plus(k as i64);
            let expected: f64 = reps
                .iter()
                .map(|&(d, c)| c * ramp.factor_in(d, month))
                .sum();
            assert_eq!(s.ramped_fte[k], expected, "month {month}");
            assert_eq!(s.bookings[k], expected * 100.0, "month {month}");
            assert_eq!(s.departures[k], 0.0);
        }
        // Month 1 (Jan): 1 + 0.5 + month-3 rep at 0 = 1.5; Dec: the Nov-2026
        // rep is in tenure month 14 (1.0), the Feb hire in month 11 (1.0),
        // the June hire in month 7 (0.75 x 0.5).
        assert_eq!(s.ramped_fte[0], 1.5);
        assert_eq!(s.ramped_fte[11], 1.5 + 1.0 + 1.0 + 0.375);
        assert_eq!(s.heads[0], 3.0);
        assert_eq!(s.heads[5], 5.0);
        assert_eq!(s.fte[11], 4.0);
    }

    #[test]
    fn known_attrition_gives_the_expected_headcount() {
        let a = 0.2;
        let h = monthly_hazard(a);
        let ten = [Cohort {
            start: None,
            heads: 10.0,
            fte: 10.0,
        }];
        // No backfill: 10 (1 - a)^(k/12); after a full year exactly 8.
        let s = simulate(&ten, &params(13, a, 0, false));
        for k in 0..13 {
            let expected = 10.0 * (1.0 - a).powf(k as f64 / 12.0);
            assert!((s.heads[k] - expected).abs() < 1e-9, "{k}");
        }
        assert!((s.heads[12] - 8.0).abs() < 1e-12);
        let departed: f64 = s.departures[..12].iter().sum();
        assert!((departed - 2.0).abs() < 1e-12);

        // Immediate backfill: the seat count never moves.
        let s = simulate(&ten, &params(24, a, 0, true));
        assert!(s.heads.iter().all(|&x| (x - 10.0).abs() < 1e-9));

        // Two months to backfill: the first departures (end of month 0)
        // come back in month 3.
        let s = simulate(&ten, &params(6, a, 2, true));
        let q = 1.0 - h;
        assert!((s.heads[2] - 10.0 * q * q).abs() < 1e-12);
        assert!((s.heads[3] - (10.0 * q.powi(3) + 10.0 * h)).abs() < 1e-12);
        assert!((s.starts[3] - 10.0 * h).abs() < 1e-12);
        // Backfills ramp from month 1: 0 % for their first three months.
        assert!((s.ramped_fte[3] - 10.0 * q.powi(3)).abs() < 1e-12);
    }

    #[test]
    fn stretched_ramp_keeps_each_step_share() {
        let base = RampConfig::default();
        assert_eq!(
            ramp_table(&base, None),
            [0.0, 0.0, 0.0, 0.5, 0.5, 0.5, 0.75, 0.75, 0.75]
        );
        assert_eq!(
            ramp_table(&base, Some(12)),
            [0.0, 0.0, 0.0, 0.0, 0.5, 0.5, 0.5, 0.5, 0.75, 0.75, 0.75, 0.75]
        );
        assert_eq!(ramp_table(&base, Some(6)), [0.0, 0.0, 0.5, 0.5, 0.75, 0.75]);
    }

    #[test]
    fn a_shifted_unit_equals_simulating_the_hire() {
        let p = ModelParams {
            season: [1.0, 1.0, 2.0, 0.5, 1.0, 1.0, 1.5, 1.0, 0.5, 1.0, 1.0, 0.5],
            cost_per_hire: 7.0,
            ..params(24, 0.15, 3, true)
        };
        let roster = [Cohort {
            start: Some(-4),
            heads: 3.0,
            fte: 2.5,
        }];
        let base = simulate(&roster, &p);
        let unit = unit_response(&p);
        let mut with = roster.to_vec();
        with.push(Cohort {
            start: Some(5),
            heads: 2.0,
            fte: 2.0,
        });
        let direct = simulate(&with, &p);
        let shifted = base.plus_shifted(&unit, 2.0, 5, &p);
        for k in 0..24 {
            assert!((direct.bookings[k] - shifted.bookings[k]).abs() < 1e-9);
            assert!((direct.heads[k] - shifted.heads[k]).abs() < 1e-12);
            assert!((direct.cost[k] - shifted.cost[k]).abs() < 1e-9);
        }
    }
}
