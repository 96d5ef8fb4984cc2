//! Where the app keeps its data and its log: the same data directory the CLI uses
//! (`VETDESK_DATA_DIR`, else the platform data directory), created owner-only because it holds
//! identity documents.

use std::io;
use std::path::{Path, PathBuf};

/// The environment variable that overrides the data directory (tests, portable installs).
pub const DATA_DIR_ENV: &str = "VETDESK_DATA_DIR";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum PathsError {
    #[error("no data directory: set {DATA_DIR_ENV}, the platform has no standard one")]
    NoDataDir,
    #[error("{DATA_DIR_ENV} must be an absolute path, got {0:?}")]
    RelativeDataDir(PathBuf),
    #[error("cannot create {path}: {source}")]
    Create { path: PathBuf, source: io::Error },
}

impl Paths {
    /// Resolves the directories from the environment without touching the disk.
    pub fn resolve(env_data_dir: Option<PathBuf>) -> Result<Self, PathsError> {
        let data_dir = match env_data_dir.filter(|p| !p.as_os_str().is_empty()) {
            Some(dir) if dir.is_absolute() => dir,
            Some(dir) => return Err(PathsError::RelativeDataDir(dir)),
            None => dirs::data_dir().ok_or(PathsError::NoDataDir)?.join("vetdesk"),
        };
        // Logs live inside the data directory so that one folder holds everything the app
        // wrote, and a test run with its own data directory leaves nothing elsewhere.
        let log_dir = data_dir.join("logs");
        Ok(Self { data_dir, log_dir })
    }

    /// Resolves from the real environment.
    pub fn from_env() -> Result<Self, PathsError> {
        Self::resolve(std::env::var_os(DATA_DIR_ENV).map(PathBuf::from))
    }

    /// Creates both directories if missing (owner-only on Unix).
    pub fn create(&self) -> Result<(), PathsError> {
        create_private_dir(&self.data_dir)?;
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
    fn data_dir_comes_from_the_environment_first() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::resolve(Some(dir.path().to_path_buf())).unwrap();
        assert_eq!(paths.data_dir, dir.path());
        assert_eq!(paths.log_dir, dir.path().join("logs"));
    }

    #[test]
    fn unset_or_empty_variable_falls_back_to_the_platform_directory() {
        for env in [None, Some(PathBuf::new())] {
            let paths = Paths::resolve(env).unwrap();
            assert!(paths.data_dir.ends_with("vetdesk"), "{paths:?}");
            assert!(paths.data_dir.is_absolute());
        }
    }

    #[test]
    fn relative_data_dir_is_refused() {
        let error = Paths::resolve(Some(PathBuf::from("data"))).unwrap_err();
        assert!(matches!(error, PathsError::RelativeDataDir(_)), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn created_directories_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let paths = Paths::resolve(Some(root.path().join("data"))).unwrap();
        paths.create().unwrap();
        for dir in [&paths.data_dir, &paths.log_dir] {
            let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "{}", dir.display());
        }
        // Creating again is not an error.
        paths.create().unwrap();
    }
}
