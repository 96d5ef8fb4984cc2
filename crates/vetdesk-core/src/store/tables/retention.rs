//! The facts each person's retention rule reads (`checks::retention`): when they were added,
//! their cases' decisions, holds and released referrals, and their employment.

use chrono::NaiveDate;

use crate::checks::retention::{CaseFacts, PersonFacts};
use crate::model::{CandidateId, Timestamp};
use crate::store::Result;
use crate::store::db::{Db, params};

/// The retention facts of one candidate; `None` when there is no such candidate or they are
/// erased already.
pub(crate) fn person_facts(db: &dyn Db, candidate: CandidateId) -> Result<Option<PersonFacts>> {
    let row: Option<(Timestamp, Option<String>)> = db.query_optional(
        "SELECT created_at, erased_at FROM candidates WHERE id = ?1",
        params![candidate],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let Some((added, None)) = row else { return Ok(None) };
    let cases = db.query_vec(
        "SELECT id, status, decision, decided_at, legal_hold, referral_released_at
         FROM cases WHERE candidate_id = ?1 ORDER BY id",
        params![candidate],
        |r| {
            let decided: Option<Timestamp> = r.get(3)?;
            let released: Option<Timestamp> = r.get(5)?;
            Ok(CaseFacts {
                id: r.get(0)?,
                status: r.get(1)?,
                decision: r.get(2)?,
                decided_on: decided.map(|t| t.date()),
                legal_hold: r.get(4)?,
                referral_released_on: released.map(|t| t.date()),
            })
        },
    )?;
    let employment = db.query_optional(
        "SELECT start_on, terminated_on FROM employees WHERE candidate_id = ?1
         ORDER BY id DESC LIMIT 1",
        params![candidate],
        |r| Ok((r.get::<NaiveDate>(0)?, r.get::<Option<NaiveDate>>(1)?)),
    )?;
    Ok(Some(PersonFacts { candidate_id: candidate, added_on: added.date(), cases, employment }))
}
