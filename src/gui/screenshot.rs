//! `jingkang play --screenshot FILE --frames N`: render the map for N frames, save the window as a
//! PNG and quit, so a machine without anyone at it can check what the window shows.
use std::path::PathBuf;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};

use super::{Launch, Screen};

/// Frames drawn of the map so far, and whether the picture has been asked for.
#[derive(Resource, Default)]
struct Countdown {
    frames: u32,
    asked: bool,
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Countdown>();
    app.add_systems(Update, take_screenshot.run_if(in_state(Screen::Playing)));
    app.add_systems(Update, give_up_off_the_map.run_if(in_state(Screen::Start)));
}

fn take_screenshot(mut commands: Commands, launch: Res<Launch>, mut countdown: ResMut<Countdown>) {
    let Some(path) = launch.screenshot.clone() else { return };
    countdown.frames += 1;
    if countdown.asked || countdown.frames < launch.frames.max(1) {
        return;
    }
    countdown.asked = true;
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

/// A screenshot was asked for but the campaign never started (its error is on the start screen):
/// say so and quit rather than wait for ever.
fn give_up_off_the_map(launch: Res<Launch>, mut countdown: ResMut<Countdown>, mut exit: MessageWriter<AppExit>) {
    if launch.screenshot.is_none() {
        return;
    }
    countdown.frames += 1;
    if countdown.frames > 5 {
        eprintln!("error: the campaign did not start, so there is no map to take a picture of");
        exit.write(AppExit::error());
    }
}
