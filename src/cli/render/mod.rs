//! Human-readable output: aligned tables and short key-value blocks, and the text of every
//! command (one submodule per area). `--json` output does not come through here; it is the
//! serialised value itself.

pub mod cases;
pub mod reports;
pub mod verification;

use std::fmt::Write;

/// A plain text table with a header row, columns padded to the widest cell.
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: &[&str]) -> Self {
        Table { headers: headers.iter().map(|h| h.to_string()).collect(), rows: Vec::new() }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn render(&self) -> String {
        let width = |s: &str| s.chars().count();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(width(cell));
                }
            }
        }
        let mut out = String::new();
        let mut line = |cells: &[String]| {
            let mut text = String::new();
            for (i, cell) in cells.iter().enumerate() {
                if i + 1 == cells.len() {
                    text.push_str(cell);
                } else {
                    let pad = widths.get(i).copied().unwrap_or(0).saturating_sub(width(cell));
                    let _ = write!(text, "{cell}{}  ", " ".repeat(pad));
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        line(&self.headers);
        for row in &self.rows {
            line(row);
        }
        out
    }
}

/// `label: value` lines with the labels aligned; empty values are skipped.
pub fn fields(pairs: &[(&str, String)]) -> String {
    let width = pairs.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (key, value) in pairs {
        if value.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{key:<width$}  {value}");
    }
    out
}

pub fn yes(b: bool) -> String {
    if b { "yes".into() } else { "no".into() }
}

pub fn opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(|v| v.to_string()).unwrap_or_default()
}

/// Cuts a text to `max` characters on one line, for table cells.
pub fn clip(text: &str, max: usize) -> String {
    let one_line = text.replace(['\n', '\r'], " ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_on_characters_not_bytes() {
        let mut t = Table::new(&["id", "name", "status"]);
        t.row(vec!["1".into(), "Zoë".into(), "open".into()]);
        t.row(vec!["22".into(), "Al".into(), "in_review".into()]);
        assert_eq!(t.render(), "id  name  status\n1   Zoë   open\n22  Al    in_review\n");
    }

    #[test]
    fn clip_keeps_short_text_and_marks_cuts() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("a\nb", 10), "a b");
        assert_eq!(clip("abcdefghijk", 5), "abcd…");
    }
}
