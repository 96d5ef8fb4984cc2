//! Arguments of `retention`: the plan, the erasure of those due, legal holds and released
//! referrals.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum PersonCommand {
    /// Export everything held about a candidate (an access request: GDPR Art. 15, CCPA right
    /// to know) as one ZIP: person.json, their evidence files and summary.pdf in plain
    /// language. Compliance or admin; recorded in the audit trail.
    Export {
        /// The candidate's id.
        candidate: i64,
        #[arg(short, long, value_name = "FILE.zip")]
        output: PathBuf,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum RetentionCommand {
    /// Every person not yet erased: their cases, the rule they are kept under and its source,
    /// the day it makes them due, and what holds them longer.
    Plan,
    /// Erase everyone due today (compliance or admin): their personal data in the tables, the
    /// search index and the link index is overwritten, their key destroyed, their evidence files
    /// and previews removed; each erasure is recorded in the global chain.
    Apply,
    /// Put a case on legal hold: nothing of its candidate is erased while it holds.
    Hold {
        case: i64,
        #[arg(long)]
        reason: String,
    },
    /// Lift a case's legal hold.
    Lift {
        case: i64,
        #[arg(long)]
        reason: String,
    },
    /// Record that law enforcement released a referred case; the not-hired period then runs
    /// from today.
    Release {
        case: i64,
        #[arg(long)]
        reason: String,
    },
}
