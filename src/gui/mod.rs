//! The game window (cargo feature `gui`): a start screen, the map, the panels, and the session that
//! turns what the player does into orders. It reads the simulation's [`GameView`](crate::sim::GameView)
//! and never changes the simulation except through [`session::UiAction`].
use std::path::PathBuf;
use std::process::ExitCode;

use bevy::prelude::*;
use bevy::window::WindowResolution;
use bevy_egui::EguiPlugin;

mod branches;
mod camera;
mod charts;
mod fonts;
pub mod geometry;
mod hud;
mod map;
mod odds;
mod outcome;
mod pace;
mod palette;
mod preview;
mod screenshot;
pub mod session;
mod start;
mod timeline;

pub use map::Overlay;
pub use session::{NewGame, Session, UiAction};

/// The screens of the game.
#[derive(States, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Screen {
    #[default]
    Start,
    Playing,
}

/// What `jingkang play` was asked for.
#[derive(Resource, Clone, Debug)]
pub struct Launch {
    /// Start this campaign at once instead of showing the start screen.
    pub game: Option<NewGame>,
    /// Continue this save at once.
    pub load: Option<PathBuf>,
    /// Who plays the loaded save (faction ids; none to watch the AI), if not who saved it.
    pub seats: Option<Vec<String>>,
    /// Save a screenshot here after `frames` frames of the map, then quit.
    pub screenshot: Option<PathBuf>,
    pub frames: u32,
    /// The map mode to open on.
    pub overlay: Overlay,
    /// Whether the map letters cities with their native names too.
    pub native_names: bool,
    /// Where the map opens, if not on the whole of it.
    pub look: Option<Look>,
    /// A window to open at once: the timeline, or the odds (whose sweep then starts at once, and
    /// which a screenshot waits for).
    pub panel: Option<Panel>,
    /// Go back to this month of the loaded save and answer an event otherwise (`EVENT=OPTION`),
    /// as the timeline's "What if…?" does.
    pub what_if: Option<(crate::scenario::Date, String)>,
    /// Campaigns for each answer in the odds panel, to begin with.
    pub odds_runs: u64,
}

/// A window of the game that `jingkang play --panel` opens at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Panel {
    /// The turning points, "What if…?", and the branches compared.
    Timeline,
    /// The odds from here, swept at once.
    Odds,
}

impl Default for Launch {
    fn default() -> Self {
        Self {
            game: None,
            load: None,
            seats: None,
            screenshot: None,
            frames: 0,
            overlay: Overlay::default(),
            native_names: false,
            look: None,
            panel: None,
            what_if: None,
            odds_runs: odds::DEFAULT_RUNS,
        }
    }
}

/// A part of the map to open on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Look {
    /// (longitude, latitude) in the middle of the view; the map's middle if none.
    pub centre: Option<(f64, f64)>,
    /// How many times closer than the whole map: 1 shows it all.
    pub zoom: f32,
}

/// Opens the window and plays until it is closed.
pub fn run(launch: Launch) -> ExitCode {
    if let Some(reason) = no_display() {
        eprintln!(
            "jingkang play needs a graphical display ({reason}); without one, use `jingkang run`, \
             `jingkang whatif` or `jingkang calibrate`, or start it under Xvfb."
        );
        return ExitCode::FAILURE;
    }
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: "Jingkang: the fall of the Northern Song".into(),
                    resolution: WindowResolution::new(1440, 900),
                    ..default()
                }),
                ..default()
            })
            .disable::<bevy::log::LogPlugin>(),
    );
    app.add_plugins(EguiPlugin::default());
    app.insert_resource(pace::settings(&launch));
    app.insert_resource(launch);
    plugin(&mut app);
    match app.run() {
        AppExit::Success => ExitCode::SUCCESS,
        AppExit::Error(code) => ExitCode::from(code.get()),
    }
}

/// Why no window can open here, if none can: on Linux this build draws on X11 only.
fn no_display() -> Option<&'static str> {
    if cfg!(target_os = "linux") && std::env::var_os("DISPLAY").is_none_or(|d| d.is_empty()) {
        return Some("DISPLAY is not set");
    }
    None
}

/// What shows where nothing is drawn: behind the start screen, and nowhere on a map, which
/// paints every point inside its frame as a province or the sea and the rest as lands beyond.
pub const BACKGROUND: Color = Color::srgb(0.76, 0.72, 0.62);

/// Every part of the window, composed.
fn plugin(app: &mut App) {
    app.init_state::<Screen>();
    app.insert_resource(ClearColor(BACKGROUND));
    app.add_plugins((
        session::plugin,
        fonts::plugin,
        start::plugin,
        camera::plugin,
        map::plugin,
        hud::plugin,
        odds::plugin,
        pace::plugin,
        screenshot::plugin,
    ));
}
