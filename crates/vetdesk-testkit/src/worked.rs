//! A case worked the way a real one is, for the report and pack tests and benchmarks: people
//! with non-ASCII names, documents and photos attached, results with notes and evidence, a
//! waiver, two notes, an escalation and a rejection with its reason.

use std::path::Path;

use tempfile::TempDir;
use vetdesk_core::change::{Change, Ground, StoredFile};
use vetdesk_core::evidence::{DecodeLimits, Limits};
use vetdesk_core::model::{
    CandidateFields, CaseStatus, Decision, ItemResult, Priority, Timestamp, VendorFields,
};
use vetdesk_core::store::Store;
use vetdesk_core::verification::{DocumentFields, DocumentKind, IdMatch, InterviewFields};
use vetdesk_export::report::ReportOptions;

use crate::images::{photo, png};
use crate::store::{
    COMPLIANCE, INVESTIGATOR, REVIEWER, add_candidate_with_case, add_vendor, later, record,
    team_store,
};

pub const CANDIDATE: &str = "Zoë Ólafsdóttir";
pub const VENDOR: &str = "Nordic Talent Partners ApS";
pub const DECISION_REASON: &str = "Camera refused in both interviews; the ID shown did not match \
                                   the applicant’s face — «see note 2»";
pub const NOTE_1: &str = "Vendor says the laptop should go to a “temporary” address in Łódź.";
pub const NOTE_2: &str =
    "Second interview: audio only again. Иван asked for the ID at the camera; refused.";

/// ICAO Doc 9303 specimen passport (TD3) of Anna Maria Eriksson, Utopia.
pub const TD3_SPECIMEN: &str =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

/// When reports are generated in the tests.
pub fn generated_at() -> Timestamp {
    "2026-11-24T16:45:00.000Z".parse().unwrap()
}

/// Report options as compliance generates them at [`generated_at`].
pub fn options() -> ReportOptions {
    ReportOptions { generated_at: generated_at(), generated_by: COMPLIANCE.into() }
}

/// Opens a pre-hire case for a candidate with every field filled (names in several scripts,
/// a PMB shipping address, a time zone); returns the case id.
pub fn open_case(
    store: &Store,
    name: &str,
    external_id: &str,
    vendor: Option<i64>,
    due_on: Option<&str>,
) -> i64 {
    let candidate = CandidateFields {
        external_id: Some(external_id.into()),
        legal_name: name.into(),
        other_names: vec!["Зоя Олафсдоттир".into()],
        emails: vec!["zoe.olafsdottir@example.com".into()],
        phones: vec!["+1 202 555 0142".into()],
        home_address: Some("1600 Pennsylvania Ave NW, Washington, DC 20500".into()),
        shipping_address: Some("PMB 2211, 44 Commerce St, Dover, DE 19901".into()),
        claimed_location: Some("Washington, DC".into()),
        time_zone: Some("America/New_York".into()),
        role: Some("Senior backend developer".into()),
        vendor_id: vendor,
        applied_on: Some(store.clock().now().date() - chrono::Days::new(5)),
        application_ip: Some("203.0.113.77".into()),
    };
    add_candidate_with_case(store, candidate, Priority::High, due_on.map(|d| d.parse().unwrap()))
}

/// Adds an attested vendor with a full contact line; returns its id.
pub fn vendor(store: &Store, name: &str, last_audit: Option<&str>) -> i64 {
    add_vendor(
        store,
        VendorFields {
            name: name.into(),
            contact: "Mette Sørensen, vetting@nordic-talent.example, +45 32 12 34 56".into(),
            screening_attested: true,
            attestation_note: Some(
                "Attests ID checks to our standard (letter of 2025-01-15)".into(),
            ),
            last_audit_on: last_audit.map(|d| d.parse().unwrap()),
        },
    )
}

/// Attaches `bytes` as a file named `name`; returns the evidence id.
pub fn attach(
    store: &Store,
    dir: &Path,
    case_id: i64,
    name: &str,
    bytes: &[u8],
    item: Option<&str>,
    description: Option<&str>,
) -> i64 {
    let folder = dir.join("incoming");
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join(name);
    std::fs::write(&path, bytes).unwrap();
    let applied = store
        .attach_file(
            REVIEWER,
            case_id,
            &path,
            item.map(Into::into),
            description.map(Into::into),
            &mut |_, _| {},
        )
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    match applied.change {
        Change::AttachEvidence { id: Some(id), .. } => id,
        other => panic!("expected evidence, got {other:?}"),
    }
}

/// Attaches a photo as the app and the CLI do: the evidence store takes it in and makes its
/// preview at ingest (at the size the report prints), and the `AttachEvidence` records the
/// preview's hash, so that a report reads the stored preview instead of decoding the photo.
pub fn attach_photo(store: &Store, case_id: i64, name: &str, bytes: &[u8]) -> i64 {
    let ingested = store
        .files()
        .ingest_reader(&mut &bytes[..], name, &Limits::default(), &mut |_, _| {})
        .unwrap();
    let file = store.stored_file(ingested).unwrap();
    assert!(file.thumbnail_sha256.is_some(), "ingest made and recorded no preview of {name}");
    let applied = store
        .apply(
            REVIEWER,
            Change::AttachEvidence {
                id: None,
                case_id,
                file,
                original_name: name.into(),
                description: None,
                item_id: None,
            },
        )
        .unwrap();
    match applied.change {
        Change::AttachEvidence { id: Some(id), .. } => id,
        other => panic!("expected evidence, got {other:?}"),
    }
}

/// Attaches a photo as evidence recorded before previews were made at ingest and hashed: no
/// preview stored, none recorded (the ingest's decode limits are set below the photo's size).
pub fn attach_photo_unrecorded(store: &Store, case_id: i64, name: &str, bytes: &[u8]) -> i64 {
    let files = store.files().with_decode_limits(DecodeLimits {
        max_side: 16,
        max_alloc: 1,
        max_file_bytes: 1,
    });
    let ingested =
        files.ingest_reader(&mut &bytes[..], name, &Limits::default(), &mut |_, _| {}).unwrap();
    let applied = store
        .apply(
            REVIEWER,
            Change::AttachEvidence {
                id: None,
                case_id,
                file: StoredFile {
                    sha256: ingested.sha256.to_hex(),
                    size: ingested.size,
                    media_type: ingested.media_type,
                    has_thumbnail: false,
                    ingest_note: None,
                    thumbnail_sha256: None,
                },
                original_name: name.into(),
                description: None,
                item_id: None,
            },
        )
        .unwrap();
    match applied.change {
        Change::AttachEvidence { id: Some(id), .. } => id,
        other => panic!("expected evidence, got {other:?}"),
    }
}

/// What the worked case holds, for the tests to look for.
pub struct Worked {
    pub dir: TempDir,
    pub store: Store,
    pub case_id: i64,
    /// (evidence id, name) of every attachment, in order.
    pub evidence: Vec<(i64, String)>,
    /// Image evidence with distinct content (one preview each).
    pub distinct_images: usize,
}

/// A pre-hire case worked over three weeks: documents and photos attached, results recorded
/// (passes, a failure, not applicable, a waiver by compliance), two notes, escalation and a
/// rejection with its reason.
pub fn worked_case() -> Worked {
    let (dir, store) = team_store();
    let vendor_id = vendor(&store, VENDOR, Some("2025-01-15"));
    later(&store, 30);
    let case_id =
        open_case(&store, CANDIDATE, "ATS-2026-0042", Some(vendor_id), Some("2026-11-20"));
    later(&store, 45);
    let passport = photo(1200, 850, 1, 85);
    let mut evidence = Vec::new();
    let mut add = |name: &str, bytes: &[u8], item: Option<&str>, desc: Option<&str>| {
        let id = attach(&store, dir.path(), case_id, name, bytes, item, desc);
        evidence.push((id, name.to_string()));
        later(&store, 3);
        id
    };
    let e_passport = add(
        "passport-data-page.jpg",
        &passport,
        Some("id-two-documents"),
        Some("Passport, data page"),
    );
    let e_licence = add(
        "Führerschein-Vorderseite.png",
        &png(640, 400),
        Some("id-two-documents"),
        Some("Driving licence, front"),
    );
    let e_call = add(
        "video-call-screenshot.jpg",
        &photo(960, 540, 2, 80),
        Some("live-video-interview"),
        None,
    );
    let e_email = add(
        "reference-reply.eml",
        b"From: ref@example.com\r\nSubject: Re: reference\r\n\r\nShe worked with us.\r\n",
        Some("references-independent"),
        None,
    );
    let e_fake = add(
        "scan-of-bill.jpg",
        b"%PDF-1.4 not really an image",
        None,
        Some("Utility bill (as sent)"),
    );
    // The same passport photo sent again by the vendor: one stored file, two records.
    let e_again = add("passport (1).jpg", &passport, None, Some("Resent by the vendor"));
    let _ = (e_fake, e_again);

    // The passport as typed from the scan, with its machine-readable zone: the ICAO specimen,
    // which belongs to someone else and expired long ago.
    store
        .apply(
            REVIEWER,
            Change::RecordDocument {
                id: None,
                case_id,
                document: DocumentFields {
                    kind: DocumentKind::Passport,
                    issuing_country: "UTO".into(),
                    number: "L898902C3".into(),
                    holder_name: CANDIDATE.into(),
                    birth_date: Some("1974-08-12".parse().unwrap()),
                    expiry_date: Some("2012-04-15".parse().unwrap()),
                    mrz: Some(TD3_SPECIMEN.into()),
                    front_evidence: Some(e_passport),
                    back_evidence: None,
                    note: Some("Scan sent by the vendor".into()),
                },
            },
        )
        .unwrap();
    later(&store, 60);
    record(
        &store,
        REVIEWER,
        case_id,
        "reviewer-trained",
        ItemResult::Pass,
        Some("Training record 2026-03"),
        vec![],
    );
    record(
        &store,
        REVIEWER,
        case_id,
        "id-two-documents",
        ItemResult::Pass,
        Some("Passport and licence agree on name and date of birth"),
        vec![e_passport, e_licence],
    );
    later(&store, 90);
    record(
        &store,
        REVIEWER,
        case_id,
        "live-video-interview",
        ItemResult::Fail,
        Some("Camera off throughout; audio only"),
        vec![e_call],
    );
    record(
        &store,
        REVIEWER,
        case_id,
        "references-independent",
        ItemResult::Pass,
        None,
        vec![e_email],
    );
    record(
        &store,
        REVIEWER,
        case_id,
        "drug-test-integrity",
        ItemResult::NotApplicable,
        Some("Not required for this role"),
        vec![],
    );
    later(&store, 24 * 60);
    store.apply(REVIEWER, Change::AddNote { id: None, case_id, text: NOTE_1.into() }).unwrap();
    store
        .apply(
            REVIEWER,
            Change::SetStatus {
                case_id,
                status: CaseStatus::Escalated,
                decision: None,
                reason: "Failed video interview; PMB shipping address".into(),
                grounds: vec![],
                override_reason: None,
            },
        )
        .unwrap();
    later(&store, 2 * 24 * 60);
    store
        .apply(
            INVESTIGATOR,
            Change::RecordInterview {
                id: None,
                case_id,
                interview: InterviewFields {
                    held_on: store.clock().now().date(),
                    started_at: Some(store.clock().now()),
                    interviewer: INVESTIGATOR.into(),
                    camera_on_throughout: false,
                    refused_video: true,
                    audio_only: true,
                    id_match: IdMatch::NotShown,
                    liveness_done: false,
                    location_consistent: Some(false),
                    screenshots: vec![e_call],
                    note: Some("Background noise of a call centre".into()),
                },
            },
        )
        .unwrap();
    store.apply(INVESTIGATOR, Change::AddNote { id: None, case_id, text: NOTE_2.into() }).unwrap();
    record(
        &store,
        COMPLIANCE,
        case_id,
        "interview-recording-disallowed",
        ItemResult::Waived,
        Some("Recording not permitted under local law; waived by compliance"),
        vec![],
    );
    later(&store, 60);
    store
        .apply(
            INVESTIGATOR,
            Change::SetStatus {
                case_id,
                status: CaseStatus::Decided,
                decision: Some(Decision::Rejected),
                reason: DECISION_REASON.into(),
                grounds: vec![Ground::Item("live-video-interview".into())],
                override_reason: None,
            },
        )
        .unwrap();
    Worked { dir, store, case_id, evidence, distinct_images: 3 }
}
