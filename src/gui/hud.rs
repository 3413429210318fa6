//! The panels over the map: the top bar (date and era, treasury, grain, legitimacy, End Turn),
//! the selected army and its orders, the chronicle, tooltips, event dialogs, diplomacy and the
//! outcome window (in [`super::outcome`]). Every button writes a [`UiAction`].
use bevy::prelude::*;
use bevy_egui::input::egui_wants_any_keyboard_input;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::Screen;
use super::fonts::with_native;
use super::map::{Hovered, NativeNames, Overlay, strength};
use super::odds::{Odds, OddsAsked};
use super::session::{Session, UiAction};
use crate::sim::{ArmyView, CharacterIx, FactionIx, Proposal, ProvinceIx, ProvinceView, Stance};

/// Which optional windows are open.
#[derive(Resource, Default)]
struct Windows {
    diplomacy: bool,
    timeline: super::timeline::Timeline,
    /// Peace terms being drafted in the diplomacy window: indemnity offered, thousands of taels.
    indemnity: f64,
    truce_months: u32,
}

pub(super) fn plugin(app: &mut App) {
    app.insert_resource(Windows { truce_months: 12, ..default() });
    app.add_systems(
        EguiPrimaryContextPass,
        panels.run_if(in_state(Screen::Playing)).run_if(resource_exists::<Session>),
    );
    app.add_systems(OnEnter(Screen::Playing), open_launch_panel);
    app.add_systems(
        Update,
        keys.run_if(in_state(Screen::Playing))
            .run_if(resource_exists::<Session>)
            .run_if(not(egui_wants_any_keyboard_input)),
    );
}

/// Enter ends the turn, Escape drops the selection, O, L and R switch the supply, loyalty and
/// relations map modes on and off, N the native names on the map, F5 saves.
fn keys(
    keys: Res<ButtonInput<KeyCode>>,
    mut actions: MessageWriter<UiAction>,
    mut overlay: ResMut<Overlay>,
    mut native: ResMut<NativeNames>,
) {
    if keys.just_pressed(KeyCode::KeyN) {
        native.0 = !native.0;
    }
    if keys.just_pressed(KeyCode::Enter) {
        actions.write(UiAction::EndTurn);
    }
    if keys.just_pressed(KeyCode::Escape) {
        actions.write(UiAction::Select(None));
    }
    for (key, mode) in
        [(KeyCode::KeyO, Overlay::Supply), (KeyCode::KeyL, Overlay::Loyalty), (KeyCode::KeyR, Overlay::Relations)]
    {
        if keys.just_pressed(key) {
            *overlay = overlay.toggled(mode);
        }
    }
    if keys.just_pressed(KeyCode::F5) {
        actions.write(UiAction::Save);
    }
}

/// The window `jingkang play --panel` asked for, opened as the campaign begins.
fn open_launch_panel((launch, session): (Res<super::Launch>, Option<Res<Session>>), mut windows: ResMut<Windows>) {
    match launch.panel {
        Some(super::Panel::Timeline) => {
            // After `--fork-at`, the branch just left is compared with the new one.
            let parent = session.and_then(|s| s.branches[s.active].fork.as_ref().map(|f| f.parent));
            windows.timeline.open(parent);
        }
        // The odds panel opens, and its sweep starts, once the map is up (see `odds`).
        Some(super::Panel::Odds) | None => {}
    }
}

fn panels(
    mut contexts: EguiContexts,
    session: Res<Session>,
    hovered: Res<Hovered>,
    (mut overlay, mut native): (ResMut<Overlay>, ResMut<NativeNames>),
    (mut windows, mut odds, mut asked): (ResMut<Windows>, ResMut<Odds>, MessageWriter<OddsAsked>),
    mut actions: MessageWriter<UiAction>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut out = Vec::new();
    let mut root = root_ui(ctx);
    top_bar(&mut root, &session, (&mut overlay, &mut native), (&mut windows, &mut odds), &mut out);
    if let Some(notice) = &session.notice {
        egui::Panel::bottom("notice").show(&mut root, |ui| {
            ui.label(notice);
        });
    }
    side_panel(&mut root, &session, &mut out);
    tooltip(ctx, &session, &hovered);
    legend(ctx, &session, *overlay);
    event_dialog(ctx, &session, &mut out);
    proposals_dialog(ctx, &session, &mut out);
    if windows.diplomacy {
        diplomacy(ctx, &session, &mut windows, &mut out);
    }
    super::timeline::window(ctx, &session, &mut windows.timeline, &mut out);
    let mut sweep = false;
    super::odds::window(ctx, &session, &mut odds, &mut sweep);
    if sweep {
        asked.write(OddsAsked);
    }
    if super::outcome::window(ctx, &session) {
        next.set(Screen::Start);
    }
    for action in out {
        actions.write(action);
    }
    Ok(())
}

/// A small square of `colour`, for a legend or a faction's card.
pub(super) fn swatch(ui: &mut egui::Ui, [r, g, b]: [u8; 3]) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, egui::Color32::from_rgb(r, g, b));
}

/// What the map mode's colours mean, in the map's lower left corner.
fn legend(ctx: &egui::Context, session: &Session, overlay: Overlay) {
    let keys = overlay.legend();
    egui::Area::new(egui::Id::new("legend")).anchor(egui::Align2::LEFT_BOTTOM, [10.0, -36.0]).show(ctx, |ui| {
        egui::Frame::popup(ui.style()).show(ui, |ui| {
            if keys.is_empty() {
                map_key(ui, &session.sim().data().scenario);
                return;
            }
            if overlay == Overlay::Relations {
                let from = Overlay::viewer(session).map(|f| faction_label(session, f));
                ui.strong(match from {
                    Some(name) => format!("Towards {name}"),
                    None => "Select an army or a province to look from its faction".to_string(),
                });
            }
            for (colour, words) in keys {
                ui.horizontal(|ui| {
                    let [r, g, b, _] = colour.to_srgba().to_u8_array();
                    swatch(ui, [r, g, b]);
                    ui.label(words);
                });
            }
        });
    });
}

/// The political map's key (it folds away): each terrain the map marks, with its mark, and
/// the lines drawn over the land.
fn map_key(ui: &mut egui::Ui, scenario: &crate::scenario::Scenario) {
    use crate::scenario::{ConnectionKind, LineKind, Pattern};
    use egui::{Color32, Stroke};
    let ink = Color32::from_rgb(70, 50, 30);
    egui::CollapsingHeader::new("Map key").default_open(true).show(ui, |ui| {
        let mut seen = Vec::new();
        for terrain in scenario.terrains.iter().filter(|t| t.pattern != Pattern::Plain) {
            if seen.contains(&terrain.pattern) {
                continue;
            }
            seen.push(terrain.pattern);
            key_row(ui, &terrain.name, |painter, rect| {
                for stroke in super::geometry::glyph(terrain.pattern) {
                    let points: Vec<egui::Pos2> =
                        stroke.iter().map(|p| rect.center() + egui::vec2(p[0], -p[1]) * rect.height()).collect();
                    painter.add(egui::Shape::line(points, Stroke::new(1.3, ink)));
                }
            });
        }
        let line = |colour: Color32, width: f32| {
            move |painter: &egui::Painter, rect: egui::Rect| {
                painter.line_segment([rect.left_center(), rect.right_center()], Stroke::new(width, colour));
            }
        };
        let has_line = |kind: LineKind| scenario.lines.iter().any(|l| l.kind == kind);
        let has_way = |kind: ConnectionKind| scenario.connections.iter().any(|c| c.kind == kind);
        if has_line(LineKind::River) {
            key_row(ui, "River (a great one broader)", line(Color32::from_rgb(64, 115, 204), 3.0));
        }
        if has_line(LineKind::Wall) {
            key_row(ui, "Wall", |painter, rect| {
                line(Color32::from_rgb(77, 61, 46), 2.0)(painter, rect);
                for k in 0..4 {
                    let x = rect.left() + 3.0 + k as f32 * 6.0;
                    painter.line_segment(
                        [egui::pos2(x, rect.center().y), egui::pos2(x, rect.center().y - 4.0)],
                        Stroke::new(1.5, Color32::from_rgb(77, 61, 46)),
                    );
                }
            });
        }
        key_row(ui, "Road", line(Color32::from_rgb(150, 130, 110), 1.2));
        if has_way(ConnectionKind::Pass) {
            key_row(ui, "Pass", |painter, rect| {
                painter.add(egui::Shape::dashed_line(
                    &[rect.left_center(), rect.right_center()],
                    Stroke::new(1.4, ink),
                    3.0,
                    2.0,
                ));
                for dx in [-2.5, 2.5] {
                    let x = rect.center().x + dx;
                    painter.line_segment(
                        [egui::pos2(x, rect.center().y - 4.0), egui::pos2(x, rect.center().y + 4.0)],
                        Stroke::new(1.8, ink),
                    );
                }
            });
        }
        if has_way(ConnectionKind::Sea) {
            key_row(ui, "Sea lane", |painter, rect| {
                painter.add(egui::Shape::dashed_line(
                    &[rect.left_center(), rect.right_center()],
                    Stroke::new(1.4, Color32::from_rgb(40, 60, 110)),
                    4.0,
                    3.0,
                ));
            });
        }
    });
}

/// A row of the map key: a small picture drawn by `draw`, then its words.
fn key_row(ui: &mut egui::Ui, words: &str, draw: impl FnOnce(&egui::Painter, egui::Rect)) {
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(26.0, 14.0), egui::Sense::hover());
        ui.painter().rect_filled(rect, 2.0, egui::Color32::from_rgb(222, 205, 180));
        draw(ui.painter(), rect.shrink(1.0));
        ui.label(words);
    });
}

/// The date as the player's court counts it: "1126-01 (Jingkang 1, month 1)".
fn date_line(session: &Session) -> String {
    let s = &session.sim().data().scenario;
    let date = session.view.date;
    let faction = session.player().map(|f| s.factions[f.get()].id.as_str());
    match s.era_year(date, faction) {
        Some(era) => format!("{date}  ·  {era}, month {}", date.month),
        None => date.to_string(),
    }
}

/// A Ui spanning the window, for the panels at its edges.
pub(super) fn root_ui(ctx: &egui::Context) -> egui::Ui {
    egui::Ui::new(
        ctx.clone(),
        "root".into(),
        egui::UiBuilder::new().layer_id(egui::LayerId::background()).max_rect(ctx.viewport_rect()),
    )
}

fn top_bar(
    root: &mut egui::Ui,
    session: &Session,
    (overlay, native): (&mut Overlay, &mut NativeNames),
    (windows, odds): (&mut Windows, &mut Odds),
    out: &mut Vec<UiAction>,
) {
    let s = &session.sim().data().scenario;
    egui::Panel::top("top").show(root, |ui| {
        ui.horizontal(|ui| {
            ui.heading(date_line(session));
            ui.separator();
            match session.player() {
                Some(me) => {
                    let f = &session.view.factions[me.get()];
                    let colour = faction_colour32(session, Some(me));
                    ui.colored_label(colour, egui::RichText::new(faction_label(session, me)).strong());
                    if session.humans.len() > 1 {
                        ui.label(format!("(player {} of {})", session.current + 1, session.humans.len()));
                    }
                    ui.separator();
                    ui.label(format!("Silver {}", silver(f.treasury, &s.currency)));
                    ui.label(format!("Grain {}", thousands(f.grain)));
                    ui.label(format!("Legitimacy {:.0}", f.legitimacy));
                    ui.label(format!("Court {:.0}", f.cohesion));
                    ui.label(format!("Troops {}", strength(f.troops)));
                }
                None => {
                    ui.label("Watching the AI play");
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let end = egui::Button::new(egui::RichText::new("End turn (Enter)").strong().size(16.0));
                if ui.add_enabled(session.view.outcome.is_none(), end).clicked() {
                    out.push(UiAction::EndTurn);
                }
                ui.menu_button("Load", |ui| {
                    if session.saves.is_empty() {
                        ui.label("No saves yet: Save (or F5) keeps one, and every month is autosaved.");
                    }
                    for save in &session.saves {
                        if ui.button(&save.label).clicked() {
                            out.push(UiAction::Load(save.path.clone()));
                            ui.close();
                        }
                    }
                });
                if ui.button("Save").clicked() {
                    out.push(UiAction::Save);
                }
                map_menu(ui, overlay, native);
                if ui.selectable_label(windows.diplomacy, "Diplomacy").clicked() {
                    windows.diplomacy = !windows.diplomacy;
                }
                let odds_help = "Play the campaign on from here many times: who wins, and how each open decision \
                                 changes it";
                if ui.selectable_label(odds.shown, "Odds").on_hover_text(odds_help).clicked() {
                    odds.shown = !odds.shown;
                }
                let timeline_help = "The events answered so far; go back to one and answer otherwise (What if…?); \
                                     switch between and compare the branches";
                let timeline = &mut windows.timeline.shown;
                if ui.selectable_label(*timeline, "Timeline").on_hover_text(timeline_help).clicked() {
                    *timeline = !*timeline;
                }
            });
        });
    });
}

/// The map modes and the native names, in one menu named after the mode shown.
fn map_menu(ui: &mut egui::Ui, overlay: &mut Overlay, native: &mut NativeNames) {
    let modes = [
        (Overlay::Owners, "Political", "Each province in its owner's colour"),
        (Overlay::Supply, "Supply", "How far each province is from your supply (key O)"),
        (Overlay::Loyalty, "Loyalty", "How loyal each province's people are to their ruler (key L)"),
        (
            Overlay::Relations,
            "Relations",
            "How each province's owner stands towards you (watching: the selected army's or province's faction; \
             key R)",
        ),
    ];
    let shown = modes.iter().find(|(mode, ..)| mode == overlay).map_or("Political", |(_, name, _)| *name);
    ui.menu_button(format!("Map: {shown}"), |ui| {
        for (mode, name, help) in modes {
            if ui.selectable_label(*overlay == mode, name).on_hover_text(help).clicked() {
                *overlay = mode;
                ui.close();
            }
        }
        ui.separator();
        let native_help = "Letter the cities with their names in the script of their time too (key N)";
        if ui.selectable_label(native.0, "Native names").on_hover_text(native_help).clicked() {
            native.0 = !native.0;
        }
    });
}

fn side_panel(root: &mut egui::Ui, session: &Session, out: &mut Vec<UiAction>) {
    egui::Panel::right("side").exact_size(340.0).show(root, |ui| {
        if let Some(army) = session.selected.and_then(|a| session.view.army(a)) {
            army_panel(ui, session, army, out);
            ui.separator();
        } else if let Some(p) = session.province.and_then(|p| session.view.provinces.get(p.get())) {
            province_panel(ui, session, p, out);
            ui.separator();
        } else if session.player().is_some() {
            ui.label(
                "Click one of your armies to give it orders, or a province to see it. Drag to pan, wheel to zoom.",
            );
            ui.separator();
        }
        ui.heading("Chronicle");
        egui::ScrollArea::vertical().show(ui, |ui| {
            // The whole chronicle, newest month first, back to its first entry (a long
            // campaign's chronicle keeps only its latest entries, after a note of those dropped).
            let mut month = session.last_played;
            let kept_from = session.sim().chronicle().0.first().map(|e| e.date);
            let first =
                kept_from.map_or(session.sim().data().scenario.start, |d| d.max(session.sim().data().scenario.start));
            while let Some(date) = month.filter(|d| *d >= first) {
                let lines = session.chronicle_of(date);
                if !lines.is_empty() {
                    ui.label(egui::RichText::new(date.to_string()).strong());
                    for line in lines {
                        ui.label(line);
                    }
                    ui.add_space(6.0);
                }
                month = Some(date.plus_months(-1));
            }
            if session.last_played.is_none() {
                ui.label("Nothing has happened yet: end the turn to play the first month.");
            }
        });
    });
}

fn army_panel(ui: &mut egui::Ui, session: &Session, army: &ArmyView, out: &mut Vec<UiAction>) {
    ui.heading(&army.name);
    describe_army(ui, session, army);
    if !session.commands(army.ix) {
        return;
    }
    ui.horizontal(|ui| {
        for (stance, name, help) in [
            (Stance::Hold, "Hold", "Stay and fight what comes"),
            (Stance::Blockade, "Besiege", "Surround the enemy city here and starve it"),
            (Stance::Assault, "Assault", "Storm the walls of the enemy city here"),
        ] {
            if ui.selectable_label(army.stance == stance, name).on_hover_text(help).clicked() {
                out.push(UiAction::Stance { army: army.ix, stance });
            }
        }
    });
    let ordered = session.orders.get(&army.ix);
    if let Some(order) = ordered {
        ui.label(format!("Ordered: {}", describe_order(session, order)));
    }
    let destination = match ordered {
        Some(crate::sim::Order::March { to, .. }) => Some(*to),
        _ => army.destination,
    };
    if let Some(to) = destination
        && let Some(route) = session.sim().route(army.ix, to)
    {
        ui.label(format!("Marching to {}: about {} month(s)", province_label(session, to), route.months));
    }
    ui.small("Click a province to march there, an enemy army beside it to raid it by night; right-click to let go.");
    let home = "Disband the army: its men go back to the people of the province, if it is yours";
    if ui.button("Send home").on_hover_text(home).clicked() {
        out.push(UiAction::Disband { army: army.ix });
    }
}

/// A province's figures and, in the player's own, the levy he may call up there.
fn province_panel(ui: &mut egui::Ui, session: &Session, p: &ProvinceView, out: &mut Vec<UiAction>) {
    describe_province(ui, session, p);
    let Some(me) = session.player().filter(|me| p.owner == Some(*me)) else { return };
    let currency = &session.sim().data().scenario.currency;
    match p.levy {
        _ if session.levied.contains(&p.ix) => {
            ui.label("Men are called up here this month.");
        }
        Some(levy) => {
            let text = format!("Call up {} men", thousands(levy.men));
            let cost = format!(
                "They cost {} and {} grain, and take the field here in {} month(s) as {}; the province loses loyalty",
                silver(levy.silver, currency),
                thousands(levy.grain),
                levy.months,
                session.sim().data().army_name(session.sim().data().levy_army(p.ix))
            );
            if ui.button(text).on_hover_text(cost).clicked() {
                out.push(UiAction::Levy { province: p.ix, men: levy.men });
            }
        }
        None if session.sim().data().levy_kind(me).is_some() => {
            ui.small("No levy can be called up here now (besieged, called on within the year, or its levy is away).");
        }
        None => {}
    }
}

fn describe_order(session: &Session, order: &crate::sim::Order) -> String {
    let data = session.sim().data();
    match order {
        crate::sim::Order::March { to, .. } => format!("march to {}", province_label(session, *to)),
        crate::sim::Order::Hold { .. } => "hold".into(),
        crate::sim::Order::Besiege { assault: true, .. } => "assault the walls".into(),
        crate::sim::Order::Besiege { .. } => "besiege".into(),
        crate::sim::Order::Raid { target, .. } => {
            let name = session.view.armies.iter().find(|a| a.ix == *target).map(|a| a.name.as_str());
            format!("raid {} by night", name.unwrap_or_else(|| data.army_name(*target)))
        }
        crate::sim::Order::Disband { .. } => "send home".into(),
        _ => "diplomacy".into(),
    }
}

fn describe_army(ui: &mut egui::Ui, session: &Session, army: &ArmyView) {
    let data = session.sim().data();
    let s = &data.scenario;
    ui.colored_label(faction_colour32(session, Some(army.owner)), faction_label(session, army.owner));
    if let Some(c) = army.commander {
        ui.label(format!("Commander: {}", character_label(session, c)));
    }
    for (men, kind) in army.troops.iter().zip(&s.troop_kinds) {
        if *men > 0.0 {
            ui.label(format!("  {}: {:.0}", kind.name, men));
        }
    }
    ui.label(format!("Morale {:.0}  ·  supply {:.0}%  ·  grain carried {:.0}", army.morale, army.supply, army.grain));
    ui.label(format!("At {}", province_label(session, army.location)));
}

fn describe_province(ui: &mut egui::Ui, session: &Session, p: &ProvinceView) {
    let data = session.sim().data();
    let owner = p.owner.map_or_else(|| "nobody".to_owned(), |o| faction_label(session, o));
    ui.label(egui::RichText::new(province_label(session, p.ix)).strong());
    ui.colored_label(faction_colour32(session, p.owner), format!("Held by {owner}"));
    ui.label(format!("Terrain: {}", data.terrain_of(p.ix).name));
    ui.label(format!("People {:.0}  ·  wealth {:.0}k a month", p.population, p.wealth));
    ui.label(format!("Grain in store {:.0}  ·  walls {:.0}/10  ·  garrison {:.0}", p.grain, p.walls, p.garrison));
    let unrest = match (p.loyal_to, p.owner) {
        (Some(l), Some(o)) if l != o => {
            format!("Unrest: the people look to {} ({:.0})", faction_label(session, l), p.loyalty)
        }
        _ => format!("Loyal ({:.0})", p.loyalty),
    };
    ui.label(unrest);
    if let Some(siege) = p.siege {
        ui.colored_label(
            egui::Color32::DARK_RED,
            format!(
                "Besieged by {} for {} month(s); breach {:.0}%{}",
                faction_label(session, siege.besieger),
                siege.months,
                siege.breach * 100.0,
                if siege.starving > 0 { format!("; starving {} month(s)", siege.starving) } else { String::new() }
            ),
        );
    }
}

fn tooltip(ctx: &egui::Context, session: &Session, hovered: &Hovered) {
    let Some(pointer) = ctx.pointer_hover_pos() else { return };
    let army = hovered.army.and_then(|a| session.view.army(a));
    let province = hovered.province.map(|p| &session.view.provinces[p.get()]);
    if army.is_none() && province.is_none() {
        return;
    }
    egui::Area::new(egui::Id::new("map tooltip"))
        .fixed_pos(pointer + egui::vec2(16.0, 16.0))
        .order(egui::Order::Tooltip)
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_max_width(320.0);
                if let Some(army) = army {
                    ui.label(egui::RichText::new(&army.name).strong());
                    describe_army(ui, session, army);
                } else if let Some(p) = province {
                    describe_province(ui, session, p);
                    if let Some(route) =
                        session.selected.filter(|a| session.commands(*a)).and_then(|a| session.sim().route(a, p.ix))
                    {
                        ui.label(format!("Your army would need about {} month(s) to march here.", route.months));
                    }
                }
            });
        });
}

fn event_dialog(ctx: &egui::Context, session: &Session, out: &mut Vec<UiAction>) {
    let Some(&event) = session.unanswered().first() else { return };
    let e = &session.sim().data().scenario.events[event];
    egui::Window::new(&e.title)
        .collapsible(false)
        .resizable(false)
        .default_width(520.0)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(-170.0, 0.0))
        .show(ctx, |ui| {
            ui.label(&e.text);
            ui.add_space(8.0);
            for (k, option) in e.options.iter().enumerate() {
                let mut title = egui::RichText::new(&option.name).strong();
                if option.historical {
                    title = title.color(egui::Color32::from_rgb(150, 110, 20));
                }
                ui.group(|ui| {
                    ui.set_width(ui.available_width());
                    if ui.button(title).clicked() {
                        out.push(UiAction::Answer { event, option: k });
                    }
                    if option.historical {
                        ui.small("What history chose.");
                    }
                    if !option.text.is_empty() {
                        ui.label(&option.text);
                    }
                });
            }
        });
}

/// Proposals other courts have sent the player, to accept or refuse this month.
fn proposals_dialog(ctx: &egui::Context, session: &Session, out: &mut Vec<UiAction>) {
    let pending = session.pending_proposals();
    if pending.is_empty() || !session.unanswered().is_empty() {
        return;
    }
    egui::Window::new("Envoys at court")
        .collapsible(false)
        .anchor(egui::Align2::CENTER_TOP, egui::vec2(-170.0, 60.0))
        .show(ctx, |ui| {
            for p in pending {
                ui.horizontal(|ui| {
                    ui.label(format!("{}: {}", faction_label(session, p.from), p.text));
                    if ui.button("Accept").clicked() {
                        out.push(UiAction::AnswerProposal { proposal: p.index, accept: true });
                    }
                    if ui.button("Refuse").clicked() {
                        out.push(UiAction::AnswerProposal { proposal: p.index, accept: false });
                    }
                });
            }
            ui.small("Unanswered, a proposal lapses when the month ends.");
        });
}

fn diplomacy(ctx: &egui::Context, session: &Session, windows: &mut Windows, out: &mut Vec<UiAction>) {
    let s = &session.sim().data().scenario;
    let me = session.player();
    let mut open = true;
    egui::Window::new("Diplomacy").open(&mut open).default_width(560.0).show(ctx, |ui| {
        egui::Grid::new("relations").striped(true).show(ui, |ui| {
            for h in ["Between", "", "War", "Opinion", "Trust"] {
                ui.strong(h);
            }
            ui.end_row();
            for r in &session.view.relations {
                let (a, b) = (&session.view.factions[r.a.get()], &session.view.factions[r.b.get()]);
                if !(a.alive && b.alive) {
                    continue;
                }
                ui.label(faction_label(session, a.ix));
                ui.label(faction_label(session, b.ix));
                ui.label(if r.at_war { "at war" } else { "peace" });
                ui.label(format!("{:.0} / {:.0}", r.opinion.0, r.opinion.1));
                ui.label(format!("{:.0} / {:.0}", r.trust.0, r.trust.1));
                ui.end_row();
            }
        });
        ui.separator();
        ui.strong("Treaties in force");
        for t in &session.view.treaties {
            let parties: Vec<String> = t.parties.iter().map(|p| faction_label(session, *p)).collect();
            ui.label(format!("{} ({}, since {}): {}", t.name, parties.join(", "), t.since, t.terms));
        }
        let Some(me) = me else { return };
        ui.separator();
        ui.strong("Send envoys");
        ui.horizontal(|ui| {
            ui.label(format!("Indemnity offered or demanded with peace (thousand {})", s.currency));
            ui.add(egui::DragValue::new(&mut windows.indemnity).range(0.0..=100_000.0).speed(100.0));
            ui.label("Truce months");
            ui.add(egui::DragValue::new(&mut windows.truce_months).range(1..=60));
        });
        for other in session.view.factions.iter().filter(|f| f.ix != me && f.alive) {
            let at_war = session.view.relation(me, other.ix).is_some_and(|r| r.at_war);
            ui.horizontal(|ui| {
                ui.label(faction_label(session, other.ix));
                if at_war {
                    if ui.button("Sue for peace").clicked() {
                        out.push(propose(
                            other.ix,
                            Proposal::Peace { indemnity: windows.indemnity, ceded: Vec::new() },
                        ));
                    }
                    if ui.button("Demand peace").clicked() {
                        out.push(propose(
                            other.ix,
                            Proposal::Demand { indemnity: windows.indemnity, ceded: Vec::new() },
                        ));
                    }
                    if ui.button("Ask for a truce").clicked() {
                        out.push(propose(other.ix, Proposal::Truce { months: windows.truce_months }));
                    }
                } else {
                    if ui.button("Declare war").clicked() {
                        out.push(UiAction::DeclareWar { on: other.ix });
                    }
                    for enemy in session.view.factions.iter().filter(|e| e.alive && e.ix != me && e.ix != other.ix) {
                        if session.view.relation(me, enemy.ix).is_some_and(|r| r.at_war)
                            && ui.button(format!("Alliance against {}", faction_label(session, enemy.ix))).clicked()
                        {
                            out.push(propose(other.ix, Proposal::Alliance { against: enemy.ix }));
                        }
                    }
                }
            });
        }
    });
    windows.diplomacy = open;
}

fn propose(to: FactionIx, proposal: Proposal) -> UiAction {
    UiAction::Propose { to, proposal }
}

/// 80000.4 as "80,000".
pub(super) fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.abs());
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < -0.5 { format!("-{out}") } else { out }
}

/// Silver held in thousands of the scenario's currency, as a player reads it (the chronicle's
/// words too).
fn silver(thousands: f64, currency: &str) -> String {
    crate::sim::money_in_words(thousands, currency)
}

/// The name a faction goes by now, with its name in the script of its time: "Jin 金". A rename
/// (Northern to Southern Song) keeps the scenario's native name, which still fits.
fn faction_label(session: &Session, f: FactionIx) -> String {
    let native = session.sim().data().scenario.factions[f.get()].native_name.as_deref();
    with_native(&session.view.factions[f.get()].name, native)
}

/// The name a province goes by now, with its native name: "Kaifeng (Eastern Capital) 開封".
fn province_label(session: &Session, p: ProvinceIx) -> String {
    let native = session.sim().data().scenario.provinces[p.get()].native_name.as_deref();
    with_native(&session.view.provinces[p.get()].name, native)
}

/// A character's name with his native name: "Li Gang 李綱".
fn character_label(session: &Session, c: CharacterIx) -> String {
    let data = session.sim().data();
    with_native(data.character_name(c), data.scenario.characters[c.get()].native_name.as_deref())
}

/// A faction's colour, lightened to read on the dark panels.
pub(super) fn faction_colour32(session: &Session, faction: Option<FactionIx>) -> egui::Color32 {
    let c = super::map::faction_colour(session, faction).mix(&Color::WHITE, 0.35).to_srgba();
    egui::Color32::from_rgb((c.red * 255.0) as u8, (c.green * 255.0) as u8, (c.blue * 255.0) as u8)
}

#[cfg(test)]
mod tests {
    #[test]
    fn big_numbers_get_thousands_separators() {
        assert_eq!(super::thousands(80_000.4), "80,000");
        assert_eq!(super::thousands(999.0), "999");
        assert_eq!(super::thousands(-1_234_567.0), "-1,234,567");
    }

    #[test]
    fn silver_reads_in_millions_once_past_a_million_taels() {
        assert_eq!(super::silver(90_000.0, "taels"), "90.0 million taels");
        assert_eq!(super::silver(1_240.0, "taels"), "1.2 million taels");
        assert_eq!(super::silver(999.7, "taels"), "1.0 million taels");
        assert_eq!(super::silver(850.2, "taels"), "850 thousand taels");
        assert_eq!(super::silver(-2_500.0, "taels"), "-2.5 million taels");
        assert_eq!(super::silver(12_000.0, "denarii"), "12.0 million denarii", "each era its money");
    }
}
