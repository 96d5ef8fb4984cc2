//! The two files every audit pack of this Vetdesk version carries byte for byte: the README
//! an auditor reads first and the Python script it tells them to run. Their SHA-256 values
//! are published in the README of the repository and printed in every case report, so that an
//! auditor can compare a pack's copies with values obtained independently of the pack before
//! running anything from it; `verify-pack` compares them with these bytes.

/// `README.txt` of every pack: the same text in every pack of this version (what is particular
/// to one pack is in `manifest.json`).
pub const README_TXT: &str = include_str!("pack/README.txt");
/// `verify_chain.py` of every pack.
pub const VERIFY_CHAIN_PY: &str = include_str!("pack/verify_chain.py");

/// SHA-256 of [`README_TXT`], as published.
pub const README_TXT_SHA256: &str =
    "ebdc2a2463f200685b5467499e932cb15dec7df855a54b9601fef0882359a93c";
/// SHA-256 of [`VERIFY_CHAIN_PY`], as published.
pub const VERIFY_CHAIN_PY_SHA256: &str =
    "ac2c88dec085cb55d4399445771d91362b54b3b44e4ec619a0ec324652872334";

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    /// Editing either file without publishing its new hash (here, in the README of the
    /// repository and in the pack README) fails here.
    #[test]
    fn the_published_hashes_are_the_hashes_of_the_shipped_bytes() {
        assert_eq!(hex::encode(Sha256::digest(README_TXT)), README_TXT_SHA256);
        assert_eq!(hex::encode(Sha256::digest(VERIFY_CHAIN_PY)), VERIFY_CHAIN_PY_SHA256);
        assert!(README_TXT.contains(VERIFY_CHAIN_PY_SHA256), "the README names the script's hash");
        let version = format!("Vetdesk {}", env!("CARGO_PKG_VERSION"));
        assert!(README_TXT.contains(&version), "the README names {version}");
        let repo_readme = include_str!("../../../README.md");
        for hash in [README_TXT_SHA256, VERIFY_CHAIN_PY_SHA256] {
            assert!(repo_readme.contains(hash), "README.md does not publish {hash}");
        }
    }
}
