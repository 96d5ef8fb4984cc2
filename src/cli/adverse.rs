//! `adverse-action pre-notice | notice | show`: the FCRA steps, with the notices made by the
//! templates of `vetdesk_export::adverse`.

use vetdesk_core::change::ReportingAgency;
use vetdesk_core::store::{AdverseAction, NoticeDraft};
use vetdesk_export::adverse::{adverse_notice_pdf, pre_adverse_notice_pdf};

use super::args::AdverseCommand;
use super::context::{Ctx, Result};

pub fn run(ctx: &Ctx, command: AdverseCommand) -> Result<u8> {
    let case = command_case(&command);
    match command {
        AdverseCommand::PreNotice {
            case,
            report,
            summary_of_rights,
            agency_name,
            agency_address,
            agency_phone,
        } => {
            let agency =
                ReportingAgency { name: agency_name, address: agency_address, phone: agency_phone };
            let render = |d: &NoticeDraft| {
                pre_adverse_notice_pdf(d).map_err(|e| Box::new(e) as Box<dyn std::error::Error>)
            };
            ctx.store.pre_adverse_notice(
                ctx.actor()?,
                case,
                agency,
                &report,
                &summary_of_rights,
                &render,
            )?;
        }
        AdverseCommand::Notice { case } => {
            let render = |d: &NoticeDraft| {
                adverse_notice_pdf(d).map_err(|e| Box::new(e) as Box<dyn std::error::Error>)
            };
            ctx.store.adverse_notice(ctx.actor()?, case, &render)?;
        }
        AdverseCommand::Show { .. } => {}
    }
    let state = ctx.store.adverse_action(case)?;
    ctx.print(&state, || text(&state))?;
    Ok(0)
}

fn command_case(command: &AdverseCommand) -> i64 {
    match command {
        AdverseCommand::PreNotice { case, .. }
        | AdverseCommand::Notice { case }
        | AdverseCommand::Show { case } => *case,
    }
}

/// The steps of a case, one line each.
pub fn text(a: &AdverseAction) -> String {
    let mut out = format!("Case {}: FCRA adverse action\n", a.case_id);
    match &a.pre_notice {
        None => out.push_str("  pre-adverse-action notice: not given\n"),
        Some(p) => {
            out.push_str(&format!(
                "  pre-adverse-action notice: given {} (evidence {}; report evidence {}, summary of rights evidence {})\n",
                p.sent_on, p.notice, p.report, p.summary_of_rights
            ));
            out.push_str(&format!(
                "  agency: {}, {}, {}\n",
                p.agency.name,
                p.agency.address.replace('\n', ", "),
                p.agency.phone
            ));
            out.push_str(&format!(
                "  waiting period: {} business days, to {}; decision allowed from {}\n",
                p.wait_days, p.wait_ends_on, p.decide_from
            ));
        }
    }
    if let Some(d) = a.decided_on {
        out.push_str(&format!("  decided on the report: {d}\n"));
    }
    if let Some(n) = &a.notice {
        out.push_str(&format!(
            "  adverse-action notice: given {} (evidence {})\n",
            n.sent_on, n.notice
        ));
    }
    let due = a.due_on.map(|d| format!(" (from {d})")).unwrap_or_default();
    out.push_str(&format!("  next: {}{due}\n", a.next_step));
    out
}
