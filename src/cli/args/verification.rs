//! Arguments of the verification commands: MRZ, flags and links, identity documents,
//! interviews, E-Verify, references, payment details, IP addresses, indicator lists, the VoIP
//! list and vendor audits. Parsing only; `cli::verification` runs them.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Subcommand, Debug)]
pub enum VerificationCommand {
    /// Read and check a machine-readable zone (ICAO Doc 9303 TD1, TD2 or TD3) from FILE, or `-`
    /// for standard input. Exits 1 when a check fails, 2 when the text is not an MRZ.
    Mrz { file: String },
    /// Red flags of a case with their sources, and its risk score.
    Flags {
        /// Case id; leave out with --refresh to refresh every case that is not closed, or with
        /// --catalogue.
        id: Option<i64>,
        /// Re-evaluate the flags as of now and record what changed (expiries and deadlines
        /// come due with time alone).
        #[arg(long)]
        refresh: bool,
        /// List every rule with its severity and source.
        #[arg(long, conflicts_with_all = ["id", "refresh"])]
        catalogue: bool,
    },
    /// Triage an open red flag of a case: acknowledged, false-positive (needs --reason) or
    /// confirmed.
    Triage {
        case: i64,
        flag: i64,
        reading: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Other candidates sharing a phone, email, address, bank account, IP or reference contact
    /// with the candidate of a case.
    Links {
        id: i64,
        /// Everyone joined to the candidate through others too (a phone shared with B, who
        /// shares a mail drop with C), nearest first, with what joins each.
        #[arg(long)]
        cluster: bool,
    },
    /// Everything verification knows about a case.
    Verification { id: i64 },
    /// Identity documents of a case.
    #[command(subcommand)]
    Doc(DocCommand),
    /// Interviews, and the hours the candidate is reachable.
    #[command(subcommand)]
    Interview(InterviewCommand),
    /// E-Verify cases (only after the offer is accepted and Form I-9 is complete).
    #[command(subcommand)]
    Everify(EverifyCommand),
    /// References of a candidate.
    #[command(subcommand)]
    Reference(ReferenceCommand),
    /// Bank details, stored only masked and as a keyed hash.
    #[command(subcommand)]
    Payment(PaymentCommand),
    /// IP addresses the candidate was seen at.
    #[command(subcommand)]
    Ip(IpCommand),
    /// Indicator lists (CIDR ranges of VPNs, hosting, Tor, proxies, countries) and named VPN
    /// providers.
    #[command(subcommand)]
    Iplist(IpListCommand),
    /// The user-maintained list of VoIP numbers and prefixes.
    #[command(subcommand)]
    Voip(VoipCommand),
    /// Audits of staffing vendors.
    #[command(subcommand)]
    VendorAudit(VendorAuditCommand),
    /// Policy values the red-flag rules read (the vendor audit interval): recorded changes in
    /// the global chain, set by compliance or an admin with a reason.
    #[command(subcommand)]
    Policy(PolicyCommand),
}

#[derive(Subcommand, Debug)]
pub enum PolicyCommand {
    /// Every policy value in force, and who set it, when and why.
    Show,
    /// Set a policy value (compliance or admin); the cases it affects are re-evaluated in the
    /// same transaction. Keys: vendor-audit-interval-months (1 to 60, default 12);
    /// four-eyes-cleared, four-eyes-rejected, four-eyes-referred (1: who decided may not sign
    /// off; defaults 0, 1, 1); adverse-action-wait-days (the FCRA wait in business days, 1 to
    /// 30, default 5).
    Set {
        key: String,
        value: u32,
        /// Why the policy changes, kept in the audit trail.
        #[arg(long)]
        reason: String,
    },
}

#[derive(Args, Debug)]
pub struct DocArgs {
    /// passport, national_id, driver_licence, residence_permit or other.
    #[arg(long)]
    pub kind: String,
    /// Issuing country code as printed (USA, D, GBR …).
    #[arg(long)]
    pub country: String,
    #[arg(long)]
    pub number: String,
    /// Holder name as printed.
    #[arg(long)]
    pub name: String,
    #[arg(long, value_name = "DATE")]
    pub dob: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub expiry: Option<String>,
    /// File holding the machine-readable zone (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub mrz: Option<String>,
    /// Evidence id of the front scan.
    #[arg(long, value_name = "EVID")]
    pub front: Option<i64>,
    #[arg(long, value_name = "EVID")]
    pub back: Option<i64>,
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum DocCommand {
    Add {
        id: i64,
        #[command(flatten)]
        args: DocArgs,
    },
    /// Replace every field of a document (a correction).
    Update {
        id: i64,
        doc: i64,
        #[command(flatten)]
        args: DocArgs,
    },
    List {
        id: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum InterviewCommand {
    Add {
        id: i64,
        /// The day of the interview.
        #[arg(long, value_name = "DATE")]
        on: String,
        /// When it started, in UTC (HH:MM); compared with the candidate's time zone.
        #[arg(long, value_name = "HH:MM")]
        at: Option<String>,
        #[arg(long)]
        interviewer: String,
        /// The camera was not on for the whole call.
        #[arg(long)]
        camera_off: bool,
        #[arg(long)]
        refused_video: bool,
        #[arg(long)]
        audio_only: bool,
        /// Did the ID held to the camera match face and name: yes, no, unclear, not_shown.
        #[arg(long)]
        id_match: String,
        /// No liveness prompts were done.
        #[arg(long)]
        no_liveness: bool,
        /// Were the answers about location consistent: yes or no (leave out if not asked).
        #[arg(long, value_name = "yes|no")]
        location_consistent: Option<String>,
        /// Evidence id of a screenshot (repeatable).
        #[arg(long = "screenshot", value_name = "EVID")]
        screenshots: Vec<i64>,
        #[arg(long)]
        note: Option<String>,
    },
    List {
        id: i64,
    },
    /// Set the hours at which the candidate is reachable (or --none).
    Hours {
        id: i64,
        #[arg(long, value_name = "HH:MM", required_unless_present = "none")]
        from: Option<String>,
        #[arg(long, value_name = "HH:MM", required_unless_present = "none")]
        to: Option<String>,
        /// IANA time zone of the hours, e.g. America/Chicago.
        #[arg(long, required_unless_present = "none")]
        tz: Option<String>,
        #[arg(long, conflicts_with_all = ["from", "to", "tz"])]
        none: bool,
    },
}

#[derive(Args, Debug)]
pub struct EverifyArgs {
    #[arg(long)]
    pub case_number: String,
    #[arg(long, value_name = "DATE")]
    pub created: String,
    /// employment_authorized, needs_more_time, tentative_nonconfirmation, case_in_continuance,
    /// close_case_and_resubmit, final_nonconfirmation or closed.
    #[arg(long)]
    pub status: String,
    /// With a tentative nonconfirmation: dhs, ssa or both.
    #[arg(long)]
    pub agency: Option<String>,
    /// Date of the mismatch result.
    #[arg(long, value_name = "DATE")]
    pub mismatch: Option<String>,
    /// Date the Further Action Notice was given to the employee.
    #[arg(long, value_name = "DATE")]
    pub notice: Option<String>,
    /// Date the employee's decision was recorded.
    #[arg(long, value_name = "DATE")]
    pub decision: Option<String>,
    /// Whether the employee takes action: yes or no.
    #[arg(long, value_name = "yes|no")]
    pub contests: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub referred: Option<String>,
    /// Date the employee contacted SSA or DHS.
    #[arg(long, value_name = "DATE")]
    pub contacted: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub continuance: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub followed_up: Option<String>,
    #[arg(long = "evidence", value_name = "EVID")]
    pub evidence: Vec<i64>,
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum EverifyCommand {
    Add {
        id: i64,
        #[command(flatten)]
        args: EverifyArgs,
    },
    /// Replace every field of an E-Verify case: a new result, notice or referral date.
    Update {
        id: i64,
        everify: i64,
        #[command(flatten)]
        args: EverifyArgs,
    },
    /// E-Verify cases of a case with their deadlines in federal working days.
    List { id: i64 },
}

#[derive(Subcommand, Debug)]
pub enum ReferenceCommand {
    Add {
        id: i64,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        relationship: String,
        /// The company the reference speaks for.
        #[arg(long)]
        company: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    List {
        id: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum PaymentCommand {
    /// Record bank details. The account number is read from standard input (one line), never
    /// from the command line, where other users and shell history would see it.
    Add {
        id: i64,
        /// ABA routing number (9 digits).
        #[arg(long)]
        routing: String,
        #[arg(long)]
        bank: Option<String>,
        #[arg(long)]
        holder: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    List {
        id: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum IpCommand {
    Add {
        id: i64,
        ip: String,
        /// When it was seen (RFC 3339, e.g. 2026-11-02T15:04:00Z); default: now.
        #[arg(long, value_name = "TIME")]
        seen_at: Option<String>,
        /// application, interview, onboarding_login, login or other.
        #[arg(long)]
        context: String,
        #[arg(long)]
        note: Option<String>,
    },
    List {
        id: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum IpListCommand {
    /// Import a CSV with columns cidr, category, label (category vpn, hosting, tor, proxy or a
    /// country code), replacing the list of the same name. All rows or none.
    Import {
        file: PathBuf,
        /// Name of the list (default: the file name without extension).
        #[arg(long)]
        name: Option<String>,
    },
    List,
    Remove {
        name: String,
    },
    /// Which ranges contain an address.
    Check {
        ip: String,
    },
    /// Name a VPN provider: ranges whose label names it count as VPN whatever their category.
    VpnAdd {
        name: String,
        #[arg(long)]
        note: Option<String>,
    },
    VpnList,
    VpnRemove {
        id: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum VoipCommand {
    /// Add a number, or a prefix written +digits* (e.g. '+1 650 555*').
    Add {
        pattern: String,
        /// Where the knowledge comes from, e.g. "carrier lookup 2026-10: Google Voice".
        #[arg(long, default_value = "")]
        label: String,
    },
    List,
    Remove {
        id: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum VendorAuditCommand {
    /// Record an audit of a vendor's hiring practices (compliance or admin).
    Add {
        /// Vendor name or id.
        vendor: String,
        #[arg(long, value_name = "DATE")]
        on: String,
        /// satisfactory, findings or unsatisfactory.
        #[arg(long)]
        outcome: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// The audits of a vendor and when the next one is due.
    Show { vendor: String },
}
