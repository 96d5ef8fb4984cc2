//! What a case's audit chain says the case is: `audit.jsonl` folded record by record into the
//! state the store's apply path writes, for `verify-pack` to compare with `case.json`. Only
//! what the case chain alone decides is compared — the case's fields and status, checklist
//! results, notes, evidence records and which red flags are open. The candidate, the vendor and
//! derived views (risk score, links, document checks) rest on other chains or on the day the
//! pack was made, and are covered by the report's chain head only.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use vetdesk_core::chain::ChainRecord;
use vetdesk_core::change::Change;
use vetdesk_core::model::{Case, CaseStatus, Evidence, ItemResult, ItemState, Note, Timestamp};

/// The parts of `case.json` that are compared; the rest is skipped unread.
#[derive(Debug, Deserialize)]
pub(crate) struct CaseJson {
    pub case: Case,
    pub checklist: Vec<ItemState>,
    pub notes: Vec<Note>,
    pub evidence: Vec<EvidenceJson>,
    pub verification: VerificationJson,
    pub audit_chain: AuditChainJson,
    /// The candidate's key the personal fields of `audit.jsonl` are sealed under.
    #[serde(default)]
    pub sealing: Option<SealingJson>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SealingJson {
    pub candidate_id: i64,
    pub person_key: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct EvidenceJson {
    #[serde(flatten)]
    pub evidence: Evidence,
    pub pack_member: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct VerificationJson {
    #[serde(default)]
    pub red_flags: Option<Vec<FlagJson>>,
}

#[derive(Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord, Clone)]
pub(crate) struct FlagJson {
    pub id: String,
    pub open: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct AuditChainJson {
    pub head: String,
    pub records: u64,
}

/// The case as its chain replays, and the records that could not be replayed.
#[derive(Debug, Default)]
pub(crate) struct Replay {
    pub case: Option<Case>,
    pub items: BTreeMap<String, ItemState>,
    pub notes: BTreeMap<i64, Note>,
    pub evidence: BTreeMap<i64, Evidence>,
    /// Flag id → (the id the report shows, open).
    pub flags: BTreeMap<i64, (String, bool)>,
    pub records: u64,
    /// (line of audit.jsonl, why it could not be replayed)
    pub problems: Vec<(usize, String)>,
}

impl Replay {
    /// Folds one record (line `line` of `audit.jsonl`) into the state.
    pub fn record(&mut self, line: usize, r: &ChainRecord) {
        self.records += 1;
        let at: Timestamp = match r.at.parse() {
            Ok(at) => at,
            Err(_) => return self.problems.push((line, format!("time {:?} is not a time", r.at))),
        };
        let change: Change = match serde_json::from_value(r.change.clone()) {
            Ok(c) => c,
            Err(e) => {
                let kind = r.change.get("type").and_then(Value::as_str).unwrap_or("?");
                return self
                    .problems
                    .push((line, format!("its {kind} change cannot be replayed ({e})")));
            }
        };
        let actor = r.actor.clone();
        let case = &mut self.case;
        let unopened = |kind: &str| (line, format!("a {kind} change before the case was opened"));
        // Exhaustive on purpose: a new kind of change must say here what it does to a case.
        match change {
            Change::OpenCase { id, candidate_id, kind, assignee, priority, due_on, template } => {
                let (Some(id), Some(template)) = (id, template) else {
                    return self.problems.push((line, "an open_case without its ids".into()));
                };
                *case = Some(Case {
                    id,
                    candidate_id,
                    kind,
                    status: CaseStatus::Open,
                    decision: None,
                    decision_reason: None,
                    decided_by: None,
                    decided_at: None,
                    assignee,
                    priority,
                    due_on,
                    template_id: template.id,
                    template_version: template.version,
                    opened_by: actor,
                    opened_at: at,
                    updated_at: at,
                    closed_at: None,
                });
            }
            Change::AssignCase { assignee, .. } => match case {
                Some(c) => c.assignee = assignee,
                None => self.problems.push(unopened("assign_case")),
            },
            Change::SetPriority { priority, .. } => match case {
                Some(c) => c.priority = priority,
                None => self.problems.push(unopened("set_priority")),
            },
            Change::SetDueDate { due_on, .. } => match case {
                Some(c) => c.due_on = due_on,
                None => self.problems.push(unopened("set_due_date")),
            },
            Change::SetStatus { status, decision, reason, .. } => match case {
                Some(c) => {
                    c.status = status;
                    match status {
                        CaseStatus::Decided => {
                            c.decision = decision;
                            c.decision_reason = Some(reason);
                            c.decided_by = Some(actor);
                            c.decided_at = Some(at);
                            c.closed_at = None;
                        }
                        // Closing keeps the decision: it is the sign-off of what was decided.
                        CaseStatus::Closed => c.closed_at = Some(at),
                        CaseStatus::Open | CaseStatus::InReview | CaseStatus::Escalated => {
                            c.decision = None;
                            c.decision_reason = None;
                            c.decided_by = None;
                            c.decided_at = None;
                            c.closed_at = None;
                        }
                    }
                }
                None => self.problems.push(unopened("set_status")),
            },
            Change::RecordResult { item_id, result, note, evidence, .. } => {
                let state = ItemState {
                    item_id: item_id.clone(),
                    result,
                    note,
                    recorded_by: Some(actor),
                    recorded_at: Some(at),
                    evidence,
                };
                self.items.insert(item_id, state);
            }
            Change::AttachEvidence { id, case_id, file, original_name, description, item_id } => {
                let Some(id) = id else {
                    return self.problems.push((line, "an attach_evidence without its id".into()));
                };
                self.evidence.insert(
                    id,
                    Evidence {
                        id,
                        case_id,
                        sha256: file.sha256,
                        size: file.size,
                        original_name,
                        media_type: file.media_type,
                        description,
                        item_id,
                        added_by: actor,
                        added_at: at,
                        has_thumbnail: file.has_thumbnail,
                        ingest_note: file.ingest_note,
                        thumbnail_sha256: file.thumbnail_sha256,
                    },
                );
            }
            Change::AddNote { id, case_id, text } => {
                let Some(id) = id else {
                    return self.problems.push((line, "an add_note without its id".into()));
                };
                self.notes.insert(id, Note { id, case_id, author: actor, created_at: at, text });
            }
            Change::FlagRaised { id, flag, .. } => {
                let Some(id) = id else {
                    return self.problems.push((line, "a flag_raised without its id".into()));
                };
                let shown = if flag.subject.is_empty() {
                    flag.rule
                } else {
                    format!("{} ({})", flag.rule, flag.subject)
                };
                self.flags.insert(id, (shown, true));
            }
            Change::FlagCleared { flag_id, .. } => match self.flags.get_mut(&flag_id) {
                Some(flag) => flag.1 = false,
                None => self.problems.push((line, format!("clears flag {flag_id}, never raised"))),
            },
            // Triage says who looked at a flag and what they made of it; whether it is open
            // is decided by raise and clear alone.
            Change::TriageFlag { flag_id, .. } => {
                if !self.flags.contains_key(&flag_id) {
                    self.problems.push((line, format!("triages flag {flag_id}, never raised")));
                }
            }
            // Verification records, corrections of the candidate and disclosures: shown in
            // case.json through derived views (as of the day the pack was made) or not at all,
            // covered by the chain head, not replayed here.
            Change::CandidateChanged { .. }
            | Change::RecordDisclosure { .. }
            | Change::RecordDocument { .. }
            | Change::UpdateDocument { .. }
            | Change::RecordInterview { .. }
            | Change::SetReachableHours { .. }
            | Change::RecordEVerify { .. }
            | Change::UpdateEVerify { .. }
            | Change::AddReference { .. }
            | Change::UpdateReference { .. }
            | Change::RecordPayment { .. }
            | Change::RecordObservedIp { .. }
            // The hire and termination of a monitored worker: facts of the employee record,
            // not of the case's fields.
            | Change::Hire { .. }
            | Change::SetTermination { .. }
            // Retention marks of the case, not its fields.
            | Change::SetLegalHold { .. }
            | Change::ReleaseReferral { .. }
            // The FCRA steps: read back from the chain, no field of the case.
            | Change::RecordPreAdverseNotice { .. }
            | Change::RecordAdverseNotice { .. } => {}
            other @ (Change::AddUser { .. }
            | Change::SetUserRole { .. }
            | Change::SetUserActive { .. }
            | Change::SetSwitchPassword { .. }
            | Change::AddVendor { .. }
            | Change::UpdateVendor { .. }
            | Change::AddCandidate { .. }
            | Change::UpdateCandidate { .. }
            | Change::RecordVendorAudit { .. }
            | Change::ImportIpList { .. }
            | Change::RemoveIpList { .. }
            | Change::AddVpnProvider { .. }
            | Change::RemoveVpnProvider { .. }
            | Change::AddVoipEntry { .. }
            | Change::RemoveVoipEntry { .. }
            | Change::RecordCheckpoint { .. }
            | Change::SetPolicy { .. }
            | Change::ErasePerson { .. }
            | Change::RecordPersonExport { .. }
            | Change::ImportTelemetry { .. }) => self.problems.push((
                line,
                format!("a {} change belongs to the global chain, not a case's", other.kind()),
            )),
        }
    }

    /// Every difference between `case.json` and the replayed state, each as one sentence.
    /// `member_of` names the pack member of an evidence file (hash, original name).
    pub fn compare(
        &self,
        json: &CaseJson,
        member_of: &dyn Fn(&str, &str) -> String,
    ) -> Vec<String> {
        let mut out = Vec::new();
        match &self.case {
            None => out.push("audit.jsonl never opens the case".to_string()),
            Some(replayed) => {
                // When a case was last touched depends on changes not replayed here.
                let said = Case { updated_at: replayed.updated_at, ..json.case.clone() };
                diff("case", &said, replayed, &mut out);
            }
        }

        let mut listed = BTreeMap::new();
        for item in &json.checklist {
            listed.insert(item.item_id.as_str(), ());
            let pending = ItemState {
                item_id: item.item_id.clone(),
                result: ItemResult::Pending,
                note: None,
                recorded_by: None,
                recorded_at: None,
                evidence: Vec::new(),
            };
            let replayed = self.items.get(&item.item_id).unwrap_or(&pending);
            diff(&format!("checklist item {}", item.item_id), item, replayed, &mut out);
        }
        for item in self.items.keys().filter(|i| !listed.contains_key(i.as_str())) {
            out.push(format!("checklist item {item} has a result in audit.jsonl but is missing"));
        }

        let mut set_problems = Vec::new();
        let notes: BTreeMap<i64, &Note> = json.notes.iter().map(|n| (n.id, n)).collect();
        compare_sets(
            "note",
            &notes,
            &self.notes,
            |id, said, replayed| diff(&format!("note {id}"), *said, replayed, &mut out),
            &mut set_problems,
        );

        let evidence: BTreeMap<i64, &EvidenceJson> =
            json.evidence.iter().map(|e| (e.evidence.id, e)).collect();
        compare_sets(
            "evidence",
            &evidence,
            &self.evidence,
            |id, said, replayed| {
                diff(&format!("evidence E{id}"), &said.evidence, replayed, &mut out);
                // The same content attached twice is packed once, under its first name.
                let first = self
                    .evidence
                    .values()
                    .find(|e| e.sha256 == replayed.sha256)
                    .unwrap_or(replayed);
                let member = member_of(&first.sha256, &first.original_name);
                if said.pack_member != member {
                    out.push(format!(
                        "evidence E{id} names pack member {:?}, but audit.jsonl's file is {member:?}",
                        said.pack_member
                    ));
                }
            },
            &mut set_problems,
        );
        out.extend(set_problems);

        if let Some(said) = &json.verification.red_flags {
            let mut said: Vec<FlagJson> = said.clone();
            let mut replayed: Vec<FlagJson> = self
                .flags
                .values()
                .map(|(id, open)| FlagJson { id: id.clone(), open: *open })
                .collect();
            said.sort();
            replayed.sort();
            if said != replayed {
                let state = |f: &FlagJson| if f.open { "open" } else { "cleared" };
                let only = |a: &[FlagJson], b: &[FlagJson]| -> Vec<String> {
                    let mut rest = b.to_vec();
                    a.iter()
                        .filter(|f| match rest.iter().position(|g| g == *f) {
                            Some(i) => {
                                rest.remove(i);
                                false
                            }
                            None => true,
                        })
                        .map(|f| format!("{} ({})", f.id, state(f)))
                        .collect()
                };
                out.push(format!(
                    "red flags differ: case.json alone has [{}], audit.jsonl alone has [{}]",
                    only(&said, &replayed).join(", "),
                    only(&replayed, &said).join(", ")
                ));
            }
        }
        if json.audit_chain.records != self.records {
            out.push(format!(
                "counts {} audit records, audit.jsonl has {}",
                json.audit_chain.records, self.records
            ));
        }
        out
    }

    /// Distinct stored files the chain attached: SHA-256 → (size, every original name).
    pub fn attached_files(&self) -> BTreeMap<&str, (u64, Vec<&str>)> {
        let mut files: BTreeMap<&str, (u64, Vec<&str>)> = BTreeMap::new();
        for e in self.evidence.values() {
            let entry = files.entry(e.sha256.as_str()).or_insert((e.size, Vec::new()));
            entry.1.push(e.original_name.as_str());
        }
        files
    }
}

/// Calls `both` for every id in both maps and names ids in only one of them.
fn compare_sets<A, B>(
    what: &str,
    said: &BTreeMap<i64, A>,
    replayed: &BTreeMap<i64, B>,
    mut both: impl FnMut(i64, &A, &B),
    out: &mut Vec<String>,
) {
    for (id, s) in said {
        match replayed.get(id) {
            Some(r) => both(*id, s, r),
            None => out.push(format!("{what} {id} is not recorded in audit.jsonl (added)")),
        }
    }
    for id in replayed.keys().filter(|id| !said.contains_key(id)) {
        out.push(format!("{what} {id} is recorded in audit.jsonl but missing (removed)"));
    }
}

/// Names each top-level field in which `said` differs from `replayed`.
fn diff<T: serde::Serialize>(what: &str, said: &T, replayed: &T, out: &mut Vec<String>) {
    let (Ok(Value::Object(said)), Ok(Value::Object(replayed))) =
        (serde_json::to_value(said), serde_json::to_value(replayed))
    else {
        return;
    };
    for (key, r) in &replayed {
        let s = said.get(key).unwrap_or(&Value::Null);
        if s != r {
            out.push(format!("{what}: {key} is {s}, but audit.jsonl replays to {r}"));
        }
    }
}
