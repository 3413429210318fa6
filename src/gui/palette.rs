//! The map's colours, shared by the game's map and the start screen's preview, so that the
//! preview looks like the game it starts.
use bevy::color::{ColorToPacked, Mix};
use bevy::prelude::*;
use bevy_egui::egui::Color32;

use crate::scenario::LineKind;

/// A colour in sRGB with alpha, 0 to 1, usable as Bevy's or egui's in constants.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Rgba(pub [f32; 4]);

impl Rgba {
    /// As Bevy draws it.
    pub(super) const fn bevy(self) -> Color {
        let [r, g, b, a] = self.0;
        Color::srgba(r, g, b, a)
    }

    /// As egui draws it.
    pub(super) const fn egui(self) -> Color32 {
        const fn byte(x: f32) -> u8 {
            (x * 255.0 + 0.5) as u8
        }
        let [r, g, b, a] = self.0;
        Color32::from_rgba_unmultiplied_const(byte(r), byte(g), byte(b), byte(a))
    }
}

/// The sea.
pub(super) const SEA: Rgba = Rgba([0.45, 0.6, 0.72, 1.0]);
/// Lands beyond the known world.
pub(super) const BEYOND: Rgba = Rgba([0.84, 0.81, 0.74, 1.0]);
/// Province borders and the known world's edge.
pub(super) const BORDER_INK: Rgba = Rgba([0.2, 0.15, 0.1, 0.55]);
/// City names and markers.
pub(super) const INK: Rgba = Rgba([0.12, 0.08, 0.05, 1.0]);
/// Land nobody holds.
pub(super) const NO_OWNER: Rgba = Rgba([0.85, 0.82, 0.74, 1.0]);
/// What owners' colours are softened towards, so that names and marks read on them.
const PARCHMENT: Rgba = Rgba([0.9, 0.85, 0.75, 1.0]);

/// A drawn line's colour by its kind.
pub(super) const fn line_colour(kind: LineKind) -> Rgba {
    match kind {
        LineKind::Coast => Rgba([0.2, 0.3, 0.4, 1.0]),
        LineKind::River => Rgba([0.25, 0.45, 0.8, 1.0]),
        LineKind::Border => Rgba([0.5, 0.1, 0.1, 0.8]),
        LineKind::Wall | LineKind::Frame => Rgba([0.3, 0.24, 0.18, 1.0]),
    }
}

/// A faction's own colour from the scenario's `#rrggbb`; nobody's colour for none or a bad one.
pub(super) fn faction(hex: Option<&str>) -> Color {
    hex.and_then(|h| Srgba::hex(h).ok()).map_or(NO_OWNER.bevy(), Color::from)
}

/// Land in its owner's colour (`#rrggbb`) as the political map paints it: a quarter of the way
/// to parchment.
pub(super) fn land(hex: Option<&str>) -> Color {
    faction(hex).mix(&PARCHMENT.bevy(), 0.25)
}

/// A Bevy colour for egui.
pub(super) fn to_egui(colour: Color) -> Color32 {
    let [r, g, b, a] = colour.to_srgba().to_u8_array();
    Color32::from_rgba_unmultiplied(r, g, b, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn land_is_its_owner_s_colour_softened_and_nobody_s_is_pale() {
        let song = land(Some("#c0392b")).to_srgba();
        assert!(song.red > song.green && song.red > song.blue && song.red < 0.9);
        assert_eq!(faction(Some("not a colour")), NO_OWNER.bevy());
        assert_eq!(to_egui(SEA.bevy()), SEA.egui());
    }
}
