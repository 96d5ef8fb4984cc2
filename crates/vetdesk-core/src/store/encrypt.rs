//! Encrypting an existing plain data directory (`vetdesk encrypt`), crash-safe: the encrypted
//! copy is built beside it (`.<name>.vetdesk-encrypting`), synced and verified, then the two
//! directories are exchanged in one atomic rename, and the plain copy is deleted. Killed at
//! any moment, the directory is the old plain one or the new encrypted one; a leftover
//! staging directory is removed by the next run.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use vetdesk_crypto::{KdfParams, Passphrase};

use super::db::sqlite::{WriteLock, export_encrypted};
use super::{Clock, DATABASE_FILE, DataDir, OpenMode, Result, Store, StoreError};
use crate::evidence::fsops::{create_dir_durable, fsync_dir, parent_dir};
use crate::evidence::{EvidenceFiles, Limits, Sha256Hex};

/// What `encrypt_directory` did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EncryptOutcome {
    /// False when the directory was encrypted already (nothing was done but the cleanup).
    pub encrypted: bool,
    pub evidence_files: u64,
    /// A staging directory left by an interrupted run was removed.
    pub removed_leftover: bool,
}

/// Where the encrypted copy is built: beside the directory, on the same filesystem.
pub fn staging_dir(dir: &DataDir) -> Result<PathBuf> {
    let name = dir.root.file_name().ok_or_else(|| {
        StoreError::invalid(format!("{} has no directory name to encrypt", dir.root.display()))
    })?;
    let mut staged = std::ffi::OsString::from(".");
    staged.push(name);
    staged.push(".vetdesk-encrypting");
    Ok(parent_dir(&dir.root).join(staged))
}

fn io(context: String) -> impl FnOnce(std::io::Error) -> StoreError {
    move |e| StoreError::io(context, e)
}

/// Encrypts the plain data directory `dir` under a new data key sealed by `passphrase`.
/// Other processes must not have the directory open (their later writes would go to the plain
/// copy that is deleted); writers are held off while the copy is made.
pub fn encrypt_directory(
    dir: &DataDir,
    passphrase: &Passphrase,
    params: KdfParams,
) -> Result<EncryptOutcome> {
    let staging = staging_dir(dir)?;
    let removed_leftover = staging.exists();
    if removed_leftover {
        // Either an unfinished encrypted copy (the directory is still the plain one) or the
        // plain original after the exchange: in both cases not the directory in use.
        fs::remove_dir_all(&staging)
            .map_err(io(format!("cannot remove the leftover {}", staging.display())))?;
        fsync_dir(&parent_dir(&staging)).map_err(io("cannot fsync the parent".into()))?;
    }
    if dir.is_encrypted() {
        return Ok(EncryptOutcome { encrypted: false, evidence_files: 0, removed_leftover });
    }
    if !dir.database().is_file() {
        return Err(StoreError::NoDatabase(dir.root.clone()));
    }
    let lock = WriteLock::take(&dir.database())?;
    let built = build_copy(dir, &staging, passphrase, params);
    let evidence_files = match built {
        Ok(n) => n,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    exchange(&staging, &dir.root)?;
    drop(lock);
    // The plain original now sits under the staging name; a crash here leaves it for the
    // next run to remove, the data directory itself being encrypted already.
    fs::remove_dir_all(&staging)
        .map_err(io(format!("cannot remove the plain copy {}", staging.display())))?;
    fsync_dir(&parent_dir(&staging)).map_err(io("cannot fsync the parent".into()))?;
    Ok(EncryptOutcome { encrypted: true, evidence_files, removed_leftover })
}

/// Builds and verifies the encrypted copy in `staging`; returns the evidence files copied.
fn build_copy(
    dir: &DataDir,
    staging: &Path,
    passphrase: &Passphrase,
    params: KdfParams,
) -> Result<u64> {
    create_dir_durable(staging).map_err(io(format!("cannot create {}", staging.display())))?;
    let target = DataDir::new(staging);
    let key = Arc::new(target.create_key(passphrase, params)?);
    export_encrypted(&dir.database(), &target.database(), &key.sqlcipher_key())?;
    copy_plain_files(&dir.root, staging)?;

    let sealed = EvidenceFiles::new(staging).with_key(Some(key.clone()));
    let limits = Limits { max_bytes: u64::MAX };
    let mut count = 0;
    let evidence = dir.root.join("evidence");
    for shard in read_dir(&evidence)? {
        for file in read_dir(&shard)? {
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
            let expected: Sha256Hex =
                name.as_deref().unwrap_or_default().parse().map_err(|_| {
                    StoreError::invalid(format!(
                        "{} is not an evidence file (its name is not a SHA-256)",
                        file.display()
                    ))
                })?;
            // Re-hashed on the way: a damaged file is not carried into the encrypted copy.
            let got = sealed.ingest_path(&file, &limits, &mut |_, _| {})?;
            if got.sha256 != expected {
                return Err(StoreError::Corrupt(format!(
                    "evidence file {} does not match its hash; nothing was encrypted",
                    file.display()
                )));
            }
            count += 1;
        }
    }
    fsync_dir(staging).map_err(io(format!("cannot fsync {}", staging.display())))?;

    // The copy must verify before it replaces anything.
    let store = Store::open_with_key(target, OpenMode::MustExist, Clock::system(), Some(key))?;
    let report = store.verify()?;
    store.fold_wal()?;
    drop(store);
    if !report.ok {
        return Err(StoreError::Corrupt(format!(
            "the encrypted copy does not verify ({} problem(s)); the plain directory was left as \
             it was — run `vetdesk verify` on it",
            report.problems.len()
        )));
    }
    fsync_dir(staging).map_err(io(format!("cannot fsync {}", staging.display())))?;
    Ok(count)
}

/// Entries of a directory, sorted; a missing directory has none.
fn read_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::io(format!("cannot list {}", dir.display()), e)),
    };
    let mut paths = Vec::new();
    for entry in entries {
        paths.push(entry.map_err(io(format!("cannot list {}", dir.display())))?.path());
    }
    paths.sort();
    Ok(paths)
}

/// The files beside the database that are not personal data (settings, sealed and secret
/// keys), copied as they are and synced. The database, its log, evidence, previews (made
/// again from the evidence) and temp files are not copied.
fn copy_plain_files(from: &Path, to: &Path) -> Result<()> {
    const NOT_COPIED: &[&str] = &["evidence", "thumbs", "tmp", "vetdesk.db-wal", "vetdesk.db-shm"];
    for path in read_dir(from)? {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
        if name == DATABASE_FILE || NOT_COPIED.contains(&name) {
            continue;
        }
        let meta = fs::symlink_metadata(&path).map_err(io(format!("cannot read {name}")))?;
        if !meta.is_file() {
            return Err(StoreError::invalid(format!(
                "{} is not a regular file; move it out of the data directory first",
                path.display()
            )));
        }
        let dest = to.join(name);
        fs::copy(&path, &dest).map_err(io(format!("cannot copy {}", path.display())))?;
        fs::File::open(&dest)
            .and_then(|f| f.sync_all())
            .map_err(io(format!("cannot fsync {}", dest.display())))?;
    }
    Ok(())
}

/// Swaps two directories in one step: there is no moment without a data directory.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "macos", target_os = "ios"))]
fn exchange(a: &Path, b: &Path) -> Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(|e| {
        StoreError::io(
            format!("cannot exchange {} and {}", a.display(), b.display()),
            std::io::Error::from(e),
        )
    })?;
    fsync_dir(&parent_dir(b)).map_err(io("cannot fsync the parent".into()))
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios"
)))]
fn exchange(a: &Path, b: &Path) -> Result<()> {
    let _ = (a, b);
    Err(StoreError::invalid(
        "encrypting an existing directory needs an atomic directory exchange, which this \
         platform lacks; create an encrypted one with `vetdesk init --encrypt` instead",
    ))
}
