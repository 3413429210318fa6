//! Small line charts drawn with egui's painter: one line per faction over the months of a
//! campaign, a date axis with its ends and years marked, and value labels in thousands and
//! millions ("45k", "1.2M"). The outcome screen draws provinces, men and treasury with them.
//! Everything that decides where a tick goes or what a label says is a pure function, tested
//! below; [`draw`] only paints what they decide.
use bevy_egui::egui;

use crate::scenario::Date;

/// One faction's line.
pub(super) struct Line {
    pub name: String,
    pub colour: egui::Color32,
    /// `(months since the scenario's start, value)`, months rising.
    pub points: Vec<(u32, f64)>,
}

/// A chart of some lines against the months of a campaign.
pub(super) struct Chart<'a> {
    pub title: String,
    /// The scenario's first month: month 0 of every line.
    pub start: Date,
    pub lines: &'a [Line],
    /// Whether the values are counts (provinces), so that no tick falls between two whole numbers.
    pub whole: bool,
    /// What a value's label multiplies it by (the treasury is kept in thousands).
    pub label_scale: f64,
    /// A value in words, for the tooltip of the hovered month.
    pub describe: &'a dyn Fn(f64) -> String,
}

/// Room left of the plot for the value labels, below it for the dates, and around it.
const LABEL_WIDTH: f32 = 40.0;
const DATE_HEIGHT: f32 = 16.0;
const MARGIN: f32 = 6.0;
/// About how many values are marked up the side.
const VALUE_TICKS: usize = 4;
/// The widest a date label is drawn, in points: dates closer than this are not both labelled.
const DATE_LABEL_WIDTH: f32 = 56.0;
/// The size of the labels' font.
const FONT_SIZE: f32 = 11.0;

/// A value axis: its ends and the round values marked on it.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
}

/// An axis from 0 (or below, for a debt) to at least `hi`, ending on round values, with about
/// `count` steps of 1, 2 or 5 times a power of ten; steps of at least 1 for `whole` counts.
pub(super) fn value_axis(lo: f64, hi: f64, count: usize, whole: bool) -> Axis {
    let lo = if lo.is_finite() { lo.min(0.0) } else { 0.0 };
    let hi = if hi.is_finite() { hi.max(lo) } else { lo };
    let span = if hi > lo { hi - lo } else { 1.0 };
    let mut step = round_step(span / count.max(1) as f64);
    if whole {
        step = step.max(1.0);
    }
    let first = (lo / step).floor() as i64;
    let last = ((hi / step).ceil() as i64).max(first + 1);
    let ticks: Vec<f64> = (first..=last).map(|k| k as f64 * step).collect();
    Axis { lo: first as f64 * step, hi: last as f64 * step, ticks }
}

/// The step of 1, 2 or 5 times a power of ten nearest to `rough` (rounding as Heckbert's "nice
/// numbers" do, so that an axis has about as many steps as asked).
fn round_step(rough: f64) -> f64 {
    if !(rough.is_finite() && rough > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(rough.log10().floor());
    let mantissa = rough / power;
    let round = [(1.5, 1.0), (3.0, 2.0), (7.0, 5.0)].into_iter().find(|(below, _)| mantissa < *below);
    round.map_or(10.0, |(_, m)| m) * power
}

/// Short labels of an axis's ticks, each multiplied by `scale` first: "0", "950", "45k",
/// "2.5k", "1.2M", "3bn". One unit for the whole axis (that of its largest tick), and as many
/// decimals as its step needs, trailing zeros dropped.
pub(super) fn tick_labels(ticks: &[f64], scale: f64) -> Vec<String> {
    let largest = ticks.iter().map(|t| (t * scale).abs()).fold(0.0, f64::max);
    let (unit, suffix) =
        [(1e9, "bn"), (1e6, "M"), (1e3, "k")].into_iter().find(|(unit, _)| largest >= *unit).unwrap_or((1.0, ""));
    let step = match ticks {
        [a, b, ..] => ((b - a) * scale / unit).abs(),
        _ => 1.0,
    };
    // The fewest decimals (up to two) that write the step exactly: 2.5k needs one.
    let decimals = (0..=2).find(|d| {
        let shifted = step * 10f64.powi(*d);
        (shifted - shifted.round()).abs() < 1e-6
    });
    let decimals = decimals.unwrap_or(2) as usize;
    ticks
        .iter()
        .map(|t| {
            let text = format!("{:.*}", decimals, t * scale / unit);
            let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { &text };
            match text {
                "0" | "-0" => "0".to_string(),
                _ => format!("{text}{suffix}"),
            }
        })
        .collect()
}

/// A month marked on the date axis, with its label if there is room for one.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct DateTick {
    /// Months since the scenario's start.
    pub month: u32,
    pub label: Option<String>,
}

/// The months to mark from `first` to `last` (months since `start`): both ends, labelled with
/// the month the series starts at and the last month played; and each new year between,
/// labelled with the year unless it is closer than `min_gap` months to a label already given
/// (the ends first), so that no two labels overlap.
pub(super) fn date_ticks(start: Date, first: u32, last: u32, min_gap: f64) -> Vec<DateTick> {
    let mut ticks = vec![DateTick { month: first, label: Some(start.plus_months(i64::from(first)).to_string()) }];
    if last <= first {
        return ticks;
    }
    // The point at `last` is the end of the month before it began.
    let end = DateTick { month: last, label: Some(start.plus_months(i64::from(last) - 1).to_string()) };
    let mut labelled = first;
    for month in first + 1..last {
        let date = start.plus_months(i64::from(month));
        if date.month != 1 {
            continue;
        }
        let room = f64::from(month - labelled) >= min_gap && f64::from(last - month) >= min_gap;
        if room {
            labelled = month;
        }
        ticks.push(DateTick { month, label: room.then(|| date.year.to_string()) });
    }
    ticks.push(end);
    ticks
}

/// Where `value` of the range `from` falls in the range `to` (pixels); the middle of `to` when
/// `from` is empty.
pub(super) fn scale(value: f64, from: (f64, f64), to: (f32, f32)) -> f32 {
    if from.1 <= from.0 {
        return (to.0 + to.1) / 2.0;
    }
    let t = (value - from.0) / (from.1 - from.0);
    to.0 + (to.1 - to.0) * t as f32
}

/// The months every line spans, together: the first and the last.
pub(super) fn month_span(lines: &[Line]) -> Option<(u32, u32)> {
    let months = lines.iter().flat_map(|l| l.points.iter().map(|(m, _)| *m));
    let (first, last) = months.fold((u32::MAX, 0), |(lo, hi), m| (lo.min(m), hi.max(m)));
    (first <= last).then_some((first, last))
}

/// The smallest and largest finite value of every line (0 and 0 if there is none).
pub(super) fn value_span(lines: &[Line]) -> (f64, f64) {
    let values = lines.iter().flat_map(|l| l.points.iter().map(|(_, v)| *v)).filter(|v| v.is_finite());
    values
        .fold(None, |span: Option<(f64, f64)>, v| Some(span.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v)))))
        .unwrap_or((0.0, 0.0))
}

/// The month the tooltip speaks of, in words: "start of 1125-10" or "end of 1126-03".
fn moment(start: Date, month: u32) -> String {
    if month == 0 { format!("start of {start}") } else { format!("end of {}", start.plus_months(i64::from(month) - 1)) }
}

/// The faction of each line: its colour and its name, wrapped over as many rows as need be.
pub(super) fn legend(ui: &mut egui::Ui, lines: &[Line]) {
    ui.horizontal_wrapped(|ui| {
        for line in lines {
            // Each mark with its whole name: a row wraps between factions, never inside a name.
            ui.horizontal(|ui| {
                let (rect, _) = ui.allocate_exact_size(egui::vec2(18.0, 10.0), egui::Sense::hover());
                let stroke = egui::Stroke::new(3.0, line.colour);
                ui.painter().line_segment([rect.left_center(), rect.right_center()], stroke);
                ui.add(egui::Label::new(&line.name).wrap_mode(egui::TextWrapMode::Extend));
            });
            ui.add_space(6.0);
        }
    });
}

/// Draws `chart` with its title above it, in `size` (the title's line not counted); hovering it
/// shows every line's value at that month.
pub(super) fn draw(ui: &mut egui::Ui, chart: &Chart, size: egui::Vec2) {
    ui.label(egui::RichText::new(&chart.title).strong());
    let (response, painter) = ui.allocate_painter(size, egui::Sense::hover());
    let rect = response.rect;
    let plot = egui::Rect::from_min_max(
        rect.min + egui::vec2(LABEL_WIDTH, MARGIN),
        rect.max - egui::vec2(MARGIN + DATE_LABEL_WIDTH / 4.0, DATE_HEIGHT),
    );
    let visuals = ui.visuals();
    let font = egui::FontId::proportional(FONT_SIZE);
    let (text, grid) = (visuals.weak_text_color(), visuals.widgets.noninteractive.bg_stroke.color);
    painter.rect_filled(plot, 2.0, visuals.extreme_bg_color);
    let Some((first, last)) = month_span(chart.lines) else {
        painter.text(plot.center(), egui::Align2::CENTER_CENTER, "Nothing recorded", font, text);
        return;
    };
    let (lo, hi) = value_span(chart.lines);
    let axis = value_axis(lo, hi, VALUE_TICKS, chart.whole);
    let months = (f64::from(first), f64::from(last.max(first + 1)));
    let x_of = |m: u32| scale(f64::from(m), months, (plot.left(), plot.right()));
    let y_of = |v: f64| scale(v, (axis.lo, axis.hi), (plot.bottom(), plot.top()));
    for (value, label) in axis.ticks.iter().zip(tick_labels(&axis.ticks, chart.label_scale)) {
        let y = y_of(*value);
        painter.hline(plot.x_range(), y, egui::Stroke::new(1.0, grid));
        painter.text(egui::pos2(plot.left() - 4.0, y), egui::Align2::RIGHT_CENTER, label, font.clone(), text);
    }
    let min_gap = f64::from(DATE_LABEL_WIDTH) * (months.1 - months.0) / f64::from(plot.width().max(1.0));
    for tick in date_ticks(chart.start, first, last, min_gap) {
        let x = x_of(tick.month);
        painter.vline(x, plot.y_range(), egui::Stroke::new(1.0, grid));
        if let Some(label) = tick.label {
            // The ends' labels lie inside the chart, the years' centred on their mark.
            let align = match tick.month {
                m if m == first => egui::Align2::LEFT_TOP,
                m if m == last => egui::Align2::RIGHT_TOP,
                _ => egui::Align2::CENTER_TOP,
            };
            painter.text(egui::pos2(x, plot.bottom() + 2.0), align, label, font.clone(), text);
        }
    }
    for line in chart.lines {
        let points: Vec<egui::Pos2> = line.points.iter().map(|(m, v)| egui::pos2(x_of(*m), y_of(*v))).collect();
        match points.as_slice() {
            [only] => {
                painter.circle_filled(*only, 2.0, line.colour);
            }
            _ => {
                painter.add(egui::Shape::line(points, egui::Stroke::new(1.5, line.colour)));
            }
        }
    }
    let Some(pointer) = response.hover_pos().filter(|p| plot.expand(MARGIN).contains(*p)) else { return };
    let at = scale(
        f64::from(pointer.x),
        (f64::from(plot.left()), f64::from(plot.right())),
        (months.0 as f32, months.1 as f32),
    );
    let month = (at.round().max(0.0) as u32).clamp(first, last);
    painter.vline(x_of(month), plot.y_range(), egui::Stroke::new(1.0, visuals.strong_text_color()));
    response.on_hover_ui_at_pointer(|ui| {
        ui.label(moment(chart.start, month));
        for line in chart.lines {
            if let Some((_, value)) = line.points.iter().find(|(m, _)| *m == month) {
                ui.colored_label(line.colour, format!("{}: {}", line.name, (chart.describe)(*value)));
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(points: &[(u32, f64)]) -> Line {
        Line { name: "Song".into(), colour: egui::Color32::RED, points: points.to_vec() }
    }

    #[test]
    fn an_axis_starts_at_zero_and_ends_on_a_round_value_above_the_largest() {
        let axis = value_axis(12_000.0, 87_000.0, 4, false);
        assert_eq!(axis.ticks, vec![0.0, 20_000.0, 40_000.0, 60_000.0, 80_000.0, 100_000.0]);
        assert_eq!((axis.lo, axis.hi), (0.0, 100_000.0));
        assert_eq!(value_axis(0.0, 3.0, 4, true).ticks, vec![0.0, 1.0, 2.0, 3.0], "whole provinces, no halves");
        assert_eq!(value_axis(0.0, 40.0, 4, true).ticks, vec![0.0, 10.0, 20.0, 30.0, 40.0]);
        let debt = value_axis(-300.0, 900.0, 4, false);
        assert_eq!((debt.lo, debt.hi), (-500.0, 1000.0), "a debt goes below the line");
        let flat = value_axis(0.0, 0.0, 4, false);
        assert!(flat.ticks.len() >= 2 && flat.hi > flat.lo, "nothing but zeros still has an axis");
        let broken = value_axis(f64::NAN, f64::INFINITY, 4, false);
        assert!(broken.ticks.iter().all(|t| t.is_finite()) && broken.hi > broken.lo);
    }

    #[test]
    fn labels_read_in_thousands_and_millions() {
        assert_eq!(tick_labels(&[0.0, 20_000.0, 40_000.0], 1.0), ["0", "20k", "40k"]);
        assert_eq!(tick_labels(&[0.0, 2_500.0, 5_000.0, 7_500.0], 1.0), ["0", "2.5k", "5k", "7.5k"]);
        assert_eq!(tick_labels(&[0.0, 200.0, 400.0], 1.0), ["0", "200", "400"]);
        assert_eq!(tick_labels(&[0.0, 1.0, 2.0], 1.0), ["0", "1", "2"]);
        // The treasury is kept in thousands: 45,000 thousand taels are 45 million.
        assert_eq!(tick_labels(&[0.0, 20_000.0, 40_000.0], 1000.0), ["0", "20M", "40M"]);
        assert_eq!(tick_labels(&[0.0, 500.0, 1_000.0, 1_500.0], 1000.0), ["0", "0.5M", "1M", "1.5M"]);
        assert_eq!(tick_labels(&[-500.0, 0.0, 500.0], 1000.0), ["-500k", "0", "500k"]);
        assert_eq!(tick_labels(&[0.0, 2e6], 1000.0), ["0", "2bn"]);
        assert_eq!(tick_labels(&[], 1.0), Vec::<String>::new());
    }

    #[test]
    fn the_date_axis_marks_its_ends_and_the_years_with_room_for_them() {
        let start = Date::new(1125, 3);
        // 1125-03 to the end of 1127-12: 34 months played.
        let ticks = date_ticks(start, 0, 34, 6.0);
        let labels: Vec<(u32, Option<&str>)> = ticks.iter().map(|t| (t.month, t.label.as_deref())).collect();
        assert_eq!(labels, [(0, Some("1125-03")), (10, Some("1126")), (22, Some("1127")), (34, Some("1127-12"))]);
        // Too little room: a year two months from the start keeps its mark but not its label.
        let near = date_ticks(Date::new(1125, 11), 0, 20, 6.0);
        assert_eq!(near[1], DateTick { month: 2, label: None });
        // A long campaign on a narrow chart labels only every so many years.
        let long = date_ticks(Date::new(1120, 3), 0, 94, 20.0);
        let years: Vec<&str> = long[1..long.len() - 1].iter().filter_map(|t| t.label.as_deref()).collect();
        assert_eq!(years, ["1122", "1124", "1126"]);
        assert_eq!(long.iter().filter(|t| t.label.is_none()).count(), 4, "every new year is still marked");
        // A series kept from a loaded save starts at its month; one point alone is one label.
        assert_eq!(date_ticks(start, 7, 7, 6.0), [DateTick { month: 7, label: Some("1125-10".into()) }]);
    }

    #[test]
    fn values_and_months_map_onto_the_plot() {
        assert_eq!(scale(0.0, (0.0, 100.0), (200.0, 100.0)), 200.0, "zero at the bottom");
        assert_eq!(scale(100.0, (0.0, 100.0), (200.0, 100.0)), 100.0);
        assert_eq!(scale(25.0, (0.0, 100.0), (0.0, 400.0)), 100.0);
        assert_eq!(scale(5.0, (3.0, 3.0), (0.0, 10.0)), 5.0, "an empty range draws in the middle");
        let lines = [line(&[(2, 5.0), (3, -1.0)]), line(&[(4, 9.0), (5, f64::NAN)])];
        assert_eq!(month_span(&lines), Some((2, 5)));
        assert_eq!(value_span(&lines), (-1.0, 9.0));
        assert_eq!(month_span(&[]), None);
        assert_eq!(value_span(&[]), (0.0, 0.0));
        assert_eq!(moment(Date::new(1125, 10), 0), "start of 1125-10");
        assert_eq!(moment(Date::new(1125, 10), 3), "end of 1125-12");
    }
}
