//! Where the app keeps its data and its log: the data directory the CLI uses (resolved by the
//! core: `VETDESK_DATA_DIR`, else the platform data directory), created owner-only because it
//! holds identity documents, with the log beside the data.

use std::io;
use std::path::{Path, PathBuf};

use vetdesk_core::store::DataDir;

#[derive(Debug, Clone)]
pub struct Paths {
    pub data: DataDir,
    pub log_dir: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum PathsError {
    #[error("{0}")]
    Resolve(String),
    #[error("cannot create {path}: {source}")]
    Create { path: PathBuf, source: io::Error },
}

impl Paths {
    /// Resolves the data directory exactly as the CLI does, without touching the disk.
    pub fn resolve() -> Result<Self, PathsError> {
        let data = DataDir::resolve(None).map_err(|e| PathsError::Resolve(e.to_string()))?;
        Ok(Self::in_dir(data))
    }

    pub fn in_dir(data: DataDir) -> Self {
        // Logs live inside the data directory so that one folder holds everything the app
        // wrote, and a test run with its own data directory leaves nothing elsewhere.
        let log_dir = data.root.join("logs");
        Self { data, log_dir }
    }

    /// Creates both directories if missing (owner-only on Unix).
    pub fn create(&self) -> Result<(), PathsError> {
        create_private_dir(&self.data.root)?;
        create_private_dir(&self.log_dir)
    }
}

fn create_private_dir(path: &Path) -> Result<(), PathsError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path).map_err(|source| PathsError::Create { path: path.to_path_buf(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_live_in_the_data_directory() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::in_dir(DataDir::new(dir.path()));
        assert_eq!(paths.data.root, dir.path());
        assert_eq!(paths.log_dir, dir.path().join("logs"));
    }

    #[cfg(unix)]
    #[test]
    fn created_directories_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let paths = Paths::in_dir(DataDir::new(root.path().join("data")));
        paths.create().unwrap();
        for dir in [&paths.data.root, &paths.log_dir] {
            let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "{}", dir.display());
        }
        // Creating again is not an error.
        paths.create().unwrap();
    }
}
