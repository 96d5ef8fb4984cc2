//! What can go wrong while building a PDF. Every variant names the thing that was wrong
//! (the image, the table, the chart) so that a report writer can tell the user which input
//! to fix; nothing in the engine panics on caller data.

/// An error from the PDF engine.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PdfError {
    /// The bytes given for an image are not a JPEG the engine can embed unchanged.
    #[error("image {image:?} is not a usable JPEG: {reason}")]
    InvalidJpeg { image: String, reason: String },

    /// A block refers to an image that was not added to this document.
    #[error("image #{index} was not added to this document")]
    UnknownImage { index: usize },

    /// An embedded font could not be parsed (a broken build, not a caller mistake).
    #[error("embedded font {face} could not be loaded: {reason}")]
    Font { face: &'static str, reason: String },

    /// A table whose shape does not add up (cell count, column widths).
    #[error("table {table:?}: {reason}")]
    InvalidTable { table: String, reason: String },

    /// A chart whose data cannot be drawn (mismatched lengths, non-finite values).
    #[error("chart {chart:?}: {reason}")]
    InvalidChart { chart: String, reason: String },

    /// Page geometry that leaves no room for content.
    #[error("page layout: {0}")]
    InvalidLayout(String),

    /// A supplied document id that cannot be written into the file trailer.
    #[error("document id {0:?} must be 32 hexadecimal digits")]
    InvalidDocumentId(String),

    /// The PDF writer failed.
    #[error("writing the PDF failed: {0}")]
    Write(String),
}
