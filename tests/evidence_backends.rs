//! Evidence on both backends, one suite: a file attached in solo mode lives under `evidence/`,
//! in team mode in the database's chunk table (nothing under `evidence/`), and either way it
//! reads back as it went in, is stored once however often it is attached, is refused over the
//! size limit with nothing left behind, is typed from its content, and a change to its stored
//! bytes is named by `verify` (in team mode: which chunk). A pack made in team mode is
//! byte-for-byte the pack solo mode makes of the same history, and passes `verify-pack`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Cursor, Read};
use std::path::Path;

use vetdesk_core::evidence::Sha256Hex;
use vetdesk_core::evidence::chunked::{CHUNK_LEN, chunk_count};
use vetdesk_core::store::{ProblemKind, Store};
use vetdesk_export::pack;
use vetdesk_testkit::*;

/// Bytes that differ in every chunk (so a swapped or changed chunk shows).
fn content(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| ((i / 7) as u8).wrapping_mul(31).wrapping_add(seed ^ (i % 251) as u8))
        .collect()
}

fn attach_bytes(store: &Store, dir: &Path, case: i64, name: &str, bytes: &[u8]) -> Sha256Hex {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    store.attach_file(REVIEWER, case, &path, None, None, &mut |_, _| {}).unwrap();
    std::fs::remove_file(&path).unwrap();
    let evidence = store.evidence_of_case(case).unwrap();
    evidence.last().unwrap().sha256.parse().unwrap()
}

/// A superuser connection to a PostgreSQL test store's database (what an attacker with the
/// server's files, or a careless DBA, can do).
fn superuser(dir: &Path) -> postgres::Client {
    let url = team_database_url(dir).unwrap();
    let database = url.rsplit('/').next().unwrap().split('?').next().unwrap().to_string();
    vetdesk_testkit::pg::shared().superuser(&database)
}

/// (chunks, bytes) stored under `sha` in the team database.
fn chunks_of(dir: &Path, sha: &Sha256Hex) -> (i64, i64) {
    let row = superuser(dir)
        .query_one(
            "SELECT count(*), coalesce(sum(length(bytes)), 0)::bigint FROM evidence_chunk
             WHERE sha256 = $1",
            &[&sha.to_hex()],
        )
        .unwrap();
    (row.get(0), row.get(1))
}

fn files_under(dir: &Path) -> usize {
    walk(dir).len()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out = Vec::new();
    for e in entries {
        let path = e.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn read_all(store: &Store, sha: &Sha256Hex) -> Vec<u8> {
    let mut out = Vec::new();
    store.files().open(sha).unwrap().read_to_end(&mut out).unwrap();
    out
}

on_both_backends! {
    #[test]
    fn evidence_is_stored_where_the_mode_keeps_it_and_reads_back_whole() {
        let (dir, store) = team_store();
        let case = open_case(&store, CANDIDATE, "ATS-E1", None, None);
        let bytes = content(2 * CHUNK_LEN + 12_345, 1);
        let sha = attach_bytes(&store, dir.path(), case, "bank-letter.bin", &bytes);
        assert!(read_all(&store, &sha) == bytes, "read back as it went in");
        let evidence = store.evidence_of_case(case).unwrap();
        assert_eq!(evidence[0].size, bytes.len() as u64);
        match backend() {
            TestBackend::Sqlite => {
                assert!(store.files().path_of(&sha).is_file());
            }
            TestBackend::Postgres => {
                assert_eq!(files_under(&dir.path().join("evidence")), 0, "nothing on disk");
                assert_eq!(files_under(&dir.path().join("tmp")), 0, "no temp file left");
                assert_eq!(chunks_of(dir.path(), &sha), (3, bytes.len() as i64));
                assert_eq!(chunk_count(bytes.len() as u64), 3);
            }
        }
        // Exported through the same reader, re-hashed on the way.
        let out = dir.path().join("export.bin");
        store.export_evidence(evidence[0].id, &out, false).unwrap();
        assert!(std::fs::read(&out).unwrap() == bytes);
        let report = store.verify().unwrap();
        assert!(report.ok, "{:?}", report.problems);
    }

    #[test]
    fn the_same_content_is_stored_once_and_typed_from_its_content() {
        let (dir, store) = team_store();
        let first = open_case(&store, CANDIDATE, "ATS-E2", None, None);
        let second = open_case(&store, "Second Person", "ATS-E3", None, None);
        let jpeg = photo(320, 200, 3, 80);
        let a = attach_bytes(&store, dir.path(), first, "scan.png", &jpeg);
        let b = attach_bytes(&store, dir.path(), second, "other-name.jpg", &jpeg);
        assert_eq!(a, b);
        let e = &store.evidence_of_case(second).unwrap()[0];
        assert_eq!(e.media_type, "image/jpeg", "sniffed, whatever the name says");
        let first_e = &store.evidence_of_case(first).unwrap()[0];
        assert!(first_e.ingest_note.as_deref().unwrap_or("").contains("named scan.png"), "{first_e:?}");
        match backend() {
            TestBackend::Sqlite => assert_eq!(files_under(&dir.path().join("evidence")), 1),
            TestBackend::Postgres => {
                assert_eq!(chunks_of(dir.path(), &a), (1, jpeg.len() as i64));
                let total: i64 = superuser(dir.path())
                    .query_one("SELECT count(*) FROM evidence_chunk", &[])
                    .unwrap()
                    .get(0);
                assert_eq!(total, 1, "one content, one chunk");
            }
        }
        // The preview (cached on this desktop in team mode) is made again when missing.
        let thumbs = dir.path().join("thumbs");
        assert_eq!(files_under(&thumbs), 1);
        std::fs::remove_dir_all(&thumbs).unwrap();
        assert!(store.files().trusted_preview(&a, &store.preview_hashes(&a).unwrap()).is_ok());
        assert_eq!(files_under(&thumbs), 1, "rebuilt from the stored original");
        assert!(store.verify().unwrap().ok);
    }

    #[test]
    fn a_file_over_the_limit_is_refused_and_leaves_nothing() {
        let (dir, store) = team_store_in(tempfile::tempdir().unwrap(), "evidence_max_bytes = 1500000\n");
        let case = open_case(&store, CANDIDATE, "ATS-E4", None, None);
        let path = dir.path().join("too-big.bin");
        std::fs::write(&path, content(1_500_001, 4)).unwrap();
        let err = store.attach_file(REVIEWER, case, &path, None, None, &mut |_, _| {}).unwrap_err();
        assert!(err.to_string().contains("larger than the limit of 1500000 bytes"), "{err}");
        // A stream that grows past the limit is caught while reading, too.
        let mut reader = Cursor::new(content(1_600_000, 5));
        let limits = vetdesk_core::evidence::Limits { max_bytes: 1_500_000 };
        let err = store.files().ingest_reader(&mut reader, "upload.bin", &limits, &mut |_, _| {});
        assert!(err.unwrap_err().to_string().contains("nothing was stored"));
        assert!(store.evidence_of_case(case).unwrap().is_empty());
        assert_eq!(files_under(&dir.path().join("evidence")), 0);
        assert_eq!(files_under(&dir.path().join("tmp")), 0);
        if backend() == TestBackend::Postgres {
            let total: i64 = superuser(dir.path())
                .query_one("SELECT count(*) FROM evidence_chunk", &[])
                .unwrap()
                .get(0);
            assert_eq!(total, 0);
            assert!(store.files().pending().unwrap().is_empty());
        }
    }

    #[test]
    fn a_refused_record_stores_no_bytes() {
        let (dir, store) = team_store();
        let case = open_case(&store, CANDIDATE, "ATS-E5", None, None);
        let path = dir.path().join("statement.bin");
        std::fs::write(&path, content(CHUNK_LEN + 10, 6)).unwrap();
        // Refused by the record (no such checklist item) after the bytes were read.
        let err = store
            .attach_file(REVIEWER, case, &path, Some("no-such-item".into()), None, &mut |_, _| {})
            .unwrap_err();
        assert!(err.to_string().contains("no checklist item no-such-item"), "{err}");
        if backend() == TestBackend::Postgres {
            let total: i64 = superuser(dir.path())
                .query_one("SELECT count(*) FROM evidence_chunk", &[])
                .unwrap()
                .get(0);
            assert_eq!(total, 0, "rolled back with the record");
        }
        assert_eq!(files_under(&dir.path().join("tmp")), 0, "no temp file left");
        assert!(store.evidence_of_case(case).unwrap().is_empty());
        assert!(store.verify().unwrap().ok);
    }

    #[test]
    fn verify_names_changed_and_missing_stored_bytes() {
        let (dir, store) = team_store();
        let case = open_case(&store, CANDIDATE, "ATS-E6", None, None);
        let bytes = content(3 * CHUNK_LEN + 99, 7);
        let sha = attach_bytes(&store, dir.path(), case, "disk.bin", &bytes);
        assert!(store.verify().unwrap().ok);
        match backend() {
            TestBackend::Sqlite => {
                let path = store.files().path_of(&sha);
                let mut perms = std::fs::metadata(&path).unwrap().permissions();
                #[allow(clippy::permissions_set_readonly_false)]
                perms.set_readonly(false);
                std::fs::set_permissions(&path, perms).unwrap();
                let mut changed = bytes.clone();
                changed[CHUNK_LEN + 5] ^= 0x40;
                std::fs::write(&path, &changed).unwrap();
                let report = store.verify().unwrap();
                assert!(!report.ok);
                assert!(report.problems.iter().any(|p| p.kind == ProblemKind::Evidence
                    && p.location.contains(&sha.to_hex())
                    && p.message.contains("content has changed")), "{:?}", report.problems);
            }
            TestBackend::Postgres => {
                let mut su = superuser(dir.path());
                su.execute(
                    "UPDATE evidence_chunk SET bytes = overlay(bytes placing '\\x00'::bytea from 6)
                     WHERE sha256 = $1 AND seq = 1",
                    &[&sha.to_hex()],
                )
                .unwrap();
                let report = store.verify().unwrap();
                assert!(!report.ok);
                let named = |m: &str| report.problems.iter().any(|p| p.kind == ProblemKind::Evidence
                    && p.location.contains(&sha.to_hex()) && p.message.contains(m));
                assert!(named("chunk 1 (of 4) has changed"), "{:?}", report.problems);
                // Reading it fails rather than hand over other bytes.
                let out = dir.path().join("export.bin");
                let id = store.evidence_of_case(case).unwrap()[0].id;
                assert!(store.export_evidence(id, &out, false).is_err());
                assert!(!out.exists());

                su.execute("DELETE FROM evidence_chunk WHERE sha256 = $1 AND seq = 2", &[&sha.to_hex()])
                    .unwrap();
                su.execute(
                    "UPDATE evidence_chunk SET bytes = $2, chunk_sha256 = $3 WHERE sha256 = $1 AND seq = 1",
                    &[&sha.to_hex(), &bytes[CHUNK_LEN..2 * CHUNK_LEN].to_vec(), &{
                        use sha2::Digest;
                        hex::encode(sha2::Sha256::digest(&bytes[CHUNK_LEN..2 * CHUNK_LEN]))
                    }],
                )
                .unwrap();
                let report = store.verify().unwrap();
                assert!(report.problems.iter().any(|p| p.message.contains("chunk 2 (of 4) is missing")),
                    "{:?}", report.problems);
            }
        }
    }

    #[test]
    fn a_telemetry_file_is_kept_as_evidence_is_and_verified() {
        let (dir, store) = team_store();
        let path: std::path::PathBuf =
            [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", "telemetry", "cohort", "events.csv"]
                .iter()
                .collect();
        let bytes = std::fs::read(&path).unwrap();
        // The fixture's events are from late November 2026.
        store.clock().advance(chrono::Duration::days(30));
        store.import_telemetry(INVESTIGATOR, &path, None).unwrap();
        let sha: Sha256Hex = {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(&bytes)).parse().unwrap()
        };
        assert!(read_all(&store, &sha) == bytes);
        if backend() == TestBackend::Postgres {
            assert_eq!(chunks_of(dir.path(), &sha), (1, bytes.len() as i64));
            assert_eq!(files_under(&dir.path().join("evidence")), 0);
        }
        let report = store.verify().unwrap();
        assert!(report.ok, "{:?}", report.problems);
    }

    #[test]
    fn a_pack_passes_verify_pack() {
        let w = worked_case();
        let mut out = Cursor::new(Vec::new());
        pack::write_pack(&w.store, w.case_id, &options(), &mut out, &mut |_| {}).unwrap();
        let bytes = out.into_inner();
        let checked = pack::verify_pack_reader(Cursor::new(&bytes), "pack.zip", None, &mut |_| {})
            .unwrap();
        assert!(checked.problems.is_empty(), "{:?}", checked.problems);
    }
}

/// The same worked case, packed from a solo data directory and from a team database: the same
/// members in the same order, the evidence files in them byte for byte the same, and both pass
/// `verify-pack`. (The chain's hashes differ between any two stores, solo ones too: each person's
/// fields are sealed under a random key of their own.)
#[test]
fn a_team_pack_has_the_solo_pack_format_and_evidence() {
    let packed = |b: TestBackend| {
        with_backend(b, || {
            let w = worked_case();
            let mut out = Cursor::new(Vec::new());
            pack::write_pack(&w.store, w.case_id, &options(), &mut out, &mut |_| {}).unwrap();
            out.into_inner()
        })
    };
    let members = |bytes: &[u8]| {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        (0..archive.len())
            .map(|i| {
                let mut f = archive.by_index(i).unwrap();
                let mut data = Vec::new();
                f.read_to_end(&mut data).unwrap();
                (f.name().unwrap().to_string(), f.compression(), data)
            })
            .collect::<Vec<_>>()
    };
    let solo = packed(TestBackend::Sqlite);
    let team = packed(TestBackend::Postgres);
    let (s, t) = (members(&solo), members(&team));
    let names = |m: &[(String, zip::CompressionMethod, Vec<u8>)]| {
        m.iter().map(|(n, c, _)| (n.clone(), *c)).collect::<Vec<_>>()
    };
    assert_eq!(names(&s), names(&t));
    let evidence: Vec<_> =
        s.iter().zip(&t).filter(|((n, _, _), _)| n.starts_with("evidence/")).collect();
    assert!(evidence.len() >= 5, "{:?}", names(&s));
    for ((name, _, a), (_, _, b)) in evidence {
        assert!(a == b, "{name} differs");
    }
    for bytes in [&solo, &team] {
        let checked =
            pack::verify_pack_reader(Cursor::new(bytes), "pack.zip", None, &mut |_| {}).unwrap();
        assert!(checked.ok && checked.problems.is_empty(), "{:?}", checked.problems);
    }
}
