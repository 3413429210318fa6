//! The start screen: pick a built-in scenario or a file, the factions to play (several for
//! hotseat), the difficulty, a seed and whether the others follow history; or continue a saved
//! game.
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::hud::thousands;
use super::map::NativeNames;
use super::preview::{Preview, preview};
use super::session::{NewGame, SaveEntry, Session, UiAction, default_save_dir, list_saves, playable};
use super::{Launch, Screen};
use crate::scenario::{Difficulty, ScenarioRef, builtin_scenarios, load_valid};

/// What the start screen shows and what the player has picked so far.
#[derive(Resource, Default)]
struct StartMenu {
    /// Built-in scenarios: id, name, years, description.
    builtins: Vec<[String; 4]>,
    /// The scenario picked: a built-in id or the path typed.
    scenario: String,
    path: String,
    /// Playable factions of the picked scenario (id, name, picked), loaded when the pick changes.
    factions: Vec<(String, String, bool)>,
    /// What each of them starts with, in the same order.
    cards: Vec<FactionCard>,
    /// The picked scenario's map as it starts, built when the pick changes.
    preview: Option<Preview>,
    factions_of: String,
    seed: String,
    historical: bool,
    /// The difficulty picked: the scenario's own until the player picks another.
    difficulty: Difficulty,
    /// The saves in the save folder, newest first.
    saves: Vec<SaveEntry>,
    error: Option<String>,
}

/// What a faction starts a scenario with, as its card on the start screen shows it.
#[derive(Clone, Debug, Default, PartialEq)]
struct FactionCard {
    colour: [u8; 3],
    /// Its name in the script of its time, if the scenario gives one.
    native: Option<String>,
    /// "Ruled by Huizong from Kaifeng".
    court: String,
    /// "35 provinces · 350,000 men · 80.0 million taels".
    strength: String,
    /// The scenario's line on what it wants.
    aims: String,
}

/// The cards of `scenario`'s playable factions, in scenario order.
fn faction_cards(scenario: &crate::scenario::Scenario) -> Vec<FactionCard> {
    let character = |id: &str| scenario.characters.iter().find(|c| c.id == id).map(|c| c.name.clone());
    let province = |id: &str| {
        scenario.provinces.iter().find(|p| p.id == id).map(|p| p.name.split(" (").next().unwrap_or(&p.name).to_string())
    };
    scenario
        .factions
        .iter()
        .filter(|f| f.playable)
        .map(|f| {
            let ruler = f.ruler.as_deref().and_then(character);
            let capital = f.capital.as_deref().and_then(province);
            let court = match (ruler, capital) {
                (Some(r), Some(c)) => format!("Ruled by {r} from {c}"),
                (Some(r), None) => format!("Ruled by {r}"),
                (None, Some(c)) => format!("Its capital: {c}"),
                (None, None) => String::new(),
            };
            let provinces = scenario.provinces.iter().filter(|p| p.owner.as_deref() == Some(f.id.as_str())).count();
            let men: i64 = scenario.armies.iter().filter(|a| a.owner == f.id).flat_map(|a| a.troops.values()).sum();
            let silver = crate::sim::money_in_words(f.treasury as f64, &scenario.currency);
            let colour = Srgba::hex(&f.colour).map(|c| c.to_u8_array_no_alpha()).unwrap_or([200, 190, 170]);
            FactionCard {
                colour,
                native: f.native_name.clone(),
                court,
                strength: format!("{provinces} provinces · {} men · {silver}", thousands(men as f64)),
                aims: f.description.clone(),
            }
        })
        .collect()
}

/// What the start screen's buttons begin.
enum Begin {
    New(NewGame),
    Load(std::path::PathBuf),
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, launch_from_command_line);
    app.add_systems(EguiPrimaryContextPass, start_screen.run_if(in_state(Screen::Start)));
}

/// `jingkang play SCENARIO` or `--load` skip the start screen.
fn launch_from_command_line(mut commands: Commands, launch: Res<Launch>, mut next: ResMut<NextState<Screen>>) {
    let started = match (&launch.load, &launch.game) {
        (Some(path), _) => Some(Session::load(path, default_save_dir(), launch.seats.as_deref())),
        (None, Some(game)) => Some(Session::start(game, default_save_dir())),
        (None, None) => None,
    };
    let mut menu = StartMenu { seed: "1".into(), historical: true, ..default() };
    menu.builtins = builtin_scenarios()
        .into_iter()
        .filter_map(|b| {
            let s = load_valid(&ScenarioRef::Builtin(b.id.clone())).ok()?;
            let years = format!("{}-{}", s.start.year, s.end.year);
            Some([b.id, s.name.clone(), years, s.description.clone()])
        })
        .collect();
    menu.scenario = menu.builtins.first().map(|b| b[0].clone()).unwrap_or_default();
    menu.saves = list_saves(&default_save_dir());
    match started {
        Some(Ok(mut session)) => {
            if let Some((date, choice)) = &launch.what_if {
                go_back(&mut session, *date, choice);
            }
            commands.insert_resource(session);
            next.set(Screen::Playing);
        }
        Some(Err(e)) => {
            // Said on the terminal too, for whoever typed the command.
            eprintln!("error: {e}");
            menu.error = Some(e);
        }
        None => {}
    }
    commands.insert_resource(menu);
    commands.insert_resource(launch.overlay);
    commands.insert_resource(NativeNames(launch.native_names));
}

/// `play --load SAVE --fork-at DATE --choose EVENT=OPTION`: the timeline's "What if…?", asked
/// for on the command line; what went wrong is said on the terminal and in the window.
fn go_back(session: &mut Session, date: crate::scenario::Date, choice: &str) {
    match session.sim().data().resolve_choices(&[choice.to_string()]) {
        Ok(answers) => {
            for (event, option) in answers {
                session.apply(&UiAction::WhatIf { date, event, option });
            }
        }
        Err(e) => session.notice = Some(format!("--choose: {e}")),
    }
    match session.notice.as_ref() {
        Some(notice) if notice.starts_with("Cannot") || notice.starts_with("--choose") => eprintln!("error: {notice}"),
        Some(notice) => println!("{notice}"),
        None => {}
    }
}

fn start_screen(
    mut contexts: EguiContexts,
    mut menu: ResMut<StartMenu>,
    mut commands: Commands,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    refresh_factions(&mut menu);
    let mut start = None;
    let mut root = super::hud::root_ui(ctx);
    egui::CentralPanel::default().show(&mut root, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(24.0);
            ui.heading(egui::RichText::new("Jingkang").size(40.0));
            ui.label("The fall of the Northern Song, 1115-1127");
            ui.add_space(16.0);
        });
        ui.columns(2, |cols| {
            cols[0].heading("Scenario");
            let builtins = menu.builtins.clone();
            for [id, name, years, description] in &builtins {
                let picked = menu.scenario == *id;
                // Most names already end with their years.
                let label = if name.contains(years.as_str()) { name.clone() } else { format!("{name} ({years})") };
                if cols[0].selectable_label(picked, label).clicked() {
                    menu.scenario = id.clone();
                }
                if picked {
                    cols[0].label(egui::RichText::new(description).italics());
                }
            }
            cols[0].add_space(8.0);
            cols[0].label("Or a scenario file:");
            cols[0].horizontal(|ui| {
                ui.text_edit_singleline(&mut menu.path);
                if ui.button("Use this file").clicked() && !menu.path.trim().is_empty() {
                    menu.scenario = menu.path.trim().to_string();
                }
            });
            if let Some(preview) = &menu.preview {
                cols[0].add_space(12.0);
                super::preview::show(&mut cols[0], preview);
            }

            cols[1].heading("Players");
            if menu.factions.is_empty() {
                cols[1].label("No playable faction.");
            }
            let cards = menu.cards.clone();
            for ((_, name, picked), card) in menu.factions.iter_mut().zip(&cards) {
                faction_card(&mut cols[1], name, picked, card);
            }
            cols[1].label("Tick several for hotseat; none to watch the AI play.");
            cols[1].add_space(8.0);
            cols[1].horizontal(|ui| {
                ui.label("Seed");
                ui.text_edit_singleline(&mut menu.seed);
            });
            cols[1].checkbox(&mut menu.historical, "Factions nobody plays follow history in their choices");
            cols[1].horizontal(|ui| {
                ui.label("Difficulty");
                for level in Difficulty::ALL {
                    let label = capitalised(level.name());
                    if ui.selectable_label(menu.difficulty == level, label).on_hover_text(level.description()).clicked()
                    {
                        menu.difficulty = level;
                    }
                }
            });
            cols[1].add_space(16.0);
            if cols[1].button(egui::RichText::new("Start the campaign").size(20.0)).clicked() {
                start = Some(new_game(&menu).map(Begin::New));
            }
            // The newest save (the month's autosave, most often), one click away.
            if let Some(last) = menu.saves.first() {
                let resume = egui::RichText::new(format!("Continue: {}", last.label)).size(16.0);
                if cols[1].button(resume).on_hover_text("Go on with the newest saved game").clicked() {
                    start = Some(Ok(Begin::Load(last.path.clone())));
                }
            }
            if !menu.saves.is_empty() {
                cols[1].add_space(16.0);
                cols[1].heading("Saved games");
                for save in menu.saves.iter().take(8) {
                    if cols[1].button(&save.label).clicked() {
                        start = Some(Ok(Begin::Load(save.path.clone())));
                    }
                }
            }
            if let Some(e) = &menu.error {
                cols[1].colored_label(egui::Color32::DARK_RED, e);
            }
        });
    });
    match start {
        Some(Ok(begin)) => {
            let dir = default_save_dir();
            let session = match begin {
                Begin::New(game) => Session::start(&game, dir),
                Begin::Load(path) => Session::load(&path, dir, None).map_err(|e| format!("Cannot load: {e}")),
            };
            match session {
                Ok(session) => {
                    commands.insert_resource(session);
                    next.set(Screen::Playing);
                }
                Err(e) => menu.error = Some(e),
            }
        }
        Some(Err(e)) => menu.error = Some(e),
        None => {}
    }
    Ok(())
}

/// The campaign the menu describes, or why it cannot be started.
fn new_game(menu: &StartMenu) -> Result<NewGame, String> {
    let seed = menu
        .seed
        .trim()
        .parse::<u64>()
        .map_err(|_| format!("The seed must be a whole number, not \"{}\".", menu.seed))?;
    Ok(NewGame {
        scenario: menu.scenario.clone(),
        factions: menu.factions.iter().filter(|f| f.2).map(|f| f.0.clone()).collect(),
        seed,
        historical: menu.historical,
        difficulty: Some(menu.difficulty),
    })
}

/// Reloads the playable factions when another scenario is picked.
fn refresh_factions(menu: &mut StartMenu) {
    if menu.factions_of == menu.scenario {
        return;
    }
    menu.factions_of = menu.scenario.clone();
    match load_valid(&ScenarioRef::parse(&menu.scenario)) {
        Ok(valid) => {
            menu.factions =
                playable(valid.scenario()).into_iter().enumerate().map(|(i, (id, name))| (id, name, i == 0)).collect();
            menu.cards = faction_cards(valid.scenario());
            menu.preview = Some(preview(valid.scenario()));
            menu.difficulty = valid.difficulty.unwrap_or_default();
            menu.error = None;
        }
        Err(e) => {
            menu.factions.clear();
            menu.cards.clear();
            menu.preview = None;
            menu.error = Some(e.to_string());
        }
    }
}

/// A playable faction's card: a box to tick to play it, its colour and name, its court, its
/// strength and what it wants.
fn faction_card(ui: &mut egui::Ui, name: &str, picked: &mut bool, card: &FactionCard) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal(|ui| {
            ui.checkbox(picked, "");
            super::hud::swatch(ui, card.colour);
            ui.strong(super::fonts::with_native(name, card.native.as_deref()));
            if !card.court.is_empty() {
                ui.label(format!("·  {}", card.court));
            }
        });
        ui.label(&card.strength);
        if !card.aims.is_empty() {
            ui.label(egui::RichText::new(&card.aims).italics());
        }
    });
}

/// "easy" as a button says it: "Easy".
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_playable_faction_s_card_tells_its_court_strength_and_aims() {
        let valid = load_valid(&ScenarioRef::Builtin("jingkang".into())).expect("built-in");
        let scenario = valid.scenario();
        let cards = faction_cards(scenario);
        assert_eq!(cards.len(), playable(scenario).len());
        let song = &cards[0];
        assert_eq!(playable(scenario)[0].0, "song");
        assert!(song.court.starts_with("Ruled by Huizong from Kaifeng"), "{}", song.court);
        let owned = scenario.provinces.iter().filter(|p| p.owner.as_deref() == Some("song")).count();
        assert!(song.strength.starts_with(&format!("{owned} provinces · ")), "{}", song.strength);
        assert!(song.strength.ends_with("million taels"), "{}", song.strength);
        assert!(!song.aims.is_empty());
        assert_ne!(cards[0].colour, cards[1].colour, "each faction in its own colour");
    }

    #[test]
    fn big_numbers_are_grouped_by_thousands() {
        assert_eq!(thousands(350_000.0), "350,000");
        assert_eq!(thousands(1_234_567.0), "1,234,567");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(-4_500.0), "-4,500");
    }
}
