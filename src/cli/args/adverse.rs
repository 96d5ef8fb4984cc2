//! Arguments of `adverse-action`: the FCRA steps before and after a rejection that rests on a
//! background-check (consumer) report.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum AdverseCommand {
    /// Give the pre-adverse-action notice: stores the copy of the report and the CFPB's "A
    /// Summary of Your Rights Under the Fair Credit Reporting Act", makes the notice (PDF) and
    /// records all three as evidence of the case. The waiting period (policy
    /// adverse_action_wait_days, 5 business days unless set) starts today.
    PreNotice {
        case: i64,
        /// The background report as received from the agency (PDF or image).
        #[arg(long, value_name = "FILE")]
        report: PathBuf,
        /// The CFPB's summary of rights (consumerfinance.gov), as given to the person.
        #[arg(long, value_name = "FILE")]
        summary_of_rights: PathBuf,
        #[arg(long, value_name = "NAME")]
        agency_name: String,
        #[arg(long, value_name = "ADDRESS")]
        agency_address: String,
        #[arg(long, value_name = "PHONE")]
        agency_phone: String,
    },
    /// Give the adverse-action notice (PDF, recorded as evidence) on a case rejected citing
    /// the background report (`case status CASE rejected --cite background_report`), after
    /// the waiting period.
    Notice { case: i64 },
    /// Where a case stands in these steps, and when the next is due.
    Show { case: i64 },
}
