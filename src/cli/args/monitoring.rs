//! Arguments of the commands after the hire: `hire`, `employees`, `telemetry`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Args, Debug)]
pub struct HireArgs {
    /// The candidate's vetting (pre-hire) case; with --terminated, their monitoring case or
    /// vetting case.
    #[arg(required_unless_present = "existing")]
    pub case: Option<i64>,
    /// First working day.
    #[arg(long, value_name = "DATE", required_unless_present = "terminated")]
    pub start: Option<String>,
    /// A work account as the identity provider knows it: email address or UPN (repeatable).
    #[arg(long = "account", value_name = "NAME")]
    pub accounts: Vec<String>,
    /// A company device: its serial, optionally with its host name (repeatable).
    #[arg(long = "device", value_name = "SERIAL[=HOSTNAME]")]
    pub devices: Vec<String>,
    /// Record the termination date of a worker already hired.
    #[arg(long, value_name = "DATE", conflicts_with_all = ["start", "existing", "accounts", "devices"])]
    pub terminated: Option<String>,
    /// A current employee who never had a pre-hire case (give --name).
    #[arg(long, conflicts_with = "case", requires = "name")]
    pub existing: bool,
    /// Full legal name of the existing employee.
    #[arg(long, requires = "existing")]
    pub name: Option<String>,
    /// Where the existing employee says they work from ("Austin, TX").
    #[arg(long = "location", requires = "existing")]
    pub location: Option<String>,
    /// IANA time zone of the existing employee, e.g. America/Chicago.
    #[arg(long, requires = "existing")]
    pub time_zone: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum TelemetryCommand {
    /// Import a sign-in or device export (okta, entra, workspace, osquery, csv). All or
    /// nothing: a file with any bad record is refused with each one named. Importing the same
    /// events again adds nothing. The file is kept as evidence.
    Import {
        file: PathBuf,
        /// The export's format; sniffed from its content when left out.
        #[arg(long)]
        format: Option<String>,
    },
    /// Events that matched no employee by account or device.
    Unmatched {
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// The telemetry files imported.
    Imports,
}
