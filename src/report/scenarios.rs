//! The scenario chart (`scenarios.png`, `scenarios.svg`) and the
//! Scenarios section of report.html, from `scenarios.csv` and
//! `scenarios_monthly.csv` (written by `tplan scenarios`).
//!
//! Two panels over the plan year (the first fiscal year of the horizon,
//! the year `scenarios.csv` sums): cumulative expected bookings of each
//! scenario (roster as is, no extra hires) against the sales target, and
//! headcount (solid) and ramped FTE (dashed) per scenario by month.

use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::html::{figure, num_cell, table, text_cell};
use super::palette::Rgb;
use super::quotas::compact;
use super::render::{self, text_err, Chart, FONT};
use super::{ReportError, SectionOutput};
use crate::output::folder::{rows, PlanFolder, Table};
use crate::output::format::{fixed, thousands};
use crate::output::scenarios::{GROUPS_FILE, MONTHLY_FILE, SCENARIOS_FILE};

/// Stem of the chart files.
pub const CHART: &str = "scenarios";
/// Months drawn: the plan year.
pub const PLAN_YEAR_MONTHS: usize = 12;

const WIDTH: u32 = 1400;
const HEIGHT: u32 = 1000;

/// Scenario line colours, by position in scenarios.csv (name order).
/// Not the rep palette's order, so no scenario looks like a territory.
const COLOURS: [Rgb; 8] = [
    (44, 160, 44),
    (31, 119, 180),
    (148, 103, 189),
    (214, 39, 40),
    (255, 127, 14),
    (140, 86, 75),
    (23, 190, 207),
    (227, 119, 194),
];

fn colour(i: usize) -> RGBColor {
    let c = COLOURS[i % COLOURS.len()];
    RGBColor(c.0, c.1, c.2)
}

/// One row of scenarios.csv (the columns the page shows).
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRow {
    pub name: String,
    pub attrition: f64,
    pub ramp_months: f64,
    pub productivity: f64,
    pub attainment: f64,
    pub target: f64,
    pub expected_bookings: f64,
    pub gap_to_target: f64,
    pub hires_needed: Option<f64>,
    pub latest_hire_month: String,
    pub ramped_fte_year_end: f64,
    pub ramped_fte_year_end_with_hires: f64,
    pub total_cost: f64,
    pub cost_per_dollar: Option<f64>,
    pub status: String,
}

/// One scenario's months (plan year).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Monthly {
    pub months: Vec<String>,
    pub headcount: Vec<f64>,
    pub ramped_fte: Vec<f64>,
    pub bookings: Vec<f64>,
}

impl Monthly {
    /// Bookings summed from the first month.
    pub fn cumulative(&self) -> Vec<f64> {
        self.bookings
            .iter()
            .scan(0.0, |s, b| {
                *s += b;
                Some(*s)
            })
            .collect()
    }
}

/// Read scenarios.csv.
pub fn read_scenarios(folder: &PlanFolder) -> Result<Vec<ScenarioRow>, ReportError> {
    let t = Table::read(&folder.dir.join(SCENARIOS_FILE))?;
    let c = |n: &str| t.column(n);
    let (name, attr, ramp, prod, att, target) = (
        c("scenario")?,
        c("attrition")?,
        c("ramp_months")?,
        c("productivity")?,
        c("attainment")?,
        c("target")?,
    );
    let (eb, gap, hires, latest, fte, fte_h, cost, cpd, status) = (
        c("expected_bookings")?,
        c("gap_to_target")?,
        c("hires_needed")?,
        c("latest_hire_month")?,
        c("ramped_fte_year_end")?,
        c("ramped_fte_year_end_with_hires")?,
        c("total_cost")?,
        c("cost_per_dollar")?,
        c("status")?,
    );
    rows(&t)
        .map(|r| {
            Ok(ScenarioRow {
                name: r.text(name),
                attrition: r.number(attr, "attrition")?,
                ramp_months: r.number(ramp, "ramp_months")?,
                productivity: r.number(prod, "productivity")?,
                attainment: r.number(att, "attainment")?,
                target: r.number(target, "target")?,
                expected_bookings: r.number(eb, "expected_bookings")?,
                gap_to_target: r.number(gap, "gap_to_target")?,
                hires_needed: r.opt_number(hires, "hires_needed")?,
                latest_hire_month: r.text(latest),
                ramped_fte_year_end: r.number(fte, "ramped_fte_year_end")?,
                ramped_fte_year_end_with_hires: r
                    .number(fte_h, "ramped_fte_year_end_with_hires")?,
                total_cost: r.number(cost, "total_cost")?,
                // NaN is written when there are no bookings.
                cost_per_dollar: r.opt_number(cpd, "cost_per_dollar").unwrap_or(None),
                status: r.text(status),
            })
        })
        .collect()
}

/// Read scenarios_monthly.csv: the first [`PLAN_YEAR_MONTHS`] horizon
/// months of each scenario, and the horizon length.
pub fn read_monthly(
    folder: &PlanFolder,
) -> Result<(BTreeMap<String, Monthly>, usize), ReportError> {
    let t = Table::read(&folder.dir.join(MONTHLY_FILE))?;
    let c = |n: &str| t.column(n);
    let (name, month, horizon, heads, ramped, bookings) = (
        c("scenario")?,
        c("month")?,
        c("horizon_month")?,
        c("headcount")?,
        c("ramped_fte")?,
        c("bookings")?,
    );
    let mut out: BTreeMap<String, Monthly> = BTreeMap::new();
    let mut longest = 0usize;
    for r in rows(&t) {
        let k = r.number(horizon, "horizon_month")?;
        if k < 1.0 {
            return Err(r.error("column 'horizon_month': expected 1 or more"));
        }
        longest = longest.max(k as usize);
        if k as usize > PLAN_YEAR_MONTHS {
            continue;
        }
        let m = out.entry(r.text(name)).or_default();
        m.months.push(r.text(month));
        m.headcount.push(r.number(heads, "headcount")?);
        m.ramped_fte.push(r.number(ramped, "ramped_fte")?);
        m.bookings.push(r.number(bookings, "bookings")?);
    }
    Ok((out, longest))
}

/// Bookings against target, headcount and ramped FTE.
pub struct ScenarioChart<'a> {
    pub scenarios: &'a [ScenarioRow],
    pub monthly: &'a BTreeMap<String, Monthly>,
}

impl ScenarioChart<'_> {
    fn months(&self) -> Vec<String> {
        self.monthly
            .values()
            .max_by_key(|m| m.months.len())
            .map(|m| m.months.clone())
            .unwrap_or_default()
    }

    fn target(&self) -> f64 {
        self.scenarios.first().map_or(0.0, |s| s.target)
    }
}

impl Chart for ScenarioChart<'_> {
    fn name(&self) -> &str {
        CHART
    }

    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let months = self.months();
        let title = format!(
            "Capacity scenarios, plan year {} to {}: bookings against the sales target, and staffing",
            months.first().map_or("", String::as_str),
            months.last().map_or("", String::as_str)
        );
        let body = render::title_band(root, 60, &title, 26)?;
        let halves = body.split_evenly((2, 1));
        self.draw_bookings(&halves[0], &months)?;
        self.draw_staffing(&halves[1], &months)
    }
}

/// The month at a whole x position, empty between months.
pub(super) fn month_label(months: &[String], v: f64) -> String {
    let i = v.round();
    if (v - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    months.get(i as usize).cloned().unwrap_or_default()
}

impl ScenarioChart<'_> {
    fn draw_bookings<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        months: &[String],
    ) -> Result<(), String> {
        let n = months.len().max(1);
        let target = self.target();
        let highest = self
            .monthly
            .values()
            .filter_map(|m| m.cumulative().last().copied())
            .fold(target, f64::max);
        let top = (highest * 1.12).max(1.0);
        let mut chart = ChartBuilder::on(area)
            .caption(
                "Expected bookings, cumulative (roster as is: attrition, backfills, planned hires; no extra hires)",
                (FONT, 20).into_font(),
            )
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.3f64..(n as f64 - 0.7), 0f64..top)
            .map_err(text_err)?;
        chart
            .configure_mesh()
            .max_light_lines(0)
            .bold_line_style(RGBColor(225, 225, 225))
            .x_labels(n)
            .x_label_formatter(&|v| month_label(months, *v))
            .y_desc("bookings since year start (currency units)")
            .x_desc("month (bookings summed to the end of the month)")
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .y_label_formatter(&|v| compact(*v))
            .draw()
            .map_err(text_err)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(-0.3, target), (n as f64 - 0.7, target)],
                BLACK.stroke_width(3),
            )))
            .map_err(text_err)?
            .label(format!("sales target for the year: {}", compact(target)))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.stroke_width(3)));
        for (i, s) in self.scenarios.iter().enumerate() {
            let Some(m) = self.monthly.get(&s.name) else {
                continue;
            };
            let c = colour(i);
            let points: Vec<(f64, f64)> = m
                .cumulative()
                .into_iter()
                .enumerate()
                .map(|(k, v)| (k as f64, v))
                .collect();
            chart
                .draw_series(LineSeries::new(points.clone(), c.stroke_width(3)))
                .map_err(text_err)?
                .label(format!(
                    "{}: {} ({})",
                    s.name,
                    compact(s.expected_bookings),
                    if s.gap_to_target > 0.0 {
                        format!("{} short of target", compact(s.gap_to_target))
                    } else {
                        format!("{} above target", compact(-s.gap_to_target))
                    }
                ))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(3))
                });
            chart
                .draw_series(points.into_iter().map(|p| Circle::new(p, 3, c.filled())))
                .map_err(text_err)?;
        }
        render::legend(&mut chart, SeriesLabelPosition::LowerRight, 14)
    }

    fn draw_staffing<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        months: &[String],
    ) -> Result<(), String> {
        let n = months.len().max(1);
        let highest = self
            .monthly
            .values()
            .flat_map(|m| m.headcount.iter().chain(&m.ramped_fte))
            .copied()
            .fold(1.0, f64::max);
        let lowest = self
            .monthly
            .values()
            .flat_map(|m| m.headcount.iter().chain(&m.ramped_fte))
            .copied()
            .fold(highest, f64::min);
        // Start the axis at 0 unless that squeezes the lines flat.
        let bottom = if lowest > highest * 0.6 {
            (lowest * 0.8).floor()
        } else {
            0.0
        };
        // The upper part stays free for the legend.
        let top = highest + (highest - bottom) * 0.8;
        let mut chart = ChartBuilder::on(area)
            .caption(
                "Headcount (solid) and ramped FTE (dashed) per scenario, roster as is",
                (FONT, 20).into_font(),
            )
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.3f64..(n as f64 - 0.7), bottom..top)
            .map_err(text_err)?;
        chart
            .configure_mesh()
            .max_light_lines(0)
            .bold_line_style(RGBColor(225, 225, 225))
            .x_labels(n)
            .x_label_formatter(&|v| month_label(months, *v))
            .y_desc(if bottom > 0.0 {
                "reps (axis does not start at 0)"
            } else {
                "reps (heads or FTE)"
            })
            .x_desc("month (value at the month)")
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 13))
            .y_label_formatter(&|v| fixed(*v, 0))
            .draw()
            .map_err(text_err)?;
        for (i, s) in self.scenarios.iter().enumerate() {
            let Some(m) = self.monthly.get(&s.name) else {
                continue;
            };
            let c = colour(i);
            let heads: Vec<(f64, f64)> = m
                .headcount
                .iter()
                .enumerate()
                .map(|(k, &v)| (k as f64, v))
                .collect();
            chart
                .draw_series(LineSeries::new(heads, c.stroke_width(3)))
                .map_err(text_err)?
                .label(s.name.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(3))
                });
            let ramped: Vec<(f64, f64)> = m
                .ramped_fte
                .iter()
                .enumerate()
                .map(|(k, &v)| (k as f64, v))
                .collect();
            chart
                .draw_series(DashedLineSeries::new(ramped, 8, 5, c.stroke_width(2)))
                .map_err(text_err)?;
        }
        let none = std::iter::empty::<PathElement<(f64, f64)>>;
        chart
            .draw_series(none())
            .map_err(text_err)?
            .label("solid: headcount (heads on the roster)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.stroke_width(3)));
        chart
            .draw_series(none())
            .map_err(text_err)?
            .label("dashed: ramped FTE (productive capacity)")
            .legend(|(x, y)| {
                EmptyElement::at((x, y))
                    + PathElement::new(vec![(0, 0), (7, 0)], BLACK.stroke_width(2))
                    + PathElement::new(vec![(12, 0), (20, 0)], BLACK.stroke_width(2))
            });
        render::legend(&mut chart, SeriesLabelPosition::UpperLeft, 13)
    }
}

/// The Scenarios section: `None` when `scenarios.csv` is not in the
/// folder.
pub fn section(folder: &PlanFolder) -> Result<Option<SectionOutput>, ReportError> {
    if !folder.dir.join(SCENARIOS_FILE).is_file() {
        return Ok(None);
    }
    let scenarios = read_scenarios(folder)?;
    let (monthly, horizon) = read_monthly(folder)?;
    let chart = ScenarioChart {
        scenarios: &scenarios,
        monthly: &monthly,
    };
    let r = render::both(&chart)?;
    let mut html = format!(
        "<p>Sales target for the plan year: <b>{}</b>. Bookings and gap: roster as is; hires: fewest extra hires that make the target, all starting by the latest hire month; FTE at year end, total cost and cost per dollar: with those hires.{}</p>\n",
        thousands(chart.target()),
        if horizon > PLAN_YEAR_MONTHS {
            format!(
                " The chart shows the first {PLAN_YEAR_MONTHS} of the {horizon} months; all of them are in {MONTHLY_FILE}."
            )
        } else {
            String::new()
        }
    );
    html.push_str(&figure(
        &r.svg,
        CHART,
        "Cumulative expected bookings per scenario against the sales target; headcount and ramped FTE by month.",
    ));
    let rows: Vec<String> = scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let c = COLOURS[i % COLOURS.len()];
            [
                format!(
                    "<td><span class=\"sw\" style=\"background:{}\"></span>{}</td>",
                    super::palette::hex(c),
                    super::html::escape(&s.name)
                ),
                num_cell(&format!("{} %", fixed(s.attrition * 100.0, 1)), s.attrition),
                num_cell(&fixed(s.ramp_months, 0), s.ramp_months),
                num_cell(&fixed(s.productivity, 2), s.productivity),
                num_cell(
                    &format!("{} %", fixed(s.attainment * 100.0, 0)),
                    s.attainment,
                ),
                num_cell(&thousands(s.expected_bookings), s.expected_bookings),
                num_cell(&thousands(s.gap_to_target), s.gap_to_target),
                match s.hires_needed {
                    Some(h) => num_cell(&fixed(h, 0), h),
                    None => "<td class=\"n\" data-k=\"1e300\">n/a</td>".to_string(),
                },
                text_cell(&s.latest_hire_month),
                num_cell(
                    &fixed(s.ramped_fte_year_end_with_hires, 1),
                    s.ramped_fte_year_end_with_hires,
                ),
                num_cell(&thousands(s.total_cost), s.total_cost),
                match s.cost_per_dollar {
                    Some(v) => num_cell(&fixed(v, 4), v),
                    None => "<td class=\"n\" data-k=\"1e300\"></td>".to_string(),
                },
                text_cell(&s.status),
            ]
            .concat()
        })
        .collect();
    html.push_str(&table(
        &[
            "scenario",
            "attrition",
            "ramp months",
            "productivity",
            "attainment",
            "expected bookings",
            "gap to target",
            "hires needed",
            "latest hire month",
            "ramped FTE at year end (with hires)",
            "total cost",
            "cost per $",
            "status",
        ],
        &rows,
    ));
    let mut files = Vec::from(r.files(CHART));
    if folder.dir.join(GROUPS_FILE).is_file() {
        let groups = read_group_rows(folder)?;
        let g = render::both(&GroupsChart { rows: &groups })?;
        html.push_str(&groups_table(folder)?);
        html.push_str(&figure(
            &g.svg,
            GROUPS_CHART,
            "Each group's gap to its share of the target (roster as is) and the extra hires that close it, per scenario.",
        ));
        files.extend(g.files(GROUPS_CHART));
    }
    Ok(Some(SectionOutput::new(
        "scenarios",
        "Scenarios",
        html,
        files,
    )))
}

/// File stem of the by-group chart.
pub const GROUPS_CHART: &str = "scenarios_groups";

/// One group's figures in one scenario (scenarios_groups.csv, without the
/// roll-up rows).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRow {
    pub scenario: String,
    pub group: String,
    pub gap_to_target: f64,
    /// `None`: the group cannot make its number.
    pub hires_needed: Option<f64>,
}

fn read_group_rows(folder: &PlanFolder) -> Result<Vec<GroupRow>, ReportError> {
    let t = Table::read(&folder.dir.join(GROUPS_FILE))?;
    let (name, group, gap, hires) = (
        t.column("scenario")?,
        t.column("group")?,
        t.column("gap_to_target")?,
        t.column("hires_needed")?,
    );
    rows(&t)
        .filter(|r| r.text(group) != "all")
        .map(|r| {
            Ok(GroupRow {
                scenario: r.text(name),
                group: r.text(group),
                gap_to_target: r.number(gap, "gap_to_target")?,
                hires_needed: r.opt_number(hires, "hires_needed")?,
            })
        })
        .collect()
}

/// Grouped bars: per scenario, one bar per group; gap to target above,
/// hires needed below.
struct GroupsChart<'a> {
    rows: &'a [GroupRow],
}

impl GroupsChart<'_> {
    fn names(&self, f: impl Fn(&GroupRow) -> &str) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        for r in self.rows {
            if !seen.iter().any(|s| s == f(r)) {
                seen.push(f(r).to_string());
            }
        }
        seen
    }

    fn panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        caption: &str,
        value: &dyn Fn(&GroupRow) -> Option<f64>,
        label: &dyn Fn(f64) -> String,
    ) -> Result<(), String> {
        let scenarios = self.names(|r| &r.scenario);
        let groups = self.names(|r| &r.group);
        let values: Vec<f64> = self.rows.iter().filter_map(value).collect();
        let top = values.iter().copied().fold(0.0, f64::max);
        let bottom = values.iter().copied().fold(0.0, f64::min);
        let pad = ((top - bottom) * 0.12).max(1.0);
        let floor = if bottom < 0.0 { bottom - pad } else { 0.0 };
        let n = scenarios.len().max(1) as f64;
        let mut chart = ChartBuilder::on(area)
            .caption(caption, (FONT, 20).into_font())
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(90)
            .build_cartesian_2d(-0.5f64..(n - 0.5), floor..(top + pad))
            .map_err(text_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(scenarios.len() * 2 + 1)
            .x_label_formatter(&|v| month_label(&scenarios, *v))
            .y_label_formatter(&|v| label(*v))
            .label_style((FONT, 16))
            .draw()
            .map_err(text_err)?;
        let width = 0.8 / groups.len().max(1) as f64;
        for (g, name) in groups.iter().enumerate() {
            let c = colour(g);
            let bars: Vec<(f64, f64)> = self
                .rows
                .iter()
                .filter(|r| r.group == *name)
                .filter_map(|r| {
                    let x = scenarios.iter().position(|s| *s == r.scenario)? as f64;
                    Some((x - 0.4 + width * g as f64, value(r)?))
                })
                .collect();
            chart
                .draw_series(
                    bars.iter().map(|&(x, v)| {
                        Rectangle::new([(x, 0.0), (x + width * 0.9, v)], c.filled())
                    }),
                )
                .map_err(text_err)?
                .label(name.clone())
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], c.filled()));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .label_font((FONT, 16))
            .draw()
            .map_err(text_err)
    }
}

impl Chart for GroupsChart<'_> {
    fn name(&self) -> &str {
        GROUPS_CHART
    }

    fn size(&self) -> (u32, u32) {
        (WIDTH, 900)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let body = render::title_band(
            root,
            60,
            "Scenarios by group: each group against its own share of the target",
            26,
        )?;
        let halves = body.split_evenly((2, 1));
        self.panel(
            &halves[0],
            "Gap to target, plan year (roster as is; below 0: ahead of its number)",
            &|r| Some(r.gap_to_target),
            &|v| compact(v),
        )?;
        self.panel(
            &halves[1],
            "Extra hires that make the group's number (no bar: none, or out of reach)",
            &|r| r.hires_needed,
            &|v| format!("{v:.0}"),
        )
    }
}

/// The groups side by side (scenarios_groups.csv): one row per scenario
/// and group, the roll-up `all` last in each scenario.
fn groups_table(folder: &PlanFolder) -> Result<String, ReportError> {
    let t = Table::read(&folder.dir.join(GROUPS_FILE))?;
    let c = |n: &str| t.column(n);
    let (name, group, reps, share, quota, ramp, target) = (
        c("scenario")?,
        c("group")?,
        c("reps")?,
        c("target_share")?,
        c("quota_per_ramped_fte")?,
        c("ramp_months")?,
        c("target")?,
    );
    let (eb, gap, hires, by_month, cost, status) = (
        c("expected_bookings")?,
        c("gap_to_target")?,
        c("hires_needed")?,
        c("hires_by_month")?,
        c("total_cost")?,
        c("status")?,
    );
    let body: Vec<String> = rows(&t)
        .map(|r| {
            let money = |col: usize, what: &str| -> Result<String, ReportError> {
                Ok(match r.opt_number(col, what)? {
                    Some(v) => num_cell(&thousands(v), v),
                    None => "<td class=\"n\" data-k=\"-1e300\"></td>".to_string(),
                })
            };
            Ok([
                text_cell(&r.text(name)),
                text_cell(&r.text(group)),
                num_cell(&r.text(reps), r.number(reps, "reps")?),
                num_cell(
                    &format!("{} %", fixed(r.number(share, "target_share")? * 100.0, 1)),
                    r.number(share, "target_share")?,
                ),
                money(quota, "quota_per_ramped_fte")?,
                text_cell(&r.text(ramp)),
                money(target, "target")?,
                money(eb, "expected_bookings")?,
                money(gap, "gap_to_target")?,
                match r.opt_number(hires, "hires_needed")? {
                    Some(h) => num_cell(&fixed(h, 0), h),
                    None => "<td class=\"n\" data-k=\"1e300\">n/a</td>".to_string(),
                },
                text_cell(&r.text(by_month)),
                money(cost, "total_cost")?,
                text_cell(&r.text(status)),
            ]
            .concat())
        })
        .collect::<Result<_, ReportError>>()?;
    Ok(format!(
        "<h3>By group</h3>\n<p>Each group modelled on its own roster, quota per ramped FTE, ramp and share of the target; <code>all</code> adds them up ({GROUPS_FILE}).</p>\n{}",
        table(
            &[
                "scenario",
                "group",
                "reps",
                "target share",
                "quota per ramped FTE",
                "ramp months",
                "target",
                "expected bookings",
                "gap to target",
                "hires needed",
                "hires by month",
                "total cost",
                "status",
            ],
            &body,
        )
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cumulative_bookings() {
        let m = Monthly {
            bookings: vec![1.0, 2.0, 3.0],
            ..Monthly::default()
        };
        assert_eq!(m.cumulative(), vec![1.0, 3.0, 6.0]);
    }

    #[test]
    fn month_labels_only_on_whole_months() {
        let months = vec!["2027-01".to_string(), "2027-02".to_string()];
        assert_eq!(month_label(&months, 1.0), "2027-02");
        assert_eq!(month_label(&months, 0.5), "");
        assert_eq!(month_label(&months, 5.0), "");
    }
}
