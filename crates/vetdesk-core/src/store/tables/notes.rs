//! The `notes` table: free-text notes on a case.

use crate::model::{CaseId, Note, NoteId, Timestamp};
use crate::store::Result;
use crate::store::db::{Db, params};

const COLUMNS: &str = "id, case_id, author, created_at, text";

pub(crate) fn of_case(db: &dyn Db, case_id: CaseId) -> Result<Vec<Note>> {
    Ok(db.query_vec(
        &format!("SELECT {COLUMNS} FROM notes WHERE case_id = ?1 ORDER BY id"),
        params![case_id],
        |r| {
            Ok(Note {
                id: r.get(0)?,
                case_id: r.get(1)?,
                author: r.get(2)?,
                created_at: r.get(3)?,
                text: r.get(4)?,
            })
        },
    )?)
}

pub(crate) fn insert(
    db: &dyn Db,
    id: NoteId,
    case_id: CaseId,
    text: &str,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    db.execute(
        &format!("INSERT INTO notes ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5)"),
        params![id, case_id, actor, at, text],
    )?;
    Ok(())
}
