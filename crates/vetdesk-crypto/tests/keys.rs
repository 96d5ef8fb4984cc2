//! Data keys wrapped under a passphrase: unwrap, wrong passphrase, passphrase change keeping
//! the data key, the key file on disk and every way it can be wrong; the SQLCipher key against
//! a real SQLCipher; nothing secret in `Debug`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use vetdesk_crypto::{
    DataKey, KdfParams, KeyError, LinkKey, Passphrase, WrappedKey, decrypt_bytes, encrypt_bytes,
};

/// Cheap Argon2id for tests (8 MiB, one pass): the format and the checks are what is tested.
const CHEAP: KdfParams = KdfParams { memory_kib: 8 * 1024, iterations: 1, parallelism: 1 };

fn pass(s: &str) -> Passphrase {
    Passphrase::new(s)
}

#[test]
fn a_wrapped_key_unwraps_with_its_passphrase_only() {
    let key = DataKey::generate().unwrap();
    let wrapped = WrappedKey::wrap(&key, &pass("correct horse battery staple"), CHEAP).unwrap();
    assert_eq!(wrapped.key_id(), Some(key.id()));
    let back = wrapped.unwrap(&pass("correct horse battery staple")).unwrap();
    assert_eq!(back.id(), key.id());
    let sealed = encrypt_bytes(b"passport scan", &key).unwrap();
    assert_eq!(decrypt_bytes(&sealed, &back).unwrap(), b"passport scan");

    for wrong in ["correct horse battery stapl", "Correct horse battery staple", " ", "x"] {
        let e = wrapped.unwrap(&pass(wrong)).unwrap_err();
        assert!(matches!(e, KeyError::WrongPassphrase), "{wrong:?}: {e}");
        assert_eq!(e.to_string(), "wrong passphrase (or the key file was altered)");
    }
}

#[test]
fn an_empty_passphrase_is_refused() {
    let key = DataKey::generate().unwrap();
    assert!(matches!(WrappedKey::wrap(&key, &pass(""), CHEAP), Err(KeyError::EmptyPassphrase)));
}

#[test]
fn passphrase_change_keeps_the_data_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key.json");
    let key = DataKey::generate().unwrap();
    let sealed = encrypt_bytes(b"evidence written before the change", &key).unwrap();
    WrappedKey::wrap(&key, &pass("old one"), CHEAP).unwrap().save(&path).unwrap();

    let before = WrappedKey::load(&path).unwrap();
    let after = before.rewrap(&pass("old one"), &pass("new one"), CHEAP).unwrap();
    after.save(&path).unwrap();
    let reloaded = WrappedKey::load(&path).unwrap();
    assert_eq!(reloaded, after);
    assert_eq!(reloaded.key_id(), before.key_id());
    assert_ne!(reloaded.to_json(), before.to_json(), "fresh salt, nonce and ciphertext");

    let unlocked = reloaded.unwrap(&pass("new one")).unwrap();
    assert_eq!(unlocked.id(), key.id());
    assert_eq!(decrypt_bytes(&sealed, &unlocked).unwrap(), b"evidence written before the change");
    assert!(matches!(reloaded.unwrap(&pass("old one")), Err(KeyError::WrongPassphrase)));
    // A change asked with the wrong current passphrase changes nothing.
    assert!(matches!(
        reloaded.rewrap(&pass("old one"), &pass("third"), CHEAP),
        Err(KeyError::WrongPassphrase)
    ));
    assert_eq!(WrappedKey::load(&path).unwrap(), after);
}

#[test]
fn the_passphrase_is_unicode_normalised_and_its_line_ending_dropped() {
    let key = DataKey::generate().unwrap();
    let composed = "caf\u{e9} \u{dc}bung";
    let decomposed = "cafe\u{301} U\u{308}bung";
    let wrapped = WrappedKey::wrap(&key, &pass(composed), CHEAP).unwrap();
    assert_eq!(wrapped.unwrap(&pass(decomposed)).unwrap().id(), key.id());
    let from_file = Passphrase::from_line(format!("{composed}\r\n"));
    assert_eq!(wrapped.unwrap(&from_file).unwrap().id(), key.id());
    // Only one line ending goes; inner and leading spaces are part of the passphrase.
    let spaced = Passphrase::from_line(format!(" {composed}\n"));
    assert!(matches!(wrapped.unwrap(&spaced), Err(KeyError::WrongPassphrase)));
}

/// The key file with one JSON field replaced.
fn edited(wrapped: &WrappedKey, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(&wrapped.to_json()).unwrap();
    edit(&mut v);
    serde_json::to_string_pretty(&v).unwrap()
}

#[test]
fn the_key_file_format_is_documented_json() {
    let key = DataKey::generate().unwrap();
    let wrapped = WrappedKey::wrap(&key, &pass("p"), KdfParams::RFC9106_LOW_MEMORY).unwrap();
    let v: serde_json::Value = serde_json::from_str(&wrapped.to_json()).unwrap();
    assert_eq!(v["format"], "vetdesk-wrapped-key");
    assert_eq!(v["version"], 1);
    assert_eq!(v["key_id"], key.id().to_hex());
    assert_eq!(v["kdf"]["algorithm"], "argon2id");
    assert_eq!(v["kdf"]["argon2_version"], 19);
    assert_eq!(v["kdf"]["memory_kib"], 65536);
    assert_eq!(v["kdf"]["iterations"], 3);
    assert_eq!(v["kdf"]["parallelism"], 4);
    assert_eq!(v["kdf"]["salt"].as_str().unwrap().len(), 32);
    assert_eq!(v["cipher"]["algorithm"], "aes-256-gcm");
    assert_eq!(v["cipher"]["nonce"].as_str().unwrap().len(), 24);
    assert_eq!(v["cipher"]["ciphertext"].as_str().unwrap().len(), 96);
}

type Edit = Box<dyn FnOnce(&mut serde_json::Value)>;

#[test]
fn altered_parameters_salt_or_key_id_fail_like_a_wrong_passphrase() {
    let key = DataKey::generate().unwrap();
    let p = pass("s3cret");
    let wrapped = WrappedKey::wrap(&key, &p, CHEAP).unwrap();
    let other_id = DataKey::generate().unwrap().id().to_hex();
    let edits: Vec<(&str, Edit)> = vec![
        ("memory", Box::new(|v| v["kdf"]["memory_kib"] = 9216.into())),
        ("iterations", Box::new(|v| v["kdf"]["iterations"] = 2.into())),
        ("salt", Box::new(|v| v["kdf"]["salt"] = "00".repeat(16).into())),
        ("key id", Box::new(move |v| v["key_id"] = other_id.into())),
        ("nonce", Box::new(|v| v["cipher"]["nonce"] = "00".repeat(12).into())),
        (
            "ciphertext",
            Box::new(|v| {
                let mut c = v["cipher"]["ciphertext"].as_str().unwrap().to_owned();
                let flip = if c.starts_with('0') { "1" } else { "0" };
                c.replace_range(0..1, flip);
                v["cipher"]["ciphertext"] = c.into();
            }),
        ),
    ];
    for (what, edit) in edits {
        let text = edited(&wrapped, edit);
        let doctored = WrappedKey::from_json(&text, None).unwrap();
        let e = doctored.unwrap(&p).unwrap_err();
        assert!(matches!(e, KeyError::WrongPassphrase), "{what}: {e}");
    }
}

#[test]
fn malformed_key_files_are_refused_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let key = DataKey::generate().unwrap();
    let wrapped = WrappedKey::wrap(&key, &pass("p"), CHEAP).unwrap();
    let cases: Vec<(&str, String, &str)> = vec![
        ("not json", "hello".into(), "not a wrapped-key file"),
        ("empty", String::new(), "not a wrapped-key file"),
        ("unknown field", edited(&wrapped, |v| v["extra"] = 1.into()), "unknown field"),
        (
            "missing field",
            edited(&wrapped, |v| {
                v.as_object_mut().unwrap().remove("kdf");
            }),
            "missing field",
        ),
        (
            "format",
            edited(&wrapped, |v| v["format"] = "age".into()),
            "expected \"vetdesk-wrapped-key\"",
        ),
        ("kdf", edited(&wrapped, |v| v["kdf"]["algorithm"] = "scrypt".into()), "expected argon2id"),
        (
            "cipher",
            edited(&wrapped, |v| v["cipher"]["algorithm"] = "des".into()),
            "expected \"aes-256-gcm\"",
        ),
        ("key id", edited(&wrapped, |v| v["key_id"] = "xyz".into()), "key_id is not 32 hex digits"),
        ("salt", edited(&wrapped, |v| v["kdf"]["salt"] = "zz".into()), "kdf.salt"),
        (
            "negative",
            edited(&wrapped, |v| v["kdf"]["memory_kib"] = (-1).into()),
            "not a wrapped-key file",
        ),
    ];
    for (what, text, expect) in cases {
        let path = dir.path().join(format!("{}.json", what.replace(' ', "-")));
        std::fs::write(&path, &text).unwrap();
        let e = WrappedKey::load(&path).unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, KeyError::Malformed { .. }), "{what}: {msg}");
        assert!(msg.contains(expect), "{what}: {msg}");
        assert!(msg.contains(&path.display().to_string()), "{what}: {msg}");
    }
    let future = dir.path().join("future.json");
    std::fs::write(&future, edited(&wrapped, |v| v["version"] = 2.into())).unwrap();
    let e = WrappedKey::load(&future).unwrap_err();
    assert!(matches!(e, KeyError::UnsupportedVersion { found: 2, .. }), "{e}");
    let missing = dir.path().join("nope.json");
    assert!(matches!(WrappedKey::load(&missing), Err(KeyError::Io { .. })));
    let huge = dir.path().join("huge.json");
    std::fs::write(&huge, vec![b' '; 100_000]).unwrap();
    assert!(WrappedKey::load(&huge).unwrap_err().to_string().contains("far too large"));
}

#[test]
fn absurd_argon2_parameters_are_refused_before_any_work() {
    let key = DataKey::generate().unwrap();
    let p = pass("p");
    let wrapped = WrappedKey::wrap(&key, &p, CHEAP).unwrap();
    let cases: Vec<(serde_json::Value, serde_json::Value, serde_json::Value, &str)> = vec![
        // 4 TiB would exhaust the machine: refused outright.
        (u32::MAX.into(), 1.into(), 1.into(), "over the limit"),
        (8192.into(), 0.into(), 1.into(), "iterations 0"),
        (8192.into(), 1_000_000.into(), 1.into(), "iterations 1000000"),
        (8192.into(), 1.into(), 0.into(), "parallelism 0"),
        (8192.into(), 1.into(), 1000.into(), "parallelism 1000"),
        (4.into(), 1.into(), 1.into(), "memory_kib 4"),
    ];
    for (m, t, par, expect) in cases {
        let text = edited(&wrapped, |v| {
            v["kdf"]["memory_kib"] = m;
            v["kdf"]["iterations"] = t;
            v["kdf"]["parallelism"] = par;
        });
        let e = WrappedKey::from_json(&text, None).unwrap().unwrap(&p).unwrap_err();
        assert!(matches!(e, KeyError::BadParams(_)), "{expect}: {e}");
        assert!(e.to_string().contains(expect), "{expect}: {e}");
    }
    let e = WrappedKey::wrap(&key, &p, KdfParams { memory_kib: 1, iterations: 1, parallelism: 1 });
    assert!(matches!(e, Err(KeyError::BadParams(_))));
}

#[test]
fn the_desktop_parameters_are_accepted_and_recorded() {
    let key = DataKey::generate().unwrap();
    let wrapped = WrappedKey::wrap(&key, &pass("desk"), KdfParams::DESKTOP).unwrap();
    assert_eq!(wrapped.params(), KdfParams { memory_kib: 262_144, iterations: 3, parallelism: 4 });
    assert_eq!(wrapped.unwrap(&pass("desk")).unwrap().id(), key.id());
}

#[test]
fn secrets_never_show_in_debug_output() {
    let p = pass("hunter2-very-secret");
    assert!(!format!("{p:?}").contains("hunter2"));
    let key = DataKey::generate().unwrap();
    let wrapped = WrappedKey::wrap(&key, &p, CHEAP).unwrap();
    let unwrapped = wrapped.unwrap(&p).unwrap();
    let sql = unwrapped.sqlcipher_key();
    let sql_hex = hex::encode(sql.as_bytes());
    for shown in [
        format!("{unwrapped:?}"),
        format!("{sql:?}"),
        format!("{:?}", LinkKey::from_data_key(&key)),
    ] {
        assert!(!shown.contains(&sql_hex), "{shown}");
        assert!(shown.contains("redacted"), "{shown}");
    }
    assert!(format!("{unwrapped:?}").contains(&key.id().to_hex()));
}

#[test]
fn the_sqlcipher_key_is_its_own_subkey_in_the_raw_key_form() {
    let key = DataKey::generate().unwrap();
    let sql = key.sqlcipher_key();
    let value = sql.pragma_value();
    assert_eq!(value.len(), 3 + 64 + 2);
    assert!(value.starts_with("\"x'") && value.ends_with("'\""));
    assert!(value[3..67].bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(&*sql.pragma_statement(), &format!("PRAGMA key = {};", &*value));
    // Deterministic per data key, different across data keys and from the link key.
    assert_eq!(key.sqlcipher_key().as_bytes(), sql.as_bytes());
    assert_ne!(DataKey::generate().unwrap().sqlcipher_key().as_bytes(), sql.as_bytes());
    assert_ne!(LinkKey::from_data_key(&key).as_bytes(), sql.as_bytes());
}

/// Runs SQL through the `sqlcipher` shell (Debian package `sqlcipher`); returns (ok, stdout+stderr).
fn sqlcipher(db: &std::path::Path, sql: &str) -> (bool, String) {
    use std::io::Write;
    let mut child = Command::new("sqlcipher")
        .arg(db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the sqlcipher shell (Debian package sqlcipher; scripts/setup.sh installs it)");
    child.stdin.take().unwrap().write_all(sql.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success() && !text.contains("Error"), text)
}

#[test]
fn a_real_sqlcipher_accepts_the_key_and_refuses_another() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vetdesk.db");
    let key = DataKey::generate().unwrap();
    let stmt = key.sqlcipher_key().pragma_statement();
    let (ok, out) = sqlcipher(
        &db,
        &format!(
            "{}\nCREATE TABLE people(name);\nINSERT INTO people VALUES('Ri Chol-ho');\n",
            &*stmt
        ),
    );
    assert!(ok, "{out}");
    let raw = std::fs::read(&db).unwrap();
    assert!(!raw.windows(10).any(|w| w == b"Ri Chol-ho"), "the name is in the file in clear");
    assert!(!raw.starts_with(b"SQLite format 3"), "not an ordinary SQLite file");

    let (ok, out) = sqlcipher(&db, &format!("{}\nSELECT name FROM people;\n", &*stmt));
    assert!(ok && out.contains("Ri Chol-ho"), "{out}");
    let other = DataKey::generate().unwrap().sqlcipher_key().pragma_statement();
    let (ok, out) = sqlcipher(&db, &format!("{}\nSELECT name FROM people;\n", &*other));
    assert!(!ok && !out.contains("Ri Chol-ho"), "{out}");
}
