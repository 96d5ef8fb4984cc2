//! Report commands: `report`, `pack`, `verify-pack` and `portfolio`. Documents are written
//! through a temp file and renamed into place; an existing output is replaced only with
//! `--force`; the acting user (--as / VETDESK_USER) is recorded as the one who generated them.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;
use serde_json::json;

use super::EXIT_CHECK_FAILED;
use super::commands::CliError;
use vetdesk_core::model::Timestamp;
use vetdesk_core::store::Store;
use vetdesk_export::pack::{self, PackCheck};
use vetdesk_export::report::{self, PortfolioOptions, Progress, ReportError, ReportOptions, Stage};

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The case.
    pub id: i64,
    /// Where to write the PDF.
    #[arg(short, long, value_name = "FILE.pdf")]
    pub output: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct PackArgs {
    /// The case.
    pub id: i64,
    /// Where to write the ZIP archive.
    #[arg(short, long, value_name = "FILE.zip")]
    pub output: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct VerifyPackArgs {
    /// The audit pack to check.
    #[arg(value_name = "FILE.zip")]
    pub file: PathBuf,
}

#[derive(Args, Debug)]
pub struct PortfolioArgs {
    /// First day of the period (YYYY-MM-DD, included).
    #[arg(long, value_name = "DATE")]
    pub from: String,
    /// Last day of the period (YYYY-MM-DD, included).
    #[arg(long, value_name = "DATE")]
    pub to: String,
    /// Where to write the PDF.
    #[arg(short, long, value_name = "FILE.pdf")]
    pub output: PathBuf,
    /// Also write the figures as CSV.
    #[arg(long, value_name = "FILE.csv")]
    pub csv: Option<PathBuf>,
    /// Replace existing files.
    #[arg(long)]
    pub force: bool,
}

/// Progress on stderr, when it is a terminal: one line rewritten in place, at most once per
/// percent, cleared at the end. Scripts and pipes get nothing.
struct Meter {
    on: bool,
    last: Option<(Stage, u64)>,
}

impl Meter {
    fn new() -> Meter {
        Meter { on: std::io::stderr().is_terminal(), last: None }
    }

    fn show(&mut self, p: Progress) {
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
            Stage::Evidence => format!(
                "evidence {} of {}",
                vetdesk_core::evidence::human_bytes(p.done),
                vetdesk_core::evidence::human_bytes(p.total)
            ),
            Stage::Checking => format!(
                "checked {} of {}",
                vetdesk_core::evidence::human_bytes(p.done),
                vetdesk_core::evidence::human_bytes(p.total)
            ),
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

fn options(store: &Store, actor: &str) -> ReportOptions {
    ReportOptions { generated_at: store.clock().now(), generated_by: actor.to_string() }
}

fn print_json(value: &serde_json::Value) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::Usage(format!("cannot print JSON: {e}")))?;
    println!("{text}");
    Ok(())
}

fn date(field: &str, text: &str) -> Result<NaiveDate, CliError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| CliError::Usage(format!("{field} {text:?} is not a date like 2026-03-31")))
}

/// Refuses an existing output before any work is done (checked again when the file is
/// renamed into place).
fn refuse_existing(path: &std::path::Path, force: bool) -> Result<(), CliError> {
    if !force && std::fs::symlink_metadata(path).is_ok() {
        return Err(ReportError::Exists(path.to_path_buf()).into());
    }
    Ok(())
}

pub(crate) fn report(
    store: &Store,
    actor: &str,
    json: bool,
    args: ReportArgs,
) -> Result<u8, CliError> {
    refuse_existing(&args.output, args.force)?;
    let opts = options(store, actor);
    let mut meter = Meter::new();
    let made = report::case_report(store, args.id, &opts, &mut |p| meter.show(p))?;
    drop(meter);
    let bytes = made.pdf.bytes.len();
    report::write_atomically(&args.output, args.force, |f| {
        std::io::Write::write_all(f, &made.pdf.bytes).map_err(|source| ReportError::Io {
            context: "cannot write",
            path: args.output.clone(),
            source,
        })
    })?;
    if json {
        print_json(&json!({
            "case_id": made.case_id,
            "file": args.output,
            "bytes": bytes,
            "pages": made.pdf.page_count,
            "chain_head": made.chain_head,
            "audit_records": made.audit_records,
            "previews": made.previews,
            "missing_previews": made.missing_previews,
            "generated_at": opts.generated_at,
            "generated_by": opts.generated_by,
        }))?;
    } else {
        println!(
            "Wrote the report of case {} to {}: {} pages, {}; chain head {}.",
            made.case_id,
            args.output.display(),
            made.pdf.page_count,
            vetdesk_core::evidence::human_bytes(bytes as u64),
            made.chain_head
        );
        for (id, why) in &made.missing_previews {
            println!("  no preview of evidence E{id}: {why}");
        }
    }
    Ok(0)
}

pub(crate) fn pack(store: &Store, actor: &str, json: bool, args: PackArgs) -> Result<u8, CliError> {
    refuse_existing(&args.output, args.force)?;
    let opts = options(store, actor);
    let mut meter = Meter::new();
    let summary =
        pack::export_pack(store, args.id, &opts, &args.output, args.force, &mut |p| meter.show(p))?;
    drop(meter);
    if json {
        let value = serde_json::to_value(&summary)
            .map_err(|e| CliError::Usage(format!("cannot print JSON: {e}")))?;
        print_json(&json!({ "file": args.output, "pack": value }))?;
    } else {
        println!(
            "Wrote the audit pack of case {} to {}: report ({} pages), {} evidence files ({}), \
             {} audit records; chain head {}.",
            summary.case_id,
            args.output.display(),
            summary.report_pages,
            summary.evidence_files,
            vetdesk_core::evidence::human_bytes(summary.evidence_bytes),
            summary.audit_records,
            summary.chain_head
        );
    }
    Ok(0)
}

/// Needs no data directory: an auditor checks a pack on any machine.
pub(crate) fn verify_pack(json: bool, args: VerifyPackArgs) -> Result<u8, CliError> {
    let mut meter = Meter::new();
    let check: PackCheck = pack::verify_pack(&args.file, &mut |p| meter.show(p))?;
    drop(meter);
    if json {
        let value = serde_json::to_value(&check)
            .map_err(|e| CliError::Usage(format!("cannot print JSON: {e}")))?;
        print_json(&value)?;
    } else if check.ok {
        println!(
            "OK: {} is the intact audit pack of case {}: {} members ({}) match manifest.json and \
             SHA256SUMS; the audit chain of {} records recomputes to {}, the head named by the \
             manifest, case.json and report.pdf.",
            args.file.display(),
            check.case_id.map_or("?".to_string(), |id| id.to_string()),
            check.members,
            vetdesk_core::evidence::human_bytes(check.bytes),
            check.audit_records,
            check.chain_head.as_deref().unwrap_or("?")
        );
    } else {
        println!("FAILED: {} problem(s) in {}:", check.problems.len(), args.file.display());
        for p in &check.problems {
            println!("  {}: {}", p.member, p.message);
        }
    }
    if !check.ok && json {
        eprintln!("vetdesk: verify-pack found {} problem(s)", check.problems.len());
    }
    Ok(if check.ok { 0 } else { EXIT_CHECK_FAILED })
}

pub(crate) fn portfolio(
    store: &Store,
    actor: &str,
    json: bool,
    args: PortfolioArgs,
) -> Result<u8, CliError> {
    let from = date("--from", &args.from)?;
    let to = date("--to", &args.to)?;
    refuse_existing(&args.output, args.force)?;
    if let Some(csv) = &args.csv {
        refuse_existing(csv, args.force)?;
    }
    let generated_at: Timestamp = store.clock().now();
    let opts = PortfolioOptions { from, to, generated_at, generated_by: actor.to_string() };
    let figures = report::portfolio(store, &opts)?;
    let pdf = report::render_portfolio(&figures)?;
    report::write_atomically(&args.output, args.force, |f| {
        std::io::Write::write_all(f, &pdf.bytes).map_err(|source| ReportError::Io {
            context: "cannot write",
            path: args.output.clone(),
            source,
        })
    })?;
    if let Some(csv) = &args.csv {
        report::write_atomically(csv, args.force, |f| report::portfolio_csv(&figures, f))?;
    }
    if json {
        let value = serde_json::to_value(&figures)
            .map_err(|e| CliError::Usage(format!("cannot print JSON: {e}")))?;
        print_json(
            &json!({ "file": args.output, "csv": args.csv, "pages": pdf.page_count, "portfolio": value }),
        )?;
    } else {
        println!(
            "Wrote the portfolio of {} cases opened {from} to {to} to {} ({} pages){}.",
            figures.cases.len(),
            args.output.display(),
            pdf.page_count,
            args.csv
                .as_ref()
                .map(|c| format!(" and its figures to {}", c.display()))
                .unwrap_or_default()
        );
    }
    Ok(0)
}
