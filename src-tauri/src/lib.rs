//! The Vetdesk desktop shell: builds the Tauri app (plugins, commands, the `evidence:` scheme),
//! its managed state and its log, then opens the main window. Commands live in `commands/`,
//! one file per area, and stay thin over the `vetdesk` core.

pub mod bindings;
pub mod commands;
pub mod error;
mod logging;
pub mod paths;
pub mod protocol;
pub mod state;

use std::process::ExitCode;

use tauri::{App, Manager, WebviewWindowBuilder};

use crate::paths::Paths;
use crate::state::AppState;

/// The label of the one window, as declared in `tauri.conf.json` and granted in capabilities.
const MAIN_WINDOW: &str = "main";

/// Starts the app and returns when its last window closed.
pub fn run() -> ExitCode {
    let paths = match Paths::from_env().and_then(|p| p.create().map(|()| p)) {
        Ok(paths) => paths,
        Err(error) => {
            eprintln!("vetdesk: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Held to the end of `run`: dropping it flushes the log.
    let _log = match logging::init(&paths.log_dir) {
        Ok(guard) => guard,
        Err(error) => {
            eprintln!("vetdesk: {error}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "starting");

    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .register_asynchronous_uri_scheme_protocol(protocol::SCHEME, |ctx, request, responder| {
            let data_dir =
                ctx.app_handle().try_state::<AppState>().map(|s| s.paths.data_dir.clone());
            // File reads stay off the UI thread.
            tauri::async_runtime::spawn_blocking(move || match data_dir {
                Some(dir) => responder.respond(protocol::respond(&dir, &request)),
                None => responder.respond(protocol::not_ready()),
            });
        })
        .invoke_handler(tauri::generate_handler![commands::app::app_info])
        .setup(move |app| setup(app, paths))
        .build(context());

    let app = match app {
        Ok(app) => app,
        Err(error) => {
            tracing::error!(%error, "the app could not start");
            eprintln!("vetdesk: the app could not start: {error}");
            return ExitCode::FAILURE;
        }
    };
    // `run_return` rather than `run`: the latter exits the process from inside the event loop,
    // which would skip flushing the log.
    let code = app.run_return(|_, _| {});
    tracing::info!(code, "stopped");
    if code == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// The config, assets and capabilities compiled in by `tauri-build`.
// The macro's expansion includes Tauri's own restart code, which calls `process::exit`.
#[allow(clippy::disallowed_methods)]
fn context() -> tauri::Context {
    tauri::generate_context!()
}

/// Builds the state, manages it, and only then opens the window, so that no command or
/// evidence request can arrive before the state exists.
fn setup(app: &mut App, paths: Paths) -> Result<(), Box<dyn std::error::Error>> {
    app.manage(AppState { paths });
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN_WINDOW)
        .cloned()
        .ok_or("tauri.conf.json declares no main window")?;
    WebviewWindowBuilder::from_config(app.handle(), &config)?.build()?;
    Ok(())
}
