//! Arguments of the case-work commands: users, vendors, candidates, cases, the checklist,
//! evidence, notes and the audit trail. Parsing only; `cli::cases` runs them.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a local user. The first user of a data directory must be an admin and needs no --as.
    /// In team mode: a database login with the password read from standard input.
    Add {
        name: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        display_name: Option<String>,
        /// Team mode: read the new login's password from standard input (never an argument).
        #[arg(long)]
        password_stdin: bool,
    },
    List,
    /// Change a user's role (admins only).
    SetRole {
        name: String,
        role: String,
    },
    /// Deactivate a user (admins only); their past actions stay in the trail.
    Deactivate {
        name: String,
    },
    /// Reactivate a user (admins only).
    Activate {
        name: String,
    },
    /// Require a password before the user is chosen in the desktop app, for a desktop several
    /// people share (admins only; only an Argon2id hash is kept). The password is the first
    /// line of standard input, never an argument.
    Password {
        name: String,
        /// Read the new password from standard input.
        #[arg(long, required_unless_present = "clear")]
        password_stdin: bool,
        /// Remove the user's switching password.
        #[arg(long, conflicts_with = "password_stdin")]
        clear: bool,
    },
}

#[derive(Args, Debug)]
pub struct VendorArgs {
    /// Contact person, email, phone.
    #[arg(long, default_value = "")]
    pub contact: String,
    /// The vendor attests it verifies identity to our standard.
    #[arg(long)]
    pub attested: bool,
    #[arg(long)]
    pub attestation_note: Option<String>,
    /// Date of the last audit of the vendor's hiring practices (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub last_audit: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum VendorCommand {
    /// Add a vendor (compliance or admin).
    Add {
        name: String,
        #[command(flatten)]
        args: VendorArgs,
    },
    List,
}

#[derive(Args, Debug)]
pub struct CandidateArgs {
    /// Full legal name.
    #[arg(long)]
    pub name: String,
    /// Other names used (repeatable).
    #[arg(long = "other-name")]
    pub other_names: Vec<String>,
    #[arg(long = "email")]
    pub emails: Vec<String>,
    #[arg(long = "phone")]
    pub phones: Vec<String>,
    #[arg(long)]
    pub home_address: Option<String>,
    /// Where equipment is to be shipped.
    #[arg(long)]
    pub shipping_address: Option<String>,
    /// Where the candidate says they are.
    #[arg(long = "location")]
    pub claimed_location: Option<String>,
    /// IANA time zone, e.g. America/Chicago.
    #[arg(long)]
    pub time_zone: Option<String>,
    /// The role applied for.
    #[arg(long)]
    pub role: Option<String>,
    /// Vendor name or id.
    #[arg(long)]
    pub vendor: Option<String>,
    /// Id in the applicant-tracking system.
    #[arg(long)]
    pub external_id: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub applied_on: Option<String>,
    /// IP address the application came from.
    #[arg(long = "ip")]
    pub application_ip: Option<String>,
}

#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum CandidateCommand {
    /// Add a candidate and open a pre-hire case for them.
    Add {
        #[command(flatten)]
        args: CandidateArgs,
        /// Do not open a case.
        #[arg(long)]
        no_case: bool,
        #[arg(long)]
        assignee: Option<String>,
        #[arg(long, default_value = "normal")]
        priority: String,
    },
    /// Import candidates from a CSV file (all rows or none; external_id is the key).
    Import {
        file: PathBuf,
        /// Do not open pre-hire cases for new candidates.
        #[arg(long)]
        no_cases: bool,
        /// Show what the import would do (each update with the fields it changes, the flags it
        /// would raise) and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    List,
    Show {
        id: i64,
    },
    /// Correct a candidate's details; each change is recorded in the chain of each of their
    /// cases. Only the fields given change; an empty value clears one.
    Edit {
        id: i64,
        #[command(flatten)]
        args: EditArgs,
    },
}

/// The fields `candidate edit` may change: each given one replaces the stored value (a
/// repeated list option replaces the whole list; one empty value clears it).
#[derive(Args, Debug)]
pub struct EditArgs {
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long = "email")]
    pub emails: Option<Vec<String>>,
    #[arg(long = "phone")]
    pub phones: Option<Vec<String>>,
    #[arg(long)]
    pub home_address: Option<String>,
    #[arg(long)]
    pub shipping_address: Option<String>,
    #[arg(long = "location")]
    pub claimed_location: Option<String>,
    #[arg(long)]
    pub time_zone: Option<String>,
    #[arg(long)]
    pub role: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum CaseCommand {
    /// Open a case for a candidate.
    Open {
        candidate: i64,
        /// pre_hire, reverification or investigation.
        #[arg(long, default_value = "pre_hire")]
        kind: String,
        #[arg(long)]
        assignee: Option<String>,
        #[arg(long, default_value = "normal")]
        priority: String,
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
    },
    /// The queue.
    List {
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        assignee: Option<String>,
        /// Vendor name or id.
        #[arg(long)]
        vendor: Option<String>,
        /// Only cases past their due date and not decided.
        #[arg(long)]
        overdue: bool,
        /// id, opened, updated, priority, status, candidate or due.
        #[arg(long, default_value = "id")]
        sort: String,
        #[arg(long)]
        desc: bool,
        #[arg(long)]
        limit: Option<u32>,
    },
    Show {
        id: i64,
    },
    /// Move a case: open, in-review, escalated, cleared, rejected, referred, closed.
    Status {
        id: i64,
        new: String,
        #[arg(long)]
        reason: String,
        /// Grounds of a rejection or referral: `item:ITEM` (a failed item) or `flag:ID` (an
        /// open flag); repeat for several.
        #[arg(long = "cite", value_name = "item:ITEM|flag:ID|background_report")]
        cite: Vec<String>,
        /// Decide over the decision gate (compliance): the reason is recorded as an override.
        #[arg(long = "override", value_name = "REASON")]
        override_reason: Option<String>,
        /// Hand the case to this user in the same transaction (with `escalated`: an active
        /// investigator, compliance officer or admin).
        #[arg(long = "assign", value_name = "USER")]
        assign: Option<String>,
    },
    /// What the decision gate finds missing before a case can be cleared (exit 1 when
    /// something is).
    Gate {
        id: i64,
    },
    /// Assign a case to a user (or --none).
    Assign {
        id: i64,
        user: Option<String>,
        #[arg(long, conflicts_with = "user")]
        none: bool,
    },
    Priority {
        id: i64,
        priority: String,
    },
    /// Set (or with --none clear) the date the case should be decided by.
    Due {
        id: i64,
        date: Option<String>,
        #[arg(long, conflicts_with = "date")]
        none: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum CheckCommand {
    /// The checklist of a case with its results.
    List { id: i64 },
    /// Record a result: pass, fail, not-applicable, waived (needs --note) or pending.
    Set {
        id: i64,
        item: String,
        result: String,
        #[arg(long)]
        note: Option<String>,
        /// Evidence id this result rests on (repeatable).
        #[arg(long = "evidence", value_name = "EVID")]
        evidence: Vec<i64>,
    },
}

#[derive(Subcommand, Debug)]
pub enum EvidenceCommand {
    /// Store a file as evidence of a case.
    Add {
        id: i64,
        file: PathBuf,
        /// Checklist item the file supports.
        #[arg(long)]
        item: Option<String>,
        #[arg(long)]
        description: Option<String>,
    },
    /// The evidence of a case.
    List { id: i64 },
    /// Copy an evidence file out, checking its hash on the way.
    Export {
        evid: i64,
        dest: PathBuf,
        /// Replace DEST if it exists.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum NoteCommand {
    Add { id: i64, text: String },
    List { id: i64 },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// The audit trail of a case (or `global` for users, vendors and candidates).
    Show { id: String },
}
