//! The PDF engine read back the way a reader (or an auditor's tools) would: poppler's
//! `pdftotext`, `pdfinfo`, `pdfimages`, `pdffonts`, `pdftoppm` and `qpdf --check`.
//! Rendered pages are left in `target/artifacts/pdf-engine/` for a look.

// The helpers below are test code too: a panic in them is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use vetdesk_core::model::Timestamp;
use vetdesk_export::report::pdf::{
    BarChart, Block, Column, Cover, Document, Image, ImageGrid, Margins, Metadata, PageSize,
    PdfError, Series, Table, Text,
};
use vetdesk_testkit::{artifacts, card_jpeg, tool};

const CHAIN_HEAD: &str = "4f1c0a5e9b7d2c3a8e6f1b0d9c7a5e3f2d1c0b9a8e7f6d5c4b3a29180716253e";
const NAMES: [&str; 6] = [
    "Zoë Ólafsdóttir",
    "Иван Петров",
    "Σωκράτης Παπαδόπουλος",
    "François Müller-Łukasiewicz",
    "Đặng Thị Hương",
    "Søren Kierkegård",
];
const HEADINGS: [&str; 6] = [
    "1 Summary",
    "2 Identity documents",
    "2.1 Evidence files",
    "3 Checklist results",
    "4 Results by area",
    "5 Audit trail",
];
const AREAS: [&str; 6] =
    ["Identity", "Location", "Equipment", "Facilitators", "History", "Vendors"];

fn created() -> Timestamp {
    "2026-11-24T09:30:00.000Z".parse().unwrap()
}

fn hash_of(i: usize) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(format!("evidence {i}")))
}

fn check_name(i: usize) -> String {
    let checks = [
        "MRZ check digits on the passport",
        "Second identity document matches",
        "Live video with ID held to camera",
        "Laptop shipping address is the home address",
        "Phone number is not VoIP",
        "References are independent of the candidate",
        "IP address outside VPN and hosting ranges",
    ];
    // Every 17th item carries a reviewer's note long enough to wrap within its cell.
    let note = if i % 17 == 16 {
        " — escalated: the reference's email domain was registered three weeks before the \
         application and shares its mail server with two other candidates' references"
    } else {
        ""
    };
    format!("C-{:03} {}{note}", i + 1, checks[i % checks.len()])
}

/// The sample: cover, header, footer with a chain-head hash, every block type, a 200-row
/// table, three JPEGs and a chart.
fn sample(created: Timestamp, images: &[Vec<u8>]) -> Document {
    let mut meta = Metadata::new("Candidate vetting report — Zoë Ólafsdóttir", created);
    meta.author = "Иван Петров".to_string();
    meta.subject = "Case VD-2026-0042".to_string();
    meta.keywords = vec!["vetting".to_string(), "remote IT worker".to_string()];
    let mut doc = Document::new(PageSize::A4, meta);
    doc.cover(Cover {
        title: "Candidate vetting report".to_string(),
        subtitle: Some("Case VD-2026-0042 · remote IT worker · Zoë Ólafsdóttir".to_string()),
        fields: vec![
            ("Candidate".into(), NAMES[0].into()),
            ("Prepared by".into(), NAMES[1].into()),
            ("Reviewed by".into(), NAMES[2].into()),
            ("Report date".into(), "24 November 2026".into()),
            ("Audit chain head".into(), Text::hash(CHAIN_HEAD)),
        ],
        note: Some(Text::plain(
            "Confidential: contains personal data of the candidate. Handle under the \
             organisation's vetting records policy.",
        )),
    })
    .header("Vetdesk · Case VD-2026-0042 · Candidate vetting report")
    .footer("Case VD-2026-0042", Text::plain("Chain head ").then(Text::hash(CHAIN_HEAD)));

    doc.heading(1, HEADINGS[0])
        .paragraph(
            Text::plain("The candidate ")
                .then(Text::bold(NAMES[0]))
                .then(
                    " applied through a staffing vendor for a remote developer role. Identity, \
                     location, equipment and reference checks were worked through the \
                     remote-IT-worker checklist; the findings below cite the evidence files by \
                     their SHA-256 so that an auditor can match them to the evidence store. \
                     Two items were escalated to the security investigator, \u{0421}\u{0432}\u{0435}\u{0442}\u{043B}\u{0430}\u{043D}\u{0430} \u{041A}\u{0443}\u{0437}\u{043D}\u{0435}\u{0446}\u{043E}\u{0432}\u{0430}.",
                ),
        )
        .key_values([
            (Text::plain("Candidate"), Text::plain(NAMES[0])),
            (Text::plain("Vendor"), Text::plain("Nordic Talent Partners ApS")),
            (Text::plain("Decision"), Text::bold("Refer to security").color(vetdesk_export::report::pdf::Color::RED)),
            (Text::plain("Audit chain head"), Text::hash(CHAIN_HEAD)),
        ])
        .bullets([
            "Laptop shipping address differs from the home address on the application.",
            "Phone number resolves to a VoIP carrier.",
            "Two references share an email domain registered three weeks before the application.",
        ]);

    let ids: Vec<_> = images
        .iter()
        .enumerate()
        .map(|(i, bytes)| doc.add_jpeg(&format!("evidence-{}.jpg", i + 1), bytes.clone()).unwrap())
        .collect();
    doc.heading(1, HEADINGS[1])
        .image(Image::new(ids[0]).caption("Passport data page (evidence 1)").max_height(180.0))
        .image_grid(
            ImageGrid::new(3, 110.0)
                .item(ids[0], "Passport data page")
                .item(ids[1], "Driving licence, front")
                .item(ids[2], "Video call with the ID held to the camera"),
        );
    doc.heading(2, HEADINGS[2]);
    let mut evidence = Table::new([
        Column::fixed("#", 22.0).right(),
        Column::relative("File", 1.0),
        Column::fixed("SHA-256", 230.0),
    ]);
    for i in 0..6 {
        evidence.push_row([
            Text::plain(format!("{}", i + 1)),
            Text::plain(format!("evidence-{}.jpg uploaded by {}", i + 1, NAMES[i % NAMES.len()])),
            Text::hash(hash_of(i)),
        ]);
    }
    doc.table(evidence);

    doc.heading(1, HEADINGS[3]);
    let mut checklist = Table::new([
        Column::fixed("#", 24.0).right(),
        Column::relative("Checklist item", 3.0),
        Column::relative("Reviewer", 2.0),
        Column::fixed("Result", 46.0),
    ]);
    for i in 0..200 {
        let result = ["pass", "fail", "n/a", "pass"][i % 4];
        checklist.push_row([
            Text::plain(format!("{}", i + 1)),
            Text::plain(check_name(i)),
            Text::plain(NAMES[i % NAMES.len()]),
            Text::plain(result),
        ]);
    }
    doc.table(checklist);

    doc.heading(1, HEADINGS[4]).bar_chart(
        BarChart::new("Checklist results by area", AREAS)
            .series(Series::new("Pass", [12.0, 7.0, 5.0, 9.0, 6.0, 4.0]))
            .series(Series::new("Fail", [1.0, 3.0, 2.0, 4.0, 0.0, 1.0]))
            .series(Series::new("Not applicable", [0.0, 1.0, 3.0, 0.0, 2.0, 5.0]))
            .y_label("Items")
            .height(220.0),
    );
    doc.page_break().heading(1, HEADINGS[5]).paragraph(
        Text::plain("The audit chain for this case was verified on export. Its head is ")
            .then(Text::hash(CHAIN_HEAD))
            .then(" and any later change to the case record would change it."),
    );
    doc
}

fn sample_images() -> Vec<Vec<u8>> {
    vec![
        card_jpeg(640, 420, 1, 0, 85),
        card_jpeg(480, 300, 2, 0, 85),
        card_jpeg(400, 300, 3, 0, 85),
    ]
}

fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn sample_report_reads_back_as_written() {
    let images = sample_images();
    let started = Instant::now();
    let pdf = sample(created(), &images).render().unwrap();
    println!(
        "sample: {} pages, {} bytes in {:?}",
        pdf.page_count,
        pdf.bytes.len(),
        started.elapsed()
    );
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
    assert!(pdf.missing_glyphs.is_empty(), "{:?}", pdf.missing_glyphs);
    let dir = artifacts("pdf-engine");
    let path = dir.join("sample.pdf");
    std::fs::write(&path, &pdf.bytes).unwrap();
    let p = path.to_str().unwrap();

    // Structure.
    let check = tool("qpdf", &["--check", p]);
    assert!(check.contains("No syntax or stream encoding errors"), "{check}");

    // Metadata and page count.
    let info = tool("pdfinfo", &[p]);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")).map(|v| v.trim().to_string()))
            .unwrap_or_else(|| panic!("pdfinfo shows no {name}: {info}"))
    };
    assert_eq!(field("Title"), "Candidate vetting report — Zoë Ólafsdóttir");
    assert_eq!(field("Author"), "Иван Петров");
    assert_eq!(field("Subject"), "Case VD-2026-0042");
    assert_eq!(field("Keywords"), "vetting,remote IT worker");
    assert_eq!(field("Creator"), "Vetdesk");
    assert!(field("CreationDate").contains("Nov 24 09:30:00 2026"), "{info}");
    assert!(field("ModDate").contains("Nov 24 09:30:00 2026"), "{info}");
    assert!(field("Page size").starts_with("595.276 x 841.89 pts (A4)"), "{info}");
    let pages: usize = field("Pages").parse().unwrap();
    assert_eq!(pages, pdf.page_count);
    assert!(pages >= 8, "a 200-row table alone spans several pages, got {pages}");

    // Fonts: embedded and subset.
    let fonts = tool("pdffonts", &[p]);
    let font_rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(font_rows.len(), 3, "{fonts}");
    for row in font_rows {
        assert!(row.contains("CID TrueType") && row.contains("yes yes yes"), "{row}");
    }

    // Images: the caller's JPEGs, byte for byte, as DCT streams.
    let list = tool("pdfimages", &["-list", p]);
    let rows: Vec<Vec<&str>> =
        list.lines().skip(2).map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows.len(), 4, "one image, then a grid of three: {list}");
    for row in &rows {
        assert_eq!(row[2], "image", "{list}");
        assert_eq!(row[8], "jpeg", "{list}");
    }
    for bytes in &images {
        assert!(contains_bytes(&pdf.bytes, bytes), "JPEG not embedded unchanged");
    }

    // Text as a reader extracts it: pages are separated by form feeds.
    let text = tool("pdftotext", &["-layout", p, "-"]);
    let page_texts: Vec<&str> = text.split('\u{c}').filter(|t| !t.trim().is_empty()).collect();
    assert_eq!(page_texts.len(), pages);
    for heading in HEADINGS {
        assert!(text.contains(heading), "heading {heading:?} missing");
    }
    for name in NAMES {
        assert!(text.contains(name), "name {name:?} missing");
    }
    // A name may wrap between its parts; read it as a reader would, across the line end.
    let flowing = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flowing.contains("Светлана Кузнецова"), "name wrapped inside a word");
    for (n, page) in page_texts.iter().enumerate() {
        let footer = format!("Page {} of {pages}", n + 1);
        assert!(page.contains(&footer), "page {}: footer {footer:?} missing", n + 1);
        assert!(page.contains(CHAIN_HEAD), "page {}: chain head missing from the footer", n + 1);
    }
    for i in 0..6 {
        assert!(text.contains(&hash_of(i)), "evidence hash {i} missing or broken");
    }
    // Every row of the 200-row table, its values on one line as printed.
    let lines: Vec<&str> = text.lines().collect();
    for i in 0..200 {
        let item = format!("C-{:03} ", i + 1);
        let line = lines
            .iter()
            .find(|l| l.contains(&item))
            .unwrap_or_else(|| panic!("row {} missing", i + 1));
        let result = ["pass", "fail", "n/a", "pass"][i % 4];
        let name_start = NAMES[i % NAMES.len()].split(' ').next().unwrap();
        assert!(line.contains(&format!("{}", i + 1)), "row {}: {line}", i + 1);
        assert!(line.contains(name_start), "row {}: reviewer missing: {line}", i + 1);
        assert!(line.trim_end().ends_with(result), "row {}: result missing: {line}", i + 1);
    }
    // The header row on every page the checklist table continues onto.
    let table_pages: Vec<usize> = (0..pages).filter(|n| page_texts[*n].contains(" C-")).collect();
    assert!(table_pages.len() >= 4, "{table_pages:?}");
    for n in &table_pages {
        let page = page_texts[*n];
        let header = page.lines().find(|l| l.contains("Checklist item"));
        let header = header.unwrap_or_else(|| panic!("page {}: table header missing", n + 1));
        assert!(header.contains("Reviewer") && header.contains("Result"), "{header}");
        let first_row = page.lines().position(|l| l.contains(" C-")).unwrap();
        let header_at = page.lines().position(|l| l.contains("Checklist item")).unwrap();
        assert!(header_at < first_row, "page {}: header below the rows", n + 1);
    }
    // The explicit page break: the audit trail starts a page of its own.
    let last = page_texts.last().unwrap();
    assert!(last.contains(HEADINGS[5]) && !last.contains(HEADINGS[4]));

    // Pages as images, to look at.
    let prefix = dir.join("sample-page");
    tool("pdftoppm", &["-png", "-r", "60", p, prefix.to_str().unwrap()]);
    let pngs = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("sample-page"))
        .count();
    assert!(pngs >= pages);
}

#[test]
fn same_input_gives_the_same_bytes() {
    let images = sample_images();
    let a = sample(created(), &images).render().unwrap();
    let b = sample(created(), &images).render().unwrap();
    assert_eq!(a.document_id, b.document_id);
    assert!(a.bytes == b.bytes, "two renders of the same document differ");
    assert_eq!(a.document_id.len(), 32);
    assert!(contains_bytes(&a.bytes, format!("/ID[({0})({0})]", a.document_id).as_bytes()));

    let later: Timestamp = "2026-11-25T10:00:00.000Z".parse().unwrap();
    let c = sample(later, &images).render().unwrap();
    assert_ne!(a.bytes, c.bytes);
    assert_ne!(a.document_id, c.document_id, "the derived id follows the content");

    // A supplied id is written as given (lower-cased) and still gives stable bytes.
    let with_id = |id: &str| {
        let mut meta = Metadata::new("Fixed id", created());
        meta.document_id = Some(id.to_string());
        let mut doc = Document::new(PageSize::Letter, meta);
        doc.paragraph("Hello");
        doc.render()
    };
    let fixed = with_id("0123456789ABCDEF0123456789abcdef").unwrap();
    assert_eq!(fixed.document_id, "0123456789abcdef0123456789abcdef");
    assert!(contains_bytes(&fixed.bytes, b"/ID[(0123456789abcdef0123456789abcdef)"));
    assert_eq!(fixed.bytes, with_id("0123456789ABCDEF0123456789abcdef").unwrap().bytes);
    for bad in ["", "xyz", "0123456789abcdef0123456789abcdeg", "0123456789abcdef"] {
        assert!(matches!(with_id(bad), Err(PdfError::InvalidDocumentId(_))), "{bad:?}");
    }
}

#[test]
fn bad_images_and_bad_blocks_are_errors_that_name_the_culprit() {
    let good = card_jpeg(64, 48, 1, 0, 80);
    // (name, bytes, text the error must contain)
    let images: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.jpg", vec![], "start-of-image"),
        ("photo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), "start-of-image"),
        ("cut.jpg", good[..good.len() - 200].to_vec(), "truncated"),
        (
            "garbage.jpg",
            [0xFF, 0xD8].iter().copied().chain(std::iter::repeat_n(0x41, 300)).collect(),
            "marker",
        ),
    ];
    for (name, bytes, part) in images {
        let mut doc = Document::new(PageSize::A4, Metadata::new("t", created()));
        let err = doc.add_jpeg(name, bytes).unwrap_err().to_string();
        assert!(err.contains(name) && err.contains(part), "{name}: {err}");
    }

    // (case, block, text the error must contain)
    type Case = (&'static str, Box<dyn Fn(&mut Document)>, &'static str);
    let blocks: Vec<Case> = vec![
        (
            "short row",
            Box::new(|d| {
                d.table(
                    Table::new([Column::relative("A", 1.0), Column::relative("B", 1.0)])
                        .row(["only one"]),
                );
            }),
            "row 1 has 1 cells for 2 columns",
        ),
        (
            "fixed columns too wide",
            Box::new(|d| {
                d.table(
                    Table::new([Column::fixed("A", 400.0), Column::fixed("B", 400.0)])
                        .row(["a", "b"]),
                );
            }),
            "fixed columns take 800 pt",
        ),
        (
            "zero weight",
            Box::new(|d| {
                d.table(Table::new([Column::relative("A", 0.0)]).row(["a"]));
            }),
            "column 1 has an unusable width",
        ),
        (
            "series length",
            Box::new(|d| {
                d.bar_chart(BarChart::new("Areas", ["a", "b"]).series(Series::new("s", [1.0])));
            }),
            "chart \"Areas\": series \"s\" has 1 values for 2 categories",
        ),
        (
            "not finite",
            Box::new(|d| {
                d.bar_chart(BarChart::new("Areas", ["a"]).series(Series::new("s", [f64::NAN])));
            }),
            "has the value NaN",
        ),
        (
            "image from another document",
            Box::new(|d| {
                let mut other = Document::new(PageSize::A4, Metadata::new("o", created()));
                let img = card_jpeg(8, 8, 1, 0, 80);
                other.add_jpeg("a", img.clone()).unwrap();
                let id = other.add_jpeg("b", img).unwrap();
                d.image(Image::new(id));
            }),
            "image #1 was not added",
        ),
        (
            "huge value",
            Box::new(|d| {
                d.bar_chart(BarChart::new("Areas", ["a"]).series(Series::new("s", [1e300])));
            }),
            "has the value 1e300",
        ),
        (
            "negative margin",
            Box::new(|d| {
                d.margins(Margins { left: -5.0, ..Margins::default() });
            }),
            "margins must be 0 pt or more",
        ),
        (
            "margins leave no room",
            Box::new(|d| {
                d.margins(Margins { top: 400.0, bottom: 400.0, ..Margins::default() });
            }),
            "leave 493 × ",
        ),
    ];
    for (case, build, part) in blocks {
        let mut doc = Document::new(PageSize::A4, Metadata::new("t", created()));
        build(&mut doc);
        let err = doc.render().unwrap_err().to_string();
        assert!(err.contains(part), "{case}: {err}");
    }
}

#[test]
fn odd_inputs_still_give_a_sound_pdf() {
    let img = card_jpeg(30, 400, 5, 0, 80);
    let mut doc = Document::new(
        PageSize::Custom { width: 300.0, height: 420.0 },
        Metadata::new("", created()),
    );
    doc.margins(Margins { top: 20.0, right: 20.0, bottom: 20.0, left: 20.0 });
    let tall = doc.add_jpeg("tall", img).unwrap();
    // (what is odd) as blocks; none may panic or produce a broken file.
    let odd: Vec<Block> = vec![
        Block::Heading { level: 0, text: "level 0".into() },
        Block::Heading { level: 9, text: "level 9".into() },
        Block::Paragraph("".into()),
        Block::Paragraph("   ".into()),
        Block::Paragraph("tab\tand\u{0}control\u{7}characters\r\n".into()),
        Block::Paragraph("x".repeat(3000).into()),
        Block::Bullets(vec![]),
        Block::KeyValues(vec![(
            "a very long label that cannot fit the key column at all".into(),
            "".into(),
        )]),
        Block::Spacer(f32::NAN),
        Block::Spacer(-20.0),
        Block::Table(Table::new([Column::relative("only header", 1.0)])),
        Block::Table(
            Table::new((0..40).map(|i| Column::relative(format!("c{i}"), 1.0)))
                .row((0..40).map(|i| format!("{i}"))),
        ),
        Block::Image(Image::new(tall).max_height(f32::NAN).caption("tall and thin")),
        Block::ImageGrid(ImageGrid {
            columns: 50,
            cell_height: f32::INFINITY,
            items: vec![(tall, "".into()); 7],
        }),
        Block::ImageGrid(ImageGrid::new(0, 50.0)),
        Block::BarChart(
            BarChart::new("negative", ["a", "b"])
                .series(Series::new("s", [-3.0, 2.0]))
                .height(f32::NAN),
        ),
        Block::BarChart(BarChart::new("all zero", ["a"]).series(Series::new("s", [0.0]))),
        Block::PageBreak,
        Block::PageBreak,
    ];
    for block in odd {
        doc.push(block);
    }
    let pdf = doc.render().unwrap();
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
    let path = artifacts("pdf-engine").join("odd.pdf");
    std::fs::write(&path, &pdf.bytes).unwrap();
    let check = tool("qpdf", &["--check", path.to_str().unwrap()]);
    assert!(check.contains("No syntax or stream encoding errors"), "{check}");
    let text = tool("pdftotext", &[path.to_str().unwrap(), "-"]);
    assert!(text.contains("tab andcontrolcharacters"), "{text}");
}

#[test]
fn letter_pages_and_characters_the_fonts_lack() {
    let mut doc = Document::new(PageSize::Letter, Metadata::new("Coverage", created()));
    doc.footer("left", "right")
        .heading(1, "Names from many scripts")
        .paragraph("Ærøskøbing, Łódź, Čapek, Đorđević, İstanbul, Ελλάδα, Україна, Қазақстан, ქართული, Հայաստան")
        .paragraph("Hangul and Han are not covered: 김정은 金正恩");
    let pdf = doc.render().unwrap();
    // Six characters printed as U+FFFD and reported, none dropped silently.
    assert_eq!(pdf.missing_glyphs.values().sum::<usize>(), 6);
    assert_eq!(pdf.missing_glyphs.get(&'정'), Some(&1));
    let path = artifacts("pdf-engine").join("coverage.pdf");
    std::fs::write(&path, &pdf.bytes).unwrap();
    let p = path.to_str().unwrap();
    assert!(tool("pdfinfo", &[p]).contains("612 x 792 pts (letter)"));
    let text = tool("pdftotext", &[p, "-"]);
    for word in [
        "Ærøskøbing",
        "Łódź",
        "Đorđević",
        "İstanbul",
        "Ελλάδα",
        "Україна",
        "Қазақстан",
        "ქართული",
        "Հայաստան",
    ] {
        assert!(text.contains(word), "{word} missing from {text}");
    }
    assert!(text.contains("covered: \u{FFFD}\u{FFFD}\u{FFFD} \u{FFFD}\u{FFFD}\u{FFFD}"), "{text}");
}

#[test]
fn hundred_images_time_and_size() {
    // Thumbnails of about 40 KB, as the evidence store makes them.
    let images: Vec<Vec<u8>> = (0..100).map(|i| card_jpeg(420, 315, i, 72, 80)).collect();
    let total: usize = images.iter().map(Vec::len).sum();
    let started = Instant::now();
    let mut doc = Document::new(PageSize::A4, Metadata::new("Hundred images", created()));
    doc.footer("Case VD-2026-0042", Text::hash(CHAIN_HEAD));
    let mut grid = ImageGrid::new(3, 120.0);
    for (i, bytes) in images.into_iter().enumerate() {
        let id = doc.add_jpeg(&format!("thumb-{i}.jpg"), bytes).unwrap();
        grid = grid.item(id, format!("Evidence {}", i + 1));
    }
    doc.heading(1, "Evidence thumbnails").image_grid(grid);
    let pdf = doc.render().unwrap();
    let elapsed = started.elapsed();
    // Peak resident memory of this test process (other tests may run alongside: run this
    // one alone, `cargo test --test pdf_engine hundred -- --nocapture`, for a clean figure).
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM")).map(str::to_string))
        .unwrap_or_default();
    println!("{peak}");
    println!(
        "100 images: {:.1} KB per image, {:.2} MB in; {:.2} MB PDF, {} pages, rendered in {:?}",
        total as f64 / 100.0 / 1024.0,
        total as f64 / 1048576.0,
        pdf.bytes.len() as f64 / 1048576.0,
        pdf.page_count,
        elapsed
    );
    // The file is the images plus little more: nothing was re-encoded or inflated.
    assert!(pdf.bytes.len() > total && pdf.bytes.len() < total + 200 * 1024, "{}", pdf.bytes.len());
    let path = artifacts("pdf-engine").join("hundred-images.pdf");
    std::fs::write(&path, &pdf.bytes).unwrap();
    let list = tool("pdfimages", &["-list", path.to_str().unwrap()]);
    assert_eq!(list.lines().skip(2).filter(|l| l.contains(" jpeg ")).count(), 100);
}
