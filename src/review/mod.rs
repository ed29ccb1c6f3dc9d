//! The quarterly review of a plan against actuals (`tplan review`): per
//! rep and for the team, attainment to date, run-rate and
//! pipeline-weighted forecasts for the year end, on-track / at-risk /
//! ahead status, the share of reps forecast to reach quota against the
//! healthy band, pipeline coverage of what is left to book, and the
//! remaining months re-phased so that the annual quota still holds.
//!
//! Pure arithmetic on plain types: the plan's monthly quotas (as
//! `quotas.csv` holds them, ramp and seasonality included), bookings by
//! month and the `[review]` settings. Reading the files and writing the
//! results live in `io`, `output` and `commands::review`.

pub mod forecast;

pub use crate::model::ReviewConfig;
pub use forecast::{Band, Status};

use crate::quota::rest_of_year::{
    adjusted_annual_quota, quota_still_to_book, quota_to_date, rephase_rest_of_year,
    rest_of_year_quota,
};
use forecast::{against_band, coverage, coverage_flag, pace, pipeline_forecast, run_rate_forecast};

/// One rep's plan for the fiscal year, as the review needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct RepPlan {
    pub id: String,
    /// Quota per fiscal month (12), all components.
    pub monthly_quota: Vec<f64>,
    /// Ramp factor per fiscal month (12), 0 to 1.
    pub ramp: Vec<f64>,
    /// Open pipeline of the territory; `None` without pipeline data.
    pub pipeline: Option<f64>,
}

/// Everything a review is computed from.
#[derive(Debug, Clone, Copy)]
pub struct ReviewInput<'a> {
    pub reps: &'a [RepPlan],
    /// Bookings per rep (same order as `reps`) per fiscal month; months
    /// after the review month are ignored.
    pub bookings: &'a [Vec<f64>],
    /// Closed fiscal months, 1 to 12 (the review month is the last).
    pub elapsed: usize,
    /// Seasonality weight per fiscal month (12), as the plan phased with.
    pub seasonality: &'a [f64],
    pub config: &'a ReviewConfig,
    /// Healthy share of reps reaching quota (the plan's
    /// `quota.attainment.band`).
    pub attainment_band: [f64; 2],
}

/// One rep's review.
#[derive(Debug, Clone, PartialEq)]
pub struct RepReview {
    pub id: String,
    pub annual_quota: f64,
    pub quota_to_date: f64,
    pub bookings_to_date: f64,
    /// Bookings to date / quota to date.
    pub attainment_to_date: Option<f64>,
    /// Bookings to date / annual quota.
    pub attainment_of_annual: Option<f64>,
    /// The plan's quota for the months after the review month.
    pub rest_of_year_quota: f64,
    pub run_rate_forecast: f64,
    pub pipeline: Option<f64>,
    pub pipeline_forecast: f64,
    pub status: Status,
    /// Run-rate forecast at or above the annual quota (pace >= 1).
    pub reaches_quota_run_rate: bool,
    pub reaches_quota_pipeline: bool,
    /// The annual quota the review proposes (unchanged unless
    /// `max_annual_change` allows).
    pub proposed_annual_quota: f64,
    /// Proposed annual quota - bookings to date, at least 0.
    pub still_to_book: i64,
    /// `still_to_book` re-phased over the remaining months, in order.
    pub proposed_months: Vec<i64>,
    /// Pipeline / still to book.
    pub coverage: Option<f64>,
    pub coverage_flag: Option<&'static str>,
}

/// The team's figures for one fiscal month.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamMonth {
    pub quota: f64,
    /// Bookings, for closed months.
    pub bookings: Option<f64>,
    /// Re-phased quota, for remaining months.
    pub proposed: Option<f64>,
}

/// The team's review: sums over reps and shares of reps.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamReview {
    pub reps: usize,
    /// Reps with quota to date, the ones a pace can be judged for.
    pub reps_judged: usize,
    pub annual_quota: f64,
    pub quota_to_date: f64,
    pub bookings_to_date: f64,
    pub attainment_to_date: Option<f64>,
    pub attainment_of_annual: Option<f64>,
    pub rest_of_year_quota: f64,
    pub run_rate_forecast: f64,
    pub pipeline: f64,
    pub pipeline_forecast: f64,
    pub at_risk: usize,
    pub on_track: usize,
    pub ahead: usize,
    pub no_quota_yet: usize,
    /// Share of judged reps whose run-rate forecast reaches quota.
    pub share_reaching_run_rate: Option<f64>,
    pub band_run_rate: Option<Band>,
    /// Share of judged reps whose pipeline forecast reaches quota.
    pub share_reaching_pipeline: Option<f64>,
    pub band_pipeline: Option<Band>,
    pub proposed_annual_quota: f64,
    pub still_to_book: f64,
    pub coverage: Option<f64>,
    pub low_coverage: usize,
    pub high_coverage: usize,
    /// Per fiscal month (12).
    pub months: Vec<TeamMonth>,
}

/// A review: reps in input order, and the team.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub elapsed: usize,
    pub reps: Vec<RepReview>,
    pub team: TeamReview,
}

/// Review every rep and roll the team up.
pub fn review(input: &ReviewInput) -> Review {
    let reps: Vec<RepReview> = input
        .reps
        .iter()
        .enumerate()
        .map(|(i, plan)| {
            let bookings = input.bookings.get(i).map(Vec::as_slice).unwrap_or(&[]);
            review_rep(plan, bookings, input)
        })
        .collect();
    let team = team_review(&reps, input);
    Review {
        elapsed: input.elapsed,
        reps,
        team,
    }
}

fn review_rep(plan: &RepPlan, bookings: &[f64], input: &ReviewInput) -> RepReview {
    let c = input.config;
    let elapsed = input.elapsed;
    let annual: f64 = plan.monthly_quota.iter().sum();
    let to_date = quota_to_date(&plan.monthly_quota, elapsed);
    let rest = rest_of_year_quota(&plan.monthly_quota, elapsed);
    let booked: f64 = bookings.iter().take(elapsed).sum();
    let pace = pace(booked, to_date);
    let run_rate = run_rate_forecast(booked, pace, rest);
    let by_pipeline = pipeline_forecast(booked, plan.pipeline, c.win_rate);
    let proposed_annual =
        adjusted_annual_quota(annual, pace.map(|_| run_rate), c.max_annual_change);
    let still = quota_still_to_book(proposed_annual, booked);
    let remaining = elapsed.min(plan.ramp.len());
    let proposed_months = rephase_rest_of_year(
        still,
        input.seasonality.get(elapsed..).unwrap_or(&[]),
        &plan.ramp[remaining..],
    );
    let cover = coverage(plan.pipeline, still as f64);
    RepReview {
        id: plan.id.clone(),
        annual_quota: annual,
        quota_to_date: to_date,
        bookings_to_date: booked,
        attainment_to_date: pace,
        attainment_of_annual: (annual > 0.0).then(|| booked / annual),
        rest_of_year_quota: rest,
        run_rate_forecast: run_rate,
        pipeline: plan.pipeline,
        pipeline_forecast: by_pipeline,
        status: forecast::status(pace, c.at_risk_below, c.ahead_above),
        reaches_quota_run_rate: pace.is_some_and(|p| p >= 1.0),
        reaches_quota_pipeline: pace.is_some() && by_pipeline >= annual,
        proposed_annual_quota: proposed_annual,
        still_to_book: still,
        proposed_months,
        coverage: cover,
        coverage_flag: coverage_flag(cover, c.coverage_band),
    }
}

fn team_review(reps: &[RepReview], input: &ReviewInput) -> TeamReview {
    let sum = |f: fn(&RepReview) -> f64| reps.iter().map(f).sum::<f64>();
    let count = |f: &dyn Fn(&RepReview) -> bool| reps.iter().filter(|r| f(r)).count();
    let judged = count(&|r| r.attainment_to_date.is_some());
    let share = |n: usize| (judged > 0).then(|| n as f64 / judged as f64);
    let share_run_rate = share(count(&|r| r.reaches_quota_run_rate));
    let share_pipeline = share(count(&|r| r.reaches_quota_pipeline));
    let band = input.attainment_band;
    let (annual, to_date, booked) = (
        sum(|r| r.annual_quota),
        sum(|r| r.quota_to_date),
        sum(|r| r.bookings_to_date),
    );
    let pipeline = sum(|r| r.pipeline.unwrap_or(0.0));
    let still = sum(|r| r.still_to_book as f64);
    let has_pipeline = reps.iter().any(|r| r.pipeline.is_some());
    TeamReview {
        reps: reps.len(),
        reps_judged: judged,
        annual_quota: annual,
        quota_to_date: to_date,
        bookings_to_date: booked,
        attainment_to_date: pace(booked, to_date),
        attainment_of_annual: (annual > 0.0).then(|| booked / annual),
        rest_of_year_quota: sum(|r| r.rest_of_year_quota),
        run_rate_forecast: sum(|r| r.run_rate_forecast),
        pipeline,
        pipeline_forecast: sum(|r| r.pipeline_forecast),
        at_risk: count(&|r| r.status == Status::AtRisk),
        on_track: count(&|r| r.status == Status::OnTrack),
        ahead: count(&|r| r.status == Status::Ahead),
        no_quota_yet: count(&|r| r.status == Status::NoQuotaYet),
        share_reaching_run_rate: share_run_rate,
        band_run_rate: share_run_rate.map(|s| against_band(s, band)),
        share_reaching_pipeline: share_pipeline,
        band_pipeline: share_pipeline.map(|s| against_band(s, band)),
        proposed_annual_quota: sum(|r| r.proposed_annual_quota),
        still_to_book: still,
        coverage: if has_pipeline {
            coverage(Some(pipeline), still)
        } else {
            None
        },
        low_coverage: count(&|r| r.coverage_flag == Some("low_coverage")),
        high_coverage: count(&|r| r.coverage_flag == Some("high_coverage")),
        months: team_months(reps, input),
    }
}

fn team_months(reps: &[RepReview], input: &ReviewInput) -> Vec<TeamMonth> {
    let n = input.reps.first().map_or(0, |r| r.monthly_quota.len());
    (0..n)
        .map(|m| {
            let quota = input
                .reps
                .iter()
                .map(|r| r.monthly_quota.get(m).copied().unwrap_or(0.0))
                .sum();
            if m < input.elapsed {
                let booked = input
                    .bookings
                    .iter()
                    .map(|b| b.get(m).copied().unwrap_or(0.0))
                    .sum();
                TeamMonth {
                    quota,
                    bookings: Some(booked),
                    proposed: None,
                }
            } else {
                let proposed = reps
                    .iter()
                    .map(|r| {
                        r.proposed_months
                            .get(m - input.elapsed)
                            .copied()
                            .unwrap_or(0) as f64
                    })
                    .sum();
                TeamMonth {
                    quota,
                    bookings: None,
                    proposed: Some(proposed),
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
