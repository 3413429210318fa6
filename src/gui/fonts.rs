//! The window's fonts: egui's own, with a subset of Noto Sans CJK TC behind them, so that the
//! names of factions, people and places in the script of their time (a scenario's `native_name`:
//! 開封, 李綱) show beside their romanised names. The subset is cut by `tools/cjk_subset.py` to the
//! built-in scenarios' characters and embedded, so the binary runs from any folder.
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

/// Noto Sans CJK TC Regular, cut to the characters of the built-in scenarios' native names
/// (SIL Open Font License 1.1: assets/fonts/OFL.txt). The map may load it for its labels too.
pub(super) const CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansCJKtc-subset.otf");

/// The key of the CJK font in egui's font definitions.
const CJK_FONT_NAME: &str = "noto_sans_cjk_tc_subset";

/// Set once egui has been given the fonts, so that they are not compared and set every frame.
#[derive(Resource)]
struct FontsInstalled;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, install.run_if(not(resource_exists::<FontsInstalled>)));
}

/// Gives the primary egui context its fonts, the first frame it exists (egui uses them from the
/// next frame on: the start screen's first frame shows no native names, so nothing is lost).
fn install(mut contexts: EguiContexts, mut commands: Commands) -> Result {
    let ctx = contexts.ctx_mut()?;
    ctx.set_fonts(definitions());
    commands.insert_resource(FontsInstalled);
    Ok(())
}

/// egui's default fonts, then the CJK subset as the last fallback of the proportional and the
/// monospace families: Latin text keeps its look, and only characters the defaults lack (the
/// Han characters) come from the subset.
fn definitions() -> egui::FontDefinitions {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(CJK_FONT_NAME.to_owned(), egui::FontData::from_static(CJK_FONT).into());
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts.families.entry(family).or_default().push(CJK_FONT_NAME.to_owned());
    }
    fonts
}

/// A name with its native form after it, as the panels show it: "Kaifeng 開封", or "Kaifeng"
/// alone when there is no native name.
pub(super) fn with_native(name: &str, native: Option<&str>) -> String {
    match native {
        Some(native) if !native.is_empty() => format!("{name} {native}"),
        _ => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_native_name_follows_the_romanised_one() {
        assert_eq!(with_native("Kaifeng (Eastern Capital)", Some("開封")), "Kaifeng (Eastern Capital) 開封");
        assert_eq!(with_native("Li Gang", Some("李綱")), "Li Gang 李綱");
        assert_eq!(with_native("Xingqing", None), "Xingqing");
        assert_eq!(with_native("Xingqing", Some("")), "Xingqing", "no stray space");
    }

    #[test]
    fn the_cjk_font_is_the_last_fallback_of_both_families() {
        let fonts = definitions();
        let defaults = egui::FontDefinitions::default();
        for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
            let list = &fonts.families[&family];
            assert_eq!(list.last().map(String::as_str), Some(CJK_FONT_NAME), "{family:?}");
            assert_eq!(list[..list.len() - 1], defaults.families[&family][..], "the defaults come first");
        }
        assert!(fonts.font_data.contains_key(CJK_FONT_NAME));
    }

    /// One pass of an empty ui, its texture changes dropped (no renderer here takes them).
    fn pass(ctx: &egui::Context) {
        let mut output = ctx.run_ui(egui::RawInput::default(), |_| {});
        output.textures_delta.clear();
    }

    #[test]
    fn egui_draws_the_native_names_with_the_embedded_font() {
        let ctx = egui::Context::default();
        let font = egui::FontId::proportional(14.0);
        pass(&ctx);
        let before = ctx.fonts_mut(|f| f.has_glyphs(&font, "開封李綱"));
        assert!(!before, "egui's own fonts have no Han characters, or this test proves nothing");
        ctx.set_fonts(definitions());
        pass(&ctx);
        assert!(ctx.fonts_mut(|f| f.has_glyphs(&font, "開封李綱完顏阿骨打")));
        assert!(ctx.fonts_mut(|f| f.has_glyphs(&egui::FontId::monospace(12.0), "西夏")));
        assert!(!ctx.fonts_mut(|f| f.has_glyphs(&font, "鑫")), "a subset, not the whole face");
    }
}
