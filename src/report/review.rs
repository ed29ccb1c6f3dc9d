//! The Review section of report.html and its chart (`review.png`,
//! `review.svg`), from `review.csv`, `review_monthly.csv` and the
//! manifest's `review` section, written by `tplan review`.
//!
//! The chart has two panels. Above, the team by month: the plan's quota
//! (grey), bookings in the closed months (blue) and the re-phased quota
//! of the remaining months (orange), so a person sees at once how far
//! behind the year is and how much heavier the rest of it gets. Below,
//! each rep's attainment of quota to date, coloured by status, against
//! 100 % and the at-risk and ahead thresholds.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde_json::Value;

use super::html::{escape, figure, num_cell, table, text_cell};
use super::quotas::compact;
use super::render::{self, text_err, Chart, FONT};
use super::scenarios::month_label;
use super::{ReportError, SectionOutput};
use crate::output::folder::{rows, PlanFolder, Table};
use crate::output::format::{fixed, share_pct, thousands};
use crate::output::review::{REVIEW_FILE, REVIEW_MONTHLY_FILE};
use crate::output::MANIFEST_FILE;

/// Stem of the chart files.
pub const CHART: &str = "review";
const WIDTH: u32 = 1400;
const HEIGHT: u32 = 1000;

const PLAN_GREY: RGBColor = RGBColor(190, 190, 190);
const BOOKED_BLUE: RGBColor = RGBColor(31, 119, 180);
const PROPOSED_ORANGE: RGBColor = RGBColor(255, 127, 14);
const AT_RISK_RED: RGBColor = RGBColor(214, 39, 40);
const ON_TRACK_BLUE: RGBColor = RGBColor(120, 160, 200);
const AHEAD_GREEN: RGBColor = RGBColor(46, 160, 67);

/// The team's figures for one month, summed over review_monthly.csv.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MonthRow {
    pub month: String,
    pub quarter: u32,
    pub closed: bool,
    pub quota_plan: f64,
    pub bookings: f64,
    pub quota_proposed: f64,
}

/// One row of review.csv (the columns the page shows).
#[derive(Debug, Clone, PartialEq)]
pub struct RepRow {
    pub id: String,
    pub name: String,
    pub status: String,
    pub annual_quota: f64,
    pub quota_to_date: f64,
    pub bookings_to_date: f64,
    pub attainment_to_date_pct: Option<f64>,
    pub run_rate_forecast: f64,
    pub pipeline_forecast: f64,
    pub still_to_book: f64,
    pub coverage: Option<f64>,
    pub flags: String,
}

/// The review as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewData {
    pub months: Vec<MonthRow>,
    pub reps: Vec<RepRow>,
    /// The manifest's `review` section.
    pub summary: Value,
}

impl ReviewData {
    fn number(&self, key: &str) -> Option<f64> {
        key.split('.')
            .try_fold(&self.summary, |v, k| v.get(k))
            .and_then(Value::as_f64)
    }

    fn text(&self, key: &str) -> String {
        self.summary
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    }
}

/// Read the review files of `folder`.
pub fn read_review(folder: &PlanFolder) -> Result<ReviewData, ReportError> {
    let t = Table::read(&folder.dir.join(REVIEW_MONTHLY_FILE))?;
    let (month, quarter, closed, plan, booked, proposed) = (
        t.column("month")?,
        t.column("fiscal_quarter")?,
        t.column("closed")?,
        t.column("quota_plan")?,
        t.column("bookings")?,
        t.column("quota_proposed")?,
    );
    let mut by_month: BTreeMap<String, MonthRow> = BTreeMap::new();
    for r in rows(&t) {
        let m = r.text(month);
        let row = by_month.entry(m.clone()).or_insert_with(|| MonthRow {
            month: m,
            ..MonthRow::default()
        });
        row.quarter = r.number(quarter, "fiscal_quarter")? as u32;
        row.closed = r.text(closed) == "true";
        row.quota_plan += r.number(plan, "quota_plan")?;
        row.bookings += r.opt_number(booked, "bookings")?.unwrap_or(0.0);
        row.quota_proposed += r.opt_number(proposed, "quota_proposed")?.unwrap_or(0.0);
    }
    let t = Table::read(&folder.dir.join(REVIEW_FILE))?;
    let c = |n: &str| t.column(n);
    let (id, name, status, annual, to_date, booked, pct) = (
        c("rep_id")?,
        c("name")?,
        c("status")?,
        c("annual_quota")?,
        c("quota_to_date")?,
        c("bookings_to_date")?,
        c("attainment_to_date_pct")?,
    );
    let (run_rate, pipe, still, cover, flags) = (
        c("run_rate_forecast")?,
        c("pipeline_forecast")?,
        c("still_to_book")?,
        c("pipeline_coverage")?,
        c("flags")?,
    );
    let reps = rows(&t)
        .map(|r| {
            Ok(RepRow {
                id: r.text(id),
                name: r.text(name),
                status: r.text(status),
                annual_quota: r.number(annual, "annual_quota")?,
                quota_to_date: r.number(to_date, "quota_to_date")?,
                bookings_to_date: r.number(booked, "bookings_to_date")?,
                attainment_to_date_pct: r.opt_number(pct, "attainment_to_date_pct")?,
                run_rate_forecast: r.number(run_rate, "run_rate_forecast")?,
                pipeline_forecast: r.number(pipe, "pipeline_forecast")?,
                still_to_book: r.number(still, "still_to_book")?,
                coverage: r.opt_number(cover, "pipeline_coverage")?,
                flags: r.text(flags),
            })
        })
        .collect::<Result<Vec<_>, ReportError>>()?;
    let path = folder.dir.join(MANIFEST_FILE);
    let manifest: Value = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| {
            crate::output::folder::malformed(&path, None, "cannot read the manifest as JSON")
        })?;
    let summary = manifest.get("review").cloned().ok_or_else(|| {
        crate::output::folder::malformed(
            &path,
            None,
            format!("no 'review' section beside {REVIEW_FILE}; run `tplan review` again"),
        )
    })?;
    Ok(ReviewData {
        months: by_month.into_values().collect(),
        reps,
        summary,
    })
}

/// The two-panel review chart.
pub struct ReviewChart<'a> {
    pub data: &'a ReviewData,
}

impl Chart for ReviewChart<'_> {
    fn name(&self) -> &str {
        CHART
    }

    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let body = render::title_band(
            root,
            60,
            &format!(
                "Quarterly review as of {}: actuals against quota by month, and each rep's pace",
                self.data.text("as_of")
            ),
            26,
        )?;
        let (top, bottom) = body.split_vertically(500);
        self.draw_months(&top)?;
        self.draw_reps(&bottom)
    }
}

impl ReviewChart<'_> {
    fn draw_months<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let months: Vec<String> = self.data.months.iter().map(|m| m.month.clone()).collect();
        let n = months.len().max(1);
        let highest = self
            .data
            .months
            .iter()
            .map(|m| m.quota_plan.max(m.bookings).max(m.quota_proposed))
            .fold(1.0, f64::max);
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.6f64..(n as f64 - 0.4), 0f64..highest * 1.3)
            .map_err(text_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .max_light_lines(0)
            .bold_line_style(RGBColor(225, 225, 225))
            .x_labels(n)
            .x_label_formatter(&|v| month_label(&months, *v))
            .y_desc("team, per month (currency units)")
            .x_desc("month")
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .y_label_formatter(&|v| compact(*v))
            .draw()
            .map_err(text_err)?;
        let plan = self.data.months.iter().enumerate().map(|(i, m)| {
            let x = i as f64;
            Rectangle::new(
                [(x - 0.38, 0.0), (x - 0.02, m.quota_plan)],
                PLAN_GREY.filled(),
            )
        });
        chart
            .draw_series(plan)
            .map_err(text_err)?
            .label("quota in the plan")
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], PLAN_GREY.filled()));
        let booked = self
            .data
            .months
            .iter()
            .enumerate()
            .filter(|(_, m)| m.closed)
            .map(|(i, m)| {
                let x = i as f64;
                Rectangle::new(
                    [(x + 0.02, 0.0), (x + 0.38, m.bookings)],
                    BOOKED_BLUE.filled(),
                )
            });
        chart
            .draw_series(booked)
            .map_err(text_err)?
            .label("bookings (closed months)")
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], BOOKED_BLUE.filled()));
        let proposed = self
            .data
            .months
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.closed)
            .map(|(i, m)| {
                let x = i as f64;
                Rectangle::new(
                    [(x + 0.02, 0.0), (x + 0.38, m.quota_proposed)],
                    PROPOSED_ORANGE.filled(),
                )
            });
        chart
            .draw_series(proposed)
            .map_err(text_err)?
            .label("re-phased quota (remaining months)")
            .legend(|(x, y)| {
                Rectangle::new([(x, y - 6), (x + 16, y + 6)], PROPOSED_ORANGE.filled())
            });
        // The review month: a dashed rule between closed and open months.
        let closed = self.data.months.iter().filter(|m| m.closed).count();
        if closed > 0 && closed < n {
            let x = closed as f64 - 0.5;
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(x, 0.0), (x, highest * 1.3)],
                    6,
                    4,
                    BLACK.stroke_width(1),
                ))
                .map_err(text_err)?;
            let font = (FONT, 14).into_font().color(&BLACK);
            chart
                .draw_series([
                    Text::new(
                        "closed ◂ ",
                        (x, highest * 1.25),
                        font.clone().pos(Pos::new(HPos::Right, VPos::Center)),
                    ),
                    Text::new(
                        " ▸ to come",
                        (x, highest * 1.25),
                        font.pos(Pos::new(HPos::Left, VPos::Center)),
                    ),
                ])
                .map_err(text_err)?;
        }
        // The legend sits on the side away from the closed/to-come label.
        let legend = if closed * 2 < n {
            SeriesLabelPosition::UpperRight
        } else {
            SeriesLabelPosition::UpperLeft
        };
        render::legend(&mut chart, legend, 14)
    }

    fn draw_reps<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let reps = &self.data.reps;
        let n = reps.len().max(1);
        let risk = self.data.number("config.at_risk_below").unwrap_or(0.9) * 100.0;
        let ahead = self.data.number("config.ahead_above").unwrap_or(1.1) * 100.0;
        let highest = reps
            .iter()
            .filter_map(|r| r.attainment_to_date_pct)
            .fold(ahead, f64::max);
        let top = (highest * 1.1 / 25.0).ceil() * 25.0;
        let ids: Vec<String> = reps.iter().map(|r| r.id.clone()).collect();
        let every = n.div_ceil(40);
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.6f64..(n as f64 - 0.4), 0f64..top)
            .map_err(text_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .max_light_lines(0)
            .bold_line_style(RGBColor(225, 225, 225))
            .x_labels(n)
            .x_label_formatter(&|v| {
                let i = v.round();
                if (v - i).abs() > 1e-6 || i < 0.0 || !(i as usize).is_multiple_of(every) {
                    return String::new();
                }
                ids.get(i as usize).cloned().unwrap_or_default()
            })
            .y_desc("bookings to date, % of quota to date")
            .x_desc("rep (no bar: no quota to date yet)")
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 12))
            .y_label_formatter(&|v| format!("{v:.0} %"))
            .draw()
            .map_err(text_err)?;
        for (status, colour, label) in [
            (
                "at_risk",
                AT_RISK_RED,
                format!("at risk (below {risk:.0} %)"),
            ),
            ("on_track", ON_TRACK_BLUE, "on track".to_string()),
            (
                "ahead",
                AHEAD_GREEN,
                format!("ahead ({ahead:.0} % or more)"),
            ),
        ] {
            let bars = reps
                .iter()
                .enumerate()
                .filter(|(_, r)| r.status == status)
                .filter_map(|(i, r)| {
                    let x = i as f64;
                    r.attainment_to_date_pct
                        .map(|p| Rectangle::new([(x - 0.35, 0.0), (x + 0.35, p)], colour.filled()))
                });
            chart
                .draw_series(bars)
                .map_err(text_err)?
                .label(label)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 16, y + 6)], colour.filled())
                });
        }
        let small = (FONT, 12)
            .into_font()
            .color(&BLACK)
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Left, VPos::Center));
        chart
            .draw_series(
                reps.iter()
                    .enumerate()
                    .filter(|(_, r)| r.attainment_to_date_pct.is_none())
                    .map(|(i, _)| Text::new("no quota yet", (i as f64, top * 0.03), small.clone())),
            )
            .map_err(text_err)?;
        let span = [-0.6, n as f64 - 0.4];
        chart
            .draw_series(LineSeries::new(
                span.iter().map(|&x| (x, 100.0)),
                BLACK.stroke_width(2),
            ))
            .map_err(text_err)?
            .label("100 %: on plan")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLACK.stroke_width(2)));
        for (level, colour) in [(risk, AT_RISK_RED), (ahead, AHEAD_GREEN)] {
            chart
                .draw_series(DashedLineSeries::new(
                    span.iter().map(|&x| (x, level)),
                    8,
                    5,
                    colour.stroke_width(2),
                ))
                .map_err(text_err)?;
        }
        render::legend(&mut chart, SeriesLabelPosition::UpperRight, 14)
    }
}

/// The Review section: `None` when `review.csv` is not in the folder.
pub fn section(folder: &PlanFolder) -> Result<Option<SectionOutput>, ReportError> {
    if !folder.dir.join(REVIEW_FILE).is_file() {
        return Ok(None);
    }
    let data = read_review(folder)?;
    let r = render::both(&ReviewChart { data: &data })?;
    let mut html = cards(&data);
    html.push_str(&figure(
        &r.svg,
        CHART,
        "Above: the team's quota in the plan, bookings in the closed months and the re-phased quota of the remaining months. Below: each rep's bookings to date as a % of its quota to date, by status.",
    ));
    html.push_str(&quarter_table(&data));
    html.push_str(&rep_table(&data));
    Ok(Some(SectionOutput::new(
        "review",
        format!("Review as of {}", data.text("as_of")),
        html,
        r.files(CHART).into(),
    )))
}

fn cards(d: &ReviewData) -> String {
    let pct = |key: &str| {
        d.number(key)
            .map(share_pct)
            .unwrap_or_else(|| "-".to_string())
    };
    let money = |key: &str| d.number(key).map(thousands).unwrap_or_default();
    let band = d
        .summary
        .get("attainment_band")
        .and_then(Value::as_array)
        .map(|b| {
            b.iter()
                .filter_map(Value::as_f64)
                .map(share_pct)
                .collect::<Vec<_>>()
                .join(" to ")
        })
        .unwrap_or_default();
    let mut s = String::from("<ul class=\"cards\">");
    let _ = write!(
        s,
        "<li><b>{}</b> of quota to date booked ({} of {})</li>\
         <li><b>{}</b> run-rate forecast ({} of the annual {})</li>\
         <li><b>{}</b> pipeline-weighted forecast</li>\
         <li><b>{}</b> of reps forecast to reach quota by run rate ({} by pipeline; {} is healthy)</li>\
         <li><b>{} / {} / {}</b> reps at risk / on track / ahead</li>\
         <li><b>{} / {}</b> reps below / above the healthy pipeline coverage</li>",
        pct("attainment_to_date"),
        money("bookings_to_date"),
        money("quota_to_date"),
        money("run_rate_forecast"),
        d.number("run_rate_forecast")
            .zip(d.number("annual_quota"))
            .filter(|(_, a)| *a > 0.0)
            .map(|(f, a)| share_pct(f / a))
            .unwrap_or_default(),
        money("annual_quota"),
        money("pipeline_forecast"),
        pct("share_reaching_quota_run_rate"),
        pct("share_reaching_quota_pipeline"),
        escape(&band),
        money("status.at_risk"),
        money("status.on_track"),
        money("status.ahead"),
        money("coverage_flags.low_coverage"),
        money("coverage_flags.high_coverage"),
    );
    s.push_str("</ul>\n");
    s
}

fn quarter_table(d: &ReviewData) -> String {
    let mut quarters: BTreeMap<u32, (f64, f64, f64, usize)> = BTreeMap::new();
    for m in &d.months {
        let q = quarters.entry(m.quarter).or_default();
        q.0 += m.quota_plan;
        q.1 += m.bookings;
        q.2 += m.quota_proposed;
        q.3 += usize::from(m.closed);
    }
    let rows: Vec<String> = quarters
        .iter()
        .map(|(q, (plan, booked, proposed, closed))| {
            let state = match closed {
                3 => "closed".to_string(),
                0 => "to come".to_string(),
                k => format!("{k} of 3 months closed"),
            };
            [
                text_cell(&format!("Q{q}")),
                text_cell(&state),
                num_cell(&thousands(*plan), *plan),
                num_cell(&thousands(*booked), *booked),
                num_cell(&thousands(booked + proposed), booked + proposed),
                num_cell(
                    &fixed(change_pct(*plan, booked + proposed), 1),
                    change_pct(*plan, booked + proposed),
                ),
            ]
            .concat()
        })
        .collect();
    table(
        &[
            "quarter",
            "state",
            "quota in the plan",
            "bookings",
            "proposed (bookings + re-phased quota)",
            "change %",
        ],
        &rows,
    )
}

/// Change of `new` against `plan`, in %.
fn change_pct(plan: f64, new: f64) -> f64 {
    100.0 * (new - plan) / plan.max(1.0)
}

fn rep_table(d: &ReviewData) -> String {
    let opt = |x: Option<f64>, decimals: usize| match x {
        Some(v) => num_cell(&fixed(v, decimals), v),
        None => "<td class=\"n\" data-k=\"-1e300\"></td>".to_string(),
    };
    let rows: Vec<String> = d
        .reps
        .iter()
        .map(|r| {
            [
                text_cell(&r.id),
                text_cell(&r.name),
                text_cell(&r.status.replace('_', " ")),
                num_cell(&thousands(r.annual_quota), r.annual_quota),
                num_cell(&thousands(r.quota_to_date), r.quota_to_date),
                num_cell(&thousands(r.bookings_to_date), r.bookings_to_date),
                opt(r.attainment_to_date_pct, 1),
                num_cell(&thousands(r.run_rate_forecast), r.run_rate_forecast),
                num_cell(&thousands(r.pipeline_forecast), r.pipeline_forecast),
                num_cell(&thousands(r.still_to_book), r.still_to_book),
                opt(r.coverage, 2),
                text_cell(&r.flags.replace('_', " ")),
            ]
            .concat()
        })
        .collect();
    table(
        &[
            "rep",
            "name",
            "status",
            "annual quota",
            "quota to date",
            "bookings to date",
            "% of quota to date",
            "run-rate forecast",
            "pipeline forecast",
            "still to book",
            "pipeline coverage ×",
            "flags",
        ],
        &rows,
    )
}
