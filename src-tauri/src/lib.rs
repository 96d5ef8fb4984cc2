//! The Vetdesk desktop shell: builds the Tauri app (plugins, commands, the `evidence:` scheme),
//! its managed state and its log, then opens the main window. Commands live in `commands/`,
//! one file per area, and stay thin over the `vetdesk` core.

pub mod bindings;
pub mod commands;
pub mod error;
pub mod events;
pub mod exports;
mod logging;
pub mod paths;
pub mod protocol;
pub mod session;
pub mod state;
pub mod unlock;
pub mod uploads;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use tauri::{App, Emitter, Manager, WebviewWindowBuilder, WindowEvent};
use vetdesk_core::Store;

use tauri_plugin_dialog::DialogExt;

use crate::events::Changes;
use crate::exports::{Exports, FolderChoice, SaveAsk};
use crate::paths::Paths;
use crate::session::Session;
use crate::state::AppState;
use crate::uploads::Uploads;

/// The label of the one window, as declared in `tauri.conf.json` and granted in capabilities.
const MAIN_WINDOW: &str = "main";

/// Starts the app and returns when its last window closed.
pub fn run() -> ExitCode {
    let paths = match Paths::resolve().and_then(|p| p.create().map(|()| p)) {
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
        // For "Save as…" opened from Rust only: the capability grants the page no dialog
        // permission, so the plugin's own commands stay unreachable from it.
        .plugin(tauri_plugin_dialog::init())
        .register_asynchronous_uri_scheme_protocol(protocol::SCHEME, |ctx, request, responder| {
            let store = ctx.app_handle().try_state::<AppState>().map(|s| s.store.clone());
            // File reads stay off the UI thread.
            tauri::async_runtime::spawn_blocking(move || match store {
                Some(store) => {
                    let recorded = |sha: &vetdesk_core::evidence::Sha256Hex| {
                        store.preview_hashes(sha).map_err(|e| std::io::Error::other(e.to_string()))
                    };
                    responder.respond(protocol::respond(&store.files(), &recorded, &request))
                }
                None => responder.respond(protocol::not_ready()),
            });
        })
        .invoke_handler(commands::handler())
        .on_window_event(|window, event| {
            // Uploads belong to the page that started them: when it goes, they go.
            if let WindowEvent::Destroyed = event
                && let Some(state) = window.try_state::<AppState>()
            {
                state.uploads.cancel_all();
            }
        })
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

/// The exports' state: the folder they go to, progress as events, and "Save as…" as the
/// platform's save dialog over the main window.
fn exports_state(handle: &tauri::AppHandle, store: &Arc<Store>) -> Arc<Exports> {
    let folder = FolderChoice::resolve(&store.data_dir().root);
    tracing::info!(folder = %folder.preferred.display(), "exports folder");
    let events = handle.clone();
    let dialogs = handle.clone();
    Arc::new(Exports::new(
        store.clone(),
        folder,
        Arc::new(move |progress| {
            // Progress is advisory: a lost event only delays the bar.
            let _ = events.emit(exports::EXPORT_PROGRESS, progress);
        }),
        Arc::new(move |ask: SaveAsk| {
            let mut dialog = dialogs
                .dialog()
                .file()
                .set_title(ask.title)
                .set_directory(ask.folder)
                .set_file_name(ask.file_name)
                .add_filter(ask.filter_name, &[ask.extension]);
            if let Some(window) = dialogs.get_webview_window(MAIN_WINDOW) {
                dialog = dialog.set_parent(&window);
            }
            dialog.blocking_save_file().and_then(|chosen| chosen.into_path().ok())
        }),
    ))
}

/// Opens the store (or, for a locked encrypted directory, readies the unlock screen; for a team
/// database that wants a password, the sign-in screen) and
/// builds the state, manages it, and only then opens the window, so that no command or
/// evidence request can arrive before the state exists. A locked app manages the `Gate` only;
/// its state is built the same way, by `open_app`, once the unlock screen opened the store.
fn setup(app: &mut App, paths: Paths) -> Result<(), Box<dyn std::error::Error>> {
    let passphrase_file =
        std::env::var_os(unlock::PASSPHRASE_FILE).filter(|p| !p.is_empty()).map(PathBuf::from);
    // `VETDESK_NO_KEYRING=1` leaves the OS keyring untouched at start (tests, shared desktops).
    let use_keyring = std::env::var_os("VETDESK_NO_KEYRING").is_none_or(|v| v.is_empty());
    let team = unlock::Team::configured(&paths.data)?;
    let start = match &team {
        Some(team) => unlock::open_team_at_start(&paths.data, team.clone(), use_keyring)?,
        None => unlock::open_at_start(&paths.data, passphrase_file.as_deref(), use_keyring)?,
    };
    let handle = app.handle().clone();
    let open: Arc<unlock::OpenApp> = Arc::new(move |paths, store| {
        open_app(&handle, paths, store).map_err(|e| {
            tracing::error!(error = %e, "the app could not start on the unlocked store");
            error::AppError::internal(format!("the app could not start: {e}"))
        })
    });
    match start {
        unlock::Start::Open(store) => {
            open(paths.clone(), *store).map_err(|e| e.message)?;
            let gate = match team {
                Some(team) => unlock::Gate::team(paths, team, true, None, open),
                None => unlock::Gate::new(paths, true, None, open),
            };
            app.manage(Arc::new(gate));
        }
        unlock::Start::Locked { notice } => {
            tracing::info!("the data directory is encrypted: starting on the unlock screen");
            app.manage(Arc::new(unlock::Gate::new(paths, false, notice, open)));
        }
        unlock::Start::SignIn { team, notice } => {
            tracing::info!("the team database wants a password: starting on the sign-in screen");
            app.manage(Arc::new(unlock::Gate::team(paths, team, false, notice, open)));
        }
    }
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN_WINDOW)
        .cloned()
        .ok_or("tauri.conf.json declares no main window")?;
    let mut window = WebviewWindowBuilder::from_config(app.handle(), &config)?;
    // Sized for the screen it opens on: tauri.conf.json's size is only the fallback.
    if let Ok(Some(monitor)) = app.handle().primary_monitor() {
        let screen = monitor.size().to_logical::<f64>(monitor.scale_factor());
        let (width, height) = window_size(screen.width, screen.height);
        window = window.inner_size(width, height).center();
    }
    window.build()?;
    Ok(())
}

/// Builds the app's state over an open store and manages it: uploads, the acting user, the
/// change poller, exports. At start for a plain (or already unlocked) directory, else from the
/// unlock screen.
fn open_app(
    app: &tauri::AppHandle,
    paths: Paths,
    store: Store,
) -> Result<(), Box<dyn std::error::Error>> {
    let store = Arc::new(store);
    let handle = app.clone();
    let uploads = Arc::new(Uploads::new(
        store.clone(),
        Arc::new(move |progress| {
            // Progress is advisory: a lost event only delays the bar.
            let _ = handle.emit(events::UPLOAD_PROGRESS, progress);
        }),
    ));
    // In team mode the signed-in login acts (VETDESK_USER is not used, as in the CLI).
    let login = store.team_login().map(str::to_owned);
    let default_user = match &login {
        Some(_) => None,
        None => std::env::var("VETDESK_USER")
            .ok()
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty()),
    };
    let session = match &login {
        Some(login) => Session::signed_in(login),
        None => Session::new(&store, default_user.as_deref()),
    };
    let (changes, woken) = Changes::new();
    let emitter = app.clone();
    let cadence = match login {
        // The database tells of each change (LISTEN/NOTIFY): nothing polls.
        Some(_) => {
            events::spawn_listener(store.clone(), changes.clone(), events::TEAM_TICK)?;
            events::Cadence::WhenWoken(events::TEAM_TICK)
        }
        None => events::Cadence::Poll(events::POLL_EVERY),
    };
    events::spawn_poller(store.clone(), uploads.clone(), woken, cadence, move |c| {
        if let Err(error) = emitter.emit(events::STORE_CHANGED, c) {
            tracing::warn!(%error, "could not tell the UI about changes");
        }
    })?;
    app.manage(exports_state(app, &store));
    // Last: its presence is what opens every command (`commands::handler`).
    app.manage(AppState { paths, store, uploads, session, changes, default_user });
    Ok(())
}

/// The size the window opens at on a screen of `width` × `height` logical pixels: room for
/// every column of the queue (1440 × 900) where the screen has it, else nine tenths of the
/// screen, never under the window's minimum (820 × 560, tauri.conf.json).
fn window_size(width: f64, height: f64) -> (f64, f64) {
    const WANTED: (f64, f64) = (1440.0, 900.0);
    const MINIMUM: (f64, f64) = (820.0, 560.0);
    let fit = |wanted: f64, screen: f64, minimum: f64| wanted.min(screen * 0.9).max(minimum);
    (fit(WANTED.0, width, MINIMUM.0), fit(WANTED.1, height, MINIMUM.1))
}

#[cfg(test)]
mod window_tests {
    use super::window_size;

    #[test]
    fn the_window_fits_the_screen_it_opens_on() {
        let cases = [
            // (screen, window)
            ((2560.0, 1440.0), (1440.0, 900.0)),
            ((1920.0, 1080.0), (1440.0, 900.0)),
            ((1366.0, 768.0), (1229.4, 691.2)),
            ((1280.0, 800.0), (1152.0, 720.0)),
            ((800.0, 600.0), (820.0, 560.0)),
        ];
        for ((w, h), (ew, eh)) in cases {
            let (gw, gh) = window_size(w, h);
            assert!((gw - ew).abs() < 0.01 && (gh - eh).abs() < 0.01, "{w}×{h}: {gw}×{gh}");
        }
    }
}
