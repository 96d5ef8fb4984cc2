//! Filesystem steps the store's guarantees rest on: temp files with unguessable names, created
//! exclusively and locked while in use (so a cleaner can tell a live one from the leftover of a
//! killed process); fsync of files and of the directories that name them; read-only modes.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use rand::Rng;
use tempfile::NamedTempFile;

/// Every temp file this module creates ends so; the cleaner touches nothing else.
pub(crate) const TEMP_SUFFIX: &str = ".part";

/// A file being written under a temporary name, deleted on drop unless persisted.
pub(crate) struct TempFile {
    inner: NamedTempFile,
}

impl TempFile {
    /// Creates `<dir>/.vetdesk-<purpose>-<32 random hex>.part` with `O_EXCL` and mode 0600.
    /// The random part comes from the operating-system-seeded CSPRNG (tempfile's own names come
    /// from a fast, predictable generator), so another local user cannot pre-create the name.
    pub(crate) fn create_in(dir: &Path, purpose: &str) -> io::Result<TempFile> {
        let mut random = [0u8; 16];
        rand::rng().fill(&mut random);
        let prefix = format!(".vetdesk-{purpose}-{}", hex::encode(random));
        let inner = tempfile::Builder::new()
            .prefix(&prefix)
            .suffix(TEMP_SUFFIX)
            .rand_bytes(0)
            .tempfile_in(dir)?;
        // Best effort: where the filesystem has no flock, the cleaner falls back on age alone.
        if let Err(e) = lock_exclusive(inner.as_file()) {
            tracing::debug!(path = %inner.path().display(), "temp file not locked: {e}");
        }
        Ok(TempFile { inner })
    }

    pub(crate) fn file(&mut self) -> &mut File {
        self.inner.as_file_mut()
    }

    pub(crate) fn path(&self) -> &Path {
        self.inner.path()
    }

    /// Renames onto `target` unless a file of that name exists (then the error is
    /// `AlreadyExists` and the temp file comes back untouched).
    pub(crate) fn persist_new(self, target: &Path) -> Result<(), (io::Error, TempFile)> {
        self.inner
            .persist_noclobber(target)
            .map(drop)
            .map_err(|e| (e.error, TempFile { inner: e.file }))
    }

    /// Renames onto `target`, atomically replacing whatever file had that name.
    pub(crate) fn persist_replace(self, target: &Path) -> io::Result<()> {
        self.inner.persist(target).map(drop).map_err(|e| e.error)
    }
}

/// Creates `dir` and any missing parents (mode 0700: evidence is personal data), and fsyncs the
/// parent of every directory it creates so that the new names survive a power cut.
pub(crate) fn create_dir_durable(dir: &Path) -> io::Result<()> {
    if fs::metadata(dir).map(|m| m.is_dir()).unwrap_or(false) {
        return Ok(());
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_dir_durable(parent)?;
    }
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    match builder.create(dir) {
        Ok(()) => {}
        // Another process made it between our look and our create: just as good.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => return Ok(()),
        Err(e) => return Err(e),
    }
    match dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) => fsync_dir(parent),
        None => Ok(()),
    }
}

/// Makes a directory's entries (a rename, a new file) durable. Windows has no equivalent call;
/// NTFS journals metadata itself.
pub(crate) fn fsync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Stored evidence is never written again: owner read-only.
pub(crate) fn set_read_only(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o400))
    }
    #[cfg(not(unix))]
    {
        let mut perms = file.metadata()?.permissions();
        perms.set_readonly(true);
        file.set_permissions(perms)
    }
}

/// Why a file could not be opened as a regular file.
pub(crate) enum OpenFailure {
    NotFound,
    NotRegular(&'static str),
    Io(io::Error),
}

/// Opens a regular file for reading and returns its metadata, taken from the open handle so
/// that what was checked is what is read. `O_NONBLOCK` keeps a named pipe from hanging the
/// open; with `follow_symlinks` false a symbolic link is refused instead of followed.
pub(crate) fn open_regular(
    path: &Path,
    follow_symlinks: bool,
) -> Result<(File, Metadata), OpenFailure> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = OFlags::NONBLOCK;
        if !follow_symlinks {
            flags |= OFlags::NOFOLLOW;
        }
        opts.custom_flags(flags.bits() as i32);
    }
    let file = match opts.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(OpenFailure::NotFound),
        Err(e) => {
            // ELOOP from O_NOFOLLOW: say what it is rather than "too many levels of links".
            if !follow_symlinks
                && fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
            {
                return Err(OpenFailure::NotRegular("a symbolic link"));
            }
            return Err(OpenFailure::Io(e));
        }
    };
    let meta = file.metadata().map_err(OpenFailure::Io)?;
    if !meta.is_file() {
        return Err(OpenFailure::NotRegular(kind_of(&meta)));
    }
    Ok((file, meta))
}

fn kind_of(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    if t.is_symlink() {
        return "a symbolic link";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    "not a regular file"
}

/// Whether some process (this one included, through another handle) holds a temp file open.
pub(crate) enum LockState {
    Held,
    Free,
    Unknown,
}

pub(crate) fn lock_state(path: &Path) -> LockState {
    let Ok((file, _)) = open_regular(path, false) else {
        return LockState::Unknown;
    };
    match lock_exclusive(&file) {
        Ok(()) => LockState::Free, // released when `file` closes
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => LockState::Held,
        Err(_) => LockState::Unknown,
    }
}

/// Non-blocking exclusive `flock`. It belongs to the open file description, so two handles on
/// the same file conflict even within one process — which is what the cleaner needs.
fn lock_exclusive(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use rustix::fs::{FlockOperation, flock};
        flock(file, FlockOperation::NonBlockingLockExclusive).map_err(io::Error::from)
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        Err(io::Error::new(io::ErrorKind::Unsupported, "no flock here"))
    }
}

/// The directory a user-given destination lives in ("." for a bare file name).
pub(crate) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
