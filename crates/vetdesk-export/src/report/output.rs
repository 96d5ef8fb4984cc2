//! Writing a finished document to the user's chosen path: through a temp file beside it,
//! fsynced and renamed, so the path holds either what was there before or the whole new file,
//! never half of one — also when the process is killed while a 5 GiB pack is streaming.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::ReportError;

/// Writes `dest` with `write`, which gets a new empty file. An existing `dest` is refused
/// unless `overwrite`. The file is readable by its owner only (0600 on Unix): reports and
/// packs carry identity documents and personal data.
pub fn write_atomically<T, E>(
    dest: &Path,
    overwrite: bool,
    write: impl FnOnce(&mut File) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<ReportError>,
{
    let io = |context, path: &Path, source| ReportError::Io { context, path: path.into(), source };
    match std::fs::symlink_metadata(dest) {
        Ok(m) if m.is_dir() => {
            return Err(ReportError::Invalid(format!(
                "{} is a directory; give a file name",
                dest.display()
            ))
            .into());
        }
        Ok(_) if !overwrite => return Err(ReportError::Exists(dest.to_path_buf()).into()),
        _ => {}
    }
    let dir = parent_dir(dest);
    let mut temp = tempfile::Builder::new()
        .prefix(".vetdesk-")
        .suffix(".part")
        .tempfile_in(&dir)
        .map_err(|e| io("cannot create a temp file in", &dir, e))?;
    // An early return drops `temp`, which deletes it.
    let value = write(temp.as_file_mut())?;
    temp.as_file().sync_all().map_err(|e| io("cannot fsync", temp.path(), e))?;
    if overwrite {
        temp.persist(dest).map_err(|e| io("cannot rename onto", dest, e.error))?;
    } else {
        temp.persist_noclobber(dest).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                ReportError::Exists(dest.to_path_buf())
            } else {
                io("cannot rename onto", dest, e.error)
            }
        })?;
    }
    // The rename is durable only once the directory is.
    #[cfg(unix)]
    File::open(&dir).and_then(|d| d.sync_all()).map_err(|e| io("cannot fsync", &dir, e))?;
    Ok(value)
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_overwrite_unless_told_and_leaves_nothing_behind_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.pdf");
        let put = |bytes: &'static [u8], overwrite| {
            write_atomically::<_, ReportError>(&dest, overwrite, |f| {
                std::io::Write::write_all(f, bytes).map_err(|e| ReportError::Io {
                    context: "w",
                    path: dest.clone(),
                    source: e,
                })
            })
        };
        put(b"first", false).unwrap();
        assert!(matches!(put(b"second", false), Err(ReportError::Exists(_))));
        assert_eq!(std::fs::read(&dest).unwrap(), b"first");
        put(b"second", true).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"second");

        let failed = write_atomically::<(), ReportError>(&dir.path().join("x.pdf"), false, |_| {
            Err(ReportError::Invalid("stopped".into()))
        });
        assert!(failed.is_err());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["out.pdf".to_string()], "no temp file or partial output left");

        let err = put(b"x", true);
        assert!(err.is_ok());
        let into_dir = write_atomically::<(), ReportError>(dir.path(), true, |_| Ok(()));
        assert!(into_dir.unwrap_err().to_string().contains("is a directory"));
    }
}
