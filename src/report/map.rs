//! The territory map: accounts as dots coloured by territory (area by
//! potential), each territory's convex hull, and rep homes.
//!
//! Layout: title and key on top, the map on the left, a legend on the
//! right: the key to the marks, then the rep colours (for up to
//! [`MAX_LEGEND_REPS`] reps; more would be unreadable, and the page's
//! table has them all) in one to three columns or a capped list, so that
//! it stays inside the frame whatever the rep count, Alaska and Hawaii in
//! insets at the bottom left when the plan has accounts there and on the
//! mainland, and a km scale bar. Above [`MAX_POINTS`] accounts a
//! deterministic, evenly spaced sample of dots is drawn (the title says
//! so); hulls and rep homes are always computed from every account.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::basemap::{clip_polyline, state_borders};
use super::hull::{territory_hulls, TerritoryHull};
use super::palette::{rep_colour, Rgb};
use super::projection::{Area, AreaRule, Projection, Rect};
use super::render::{text_err, Chart, FONT};
use crate::output::folder::PlanFolder;
use crate::output::format::thousands;

/// Most dots drawn; above this the accounts are sampled.
pub const MAX_POINTS: usize = 20_000;
/// Most dots on one balance group's map: there are several such maps,
/// all inlined in report.html, which should stay quick to open.
pub const MAX_GROUP_POINTS: usize = 8_000;
/// Most dots drawn with a rim; more would turn the map into rims.
const MAX_OUTLINED_POINTS: usize = 5_000;
/// Most reps listed in the legend.
pub const MAX_LEGEND_REPS: usize = 40;
/// Most rep homes labelled with their id.
const MAX_LABELLED_HOMES: usize = 60;

const WIDTH: u32 = 1400;
const HEIGHT: u32 = 1000;
const LEGEND_WIDTH: f64 = 270.0;
const TOP: f64 = 100.0;
const INSET_W: f64 = 240.0;
const INSET_H: f64 = 170.0;

/// The territory map of a plan.
pub struct MapChart<'a> {
    folder: &'a PlanFolder,
    /// File stem: `map`, or `map_<group>` for one balance group's map.
    name: String,
    /// The balance group drawn, or `None` for every territory.
    group: Option<String>,
    /// Indices into `folder.reps` and `folder.accounts` of what is drawn.
    reps: Vec<usize>,
    accounts: Vec<usize>,
    rule: AreaRule,
    hulls: Vec<TerritoryHull>,
    /// Accounts drawn, largest potential first so small dots stay visible.
    shown: Vec<usize>,
    /// Potential that gets the largest dot (95th percentile).
    reference_potential: f64,
    /// Ring the accounts whose owner changed (the rebalance map).
    highlight_moved: bool,
}

/// Evenly spaced indices `0..n`, at most `max` of them, always the same.
pub fn sample(n: usize, max: usize) -> Vec<usize> {
    if n <= max {
        return (0..n).collect();
    }
    (0..max).map(|i| i * n / max).collect()
}

impl<'a> MapChart<'a> {
    /// The map of every territory.
    pub fn new(folder: &'a PlanFolder) -> MapChart<'a> {
        MapChart::of(folder, None, "map".to_string())
    }

    /// The map of every territory with the accounts whose owner changed
    /// ringed in black and drawn on top (`map_moves`, rebalance folders).
    pub fn moves(folder: &'a PlanFolder) -> MapChart<'a> {
        let mut map = MapChart::of(folder, None, "map_moves".to_string());
        map.highlight_moved = true;
        // Overlapping hulls would hide the rings: the territory colours say
        // where each moved account went.
        map.hulls.clear();
        // Every moved account is drawn, sampled or not, last (on top).
        map.shown.retain(|&i| !folder.accounts[i].moved);
        map.shown
            .extend((0..folder.accounts.len()).filter(|&i| folder.accounts[i].moved));
        map
    }

    /// The map of one balance group's territories (reps with the same
    /// segment coverage), named `map_<group>`: where groups overlap (SMB
    /// reps beside enterprise reps covering the whole country) the
    /// overall map cannot show either clearly.
    pub fn for_group(folder: &'a PlanFolder, group: &str, name: String) -> MapChart<'a> {
        MapChart::of(folder, Some(group.to_string()), name)
    }

    fn of(folder: &'a PlanFolder, group: Option<String>, name: String) -> MapChart<'a> {
        let in_group =
            |rep: &crate::output::folder::RepRow| group.as_ref().is_none_or(|g| &rep.group == g);
        let reps: Vec<usize> = (0..folder.reps.len())
            .filter(|&i| in_group(&folder.reps[i]))
            .collect();
        let accounts: Vec<usize> = (0..folder.accounts.len())
            .filter(|&i| in_group(&folder.reps[folder.accounts[i].rep]))
            .collect();
        let rule = AreaRule::for_points(
            accounts
                .iter()
                .map(|&i| (folder.accounts[i].lat, folder.accounts[i].lon))
                .chain(
                    reps.iter()
                        .map(|&i| (folder.reps[i].lat, folder.reps[i].lon)),
                ),
        );
        let hulls = territory_hulls(accounts.iter().map(|&i| &folder.accounts[i]), &rule);
        let max_points = if group.is_some() {
            MAX_GROUP_POINTS
        } else {
            MAX_POINTS
        };
        let mut shown: Vec<usize> = sample(accounts.len(), max_points)
            .into_iter()
            .map(|k| accounts[k])
            .collect();
        let all_accounts = &folder.accounts;
        let accounts_rows = all_accounts;
        shown.sort_by(|&a, &b| {
            accounts_rows[b]
                .potential
                .total_cmp(&accounts_rows[a].potential)
                .then(a.cmp(&b))
        });
        let mut potentials: Vec<f64> = shown.iter().map(|&i| accounts_rows[i].potential).collect();
        potentials.sort_by(f64::total_cmp);
        let reference_potential = potentials
            .get(potentials.len() * 95 / 100)
            .copied()
            .unwrap_or(0.0);
        MapChart {
            folder,
            name,
            group,
            reps,
            accounts,
            rule,
            hulls,
            shown,
            reference_potential,
            highlight_moved: false,
        }
    }

    /// Dot radius in pixels: area proportional to potential up to the
    /// 95th percentile, so one huge account does not shrink every dot.
    fn radius(&self, potential: f64) -> i32 {
        let share = if self.reference_potential > 0.0 {
            (potential / self.reference_potential).clamp(0.0, 1.0)
        } else {
            0.0
        };
        (1.5 + 4.5 * share.sqrt()).round() as i32
    }

    /// The territory outlines drawn (also written to the GeoJSON).
    pub fn hulls(&self) -> &[TerritoryHull] {
        &self.hulls
    }

    fn legend_shown(&self) -> bool {
        self.reps.len() <= MAX_LEGEND_REPS
    }

    fn map_rect(&self) -> Rect {
        let right = if self.legend_shown() {
            LEGEND_WIDTH
        } else {
            10.0
        };
        Rect {
            x: 10.0,
            y: TOP,
            w: WIDTH as f64 - 20.0 - right,
            h: HEIGHT as f64 - TOP - 10.0,
        }
    }

    /// Areas that hold any account or rep home, main first.
    fn areas(&self) -> Vec<Area> {
        let mut areas: Vec<Area> = self
            .points()
            .map(|(lat, lon)| self.rule.area(lat, lon))
            .collect();
        areas.sort();
        areas.dedup();
        areas
    }

    /// Each area's projection and frame; insets sit in the bottom-left
    /// corner of the map, Alaska then Hawaii.
    fn panels(&self) -> Vec<(Area, Rect, Projection)> {
        let map = self.map_rect();
        let mut panels = Vec::new();
        let mut inset_x = map.x;
        for area in self.areas() {
            let rect = if area == Area::Main {
                map
            } else {
                let r = Rect {
                    x: inset_x,
                    y: map.y + map.h - INSET_H,
                    w: INSET_W,
                    h: INSET_H,
                };
                inset_x += INSET_W + 8.0;
                r
            };
            let points: Vec<(f64, f64)> = self
                .points()
                .filter(|&(lat, lon)| self.rule.area(lat, lon) == area)
                .collect();
            // Insets show at least a few degrees so that the coast around
            // one or two accounts is recognisable.
            let (margin, min_span) = if area == Area::Main {
                (30.0, 0.5)
            } else {
                (22.0, 4.0)
            };
            panels.push((area, rect, Projection::fit(&points, rect, margin, min_span)));
        }
        panels
    }

    /// Accounts and rep homes drawn, as (lat, lon).
    fn points(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        let f = self.folder;
        self.accounts
            .iter()
            .map(move |&i| (f.accounts[i].lat, f.accounts[i].lon))
            .chain(
                self.reps
                    .iter()
                    .map(move |&i| (f.reps[i].lat, f.reps[i].lon)),
            )
    }

    fn title(&self) -> String {
        if self.highlight_moved {
            let moved = self.folder.accounts.iter().filter(|a| a.moved).count();
            return format!(
                "Rebalance: {} of {} accounts change owner (ringed)",
                thousands(moved as f64),
                thousands(self.accounts.len() as f64)
            );
        }
        let what = match &self.group {
            None => "Territory map".to_string(),
            Some(g) => format!("Territory map, balance group {g}"),
        };
        format!(
            "{what}: {} accounts in {} territories",
            thousands(self.accounts.len() as f64),
            thousands(self.reps.len() as f64)
        )
    }

    fn key(&self) -> String {
        if self.highlight_moved {
            return "Dots: accounts coloured by their new territory, dot area proportional to \
                    potential; black rings: accounts that change owner. Diamonds: rep homes."
                .to_string();
        }
        let mut key = "Dots: accounts coloured by territory, dot area proportional to potential. \
                       Diamonds: rep homes. Outlines: convex hull of each territory."
            .to_string();
        if self.shown.len() < self.accounts.len() {
            key.push_str(&format!(
                " Dots: an even sample of {} accounts (hulls use all).",
                thousands(self.shown.len() as f64)
            ));
        }
        key
    }
}

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn px(p: (f64, f64)) -> (i32, i32) {
    (p.0.round() as i32, p.1.round() as i32)
}

/// A "nice" scale-bar length in km for about `target_px` pixels.
fn nice_km(km_per_px: f64, target_px: f64) -> f64 {
    let raw = km_per_px * target_px;
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .take_while(|&v| v <= raw)
        .last()
        .unwrap_or(magnitude)
}

impl Chart for MapChart<'_> {
    fn name(&self) -> &str {
        &self.name
    }

    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let title = (FONT, 28).into_font().color(&BLACK);
        let small = (FONT, 16).into_font().color(&RGBColor(60, 60, 60));
        root.draw(&Text::new(self.title(), (14, 12), title))
            .map_err(text_err)?;
        root.draw(&Text::new(self.key(), (14, 52), small.clone()))
            .map_err(text_err)?;

        let panels = self.panels();
        for (area, rect, projection) in &panels {
            self.draw_panel(root, *area, rect, projection)?;
        }
        if let Some((_, rect, projection)) = panels.iter().find(|p| p.0 == Area::Main) {
            self.draw_scale_bar(root, rect, projection)?;
        }
        if self.legend_shown() {
            self.draw_legend(root)?;
        } else {
            let note = format!(
                "{} territories: colours repeat every 20 reps; report.html lists every territory.",
                thousands(self.reps.len() as f64)
            );
            root.draw(&Text::new(note, (14, 74), small))
                .map_err(text_err)?;
        }
        Ok(())
    }
}

impl MapChart<'_> {
    fn draw_panel<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        area: Area,
        rect: &Rect,
        projection: &Projection,
    ) -> Result<(), String> {
        let corner0 = px((rect.x, rect.y));
        let corner1 = px((rect.x + rect.w, rect.y + rect.h));
        if area != Area::Main {
            root.draw(&Rectangle::new([corner0, corner1], WHITE.filled()))
                .map_err(text_err)?;
        }
        root.draw(&Rectangle::new(
            [corner0, corner1],
            RGBColor(150, 150, 150).stroke_width(1),
        ))
        .map_err(text_err)?;
        if area != Area::Main {
            let label = (FONT, 14).into_font().color(&RGBColor(60, 60, 60));
            root.draw(&Text::new(
                area.label(),
                (corner0.0 + 6, corner0.1 + 4),
                label,
            ))
            .map_err(text_err)?;
        }

        self.draw_borders(root, rect, projection)?;
        let hulls: Vec<&TerritoryHull> = self.hulls.iter().filter(|h| h.area == area).collect();
        let ring_px = |h: &TerritoryHull| -> Vec<(i32, i32)> {
            h.ring
                .iter()
                .map(|&(lon, lat)| projection.to_pixel(lat, lon))
                .collect()
        };
        for h in &hulls {
            let c = rgb(rep_colour(h.rep));
            root.draw(&Polygon::new(ring_px(h), c.mix(0.07).filled()))
                .map_err(text_err)?;
        }
        // Outlines under the dots, so no account hides under a line.
        for h in &hulls {
            let c = rgb(rep_colour(h.rep));
            root.draw(&PathElement::new(ring_px(h), c.stroke_width(2)))
                .map_err(text_err)?;
        }
        let outlined = self.shown.len() <= MAX_OUTLINED_POINTS;
        for &i in &self.shown {
            let a = &self.folder.accounts[i];
            if self.rule.area(a.lat, a.lon) != area {
                continue;
            }
            let c = rep_colour(a.rep);
            let centre = projection.to_pixel(a.lat, a.lon);
            let r = self.radius(a.potential);
            root.draw(&Circle::new(centre, r, rgb(c).mix(0.85).filled()))
                .map_err(text_err)?;
            if self.highlight_moved && a.moved {
                root.draw(&Circle::new(centre, r + 3, BLACK.stroke_width(2)))
                    .map_err(text_err)?;
                continue;
            }
            if outlined {
                // A darker rim keeps the light palette shades visible on
                // white and on their own hull.
                let dark = RGBColor(c.0 / 2, c.1 / 2, c.2 / 2);
                root.draw(&Circle::new(centre, r, dark.stroke_width(1)))
                    .map_err(text_err)?;
            }
        }
        self.draw_homes(root, area, projection)
    }

    /// State borders in light grey, clipped to the panel.
    fn draw_borders<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        rect: &Rect,
        projection: &Projection,
    ) -> Result<(), String> {
        let style = RGBColor(200, 200, 200).stroke_width(1);
        for border in state_borders() {
            let pts: Vec<(f64, f64)> = border
                .iter()
                .map(|&(lat, lon)| projection.to_px(lat, lon))
                .collect();
            for run in clip_polyline(&pts, rect.x, rect.y, rect.x + rect.w, rect.y + rect.h) {
                let run: Vec<(i32, i32)> = run.into_iter().map(px).collect();
                root.draw(&PathElement::new(run, style)).map_err(text_err)?;
            }
        }
        Ok(())
    }

    fn draw_homes<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        area: Area,
        projection: &Projection,
    ) -> Result<(), String> {
        let label_font = (FONT, 13)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        let labelled = self.reps.len() <= MAX_LABELLED_HOMES;
        // Reps sharing a city would print their ids on top of each other:
        // homes within a few pixels share one label "R001, R025".
        let mut groups: Vec<((i32, i32), Vec<&str>)> = Vec::new();
        for &i in &self.reps {
            let r = &self.folder.reps[i];
            if self.rule.area(r.lat, r.lon) != area {
                continue;
            }
            let (x, y) = projection.to_pixel(r.lat, r.lon);
            let size = if labelled { 8 } else { 5 };
            diamond(root, (x, y), size, rgb(rep_colour(i)))?;
            match groups
                .iter_mut()
                .find(|(p, _)| (p.0 - x).abs() <= 14 && (p.1 - y).abs() <= 10)
            {
                Some((_, ids)) => ids.push(&r.id),
                None => groups.push(((x, y), vec![&r.id])),
            }
        }
        if labelled {
            for ((x, y), ids) in groups {
                root.draw(&Text::new(
                    home_label(&ids),
                    (x + 11, y),
                    label_font.clone(),
                ))
                .map_err(text_err)?;
            }
        }
        Ok(())
    }

    fn draw_scale_bar<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        rect: &Rect,
        projection: &Projection,
    ) -> Result<(), String> {
        let km_per_px = projection.km_per_px();
        let km = nice_km(km_per_px, 150.0);
        let len = (km / km_per_px).round() as i32;
        let x1 = (rect.x + rect.w).round() as i32 - 20;
        let x0 = x1 - len;
        let y = (rect.y + rect.h).round() as i32 - 22;
        let dark = RGBColor(40, 40, 40);
        root.draw(&PathElement::new(
            vec![(x0, y - 5), (x0, y), (x1, y), (x1, y - 5)],
            dark.stroke_width(2),
        ))
        .map_err(text_err)?;
        let font = (FONT, 14)
            .into_font()
            .color(&dark)
            .pos(Pos::new(HPos::Center, VPos::Bottom));
        root.draw(&Text::new(
            format!("{} km", thousands(km)),
            ((x0 + x1) / 2, y - 6),
            font,
        ))
        .map_err(text_err)
    }

    /// The legend column: the key to the marks first (fixed height, so it
    /// can never be pushed out of the frame), then the rep colours in as
    /// many columns as they need ([`legend_layout`]).
    fn draw_legend<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let x = (WIDTH as f64 - LEGEND_WIDTH + 4.0) as i32;
        let head = (FONT, 17).into_font().color(&BLACK);
        let y = self.draw_marks_key(root, x, TOP as i32)?;
        root.draw(&Text::new("Territory (rep)", (x, y), head))
            .map_err(text_err)?;
        let first = y + 30;
        let layout = legend_layout(self.reps.len(), first, HEIGHT as i32 - LEGEND_BOTTOM_MARGIN);
        let font_size = if layout.columns == 1 { 14 } else { 12 };
        let font = (FONT, font_size)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        let column_width = (LEGEND_WIDTH as i32 - 8) / layout.columns as i32;
        let at = |k: usize| {
            let (col, row) = (k / layout.rows, k % layout.rows);
            (
                x + col as i32 * column_width,
                first + row as i32 * LEGEND_ROW,
            )
        };
        for (k, &i) in self.reps.iter().take(layout.shown).enumerate() {
            let r = &self.folder.reps[i];
            let (cx, cy) = at(k);
            let c = rgb(rep_colour(i));
            root.draw(&Rectangle::new(
                [(cx, cy - 7), (cx + 14, cy + 7)],
                c.filled(),
            ))
            .map_err(text_err)?;
            let label = if r.name.is_empty() || layout.columns > 2 {
                r.id.clone()
            } else {
                format!("{} {}", r.id, r.name)
            };
            root.draw(&Text::new(
                truncate(&label, layout.label_chars),
                (cx + 20, cy),
                font.clone(),
            ))
            .map_err(text_err)?;
        }
        if layout.more > 0 {
            let more = format!("+{} more", thousands(layout.more as f64));
            root.draw(&Text::new(more, at(layout.shown), font))
                .map_err(text_err)?;
        }
        Ok(())
    }

    /// The key to the marks (dot, diamond, hull) from `y` down; returns
    /// the y below it.
    fn draw_marks_key<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        x: i32,
        mut y: i32,
    ) -> Result<i32, String> {
        let head = (FONT, 17).into_font().color(&BLACK);
        let font = (FONT, 14)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        root.draw(&Text::new("Marks", (x, y), head))
            .map_err(text_err)?;
        y += 30;
        let grey = RGBColor(90, 90, 90);
        root.draw(&Circle::new((x + 7, y), 5, grey.filled()))
            .map_err(text_err)?;
        root.draw(&Text::new(
            "account (area ∝ potential)",
            (x + 22, y),
            font.clone(),
        ))
        .map_err(text_err)?;
        y += 22;
        diamond(root, (x + 7, y), 8, grey)?;
        root.draw(&Text::new("rep home", (x + 22, y), font.clone()))
            .map_err(text_err)?;
        y += 22;
        root.draw(&Rectangle::new(
            [(x, y - 7), (x + 14, y + 7)],
            grey.mix(0.2).filled(),
        ))
        .map_err(text_err)?;
        root.draw(&Rectangle::new(
            [(x, y - 7), (x + 14, y + 7)],
            grey.stroke_width(2),
        ))
        .map_err(text_err)?;
        root.draw(&Text::new("territory hull", (x + 22, y), font))
            .map_err(text_err)?;
        Ok(y + 34)
    }
}

/// Pixels between two legend rows.
const LEGEND_ROW: i32 = 20;
/// Space kept free below the legend's last row.
const LEGEND_BOTTOM_MARGIN: i32 = 12;

/// How the rep legend fits its column between two heights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegendLayout {
    /// Side-by-side columns (1 to 3).
    pub columns: usize,
    /// Rows per column.
    pub rows: usize,
    /// Reps listed.
    pub shown: usize,
    /// Reps left out, counted in a last "+N more" line.
    pub more: usize,
    /// Longest label, in characters.
    pub label_chars: usize,
}

/// Lay out `reps` legend rows whose centres run from `first` to at most
/// `bottom`: one column with names while they fit, then two and three
/// narrower columns, then a capped list that ends with "+N more".
pub fn legend_layout(reps: usize, first: i32, bottom: i32) -> LegendLayout {
    let rows = (((bottom - 7 - first) / LEGEND_ROW) + 1).max(1) as usize;
    let (columns, label_chars) = match reps.div_ceil(rows) {
        0 | 1 => (1, 28),
        2 => (2, 16),
        _ => (3, 8),
    };
    let slots = columns * rows;
    let (shown, more) = if reps <= slots {
        (reps, 0)
    } else {
        (slots - 1, reps - (slots - 1))
    };
    // Columns of even length when everything fits (20 + 20, not 38 + 2).
    let rows = if more == 0 {
        reps.div_ceil(columns).max(1)
    } else {
        rows
    };
    LegendLayout {
        columns,
        rows,
        shown,
        more,
        label_chars,
    }
}

/// `text` cut to `max` characters, with an ellipsis when cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() > max {
        text.chars().take(max - 1).collect::<String>() + "…"
    } else {
        text.to_string()
    }
}

/// Label of homes drawn at one spot: every id up to three, then a count.
fn home_label(ids: &[&str]) -> String {
    if ids.len() <= 3 {
        ids.join(", ")
    } else {
        format!("{}, {} +{}", ids[0], ids[1], ids.len() - 2)
    }
}

/// A rep-home marker: a diamond in the rep's colour with a black outline.
fn diamond<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    r: i32,
    colour: RGBColor,
) -> Result<(), String> {
    let pts = vec![(x, y - r), (x + r, y), (x, y + r), (x - r, y)];
    root.draw(&Polygon::new(pts.clone(), colour.filled()))
        .map_err(text_err)?;
    let mut outline = pts;
    outline.push((x, y - r));
    root.draw(&PathElement::new(outline, BLACK.stroke_width(2)))
        .map_err(text_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sampling_is_even_deterministic_and_capped() {
        assert_eq!(sample(5, 10), vec![0, 1, 2, 3, 4]);
        let s = sample(100_000, 20_000);
        assert_eq!(s.len(), 20_000);
        assert_eq!(s[..3], [0, 5, 10]);
        assert!(s.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(s, sample(100_000, 20_000));
    }

    #[test]
    fn the_legend_stays_in_the_frame_at_any_rep_count() {
        let (first, bottom) = (238, HEIGHT as i32 - LEGEND_BOTTOM_MARGIN);
        for reps in 0..=500 {
            let l = legend_layout(reps, first, bottom);
            let last_centre = first + (l.rows as i32 - 1) * LEGEND_ROW;
            assert!(last_centre + 7 <= bottom, "{reps} reps: {l:?}");
            assert_eq!(l.shown + l.more, reps, "{l:?}");
            let used = l.shown + usize::from(l.more > 0);
            assert!(used <= l.columns * l.rows, "{reps} reps: {l:?}");
            assert!(l.columns <= 3);
        }
        assert_eq!(legend_layout(30, first, bottom).columns, 1);
        assert_eq!(legend_layout(40, first, bottom).columns, 2);
        let capped = legend_layout(500, first, bottom);
        assert_eq!(capped.shown + 1, capped.columns * capped.rows);
    }

    #[test]
    fn homes_at_one_spot_share_a_label() {
        assert_eq!(home_label(&["R1"]), "R1");
        assert_eq!(home_label(&["R1", "R2", "R3"]), "R1, R2, R3");
        assert_eq!(home_label(&["R1", "R2", "R3", "R4"]), "R1, R2 +2");
    }

    #[test]
    fn scale_bar_lengths_are_round() {
        assert_eq!(nice_km(2.0, 150.0), 200.0);
        assert_eq!(nice_km(4.0, 150.0), 500.0);
        assert_eq!(nice_km(0.09, 150.0), 10.0);
    }
}
