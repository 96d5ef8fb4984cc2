//! The two FCRA notices as PDFs, set with the report engine from fixed templates: the
//! pre-adverse-action notice (15 U.S.C. § 1681b(b)(3): before an adverse action resting on a
//! consumer report, the person gets a copy of the report and the CFPB's summary of their rights)
//! and the adverse-action notice (§ 1681m(a): the agency's name, address and telephone number;
//! that the agency did not make the decision and cannot say why it was made; the right to a free
//! copy of the report from the agency if asked for within 60 days; the right to dispute the
//! report's accuracy or completeness with the agency). The FTC's guidance "Using Consumer
//! Reports: What Employers Need to Know" walks employers through the same steps.

use vetdesk_core::store::NoticeDraft;

use crate::report::ReportError;
use crate::report::pdf::{Document, Metadata, PageSize};

fn document(title: &str, draft: &NoticeDraft) -> Document {
    let mut meta = Metadata::new(title.to_string(), draft.generated_at);
    meta.author = draft.generated_by.clone();
    meta.subject = format!("Case {}", draft.case_id);
    let mut doc = Document::new(PageSize::Letter, meta);
    doc.footer(format!("Case {}", draft.case_id), "Vetdesk");
    doc.heading(1, title);
    doc
}

fn agency_block(doc: &mut Document, draft: &NoticeDraft) {
    doc.key_values(vec![
        ("Consumer reporting agency", draft.agency.name.clone()),
        ("Address", draft.agency.address.clone()),
        ("Telephone", draft.agency.phone.clone()),
    ]);
}

/// The pre-adverse-action notice.
pub fn pre_adverse_notice_pdf(draft: &NoticeDraft) -> Result<Vec<u8>, ReportError> {
    let mut doc = document("Pre-adverse-action notice", draft);
    doc.paragraph(format!("Date: {}", draft.pre_notice_on));
    doc.paragraph(format!("Dear {},", draft.candidate_name));
    doc.paragraph(
        "We are considering a decision not to go ahead with your application that would rest, \
         in whole or in part, on information in a background report (a consumer report) that we \
         obtained about you with your authorization. No final decision has been made.",
    );
    doc.paragraph(
        "With this notice you receive a copy of that report and \"A Summary of Your Rights \
         Under the Fair Credit Reporting Act\", published by the Consumer Financial Protection \
         Bureau.",
    );
    doc.paragraph("The report was prepared by:");
    agency_block(&mut doc, draft);
    doc.paragraph(format!(
        "Please read the report. If anything in it is wrong or incomplete, or you would like to \
         explain something in it, tell us before the end of {}: we will wait {} business days \
         (weekends and US federal holidays not counted) before making our decision. You may \
         also dispute the report directly with the agency above.",
        draft.wait_ends_on, draft.wait_days
    ));
    doc.paragraph(format!("Reference: case {}.", draft.case_id));
    Ok(doc.render().map_err(ReportError::from)?.bytes)
}

/// The adverse-action notice.
pub fn adverse_notice_pdf(draft: &NoticeDraft) -> Result<Vec<u8>, ReportError> {
    let mut doc = document("Adverse-action notice", draft);
    doc.paragraph(format!("Date: {}", draft.generated_at.date()));
    doc.paragraph(format!("Dear {},", draft.candidate_name));
    let decided = draft.decided_on.map(|d| format!(" on {d}")).unwrap_or_default();
    doc.paragraph(format!(
        "On {} we sent you a copy of your background report and a summary of your rights. \
         After the waiting period we decided{decided} not to go ahead with your application. \
         The decision rests in whole or in part on information in that report.",
        draft.pre_notice_on
    ));
    doc.paragraph("The report was prepared by:");
    agency_block(&mut doc, draft);
    doc.heading(2, "Your rights");
    doc.bullets([
        "The consumer reporting agency named above did not make this decision and cannot tell \
         you why it was made.",
        "You have the right to a free copy of your report from the agency if you ask for it \
         within 60 days of receiving this notice.",
        "You have the right to dispute with the agency the accuracy or completeness of any \
         information in the report it furnished.",
    ]);
    doc.paragraph(format!("Reference: case {}.", draft.case_id));
    Ok(doc.render().map_err(ReportError::from)?.bytes)
}
