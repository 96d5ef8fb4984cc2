//! The `evidence` table: the files attached to cases (the bytes live in the file store, under
//! their SHA-256).

use crate::change::StoredFile;
use crate::model::{CaseId, Evidence, EvidenceId, Timestamp};
use crate::store::Result;
use crate::store::db::{Db, DbResult, Row, params};

const COLUMNS: &str = "id, case_id, sha256, size, original_name, media_type, description, \
                       item_id, added_by, added_at, has_thumbnail, ingest_note, thumbnail_sha256";

fn from_row(r: &Row<'_>) -> DbResult<Evidence> {
    Ok(Evidence {
        id: r.get(0)?,
        case_id: r.get(1)?,
        sha256: r.get(2)?,
        size: r.get::<i64>(3)?.max(0) as u64,
        original_name: r.get(4)?,
        media_type: r.get(5)?,
        description: r.get(6)?,
        item_id: r.get(7)?,
        added_by: r.get(8)?,
        added_at: r.get(9)?,
        has_thumbnail: r.get(10)?,
        ingest_note: r.get(11)?,
        thumbnail_sha256: r.get(12)?,
    })
}

pub(crate) fn of_case(db: &dyn Db, case_id: CaseId) -> Result<Vec<Evidence>> {
    Ok(db.query_vec(
        &format!("SELECT {COLUMNS} FROM evidence WHERE case_id = ?1 ORDER BY id"),
        params![case_id],
        from_row,
    )?)
}

pub(crate) fn get(db: &dyn Db, id: EvidenceId) -> Result<Option<Evidence>> {
    Ok(db.query_optional(
        &format!("SELECT {COLUMNS} FROM evidence WHERE id = ?1"),
        params![id],
        from_row,
    )?)
}

/// The case an evidence record belongs to.
pub(crate) fn case_of(db: &dyn Db, id: EvidenceId) -> Result<Option<CaseId>> {
    Ok(db.query_optional("SELECT case_id FROM evidence WHERE id = ?1", params![id], |r| r.get(0))?)
}

/// One stored file and every record naming it.
pub(crate) struct StoredFileUse {
    pub sha256: String,
    pub size: i64,
    /// `id (case N, name)` of each record, joined with `; `.
    pub used_by: String,
    /// The preview hashes its records recorded.
    pub previews: Vec<String>,
}

/// The preview hashes recorded for a stored file by the records naming it.
pub(crate) fn preview_hashes(db: &dyn Db, sha256: &str) -> Result<Vec<String>> {
    Ok(db.query_vec(
        "SELECT DISTINCT thumbnail_sha256 FROM evidence
         WHERE sha256 = ?1 AND thumbnail_sha256 IS NOT NULL",
        params![sha256],
        |r| r.get(0),
    )?)
}

/// Every distinct stored file (by hash and size), in hash order, handed to `each` one at a
/// time so that memory stays flat however many there are.
pub(crate) fn each_stored_file(
    db: &dyn Db,
    each: &mut dyn FnMut(StoredFileUse) -> Result<()>,
) -> Result<()> {
    let mut current: Option<StoredFileUse> = None;
    let mut failed = None;
    db.query(
        // An erased person's files are removed with them: their records name no file.
        "SELECT sha256, size, id, case_id, original_name, thumbnail_sha256 FROM evidence e
         WHERE NOT EXISTS (SELECT 1 FROM cases c JOIN candidates p ON p.id = c.candidate_id
                           WHERE c.id = e.case_id AND p.erased_at IS NOT NULL)
         ORDER BY sha256, size, id",
        &[],
        &mut |r| {
            let (sha256, size): (String, i64) = (r.get(0)?, r.get(1)?);
            let record = format!(
                "{} (case {}, {})",
                r.get::<i64>(2)?,
                r.get::<i64>(3)?,
                r.get::<String>(4)?
            );
            let preview: Option<String> = r.get(5)?;
            match &mut current {
                Some(file) if file.sha256 == sha256 && file.size == size => {
                    file.used_by.push_str("; ");
                    file.used_by.push_str(&record);
                    file.previews.extend(preview.filter(|p| !file.previews.contains(p)));
                }
                _ => {
                    let previews = preview.into_iter().collect();
                    let next = StoredFileUse { sha256, size, used_by: record, previews };
                    if let Some(done) = current.replace(next)
                        && failed.is_none()
                    {
                        failed = each(done).err();
                    }
                }
            }
            Ok(())
        },
    )?;
    if let Some(e) = failed {
        return Err(e);
    }
    match current {
        Some(last) => each(last),
        None => Ok(()),
    }
}

pub(crate) struct NewEvidence<'a> {
    pub id: EvidenceId,
    pub case_id: CaseId,
    pub file: &'a StoredFile,
    pub original_name: &'a str,
    pub description: Option<&'a str>,
    pub item_id: Option<&'a str>,
}

pub(crate) fn insert(db: &dyn Db, e: &NewEvidence<'_>, actor: &str, at: &Timestamp) -> Result<()> {
    db.execute(
        &format!(
            "INSERT INTO evidence ({COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
        ),
        params![
            e.id,
            e.case_id,
            e.file.sha256,
            e.file.size as i64,
            e.original_name,
            e.file.media_type,
            e.description,
            e.item_id,
            actor,
            at,
            e.file.has_thumbnail,
            e.file.ingest_note,
            e.file.thumbnail_sha256
        ],
    )?;
    Ok(())
}
