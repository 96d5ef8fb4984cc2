// Hide the console window on Windows release builds; no effect elsewhere.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// mimalloc, as the command-line tool uses: an import in the app runs the same bulk write,
/// whose millions of small allocations glibc's allocator serves under its arena locks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    vetdesk_app::run()
}
