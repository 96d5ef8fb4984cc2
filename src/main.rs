//! `vetdesk`: the command-line face of the core. All logic is in the library; this file only
//! turns its outcome into an exit code and one line on stderr.

use std::process::ExitCode;
use std::sync::Mutex;

use clap::Parser;
mod cli;

/// mimalloc instead of the C library's allocator: a bulk import allocates and frees millions
/// of small values, and glibc's allocator takes its arena locks for each of them once a
/// process has a second thread (an import reads its rows' phone numbers and addresses ahead on
/// one): the allocator was a tenth of an import's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use cli::{Cli, EXIT_BAD_INPUT, run};

/// A bug, not bad input: the process stopped on a panic (sysexits' EX_SOFTWARE).
const EXIT_INTERNAL: u8 = 70;

fn main() -> ExitCode {
    // Logs are for diagnosing, on request (VETDESK_LOG=debug); errors are printed below.
    let filter = tracing_subscriber::EnvFilter::try_from_env("VETDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    // A panic that a library catches (an image decoder, the PDF parser) is handled there and
    // must print nothing; one that reaches here is reported below in one line, no backtrace.
    static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(info.to_string());
        }
    }));

    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_BAD_INPUT } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(e)) => {
            eprintln!("vetdesk: error: {}", cli::terminal_safe(&e.to_string()));
            ExitCode::from(EXIT_BAD_INPUT)
        }
        Err(_) => {
            let message = LAST_PANIC.lock().ok().and_then(|mut m| m.take()).unwrap_or_default();
            eprintln!("vetdesk: internal error: {message}");
            ExitCode::from(EXIT_INTERNAL)
        }
    }
}
