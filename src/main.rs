//! The `jingkang` command: play, run, validate and list scenarios.

/// Sweeps allocate and free many small vectors every turn; mimalloc does that faster than glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    quit_quietly_on_closed_pipe();
    jingkang::cli::main()
}

/// `jingkang run ... | head` should stop when `head` does, like any Unix tool, not panic on the
/// closed pipe: restore the default SIGPIPE action that the Rust runtime replaces.
fn quit_quietly_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal's action to its default at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
