//! Compiles the Tauri context and the app's own command permissions. Declaring the commands in
//! the app manifest makes each one need an explicit grant in `capabilities/`.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&["app_info"]);
    let attributes = tauri_build::Attributes::new().app_manifest(manifest);
    if let Err(error) = tauri_build::try_build(attributes) {
        // A build script reports failure by panicking; the message is what cargo shows.
        #[allow(clippy::panic)]
        {
            panic!("tauri-build failed: {error:#}");
        }
    }
}
