//! JPEG images embedded as they are (PDF `/DCTDecode`): only the marker segments up to the
//! start of scan are read, to learn the size and colour model and to refuse what a PDF
//! reader could not show. Pixels are never decoded, so an image costs its own bytes only.

use super::error::PdfError;

/// The colour model of a JPEG, as PDF names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JpegColor {
    Gray,
    Rgb,
    /// CMYK; `adobe_inverted` when an Adobe APP14 segment marks the inverted CMYK that
    /// Photoshop writes, which PDF must be told about with a `/Decode` array.
    Cmyk {
        adobe_inverted: bool,
    },
}

/// A validated JPEG and the facts the PDF image dictionary needs.
#[derive(Clone)]
pub(crate) struct Jpeg {
    pub(crate) bytes: Vec<u8>,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) color: JpegColor,
}

impl Jpeg {
    /// Checks `bytes` and keeps them unchanged. `name` is used in error messages.
    pub(crate) fn parse(name: &str, bytes: Vec<u8>) -> Result<Jpeg, PdfError> {
        let bad = |reason: String| PdfError::InvalidJpeg { image: name.to_string(), reason };
        let header = read_header(&bytes).map_err(bad)?;
        Ok(Jpeg { bytes, width: header.width, height: header.height, color: header.color })
    }
}

// Not derived: a document's debug output would otherwise dump every image byte.
impl std::fmt::Debug for Jpeg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jpeg")
            .field("bytes", &self.bytes.len())
            .field("width", &self.width)
            .field("height", &self.height)
            .field("color", &self.color)
            .finish()
    }
}

struct Header {
    width: u32,
    height: u32,
    color: JpegColor,
}

fn read_header(b: &[u8]) -> Result<Header, String> {
    if b.len() < 4 || b[0] != 0xFF || b[1] != 0xD8 {
        return Err(format!(
            "does not start with the JPEG start-of-image marker ({} bytes)",
            b.len()
        ));
    }
    let mut pos = 2;
    let mut frame: Option<(u32, u32, u8)> = None;
    let mut adobe = false;
    loop {
        // Markers may be preceded by any number of 0xFF fill bytes.
        while b.get(pos) == Some(&0xFF) && b.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (b.get(pos), b.get(pos + 1)) else {
            return Err(format!("truncated or corrupt marker structure at byte {pos}"));
        };
        pos += 2;
        match marker {
            0xD8 | 0x01 | 0xD0..=0xD7 => continue,
            0xD9 => return Err("ends before any image data".to_string()),
            _ => {}
        }
        let len = match (b.get(pos), b.get(pos + 1)) {
            (Some(&hi), Some(&lo)) => usize::from(u16::from_be_bytes([hi, lo])),
            _ => return Err(format!("truncated segment header at byte {pos}")),
        };
        if len < 2 || pos + len > b.len() {
            return Err(format!("segment 0xFF{marker:02X} at byte {pos} runs past the end"));
        }
        let seg = &b[pos + 2..pos + len];
        match marker {
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                if !matches!(marker, 0xC0..=0xC2) {
                    return Err(format!(
                        "uses a JPEG coding process PDF readers do not support (SOF{})",
                        marker - 0xC0
                    ));
                }
                if seg.len() < 6 {
                    return Err("frame header too short".to_string());
                }
                if seg[0] != 8 {
                    return Err(format!("{}-bit samples (PDF requires 8-bit)", seg[0]));
                }
                let height = u32::from(u16::from_be_bytes([seg[1], seg[2]]));
                let width = u32::from(u16::from_be_bytes([seg[3], seg[4]]));
                if width == 0 || height == 0 {
                    return Err(format!("zero dimension ({width}x{height})"));
                }
                frame = Some((width, height, seg[5]));
            }
            0xEE if seg.starts_with(b"Adobe") => adobe = true,
            0xDA => break,
            _ => {}
        }
        pos += len;
    }
    let Some((width, height, components)) = frame else {
        return Err("no frame header before the image data".to_string());
    };
    let color = match components {
        1 => JpegColor::Gray,
        3 => JpegColor::Rgb,
        4 => JpegColor::Cmyk { adobe_inverted: adobe },
        n => return Err(format!("{n} colour components (expected 1, 3 or 4)")),
    };
    // A file cut short still has a valid header; the end-of-image marker is what shows the
    // scan data arrived whole. Encoders may pad after it, so look near the end only.
    let tail = &b[b.len().saturating_sub(64)..];
    if !tail.windows(2).any(|w| w == [0xFF, 0xD9]) {
        return Err("truncated: no end-of-image marker".to_string());
    }
    Ok(Header { width, height, color })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(color: image::ColorType, w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        // Noise-like content so that the scan data is most of the file.
        let n = (w * h) as usize * usize::from(color.bytes_per_pixel());
        let pixels: Vec<u8> = (0..n).map(|i| (i * 7919 % 251) as u8).collect();
        let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80);
        enc.write_image(&pixels, w, h, color.into()).unwrap();
        out
    }

    use image::ImageEncoder;

    #[test]
    fn reads_real_jpegs_and_refuses_broken_ones() {
        let rgb = encode(image::ColorType::Rgb8, 160, 120);
        let gray = encode(image::ColorType::L8, 7, 9);
        let truncated = rgb[..rgb.len() / 2].to_vec();
        let png_magic = b"\x89PNG\r\n\x1a\n0000".to_vec();
        // (name, bytes, expected: Ok((w, h, color)) or Err(substring of the reason))
        type Expected = Result<(u32, u32, JpegColor), &'static str>;
        let cases: Vec<(&str, Vec<u8>, Expected)> = vec![
            ("rgb", rgb.clone(), Ok((160, 120, JpegColor::Rgb))),
            ("gray", gray, Ok((7, 9, JpegColor::Gray))),
            ("empty", vec![], Err("start-of-image")),
            ("png", png_magic, Err("start-of-image")),
            ("half", truncated, Err("truncated")),
            ("header only", rgb[..20].to_vec(), Err("")),
            ("soi eoi", vec![0xFF, 0xD8, 0xFF, 0xD9], Err("before any image data")),
        ];
        for (name, bytes, expected) in cases {
            let got = Jpeg::parse(name, bytes);
            match (got, expected) {
                (Ok(j), Ok((w, h, c))) => {
                    assert_eq!((j.width, j.height, j.color), (w, h, c), "{name}")
                }
                (Err(e), Err(part)) => {
                    let text = e.to_string();
                    assert!(text.contains(name), "{name}: error must name the image: {text}");
                    assert!(text.contains(part), "{name}: {text}");
                }
                (got, want) => panic!("{name}: got {got:?}, want {want:?}"),
            }
        }
    }
}
