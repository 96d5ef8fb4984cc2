//! "Show in folder": a file this run of the app wrote, shown selected in the desktop's file
//! manager (over D-Bus on Linux, Finder on macOS, Explorer on Windows); where that cannot be
//! done, the page is told where the file is.

use std::path::Path;
#[cfg(target_os = "linux")]
use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

use super::Exports;
use crate::error::{AppError, ErrorCode};

/// "Show in folder": done, or why not and where the file is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Revealed {
    Shown,
    NotShown { message: String, path: String },
}

/// `file://` URI of an absolute path: every byte but unreserved ones and `/` percent-encoded.
pub fn file_uri(path: &Path) -> String {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().replace('\\', "/").into_bytes();
    let mut uri = String::from("file://");
    for b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

/// Asks the desktop's file manager to show `path` selected in its folder.
#[cfg(target_os = "linux")]
fn reveal(path: &Path) -> Result<(), String> {
    use dbus::blocking::Connection;
    let bus = Connection::new_session().map_err(|e| {
        format!("There is no desktop session to ask ({})", e.message().unwrap_or("no session bus"))
    })?;
    let manager = bus.with_proxy(
        "org.freedesktop.FileManager1",
        "/org/freedesktop/FileManager1",
        Duration::from_secs(10),
    );
    let uri = file_uri(path);
    manager
        .method_call::<(), _, _, _>(
            "org.freedesktop.FileManager1",
            "ShowItems",
            (vec![uri.as_str()], ""),
        )
        .map_err(|e| {
            format!("No file manager answered ({})", e.message().unwrap_or("no reason given"))
        })
}

#[cfg(target_os = "macos")]
fn reveal(path: &Path) -> Result<(), String> {
    let status = std::process::Command::new("open")
        .arg("-R")
        .arg(path)
        .status()
        .map_err(|e| format!("Finder could not be asked ({e})"))?;
    if status.success() { Ok(()) } else { Err(format!("Finder said no ({status})")) }
}

#[cfg(windows)]
fn reveal(path: &Path) -> Result<(), String> {
    let mut select = std::ffi::OsString::from("/select,");
    select.push(path.as_os_str());
    // Explorer's exit code says nothing about success; only a failure to start counts.
    std::process::Command::new("explorer")
        .arg(select)
        .spawn()
        .map(drop)
        .map_err(|e| format!("Explorer could not be started ({e})"))
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn reveal(_path: &Path) -> Result<(), String> {
    Err("This platform has no file manager Vetdesk knows how to ask".into())
}

/// Shows a file this run wrote in the file manager, or says where it is.
pub fn reveal_file(exports: &Exports, file_id: &str) -> Result<Revealed, AppError> {
    let path = exports.file(file_id).ok_or_else(|| {
        AppError::new(
            ErrorCode::NotFound,
            format!("file {file_id} was not written by this run of the app"),
        )
    })?;
    let shown = path.display().to_string();
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(Revealed::NotShown {
            message: format!("The file is no longer at {shown}; it was moved or deleted."),
            path: shown,
        });
    }
    match reveal(&path) {
        Ok(()) => Ok(Revealed::Shown),
        Err(why) => {
            tracing::info!(reason = %why, "show in folder failed");
            Ok(Revealed::NotShown {
                message: format!("Could not open the folder; the file is at {shown}. {why}."),
                path: shown,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exports::tests::{fixture, request, written};

    #[test]
    fn show_in_folder_takes_only_files_this_run_wrote() {
        let f = fixture(None);
        let error = reveal_file(&f.exports, "f999").unwrap_err();
        assert_eq!(error.code, ErrorCode::NotFound);
        let (files, _, _) = written(f.exports.case_report("rita", &request(&f, "r")).unwrap());
        let path = f.exports.file(&files[0].file_id).unwrap();
        std::fs::remove_file(&path).unwrap();
        let Revealed::NotShown { message, path: shown } =
            reveal_file(&f.exports, &files[0].file_id).unwrap()
        else {
            panic!("a deleted file was shown")
        };
        assert_eq!(shown, path.display().to_string());
        assert!(message.contains("moved or deleted"), "{message}");
    }

    #[test]
    fn file_uris_escape_what_a_uri_cannot_carry() {
        let rows = [
            ("/tmp/r.pdf", "file:///tmp/r.pdf"),
            (
                "/home/zoë/Vetdesk exports/case-1 (2).pdf",
                "file:///home/zo%C3%AB/Vetdesk%20exports/case-1%20%282%29.pdf",
            ),
            ("/a#b?c%d", "file:///a%23b%3Fc%25d"),
        ];
        for (path, uri) in rows {
            assert_eq!(file_uri(Path::new(path)), uri);
        }
    }
}
