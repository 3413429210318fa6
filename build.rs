//! Rebuilds the binary when a built-in scenario changes (they are embedded with `include_dir!`).
fn main() {
    println!("cargo:rerun-if-changed=scenarios");
}
