//! Access requests: `vetdesk person export` as a whole process writes one ZIP holding
//! everything about the person (read back: person.json, the evidence files byte for byte, and
//! summary.pdf through pdftotext), records the export in the chain, and is refused to a
//! reviewer.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;

use vetdesk_testkit::cli::{Cli, init_team};
use vetdesk_testkit::tool;

fn member(zip: &mut zip::ZipArchive<std::fs::File>, name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    zip.by_name(name).unwrap().read_to_end(&mut out).unwrap();
    out
}

#[test]
fn a_person_export_holds_everything_and_reads_back() {
    let cli = Cli::new();
    init_team(&cli);
    cli.ok(
        Some("rita"),
        &[
            "candidate",
            "add",
            "--name",
            "Ada Export",
            "--email",
            "ada.export@example.org",
            "--phone",
            "+1 415 555 0142",
        ],
    );
    cli.ok(Some("rita"), &["note", "add", "1", "She asked for a copy of her file."]);
    let scan = cli.file("ada-letter.txt", "A letter from Ada Export, unique-4c1d\n");
    cli.ok(Some("rita"), &["evidence", "add", "1", &scan]);
    // Someone else, who must not be in the export.
    cli.ok(
        Some("rita"),
        &["candidate", "add", "--name", "Other Person", "--email", "other@example.org"],
    );

    let out = cli.data().join("ada-export.zip");
    let out_s = out.to_str().unwrap();
    let refused = cli.fails(Some("rita"), &["person", "export", "1", "-o", out_s], 2);
    assert!(refused.contains("forbidden") || refused.contains("may not"), "{refused}");
    assert!(!out.exists());

    let text = cli.ok(Some("cora"), &["person", "export", "1", "-o", out_s]);
    assert!(text.contains("1 case(s), 1 evidence file(s)"), "{text}");

    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let person: serde_json::Value =
        serde_json::from_slice(&member(&mut zip, "person.json")).unwrap();
    assert_eq!(person["candidate"]["legal_name"], "Ada Export");
    assert_eq!(person["candidate"]["emails"][0], "ada.export@example.org");
    let case = &person["cases"][0];
    assert_eq!(case["notes"][0]["text"], "She asked for a copy of her file.");
    // Audit records come opened, not sealed.
    let audit = serde_json::to_string(&case["audit"]).unwrap();
    assert!(audit.contains("She asked for a copy") && !audit.contains("sealed:v"), "{audit}");
    assert!(!serde_json::to_string(&person).unwrap().contains("Other Person"));
    let names: Vec<String> =
        (0..zip.len()).map(|i| zip.by_index(i).unwrap().name().unwrap().to_string()).collect();
    let evidence = names.iter().find(|n| n.starts_with("evidence/")).unwrap().clone();
    assert_eq!(member(&mut zip, &evidence), std::fs::read(&scan).unwrap());

    let pdf = cli.data().join("summary.pdf");
    std::fs::write(&pdf, member(&mut zip, "summary.pdf")).unwrap();
    let summary = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    let flat = summary.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "What we hold about Ada Export",
        "ada.export@example.org",
        "Case 1, opened on",
        "not decided yet",
        "1 note(s), 1 file(s)",
        "case 1 is not decided",
        "29 CFR 1602.14",
        "Your rights",
    ] {
        assert!(flat.contains(expected), "{expected:?} not in the summary:\n{summary}");
    }

    // Recorded in the chain; verify stays clean.
    let log = cli.json(None, &["audit", "show", "global"]);
    let last = log.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["change"]["type"], "record_person_export", "{last}");
    assert_eq!(last["actor"], "cora");
    assert_eq!(last["change"]["file_name"], "ada-export.zip");
    cli.ok(None, &["verify"]);
}
