//! Arguments of the document commands: `report`, `pack`, `verify-pack` and `portfolio`.
//! Parsing only; `cli::reports` runs them.

use std::path::PathBuf;

use clap::Args;

use super::KeyFileArgs;

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
    /// Sign a checkpoint with the organisation key first (as `vetdesk checkpoint`), so that
    /// the pack's whole chain is covered by a signature.
    #[arg(long)]
    pub checkpoint: bool,
    #[command(flatten)]
    pub key: KeyFileArgs,
    /// With --checkpoint: append the signed checkpoint to this witness file too.
    #[arg(long, value_name = "FILE", requires = "checkpoint")]
    pub witness: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct VerifyPackArgs {
    /// The audit pack to check.
    #[arg(value_name = "FILE.zip")]
    pub file: PathBuf,
    /// The organisation's public key (64 hex digits, or a file holding them): the pack must
    /// carry a checkpoint signed by it that covers the case's records.
    #[arg(long, value_name = "PUB")]
    pub trusted_key: Option<String>,
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
