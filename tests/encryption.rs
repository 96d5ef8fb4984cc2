//! Encryption at rest as a user meets it: `init --encrypt`, every command on the encrypted
//! directory, a wrong passphrase that changes nothing, `passphrase change` without
//! re-encryption, `encrypt` of an existing directory (also killed at random moments), and the
//! raw bytes of every file in the data directory holding none of the personal data seeded.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};
use vetdesk_core::store::{Clock, DataDir, OpenMode, Store};
use vetdesk_crypto::Passphrase;
use vetdesk_testkit::{contains_bytes, files_under, png, vetdesk_command};

/// Personal data seeded below; none of it may appear in any file of an encrypted directory.
const SECRETS: &[&str] = &[
    "Zephyrine Quackenbush",
    "Quackenbush",
    "zephyrine.q@example.org",
    "+12025550147",
    "202 555 0147",
    "2025550147",
    "X9K4Q7Z2",
    "Thaddeus Vanterpool",
    "thaddeus@example.net",
    "Larkspur Lane",
    "MARKER-7f3a9c-IN-THE-IMAGE",
    "held the passport to the camera",
];

/// Bytes that give a plain file away: SQLite's header, PNG's and JPEG's signatures.
const PLAIN_MAGIC: &[&[u8]] = &[b"SQLite format 3", b"\x89PNG\r\n", b"\xff\xd8\xff"];

struct Dir {
    _temp: tempfile::TempDir,
    data: PathBuf,
    pass: PathBuf,
    image: PathBuf,
}

impl Dir {
    fn new() -> Dir {
        let temp = tempfile::tempdir().unwrap();
        let data = temp.path().join("data");
        let pass = temp.path().join("passphrase");
        std::fs::write(&pass, "correct horse battery staple\n").unwrap();
        // An evidence image carrying a known byte string (after its end chunk).
        let mut bytes = png(320, 200);
        bytes.extend_from_slice(b"MARKER-7f3a9c-IN-THE-IMAGE");
        let image = temp.path().join("passport.png");
        std::fs::write(&image, bytes).unwrap();
        Dir { _temp: temp, data, pass, image }
    }

    fn cmd(&self, pass: Option<&Path>, args: &[&str]) -> Command {
        let mut cmd = vetdesk_command();
        cmd.env("VETDESK_DATA_DIR", &self.data).env("VETDESK_USER", "ada").args(args);
        cmd.env_remove("VETDESK_PASSPHRASE_FILE").env_remove("VETDESK_NEW_PASSPHRASE_FILE");
        if let Some(pass) = pass {
            cmd.env("VETDESK_PASSPHRASE_FILE", pass);
        }
        cmd.stdin(Stdio::null());
        cmd
    }

    fn run(&self, pass: Option<&Path>, args: &[&str]) -> Output {
        self.cmd(pass, args).output().unwrap()
    }

    /// Runs with the right passphrase (or none for a plain directory) and expects success.
    fn ok(&self, encrypted: bool, args: &[&str]) -> String {
        let out = self.run(encrypted.then_some(self.pass.as_path()), args);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// Seeds users, a candidate with email, phone and address, a document, evidence, a note.
    fn seed(&self, encrypted: bool) {
        let ok = |args: &[&str]| self.ok(encrypted, args);
        ok(&["user", "add", "ada", "--role", "admin"]);
        ok(&[
            "candidate",
            "add",
            "--name",
            "Zephyrine Quackenbush",
            "--email",
            "zephyrine.q@example.org",
            "--phone",
            "+1 202 555 0147",
            "--home-address",
            "12 Larkspur Lane, Springfield, IL 62704",
        ]);
        ok(&[
            "candidate",
            "add",
            "--name",
            "Thaddeus Vanterpool",
            "--email",
            "thaddeus@example.net",
        ]);
        let image = self.image.to_str().unwrap();
        ok(&["evidence", "add", "1", image, "--description", "data page"]);
        ok(&[
            "doc",
            "add",
            "1",
            "--kind",
            "passport",
            "--country",
            "USA",
            "--number",
            "X9K4Q7Z2",
            "--name",
            "Zephyrine Quackenbush",
            "--front",
            "1",
        ]);
        ok(&["note", "add", "1", "She held the passport to the camera on the call."]);
    }

    fn verify_ok(&self, encrypted: bool) {
        let report: serde_json::Value =
            serde_json::from_str(&self.ok(encrypted, &["verify", "--json"])).unwrap();
        assert_eq!(report["ok"], true, "{report}");
    }
}

/// The raw bytes of every file in `data` hold none of the seeded values, in UTF-8 or UTF-16,
/// and no file starts as a plain database or image. Returns the names of the files scanned.
fn assert_nothing_readable(data: &Path) -> Vec<String> {
    let mut scanned = Vec::new();
    for path in files_under(data) {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.strip_prefix(data).unwrap().display().to_string();
        for secret in SECRETS {
            let utf16: Vec<u8> = secret.encode_utf16().flat_map(u16::to_le_bytes).collect();
            assert!(!contains_bytes(&bytes, secret.as_bytes()), "{secret:?} readable in {name}");
            assert!(!contains_bytes(&bytes, &utf16), "{secret:?} readable (UTF-16) in {name}");
        }
        for magic in PLAIN_MAGIC {
            assert!(!bytes.starts_with(magic), "{name} is a plain file");
        }
        scanned.push(name);
    }
    scanned
}

fn snapshot(data: &Path) -> BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)> {
    files_under(data)
        .into_iter()
        .map(|p| {
            let meta = std::fs::metadata(&p).unwrap();
            (p.clone(), (std::fs::read(&p).unwrap(), meta.modified().unwrap()))
        })
        .collect()
}

fn sha(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

#[test]
fn an_encrypted_directory_works_through_every_command_and_its_raw_bytes_hold_no_personal_data() {
    let dir = Dir::new();
    dir.ok(true, &["init", "--encrypt"]);
    assert!(dir.data.join("data-key.json").is_file());
    dir.seed(true);

    // Full-text search still works (FTS5 in the SQLCipher build).
    let hits: serde_json::Value =
        serde_json::from_str(&dir.ok(true, &["search", "quackenbush", "--json"])).unwrap();
    assert_eq!(hits[0]["candidate_name"], "Zephyrine Quackenbush", "{hits}");
    let hits: serde_json::Value =
        serde_json::from_str(&dir.ok(true, &["search", "camera", "--json"])).unwrap();
    assert_eq!(hits[0]["kind"], "note", "{hits}");
    // Links and flags read the same way (the two candidates share nothing).
    dir.ok(true, &["case", "show", "1"]);
    dir.verify_ok(true);

    // What the user asked for comes out plain: the evidence, the report, the pack.
    let out = dir._temp.path();
    let exported = out.join("exported.png");
    dir.ok(true, &["evidence", "export", "1", exported.to_str().unwrap()]);
    assert_eq!(std::fs::read(&exported).unwrap(), std::fs::read(&dir.image).unwrap());
    let report = out.join("report.pdf");
    dir.ok(true, &["report", "1", "-o", report.to_str().unwrap()]);
    let text = vetdesk_testkit::tool("pdftotext", &[report.to_str().unwrap(), "-"]);
    assert!(text.contains("Zephyrine Quackenbush"), "the report is readable");
    let pack = out.join("pack.zip");
    dir.ok(true, &["pack", "1", "-o", pack.to_str().unwrap()]);
    assert!(contains_bytes(&std::fs::read(&pack).unwrap(), b"MARKER-7f3a9c-IN-THE-IMAGE"));
    dir.ok(false, &["verify-pack", pack.to_str().unwrap()]);

    // The evidence id is the SHA-256 of the plaintext, the stored bytes are not the plaintext.
    let id = sha(&dir.image);
    let stored = dir.data.join("evidence").join(&id[..2]).join(&id);
    assert_ne!(sha(&stored), id);
    let thumb = dir.data.join("thumbs").join(&id[..2]).join(format!("{id}.jpg"));
    assert!(thumb.is_file(), "a preview was made");

    // One more write by a store held open, so the write-ahead log is there to be scanned too.
    let data = DataDir::new(&dir.data);
    let key = data.unlock(&Passphrase::from_line(std::fs::read_to_string(&dir.pass).unwrap()));
    let store = Store::open_with_key(
        data,
        OpenMode::MustExist,
        Clock::system(),
        Some(Arc::new(key.unwrap())),
    )
    .unwrap();
    store
        .apply(
            "ada",
            vetdesk_core::change::Change::AddNote {
                id: None,
                case_id: 2,
                text: "Thaddeus Vanterpool called from 202 555 0147 about Larkspur Lane".into(),
            },
        )
        .unwrap();
    let scanned = assert_nothing_readable(&dir.data);
    drop(store);
    let scanned_after = assert_nothing_readable(&dir.data);
    for must in ["vetdesk.db", "vetdesk.db-wal", "data-key.json"] {
        assert!(scanned.iter().any(|n| n == must), "{must} not scanned: {scanned:?}");
    }
    assert!(scanned.iter().any(|n| n.starts_with("evidence/")), "{scanned:?}");
    assert!(scanned.iter().any(|n| n.starts_with("thumbs/")), "{scanned:?}");
    assert!(!scanned_after.is_empty());
    // The app's log directory is outside the data directory; the CLI logs to stderr only.
}

#[test]
fn a_wrong_or_missing_passphrase_is_one_line_exit_2_and_touches_nothing() {
    let dir = Dir::new();
    dir.ok(true, &["init", "--encrypt"]);
    dir.seed(true);
    let before = snapshot(&dir.data);
    let wrong = dir._temp.path().join("wrong");
    std::fs::write(&wrong, "correct horse battery stapler\n").unwrap();
    for (pass, args, says) in [
        (Some(wrong.as_path()), vec!["case", "list"], "wrong passphrase"),
        (Some(wrong.as_path()), vec!["note", "add", "1", "not written"], "wrong passphrase"),
        (Some(wrong.as_path()), vec!["passphrase", "change"], "wrong passphrase"),
        (None, vec!["case", "list"], "VETDESK_PASSPHRASE_FILE"),
    ] {
        let out = dir.run(pass, &args);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    assert_eq!(snapshot(&dir.data), before, "a wrong passphrase changed a file");
    dir.verify_ok(true);
}

#[test]
fn passphrase_change_rewraps_the_key_and_re_encrypts_nothing() {
    let dir = Dir::new();
    dir.ok(true, &["init", "--encrypt"]);
    dir.seed(true);
    let data_files = |d: &Path| -> BTreeMap<PathBuf, String> {
        files_under(d)
            .into_iter()
            .filter(|p| !p.ends_with("data-key.json"))
            .map(|p| (p.clone(), sha(&p)))
            .collect()
    };
    let before = data_files(&dir.data);
    let key_before = std::fs::read(dir.data.join("data-key.json")).unwrap();
    let new = dir._temp.path().join("new");
    std::fs::write(&new, "a brand new passphrase\n").unwrap();
    let out = dir
        .cmd(Some(&dir.pass), &["passphrase", "change"])
        .env("VETDESK_NEW_PASSPHRASE_FILE", &new)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(data_files(&dir.data), before, "data was re-encrypted");
    assert_ne!(std::fs::read(dir.data.join("data-key.json")).unwrap(), key_before);

    let old = dir.run(Some(&dir.pass), &["case", "list"]);
    assert_eq!(old.status.code(), Some(2));
    let listed = dir.run(Some(&new), &["case", "list", "--json"]);
    assert!(listed.status.success(), "{}", String::from_utf8_lossy(&listed.stderr));
    let cases: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(cases.as_array().unwrap().len(), 2);
}

#[test]
fn encrypt_turns_a_plain_directory_into_an_encrypted_one_that_verifies() {
    let dir = Dir::new();
    dir.ok(false, &["init"]);
    dir.seed(false);
    let plain = dir.ok(false, &["case", "show", "1", "--json"]);
    dir.ok(true, &["encrypt"]);
    assert!(dir.data.join("data-key.json").is_file());
    let staging = dir._temp.path().join(".data.vetdesk-encrypting");
    assert!(!staging.exists(), "the plain copy was deleted");
    // The same case, now behind the passphrase.
    assert_eq!(dir.ok(true, &["case", "show", "1", "--json"]), plain);
    let locked = dir.run(None, &["case", "list"]);
    assert_eq!(locked.status.code(), Some(2));
    dir.verify_ok(true);
    let exported = dir._temp.path().join("back.png");
    dir.ok(true, &["evidence", "export", "1", exported.to_str().unwrap()]);
    assert_eq!(std::fs::read(&exported).unwrap(), std::fs::read(&dir.image).unwrap());
    assert_nothing_readable(&dir.data);
    // Again: refused, it is encrypted already.
    let again = dir.run(Some(&dir.pass), &["encrypt"]);
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn sigkill_during_encrypt_leaves_the_plain_or_the_encrypted_directory_and_both_verify() {
    let dir = Dir::new();
    dir.ok(false, &["init"]);
    dir.seed(false);
    // A few megabytes of evidence, so the copy takes a while to kill in.
    for i in 0..3u8 {
        let big = dir._temp.path().join(format!("scan{i}.bin"));
        let mut bytes = vec![i; 6 << 20];
        rand::rngs::StdRng::seed_from_u64(u64::from(i)).fill(&mut bytes[..4096]);
        std::fs::write(&big, bytes).unwrap();
        dir.ok(false, &["evidence", "add", "1", big.to_str().unwrap()]);
    }
    let pristine = dir._temp.path().join("pristine");
    copy_dir(&dir.data, &pristine);

    // One uninterrupted run, to spread the kills over all of it.
    let started = Instant::now();
    dir.ok(true, &["encrypt"]);
    let full = started.elapsed();

    let seed: u64 = std::env::var("KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::rng().random());
    println!("seed {seed} (set KILL_SEED to repeat), one full encrypt took {full:?}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let (mut plain, mut encrypted) = (0, 0);
    // Four kills keep `make test` short; KILL_RUNS=50 for a longer hunt.
    let runs: u32 = std::env::var("KILL_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(4);
    for _ in 0..runs {
        std::fs::remove_dir_all(&dir.data).unwrap();
        copy_dir(&pristine, &dir.data);
        let delay = Duration::from_secs_f64(full.as_secs_f64() * rng.random_range(0.05..1.1));
        let mut child = dir
            .cmd(Some(&dir.pass), &["encrypt"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL on Unix
        }
        child.wait().unwrap();

        // Either the old plain directory or the new encrypted one, and it verifies.
        let is_encrypted = dir.data.join("data-key.json").exists();
        if is_encrypted {
            encrypted += 1;
        } else {
            plain += 1;
            assert!(!contains_bytes(
                &std::fs::read(dir.data.join("vetdesk.db")).unwrap(),
                b"\x89VDENC"
            ));
        }
        dir.verify_ok(is_encrypted);
        let cases: serde_json::Value =
            serde_json::from_str(&dir.ok(is_encrypted, &["case", "list", "--json"])).unwrap();
        assert_eq!(cases.as_array().unwrap().len(), 2);
        // Running it again finishes the job (or only removes what the killed run left).
        if is_encrypted {
            let staging = dir._temp.path().join(".data.vetdesk-encrypting");
            if staging.exists() {
                dir.ok(true, &["encrypt"]);
                assert!(!staging.exists());
            }
        } else {
            dir.ok(true, &["encrypt"]);
        }
        dir.verify_ok(true);
        assert_nothing_readable(&dir.data);
    }
    println!("{plain} runs left the plain directory, {encrypted} the encrypted one");
}

#[test]
fn verify_names_an_altered_encrypted_evidence_file_and_init_never_encrypts_in_place() {
    let dir = Dir::new();
    dir.ok(false, &["init"]);
    // A plain directory is encrypted by `encrypt` (a verified copy), never by `init`.
    let refused = dir.run(Some(&dir.pass), &["init", "--encrypt"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("vetdesk encrypt"));
    assert!(!dir.data.join("data-key.json").exists());

    let dir = Dir::new();
    dir.ok(true, &["init", "--encrypt"]);
    dir.ok(true, &["init"]); // safe to run again, with the passphrase
    dir.seed(true);
    let id = sha(&dir.image);
    let stored = dir.data.join("evidence").join(&id[..2]).join(&id);
    let mut bytes = std::fs::read(&stored).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    let mut perms = std::fs::metadata(&stored).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&stored, perms).unwrap();
    std::fs::write(&stored, bytes).unwrap();
    let out = dir.run(Some(&dir.pass), &["verify"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains(&id), "the altered file is named: {text}");
    let export = dir._temp.path().join("never.png");
    let refused = dir.run(Some(&dir.pass), &["evidence", "export", "1", export.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(!export.exists(), "nothing half-written");
}

fn copy_dir(from: &Path, to: &Path) {
    let status = Command::new("cp").arg("-a").arg(from).arg(to).status().unwrap();
    assert!(status.success());
}
