//! What a file is, judged from its bytes and never from its name: magic numbers through `infer`,
//! then "is this whole file UTF-8 text?" checked while it streams past. The name only serves to
//! notice a mismatch worth telling the reviewer about (`scan.jpg` that is really a PDF).

/// How many leading bytes are kept for magic-number detection. `infer` looks at offsets up to
/// tens of KiB for a few formats (ISO images at 32 KiB, Office documents inside the zip).
pub(crate) const HEAD_LEN: usize = 64 * 1024;

pub(crate) const OCTET_STREAM: &str = "application/octet-stream";
pub(crate) const TEXT_PLAIN: &str = "text/plain";

/// Image formats that this build decodes (the `image` crate features in Cargo.toml).
pub(crate) fn decodable_image(media_type: &str) -> Option<image::ImageFormat> {
    Some(match media_type {
        "image/jpeg" => image::ImageFormat::Jpeg,
        "image/png" => image::ImageFormat::Png,
        "image/webp" => image::ImageFormat::WebP,
        "image/gif" => image::ImageFormat::Gif,
        "image/tiff" => image::ImageFormat::Tiff,
        "image/bmp" => image::ImageFormat::Bmp,
        _ => return None,
    })
}

/// Collects what detection needs while the bytes stream past: the head, and whether everything
/// so far is UTF-8 text. Validation stops at the first byte that rules text out, so a binary
/// file costs next to nothing after its first buffer.
pub(crate) struct Sniffer {
    head: Vec<u8>,
    /// The last bytes seen, for end markers.
    tail: [u8; TAIL_LEN],
    text: Utf8Probe,
    len: u64,
}

const TAIL_LEN: usize = 16;

impl Sniffer {
    pub(crate) fn new() -> Self {
        Sniffer {
            head: Vec::with_capacity(HEAD_LEN),
            tail: [0; TAIL_LEN],
            text: Utf8Probe::default(),
            len: 0,
        }
    }

    pub(crate) fn feed(&mut self, data: &[u8]) {
        let room = HEAD_LEN.saturating_sub(self.head.len());
        self.head.extend_from_slice(&data[..room.min(data.len())]);
        self.text.feed(data);
        self.len += data.len() as u64;
        if data.len() >= TAIL_LEN {
            self.tail.copy_from_slice(&data[data.len() - TAIL_LEN..]);
        } else {
            self.tail.rotate_left(data.len());
            self.tail[TAIL_LEN - data.len()..].copy_from_slice(data);
        }
    }

    /// A JPEG decoder shows a file cut mid-image without complaint (the missing rows come out
    /// grey), so a cut is noticed here: the data should end with the EOI marker, give or take
    /// padding. Phones that append data after the image (motion photos) also trip this, which
    /// the note's wording allows for.
    pub(crate) fn jpeg_lacks_end_marker(&self) -> bool {
        let kept = usize::try_from(self.len).unwrap_or(usize::MAX).min(TAIL_LEN);
        let tail = &self.tail[TAIL_LEN - kept..];
        let end = tail.iter().rposition(|&b| b != 0 && b != b'\n' && b != b'\r');
        match end {
            Some(i) if i >= 1 => tail[i - 1..=i] != [0xFF, 0xD9],
            _ => true,
        }
    }

    /// The media type of everything fed so far.
    pub(crate) fn media_type(&self) -> String {
        if let Some(kind) = infer::get(&self.head) {
            return kind.mime_type().to_string();
        }
        if self.len > 0 && self.text.is_text() {
            TEXT_PLAIN.to_string()
        } else {
            OCTET_STREAM.to_string()
        }
    }
}

/// Incremental UTF-8 validation across buffer boundaries. NUL bytes are valid UTF-8 but no text
/// editor writes them, so they count as binary (as `file` and `git` also judge).
#[derive(Default)]
struct Utf8Probe {
    ruled_out: bool,
    /// Start of a multi-byte character cut by the end of the previous buffer.
    carry: [u8; 4],
    carry_len: usize,
}

impl Utf8Probe {
    fn feed(&mut self, mut data: &[u8]) {
        if self.ruled_out {
            return;
        }
        if self.carry_len > 0 {
            let need = utf8_width(self.carry[0]);
            let take = need.saturating_sub(self.carry_len).min(data.len());
            self.carry[self.carry_len..self.carry_len + take].copy_from_slice(&data[..take]);
            self.carry_len += take;
            data = &data[take..];
            if self.carry_len < need {
                return;
            }
            self.carry_len = 0;
            if std::str::from_utf8(&self.carry[..need]).is_err() {
                self.ruled_out = true;
                return;
            }
        }
        let valid = match std::str::from_utf8(data) {
            Ok(_) => data,
            // `error_len() == None`: the buffer ends inside a character that may still complete.
            Err(e) if e.error_len().is_none() => {
                let (valid, rest) = data.split_at(e.valid_up_to());
                self.carry[..rest.len()].copy_from_slice(rest);
                self.carry_len = rest.len();
                valid
            }
            Err(_) => {
                self.ruled_out = true;
                return;
            }
        };
        if valid.contains(&0) {
            self.ruled_out = true;
        }
    }

    fn is_text(&self) -> bool {
        !self.ruled_out && self.carry_len == 0
    }
}

/// Length of the UTF-8 sequence a lead byte starts (the carry only ever holds valid leads).
fn utf8_width(lead: u8) -> usize {
    match lead {
        0xF0..=0xF7 => 4,
        0xE0..=0xEF => 3,
        _ => 2,
    }
}

/// The image kind a file name claims, from its extension: (media type, name for messages).
pub(crate) fn claimed_image(name: &str) -> Option<(&'static str, &'static str)> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" | "jpe" | "jfif" => ("image/jpeg", "JPEG"),
        "png" => ("image/png", "PNG"),
        "webp" => ("image/webp", "WebP"),
        "gif" => ("image/gif", "GIF"),
        "tif" | "tiff" => ("image/tiff", "TIFF"),
        "bmp" => ("image/bmp", "BMP"),
        "heic" | "heif" => ("image/heif", "HEIF"),
        "avif" => ("image/avif", "AVIF"),
        _ => return None,
    })
}

/// A short human description of a detected media type, for notes.
pub(crate) fn describe(media_type: &str, size: u64) -> String {
    if size == 0 {
        return "the file is empty".to_string();
    }
    match media_type {
        OCTET_STREAM => "its content is not a recognised format".to_string(),
        TEXT_PLAIN => "it is plain text".to_string(),
        other => format!("it is {other}"),
    }
}

/// A file name from outside, made safe to put in a message: control characters (which could
/// rewrite a terminal line or a log entry) escaped, and length bounded.
pub(crate) fn display_name(name: &str) -> String {
    const MAX: usize = 120;
    let mut out = escape_controls(&name.chars().take(MAX).collect::<String>());
    if name.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

/// Control characters escaped, nothing else changed (for paths, which must stay whole).
pub(crate) fn escape_controls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect_in_chunks(data: &[u8], chunk: usize) -> String {
        let mut s = Sniffer::new();
        for part in data.chunks(chunk.max(1)) {
            s.feed(part);
        }
        s.media_type()
    }

    #[test]
    fn media_type_comes_from_content_whatever_the_buffer_boundaries() {
        let png_magic = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n".to_vec();
        // (case, bytes, expected media type)
        let rows: Vec<(&str, Vec<u8>, &str)> = vec![
            ("ascii text", b"Reference call notes\n".to_vec(), TEXT_PLAIN),
            ("accented text", "Zoë Çelik, Łódź — 東京".as_bytes().to_vec(), TEXT_PLAIN),
            ("4-byte emoji", "ok 👍 ok 👍".as_bytes().to_vec(), TEXT_PLAIN),
            ("latin-1 text is not UTF-8", b"Zo\xeb \xc7elik".to_vec(), OCTET_STREAM),
            ("NUL byte", b"abc\0def".to_vec(), OCTET_STREAM),
            ("cut multi-byte char at end", b"abc\xe2\x82".to_vec(), OCTET_STREAM),
            ("overlong encoding", b"abc\xc0\xafdef".to_vec(), OCTET_STREAM),
            ("empty", Vec::new(), OCTET_STREAM),
            ("PNG magic", png_magic, "image/png"),
            ("JPEG magic", b"\xff\xd8\xff\xe0\0\x10JFIF\0".to_vec(), "image/jpeg"),
            ("PDF", pdf, "application/pdf"),
        ];
        for (case, bytes, want) in rows {
            for chunk in [1, 2, 3, 5, 4096] {
                assert_eq!(detect_in_chunks(&bytes, chunk), want, "{case}, chunk {chunk}");
            }
        }
    }

    #[test]
    fn jpeg_end_marker_is_found_across_buffer_boundaries() {
        let mut jpeg = b"\xff\xd8\xff\xe0 some scan data".to_vec();
        // (case, bytes appended to the start of a JPEG, whether the end marker is missing)
        let rows: Vec<(&str, &[u8], bool)> = vec![
            ("complete", b"\xff\xd9", false),
            ("zero padding after the marker", b"\xff\xd9\0\0\0", false),
            ("cut before the marker", b"\x12\x34", true),
            ("half a marker", b"\xff", true),
            ("data appended after the image", b"\xff\xd9ftypmp42....", true),
        ];
        for (case, end, missing) in rows {
            jpeg.truncate(19);
            jpeg.extend_from_slice(end);
            for chunk in [1, 2, 7, 4096] {
                let mut s = Sniffer::new();
                jpeg.chunks(chunk).for_each(|c| s.feed(c));
                assert_eq!(s.jpeg_lacks_end_marker(), missing, "{case}, chunk {chunk}");
            }
        }
    }

    #[test]
    fn names_claim_image_kinds_by_extension_only() {
        let rows = [
            ("scan.jpg", Some("image/jpeg")),
            ("SCAN.JPEG", Some("image/jpeg")),
            ("id.front.png", Some("image/png")),
            ("photo.heic", Some("image/heif")),
            ("letter.pdf", None),
            ("jpg", None),
            ("", None),
        ];
        for (name, want) in rows {
            assert_eq!(claimed_image(name).map(|c| c.0), want, "{name}");
        }
    }

    #[test]
    fn display_name_escapes_control_characters_and_bounds_length() {
        assert_eq!(display_name("scan\r\x1b[2Kok.jpg"), "scan\\r\\u{1b}[2Kok.jpg");
        let long = "a".repeat(500);
        assert_eq!(display_name(&long).chars().count(), 121);
    }
}
