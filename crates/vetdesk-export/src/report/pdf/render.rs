//! Turns laid-out pages into a PDF file through printpdf: fonts embedded as subsets, JPEGs
//! as untouched `/DCTDecode` streams, and a file whose every byte follows from the input
//! (fixed resource names, caller-supplied dates, an identifier derived from the content).

use std::collections::{BTreeMap, BTreeSet};

use lopdf::{Object, StringFormat};
use printpdf::{
    Codepoint, Color as PdfColor, DictItem, ExternalStream, ExternalXObject, Line as PdfLine,
    LinePoint, OffsetDateTime, Op, PaintMode, PdfDocument, PdfFont, PdfFontHandle, PdfPage,
    PdfParseErrorSeverity, PdfSaveOptions, Point, Pt, Px, Rect, Rgb, TextItem, TextMatrix, XObject,
    XObjectId, XObjectTransform,
};
use sha2::{Digest, Sha256};

use super::document::Metadata;
use super::error::PdfError;
use super::fonts::{Face, Fonts};
use super::jpeg::{Jpeg, JpegColor};
use super::layout::{Item, Page};
use super::text::Color;

/// Written where the identifier goes, then replaced by the digest of the whole file.
/// ASCII, so it can never appear in the UTF-16 strings of the information dictionary.
const ID_PLACEHOLDER: &[u8; 32] = b"VETDESKDOCUMENTIDPLACEHOLDER0000";

pub(crate) struct Written {
    pub(crate) bytes: Vec<u8>,
    pub(crate) document_id: String,
    pub(crate) warnings: Vec<String>,
}

fn color(c: Color) -> PdfColor {
    PdfColor::Rgb(Rgb {
        r: f32::from(c.r) / 255.0,
        g: f32::from(c.g) / 255.0,
        b: f32::from(c.b) / 255.0,
        icc_profile: None,
    })
}

fn point(x: f32, y: f32) -> LinePoint {
    LinePoint { p: Point { x: Pt(x), y: Pt(y) }, bezier: false }
}

fn image_id(index: usize) -> XObjectId {
    XObjectId(format!("Im{}", index + 1))
}

fn date(ts: &vetdesk_core::model::Timestamp) -> Result<OffsetDateTime, PdfError> {
    let secs = ts.as_datetime().timestamp();
    OffsetDateTime::from_unix_timestamp(secs)
        .map_err(|e| PdfError::Write(format!("timestamp {ts} cannot be written: {e}")))
}

/// The image XObject for a JPEG, its bytes moved in unchanged.
fn jpeg_xobject(jpeg: Jpeg) -> XObject {
    let mut dict = BTreeMap::new();
    let name = |n: &str| DictItem::Name(n.as_bytes().to_vec());
    dict.insert("Type".to_string(), name("XObject"));
    dict.insert("Subtype".to_string(), name("Image"));
    dict.insert("Width".to_string(), DictItem::Int(i64::from(jpeg.width)));
    dict.insert("Height".to_string(), DictItem::Int(i64::from(jpeg.height)));
    dict.insert("BitsPerComponent".to_string(), DictItem::Int(8));
    dict.insert("Filter".to_string(), name("DCTDecode"));
    let space = match jpeg.color {
        JpegColor::Gray => "DeviceGray",
        JpegColor::Rgb => "DeviceRGB",
        JpegColor::Cmyk { adobe_inverted } => {
            if adobe_inverted {
                let decode = [1, 0, 1, 0, 1, 0, 1, 0].map(DictItem::Int).to_vec();
                dict.insert("Decode".to_string(), DictItem::Array(decode));
            }
            "DeviceCMYK"
        }
    };
    dict.insert("ColorSpace".to_string(), name(space));
    let (w, h) = (jpeg.width as usize, jpeg.height as usize);
    XObject::External(ExternalXObject {
        stream: ExternalStream { dict, content: jpeg.bytes, compress: false },
        width: Some(Px(w)),
        height: Some(Px(h)),
        dpi: None,
    })
}

/// The content stream of one page: shapes and images first, then all text in one
/// text object (nothing is ever drawn over text).
fn page_ops(page: &Page, page_h: f32) -> Vec<Op> {
    let mut ops = Vec::new();
    for item in &page.items {
        match item {
            Item::Text { .. } => {}
            Item::Rect { x, y, w, h, fill, stroke } => {
                let mode = match (fill, stroke) {
                    (Some(_), Some(_)) => PaintMode::FillStroke,
                    (Some(_), None) => PaintMode::Fill,
                    (None, Some(_)) => PaintMode::Stroke,
                    (None, None) => continue,
                };
                if let Some(f) = fill {
                    ops.push(Op::SetFillColor { col: color(*f) });
                }
                if let Some((c, width)) = stroke {
                    ops.push(Op::SetOutlineColor { col: color(*c) });
                    ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                }
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(*x),
                        y: Pt(page_h - y - h),
                        width: Pt(*w),
                        height: Pt(*h),
                        mode: Some(mode),
                        winding_order: None,
                    },
                });
            }
            Item::Line { x1, y1, x2, y2, color: c, width } => {
                ops.push(Op::SetOutlineColor { col: color(*c) });
                ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                ops.push(Op::DrawLine {
                    line: PdfLine {
                        points: vec![point(*x1, page_h - y1), point(*x2, page_h - y2)],
                        is_closed: false,
                    },
                });
            }
            Item::Image { index, x, y, w, h } => ops.push(Op::UseXobject {
                id: image_id(*index),
                transform: XObjectTransform {
                    translate_x: Some(Pt(*x)),
                    translate_y: Some(Pt(page_h - y - h)),
                    scale_x: Some(*w),
                    scale_y: Some(*h),
                    no_auto_scale: true,
                    ..XObjectTransform::default()
                },
            }),
        }
    }
    let mut font: Option<(Face, f32)> = None;
    let mut fill: Option<Color> = None;
    let mut in_text = false;
    for item in &page.items {
        let Item::Text { x, baseline, piece } = item else {
            continue;
        };
        if !in_text {
            ops.push(Op::StartTextSection);
            in_text = true;
        }
        if font != Some((piece.face, piece.size)) {
            ops.push(Op::SetFont {
                font: PdfFontHandle::External(piece.face.font_id()),
                size: Pt(piece.size),
            });
            font = Some((piece.face, piece.size));
        }
        if fill != Some(piece.color) {
            ops.push(Op::SetFillColor { col: color(piece.color) });
            fill = Some(piece.color);
        }
        ops.push(Op::SetTextMatrix {
            matrix: TextMatrix::Translate(Pt(*x), Pt(page_h - baseline)),
        });
        let glyphs = piece
            .glyphs
            .iter()
            .map(|g| Codepoint { gid: g.gid, offset: 0.0, cid: Some(g.ch.to_string()) })
            .collect();
        ops.push(Op::ShowText { items: vec![TextItem::GlyphIds(glyphs)] });
    }
    if in_text {
        ops.push(Op::EndTextSection);
    }
    ops
}

/// Writes the pages as a PDF.
pub(crate) fn write(
    page_w: f32,
    page_h: f32,
    pages: Vec<crate::report::pdf::layout::Page>,
    images: Vec<Jpeg>,
    meta: &Metadata,
    fonts: &Fonts,
) -> Result<Written, PdfError> {
    let supplied_id = match &meta.document_id {
        Some(id) if id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Some(id.to_ascii_lowercase())
        }
        Some(id) => return Err(PdfError::InvalidDocumentId(id.clone())),
        None => None,
    };
    let id_text =
        supplied_id.clone().unwrap_or_else(|| String::from_utf8_lossy(ID_PLACEHOLDER).into_owned());

    let mut doc = PdfDocument::new(&meta.title);
    let info = &mut doc.metadata.info;
    info.author = meta.author.clone();
    info.subject = meta.subject.clone();
    info.keywords = meta.keywords.clone();
    info.creator = meta.creator.clone();
    info.producer = meta.producer.clone();
    info.creation_date = date(&meta.created)?;
    info.modification_date = date(meta.modified.as_ref().unwrap_or(&meta.created))?;
    info.metadata_date = info.modification_date;
    info.identifier = id_text.clone();

    for face in Face::ALL {
        doc.resources.fonts.map.insert(face.font_id(), PdfFont::new(fonts.face(face).font.clone()));
    }
    let used: BTreeSet<usize> = pages
        .iter()
        .flat_map(|p| p.items.iter())
        .filter_map(|item| match item {
            Item::Image { index, .. } => Some(*index),
            _ => None,
        })
        .collect();
    for (index, jpeg) in images.into_iter().enumerate() {
        if used.contains(&index) {
            doc.resources.xobjects.map.insert(image_id(index), jpeg_xobject(jpeg));
        }
    }
    let media = Rect::from_wh(Pt(page_w), Pt(page_h));
    doc.pages = pages
        .iter()
        .map(|page| PdfPage {
            media_box: media.clone(),
            trim_box: media.clone(),
            crop_box: media.clone(),
            ops: page_ops(page, page_h),
        })
        .collect();
    drop(pages);

    let options = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        // None: images are written as given, never decoded and re-encoded.
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&options, &mut warnings);
    drop(doc);
    let id = Object::String(id_text.into_bytes(), StringFormat::Literal);
    lo.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    lo.compress();
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes).map_err(|e| PdfError::Write(e.to_string()))?;
    drop(lo);

    let document_id = match supplied_id {
        Some(id) => id,
        None => {
            let digest = hex::encode(&Sha256::digest(&bytes)[..16]);
            replace_placeholder(&mut bytes, digest.as_bytes())?;
            digest
        }
    };
    let warnings = warnings
        .into_iter()
        .filter(|w| w.severity == PdfParseErrorSeverity::Error)
        .map(|w| w.msg)
        .collect();
    Ok(Written { bytes, document_id, warnings })
}

/// Puts the digest where the placeholder was: in the information dictionary and twice in
/// the trailer. Only the bytes after the last stream are searched, because everything before
/// (font programs, image data from outside) could by chance contain the placeholder; the
/// information dictionary is the last object printpdf writes.
fn replace_placeholder(bytes: &mut [u8], id: &[u8]) -> Result<(), PdfError> {
    let tail_start =
        bytes.windows(b"endstream".len()).rposition(|w| w == b"endstream").unwrap_or(0);
    let tail = &mut bytes[tail_start..];
    let positions: Vec<usize> = tail
        .windows(ID_PLACEHOLDER.len())
        .enumerate()
        .filter(|(_, w)| *w == ID_PLACEHOLDER)
        .map(|(i, _)| i)
        .collect();
    if positions.len() != 3 {
        return Err(PdfError::Write(format!(
            "expected the identifier placeholder 3 times after the last stream, found it {} times",
            positions.len()
        )));
    }
    for p in positions {
        tail[p..p + id.len()].copy_from_slice(id);
    }
    Ok(())
}
