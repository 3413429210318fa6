//! The `jingkang` command: play, run, validate and list scenarios.
fn main() -> std::process::ExitCode {
    jingkang::cli::main()
}
