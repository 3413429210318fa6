//! `jingkang play`: the game window (the default command). Without the `gui` feature it explains
//! how to get one.
use std::path::PathBuf;
use std::process::ExitCode;

/// Open the game window: the start screen, or straight into SCENARIO.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// A built-in scenario id or a scenario file; without it the start screen lets you pick.
    #[arg(value_name = "SCENARIO")]
    scenario: Option<String>,
    /// A faction to play (its id); repeat for hotseat. Without it you play the first playable one
    /// (with --load: the factions the save was played by).
    #[arg(long = "faction", value_name = "ID")]
    factions: Vec<String>,
    /// Play no faction: watch the AI play every one (a new game or a loaded one).
    #[arg(long, conflicts_with = "factions")]
    watch: bool,
    /// Seed of the campaign's dice.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Events of factions nobody plays follow history.
    #[arg(long)]
    historical: bool,
    /// How strong the AI is (default: the scenario's own difficulty, normal unless it sets one).
    #[arg(long, value_enum)]
    difficulty: Option<crate::scenario::Difficulty>,
    /// Continue a saved game.
    #[arg(long, value_name = "SAVE", conflicts_with = "scenario")]
    load: Option<PathBuf>,
    /// Save a picture of the window to this PNG after --frames frames, then quit (the start
    /// screen's picture when no SCENARIO is named).
    #[arg(long, value_name = "PNG")]
    screenshot: Option<PathBuf>,
    /// Frames to draw before the screenshot.
    #[arg(long, default_value_t = 30, requires = "screenshot")]
    frames: u32,
    /// The map mode to open on (keys O, L and R switch them in the window).
    #[arg(long, value_name = "MODE", value_parser = ["political", "supply", "loyalty", "relations"])]
    mode: Option<String>,
    /// Letter cities with their names in the script of their time too (key N in the window).
    #[arg(long)]
    native_names: bool,
    /// Open the map centred here, LONGITUDE,LATITUDE in degrees (e.g. 115.5,38.5).
    #[arg(long, value_name = "LON,LAT", value_parser = parse_point)]
    centre: Option<(f64, f64)>,
    /// Open the map this many times closer than the whole of it (with or without --centre).
    #[arg(long, value_name = "TIMES", value_parser = parse_zoom)]
    zoom: Option<f32>,
    /// Open a window at once: the timeline of turning points and branches, or the odds from here
    /// (whose campaigns start at once; a screenshot waits for them).
    #[arg(long, value_name = "PANEL", value_parser = ["timeline", "odds"])]
    panel: Option<String>,
    /// Campaigns for each answer in the odds panel (it can be changed there too).
    #[arg(long, value_name = "N", default_value_t = 500, value_parser = clap::value_parser!(u64).range(10..=100_000))]
    odds_runs: u64,
    /// With --load: go back to this month of the saved game (YYYY-MM) and answer --choose's event
    /// otherwise there, as the timeline's "What if…?" does; the game as saved is kept as a branch.
    #[arg(long, value_name = "YYYY-MM", requires_all = ["load", "choose"], value_parser = super::run::parse_month)]
    fork_at: Option<crate::scenario::Date>,
    /// The answer given otherwise at --fork-at: EVENT=OPTION.
    #[arg(long, value_name = "EVENT=OPTION", requires = "fork_at")]
    choose: Option<String>,
}

/// "115.5,38.5" as (longitude, latitude).
fn parse_point(text: &str) -> Result<(f64, f64), String> {
    let bad = || format!("expected LONGITUDE,LATITUDE in degrees, e.g. 115.5,38.5 (got {text:?})");
    let (lon, lat) = text.split_once(',').ok_or_else(bad)?;
    let (lon, lat): (f64, f64) = (lon.trim().parse().map_err(|_| bad())?, lat.trim().parse().map_err(|_| bad())?);
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err(format!("{text:?} is off the globe: longitude -180 to 180, latitude -90 to 90"));
    }
    Ok((lon, lat))
}

/// A zoom from 0.5 (twice as far as the whole map) to 20.
fn parse_zoom(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(z) if (0.5..=20.0).contains(&z) => Ok(z),
        _ => Err(format!("expected a number from 0.5 to 20 (got {text:?})")),
    }
}

#[cfg(feature = "gui")]
pub(super) fn run(args: &Args) -> ExitCode {
    use crate::scenario::{ScenarioRef, load_valid};
    let game = match &args.scenario {
        Some(scenario) => {
            let factions = if args.watch || !args.factions.is_empty() {
                args.factions.clone()
            } else {
                // The first playable faction, so `jingkang play jingkang` puts you in command.
                match load_valid(&ScenarioRef::parse(scenario)) {
                    Ok(valid) => {
                        crate::gui::session::playable(valid.scenario()).into_iter().take(1).map(|f| f.0).collect()
                    }
                    Err(errors) => {
                        eprintln!("{errors}");
                        return ExitCode::from(super::EXIT_INVALID);
                    }
                }
            };
            Some(crate::gui::NewGame {
                scenario: scenario.clone(),
                factions,
                seed: args.seed,
                historical: args.historical,
                difficulty: args.difficulty,
            })
        }
        None => None,
    };
    // A save is continued by who saved it, unless --faction or --watch seats others.
    let seats = (args.watch || !args.factions.is_empty()).then(|| args.factions.clone());
    crate::gui::run(crate::gui::Launch {
        game,
        load: args.load.clone(),
        seats,
        screenshot: args.screenshot.clone(),
        frames: args.frames,
        overlay: args.mode.as_deref().and_then(|m| clap::ValueEnum::from_str(m, true).ok()).unwrap_or_default(),
        native_names: args.native_names,
        look: look(args),
        panel: args.panel.as_deref().and_then(|p| clap::ValueEnum::from_str(p, true).ok()),
        what_if: args.fork_at.zip(args.choose.clone()),
        odds_runs: args.odds_runs,
    })
}

/// Where the map opens: the point asked for (or the map's middle) at the zoom asked for.
#[cfg(feature = "gui")]
fn look(args: &Args) -> Option<crate::gui::Look> {
    (args.centre.is_some() || args.zoom.is_some())
        .then(|| crate::gui::Look { centre: args.centre, zoom: args.zoom.unwrap_or(1.0) })
}

#[cfg(not(feature = "gui"))]
pub(super) fn run(_args: &Args) -> ExitCode {
    eprintln!(
        "this jingkang was built without its window (the `gui` feature); build it with default features, \
         or use `jingkang run`, `jingkang whatif` or `jingkang calibrate`"
    );
    ExitCode::FAILURE
}

#[cfg(test)]
mod tests {
    #[test]
    fn without_a_command_the_window_opens_with_the_options_defaults() {
        let Some(super::super::Command::Play(args)) = super::super::default_command() else {
            panic!("the default command is play");
        };
        assert_eq!((args.seed, args.frames, args.odds_runs), (1, 30, 500));
        assert!(args.scenario.is_none() && args.load.is_none() && args.panel.is_none());
    }

    use super::*;

    #[test]
    fn a_point_is_longitude_comma_latitude_on_the_globe() {
        assert_eq!(parse_point("115.5, 38.5"), Ok((115.5, 38.5)));
        assert!(parse_point("115.5").is_err_and(|e| e.contains("LONGITUDE,LATITUDE")));
        assert!(parse_point("38.5,115.5").is_err_and(|e| e.contains("off the globe")));
        assert!(parse_zoom("2.5").is_ok() && parse_zoom("0").is_err() && parse_zoom("much").is_err());
    }
}
