//! Evidence files seen from the store: the bytes go into the content-addressed file store
//! first (streamed, hashed, fsynced, renamed), and only then is the record applied, so the
//! database never names a file that is not fully on disk. A crash in between leaves at most an
//! unreferenced file, never a dangling record.
//!
//! In team mode the bytes go into the team database instead, in the very transaction that
//! applies the record ([`store_pending`]): a failure anywhere stores neither.

use std::path::Path;

use super::tables::evidence;
use super::{Applied, Result, Store, StoreError};
use crate::change::{Change, StoredFile};
use crate::evidence::{EvidenceFiles, Ingested, Limits, Sha256Hex};
use crate::model::{CaseId, CaseStatus, EvidenceId};

impl Store {
    /// Whether this store's data directory is encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// The file store of this data directory; in team mode, the team database's evidence (with
    /// this desktop's previews and pending ingests in the data directory).
    pub fn files(&self) -> EvidenceFiles {
        let files = EvidenceFiles::new(&self.dir.root).with_key(self.key.clone());
        match &self.chunks {
            Some(chunks) => files.with_chunks(chunks.clone(), self.pending.clone()),
            None => files,
        }
    }

    /// Stores the file at `path` and records it as evidence of a case. `progress` gets (bytes
    /// read, file size) while the file streams in.
    #[tracing::instrument(skip(self, path, description, progress))]
    pub fn attach_file(
        &self,
        actor: &str,
        case_id: CaseId,
        path: &Path,
        item_id: Option<String>,
        description: Option<String>,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<Applied> {
        // Refuse early what the record would be refused for, before streaming gigabytes.
        self.precheck_attach(actor, case_id)?;
        let original_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| StoreError::invalid(format!("{} is not a file", path.display())))?;
        let limits = Limits { max_bytes: self.config.evidence_max_bytes };
        let ingested = self.files().ingest_path(path, &limits, progress)?;
        let file = self.stored_file(ingested)?;
        self.apply(
            actor,
            Change::AttachEvidence { id: None, case_id, file, original_name, description, item_id },
        )
    }

    /// What an `AttachEvidence` records of a file the evidence store took in: hash, size,
    /// type, what ingest noticed, and the hash of its preview. For content stored before, the
    /// preview on disk is first checked against what the earlier records recorded (and made
    /// again from the original if it is not one of them), so a replaced preview is not recorded.
    pub fn stored_file(&self, ingested: Ingested) -> Result<StoredFile> {
        let files = self.files();
        let has_thumbnail = ingested.thumbnail.exists();
        if ingested.already_present && has_thumbnail {
            let earlier = self.preview_hashes(&ingested.sha256)?;
            if !earlier.is_empty() {
                files.trusted_preview(&ingested.sha256, &earlier)?;
            }
        }
        let thumbnail_sha256 =
            if has_thumbnail { files.preview_sha256(&ingested.sha256) } else { None };
        Ok(StoredFile {
            sha256: ingested.sha256.to_hex(),
            size: ingested.size,
            media_type: ingested.media_type,
            has_thumbnail,
            ingest_note: ingested.note,
            thumbnail_sha256,
        })
    }

    /// The preview hashes recorded by the evidence records naming a stored file.
    pub fn preview_hashes(&self, sha256: &Sha256Hex) -> Result<Vec<String>> {
        self.read(|r| evidence::preview_hashes(r.db(), &sha256.to_hex()))
    }

    fn precheck_attach(&self, actor: &str, case_id: CaseId) -> Result<()> {
        self.read(|r| {
            match r.user(actor) {
                Ok(user) if user.active => {}
                Ok(_) | Err(StoreError::NotFound { .. }) => {
                    return Err(StoreError::UnknownActor(actor.to_string()));
                }
                Err(e) => return Err(e),
            }
            let case = r.case(case_id)?;
            if case.status == CaseStatus::Closed {
                return Err(StoreError::conflict(format!(
                    "case {case_id} is closed; a compliance officer must reopen it first"
                )));
            }
            Ok(())
        })
    }

    /// Copies an evidence file to `dest`, checking its hash on the way; returns the bytes copied.
    pub fn export_evidence(&self, id: EvidenceId, dest: &Path, overwrite: bool) -> Result<u64> {
        let evidence = self.evidence(id)?;
        let sha = parse_sha(&evidence.sha256)?;
        Ok(self.files().export(&sha, dest, overwrite)?)
    }
}

/// Team mode: makes sure the team database holds `sha256` (`size` bytes) within the caller's
/// transaction — streaming this desktop's pending ingest of it into chunks, or finding it there
/// already (deduplicated). In solo mode: that the file is fully in the evidence folder.
pub(crate) fn store_pending(
    db: &dyn super::db::Db,
    files: &EvidenceFiles,
    sha256: &Sha256Hex,
    size: u64,
) -> Result<()> {
    use super::tables::evidence_chunks;
    let Some(pending) = files.pending() else {
        let path = files.path_of(sha256);
        return match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() && meta.len() == files.stored_len(size) => Ok(()),
            Ok(meta) => Err(StoreError::invalid(format!(
                "stored file {sha256} has {} bytes, not the {size} recorded",
                meta.len(),
            ))),
            Err(e) => Err(StoreError::io(format!("evidence file {sha256} is not in the store"), e)),
        };
    };
    if let Some(file) = pending.take(sha256) {
        let mut src = file.open().map_err(|e| {
            StoreError::io(format!("cannot read the ingest of evidence {sha256}"), e)
        })?;
        return evidence_chunks::put(db, sha256, size, &mut src);
    }
    match evidence_chunks::stat(db, sha256)? {
        Some(stat)
            if stat.bytes == size && stat.chunks == crate::evidence::chunked::chunk_count(size) =>
        {
            Ok(())
        }
        _ => Err(StoreError::Evidence(crate::evidence::EvidenceError::NotInDatabase {
            sha256: *sha256,
        })),
    }
}

pub(crate) fn parse_sha(text: &str) -> Result<Sha256Hex> {
    text.parse().map_err(|e| StoreError::invalid(format!("{e}")))
}
