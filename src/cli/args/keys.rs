//! Arguments of the signed-checkpoint commands: `keys`, `checkpoint`, and `verify`'s trust.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Make the organisation's Ed25519 signing key, sealed under a passphrase (Argon2id), and
    /// print its public key. The passphrase comes from $VETDESK_KEY_PASSPHRASE, else one line
    /// of standard input. Refuses to replace an existing key file.
    Init(KeyFileArgs),
    /// Print the public key of the key file (from its `.pub` companion; no passphrase).
    Show(KeyFileArgs),
}

#[derive(Args, Debug)]
pub struct KeyFileArgs {
    /// The sealed key file (default: org-signing-key.json in the data directory).
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct CheckpointArgs {
    #[command(flatten)]
    pub key: KeyFileArgs,
    /// Append the signed checkpoint to this witness file, kept outside the data directory.
    #[arg(long, value_name = "FILE")]
    pub witness: Option<PathBuf>,
}

#[derive(Args, Debug, Default)]
pub struct VerifyArgs {
    /// The organisation's public key (64 hex digits, or a file holding them): the newest
    /// checkpoint in the log must be signed by it.
    #[arg(long, value_name = "PUB")]
    pub trusted_key: Option<String>,
    /// A witness file written by `vetdesk checkpoint --witness`: every checkpoint in it must
    /// be signed by the trusted key and still be a prefix of the store's ledger.
    #[arg(long, value_name = "FILE", requires = "trusted_key")]
    pub witness: Option<PathBuf>,
}
