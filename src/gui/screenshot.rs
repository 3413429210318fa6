//! `jingkang play --screenshot FILE --frames N`: render the map for N frames, save the window as a
//! PNG and quit, so a machine without anyone at it can check what the window shows.
use std::path::PathBuf;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};

use super::odds::FrameTimes;
use super::{Launch, Screen};

/// Frames drawn of the map so far, and whether the picture has been asked for.
#[derive(Resource, Default)]
struct Countdown {
    frames: u32,
    asked: bool,
    /// How long each frame of the map took, the first few (start-up) left out.
    times: Vec<std::time::Duration>,
}

/// Frames at the start left out of the timings: the window opening, the map being built.
const WARM_UP: u32 = 3;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Countdown>();
    app.add_systems(Update, take_screenshot);
}

/// After the frames asked for: the picture of the map (or of the start screen when no campaign
/// was named); if a campaign was named but could not start, its error and a failure instead.
fn take_screenshot(
    mut commands: Commands,
    launch: Res<Launch>,
    screen: Res<State<Screen>>,
    mut countdown: ResMut<Countdown>,
    (odds, time): (Option<Res<super::odds::Odds>>, Res<Time<Real>>),
    mut exit: MessageWriter<AppExit>,
) {
    let Some(path) = launch.screenshot.clone() else { return };
    // The odds panel's picture is of its finished chart.
    let job = odds.as_ref().and_then(|o| o.job.as_ref());
    if job.is_some_and(|j| j.running()) {
        return;
    }
    countdown.frames += 1;
    if countdown.frames > WARM_UP && !countdown.asked {
        countdown.times.push(time.delta());
    }
    if countdown.asked || countdown.frames < launch.frames.max(1) {
        return;
    }
    countdown.asked = true;
    let frames = FrameTimes::of(&countdown.times);
    if frames.count > 0 {
        println!("Frames: {} timed (with no sweep running), {frames}", frames.count);
    }
    if let Some(job) = job {
        // What a window test checks: the sweep finished while the window kept drawing.
        let frames = job.frames();
        println!(
            "Odds: {} of {} campaigns in {:.1} s; {} frames drawn meanwhile, {frames}",
            job.done(),
            job.total,
            job.took.unwrap_or_default().as_secs_f64(),
            frames.count,
        );
    }
    let wanted_a_campaign = launch.game.is_some() || launch.load.is_some();
    if wanted_a_campaign && *screen.get() != Screen::Playing {
        eprintln!("error: the campaign did not start, so there is no map to take a picture of");
        exit.write(AppExit::error());
        return;
    }
    commands.spawn(Screenshot::primary_window()).observe(save_and_quit(path));
}

/// Saves the picture, then closes the game with success (or failure if it cannot be written).
fn save_and_quit(path: PathBuf) -> impl FnMut(On<ScreenshotCaptured>, MessageWriter<AppExit>) {
    move |captured, mut exit| {
        let saved = captured
            .image
            .clone()
            .try_into_dynamic()
            .map_err(|e| e.to_string())
            .and_then(|image| image.to_rgb8().save(&path).map_err(|e| e.to_string()));
        match saved {
            Ok(()) => {
                println!("Saved a screenshot to {}", path.display());
                exit.write(AppExit::Success);
            }
            Err(e) => {
                eprintln!("error: cannot save the screenshot to {}: {e}", path.display());
                exit.write(AppExit::error());
            }
        }
    }
}
