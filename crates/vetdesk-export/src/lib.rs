//! Vetdesk exports: the case report and portfolio (PDF, through the report engine in
//! `report::pdf`) and the audit pack (ZIP) with its verifier. Reads the store, never writes it.
//! The only crate that links printpdf and zip (docs/architecture.md).

pub mod adverse;
pub mod pack;
pub mod person;
pub mod report;
pub mod shipped;
