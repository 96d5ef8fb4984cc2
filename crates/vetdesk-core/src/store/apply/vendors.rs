//! Staffing vendors and their audits (compliance officers and admins).

use super::{missing_id, not_mine};
use crate::change::{Change, PolicyKey};
use crate::model::{Field, Timestamp, User, VendorFields};
use crate::store::db::Db;
use crate::store::rules::{Action, MAX_FIELD, MAX_TEXT, optional, require, required};
use crate::store::tables::{next_id, policy, records, vendors};
use crate::store::{Result, StoreError};
use crate::verification::VendorAudit;

fn check_vendor(
    db: &dyn Db,
    v: &VendorFields,
    at: &Timestamp,
    own_id: Option<i64>,
) -> Result<VendorFields> {
    let fields = VendorFields {
        name: required(Field::Name, "vendor name", &v.name, 200)?,
        contact: v.contact.trim().to_string(),
        screening_attested: v.screening_attested,
        attestation_note: optional(
            Field::AttestationNote,
            "attestation note",
            v.attestation_note.as_deref(),
            MAX_TEXT,
        )?,
        last_audit_on: v.last_audit_on,
    };
    if fields.contact.chars().count() > MAX_FIELD {
        return Err(StoreError::invalid(format!(
            "vendor contact is longer than {MAX_FIELD} characters"
        ))
        .at(Field::Contact));
    }
    if let Some(date) = fields.last_audit_on
        && date > at.date()
    {
        return Err(StoreError::invalid(format!("last audit date {date} is in the future"))
            .at(Field::LastAuditOn));
    }
    if let Some(existing) = vendors::by_name(db, &fields.name)?
        && Some(existing.id) != own_id
    {
        return Err(StoreError::conflict(format!(
            "a vendor named {:?} already exists (vendor {})",
            existing.fields.name, existing.id
        ))
        .at(Field::Name));
    }
    Ok(fields)
}

pub(super) fn resolve(db: &dyn Db, user: &User, at: &Timestamp, change: Change) -> Result<Change> {
    Ok(match change {
        Change::AddVendor { vendor, .. } => {
            require(user, Action::ManageVendors, "add vendors")?;
            let vendor = check_vendor(db, &vendor, at, None)?;
            Change::AddVendor { id: Some(next_id(db, "vendors")?), vendor }
        }
        Change::UpdateVendor { id, vendor } => {
            require(user, Action::ManageVendors, "change vendors")?;
            let current =
                vendors::get(db, id)?.ok_or_else(|| StoreError::not_found("vendor", id))?;
            let vendor = check_vendor(db, &vendor, at, Some(id))?;
            if vendor == current.fields {
                return Err(StoreError::conflict(format!("vendor {id}: nothing to change")));
            }
            Change::UpdateVendor { id, vendor }
        }
        Change::RecordVendorAudit { vendor_id, audited_on, outcome, note, .. } => {
            require(user, Action::AuditVendors, "record vendor audits")?;
            if vendors::get(db, vendor_id)?.is_none() {
                return Err(StoreError::not_found("vendor", vendor_id).at(Field::VendorId));
            }
            if audited_on > at.date() {
                return Err(StoreError::invalid(format!(
                    "audit date {audited_on} is in the future"
                ))
                .at(Field::AuditedOn));
            }
            let next_due = audited_on
                .checked_add_months(chrono::Months::new(policy::value(
                    db,
                    PolicyKey::VendorAuditIntervalMonths,
                )?))
                .ok_or_else(|| {
                    StoreError::invalid(format!("audit date {audited_on} is out of range"))
                        .at(Field::AuditedOn)
                })?;
            Change::RecordVendorAudit {
                id: Some(records::next_id::<VendorAudit>(db)?),
                vendor_id,
                audited_on,
                outcome,
                note: optional(Field::Note, "note", note.as_deref(), MAX_TEXT)?,
                next_due: Some(next_due),
            }
        }
        other => return Err(not_mine("vendor", &other)),
    })
}

pub(super) fn write(db: &dyn Db, at: &Timestamp, actor: &str, change: &Change) -> Result<()> {
    let missing = || missing_id(change);
    match change {
        Change::AddVendor { id, vendor } => {
            vendors::insert(db, id.ok_or_else(missing)?, vendor, at)
        }
        Change::UpdateVendor { id, vendor } => vendors::update(db, *id, vendor, at),
        Change::RecordVendorAudit { id, vendor_id, audited_on, outcome, note, next_due } => {
            records::insert(
                db,
                &VendorAudit {
                    id: id.ok_or_else(missing)?,
                    vendor_id: *vendor_id,
                    audited_on: *audited_on,
                    outcome: *outcome,
                    note: note.clone(),
                    next_due: next_due.ok_or_else(missing)?,
                    recorded_by: actor.to_string(),
                    recorded_at: *at,
                },
            )
        }
        other => Err(not_mine("vendor", other)),
    }
}
