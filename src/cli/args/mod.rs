//! The command line as clap parses it: global options, the commands and their arguments.
//! Nothing here runs anything; `cli::run` dispatches the parsed value.

mod adverse;
mod cases;
mod keys;
mod monitoring;
mod reports;
mod retention;
mod verification;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use adverse::*;
pub use cases::*;
pub use keys::*;
pub use monitoring::*;
pub use reports::*;
pub use retention::*;
pub use verification::*;

#[derive(Subcommand, Debug)]
pub enum PassphraseCommand {
    /// Seal the data key under a new passphrase; no data is re-encrypted. The current
    /// passphrase comes from $VETDESK_PASSPHRASE_FILE, the new one from
    /// $VETDESK_NEW_PASSPHRASE_FILE; either is asked for on the terminal when not set. A key
    /// remembered in the OS keyring no longer opens the directory afterwards (it is dropped, with
    /// a notice, at the next start): remember it again.
    Change,
    /// Keep the data key in the OS keyring (Secret Service, Keychain, Credential Manager), so
    /// that this user on this computer need not type the passphrase. Asks for the passphrase.
    Remember,
    /// Remove the data key from the OS keyring; the passphrase is asked for again from then on.
    Forget,
}

#[derive(Parser, Debug)]
#[command(
    name = "vetdesk",
    version,
    about = "Vet remote IT-worker candidates: cases, checklists, evidence and a tamper-evident audit trail",
    after_help = "Data lives in --data-dir, else $VETDESK_DATA_DIR, else the platform data directory \
                  (~/.local/share/vetdesk on Linux). The acting user comes from --as or $VETDESK_USER."
)]
pub struct Cli {
    /// Data directory holding the database and evidence files.
    #[arg(long, global = true, env = "VETDESK_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The local user the command acts as (recorded in the audit trail).
    #[arg(long = "as", global = true, env = "VETDESK_USER", value_name = "USER")]
    pub actor: Option<String>,
    /// Team mode: the shared PostgreSQL database (libpq URL; the password from PGPASSWORD or
    /// ~/.pgpass, else asked on a terminal). Also `database_url` in config.toml. Who acts is then the database login.
    #[arg(long, global = true, env = "VETDESK_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run; the size of the larger variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create the data directory and database (safe to run again).
    Init {
        /// Encrypt the new data directory: a random data key sealed under a passphrase
        /// (Argon2id) in data-key.json, the database with SQLCipher, evidence files and
        /// previews with AES-256-GCM. The passphrase comes from the file named by
        /// $VETDESK_PASSPHRASE_FILE, else it is asked for on the terminal.
        #[arg(long)]
        encrypt: bool,
    },
    /// Encrypt an existing plain data directory: the encrypted copy is built and verified
    /// beside it, then swapped in with one atomic rename and the plain copy deleted. Killed at
    /// any moment, the directory is the old plain one or the new encrypted one. Close the app
    /// first. Running it again completes the cleanup of an interrupted run.
    Encrypt,
    /// The passphrase of an encrypted data directory.
    #[command(subcommand)]
    Passphrase(PassphraseCommand),
    /// Fill a new, empty data directory with the sample cohort (about forty visibly fictitious
    /// candidates, their evidence, red flags and decisions) to see what Vetdesk does. All or
    /// nothing; refuses a directory that holds anything.
    Demo,
    /// Local users and their roles.
    #[command(subcommand)]
    User(UserCommand),
    /// Staffing vendors.
    #[command(subcommand)]
    Vendor(VendorCommand),
    /// Candidates.
    #[command(subcommand)]
    Candidate(CandidateCommand),
    /// Cases: the queue, one case, status changes.
    #[command(subcommand)]
    Case(CaseCommand),
    /// The checklist of a case.
    #[command(subcommand)]
    Check(CheckCommand),
    /// Evidence files.
    #[command(subcommand)]
    Evidence(EvidenceCommand),
    /// Notes on a case.
    #[command(subcommand)]
    Note(NoteCommand),
    /// The audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Full-text search over candidates, notes and evidence descriptions.
    Search {
        /// Words to look for (all must match; the last also as a prefix).
        query: Vec<String>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Recompute every audit chain and the ledger, replay the log against the tables, re-hash
    /// every evidence file, check signed checkpoints. Exits 1 and names each problem if
    /// anything does not match; prints the root either way.
    Verify(VerifyArgs),
    /// The organisation's signing key for checkpoints.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Sign the store's root with the organisation key and record the checkpoint in the global
    /// chain (and in a witness file you keep elsewhere).
    Checkpoint(CheckpointArgs),
    /// Write the case report (PDF) of a case.
    Report(ReportArgs),
    /// Write the audit pack (ZIP) of a case: report, case data, audit chain, evidence, manifest.
    Pack(PackArgs),
    /// Check an audit pack without unpacking it (needs no data directory). Exits 1 and names
    /// each mismatch; exits 2 when the archive is unreadable or refused as unsafe.
    VerifyPack(VerifyPackArgs),
    /// Write the compliance portfolio report (PDF, and CSV with --csv) of cases opened in a period.
    Portfolio(PortfolioArgs),
    /// Record a hire: opens a monitoring case that watches the worker's sign-in and device
    /// telemetry. Hiring before the pre-hire case is cleared is recorded and raises a flag.
    Hire(HireArgs),
    /// Hired workers: accounts, devices, monitoring case.
    Employees,
    /// Sign-in and device telemetry of hired workers.
    #[command(subcommand)]
    Telemetry(TelemetryCommand),
    /// Team mode: one shared PostgreSQL database (see the README's "Team mode").
    #[command(subcommand)]
    Team(TeamCommand),
    /// How long each person is kept and why (Form I-9, EEOC, referrals, legal holds), and the
    /// erasure of those whose period has ended.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Access requests: everything held about one person.
    #[command(subcommand)]
    Person(PersonCommand),
    /// The FCRA steps when a rejection rests on a background report: pre-adverse-action
    /// notice, waiting period, adverse-action notice.
    #[command(subcommand)]
    AdverseAction(AdverseCommand),
    #[command(flatten)]
    Verification(VerificationCommand),
}

#[derive(Subcommand, Debug)]
pub enum TeamCommand {
    /// Create or upgrade the team database, its group roles, grants and triggers, and make the
    /// running login (the database owner, with CREATEROLE) the first admin. Safe to run again.
    Init,
    /// Move a solo data directory (cases, chains, evidence, everything) into a team database
    /// with no history yet, all or nothing; every chain head stays as it was. Run by an admin
    /// (on a new database, its owner, instead of `team init`).
    Push {
        /// The solo data directory (an encrypted one is unlocked with VETDESK_PASSPHRASE_FILE,
        /// the OS keyring or a typed passphrase).
        #[arg(long, value_name = "DIR")]
        from_data_dir: std::path::PathBuf,
        /// NAME=LOGIN: the team login that answers for the solo user NAME from now on (one for
        /// every user and actor of the solo directory). Repeat for each.
        #[arg(long = "map", value_name = "NAME=LOGIN")]
        map: Vec<String>,
    },
}
