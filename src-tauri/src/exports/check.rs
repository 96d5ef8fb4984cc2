//! The pack-check job: an audit pack the user uploaded (spooled to a temp file by the upload
//! session) read through `verify_pack_reader`, which names every member that does not match.

use std::io::{BufReader, Seek, SeekFrom};

use vetdesk_export::pack::{self, PackCheck, PackError, PackProblem};

use super::job::{CancelRead, Work};
use super::{BUF_LEN, Exports, PackChecked};
use crate::error::AppError;
use crate::uploads::Spool;

impl Exports {
    /// Checks a spooled audit pack (blocking). The temp file goes when `spool` does.
    pub fn check_pack(&self, job: &str, spool: Spool) -> Result<PackChecked, AppError> {
        let job = self.begin(job)?;
        let mut work = self.work(&job);
        let result = check_spooled(&mut work, &spool);
        drop(spool);
        result
    }
}

fn check_spooled(work: &mut Work, spool: &Spool) -> Result<PackChecked, AppError> {
    // Read through a second handle on the same open file: nothing reopens it by path.
    let mut file = spool.file.as_file().try_clone()?;
    file.seek(SeekFrom::Start(0))?;
    let reader =
        CancelRead { inner: BufReader::with_capacity(BUF_LEN, file), cancel: work.cancel.clone() };
    let meter = &mut work.meter;
    let result = pack::verify_pack_reader(reader, &spool.name, None, &mut |p| meter.show(p));
    if work.cancelled() {
        return Ok(PackChecked::Cancelled);
    }
    let file_name = spool.name.clone();
    match result {
        Ok(check) => Ok(PackChecked::Checked { file_name, refused: false, check }),
        Err(error @ (PackError::Unreadable { .. } | PackError::Hostile { .. })) => {
            let member = match &error {
                PackError::Hostile { entry, .. } => entry.clone(),
                _ => "archive".to_string(),
            };
            let check = PackCheck {
                ok: false,
                case_id: None,
                chain_head: None,
                audit_records: 0,
                members: 0,
                bytes: 0,
                signature: None,
                problems: vec![PackProblem { member, message: error.to_string() }],
            };
            Ok(PackChecked::Checked { file_name, refused: true, check })
        }
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::error::ErrorCode;
    use crate::exports::tests::{Fixture, fixture, names, request, written};
    use crate::uploads::{SpoolUpload, Uploads};

    /// Uploads `bytes` as the page does and checks them as a pack.
    fn check_bytes(f: &Fixture, name: &str, bytes: &[u8]) -> PackChecked {
        let uploads = Uploads::new(f.store.clone(), Arc::new(|_| {}));
        tauri::async_runtime::block_on(async {
            let token = uploads
                .begin_spool(SpoolUpload { name: name.into(), size: bytes.len() as u64 })
                .unwrap();
            let mut offset = 0;
            for piece in bytes.chunks(64 * 1024) {
                uploads.chunk(&token, offset, piece.to_vec()).await.unwrap();
                offset += piece.len() as u64;
            }
            let spool = uploads.finish_spool(&token).await.unwrap();
            assert_eq!(uploads.open_sessions(), 0);
            f.exports.check_pack("check", spool).unwrap()
        })
    }

    fn tmp_files(f: &Fixture) -> Vec<String> {
        names(&f.store.data_dir().root.join("tmp"))
    }

    #[test]
    fn an_uploaded_pack_is_checked_and_its_temp_file_removed() {
        let f = fixture(None);
        let (files, head, _) = written(f.exports.case_pack("rita", &request(&f, "p")).unwrap());
        let pack = std::fs::read(f.exports.file(&files[0].file_id).unwrap()).unwrap();

        let PackChecked::Checked { file_name, refused, check } = check_bytes(&f, "pack.zip", &pack)
        else {
            panic!("not checked")
        };
        assert_eq!((file_name.as_str(), refused, check.ok), ("pack.zip", false, true), "{check:?}");
        assert_eq!(check.chain_head, head);
        assert_eq!(check.case_id, Some(f.case_id));
        assert_eq!(tmp_files(&f), Vec::<String>::new());

        // One byte of the stored report changed: the check names the member.
        let at = pack.windows(8).position(|w| w == b"%PDF-1.7" || w.starts_with(b"%PDF-")).unwrap();
        let mut tampered = pack.clone();
        tampered[at + 400] ^= 0x01;
        let PackChecked::Checked { refused, check, .. } =
            check_bytes(&f, "tampered.zip", &tampered)
        else {
            panic!("not checked")
        };
        assert!(!refused && !check.ok);
        assert!(check.problems.iter().any(|p| p.member == "report.pdf"), "{:?}", check.problems);

        // Not an archive at all: refused, and the reason names the uploaded file, not a temp path.
        let PackChecked::Checked { refused, check, .. } = check_bytes(&f, "notes.txt", b"hello")
        else {
            panic!("not checked")
        };
        assert!(refused && !check.ok);
        assert!(check.problems[0].message.contains("notes.txt"), "{:?}", check.problems);
        assert!(!check.problems[0].message.contains("tmp"), "{:?}", check.problems);
        assert_eq!(tmp_files(&f), Vec::<String>::new());
    }

    #[test]
    fn a_spooled_upload_that_does_not_add_up_is_not_checked_and_leaves_nothing() {
        let f = fixture(None);
        let uploads = Uploads::new(f.store.clone(), Arc::new(|_| {}));
        tauri::async_runtime::block_on(async {
            let token =
                uploads.begin_spool(SpoolUpload { name: "p.zip".into(), size: 10 }).unwrap();
            uploads.chunk(&token, 0, vec![0; 4]).await.unwrap();
            let error = uploads.chunk(&token, 9, vec![0; 4]).await.unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidInput, "out of order");
            assert_eq!(uploads.finish_spool(&token).await.unwrap_err().code, ErrorCode::NotFound);

            let token =
                uploads.begin_spool(SpoolUpload { name: "p.zip".into(), size: 10 }).unwrap();
            uploads.chunk(&token, 0, vec![0; 4]).await.unwrap();
            let error = uploads.finish_spool(&token).await.err().unwrap();
            assert!(error.message.contains("4 of 10"), "{error}");

            let token =
                uploads.begin_spool(SpoolUpload { name: "p.zip".into(), size: 10 }).unwrap();
            uploads.chunk(&token, 0, vec![0; 4]).await.unwrap();
            assert!(uploads.cancel(&token));
        });
        assert_eq!(tmp_files(&f), Vec::<String>::new());
        let error = uploads.begin_spool(SpoolUpload { name: " ".into(), size: 1 }).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidInput);
    }
}
