//! The `checklist_items` and `item_evidence` tables: each case's recorded result per checklist
//! item, and the evidence each result rests on. A case's checklist is its template version
//! plus the results recorded: an item without a row is pending (no row is written for it, so
//! an import of many candidates does not write a row per item per case).

use std::collections::HashMap;

use crate::model::{CaseId, EvidenceId, ItemResult, ItemState, Timestamp};
use crate::store::db::{Db, params};
use crate::store::{Result, StoreError};
use crate::template::{self, Template};

/// The template a case was opened with.
fn template_of(db: &dyn Db, case_id: CaseId) -> Result<&'static Template> {
    let (id, version): (String, u32) = db
        .query_optional(
            "SELECT template_id, template_version FROM cases WHERE id = ?1",
            params![case_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .ok_or_else(|| StoreError::no_case(db, case_id))?;
    Ok(template::get(&id, version)?)
}

/// The state of every item of a case, in checklist order (the template's), with the evidence
/// each rests on; items with no recorded result are pending.
pub(crate) fn item_states(db: &dyn Db, case_id: CaseId) -> Result<Vec<ItemState>> {
    let template = template_of(db, case_id)?;
    let mut recorded: HashMap<String, ItemState> = HashMap::new();
    db.query(
        "SELECT item_id, result, note, recorded_by, recorded_at FROM checklist_items
         WHERE case_id = ?1",
        params![case_id],
        &mut |r| {
            let state = ItemState {
                item_id: r.get(0)?,
                result: r.get(1)?,
                note: r.get(2)?,
                recorded_by: r.get(3)?,
                recorded_at: r.get(4)?,
                evidence: Vec::new(),
            };
            recorded.insert(state.item_id.clone(), state);
            Ok(())
        },
    )?;
    db.query(
        "SELECT item_id, evidence_id FROM item_evidence WHERE case_id = ?1 ORDER BY evidence_id",
        params![case_id],
        &mut |r| {
            let item_id: String = r.get(0)?;
            let evidence_id: EvidenceId = r.get(1)?;
            if let Some(state) = recorded.get_mut(&item_id) {
                state.evidence.push(evidence_id);
            }
            Ok(())
        },
    )?;
    let mut states: Vec<ItemState> = template
        .items()
        .map(|r| {
            recorded.remove(&r.item.id).unwrap_or_else(|| ItemState {
                item_id: r.item.id.clone(),
                result: ItemResult::Pending,
                note: None,
                recorded_by: None,
                recorded_at: None,
                evidence: Vec::new(),
            })
        })
        .collect();
    // A recorded item the template does not have is damage; the checklist view names it.
    let mut strays: Vec<ItemState> = recorded.into_values().collect();
    strays.sort_by(|a, b| a.item_id.cmp(&b.item_id));
    states.extend(strays);
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

/// When `item_id` got the result it has (any result; a pending item has none).
pub(crate) fn recorded_at(
    db: &dyn Db,
    case_id: CaseId,
    item_id: &str,
) -> Result<Option<Timestamp>> {
    Ok(db
        .query_optional(
            "SELECT recorded_at FROM checklist_items WHERE case_id = ?1 AND item_id = ?2",
            params![case_id, item_id],
            |r| r.get::<Option<Timestamp>>(0),
        )?
        .flatten())
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

/// Writes one item's new state (which carries who recorded it and when). Pending is the
/// absence of a result: recording it removes the item's row and the evidence it rested on.
pub(crate) fn record_result(db: &dyn Db, case_id: CaseId, state: &ItemState) -> Result<()> {
    let item_id = &state.item_id;
    db.execute(
        "DELETE FROM item_evidence WHERE case_id = ?1 AND item_id = ?2",
        params![case_id, item_id],
    )?;
    if state.result == ItemResult::Pending {
        db.execute(
            "DELETE FROM checklist_items WHERE case_id = ?1 AND item_id = ?2",
            params![case_id, item_id],
        )?;
        return Ok(());
    }
    let template = template_of(db, case_id)?;
    let position = template.items().position(|r| r.item.id == *item_id).ok_or_else(|| {
        StoreError::invalid(format!("template {} has no item {item_id}", template.id))
    })?;
    db.execute(
        "INSERT INTO checklist_items (case_id, item_id, position, result, note, recorded_by,
                                      recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (case_id, item_id) DO UPDATE SET
             result = excluded.result, note = excluded.note,
             recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        params![
            case_id,
            item_id,
            position as i64,
            state.result,
            state.note,
            state.recorded_by,
            state.recorded_at
        ],
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
