//! The TypeScript types in `ui/src/bindings/` must be exactly what the Rust types generate
//! today. With `VETDESK_UPDATE_BINDINGS=1` (what `make bindings` sets) the test rewrites them
//! instead of comparing.

#![allow(clippy::unwrap_used)] // a test: failing loudly is the point

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings")
}

/// The `.ts` files of a directory, by name.
fn ts_files(dir: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ts"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

#[test]
fn generated_typescript_types_are_current() {
    let fresh_dir = tempfile::tempdir().unwrap();
    vetdesk_app::bindings::export_all(fresh_dir.path()).unwrap();
    let fresh = ts_files(fresh_dir.path());
    assert!(
        fresh.contains_key("Case.ts") && fresh.contains_key("AppError.ts"),
        "{:?}",
        fresh.keys()
    );

    let committed_dir = committed_dir();
    if std::env::var_os("VETDESK_UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(&committed_dir).unwrap();
        for name in ts_files(&committed_dir).keys().filter(|n| !fresh.contains_key(*n)) {
            std::fs::remove_file(committed_dir.join(name)).unwrap();
        }
        for (name, text) in &fresh {
            std::fs::write(committed_dir.join(name), text).unwrap();
        }
        return;
    }

    let committed = ts_files(&committed_dir);
    let mut differing = Vec::new();
    for name in fresh.keys().chain(committed.keys().filter(|n| !fresh.contains_key(*n))) {
        match (fresh.get(name), committed.get(name)) {
            (Some(_), None) => differing.push(format!("  missing: {name}")),
            (None, Some(_)) => differing.push(format!("  no longer generated: {name}")),
            (Some(a), Some(b)) if a != b => differing.push(format!("  changed: {name}")),
            _ => {}
        }
    }
    assert!(
        differing.is_empty(),
        "generated TypeScript types are stale: run `make bindings`\n{}",
        differing.join("\n")
    );
}
