//! Turning a chart into SVG and PNG bytes with plotters.
//!
//! Text is drawn with DejaVu Sans shipped in the crate (`assets/fonts`,
//! Bitstream Vera licence, see the licence file beside it) through
//! plotters' `ab_glyph` feature, so no system font library is needed and a
//! PNG looks the same on every machine. The SVG keeps text as `<text>`
//! (font-family sans-serif), so it stays small and searchable. PNG bytes
//! are encoded here (RGB, fixed settings) so the output is deterministic.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};

use super::ReportError;

/// The font every chart uses; registered once under [`FONT`].
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// Family name the charts ask for.
pub const FONT: &str = "sans-serif";

static REGISTER: Once = Once::new();

fn register() {
    REGISTER.call_once(|| {
        // The bytes are compiled in and known to be a valid TrueType font;
        // the unit test below checks registration succeeds.
        let _ = register_font(FONT, FontStyle::Normal, FONT_BYTES);
    });
}

/// A chart that can draw itself on any plotters backend.
pub trait Chart {
    /// File stem, e.g. `map` for `map.svg` and `map.png`.
    fn name(&self) -> &str;
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Draw on `root` (already filled white).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

/// The two files of one chart.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub svg: Vec<u8>,
    pub png: Vec<u8>,
}

impl Rendered {
    /// The files as a section lists them: `STEM.svg`, then `STEM.png`.
    pub fn files(self, stem: &str) -> [(String, Vec<u8>); 2] {
        [
            (format!("{stem}.svg"), self.svg),
            (format!("{stem}.png"), self.png),
        ]
    }
}

/// A chart's head: a band `height` px high split off the top of `root`,
/// with `title` in it (`size` px, 14 px in from the top left). Returns the
/// rest of `root`.
pub fn title_band<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    height: u32,
    title: &str,
    size: u32,
) -> Result<DrawingArea<DB, Shift>, String> {
    let (head, body) = root.split_vertically(height);
    head.draw(&Text::new(
        title,
        (14, 14),
        (FONT, size).into_font().color(&BLACK),
    ))
    .map_err(text_err)?;
    Ok(body)
}

/// The legend box of a chart's series: white at 90 %, black border,
/// `size` px text, at `position`.
pub fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
    size: u32,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font((FONT, size))
        .draw()
        .map_err(text_err)
}

fn draw_error(file: &str, message: impl std::fmt::Display) -> ReportError {
    ReportError::Render {
        file: file.to_string(),
        message: message.to_string(),
    }
}

/// Render `chart` as SVG text.
pub fn svg<C: Chart>(chart: &C) -> Result<Vec<u8>, ReportError> {
    register();
    let file = format!("{}.svg", chart.name());
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, chart.size()).into_drawing_area();
        root.fill(&WHITE).map_err(|e| draw_error(&file, e))?;
        chart.draw(&root).map_err(|e| draw_error(&file, e))?;
        root.present().map_err(|e| draw_error(&file, e))?;
    }
    Ok(text.into_bytes())
}

/// Render `chart` as an RGB PNG.
pub fn png<C: Chart>(chart: &C) -> Result<Vec<u8>, ReportError> {
    register();
    let file = format!("{}.png", chart.name());
    let (w, h) = chart.size();
    let mut pixels = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        chart.draw(&root).map_err(|e| draw_error(&file, e))?;
        root.present().map_err(|e| draw_error(&file, e))?;
    }
    encode_png(&pixels, w, h).map_err(|e| draw_error(&file, e))
}

fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    Ok(out)
}

/// Both files of `chart`.
pub fn both<C: Chart>(chart: &C) -> Result<Rendered, ReportError> {
    Ok(Rendered {
        svg: svg(chart)?,
        png: png(chart)?,
    })
}

/// Shorthand for drawing results inside [`Chart::draw`].
pub fn text_err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Hello;

    impl Chart for Hello {
        fn name(&self) -> &str {
            "hello"
        }
        fn size(&self) -> (u32, u32) {
            (120, 40)
        }
        fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
            root.draw(&Text::new(
                "Hello",
                (5, 5),
                (FONT, 24).into_font().color(&BLACK),
            ))
            .map_err(text_err)
        }
    }

    #[test]
    fn the_shipped_font_parses_and_text_reaches_the_pixels() {
        assert!(ab_glyph::FontRef::try_from_slice(FONT_BYTES).is_ok());
        let out = both(&Hello).unwrap();
        assert!(out.png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let svg = String::from_utf8(out.svg).unwrap();
        assert!(
            svg.contains("width=\"120\"") && svg.contains("Hello"),
            "{svg}"
        );
        // Decode and count dark pixels: text must have been rasterised.
        let decoder = png::Decoder::new(std::io::Cursor::new(out.png));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (120, 40));
        let dark = buf.chunks(3).filter(|p| p[0] < 100).count();
        assert!(dark > 50, "only {dark} dark pixels: text not drawn");
    }

    #[test]
    fn rendering_is_deterministic() {
        assert_eq!(both(&Hello).unwrap().png, both(&Hello).unwrap().png);
        assert_eq!(svg(&Hello).unwrap(), svg(&Hello).unwrap());
    }
}
