//! The portfolio job: the report (PDF) across the cases opened in a period, and its figures as
//! CSV beside it, numbered together so that the two files are known to belong together.

use std::io::{BufWriter, Write};

use chrono::NaiveDate;
use vetdesk_export::report::{self, PortfolioOptions, Progress, ReportOptions, Stage};

use super::folder::{Destination, write_error};
use super::job::Work;
use super::{
    ExportOutcome, Exports, Made, PortfolioExport, as_u32, check_actor, day_of, no_file_chosen,
};
use crate::error::AppError;

impl Exports {
    /// Writes the portfolio report and its CSV as `actor` (blocking).
    pub fn portfolio(
        &self,
        actor: &str,
        request: &PortfolioExport,
    ) -> Result<ExportOutcome, AppError> {
        let job = self.begin(&request.job)?;
        let mut work = self.work(&job);
        let from = parse_day("from", &request.from)?;
        let to = parse_day("to", &request.to)?;
        if from > to {
            return Err(AppError::invalid(format!(
                "the period starts ({from}) after it ends ({to}); swap the dates"
            ))
            .with_field(Some("to")));
        }
        check_actor(&self.store, actor)?;
        let generated_at = self.store.clock().now();
        let options = PortfolioOptions { from, to, generated_at, generated_by: actor.to_string() };
        let stem = format!("portfolio-{from}-to-{to}-{}", day_of(&generated_at));
        let ask = self.save_ask("Save the portfolio report", &stem, "PDF document", "pdf");
        let Some(dest) = self.destination(request.save_as, ask)? else {
            return Ok(no_file_chosen());
        };
        let made = write_portfolio(&mut work, &options, &dest, &stem)?;
        Ok(self.outcome(made))
    }
}

fn parse_day(field: &str, text: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid(format!("{field} {text:?} is not a date like 2026-03-31")))
        .map_err(|e| e.with_field(Some(field)))
}

fn write_portfolio(
    work: &mut Work,
    options: &PortfolioOptions,
    dest: &Destination,
    stem: &str,
) -> Result<Option<Made>, AppError> {
    // The core reports no progress for the portfolio: its steps are the stages.
    work.meter.show(Progress { stage: Stage::Reading, done: 0, total: 1 });
    let figures = report::portfolio(&work.store, options)?;
    work.meter.show(Progress { stage: Stage::Rendering, done: 0, total: 1 });
    let pdf = report::render_portfolio(&figures)?;
    if work.cancelled() {
        return Ok(None);
    }
    work.meter.show(Progress { stage: Stage::Finishing, done: 0, total: 1 });
    let mut pdf_temp = dest.temp()?;
    pdf_temp.as_file_mut().write_all(&pdf.bytes).map_err(|e| write_error(pdf_temp.path(), &e))?;
    let mut csv_temp = dest.temp()?;
    report::portfolio_csv(&figures, BufWriter::new(csv_temp.as_file_mut()))?;
    let (pdf_path, number) = dest.put(pdf_temp, stem, "pdf")?;
    let csv_path = dest.put_beside(csv_temp, &pdf_path, stem, number, "csv")?;
    work.meter.show(Progress { stage: Stage::Finishing, done: 1, total: 1 });
    Ok(Some(Made {
        files: vec![pdf_path, csv_path],
        options: ReportOptions {
            generated_at: options.generated_at,
            generated_by: options.generated_by.clone(),
        },
        chain_head: None,
        pages: Some(as_u32(pdf.page_count)),
        evidence_files: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::exports::tests::{fixture, written};

    #[test]
    fn the_portfolio_writes_a_pdf_and_its_csv_numbered_together() {
        let f = fixture(None);
        let today = f.store.clock().now().date();
        let r = PortfolioExport {
            from: (today - chrono::Days::new(30)).to_string(),
            to: today.to_string(),
            job: "pf".into(),
            save_as: false,
        };
        let stem = format!("portfolio-{}-to-{}-{}", r.from, r.to, day_of(&f.store.clock().now()));
        // A lone CSV of the first name exists: both files take the next number.
        let folder = f.exports.folder().create().unwrap();
        std::fs::write(folder.join(format!("{stem}.csv")), b"keep").unwrap();
        let (files, head, _) = written(f.exports.portfolio("ada", &r).unwrap());
        assert_eq!(head, None);
        let got: Vec<_> = files.iter().map(|f| f.name.clone()).collect();
        assert_eq!(got, [format!("{stem}.pdf"), format!("{stem} (2).csv")]);
        let csv = std::fs::read_to_string(f.exports.file(&files[1].file_id).unwrap()).unwrap();
        assert!(csv.contains(&f.case_id.to_string()), "{csv}");
        assert_eq!(std::fs::read(folder.join(format!("{stem}.csv"))).unwrap(), b"keep");

        // (from, to, field refused)
        let rows = [
            ("2026-13-01", "2026-12-31", "from"),
            ("2026-01-01", "soon", "to"),
            ("2026-03-01", "2026-02-01", "to"),
        ];
        for (from, to, field) in rows {
            let bad = PortfolioExport { from: from.into(), to: to.into(), ..r.clone() };
            let error = f.exports.portfolio("ada", &bad).unwrap_err();
            assert_eq!(
                (error.code, error.field.as_deref()),
                (ErrorCode::InvalidInput, Some(field)),
                "{error}"
            );
        }
    }
}
