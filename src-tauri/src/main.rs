// Hide the console window on Windows release builds; no effect elsewhere.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    #[cfg(target_os = "linux")]
    without_a_gpu_draw_without_dma_buf();
    vetdesk_app::run()
}

/// WebKitGTK draws pages through its DMA-BUF renderer, made for a GPU's render node. On a
/// machine without one (a virtual machine, a remote desktop, Xvfb) that renderer falls back to
/// a path that measured 94 ms a frame scrolling the queue and 267 ms from a click to the case
/// shown, against 16 ms and 51 ms with it turned off (docs/benchmarks.md, "The app, release
/// build"). So it is turned off when there is no render node, unless the user has chosen
/// either way with `WEBKIT_DISABLE_DMABUF_RENDERER`.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn without_a_gpu_draw_without_dma_buf() {
    const CHOICE: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";
    if std::env::var_os(CHOICE).is_some() {
        return;
    }
    let render_node = std::fs::read_dir("/dev/dri").is_ok_and(|nodes| {
        nodes.flatten().any(|node| node.file_name().to_string_lossy().starts_with("renderD"))
    });
    if !render_node {
        // SAFETY: the first thing `main` does, before any thread exists that could read or
        // change the environment at the same time.
        unsafe { std::env::set_var(CHOICE, "1") };
    }
}
