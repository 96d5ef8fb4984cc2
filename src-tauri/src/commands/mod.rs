//! Tauri commands, one file per area. Each takes a typed request, calls the core once and maps
//! its error into `AppError`; each is declared in `build.rs` and granted in `capabilities/`.

pub mod app;
