//! Running `keys`, `checkpoint` and `verify`: the organisation's signing key sealed under a
//! passphrase, signed checkpoints of the store's root, and verification against the public key
//! and the witness file the user keeps outside the data directory.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use vetdesk_core::checkpoint::{self, SignedCheckpoint};
use vetdesk_core::store::Trust;
use vetdesk_crypto::{DataKey, KdfParams, Passphrase, WrappedKey};

use crate::cli::args::{CheckpointArgs, KeyFileArgs, KeysCommand, VerifyArgs};
use crate::cli::context::{CliError, Ctx, EXIT_CHECK_FAILED, Result, usage};
use crate::cli::render::cases as text;

const KEY_FILE: &str = "org-signing-key.json";

fn key_path(ctx: &Ctx, args: &KeyFileArgs) -> PathBuf {
    args.key_file.clone().unwrap_or_else(|| ctx.store.data_dir().root.join(KEY_FILE))
}

fn public_path(key: &Path) -> PathBuf {
    let mut name = key.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

fn io(context: String) -> impl FnOnce(std::io::Error) -> CliError {
    move |source| CliError::Io { context, source }
}

/// The passphrase: $VETDESK_KEY_PASSPHRASE, else one line of standard input.
fn passphrase() -> Result<Passphrase> {
    if let Ok(p) = std::env::var("VETDESK_KEY_PASSPHRASE") {
        return Ok(Passphrase::new(p));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(io("cannot read the passphrase from standard input".into()))?;
    Ok(Passphrase::from_line(line))
}

fn key_error(path: &Path) -> impl FnOnce(vetdesk_crypto::KeyError) -> CliError {
    let path = path.display().to_string();
    move |e| usage(format!("signing key {path}: {e}"))
}

pub fn keys(ctx: &Ctx, command: KeysCommand) -> Result<u8> {
    match command {
        KeysCommand::Init(args) => {
            let path = key_path(ctx, &args);
            if path.exists() {
                return Err(usage(format!(
                    "{} already exists: a signing key is never replaced silently (move it away first)",
                    path.display()
                )));
            }
            let phrase = passphrase()?;
            let key = DataKey::generate().map_err(|e| usage(format!("no random source: {e}")))?;
            let wrapped =
                WrappedKey::wrap(&key, &phrase, KdfParams::DESKTOP).map_err(key_error(&path))?;
            wrapped.save(&path).map_err(key_error(&path))?;
            let public = checkpoint::public_key_of(&key.signing_seed());
            std::fs::write(public_path(&path), format!("{public}\n"))
                .map_err(io(format!("cannot write {}", public_path(&path).display())))?;
            print_public(ctx, &path, &public)?;
            Ok(0)
        }
        KeysCommand::Show(args) => {
            let path = key_path(ctx, &args);
            let pub_path = public_path(&path);
            let public = std::fs::read_to_string(&pub_path)
                .map_err(io(format!("cannot read {}", pub_path.display())))?;
            let public = public.trim().to_string();
            checkpoint::parse_public_key(&public)
                .map_err(|e| usage(format!("{}: {e}", pub_path.display())))?;
            print_public(ctx, &path, &public)?;
            Ok(0)
        }
    }
}

fn print_public(ctx: &Ctx, path: &Path, public: &str) -> Result<()> {
    let fingerprint = match checkpoint::parse_public_key(public) {
        Ok(key) => checkpoint::fingerprint(&key.to_bytes()),
        Err(e) => return Err(usage(e.to_string())),
    };
    let value = serde_json::json!({
        "key_file": path.display().to_string(),
        "public_key": public,
        "fingerprint": fingerprint,
    });
    ctx.print(&value, || {
        format!(
            "Public key:  {public}\nFingerprint: {fingerprint}\nKey file:    {} (sealed under the passphrase)\n\
             Give the public key to whoever verifies: `vetdesk verify --trusted-key {public}`.\n",
            path.display()
        )
    })
}

/// Signs the store's root with the organisation key, records the checkpoint and appends it
/// to the witness file when one is given. Returns it with its place in the global chain.
pub fn sign_checkpoint(
    ctx: &Ctx,
    key: &KeyFileArgs,
    witness: Option<&Path>,
) -> Result<(SignedCheckpoint, i64)> {
    let actor = ctx.actor()?;
    let path = key_path(ctx, key);
    let wrapped = WrappedKey::load(&path).map_err(key_error(&path))?;
    let key = wrapped.unwrap(&passphrase()?).map_err(key_error(&path))?;
    let applied = ctx.store.checkpoint(actor, &key.signing_seed())?;
    let vetdesk_core::change::Change::RecordCheckpoint { checkpoint: signed } = applied.change
    else {
        return Err(usage("the store recorded something other than the checkpoint"));
    };
    if let Some(witness) = witness {
        append_witness(witness, &signed)?;
    }
    Ok((signed, applied.record.seq))
}

pub fn checkpoint(ctx: &Ctx, args: CheckpointArgs) -> Result<u8> {
    let (signed, seq) = sign_checkpoint(ctx, &args.key, args.witness.as_deref())?;
    let signed = &signed;
    ctx.print(signed, || {
        format!(
            "Signed root {} after {} ledger entries at {} (key {}), recorded as global #{}.\n{}",
            signed.root,
            signed.entries,
            signed.at,
            signed.fingerprint,
            seq,
            args.witness
                .as_ref()
                .map(|w| format!("Appended to the witness file {}.\n", w.display()))
                .unwrap_or_default()
        )
    })?;
    Ok(0)
}

/// Appends one line and syncs it: the witness is what the store is later held to.
fn append_witness(path: &Path, signed: &SignedCheckpoint) -> Result<()> {
    let context = format!("cannot append to the witness file {}", path.display());
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(io(context.clone()))?;
    writeln!(file, "{}", checkpoint::witness_line(signed)).map_err(io(context.clone()))?;
    file.sync_all().map_err(io(context))
}

pub fn verify(ctx: &Ctx, args: VerifyArgs) -> Result<u8> {
    let trusted_key = trusted_key(args.trusted_key.as_deref())?;
    let witness = match &args.witness {
        None => Vec::new(),
        Some(path) => {
            let meta = std::fs::metadata(path)
                .map_err(io(format!("cannot read the witness file {}", path.display())))?;
            if meta.len() > checkpoint::MAX_WITNESS_BYTES as u64 {
                return Err(usage(format!("witness file {}: too large", path.display())));
            }
            let text = std::fs::read_to_string(path)
                .map_err(io(format!("cannot read the witness file {}", path.display())))?;
            checkpoint::parse_witness(&text)
                .map_err(|e| usage(format!("witness file {}: {e}", path.display())))?
        }
    };
    let report = ctx.store.verify_with(&Trust { trusted_key, witness })?;
    ctx.print(&report, || text::verify(&report))?;
    if !report.ok && ctx.json {
        eprintln!("vetdesk: verify found {} problem(s)", report.problems.len());
    }
    Ok(if report.ok { 0 } else { EXIT_CHECK_FAILED })
}

/// A public key given inline (64 hex digits) or as the file that holds it (as `keys init`
/// writes it), checked.
pub fn trusted_key(given: Option<&str>) -> Result<Option<String>> {
    let Some(given) = given else { return Ok(None) };
    let text = if checkpoint::parse_public_key(given).is_ok() {
        given.to_string()
    } else {
        std::fs::read_to_string(given)
            .map_err(|_| {
                usage(format!(
                    "--trusted-key {given:?} is neither 64 hex digits nor a readable key file"
                ))
            })?
            .trim()
            .to_string()
    };
    checkpoint::parse_public_key(&text).map_err(|e| usage(format!("--trusted-key: {e}")))?;
    Ok(Some(text))
}

/// `vetdesk encrypt`: the plain directory encrypted under a new passphrase, crash-safe.
pub fn encrypt(dir: &vetdesk_core::store::DataDir, json: bool) -> Result<u8> {
    use vetdesk_core::store::encrypt::{encrypt_directory, staging_dir};
    if dir.is_encrypted() && !staging_dir(dir)?.exists() {
        return Err(usage(format!("{} is already encrypted", dir.root.display())));
    }
    let phrase = if dir.is_encrypted() {
        // Only the cleanup of an interrupted run is left: no passphrase is needed.
        Passphrase::new(String::new())
    } else {
        crate::cli::unlock::passphrase(
            crate::cli::unlock::PASSPHRASE_FILE,
            "New passphrase: ",
            true,
        )?
    };
    let outcome = encrypt_directory(dir, &phrase, KdfParams::DESKTOP)?;
    crate::cli::context::print_json_or(json, &outcome, || {
        let mut text = String::new();
        if outcome.removed_leftover {
            text.push_str("Removed the copy left by an interrupted `vetdesk encrypt`.\n");
        }
        if outcome.encrypted {
            text.push_str(&format!(
                "Encrypted {} ({} evidence file(s)); keep the passphrase safe: without it the \
                 data cannot be read.\n",
                dir.root.display(),
                outcome.evidence_files
            ));
        }
        text
    })?;
    Ok(0)
}
