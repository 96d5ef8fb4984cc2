//! The report commands from the command line: `report`, `pack`, `verify-pack`, `portfolio`.
//! Outputs are never overwritten without `--force`, never left half-written, and record who
//! made them (--as / VETDESK_USER).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use vetdesk_testkit::*;

fn vetdesk(data: &Path) -> Command {
    let mut cmd = vetdesk_command();
    cmd.arg("--data-dir").arg(data).env_remove("VETDESK_USER");
    cmd
}

fn run(mut cmd: Command) -> (i32, String, String) {
    let o = cmd.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn report_and_pack_commands() {
    let w = worked_case();
    let data = w.dir.path();
    let out = tempfile::tempdir().unwrap();
    let pdf = out.path().join("case.pdf");
    let zip = out.path().join("case.zip");
    let id = w.case_id.to_string();
    let head = w.store.chain_head(vetdesk_core::model::Chain::Case(w.case_id)).unwrap();

    let mut cmd = vetdesk(data);
    cmd.args(["--as", COMPLIANCE, "report", &id, "-o"]).arg(&pdf);
    let (code, stdout, stderr) = run(cmd);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains(&format!("chain head {head}")), "{stdout}");
    let first = std::fs::read(&pdf).unwrap();
    assert!(first.starts_with(b"%PDF-"));
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(
        info.contains("Author:          Cora Lindqvist-Ødegård"),
        "the report names who generated it: {info}"
    );

    let (m_pdf, n_pdf) = (out.path().join("m.pdf"), out.path().join("n.pdf"));
    // (arguments, exit code, words on stderr): refusals that leave everything as it was.
    let rows: Vec<(Vec<&str>, i32, &str)> = vec![
        (
            vec!["--as", COMPLIANCE, "report", &id, "-o", pdf.to_str().unwrap()],
            2,
            "already exists; pass --force to replace it",
        ),
        (vec!["report", &id, "-o", "x.pdf"], 2, "who is acting?"),
        (
            vec!["--as", "mallory", "report", &id, "-o", m_pdf.to_str().unwrap()],
            2,
            "no active user named \"mallory\"",
        ),
        (
            vec!["--as", COMPLIANCE, "report", "999", "-o", n_pdf.to_str().unwrap()],
            2,
            "case 999 not found",
        ),
        (
            vec!["--as", COMPLIANCE, "report", &id, "-o", out.path().to_str().unwrap(), "--force"],
            2,
            "is a directory",
        ),
        (
            vec![
                "--as",
                COMPLIANCE,
                "portfolio",
                "--from",
                "2026-13-01",
                "--to",
                "2026-12-31",
                "-o",
                "p.pdf",
            ],
            2,
            "--from \"2026-13-01\" is not a date",
        ),
    ];
    for (args, want, words) in rows {
        let mut cmd = vetdesk(data);
        cmd.args(&args);
        let (code, stdout, stderr) = run(cmd);
        assert_eq!(code, want, "{args:?}: {stdout}{stderr}");
        assert!(stderr.contains(words), "{args:?}: {stderr}");
    }
    assert_eq!(std::fs::read(&pdf).unwrap(), first, "a refused run left the existing file alone");
    assert_eq!(names_in(out.path()), vec!["case.pdf"], "no temp or partial files left");

    // --force replaces; --json says what was made.
    // (through the CLI: the report just made was recorded at today's time, after the worked
    // case's fixed clock, and times never go back within a chain)
    let mut cmd = vetdesk(data);
    cmd.args(["--as", REVIEWER, "note", "add", &id, "later"]);
    let (code, _, stderr) = run(cmd);
    assert_eq!(code, 0, "{stderr}");
    let mut cmd = vetdesk(data);
    cmd.args(["--json", "--as", INVESTIGATOR, "report", &id, "--force", "-o"]).arg(&pdf);
    let (code, stdout, stderr) = run(cmd);
    assert_eq!(code, 0, "{stderr}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["generated_by"], INVESTIGATOR);
    assert_ne!(value["chain_head"], head.as_str(), "the note made a new head");
    assert_ne!(std::fs::read(&pdf).unwrap(), first);

    let mut cmd = vetdesk(data);
    cmd.env("VETDESK_USER", COMPLIANCE).args(["pack", &id, "-o"]).arg(&zip);
    let (code, stdout, stderr) = run(cmd);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("5 evidence files"), "{stdout}");
    let mut cmd = vetdesk_command();
    cmd.arg("verify-pack").arg(&zip).env("VETDESK_DATA_DIR", out.path().join("no-such-dir"));
    let (code, stdout, stderr) = run(cmd);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.starts_with("OK: ") && stdout.contains(&format!("audit pack of case {id}")),
        "{stdout}"
    );
    assert_eq!(names_in(out.path()), vec!["case.pdf", "case.zip"]);
}

#[test]
fn portfolio_command_writes_pdf_and_csv() {
    let w = worked_case();
    let out = tempfile::tempdir().unwrap();
    let pdf = out.path().join("portfolio.pdf");
    let csv = out.path().join("portfolio.csv");
    let args = |force: bool| {
        let mut cmd = vetdesk(w.dir.path());
        cmd.args([
            "--as",
            COMPLIANCE,
            "portfolio",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "-o",
        ])
        .arg(&pdf)
        .arg("--csv")
        .arg(&csv);
        if force {
            cmd.arg("--force");
        }
        cmd
    };
    let (code, stdout, stderr) = run(args(false));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("portfolio of 1 cases opened 2026-11-01 to 2026-11-30"), "{stdout}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.starts_with("section,key,detail,value\n") && text.contains("cases,opened,,1\n"),
        "{text}"
    );
    let (code, _, stderr) = run(args(false));
    assert_eq!(code, 2);
    assert!(stderr.contains("already exists; pass --force"), "{stderr}");
    let (code, _, stderr) = run(args(true));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(names_in(out.path()), vec!["portfolio.csv", "portfolio.pdf"]);
}

/// Each export is a disclosure recorded in the case's own chain: which document, by whom, and
/// the chain head it printed.
#[test]
fn exports_are_recorded_as_disclosures_in_the_case_chain() {
    let w = worked_case();
    let data = w.dir.path();
    let out = tempfile::tempdir().unwrap();
    let id = w.case_id.to_string();
    let head = w.store.chain_head(vetdesk_core::model::Chain::Case(w.case_id)).unwrap();
    let mut cmd = vetdesk(data);
    cmd.args(["--as", COMPLIANCE, "report", &id, "-o"]).arg(out.path().join("r.pdf"));
    assert_eq!(run(cmd).0, 0);
    let mut cmd = vetdesk(data);
    cmd.args(["--as", INVESTIGATOR, "pack", &id, "-o"]).arg(out.path().join("p.zip"));
    assert_eq!(run(cmd).0, 0);

    let mut cmd = vetdesk(data);
    cmd.args(["--json", "audit", "show", &id]);
    let (code, stdout, stderr) = run(cmd);
    assert_eq!(code, 0, "{stderr}");
    let audit: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let disclosures: Vec<(String, String, String)> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["change"]["type"] == "record_disclosure")
        .map(|r| {
            (
                r["actor"].as_str().unwrap().to_string(),
                r["change"]["what"].as_str().unwrap().to_string(),
                r["change"]["detail"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(disclosures.len(), 2, "{disclosures:?}");
    assert_eq!((disclosures[0].0.as_str(), disclosures[0].1.as_str()), (COMPLIANCE, "report"));
    assert_eq!(disclosures[0].2, format!("r.pdf (chain head {head})"));
    assert_eq!((disclosures[1].0.as_str(), disclosures[1].1.as_str()), (INVESTIGATOR, "pack"));
    assert!(disclosures[1].2.starts_with("p.zip (chain head "), "{:?}", disclosures[1]);
    let mut cmd = vetdesk(data);
    cmd.arg("verify");
    assert_eq!(run(cmd).0, 0, "the disclosures replay");
}
