//! `vetdesk`: the command-line face of the core. All logic is in the library; this file only
//! turns its outcome into an exit code and one line on stderr.

use std::process::ExitCode;

use clap::Parser;
use vetdesk::cli::{Cli, EXIT_BAD_INPUT, run};

fn main() -> ExitCode {
    // Logs are for diagnosing, on request (VETDESK_LOG=debug); errors are printed below.
    let filter = tracing_subscriber::EnvFilter::try_from_env("VETDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    // Whatever happens, one line and no backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("vetdesk: internal error: {info}");
    }));

    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_BAD_INPUT } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("vetdesk: error: {e}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}
