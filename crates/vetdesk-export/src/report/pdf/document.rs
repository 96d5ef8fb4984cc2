//! The public face of the engine: a [`Document`] is built from blocks and laid out into
//! pages by [`Document::render`], which returns the finished PDF bytes.

use std::collections::BTreeMap;

use vetdesk_core::model::Timestamp;

use super::error::PdfError;
use super::fonts::{Fonts, Shaper};
use super::furniture;
use super::jpeg::Jpeg;
use super::layout::{self, Area, Flow};
use super::render;
use super::text::Text;
use super::{chart, text::Color};

/// Points per millimetre (PDF measures in points, 1/72 inch).
pub const PT_PER_MM: f32 = 72.0 / 25.4;

/// Millimetres to points.
pub fn mm(v: f32) -> f32 {
    v * PT_PER_MM
}

/// The paper a document is laid out on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PageSize {
    /// 210 × 297 mm.
    A4,
    /// 8.5 × 11 in.
    Letter,
    /// Width and height in points.
    Custom { width: f32, height: f32 },
}

impl PageSize {
    /// Width and height in points.
    pub fn dimensions(self) -> (f32, f32) {
        match self {
            PageSize::A4 => (mm(210.0), mm(297.0)),
            PageSize::Letter => (612.0, 792.0),
            PageSize::Custom { width, height } => (width, height),
        }
    }
}

/// Page margins in points. The header sits inside the top margin's box, the footer inside
/// the bottom one's: content never comes closer to the edge than these.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Margins {
    pub top: f32,
    pub right: f32,
    pub bottom: f32,
    pub left: f32,
}

impl Default for Margins {
    fn default() -> Self {
        Margins { top: mm(16.0), right: mm(18.0), bottom: mm(14.0), left: mm(18.0) }
    }
}

/// Document properties written to the PDF information dictionary.
#[derive(Clone, Debug, PartialEq)]
pub struct Metadata {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// The application that made the content.
    pub creator: String,
    /// The software that wrote the PDF.
    pub producer: String,
    /// Written as the creation date; the caller supplies it so that the same input gives
    /// the same bytes.
    pub created: Timestamp,
    /// Written as the modification date; the creation date when `None`.
    pub modified: Option<Timestamp>,
    /// The file identifier (32 hexadecimal digits) for the trailer `/ID` and the
    /// `/Identifier` entry. When `None` it is derived from the content: the first 128 bits
    /// of the SHA-256 of the file written with a placeholder identifier.
    pub document_id: Option<String>,
}

impl Metadata {
    /// A title and creation time; creator and producer name Vetdesk, the rest is empty
    /// and the identifier is derived from the content.
    pub fn new(title: impl Into<String>, created: Timestamp) -> Metadata {
        Metadata {
            title: title.into(),
            author: String::new(),
            subject: String::new(),
            keywords: Vec::new(),
            creator: "Vetdesk".to_string(),
            producer: "Vetdesk report engine (printpdf 0.12.8)".to_string(),
            created,
            modified: None,
            document_id: None,
        }
    }
}

/// The running footer: `left` text, "Page N of M" in the middle and `right` text. When the
/// three do not fit on one line the right text moves to a line of its own below, and a
/// [`Text::hash`] there is set smaller rather than broken.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Footer {
    pub left: Text,
    pub right: Text,
}

/// A title page: the first page of the document, with the footer but without the header.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cover {
    pub title: String,
    pub subtitle: Option<String>,
    /// Label–value lines under the title (case, candidate, prepared by, date …).
    pub fields: Vec<(Text, Text)>,
    /// Small print at the foot of the page (handling instructions, confidentiality).
    pub note: Option<Text>,
}

/// How wide a table column is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ColumnWidth {
    /// A width in points.
    Fixed(f32),
    /// A share of what the fixed columns leave, in proportion to the other relative columns.
    Relative(f32),
}

/// Horizontal alignment of text in its box.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// A table column: its header text, width and alignment.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub header: Text,
    pub width: ColumnWidth,
    pub align: Align,
}

impl Column {
    /// A column `points` wide.
    pub fn fixed(header: impl Into<Text>, points: f32) -> Column {
        Column { header: header.into(), width: ColumnWidth::Fixed(points), align: Align::Left }
    }

    /// A column taking `weight` shares of the width the fixed columns leave.
    pub fn relative(header: impl Into<Text>, weight: f32) -> Column {
        Column { header: header.into(), width: ColumnWidth::Relative(weight), align: Align::Left }
    }

    /// The same column, right-aligned (numbers).
    pub fn right(self) -> Column {
        Column { align: Align::Right, ..self }
    }

    /// The same column, centred.
    pub fn center(self) -> Column {
        Column { align: Align::Center, ..self }
    }
}

/// A table. Cells wrap within their column; a row is never split between lines of text
/// across pages, and the header row is repeated on every page the table continues onto.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Text>>,
}

impl Table {
    /// A table with these columns and no rows yet.
    pub fn new(columns: impl IntoIterator<Item = Column>) -> Table {
        Table { columns: columns.into_iter().collect(), rows: Vec::new() }
    }

    /// Adds a row (it must have one cell per column; checked when rendering).
    pub fn row<T: Into<Text>>(mut self, cells: impl IntoIterator<Item = T>) -> Table {
        self.push_row(cells);
        self
    }

    /// Adds a row in place (for tables filled in a loop).
    pub fn push_row<T: Into<Text>>(&mut self, cells: impl IntoIterator<Item = T>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }
}

/// An image added to a document with [`Document::add_jpeg`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImageId(pub(crate) usize);

/// One image, centred, scaled to fit (never up beyond its box), with an optional caption.
#[derive(Clone, Debug, PartialEq)]
pub struct Image {
    pub image: ImageId,
    /// Largest width in points (default: the content width).
    pub max_width: Option<f32>,
    /// Largest height in points (default: 60 % of the content height).
    pub max_height: Option<f32>,
    pub caption: Option<Text>,
}

impl Image {
    /// The image at its largest size within the default box, no caption.
    pub fn new(image: ImageId) -> Image {
        Image { image, max_width: None, max_height: None, caption: None }
    }

    /// A caption, centred under the image.
    pub fn caption(self, caption: impl Into<Text>) -> Image {
        Image { caption: Some(caption.into()), ..self }
    }

    /// At most `points` high.
    pub fn max_height(self, points: f32) -> Image {
        Image { max_height: Some(points), ..self }
    }

    /// At most `points` wide.
    pub fn max_width(self, points: f32) -> Image {
        Image { max_width: Some(points), ..self }
    }
}

/// Images in rows of `columns`, each fitted into a cell `cell_height` points high with its
/// caption below. A row of the grid stays on one page.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageGrid {
    pub columns: usize,
    pub cell_height: f32,
    pub items: Vec<(ImageId, Text)>,
}

impl ImageGrid {
    /// An empty grid of `columns` columns (fewer when cells would be under 40 pt wide)
    /// whose images are fitted into cells `cell_height` points high.
    pub fn new(columns: usize, cell_height: f32) -> ImageGrid {
        ImageGrid { columns, cell_height, items: Vec::new() }
    }

    /// Adds an image with its caption (which may be empty).
    pub fn item(mut self, image: ImageId, caption: impl Into<Text>) -> ImageGrid {
        self.items.push((image, caption.into()));
        self
    }
}

/// One data series of a bar chart: a value per category.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
    /// Bar colour; a colour-blind-safe palette colour when `None`.
    pub color: Option<Color>,
}

impl Series {
    /// A series in the next palette colour.
    pub fn new(name: impl Into<String>, values: impl IntoIterator<Item = f64>) -> Series {
        Series { name: name.into(), values: values.into_iter().collect(), color: None }
    }
}

/// A grouped bar chart drawn as vector paths.
#[derive(Clone, Debug, PartialEq)]
pub struct BarChart {
    pub title: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// Label of the value axis (printed above it).
    pub y_label: Option<String>,
    /// Total height in points, title and legend included.
    pub height: f32,
}

impl BarChart {
    /// A chart with these categories (along the bottom), no series yet, 200 pt high.
    pub fn new(
        title: impl Into<String>,
        categories: impl IntoIterator<Item = impl Into<String>>,
    ) -> BarChart {
        BarChart {
            title: title.into(),
            categories: categories.into_iter().map(Into::into).collect(),
            series: Vec::new(),
            y_label: None,
            height: 200.0,
        }
    }

    /// Adds a series; its values must be finite, one per category.
    pub fn series(mut self, series: Series) -> BarChart {
        self.series.push(series);
        self
    }

    /// Labels the value axis.
    pub fn y_label(self, label: impl Into<String>) -> BarChart {
        BarChart { y_label: Some(label.into()), ..self }
    }

    /// Total height (at least 100 pt, at most 90 % of the content height).
    pub fn height(self, points: f32) -> BarChart {
        BarChart { height: points, ..self }
    }
}

/// A unit of content, laid out in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A heading (level 1–3); it is kept on the same page as the start of what follows.
    Heading {
        level: u8,
        text: Text,
    },
    Paragraph(Text),
    /// Label–value pairs in two columns.
    KeyValues(Vec<(Text, Text)>),
    Bullets(Vec<Text>),
    Table(Table),
    Image(Image),
    ImageGrid(ImageGrid),
    BarChart(BarChart),
    /// Vertical space in points.
    Spacer(f32),
    PageBreak,
}

/// A finished PDF.
#[derive(Clone, Debug)]
pub struct RenderedPdf {
    pub bytes: Vec<u8>,
    pub page_count: usize,
    /// The file identifier written to the trailer (32 lowercase hexadecimal digits).
    pub document_id: String,
    /// Characters no embedded face could draw (printed as U+FFFD), with their counts.
    pub missing_glyphs: BTreeMap<char, usize>,
    /// Problems printpdf reported while writing (empty for a sound document).
    pub warnings: Vec<String>,
}

/// A document under construction.
///
/// ```
/// use vetdesk_core::model::Timestamp;
/// use vetdesk_export::report::pdf::{Document, Metadata, PageSize, Table, Column, Text};
///
/// let created: Timestamp = "2026-11-24T09:30:00.000Z".parse().unwrap();
/// let mut doc = Document::new(PageSize::A4, Metadata::new("Case report", created));
/// doc.footer("Case VD-0042", Text::hash("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"))
///     .heading(1, "Summary")
///     .paragraph("Identity documents were checked against the ICAO 9303 check digits.")
///     .table(Table::new([Column::relative("Check", 3.0), Column::fixed("Result", 60.0)])
///         .row(["MRZ check digits", "pass"]));
/// let pdf = doc.render().unwrap();
/// assert!(pdf.bytes.starts_with(b"%PDF-"));
/// ```
#[derive(Clone, Debug)]
pub struct Document {
    page_size: PageSize,
    margins: Margins,
    metadata: Metadata,
    header: Option<Text>,
    footer: Footer,
    cover: Option<Cover>,
    blocks: Vec<Block>,
    images: Vec<Jpeg>,
}

impl Document {
    /// An empty document with the default margins and an empty footer (the page number
    /// is always printed).
    pub fn new(page_size: PageSize, metadata: Metadata) -> Document {
        Document {
            page_size,
            margins: Margins::default(),
            metadata,
            header: None,
            footer: Footer::default(),
            cover: None,
            blocks: Vec::new(),
            images: Vec::new(),
        }
    }

    /// Replaces the default margins.
    pub fn margins(&mut self, margins: Margins) -> &mut Self {
        self.margins = margins;
        self
    }

    /// A line of text at the top of every page but the cover.
    pub fn header(&mut self, text: impl Into<Text>) -> &mut Self {
        self.header = Some(text.into());
        self
    }

    /// The footer's left and right texts (see [`Footer`]).
    pub fn footer(&mut self, left: impl Into<Text>, right: impl Into<Text>) -> &mut Self {
        self.footer = Footer { left: left.into(), right: right.into() };
        self
    }

    /// Opens the document with a cover page.
    pub fn cover(&mut self, cover: Cover) -> &mut Self {
        self.cover = Some(cover);
        self
    }

    /// Adds a JPEG to the document, to be embedded byte for byte (no re-encoding, no
    /// scaling: pass thumbnails already sized for print). Only the headers are read, so
    /// bad bytes are refused here with an error naming `name`, and pixels are never
    /// decoded. The bytes stay in memory until [`Document::render`].
    pub fn add_jpeg(&mut self, name: &str, bytes: Vec<u8>) -> Result<ImageId, PdfError> {
        let jpeg = Jpeg::parse(name, bytes)?;
        self.images.push(jpeg);
        Ok(ImageId(self.images.len() - 1))
    }

    /// Appends any block; the methods below are shorthands for it.
    pub fn push(&mut self, block: Block) -> &mut Self {
        self.blocks.push(block);
        self
    }

    /// A heading of level 1 (largest, ruled), 2 or 3; 0 counts as 1, above 3 as 3.
    pub fn heading(&mut self, level: u8, text: impl Into<Text>) -> &mut Self {
        self.push(Block::Heading { level, text: text.into() })
    }

    /// A paragraph of body text, wrapped to the content width.
    pub fn paragraph(&mut self, text: impl Into<Text>) -> &mut Self {
        self.push(Block::Paragraph(text.into()))
    }

    /// Label–value pairs, labels bold in a column sized to the widest (at most 38 %).
    pub fn key_values<K: Into<Text>, V: Into<Text>>(
        &mut self,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> &mut Self {
        self.push(Block::KeyValues(pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect()))
    }

    /// A bulleted list; items wrap with a hanging indent.
    pub fn bullets<T: Into<Text>>(&mut self, items: impl IntoIterator<Item = T>) -> &mut Self {
        self.push(Block::Bullets(items.into_iter().map(Into::into).collect()))
    }

    /// A table (see [`Table`]).
    pub fn table(&mut self, table: Table) -> &mut Self {
        self.push(Block::Table(table))
    }

    /// An image added with [`Document::add_jpeg`].
    pub fn image(&mut self, image: Image) -> &mut Self {
        self.push(Block::Image(image))
    }

    /// A grid of images with captions.
    pub fn image_grid(&mut self, grid: ImageGrid) -> &mut Self {
        self.push(Block::ImageGrid(grid))
    }

    /// A bar chart.
    pub fn bar_chart(&mut self, chart: BarChart) -> &mut Self {
        self.push(Block::BarChart(chart))
    }

    /// Vertical space (dropped at the top of a page).
    pub fn spacer(&mut self, points: f32) -> &mut Self {
        self.push(Block::Spacer(points))
    }

    /// Continues on a new page (several in a row still give one break).
    pub fn page_break(&mut self) -> &mut Self {
        self.push(Block::PageBreak)
    }

    fn jpeg(&self, id: ImageId) -> Result<&Jpeg, PdfError> {
        self.images.get(id.0).ok_or(PdfError::UnknownImage { index: id.0 })
    }

    /// Lays the document out and writes the PDF. Consumes the document so that image bytes
    /// move into the file instead of being copied.
    #[tracing::instrument(level = "debug", skip_all, fields(title = %self.metadata.title))]
    pub fn render(self) -> Result<RenderedPdf, PdfError> {
        let fonts = Fonts::get()?;
        let mut shaper = Shaper::new(fonts);
        let (page_w, page_h) = self.page_size.dimensions();
        let m = self.margins;
        if ![m.top, m.right, m.bottom, m.left].iter().all(|v| v.is_finite() && *v >= 0.0) {
            return Err(PdfError::InvalidLayout(format!("margins must be 0 pt or more: {m:?}")));
        }
        let width = page_w - m.left - m.right;
        let header = self.header.as_ref().map(|h| furniture::plan_header(&mut shaper, h, width));
        let footer = furniture::plan_footer(&mut shaper, &self.footer, width);
        let top = m.top + header.as_ref().map_or(0.0, |h| h.height + furniture::GAP);
        let bottom = page_h - m.bottom - footer.height - furniture::GAP;
        let area = Area { x: m.left, top, width, height: bottom - top };
        if !(width >= 150.0 && area.height >= 150.0) {
            return Err(PdfError::InvalidLayout(format!(
                "margins, header and footer leave {width:.0} × {:.0} pt for content \
                 (at least 150 × 150 pt needed)",
                area.height
            )));
        }

        let mut flow = Flow::default();
        let mut tables = 0;
        for block in &self.blocks {
            match block {
                Block::Heading { level, text } => {
                    layout::heading(&mut flow, &mut shaper, *level, text, area)
                }
                Block::Paragraph(text) => layout::paragraph(&mut flow, &mut shaper, text, area),
                Block::KeyValues(pairs) => {
                    layout::key_values(&mut flow, &mut shaper, pairs, layout::theme::BODY, area)
                }
                Block::Bullets(items) => layout::bullets(&mut flow, &mut shaper, items, area),
                Block::Table(table) => {
                    tables += 1;
                    layout::table(&mut flow, &mut shaper, table, tables, area)?
                }
                Block::Image(image) => {
                    let jpeg = self.jpeg(image.image)?;
                    layout::image(&mut flow, &mut shaper, image, jpeg, area)
                }
                Block::ImageGrid(grid) => {
                    let jpegs = grid
                        .items
                        .iter()
                        .map(|(id, _)| self.jpeg(*id))
                        .collect::<Result<Vec<_>, _>>()?;
                    layout::image_grid(&mut flow, &mut shaper, grid, &jpegs, area)
                }
                Block::BarChart(c) => chart::bar_chart(&mut flow, &mut shaper, c, area)?,
                Block::Spacer(points) => flow.gap(points.max(0.0)),
                Block::PageBreak => flow.page_break(),
            }
        }

        let mut pages = match &self.cover {
            Some(cover) => furniture::cover_pages(&mut shaper, cover, area),
            None => Vec::new(),
        };
        let cover_pages = pages.len();
        if !flow.slices.is_empty() || pages.is_empty() {
            pages.extend(layout::paginate(flow, area));
        }
        let total = pages.len();
        for (n, page) in pages.iter_mut().enumerate() {
            if let Some(h) = header.as_ref().filter(|_| n >= cover_pages) {
                furniture::draw_header(page, h, m.left, m.top, width);
            }
            furniture::draw_footer(
                &mut shaper,
                page,
                &footer,
                n + 1,
                total,
                m.left,
                page_h - m.bottom,
                width,
            );
        }

        let missing_glyphs = shaper.into_missing();
        let written = render::write(page_w, page_h, pages, self.images, &self.metadata, fonts)?;
        tracing::debug!(pages = total, bytes = written.bytes.len(), "rendered PDF");
        Ok(RenderedPdf {
            bytes: written.bytes,
            page_count: total,
            document_id: written.document_id,
            missing_glyphs,
            warnings: written.warnings,
        })
    }
}
