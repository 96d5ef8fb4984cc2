//! Page furniture: the running header, the footer with "Page N of M" (drawn after layout,
//! when M is known) and the cover page.

use super::document::{Align, Cover, Footer};
use super::fonts::Shaper;
use super::layout::{self, Area, Flow, Item, Page, Slice, aligned_x, draw_line, theme};
use super::text::{Color, Line, Text, single_line, wrap};

/// Space between the header or footer and the content.
pub(crate) const GAP: f32 = 10.0;
const SIZE: f32 = 7.3;
/// Between a header or footer's text and its rule.
const RULE_GAP: f32 = 3.5;

pub(crate) struct HeaderPlan {
    lines: Vec<Line>,
    pub(crate) height: f32,
}

pub(crate) fn plan_header(shaper: &mut Shaper, text: &Text, width: f32) -> HeaderPlan {
    let lines = wrap(shaper, text, SIZE, Color::MUTED, width);
    let height = lines.len() as f32 * theme::line_height(SIZE) + RULE_GAP;
    HeaderPlan { lines, height }
}

pub(crate) fn draw_header(page: &mut Page, plan: &HeaderPlan, x: f32, top: f32, width: f32) {
    let line_h = theme::line_height(SIZE);
    for (i, line) in plan.lines.iter().enumerate() {
        draw_line(&mut page.items, line, x, top + i as f32 * line_h, SIZE);
    }
    let y = top + plan.height;
    page.items.push(Item::Line {
        x1: x,
        y1: y,
        x2: x + width,
        y2: y,
        color: Color::RULE,
        width: 0.5,
    });
}

pub(crate) struct FooterPlan {
    /// Left, page label and right text share one line.
    one_line: bool,
    left: Vec<Line>,
    right: Vec<Line>,
    /// From the rule to the bottom of the last line.
    pub(crate) height: f32,
}

fn page_label(n: usize, total: usize) -> Text {
    Text::plain(format!("Page {n} of {total}"))
}

/// Decides the footer's arrangement once for all pages, measuring the page label with
/// four-digit numbers (DejaVu's digits all have the same width, so no page's label is wider).
pub(crate) fn plan_footer(shaper: &mut Shaper, footer: &Footer, width: f32) -> FooterPlan {
    let line_h = theme::line_height(SIZE);
    let label_w = single_line(shaper, &page_label(8888, 8888), SIZE, Color::MUTED).width;
    let left = single_line(shaper, &footer.left, SIZE, Color::MUTED);
    let right = single_line(shaper, &footer.right, SIZE, Color::MUTED);
    let gap = 12.0;
    let half = width / 2.0;
    if left.width + gap + label_w / 2.0 <= half && right.width + gap + label_w / 2.0 <= half {
        return FooterPlan {
            one_line: true,
            left: vec![left],
            right: vec![right],
            height: RULE_GAP + line_h,
        };
    }
    // Too wide: left text and page label on the first line, the right text (typically a
    // chain-head hash) on its own line(s) below, right-aligned.
    let left = wrap(shaper, &footer.left, SIZE, Color::MUTED, width - label_w - gap);
    let right = wrap(shaper, &footer.right, SIZE, Color::MUTED, width);
    let rows = left.len().max(1) + right.len();
    FooterPlan { one_line: false, left, right, height: RULE_GAP + rows as f32 * line_h }
}

/// Draws the footer of page `n` of `total`; `bottom` is the lower edge of the footer box.
#[allow(clippy::too_many_arguments)]
pub(crate) fn draw_footer(
    shaper: &mut Shaper,
    page: &mut Page,
    plan: &FooterPlan,
    n: usize,
    total: usize,
    x: f32,
    bottom: f32,
    width: f32,
) {
    let line_h = theme::line_height(SIZE);
    let top = bottom - plan.height;
    let items = &mut page.items;
    items.push(Item::Line {
        x1: x,
        y1: top,
        x2: x + width,
        y2: top,
        color: Color::RULE,
        width: 0.5,
    });
    let first = top + RULE_GAP;
    let label = single_line(shaper, &page_label(n, total), SIZE, Color::MUTED);
    for (i, line) in plan.left.iter().enumerate() {
        draw_line(items, line, x, first + i as f32 * line_h, SIZE);
    }
    if plan.one_line {
        draw_line(items, &label, aligned_x(&label, x, width, Align::Center), first, SIZE);
        for line in &plan.right {
            draw_line(items, line, aligned_x(line, x, width, Align::Right), first, SIZE);
        }
    } else {
        draw_line(items, &label, aligned_x(&label, x, width, Align::Right), first, SIZE);
        let below = first + plan.left.len().max(1) as f32 * line_h;
        for (i, line) in plan.right.iter().enumerate() {
            draw_line(
                items,
                line,
                aligned_x(line, x, width, Align::Right),
                below + i as f32 * line_h,
                SIZE,
            );
        }
    }
}

/// The cover page (more pages only if its fields overflow one).
pub(crate) fn cover_pages(shaper: &mut Shaper, cover: &Cover, area: Area) -> Vec<Page> {
    let mut flow = Flow::default();
    let band = Slice {
        height: 5.0,
        items: vec![Item::Rect {
            x: area.x,
            y: 0.0,
            w: area.width,
            h: 5.0,
            fill: Some(Color::ACCENT),
            stroke: None,
        }],
        ..Slice::default()
    };
    flow.push(band);
    flow.gap(area.height * 0.16);
    let title = Text::bold(cover.title.as_str());
    layout::text_slices(&mut flow, shaper, &title, 24.0, Color::TEXT, area, 0.0);
    if let Some(subtitle) = &cover.subtitle {
        flow.gap(6.0);
        layout::text_slices(
            &mut flow,
            shaper,
            &Text::plain(subtitle.as_str()),
            13.0,
            Color::MUTED,
            area,
            0.0,
        );
    }
    flow.gap(28.0);
    layout::key_values(&mut flow, shaper, &cover.fields, 10.0, area);

    let note_lines = cover
        .note
        .as_ref()
        .map(|n| wrap(shaper, n, theme::SMALL, Color::MUTED, area.width))
        .unwrap_or_default();
    let note_h = note_lines.len() as f32 * theme::line_height(theme::SMALL);
    let body = Area { height: area.height - note_h - 12.0, ..area };
    let mut pages = layout::paginate(flow, body);
    if let Some(first) = pages.first_mut() {
        let top = area.top + area.height - note_h;
        for (i, line) in note_lines.iter().enumerate() {
            draw_line(
                &mut first.items,
                line,
                area.x,
                top + i as f32 * theme::line_height(theme::SMALL),
                theme::SMALL,
            );
        }
    }
    pages
}
