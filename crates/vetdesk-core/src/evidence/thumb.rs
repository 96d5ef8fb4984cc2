//! Downscaled JPEG copies of image evidence, for the case view and for reports. Evidence comes
//! from outside and may be hostile: decoding is bounded (file size, pixel dimensions, memory)
//! so a decompression bomb is refused, and a decoder panic is caught and reported, not fatal.

use std::io::{BufRead, BufReader, Cursor, Read, Seek};
use std::panic::{AssertUnwindSafe, catch_unwind};

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, RgbImage};

use super::{EvidenceReader, human_bytes};

/// Bounds on decoding one image. Evidence itself may be larger; it is only not previewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Longest side, in pixels, of an image that is decoded at all.
    pub max_side: u32,
    /// Memory the decoded pixels may take. 12-megapixel phone photos need 36 MB.
    pub max_alloc: u64,
    /// Largest file that is decoded: the JPEG decoder reads the whole file into memory first.
    pub max_file_bytes: u64,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits {
            // Covers 200-megapixel phone sensors (16320 px) and long panoramas.
            max_side: 32_768,
            max_alloc: 512 * 1024 * 1024,
            max_file_bytes: 256 * 1024 * 1024,
        }
    }
}

/// Why no JPEG came out. Both carry a sentence fit for a reviewer.
#[derive(Debug)]
pub(crate) enum RenderFailure {
    /// The image is (or claims to be) beyond the decode limits.
    Refused(String),
    /// The bytes are not a valid image of their format.
    Broken(String),
}

impl RenderFailure {
    pub(crate) fn message(&self) -> String {
        match self {
            RenderFailure::Refused(why) => format!("image not decoded for a preview: {why}"),
            RenderFailure::Broken(why) => format!("image could not be decoded: {why}"),
        }
    }
}

/// Decodes `file` (of `file_len` bytes, already known to be `format`), turns it upright as its
/// EXIF orientation says, shrinks it to fit `max_side` and encodes it as JPEG.
pub(crate) fn render_jpeg(
    file: EvidenceReader,
    file_len: u64,
    format: ImageFormat,
    limits: &DecodeLimits,
    max_side: u32,
    quality: u8,
) -> Result<Vec<u8>, RenderFailure> {
    if file_len > limits.max_file_bytes {
        return Err(RenderFailure::Refused(format!(
            "the file is {}, over the {} limit for decoding images",
            human_bytes(file_len),
            human_bytes(limits.max_file_bytes)
        )));
    }
    // Image decoders are large parsers of hostile input; some assert on malformed data. A panic
    // there must cost a preview, not the application.
    catch_unwind(AssertUnwindSafe(|| {
        let (image, orientation) = match file.into_plain_file() {
            Ok(file) => decode_bounded(BufReader::new(file), format, limits)?,
            // Decrypted into memory: the decoders want to seek, and the file is within
            // `max_file_bytes` (the JPEG decoder reads the whole file into memory anyway).
            Err(mut sealed) => {
                let mut bytes = Vec::with_capacity(usize::try_from(file_len).unwrap_or(0));
                sealed.read_to_end(&mut bytes).map_err(|e| {
                    RenderFailure::Broken(format!("the stored file could not be read: {e}"))
                })?;
                decode_bounded(Cursor::new(bytes), format, limits)?
            }
        };
        encode_preview(image, orientation, max_side, quality)
    }))
    .unwrap_or_else(|_| Err(RenderFailure::Broken("the image decoder failed on this file".into())))
}

fn decode_bounded(
    file: impl BufRead + Seek,
    format: ImageFormat,
    limits: &DecodeLimits,
) -> Result<(DynamicImage, Orientation), RenderFailure> {
    let mut reader = ImageReader::with_format(file, format);
    // Dimensions are checked below by hand, for a message that gives the numbers; the memory
    // bound goes in now because the PNG decoder only takes limits when it is created.
    let mut memory_only = image::Limits::default();
    memory_only.max_alloc = Some(limits.max_alloc);
    reader.limits(memory_only.clone());
    let mut decoder = reader.into_decoder().map_err(|e| failure(e, limits))?;

    let (width, height) = decoder.dimensions();
    if width > limits.max_side || height > limits.max_side {
        return Err(RenderFailure::Refused(format!(
            "it is {width}×{height} pixels, over the limit of {} pixels a side",
            limits.max_side
        )));
    }
    let needed = decoder.total_bytes();
    if needed > limits.max_alloc {
        return Err(RenderFailure::Refused(format!(
            "decoding {width}×{height} pixels needs {}, over the {} limit",
            human_bytes(needed),
            human_bytes(limits.max_alloc)
        )));
    }
    let mut full = memory_only;
    full.max_image_width = Some(limits.max_side);
    full.max_image_height = Some(limits.max_side);
    decoder.set_limits(full).map_err(|e| failure(e, limits))?;

    // A broken EXIF block is not worth losing the picture over: show it as stored.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder).map_err(|e| failure(e, limits))?;
    Ok((image, orientation))
}

fn failure(e: ImageError, limits: &DecodeLimits) -> RenderFailure {
    match e {
        ImageError::Limits(l) => RenderFailure::Refused(format!(
            "{l} (limits: {} pixels a side, {} of memory)",
            limits.max_side,
            human_bytes(limits.max_alloc)
        )),
        other => RenderFailure::Broken(other.to_string().trim_end().to_string()),
    }
}

/// Shrinks (never enlarges) to fit a `max_side` square, then applies the orientation: rotating
/// the small image is cheaper than rotating the large one, and the square does not care.
pub(crate) fn encode_preview(
    image: DynamicImage,
    orientation: Orientation,
    max_side: u32,
    quality: u8,
) -> Result<Vec<u8>, RenderFailure> {
    let max_side = max_side.max(1);
    let mut small = if image.width() > max_side || image.height() > max_side {
        // Area averaging: every source pixel counts once, which is what a downscale wants.
        image.thumbnail(max_side, max_side)
    } else {
        image
    };
    small.apply_orientation(orientation);
    let small = jpeg_compatible(small);
    let mut out = Vec::new();
    let mut encoder =
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality.clamp(1, 100));
    encoder
        .encode_image(&small)
        .map_err(|e| RenderFailure::Broken(format!("encoding the preview failed: {e}")))?;
    Ok(out)
}

/// JPEG has no alpha: transparent areas go onto white (as on paper), not onto black, which is
/// what dropping the channel would show for most transparent pixels.
fn jpeg_compatible(image: DynamicImage) -> DynamicImage {
    if image.color().has_alpha() {
        let rgba = image.to_rgba8();
        let mut rgb = RgbImage::new(rgba.width(), rgba.height());
        for (dst, src) in rgb.pixels_mut().zip(rgba.pixels()) {
            let a = u16::from(src[3]);
            for c in 0..3 {
                let blended = (u16::from(src[c]) * a + 255 * (255 - a) + 127) / 255;
                dst[c] = u8::try_from(blended).unwrap_or(u8::MAX);
            }
        }
        DynamicImage::ImageRgb8(rgb)
    } else if image.color().has_color() {
        DynamicImage::ImageRgb8(image.to_rgb8())
    } else {
        DynamicImage::ImageLuma8(image.to_luma8())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GenericImageView, Rgb};

    /// A 64×32 image whose top-left 16×16 square is red and the rest blue: after each EXIF
    /// orientation the red square must land where a viewer would show it.
    #[test]
    fn orientation_is_applied_to_the_preview() {
        let img = RgbImage::from_fn(64, 32, |x, y| {
            if x < 16 && y < 16 { Rgb([255, 0, 0]) } else { Rgb([0, 0, 255]) }
        });
        // (EXIF value, expected dimensions, centre of the red square, a point that must be blue)
        let rows = [
            (1, (64, 32), (8, 8), (55, 23)),
            (2, (64, 32), (55, 8), (8, 8)),
            (3, (64, 32), (55, 23), (8, 8)),
            (4, (64, 32), (8, 23), (8, 8)),
            (5, (32, 64), (8, 8), (23, 55)),
            (6, (32, 64), (23, 8), (8, 8)),
            (7, (32, 64), (23, 55), (8, 8)),
            (8, (32, 64), (8, 55), (8, 8)),
        ];
        for (exif, dims, red, blue) in rows {
            let orientation = Orientation::from_exif(exif).unwrap();
            let jpeg =
                encode_preview(DynamicImage::ImageRgb8(img.clone()), orientation, 512, 95).unwrap();
            let out = image::load_from_memory(&jpeg).unwrap();
            assert_eq!(out.dimensions(), dims, "orientation {exif}");
            let p = out.get_pixel(red.0, red.1);
            assert!(p[0] > 200 && p[2] < 60, "orientation {exif}: {p:?} at {red:?}");
            let p = out.get_pixel(blue.0, blue.1);
            assert!(p[0] < 60 && p[2] > 200, "orientation {exif}: {p:?} at {blue:?}");
        }
    }

    #[test]
    fn transparency_becomes_white_and_small_images_are_not_enlarged() {
        let clear = image::RgbaImage::from_pixel(10, 6, image::Rgba([0, 0, 0, 0]));
        let jpeg =
            encode_preview(DynamicImage::ImageRgba8(clear), Orientation::NoTransforms, 512, 90)
                .unwrap();
        let out = image::load_from_memory(&jpeg).unwrap();
        assert_eq!(out.dimensions(), (10, 6));
        assert!(out.to_rgb8().pixels().all(|p| p.0.iter().all(|&c| c > 245)));
    }
}
