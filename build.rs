//! Rebuilds the binary when a built-in scenario changes (they are embedded with `include_dir!`),
//! and fingerprints the rules: a hash of the source that decides how a campaign plays (the
//! simulation, the scenario format and defaults, the locked dependencies such as the random
//! number generator), so that a save can tell which build of the rules wrote its command log.
//! Comments and spacing are left out, so that rewording a comment does not make every save's
//! replay "from a different build".
use std::path::{Path, PathBuf};

/// What decides how a campaign plays.
const RULE_SOURCES: [&str; 3] = ["src/sim", "src/scenario", "Cargo.lock"];

fn main() {
    println!("cargo:rerun-if-changed=scenarios");
    for source in RULE_SOURCES {
        println!("cargo:rerun-if-changed={source}");
    }
    let mut files = Vec::new();
    for source in RULE_SOURCES {
        collect(Path::new(source), &mut files);
    }
    files.sort();
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for file in &files {
        // A file that cannot be read is hashed as empty: the fingerprint is advice, not a lock.
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let name = file.to_string_lossy().replace('\\', "/");
        for byte in name.bytes().chain(significant(&text).bytes()) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=JINGKANG_RULES_HASH={:08x}", hash >> 32);
}

/// Every file under `path` (or `path` itself if it is one).
fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    match std::fs::read_dir(path) {
        Ok(entries) => {
            for entry in entries.flatten() {
                collect(&entry.path(), files);
            }
        }
        Err(_) if path.is_file() => files.push(path.to_path_buf()),
        Err(_) => {}
    }
}

/// The text without whole-line comments and without spacing.
fn significant(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.starts_with("//"))
        .flat_map(|line| line.chars().filter(|c| !c.is_whitespace()))
        .collect()
}
