//! Team mode on the command line: the store is the shared PostgreSQL database and the acting
//! person is the database login the URL (and PGPASSWORD or ~/.pgpass) signs in as. `--as` and
//! `VETDESK_USER` are refused: nobody names who acts. `team init` is the owner's; `user add`,
//! `set-role`, `deactivate` and `activate` manage logins as well as users.

use std::io::BufRead;

use vetdesk_core::model::Role;
use vetdesk_core::store::{Clock, DataDir, Store};

use crate::cli::args::{Cli, Command, TeamCommand, UserCommand};
use crate::cli::context::{CliError, Ctx, Result, print_json_or, usage};

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
            let (_store, init) = Store::team_init(dir, url, Clock::system())?;
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
        Command::User(UserCommand::Add { name, role, display_name, password_stdin }) => {
            if !password_stdin {
                return Err(usage(
                    "a team login needs a password: pass --password-stdin and give it on standard input",
                ));
            }
            let role: Role = role.parse()?;
            let password = read_password()?;
            let store = Store::open_postgres(dir, url, Clock::system())?;
            let display_name = display_name.unwrap_or_else(|| name.clone());
            let applied = store.team_add_member(&name, &display_name, role, &password)?;
            print_json_or(json, &applied, || {
                format!("Added login {name} ({role}); they sign in as themselves.\n")
            })?;
            Ok(0)
        }
        Command::User(UserCommand::SetRole { name, role }) => {
            let store = Store::open_postgres(dir, url, Clock::system())?;
            let applied = store.team_set_role(&name, role.parse()?)?;
            print_json_or(json, &applied, || format!("{name} is now {role}.\n"))?;
            Ok(0)
        }
        Command::User(UserCommand::Deactivate { name }) => set_active(dir, url, json, &name, false),
        Command::User(UserCommand::Activate { name }) => set_active(dir, url, json, &name, true),
        command => {
            let store = Store::open_postgres(dir, url, Clock::system())?;
            let login = store.team_login().map(str::to_string);
            let ctx = Ctx::new(store, login, json);
            super::dispatch(&ctx, command)
        }
    }
}

fn set_active(dir: DataDir, url: &str, json: bool, name: &str, active: bool) -> Result<u8> {
    let store = Store::open_postgres(dir, url, Clock::system())?;
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
