//! Running the document commands: `report`, `pack`, `verify-pack` and `portfolio`. Documents
//! are written through a temp file and renamed into place; an existing output is replaced only
//! with `--force`; the acting user (--as / VETDESK_USER) is recorded as the one who generated
//! them. `render::reports` makes the text.

use serde_json::json;

use super::args::{PackArgs, PortfolioArgs, ReportArgs, VerifyPackArgs};
use super::context::{CliError, Ctx, EXIT_CHECK_FAILED, Result, date, print_json, terminal_safe};
use super::render::reports::{self as text, Meter};
use vetdesk_core::change::{Change, Disclosure};
use vetdesk_core::model::Timestamp;
use vetdesk_core::store::Store;
use vetdesk_export::pack::{self, PackCheck};
use vetdesk_export::report::{self, PortfolioOptions, ReportError, ReportOptions};

fn options(store: &Store, actor: &str) -> ReportOptions {
    ReportOptions { generated_at: store.clock().now(), generated_by: actor.to_string() }
}

/// Refuses an existing output before any work is done (checked again when the file is
/// renamed into place).
fn refuse_existing(path: &std::path::Path, force: bool) -> Result<()> {
    if !force && std::fs::symlink_metadata(path).is_ok() {
        return Err(ReportError::Exists(path.to_path_buf()).into());
    }
    Ok(())
}

/// Writes `bytes` to `path` through a temp file renamed into place.
fn write_file(path: &std::path::Path, force: bool, bytes: &[u8]) -> Result<()> {
    report::write_atomically(path, force, |f| {
        std::io::Write::write_all(f, bytes).map_err(|source| ReportError::Io {
            context: "cannot write",
            path: path.to_path_buf(),
            source,
        })
    })?;
    Ok(())
}

/// Records in the case's chain that its data left Vetdesk: which document, and the chain head
/// it printed (so the disclosure and the document name each other).
fn record_disclosure(
    store: &Store,
    actor: &str,
    case_id: i64,
    what: Disclosure,
    file: &std::path::Path,
    head: &str,
) -> Result<()> {
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let detail = format!("{name} (chain head {head})");
    store.apply(actor, Change::RecordDisclosure { case_id, what, detail })?;
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| CliError::Usage(format!("cannot print JSON: {e}")))
}

pub fn report(ctx: &Ctx, args: ReportArgs) -> Result<u8> {
    let (store, actor) = (&ctx.store, ctx.actor()?);
    refuse_existing(&args.output, args.force)?;
    let opts = options(store, actor);
    let mut meter = Meter::new();
    let made = report::case_report(store, args.id, &opts, &mut |p| meter.show(p))?;
    drop(meter);
    write_file(&args.output, args.force, &made.pdf.bytes)?;
    record_disclosure(store, actor, args.id, Disclosure::Report, &args.output, &made.chain_head)?;
    if ctx.json {
        print_json(&text::report_json(&made, &args.output, &opts))?;
    } else {
        print!("{}", text::report(&made, &args.output));
    }
    Ok(0)
}

pub fn pack(ctx: &Ctx, args: PackArgs) -> Result<u8> {
    let (store, actor) = (&ctx.store, ctx.actor()?);
    refuse_existing(&args.output, args.force)?;
    if args.checkpoint {
        crate::cli::keys::sign_checkpoint(ctx, &args.key, args.witness.as_deref())?;
    }
    let opts = options(store, actor);
    let mut meter = Meter::new();
    let summary =
        pack::export_pack(store, args.id, &opts, &args.output, args.force, &mut |p| meter.show(p))?;
    drop(meter);
    record_disclosure(store, actor, args.id, Disclosure::Pack, &args.output, &summary.chain_head)?;
    if ctx.json {
        print_json(&json!({ "file": args.output, "pack": to_json(&summary)? }))?;
    } else {
        print!("{}", text::pack(&summary, &args.output));
    }
    Ok(0)
}

/// Needs no data directory: an auditor checks a pack on any machine.
pub fn verify_pack(json: bool, args: VerifyPackArgs) -> Result<u8> {
    let mut meter = Meter::new();
    let trusted = crate::cli::keys::trusted_key(args.trusted_key.as_deref())?;
    let check: PackCheck =
        pack::verify_pack(&args.file, trusted.as_deref(), &mut |p| meter.show(p))?;
    drop(meter);
    if json {
        print_json(&to_json(&check)?)?;
    } else {
        print!("{}", terminal_safe(&text::pack_check(&check, &args.file)));
    }
    if !check.ok && json {
        eprintln!("vetdesk: verify-pack found {} problem(s)", check.problems.len());
    }
    Ok(if check.ok { 0 } else { EXIT_CHECK_FAILED })
}

pub fn portfolio(ctx: &Ctx, args: PortfolioArgs) -> Result<u8> {
    let (store, actor) = (&ctx.store, ctx.actor()?);
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
    write_file(&args.output, args.force, &pdf.bytes)?;
    if let Some(csv) = &args.csv {
        report::write_atomically(csv, args.force, |f| report::portfolio_csv(&figures, f))?;
    }
    if ctx.json {
        print_json(&json!({
            "file": args.output, "csv": args.csv, "pages": pdf.page_count,
            "portfolio": to_json(&figures)?,
        }))?;
    } else {
        let csv = args.csv.as_deref();
        print!("{}", text::portfolio(&figures, (from, to), &args.output, pdf.page_count, csv));
    }
    Ok(0)
}
