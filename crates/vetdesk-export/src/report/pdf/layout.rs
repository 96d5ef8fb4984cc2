//! Layout: every block becomes a list of slices (a line, a table row, an image with its
//! caption): rectangles of known height that must not be split. The paginator stacks slices
//! onto pages, starts a new page when the next slice (with whatever it must stay with) does
//! not fit, and repeats a table's header row at the top of each page the table continues on.

use super::document::{Align, ColumnWidth, Image, ImageGrid, Table};
use super::error::PdfError;
use super::fonts::Shaper;
use super::jpeg::Jpeg;
use super::text::{Color, Line, Piece, Text, single_line, wrap};

/// Type sizes and spacing, in points.
pub(crate) mod theme {
    pub const BODY: f32 = 9.5;
    pub const TABLE: f32 = 8.3;
    pub const SMALL: f32 = 7.6;
    /// Line height as a multiple of the type size.
    pub const LEADING: f32 = 1.38;
    pub const PARAGRAPH_GAP: f32 = 6.0;
    pub const BLOCK_GAP: f32 = 8.0;
    pub const CELL_PAD_X: f32 = 4.0;
    pub const CELL_PAD_Y: f32 = 2.6;
    pub const HAIRLINE: f32 = 0.4;
    pub const BULLET_INDENT: f32 = 12.0;
    pub const CAPTION_GAP: f32 = 3.0;
    pub const GRID_GAP: f32 = 10.0;

    pub fn line_height(size: f32) -> f32 {
        size * LEADING
    }
}

/// Something drawn on a page. Coordinates are points from the page's top-left corner
/// (`y` grows downwards); the renderer flips them into PDF's bottom-up space.
#[derive(Clone, Debug)]
pub(crate) enum Item {
    Text { x: f32, baseline: f32, piece: Piece },
    Rect { x: f32, y: f32, w: f32, h: f32, fill: Option<Color>, stroke: Option<(Color, f32)> },
    Line { x1: f32, y1: f32, x2: f32, y2: f32, color: Color, width: f32 },
    Image { index: usize, x: f32, y: f32, w: f32, h: f32 },
}

impl Item {
    fn shifted(self, dy: f32) -> Item {
        match self {
            Item::Text { x, baseline, piece } => Item::Text { x, baseline: baseline + dy, piece },
            Item::Rect { x, y, w, h, fill, stroke } => {
                Item::Rect { x, y: y + dy, w, h, fill, stroke }
            }
            Item::Line { x1, y1, x2, y2, color, width } => {
                Item::Line { x1, y1: y1 + dy, x2, y2: y2 + dy, color, width }
            }
            Item::Image { index, x, y, w, h } => Item::Image { index, x, y: y + dy, w, h },
        }
    }
}

/// DejaVu Sans's ascender and descender in ems (checked against the font in a test): the
/// glyph box is centred in the line box.
pub(crate) const ASCENT: f32 = 0.928;
pub(crate) const DESCENT: f32 = 0.236;

/// Draws `line` with its left edge at `x` in a line box whose top is `top`.
/// `nominal` is the block's type size: pieces set smaller (a shrunk hash) share its baseline.
pub(crate) fn draw_line(items: &mut Vec<Item>, line: &Line, x: f32, top: f32, nominal: f32) {
    let line_h = theme::line_height(nominal);
    let baseline = top + (line_h - (ASCENT + DESCENT) * nominal) / 2.0 + ASCENT * nominal;
    for piece in &line.pieces {
        items.push(Item::Text { x: x + piece.x, baseline, piece: piece.clone() });
    }
}

/// `line` placed in a box `width` wide starting at `x`, according to `align`.
pub(crate) fn aligned_x(line: &Line, x: f32, width: f32, align: Align) -> f32 {
    match align {
        Align::Left => x,
        Align::Right => x + (width - line.width).max(0.0),
        Align::Center => x + ((width - line.width) / 2.0).max(0.0),
    }
}

/// A piece of a block that is never split across pages.
#[derive(Clone, Debug, Default)]
pub(crate) struct Slice {
    /// Space above, dropped when the slice opens a page.
    pub(crate) space_before: f32,
    pub(crate) height: f32,
    /// Items relative to the slice: `y` = 0 is its top.
    pub(crate) items: Vec<Item>,
    /// Start a new page before this slice (unless the page is still empty).
    pub(crate) break_before: bool,
    /// This slice must share a page with the one after it (a heading, a table header).
    pub(crate) keep_with_next: bool,
    /// Index into `Flow::repeats` of a slice to draw first when this one opens a page.
    pub(crate) repeat: Option<usize>,
}

/// Everything the blocks of a document were laid out into, in order.
#[derive(Default)]
pub(crate) struct Flow {
    pub(crate) slices: Vec<Slice>,
    pub(crate) repeats: Vec<Slice>,
    /// Space the next slice gets above it (the previous block's space after).
    pending_gap: f32,
    pending_break: bool,
}

impl Flow {
    pub(crate) fn push(&mut self, mut slice: Slice) {
        slice.space_before = slice.space_before.max(self.pending_gap);
        slice.break_before |= std::mem::take(&mut self.pending_break);
        self.pending_gap = 0.0;
        self.slices.push(slice);
    }

    pub(crate) fn gap(&mut self, gap: f32) {
        self.pending_gap = self.pending_gap.max(gap);
    }

    pub(crate) fn page_break(&mut self) {
        self.pending_break = true;
        self.pending_gap = 0.0;
    }
}

/// The content box of a page, in points from the top-left corner.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Area {
    pub(crate) x: f32,
    pub(crate) top: f32,
    pub(crate) width: f32,
    pub(crate) height: f32,
}

/// Lines of wrapped text as one slice each.
pub(crate) fn text_slices(
    flow: &mut Flow,
    shaper: &mut Shaper,
    text: &Text,
    size: f32,
    color: Color,
    area: Area,
    indent: f32,
) {
    let line_h = theme::line_height(size);
    for line in wrap(shaper, text, size, color, area.width - indent) {
        let mut items = Vec::new();
        draw_line(&mut items, &line, area.x + indent, 0.0, size);
        flow.push(Slice { height: line_h, items, ..Slice::default() });
    }
}

pub(crate) fn heading(flow: &mut Flow, shaper: &mut Shaper, level: u8, text: &Text, area: Area) {
    let (size, before, after, color) = match level {
        0 | 1 => (15.5, 16.0, 7.0, Color::ACCENT),
        2 => (12.0, 12.0, 4.0, Color::TEXT),
        _ => (10.3, 9.0, 3.0, Color::TEXT),
    };
    let bold = Text { spans: text.spans.iter().map(|s| s.clone().into_bold()).collect() };
    let line_h = theme::line_height(size);
    let lines = wrap(shaper, &bold, size, color, area.width);
    let mut items = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        draw_line(&mut items, line, area.x, i as f32 * line_h, size);
    }
    let mut height = lines.len() as f32 * line_h;
    if level <= 1 {
        height += 2.0;
        items.push(Item::Line {
            x1: area.x,
            y1: height,
            x2: area.x + area.width,
            y2: height,
            color: Color::ACCENT,
            width: 0.8,
        });
    }
    flow.gap(before);
    flow.push(Slice { height, items, keep_with_next: true, ..Slice::default() });
    flow.gap(after);
}

pub(crate) fn paragraph(flow: &mut Flow, shaper: &mut Shaper, text: &Text, area: Area) {
    text_slices(flow, shaper, text, theme::BODY, Color::TEXT, area, 0.0);
    flow.gap(theme::PARAGRAPH_GAP);
}

pub(crate) fn bullets(flow: &mut Flow, shaper: &mut Shaper, items: &[Text], area: Area) {
    let size = theme::BODY;
    let line_h = theme::line_height(size);
    let bullet = single_line(shaper, &Text::plain("•"), size, Color::MUTED);
    for (n, item) in items.iter().enumerate() {
        let lines = wrap(shaper, item, size, Color::TEXT, area.width - theme::BULLET_INDENT);
        for (i, line) in lines.iter().enumerate() {
            let mut drawn = Vec::new();
            if i == 0 {
                draw_line(&mut drawn, &bullet, area.x + 3.0, 0.0, size);
            }
            draw_line(&mut drawn, line, area.x + theme::BULLET_INDENT, 0.0, size);
            let space_before = if i == 0 && n > 0 { 2.0 } else { 0.0 };
            flow.push(Slice { space_before, height: line_h, items: drawn, ..Slice::default() });
        }
    }
    flow.gap(theme::PARAGRAPH_GAP);
}

/// Label–value pairs in two columns; each pair stays on one page.
pub(crate) fn key_values(
    flow: &mut Flow,
    shaper: &mut Shaper,
    pairs: &[(Text, Text)],
    size: f32,
    area: Area,
) {
    let line_h = theme::line_height(size);
    let bold = |t: &Text| Text { spans: t.spans.iter().map(|s| s.clone().into_bold()).collect() };
    let widest = pairs
        .iter()
        .map(|(k, _)| single_line(shaper, &bold(k), size, Color::MUTED).width)
        .fold(0.0_f32, f32::max);
    // max/min rather than clamp: clamp panics when the bounds cross (a narrow column).
    let key_w = (widest + 12.0).max(60.0).min(area.width * 0.38);
    let value_w = area.width - key_w;
    for (key, value) in pairs {
        let key_lines = wrap(shaper, &bold(key), size, Color::MUTED, key_w - 8.0);
        let value_lines = wrap(shaper, value, size, Color::TEXT, value_w);
        let rows = key_lines.len().max(value_lines.len()).max(1);
        let mut items = Vec::new();
        let pad = 1.8;
        for (i, l) in key_lines.iter().enumerate() {
            draw_line(&mut items, l, area.x, pad + i as f32 * line_h, size);
        }
        for (i, l) in value_lines.iter().enumerate() {
            draw_line(&mut items, l, area.x + key_w, pad + i as f32 * line_h, size);
        }
        let height = rows as f32 * line_h + 2.0 * pad;
        items.push(Item::Line {
            x1: area.x,
            y1: height,
            x2: area.x + area.width,
            y2: height,
            color: Color::SHADE,
            width: 0.6,
        });
        flow.push(Slice { height, items, ..Slice::default() });
    }
    flow.gap(theme::BLOCK_GAP);
}

/// Resolves fixed and relative column widths against the available width.
pub(crate) fn column_widths(
    table: &Table,
    name: &str,
    available: f32,
) -> Result<Vec<f32>, PdfError> {
    let bad = |reason: String| PdfError::InvalidTable { table: name.to_string(), reason };
    if table.columns.is_empty() {
        return Err(bad("has no columns".to_string()));
    }
    let mut fixed = 0.0;
    let mut weights = 0.0;
    for (i, c) in table.columns.iter().enumerate() {
        match c.width {
            ColumnWidth::Fixed(w) if w.is_finite() && w > 2.0 * theme::CELL_PAD_X => fixed += w,
            ColumnWidth::Relative(r) if r.is_finite() && r > 0.0 => weights += r,
            other => {
                return Err(bad(format!("column {} has an unusable width {other:?}", i + 1)));
            }
        }
    }
    let rest = available - fixed;
    if rest < -0.01 || (weights > 0.0 && rest < 2.0 * theme::CELL_PAD_X + 6.0) {
        return Err(bad(format!(
            "fixed columns take {fixed:.0} pt of the {available:.0} pt available"
        )));
    }
    Ok(table
        .columns
        .iter()
        .map(|c| match c.width {
            ColumnWidth::Fixed(w) => w,
            ColumnWidth::Relative(r) => rest * r / weights,
        })
        .collect())
}

struct Row {
    cells: Vec<Vec<Line>>,
}

fn row_slice(
    row: &Row,
    widths: &[f32],
    aligns: &[Align],
    area: Area,
    size: f32,
    shade: Option<Color>,
    rule: (Color, f32),
) -> Slice {
    let line_h = theme::line_height(size);
    let rows = row.cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let height = rows as f32 * line_h + 2.0 * theme::CELL_PAD_Y;
    let mut items = Vec::new();
    if let Some(fill) = shade {
        items.push(Item::Rect {
            x: area.x,
            y: 0.0,
            w: area.width,
            h: height,
            fill: Some(fill),
            stroke: None,
        });
    }
    let mut x = area.x;
    for ((lines, w), align) in row.cells.iter().zip(widths).zip(aligns) {
        let inner = w - 2.0 * theme::CELL_PAD_X;
        for (i, line) in lines.iter().enumerate() {
            let lx = aligned_x(line, x + theme::CELL_PAD_X, inner, *align);
            draw_line(&mut items, line, lx, theme::CELL_PAD_Y + i as f32 * line_h, size);
        }
        x += w;
    }
    items.push(Item::Line {
        x1: area.x,
        y1: height,
        x2: area.x + area.width,
        y2: height,
        color: rule.0,
        width: rule.1,
    });
    Slice { height, items, ..Slice::default() }
}

/// A table: the header row kept with the first body row and repeated on every page the
/// table continues onto; body rows never split (a row taller than a page is split between
/// lines, the only way it can be printed at all).
pub(crate) fn table(
    flow: &mut Flow,
    shaper: &mut Shaper,
    table: &Table,
    number: usize,
    area: Area,
) -> Result<(), PdfError> {
    let headers: Vec<String> = table.columns.iter().map(|c| c.header.to_plain_string()).collect();
    let name = format!("#{number} ({})", headers.join(" | "));
    let widths = column_widths(table, &name, area.width)?;
    let aligns: Vec<Align> = table.columns.iter().map(|c| c.align).collect();
    let size = theme::TABLE;
    let line_h = theme::line_height(size);
    let wrap_cells = |shaper: &mut Shaper, cells: &[Text], bold: bool| -> Row {
        Row {
            cells: cells
                .iter()
                .zip(&widths)
                .map(|(t, w)| {
                    let t = if bold {
                        Text { spans: t.spans.iter().map(|s| s.clone().into_bold()).collect() }
                    } else {
                        t.clone()
                    };
                    wrap(shaper, &t, size, Color::TEXT, w - 2.0 * theme::CELL_PAD_X)
                })
                .collect(),
        }
    };
    let header_cells: Vec<Text> = table.columns.iter().map(|c| c.header.clone()).collect();
    let header = wrap_cells(shaper, &header_cells, true);
    let header_slice =
        row_slice(&header, &widths, &aligns, area, size, Some(Color::SHADE), (Color::MUTED, 0.8));
    let max_row = area.height - header_slice.height - 1.0;
    let repeat = flow.repeats.len();
    flow.repeats.push(header_slice.clone());
    flow.gap(theme::BLOCK_GAP / 2.0);
    flow.push(Slice { keep_with_next: !table.rows.is_empty(), ..header_slice });
    for (r, cells) in table.rows.iter().enumerate() {
        if cells.len() != table.columns.len() {
            return Err(PdfError::InvalidTable {
                table: name,
                reason: format!(
                    "row {} has {} cells for {} columns",
                    r + 1,
                    cells.len(),
                    table.columns.len()
                ),
            });
        }
        let row = wrap_cells(shaper, cells, false);
        let shade = (r % 2 == 1).then_some(Color::rgb(0xF7, 0xF8, 0xFA));
        // Rows taller than a page are cut between lines into page-sized parts.
        let per_part = (((max_row - 2.0 * theme::CELL_PAD_Y) / line_h).floor() as usize).max(1);
        let tallest = row.cells.iter().map(Vec::len).max().unwrap_or(0);
        let parts = tallest.div_ceil(per_part).max(1);
        for part in 0..parts {
            let sub = Row {
                cells: row
                    .cells
                    .iter()
                    .map(|lines| {
                        lines.iter().skip(part * per_part).take(per_part).cloned().collect()
                    })
                    .collect(),
            };
            let mut slice = row_slice(
                &sub,
                &widths,
                &aligns,
                area,
                size,
                shade,
                (Color::RULE, theme::HAIRLINE),
            );
            slice.repeat = Some(repeat);
            flow.push(slice);
        }
    }
    flow.gap(theme::BLOCK_GAP);
    Ok(())
}

/// Fits `w`×`h` pixels into a `max_w`×`max_h` point box, keeping the aspect ratio.
fn fit(w: u32, h: u32, max_w: f32, max_h: f32) -> (f32, f32) {
    let (w, h) = (w as f32, h as f32);
    let scale = (max_w / w).min(max_h / h);
    (w * scale, h * scale)
}

pub(crate) fn image(flow: &mut Flow, shaper: &mut Shaper, image: &Image, jpeg: &Jpeg, area: Area) {
    let size = theme::SMALL;
    let line_h = theme::line_height(size);
    let caption = image
        .caption
        .as_ref()
        .map(|c| wrap(shaper, c, size, Color::MUTED, area.width))
        .unwrap_or_default();
    let caption_h =
        if caption.is_empty() { 0.0 } else { theme::CAPTION_GAP + caption.len() as f32 * line_h };
    let max_w = image.max_width.unwrap_or(area.width).min(area.width);
    let max_h = image.max_height.unwrap_or(area.height * 0.6).min(area.height - caption_h - 2.0);
    let (w, h) = fit(jpeg.width, jpeg.height, max_w, max_h.max(10.0));
    let x = area.x + (area.width - w) / 2.0;
    let mut items = vec![
        Item::Image { index: image.image.0, x, y: 0.0, w, h },
        Item::Rect { x, y: 0.0, w, h, fill: None, stroke: Some((Color::RULE, theme::HAIRLINE)) },
    ];
    for (i, line) in caption.iter().enumerate() {
        let lx = aligned_x(line, area.x, area.width, Align::Center);
        draw_line(&mut items, line, lx, h + theme::CAPTION_GAP + i as f32 * line_h, size);
    }
    flow.gap(theme::BLOCK_GAP);
    flow.push(Slice { height: h + caption_h, items, ..Slice::default() });
    flow.gap(theme::BLOCK_GAP);
}

pub(crate) fn image_grid(
    flow: &mut Flow,
    shaper: &mut Shaper,
    grid: &ImageGrid,
    jpegs: &[&Jpeg],
    area: Area,
) {
    let size = theme::SMALL;
    let line_h = theme::line_height(size);
    let gap = theme::GRID_GAP;
    // No narrower cells than 40 pt, whatever was asked for.
    let fitting = ((area.width + gap) / (40.0 + gap)).floor().max(1.0) as usize;
    let columns = grid.columns.clamp(1, fitting);
    let cell_w = (area.width - gap * (columns - 1) as f32) / columns as f32;
    let cell_h = grid.cell_height.min(area.height * 0.8).max(10.0);
    flow.gap(theme::BLOCK_GAP);
    for (r, row) in grid.items.chunks(columns).zip(jpegs.chunks(columns)).enumerate() {
        let (cells, images) = row;
        let mut items = Vec::new();
        let mut caption_rows = 0;
        for (c, ((id, caption), jpeg)) in cells.iter().zip(images).enumerate() {
            let cx = area.x + c as f32 * (cell_w + gap);
            let (w, h) = fit(jpeg.width, jpeg.height, cell_w, cell_h);
            let x = cx + (cell_w - w) / 2.0;
            let y = cell_h - h;
            items.push(Item::Image { index: id.0, x, y, w, h });
            items.push(Item::Rect {
                x,
                y,
                w,
                h,
                fill: None,
                stroke: Some((Color::RULE, theme::HAIRLINE)),
            });
            let lines = wrap(shaper, caption, size, Color::MUTED, cell_w);
            for (i, line) in lines.iter().enumerate() {
                let lx = aligned_x(line, cx, cell_w, Align::Center);
                draw_line(
                    &mut items,
                    line,
                    lx,
                    cell_h + theme::CAPTION_GAP + i as f32 * line_h,
                    size,
                );
            }
            caption_rows = caption_rows.max(lines.len());
        }
        let caption_h =
            if caption_rows == 0 { 0.0 } else { theme::CAPTION_GAP + caption_rows as f32 * line_h };
        let space_before = if r == 0 { 0.0 } else { gap };
        flow.push(Slice { space_before, height: cell_h + caption_h, items, ..Slice::default() });
    }
    flow.gap(theme::BLOCK_GAP);
}

/// A page being filled: its items in absolute page coordinates.
#[derive(Default)]
pub(crate) struct Page {
    pub(crate) items: Vec<Item>,
}

/// Stacks the flow's slices onto pages of the given content area.
pub(crate) fn paginate(flow: Flow, area: Area) -> Vec<Page> {
    let bottom = area.top + area.height;
    let mut pages = vec![Page::default()];
    let mut y = area.top;
    let mut at_top = true;
    let slices = flow.slices;
    for i in 0..slices.len() {
        let slice = &slices[i];
        if slice.break_before && !at_top {
            pages.push(Page::default());
            y = area.top;
            at_top = true;
        }
        let gap = if at_top { 0.0 } else { slice.space_before };
        // What must come with it: the slices it is kept with, up to a page's worth.
        let mut need = gap + slice.height;
        let mut j = i;
        while slices[j].keep_with_next && j + 1 < slices.len() && j < i + 3 {
            j += 1;
            need += slices[j].space_before + slices[j].height;
        }
        if need > area.height {
            need = gap + slice.height;
        }
        if y + need > bottom + 0.01 && !at_top {
            pages.push(Page::default());
            y = area.top;
            at_top = true;
        }
        let page = pages.len() - 1;
        if at_top {
            if let Some(header) = slice.repeat.and_then(|r| flow.repeats.get(r)) {
                pages[page].items.extend(header.items.iter().cloned().map(|it| it.shifted(y)));
                y += header.height;
            }
        } else {
            y += gap;
        }
        pages[page].items.extend(slice.items.iter().cloned().map(|it| it.shifted(y)));
        y += slice.height;
        at_top = false;
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::super::document::{Column, Table};
    use super::super::fonts::{Face, Fonts};
    use super::*;

    fn texts(page: &Page) -> Vec<String> {
        page.items
            .iter()
            .filter_map(|it| match it {
                Item::Text { piece, .. } => Some(piece.glyphs.iter().map(|g| g.ch).collect()),
                _ => None,
            })
            .collect()
    }

    fn bounds(item: &Item) -> (f32, f32) {
        match item {
            Item::Text { baseline, piece, .. } => (baseline - piece.size, *baseline),
            Item::Rect { y, h, .. } | Item::Image { y, h, .. } => (*y, y + h),
            Item::Line { y1, y2, .. } => (y1.min(*y2), y1.max(*y2)),
        }
    }

    #[test]
    fn tables_break_between_rows_and_repeat_their_header() {
        let mut shaper = Shaper::new(Fonts::get().unwrap());
        let area = Area { x: 50.0, top: 60.0, width: 400.0, height: 300.0 };
        let mut table = Table::new([Column::fixed("No", 40.0), Column::relative("Note", 1.0)]);
        for i in 0..120 {
            // (row kind, note): most rows one line, some wrap, one is taller than a page.
            let note = match i {
                50 => "a very long note that goes on ".repeat(60),
                i if i % 9 == 0 => {
                    "a note that wraps onto a second and a third line of its cell ".repeat(2)
                }
                _ => format!("row {i}"),
            };
            table.push_row([format!("R{i:03}"), note]);
        }
        let mut flow = Flow::default();
        heading(&mut flow, &mut shaper, 1, &Text::plain("Findings"), area);
        super::table(&mut flow, &mut shaper, &table, 1, area).unwrap();
        let pages = paginate(flow, area);
        assert!(pages.len() > 5);
        for (n, page) in pages.iter().enumerate() {
            for item in &page.items {
                let (top, bottom) = bounds(item);
                assert!(
                    top >= area.top - 0.01 && bottom <= area.top + area.height + 0.01,
                    "page {n}: {item:?}"
                );
            }
            let t = texts(page);
            let first_row = t.iter().position(|s| s.starts_with('R')).expect("rows on every page");
            let header = t.iter().position(|s| s == "No").expect("header on every page");
            assert!(header < first_row, "page {n}: header after the rows");
            if n == 0 {
                assert_eq!(t[0], "Findings", "the heading stays with the table");
            }
        }
        // Every row printed exactly once, except the oversized row 50, cut into parts that
        // each carry its number cell only on the first.
        let all: Vec<String> =
            pages.iter().flat_map(texts).filter(|s| s.starts_with('R')).collect();
        let expected: Vec<String> = (0..120).map(|i| format!("R{i:03}")).collect();
        assert_eq!(all, expected);
    }

    #[test]
    fn baseline_constants_match_the_font() {
        let m = Fonts::get().unwrap().face(Face::Regular).font.pdf_font_metrics;
        let upm = f32::from(m.units_per_em);
        assert!((f32::from(m.ascender) / upm - ASCENT).abs() < 0.001);
        assert!((-f32::from(m.descender) / upm - DESCENT).abs() < 0.001);
    }
}
