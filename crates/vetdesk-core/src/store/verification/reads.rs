//! The verification API of the store, for the CLI and the desktop app: one case's documents,
//! interviews, E-Verify deadlines, references, payments and IPs with their checks; its flags
//! and risk score; its links to other candidates; the indicator lists; and the writes that need
//! more than one `Change` (payment details, list imports, a flag refresh).

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::{engine, links, lists, records, secret};
use crate::change::Change;
use crate::checks::iprange::{self, IpCheck, IpRangeEntry};
use crate::checks::workdays::Deadline;
use crate::checks::{flags, mrz, names};
use crate::error::Field;
use crate::model::{CaseId, CaseStatus, Timestamp, VendorId};
use crate::store::{Applied, Config, Result, Store, StoreError, cases};
use crate::verification::{
    CaseFlags, EVerifyCase, IdentityDocument, Interview, IpList, IpListRow, Link, ObservedIp,
    PaymentInput, PaymentRecord, ReachableHours, Reference, VendorAuditStatus, VoipEntry,
    VpnProvider,
};

/// A document with what the checks read from it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentView {
    pub document: IdentityDocument,
    /// The MRZ as read and checked, when the document has one.
    pub mrz: Option<mrz::MrzReport>,
    /// The holder name against the candidate's legal name, tolerances named.
    pub name_check: names::NameComparison,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EVerifyView {
    pub everify: EVerifyCase,
    /// Due dates in federal working days, as of today.
    pub deadlines: Vec<Deadline>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ObservedIpView {
    pub observed: ObservedIp,
    /// Indicator ranges containing it, most specific first.
    pub matches: Vec<IpRangeEntry>,
}

/// Everything verification knows about one case: what the case view shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct CaseVerification {
    pub case_id: CaseId,
    pub candidate_id: i64,
    pub documents: Vec<DocumentView>,
    pub interviews: Vec<Interview>,
    pub reachable_hours: Option<ReachableHours>,
    pub everify: Vec<EVerifyView>,
    pub references: Vec<Reference>,
    pub payments: Vec<PaymentRecord>,
    pub observed_ips: Vec<ObservedIpView>,
    /// The application IP of the candidate record, checked against the lists.
    pub application_ip: Option<IpCheck>,
    pub vendor: Option<VendorAuditStatus>,
    pub flags: CaseFlags,
    pub links: Vec<Link>,
}

impl Store {
    /// The flags of a case (open ones most severe first) and its risk score.
    pub fn flags(&self, case_id: CaseId) -> Result<CaseFlags> {
        case_flags(&self.read(), case_id, &self.clock.now(), &self.config)
    }

    /// Every other candidate sharing a normalised phone, email, address, bank account, IP or
    /// reference contact with the case's candidate, with what they share.
    pub fn links(&self, case_id: CaseId) -> Result<Vec<Link>> {
        let conn = self.read();
        let case =
            cases::get(&conn, case_id)?.ok_or_else(|| StoreError::not_found("case", case_id))?;
        links::links(&conn, case.candidate_id)
    }

    /// The whole verification view of a case.
    pub fn case_verification(&self, case_id: CaseId) -> Result<CaseVerification> {
        case_verification(&self.read(), case_id, &self.clock.now(), &self.config)
    }

    pub fn ip_lists(&self) -> Result<Vec<IpList>> {
        lists::lists(&self.read())
    }

    /// Which indicator ranges contain an address.
    pub fn check_ip(&self, text: &str) -> Result<IpCheck> {
        let ip = iprange::parse_ip(text)
            .map_err(|e| StoreError::invalid(e.to_string()).at(Field::Ip))?;
        Ok(IpCheck {
            ip: text.trim().to_string(),
            looked_up_as: lists::canonical(ip).to_string(),
            matches: lists::lookup(&self.read(), ip)?,
            source: iprange::CIDR_SOURCE,
        })
    }

    pub fn voip_entries(&self) -> Result<Vec<VoipEntry>> {
        lists::voip_entries(&self.read())
    }

    pub fn vpn_providers(&self) -> Result<Vec<VpnProvider>> {
        lists::vpn_providers(&self.read())
    }

    pub fn vendor_audit_status(&self, vendor_id: VendorId) -> Result<VendorAuditStatus> {
        engine::vendor_status(&self.read(), vendor_id, &self.config, &self.clock.now())
    }

    /// Records bank details: the numbers are masked and hashed under the data directory's key
    /// here, and only that goes into the change, the database and the audit log.
    #[tracing::instrument(skip(self, input), err)]
    pub fn record_payment(
        &self,
        actor: &str,
        case_id: CaseId,
        input: &PaymentInput,
    ) -> Result<Applied> {
        let key = secret::load_or_create_key(&self.dir.root)?;
        let payment = secret::protect(input, &key)?;
        self.apply(actor, Change::RecordPayment { id: None, case_id, payment })
    }

    /// Imports an indicator CSV (`cidr, category, label`) as the list `name`, replacing a list
    /// of that name. All rows or none; bad rows are named with their line.
    #[tracing::instrument(skip(self, bytes), fields(bytes = bytes.len()), err)]
    pub fn import_ip_list(
        &self,
        actor: &str,
        name: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<Applied> {
        let entries = iprange::parse_csv(bytes, name.trim())
            .map_err(|e| StoreError::invalid(e.to_string()).at(Field::File))?;
        let rows = entries
            .into_iter()
            .map(|e| IpListRow(e.cidr.to_string(), e.category.to_string(), e.label))
            .collect();
        let file_name = Path::new(file_name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| file_name.to_string());
        self.apply(
            actor,
            Change::ImportIpList {
                id: None,
                name: name.to_string(),
                file_name,
                file_sha256: hex::encode(Sha256::digest(bytes)),
                rows,
            },
        )
    }

    /// Re-evaluates the flags of one case (or of every case not closed) as of now and records
    /// what changed: date-driven flags (an expiry, a deadline) come due without any change to
    /// the data, and this is how they are raised. Returns the flag changes applied.
    #[tracing::instrument(skip(self), err)]
    pub fn refresh_flags(&self, actor: &str, case_id: Option<CaseId>) -> Result<Vec<Applied>> {
        let mut conn = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        match crate::store::users::get(&tx, actor)? {
            Some(user) if user.active => {}
            _ => return Err(StoreError::UnknownActor(actor.to_string())),
        }
        let at = self.clock.now();
        let ids: Vec<CaseId> = match case_id {
            Some(id) => {
                let case = cases::get(&tx, id)?.ok_or_else(|| StoreError::not_found("case", id))?;
                if case.status == CaseStatus::Closed {
                    return Err(StoreError::conflict(format!(
                        "case {id} is closed; its flags stay as they were signed off"
                    )));
                }
                vec![id]
            }
            None => tx
                .prepare("SELECT id FROM cases WHERE status != 'closed' ORDER BY id")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
        };
        let mut applied = Vec::new();
        for id in ids {
            for change in engine::reflag(&tx, id, &at, &self.config)? {
                applied.push(self.apply_in(&tx, actor, &at, change)?);
            }
        }
        tx.commit()?;
        Ok(applied)
    }
}

/// [`Store::flags`] on a connection: a report reads it inside its snapshot transaction.
pub(crate) fn case_flags(
    conn: &Connection,
    case_id: CaseId,
    now: &Timestamp,
    config: &Config,
) -> Result<CaseFlags> {
    let case = cases::get(conn, case_id)?.ok_or_else(|| StoreError::not_found("case", case_id))?;
    let all = records::flags(conn, case_id)?;
    let (mut open, mut cleared): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|f| f.cleared_at.is_none());
    open.sort_by(|a, b| b.fields.severity.cmp(&a.fields.severity).then_with(|| a.id.cmp(&b.id)));
    cleared.sort_by(|a, b| b.cleared_at.cmp(&a.cleared_at).then_with(|| b.id.cmp(&a.id)));
    let risk = flags::risk_score(open.iter().map(|f| f.fields.severity));
    let refresh_due = engine::refresh_due(conn, &case, now, config)?;
    Ok(CaseFlags { case_id, risk, open, cleared, refresh_due })
}

/// [`Store::case_verification`] on a connection, as of `now`.
pub(crate) fn case_verification(
    conn: &Connection,
    case_id: CaseId,
    now: &Timestamp,
    config: &Config,
) -> Result<CaseVerification> {
    let flags = case_flags(conn, case_id, now, config)?;
    let case = cases::get(conn, case_id)?.ok_or_else(|| StoreError::not_found("case", case_id))?;
    let candidate = crate::store::candidates::get(conn, case.candidate_id)?
        .ok_or_else(|| StoreError::Corrupt(format!("case {case_id} names a missing candidate")))?;
    let today = now.date();
    let documents = records::documents(conn, case_id)?
        .into_iter()
        .map(|d| DocumentView {
            mrz: d.fields.mrz.as_deref().and_then(|z| mrz::parse(z, today).ok()),
            name_check: names::compare(&d.fields.holder_name, &candidate.fields.legal_name),
            document: d,
        })
        .collect();
    let everify = records::everify_cases(conn, case_id)?
        .into_iter()
        .map(|e| EVerifyView { deadlines: flags::everify_deadlines(&e, today), everify: e })
        .collect();
    let mut observed_ips = Vec::new();
    for o in records::observed_ips(conn, case_id)? {
        let matches = match o.fields.ip.parse() {
            Ok(ip) => lists::lookup(conn, ip)?,
            Err(_) => Vec::new(),
        };
        observed_ips.push(ObservedIpView { observed: o, matches });
    }
    let application_ip = match candidate.fields.application_ip.as_deref().map(str::parse) {
        Some(Ok(ip)) => Some(IpCheck {
            ip: candidate.fields.application_ip.clone().unwrap_or_default(),
            looked_up_as: lists::canonical(ip).to_string(),
            matches: lists::lookup(conn, ip)?,
            source: iprange::CIDR_SOURCE,
        }),
        _ => None,
    };
    let vendor = match candidate.fields.vendor_id {
        Some(v) => Some(engine::vendor_status(conn, v, config, now)?),
        None => None,
    };
    Ok(CaseVerification {
        case_id,
        candidate_id: candidate.id,
        documents,
        interviews: records::interviews(conn, case_id)?,
        reachable_hours: records::reachable_hours(conn, case_id)?,
        everify,
        references: records::references(conn, case_id)?,
        payments: records::payments(conn, case_id)?,
        observed_ips,
        application_ip,
        vendor,
        flags,
        links: links::links(conn, candidate.id)?,
    })
}
