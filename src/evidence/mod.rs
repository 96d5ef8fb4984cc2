//! (filled in by its own change)
use std::path::{Path, PathBuf};

/// Where the bytes of a stored file live: `evidence/<first 2 hex>/<sha256>`.
pub fn stored_path(data_dir: &Path, sha256: &str) -> PathBuf {
    let prefix = sha256.get(..2).unwrap_or("00");
    data_dir.join("evidence").join(prefix).join(sha256)
}

/// Re-hashes a stored file; `None` when it is intact, else what is wrong with it.
pub fn check_stored(data_dir: &Path, sha256: &str, size: u64) -> Option<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let path = stored_path(data_dir, sha256);
    let mut file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => return Some(format!("the file is missing ({e})")),
    };
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                hasher.update(&buf[..n]);
                total += n as u64;
            }
            Err(e) => return Some(format!("the file cannot be read ({e})")),
        }
    }
    let actual = hex::encode(hasher.finalize());
    if total != size {
        Some(format!("the file has {total} bytes, not the {size} recorded"))
    } else if actual != sha256 {
        Some(format!("the content changed: it now hashes to {actual}"))
    } else {
        None
    }
}
