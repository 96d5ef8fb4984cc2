//! The document layout engine that Vetdesk's PDF reports are written with. It takes plain
//! values (text, numbers, JPEG bytes) and knows nothing of cases or the store.
//!
//! # Layout model
//!
//! A [`Document`] is a list of [`Block`]s (headings, paragraphs, key–value lists, bullets,
//! tables, images, image grids, bar charts, spacers, page breaks) plus page furniture: an
//! optional cover page, an optional running header and a footer. [`Document::render`] works
//! in three steps:
//!
//! 1. **Blocks to slices.** Each block is measured against the content width with the real
//!    advance widths of the embedded fonts and cut into *slices*: a line of a paragraph, a
//!    key–value pair, a table row, an image with its caption, a row of an image grid, a
//!    chart. A slice is never split across pages. Slices carry the space wanted above them
//!    (dropped at the top of a page), whether they must stay with the next slice (headings
//!    and table headers), and for table rows the header to repeat on a new page.
//! 2. **Slices to pages.** The paginator stacks slices top to bottom and opens a new page
//!    when a slice, together with what it is kept with, does not fit.
//! 3. **Furniture, then bytes.** With the page count known, each page gets its header and
//!    its footer ("Page N of M"); then the pages are written through printpdf with the
//!    fonts subset, the JPEGs embedded unchanged and the metadata set from the caller.
//!
//! Coordinates are points (1/72 in) from the top-left corner of the page; [`mm`] converts.
//!
//! # Determinism
//!
//! The same document gives the same bytes: resource names are fixed, dates come from
//! [`Metadata::created`] / [`Metadata::modified`], and the file identifier is either
//! supplied or the first 128 bits of the SHA-256 of the file written with a placeholder.
//!
//! # Memory
//!
//! Until `render`, a document holds its blocks (text) and each added JPEG's bytes as given:
//! images are never decoded, only their headers are read. The three fonts are parsed once
//! per process and shared. While writing, the laid-out pages are turned into printpdf
//! objects and then into the file; at the peak the image bytes exist about twice (printpdf
//! copies stream content into its writer's object model) plus the output buffer, so a
//! report with 100 thumbnails of 40 KB needs roughly 12 MB beyond the fonts.
//!
//! # Text
//!
//! Text is set in DejaVu Sans, Sans Bold and Sans Mono (see `assets/fonts/README.md` for
//! the scripts covered). Characters a face lacks are taken from DejaVu Sans; characters no
//! face has are printed as U+FFFD and reported in [`RenderedPdf::missing_glyphs`]. There is
//! no shaping: right-to-left and complex scripts are not supported.

mod chart;
mod document;
mod error;
mod fonts;
mod furniture;
mod jpeg;
mod layout;
mod render;
mod text;

pub use document::{
    Align, BarChart, Block, Column, ColumnWidth, Cover, Document, Footer, Image, ImageGrid,
    ImageId, Margins, Metadata, PT_PER_MM, PageSize, RenderedPdf, Series, Table, mm,
};
pub use error::PdfError;
pub use fonts::Face;
pub use text::{Color, Span, Text};
