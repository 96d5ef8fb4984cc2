//! The embedded typefaces (DejaVu Sans, Sans Bold, Sans Mono from `assets/fonts/`) and the
//! character → glyph mapping with real advance widths that every line break is measured with.
//! A character no face can draw is replaced by U+FFFD and counted, never dropped silently.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use printpdf::{FontId, ParsedFont};

use super::error::PdfError;

const REGULAR_TTF: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/fonts/DejaVuSans.ttf"));
const BOLD_TTF: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/fonts/DejaVuSans-Bold.ttf"));
const MONO_TTF: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/fonts/DejaVuSansMono.ttf"));

/// The face a piece of text is set in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Face {
    /// DejaVu Sans: body text.
    Regular,
    /// DejaVu Sans Bold: headings, labels, table headers.
    Bold,
    /// DejaVu Sans Mono: hashes, identifiers, anything compared character by character.
    Mono,
}

impl Face {
    pub(crate) const ALL: [Face; 3] = [Face::Regular, Face::Bold, Face::Mono];

    fn index(self) -> usize {
        match self {
            Face::Regular => 0,
            Face::Bold => 1,
            Face::Mono => 2,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Face::Regular => "DejaVu Sans",
            Face::Bold => "DejaVu Sans Bold",
            Face::Mono => "DejaVu Sans Mono",
        }
    }

    /// The PDF resource name. Six capital letters because printpdf builds the subset tag
    /// (`ABCDEF+DejaVuSans`, ISO 32000-1 9.6.4) from its first six characters.
    pub(crate) fn font_id(self) -> FontId {
        FontId(
            match self {
                Face::Regular => "VDSANS",
                Face::Bold => "VDBOLD",
                Face::Mono => "VDMONO",
            }
            .to_string(),
        )
    }

    /// Where to look when this face lacks a character: the regular face has by far the
    /// widest coverage of the three.
    fn fallback(self) -> Option<Face> {
        match self {
            Face::Regular => None,
            Face::Bold | Face::Mono => Some(Face::Regular),
        }
    }
}

/// One parsed face and the metrics layout needs from it.
pub(crate) struct FaceData {
    pub(crate) font: ParsedFont,
    units_per_em: f32,
}

impl FaceData {
    fn parse(face: Face, bytes: &[u8]) -> Result<Self, PdfError> {
        let mut warnings = Vec::new();
        let font =
            ParsedFont::from_bytes(bytes, 0, &mut warnings).ok_or_else(|| PdfError::Font {
                face: face.name(),
                reason: format!("{} parse warnings", warnings.len()),
            })?;
        let units_per_em = f32::from(font.pdf_font_metrics.units_per_em.max(1));
        Ok(FaceData { font, units_per_em })
    }

    /// Advance of a glyph in thousandths of an em, truncated exactly as printpdf writes the
    /// `/W` array: a viewer advances by these integers, so measuring with them makes
    /// right-aligned and centred text land where layout put it.
    fn advance_milli(&self, gid: u16) -> i64 {
        let raw = self.font.get_or_decode_glyph(gid).map(|g| g.horz_advance);
        raw.map(|w| (f32::from(w) * 1000.0 / self.units_per_em) as i64).unwrap_or(0)
    }
}

/// The three faces, parsed once per process (parsing is the slow part; the faces are
/// immutable afterwards and shared by every document).
pub(crate) struct Fonts {
    faces: [FaceData; 3],
}

impl Fonts {
    pub(crate) fn get() -> Result<&'static Fonts, PdfError> {
        static FONTS: OnceLock<Result<Fonts, PdfError>> = OnceLock::new();
        FONTS
            .get_or_init(|| {
                Ok(Fonts {
                    faces: [
                        FaceData::parse(Face::Regular, REGULAR_TTF)?,
                        FaceData::parse(Face::Bold, BOLD_TTF)?,
                        FaceData::parse(Face::Mono, MONO_TTF)?,
                    ],
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    pub(crate) fn face(&self, face: Face) -> &FaceData {
        &self.faces[face.index()]
    }
}

/// A character mapped to a glyph of a particular face.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Glyph {
    pub(crate) face: Face,
    pub(crate) gid: u16,
    /// Advance in thousandths of an em.
    pub(crate) advance: i64,
    /// The text this glyph stands for (what a PDF reader extracts).
    pub(crate) ch: char,
}

impl Glyph {
    pub(crate) fn width(&self, size: f32) -> f32 {
        self.advance as f32 * size / 1000.0
    }
}

/// Maps characters to glyphs for one document, remembering every character that no face
/// could draw.
pub(crate) struct Shaper {
    fonts: &'static Fonts,
    cache: HashMap<(Face, char), Glyph>,
    missing: BTreeMap<char, usize>,
}

pub(crate) const REPLACEMENT: char = '\u{FFFD}';

impl Shaper {
    pub(crate) fn new(fonts: &'static Fonts) -> Self {
        Shaper { fonts, cache: HashMap::new(), missing: BTreeMap::new() }
    }

    /// The glyph for `ch` in `face`, falling back to the regular face, then to U+FFFD (or
    /// `?`, or glyph 0) in the requested face. A fallback to U+FFFD is counted.
    pub(crate) fn glyph(&mut self, face: Face, ch: char) -> Glyph {
        if let Some(g) = self.cache.get(&(face, ch)) {
            if g.ch == REPLACEMENT && ch != REPLACEMENT {
                *self.missing.entry(ch).or_insert(0) += 1;
            }
            return g.clone();
        }
        let found = self.lookup(face, ch);
        let glyph = match found {
            Some(g) => g,
            None => {
                *self.missing.entry(ch).or_insert(0) += 1;
                self.replacement(face)
            }
        };
        self.cache.insert((face, ch), glyph.clone());
        glyph
    }

    fn lookup(&self, face: Face, ch: char) -> Option<Glyph> {
        let mut current = Some(face);
        while let Some(f) = current {
            let data = self.fonts.face(f);
            if let Some(gid) = data.font.lookup_glyph_index(u32::from(ch)).filter(|g| *g != 0) {
                return Some(Glyph { face: f, gid, advance: data.advance_milli(gid), ch });
            }
            current = f.fallback();
        }
        None
    }

    fn replacement(&self, face: Face) -> Glyph {
        for candidate in [REPLACEMENT, '?'] {
            if let Some(g) = self.lookup(face, candidate) {
                return Glyph { ch: REPLACEMENT, ..g };
            }
        }
        let data = self.fonts.face(face);
        Glyph { face, gid: 0, advance: data.advance_milli(0), ch: REPLACEMENT }
    }

    /// Characters that could not be drawn, with how often each occurred.
    pub(crate) fn into_missing(self) -> BTreeMap<char, usize> {
        self.missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The PDF's ToUnicode map is keyed by glyph: were two characters drawn with one glyph,
    /// a reader would extract one of them as the other. DejaVu maps every BMP character it
    /// has to a glyph of its own.
    #[test]
    fn every_glyph_stands_for_one_character() {
        let fonts = Fonts::get().unwrap();
        for face in Face::ALL {
            let font = &fonts.face(face).font;
            let mut seen: HashMap<u16, char> = HashMap::new();
            for c in '\u{20}'..='\u{FFFF}' {
                if let Some(g) = font.lookup_glyph_index(u32::from(c)).filter(|g| *g != 0)
                    && let Some(prev) = seen.insert(g, c)
                {
                    panic!("{face:?}: {prev:?} and {c:?} share glyph {g}");
                }
            }
        }
    }
}
