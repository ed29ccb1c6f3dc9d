//! The quota chart (`quotas.png`, `quotas.svg`) and the Quotas section of
//! report.html, from `quotas.csv` and `quota_summary.csv`.
//!
//! One stacked chart of 30 reps is unreadable, so the chart is small
//! multiples: one panel per rep (by balance group, then id), bars
//! per month stacked by component in shades of the rep's territory colour
//! (new business full, expansion lighter, retention lightest). Months in
//! which the rep is still ramping (`ramp_factor` < 1) are hatched and
//! carry the ramp in % above the bar, so a low bar reads as "ramping", not
//! "small territory". Panels of one balance group share a y scale, and
//! each group has its own: on one scale for all, the SMB panels of the
//! sample were flat lines beside ENT's 20 M.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::html::{escape, figure, num_cell, table, text_cell};
use super::palette::{hex, rep_colour, Rgb};
use super::render::{self, text_err, Chart, FONT};
use super::{ReportError, SectionOutput};
use crate::output::folder::{rows, PlanFolder, Table};
use crate::output::format::{fixed, thousands};
use crate::output::quotas::{QUOTAS_FILE, QUOTA_SUMMARY_FILE};

/// Stem of the chart files.
pub const CHART: &str = "quotas";
/// Component codes in stacking order (bottom first).
pub const COMPONENTS: [&str; 3] = ["new_business", "expansion", "retention"];
const COMPONENT_LABELS: [&str; 3] = ["new business", "expansion", "retention"];
/// Share of white mixed into the rep colour, per component.
const SHADES: [f64; 3] = [0.0, 0.45, 0.75];

const WIDTH: u32 = 1400;
const HEIGHT: u32 = 1000;
/// Header (title, legend) and footer (x description) heights in pixels.
const HEAD: u32 = 96;
const FOOT: u32 = 30;

/// One rep's monthly quota.
#[derive(Debug, Clone, PartialEq)]
pub struct RepQuota {
    pub id: String,
    /// Index in the id-sorted rep list (its colour).
    pub colour: usize,
    /// Per month (same order as [`QuotaData::months`]): amount per component.
    pub amounts: Vec<[f64; 3]>,
    /// Per month: ramp factor (1 when the rep has no row that month).
    pub ramp: Vec<f64>,
}

/// `quotas.csv` read back, reps in id order.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaData {
    /// `YYYY-MM`, in order.
    pub months: Vec<String>,
    pub reps: Vec<RepQuota>,
}

/// Read `quotas.csv`; reps in `rep_ids` (those of quota_summary.csv) get
/// a panel even when they have no row.
pub fn read_quotas(folder: &PlanFolder, rep_ids: &[String]) -> Result<QuotaData, ReportError> {
    let t = Table::read(&folder.dir.join(QUOTAS_FILE))?;
    let (rep, component, month, amount, ramp) = (
        t.column("rep_id")?,
        t.column("component")?,
        t.column("month")?,
        t.column("amount")?,
        t.column("ramp_factor")?,
    );
    // (rep, month) -> (amounts, ramp)
    let mut cells: BTreeMap<(String, String), ([f64; 3], f64)> = BTreeMap::new();
    let mut months = std::collections::BTreeSet::new();
    let mut ids: std::collections::BTreeSet<String> = rep_ids.iter().cloned().collect();
    for r in rows(&t) {
        let code = r.text(component);
        let k = COMPONENTS
            .iter()
            .position(|c| *c == code)
            .ok_or_else(|| r.error(format!("column 'component': unknown component '{code}'")))?;
        let m = r.text(month);
        if m.len() != 7 || m.as_bytes()[4] != b'-' {
            return Err(r.error(format!("column 'month': expected YYYY-MM, found '{m}'")));
        }
        let a = r.number(amount, "amount")?;
        let f = r.number(ramp, "ramp_factor")?;
        let id = r.text(rep);
        months.insert(m.clone());
        ids.insert(id.clone());
        let cell = cells.entry((id, m)).or_insert(([0.0; 3], f));
        cell.0[k] += a;
        cell.1 = cell.1.min(f);
    }
    let months: Vec<String> = months.into_iter().collect();
    let reps = ids
        .into_iter()
        .map(|id| {
            let colour = folder.rep_index(&id).unwrap_or(0);
            let (amounts, ramp) = months
                .iter()
                .map(|m| {
                    cells
                        .get(&(id.clone(), m.clone()))
                        .copied()
                        .unwrap_or(([0.0; 3], 1.0))
                })
                .unzip();
            RepQuota {
                id,
                colour,
                amounts,
                ramp,
            }
        })
        .collect();
    Ok(QuotaData { months, reps })
}

/// One row of quota_summary.csv (the columns the page shows).
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    pub id: String,
    pub name: String,
    pub region: String,
    pub capacity: f64,
    pub top_down: f64,
    pub bottom_up: f64,
    pub final_quota: f64,
    pub gap: f64,
    pub gap_pct: Option<f64>,
    pub pipeline_coverage: Option<f64>,
    pub p_attain: Option<f64>,
    pub components: [f64; 3],
    pub flags: String,
}

/// Read `quota_summary.csv`.
pub fn read_summary(folder: &PlanFolder) -> Result<Vec<SummaryRow>, ReportError> {
    let t = Table::read(&folder.dir.join(QUOTA_SUMMARY_FILE))?;
    let c = |n: &str| t.column(n);
    let (id, name, region, capacity, td, bu, fq, gap) = (
        c("rep_id")?,
        c("name")?,
        c("region")?,
        c("capacity")?,
        c("top_down")?,
        c("bottom_up")?,
        c("final_quota")?,
        c("gap")?,
    );
    let (gap_pct, cov, p, flags) = (
        c("gap_pct")?,
        c("pipeline_coverage")?,
        c("p_attain")?,
        c("flags")?,
    );
    let comps = [c(COMPONENTS[0])?, c(COMPONENTS[1])?, c(COMPONENTS[2])?];
    let mut out: Vec<SummaryRow> = rows(&t)
        .map(|r| {
            Ok(SummaryRow {
                id: r.text(id),
                name: r.text(name),
                region: r.text(region),
                capacity: r.number(capacity, "capacity")?,
                top_down: r.number(td, "top_down")?,
                bottom_up: r.number(bu, "bottom_up")?,
                final_quota: r.number(fq, "final_quota")?,
                gap: r.number(gap, "gap")?,
                gap_pct: r.opt_number(gap_pct, "gap_pct")?,
                pipeline_coverage: r.opt_number(cov, "pipeline_coverage")?,
                p_attain: r.opt_number(p, "p_attain")?,
                components: [
                    r.number(comps[0], COMPONENTS[0])?,
                    r.number(comps[1], COMPONENTS[1])?,
                    r.number(comps[2], COMPONENTS[2])?,
                ],
                flags: r.text(flags),
            })
        })
        .collect::<Result<_, ReportError>>()?;
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// Compact currency for axis labels: `950`, `12 k`, `1.2 M`.
pub fn compact(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{} bn", trim(v / 1e9))
    } else if a >= 1e6 {
        format!("{} M", trim(v / 1e6))
    } else if a >= 1e3 {
        format!("{} k", trim(v / 1e3))
    } else {
        fixed(v, 0)
    }
}

fn trim(x: f64) -> String {
    let s = fixed(x, if x.abs() >= 100.0 { 0 } else { 1 });
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// `c` mixed with white: `w` = 0 keeps it, 1 gives white.
pub fn lighten(c: Rgb, w: f64) -> RGBColor {
    let f = |x: u8| (x as f64 + (255.0 - x as f64) * w).round() as u8;
    RGBColor(f(c.0), f(c.1), f(c.2))
}

fn darken(c: Rgb, k: f64) -> RGBColor {
    let f = |x: u8| (x as f64 * k).round() as u8;
    RGBColor(f(c.0), f(c.1), f(c.2))
}

/// Columns and rows of the panel grid, and the chart height.
pub fn layout(reps: usize) -> (usize, usize, u32) {
    let n = reps.max(1);
    let cols = if n <= 36 {
        ((n as f64).sqrt().ceil() as usize).max(1)
    } else {
        10
    };
    let rows = n.div_ceil(cols);
    let height = if n <= 36 {
        HEIGHT
    } else {
        HEIGHT.max(HEAD + FOOT + rows as u32 * 150)
    };
    (cols, rows, height)
}

const MONTH_LETTERS: [&str; 12] = ["J", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D"];

fn month_letter(m: &str) -> &'static str {
    m.get(5..7)
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|k| (1..=12).contains(k))
        .map_or("?", |k| MONTH_LETTERS[k - 1])
}

/// Small multiples of monthly quota per rep.
pub struct QuotaChart<'a> {
    pub data: &'a QuotaData,
    /// Annual final quota per rep id (panel captions).
    pub annual: BTreeMap<String, f64>,
    /// Balance group per rep id: panels of a group share a y scale.
    pub groups: BTreeMap<String, String>,
}

impl QuotaChart<'_> {
    fn group_of(&self, rep: &RepQuota) -> &str {
        self.groups.get(&rep.id).map_or("", String::as_str)
    }

    /// Top of the y axis per balance group: the group's tallest monthly
    /// bar, with room above it for the ramp numbers.
    pub fn y_tops(&self) -> BTreeMap<&str, f64> {
        let mut tops: BTreeMap<&str, f64> = BTreeMap::new();
        for rep in &self.data.reps {
            let highest = rep
                .amounts
                .iter()
                .map(|a| a.iter().sum::<f64>())
                .fold(0.0, f64::max);
            let top = tops.entry(self.group_of(rep)).or_insert(0.0);
            *top = top.max(highest);
        }
        for top in tops.values_mut() {
            *top = if *top > 0.0 { *top * 1.22 } else { 1.0 };
        }
        tops
    }

    /// Panels in drawing order: by balance group, then rep id.
    pub fn panel_order(&self) -> Vec<&RepQuota> {
        let mut reps: Vec<&RepQuota> = self.data.reps.iter().collect();
        reps.sort_by(|a, b| (self.group_of(a), &a.id).cmp(&(self.group_of(b), &b.id)));
        reps
    }

    fn title(&self) -> String {
        let first = self.data.months.first().cloned().unwrap_or_default();
        let last = self.data.months.last().cloned().unwrap_or_default();
        if self.y_tops().len() > 1 {
            format!("Monthly quota per rep, {first} to {last}: one y scale per balance group")
        } else {
            format!("Monthly quota per rep, {first} to {last} (same y scale in every panel)")
        }
    }
}

impl Chart for QuotaChart<'_> {
    fn name(&self) -> &str {
        CHART
    }

    fn size(&self) -> (u32, u32) {
        (WIDTH, layout(self.data.reps.len()).2)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let (cols, rows, height) = layout(self.data.reps.len());
        let (head, rest) = root.split_vertically(HEAD);
        let (body, foot) = rest.split_vertically(height - HEAD - FOOT);
        let (ydesc, grid) = body.split_horizontally(28);
        let first = self.data.months.first().cloned().unwrap_or_default();
        let last = self.data.months.last().cloned().unwrap_or_default();
        head.draw(&Text::new(
            self.title(),
            (14, 12),
            (FONT, 26).into_font().color(&BLACK),
        ))
        .map_err(text_err)?;
        self.draw_legend(&head)?;
        ydesc
            .draw(&Text::new(
                "quota per month (currency units)",
                (6, (height - HEAD - FOOT) as i32 / 2),
                (FONT, 16)
                    .into_font()
                    .transform(FontTransform::Rotate270)
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(text_err)?;
        foot.draw(&Text::new(
            format!(
                "month ({first} to {last}; letters are month initials); panel title: rep, balance group and annual final quota"
            ),
            (WIDTH as i32 / 2, 6),
            (FONT, 16)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(text_err)?;
        let tops = self.y_tops();
        let panels = grid.split_evenly((rows, cols));
        for (rep, area) in self.panel_order().into_iter().zip(panels.iter()) {
            let top = tops.get(self.group_of(rep)).copied().unwrap_or(1.0);
            self.draw_panel(area, rep, top)?;
        }
        Ok(())
    }
}

impl QuotaChart<'_> {
    fn draw_legend<DB: DrawingBackend>(&self, head: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let c = rep_colour(0);
        let font = (FONT, 15).into_font().color(&BLACK);
        let mut x = 16;
        let y = 56;
        for (k, label) in COMPONENT_LABELS.iter().enumerate() {
            head.draw(&Rectangle::new(
                [(x, y), (x + 18, y + 14)],
                lighten(c, SHADES[k]).filled(),
            ))
            .map_err(text_err)?;
            head.draw(&Rectangle::new(
                [(x, y), (x + 18, y + 14)],
                darken(c, 0.7).stroke_width(1),
            ))
            .map_err(text_err)?;
            let text = format!("{label} ({})", ["full colour", "lighter", "lightest"][k]);
            head.draw(&Text::new(text.clone(), (x + 24, y), font.clone()))
                .map_err(text_err)?;
            x += 24 + 9 * text.len() as i32 + 24;
        }
        hatch(head, (x, y), (x + 18, y + 14))?;
        head.draw(&Text::new(
            "ramping month of a new hire; number above = % ramped (0: not started yet)",
            (x + 24, y),
            font.clone(),
        ))
        .map_err(text_err)?;
        Ok(())
    }

    fn draw_panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        rep: &RepQuota,
        top: f64,
    ) -> Result<(), String> {
        let n = self.data.months.len().max(1);
        let colour = rep_colour(rep.colour);
        let annual = self.annual.get(&rep.id).copied().unwrap_or_else(|| {
            rep.amounts
                .iter()
                .map(|a| a.iter().sum::<f64>())
                .sum::<f64>()
        });
        let ramping = rep.ramp.iter().any(|&f| f < 1.0);
        let group = match self.group_of(rep) {
            "" => String::new(),
            "*" => " · all".to_string(),
            g => format!(" · {g}"),
        };
        let caption = format!(
            "{}{group} · {}/yr{}",
            rep.id,
            compact(annual),
            if ramping { " · ramping" } else { "" }
        );
        let mut chart = ChartBuilder::on(area)
            .caption(caption, (FONT, 14).into_font())
            .margin(5)
            .x_label_area_size(16)
            .y_label_area_size(44)
            .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..top)
            .map_err(text_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .max_light_lines(0)
            .bold_line_style(RGBColor(225, 225, 225))
            .x_labels(0)
            .y_labels(4)
            .label_style((FONT, 11))
            .y_label_formatter(&|v| compact(*v))
            .draw()
            .map_err(text_err)?;
        let base = area.get_base_pixel();
        // Ramping months: hatched column, ramp % above the bar.
        for (i, &f) in rep.ramp.iter().enumerate() {
            if f >= 1.0 {
                continue;
            }
            let x = i as f64;
            let (x0, y0) = chart.backend_coord(&(x - 0.48, top));
            let (x1, y1) = chart.backend_coord(&(x + 0.48, 0.0));
            hatch(area, (x0 - base.0, y0 - base.1), (x1 - base.0, y1 - base.1))?;
        }
        let edge = darken(colour, 0.7);
        for (k, w) in SHADES.iter().enumerate() {
            let fill = lighten(colour, *w);
            let bars = rep.amounts.iter().enumerate().map(|(i, a)| {
                let low: f64 = a[..k].iter().sum();
                (i as f64, low, low + a[k])
            });
            chart
                .draw_series(bars.clone().filter(|b| b.2 > b.1).map(|(x, lo, hi)| {
                    Rectangle::new([(x - 0.38, lo), (x + 0.38, hi)], fill.filled())
                }))
                .map_err(text_err)?;
            chart
                .draw_series(bars.filter(|b| b.2 > b.1).map(|(x, lo, hi)| {
                    Rectangle::new([(x - 0.38, lo), (x + 0.38, hi)], edge.stroke_width(1))
                }))
                .map_err(text_err)?;
        }
        let small = (FONT, 10)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Bottom));
        for (i, (&f, a)) in rep.ramp.iter().zip(&rep.amounts).enumerate() {
            if f < 1.0 {
                let total: f64 = a.iter().sum();
                let (x, y) = chart.backend_coord(&(i as f64, total));
                area.draw(&Text::new(
                    fixed(f * 100.0, 0),
                    (x - base.0, y - base.1 - 2),
                    small.clone(),
                ))
                .map_err(text_err)?;
            }
        }
        let label = (FONT, 11)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Top));
        for (i, m) in self.data.months.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(i as f64, 0.0));
            area.draw(&Text::new(
                month_letter(m),
                (x - base.0, y - base.1 + 3),
                label.clone(),
            ))
            .map_err(text_err)?;
        }
        Ok(())
    }
}

/// Grey diagonal hatching in the pixel box `a`-`b` of `area`.
fn hatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    a: (i32, i32),
    b: (i32, i32),
) -> Result<(), String> {
    let (x0, y0, x1, y1) = (a.0.min(b.0), a.1.min(b.1), a.0.max(b.0), a.1.max(b.1));
    area.draw(&Rectangle::new(
        [(x0, y0), (x1, y1)],
        RGBColor(236, 236, 236).filled(),
    ))
    .map_err(text_err)?;
    let grey = RGBColor(175, 175, 175);
    let (w, h) = (x1 - x0, y1 - y0);
    // Parallel diagonals x' + y' = d (x' from the left, y' up from the
    // bottom), 6 px apart, clipped to the box.
    let mut d = 6;
    while d < w + h {
        let (xa, xb) = ((d - h).max(0), d.min(w));
        area.draw(&PathElement::new(
            vec![(x0 + xa, y1 - (d - xa)), (x0 + xb, y1 - (d - xb))],
            grey.stroke_width(1),
        ))
        .map_err(text_err)?;
        d += 6;
    }
    Ok(())
}

/// The Quotas section: `None` when `quotas.csv` is not in the folder.
pub fn section(folder: &PlanFolder) -> Result<Option<SectionOutput>, ReportError> {
    if !folder.dir.join(QUOTAS_FILE).is_file() {
        return Ok(None);
    }
    let summary = read_summary(folder)?;
    let ids: Vec<String> = summary.iter().map(|r| r.id.clone()).collect();
    let data = read_quotas(folder, &ids)?;
    let chart = QuotaChart {
        data: &data,
        annual: summary
            .iter()
            .map(|r| (r.id.clone(), r.final_quota))
            .collect(),
        groups: folder
            .reps
            .iter()
            .map(|r| (r.id.clone(), r.group.clone()))
            .collect(),
    };
    let r = render::both(&chart)?;
    let mut html = String::new();
    let total: f64 = summary.iter().map(|r| r.final_quota).sum();
    let bottom_up: f64 = summary.iter().map(|r| r.bottom_up).sum();
    let attain: Vec<f64> = summary.iter().filter_map(|r| r.p_attain).collect();
    let ramping = data
        .reps
        .iter()
        .filter(|r| r.ramp.iter().any(|&f| f < 1.0))
        .count();
    let _ = write!(
        html,
        "<ul class=\"cards\"><li><b>{}</b> final quota in all</li><li><b>{}</b> bottom-up</li>\
         <li><b>{}</b> reps ramping during the year</li>",
        thousands(total),
        thousands(bottom_up),
        ramping
    );
    if !attain.is_empty() {
        let _ = write!(
            html,
            "<li><b>{} %</b> expected to reach quota (mean p_attain)</li>",
            fixed(attain.iter().sum::<f64>() / attain.len() as f64 * 100.0, 1)
        );
    }
    html.push_str("</ul>\n");
    html.push_str(&figure(
        &r.svg,
        CHART,
        "Monthly quota per rep (quotas.csv), stacked by component in shades of the rep's colour; panels grouped by balance group, each group on its own y scale; hatched months: the rep is ramping.",
    ));
    let opt = |x: Option<f64>, scale: f64, d: usize| match x {
        Some(v) => num_cell(&fixed(v * scale, d), v),
        None => "<td class=\"n\" data-k=\"-1e300\"></td>".to_string(),
    };
    let rows: Vec<String> = summary
        .iter()
        .map(|s| {
            let colour = folder.rep_index(&s.id).map(rep_colour).unwrap_or((0, 0, 0));
            [
                format!(
                    "<td><span class=\"sw\" style=\"background:{}\"></span>{}</td>",
                    hex(colour),
                    escape(&s.id)
                ),
                text_cell(&s.name),
                text_cell(&s.region),
                num_cell(&fixed(s.capacity, 2), s.capacity),
                num_cell(&thousands(s.top_down), s.top_down),
                num_cell(&thousands(s.bottom_up), s.bottom_up),
                num_cell(&thousands(s.final_quota), s.final_quota),
                num_cell(&thousands(s.gap), s.gap),
                opt(s.gap_pct, 1.0, 2),
                opt(s.pipeline_coverage, 1.0, 2),
                opt(s.p_attain, 100.0, 1),
                num_cell(&thousands(s.components[0]), s.components[0]),
                num_cell(&thousands(s.components[1]), s.components[1]),
                num_cell(&thousands(s.components[2]), s.components[2]),
                text_cell(&s.flags.replace(';', ", ")),
            ]
            .concat()
        })
        .collect();
    html.push_str(&table(
        &[
            "rep",
            "name",
            "region",
            "FTE",
            "top-down",
            "bottom-up",
            "final quota",
            "gap",
            "gap %",
            "pipeline coverage ×",
            "p(attain) %",
            "new business",
            "expansion",
            "retention",
            "flags",
        ],
        &rows,
    ));
    Ok(Some(SectionOutput::new(
        "quotas",
        "Quotas",
        html,
        r.files(CHART).into(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_labels() {
        assert_eq!(compact(950.0), "950");
        assert_eq!(compact(12_000.0), "12 k");
        assert_eq!(compact(1_260_000.0), "1.3 M");
        assert_eq!(compact(14_200_000.0), "14.2 M");
        assert_eq!(compact(20_500_000.0), "20.5 M");
        assert_eq!(compact(0.0), "0");
    }

    #[test]
    fn layout_keeps_balance_size_up_to_36_reps_then_grows() {
        assert_eq!(layout(4), (2, 2, HEIGHT));
        assert_eq!(layout(30), (6, 5, HEIGHT));
        let (c, r, h) = layout(200);
        assert_eq!((c, r), (10, 20));
        assert!(h > HEIGHT);
    }

    fn rep(id: &str, monthly: f64) -> RepQuota {
        RepQuota {
            id: id.to_string(),
            colour: 0,
            amounts: vec![[monthly, 0.0, 0.0]; 2],
            ramp: vec![1.0; 2],
        }
    }

    #[test]
    fn each_balance_group_gets_its_own_scale_and_panels_follow_the_groups() {
        let data = QuotaData {
            months: vec!["2027-01".into(), "2027-02".into()],
            reps: vec![rep("R1", 100.0), rep("R2", 2_000.0), rep("R3", 50.0)],
        };
        let groups = [("R1", "SMB"), ("R2", "ENT"), ("R3", "SMB")]
            .iter()
            .map(|(r, g)| (r.to_string(), g.to_string()))
            .collect();
        let chart = QuotaChart {
            data: &data,
            annual: BTreeMap::new(),
            groups,
        };
        let tops = chart.y_tops();
        assert_eq!(tops["SMB"], 100.0 * 1.22);
        assert_eq!(tops["ENT"], 2_000.0 * 1.22);
        let order: Vec<&str> = chart.panel_order().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(order, ["R2", "R1", "R3"]);
        assert!(chart.title().contains("one y scale per balance group"));
    }

    #[test]
    fn month_letters() {
        assert_eq!(month_letter("2027-01"), "J");
        assert_eq!(month_letter("2027-12"), "D");
        assert_eq!(month_letter("bad"), "?");
    }
}
