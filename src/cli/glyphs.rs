//! Text for PNG charts, rasterised glyph by glyph with each glyph's side bearing and kerning.
//!
//! plotters' own rasteriser puts every glyph's ink box at the pen position, dropping the side
//! bearing, so narrow letters crowd their neighbours ("cl" reads as "d"). SVG charts keep real
//! text, which the viewer lays out, and never come here.
use ab_glyph::{Font, FontRef, ScaleFont, point};
use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters_backend::{BackendColor, BackendCoord, DrawingErrorKind};

/// One line of text at a position, in a font, size (pixels) and colour.
pub(super) struct Line<'a> {
    pub text: &'a str,
    /// The top left of the line: its baseline is half the size below, as plotters places text.
    pub at: BackendCoord,
    pub size: f32,
    pub colour: RGBColor,
    pub font: &'a FontRef<'static>,
}

impl<'a> PointCollection<'a, BackendCoord> for &'a Line<'_> {
    type Point = &'a BackendCoord;
    type IntoIter = std::iter::Once<&'a BackendCoord>;
    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.at)
    }
}

impl<DB: DrawingBackend> Drawable<DB> for Line<'_> {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut points: I,
        backend: &mut DB,
        (width, height): (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        let Some((x, y)) = points.next() else { return Ok(()) };
        let inside = |(px, py): BackendCoord| px >= 0 && py >= 0 && (px as u32) < width && (py as u32) < height;
        let RGBColor(r, g, b) = self.colour;
        let mut result = Ok(());
        for (px, py, ink) in ink(self.font, self.size, self.text, (x as f32, y as f32 + self.size / 2.0)) {
            if result.is_ok() && inside((px, py)) {
                result = backend.draw_pixel((px, py), BackendColor { alpha: f64::from(ink), rgb: (r, g, b) });
            }
        }
        result
    }
}

/// Every inked pixel of `text` set with its baseline starting at `origin`: (x, y, coverage).
pub(super) fn ink(font: &FontRef<'static>, size: f32, text: &str, origin: (f32, f32)) -> Vec<(i32, i32, f32)> {
    let scaled = font.as_scaled(size);
    let mut pixels = Vec::new();
    let mut pen = origin.0;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(before) = previous {
            pen += scaled.kern(before, id);
        }
        let glyph = id.with_scale_and_position(size, point(pen, origin.1));
        if let Some(outline) = scaled.outline_glyph(glyph) {
            let corner = outline.px_bounds().min;
            outline.draw(|gx, gy, coverage| {
                if coverage > 0.0 {
                    pixels.push((corner.x as i32 + gx as i32, corner.y as i32 + gy as i32, coverage.min(1.0)));
                }
            });
        }
        pen += scaled.h_advance(id);
        previous = Some(id);
    }
    pixels
}

#[cfg(test)]
mod tests {
    use ab_glyph::FontRef;

    fn font() -> FontRef<'static> {
        FontRef::try_from_slice(super::super::plot::CHART_FONT).expect("the chart font loads")
    }

    /// Runs of neighbouring columns that hold ink (more than half a pixel's worth): one run per
    /// letter that stands apart from the next.
    fn ink_runs(text: &str) -> usize {
        let mut columns = std::collections::BTreeMap::new();
        for (x, _, ink) in super::ink(&font(), 14.0, text, (10.0, 20.0)) {
            *columns.entry(x).or_insert(0.0) += ink;
        }
        let inked: Vec<i32> = columns.into_iter().filter(|(_, ink)| *ink > 0.5).map(|(x, _)| x).collect();
        1 + inked.windows(2).filter(|w| w[1] > w[0] + 1).count()
    }

    #[test]
    fn narrow_letters_keep_their_side_bearings_and_stand_apart() {
        assert_eq!(ink_runs("lili"), 4);
        assert_eq!(ink_runs("clan"), 4);
    }

    #[test]
    fn each_glyph_sits_at_the_pen_so_a_line_spans_its_advances() {
        use ab_glyph::{Font, ScaleFont};
        let (font, text) = (font(), "Kaifeng falls by 1127-01");
        let scaled = font.as_scaled(14.0);
        let advance: f32 = text.chars().map(|c| scaled.h_advance(scaled.glyph_id(c))).sum();
        let pixels = super::ink(&font, 14.0, text, (10.0, 20.0));
        let left = pixels.iter().map(|p| p.0).min().expect("ink");
        let right = pixels.iter().map(|p| p.0).max().expect("ink");
        // The first glyph's ink starts a side bearing after the pen; the last ends a bearing
        // before the line's advance.
        assert!((10..=12).contains(&left), "starts at {left}");
        let end = 10.0 + advance;
        assert!((end - 3.0..=end).contains(&(right as f32)), "ends at {right}, the advances at {end}");
    }
}
