//! The map camera: pan with a drag or the arrow keys (and WASD), zoom with the wheel around the
//! cursor; a press and release without a drag is a click on the map.
use bevy::input::mouse::{MouseScrollUnit, MouseWheel};
use bevy::prelude::*;
use bevy::render::renderer::RenderAdapterInfo;
use bevy::window::PrimaryWindow;
use bevy_egui::input::{egui_wants_any_keyboard_input, egui_wants_any_pointer_input};

use super::Screen;

/// A click (press and release without dragging) on the map, in world units, with the button.
#[derive(Message, Clone, Copy, Debug)]
pub struct MapClick {
    pub at: Vec2,
    pub button: MouseButton,
}

/// Where the cursor points on the map, if it is over the map and not over a panel.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct Cursor(pub Option<Vec2>);

/// A drag under way: where it started on screen and whether it has moved enough to be a drag.
#[derive(Resource, Default)]
struct Drag {
    start: Option<Vec2>,
    last: Vec2,
    dragging: bool,
}

/// Zoom limits, as the camera's scale (world units per pixel).
const MIN_SCALE: f32 = 0.15;
const MAX_SCALE: f32 = 4.0;

pub(super) fn plugin(app: &mut App) {
    app.add_message::<MapClick>().init_resource::<Cursor>().init_resource::<Drag>();
    app.add_systems(Startup, spawn_camera);
    app.add_systems(
        Update,
        (
            track_cursor,
            (drag_and_click, zoom_with_wheel).run_if(not(egui_wants_any_pointer_input)),
            pan_with_keys.run_if(not(egui_wants_any_keyboard_input)),
        )
            .chain()
            .run_if(in_state(Screen::Playing)),
    );
}

/// The map's camera. Its edges are smoothed by 4x multisampling on a graphics card; where the
/// processor draws the frames itself (no GPU: Mesa's llvmpipe, as under Xvfb) that alone takes
/// more than half of each frame (95 ms a frame against 41 ms without, at 1440 x 900 on 2 cores),
/// so there the map is drawn without it. `JINGKANG_SMOOTH_EDGES=1` (or `0`) decides instead, as
/// `tools/screenshots.sh` does for the pictures of the docs.
fn spawn_camera(mut commands: Commands, adapter: Option<Res<RenderAdapterInfo>>) {
    let software = adapter.is_some_and(|a| a.device_type == wgpu_types::DeviceType::Cpu);
    let smooth = match std::env::var("JINGKANG_SMOOTH_EDGES").as_deref() {
        Ok("1") => true,
        Ok("0") => false,
        _ => !software,
    };
    commands.spawn((Camera2d, if smooth { Msaa::Sample4 } else { Msaa::Off }));
}

/// Puts the camera over `centre` at a scale that shows `size` world units in the window.
pub fn fit(camera: &mut Transform, projection: &mut Projection, centre: Vec2, size: Vec2, window: Vec2) {
    camera.translation = centre.extend(camera.translation.z);
    if let Projection::Orthographic(o) = projection {
        let scale = (size.x / window.x.max(1.0)).max(size.y / window.y.max(1.0));
        o.scale = scale.clamp(MIN_SCALE, MAX_SCALE);
    }
}

fn track_cursor(
    window: Single<&Window, With<PrimaryWindow>>,
    camera: Single<(&Camera, &GlobalTransform)>,
    mut cursor: ResMut<Cursor>,
    mut contexts: bevy_egui::EguiContexts,
) {
    let over_panel = contexts.ctx_mut().is_ok_and(|ctx| ctx.is_pointer_over_egui());
    let (camera, at) = *camera;
    cursor.0 = window.cursor_position().filter(|_| !over_panel).and_then(|p| camera.viewport_to_world_2d(at, p).ok());
}

fn drag_and_click(
    buttons: Res<ButtonInput<MouseButton>>,
    window: Single<&Window, With<PrimaryWindow>>,
    camera: Single<(&mut Transform, &Projection), With<Camera2d>>,
    cursor: Res<Cursor>,
    mut drag: ResMut<Drag>,
    mut clicks: MessageWriter<MapClick>,
) {
    let Some(screen) = window.cursor_position() else { return };
    let (mut transform, projection) = camera.into_inner();
    let scale = match projection {
        Projection::Orthographic(o) => o.scale,
        _ => 1.0,
    };
    // A press on a panel or a dialog is theirs, even if it closes the dialog before the release.
    if buttons.just_pressed(MouseButton::Left) && cursor.0.is_some() {
        *drag = Drag { start: Some(screen), last: screen, dragging: false };
    }
    if let Some(start) = drag.start {
        if buttons.pressed(MouseButton::Left) {
            if start.distance(screen) > 5.0 {
                drag.dragging = true;
            }
            if drag.dragging {
                let moved = screen - drag.last;
                // Screen y grows downward, the world's upward.
                transform.translation.x -= moved.x * scale;
                transform.translation.y += moved.y * scale;
            }
            drag.last = screen;
        }
        if buttons.just_released(MouseButton::Left) {
            if !drag.dragging
                && let Some(at) = cursor.0
            {
                clicks.write(MapClick { at, button: MouseButton::Left });
            }
            drag.start = None;
        }
    }
    if buttons.just_released(MouseButton::Right)
        && let Some(at) = cursor.0
    {
        clicks.write(MapClick { at, button: MouseButton::Right });
    }
}

fn zoom_with_wheel(
    mut wheel: MessageReader<MouseWheel>,
    cursor: Res<Cursor>,
    camera: Single<(&mut Transform, &mut Projection), With<Camera2d>>,
) {
    let (mut transform, mut projection) = camera.into_inner();
    let Projection::Orthographic(o) = &mut *projection else { return };
    for event in wheel.read() {
        let notches = match event.unit {
            MouseScrollUnit::Line => event.y,
            MouseScrollUnit::Pixel => event.y / 40.0,
        };
        let new_scale = (o.scale * 0.85_f32.powf(notches)).clamp(MIN_SCALE, MAX_SCALE);
        // Keep the point under the cursor where it is.
        if let Some(anchor) = cursor.0 {
            let offset = anchor - transform.translation.truncate();
            let moved = anchor - offset * (new_scale / o.scale);
            transform.translation = moved.extend(transform.translation.z);
        }
        o.scale = new_scale;
    }
}

fn pan_with_keys(
    keys: Res<ButtonInput<KeyCode>>,
    time: Res<Time>,
    camera: Single<(&mut Transform, &Projection), With<Camera2d>>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
) {
    let (mut transform, projection) = camera.into_inner();
    let scale = match projection {
        Projection::Orthographic(o) => o.scale,
        _ => 1.0,
    };
    let mut direction = Vec2::ZERO;
    for (keys_for, step) in [
        ([KeyCode::ArrowLeft, KeyCode::KeyA], Vec2::NEG_X),
        ([KeyCode::ArrowRight, KeyCode::KeyD], Vec2::X),
        ([KeyCode::ArrowUp, KeyCode::KeyW], Vec2::Y),
        ([KeyCode::ArrowDown, KeyCode::KeyS], Vec2::NEG_Y),
    ] {
        if keys.any_pressed(keys_for) {
            direction += step;
        }
    }
    // 600 screen pixels a second whatever the zoom.
    let moved = direction.normalize_or_zero() * 600.0 * scale * time.delta_secs();
    transform.translation += moved.extend(0.0);
    // The window draws only when something happens (see `gui::run`): a held key keeps it drawing
    // so the map glides instead of jumping with the key's repeats.
    if direction != Vec2::ZERO {
        redraw.write(bevy::window::RequestRedraw);
    }
}
