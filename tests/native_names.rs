//! The shipped CJK font (assets/fonts/NotoSansCJKtc-subset.otf, cut by tools/cjk_subset.py) draws
//! every character of every built-in scenario's native names, and holds nothing else.
use std::collections::BTreeSet;

use jingkang::scenario::{ScenarioRef, builtin_scenarios, load_valid};

const FONT: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/NotoSansCJKtc-subset.otf"));

fn face() -> ttf_parser::Face<'static> {
    ttf_parser::Face::parse(FONT, 0).expect("the shipped font parses")
}

/// Every native name of a faction, character or province in the built-in scenarios, with what it
/// names ("jingkang: provinces kaifeng").
fn native_names() -> Vec<(String, String)> {
    let mut names = Vec::new();
    for b in builtin_scenarios() {
        let s = load_valid(&ScenarioRef::Builtin(b.id.clone())).unwrap_or_else(|e| panic!("{}: {e}", b.id));
        let factions = s.factions.iter().map(|f| ("factions", &f.id, &f.native_name));
        let characters = s.characters.iter().map(|c| ("characters", &c.id, &c.native_name));
        let provinces = s.provinces.iter().map(|p| ("provinces", &p.id, &p.native_name));
        for (kind, id, native) in factions.chain(characters).chain(provinces) {
            if let Some(native) = native {
                names.push((format!("{}: {kind} {id}", b.id), native.clone()));
            }
        }
    }
    names
}

/// The characters of `text` the font has no glyph for.
fn missing(face: &ttf_parser::Face, text: &str) -> Vec<char> {
    text.chars().filter(|c| face.glyph_index(*c).is_none()).collect()
}

/// The characters the font maps to a glyph.
fn character_map(face: &ttf_parser::Face) -> BTreeSet<char> {
    let mut chars = BTreeSet::new();
    let cmap = face.tables().cmap.expect("a character map");
    for subtable in cmap.subtables {
        if subtable.is_unicode() {
            subtable.codepoints(|c| chars.extend(char::from_u32(c)));
        }
    }
    chars
}

#[test]
fn every_character_of_every_builtin_native_name_is_in_the_shipped_font() {
    let face = face();
    let names = native_names();
    assert!(names.len() > 100, "only {} native names in the built-in scenarios", names.len());
    assert!(names.iter().any(|(what, n)| what.ends_with("provinces kaifeng") && n == "開封"), "Kaifeng's is read");
    let gaps: Vec<String> = names
        .iter()
        .filter_map(|(what, native)| {
            let missing = missing(&face, native);
            (!missing.is_empty()).then(|| format!("{what} {native}: no glyph for {missing:?}"))
        })
        .collect();
    assert!(gaps.is_empty(), "rerun python3 tools/cjk_subset.py:\n{}", gaps.join("\n"));
}

#[test]
fn the_shipped_font_holds_exactly_the_characters_of_the_native_names() {
    let used: BTreeSet<char> = native_names().iter().flat_map(|(_, n)| n.chars()).collect();
    let shipped = character_map(&face());
    let extra: Vec<&char> = shipped.difference(&used).collect();
    let lacking: Vec<&char> = used.difference(&shipped).collect();
    assert!(
        extra.is_empty() && lacking.is_empty(),
        "the font is stale: rerun python3 tools/cjk_subset.py (extra {extra:?}, lacking {lacking:?})"
    );
}

#[test]
fn a_character_outside_the_subset_is_reported_missing() {
    // The check above would pass for any font if glyph_index found everything: a character no
    // built-in name uses must be absent from the subset.
    let face = face();
    assert_eq!(missing(&face, "開封"), Vec::<char>::new());
    assert_eq!(missing(&face, "開封府鑫"), vec!['鑫']);
    assert!(face.number_of_glyphs() < 1000, "a subset, not the whole face ({} glyphs)", face.number_of_glyphs());
}
