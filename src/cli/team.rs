//! Team mode on the command line: the store is the shared PostgreSQL database and the acting
//! person is the database login the URL (and PGPASSWORD or ~/.pgpass) signs in as. `--as` and
//! `VETDESK_USER` are refused: nobody names who acts. `team init` is the owner's; `user add`,
//! `set-role`, `deactivate` and `activate` manage logins as well as users.

use std::io::BufRead;

use vetdesk_core::model::Role;
use vetdesk_core::store::{Clock, DataDir, OpenMode, Store, StoreError};

use crate::cli::args::{Cli, Command, TeamCommand, UserCommand};
use crate::cli::context::{CliError, Ctx, Result, print_json_or, usage};
use crate::cli::unlock;

pub fn run(cli: Cli, dir: DataDir, url: &str) -> Result<u8> {
    if cli.actor.as_deref().is_some_and(|a| !a.trim().is_empty()) {
        return Err(usage(
            "in team mode the database login acts: --as and VETDESK_USER are refused (sign in as yourself through the database URL)",
        ));
    }
    let json = cli.json;
    match cli.command {
        Command::Init { .. } | Command::Demo | Command::Encrypt | Command::Passphrase(_) => {
            Err(usage(
                "this command is for a solo data directory; a team database is set up with `vetdesk team init`",
            ))
        }
        Command::Team(TeamCommand::Init) => {
            let (_store, init) =
                open(|pw| Store::team_init_with_password(dir.clone(), url, pw, Clock::system()))?;
            print_json_or(json, &init, || {
                format!(
                    "Team database ready (schema {}); {} is {}an admin.\n",
                    init.schema_version,
                    init.admin,
                    if init.added_admin { "now " } else { "" }
                )
            })?;
            Ok(0)
        }
        Command::Team(TeamCommand::Push { from_data_dir, map }) => {
            let map = vetdesk_core::store::parse_mapping(&map)?;
            let solo_dir = DataDir::new(&from_data_dir);
            if !solo_dir.database().is_file() {
                return Err(StoreError::NoDatabase(from_data_dir).into());
            }
            let key = if solo_dir.is_encrypted() {
                Some(std::sync::Arc::new(unlock::data_key(&solo_dir)?))
            } else {
                None
            };
            let solo = Store::open_with_key(solo_dir, OpenMode::MustExist, Clock::system(), key)?;
            let store = open_store(dir, url)?;
            let pushed = store.team_push(&solo, &map)?;
            print_json_or(json, &pushed, || {
                let records = pushed.rows.get("audit_log").copied().unwrap_or(0);
                let cases = pushed.rows.get("cases").copied().unwrap_or(0);
                let mut out = format!(
                    "Pushed {} into the team database: {cases} case(s), {records} audit record(s) in {} chain(s), every head unchanged; {} evidence and telemetry file(s) stored in the database.\n",
                    from_data_dir.display(),
                    pushed.heads.len(),
                    pushed.files,
                );
                for (name, login) in &pushed.logins {
                    out.push_str(&format!("  {name} -> login {login}\n"));
                }
                out
            })?;
            Ok(0)
        }
        Command::User(UserCommand::Add { name, role, display_name, password_stdin }) => {
            if !password_stdin {
                return Err(usage(
                    "a team login needs a password: pass --password-stdin and give it on standard input",
                ));
            }
            let role: Role = role.parse()?;
            let password = read_password()?;
            let store = open_store(dir, url)?;
            let display_name = display_name.unwrap_or_else(|| name.clone());
            let applied = store.team_add_member(&name, &display_name, role, &password)?;
            print_json_or(json, &applied, || {
                format!("Added login {name} ({role}); they sign in as themselves.\n")
            })?;
            Ok(0)
        }
        Command::User(UserCommand::SetRole { name, role }) => {
            let store = open_store(dir, url)?;
            let applied = store.team_set_role(&name, role.parse()?)?;
            print_json_or(json, &applied, || format!("{name} is now {role}.\n"))?;
            Ok(0)
        }
        Command::User(UserCommand::Deactivate { name }) => set_active(dir, url, json, &name, false),
        Command::User(UserCommand::Activate { name }) => set_active(dir, url, json, &name, true),
        command => {
            let store = open_store(dir, url)?;
            let login = store.team_actor()?;
            let ctx = Ctx::new(store, login, json);
            super::dispatch(&ctx, command)
        }
    }
}

/// The team store, asking for the password on the terminal when the server wants one.
fn open_store(dir: DataDir, url: &str) -> Result<Store> {
    open(|pw| Store::open_postgres_with_password(dir.clone(), url, pw, Clock::system()))
}

/// Runs `connect` without a typed password; when the server asks for one that neither the
/// URL, `PGPASSWORD` nor the password file gave, and standard input is a terminal, asks for it
/// without echo and connects once more with it. Not on a terminal, the refusal stands.
fn open<T>(connect: impl FnMut(Option<&str>) -> vetdesk_core::store::Result<T>) -> Result<T> {
    with_prompted_password(connect, unlock::stdin_is_terminal(), || {
        unlock::read_hidden_line("Password for the team database: ")
    })
}

fn with_prompted_password<T>(
    mut connect: impl FnMut(Option<&str>) -> vetdesk_core::store::Result<T>,
    terminal: bool,
    ask: impl FnOnce() -> std::io::Result<String>,
) -> Result<T> {
    match connect(None) {
        Err(StoreError::Database(e)) if e.is_password_needed() && terminal => {
            let line = ask().map_err(|source| CliError::Io {
                context: "cannot read the password".into(),
                source,
            })?;
            let password = line.trim_end_matches(['\n', '\r']);
            if password.is_empty() {
                return Err(usage("no password was typed; nothing was done"));
            }
            Ok(connect(Some(password))?)
        }
        other => Ok(other?),
    }
}

fn set_active(dir: DataDir, url: &str, json: bool, name: &str, active: bool) -> Result<u8> {
    let store = open_store(dir, url)?;
    let applied = store.team_set_active(name, active)?;
    print_json_or(json, &applied, || {
        if active {
            format!("{name} may sign in again.\n")
        } else {
            format!("{name} is deactivated and can no longer sign in.\n")
        }
    })?;
    Ok(0)
}

/// The first line of standard input, without its line break.
fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|source| CliError::Io {
        context: "cannot read the password from standard input".into(),
        source,
    })?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        return Err(usage("the password on standard input is empty; nothing was created"));
    }
    Ok(password)
}

#[cfg(test)]
mod tests {
    use super::*;
    use vetdesk_core::store::{DbError, DbErrorKind};

    fn needed() -> StoreError {
        StoreError::Database(DbError::new(
            DbErrorKind::PasswordNeeded,
            "cannot connect to rita@127.0.0.1:5432/vetdesk: invalid configuration: password missing",
        ))
    }

    /// A server that wants `right`: the tries it saw, and the outcome.
    fn against(
        right: &str,
        terminal: bool,
        typed: std::io::Result<String>,
    ) -> (Vec<Option<String>>, Result<&'static str>) {
        let mut tries = Vec::new();
        let mut asked = false;
        let outcome = with_prompted_password(
            |pw| {
                tries.push(pw.map(str::to_string));
                match pw {
                    None => Err(needed()),
                    Some(p) if p == right => Ok("signed in"),
                    Some(_) => Err(StoreError::Database(DbError::new(
                        DbErrorKind::Other,
                        "password authentication failed for user \"rita\"",
                    ))),
                }
            },
            terminal,
            || {
                asked = true;
                typed
            },
        );
        assert_eq!(asked, terminal, "the prompt is shown exactly when on a terminal");
        (tries, outcome)
    }

    #[test]
    fn on_a_terminal_the_typed_password_is_tried_without_its_line_break() {
        let (tries, outcome) = against("s3cret", true, Ok("s3cret\n".into()));
        assert_eq!(outcome.ok(), Some("signed in"));
        assert_eq!(tries, vec![None, Some("s3cret".to_string())]);
    }

    #[test]
    fn not_on_a_terminal_the_refusal_stands_and_nothing_is_read() {
        let (tries, outcome) = against("s3cret", false, Ok("never read\n".into()));
        assert_eq!(tries, vec![None]);
        let message = outcome.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("password missing"), "{message}");
    }

    #[test]
    fn a_wrong_or_empty_typed_password_is_refused_in_one_line() {
        let (_, wrong) = against("s3cret", true, Ok("guess\n".into()));
        let wrong = wrong.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(wrong.contains("password authentication failed"), "{wrong}");
        let (tries, empty) = against("s3cret", true, Ok("\n".into()));
        assert_eq!(tries, vec![None], "an empty line is not sent to the server");
        assert!(empty.err().map(|e| e.to_string()).unwrap_or_default().contains("no password"));
    }

    #[test]
    fn a_server_that_needs_no_password_is_never_prompted_for_one() {
        let mut asked = false;
        let outcome = with_prompted_password(
            |_| Ok(1),
            true,
            || {
                asked = true;
                Ok(String::new())
            },
        );
        assert_eq!(outcome.ok(), Some(1));
        assert!(!asked);
    }
}
