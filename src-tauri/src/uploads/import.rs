//! Candidate files (CSV): read whole (at most 64 MiB), parsed into a preview the user looks at
//! (rows, every problem by line, vendors not known yet), then imported all or nothing.

use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use ts_rs::TS;
use vetdesk_core::Store;
use vetdesk_core::import::{ImportFile, ImportRow, RowError, parse_candidates_csv};
use vetdesk_core::store::{ImportOutcome, StoreError};

use super::{Buffer, ImportUpload, Kind, Session, Uploads, no_session};
use crate::error::AppError;

/// A candidate file is read whole to be previewed; applicant-tracking exports are far smaller.
pub const MAX_IMPORT_BYTES: u64 = 64 * 1024 * 1024;

/// What a candidate file would import: its rows, or every problem found in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportPreview {
    /// Confirms this preview with `import_commit`; absent when there is nothing importable.
    pub token: Option<String>,
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<ImportRow>,
    /// A problem with the file as a whole (its header), when there is one.
    pub problem: Option<String>,
    /// Problems of single rows, by line; any of them means nothing can be imported.
    pub errors: Vec<RowError>,
    /// Vendor names the file uses that are not known yet (add them under Vendors first).
    pub unknown_vendors: Vec<String>,
    /// What confirming would do, as the store judged it now without writing: the candidates
    /// it updates with the fields each row changes, and the red flags it would raise.
    pub plan: Option<ImportOutcome>,
    /// Rows the store would refuse as things stand (an unknown vendor, an email or phone the
    /// add form refuses too); confirming is refused until they are fixed.
    pub refusals: Vec<RowError>,
}

/// The result of confirming an import: all rows, or none and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ImportCommitted {
    Imported { result: ImportOutcome },
    Refused { errors: Vec<RowError> },
}

impl Uploads {
    /// Starts the upload of a candidate file.
    pub fn begin_import(&self, request: ImportUpload) -> Result<String, AppError> {
        if request.size > MAX_IMPORT_BYTES {
            return Err(AppError::invalid(format!(
                "{} is {} bytes; a candidate file may have at most {MAX_IMPORT_BYTES} bytes \
                 (split it into several files)",
                request.name, request.size
            )));
        }
        Ok(self.insert(Kind::Import(Buffer::new(request))))
    }

    /// Ends a candidate-file upload: parses it and returns what an import would do.
    pub async fn finish_import(
        &self,
        token: &str,
        actor: String,
    ) -> Result<ImportPreview, AppError> {
        let buffer = self.take(token, "a candidate file", |kind| match kind {
            Kind::Import(buffer) => Ok(buffer),
            other => Err(other),
        })?;
        let (name, bytes) = buffer.whole("nothing was read")?;
        let store = self.store.clone();
        let (preview, parsed) = tauri::async_runtime::spawn_blocking(move || {
            preview_import(&store, &actor, name, &bytes)
        })
        .await
        .map_err(AppError::task_failed)??;
        let preview = match parsed {
            Some(file) => {
                let token = self.insert(Kind::Previewed(Arc::new(file)));
                ImportPreview { token: Some(token), ..preview }
            }
            None => preview,
        };
        Ok(preview)
    }

    /// Imports a previewed file as `actor`: every row, or none with each refused row's reason.
    pub async fn commit_import(
        &self,
        token: &str,
        actor: String,
        open_cases: bool,
    ) -> Result<ImportCommitted, AppError> {
        let file = match self.sessions().get_mut(token) {
            Some(Session { kind: Kind::Previewed(file), touched }) => {
                *touched = Instant::now();
                file.clone()
            }
            _ => return Err(no_session(token)),
        };
        let store = self.store.clone();
        let result = tauri::async_runtime::spawn_blocking(move || {
            store.import_candidates(&actor, &file, open_cases)
        })
        .await
        .map_err(AppError::task_failed)?;
        match result {
            Ok(result) => {
                self.sessions().remove(token);
                Ok(ImportCommitted::Imported { result })
            }
            // Kept for another try: the fix may be elsewhere (a vendor to add first).
            Err(StoreError::Rows(errors)) => Ok(ImportCommitted::Refused { errors }),
            Err(other) => Err(other.into()),
        }
    }
}

/// Parses a candidate file; the parsed file comes back too when it can be imported.
fn preview_import(
    store: &Store,
    actor: &str,
    name: String,
    bytes: &[u8],
) -> Result<(ImportPreview, Option<ImportFile>), AppError> {
    let mut preview = ImportPreview {
        token: None,
        name,
        columns: Vec::new(),
        rows: Vec::new(),
        problem: None,
        errors: Vec::new(),
        unknown_vendors: Vec::new(),
        plan: None,
        refusals: Vec::new(),
    };
    match parse_candidates_csv(bytes) {
        Ok(file) => {
            let known: Vec<String> =
                store.vendors()?.into_iter().map(|v| v.fields.name.to_lowercase()).collect();
            let mut unknown: Vec<String> = file
                .rows
                .iter()
                .filter_map(|r| r.vendor.clone())
                .filter(|v| !known.contains(&v.trim().to_lowercase()))
                .collect();
            unknown.sort();
            unknown.dedup();
            preview.unknown_vendors = unknown;
            preview.columns.clone_from(&file.columns);
            preview.rows.clone_from(&file.rows);
            match store.preview_import(actor, &file, true) {
                Ok(plan) => preview.plan = Some(plan),
                Err(StoreError::Rows(errors)) => preview.refusals = errors,
                Err(other) => return Err(other.into()),
            }
            Ok((preview, Some(file)))
        }
        Err(vetdesk_core::import::ImportError::Header(problem)) => {
            preview.problem = Some(problem);
            Ok((preview, None))
        }
        Err(vetdesk_core::import::ImportError::Rows(errors)) => {
            preview.errors = errors;
            Ok((preview, None))
        }
    }
}

#[cfg(test)]
mod tests {
    use vetdesk_core::change::Change;

    use super::*;
    use crate::uploads::tests::{fixture, send};

    #[test]
    fn a_candidate_file_is_previewed_then_imported_all_or_nothing() {
        let f = fixture();
        let good = "external_id,full_name,email,vendor\n\
                    ATS-7,Jane Roe,jane@example.com,\n\
                    ATS-8,John Doe,john@example.com,Acme Staffing\n";
        let bad = "external_id,full_name,applied_on\nATS-9,,2026-01-01\nATS-10,Ok Name,someday\n";
        tauri::async_runtime::block_on(async {
            // A file with bad rows: every problem by line, and nothing to confirm.
            let token = f
                .uploads
                .begin_import(ImportUpload { name: "bad.csv".into(), size: bad.len() as u64 })
                .unwrap();
            send(&f, &token, bad.as_bytes(), 7).await.unwrap();
            let preview = f.uploads.finish_import(&token, "rita".into()).await.unwrap();
            assert_eq!(preview.token, None);
            assert_eq!(preview.errors.iter().map(|e| e.line).collect::<Vec<_>>(), vec![2, 3]);

            // A good file whose vendor is unknown: previewed, then refused by the store per row.
            let token = f
                .uploads
                .begin_import(ImportUpload { name: "c.csv".into(), size: good.len() as u64 })
                .unwrap();
            send(&f, &token, good.as_bytes(), 10).await.unwrap();
            let preview = f.uploads.finish_import(&token, "rita".into()).await.unwrap();
            assert_eq!(preview.rows.len(), 2);
            assert_eq!(preview.unknown_vendors, vec!["Acme Staffing".to_string()]);
            assert_eq!(preview.refusals.iter().map(|e| e.line).collect::<Vec<_>>(), vec![3]);
            assert_eq!(preview.plan, None);
            let token = preview.token.unwrap();
            let refused = f.uploads.commit_import(&token, "rita".into(), true).await.unwrap();
            let ImportCommitted::Refused { errors } = refused else { panic!("{refused:?}") };
            assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), vec![3]);
            assert!(f.store.candidate_by_external_id("ATS-7").unwrap().is_none());

            // The vendor added, the same preview goes in.
            let vendor = vetdesk_core::model::VendorFields {
                name: "Acme Staffing".into(),
                ..Default::default()
            };
            f.store.apply("ada", Change::AddVendor { id: None, vendor }).unwrap();
            let done = f.uploads.commit_import(&token, "rita".into(), true).await.unwrap();
            let ImportCommitted::Imported { result } = done else { panic!("{done:?}") };
            assert_eq!(result.created.len(), 2);
            assert!(result.created.iter().all(|r| r.case_id.is_some()));
            assert_eq!(f.uploads.open_sessions(), 0);

            // A second export that changes John's email: the preview marks the update and
            // what it changes, and writes nothing.
            let changed = "external_id,full_name,email\nATS-8,John Doe,jd@example.org\n";
            let token = f
                .uploads
                .begin_import(ImportUpload { name: "d.csv".into(), size: changed.len() as u64 })
                .unwrap();
            send(&f, &token, changed.as_bytes(), 10).await.unwrap();
            let preview = f.uploads.finish_import(&token, "rita".into()).await.unwrap();
            let plan = preview.plan.unwrap();
            assert_eq!(plan.updated.len(), 1);
            let change = &plan.updated[0].changes[0];
            assert_eq!(change.field, vetdesk_core::model::Field::Emails);
            assert_eq!(
                (change.before.as_str(), change.after.as_str()),
                ("john@example.com", "jd@example.org")
            );
            let john = f.store.candidate_by_external_id("ATS-8").unwrap().unwrap();
            assert_eq!(john.fields.emails, ["john@example.com"], "a preview writes nothing");
        });
    }
}
