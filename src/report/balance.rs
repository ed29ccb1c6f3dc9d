//! The balance chart: each rep's potential and workload as a percentage of
//! its fair share (capacity x its group's per-FTE mean), before (current
//! owners) and after (the plan), against the tolerance band.
//!
//! Percent of target rather than currency puts a 0.5 FTE rep and a full
//! rep on one scale, which is what balance means here. Reps are in id
//! order, each with its territory colour; "before" bars are grey. With
//! more than [`MAX_LABELLED_REPS`] reps the x labels are left out (they
//! would overlap) and the axis says how many reps there are.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::palette::{rep_colour, BAND_GREEN, BEFORE_GREY};
use super::render::{self, text_err, Chart, FONT};
use crate::output::folder::PlanFolder;
use crate::output::format::fixed;

/// Most reps whose id is written under the bars.
pub const MAX_LABELLED_REPS: usize = 60;

const WIDTH: u32 = 1400;
const HEIGHT: u32 = 1000;

/// One panel: a metric's percent of target per rep.
struct Panel {
    title: String,
    tolerance: f64,
    after: Vec<f64>,
    before: Option<Vec<f64>>,
}

/// Potential and workload balance, before and after.
pub struct BalanceChart<'a> {
    folder: &'a PlanFolder,
    panels: [Panel; 2],
}

fn pct(load: f64, target: f64) -> f64 {
    if target > 0.0 {
        load / target * 100.0
    } else {
        // A rep with no target (capacity 0) holds nothing by rule.
        100.0
    }
}

impl<'a> BalanceChart<'a> {
    pub fn new(folder: &'a PlanFolder) -> BalanceChart<'a> {
        let s = &folder.summary;
        let before = folder.has_before().then(|| folder.before_loads());
        let panel = |title: &str, tol: f64, load: fn(&(f64, f64)) -> f64, metric: Metric| Panel {
            title: format!(
                "{title} per rep, % of fair share (band: ±{} %)",
                fixed(tol * 100.0, 1)
            ),
            tolerance: tol,
            after: folder
                .reps
                .iter()
                .map(|r| pct(metric.load(r), metric.target(r)))
                .collect(),
            before: before.as_ref().map(|b| {
                b.iter()
                    .zip(&folder.reps)
                    .map(|(l, r)| pct(load(l), metric.target(r)))
                    .collect()
            }),
        };
        BalanceChart {
            folder,
            panels: [
                panel(
                    "Potential",
                    s.potential_tolerance,
                    |l| l.0,
                    Metric::Potential,
                ),
                panel("Workload", s.workload_tolerance, |l| l.1, Metric::Workload),
            ],
        }
    }
}

#[derive(Clone, Copy)]
enum Metric {
    Potential,
    Workload,
}

impl Metric {
    fn load(self, r: &crate::output::folder::RepRow) -> f64 {
        match self {
            Metric::Potential => r.potential,
            Metric::Workload => r.workload,
        }
    }
    fn target(self, r: &crate::output::folder::RepRow) -> f64 {
        match self {
            Metric::Potential => r.potential_target,
            Metric::Workload => r.workload_target,
        }
    }
}

/// Upper end of the y axis: room above the highest bar and the band.
fn y_max(panel: &Panel) -> f64 {
    let highest = panel
        .after
        .iter()
        .chain(panel.before.iter().flatten())
        .copied()
        .fold(100.0 + panel.tolerance * 100.0, f64::max);
    // The top fifth stays free for the legend.
    ((highest * 1.25) / 10.0).ceil() * 10.0
}

impl Chart for BalanceChart<'_> {
    fn name(&self) -> &str {
        "balance"
    }

    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let title = if self.panels[0].before.is_some() {
            "Balance before (current owners) and after (plan)"
        } else {
            "Balance of the plan (no current owners in the data: no before)"
        };
        let body = render::title_band(root, 60, title, 28)?;
        let halves = body.split_evenly((2, 1));
        for (panel, area) in self.panels.iter().zip(halves.iter()) {
            self.draw_panel(area, panel)?;
        }
        Ok(())
    }
}

impl BalanceChart<'_> {
    fn draw_panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        panel: &Panel,
    ) -> Result<(), String> {
        let n = self.folder.reps.len().max(1);
        let labelled = n <= MAX_LABELLED_REPS;
        let top = y_max(panel);
        let mut chart = ChartBuilder::on(area)
            .caption(&panel.title, (FONT, 20).into_font())
            .margin(12)
            .x_label_area_size(if labelled { 58 } else { 36 })
            .y_label_area_size(72)
            .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..top)
            .map_err(text_err)?;
        let x_desc = if labelled {
            "rep (sorted by id)".to_string()
        } else {
            format!("{n} reps ranked from lowest to highest (each curve sorted on its own)")
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(RGBColor(238, 238, 238))
            .x_labels(0)
            .y_desc("% of fair share")
            .x_desc(x_desc)
            .axis_desc_style((FONT, 16))
            .label_style((FONT, 14))
            .y_label_formatter(&|v| format!("{v:.0} %"))
            .draw()
            .map_err(text_err)?;

        let band = (
            100.0 - panel.tolerance * 100.0,
            100.0 + panel.tolerance * 100.0,
        );
        let green = RGBColor(BAND_GREEN.0, BAND_GREEN.1, BAND_GREEN.2);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(-0.5, band.0), (n as f64 - 0.5, band.1)],
                green.mix(0.18).filled(),
            )))
            .map_err(text_err)?
            .label(format!(
                "target band {}–{} %",
                fixed(band.0, 0),
                fixed(band.1, 0)
            ))
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 6), (x + 16, y + 6)], green.mix(0.35).filled())
            });
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(-0.5, 100.0), (n as f64 - 0.5, 100.0)],
                green.stroke_width(1),
            )))
            .map_err(text_err)?;

        if !labelled {
            return self.draw_ranked(&mut chart, panel);
        }
        let half = if panel.before.is_some() { 0.4 } else { 0.35 };
        if let Some(before) = &panel.before {
            // Hollow bars: no territory colour can be mistaken for them.
            let grey = RGBColor(BEFORE_GREY.0, BEFORE_GREY.1, BEFORE_GREY.2);
            chart
                .draw_series(before.iter().enumerate().map(|(i, &v)| {
                    let x = i as f64;
                    Rectangle::new([(x - half, 0.0), (x - 0.02, v)], grey.mix(0.25).filled())
                }))
                .map_err(text_err)?;
            chart
                .draw_series(before.iter().enumerate().map(|(i, &v)| {
                    let x = i as f64;
                    Rectangle::new([(x - half, 0.0), (x - 0.02, v)], BLACK.stroke_width(1))
                }))
                .map_err(text_err)?
                .label("before (current owners); 0 = held nothing")
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 16, y + 6)], BLACK.stroke_width(1))
                });
            if n <= MAX_LABELLED_REPS {
                // An empty bar is invisible: say "0" where a rep held nothing.
                let font = (FONT, 12)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Center, VPos::Bottom));
                chart
                    .draw_series(before.iter().enumerate().filter(|(_, &v)| v < 0.5).map(
                        |(i, _)| Text::new("0", (i as f64 - half / 2.0, top * 0.01), font.clone()),
                    ))
                    .map_err(text_err)?;
            }
        }
        let after_left = if panel.before.is_some() { 0.02 } else { -half };
        chart
            .draw_series(panel.after.iter().enumerate().map(|(i, &v)| {
                let x = i as f64;
                let c = rep_colour(i);
                Rectangle::new(
                    [(x + after_left, 0.0), (x + half, v)],
                    RGBColor(c.0, c.1, c.2).filled(),
                )
            }))
            .map_err(text_err)?
            .label("after (plan), in the rep's territory colour")
            .legend(|(x, y)| {
                let c = rep_colour(0);
                Rectangle::new(
                    [(x, y - 6), (x + 16, y + 6)],
                    RGBColor(c.0, c.1, c.2).filled(),
                )
            });
        // The band's edges again on top, so a bar's end can be read
        // against them.
        chart
            .draw_series([band.0, band.1].map(|y| {
                PathElement::new(vec![(-0.5, y), (n as f64 - 0.5, y)], green.stroke_width(1))
            }))
            .map_err(text_err)?;
        render::legend(&mut chart, SeriesLabelPosition::UpperRight, 14)?;

        if labelled {
            let font = (FONT, 13)
                .into_font()
                .transform(FontTransform::Rotate270)
                .color(&BLACK)
                .pos(Pos::new(HPos::Right, VPos::Center));
            for (i, r) in self.folder.reps.iter().enumerate() {
                let (x, y) = chart.backend_coord(&(i as f64, 0.0));
                area.draw(&Text::new(
                    r.id.clone(),
                    (x - area.get_base_pixel().0, y - area.get_base_pixel().1 + 6),
                    font.clone(),
                ))
                .map_err(text_err)?;
            }
        }
        Ok(())
    }
}

impl BalanceChart<'_> {
    /// Many reps: hundreds of bars are unreadable, so each series is
    /// sorted and drawn as a curve. A flat "after" curve inside the band
    /// and a steep "before" curve say at a glance what the plan did.
    fn draw_ranked<'a, DB: DrawingBackend + 'a>(
        &self,
        chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
        panel: &Panel,
    ) -> Result<(), String> {
        let ranked = |values: &[f64]| -> Vec<(f64, f64)> {
            let mut v = values.to_vec();
            v.sort_by(f64::total_cmp);
            v.into_iter()
                .enumerate()
                .map(|(i, y)| (i as f64, y))
                .collect()
        };
        if let Some(before) = &panel.before {
            chart
                .draw_series(LineSeries::new(ranked(before), BLACK.stroke_width(2)))
                .map_err(text_err)?
                .label("before (current owners)")
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], BLACK.stroke_width(2))
                });
        }
        let c = rep_colour(0);
        let blue = RGBColor(c.0, c.1, c.2);
        chart
            .draw_series(LineSeries::new(ranked(&panel.after), blue.stroke_width(3)))
            .map_err(text_err)?
            .label("after (plan)")
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], blue.stroke_width(3))
            });
        render::legend(chart, SeriesLabelPosition::UpperLeft, 14)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_of_target_handles_zero_targets() {
        assert_eq!(pct(50.0, 200.0), 25.0);
        assert_eq!(pct(0.0, 0.0), 100.0);
    }

    #[test]
    fn y_axis_leaves_room_above_band_and_bars() {
        let p = Panel {
            title: String::new(),
            tolerance: 0.05,
            after: vec![90.0, 104.0],
            before: Some(vec![250.0]),
        };
        assert!(y_max(&p) >= 270.0);
        let flat = Panel { before: None, ..p };
        assert!(y_max(&flat) >= 105.0 * 1.25 - 1e-9);
    }
}
