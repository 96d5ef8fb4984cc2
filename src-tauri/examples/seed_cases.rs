//! Fills a data directory with a realistic queue for the UI benchmark (`make bench-ui`): the
//! four users of the test fixtures, a few vendors, N candidates imported from a generated CSV
//! file through the core's importer (one case each), and then a spread of assignees,
//! priorities, due dates, statuses and checklist results, all applied through the store like
//! any other change.
//!
//! Usage: `cargo run -p vetdesk-app --example seed_cases -- DATA_DIR [COUNT]`

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Instant;

use vetdesk_core::change::{Change, Ground};
use vetdesk_core::import::parse_candidates_csv;
use vetdesk_core::model::{CaseStatus, Decision, ItemResult, Priority, VendorFields};
use vetdesk_core::store::{Clock, DataDir, OpenMode};
use vetdesk_core::{Store, StoreError};

const FIRST: &[&str] = &[
    "Anna", "Jonas", "Mei", "Daniel", "Sofia", "Kwame", "Lena", "Arjun", "Zoë", "Mateo", "Aiko",
    "Omar", "Ingrid", "Chen", "Priya", "Lucas", "Amara", "Nikolai", "Fatima", "Diego",
];
const LAST: &[&str] = &[
    "Eriksson",
    "Berg",
    "Chen",
    "Okafor",
    "Rossi",
    "Mensah",
    "Fischer",
    "Patel",
    "Ólafsdóttir",
    "García",
    "Tanaka",
    "Haddad",
    "Larsen",
    "Wang",
    "Nair",
    "Moreau",
    "Diallo",
    "Petrov",
    "Khan",
    "Herrera",
];
const VENDORS: &[&str] =
    &["Acme Staffing", "Brightpath Talent", "Northwind Contractors", "Globex Remote"];
const ROLES: &[&str] =
    &["Backend engineer", "Frontend developer", "Data engineer", "DevOps engineer", "QA analyst"];
const ASSIGNEES: &[&str] = &["rita", "ivan", "cora"];
/// Changes applied per transaction: large enough to be quick, small enough to show progress.
const BATCH: usize = 2000;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: seed_cases DATA_DIR [COUNT]");
        return ExitCode::from(2);
    };
    let count = match args.next().map(|c| c.parse::<usize>()) {
        None => 10_000,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("COUNT must be a positive number");
            return ExitCode::from(2);
        }
    };
    match seed(&dir, count) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("seed_cases: {error}");
            ExitCode::FAILURE
        }
    }
}

fn seed(dir: &str, count: usize) -> Result<(), StoreError> {
    let started = Instant::now();
    let store = Store::open(DataDir::new(dir), OpenMode::CreateIfMissing, Clock::system())?;
    // The four users every test and walk-through knows (ada, rita, ivan, cora).
    vetdesk_testkit::add_team(&store);
    let vendors = VENDORS
        .iter()
        .map(|name| Change::AddVendor {
            id: None,
            vendor: VendorFields { name: (*name).into(), ..VendorFields::default() },
        })
        .collect();
    store.apply_all("cora", vendors)?;

    let mut csv = String::from("external_id,full_name,email,phone,vendor,role,applied_on\n");
    for i in 0..count {
        let first = FIRST[i % FIRST.len()];
        let last = LAST[(i / FIRST.len()) % LAST.len()];
        let vendor = if i % 3 == 0 { "" } else { VENDORS[i % VENDORS.len()] };
        let _ = writeln!(
            csv,
            "ATS-{:06},{first} {last},{}.{}{i}@example.com,+1 312 555 {:04},{vendor},{},2026-{:02}-{:02}",
            i + 1,
            ascii(first),
            ascii(last),
            i % 10_000,
            ROLES[i % ROLES.len()],
            1 + i % 10,
            1 + i % 28,
        );
    }
    let file = parse_candidates_csv(csv.as_bytes())
        .map_err(|e| StoreError::Invalid { field: None, message: e.to_string() })?;
    let outcome = store.import_candidates("rita", &file, true)?;
    let cases: Vec<i64> = outcome.created.iter().filter_map(|r| r.case_id).collect();
    eprintln!("imported {} candidates with cases in {:.1?}", cases.len(), started.elapsed());

    // The working state of a real queue: most cases assigned, some urgent or due, a share in
    // review, escalated or decided, and checklists partly worked.
    let mut changes: Vec<(&str, Change)> = Vec::new();
    for (n, &case_id) in cases.iter().enumerate() {
        if n % 5 != 4 {
            let assignee = Some(ASSIGNEES[n % ASSIGNEES.len()].to_string());
            changes.push(("ada", Change::AssignCase { case_id, assignee }));
        }
        if n % 7 == 0 {
            let priority = if n % 14 == 0 { Priority::Urgent } else { Priority::High };
            changes.push(("ada", Change::SetPriority { case_id, priority }));
        }
        if n % 4 == 0 {
            let due_on = chrono::NaiveDate::from_ymd_opt(2026, 1 + (n % 12) as u32, 15);
            changes.push(("ada", Change::SetDueDate { case_id, due_on }));
        }
        for (k, item) in
            ["reviewer-trained", "id-two-documents", "application-consistency"].iter().enumerate()
        {
            // A decided case (n % 10 of 8 or 9) rests on a failed item it cites.
            let decided = n % 10 >= 8;
            if n % (k + 2) == 0 || (decided && k == 2) {
                let result = if (n % 11 == 0 || decided) && k == 2 {
                    ItemResult::Fail
                } else {
                    ItemResult::Pass
                };
                changes.push((
                    "rita",
                    Change::RecordResult {
                        case_id,
                        item_id: (*item).into(),
                        result,
                        note: None,
                        evidence: vec![],
                    },
                ));
            }
        }
        let status = match n % 10 {
            0..=3 => None,
            4..=6 => Some((CaseStatus::InReview, None)),
            7 => Some((CaseStatus::Escalated, None)),
            8 => Some((CaseStatus::Decided, Some(Decision::Rejected))),
            _ => Some((CaseStatus::Decided, Some(Decision::Referred))),
        };
        if let Some((status, decision)) = status {
            let reason = "benchmark data".to_string();
            changes.push((
                "ivan",
                Change::SetStatus {
                    case_id,
                    status,
                    decision,
                    reason,
                    grounds: match decision {
                        Some(_) => vec![Ground::Item("application-consistency".into())],
                        None => vec![],
                    },
                    override_reason: None,
                },
            ));
        }
    }
    let total = changes.len();
    // One actor at a time (admin, reviewer, investigator), in transactions of BATCH changes.
    for actor in ["ada", "rita", "ivan"] {
        let mine: Vec<Change> =
            changes.iter().filter(|(a, _)| *a == actor).map(|(_, c)| c.clone()).collect();
        for batch in mine.chunks(BATCH) {
            store.apply_all(actor, batch.to_vec())?;
        }
    }
    eprintln!("applied {total} more changes; {:.1?} in all", started.elapsed());
    Ok(())
}

/// An email local part from a name: lower case, accents dropped (an address must be ASCII
/// unless its domain is written in its xn-- form).
fn ascii(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'ä' | 'â' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' | 'õ' | 'ø' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            other => other,
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}
