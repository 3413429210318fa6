//! Charts of a sweep: the odds of each outcome as bars with 95% intervals, one colour per set of
//! choices, written as SVG or PNG.
use std::path::Path;

use ab_glyph::FontRef;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use super::glyphs::Line;

use crate::sim::StaticData;
use crate::sweep::{Aggregate, Share};

const WIDTH: u32 = 1100;
const ROW: i32 = 26;
const LABEL_WIDTH: i32 = 460;
const BAR_LEFT: i32 = LABEL_WIDTH + 20;
const BAR_WIDTH: i32 = 520;
/// The chart's one font: plotters lays out SVG text in it, and PNG text is rasterised from it.
pub(super) const CHART_FONT: &[u8] = epaint_default_fonts::UBUNTU_LIGHT;
const NO_FONT: &str = "error: cannot load the chart font";
const COLOURS: [RGBColor; 4] =
    [RGBColor(0x8c, 0x8c, 0x8c), RGBColor(0xc0, 0x39, 0x2b), RGBColor(0x29, 0x80, 0xb9), RGBColor(0x27, 0xae, 0x60)];

/// Refuses, before a long sweep rather than after it, an extension the chart cannot be written
/// as or a place it cannot be written to (the file is created empty if it did not exist).
pub(super) fn check_destination(path: &Path) -> Result<(), String> {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("svg" | "png") => {}
        _ => return Err(format!("error: --plot {}: the chart is written as .svg or .png", path.display())),
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map(drop)
        .map_err(|e| format!("error: --plot {}: {e}", path.display()))
}

/// One bar of the chart: a label and a share per series.
struct Row {
    label: String,
    shares: Vec<Share>,
    heading: bool,
}

fn rows(data: &StaticData, series: &[(&str, &Aggregate)]) -> Vec<Row> {
    let s = &data.scenario;
    let mut rows = vec![Row { label: "Who wins".into(), shares: Vec::new(), heading: true }];
    for f in (0..s.factions.len()).map(Some).chain([None]) {
        let shares: Vec<Share> = series.iter().map(|(_, a)| a.win_share(f)).collect();
        if shares.iter().all(|sh| sh.hits == 0) {
            continue;
        }
        let label = f.map_or("Nobody".to_string(), |f| s.factions[f].name.clone());
        rows.push(Row { label, shares, heading: false });
    }
    if !s.history.is_empty() {
        rows.push(Row { label: "History repeats itself".into(), shares: Vec::new(), heading: true });
        for (i, check) in s.history.iter().enumerate() {
            let label = format!("{} by {}", check.text, check.date);
            rows.push(Row { label, shares: series.iter().map(|(_, a)| a.matched[i]).collect(), heading: false });
        }
    }
    rows
}

/// Draws the chart of `series` (label, aggregate) to `path`.
pub(super) fn draw(path: &Path, data: &StaticData, series: &[(&str, &Aggregate)]) -> Result<(), String> {
    register_font("sans-serif", FontStyle::Normal, CHART_FONT).map_err(|_| NO_FONT.to_string())?;
    let rows = rows(data, series);
    let bars_per_row = series.len().max(1) as i32;
    let height = 110 + rows.iter().map(|r| if r.heading { ROW + 8 } else { ROW * bars_per_row + 8 }).sum::<i32>();
    let size = (WIDTH, height.max(200) as u32);
    let is_png = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("png"));
    let result = if is_png {
        let font = FontRef::try_from_slice(CHART_FONT).map_err(|_| NO_FONT.to_string())?;
        let pen = Pen { font: Some(&font) };
        paint(BitMapBackend::new(path, size).into_drawing_area(), &pen, data, series, &rows)
    } else {
        paint(SVGBackend::new(path, size).into_drawing_area(), &Pen { font: None }, data, series, &rows)
    };
    result.map_err(|e| format!("error: {}: {e}", path.display()))
}

/// How the chart writes text: as text (SVG), or rasterised glyph by glyph in `font` (PNG).
struct Pen<'a> {
    font: Option<&'a FontRef<'static>>,
}

impl Pen<'_> {
    fn write<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, plotters::coord::Shift>,
        text: &str,
        at: (i32, i32),
        size: u32,
        colour: RGBColor,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        match self.font {
            Some(font) => area.draw(&Line { text, at, size: size as f32, colour, font }),
            None => area.draw(&Text::new(text, at, ("sans-serif", size).into_font().color(&colour))),
        }
    }
}

fn paint<DB: DrawingBackend>(
    area: DrawingArea<DB, plotters::coord::Shift>,
    pen: &Pen,
    data: &StaticData,
    series: &[(&str, &Aggregate)],
    rows: &[Row],
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let e = |err: DrawingAreaErrorKind<DB::ErrorType>| err.to_string();
    area.fill(&WHITE).map_err(e)?;
    let title = format!("What if: {} ({} runs each)", data.scenario.name, series.first().map_or(0, |s| s.1.runs));
    pen.write(&area, &title, (20, 16), 26, BLACK).map_err(e)?;
    // Legend.
    let mut x = 20;
    for (i, (label, _)) in series.iter().enumerate() {
        let colour = COLOURS[(i + usize::from(series.len() == 1)) % COLOURS.len()];
        area.draw(&Rectangle::new([(x, 56), (x + 16, 72)], colour.filled())).map_err(e)?;
        pen.write(&area, label, (x + 22, 56), 16, BLACK).map_err(e)?;
        x += 40 + 9 * label.chars().count() as i32;
    }
    // Axis: 0, 25, 50, 75, 100%.
    let axis_y = 86;
    for k in 0..=4 {
        let gx = BAR_LEFT + BAR_WIDTH * k / 4;
        pen.write(&area, &format!("{}%", k * 25), (gx - 12, axis_y), 13, BLACK).map_err(e)?;
    }
    let mut y = 106;
    let top = y;
    for row in rows {
        if row.heading {
            pen.write(&area, &row.label, (20, y + 4), 18, BLACK).map_err(e)?;
            y += ROW + 8;
            continue;
        }
        pen.write(&area, &clip(&row.label, 58), (32, y + 5), 14, BLACK).map_err(e)?;
        for (i, share) in row.shares.iter().enumerate() {
            let colour = COLOURS[(i + usize::from(series.len() == 1)) % COLOURS.len()];
            let x_of = |v: f64| BAR_LEFT + (v.clamp(0.0, 1.0) * f64::from(BAR_WIDTH)).round() as i32;
            let (lo, hi) = share.interval();
            let (y0, y1) = (y + 3, y + ROW - 5);
            area.draw(&Rectangle::new([(BAR_LEFT, y0), (x_of(share.value()).max(BAR_LEFT + 1), y1)], colour.filled()))
                .map_err(e)?;
            let mid = (y0 + y1) / 2;
            area.draw(&PathElement::new(vec![(x_of(lo), mid), (x_of(hi), mid)], BLACK.stroke_width(2))).map_err(e)?;
            for xx in [x_of(lo), x_of(hi)] {
                area.draw(&PathElement::new(vec![(xx, y0 + 3), (xx, y1 - 3)], BLACK.stroke_width(2))).map_err(e)?;
            }
            let text = format!("{:.0}%", 100.0 * share.value());
            pen.write(&area, &text, (BAR_LEFT + BAR_WIDTH + 12, y0 + 1), 14, BLACK).map_err(e)?;
            y += ROW;
        }
        y += 8;
    }
    // Grid lines over the bars.
    for k in 0..=4 {
        let gx = BAR_LEFT + BAR_WIDTH * k / 4;
        area.draw(&PathElement::new(vec![(gx, top), (gx, y)], RGBColor(0xbb, 0xbb, 0xbb).stroke_width(1)))
            .map_err(e)?;
    }
    area.present().map_err(e)?;
    Ok(())
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{cut}…")
}
