//! The rebalance section of report.html, from a rebalance folder's
//! frontier.csv and rebalance_summary.csv: the moves-vs-balance frontier
//! chart (frontier.png / .svg), the certificate, and every rep's balance
//! before and after. The moves table and the map of moved accounts are the
//! page's own moves section and map (moved accounts are those whose owner
//! changed).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::html::{escape, figure, num_cell, table, text_cell};
use super::render::{self, text_err, Chart, FONT};
use super::{ReportError, SectionOutput};
use crate::output::folder::{rows, PlanFolder, Table};
use crate::output::format::{fixed, thousands};
use crate::output::rebalance::{FRONTIER_COLUMNS, FRONTIER_FILE, REBALANCE_SUMMARY_FILE};

/// File stem of the frontier chart.
pub const CHART: &str = "frontier";

/// One row of frontier.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub budget: f64,
    pub moves: f64,
    pub max_potential_pct: f64,
    pub max_workload_pct: f64,
    pub reps_outside: f64,
}

/// Read frontier.csv; `None` when the folder has none.
pub fn read_frontier(folder: &PlanFolder) -> Result<Option<Vec<Point>>, ReportError> {
    let path = folder.dir.join(FRONTIER_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let t = Table::read(&path)?;
    let cols = t.columns(&FRONTIER_COLUMNS[..6])?;
    rows(&t)
        .map(|r| {
            let v = |k: usize| r.number(cols[k], FRONTIER_COLUMNS[k]);
            Ok(Point {
                budget: v(0)?,
                moves: v(1)?,
                max_potential_pct: v(3)?,
                max_workload_pct: v(4)?,
                reps_outside: v(5)?,
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// One line of the deviation chart: name, tolerance %, colour, value.
type Series = (&'static str, f64, RGBColor, fn(&Point) -> f64);

/// Max deviation and reps outside tolerance against moves made.
pub struct FrontierChart<'a> {
    pub points: &'a [Point],
    /// Potential and workload tolerance, percent.
    pub tolerance: (f64, f64),
    pub reps: usize,
    /// The LP bound on the moves full balance needs.
    pub bound: Option<f64>,
}

impl Chart for FrontierChart<'_> {
    fn name(&self) -> &str {
        CHART
    }

    fn size(&self) -> (u32, u32) {
        (1000, 640)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let body = render::title_band(
            root,
            50,
            "Rebalance frontier: balance reached for each number of moves",
            24,
        )?;
        let halves = body.split_evenly((2, 1));
        self.draw_deviation(&halves[0])?;
        self.draw_outside(&halves[1])
    }
}

impl FrontierChart<'_> {
    fn max_moves(&self) -> f64 {
        self.points.iter().map(|p| p.moves).fold(1.0, f64::max)
    }

    fn draw_deviation<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), String> {
        let x_max = self.max_moves() * 1.04;
        // Headroom for the legend at the upper right, above the curves,
        // which fall as moves grow.
        let top = self
            .points
            .iter()
            .map(|p| p.max_potential_pct.max(p.max_workload_pct))
            .fold(self.tolerance.1, f64::max)
            * 1.35;
        let mut chart = ChartBuilder::on(area)
            .caption(
                "Largest deviation from fair share (%)",
                (FONT, 18).into_font(),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..x_max, 0f64..top.max(1.0))
            .map_err(text_err)?;
        chart
            .configure_mesh()
            .max_light_lines(0)
            .bold_line_style(RGBColor(225, 225, 225))
            .x_desc("discretionary moves")
            .y_desc("max |deviation| %")
            .x_label_formatter(&|v| fixed(*v, 0))
            .y_label_formatter(&|v| fixed(*v, 0))
            .axis_desc_style((FONT, 15))
            .label_style((FONT, 13))
            .draw()
            .map_err(text_err)?;
        let series: [Series; 2] = [
            ("potential", self.tolerance.0, RGBColor(31, 119, 180), |p| {
                p.max_potential_pct
            }),
            ("workload", self.tolerance.1, RGBColor(214, 39, 40), |p| {
                p.max_workload_pct
            }),
        ];
        for (name, tol, colour, value) in series {
            let pts: Vec<(f64, f64)> = self.points.iter().map(|p| (p.moves, value(p))).collect();
            chart
                .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(3)))
                .map_err(text_err)?
                .label(format!("{name}: largest deviation"))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(3))
                });
            chart
                .draw_series(pts.iter().map(|&p| Circle::new(p, 4, colour.filled())))
                .map_err(text_err)?;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, tol), (x_max, tol)],
                    colour.mix(0.6).stroke_width(1),
                )))
                .map_err(text_err)?
                .label(format!("{name} tolerance {} %", fixed(tol, 0)))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], colour.mix(0.6).stroke_width(1))
                });
        }
        if let Some(bound) = self.bound {
            let grey = RGBColor(120, 120, 120);
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(bound, 0.0), (bound, top.max(1.0))],
                    grey.stroke_width(2),
                )))
                .map_err(text_err)?
                .label(format!(
                    "bound: no balanced plan needs fewer than {} moves",
                    fixed(bound, 0)
                ))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], grey.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(180, 180, 180))
            .label_font((FONT, 14))
            .draw()
            .map_err(text_err)
    }

    fn draw_outside<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), String> {
        let x_max = self.max_moves() * 1.04;
        let top = (self.reps as f64).max(1.0) * 1.05;
        let mut chart = ChartBuilder::on(area)
            .caption(
                format!("Reps outside tolerance (of {})", self.reps),
                (FONT, 18).into_font(),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..x_max, 0f64..top)
            .map_err(text_err)?;
        chart
            .configure_mesh()
            .max_light_lines(0)
            .bold_line_style(RGBColor(225, 225, 225))
            .x_desc("discretionary moves")
            .y_desc("reps outside")
            .x_label_formatter(&|v| fixed(*v, 0))
            .y_label_formatter(&|v| fixed(*v, 0))
            .axis_desc_style((FONT, 15))
            .label_style((FONT, 13))
            .draw()
            .map_err(text_err)?;
        let colour = RGBColor(90, 90, 90);
        let pts: Vec<(f64, f64)> = self
            .points
            .iter()
            .map(|p| (p.moves, p.reps_outside))
            .collect();
        chart
            .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(3)))
            .map_err(text_err)?;
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 4, colour.filled())))
            .map_err(text_err)?;
        Ok(())
    }
}

/// The rebalance section, `None` outside a rebalance folder.
pub fn section(folder: &PlanFolder) -> Result<Option<SectionOutput>, ReportError> {
    let Some(points) = read_frontier(folder)? else {
        return Ok(None);
    };
    let summary = read_summary(folder)?;
    let active = summary.iter().filter(|r| r.status != "departed").count();
    let run = &folder.summary;
    let chart = FrontierChart {
        points: &points,
        tolerance: (
            run.potential_tolerance * 100.0,
            run.workload_tolerance * 100.0,
        ),
        reps: active,
        bound: manifest_number(folder, "moves_bound"),
    };
    let moves_map = super::map::MapChart::moves(folder);
    let (r, map_r) = rayon::join(|| render::both(&chart), || render::both(&moves_map));
    let (r, map_r) = (r?, map_r?);
    let mut html = String::new();
    if let Some(statement) = statement(folder) {
        html.push_str(&format!("<p><b>{}</b>.</p>\n", escape(&statement)));
    }
    html.push_str(&figure(
        &r.svg,
        CHART,
        "Each point is a verified plan with at most that many discretionary moves (orphans and \
         new accounts are placed at every point); the last point is the full rebalance.",
    ));
    html.push_str(&figure(
        &map_r.svg,
        moves_map.name(),
        "Accounts that change owner, ringed in black, in their new territory's colour.",
    ));
    let body: Vec<String> = summary
        .iter()
        .map(|s| {
            [
                text_cell(&s.rep),
                text_cell(&s.status),
                num_cell(&thousands(s.accounts.0), s.accounts.0),
                num_cell(&thousands(s.accounts.1), s.accounts.1),
                text_cell(&s.deviation.0),
                text_cell(&s.deviation.1),
                num_cell(&thousands(s.moves.0), s.moves.0),
                num_cell(&thousands(s.moves.1), s.moves.1),
            ]
            .concat()
        })
        .collect();
    html.push_str(&table(
        &[
            "rep",
            "status",
            "accounts before",
            "accounts after",
            "potential deviation before",
            "potential deviation after",
            "moves in",
            "moves out",
        ],
        &body,
    ));
    let mut files = Vec::from(r.files(CHART));
    files.extend(map_r.files(moves_map.name()));
    Ok(Some(SectionOutput::new(
        "rebalance",
        "Rebalance: before and after",
        html,
        files,
    )))
}

/// A number of the manifest's `rebalance` section.
fn manifest_number(folder: &PlanFolder, key: &str) -> Option<f64> {
    let text = std::fs::read_to_string(folder.dir.join(crate::output::MANIFEST_FILE)).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["rebalance"][key].as_f64()
}

/// The manifest's "N moves; no balanced plan needs fewer than B".
fn statement(folder: &PlanFolder) -> Option<String> {
    let text = std::fs::read_to_string(folder.dir.join(crate::output::MANIFEST_FILE)).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["rebalance"]["statement"].as_str().map(str::to_string)
}

/// One rep of rebalance_summary.csv, as shown.
struct SummaryRow {
    rep: String,
    status: String,
    accounts: (f64, f64),
    /// Potential deviation before and after, as written (%).
    deviation: (String, String),
    moves: (f64, f64),
}

fn read_summary(folder: &PlanFolder) -> Result<Vec<SummaryRow>, ReportError> {
    let path = folder.dir.join(REBALANCE_SUMMARY_FILE);
    if !path.is_file() {
        return Err(ReportError::Missing(path));
    }
    let t = Table::read(&path)?;
    let c = t.columns(&[
        "rep_id",
        "status",
        "accounts_before",
        "accounts_after",
        "potential_deviation_before_pct",
        "potential_deviation_after_pct",
        "moves_in",
        "moves_out",
    ])?;
    rows(&t)
        .map(|r| {
            let pct = |k: usize| {
                let v = r.text(c[k]);
                if v.is_empty() {
                    v
                } else {
                    format!("{v} %")
                }
            };
            Ok(SummaryRow {
                rep: r.text(c[0]),
                status: r.text(c[1]),
                accounts: (
                    r.number(c[2], "accounts_before")?,
                    r.number(c[3], "accounts_after")?,
                ),
                deviation: (pct(4), pct(5)),
                moves: (r.number(c[6], "moves_in")?, r.number(c[7], "moves_out")?),
            })
        })
        .collect()
}
