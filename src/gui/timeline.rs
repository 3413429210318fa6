//! The timeline window: the turning points of the branch being played (every event answered,
//! when, by whom, and how), each offering "What if…?" (back to that month to answer otherwise);
//! the branches of the campaign, to switch between; and a table of how two branches differ.
use bevy_egui::egui;

use super::branches::{CheckState, Comparison, TurningPoint};
use super::hud::faction_colour32;
use super::session::{Session, UiAction};
use crate::sim::CheckStatus;

/// What the timeline window shows.
#[derive(Default)]
pub(super) struct Timeline {
    pub shown: bool,
    /// The turning point whose "What if…?" is open (its index in the branch's turning points).
    picked: Option<usize>,
    /// The branch compared with the one being played.
    compared: Option<usize>,
}

impl Timeline {
    /// Shows the window, comparing the branch played with branch `compared` if given.
    pub fn open(&mut self, compared: Option<usize>) {
        self.shown = true;
        self.compared = compared;
    }
}

/// The tallest the list of turning points grows before it scrolls.
const POINTS_HEIGHT: f32 = 260.0;
/// The tallest the comparison grows before it scrolls.
const COMPARISON_HEIGHT: f32 = 260.0;

/// The timeline window, if shown.
pub(super) fn window(ctx: &egui::Context, session: &Session, timeline: &mut Timeline, out: &mut Vec<UiAction>) {
    let mut shown = timeline.shown;
    egui::Window::new("Timeline and branches")
        .open(&mut shown)
        .default_pos(egui::pos2(330.0, 70.0))
        .default_width(700.0)
        .show(ctx, |ui| {
            let points = session.turning_points();
            if timeline.picked.is_some_and(|p| p >= points.len()) {
                timeline.picked = None;
            }
            turning_points(ui, session, &points, timeline);
            if let Some(point) = timeline.picked.and_then(|p| points.get(p)) {
                ui.separator();
                if what_if(ui, session, point, out) {
                    // The new branch is compared with the one it leaves.
                    timeline.picked = None;
                    timeline.compared = Some(session.active);
                }
            }
            ui.separator();
            branches(ui, session, timeline, out);
            if let Some(comparison) = timeline.compared.and_then(|b| session.comparison(b).map(|c| (b, c))) {
                ui.separator();
                compared(ui, session, comparison);
            }
        });
    timeline.shown = shown;
}

/// The branch's turning points, oldest first, each with its "What if…?" button.
fn turning_points(ui: &mut egui::Ui, session: &Session, points: &[TurningPoint], timeline: &mut Timeline) {
    let scenario = &session.sim().data().scenario;
    let branch = &session.branches[session.active];
    ui.strong(format!("Turning points of branch {}: {}", session.active + 1, branch.label));
    if let Some(fork) = &branch.fork {
        let event = &scenario.events[fork.event];
        ui.label(format!(
            "It parted from branch {} in {}, when \"{}\" was answered \"{}\".",
            fork.parent + 1,
            fork.date,
            event.title,
            event.options[fork.option].name
        ));
    }
    let can_fork = session.sim().log().is_kept();
    if !can_fork {
        ui.label("This game was saved before command logs were kept: it cannot be taken back to a past month.");
    }
    if points.is_empty() {
        ui.label("No event has been answered yet.");
        return;
    }
    egui::ScrollArea::vertical().max_height(POINTS_HEIGHT).stick_to_bottom(true).show(ui, |ui| {
        egui::Grid::new("turning points").striped(true).num_columns(5).show(ui, |ui| {
            for (i, point) in points.iter().enumerate() {
                let event = &scenario.events[point.event];
                ui.label(point.date.to_string());
                ui.colored_label(
                    faction_colour32(session, Some(point.faction)),
                    &scenario.factions[point.faction.get()].name,
                );
                ui.label(&event.title);
                let by = if point.by_player { "your answer" } else { "the AI's" };
                let history = if point.historical { "as history" } else { "not history" };
                ui.label(format!("{} ({history}; {by})", event.options[point.option].name));
                let choice = event.options.len() > 1 && can_fork;
                let picked = timeline.picked == Some(i);
                if ui.add_enabled(choice, egui::Button::selectable(picked, "What if…?")).clicked() {
                    timeline.picked = (!picked).then_some(i);
                }
                ui.end_row();
            }
        });
    });
    if let Some(fork) = branch.fork.as_ref().filter(|f| f.date == session.view.date) {
        let event = &scenario.events[fork.event];
        ui.label(format!(
            "This month: \"{}\" answered \"{}\", which takes effect when the month is played (End turn).",
            event.title, event.options[fork.option].name
        ));
    }
}

/// The other answers `point` could have had, each a button that goes back and gives it; whether
/// one was clicked.
fn what_if(ui: &mut egui::Ui, session: &Session, point: &TurningPoint, out: &mut Vec<UiAction>) -> bool {
    let scenario = &session.sim().data().scenario;
    let event = &scenario.events[point.event];
    let court = &scenario.factions[point.faction.get()].name;
    ui.strong(format!("What if… in {}, {court} had answered \"{}\" otherwise?", point.date, event.title));
    let then = if point.by_player {
        "You will give the other answer, then play on from that month."
    } else {
        "The court will answer so from then on; you play on from that month."
    };
    ui.label(format!(
        "The game goes back to the start of {}. {then} The course played until now is kept as a branch.",
        point.date
    ));
    let mut clicked = false;
    ui.horizontal_wrapped(|ui| {
        for (o, option) in event.options.iter().enumerate().filter(|(o, _)| *o != point.option) {
            let history = if option.historical { " (history)" } else { "" };
            let button = ui.button(format!("{}{history}", option.name));
            if button.on_hover_text(&option.text).clicked() {
                out.push(UiAction::WhatIf { date: point.date, event: point.event, option: o });
                clicked = true;
            }
        }
    });
    clicked
}

/// Every branch of the campaign: where each stands, a button to play it and one to compare it.
fn branches(ui: &mut egui::Ui, session: &Session, timeline: &mut Timeline, out: &mut Vec<UiAction>) {
    ui.strong("Branches");
    if session.branches.len() == 1 {
        ui.label("Only the campaign as played: \"What if…?\" on a turning point starts another branch.");
    }
    egui::Grid::new("branches").striped(true).num_columns(4).show(ui, |ui| {
        for (b, branch) in session.branches.iter().enumerate() {
            ui.label(format!("{}", b + 1));
            ui.label(&branch.label);
            match branch.view() {
                None => {
                    ui.label(format!("{}, playing", session.view.date));
                    ui.label("");
                }
                Some(view) => {
                    ui.label(format!("left at {}", view.date));
                    ui.horizontal(|ui| {
                        if ui.button("Play it").clicked() {
                            out.push(UiAction::SwitchBranch(b));
                            timeline.compared = Some(session.active);
                        }
                        let comparing = timeline.compared == Some(b);
                        if ui.selectable_label(comparing, "Compare").clicked() {
                            timeline.compared = (!comparing).then_some(b);
                        }
                    });
                }
            }
            ui.end_row();
        }
    });
}

/// How the branch played differs from branch `other`: provinces held, history checks, owners.
fn compared(ui: &mut egui::Ui, session: &Session, (other, comparison): (usize, Comparison)) {
    let scenario = &session.sim().data().scenario;
    let (here, there) = (session.active + 1, other + 1);
    let (this_date, other_date) = comparison.dates;
    ui.strong(format!("Branch {here} (at {this_date}) against branch {there} (at {other_date})"));
    egui::ScrollArea::vertical().max_height(COMPARISON_HEIGHT).show(ui, |ui| {
        egui::Grid::new("comparison").striped(true).num_columns(4).show(ui, |ui| {
            ui.strong("Provinces held");
            ui.label("");
            ui.strong(format!("branch {here}"));
            ui.strong(format!("branch {there}"));
            ui.end_row();
            for (f, this, theirs) in &comparison.holdings {
                ui.colored_label(faction_colour32(session, Some(*f)), &scenario.factions[f.get()].name);
                ui.label("");
                ui.label(this.to_string());
                ui.label(theirs.to_string());
                ui.end_row();
            }
            if !comparison.checks.is_empty() {
                ui.strong("History");
                ui.end_row();
            }
            for row in &comparison.checks {
                ui.label(&row.text);
                ui.label(format!("by {}", row.expected));
                check_state(ui, row.this);
                check_state(ui, row.other);
                ui.end_row();
            }
            if !comparison.provinces.is_empty() {
                ui.strong("Held otherwise");
                ui.end_row();
            }
            let owner =
                |f: Option<crate::sim::FactionIx>| f.map_or("nobody", |f| scenario.factions[f.get()].name.as_str());
            for row in &comparison.provinces {
                ui.label(&scenario.provinces[row.province.get()].name);
                ui.label("");
                ui.colored_label(faction_colour32(session, row.this), owner(row.this));
                ui.colored_label(faction_colour32(session, row.other), owner(row.other));
                ui.end_row();
            }
        });
    });
    ui.label(format!(
        "{} history check(s) stand the same in both; {} province(s) are held by the same faction.",
        comparison.same_checks,
        scenario.provinces.len() - comparison.provinces.len()
    ));
}

/// A history check as it stands in a branch: matched, diverged or pending, and when it happened.
fn check_state(ui: &mut egui::Ui, (status, happened): CheckState) {
    let (word, colour) = match status {
        CheckStatus::Matched => ("as history", egui::Color32::DARK_GREEN),
        CheckStatus::Diverged => ("diverged", egui::Color32::DARK_RED),
        CheckStatus::Pending => ("pending", egui::Color32::GRAY),
    };
    let when = happened.map_or(String::new(), |d| format!(" ({d})"));
    ui.colored_label(colour, format!("{word}{when}"));
}
