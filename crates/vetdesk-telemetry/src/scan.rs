//! Splitting a file into records without holding more than one record in memory: a byte source
//! that counts lines and offsets, a JSON value splitter (arrays, wrapper objects, one object per
//! line) and a line splitter. Each record is copied up to [`MAX_RECORD_BYTES`]; a longer one is
//! skipped to its end without being stored, so a 2 GB line costs a scan, never 2 GB of memory.
//!
//! The splitter only tracks strings and brackets; each record's own syntax is checked when the
//! format's parser reads it, so a malformed record is reported and the next one still read.

use std::io::{self, Read};

use crate::error::{Location, Problem, ProblemKind, Report};

/// The longest record (JSON element or line) read; longer ones are refused.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

const BUFFER_BYTES: usize = 256 * 1024;

/// Bytes that end a run inside a string: the closing quote, an escape, a newline (counted).
const STRING_STOP: [bool; 256] = byte_set(b"\"\\\n");
/// Bytes that matter between tokens of a container: quotes, brackets, whitespace.
const CONTAINER_STOP: [bool; 256] = byte_set(b"\"{}[] \t\r\n");

const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut set = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        set[bytes[i] as usize] = true;
        i += 1;
    }
    set
}

pub(crate) struct Source<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    /// Offset in the file of `buf[0]`.
    base: u64,
    /// 1-based line of the next byte.
    line: u64,
    eof: bool,
}

/// Why a JSON value could not be delimited.
pub(crate) enum ScanError {
    Io(io::Error),
    /// The file ended inside a value.
    Eof,
    /// A byte that cannot appear here.
    Unexpected {
        found: u8,
        offset: u64,
    },
}

impl From<io::Error> for ScanError {
    fn from(e: io::Error) -> Self {
        ScanError::Io(e)
    }
}

/// Where a record started, and whether it was longer than the limit.
pub(crate) struct Span {
    pub byte: u64,
    pub line: u64,
    pub too_large: bool,
}

impl<R: Read> Source<R> {
    pub fn new(inner: R) -> Self {
        Source {
            inner,
            buf: vec![0; BUFFER_BYTES].into_boxed_slice(),
            pos: 0,
            len: 0,
            base: 0,
            line: 1,
            eof: false,
        }
    }

    /// Makes sure a byte is buffered; false at the end of the input.
    #[inline]
    fn fill(&mut self) -> io::Result<bool> {
        if self.pos < self.len {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        self.base += self.len as u64;
        self.pos = 0;
        self.len = 0;
        loop {
            match self.inner.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.len = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    #[inline]
    pub fn peek(&mut self) -> io::Result<Option<u8>> {
        if self.fill()? { Ok(self.buf.get(self.pos).copied()) } else { Ok(None) }
    }

    #[inline]
    pub fn bump(&mut self) -> io::Result<Option<u8>> {
        let byte = self.peek()?;
        if let Some(b) = byte {
            self.pos += 1;
            if b == b'\n' {
                self.line += 1;
            }
        }
        Ok(byte)
    }

    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    pub fn line(&self) -> u64 {
        self.line
    }

    pub fn location(&self, element: Option<u64>) -> Location {
        Location { line: self.line, element, byte: self.offset() }
    }

    /// Skips JSON whitespace (and a UTF-8 byte order mark at the very start); returns the next
    /// byte without consuming it.
    pub fn skip_ws(&mut self) -> io::Result<Option<u8>> {
        if self.offset() == 0 && self.peek()? == Some(0xEF) {
            self.bump()?;
            if self.peek()? == Some(0xBB) {
                self.bump()?;
            }
            if self.peek()? == Some(0xBF) {
                self.bump()?;
            }
        }
        while let Some(b) = self.peek()? {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.bump()?;
            } else {
                return Ok(Some(b));
            }
        }
        Ok(None)
    }

    /// Appends the rest of a string (after its opening quote, which the caller consumed) to
    /// `out` while `out` is shorter than `cap`.
    fn string_rest(
        &mut self,
        out: &mut Vec<u8>,
        cap: usize,
        span: &mut Span,
    ) -> Result<(), ScanError> {
        loop {
            if !self.fill()? {
                return Err(ScanError::Eof);
            }
            // Copy runs of ordinary bytes at once: strings are most of a record.
            let avail = &self.buf[self.pos..self.len];
            let stop = avail.iter().position(|&b| STRING_STOP[b as usize]);
            let run = stop.unwrap_or(avail.len());
            push_capped(out, cap, &avail[..run], span);
            self.pos += run;
            if stop.is_none() {
                continue;
            }
            match self.bump()? {
                Some(b'"') => {
                    push_capped(out, cap, b"\"", span);
                    return Ok(());
                }
                Some(b'\\') => {
                    push_capped(out, cap, b"\\", span);
                    match self.bump()? {
                        Some(escaped) => push_capped(out, cap, &[escaped], span),
                        None => return Err(ScanError::Eof),
                    }
                }
                // A raw newline is invalid inside a JSON string; keep it so the parser says so.
                Some(other) => push_capped(out, cap, &[other], span),
                None => return Err(ScanError::Eof),
            }
        }
    }

    /// Reads one JSON value from the next non-whitespace byte, appending it to `out` (without
    /// insignificant whitespace) while `out` is shorter than `cap`.
    pub fn read_value(&mut self, out: &mut Vec<u8>, cap: usize) -> Result<Span, ScanError> {
        let first = self.skip_ws()?.ok_or(ScanError::Eof)?;
        let mut span = Span { byte: self.offset(), line: self.line, too_large: false };
        match first {
            b'{' | b'[' => {
                let mut depth = 0u64;
                loop {
                    if !self.fill()? {
                        return Err(ScanError::Eof);
                    }
                    // Copy runs of numbers, literals, colons and commas at once.
                    let avail = &self.buf[self.pos..self.len];
                    let stop = avail.iter().position(|&b| CONTAINER_STOP[b as usize]);
                    let run = stop.unwrap_or(avail.len());
                    push_capped(out, cap, &avail[..run], &mut span);
                    self.pos += run;
                    if stop.is_none() {
                        continue;
                    }
                    let b = self.bump()?.ok_or(ScanError::Eof)?;
                    match b {
                        b'"' => {
                            push_capped(out, cap, b"\"", &mut span);
                            self.string_rest(out, cap, &mut span)?;
                        }
                        b'{' | b'[' => {
                            depth += 1;
                            push_capped(out, cap, &[b], &mut span);
                        }
                        b'}' | b']' => {
                            push_capped(out, cap, &[b], &mut span);
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                return Ok(span);
                            }
                        }
                        _ => {}
                    }
                }
            }
            b'"' => {
                self.bump()?;
                push_capped(out, cap, b"\"", &mut span);
                self.string_rest(out, cap, &mut span)?;
                Ok(span)
            }
            b',' | b':' | b']' | b'}' => {
                Err(ScanError::Unexpected { found: first, offset: self.offset() })
            }
            _ => {
                // A number, true, false or null: up to the next delimiter.
                while let Some(b) = self.peek()? {
                    if matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.bump()?;
                    push_capped(out, cap, &[b], &mut span);
                }
                Ok(span)
            }
        }
    }

    /// Reads the next line (without its `\n` or `\r\n`) into `out`, up to `cap` bytes. `None`
    /// at the end of the input.
    pub fn read_line(&mut self, out: &mut Vec<u8>, cap: usize) -> io::Result<Option<Span>> {
        out.clear();
        if !self.fill()? {
            return Ok(None);
        }
        let mut span = Span { byte: self.offset(), line: self.line, too_large: false };
        loop {
            if !self.fill()? {
                break;
            }
            let avail = &self.buf[self.pos..self.len];
            match avail.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    push_capped(out, cap, &avail[..i], &mut span);
                    self.pos += i + 1;
                    self.line += 1;
                    break;
                }
                None => {
                    let n = avail.len();
                    push_capped(out, cap, avail, &mut span);
                    self.pos += n;
                }
            }
        }
        if out.last() == Some(&b'\r') {
            out.pop();
        }
        Ok(Some(span))
    }
}

#[inline]
fn push_capped(out: &mut Vec<u8>, cap: usize, bytes: &[u8], span: &mut Span) {
    let room = cap.saturating_sub(out.len());
    if bytes.len() <= room {
        out.extend_from_slice(bytes);
    } else {
        out.extend_from_slice(&bytes[..room]);
        span.too_large = true;
    }
}

fn describe(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        format!("'{}'", byte as char)
    } else {
        format!("byte 0x{byte:02x}")
    }
}

/// Calls `record` with each JSON record of the input: the elements of a top-level array, the
/// elements of the array under `wrapper_key` of a top-level object, or a sequence of top-level
/// objects (one per line). Problems of splitting go into the report; reading stops at the first
/// structural one, since nothing after it can be delimited with confidence.
pub(crate) fn json_records<R: Read>(
    src: &mut Source<R>,
    wrapper_key: Option<&str>,
    report: &mut Report,
    mut record: impl FnMut(&[u8], Location, &mut Report),
) -> io::Result<()> {
    let mut buf = Vec::with_capacity(16 * 1024);
    let stop = |report: &mut Report, location: Location, kind: ProblemKind| {
        report.stop(Problem { location, kind });
    };
    match src.skip_ws()? {
        None => {
            stop(report, src.location(None), ProblemKind::Empty);
            Ok(())
        }
        Some(b'[') => {
            if !array_elements(src, &mut buf, report, &mut record)? {
                return Ok(());
            }
            expect_end(src, report, "after the array")
        }
        Some(b'{') => {
            let mut first = true;
            loop {
                match src.skip_ws()? {
                    None => return Ok(()),
                    Some(b'{') => {}
                    Some(other) => {
                        let location = src.location(None);
                        let detail = format!(
                            "expected '{{' starting the next record, found {}",
                            describe(other)
                        );
                        stop(report, location, ProblemKind::BadStructure { detail });
                        return Ok(());
                    }
                }
                let location = src.location(None);
                buf.clear();
                let outcome = match (first, wrapper_key) {
                    (true, Some(key)) => object_or_wrapper(src, key, &mut buf),
                    _ => src.read_value(&mut buf, MAX_RECORD_BYTES).map(TopObject::Record),
                };
                first = false;
                match outcome {
                    Ok(TopObject::Record(span)) => deliver(&buf, span, None, report, &mut record),
                    Ok(TopObject::Wrapper) => {
                        if !array_elements(src, &mut buf, report, &mut record)? {
                            return Ok(());
                        }
                        if !finish_object(src, report)? {
                            return Ok(());
                        }
                        return expect_end(src, report, "after the wrapper object");
                    }
                    Err(e) => return scan_failure(e, location, "the record", report),
                }
            }
        }
        Some(other) => {
            let detail = format!("a JSON export starts with '[' or '{{', not {}", describe(other));
            stop(report, src.location(None), ProblemKind::BadStructure { detail });
            Ok(())
        }
    }
}

fn deliver(
    buf: &[u8],
    span: Span,
    element: Option<u64>,
    report: &mut Report,
    record: &mut impl FnMut(&[u8], Location, &mut Report),
) {
    let location = Location { line: span.line, element, byte: span.byte };
    if span.too_large {
        report.add(Problem {
            location,
            kind: ProblemKind::TooLarge { limit: MAX_RECORD_BYTES as u64 },
        });
    } else {
        record(buf, location, report);
    }
}

fn scan_failure(e: ScanError, at: Location, what: &str, report: &mut Report) -> io::Result<()> {
    match e {
        ScanError::Io(e) => Err(e),
        ScanError::Eof => {
            let detail = format!("{what} is not closed");
            report.stop(Problem { location: at, kind: ProblemKind::Truncated { detail } });
            Ok(())
        }
        ScanError::Unexpected { found, offset } => {
            let detail = format!("unexpected {} at byte {offset} in {what}", describe(found));
            report.stop(Problem { location: at, kind: ProblemKind::BadStructure { detail } });
            Ok(())
        }
    }
}

/// Reads the elements of an array whose `[` is the next byte. False when reading stopped.
fn array_elements<R: Read>(
    src: &mut Source<R>,
    buf: &mut Vec<u8>,
    report: &mut Report,
    record: &mut impl FnMut(&[u8], Location, &mut Report),
) -> io::Result<bool> {
    src.bump()?;
    let mut index = 0u64;
    if src.skip_ws()? == Some(b']') {
        src.bump()?;
        return Ok(true);
    }
    loop {
        buf.clear();
        src.skip_ws()?;
        let at = src.location(Some(index));
        match src.read_value(buf, MAX_RECORD_BYTES) {
            Ok(span) => deliver(buf, span, Some(index), report, record),
            Err(e) => {
                scan_failure(e, at, &format!("element {index}"), report)?;
                return Ok(false);
            }
        }
        match src.skip_ws()? {
            Some(b',') => {
                src.bump()?;
                index += 1;
            }
            Some(b']') => {
                src.bump()?;
                return Ok(true);
            }
            None => {
                let detail = format!("the array is not closed after element {index}");
                report.stop(Problem {
                    location: src.location(Some(index)),
                    kind: ProblemKind::Truncated { detail },
                });
                return Ok(false);
            }
            Some(other) => {
                let detail =
                    format!("expected ',' or ']' after element {index}, found {}", describe(other));
                report.stop(Problem {
                    location: src.location(Some(index)),
                    kind: ProblemKind::BadStructure { detail },
                });
                return Ok(false);
            }
        }
    }
}

enum TopObject {
    /// An ordinary record (the first line of a one-object-per-line file).
    Record(Span),
    /// A wrapper: the source stands at the `[` of the array under the wrapper key.
    Wrapper,
}

/// Reads a top-level object that is either a record or a wrapper `{"…": …, "value": [ … ]}`.
/// The keys of the first level are read as they come, so a wrapper's array is streamed however
/// large, and a record is captured like any other.
fn object_or_wrapper<R: Read>(
    src: &mut Source<R>,
    wrapper_key: &str,
    out: &mut Vec<u8>,
) -> Result<TopObject, ScanError> {
    let mut span = Span { byte: src.offset(), line: src.line(), too_large: false };
    src.bump()?;
    push_capped(out, MAX_RECORD_BYTES, b"{", &mut span);
    if src.skip_ws()? == Some(b'}') {
        src.bump()?;
        push_capped(out, MAX_RECORD_BYTES, b"}", &mut span);
        return Ok(TopObject::Record(span));
    }
    loop {
        match src.skip_ws()?.ok_or(ScanError::Eof)? {
            b'"' => {}
            other => return Err(ScanError::Unexpected { found: other, offset: src.offset() }),
        }
        let key_start = out.len();
        let key_span = src.read_value(out, MAX_RECORD_BYTES)?;
        span.too_large |= key_span.too_large;
        let is_wrapper_key = out.get(key_start..).is_some_and(|key| {
            key.len() == wrapper_key.len() + 2
                && key.get(1..key.len() - 1) == Some(wrapper_key.as_bytes())
        });
        match src.skip_ws()?.ok_or(ScanError::Eof)? {
            b':' => {
                src.bump()?;
                push_capped(out, MAX_RECORD_BYTES, b":", &mut span);
            }
            other => return Err(ScanError::Unexpected { found: other, offset: src.offset() }),
        }
        if is_wrapper_key && src.skip_ws()? == Some(b'[') {
            return Ok(TopObject::Wrapper);
        }
        let value_span = src.read_value(out, MAX_RECORD_BYTES)?;
        span.too_large |= value_span.too_large;
        match src.skip_ws()?.ok_or(ScanError::Eof)? {
            b',' => {
                src.bump()?;
                push_capped(out, MAX_RECORD_BYTES, b",", &mut span);
            }
            b'}' => {
                src.bump()?;
                push_capped(out, MAX_RECORD_BYTES, b"}", &mut span);
                return Ok(TopObject::Record(span));
            }
            other => return Err(ScanError::Unexpected { found: other, offset: src.offset() }),
        }
    }
}

/// After a wrapper's array: skips the object's remaining members (`@odata.nextLink`, …) to its
/// closing brace. False when reading stopped.
fn finish_object<R: Read>(src: &mut Source<R>, report: &mut Report) -> io::Result<bool> {
    let mut scratch = Vec::new();
    loop {
        let at = src.location(None);
        match src.skip_ws()? {
            Some(b'}') => {
                src.bump()?;
                return Ok(true);
            }
            Some(b',') => {
                src.bump()?;
                let member = (|| -> Result<(), ScanError> {
                    scratch.clear();
                    src.read_value(&mut scratch, 0)?;
                    match src.skip_ws()?.ok_or(ScanError::Eof)? {
                        b':' => src.bump()?,
                        other => {
                            return Err(ScanError::Unexpected {
                                found: other,
                                offset: src.offset(),
                            });
                        }
                    };
                    src.read_value(&mut scratch, 0)?;
                    Ok(())
                })();
                if let Err(e) = member {
                    scan_failure(e, at, "the wrapper object", report)?;
                    return Ok(false);
                }
            }
            None => {
                let detail = "the wrapper object is not closed after its array".to_string();
                report.stop(Problem { location: at, kind: ProblemKind::Truncated { detail } });
                return Ok(false);
            }
            Some(other) => {
                let detail = format!(
                    "expected ',' or '}}' in the wrapper object, found {}",
                    describe(other)
                );
                report.stop(Problem { location: at, kind: ProblemKind::BadStructure { detail } });
                return Ok(false);
            }
        }
    }
}

fn expect_end<R: Read>(src: &mut Source<R>, report: &mut Report, what: &str) -> io::Result<()> {
    if let Some(other) = src.skip_ws()? {
        let detail = format!("unexpected {} {what}", describe(other));
        report.stop(Problem {
            location: src.location(None),
            kind: ProblemKind::BadStructure { detail },
        });
    }
    Ok(())
}

/// Calls `record` with each non-blank line of the input.
pub(crate) fn lines<R: Read>(
    src: &mut Source<R>,
    report: &mut Report,
    mut record: impl FnMut(&[u8], Location, &mut Report),
) -> io::Result<()> {
    let mut buf = Vec::with_capacity(16 * 1024);
    let mut any = false;
    while let Some(span) = src.read_line(&mut buf, MAX_RECORD_BYTES)? {
        let location = Location { line: span.line, element: None, byte: span.byte };
        if span.too_large {
            any = true;
            report.add(Problem {
                location,
                kind: ProblemKind::TooLarge { limit: MAX_RECORD_BYTES as u64 },
            });
            continue;
        }
        if buf.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        any = true;
        // A byte order mark some editors put at the start of a text file is not content.
        let bytes =
            if span.byte == 0 { buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf) } else { &buf };
        record(bytes, location, report);
    }
    if !any {
        report.stop(Problem {
            location: Location { line: 1, element: None, byte: 0 },
            kind: ProblemKind::Empty,
        });
    }
    Ok(())
}
