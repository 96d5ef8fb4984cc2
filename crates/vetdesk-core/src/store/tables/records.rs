//! The verification record tables (identity documents, interviews, E-Verify cases, references,
//! payment details, observed IPs, vendor audits, flags): each declared once with `record_table!`
//! — its columns in the order of its struct — which gives it the `Record` mapping the generic
//! reads and writes below use. List-valued columns (evidence ids, facts) are JSON arrays.

use crate::model::{CaseId, Timestamp};
use crate::store::Result;
use crate::store::db::{Db, DbResult, Json, Row, ToValue, Value, params};
use crate::verification::{
    DocumentFields, EVerifyCase, EVerifyFields, Flag, FlagFields, IdentityDocument, Interview,
    InterviewFields, ObservedIp, ObservedIpFields, PaymentFields, PaymentRecord, ReachableHours,
    Reference, ReferenceFields, VendorAudit,
};

/// A table of records: its columns, and how a row maps to and from the record.
pub(crate) trait Record: Sized {
    const TABLE: &'static str;
    /// Every column, `id` first, in the order of `values` and `from_row`.
    const COLUMNS: &'static str;
    /// The column naming what the records belong to (`case_id`, `vendor_id`).
    const OWNER: &'static str;
    /// The order records of one owner are listed in.
    const ORDER: &'static str;
    fn from_row(r: &Row<'_>) -> DbResult<Self>;
    fn values(&self) -> Vec<Value>;
}

/// A record whose editable part is replaced as a whole by a correction.
pub(crate) trait Editable: Record {
    type Fields;
    /// The columns of the editable part, in the order of `field_values`.
    const FIELD_COLUMNS: &'static [&'static str];
    fn field_values(fields: &Self::Fields) -> Vec<Value>;
}

/// Reads one column: a JSON column is marked `[json]`.
macro_rules! column {
    ($r:expr, $i:expr) => {
        $r.get($i)?
    };
    ($r:expr, $i:expr, json) => {
        $r.get::<Json<_>>($i)?.0
    };
}

macro_rules! value {
    ($v:expr) => {
        $v.to_value()
    };
    ($v:expr, json) => {
        Json(&$v).to_value()
    };
}

/// Declares a record table: `Type: "table" by "owner column", order "…" { top-level columns;
/// fields: FieldsType { columns of the editable part }; the columns after it }` (the middle
/// part may be left empty: `;;`).
macro_rules! record_table {
    (
        $ty:ident: $table:literal by $owner:literal, order $order:literal {
            $first:ident $(, $top:ident)*;
            $($fields:ident: $fty:ident { $($f:ident $([$json:ident])?),+ })?;
            $($meta:ident),*
        }
    ) => {
        impl Record for $ty {
            const TABLE: &'static str = $table;
            const COLUMNS: &'static str = concat!(
                stringify!($first)
                $(, ", ", stringify!($top))*
                $($(, ", ", stringify!($f))+)?
                $(, ", ", stringify!($meta))*
            );
            const OWNER: &'static str = $owner;
            const ORDER: &'static str = $order;

            fn from_row(r: &Row<'_>) -> DbResult<Self> {
                // Fields of a struct expression are evaluated in the order written, which is
                // the order of the columns.
                let mut column = 0_usize;
                let mut next = || {
                    column += 1;
                    column - 1
                };
                Ok($ty {
                    $first: r.get(next())?,
                    $($top: r.get(next())?,)*
                    $($fields: $fty { $($f: column!(r, next() $(, $json)?),)+ },)?
                    $($meta: r.get(next())?,)*
                })
            }

            fn values(&self) -> Vec<Value> {
                vec![
                    self.$first.to_value()
                    $(, self.$top.to_value())*
                    $($(, value!(self.$fields.$f $(, $json)?))+)?
                    $(, self.$meta.to_value())*
                ]
            }
        }
    };
}

/// Declares the editable part of a record table (its `fields` columns).
macro_rules! editable {
    ($ty:ident: $fty:ident { $($f:ident $([$json:ident])?),+ }) => {
        impl Editable for $ty {
            type Fields = $fty;
            const FIELD_COLUMNS: &'static [&'static str] = &[$(stringify!($f)),+];
            fn field_values(fields: &$fty) -> Vec<Value> {
                vec![$(value!(fields.$f $(, $json)?)),+]
            }
        }
    };
}

record_table!(IdentityDocument: "identity_documents" by "case_id", order "id" {
    id, case_id;
    fields: DocumentFields {
        kind, issuing_country, number, holder_name, birth_date, expiry_date, mrz,
        front_evidence, back_evidence, note
    }; recorded_by, recorded_at, updated_at
});
editable!(IdentityDocument: DocumentFields {
    kind, issuing_country, number, holder_name, birth_date, expiry_date, mrz, front_evidence,
    back_evidence, note
});

record_table!(Interview: "interviews" by "case_id", order "id" {
    id, case_id;
    fields: InterviewFields {
        held_on, started_at, interviewer, camera_on_throughout, refused_video, audio_only,
        id_match, liveness_done, location_consistent, screenshots [json], note
    }; recorded_by, recorded_at
});

record_table!(EVerifyCase: "everify_cases" by "case_id", order "id" {
    id, case_id;
    fields: EVerifyFields {
        case_number, created_on, status, agency, mismatch_on, notice_given_on,
        decision_recorded_on, employee_contests, referred_on, agency_contacted_on,
        continuance_since, followed_up_on, evidence [json], note
    }; recorded_by, recorded_at, updated_at
});
editable!(EVerifyCase: EVerifyFields {
    case_number, created_on, status, agency, mismatch_on, notice_given_on, decision_recorded_on,
    employee_contests, referred_on, agency_contacted_on, continuance_since, followed_up_on,
    evidence [json], note
});

record_table!(Reference: "case_references" by "case_id", order "id" {
    id, case_id;
    fields: ReferenceFields { name, email, phone, relationship, company, note };
    recorded_by, recorded_at, updated_at
});
editable!(Reference: ReferenceFields { name, email, phone, relationship, company, note });

record_table!(PaymentRecord: "payment_details" by "case_id", order "id" {
    id, case_id;
    fields: PaymentFields {
        bank_name, account_holder, routing_masked, account_masked, account_hash, note
    }; recorded_by, recorded_at
});

record_table!(ObservedIp: "observed_ips" by "case_id", order "seen_at, id" {
    id, case_id;
    fields: ObservedIpFields { ip, seen_at, context, note };
    recorded_by, recorded_at
});

record_table!(VendorAudit: "vendor_audits" by "vendor_id", order "audited_on, id" {
    id, vendor_id;;
    audited_on, outcome, note, next_due, recorded_by, recorded_at
});

record_table!(Flag: "case_flags" by "case_id", order "id" {
    id, case_id;
    fields: FlagFields {
        rule, subject, severity, title, why, source [json], facts [json], evidence [json],
        candidates [json]
    }; raised_at, raised_by, cleared_at, cleared_by, cleared_reason, triage, triage_reason,
    triaged_by, triaged_at
});

/// One record by id.
pub(crate) fn get<R: Record>(db: &dyn Db, id: i64) -> Result<Option<R>> {
    let sql = format!("SELECT {} FROM {} WHERE id = ?1", R::COLUMNS, R::TABLE);
    Ok(db.query_optional(&sql, params![id], R::from_row)?)
}

/// The records of one case (or vendor), in their order.
pub(crate) fn of<R: Record>(db: &dyn Db, owner: i64) -> Result<Vec<R>> {
    let sql = format!(
        "SELECT {} FROM {} WHERE {} = ?1 ORDER BY {}",
        R::COLUMNS,
        R::TABLE,
        R::OWNER,
        R::ORDER
    );
    Ok(db.query_vec(&sql, params![owner], R::from_row)?)
}

pub(crate) fn next_id<R: Record>(db: &dyn Db) -> Result<i64> {
    super::next_id(db, R::TABLE)
}

fn placeholders(from: usize, count: usize) -> String {
    (from..from + count).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
}

pub(crate) fn insert<R: Record>(db: &dyn Db, record: &R) -> Result<()> {
    let values = record.values();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        R::TABLE,
        R::COLUMNS,
        placeholders(1, values.len())
    );
    db.execute(&sql, &values)?;
    Ok(())
}

/// Replaces the editable part of a record, and its time of update.
pub(crate) fn update<R: Editable>(
    db: &dyn Db,
    id: i64,
    fields: &R::Fields,
    at: &Timestamp,
) -> Result<()> {
    let mut values = vec![id.to_value()];
    values.extend(R::field_values(fields));
    values.push(at.to_value());
    let set: Vec<String> = R::FIELD_COLUMNS
        .iter()
        .chain(&["updated_at"])
        .enumerate()
        .map(|(i, column)| format!("{column} = ?{}", i + 2))
        .collect();
    let sql = format!("UPDATE {} SET {} WHERE id = ?1", R::TABLE, set.join(", "));
    db.execute(&sql, &values)?;
    Ok(())
}

// ---- reachable hours: at most one row per case ----

pub(crate) fn reachable_hours(db: &dyn Db, case_id: CaseId) -> Result<Option<ReachableHours>> {
    Ok(db.query_optional(
        "SELECT from_time, to_time, time_zone FROM reachable_hours WHERE case_id = ?1",
        params![case_id],
        |r| Ok(ReachableHours { from: r.get(0)?, to: r.get(1)?, time_zone: r.get(2)? }),
    )?)
}

pub(crate) fn set_reachable_hours(
    db: &dyn Db,
    case_id: CaseId,
    hours: Option<&ReachableHours>,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    db.execute("DELETE FROM reachable_hours WHERE case_id = ?1", params![case_id])?;
    if let Some(h) = hours {
        db.execute(
            "INSERT INTO reachable_hours (case_id, from_time, to_time, time_zone, recorded_by,
                                          recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![case_id, h.from, h.to, h.time_zone, actor, at],
        )?;
    }
    Ok(())
}

// ---- flags: raised once, cleared once ----

/// The open flags of a case, oldest first.
pub(crate) fn open_flags(db: &dyn Db, case_id: CaseId) -> Result<Vec<Flag>> {
    let sql = format!(
        "SELECT {} FROM case_flags WHERE case_id = ?1 AND cleared_at IS NULL ORDER BY id",
        Flag::COLUMNS
    );
    Ok(db.query_vec(&sql, params![case_id], Flag::from_row)?)
}

/// The cases with an open flag of one of `rules`.
pub(crate) fn cases_with_open_flags(db: &dyn Db, rules: &[&str]) -> Result<Vec<CaseId>> {
    let mut query = db.prepare(
        "SELECT DISTINCT case_id FROM case_flags WHERE cleared_at IS NULL AND rule = ?1",
    )?;
    let mut out = Vec::new();
    for rule in rules {
        out.extend(query.query_vec(params![rule], |r| r.get::<CaseId>(0))?);
    }
    Ok(out)
}

/// Records a person's triage of a flag.
pub(crate) fn triage_flag(
    db: &dyn Db,
    id: i64,
    triage: crate::verification::Triage,
    reason: Option<&str>,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    db.execute(
        "UPDATE case_flags SET triage = ?2, triage_reason = ?3, triaged_by = ?4, triaged_at = ?5 WHERE id = ?1",
        params![id, triage, reason, actor, at],
    )?;
    Ok(())
}

pub(crate) fn clear_flag(
    db: &dyn Db,
    id: i64,
    reason: &str,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    db.execute(
        "UPDATE case_flags SET cleared_at = ?2, cleared_by = ?3, cleared_reason = ?4 WHERE id = ?1",
        params![id, at, actor, reason],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::db::sqlite::scratch;

    fn columns_of(db: &dyn Db, table: &str) -> String {
        let names = db
            .query_vec(
                &format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
                &[],
                |r| r.get::<String>(0),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        names.join(", ")
    }

    /// Each declaration names every column of its table, in the table's order: a column added
    /// to the schema and not to the declaration (or the other way round) fails here.
    #[test]
    fn every_record_table_declares_the_columns_of_its_schema() {
        let db = scratch().unwrap_or_else(|e| panic!("{e}"));
        let declared = [
            (IdentityDocument::TABLE, IdentityDocument::COLUMNS),
            (Interview::TABLE, Interview::COLUMNS),
            (EVerifyCase::TABLE, EVerifyCase::COLUMNS),
            (Reference::TABLE, Reference::COLUMNS),
            (PaymentRecord::TABLE, PaymentRecord::COLUMNS),
            (ObservedIp::TABLE, ObservedIp::COLUMNS),
            (VendorAudit::TABLE, VendorAudit::COLUMNS),
            (Flag::TABLE, Flag::COLUMNS),
        ];
        for (table, columns) in declared {
            assert_eq!(columns_of(&*db, table), columns, "{table}");
        }
    }
}
