//! The `person_keys` table: one random key per candidate, under which the personal fields of
//! every audit record about them are sealed (`crate::sealed`). Erasure deletes the row. Not
//! replayed by `verify` (a key is random); `verify` checks instead that a key is missing only
//! for a candidate whose erasure is recorded.

use std::collections::HashMap;
use std::sync::Arc;

use vetdesk_crypto::{KEY_LEN, PersonKey};

use crate::model::CandidateId;
use crate::store::db::{Db, params};
use crate::store::{Result, StoreError};

pub(crate) fn get(db: &dyn Db, candidate: CandidateId) -> Result<Option<PersonKey>> {
    let raw: Option<Vec<u8>> = db.query_optional(
        "SELECT key FROM person_keys WHERE candidate_id = ?1",
        params![candidate],
        |r| r.get(0),
    )?;
    raw.map(|bytes| {
        let bytes: [u8; KEY_LEN] = bytes.as_slice().try_into().map_err(|_| {
            StoreError::Corrupt(format!("the key of candidate {candidate} is not {KEY_LEN} bytes"))
        })?;
        Ok(PersonKey::from_bytes(bytes))
    })
    .transpose()
}

/// The candidate's key, made (and stored in the caller's transaction) at their first record.
pub(crate) fn get_or_create(db: &dyn Db, candidate: CandidateId) -> Result<PersonKey> {
    if let Some(key) = get(db, candidate)? {
        return Ok(key);
    }
    let key = PersonKey::generate().map_err(|e| StoreError::Corrupt(e.to_string()))?;
    db.execute(
        "INSERT INTO person_keys (candidate_id, key) VALUES (?1, ?2)",
        params![candidate, key.as_bytes().to_vec()],
    )?;
    Ok(key)
}

/// Destroys the candidate's key: what was sealed under it never opens again.
pub(crate) fn destroy(db: &dyn Db, candidate: CandidateId) -> Result<()> {
    db.execute("DELETE FROM person_keys WHERE candidate_id = ?1", params![candidate])?;
    Ok(())
}

/// Keys looked up once per read, at most [`KeyCache::HELD`] at a time: a read of the whole log
/// (verify) meets every candidate, mostly one after the other, and must not hold every key.
#[derive(Default)]
pub(crate) struct KeyCache(HashMap<CandidateId, Option<Arc<PersonKey>>>);

impl KeyCache {
    const HELD: usize = 4_096;

    pub(crate) fn key(&mut self, db: &dyn Db, candidate: CandidateId) -> Option<Arc<PersonKey>> {
        if self.0.len() >= Self::HELD && !self.0.contains_key(&candidate) {
            self.0.clear();
        }
        self.0
            .entry(candidate)
            .or_insert_with(|| get(db, candidate).ok().flatten().map(Arc::new))
            .clone()
    }
}
