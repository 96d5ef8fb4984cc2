//! The evidence file store on a real data directory: durable content-addressed ingest, what a
//! hostile or damaged file does to it, integrity checks, export, previews and memory use.

// A failed step here is a failed test (or benchmark): panicking with the cause is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs::{self, File};
use std::io::{self, Cursor, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ExtendedColorType, GenericImageView, ImageEncoder, ImageFormat, Rgb};
use rand::RngCore;
use tempfile::TempDir;
use vetdesk_core::evidence::{
    DecodeLimits, EvidenceError, EvidenceFiles, FileCheck, Ingested, Limits, Sha256Hex,
    ThumbnailOutcome,
};
use vetdesk_testkit::images::{encode, gradient};
use vetdesk_testkit::peak_rss_kib;

const MIB: u64 = 1024 * 1024;

fn store() -> (TempDir, EvidenceFiles) {
    let dir = tempfile::tempdir().unwrap();
    let files = EvidenceFiles::new(dir.path());
    (dir, files)
}

fn ingest_bytes(files: &EvidenceFiles, name: &str, bytes: &[u8]) -> Ingested {
    files.ingest_reader(&mut Cursor::new(bytes), name, &Limits::default(), &mut |_, _| {}).unwrap()
}

/// Every regular file under `dir`, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn random_bytes(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    rand::rng().fill_bytes(&mut v);
    v
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Writes over part of a stored (read-only) file the way an attacker or a bad disk would.
fn tamper(path: &Path, f: impl FnOnce(&mut File)) {
    fs::set_permissions(path, fs::Permissions::from_mode(0o600)).unwrap();
    let mut file = fs::OpenOptions::new().read(true).write(true).open(path).unwrap();
    f(&mut file);
    drop(file);
    fs::set_permissions(path, fs::Permissions::from_mode(0o400)).unwrap();
}

#[test]
fn ingest_stores_once_under_its_hash_read_only_and_leaves_no_temp() {
    let (dir, files) = store();
    let src = dir.path().join("reference-call.txt");
    let text = "Reference confirmed employment 2019-2023.\n";
    fs::write(&src, text).unwrap();
    let len = text.len() as u64;

    let mut calls = Vec::new();
    let first = files
        .ingest_path(&src, &Limits::default(), &mut |done, total| calls.push((done, total)))
        .unwrap();
    assert_eq!(first.size, len);
    assert_eq!(first.media_type, "text/plain");
    assert!(!first.already_present);
    assert_eq!(first.thumbnail, ThumbnailOutcome::NotAnImage);
    assert_eq!(first.note, None);
    assert_eq!(calls.last(), Some(&(len, Some(len))));

    let hex = first.sha256.to_string();
    let stored = dir.path().join("evidence").join(&hex[..2]).join(&hex);
    assert_eq!(files.path_of(&first.sha256), stored);
    assert_eq!(fs::read(&stored).unwrap(), fs::read(&src).unwrap());
    assert_eq!(mode(&stored), 0o400, "stored evidence is owner read-only");
    assert_eq!(mode(&dir.path().join("evidence")), 0o700);

    // The same bytes under another name, through a reader: stored once.
    let again = ingest_bytes(&files, "copy of notes.txt", &fs::read(&src).unwrap());
    assert_eq!(again.sha256, first.sha256);
    assert!(again.already_present);
    assert_eq!(files_under(&dir.path().join("evidence")), vec![stored]);
    assert!(files_under(&dir.path().join("tmp")).is_empty());
    assert_eq!(files.check(&first.sha256, len), FileCheck::Ok);
}

#[test]
fn hash_matches_sha256sum_and_openssl() {
    let (dir, files) = store();
    // Sizes around the 256 KiB read buffer, where an off-by-one would hide.
    let rows: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("abc", b"abc".to_vec()),
        ("one buffer", random_bytes(256 * 1024)),
        ("one buffer and a byte", random_bytes(256 * 1024 + 1)),
        ("three and a bit MiB", random_bytes(3 * 1024 * 1024 + 12345)),
    ];
    for (case, bytes) in rows {
        let src = dir.path().join(format!("{case}.bin"));
        fs::write(&src, &bytes).unwrap();
        let got = files.ingest_path(&src, &Limits::default(), &mut |_, _| {}).unwrap();
        assert_eq!(got.size, bytes.len() as u64, "{case}");

        let sha256sum = Command::new("sha256sum").arg(&src).output().unwrap();
        let sha256sum = String::from_utf8(sha256sum.stdout).unwrap();
        let openssl = Command::new("openssl").args(["dgst", "-sha256", "-r"]).arg(&src).output();
        let openssl = String::from_utf8(openssl.unwrap().stdout).unwrap();
        for (tool, line) in [("sha256sum", sha256sum), ("openssl", openssl)] {
            let theirs = line.split_whitespace().next().unwrap_or_default();
            assert_eq!(got.sha256.to_string(), theirs, "{case}: {tool}");
        }
        assert_eq!(fs::read(files.path_of(&got.sha256)).unwrap(), bytes, "{case}");
    }
}

/// Yields `x` bytes until `end_at` (then end of file) or until `fail_after` (then an error),
/// counting what it gave. The end keeps a store that ignored its limit from filling the disk:
/// the test then fails instead of hanging.
struct Source {
    given: u64,
    end_at: u64,
    fail_after: Option<u64>,
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.fail_after.is_some_and(|limit| self.given >= limit) {
            return Err(io::Error::new(io::ErrorKind::ConnectionReset, "upload interrupted"));
        }
        let n = buf.len().min((self.end_at - self.given) as usize);
        buf[..n].fill(b'x');
        self.given += n as u64;
        Ok(n)
    }
}

#[test]
fn size_limit_stops_the_stream_and_leaves_nothing_behind() {
    let (dir, files) = store();
    let limits = Limits { max_bytes: 5 * MIB };
    let mut src = Source { given: 0, end_at: 64 * MIB, fail_after: None };
    let err =
        files.ingest_reader(&mut src, "bank-letter.pdf", &limits, &mut |_, _| {}).unwrap_err();
    assert!(matches!(err, EvidenceError::TooLarge { limit, .. } if limit == 5 * MIB), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("bank-letter.pdf") && message.contains("5 MiB"), "{message}");
    // Reading stopped within one buffer of the limit.
    assert!(src.given <= 5 * MIB + 256 * 1024 + 8192, "read {} bytes", src.given);
    assert!(files_under(&dir.path().join("tmp")).is_empty());
    assert!(files_under(&dir.path().join("evidence")).is_empty());

    // A file already over the limit is refused by its size, with its path in the message.
    let big = dir.path().join("big.bin");
    File::create(&big).unwrap().set_len(5 * MIB + 1).unwrap();
    let err = files.ingest_path(&big, &limits, &mut |_, _| {}).unwrap_err();
    assert!(matches!(err, EvidenceError::TooLarge { .. }), "{err:?}");
    assert!(err.to_string().contains("big.bin"), "{err}");
    // Exactly at the limit is accepted.
    File::create(&big).unwrap().set_len(5 * MIB).unwrap();
    assert_eq!(files.ingest_path(&big, &limits, &mut |_, _| {}).unwrap().size, 5 * MIB);
    assert!(files_under(&dir.path().join("tmp")).is_empty());
}

#[test]
fn a_reader_failing_midway_leaves_nothing_behind() {
    let (dir, files) = store();
    let mut src = Source { given: 0, end_at: 64 * MIB, fail_after: Some(3 * MIB) };
    let err = files
        .ingest_reader(&mut src, "passport.jpg", &Limits::default(), &mut |_, _| {})
        .unwrap_err();
    match &err {
        EvidenceError::Read { name, bytes, .. } => {
            assert_eq!(name, "passport.jpg");
            assert_eq!(*bytes, 3 * MIB);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("upload interrupted"), "{err}");
    assert!(files_under(&dir.path().join("tmp")).is_empty());
    assert!(files_under(&dir.path().join("evidence")).is_empty());
}

#[test]
fn ingest_path_refuses_what_is_not_a_regular_file() {
    let (dir, files) = store();
    let fifo = dir.path().join("pipe.jpg");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let subdir = dir.path().join("scans");
    fs::create_dir(&subdir).unwrap();
    // (case, path, expected fragment of the message)
    let rows = [
        ("directory", subdir, "a directory"),
        ("named pipe (must not hang)", fifo, "a named pipe"),
        ("missing", dir.path().join("nope.pdf"), "no such file"),
        ("device", PathBuf::from("/dev/zero"), "a device"),
    ];
    for (case, path, fragment) in rows {
        let err = files.ingest_path(&path, &Limits::default(), &mut |_, _| {}).unwrap_err();
        let message = err.to_string();
        assert!(message.contains(fragment), "{case}: {message}");
        assert!(message.contains(&*path.to_string_lossy()), "{case}: {message}");
    }
    assert!(files_under(&dir.path().join("evidence")).is_empty());
}

/// A minimal EXIF block (big-endian TIFF) holding only the orientation tag.
fn exif_orientation(value: u16) -> Vec<u8> {
    let mut exif = b"MM\0\x2a\0\0\0\x08".to_vec(); // header, first IFD at offset 8
    exif.extend_from_slice(&1u16.to_be_bytes()); // one entry
    exif.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    exif.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    exif.extend_from_slice(&1u32.to_be_bytes()); // count
    exif.extend_from_slice(&value.to_be_bytes());
    exif.extend_from_slice(&[0, 0]); // value padding
    exif.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    exif
}

/// A 400×200 JPEG, red on its left quarter, blue elsewhere, with an EXIF orientation tag.
fn jpeg_with_orientation(value: u16) -> Vec<u8> {
    let img = image::RgbImage::from_fn(400, 200, |x, _| {
        if x < 100 { Rgb([255, 0, 0]) } else { Rgb([0, 0, 255]) }
    });
    let mut out = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut out, 90);
    encoder.set_exif_metadata(exif_orientation(value)).unwrap();
    encoder.write_image(img.as_raw(), 400, 200, ExtendedColorType::Rgb8).unwrap();
    out
}

#[test]
fn images_get_upright_previews_that_fit_512_pixels() {
    let (dir, files) = store();
    let rgba = DynamicImage::ImageRgba8(gradient(300, 800).to_rgba8());
    // (name, bytes, media type, expected preview size)
    type Row = (&'static str, Vec<u8>, &'static str, (u32, u32));
    let rows: Vec<Row> = vec![
        (
            "id-front.jpg",
            encode(&gradient(2000, 1000), ImageFormat::Jpeg),
            "image/jpeg",
            (512, 256),
        ),
        ("selfie.png", encode(&rgba, ImageFormat::Png), "image/png", (192, 512)),
        ("call.webp", encode(&gradient(1024, 1024), ImageFormat::WebP), "image/webp", (512, 512)),
        ("small.gif", encode(&gradient(100, 50), ImageFormat::Gif), "image/gif", (100, 50)),
        ("scan.tiff", encode(&gradient(600, 600), ImageFormat::Tiff), "image/tiff", (512, 512)),
        ("scan.bmp", encode(&gradient(700, 350), ImageFormat::Bmp), "image/bmp", (512, 256)),
        // Orientation 6: shown turned 90° clockwise, so the preview is portrait.
        ("rotated.jpg", jpeg_with_orientation(6), "image/jpeg", (200, 400)),
        ("mirrored.jpg", jpeg_with_orientation(2), "image/jpeg", (400, 200)),
    ];
    for (name, bytes, media_type, size) in rows {
        let got = ingest_bytes(&files, name, &bytes);
        assert_eq!(got.media_type, media_type, "{name}");
        assert_eq!(got.thumbnail, ThumbnailOutcome::Made, "{name}: {:?}", got.note);
        assert_eq!(got.note, None, "{name}");
        let thumb = files.thumbnail_path(&got.sha256).unwrap();
        let hex = got.sha256.to_string();
        assert_eq!(thumb, dir.path().join("thumbs").join(&hex[..2]).join(format!("{hex}.jpg")));
        let preview = image::open(&thumb).unwrap();
        assert_eq!(image::ImageFormat::from_path(&thumb).unwrap(), ImageFormat::Jpeg);
        assert_eq!(preview.dimensions(), size, "{name}");
    }

    // Where the red quarter went: orientation 6 puts the left edge at the top, 2 on the right.
    let red = |p: image::Rgba<u8>| p[0] > 200 && p[2] < 80;
    let rotated = ingest_bytes(&files, "r.jpg", &jpeg_with_orientation(6));
    let preview = image::open(files.thumbnail_path(&rotated.sha256).unwrap()).unwrap();
    assert!(red(preview.get_pixel(100, 20)) && !red(preview.get_pixel(100, 390)));
    let mirrored = ingest_bytes(&files, "m.jpg", &jpeg_with_orientation(2));
    let preview = image::open(files.thumbnail_path(&mirrored.sha256).unwrap()).unwrap();
    assert!(red(preview.get_pixel(390, 100)) && !red(preview.get_pixel(10, 100)));
    assert!(files_under(&dir.path().join("tmp")).is_empty());
}

/// PNG chunk with its CRC, for hand-made hostile files.
fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
    out
}

fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(png_chunk(b"IHDR", &ihdr));
    png.extend(png_chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
    png.extend(png_chunk(b"IEND", &[]));
    png
}

#[test]
fn bad_and_hostile_files_are_kept_with_a_note_and_no_preview() {
    let (dir, files) = store();
    let real_jpeg = encode(&gradient(640, 480), ImageFormat::Jpeg);
    let real_png = encode(&gradient(640, 480), ImageFormat::Png);
    let real_webp = encode(&gradient(640, 480), ImageFormat::WebP);
    let mut jpeg_magic_then_garbage = b"\xff\xd8\xff\xe0".to_vec();
    jpeg_magic_then_garbage.extend(random_bytes(4000).iter().map(|b| b | 1)); // no stray markers
    let pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n".to_vec();
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\0\0".to_vec();
    // (name, bytes, media type, outcome kind, fragment of the note or None)
    type Row<'a> = (&'a str, Vec<u8>, &'a str, &'a str, Option<&'a str>);
    let rows: Vec<Row> = vec![
        (
            "scan.jpg",
            random_bytes(5000),
            "application/octet-stream",
            "not_an_image",
            Some("named scan.jpg but the content is not a JPEG image"),
        ),
        (
            "scan.jpg",
            pdf.clone(),
            "application/pdf",
            "not_an_image",
            Some("named scan.jpg but the content is not a JPEG image: it is application/pdf"),
        ),
        (
            "broken.jpg",
            jpeg_magic_then_garbage,
            "image/jpeg",
            "failed",
            Some("image could not be decoded"),
        ),
        (
            "truncated.jpg",
            real_jpeg[..200].to_vec(),
            "image/jpeg",
            "failed",
            Some("image could not be decoded"),
        ),
        (
            "cut.jpg",
            real_jpeg[..real_jpeg.len() * 6 / 10].to_vec(),
            "image/jpeg",
            "made",
            Some("ends without its end marker"),
        ),
        (
            "cut.png",
            real_png[..real_png.len() * 6 / 10].to_vec(),
            "image/png",
            "failed",
            Some("image could not be decoded"),
        ),
        (
            "cut.webp",
            real_webp[..real_webp.len() * 6 / 10].to_vec(),
            "image/webp",
            "failed",
            Some("image could not be decoded"),
        ),
        (
            "photo.png",
            real_jpeg.clone(),
            "image/jpeg",
            "made",
            Some("named photo.png but the content is image/jpeg, not a PNG image"),
        ),
        (
            "bomb.png",
            png_claiming(100_000, 100_000),
            "image/png",
            "failed",
            Some("100000×100000 pixels, over the limit"),
        ),
        ("IMG_0001.HEIC", heic, "image/heif", "unsupported", None),
        ("letter.pdf", pdf, "application/pdf", "not_an_image", None),
        (
            "name\r\x1b[2K.jpg",
            b"plain words".to_vec(),
            "text/plain",
            "not_an_image",
            Some("named name\\r\\u{1b}[2K.jpg"),
        ),
    ];
    for (name, bytes, media_type, outcome, note) in rows {
        let got = ingest_bytes(&files, name, &bytes);
        assert_eq!(got.media_type, media_type, "{name}");
        let kind =
            serde_json::to_value(&got.thumbnail).unwrap()["kind"].as_str().unwrap().to_string();
        assert_eq!(kind, outcome, "{name}: {:?}", got.note);
        match note {
            Some(fragment) => {
                let text = got.note.clone().unwrap_or_default();
                assert!(text.contains(fragment), "{name}: {text:?}");
            }
            None => assert_eq!(got.note, None, "{name}"),
        }
        assert_eq!(files.thumbnail_path(&got.sha256).is_some(), outcome == "made", "{name}");
        // Whatever happened to the preview, the evidence is stored intact.
        assert_eq!(files.check(&got.sha256, bytes.len() as u64), FileCheck::Ok, "{name}");
    }
    assert!(files_under(&dir.path().join("tmp")).is_empty());
}

#[test]
fn a_real_decompression_bomb_is_refused_by_the_memory_limit() {
    let (_dir, files) = store();
    // 6000×6000 of one grey compresses to a few tens of KB but decodes to 36 MB.
    let bomb =
        encode(&DynamicImage::ImageLuma8(image::GrayImage::new(6000, 6000)), ImageFormat::Png);
    assert!(bomb.len() < 200_000, "{} bytes", bomb.len());
    let tight = files
        .clone()
        .with_decode_limits(DecodeLimits { max_alloc: 16 * MIB, ..DecodeLimits::default() });
    let got = ingest_bytes(&tight, "bomb.png", &bomb);
    let note = got.note.unwrap_or_default();
    assert!(matches!(got.thumbnail, ThumbnailOutcome::Failed { .. }), "{:?}", got.thumbnail);
    assert!(note.contains("image not decoded for a preview") && note.contains("16 MiB"), "{note}");
    let err = tight.jpeg_thumbnail(&got.sha256, 800, 80).unwrap_err();
    assert!(err.to_string().contains("16 MiB"), "{err}");

    // The same file under the default limits is an ordinary large image.
    assert_eq!(files.rebuild_thumbnail(&got.sha256).unwrap(), ThumbnailOutcome::Made);
}

#[test]
fn check_detects_every_kind_of_damage() {
    let content = random_bytes(300_000);
    // (case, damage done to the stored file, expected check)
    type Damage = fn(&Path);
    let rows: Vec<(&str, Damage, &str)> = vec![
        ("untouched", |_| {}, "ok"),
        (
            "one byte changed",
            |p| {
                tamper(p, |f| {
                    use std::io::{Seek, SeekFrom};
                    let mut b = [0u8];
                    f.seek(SeekFrom::Start(150_000)).unwrap();
                    f.read_exact(&mut b).unwrap();
                    f.seek(SeekFrom::Start(150_000)).unwrap();
                    f.write_all(&[b[0] ^ 0x01]).unwrap();
                })
            },
            "hash_mismatch",
        ),
        ("truncated", |p| tamper(p, |f| f.set_len(1000).unwrap()), "size_mismatch"),
        (
            "byte appended",
            |p| {
                tamper(p, |f| {
                    use std::io::{Seek, SeekFrom};
                    f.seek(SeekFrom::End(0)).unwrap();
                    f.write_all(b"\n").unwrap();
                })
            },
            "size_mismatch",
        ),
        ("deleted", |p| fs::remove_file(p).unwrap(), "missing"),
        (
            "replaced by a symlink",
            |p| {
                fs::remove_file(p).unwrap();
                std::os::unix::fs::symlink("/etc/hostname", p).unwrap();
            },
            "unreadable",
        ),
    ];
    for (case, damage, want) in rows {
        let (_dir, files) = store();
        let got = ingest_bytes(&files, "statement.pdf", &content);
        damage(&files.path_of(&got.sha256));
        let check = files.check(&got.sha256, got.size);
        let state = serde_json::to_value(&check).unwrap()["state"].as_str().unwrap().to_string();
        assert_eq!(state, want, "{case}: {check}");
        if let FileCheck::HashMismatch { actual } = check {
            assert_ne!(actual, got.sha256);
        }
    }
}

#[test]
fn reingesting_repairs_a_damaged_stored_copy() {
    let (_dir, files) = store();
    let content = random_bytes(100_000);
    let first = ingest_bytes(&files, "a.bin", &content);
    tamper(&files.path_of(&first.sha256), |f| f.write_all(b"XXXX").unwrap());
    assert!(matches!(files.check(&first.sha256, first.size), FileCheck::HashMismatch { .. }));

    let again = ingest_bytes(&files, "a.bin", &content);
    assert!(!again.already_present);
    assert!(again.note.unwrap_or_default().contains("was damaged"));
    assert_eq!(files.check(&first.sha256, first.size), FileCheck::Ok);
    assert_eq!(mode(&files.path_of(&first.sha256)), 0o400);
}

#[test]
fn open_and_check_refuse_a_symlink_in_the_store() {
    let (dir, files) = store();
    let got = ingest_bytes(&files, "a.txt", b"hello");
    let stored = files.path_of(&got.sha256);
    let outside = dir.path().join("outside.txt");
    fs::write(&outside, "secret elsewhere").unwrap();
    fs::remove_file(&stored).unwrap();
    std::os::unix::fs::symlink(&outside, &stored).unwrap();
    let err = files.open(&got.sha256).unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
}

#[test]
fn export_copies_verified_bytes_and_refuses_to_clobber() {
    let (dir, files) = store();
    let content = random_bytes(700_000);
    let got = ingest_bytes(&files, "passport.jpg", &content);
    let out_dir = dir.path().join("out");
    fs::create_dir(&out_dir).unwrap();
    let dest = out_dir.join("passport-copy.bin");

    assert_eq!(files.export(&got.sha256, &dest, false).unwrap(), 700_000);
    assert_eq!(fs::read(&dest).unwrap(), content);
    assert_eq!(mode(&dest), 0o600);

    // Refused without overwrite, and the existing file is untouched.
    fs::write(&dest, "the reviewer's own file").unwrap();
    let err = files.export(&got.sha256, &dest, false).unwrap_err();
    assert!(matches!(err, EvidenceError::DestinationExists { .. }), "{err:?}");
    assert!(err.to_string().contains("passport-copy.bin"), "{err}");
    assert_eq!(fs::read(&dest).unwrap(), b"the reviewer's own file");
    // Replaced when asked.
    files.export(&got.sha256, &dest, true).unwrap();
    assert_eq!(fs::read(&dest).unwrap(), content);

    // A directory is never a destination, even with overwrite.
    let err = files.export(&got.sha256, &out_dir, true).unwrap_err();
    assert!(err.to_string().contains("a directory"), "{err}");

    // Stored bytes that no longer match: refused, no partial file anywhere.
    tamper(&files.path_of(&got.sha256), |f| f.write_all(b"!").unwrap());
    let fresh = out_dir.join("second.bin");
    let err = files.export(&got.sha256, &fresh, false).unwrap_err();
    assert!(matches!(err, EvidenceError::Corrupted { .. }), "{err:?}");
    assert!(err.to_string().contains(&got.sha256.to_string()), "{err}");
    assert_eq!(files_under(&out_dir), vec![dest.clone()]);
    let err = files.export(&got.sha256, &dest, true).unwrap_err();
    assert!(matches!(err, EvidenceError::Corrupted { .. }), "{err:?}");
    assert_eq!(fs::read(&dest).unwrap(), content, "a failed overwrite keeps the old file");

    let unknown: Sha256Hex = "ab".repeat(32).parse().unwrap();
    let err = files.export(&unknown, &fresh, false).unwrap_err();
    assert!(matches!(err, EvidenceError::Missing { .. }), "{err:?}");
}

#[test]
fn stale_temp_files_are_removed_but_live_ones_kept() {
    let (dir, files) = store();
    ingest_bytes(&files, "x.txt", b"creates the layout");
    let tmp = dir.path().join("tmp");
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    let make = |name: &str, old: bool| {
        let path = tmp.join(name);
        let file = File::create(&path).unwrap();
        if old {
            file.set_modified(hour_ago).unwrap();
        }
        (path, file)
    };
    let (killed, _) = make(".vetdesk-ingest-0123.part", true);
    let (just_created, _) = make(".vetdesk-ingest-4567.part", false);
    let (someone_elses, _) = make("notes.txt", true);
    let (live, live_handle) = make(".vetdesk-ingest-89ab.part", true);
    rustix::fs::flock(&live_handle, rustix::fs::FlockOperation::NonBlockingLockExclusive).unwrap();

    assert_eq!(files.remove_stale_temp().unwrap(), 1);
    assert!(!killed.exists());
    assert!(just_created.exists() && someone_elses.exists() && live.exists());

    // Once its owner is gone (lock released), the old one goes too.
    drop(live_handle);
    assert_eq!(files.remove_stale_temp().unwrap(), 1);
    assert!(!live.exists());
}

#[test]
fn concurrent_ingests_of_the_same_content_store_it_once() {
    let (dir, files) = store();
    let content = random_bytes(2 * 1024 * 1024);
    let results: Vec<Ingested> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|i| {
                let (files, content) = (&files, &content);
                s.spawn(move || ingest_bytes(files, &format!("copy{i}.bin"), content))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|r| !r.already_present).count(), 1);
    assert!(results.iter().all(|r| r.sha256 == results[0].sha256));
    assert_eq!(files_under(&dir.path().join("evidence")).len(), 1);
    assert!(files_under(&dir.path().join("tmp")).is_empty());
}

#[test]
fn report_images_are_downscaled_jpegs_and_thumbnails_rebuild() {
    let (_dir, files) = store();
    let photo =
        ingest_bytes(&files, "photo.jpg", &encode(&gradient(4000, 3000), ImageFormat::Jpeg));
    for (max_side, want) in [(1600, (1600, 1200)), (300, (300, 225)), (8000, (4000, 3000))] {
        let jpeg = files.jpeg_thumbnail(&photo.sha256, max_side, 85).unwrap();
        let img = image::load_from_memory_with_format(&jpeg, ImageFormat::Jpeg).unwrap();
        assert_eq!(img.dimensions(), want, "max side {max_side}");
    }
    let text = ingest_bytes(&files, "notes.txt", b"no picture here");
    let err = files.jpeg_thumbnail(&text.sha256, 800, 80).unwrap_err();
    assert!(matches!(err, EvidenceError::NotAnImage { .. }), "{err:?}");

    let thumb = files.thumbnail_path(&photo.sha256).unwrap();
    fs::remove_file(&thumb).unwrap();
    assert_eq!(files.thumbnail_path(&photo.sha256), None);
    assert_eq!(files.rebuild_thumbnail(&photo.sha256).unwrap(), ThumbnailOutcome::Made);
    assert_eq!(image::open(&thumb).unwrap().dimensions(), (512, 384));
    // Ingesting the same photo again finds its preview.
    let again =
        ingest_bytes(&files, "photo-again.jpg", &encode(&gradient(4000, 3000), ImageFormat::Jpeg));
    assert_eq!(again.thumbnail, ThumbnailOutcome::AlreadyPresent);
}

const MEMORY_CHILD: &str = "VETDESK_EVIDENCE_MEMORY_CHILD";

/// Peak memory is per process, and tests share one: the measurement runs in a child process
/// that runs only this test, with the data directory passed in the environment.
#[test]
fn ingesting_1_gib_keeps_memory_flat() {
    if let Ok(dir) = std::env::var(MEMORY_CHILD) {
        let dir = PathBuf::from(dir);
        let files = EvidenceFiles::new(&dir.join("data"));
        let before = peak_rss_kib();
        let mut last = (0, None);
        let got = files
            .ingest_path(&dir.join("big.bin"), &Limits::default(), &mut |d, t| last = (d, t))
            .unwrap();
        let after = peak_rss_kib();
        assert_eq!(got.size, 1024 * MIB);
        assert_eq!(last, (1024 * MIB, Some(1024 * MIB)));
        println!("\nvmhwm_kib {before} {after}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Sparse, with a random MiB every 64 MiB so that the content is not all zeros.
    let mut big = File::create(dir.path().join("big.bin")).unwrap();
    big.set_len(1024 * MIB).unwrap();
    for i in 0..16 {
        use std::io::{Seek, SeekFrom};
        big.seek(SeekFrom::Start(i * 64 * MIB)).unwrap();
        big.write_all(&random_bytes(MIB as usize)).unwrap();
    }
    drop(big);
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "ingesting_1_gib_keeps_memory_flat", "--nocapture", "--test-threads=1"])
        .env(MEMORY_CHILD, dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let line = stdout
        .lines()
        .find(|l| l.starts_with("vmhwm_kib "))
        .unwrap_or_else(|| panic!("child printed nothing: {stdout}"));
    let nums: Vec<u64> = line.split_whitespace().skip(1).map(|n| n.parse().unwrap()).collect();
    let growth_mib = nums[1].saturating_sub(nums[0]) / 1024;
    assert!(nums[0] > 0);
    assert!(growth_mib < 50, "peak memory grew by {growth_mib} MiB while ingesting 1 GiB");
}
