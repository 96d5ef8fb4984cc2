//! The document layout engine that Vetdesk's PDF reports are written with (being built:
//! fonts, rich text and line breaking, JPEG headers).

mod error;
mod fonts;
mod jpeg;
mod text;

pub use error::PdfError;
pub use fonts::Face;
pub use text::{Color, Span, Text};
