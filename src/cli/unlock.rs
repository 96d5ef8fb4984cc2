//! The passphrase of an encrypted data directory: read from the file named by
//! `VETDESK_PASSPHRASE_FILE` (scripts, tests), else the key remembered in the OS keyring
//! (`vetdesk passphrase remember`), else typed on the terminal without echo. The
//! passphrase is never taken from an argument or an environment value, which other local
//! users may see in the process list.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use vetdesk_core::store::{DataDir, FromKeyring};
use vetdesk_crypto::{DataKey, Passphrase};

use crate::cli::context::{CliError, Result, usage};

pub const PASSPHRASE_FILE: &str = "VETDESK_PASSPHRASE_FILE";
/// The new passphrase of `vetdesk passphrase change`, when not typed.
pub const NEW_PASSPHRASE_FILE: &str = "VETDESK_NEW_PASSPHRASE_FILE";

/// The data key of the encrypted `dir`: unwrapped with the passphrase file when one is named,
/// else read from the OS keyring, else unwrapped with the passphrase typed on the terminal. A
/// stale keyring entry (the passphrase was changed since) is dropped with a one-line notice.
pub fn data_key(dir: &DataDir) -> Result<DataKey> {
    if std::env::var_os(PASSPHRASE_FILE).is_none_or(|p| p.is_empty()) {
        match dir.unlock_from_keyring()? {
            FromKeyring::Unlocked(key) => return Ok(key),
            FromKeyring::Dropped(notice) => eprintln!("vetdesk: {notice}"),
            FromKeyring::NotRemembered | FromKeyring::Unavailable(_) => {}
        }
    }
    let phrase = passphrase(PASSPHRASE_FILE, "Passphrase: ", false)?;
    Ok(dir.unlock(&phrase)?)
}

/// The passphrase from the file `$env` names, else asked on the terminal with `prompt`
/// (twice with `confirm`, for a new one).
pub fn passphrase(env: &str, prompt: &str, confirm: bool) -> Result<Passphrase> {
    if let Some(path) = std::env::var_os(env).filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        let text = std::fs::read_to_string(&path).map_err(|source| CliError::Io {
            context: format!("cannot read the passphrase file {} (${env})", path.display()),
            source,
        })?;
        let phrase = Passphrase::from_line(text);
        if phrase.is_empty() {
            return Err(usage(format!("the passphrase file {} (${env}) is empty", path.display())));
        }
        return Ok(phrase);
    }
    let first = prompt_hidden(env, prompt)?;
    if confirm {
        let again = prompt_hidden(env, "Type it again: ")?;
        if !first.same_as(&again) {
            return Err(usage("the two passphrases differ; nothing was changed"));
        }
    }
    if first.is_empty() {
        return Err(usage("the passphrase is empty; nothing was changed"));
    }
    Ok(first)
}

#[cfg(unix)]
fn prompt_hidden(env: &str, prompt: &str) -> Result<Passphrase> {
    if !stdin_is_terminal() {
        return Err(usage(format!(
            "this data directory is encrypted: set {env} to a file holding the passphrase, run \
             on a terminal to type it, or keep it in the OS keyring (`vetdesk passphrase remember`)"
        )));
    }
    let line = read_hidden_line(prompt)
        .map_err(|source| CliError::Io { context: "cannot read the passphrase".into(), source })?;
    Ok(Passphrase::from_line(line))
}

/// Whether standard input is a terminal someone can type at.
#[cfg(unix)]
pub fn stdin_is_terminal() -> bool {
    rustix::termios::isatty(rustix::stdio::stdin())
}

#[cfg(not(unix))]
pub fn stdin_is_terminal() -> bool {
    false
}

/// Shows `prompt` on standard error and reads one line from the terminal on standard input
/// with echo off (the line break still shown); echo comes back whatever happened.
#[cfg(unix)]
pub fn read_hidden_line(prompt: &str) -> std::io::Result<String> {
    use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
    let stdin = rustix::stdio::stdin();
    let saved = tcgetattr(stdin)?;
    let mut quiet = saved.clone();
    quiet.local_modes.remove(LocalModes::ECHO);
    quiet.local_modes.insert(LocalModes::ECHONL);
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    tcsetattr(stdin, OptionalActions::Flush, &quiet)?;
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    // Echo back on whatever happened.
    let _ = tcsetattr(stdin, OptionalActions::Flush, &saved);
    read.map(|_| line)
}

#[cfg(not(unix))]
pub fn read_hidden_line(prompt: &str) -> std::io::Result<String> {
    let _ = prompt;
    Err(std::io::Error::other("no terminal prompt on this system"))
}

#[cfg(not(unix))]
fn prompt_hidden(env: &str, prompt: &str) -> Result<Passphrase> {
    let _ = prompt;
    Err(usage(format!(
        "this data directory is encrypted: set {env} to a file holding the passphrase"
    )))
}
