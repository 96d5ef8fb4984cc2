//! Everything a case report and an audit pack show about one case, read in one read
//! transaction so that the PDF, `case.json` and `audit.jsonl` of a pack describe the same
//! state, and checked: a case whose audit chain does not verify is not reported on.

use serde_json::json;

use super::{ReportError, ReportOptions, Verification};
use vetdesk_core::chain::{self, ChainHead, ChainRecord};
use vetdesk_core::checkpoint::SignedCheckpoint;
use vetdesk_core::model::{CaseId, Chain, User};
use vetdesk_core::store::{CaseDetail, Store, StoredAuditRecord};
use vetdesk_core::template::{self, Template};

/// What the organisation's newest signed checkpoint says of one case's chain.
#[derive(Clone, Debug)]
pub struct Signed {
    pub checkpoint: SignedCheckpoint,
    /// The ledger position of the case's first record: an audit pack carries the ledger from
    /// there to the checkpoint, which ties each covered record to the signed root.
    pub first_entry: i64,
    /// How many of the case's records (the first ones) the checkpoint covers.
    pub covered: u64,
}

/// One case as of one moment.
#[derive(Clone, Debug)]
pub struct CaseData {
    pub detail: CaseDetail,
    /// The case's audit chain exactly as stored, oldest first.
    pub audit: Vec<StoredAuditRecord>,
    /// The same records with their sealed personal fields opened: what the report shows.
    pub readable: Vec<StoredAuditRecord>,
    /// The candidate's key the personal fields of `audit` are sealed under (hex), carried in
    /// an audit pack so that its reader can replay them; `None` once they are erased.
    pub person_key: Option<String>,
    /// The chain recomputed from `audit`: its head is what the report prints.
    pub chain: ChainHead,
    /// The store's root at the same moment (the ledger's last hash), which pins every chain's
    /// length and head: a later check compares it with the root `vetdesk verify` prints.
    pub root: String,
    /// The newest signed checkpoint, when it covers at least the case's first record.
    pub signed: Option<Signed>,
    /// Every user, for names in the report (records name users by login).
    pub users: Vec<User>,
    pub generated_by: User,
    pub options: ReportOptions,
    pub template: &'static Template,
    pub verification: Verification,
    /// The paper the report is laid out on (the store's setting, else the locale's).
    pub paper: vetdesk_core::store::Paper,
}

impl CaseData {
    /// Reads the case as it is now; "overdue" is judged on the generation date.
    #[tracing::instrument(level = "debug", skip(store, options))]
    pub fn load(
        store: &Store,
        case_id: CaseId,
        options: &ReportOptions,
    ) -> Result<CaseData, ReportError> {
        let (detail, audit, readable, person_key, users, verification, root, signed) = store
            .read_at(options.generated_at, |s| {
                let signed = match s.latest_checkpoint()? {
                    None => None,
                    Some(checkpoint) => s
                        .ledger_span(Chain::Case(case_id), checkpoint.entries)?
                        .filter(|&(first, covered)| covered > 0 && first <= checkpoint.entries)
                        .map(|(first_entry, covered)| Signed {
                            checkpoint,
                            first_entry,
                            covered: covered.unsigned_abs(),
                        }),
                };
                let detail = s.case_detail(case_id)?;
                let person_key = s.person_key_hex(detail.case.candidate_id)?;
                Ok::<_, ReportError>((
                    detail,
                    s.audit_stored(Chain::Case(case_id))?,
                    s.audit_readable(Chain::Case(case_id))?,
                    person_key,
                    s.users()?,
                    s.case_verification(case_id)?,
                    s.root()?,
                    signed,
                ))
            })?;
        let generated_by = users
            .iter()
            .find(|u| u.name == options.generated_by && u.active)
            .cloned()
            .ok_or_else(|| ReportError::UnknownUser(options.generated_by.clone()))?;
        let head = chain::check(audit.iter().map(ChainRecord::from_stored))
            .map_err(|e| ReportError::BrokenChain { case_id, reason: e.to_string() })?;
        if head.head != detail.chain_head {
            // Same transaction, so only a bug could get here; still, never print a head
            // that the store would not confirm.
            return Err(ReportError::BrokenChain {
                case_id,
                reason: format!(
                    "recomputed head {} differs from the stored head {}",
                    head.head, detail.chain_head
                ),
            });
        }
        let template = template::get(&detail.case.template_id, detail.case.template_version)
            .map_err(vetdesk_core::store::StoreError::from)?;
        Ok(CaseData {
            paper: store.config().paper(),
            detail,
            audit,
            readable,
            person_key,
            chain: head,
            root,
            signed,
            users,
            generated_by,
            options: options.clone(),
            template,
            verification: super::verification_view::from_store(
                &verification,
                options.generated_at.date(),
            ),
        })
    }

    /// Logins of everyone the case record names: who changed it (every change is in its
    /// audit chain), its assignee, and who generates the document.
    pub fn involved(&self) -> Vec<&str> {
        let mut logins: Vec<&str> = self.audit.iter().map(|r| r.actor.as_str()).collect();
        logins.extend(self.detail.case.assignee.as_deref());
        logins.push(&self.generated_by.name);
        logins.sort_unstable();
        logins.dedup();
        logins
    }

    /// `case.json` of an audit pack: every piece of case data the report is made from, with
    /// the evidence files' names inside the pack.
    pub fn to_json(&self, evidence_member: &dyn Fn(&str) -> String) -> serde_json::Value {
        let d = &self.detail;
        let involved = self.involved();
        let evidence: Vec<serde_json::Value> = d
            .evidence
            .iter()
            .map(|e| {
                let mut v = serde_json::to_value(e).unwrap_or(serde_json::Value::Null);
                if let Some(map) = v.as_object_mut() {
                    map.insert("pack_member".into(), json!(evidence_member(&e.sha256)));
                }
                v
            })
            .collect();
        let checklist: Vec<serde_json::Value> = d
            .checklist
            .iter()
            .map(|c| {
                json!({
                    "phase": c.phase_title,
                    "section": c.section_title,
                    "item_id": c.item.id,
                    "title": c.item.title,
                    "source": c.item.source,
                    "source_title": c.source_title,
                    "source_ref": c.item.source_ref,
                    "requires": c.item.requires,
                    "result": c.state.result,
                    "note": c.state.note,
                    "recorded_by": c.state.recorded_by,
                    "recorded_at": c.state.recorded_at,
                    "evidence": c.state.evidence,
                })
            })
            .collect();
        json!({
            "format": "vetdesk-case",
            "format_version": 1,
            "generated_at": self.options.generated_at,
            "generated_by": { "name": self.generated_by.name, "display_name": self.generated_by.display_name },
            "case": d.case,
            "overdue": d.overdue,
            "candidate": d.candidate,
            "vendor": d.vendor,
            "template": { "id": self.template.id, "version": self.template.version, "title": self.template.title },
            "progress": d.progress,
            "checklist": checklist,
            "notes": d.notes,
            "evidence": evidence,
            "verification": self.verification,
            "related_cases": d.related_cases,
            "users": self.users.iter().filter(|u| involved.contains(&u.name.as_str())).collect::<Vec<_>>(),
            "audit_chain": { "chain": format!("case:{}", d.case.id), "records": self.chain.records, "head": self.chain.head, "root": self.root },
            "sealing": self.person_key.as_ref().map(|key| json!({ "candidate_id": d.case.candidate_id, "person_key": key })),
        })
    }
}
