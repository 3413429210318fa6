//! How often the window draws. A turn-based map changes only when the player does something, so
//! the window draws on input, when egui asks (an animation, a sweep's progress), and at least
//! four times a second: the processor is left to the odds' sweeps and the laptop's battery. A
//! screenshot's frames are drawn without pause.
use std::time::Duration;

use bevy::prelude::*;
use bevy::winit::{UpdateMode, WinitSettings};
use bevy_egui::{EguiInput, EguiPreUpdateSet, egui};

use super::Launch;

/// The longest the window waits between two frames while it has the focus, and while not.
const FOCUSED_WAIT: Duration = Duration::from_millis(250);
const UNFOCUSED_WAIT: Duration = Duration::from_secs(1);

/// When the window draws, for what `jingkang play` was asked.
pub(super) fn settings(launch: &Launch) -> WinitSettings {
    if launch.screenshot.is_some() {
        return WinitSettings::continuous();
    }
    WinitSettings {
        focused_mode: UpdateMode::reactive(FOCUSED_WAIT),
        unfocused_mode: UpdateMode::reactive_low_power(UNFOCUSED_WAIT),
    }
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        PreUpdate,
        drop_unchanged_modifiers.after(EguiPreUpdateSet::ProcessInput).before(EguiPreUpdateSet::BeginPass),
    );
}

/// bevy_egui tells egui the modifier keys' state every frame as an event, and egui repaints at
/// once after any event: the window would never stop drawing. The event is dropped when the
/// keys are as they were (egui also reads them from the input's own `modifiers`).
fn drop_unchanged_modifiers(mut inputs: Query<&mut EguiInput>, mut last: Local<Option<egui::Modifiers>>) {
    for mut input in &mut inputs {
        let before = *last;
        input.0.events.retain(|event| match event {
            egui::Event::ModifiersChanged(now) => {
                let changed = before != Some(*now);
                *last = Some(*now);
                changed
            }
            _ => true,
        });
    }
}
