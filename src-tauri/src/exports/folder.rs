//! Where export files go: the exports folder (made owner-only, with a fallback in the data
//! directory), numbered names that never replace a file, and the file the user chose in the save
//! dialog. Every file is written to a temp file beside its destination and renamed into place.

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{AppError, ErrorCode};

/// Names the exports folder, for tests and for people who keep exports elsewhere.
pub const EXPORT_DIR_ENV: &str = "VETDESK_EXPORT_DIR";
/// The folder made in the platform's documents folder.
pub const FOLDER_NAME: &str = "Vetdesk exports";

/// The default folder of exports, and where to go when it cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderChoice {
    pub preferred: PathBuf,
    pub fallback: Option<PathBuf>,
}

/// `VETDESK_EXPORT_DIR` when set (no fallback: it was asked for); else the documents folder
/// (when there is one) + `Vetdesk exports`, falling back to `<data dir>/exports`; else that.
pub fn choose_folder(
    env: Option<OsString>,
    documents: Option<PathBuf>,
    data_root: &Path,
) -> FolderChoice {
    let in_data = data_root.join("exports");
    if let Some(dir) = env.filter(|v| !v.is_empty()) {
        let dir = PathBuf::from(dir);
        // Relative to where the app was started, said once here rather than at each write.
        let dir = std::path::absolute(&dir).unwrap_or(dir);
        return FolderChoice { preferred: dir, fallback: None };
    }
    match documents {
        Some(docs) => FolderChoice { preferred: docs.join(FOLDER_NAME), fallback: Some(in_data) },
        None => FolderChoice { preferred: in_data, fallback: None },
    }
}

impl FolderChoice {
    /// From the environment and the platform's documents folder (only one that exists).
    pub fn resolve(data_root: &Path) -> Self {
        let documents = dirs::document_dir().filter(|d| d.is_dir());
        choose_folder(std::env::var_os(EXPORT_DIR_ENV), documents, data_root)
    }

    /// Makes the folder if missing (owner-only: exports carry identity documents) and returns
    /// it; the fallback is used when the preferred one cannot be made or written.
    pub fn create(&self) -> Result<PathBuf, AppError> {
        match make_private_dir(&self.preferred) {
            Ok(()) => Ok(self.preferred.clone()),
            Err(error) => match &self.fallback {
                Some(fallback) => {
                    tracing::info!(%error, "exports folder not usable; using the data directory's");
                    make_private_dir(fallback).map_err(|e| folder_error(fallback, &e))?;
                    Ok(fallback.clone())
                }
                None => Err(folder_error(&self.preferred, &error)),
            },
        }
    }

    /// The folder exports go to now, as it would be made.
    pub fn current(&self) -> PathBuf {
        match &self.fallback {
            Some(fallback) if writable_dir(&self.preferred) == Some(false) => fallback.clone(),
            _ => self.preferred.clone(),
        }
    }
}

fn folder_error(path: &Path, error: &io::Error) -> AppError {
    AppError::new(
        ErrorCode::Storage,
        format!("cannot use {} as the exports folder: {error}", path.display()),
    )
}

/// `Some(false)` when `path` exists and is not a writable folder, `None` when it is missing.
fn writable_dir(path: &Path) -> Option<bool> {
    let meta = std::fs::metadata(path).ok()?;
    Some(meta.is_dir() && !meta.permissions().readonly())
}

fn make_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)?;
    // A folder that exists but cannot take a file is found out now, not after the work.
    NamedTempFile::new_in(path).map(drop)
}

/// `stem.ext`, then `stem (2).ext`, `stem (3).ext`, … as file managers number copies.
pub fn numbered_name(stem: &str, ext: &str, n: u32) -> String {
    if n <= 1 { format!("{stem}.{ext}") } else { format!("{stem} ({n}).{ext}") }
}

/// How many numbered names are tried before giving up (a folder with that many is odd).
const MAX_NUMBER: u32 = 10_000;

/// Renames `temp` into `dir` under the first free numbered name from `first` on. The rename
/// itself refuses an existing name, so a file that appears meanwhile is never replaced.
pub fn place_new(
    mut temp: NamedTempFile,
    dir: &Path,
    stem: &str,
    ext: &str,
    first: u32,
) -> Result<(PathBuf, u32), AppError> {
    for n in first.max(1)..first.max(1) + MAX_NUMBER {
        let path = dir.join(numbered_name(stem, ext, n));
        match temp.persist_noclobber(&path) {
            Ok(_) => {
                sync_dir(dir)?;
                return Ok((path, n));
            }
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => temp = e.file,
            Err(e) => return Err(write_error(&path, &e.error)),
        }
    }
    Err(AppError::new(
        ErrorCode::Conflict,
        format!("{} already holds {MAX_NUMBER} files named {stem}…; tidy it up", dir.display()),
    ))
}

fn sync_dir(dir: &Path) -> Result<(), AppError> {
    // The rename is durable only once the folder is.
    #[cfg(unix)]
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(|e| write_error(dir, &e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

pub(crate) fn write_error(path: &Path, error: &io::Error) -> AppError {
    AppError::new(ErrorCode::Storage, format!("cannot write {}: {error}", path.display()))
}

/// Where one export goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// The exports folder, under a new numbered name.
    Folder(PathBuf),
    /// A file the user chose in the save dialog (which asked before replacing one).
    Chosen(PathBuf),
    /// A name the user typed without its extension: the dialog did not ask about the name
    /// with it, so an existing file of that name is not replaced (`x (2).pdf`).
    ChosenNew(PathBuf),
}

impl Destination {
    pub(crate) fn dir(&self) -> PathBuf {
        match self {
            Destination::Folder(dir) => dir.clone(),
            Destination::Chosen(file) | Destination::ChosenNew(file) => match file.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            },
        }
    }

    /// A temp file beside the destination, so that the final rename stays on one file system.
    pub(crate) fn temp(&self) -> Result<NamedTempFile, AppError> {
        let dir = self.dir();
        tempfile::Builder::new()
            .prefix(".vetdesk-")
            .suffix(".part")
            .tempfile_in(&dir)
            .map_err(|e| write_error(&dir, &e))
    }

    /// Moves a finished temp file to the destination; `stem.ext` names it in the folder.
    pub(crate) fn put(
        &self,
        temp: NamedTempFile,
        stem: &str,
        ext: &str,
    ) -> Result<(PathBuf, u32), AppError> {
        temp.as_file().sync_all().map_err(|e| write_error(temp.path(), &e))?;
        match self {
            Destination::Folder(dir) => place_new(temp, dir, stem, ext, 1),
            Destination::Chosen(file) => {
                temp.persist(file).map_err(|e| write_error(file, &e.error))?;
                sync_dir(&self.dir())?;
                Ok((file.clone(), 1))
            }
            Destination::ChosenNew(file) => place_new(temp, &self.dir(), &stem_of(file), ext, 1),
        }
    }

    /// A second file beside the first (the portfolio's CSV), never replacing one. In the
    /// folder the two are numbered together (`x (2).pdf` with `x (2).csv`); beside a chosen
    /// file it takes that file's name.
    pub(crate) fn put_beside(
        &self,
        temp: NamedTempFile,
        first: &Path,
        folder_stem: &str,
        number: u32,
        ext: &str,
    ) -> Result<PathBuf, AppError> {
        temp.as_file().sync_all().map_err(|e| write_error(temp.path(), &e))?;
        let placed = match self {
            Destination::Folder(dir) => place_new(temp, dir, folder_stem, ext, number),
            Destination::Chosen(_) | Destination::ChosenNew(_) => {
                place_new(temp, &self.dir(), &stem_of(first), ext, 1)
            }
        };
        placed.map(|(path, _)| path)
    }
}

fn stem_of(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The destination of a file chosen in the save dialog. A name typed without its extension
/// gets it (save dialogs do not insist), and then no file is replaced without being asked.
pub(crate) fn chosen(path: PathBuf, ext: &str) -> Destination {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext)) {
        return Destination::Chosen(path);
    }
    let mut name = path.file_name().map(OsString::from).unwrap_or_default();
    name.push(".");
    name.push(ext);
    Destination::ChosenNew(path.with_file_name(name))
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Write;

    use super::*;

    pub(crate) fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|d| d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    #[test]
    fn numbered_names_count_up_as_file_managers_do() {
        let rows = [
            ("case-12-report-2026-11-25", "pdf", 1, "case-12-report-2026-11-25.pdf"),
            ("case-12-report-2026-11-25", "pdf", 2, "case-12-report-2026-11-25 (2).pdf"),
            (
                "portfolio-2026-01-01-to-2026-03-31",
                "csv",
                10,
                "portfolio-2026-01-01-to-2026-03-31 (10).csv",
            ),
            ("x", "zip", 0, "x.zip"),
        ];
        for (stem, ext, n, want) in rows {
            assert_eq!(numbered_name(stem, ext, n), want);
        }
    }

    #[test]
    fn the_exports_folder_is_the_env_var_else_documents_else_the_data_directory() {
        let data = Path::new("/data/vetdesk");
        let docs = Some(PathBuf::from("/home/ada/Documents"));
        // (VETDESK_EXPORT_DIR, documents folder, preferred, fallback)
        type Row<'a> = (Option<&'a str>, Option<PathBuf>, &'a str, Option<&'a str>);
        let rows: Vec<Row> = vec![
            (Some("/srv/audit"), docs.clone(), "/srv/audit", None),
            (Some("/srv/audit"), None, "/srv/audit", None),
            (
                Some(""),
                docs.clone(),
                "/home/ada/Documents/Vetdesk exports",
                Some("/data/vetdesk/exports"),
            ),
            (None, docs, "/home/ada/Documents/Vetdesk exports", Some("/data/vetdesk/exports")),
            (None, None, "/data/vetdesk/exports", None),
        ];
        for (env, documents, preferred, fallback) in rows {
            let choice = choose_folder(env.map(OsString::from), documents, data);
            assert_eq!(choice.preferred, PathBuf::from(preferred), "{env:?}");
            assert_eq!(choice.fallback, fallback.map(PathBuf::from), "{env:?}");
        }
        // A relative VETDESK_EXPORT_DIR is taken from where the app started.
        let relative = choose_folder(Some("out".into()), None, data);
        assert!(relative.preferred.is_absolute() && relative.preferred.ends_with("out"));
    }

    #[cfg(unix)]
    #[test]
    fn the_folder_is_made_owner_only_and_falls_back_when_it_cannot_be() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;

        let choice =
            FolderChoice { preferred: root.path().join("Docs/Vetdesk exports"), fallback: None };
        assert_eq!(choice.current(), choice.preferred);
        let made = choice.create().unwrap();
        assert_eq!(made, choice.preferred);
        assert_eq!(mode(&made), 0o700);
        assert_eq!(names(&made), Vec::<String>::new(), "the write probe leaves nothing");

        // "Documents" is a file here: the data directory's folder is used instead.
        std::fs::write(root.path().join("NotADir"), b"x").unwrap();
        let blocked = FolderChoice {
            preferred: root.path().join("NotADir/Vetdesk exports"),
            fallback: Some(root.path().join("data/exports")),
        };
        assert_eq!(blocked.create().unwrap(), root.path().join("data/exports"));
        assert_eq!(mode(&root.path().join("data/exports")), 0o700);
        // Without a fallback the failure names the folder.
        let error = FolderChoice { fallback: None, ..blocked }.create().unwrap_err();
        assert_eq!(error.code, ErrorCode::Storage);
        assert!(error.message.contains("NotADir"), "{error}");
    }

    #[test]
    fn placing_a_file_never_replaces_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("r.pdf"), b"old").unwrap();
        std::fs::write(dir.path().join("r (2).pdf"), b"older").unwrap();
        for (content, want) in [("a", "r (3).pdf"), ("b", "r (4).pdf")] {
            let mut temp = NamedTempFile::new_in(dir.path()).unwrap();
            temp.write_all(content.as_bytes()).unwrap();
            let (path, n) = place_new(temp, dir.path(), "r", "pdf", 1).unwrap();
            assert_eq!(path.file_name().unwrap().to_string_lossy(), want);
            assert_eq!(n, numbered(want));
            assert_eq!(std::fs::read(&path).unwrap(), content.as_bytes());
        }
        assert_eq!(std::fs::read(dir.path().join("r.pdf")).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["r (2).pdf", "r (3).pdf", "r (4).pdf", "r.pdf"]);
    }

    fn numbered(name: &str) -> u32 {
        name.split_once('(').map_or(1, |(_, rest)| rest[..rest.find(')').unwrap()].parse().unwrap())
    }
}
