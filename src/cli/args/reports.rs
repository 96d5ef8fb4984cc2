//! Arguments of the document commands: `report`, `pack`, `verify-pack` and `portfolio`.
//! Parsing only; `cli::reports` runs them.

use std::path::PathBuf;

use clap::Args;

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
}

#[derive(Args, Debug)]
pub struct VerifyPackArgs {
    /// The audit pack to check.
    #[arg(value_name = "FILE.zip")]
    pub file: PathBuf,
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
