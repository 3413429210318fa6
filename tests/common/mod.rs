//! Helpers shared by the integration tests.
use std::path::{Path, PathBuf};

/// The Hebei scenario and its map, copied into `dir` as `name`, its text changed by `edit`: a
/// small real scenario a test can add events, checks or targets to.
pub fn hebei_copy(dir: &Path, name: &str, edit: impl FnOnce(String) -> String) -> PathBuf {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!("{root}/scenarios/hebei_1125.ron")).expect("the scenario");
    let map = std::fs::read_to_string(format!("{root}/scenarios/maps/hebei_plain.ron")).expect("its map");
    std::fs::create_dir_all(dir.join("maps")).expect("a maps folder");
    std::fs::write(dir.join("maps/hebei_plain.ron"), map).expect("the map written");
    let file = dir.join(name);
    std::fs::write(&file, edit(text)).expect("the scenario written");
    file
}
