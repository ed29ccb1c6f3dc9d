//! Territory colours: one fixed colour per rep, the same in every chart.
//!
//! Colours are taken from a fixed 20-colour palette (Tableau 20, strong
//! shades first so that small plans get the most distinct ones; its two
//! greys replaced by indigo and ochre, because grey reads as "before" in
//! the balance chart and as "unassigned" on the map), cycled by
//! the rep's position when reps are sorted by `rep_id`. The order never
//! depends on the plan, so a rep keeps its colour across re-runs as long as
//! the set of rep ids is the same.

/// An sRGB colour.
pub type Rgb = (u8, u8, u8);

/// The palette, strong shades first, then their light partners.
pub const PALETTE: [Rgb; 20] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (57, 59, 121),
    (188, 189, 34),
    (23, 190, 207),
    (174, 199, 232),
    (255, 187, 120),
    (152, 223, 138),
    (255, 152, 150),
    (197, 176, 213),
    (196, 156, 148),
    (247, 182, 210),
    (140, 109, 49),
    (219, 219, 141),
    (158, 218, 229),
];

/// Colour of the rep at `index` in the id-sorted rep list.
pub fn rep_colour(index: usize) -> Rgb {
    PALETTE[index % PALETTE.len()]
}

/// `#rrggbb` for HTML and CSS.
pub fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// Grey used for "before" bars and neutral marks.
pub const BEFORE_GREY: Rgb = (170, 170, 170);
/// Fill of the target band.
pub const BAND_GREEN: Rgb = (46, 160, 67);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_cycle_by_index_and_are_distinct_within_a_cycle() {
        assert_eq!(rep_colour(0), rep_colour(20));
        assert_ne!(rep_colour(0), rep_colour(1));
        let mut seen: Vec<Rgb> = PALETTE.to_vec();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), PALETTE.len());
    }

    #[test]
    fn hex_is_lower_case_six_digits() {
        assert_eq!(hex((31, 119, 180)), "#1f77b4");
        assert_eq!(hex((0, 0, 0)), "#000000");
    }
}
