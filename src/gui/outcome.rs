//! The end of the campaign: how it ended, the history checks it matched or diverged from (the
//! divergence table), and beside them charts of every faction's provinces, men under arms and
//! treasury month by month, read from the simulation's [`trends`](crate::sim::Sim::trends).
use bevy_egui::egui;

use super::charts::{self, Chart, Line};
use super::hud::{faction_colour32, thousands};
use super::session::Session;
use crate::sim::{CheckStatus, FactionIx, Measures, money_in_words};

/// Each chart's size, its title not counted: three of them and the legend fit beside the
/// divergence table in a 1440 x 900 window.
const CHART_SIZE: egui::Vec2 = egui::vec2(420.0, 150.0);
/// The tallest the divergence table grows before it scrolls (the grand campaign has dozens of
/// checks).
const HISTORY_HEIGHT: f32 = 540.0;

/// The outcome window, once the campaign has ended; whether the player asked to go back to the
/// start screen.
pub(super) fn window(ctx: &egui::Context, session: &Session) -> bool {
    let Some(outcome) = &session.view.outcome else { return false };
    let mut back = false;
    egui::Window::new("The end of the campaign")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(-170.0, 0.0))
        .show(ctx, |ui| {
            ui.heading(&outcome.description);
            ui.label(format!("{}", outcome.date));
            ui.separator();
            ui.horizontal_top(|ui| {
                ui.vertical(|ui| history(ui, session));
                // A space, not a separator: a separator here would stretch the window to the
                // screen's full height.
                ui.add_space(16.0);
                ui.vertical(|ui| trends(ui, session));
            });
            ui.separator();
            if ui.button("Back to the start screen").clicked() {
                back = true;
            }
        });
    back
}

/// The divergence table: each history check, when it was due, and whether it came true.
fn history(ui: &mut egui::Ui, session: &Session) {
    ui.strong("History, check by check");
    egui::ScrollArea::vertical().max_height(HISTORY_HEIGHT).show(ui, |ui| {
        egui::Grid::new("history").striped(true).show(ui, |ui| {
            for check in &session.view.history {
                let (mark, colour) = match check.status {
                    CheckStatus::Matched => ("as history", egui::Color32::DARK_GREEN),
                    CheckStatus::Diverged => ("diverged", egui::Color32::DARK_RED),
                    CheckStatus::Pending => ("pending", egui::Color32::GRAY),
                };
                ui.label(&check.text);
                ui.label(format!("by {}", check.expected));
                ui.colored_label(colour, mark);
                ui.label(check.happened.map_or("never".to_string(), |d| format!("happened {d}")));
                ui.end_row();
            }
        });
    });
}

/// The three charts, under one legend of the factions drawn.
fn trends(ui: &mut egui::Ui, session: &Session) {
    let data = session.sim().data();
    let currency = data.scenario.currency.clone();
    let start = data.scenario.start;
    let shown = factions_shown(session);
    ui.strong("The campaign, month by month");
    let provinces = lines(session, &shown, |m| f64::from(m.provinces));
    charts::legend(ui, &provinces);
    let count = |v: f64| format!("{v:.0} provinces");
    let men = |v: f64| format!("{} men", thousands(v));
    let silver = |v: f64| money_in_words(v, &currency);
    let (men_lines, silver_lines) = (lines(session, &shown, |m| m.men), lines(session, &shown, |m| m.silver));
    let charts = [
        Chart {
            title: "Provinces held".into(),
            start,
            lines: &provinces,
            whole: true,
            label_scale: 1.0,
            describe: &count,
        },
        Chart {
            title: "Men under arms (armies in the field)".into(),
            start,
            lines: &men_lines,
            whole: false,
            label_scale: 1.0,
            describe: &men,
        },
        // The treasury is kept in thousands; its labels read in the currency itself.
        Chart {
            title: format!("Treasury ({currency})"),
            start,
            lines: &silver_lines,
            whole: false,
            label_scale: 1000.0,
            describe: &silver,
        },
    ];
    for chart in &charts {
        charts::draw(ui, chart, CHART_SIZE);
    }
}

/// The factions that ever held land or had an army in the series: a puppet that never entered
/// play would be a flat line at zero.
fn factions_shown(session: &Session) -> Vec<FactionIx> {
    session
        .view
        .factions
        .iter()
        .map(|f| f.ix)
        .filter(|f| {
            session
                .sim()
                .trends()
                .iter()
                .any(|point| point.factions.get(f.get()).is_some_and(|m| m.provinces > 0 || m.men > 0.0))
        })
        .collect()
}

/// One line per faction of `shown`, in its colour, of the measure `of`.
fn lines(session: &Session, shown: &[FactionIx], of: impl Fn(&Measures) -> f64) -> Vec<Line> {
    let trends = session.sim().trends();
    shown
        .iter()
        .map(|f| Line {
            name: session.view.factions[f.get()].name.clone(),
            colour: faction_colour32(session, Some(*f)),
            points: trends
                .iter()
                .filter_map(|point| point.factions.get(f.get()).map(|m| (point.month, of(m))))
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use bevy_egui::egui;

    use crate::gui::session::{NewGame, Session, UiAction};

    /// Every shape of a frame, groups opened.
    fn shapes(output: &egui::FullOutput) -> Vec<egui::Shape> {
        fn open(shape: &egui::Shape, out: &mut Vec<egui::Shape>) {
            match shape {
                egui::Shape::Vec(inner) => inner.iter().for_each(|s| open(s, out)),
                other => out.push(other.clone()),
            }
        }
        let mut out = Vec::new();
        for clipped in &output.shapes {
            open(&clipped.shape, &mut out);
        }
        out
    }

    #[test]
    fn a_finished_campaign_s_outcome_draws_its_table_and_a_line_per_faction_in_each_chart() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let game = NewGame {
            scenario: "hebei_1125".into(),
            factions: Vec::new(),
            seed: 1,
            historical: true,
            difficulty: None,
        };
        let mut session = Session::start(&game, dir.path().to_path_buf()).expect("the scenario starts");
        assert!(!super::window(&egui::Context::default(), &session), "no window before the end");
        for _ in 0..200 {
            if session.view.outcome.is_some() {
                break;
            }
            session.apply(&UiAction::EndTurn);
        }
        assert!(session.view.outcome.is_some(), "the campaign ended");
        let shown = super::factions_shown(&session);
        assert!(shown.len() >= 2, "at least two sides fought");

        let ctx = egui::Context::default();
        // No fading in: the lines are drawn in their own colours at once.
        ctx.all_styles_mut(|style| style.animation_time = 0.0);
        let input = || egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1440.0, 900.0))),
            ..Default::default()
        };
        let frame = || {
            let mut output = ctx.run_ui(input(), |ui| {
                assert!(!super::window(ui.ctx(), &session), "nobody clicked Back");
            });
            // No renderer takes the font textures here.
            output.textures_delta.clear();
            output
        };
        // The first frame only measures a new window; the second draws it.
        let _ = frame();
        let output = frame();
        let shapes = shapes(&output);
        let texts: Vec<String> = shapes
            .iter()
            .filter_map(|s| match s {
                egui::Shape::Text(t) => Some(t.galley.text().to_string()),
                _ => None,
            })
            .collect();
        for title in ["History, check by check", "Provinces held", "Treasury (taels)"] {
            assert!(texts.iter().any(|t| t == title), "{title:?} is drawn: {texts:?}");
        }
        let start = session.sim().data().scenario.start.to_string();
        assert!(texts.contains(&start), "the date axis starts at {start}: {texts:?}");
        // Each faction shown has a line in its colour in each of the three charts.
        for f in shown {
            let colour = crate::gui::hud::faction_colour32(&session, Some(f));
            let drawn = shapes
                .iter()
                .filter(
                    |s| matches!(s, egui::Shape::Path(p) if p.stroke.color == egui::epaint::ColorMode::Solid(colour)),
                )
                .count();
            assert_eq!(drawn, 3, "{}'s lines", session.view.factions[f.get()].name);
        }
    }
}
