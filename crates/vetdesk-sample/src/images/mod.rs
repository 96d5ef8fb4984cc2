//! Evidence images for the sample: ID-card-like scans, screenshots of video calls and of an
//! E-Verify case, drawn from rectangles, circles and a block font. Every image carries SAMPLE
//! across it, diagonally, and a caption saying it is fictitious, so that no one can mistake one
//! for a real document even when it is cropped or printed alone.

mod font;

use std::io::Cursor;

use chrono::NaiveDate;
use image::{ImageFormat, Rgb, RgbImage};

pub(crate) type Color = [u8; 3];

const INK: Color = [24, 28, 36];
const MUTED: Color = [92, 98, 110];
const WHITE: Color = [255, 255, 255];
/// Height of the caption band along the bottom of every sample image.
const CAPTION_BAND: i64 = 22;
/// The watermark's red: strong enough to read over any background, see-through at the alpha used.
pub(crate) const SAMPLE_RED: Color = [214, 30, 40];

#[derive(Debug, thiserror::Error)]
#[error("could not encode the sample image {name}: {source}")]
pub struct ImageError {
    pub name: String,
    #[source]
    pub source: image::ImageError,
}

/// An RGB drawing surface with the few primitives the sample images need. Everything is clipped
/// to the canvas, so no coordinate can panic.
pub(crate) struct Canvas {
    img: RgbImage,
}

impl Canvas {
    pub(crate) fn new(width: u32, height: u32, background: Color) -> Self {
        Canvas { img: RgbImage::from_pixel(width, height, Rgb(background)) }
    }

    pub(crate) fn width(&self) -> u32 {
        self.img.width()
    }

    pub(crate) fn height(&self) -> u32 {
        self.img.height()
    }

    fn put(&mut self, x: i64, y: i64, color: Color, alpha: u8) {
        let (Ok(x), Ok(y)) = (u32::try_from(x), u32::try_from(y)) else { return };
        if let Some(p) = self.img.get_pixel_mut_checked(x, y) {
            if alpha == 255 {
                *p = Rgb(color);
            } else {
                let a = u32::from(alpha);
                for (c, new) in p.0.iter_mut().zip(color) {
                    *c = ((u32::from(*c) * (255 - a) + u32::from(new) * a) / 255) as u8;
                }
            }
        }
    }

    pub(crate) fn rect(&mut self, x: i64, y: i64, w: i64, h: i64, color: Color) {
        self.blend_rect(x, y, w, h, color, 255);
    }

    pub(crate) fn blend_rect(&mut self, x: i64, y: i64, w: i64, h: i64, color: Color, alpha: u8) {
        let x0 = x.max(0);
        let y0 = y.max(0);
        let x1 = (x + w).min(i64::from(self.width()));
        let y1 = (y + h).min(i64::from(self.height()));
        for yy in y0..y1 {
            for xx in x0..x1 {
                self.put(xx, yy, color, alpha);
            }
        }
    }

    pub(crate) fn frame(&mut self, x: i64, y: i64, w: i64, h: i64, t: i64, color: Color) {
        self.rect(x, y, w, t, color);
        self.rect(x, y + h - t, w, t, color);
        self.rect(x, y, t, h, color);
        self.rect(x + w - t, y, t, h, color);
    }

    pub(crate) fn disc(&mut self, cx: i64, cy: i64, r: i64, color: Color) {
        for yy in (cy - r)..=(cy + r) {
            for xx in (cx - r)..=(cx + r) {
                let (dx, dy) = (xx - cx, yy - cy);
                if dx * dx + dy * dy <= r * r {
                    self.put(xx, yy, color, 255);
                }
            }
        }
    }

    /// Text in the block font, top-left at (x, y); returns the x after the last glyph.
    pub(crate) fn text(&mut self, x: i64, y: i64, scale: u32, color: Color, text: &str) -> i64 {
        let step = i64::from(font::ADVANCE * scale.max(1));
        self.text_stepped(x, y, scale, step, color, text)
    }

    /// Text with `step` pixels from one glyph to the next (narrower than usual fits a 44-column
    /// machine-readable zone into a small image).
    pub(crate) fn text_stepped(
        &mut self,
        x: i64,
        y: i64,
        scale: u32,
        step: i64,
        color: Color,
        text: &str,
    ) -> i64 {
        let s = i64::from(scale.max(1));
        let mut pen = x;
        for c in text.chars() {
            let g = font::glyph(c);
            for (row, bits) in g.iter().enumerate() {
                for col in 0..font::WIDTH {
                    if bits & (1 << (font::WIDTH - 1 - col)) != 0 {
                        let px = pen + i64::from(col) * s;
                        let py = y + row as i64 * s;
                        self.rect(px, py, s, s, color);
                    }
                }
            }
            pen += step;
        }
        pen
    }

    /// A head-and-shoulders silhouette in a box, where a photo would be.
    pub(crate) fn portrait(&mut self, x: i64, y: i64, w: i64, h: i64, bg: Color, fg: Color) {
        self.rect(x, y, w, h, bg);
        let cx = x + w / 2;
        self.disc(cx, y + h * 2 / 5, w / 5, fg);
        // Shoulders: a wide disc cut off by the bottom of the box.
        let shoulders = w * 2 / 5;
        for yy in (y + h * 2 / 3)..(y + h) {
            for xx in (cx - shoulders)..(cx + shoulders) {
                let (dx, dy) = (xx - cx, yy - (y + h + h / 12));
                if dx * dx + dy * dy <= shoulders * shoulders {
                    self.put(xx, yy, fg, 255);
                }
            }
        }
    }

    /// `word` in large letters across the whole image along its diagonal, see-through, so that
    /// every crop of the image still shows part of it.
    pub(crate) fn diagonal_mark(&mut self, word: &str, color: Color, alpha: u8) {
        let (w, h) = (f64::from(self.width()), f64::from(self.height()));
        let diagonal = (w * w + h * h).sqrt();
        let text_w = f64::from(font::text_width(word, 1));
        let text_h = f64::from(font::HEIGHT);
        let scale = (diagonal * 0.62 / text_w).max(1.0);
        let (sin, cos) = (-h).atan2(w).sin_cos();
        let (cx, cy) = (w / 2.0, h / 2.0);
        let chars: Vec<char> = word.chars().collect();
        for y in 0..self.height() {
            for x in 0..self.width() {
                // Rotate the pixel back into the text's own frame and look the glyph bit up.
                let (dx, dy) = (f64::from(x) + 0.5 - cx, f64::from(y) + 0.5 - cy);
                let u = (dx * cos + dy * sin) / scale + text_w / 2.0;
                let v = (-dx * sin + dy * cos) / scale + text_h / 2.0;
                if u < 0.0 || v < 0.0 || u >= text_w || v >= text_h {
                    continue;
                }
                let (u, v) = (u as u32, v as u32);
                let Some(c) = chars.get((u / font::ADVANCE) as usize) else { continue };
                let col = u % font::ADVANCE;
                if col >= font::WIDTH {
                    continue;
                }
                let bits = font::glyph(*c)[v as usize];
                if bits & (1 << (font::WIDTH - 1 - col)) != 0 {
                    self.put(i64::from(x), i64::from(y), color, alpha);
                }
            }
        }
    }

    /// The two marks every sample image carries: SAMPLE across it, and a caption band.
    pub(crate) fn mark_sample(&mut self, caption: &str) {
        self.diagonal_mark("SAMPLE", SAMPLE_RED, 110);
        let h = i64::from(self.height());
        self.blend_rect(
            0,
            h - CAPTION_BAND,
            i64::from(self.width()),
            CAPTION_BAND,
            SAMPLE_RED,
            230,
        );
        self.text(8, h - CAPTION_BAND + 4, 2, WHITE, caption);
    }

    pub(crate) fn png(&self, name: &str) -> Result<Vec<u8>, ImageError> {
        let mut out = Cursor::new(Vec::new());
        self.img
            .write_to(&mut out, ImageFormat::Png)
            .map_err(|source| ImageError { name: name.to_string(), source })?;
        Ok(out.into_inner())
    }
}

/// The caption every sample image carries.
pub(crate) const CAPTION: &str = "SAMPLE - FICTITIOUS - NOT A REAL DOCUMENT";

// ---- identity documents ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CardKind {
    Passport,
    IdCard,
    DriverLicence,
}

/// What is printed on a sample document.
#[derive(Clone, Debug)]
pub(crate) struct CardFace<'a> {
    pub kind: CardKind,
    pub issuer: &'a str,
    pub surname: &'a str,
    pub given_names: &'a str,
    pub birth: NaiveDate,
    pub expiry: NaiveDate,
    pub number: &'a str,
    pub mrz: Option<&'a str>,
}

fn date_text(d: NaiveDate) -> String {
    d.format("%d %b %Y").to_string().to_uppercase()
}

/// The front of an identity document as a PNG scan, 512 pixels wide in the proportions of an
/// ID-1 card (85.6 × 54 mm) or a passport data page (125 × 88 mm): the size of the previews
/// the evidence store makes, so none has to be scaled down (which cost a quarter of the load
/// time at 640). PNG rather than JPEG: block text stays sharp, and it encodes faster.
pub(crate) fn id_card(face: &CardFace<'_>, name: &str) -> Result<Vec<u8>, ImageError> {
    let (title, paper, band): (&str, Color, Color) = match face.kind {
        CardKind::Passport => ("PASSPORT", [236, 226, 240], [74, 40, 110]),
        CardKind::IdCard => ("IDENTITY CARD", [222, 236, 246], [22, 74, 128]),
        CardKind::DriverLicence => ("DRIVER LICENCE", [236, 242, 224], [46, 98, 50]),
    };
    let (w, h): (u32, u32) = if face.kind == CardKind::Passport { (512, 360) } else { (512, 323) };
    let (wi, hi) = (i64::from(w), i64::from(h));
    let mut c = Canvas::new(w, h, paper);
    // Fine stripes, so the card does not look blank under the text.
    for k in 0..(wi / 16) {
        c.blend_rect(k * 16, 0, 1, hi, band, 24);
    }
    c.rect(0, 0, wi, 38, band);
    c.text(12, 9, 3, WHITE, face.issuer);
    c.text(wi - 12 - i64::from(font::text_width(title, 3)), 9, 3, WHITE, title);
    c.frame(0, 0, wi, hi, 2, band);

    c.portrait(14, 50, 116, 146, [200, 204, 212], [120, 126, 138]);
    let x = 144;
    let mut y = 48;
    for (label, value) in [
        ("SURNAME", face.surname.to_uppercase()),
        ("GIVEN NAMES", face.given_names.to_uppercase()),
        ("DATE OF BIRTH", date_text(face.birth)),
        ("DOCUMENT NO.", face.number.to_uppercase()),
        ("DATE OF EXPIRY", date_text(face.expiry)),
    ] {
        c.text(x, y, 1, MUTED, label);
        c.text(x, y + 9, 2, INK, &value);
        y += 30;
    }
    let bottom = hi - 22 - 6;
    match face.mrz {
        Some(zone) => {
            let lines: Vec<&str> = zone.lines().collect();
            let top = bottom - 18 * lines.len() as i64;
            c.rect(0, top - 6, wi, 18 * lines.len() as i64 + 8, [250, 250, 246]);
            for (i, line) in lines.iter().enumerate() {
                // 44 columns at 11 pixels each: 484 of the 512.
                c.text_stepped(14, top + 18 * i as i64, 2, 11, INK, line);
            }
        }
        None => {
            // A barcode-like strip: bars from the document number, so each card differs.
            let top = bottom - 44;
            let mut bx = 14;
            for (i, b) in face.number.bytes().cycle().take(60).enumerate() {
                let bar = 1 + i64::from(b % 3);
                if i % 2 == 0 {
                    c.rect(bx, top, bar, 38, INK);
                }
                bx += bar + 2;
            }
        }
    }
    c.mark_sample(CAPTION);
    c.png(name)
}

// ---- video calls ----

/// What the candidate's tile of a call showed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tile {
    /// Face on camera, with an ID card held up when `id_held`.
    Video {
        id_held: bool,
    },
    CameraOff,
    AudioOnly,
}

const SCREEN_TEXT: Color = [220, 222, 228];

/// A screenshot of a video interview as an 800 × 450 PNG.
pub(crate) fn call_screenshot(
    when: &str,
    interviewer: &str,
    candidate: &str,
    tile: Tile,
    name: &str,
) -> Result<Vec<u8>, ImageError> {
    let mut c = Canvas::new(800, 450, [32, 33, 36]);
    c.rect(0, 0, 800, 32, [48, 49, 54]);
    c.text(12, 9, 2, SCREEN_TEXT, &format!("SAMPLE VIDEO CALL  {when}"));
    c.disc(778, 16, 7, SAMPLE_RED);

    c.portrait(20, 48, 370, 270, [70, 86, 110], [150, 168, 190]);
    c.text(26, 326, 2, SCREEN_TEXT, interviewer);

    let (x, y, w, h) = (410, 48, 370, 270);
    match tile {
        Tile::Video { id_held } => {
            c.portrait(x, y, w, h, [96, 82, 70], [186, 160, 140]);
            if id_held {
                c.rect(x + 214, y + 160, 124, 78, [222, 236, 246]);
                c.rect(x + 214, y + 160, 124, 14, [22, 74, 128]);
                c.rect(x + 224, y + 182, 32, 46, [160, 166, 176]);
                c.rect(x + 264, y + 186, 62, 5, MUTED);
                c.rect(x + 264, y + 198, 48, 5, MUTED);
            }
        }
        Tile::CameraOff | Tile::AudioOnly => {
            c.rect(x, y, w, h, [20, 20, 22]);
            c.disc(x + w / 2, y + h / 2 - 20, 50, [90, 96, 110]);
            let initials: String =
                candidate.split_whitespace().filter_map(|p| p.chars().next()).take(2).collect();
            let iw = i64::from(font::text_width(&initials, 4));
            c.text(x + w / 2 - iw / 2, y + h / 2 - 34, 4, WHITE, &initials);
            let label = if tile == Tile::CameraOff { "CAMERA OFF" } else { "AUDIO ONLY" };
            let lw = i64::from(font::text_width(label, 3));
            c.text(x + w / 2 - lw / 2, y + h / 2 + 48, 3, [230, 120, 120], label);
        }
    }
    c.text(x + 6, 326, 2, SCREEN_TEXT, candidate);
    for (k, color) in [[60, 64, 72], [60, 64, 72], [60, 64, 72], [200, 40, 40]].iter().enumerate() {
        c.disc(310 + k as i64 * 60, 384, 17, *color);
    }
    c.mark_sample(CAPTION);
    c.png(name)
}

// ---- E-Verify ----

/// A summary of an E-Verify case as an 800 × 450 PNG: plain lines of text, drawn as ours,
/// not as a copy of the government system's screens.
pub(crate) fn case_summary(
    title: &str,
    lines: &[String],
    name: &str,
) -> Result<Vec<u8>, ImageError> {
    let mut c = Canvas::new(800, 450, [248, 248, 250]);
    c.rect(0, 0, 800, 44, [30, 58, 95]);
    c.text(16, 15, 2, WHITE, title);
    let mut y = 64;
    for line in lines {
        c.text(22, y, 2, INK, line);
        y += 28;
    }
    c.mark_sample(CAPTION);
    c.png(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Red, or another colour tinted red by the see-through mark.
    fn reddish(p: &Rgb<u8>) -> bool {
        let [r, g, b] = p.0.map(i32::from);
        r - g > 50 && r - b > 50
    }

    /// Share of pixels in each third of the image (left, middle, right) that the SAMPLE mark
    /// turned red: the mark must run across the whole image, not sit in one corner.
    fn red_share_by_third(img: &RgbImage) -> [f64; 3] {
        let mut red = [0u32; 3];
        let mut all = [0u32; 3];
        let caption_top = img.height() - CAPTION_BAND as u32;
        for (x, y, p) in img.enumerate_pixels() {
            if y >= caption_top {
                continue;
            }
            let third = ((x * 3) / img.width()).min(2) as usize;
            all[third] += 1;
            if reddish(p) {
                red[third] += 1;
            }
        }
        [0, 1, 2].map(|i| f64::from(red[i]) / f64::from(all[i].max(1)))
    }

    #[test]
    fn every_kind_of_image_decodes_and_carries_the_sample_mark_across_it() {
        let face = CardFace {
            kind: CardKind::IdCard,
            issuer: "UTOPIA",
            surname: "Sample",
            given_names: "Jordan",
            birth: day(1990, 5, 14),
            expiry: day(2031, 5, 13),
            number: "UT1234567",
            mrz: Some(
                "I<UTOUT12345674<<<<<<<<<<<<<<<\n9005146M3105137UTO<<<<<<<<<<<0\nSAMPLE<<JORDAN<<<<<<<<<<<<<<<<",
            ),
        };
        let images = [
            id_card(&face, "card.png").unwrap(),
            id_card(
                &CardFace { kind: CardKind::DriverLicence, mrz: None, ..face.clone() },
                "dl.png",
            )
            .unwrap(),
            call_screenshot(
                "2026-10-30 14:05 UTC",
                "RILEY (SAMPLE)",
                "JORDAN SAMPLE",
                Tile::CameraOff,
                "c.png",
            )
            .unwrap(),
            case_summary("E-VERIFY CASE", &["STATUS: X".into()], "e.png").unwrap(),
        ];
        for bytes in images {
            let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
            let shares = red_share_by_third(&img);
            for share in shares {
                assert!(
                    share > 0.02,
                    "the SAMPLE mark is missing from part of the image: {shares:?}"
                );
            }
            // The caption band along the bottom edge.
            let band = img.get_pixel(img.width() - 5, img.height() - 3);
            assert!(reddish(band), "no caption band: {band:?}");
        }
    }

    #[test]
    fn text_is_drawn_where_asked_and_clipped_at_the_edges() {
        let mut c = Canvas::new(40, 20, WHITE);
        let end = c.text(1, 1, 1, INK, "T");
        assert_eq!(end, 7);
        // The bar of the T: row 0, columns 0..5.
        for x in 1..6 {
            assert_eq!(c.img.get_pixel(x, 1).0, INK);
        }
        assert_eq!(c.img.get_pixel(1, 2).0, WHITE, "below the bar's left end is empty");
        // Far off the canvas: nothing drawn, nothing panics.
        c.text(-500, 30, 9, INK, "OFF");
        c.rect(35, 15, 100, 100, INK);
        assert_eq!(c.img.get_pixel(39, 19).0, INK);
    }

    #[test]
    fn the_same_input_gives_the_same_bytes() {
        let a = call_screenshot("T", "A", "B C", Tile::Video { id_held: true }, "a.png").unwrap();
        let b = call_screenshot("T", "A", "B C", Tile::Video { id_held: true }, "a.png").unwrap();
        assert_eq!(a, b);
    }
}
