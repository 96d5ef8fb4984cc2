//! The text of the document commands: a progress line while a report or pack is made, and the
//! one-paragraph account of what was written or checked.

use std::io::{IsTerminal, Write};
use std::path::Path;

use chrono::NaiveDate;
use vetdesk_core::evidence::human_bytes;
use vetdesk_export::pack::{PackCheck, PackSummary};
use vetdesk_export::report::{CaseReport, Portfolio, Progress, ReportOptions, Stage};

/// Progress on stderr, when it is a terminal: one line rewritten in place, at most once per
/// percent, cleared at the end. Scripts and pipes get nothing.
pub struct Meter {
    on: bool,
    last: Option<(Stage, u64)>,
}

impl Meter {
    pub fn new() -> Meter {
        Meter { on: std::io::stderr().is_terminal(), last: None }
    }

    pub fn show(&mut self, p: Progress) {
        if !self.on || p.total == 0 {
            return;
        }
        let percent = p.done.saturating_mul(100) / p.total;
        if self.last == Some((p.stage, percent)) {
            return;
        }
        self.last = Some((p.stage, percent));
        let what = match p.stage {
            Stage::Reading => "reading the case".to_string(),
            Stage::Previews => format!("image previews {} of {}", p.done, p.total),
            Stage::Rendering => "laying out the report".to_string(),
            Stage::Evidence => {
                format!("evidence {} of {}", human_bytes(p.done), human_bytes(p.total))
            }
            Stage::Checking => {
                format!("checked {} of {}", human_bytes(p.done), human_bytes(p.total))
            }
            Stage::Finishing => "finishing".to_string(),
        };
        let mut err = std::io::stderr();
        let _ = write!(err, "\r\x1b[2K{what} ({percent}%)");
        let _ = err.flush();
    }
}

impl Drop for Meter {
    fn drop(&mut self) {
        if self.on && self.last.is_some() {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}

/// What `report --json` prints.
pub fn report_json(made: &CaseReport, file: &Path, opts: &ReportOptions) -> serde_json::Value {
    serde_json::json!({
        "case_id": made.case_id,
        "file": file,
        "bytes": made.pdf.bytes.len(),
        "pages": made.pdf.page_count,
        "chain_head": made.chain_head,
        "audit_records": made.audit_records,
        "previews": made.previews,
        "missing_previews": made.missing_previews,
        "generated_at": opts.generated_at,
        "generated_by": opts.generated_by,
    })
}

pub fn report(made: &CaseReport, file: &Path) -> String {
    let mut out = format!(
        "Wrote the report of case {} to {}: {} pages, {}; chain head {}.\n",
        made.case_id,
        file.display(),
        made.pdf.page_count,
        human_bytes(made.pdf.bytes.len() as u64),
        made.chain_head
    );
    for (id, why) in &made.missing_previews {
        out.push_str(&format!("  no preview of evidence E{id}: {why}\n"));
    }
    out
}

pub fn pack(summary: &PackSummary, file: &Path) -> String {
    format!(
        "Wrote the audit pack of case {} to {}: report ({} pages), {} evidence files ({}), \
         {} audit records; chain head {}.\n",
        summary.case_id,
        file.display(),
        summary.report_pages,
        summary.evidence_files,
        human_bytes(summary.evidence_bytes),
        summary.audit_records,
        summary.chain_head
    )
}

pub fn pack_check(check: &PackCheck, file: &Path) -> String {
    if check.ok {
        format!(
            "OK: {} is the intact audit pack of case {}: {} members ({}) match manifest.json and \
             SHA256SUMS; the audit chain of {} records recomputes to {}, the head named by the \
             manifest, case.json and report.pdf; every evidence file matches its attach record, \
             case.json matches the case the chain replays to, and README.txt and verify_chain.py \
             are the files Vetdesk {} ships.\n{}",
            file.display(),
            check.case_id.map_or("?".to_string(), |id| id.to_string()),
            check.members,
            human_bytes(check.bytes),
            check.audit_records,
            check.chain_head.as_deref().unwrap_or("?"),
            env!("CARGO_PKG_VERSION"),
            signature_line(check)
        )
    } else {
        let mut out =
            format!("FAILED: {} problem(s) in {}:\n", check.problems.len(), file.display());
        for p in &check.problems {
            out.push_str(&format!("  {}: {}\n", p.member, p.message));
        }
        out
    }
}

/// What the organisation's signature covers, or that there is none.
fn signature_line(check: &PackCheck) -> String {
    let Some(s) = &check.signature else {
        return "Signature: none (no signed checkpoint covered the case when the pack was made); \
                the checks above rest on hashes whoever made the pack could recompute.\n"
            .into();
    };
    let reach = if s.covers_records >= check.audit_records {
        format!("all {} records", check.audit_records)
    } else {
        format!(
            "records 1-{} of {} (the later ones were written after it)",
            s.covers_records, check.audit_records
        )
    };
    let trust = if s.trusted {
        "the trusted key".to_string()
    } else {
        format!(
            "key {} (NOT checked against a trusted key: pass --trusted-key to check whose it is)",
            s.fingerprint
        )
    };
    format!(
        "Signature: a checkpoint signed at {} by {trust} covers {reach}; root {} after {} ledger \
         entries.\n",
        s.at, s.root, s.entries
    )
}

pub fn portfolio(
    figures: &Portfolio,
    (from, to): (NaiveDate, NaiveDate),
    file: &Path,
    pages: usize,
    csv: Option<&Path>,
) -> String {
    format!(
        "Wrote the portfolio of {} cases opened {from} to {to} to {} ({} pages){}.\n",
        figures.cases.len(),
        file.display(),
        pages,
        csv.map(|c| format!(" and its figures to {}", c.display())).unwrap_or_default()
    )
}
