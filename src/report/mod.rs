//! Reports: the PDF layout engine in [`pdf`]; the case report, audit pack and portfolio
//! report are built on it from the store's data.

pub mod pdf;
