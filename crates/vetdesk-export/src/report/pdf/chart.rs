//! A grouped vertical bar chart drawn with rectangles and lines (no raster): title, legend,
//! a value axis with round tick values and grid lines, bars from the zero line (negative
//! values hang below it), value labels where they fit, and wrapped category labels.

use super::document::{Align, BarChart};
use super::error::PdfError;
use super::fonts::Shaper;
use super::layout::{Area, Flow, Item, Slice, aligned_x, draw_line, theme};
use super::text::{Color, Text, single_line, wrap};

/// Colours told apart by readers with colour-vision deficiencies (Okabe & Ito).
pub(crate) const PALETTE: [Color; 6] = [
    Color::rgb(0x00, 0x72, 0xB2),
    Color::rgb(0xE6, 0x9F, 0x00),
    Color::rgb(0x00, 0x9E, 0x73),
    Color::rgb(0xD5, 0x5E, 0x00),
    Color::rgb(0xCC, 0x79, 0xA7),
    Color::rgb(0x56, 0xB4, 0xE9),
];

/// A round step (1, 2 or 5 times a power of ten) giving about `target` intervals. No 2.5:
/// charts mostly count things, and a step of 2.5 would label half-items.
fn nice_step(range: f64, target: f64) -> f64 {
    let raw = range / target;
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    let nice = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// Formats `v` with as many decimals as `step` needs.
fn format_tick(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 { 0 } else { (-step.log10().floor()) as usize };
    let s = format!("{v:.decimals$}");
    // "-0" and "-0.0" are zero.
    if s.trim_start_matches(['-', '0', '.']).is_empty() {
        s.trim_start_matches('-').to_string()
    } else {
        s
    }
}

fn format_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

pub(crate) fn bar_chart(
    flow: &mut Flow,
    shaper: &mut Shaper,
    chart: &BarChart,
    area: Area,
) -> Result<(), PdfError> {
    let bad = |reason: String| PdfError::InvalidChart { chart: chart.title.clone(), reason };
    if chart.categories.is_empty() || chart.series.is_empty() {
        return Err(bad("needs at least one category and one series".to_string()));
    }
    for s in &chart.series {
        if s.values.len() != chart.categories.len() {
            return Err(bad(format!(
                "series {:?} has {} values for {} categories",
                s.name,
                s.values.len(),
                chart.categories.len()
            )));
        }
        // Beyond 1e15 the axis arithmetic loses integer precision; no count gets there.
        if let Some(v) = s.values.iter().find(|v| !v.is_finite() || v.abs() > 1e15) {
            return Err(bad(format!("series {:?} has the value {v:e}", s.name)));
        }
    }
    let height = chart.height.max(100.0).min(area.height * 0.9);
    let small = theme::SMALL;
    let small_h = theme::line_height(small);
    let mut items = Vec::new();
    let mut y = 0.0;

    // Title.
    let title_size = 10.0;
    for line in wrap(shaper, &Text::bold(chart.title.as_str()), title_size, Color::TEXT, area.width)
    {
        draw_line(&mut items, &line, area.x, y, title_size);
        y += theme::line_height(title_size);
    }

    // Legend: swatch and name, flowing left to right.
    let mut lx = area.x;
    let swatch = 7.0;
    y += 2.0;
    for (i, s) in chart.series.iter().enumerate() {
        let color = s.color.unwrap_or(PALETTE[i % PALETTE.len()]);
        let name = single_line(shaper, &Text::plain(s.name.as_str()), small, Color::TEXT);
        let w = swatch + 3.0 + name.width + 12.0;
        if lx > area.x && lx + w > area.x + area.width {
            lx = area.x;
            y += small_h;
        }
        let sy = y + (small_h - swatch) / 2.0;
        items.push(Item::Rect {
            x: lx,
            y: sy,
            w: swatch,
            h: swatch,
            fill: Some(color),
            stroke: None,
        });
        draw_line(&mut items, &name, lx + swatch + 3.0, y, small);
        lx += w;
    }
    y += small_h + 4.0;

    // Value axis label, above the axis.
    if let Some(label) = &chart.y_label {
        let line = single_line(shaper, &Text::plain(label.as_str()), small, Color::MUTED);
        draw_line(&mut items, &line, area.x, y, small);
        y += small_h + 2.0;
    }
    let plot_top = y + small / 2.0;

    // Scale.
    let values = chart.series.iter().flat_map(|s| s.values.iter().copied());
    let (min, max) = values.fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let max = if max == min { min + 1.0 } else { max };
    let step = nice_step(max - min, 6.0);
    let lo = (min / step).floor() * step;
    let mut hi = (max / step).ceil() * step;
    // Headroom for the value label over the tallest bar.
    if max > 0.0 && hi - max < step * 0.2 {
        hi += step;
    }
    let ticks: Vec<f64> =
        (0..=((hi - lo) / step).round() as usize).map(|k| lo + k as f64 * step).collect();
    let tick_lines: Vec<_> = ticks
        .iter()
        .map(|t| single_line(shaper, &Text::plain(format_tick(*t, step)), small, Color::MUTED))
        .collect();
    let tick_w = tick_lines.iter().map(|l| l.width).fold(0.0, f32::max);
    let plot_left = area.x + tick_w + 6.0;
    let plot_w = area.x + area.width - plot_left;
    let group_w = plot_w / chart.categories.len() as f32;

    // Category labels, wrapped to their group's width (at most three lines).
    let labels: Vec<_> = chart
        .categories
        .iter()
        .map(|c| {
            let mut l = wrap(shaper, &Text::plain(c.as_str()), small, Color::TEXT, group_w - 4.0);
            l.truncate(3);
            l
        })
        .collect();
    let label_rows = labels.iter().map(Vec::len).max().unwrap_or(1);
    let plot_bottom = height - label_rows as f32 * small_h - 4.0;
    let plot_h = (plot_bottom - plot_top).max(20.0);
    let to_y = |v: f64| plot_bottom - ((v - lo) / (hi - lo)) as f32 * plot_h;

    // Grid lines and tick labels.
    for (t, line) in ticks.iter().zip(&tick_lines) {
        let ty = to_y(*t);
        items.push(Item::Line {
            x1: plot_left,
            y1: ty,
            x2: plot_left + plot_w,
            y2: ty,
            color: Color::SHADE,
            width: 0.6,
        });
        let x = aligned_x(line, area.x, tick_w, Align::Right);
        draw_line(&mut items, line, x, ty - small_h / 2.0, small);
    }

    // Bars and their values.
    let series_n = chart.series.len() as f32;
    let inner = group_w * 0.78;
    let bar_w = inner / series_n;
    let zero = to_y(0.0);
    let value_size = 6.5;
    for (si, s) in chart.series.iter().enumerate() {
        let color = s.color.unwrap_or(PALETTE[si % PALETTE.len()]);
        for (ci, v) in s.values.iter().enumerate() {
            let x = plot_left + ci as f32 * group_w + (group_w - inner) / 2.0 + si as f32 * bar_w;
            let vy = to_y(*v);
            let (top, h) = if vy < zero { (vy, zero - vy) } else { (zero, vy - zero) };
            items.push(Item::Rect {
                x,
                y: top,
                w: bar_w * 0.92,
                h,
                fill: Some(color),
                stroke: None,
            });
            let label =
                single_line(shaper, &Text::plain(format_value(*v)), value_size, Color::TEXT);
            if label.width <= bar_w + 2.0 {
                let lx = aligned_x(&label, x - 1.0, bar_w * 0.92 + 2.0, Align::Center);
                let ly = if *v >= 0.0 { top - theme::line_height(value_size) } else { top + h };
                draw_line(&mut items, &label, lx, ly, value_size);
            }
        }
    }

    // Axes over the bars.
    items.push(Item::Line {
        x1: plot_left,
        y1: plot_top,
        x2: plot_left,
        y2: plot_bottom,
        color: Color::MUTED,
        width: 0.8,
    });
    items.push(Item::Line {
        x1: plot_left,
        y1: zero,
        x2: plot_left + plot_w,
        y2: zero,
        color: Color::MUTED,
        width: 0.8,
    });
    for (ci, lines) in labels.iter().enumerate() {
        let gx = plot_left + ci as f32 * group_w;
        for (i, line) in lines.iter().enumerate() {
            let x = aligned_x(line, gx, group_w, Align::Center);
            draw_line(&mut items, line, x, plot_bottom + 3.0 + i as f32 * small_h, small);
        }
    }

    flow.gap(theme::BLOCK_GAP);
    flow.push(Slice { height, items, ..Slice::default() });
    flow.gap(theme::BLOCK_GAP);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        // (range, target, step)
        let cases = [
            (10.0, 5.0, 2.0),
            (12.0, 6.0, 2.0),
            (100.0, 5.0, 20.0),
            (7.0, 5.0, 2.0),
            (0.3, 5.0, 0.1),
            (1234.0, 5.0, 500.0),
        ];
        for (range, target, step) in cases {
            assert!(
                (nice_step(range, target) - step).abs() < 1e-9,
                "{range}: {}",
                nice_step(range, target)
            );
        }
        assert_eq!(format_tick(2.5, 0.5), "2.5");
        assert_eq!(format_tick(0.15, 0.05), "0.15");
        assert_eq!(format_tick(12.0, 2.0), "12");
        assert_eq!(format_tick(-0.0, 1.0), "0");
        assert_eq!(format_value(3.0), "3");
        assert_eq!(format_value(3.25), "3.25");
    }
}
