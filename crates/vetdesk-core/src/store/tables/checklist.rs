//! The `checklist_items` and `item_evidence` tables: each case's result per checklist item,
//! and the evidence each result rests on.

use crate::model::{CaseId, EvidenceId, ItemResult, ItemState, Timestamp};
use crate::store::Result;
use crate::store::db::{Db, params};
use crate::template::Template;

/// Every item of the template, pending, in the template's order.
pub(crate) fn insert_pending(db: &dyn Db, case_id: CaseId, template: &Template) -> Result<()> {
    let mut insert = db.prepare(
        "INSERT INTO checklist_items (case_id, item_id, position, result) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (position, r) in template.items().enumerate() {
        insert.execute(params![case_id, r.item.id, position as i64, ItemResult::Pending])?;
    }
    Ok(())
}

/// The state of every item of a case, in checklist order, with the evidence each rests on.
pub(crate) fn item_states(db: &dyn Db, case_id: CaseId) -> Result<Vec<ItemState>> {
    let mut states: Vec<ItemState> = db.query_vec(
        "SELECT item_id, result, note, recorded_by, recorded_at FROM checklist_items
         WHERE case_id = ?1 ORDER BY position",
        params![case_id],
        |r| {
            Ok(ItemState {
                item_id: r.get(0)?,
                result: r.get(1)?,
                note: r.get(2)?,
                recorded_by: r.get(3)?,
                recorded_at: r.get(4)?,
                evidence: Vec::new(),
            })
        },
    )?;
    let links: Vec<(String, EvidenceId)> = db.query_vec(
        "SELECT item_id, evidence_id FROM item_evidence WHERE case_id = ?1 ORDER BY evidence_id",
        params![case_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    for (item_id, evidence_id) in links {
        if let Some(state) = states.iter_mut().find(|s| s.item_id == item_id) {
            state.evidence.push(evidence_id);
        }
    }
    Ok(states)
}

/// The result of one item (`None` when the case has no such item).
pub(crate) fn item_state(
    db: &dyn Db,
    case_id: CaseId,
    item_id: &str,
) -> Result<Option<ItemResult>> {
    Ok(db.query_optional(
        "SELECT result FROM checklist_items WHERE case_id = ?1 AND item_id = ?2",
        params![case_id, item_id],
        |r| r.get(0),
    )?)
}

/// When `item_id` was recorded as passed, if it is passed.
pub(crate) fn passed_at(db: &dyn Db, case_id: CaseId, item_id: &str) -> Result<Option<Timestamp>> {
    Ok(db
        .query_optional(
            "SELECT recorded_at FROM checklist_items
             WHERE case_id = ?1 AND item_id = ?2 AND result = ?3",
            params![case_id, item_id, ItemResult::Pass],
            |r| r.get::<Option<Timestamp>>(0),
        )?
        .flatten())
}

/// Writes one item's new state (which carries who recorded it and when).
pub(crate) fn record_result(db: &dyn Db, case_id: CaseId, state: &ItemState) -> Result<()> {
    let item_id = &state.item_id;
    db.execute(
        "UPDATE checklist_items SET result = ?3, note = ?4, recorded_by = ?5, recorded_at = ?6
         WHERE case_id = ?1 AND item_id = ?2",
        params![case_id, item_id, state.result, state.note, state.recorded_by, state.recorded_at],
    )?;
    db.execute(
        "DELETE FROM item_evidence WHERE case_id = ?1 AND item_id = ?2",
        params![case_id, item_id],
    )?;
    let mut link = db.prepare(
        "INSERT INTO item_evidence (case_id, item_id, evidence_id) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
    )?;
    for evidence_id in &state.evidence {
        link.execute(params![case_id, item_id, evidence_id])?;
    }
    Ok(())
}
