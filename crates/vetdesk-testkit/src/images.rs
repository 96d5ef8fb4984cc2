//! Real images made on the spot: PNGs, photo-like JPEGs with enough texture that JPEG has work
//! to do (a flat picture would be unrealistically small), and byte-different copies of one.

use std::io::Cursor;

use image::{DynamicImage, ImageEncoder, ImageFormat, Rgb, RgbImage};

/// Encodes an image in `format`.
pub fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// A smooth gradient over the whole picture, whatever its size.
pub fn gradient(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x * 255 / width.max(1)) as u8, (y * 255 / height.max(1)) as u8, 128])
    }))
}

/// A small real PNG: colour bands that repeat every 256 pixels.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 160]));
    encode(&DynamicImage::ImageRgb8(img), ImageFormat::Png)
}

fn jpeg(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .write_image(img.as_raw(), img.width(), img.height(), image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// A photo-like picture: gradients, a document-like card and fine texture at two scales,
/// patches of 8 px that survive downscaling (so previews are realistic in size too).
pub fn photo(width: u32, height: u32, seed: u32, quality: u8) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| {
        let card = x > width / 6 && x < width * 5 / 6 && y > height / 4 && y < height * 3 / 4;
        let hash = |a: u32, b: u32| {
            (a.wrapping_mul(73_856_093)
                ^ b.wrapping_mul(19_349_663)
                ^ seed.wrapping_mul(83_492_791))
            .wrapping_mul(2_654_435_761)
                >> 24
        };
        let noise = hash(x, y) % 40 + hash(x / 8, y / 8) % 48;
        let base: [u32; 3] = if card {
            [226, 222, 208]
        } else {
            [
                40 + (seed * 37 + x * 90 / width) % 160,
                70 + y * 120 / height,
                150 + (x + y) * 60 / (width + height),
            ]
        };
        Rgb(base.map(|c| (c + noise).min(255) as u8))
    });
    jpeg(&img, quality)
}

/// A card on a gradient with `noise` (0 for none) adding texture, and bytes, to reach a target
/// file size: what the PDF engine's tests lay out.
pub fn card_jpeg(width: u32, height: u32, seed: u32, noise: u32, quality: u8) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| {
        let card = x > width / 8 && x < width * 7 / 8 && y > height / 5 && y < height * 4 / 5;
        let n = if noise == 0 {
            0
        } else {
            (x.wrapping_mul(73_856_093)
                ^ y.wrapping_mul(19_349_663)
                ^ seed.wrapping_mul(83_492_791))
                % noise
        };
        let base = if card {
            [230, 226, 214]
        } else {
            [
                (40 + seed * 50 % 180) as u8,
                (90 + x * 120 / width) as u8,
                (160 + y * 80 / height) as u8,
            ]
        };
        Rgb(base.map(|c| (u32::from(c) + n).min(255) as u8))
    });
    jpeg(&img, quality)
}

/// The same picture with different bytes: a JPEG comment segment right after the start of
/// image. Every variant is a valid JPEG with its own SHA-256.
pub fn variant(jpeg: &[u8], n: u32) -> Vec<u8> {
    let comment = format!("variant {n}");
    let len = (comment.len() + 2) as u16;
    let mut out = Vec::with_capacity(jpeg.len() + comment.len() + 4);
    out.extend_from_slice(&jpeg[..2]);
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(comment.as_bytes());
    out.extend_from_slice(&jpeg[2..]);
    out
}
