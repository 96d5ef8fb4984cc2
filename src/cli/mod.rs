//! The `vetdesk` command line: every store operation, for scripting and for people who prefer
//! a terminal. Read commands print a table or, with `--json`, the value itself. Exit codes:
//! 0 done, 1 a check failed (e.g. `verify` found tampering), 2 bad input or usage.
//!
//! Imports point one way: `args` (what clap parses) and `context` (store, actor, output,
//! errors) know nothing of the rest; `render` makes text from core values; the runners
//! (`cases`, `verification`, `reports`, `keys`, `monitoring`) use those three; this file dispatches to the runners.

mod adverse;
mod args;
mod cases;
mod context;
mod keys;
mod monitoring;
mod render;
mod reports;
mod retention;
mod team;
mod unlock;
mod verification;

pub use args::Cli;
pub use context::EXIT_BAD_INPUT;

use std::sync::Arc;

use args::{Command, PassphraseCommand, VerificationCommand};
pub use context::terminal_safe;
use context::{Ctx, Result};
use unlock::{NEW_PASSPHRASE_FILE, PASSPHRASE_FILE, passphrase};
use vetdesk_core::store::{Clock, DataDir, OpenMode, Store};
use vetdesk_crypto::KdfParams;

/// `dir`, refused unless it is encrypted (for the `passphrase` commands).
fn encrypted(dir: DataDir) -> Result<DataDir> {
    if !dir.is_encrypted() {
        return Err(context::usage(format!(
            "{} is not encrypted (see `vetdesk encrypt`)",
            dir.root.display()
        )));
    }
    Ok(dir)
}

/// Runs a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> Result<u8> {
    // An auditor checks a pack on any machine: no data directory needed.
    if let Command::VerifyPack(args) = cli.command {
        return reports::verify_pack(cli.json, args);
    }
    // Reading an MRZ needs no data directory.
    if let Command::Verification(VerificationCommand::Mrz { file }) = &cli.command {
        return verification::mrz(file, cli.json);
    }
    let dir = DataDir::resolve(cli.data_dir.as_deref())?;
    // Team mode: a database URL from the command line, the environment or config.toml.
    let configured = vetdesk_core::store::Config::load(&dir.config_file()).ok();
    let team_url = cli
        .database_url
        .clone()
        .filter(|u| !u.trim().is_empty())
        .or_else(|| configured.and_then(|c| c.database_url));
    if let Some(url) = team_url {
        return team::run(cli, dir, &url);
    }
    if let Command::Team(_) = cli.command {
        return Err(context::usage(
            "`vetdesk team` needs the team database: pass --database-url URL or set VETDESK_DATABASE_URL",
        ));
    }
    if let Command::User(args::UserCommand::Add { password_stdin: true, .. }) = cli.command {
        return Err(context::usage(
            "--password-stdin is for team mode (a database login); a solo user has no password",
        ));
    }
    if let Command::Demo = cli.command {
        // Before anything is created: sample data never lands beside real work.
        cases::ensure_empty_dir(&dir.root)?;
    }
    // Commands on the key itself, before (and instead of) opening the store.
    match cli.command {
        Command::Encrypt => return keys::encrypt(&dir, cli.json),
        Command::Passphrase(PassphraseCommand::Change) => {
            let dir = encrypted(dir)?;
            let old = passphrase(PASSPHRASE_FILE, "Current passphrase: ", false)?;
            // Checked before the new one is asked for: a wrong one is told at once.
            let key = dir.unlock(&old)?;
            drop(old);
            let new = passphrase(NEW_PASSPHRASE_FILE, "New passphrase: ", true)?;
            dir.change_passphrase(&key, &new, KdfParams::DESKTOP)?;
            let done = serde_json::json!({ "data_dir": dir.root, "key_file": dir.key_file() });
            context::print_json_or(cli.json, &done, || {
                "Passphrase changed; the data was not re-encrypted.\n".to_string()
            })?;
            return Ok(0);
        }
        Command::Passphrase(PassphraseCommand::Remember) => {
            let dir = encrypted(dir)?;
            let phrase = passphrase(PASSPHRASE_FILE, "Passphrase: ", false)?;
            let key = dir.unlock(&phrase)?;
            drop(phrase);
            dir.remember_key(&key)?
                .map_err(|e| context::usage(format!("nothing remembered: {e}")))?;
            let done = serde_json::json!({ "data_dir": dir.root, "remembered": true });
            context::print_json_or(cli.json, &done, || {
                "The data key is kept in the OS keyring: this user on this computer opens the \
                 directory without the passphrase (`vetdesk passphrase forget` to undo).\n"
                    .to_string()
            })?;
            return Ok(0);
        }
        Command::Passphrase(PassphraseCommand::Forget) => {
            let dir = encrypted(dir)?;
            let forgot = dir.forget_key()?.map_err(|e| context::usage(e.to_string()))?;
            let done = serde_json::json!({ "data_dir": dir.root, "forgotten": forgot });
            context::print_json_or(cli.json, &done, || {
                if forgot {
                    "The data key was removed from the OS keyring.\n".to_string()
                } else {
                    "The OS keyring held no key for this data directory.\n".to_string()
                }
            })?;
            return Ok(0);
        }
        _ => {}
    }
    let mode = match cli.command {
        Command::Init { .. } | Command::Demo => OpenMode::CreateIfMissing,
        _ => OpenMode::MustExist,
    };
    let key = if let Command::Init { encrypt: true } = cli.command
        && !dir.is_encrypted()
    {
        let phrase = passphrase(PASSPHRASE_FILE, "New passphrase: ", true)?;
        Some(dir.create_key(&phrase, KdfParams::DESKTOP)?)
    } else if dir.is_encrypted() {
        // The passphrase is asked for only once a database is known to be there.
        if mode == OpenMode::MustExist && !dir.database().is_file() {
            return Err(vetdesk_core::store::StoreError::NoDatabase(dir.root).into());
        }
        Some(unlock::data_key(&dir)?)
    } else {
        None
    };
    let store = Store::open_with_key(dir, mode, Clock::system(), key.map(Arc::new))?;
    let ctx = Ctx::new(store, cli.actor, cli.json);
    dispatch(&ctx, cli.command)
}

/// Runs a command on an open store.
fn dispatch(ctx: &Ctx, command: Command) -> Result<u8> {
    match command {
        Command::Init { .. } => cases::init(ctx),
        Command::Encrypt | Command::Passphrase(_) => Ok(EXIT_BAD_INPUT),
        Command::Demo => cases::demo(ctx),
        Command::User(c) => cases::user(ctx, c),
        Command::Vendor(c) => cases::vendor(ctx, c),
        Command::Candidate(c) => cases::candidate(ctx, c),
        Command::Case(c) => cases::case(ctx, c),
        Command::Check(c) => cases::check(ctx, c),
        Command::Evidence(c) => cases::evidence(ctx, c),
        Command::Note(c) => cases::note(ctx, c),
        Command::Audit(c) => cases::audit(ctx, c),
        Command::Search { query, limit } => cases::search(ctx, &query.join(" "), limit),
        Command::Verify(a) => keys::verify(ctx, a),
        Command::Keys(c) => keys::keys(ctx, c),
        Command::Checkpoint(a) => keys::checkpoint(ctx, a),
        Command::Report(a) => reports::report(ctx, a),
        Command::Pack(a) => reports::pack(ctx, a),
        Command::Portfolio(a) => reports::portfolio(ctx, a),
        // Handled above, before a store is opened.
        Command::VerifyPack(_) | Command::Team(_) => Ok(EXIT_BAD_INPUT),
        Command::Verification(c) => verification::run(ctx, c),
        Command::Hire(a) => monitoring::hire(ctx, a),
        Command::Employees => monitoring::employees(ctx),
        Command::Telemetry(c) => monitoring::telemetry(ctx, c),
        Command::Retention(c) => retention::run(ctx, c),
        Command::Person(c) => retention::person(ctx, c),
        Command::AdverseAction(c) => adverse::run(ctx, c),
    }
}
