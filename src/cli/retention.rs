//! `retention plan | apply | hold | lift | release`.

use std::fmt::Write as _;

use vetdesk_core::change::Change;
use vetdesk_core::model::Timestamp;

use super::args::{PersonCommand, RetentionCommand};
use super::context::{Ctx, Result};

pub fn run(ctx: &Ctx, command: RetentionCommand) -> Result<u8> {
    match command {
        RetentionCommand::Plan => plan(ctx),
        RetentionCommand::Apply => {
            let erased = ctx.store.retention_apply(ctx.actor()?)?;
            ctx.print(&erased, || {
                if erased.is_empty() {
                    return "Nobody is due for erasure today.\n".to_string();
                }
                let mut out = String::new();
                for e in &erased {
                    let _ = writeln!(
                        out,
                        "Erased candidate {} under the {} rule (due {}): audit record {}, {} file(s) removed.",
                        e.candidate_id, e.rule, e.due_on, e.audit_id, e.files_removed
                    );
                }
                out
            })?;
            Ok(0)
        }
        RetentionCommand::Hold { case, reason } => mark(
            ctx,
            Change::SetLegalHold { case_id: case, held: true, reason },
            case,
            "is on legal hold",
        ),
        RetentionCommand::Lift { case, reason } => mark(
            ctx,
            Change::SetLegalHold { case_id: case, held: false, reason },
            case,
            "is no longer on legal hold",
        ),
        RetentionCommand::Release { case, reason } => mark(
            ctx,
            Change::ReleaseReferral { case_id: case, reason },
            case,
            "is released by law enforcement",
        ),
    }
}

/// `person export CANDIDATE -o FILE.zip`: the archive is written first, then its record (the
/// store refuses a user who may not, before anything is written).
pub fn person(ctx: &Ctx, command: PersonCommand) -> Result<u8> {
    let PersonCommand::Export { candidate, output, force } = command;
    let actor = ctx.actor()?;
    let permissions = ctx.store.permissions(actor)?;
    if !vetdesk_core::store::rules::Action::Retention.roles().contains(&permissions.role) {
        return Err(vetdesk_core::StoreError::Forbidden {
            actor: actor.to_string(),
            role: permissions.role.to_string(),
            action: "export everything held about a person".into(),
        }
        .into());
    }
    let options = vetdesk_export::report::ReportOptions {
        generated_at: ctx.store.clock().now(),
        generated_by: actor.to_string(),
    };
    let export =
        vetdesk_export::person::export_person(&ctx.store, candidate, &options, &output, force)?;
    let file_name =
        output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    ctx.store.apply(
        actor,
        Change::RecordPersonExport {
            candidate_id: candidate,
            file_name,
            sha256: export.sha256.clone(),
        },
    )?;
    ctx.print(&export, || {
        format!(
            "Wrote {}: candidate {}, {} case(s), {} evidence file(s), {} audit record(s); SHA-256 {}.\n",
            output.display(),
            export.candidate_id,
            export.cases,
            export.evidence_files,
            export.audit_records,
            export.sha256
        )
    })?;
    Ok(0)
}

fn mark(ctx: &Ctx, change: Change, case: i64, what: &str) -> Result<u8> {
    let applied = ctx.store.apply(ctx.actor()?, change)?;
    ctx.print(&applied, || format!("Case {case} {what} (audit #{}).\n", applied.record.seq))?;
    Ok(0)
}

fn plan(ctx: &Ctx) -> Result<u8> {
    let today = Timestamp::now().date();
    let plan = ctx.store.retention_plan(today)?;
    ctx.print(&plan, || {
        let policy = ctx.store.config().retention;
        let mut out = format!(
            "Retention on {today} (not hired: {} years after the decision):\n",
            policy.not_hired_years
        );
        if plan.is_empty() {
            out.push_str("  nobody is held.\n");
        }
        for e in &plan {
            let cases: Vec<String> = e.cases.iter().map(|c| c.to_string()).collect();
            let due = match (e.due, e.assessment.due_on, &e.assessment.held_by) {
                (true, Some(d), _) => format!("DUE since {d}"),
                (_, d, Some(held)) => format!(
                    "kept: {held}{}",
                    d.map(|d| format!(" (period ends {d})")).unwrap_or_default()
                ),
                (false, Some(d), None) => format!("kept until {d}"),
                (_, None, None) => "kept".to_string(),
            };
            let _ = writeln!(
                out,
                "  candidate {} (cases {}): {} rule, {due}\n      source: {}",
                e.candidate_id,
                if cases.is_empty() { "none".to_string() } else { cases.join(", ") },
                e.assessment.rule,
                e.source
            );
        }
        out
    })?;
    Ok(0)
}
