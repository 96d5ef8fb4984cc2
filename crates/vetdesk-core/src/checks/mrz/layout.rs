//! Where each field of a machine-readable zone sits, per layout (the data-structure tables of
//! Doc 9303 parts 4, 5 and 6), and the checked lines of a zone read by those positions.

use super::MrzLayout;

/// A run of characters on one line (0-based line and start, as used in code).
#[derive(Clone, Copy)]
pub(super) struct Span {
    pub line: usize,
    pub start: usize,
    pub len: usize,
}

const fn sp(line: usize, start: usize, len: usize) -> Span {
    Span { line, start, len }
}

/// Where each field sits in a layout. Positions follow the data-structure tables of Doc 9303
/// parts 4, 5 and 6 (which count from 1; these count from 0).
pub(super) struct Spec {
    pub code: Span,
    pub state: Span,
    pub number: Span,
    pub number_cd: Span,
    pub nationality: Span,
    pub birth: Span,
    pub birth_cd: Span,
    pub sex: Span,
    pub expiry: Span,
    pub expiry_cd: Span,
    pub optional: Span,
    pub optional_cd: Option<Span>,
    pub optional2: Option<Span>,
    pub composite_cd: Span,
    pub composite_covers: &'static [Span],
    pub name: Span,
    /// Parts 5 and 6 let a number longer than nine characters continue in the optional data;
    /// part 4 has no such provision for TD3 (a passport number fits in nine).
    pub long_number: bool,
}

const TD1: Spec = Spec {
    code: sp(0, 0, 2),
    state: sp(0, 2, 3),
    number: sp(0, 5, 9),
    number_cd: sp(0, 14, 1),
    optional: sp(0, 15, 15),
    birth: sp(1, 0, 6),
    birth_cd: sp(1, 6, 1),
    sex: sp(1, 7, 1),
    expiry: sp(1, 8, 6),
    expiry_cd: sp(1, 14, 1),
    nationality: sp(1, 15, 3),
    optional2: Some(sp(1, 18, 11)),
    composite_cd: sp(1, 29, 1),
    optional_cd: None,
    // Upper line 6-30, middle line 1-7, 9-15 and 19-29.
    composite_covers: &[sp(0, 5, 25), sp(1, 0, 7), sp(1, 8, 7), sp(1, 18, 11)],
    name: sp(2, 0, 30),
    long_number: true,
};

const TD2: Spec = Spec {
    code: sp(0, 0, 2),
    state: sp(0, 2, 3),
    name: sp(0, 5, 31),
    number: sp(1, 0, 9),
    number_cd: sp(1, 9, 1),
    nationality: sp(1, 10, 3),
    birth: sp(1, 13, 6),
    birth_cd: sp(1, 19, 1),
    sex: sp(1, 20, 1),
    expiry: sp(1, 21, 6),
    expiry_cd: sp(1, 27, 1),
    optional: sp(1, 28, 7),
    optional_cd: None,
    optional2: None,
    composite_cd: sp(1, 35, 1),
    // Lower line 1-10, 14-20 and 22-35.
    composite_covers: &[sp(1, 0, 10), sp(1, 13, 7), sp(1, 21, 14)],
    long_number: true,
};

const TD3: Spec = Spec {
    code: sp(0, 0, 2),
    state: sp(0, 2, 3),
    name: sp(0, 5, 39),
    number: sp(1, 0, 9),
    number_cd: sp(1, 9, 1),
    nationality: sp(1, 10, 3),
    birth: sp(1, 13, 6),
    birth_cd: sp(1, 19, 1),
    sex: sp(1, 20, 1),
    expiry: sp(1, 21, 6),
    expiry_cd: sp(1, 27, 1),
    optional: sp(1, 28, 14),
    optional_cd: Some(sp(1, 42, 1)),
    optional2: None,
    composite_cd: sp(1, 43, 1),
    // Lower line 1-10, 14-20 and 22-43.
    composite_covers: &[sp(1, 0, 10), sp(1, 13, 7), sp(1, 21, 22)],
    long_number: false,
};

pub(super) fn spec(layout: MrzLayout) -> &'static Spec {
    match layout {
        MrzLayout::Td1 => &TD1,
        MrzLayout::Td2 => &TD2,
        MrzLayout::Td3 => &TD3,
    }
}

/// The lines of a zone, all checked to hold only `A-Z0-9<` (so byte offsets are characters).
pub(super) struct Zone<'a> {
    pub lines: &'a [String],
}

impl Zone<'_> {
    pub fn get(&self, span: Span) -> &str {
        self.lines
            .get(span.line)
            .and_then(|l| l.get(span.start..span.start + span.len))
            .unwrap_or("")
    }
    pub fn char_at(&self, span: Span) -> char {
        self.get(span).chars().next().unwrap_or('<')
    }
}
