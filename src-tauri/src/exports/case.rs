//! The jobs of one case: its report (PDF) and its audit pack (ZIP), both made by the acting
//! user, whose name and the case's chain head they print.

use std::io::{BufWriter, Write};

use vetdesk_core::Store;
use vetdesk_core::change::{Change, Disclosure};
use vetdesk_core::model::CaseId;
use vetdesk_export::pack;
use vetdesk_export::report::{self, Progress, ReportOptions, Stage};

use super::folder::{Destination, write_error};
use super::job::{CancelWrite, Work};
use super::{
    BUF_LEN, CaseExport, ExportOutcome, Exports, Made, as_u32, check_actor, day_of, no_file_chosen,
};
use crate::error::AppError;

impl Exports {
    /// Writes the report of a case as `actor` (blocking).
    pub fn case_report(
        &self,
        actor: &str,
        request: &CaseExport,
    ) -> Result<ExportOutcome, AppError> {
        let job = self.begin(&request.job)?;
        let mut work = self.work(&job);
        let options = precheck_case(&self.store, actor, request.case_id)?;
        let stem = format!("case-{}-report-{}", request.case_id, day_of(&options.generated_at));
        let ask = self.save_ask("Save the case report", &stem, "PDF document", "pdf");
        let Some(dest) = self.destination(request.save_as, ask)? else {
            return Ok(no_file_chosen());
        };
        let made = write_case_report(&mut work, request.case_id, &options, &dest, &stem)?;
        Ok(self.outcome(made))
    }

    /// Writes the audit pack of a case as `actor` (blocking).
    pub fn case_pack(&self, actor: &str, request: &CaseExport) -> Result<ExportOutcome, AppError> {
        let job = self.begin(&request.job)?;
        let mut work = self.work(&job);
        let options = precheck_case(&self.store, actor, request.case_id)?;
        let stem = format!("case-{}-audit-pack-{}", request.case_id, day_of(&options.generated_at));
        let ask = self.save_ask("Save the audit pack", &stem, "ZIP archive", "zip");
        let Some(dest) = self.destination(request.save_as, ask)? else {
            return Ok(no_file_chosen());
        };
        let made = write_case_pack(&mut work, request.case_id, &options, &dest, &stem)?;
        Ok(self.outcome(made))
    }
}

fn precheck_case(store: &Store, actor: &str, case_id: CaseId) -> Result<ReportOptions, AppError> {
    check_actor(store, actor)?;
    store.case(case_id)?;
    Ok(ReportOptions { generated_at: store.clock().now(), generated_by: actor.to_string() })
}

fn write_case_report(
    work: &mut Work,
    case_id: CaseId,
    options: &ReportOptions,
    dest: &Destination,
    stem: &str,
) -> Result<Option<Made>, AppError> {
    let meter = &mut work.meter;
    let made = report::case_report(&work.store, case_id, options, &mut |p| meter.show(p))?;
    if work.cancelled() {
        return Ok(None);
    }
    work.meter.show(Progress { stage: Stage::Finishing, done: 0, total: 1 });
    let mut temp = dest.temp()?;
    temp.as_file_mut().write_all(&made.pdf.bytes).map_err(|e| write_error(temp.path(), &e))?;
    let (path, _) = dest.put(temp, stem, "pdf")?;
    disclose(&work.store, options, case_id, Disclosure::Report, &path, &made.chain_head)?;
    work.meter.show(Progress { stage: Stage::Finishing, done: 1, total: 1 });
    Ok(Some(Made {
        files: vec![path],
        options: options.clone(),
        chain_head: Some(made.chain_head),
        pages: Some(as_u32(made.pdf.page_count)),
        evidence_files: None,
    }))
}

/// Records in the case's chain that its data left the app: which file, and the head it printed.
fn disclose(
    store: &Store,
    options: &ReportOptions,
    case_id: CaseId,
    what: Disclosure,
    path: &std::path::Path,
    head: &str,
) -> Result<(), AppError> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let detail = format!("{name} (chain head {head})");
    store.apply(&options.generated_by, Change::RecordDisclosure { case_id, what, detail })?;
    Ok(())
}

fn write_case_pack(
    work: &mut Work,
    case_id: CaseId,
    options: &ReportOptions,
    dest: &Destination,
    stem: &str,
) -> Result<Option<Made>, AppError> {
    let mut temp = dest.temp()?;
    let temp_path = temp.path().to_path_buf();
    let written = {
        let file = temp.as_file_mut();
        let mut out = CancelWrite {
            inner: BufWriter::with_capacity(BUF_LEN, file),
            cancel: work.cancel.clone(),
        };
        let meter = &mut work.meter;
        pack::write_pack(&work.store, case_id, options, &mut out, &mut |p| meter.show(p))
            .map_err(AppError::from)
            .and_then(|summary| {
                out.inner.flush().map_err(|e| write_error(&temp_path, &e))?;
                Ok(summary)
            })
    };
    // A cancelled pack fails at its next write; the temp file is dropped with it.
    if work.cancelled() {
        return Ok(None);
    }
    let summary = written?;
    let (path, _) = dest.put(temp, stem, "zip")?;
    disclose(&work.store, options, case_id, Disclosure::Pack, &path, &summary.chain_head)?;
    Ok(Some(Made {
        files: vec![path],
        options: options.clone(),
        chain_head: Some(summary.chain_head),
        pages: Some(as_u32(summary.report_pages)),
        evidence_files: Some(as_u32(summary.evidence_files)),
    }))
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, OnceLock};

    use super::*;
    use crate::error::ErrorCode;
    use crate::exports::tests::{fixture, names, request, written};
    use crate::exports::{ExportProgress, FolderChoice};

    #[test]
    fn a_report_goes_to_the_folder_under_a_new_name_each_time() {
        let f = fixture(None);
        let (first, head, by) =
            written(f.exports.case_report("rita", &request(&f, "r-1")).unwrap());
        let (second, head2, _) =
            written(f.exports.case_report("rita", &request(&f, "r-2")).unwrap());
        let day = day_of(&f.store.clock().now());
        assert_eq!(first[0].name, format!("case-{}-report-{day}.pdf", f.case_id));
        assert_eq!(second[0].name, format!("case-{}-report-{day} (2).pdf", f.case_id));
        assert_eq!(by, "rita");
        // The first export is recorded in the chain, so the second prints the head after it.
        assert_ne!(head, head2);
        let audit = f.store.audit(vetdesk_core::model::Chain::Case(f.case_id)).unwrap();
        let disclosed: Vec<&str> = audit
            .iter()
            .filter(|r| r.change["type"] == "record_disclosure")
            .map(|r| r.actor.as_str())
            .collect();
        assert_eq!(disclosed, ["rita", "rita"]);
        let head = head.unwrap();
        assert_eq!(head.len(), 64);
        let folder = f.out.path().join("exports");
        assert_eq!(first[0].folder, folder.display().to_string());
        let path = f.exports.file(&first[0].file_id).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        assert_eq!(first[0].bytes, bytes.len() as u64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "reports carry personal data");
        }
        // No temp file is left beside them.
        assert_eq!(names(&folder).len(), 2);
        // Progress went from reading to finishing, under the job's id.
        let events = f.events.lock().unwrap();
        let first_job: Vec<_> = events.iter().filter(|e| e.job == "r-1").collect();
        assert_eq!(first_job.first().map(|e| e.stage), Some(Stage::Reading));
        let last = first_job.last().unwrap();
        assert_eq!((last.stage, last.done, last.total), (Stage::Finishing, 1, 1));
        assert!(first_job.iter().any(|e| e.stage == Stage::Rendering));
        assert!(f.asked.lock().unwrap().is_empty(), "no dialog without Save as");
    }

    #[test]
    fn exports_are_refused_before_any_work_for_a_bad_request() {
        let f = fixture(Some("never.pdf"));
        // (what, acting user, request edit, code)
        type Edit = fn(&mut CaseExport);
        let rows: Vec<(&str, &str, Edit, ErrorCode)> = vec![
            ("unknown user", "nobody", |_| {}, ErrorCode::UnknownUser),
            ("deactivated user", "gone", |_| {}, ErrorCode::UnknownUser),
            ("no such case", "rita", |r| r.case_id = 999, ErrorCode::NotFound),
            ("bad job id", "rita", |r| r.job = "../x".into(), ErrorCode::InvalidInput),
            ("empty job id", "rita", |r| r.job = String::new(), ErrorCode::InvalidInput),
        ];
        for (what, actor, edit, code) in rows {
            let mut r = request(&f, "j");
            r.save_as = true;
            edit(&mut r);
            let report = f.exports.case_report(actor, &r).unwrap_err();
            let pack = f.exports.case_pack(actor, &r).unwrap_err();
            assert_eq!((report.code, pack.code), (code, code), "{what}: {report}");
        }
        let unknown = f.exports.case_report("nobody", &request(&f, "j"));
        assert!(unknown.unwrap_err().message.contains("Switch user"));
        assert!(f.asked.lock().unwrap().is_empty(), "nobody is asked where to save a refusal");
        assert_eq!(names(f.out.path()), Vec::<String>::new(), "nothing written");
    }

    #[test]
    fn save_as_writes_where_the_user_chose_and_a_closed_dialog_writes_nothing() {
        // The dialog's name lacks the extension: it is added.
        let f = fixture(Some("For the auditor"));
        let r = CaseExport { save_as: true, ..request(&f, "s") };
        let (files, _, _) = written(f.exports.case_pack("rita", &r).unwrap());
        assert_eq!(files[0].name, "For the auditor.zip");
        assert_eq!(files[0].folder, f.out.path().display().to_string());
        let asked = f.asked.lock().unwrap().clone();
        assert_eq!(asked.len(), 1);
        let day = day_of(&f.store.clock().now());
        assert_eq!(asked[0].file_name, format!("case-{}-audit-pack-{day}.zip", f.case_id));
        assert_eq!(
            (asked[0].extension, asked[0].folder.clone()),
            ("zip", f.out.path().join("exports"))
        );
        // The dialog never asked about "For the auditor.zip": a second export keeps the first.
        let (again, _, _) = written(f.exports.case_pack("rita", &r).unwrap());
        assert_eq!(again[0].name, "For the auditor (2).zip");

        // A full name was confirmed in the dialog, which asks before replacing: it is replaced.
        let g = fixture(Some("audit.zip"));
        let r = CaseExport { save_as: true, ..request(&g, "s") };
        written(g.exports.case_pack("rita", &r).unwrap());
        let first = std::fs::read(g.out.path().join("audit.zip")).unwrap();
        assert!(first.starts_with(b"PK"));
        #[cfg(unix)]
        let inode = |p: &Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap());
        #[cfg(unix)]
        let before = inode(&g.out.path().join("audit.zip"));
        let report = CaseExport { job: "t".into(), ..r.clone() };
        let (files, _, _) = written(g.exports.case_report("rita", &report).unwrap());
        assert_eq!(files[0].name, "audit.zip.pdf", "a report is a PDF whatever the name");
        written(g.exports.case_pack("rita", &r).unwrap());
        assert_eq!(names(g.out.path()), ["audit.zip", "audit.zip.pdf"]);
        #[cfg(unix)]
        assert_ne!(inode(&g.out.path().join("audit.zip")), before, "renamed over the old one");

        let none = fixture(None);
        let outcome =
            none.exports.case_report("rita", &CaseExport { save_as: true, ..request(&none, "s") });
        assert!(matches!(outcome.unwrap(), ExportOutcome::Cancelled { .. }));
        assert_eq!(names(none.out.path()), Vec::<String>::new());
    }

    #[test]
    fn a_cancelled_pack_stops_and_leaves_no_file() {
        let f = fixture(None);
        // Cancel as soon as the pack has read the case: the next write fails.
        let exports: Arc<OnceLock<std::sync::Weak<Exports>>> = Arc::new(OnceLock::new());
        let handle = exports.clone();
        let cancelled = Arc::new(AtomicBool::new(false));
        let seen = cancelled.clone();
        let store = f.store.clone();
        let pack = Arc::new(Exports::new(
            store,
            FolderChoice { preferred: f.out.path().join("exports"), fallback: None },
            Arc::new(move |p: ExportProgress| {
                if p.stage == Stage::Rendering
                    && p.job == "p"
                    && let Some(e) = handle.get().and_then(std::sync::Weak::upgrade)
                {
                    seen.store(e.cancel(&p.job), Ordering::Relaxed);
                }
            }),
            Arc::new(|_| None),
        ));
        exports.set(Arc::downgrade(&pack)).unwrap();
        let outcome = pack.case_pack("rita", &request(&f, "p")).unwrap();
        assert!(cancelled.load(Ordering::Relaxed), "the job was running when cancelled");
        assert!(matches!(outcome, ExportOutcome::Cancelled { .. }), "{outcome:?}");
        assert_eq!(
            names(&f.out.path().join("exports")),
            Vec::<String>::new(),
            "no pack, no temp file"
        );
        // The job is over: cancelling it again finds nothing; another job runs to its end.
        assert!(!pack.cancel("p"));
        written(pack.case_pack("rita", &request(&f, "p2")).unwrap());
    }

    #[test]
    fn two_jobs_of_one_id_do_not_run_at_once() {
        let f = fixture(None);
        let job = f.exports.begin("same").unwrap();
        let error = f.exports.case_report("rita", &request(&f, "same")).unwrap_err();
        assert_eq!(error.code, ErrorCode::Conflict);
        drop(job);
        written(f.exports.case_report("rita", &request(&f, "same")).unwrap());
    }
}
