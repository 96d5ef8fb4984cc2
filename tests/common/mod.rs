//! Shared helpers for the integration tests: a real store in a temp data directory, a small
//! populated case, and a dump of every table to prove that refused input changed nothing.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

pub mod cli;

use std::path::Path;

use rusqlite::Connection;
use tempfile::TempDir;
use vetdesk_core::change::Change;
use vetdesk_core::model::{CandidateFields, CaseKind, Priority, Role, Timestamp, VendorFields};
use vetdesk_core::store::{Clock, DataDir, NewCase, OpenMode, Store};

pub const ADMIN: &str = "ada";
pub const REVIEWER: &str = "rita";
pub const INVESTIGATOR: &str = "ivan";
pub const COMPLIANCE: &str = "cora";

pub fn t0() -> Timestamp {
    "2026-11-02T09:00:00.000Z".parse().unwrap()
}

/// A new store in a temp dir, with a fixed clock the test can move.
pub fn store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store =
        Store::open(DataDir::new(dir.path()), OpenMode::CreateIfMissing, Clock::fixed(t0()))
            .unwrap();
    (dir, store)
}

pub fn reopen(dir: &Path) -> Store {
    Store::open(DataDir::new(dir), OpenMode::MustExist, Clock::fixed(t0())).unwrap()
}

/// Four users, one per role.
pub fn add_users(store: &Store) {
    store
        .apply(
            ADMIN,
            Change::AddUser {
                id: None,
                name: ADMIN.into(),
                display_name: "Ada Admin".into(),
                role: Role::Admin,
            },
        )
        .unwrap();
    for (name, display, role) in [
        (REVIEWER, "Rita Reviewer", Role::Reviewer),
        (INVESTIGATOR, "Ivan Investigator", Role::Investigator),
        (COMPLIANCE, "Cora Compliance", Role::Compliance),
    ] {
        store
            .apply(
                ADMIN,
                Change::AddUser { id: None, name: name.into(), display_name: display.into(), role },
            )
            .unwrap();
    }
}

pub fn vendor_fields(name: &str) -> VendorFields {
    VendorFields {
        name: name.into(),
        contact: "ops@example.com".into(),
        screening_attested: true,
        attestation_note: None,
        last_audit_on: None,
    }
}

pub fn candidate_fields(name: &str, external_id: &str) -> CandidateFields {
    CandidateFields {
        external_id: Some(external_id.into()),
        legal_name: name.into(),
        emails: vec![format!("{}@example.com", external_id.to_lowercase())],
        phones: vec!["+1 202 555 0142".into()],
        home_address: Some("1600 Pennsylvania Ave NW, Washington, DC 20500".into()),
        claimed_location: Some("Washington, DC".into()),
        ..CandidateFields::default()
    }
}

/// Users, a vendor, one candidate with an open pre-hire case; returns the case id.
pub fn populated() -> (TempDir, Store, i64) {
    let (dir, store) = store();
    add_users(&store);
    store
        .apply(COMPLIANCE, Change::AddVendor { id: None, vendor: vendor_fields("Acme Staffing") })
        .unwrap();
    let applied = store
        .add_candidate(
            REVIEWER,
            candidate_fields("Anna Maria Eriksson", "ATS-1"),
            Some(NewCase {
                kind: CaseKind::PreHire,
                assignee: Some(REVIEWER.into()),
                priority: Priority::Normal,
                due_on: None,
            }),
        )
        .unwrap();
    let case_id = match &applied[1].change {
        Change::OpenCase { id: Some(id), .. } => *id,
        other => panic!("expected an opened case, got {other:?}"),
    };
    (dir, store, case_id)
}

/// Every row of every table (search index included), as text: equal dumps mean nothing changed.
pub fn dump(db: &Path) -> String {
    let conn = Connection::open(db).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_index_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for table in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))
            .or_else(|_| conn.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2")))
            .unwrap();
        let width = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..width)
                    .map(|i| r.get::<_, rusqlite::types::Value>(i))
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap();
        for row in rows {
            out.push_str(&format!("{table}: {:?}\n", row.unwrap()));
        }
    }
    out
}

/// A small real PNG image.
pub fn png_bytes(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Copies a directory tree (a fixture) into another place.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
