//! Fixtures for the report and pack tests and benchmarks: a case worked the way a real one is
//! (people with non-ASCII names, results with notes and evidence, a decision), generated
//! photographs, the poppler and qpdf tools, and peak-memory readings.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use image::{ImageEncoder, RgbImage};
use tempfile::TempDir;
use vetdesk_core::change::{Change, StoredFile};
use vetdesk_core::evidence::{DecodeLimits, Limits};
use vetdesk_core::model::{
    CandidateFields, CaseKind, CaseStatus, Decision, ItemResult, Priority, Role, Timestamp,
    VendorFields,
};
use vetdesk_core::store::{Clock, DataDir, NewCase, OpenMode, Store};
use vetdesk_core::verification::{DocumentFields, DocumentKind, IdMatch, InterviewFields};
use vetdesk_export::report::ReportOptions;

pub const ADMIN: &str = "ada";
pub const REVIEWER: &str = "rita";
pub const INVESTIGATOR: &str = "ivan";
pub const COMPLIANCE: &str = "cora";

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

pub fn t0() -> Timestamp {
    "2026-11-02T09:00:00.000Z".parse().unwrap()
}

/// When reports are generated in the tests.
pub fn generated_at() -> Timestamp {
    "2026-11-24T16:45:00.000Z".parse().unwrap()
}

pub fn options() -> ReportOptions {
    ReportOptions { generated_at: generated_at(), generated_by: COMPLIANCE.into() }
}

pub fn artifacts(sub: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/artifacts").join(sub);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A photo-like picture: gradients, a document-like card and fine texture, so that JPEG has
/// real work to do (a flat image would be unrealistically small).
pub fn photo(width: u32, height: u32, seed: u32, quality: u8) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| {
        let card = x > width / 6 && x < width * 5 / 6 && y > height / 4 && y < height * 3 / 4;
        // Texture at two scales: fine grain, and patches of 8 px that survive downscaling
        // (a preview of a flat picture would be unrealistically small).
        let hash = |a: u32, b: u32| {
            (a.wrapping_mul(73_856_093)
                ^ b.wrapping_mul(19_349_663)
                ^ seed.wrapping_mul(83_492_791))
            .wrapping_mul(2_654_435_761)
                >> 24
        };
        let noise = hash(x, y) % 40 + hash(x / 8, y / 8) % 48;
        let base: [u32; 3] = if card {
            [226, 222, 208]
        } else {
            [
                40 + (seed * 37 + x * 90 / width) % 160,
                70 + y * 120 / height,
                150 + (x + y) * 60 / (width + height),
            ]
        };
        image::Rgb(base.map(|c| (c + noise).min(255) as u8))
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// The same picture with different bytes: a JPEG comment segment right after the start of
/// image. Every variant is a valid JPEG with its own SHA-256.
pub fn variant(jpeg: &[u8], n: u32) -> Vec<u8> {
    let comment = format!("variant {n}");
    let len = (comment.len() + 2) as u16;
    let mut out = Vec::with_capacity(jpeg.len() + comment.len() + 4);
    out.extend_from_slice(&jpeg[..2]);
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(comment.as_bytes());
    out.extend_from_slice(&jpeg[2..]);
    out
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 160])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A store in a temp dir with a fixed clock, and the four users (names from several scripts).
pub fn store() -> (TempDir, Store) {
    store_in(tempfile::tempdir().unwrap(), "")
}

/// The same in a given directory, with `config` as its `config.toml`.
pub fn store_in(dir: TempDir, config: &str) -> (TempDir, Store) {
    std::fs::write(dir.path().join("config.toml"), config).unwrap();
    let store =
        Store::open(DataDir::new(dir.path()), OpenMode::CreateIfMissing, Clock::fixed(t0()))
            .unwrap();
    let add = |name: &str, display: &str, role| Change::AddUser {
        id: None,
        name: name.into(),
        display_name: display.into(),
        role,
    };
    store.apply(ADMIN, add(ADMIN, "Ada Admin", Role::Admin)).unwrap();
    for (name, display, role) in [
        (REVIEWER, "Rita Rüdiger", Role::Reviewer),
        (INVESTIGATOR, "Иван Петров", Role::Investigator),
        (COMPLIANCE, "Cora Lindqvist-Ødegård", Role::Compliance),
    ] {
        store.apply(ADMIN, add(name, display, role)).unwrap();
    }
    (dir, store)
}

pub fn later(store: &Store, minutes: i64) {
    store.clock().advance(chrono::Duration::minutes(minutes));
}

pub fn open_case(
    store: &Store,
    name: &str,
    external_id: &str,
    vendor: Option<i64>,
    due_on: Option<&str>,
) -> i64 {
    let applied = store
        .add_candidate(
            REVIEWER,
            CandidateFields {
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
            },
            Some(NewCase {
                kind: CaseKind::PreHire,
                assignee: Some(REVIEWER.into()),
                priority: Priority::High,
                due_on: due_on.map(|d| d.parse().unwrap()),
            }),
        )
        .unwrap();
    match &applied[1].change {
        Change::OpenCase { id: Some(id), .. } => *id,
        other => panic!("expected an opened case, got {other:?}"),
    }
}

pub fn vendor(store: &Store, name: &str, last_audit: Option<&str>) -> i64 {
    let applied = store
        .apply(
            COMPLIANCE,
            Change::AddVendor {
                id: None,
                vendor: VendorFields {
                    name: name.into(),
                    contact: "Mette Sørensen, vetting@nordic-talent.example, +45 32 12 34 56"
                        .into(),
                    screening_attested: true,
                    attestation_note: Some(
                        "Attests ID checks to our standard (letter of 2025-01-15)".into(),
                    ),
                    last_audit_on: last_audit.map(|d| d.parse().unwrap()),
                },
            },
        )
        .unwrap();
    match applied.change {
        Change::AddVendor { id: Some(id), .. } => id,
        other => panic!("expected a vendor, got {other:?}"),
    }
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

/// Attaches a large photo without the store's ingest preview (which would decode it once
/// more than the report does): the ingest's decode limits are set below the photo's size.
pub fn attach_photo_quickly(store: &Store, case_id: i64, name: &str, bytes: &[u8]) -> i64 {
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

pub fn record(
    store: &Store,
    actor: &str,
    case_id: i64,
    item: &str,
    result: ItemResult,
    note: Option<&str>,
    evidence: Vec<i64>,
) {
    store
        .apply(
            actor,
            Change::RecordResult {
                case_id,
                item_id: item.into(),
                result,
                note: note.map(Into::into),
                evidence,
            },
        )
        .unwrap();
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
    let (dir, store) = store();
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
            },
        )
        .unwrap();
    Worked { dir, store, case_id, evidence, distinct_images: 3 }
}

/// Runs a tool and returns its standard output; fails the test with its output otherwise.
pub fn tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed (scripts/setup.sh installs it): {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Words separated by single spaces: text as a reader reads it across line ends.
pub fn flowing(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Peak resident memory of this process so far, in KiB (`VmHWM`).
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

/// Runs a command and follows its peak resident memory (`VmHWM` in `/proc/<pid>/status`, which
/// only ever grows) until it exits. Returns whether it succeeded, its output, and the peak in KiB.
pub fn run_measuring_peak(mut cmd: Command) -> (bool, String, u64) {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        let hwm = std::fs::read_to_string(&status_file)
            .ok()
            .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM")).map(str::to_string))
            .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()));
        if let Some(kib) = hwm {
            peak = kib;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    let mut text = String::new();
    for mut pipe in [
        child.stdout.take().map(|p| Box::new(p) as Box<dyn std::io::Read>),
        child.stderr.take().map(|p| Box::new(p) as Box<dyn std::io::Read>),
    ]
    .into_iter()
    .flatten()
    {
        pipe.read_to_string(&mut text).unwrap();
    }
    (status.success(), text, peak)
}
