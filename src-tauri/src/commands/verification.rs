//! Verification records of a case (identity documents, interviews, reachable hours, E-Verify,
//! references, payment details, observed IPs) and audits of staffing vendors: what the case
//! view shows and the live MRZ check. Records are written with `apply` (`commands::changes`),
//! except payment details, whose typed numbers only the store may see and mask.

use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;
use vetdesk_core::Store;
use vetdesk_core::change::Change;
use vetdesk_core::checks::mrz::{self, MrzReport};
use vetdesk_core::model::CaseId;
use vetdesk_core::store::CaseVerification;
use vetdesk_core::verification::{PaymentInput, VendorAuditStatus};

use super::changes::Recorded;
use crate::commands::cases::CaseRef;
use crate::error::AppError;
use crate::state::AppState;

/// The longest text `mrz_check` reads: a zone has at most 90 characters (TD1), and a paste
/// with blank lines and spaces around it stays far below this.
pub const MAX_MRZ_TEXT: usize = 2_000;

/// The MRZ as typed so far: read, or why it cannot be read yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum MrzChecked {
    /// Read as a zone: every field and check digit, passed or not.
    Read { report: Box<MrzReport> },
    /// Not (yet) a zone: wrong number or length of lines, characters outside A-Z, 0-9 and `<`.
    Unreadable { message: String },
}

/// Payment details as recorded: only the masks come back.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PaymentRecorded {
    pub recorded: Recorded,
    pub routing_masked: String,
    pub account_masked: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct MrzCheck {
    pub text: String,
}

/// Bank details as typed. The numbers go straight into `PaymentInput`, which the store masks
/// and hashes; they are never stored, logged or sent back. `Debug` hides them (as
/// `PaymentInput`'s does), so no log line or panic message can print them.
#[derive(Clone, Deserialize, TS)]
pub struct PaymentEntry {
    pub case_id: CaseId,
    pub routing_number: String,
    pub account_number: String,
    pub bank_name: Option<String>,
    pub account_holder: Option<String>,
    pub note: Option<String>,
}

impl std::fmt::Debug for PaymentEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymentEntry")
            .field("case_id", &self.case_id)
            .field("routing_number", &"<hidden>")
            .field("account_number", &"<hidden>")
            .finish_non_exhaustive()
    }
}

// ---- bodies, callable without a window (tests) ----

pub fn check_mrz(store: &Store, request: &MrzCheck) -> MrzChecked {
    let length = request.text.chars().count();
    if length > MAX_MRZ_TEXT {
        return MrzChecked::Unreadable {
            message: format!(
                "{length} characters pasted; a machine-readable zone has at most 90 (3 lines of 30)"
            ),
        };
    }
    // The store's clock: two-digit years are placed as the store will place them on saving.
    match mrz::parse(&request.text, store.clock().now().date()) {
        Ok(report) => MrzChecked::Read { report: Box::new(report) },
        Err(error) => MrzChecked::Unreadable { message: error.to_string() },
    }
}

/// The numbers end in `Store::record_payment`; what comes back is built only from the change
/// as recorded, which holds the masks and never the numbers.
pub fn record_payment(
    store: &Store,
    actor: &str,
    entry: PaymentEntry,
) -> Result<PaymentRecorded, AppError> {
    let PaymentEntry { case_id, routing_number, account_number, bank_name, account_holder, note } =
        entry;
    let input = PaymentInput { routing_number, account_number, bank_name, account_holder, note };
    let applied = store.record_payment(actor, case_id, &input)?;
    drop(input);
    let Change::RecordPayment { payment, .. } = &applied.change else {
        return Err(AppError::internal("the payment was recorded as another kind of change"));
    };
    Ok(PaymentRecorded {
        routing_masked: payment.routing_masked.clone(),
        account_masked: payment.account_masked.clone(),
        recorded: Recorded::of(&applied),
    })
}

/// Where every vendor stands with its audits today.
pub fn vendor_audit_statuses(store: &Store) -> Result<Vec<VendorAuditStatus>, AppError> {
    let mut out = Vec::new();
    for vendor in store.vendors()? {
        out.push(store.vendor_audit_status(vendor.id)?);
    }
    Ok(out)
}

// ---- commands ----

/// Everything verification knows about a case: records with their checks, deadlines, list
/// hits, the vendor's audit standing, flags and links.
#[tauri::command]
pub async fn case_verification(
    state: State<'_, AppState>,
    request: CaseRef,
) -> Result<CaseVerification, AppError> {
    state.read(move |s| Ok(s.case_verification(request.case_id)?)).await
}

/// Reads and checks an MRZ as it is typed. Pure and fast (microseconds), so it runs inline.
#[tauri::command]
pub async fn mrz_check(
    state: State<'_, AppState>,
    request: MrzCheck,
) -> Result<MrzChecked, AppError> {
    Ok(check_mrz(&state.store, &request))
}

#[tauri::command]
pub async fn payment_record(
    state: State<'_, AppState>,
    request: PaymentEntry,
) -> Result<PaymentRecorded, AppError> {
    state.write(move |s, actor| record_payment(s, actor, request)).await
}

#[tauri::command]
pub async fn vendor_audits(state: State<'_, AppState>) -> Result<Vec<VendorAuditStatus>, AppError> {
    state.read(vendor_audit_statuses).await
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::commands::changes::record;
    use chrono::NaiveDate;
    use vetdesk_core::model::{ItemResult, VendorId};
    use vetdesk_core::verification::{
        AuditOutcome, DocumentFields, DocumentId, DocumentKind, EVerifyFields, EVerifyId,
        EVerifyStatus, IdMatch, InterviewFields, IpContext, ObservedIpFields, ReachableHours,
        ReferenceFields, ReferenceId, Severity,
    };

    /// The ICAO specimen passport with a future expiry and every check digit right.
    const GOOD_MRZ: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n\
                            L898902C36UTO7408122F3404159ZE184226B<<<<<16";
    /// The same with the date-of-birth check digit changed from 2 to 3.
    const BAD_MRZ: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n\
                           L898902C36UTO7408123F3404159ZE184226B<<<<<16";
    const ROUTING: &str = "021000021";
    const ACCOUNT: &str = "000123456789";

    pub(crate) struct Fixture {
        pub dir: tempfile::TempDir,
        pub store: Store,
        pub case_id: CaseId,
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    // What each form sends, as the `Change` it builds and the user acting: each goes through
    // `apply`'s body (`changes::record`) as the page's change does.

    pub(crate) struct DocumentSave {
        actor: String,
        case_id: CaseId,
        id: Option<DocumentId>,
        document: DocumentFields,
    }

    fn save_document(store: &Store, r: DocumentSave) -> Result<Recorded, AppError> {
        let change = match r.id {
            None => Change::RecordDocument { id: None, case_id: r.case_id, document: r.document },
            Some(id) => Change::UpdateDocument { id, case_id: r.case_id, document: r.document },
        };
        record(store, &r.actor, change)
    }

    pub(crate) struct InterviewRecord {
        actor: String,
        case_id: CaseId,
        interview: InterviewFields,
    }

    fn record_interview(store: &Store, r: InterviewRecord) -> Result<Recorded, AppError> {
        let change =
            Change::RecordInterview { id: None, case_id: r.case_id, interview: r.interview };
        record(store, &r.actor, change)
    }

    struct ReachableHoursSet {
        actor: String,
        case_id: CaseId,
        hours: Option<ReachableHours>,
    }

    fn set_reachable_hours(store: &Store, r: ReachableHoursSet) -> Result<Recorded, AppError> {
        record(store, &r.actor, Change::SetReachableHours { case_id: r.case_id, hours: r.hours })
    }

    #[derive(Clone)]
    struct EVerifySave {
        actor: String,
        case_id: CaseId,
        id: Option<EVerifyId>,
        everify: EVerifyFields,
    }

    fn save_everify(store: &Store, r: EVerifySave) -> Result<Recorded, AppError> {
        let change = match r.id {
            None => Change::RecordEVerify { id: None, case_id: r.case_id, everify: r.everify },
            Some(id) => Change::UpdateEVerify { id, case_id: r.case_id, everify: r.everify },
        };
        record(store, &r.actor, change)
    }

    struct ReferenceSave {
        actor: String,
        case_id: CaseId,
        id: Option<ReferenceId>,
        reference: ReferenceFields,
    }

    fn save_reference(store: &Store, r: ReferenceSave) -> Result<Recorded, AppError> {
        let change = match r.id {
            None => Change::AddReference { id: None, case_id: r.case_id, reference: r.reference },
            Some(id) => Change::UpdateReference { id, case_id: r.case_id, reference: r.reference },
        };
        record(store, &r.actor, change)
    }

    pub(crate) struct ObservedIpRecord {
        pub(crate) actor: String,
        pub(crate) case_id: CaseId,
        pub(crate) observed: ObservedIpFields,
    }

    pub(crate) fn record_observed_ip(
        store: &Store,
        r: ObservedIpRecord,
    ) -> Result<Recorded, AppError> {
        let change =
            Change::RecordObservedIp { id: None, case_id: r.case_id, observed: r.observed };
        record(store, &r.actor, change)
    }

    struct VendorAuditRecord {
        actor: String,
        vendor_id: VendorId,
        audited_on: NaiveDate,
        outcome: AuditOutcome,
        note: Option<String>,
    }

    fn record_vendor_audit(store: &Store, r: VendorAuditRecord) -> Result<Recorded, AppError> {
        let change = Change::RecordVendorAudit {
            id: None,
            vendor_id: r.vendor_id,
            audited_on: r.audited_on,
            outcome: r.outcome,
            note: r.note,
            next_due: None,
        };
        record(store, &r.actor, change)
    }

    /// A store at 2026-11-02 09:00 UTC with the four users and one candidate's case.
    pub(crate) fn fixture() -> Fixture {
        let (dir, store) = vetdesk_testkit::team_store();
        let case_id = vetdesk_testkit::case_for(&store, "Anna Maria Eriksson");
        Fixture { dir, store, case_id }
    }

    fn document(case: &Fixture) -> DocumentSave {
        DocumentSave {
            actor: "rita".into(),
            case_id: case.case_id,
            id: None,
            document: DocumentFields {
                kind: DocumentKind::Passport,
                issuing_country: "UTO".into(),
                number: "L898902C3".into(),
                holder_name: "Anna Maria Eriksson".into(),
                birth_date: Some(day("1974-08-12")),
                expiry_date: Some(day("2034-04-15")),
                mrz: Some(GOOD_MRZ.into()),
                front_evidence: None,
                back_evidence: None,
                note: None,
            },
        }
    }

    fn interview(case: &Fixture) -> InterviewRecord {
        InterviewRecord {
            actor: "rita".into(),
            case_id: case.case_id,
            interview: InterviewFields {
                held_on: day("2026-10-30"),
                started_at: None,
                interviewer: "rita".into(),
                camera_on_throughout: true,
                refused_video: false,
                audio_only: false,
                id_match: IdMatch::Yes,
                liveness_done: true,
                location_consistent: Some(true),
                screenshots: vec![],
                note: None,
            },
        }
    }

    fn everify(case: &Fixture) -> EVerifySave {
        EVerifySave {
            actor: "rita".into(),
            case_id: case.case_id,
            id: None,
            everify: EVerifyFields {
                case_number: "2026301123456AB".into(),
                created_on: day("2026-10-26"),
                status: EVerifyStatus::TentativeNonconfirmation,
                agency: Some(vetdesk_core::verification::MismatchAgency::Ssa),
                mismatch_on: Some(day("2026-10-26")),
                notice_given_on: None,
                decision_recorded_on: None,
                employee_contests: None,
                referred_on: None,
                agency_contacted_on: None,
                continuance_since: None,
                followed_up_on: None,
                evidence: vec![],
                note: None,
            },
        }
    }

    fn reference(case: &Fixture) -> ReferenceSave {
        ReferenceSave {
            actor: "rita".into(),
            case_id: case.case_id,
            id: None,
            reference: ReferenceFields {
                name: "Lars Holm".into(),
                email: Some("lars.holm@example.com".into()),
                phone: Some("+1 312 555 0188".into()),
                relationship: "former manager".into(),
                company: Some("Nordic Widgets".into()),
                note: None,
            },
        }
    }

    fn payment(case: &Fixture) -> PaymentEntry {
        PaymentEntry {
            case_id: case.case_id,
            routing_number: ROUTING.into(),
            account_number: ACCOUNT.into(),
            bank_name: Some("First Example Bank".into()),
            account_holder: None,
            note: None,
        }
    }

    fn observed(case: &Fixture) -> ObservedIpRecord {
        ObservedIpRecord {
            actor: "rita".into(),
            case_id: case.case_id,
            observed: ObservedIpFields {
                ip: "198.51.100.7".into(),
                seen_at: "2026-11-01T15:00:00.000Z".parse().unwrap(),
                context: IpContext::Interview,
                note: None,
            },
        }
    }

    fn pass(case: &Fixture, item: &str) {
        let change = Change::RecordResult {
            case_id: case.case_id,
            item_id: item.into(),
            result: ItemResult::Pass,
            note: None,
            evidence: vec![],
        };
        case.store.apply("rita", change).unwrap();
    }

    type Attempt = fn(&Fixture) -> Result<(), AppError>;

    /// One bad value per field of every form, through the real store: each refusal must name
    /// the field it is about, as the request names it.
    #[test]
    fn refusals_of_the_store_are_pinned_to_the_field_they_are_about() {
        #[rustfmt::skip]
        let cases: &[(&str, Attempt)] = &[
            ("issuing_country", |f| { let mut r = document(f); r.document.issuing_country = "U2".into(); save_document(&f.store, r).map(drop) }),
            ("number", |f| { let mut r = document(f); r.document.number = " ".into(); save_document(&f.store, r).map(drop) }),
            ("holder_name", |f| { let mut r = document(f); r.document.holder_name = String::new(); save_document(&f.store, r).map(drop) }),
            ("birth_date", |f| { let mut r = document(f); r.document.birth_date = Some(day("2027-01-01")); save_document(&f.store, r).map(drop) }),
            ("expiry_date", |f| { let mut r = document(f); r.document.expiry_date = Some(day("1970-01-01")); save_document(&f.store, r).map(drop) }),
            ("mrz", |f| { let mut r = document(f); r.document.mrz = Some("P<UTO".into()); save_document(&f.store, r).map(drop) }),
            ("evidence", |f| { let mut r = document(f); r.document.front_evidence = Some(99); save_document(&f.store, r).map(drop) }),
            ("held_on", |f| { let mut r = interview(f); r.interview.held_on = day("2026-12-01"); record_interview(&f.store, r).map(drop) }),
            ("started_at", |f| { let mut r = interview(f); r.interview.started_at = Some("2026-10-01T10:00:00.000Z".parse().unwrap()); record_interview(&f.store, r).map(drop) }),
            ("camera_on_throughout", |f| { let mut r = interview(f); r.interview.refused_video = true; record_interview(&f.store, r).map(drop) }),
            ("interviewer", |f| { let mut r = interview(f); r.interview.interviewer = " ".into(); record_interview(&f.store, r).map(drop) }),
            ("screenshots", |f| { let mut r = interview(f); r.interview.screenshots = vec![42]; record_interview(&f.store, r).map(drop) }),
            ("time_zone", |f| set_reachable_hours(&f.store, ReachableHoursSet { actor: "rita".into(), case_id: f.case_id, hours: Some(ReachableHours { from: "09:00:00".parse().unwrap(), to: "17:00:00".parse().unwrap(), time_zone: "Chicago".into() }) }).map(drop)),
            ("to", |f| set_reachable_hours(&f.store, ReachableHoursSet { actor: "rita".into(), case_id: f.case_id, hours: Some(ReachableHours { from: "09:00:00".parse().unwrap(), to: "09:00:00".parse().unwrap(), time_zone: "America/Chicago".into() }) }).map(drop)),
            ("prerequisites", |f| save_everify(&f.store, everify(f)).map(drop)),
            ("case_number", |f| { pass(f, "offer-accepted"); pass(f, "form-i9-complete"); let mut r = everify(f); r.everify.case_number = "12/34".into(); save_everify(&f.store, r).map(drop) }),
            ("agency", |f| { pass(f, "offer-accepted"); pass(f, "form-i9-complete"); let mut r = everify(f); r.everify.agency = None; save_everify(&f.store, r).map(drop) }),
            ("mismatch_on", |f| { pass(f, "offer-accepted"); pass(f, "form-i9-complete"); let mut r = everify(f); r.everify.mismatch_on = None; save_everify(&f.store, r).map(drop) }),
            ("notice_given_on", |f| { pass(f, "offer-accepted"); pass(f, "form-i9-complete"); let mut r = everify(f); r.everify.notice_given_on = Some(day("2026-12-24")); save_everify(&f.store, r).map(drop) }),
            ("continuance_since", |f| { pass(f, "offer-accepted"); pass(f, "form-i9-complete"); let mut r = everify(f); r.everify.status = EVerifyStatus::CaseInContinuance; save_everify(&f.store, r).map(drop) }),
            ("employee_contests", |f| { pass(f, "offer-accepted"); pass(f, "form-i9-complete"); let mut r = everify(f); r.everify.employee_contests = Some(false); r.everify.referred_on = Some(day("2026-10-28")); save_everify(&f.store, r).map(drop) }),
            ("name", |f| { let mut r = reference(f); r.reference.name = " ".into(); save_reference(&f.store, r).map(drop) }),
            ("email", |f| { let mut r = reference(f); r.reference.email = Some("not an email".into()); save_reference(&f.store, r).map(drop) }),
            ("phone", |f| { let mut r = reference(f); r.reference.phone = Some("12".into()); save_reference(&f.store, r).map(drop) }),
            ("relationship", |f| { let mut r = reference(f); r.reference.relationship = String::new(); save_reference(&f.store, r).map(drop) }),
            ("company", |f| { let mut r = reference(f); r.reference.company = Some("x".repeat(301)); save_reference(&f.store, r).map(drop) }),
            ("routing_number", |f| { let mut r = payment(f); r.routing_number = "021000022".into(); record_payment(&f.store, "rita", r).map(drop) }),
            ("account_number", |f| { let mut r = payment(f); r.account_number = "12".into(); record_payment(&f.store, "rita", r).map(drop) }),
            ("bank_name", |f| { let mut r = payment(f); r.bank_name = Some("x".repeat(201)); record_payment(&f.store, "rita", r).map(drop) }),
            ("ip", |f| { let mut r = observed(f); r.observed.ip = "300.1.2.3".into(); record_observed_ip(&f.store, r).map(drop) }),
            ("seen_at", |f| { let mut r = observed(f); r.observed.seen_at = "2027-01-01T00:00:00.000Z".parse().unwrap(); record_observed_ip(&f.store, r).map(drop) }),
            ("note", |f| { let mut r = observed(f); r.observed.note = Some("x".repeat(1001)); record_observed_ip(&f.store, r).map(drop) }),
        ];
        for (field, attempt) in cases {
            let f = fixture();
            let error = attempt(&f).expect_err(field);
            assert_eq!(error.field.as_deref(), Some(*field), "{field}: {error}");
        }
        // And the good values of each form go in.
        let f = fixture();
        save_document(&f.store, document(&f)).unwrap();
        record_interview(&f.store, interview(&f)).unwrap();
        save_reference(&f.store, reference(&f)).unwrap();
        record_payment(&f.store, "rita", payment(&f)).unwrap();
        record_observed_ip(&f.store, observed(&f)).unwrap();
        pass(&f, "offer-accepted");
        pass(&f, "form-i9-complete");
        save_everify(&f.store, everify(&f)).unwrap();
    }

    #[test]
    fn e_verify_before_the_offer_and_form_i9_is_refused_with_both_items_named() {
        let f = fixture();
        let error = save_everify(&f.store, everify(&f)).unwrap_err();
        assert_eq!(error.code, crate::error::ErrorCode::Conflict);
        assert_eq!(error.field.as_deref(), Some("prerequisites"));
        assert!(error.message.contains("offer-accepted (pending)"), "{error}");
        assert!(error.message.contains("form-i9-complete (pending)"), "{error}");
        pass(&f, "offer-accepted");
        let error = save_everify(&f.store, everify(&f)).unwrap_err();
        assert!(!error.message.contains("offer-accepted"), "{error}");
        assert!(error.message.contains("form-i9-complete (pending)"), "{error}");
        pass(&f, "form-i9-complete");
        let saved = save_everify(&f.store, everify(&f)).unwrap();
        // Corrected through the same command: the new date of the notice.
        let mut update = everify(&f);
        update.id = saved.id;
        update.everify.notice_given_on = Some(day("2026-10-27"));
        assert_eq!(save_everify(&f.store, update).unwrap().id, saved.id);
        let v = f.store.case_verification(f.case_id).unwrap();
        assert_eq!(v.everify.len(), 1);
        assert_eq!(v.everify[0].everify.fields.notice_given_on, Some(day("2026-10-27")));
    }

    /// The numbers go in once and are nowhere afterwards: not in the answer, not in a refusal,
    /// not in `Debug`, not in any file of the data directory (database, log, journal).
    #[test]
    fn the_payment_command_never_echoes_the_numbers() {
        let f = fixture();
        let entry = payment(&f);
        let debug = format!("{entry:?}");
        assert!(!debug.contains(ROUTING) && !debug.contains("123456789"), "{debug}");

        let recorded = record_payment(&f.store, "rita", entry).unwrap();
        assert_eq!(recorded.routing_masked, "•••••0021");
        assert_eq!(recorded.account_masked, "••••••••6789");
        let answer = serde_json::to_string(&recorded).unwrap();
        for secret in [ROUTING, ACCOUNT, "123456789", "0123456"] {
            assert!(!answer.contains(secret), "{secret} in {answer}");
        }
        assert!(recorded.recorded.id.is_some());

        // A refusal names the field, never the number.
        let mut bad = payment(&f);
        bad.routing_number = "021000022".into();
        let error = record_payment(&f.store, "rita", bad).unwrap_err();
        assert!(!error.message.contains("021000022"), "{error}");
        assert_eq!(error.field.as_deref(), Some("routing_number"));

        // The case view shows the masks only.
        let v = f.store.case_verification(f.case_id).unwrap();
        let view = serde_json::to_string(&v.payments).unwrap();
        assert!(!view.contains("123456789") && !view.contains(ROUTING), "{view}");

        drop(f.store);
        for entry in walk(f.dir.path()) {
            let bytes = std::fs::read(&entry).unwrap();
            for secret in [ROUTING.as_bytes(), b"123456789"] {
                assert!(
                    !bytes.windows(secret.len()).any(|w| w == secret),
                    "{} holds a bank number",
                    entry.display()
                );
            }
        }
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
        }
        out
    }

    #[test]
    fn the_live_mrz_check_reads_every_field_and_names_a_failing_check_digit() {
        let f = fixture();
        let check = |text: &str| check_mrz(&f.store, &MrzCheck { text: text.into() });
        let MrzChecked::Read { report } = check(GOOD_MRZ) else { panic!() };
        assert!(report.valid, "{:?}", report.problems);
        assert_eq!(report.document_number, "L898902C3");
        assert_eq!(report.birth_date.date, Some(day("1974-08-12")));
        assert_eq!(report.expiry_date.date, Some(day("2034-04-15")));
        assert_eq!(report.check_digits.len(), 5);

        let MrzChecked::Read { report } = check(BAD_MRZ) else { panic!() };
        assert!(!report.valid);
        let failed: Vec<&str> = report.failed_checks().map(|c| c.field.as_str()).collect();
        assert_eq!(failed, ["birth_date", "composite"]);

        // Half typed: what is missing is said, not an error.
        for (text, says) in [
            ("", "empty"),
            ("P<UTOERIKSSON<<ANNA", "1 line of 19 characters"),
            (
                "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F34041",
                "TD3 expects 44",
            ),
            ("p<uto$", "not allowed"),
        ] {
            let MrzChecked::Unreadable { message } = check(text) else { panic!("{text}") };
            assert!(message.contains(says), "{text}: {message}");
        }
        let MrzChecked::Unreadable { message } = check(&"<".repeat(MAX_MRZ_TEXT + 1)) else {
            panic!()
        };
        assert!(message.contains("at most 90"), "{message}");
    }

    /// What the store's rules raised comes back with the write, so the form can say it.
    #[test]
    fn a_write_answers_with_the_flags_it_raised() {
        let f = fixture();
        let mut bad = document(&f);
        bad.document.mrz = Some(BAD_MRZ.into());
        let recorded = save_document(&f.store, bad).unwrap();
        let rules: Vec<&str> = recorded.raised.iter().map(|r| r.rule.as_str()).collect();
        assert!(rules.contains(&"document.mrz_check_failed"), "{rules:?}");
        assert!(recorded.raised.iter().all(|r| r.case_id == f.case_id));

        // Correcting the MRZ clears that flag.
        let mut fixed = document(&f);
        fixed.id = recorded.id;
        let corrected = save_document(&f.store, fixed).unwrap();
        assert_eq!(corrected.id, recorded.id);
        assert!(corrected.cleared >= 1, "{corrected:?}");
        let open = f.store.flags(f.case_id).unwrap().open;
        assert!(open.iter().all(|x| x.fields.rule != "document.mrz_check_failed"));

        let mut refused = interview(&f);
        refused.interview.refused_video = true;
        refused.interview.camera_on_throughout = false;
        let recorded = record_interview(&f.store, refused).unwrap();
        let rules: Vec<&str> = recorded.raised.iter().map(|r| r.rule.as_str()).collect();
        assert_eq!(rules, ["interview.video_refused"]);
        assert_eq!(recorded.raised[0].severity, Severity::High);
    }

    #[test]
    fn vendor_audits_are_recorded_by_compliance_and_show_when_the_next_is_due() {
        let f = fixture();
        let vendor =
            vetdesk_core::model::VendorFields { name: "Acme".into(), ..Default::default() };
        let added = f.store.apply("ada", Change::AddVendor { id: None, vendor }).unwrap();
        let Change::AddVendor { id: Some(vendor_id), .. } = added.change else { panic!() };
        let audit = |actor: &str, on: &str| VendorAuditRecord {
            actor: actor.into(),
            vendor_id,
            audited_on: day(on),
            outcome: AuditOutcome::Satisfactory,
            note: None,
        };
        let error = record_vendor_audit(&f.store, audit("rita", "2025-06-30")).unwrap_err();
        assert_eq!(error.code, crate::error::ErrorCode::PermissionDenied);
        let error = record_vendor_audit(&f.store, audit("ada", "2027-01-01")).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("audited_on"));
        let mut unknown = audit("ada", "2025-06-30");
        unknown.vendor_id = 99;
        assert_eq!(
            record_vendor_audit(&f.store, unknown).unwrap_err().field.as_deref(),
            Some("vendor_id")
        );

        record_vendor_audit(&f.store, audit("ada", "2025-06-30")).unwrap();
        let statuses = vendor_audit_statuses(&f.store).unwrap();
        assert_eq!(statuses.len(), 1);
        assert_eq!(statuses[0].next_due, Some(day("2026-06-30")));
        assert!(statuses[0].overdue);
        record_vendor_audit(&f.store, audit("ada", "2026-10-01")).unwrap();
        let statuses = vendor_audit_statuses(&f.store).unwrap();
        assert_eq!(statuses[0].next_due, Some(day("2027-10-01")));
        assert!(!statuses[0].overdue);
    }
}
