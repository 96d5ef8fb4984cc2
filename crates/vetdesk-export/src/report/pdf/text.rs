//! Rich text (runs of regular, bold and monospace text) and the line breaker that wraps it
//! to a width by the glyphs' real advances. Breaks fall at spaces; a word longer than a whole
//! line is broken between characters, except a `keep whole` word (a hash), which is first
//! set smaller so that it stays on one line and can be found and copied as one string.

use unicode_normalization::UnicodeNormalization;

use super::fonts::{Face, Glyph, Shaper};

/// An RGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Color {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Color {
    // Named colours used by the engine's own styling; any RGB colour works.
    pub const BLACK: Color = Color::rgb(0, 0, 0);
    pub const WHITE: Color = Color::rgb(255, 255, 255);
    /// Body text: a very dark grey reads softer than pure black.
    pub const TEXT: Color = Color::rgb(0x1F, 0x23, 0x28);
    /// Captions, footers, secondary labels.
    pub const MUTED: Color = Color::rgb(0x5F, 0x66, 0x6D);
    /// Rules and table borders.
    pub const RULE: Color = Color::rgb(0xC4, 0xC9, 0xCE);
    /// Header row and zebra backgrounds.
    pub const SHADE: Color = Color::rgb(0xEE, 0xF1, 0xF4);
    pub const ACCENT: Color = Color::rgb(0x1F, 0x4E, 0x79);
    pub const RED: Color = Color::rgb(0xB0, 0x2A, 0x2A);
    pub const GREEN: Color = Color::rgb(0x2E, 0x7D, 0x32);

    /// A colour from 8-bit red, green and blue.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Color {
        Color { r, g, b }
    }
}

/// Smallest size a `keep whole` word is set at before it is broken after all: below this a
/// printed hash is no longer comfortably legible.
pub(crate) const MIN_KEEP_WHOLE_SIZE: f32 = 5.0;

/// A run of text in one face.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub text: String,
    pub face: Face,
    /// Colour, or the block's default colour when `None`.
    pub color: Option<Color>,
    /// Keep each word of this span on one line, setting it smaller if it would otherwise
    /// have to be broken (for hashes and identifiers that readers search for).
    pub keep_whole: bool,
}

impl Span {
    /// The same span in bold, unless it is monospace (hashes stay monospace in headers).
    pub(crate) fn into_bold(self) -> Span {
        let face = if self.face == Face::Mono { Face::Mono } else { Face::Bold };
        Span { face, ..self }
    }
}

/// Text made of spans: `Text::bold("Result: ").then("pass")`.
///
/// A `\n` forces a line break; tabs count as spaces; other control characters are dropped.
/// Text is normalised to NFC, so decomposed accents print with the precomposed glyph.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Text {
    pub spans: Vec<Span>,
}

impl Text {
    fn one(text: impl Into<String>, face: Face, keep_whole: bool) -> Text {
        Text { spans: vec![Span { text: text.into(), face, color: None, keep_whole }] }
    }

    /// Regular body text.
    pub fn plain(text: impl Into<String>) -> Text {
        Text::one(text, Face::Regular, false)
    }

    /// Bold text.
    pub fn bold(text: impl Into<String>) -> Text {
        Text::one(text, Face::Bold, false)
    }

    /// Monospace text.
    pub fn mono(text: impl Into<String>) -> Text {
        Text::one(text, Face::Mono, false)
    }

    /// A hash or identifier: monospace, and kept on one line (set smaller when needed) so
    /// that `pdftotext` and copy-paste give it back in one piece.
    pub fn hash(text: impl Into<String>) -> Text {
        Text::one(text, Face::Mono, true)
    }

    /// This text followed by `more`.
    pub fn then(mut self, more: impl Into<Text>) -> Text {
        self.spans.extend(more.into().spans);
        self
    }

    /// The same text in `color`.
    pub fn color(mut self, color: Color) -> Text {
        for span in &mut self.spans {
            span.color = Some(color);
        }
        self
    }

    /// The characters of all spans, without styling.
    pub fn to_plain_string(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }

    /// No characters in any span.
    pub fn is_empty(&self) -> bool {
        self.spans.iter().all(|s| s.text.is_empty())
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::plain(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::plain(s)
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Text {
        Text::plain(s.as_str())
    }
}

/// A glyph placed in a line, with the size and colour it is drawn in.
#[derive(Clone, Debug)]
struct Placed {
    glyph: Glyph,
    size: f32,
    color: Color,
}

/// Consecutive glyphs of one face, size and colour, starting `x` points into the line.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Piece {
    pub(crate) face: Face,
    pub(crate) size: f32,
    pub(crate) color: Color,
    pub(crate) x: f32,
    pub(crate) glyphs: Vec<Glyph>,
}

/// One laid-out line.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Line {
    pub(crate) pieces: Vec<Piece>,
    pub(crate) width: f32,
}

impl Line {
    fn from_placed(placed: &[Placed]) -> Line {
        let mut pieces: Vec<Piece> = Vec::new();
        let mut x = 0.0;
        for p in placed {
            let w = p.glyph.width(p.size);
            match pieces.last_mut() {
                Some(last)
                    if last.face == p.glyph.face
                        && last.size == p.size
                        && last.color == p.color =>
                {
                    last.glyphs.push(p.glyph.clone());
                }
                _ => pieces.push(Piece {
                    face: p.glyph.face,
                    size: p.size,
                    color: p.color,
                    x,
                    glyphs: vec![p.glyph.clone()],
                }),
            }
            x += w;
        }
        Line { pieces, width: x }
    }

    /// The text a reader extracts from this line.
    #[cfg(test)]
    pub(crate) fn text(&self) -> String {
        self.pieces.iter().flat_map(|p| p.glyphs.iter().map(|g| g.ch)).collect()
    }
}

/// What the line breaker works on: words, the spaces between them and forced breaks.
enum Atom {
    Word { glyphs: Vec<Placed>, keep_whole: bool },
    Space(Placed),
    Break,
}

fn atoms(shaper: &mut Shaper, text: &Text, size: f32, color: Color) -> Vec<Atom> {
    let mut out = Vec::new();
    let mut word: Vec<Placed> = Vec::new();
    let mut keep = false;
    fn flush(out: &mut Vec<Atom>, word: &mut Vec<Placed>, keep: &mut bool) {
        if !word.is_empty() {
            out.push(Atom::Word { glyphs: std::mem::take(word), keep_whole: *keep });
        }
        *keep = false;
    }
    for span in &text.spans {
        let color = span.color.unwrap_or(color);
        for ch in span.text.nfc() {
            match ch {
                '\n' => {
                    flush(&mut out, &mut word, &mut keep);
                    out.push(Atom::Break);
                }
                ' ' | '\t' => {
                    flush(&mut out, &mut word, &mut keep);
                    let glyph = shaper.glyph(span.face, ' ');
                    out.push(Atom::Space(Placed { glyph, size, color }));
                }
                // A zero-width space marks where a long token may break.
                '\u{200B}' => flush(&mut out, &mut word, &mut keep),
                // Soft hyphens and other invisible controls: nothing to draw.
                '\u{00AD}' | '\u{FEFF}' => {}
                c if c.is_control() => {}
                c => {
                    keep |= span.keep_whole;
                    let glyph = shaper.glyph(span.face, c);
                    word.push(Placed { glyph, size, color });
                }
            }
        }
    }
    flush(&mut out, &mut word, &mut keep);
    out
}

fn width_of(placed: &[Placed]) -> f32 {
    placed.iter().map(|p| p.glyph.width(p.size)).sum()
}

/// Wraps `text` at `size` points into lines no wider than `max_width` points.
/// An empty text gives no lines.
pub(crate) fn wrap(
    shaper: &mut Shaper,
    text: &Text,
    size: f32,
    color: Color,
    max_width: f32,
) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut current: Vec<Placed> = Vec::new();
    let mut pending_space: Option<Placed> = None;
    let emit = |current: &mut Vec<Placed>, lines: &mut Vec<Line>| {
        lines.push(Line::from_placed(current));
        current.clear();
    };
    for atom in atoms(shaper, text, size, color) {
        match atom {
            Atom::Break => {
                pending_space = None;
                emit(&mut current, &mut lines);
            }
            Atom::Space(p) => {
                if !current.is_empty() {
                    pending_space = Some(p);
                }
            }
            Atom::Word { mut glyphs, keep_whole } => {
                let word_w = width_of(&glyphs);
                let used = width_of(&current);
                let space_w = pending_space.as_ref().map(|p| p.glyph.width(p.size)).unwrap_or(0.0);
                if !current.is_empty() && used + space_w + word_w <= max_width {
                    current.extend(pending_space.take());
                    current.extend(glyphs);
                    continue;
                }
                pending_space = None;
                if !current.is_empty() {
                    emit(&mut current, &mut lines);
                }
                if word_w <= max_width {
                    current = glyphs;
                    continue;
                }
                if keep_whole {
                    let scaled = size * max_width / word_w;
                    if scaled >= MIN_KEEP_WHOLE_SIZE {
                        // Round down a little so that float error cannot push it over.
                        let scaled = (scaled * 100.0).floor() / 100.0;
                        for p in &mut glyphs {
                            p.size = scaled;
                        }
                        current = glyphs;
                        emit(&mut current, &mut lines);
                        continue;
                    }
                }
                // Break between characters; at least one glyph per line so that an absurdly
                // narrow column still terminates.
                let mut chunk: Vec<Placed> = Vec::new();
                let mut chunk_w = 0.0;
                for p in glyphs.drain(..) {
                    let w = p.glyph.width(p.size);
                    if !chunk.is_empty() && chunk_w + w > max_width {
                        emit(&mut chunk, &mut lines);
                        chunk_w = 0.0;
                    }
                    chunk_w += w;
                    chunk.push(p);
                }
                current = chunk;
            }
        }
    }
    if !current.is_empty() {
        emit(&mut current, &mut lines);
    }
    lines
}

/// `text` on one line, however wide it is.
pub(crate) fn single_line(shaper: &mut Shaper, text: &Text, size: f32, color: Color) -> Line {
    wrap(shaper, text, size, color, f32::INFINITY).into_iter().next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::fonts::Fonts;
    use super::*;

    const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    fn lines(text: Text, size: f32, width: f32) -> Vec<String> {
        let mut shaper = Shaper::new(Fonts::get().unwrap());
        wrap(&mut shaper, &text, size, Color::TEXT, width).iter().map(Line::text).collect()
    }

    #[test]
    fn wraps_at_spaces_and_never_exceeds_the_width() {
        let mut shaper = Shaper::new(Fonts::get().unwrap());
        let text = Text::plain("The quick brown fox jumps over the lazy dog ".repeat(8));
        for width in [60.0, 120.0, 250.0, 480.0] {
            let wrapped = wrap(&mut shaper, &text, 10.0, Color::TEXT, width);
            assert!(wrapped.len() > 1, "{width}");
            for l in &wrapped {
                assert!(l.width <= width + 0.01, "{width}: {} > {width}", l.width);
                let t = l.text();
                assert!(!t.starts_with(' ') && !t.ends_with(' '), "{t:?}");
            }
            let rejoined: Vec<String> = wrapped.iter().map(Line::text).collect();
            assert_eq!(rejoined.join(" "), text.to_plain_string().trim_end());
        }
    }

    #[test]
    fn table_of_breaking_cases() {
        // (case, text, size, width, expected lines)
        let long = "x".repeat(40);
        let cases: Vec<(&str, Text, f32, f32, Vec<String>)> = vec![
            ("fits", Text::plain("Zoë Ólafsdóttir"), 10.0, 300.0, vec!["Zoë Ólafsdóttir".into()]),
            (
                "forced break",
                Text::plain("first\nsecond"),
                10.0,
                300.0,
                vec!["first".into(), "second".into()],
            ),
            (
                "decomposed accent is composed",
                Text::plain("Zoe\u{0308}"),
                10.0,
                300.0,
                vec!["Zoë".into()],
            ),
            ("hash kept whole by shrinking", Text::hash(HASH), 9.0, 250.0, vec![HASH.into()]),
            (
                "mixed spans join without a gap",
                Text::bold("Result:").then(" pass"),
                10.0,
                300.0,
                vec!["Result: pass".into()],
            ),
            ("empty gives no lines", Text::plain(""), 10.0, 300.0, vec![]),
            (
                "long token broken between characters",
                Text::plain(long.clone()),
                10.0,
                100.0,
                vec![],
            ),
        ];
        for (case, text, size, width, expected) in cases {
            let got = lines(text, size, width);
            if case.starts_with("long token") {
                assert!(got.len() > 1, "{case}: {got:?}");
                assert_eq!(got.concat(), long, "{case}");
            } else {
                assert_eq!(got, expected, "{case}");
            }
        }
    }

    #[test]
    fn hash_too_long_even_at_minimum_size_is_broken() {
        let got = lines(Text::hash(HASH), 9.0, 100.0);
        assert!(got.len() > 1);
        assert_eq!(got.concat(), HASH);
    }

    #[test]
    fn missing_glyphs_are_replaced_and_counted() {
        let mut shaper = Shaper::new(Fonts::get().unwrap());
        let text = Text::plain("김정은 ok 김");
        let l = wrap(&mut shaper, &text, 10.0, Color::TEXT, 500.0);
        assert_eq!(l[0].text(), "\u{FFFD}\u{FFFD}\u{FFFD} ok \u{FFFD}");
        let missing = shaper.into_missing();
        assert_eq!(missing.get(&'김'), Some(&2));
        assert_eq!(missing.values().sum::<usize>(), 4);
    }

    #[test]
    fn bold_and_mono_fall_back_to_regular_for_what_they_lack() {
        let fonts = Fonts::get().unwrap();
        let has = |face: Face, c: char| {
            fonts.face(face).font.lookup_glyph_index(u32::from(c)).unwrap_or(0) != 0
        };
        for face in [Face::Bold, Face::Mono] {
            let mut shaper = Shaper::new(fonts);
            let lacking = ('\u{00A0}'..='\u{1FFFF}')
                .find(|c| !has(face, *c) && has(Face::Regular, *c))
                .expect("DejaVu Sans covers more than its bold and mono faces");
            let g = shaper.glyph(face, lacking);
            assert_eq!((g.face, g.ch), (Face::Regular, lacking), "{face:?}");
            assert!(shaper.into_missing().is_empty());
        }
    }
}
