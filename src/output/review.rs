//! Review outputs: `review.csv`, `review_monthly.csv`, the manifest's
//! `review` section and the review block printed on stdout.
//!
//! `review.csv`: one row per rep, sorted by rep_id: `rep_id, name,
//! region, status, annual_quota, quota_to_date, bookings_to_date,
//! attainment_to_date_pct, attainment_of_annual_pct,
//! rest_of_year_quota_plan, run_rate_forecast, run_rate_pct_of_quota,
//! pipeline, pipeline_forecast, pipeline_pct_of_quota,
//! reaches_quota_run_rate, reaches_quota_pipeline, proposed_annual_quota,
//! still_to_book, pipeline_coverage, flags`. Quotas in whole units,
//! bookings and forecasts with 2 decimals, percentages with 2 decimals
//! (empty when the denominator is 0), coverage with 2 decimals (empty
//! without pipeline data or with nothing left to book).
//!
//! `review_monthly.csv`: one row per rep and fiscal month, sorted by rep_id
//! then month: `rep_id, month, fiscal_quarter, closed, quota_plan,
//! bookings, cumulative_quota_plan, cumulative_bookings, quota_proposed`;
//! `bookings` and the cumulative bookings only for closed months,
//! `quota_proposed` only for the months after the review month.

use std::io::Write;

use serde::Serialize;

use crate::model::YearMonth;
use crate::review::{Band, RepPlan, Review, ReviewConfig, TeamReview};

use super::format::{boolean, fixed, share_pct, thousands};

/// Name of the per-rep review file.
pub const REVIEW_FILE: &str = "review.csv";
/// Name of the monthly review file.
pub const REVIEW_MONTHLY_FILE: &str = "review_monthly.csv";

/// Columns of review.csv.
pub const REVIEW_COLUMNS: [&str; 21] = [
    "rep_id",
    "name",
    "region",
    "status",
    "annual_quota",
    "quota_to_date",
    "bookings_to_date",
    "attainment_to_date_pct",
    "attainment_of_annual_pct",
    "rest_of_year_quota_plan",
    "run_rate_forecast",
    "run_rate_pct_of_quota",
    "pipeline",
    "pipeline_forecast",
    "pipeline_pct_of_quota",
    "reaches_quota_run_rate",
    "reaches_quota_pipeline",
    "proposed_annual_quota",
    "still_to_book",
    "pipeline_coverage",
    "flags",
];

/// Columns of review_monthly.csv.
pub const REVIEW_MONTHLY_COLUMNS: [&str; 9] = [
    "rep_id",
    "month",
    "fiscal_quarter",
    "closed",
    "quota_plan",
    "bookings",
    "cumulative_quota_plan",
    "cumulative_bookings",
    "quota_proposed",
];

/// What the files show beside the review figures.
#[derive(Debug, Clone, Copy)]
pub struct ReviewLabels<'a> {
    /// The 12 fiscal months.
    pub months: &'a [YearMonth],
    /// (name, region) per rep, in the review's rep order.
    pub names: &'a [(String, String)],
}

fn pct(numerator: f64, denominator: f64) -> String {
    if denominator > 0.0 {
        fixed(numerator / denominator * 100.0, 2)
    } else {
        String::new()
    }
}

fn opt(x: Option<f64>, decimals: usize) -> String {
    x.map(|v| fixed(v, decimals)).unwrap_or_default()
}

/// review.csv as bytes.
pub fn review_csv(review: &Review, labels: &ReviewLabels) -> Vec<u8> {
    let mut buf = Vec::new();
    write_review(&mut buf, review, labels).expect("writing to memory");
    buf
}

fn write_review<W: Write>(out: W, review: &Review, labels: &ReviewLabels) -> csv::Result<()> {
    let mut w = super::csv_writer(out);
    w.write_record(REVIEW_COLUMNS)?;
    for (i, r) in review.reps.iter().enumerate() {
        let (name, region) = labels.names.get(i).cloned().unwrap_or_default();
        w.write_record([
            r.id.clone(),
            name,
            region,
            r.status.code().to_string(),
            fixed(r.annual_quota, 0),
            fixed(r.quota_to_date, 0),
            fixed(r.bookings_to_date, 2),
            pct(r.bookings_to_date, r.quota_to_date),
            pct(r.bookings_to_date, r.annual_quota),
            fixed(r.rest_of_year_quota, 0),
            fixed(r.run_rate_forecast, 2),
            pct(r.run_rate_forecast, r.annual_quota),
            opt(r.pipeline, 0),
            fixed(r.pipeline_forecast, 2),
            pct(r.pipeline_forecast, r.annual_quota),
            boolean(r.reaches_quota_run_rate).to_string(),
            boolean(r.reaches_quota_pipeline).to_string(),
            fixed(r.proposed_annual_quota, 0),
            r.still_to_book.to_string(),
            opt(r.coverage, 2),
            r.coverage_flag.unwrap_or("").to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// review_monthly.csv as bytes; `plans` and `bookings` in the review's
/// rep order.
pub fn review_monthly_csv(
    review: &Review,
    plans: &[RepPlan],
    bookings: &[Vec<f64>],
    labels: &ReviewLabels,
) -> Vec<u8> {
    let mut buf = Vec::new();
    write_monthly(&mut buf, review, plans, bookings, labels).expect("writing to memory");
    buf
}

fn write_monthly<W: Write>(
    out: W,
    review: &Review,
    plans: &[RepPlan],
    bookings: &[Vec<f64>],
    labels: &ReviewLabels,
) -> csv::Result<()> {
    let mut w = super::csv_writer(out);
    w.write_record(REVIEW_MONTHLY_COLUMNS)?;
    let closed = review.elapsed;
    for ((r, plan), booked) in review.reps.iter().zip(plans).zip(bookings) {
        let (mut cum_quota, mut cum_booked) = (0.0, 0.0);
        for (m, month) in labels.months.iter().enumerate() {
            let quota = plan.monthly_quota.get(m).copied().unwrap_or(0.0);
            cum_quota += quota;
            let is_closed = m < closed;
            let (b, cb, proposed) = if is_closed {
                let b = booked.get(m).copied().unwrap_or(0.0);
                cum_booked += b;
                (fixed(b, 2), fixed(cum_booked, 2), String::new())
            } else {
                let p = r.proposed_months.get(m - closed).copied().unwrap_or(0);
                (String::new(), String::new(), p.to_string())
            };
            w.write_record([
                r.id.clone(),
                month.to_string(),
                (m / 3 + 1).to_string(),
                boolean(is_closed).to_string(),
                fixed(quota, 0),
                b,
                fixed(cum_quota, 0),
                cb,
                proposed,
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

/// One fiscal quarter of the team: the plan's quota, bookings in its
/// closed months and the proposed quota of its remaining months.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuarterFigures {
    pub quarter: usize,
    pub first_month: String,
    pub quota_plan: f64,
    pub closed_months: usize,
    pub bookings: f64,
    pub quota_proposed: f64,
}

/// The team's quarters.
pub fn team_quarters(team: &TeamReview, months: &[YearMonth]) -> Vec<QuarterFigures> {
    team.months
        .chunks(3)
        .enumerate()
        .map(|(q, chunk)| QuarterFigures {
            quarter: q + 1,
            first_month: months.get(q * 3).map(|m| m.to_string()).unwrap_or_default(),
            quota_plan: chunk.iter().map(|m| m.quota).sum(),
            closed_months: chunk.iter().filter(|m| m.bookings.is_some()).count(),
            bookings: chunk.iter().filter_map(|m| m.bookings).sum(),
            quota_proposed: chunk.iter().filter_map(|m| m.proposed).sum(),
        })
        .collect()
}

/// The manifest's `review` section.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewManifest {
    /// The command line of the review.
    pub command: Vec<String>,
    pub actuals: crate::output::ManifestFile,
    pub as_of: String,
    pub months_closed: usize,
    pub config: ReviewConfig,
    pub attainment_band: [f64; 2],
    pub reps: usize,
    pub reps_judged: usize,
    pub annual_quota: f64,
    pub quota_to_date: f64,
    pub bookings_to_date: f64,
    pub attainment_to_date: Option<f64>,
    pub attainment_of_annual: Option<f64>,
    pub run_rate_forecast: f64,
    pub pipeline: f64,
    pub pipeline_forecast: f64,
    pub status: StatusCounts,
    pub share_reaching_quota_run_rate: Option<f64>,
    pub band_run_rate: Option<Band>,
    pub share_reaching_quota_pipeline: Option<f64>,
    pub band_pipeline: Option<Band>,
    pub proposed_annual_quota: f64,
    pub still_to_book: f64,
    pub pipeline_coverage: Option<f64>,
    pub coverage_flags: CoverageCounts,
    pub quarters: Vec<QuarterFigures>,
}

/// Reps per status.
#[derive(Debug, Clone, Serialize)]
pub struct StatusCounts {
    pub at_risk: usize,
    pub on_track: usize,
    pub ahead: usize,
    pub no_quota_yet: usize,
}

/// Reps per coverage flag.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageCounts {
    pub low_coverage: usize,
    pub high_coverage: usize,
}

impl ReviewManifest {
    /// The section for `review`, as of `months[review.elapsed - 1]`.
    pub fn new(
        review: &Review,
        months: &[YearMonth],
        config: &ReviewConfig,
        attainment_band: [f64; 2],
        actuals: crate::output::ManifestFile,
        command: Vec<String>,
    ) -> ReviewManifest {
        let t = &review.team;
        ReviewManifest {
            command,
            actuals,
            as_of: as_of_month(review, months),
            months_closed: review.elapsed,
            config: config.clone(),
            attainment_band,
            reps: t.reps,
            reps_judged: t.reps_judged,
            annual_quota: t.annual_quota,
            quota_to_date: t.quota_to_date,
            bookings_to_date: t.bookings_to_date,
            attainment_to_date: t.attainment_to_date,
            attainment_of_annual: t.attainment_of_annual,
            run_rate_forecast: t.run_rate_forecast,
            pipeline: t.pipeline,
            pipeline_forecast: t.pipeline_forecast,
            status: StatusCounts {
                at_risk: t.at_risk,
                on_track: t.on_track,
                ahead: t.ahead,
                no_quota_yet: t.no_quota_yet,
            },
            share_reaching_quota_run_rate: t.share_reaching_run_rate,
            band_run_rate: t.band_run_rate,
            share_reaching_quota_pipeline: t.share_reaching_pipeline,
            band_pipeline: t.band_pipeline,
            proposed_annual_quota: t.proposed_annual_quota,
            still_to_book: t.still_to_book,
            pipeline_coverage: t.coverage,
            coverage_flags: CoverageCounts {
                low_coverage: t.low_coverage,
                high_coverage: t.high_coverage,
            },
            quarters: team_quarters(t, months),
        }
    }
}

fn as_of_month(review: &Review, months: &[YearMonth]) -> String {
    review
        .elapsed
        .checked_sub(1)
        .and_then(|i| months.get(i))
        .map(|m| m.to_string())
        .unwrap_or_default()
}

fn band_words(band: Option<Band>, [low, high]: [f64; 2]) -> String {
    let range = format!("{} to {} is healthy", share_pct(low), share_pct(high));
    match band {
        Some(Band::Below) => {
            format!("below the band ({range}): quotas are too high for this year's pace")
        }
        Some(Band::Within) => format!("within the band ({range})"),
        Some(Band::Above) => format!("above the band ({range}): quotas are too low"),
        None => "no rep has quota to date yet".to_string(),
    }
}

fn share_words(share: Option<f64>) -> String {
    share.map(share_pct).unwrap_or_else(|| "-".to_string())
}

/// The review block printed on stdout.
pub fn summary_text(
    review: &Review,
    months: &[YearMonth],
    config: &ReviewConfig,
    band: [f64; 2],
) -> String {
    let t = &review.team;
    let mut s = String::new();
    let pct_of = |x: f64, of: f64| {
        if of > 0.0 {
            format!("{} %", fixed(x / of * 100.0, 1))
        } else {
            "-".to_string()
        }
    };
    s.push_str(&format!(
        "review as of {} ({} of 12 months closed), {} reps\n",
        as_of_month(review, months),
        review.elapsed,
        t.reps
    ));
    s.push_str(&format!(
        "  bookings to date {} against quota to date {}: {} (annual quota {}: {})\n",
        thousands(t.bookings_to_date),
        thousands(t.quota_to_date),
        pct_of(t.bookings_to_date, t.quota_to_date),
        thousands(t.annual_quota),
        pct_of(t.bookings_to_date, t.annual_quota)
    ));
    s.push_str(&format!(
        "  forecast for the year: run rate {} ({} of quota), pipeline-weighted {} ({} of quota; win rate {} of {} open pipeline)\n",
        thousands(t.run_rate_forecast),
        pct_of(t.run_rate_forecast, t.annual_quota),
        thousands(t.pipeline_forecast),
        pct_of(t.pipeline_forecast, t.annual_quota),
        share_pct(config.win_rate),
        thousands(t.pipeline)
    ));
    s.push_str(&format!(
        "  reps: {} at risk (below {} of quota to date), {} on track, {} ahead ({} or more), {} with no quota yet\n",
        t.at_risk,
        share_pct(config.at_risk_below),
        t.on_track,
        t.ahead,
        share_pct(config.ahead_above),
        t.no_quota_yet
    ));
    s.push_str(&format!(
        "  reps forecast to reach quota: {} by run rate, {}; {} by pipeline, {}\n",
        share_words(t.share_reaching_run_rate),
        band_words(t.band_run_rate, band),
        share_words(t.share_reaching_pipeline),
        band_words(t.band_pipeline, band)
    ));
    s.push_str(&format!(
        "  pipeline coverage of what is left to book: {}x; {} reps below {}x, {} above {}x\n",
        opt(t.coverage, 2),
        t.low_coverage,
        trim_number(config.coverage_band[0]),
        t.high_coverage,
        trim_number(config.coverage_band[1])
    ));
    let annual_kept = (t.proposed_annual_quota - t.annual_quota).abs() < 0.5;
    s.push_str(&format!(
        "  re-phasing: annual quotas {} ({}); {} still to book over the remaining months\n",
        if annual_kept { "unchanged" } else { "adjusted" },
        thousands(t.proposed_annual_quota),
        thousands(t.still_to_book)
    ));
    for q in team_quarters(t, months)
        .iter()
        .filter(|q| q.closed_months < 3)
    {
        s.push_str(&format!(
            "    Q{} (from {}): plan {} -> proposed {}{}\n",
            q.quarter,
            q.first_month,
            thousands(q.quota_plan),
            thousands(q.quota_proposed + q.bookings),
            if q.closed_months > 0 {
                format!(
                    " (bookings of its {} closed months included)",
                    q.closed_months
                )
            } else {
                String::new()
            }
        ));
    }
    s
}

fn trim_number(x: f64) -> String {
    let s = fixed(x, 2);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
