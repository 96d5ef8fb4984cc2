//! The `evidence:` URI scheme: lets the webview show stored evidence and its thumbnails
//! (`evidence://localhost/thumb/<sha256>`, `…/file/<sha256>`) without file-system access.
//! Capabilities do not guard a scheme handler, so this one guards itself: nothing from the
//! request reaches the file system except a validated SHA-256, and only content-addressed files
//! under the data directory can ever be named.

use std::borrow::Cow;
use std::io;

use tauri::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
    X_CONTENT_TYPE_OPTIONS,
};
use tauri::http::{Method, Request, Response, StatusCode, Uri};
use vetdesk_core::evidence::{EvidenceError, EvidenceFiles, EvidenceReader, Sha256Hex};

pub const SCHEME: &str = "evidence";

/// Media types the webview may render from evidence. Anything else is served as an opaque
/// download, so an uploaded HTML or SVG file can never run as a page.
const INLINE_TYPES: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "application/pdf",
    "video/mp4",
    "video/webm",
];

/// Larger files are refused rather than read whole into memory (a response body is one
/// buffer); viewing long videos in place needs range requests, which this does not do yet.
pub const MAX_BODY_BYTES: u64 = 256 * 1024 * 1024;

/// Content-addressed files never change, so the webview may keep them as long as it likes.
const CACHE_FOREVER: &str = "private, max-age=31536000, immutable";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The JPEG thumbnail derived from an image (`<data>/thumbs/<2 hex>/<sha256>.jpg`).
    Thumb,
    /// The stored evidence file itself (`<data>/evidence/<2 hex>/<sha256>`).
    File,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRequest {
    pub kind: Kind,
    pub sha256: Sha256Hex,
    /// HEAD: headers only.
    pub head: bool,
}

impl EvidenceRequest {
    /// The bytes of the one file this request can name (decrypted in an encrypted data
    /// directory), found by the evidence store from the validated hash alone; `None` when
    /// larger than `MAX_BODY_BYTES`. A stored file is opened without following links. A
    /// preview is served only when it is one `recorded` gives for the file (the hashes recorded
    /// at ingest), else made again from the original: one replaced on disk is never shown.
    pub fn read(
        &self,
        files: &EvidenceFiles,
        recorded: &Recorded<'_>,
    ) -> io::Result<Option<Vec<u8>>> {
        let not_found = || io::Error::from(io::ErrorKind::NotFound);
        let to_io = |e: EvidenceError| match e {
            // No preview for a file that is not an image: as for a file not stored.
            EvidenceError::Missing { .. }
            | EvidenceError::NotInDatabase { .. }
            | EvidenceError::NotAnImage { .. } => not_found(),
            EvidenceError::Io { source, .. } => source,
            other => io::Error::other(other.to_string()),
        };
        match self.kind {
            Kind::Thumb => {
                let recorded = recorded(&self.sha256)?;
                let bytes = files.trusted_preview(&self.sha256, &recorded).map_err(to_io)?;
                Ok((bytes.len() as u64 <= MAX_BODY_BYTES).then_some(bytes))
            }
            Kind::File => read_capped(files.open(&self.sha256).map_err(to_io)?),
        }
    }
}

/// Why a request was refused. The variants name the rule, never echo the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("only GET and HEAD are served")]
    MethodNotAllowed,
    #[error("not addressed to this app's evidence host")]
    WrongHost,
    #[error("query strings are not accepted")]
    HasQuery,
    #[error("no such resource (expected /thumb/<sha256> or /file/<sha256>)")]
    NoSuchRoute,
    #[error("not a SHA-256 (64 lowercase hex digits)")]
    NotASha256,
}

impl Refusal {
    pub fn status(self) -> StatusCode {
        match self {
            Refusal::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Refusal::NoSuchRoute => StatusCode::NOT_FOUND,
            Refusal::WrongHost | Refusal::HasQuery | Refusal::NotASha256 => StatusCode::BAD_REQUEST,
        }
    }
}

/// Validates a request URI. Linux and macOS webviews send `evidence://localhost/…`; Windows
/// and Android send `http://evidence.localhost/…` (https when configured so).
pub fn parse(method: &Method, uri: &Uri) -> Result<EvidenceRequest, Refusal> {
    let head = match *method {
        Method::GET => false,
        Method::HEAD => true,
        _ => return Err(Refusal::MethodNotAllowed),
    };
    let host_ok = match (uri.scheme_str(), uri.host()) {
        (Some(SCHEME), Some("localhost")) => true,
        (Some("http" | "https"), Some(host)) => host == format!("{SCHEME}.localhost"),
        _ => false,
    };
    if !host_ok || uri.port().is_some() {
        return Err(Refusal::WrongHost);
    }
    if uri.query().is_some() {
        return Err(Refusal::HasQuery);
    }
    let mut segments = uri.path().split('/');
    let (Some(""), Some(kind), Some(hash), None) =
        (segments.next(), segments.next(), segments.next(), segments.next())
    else {
        return Err(Refusal::NoSuchRoute);
    };
    let kind = match kind {
        "thumb" => Kind::Thumb,
        "file" => Kind::File,
        _ => return Err(Refusal::NoSuchRoute),
    };
    let sha256: Sha256Hex = hash.parse().map_err(|_| Refusal::NotASha256)?;
    Ok(EvidenceRequest { kind, sha256, head })
}

/// The preview hashes recorded for a stored file (`Store::preview_hashes`).
pub type Recorded<'a> = dyn Fn(&Sha256Hex) -> io::Result<Vec<String>> + 'a;

/// Answers one request from the evidence store. Blocking: call off the UI thread.
pub fn respond(
    files: &EvidenceFiles,
    recorded: &Recorded<'_>,
    request: &Request<Vec<u8>>,
) -> Response<Cow<'static, [u8]>> {
    let parsed = match parse(request.method(), request.uri()) {
        Ok(parsed) => parsed,
        Err(refusal) => {
            tracing::debug!(%refusal, "evidence request refused");
            return refusal_response(refusal.status(), &refusal.to_string());
        }
    };
    let bytes = match parsed.read(files, recorded) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            return refusal_response(StatusCode::PAYLOAD_TOO_LARGE, "too large to show in the app");
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return refusal_response(StatusCode::NOT_FOUND, "no stored file with this SHA-256");
        }
        Err(error) => {
            tracing::warn!(kind = ?parsed.kind, error = %error.kind(), "evidence read failed");
            return refusal_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the stored file could not be read",
            );
        }
    };
    let (media_type, inline) = match parsed.kind {
        // Thumbnails are always written as JPEG by the app itself.
        Kind::Thumb => ("image/jpeg", true),
        Kind::File => match infer::get(&bytes).map(|t| t.mime_type()) {
            Some(mime) if INLINE_TYPES.contains(&mime) => (mime, true),
            _ => ("application/octet-stream", false),
        },
    };
    let mut builder = Response::builder()
        .status(StatusCode::OK)
        .header(CONTENT_TYPE, media_type)
        .header(CONTENT_LENGTH, bytes.len())
        .header(CACHE_CONTROL, CACHE_FOREVER)
        .header(X_CONTENT_TYPE_OPTIONS, "nosniff")
        // Should a stored file ever be opened as a document, it gets no script and no origin.
        .header(CONTENT_SECURITY_POLICY, "sandbox");
    if !inline {
        builder = builder.header(CONTENT_DISPOSITION, "attachment");
    }
    let body = if parsed.head { Vec::new() } else { bytes };
    builder.body(Cow::Owned(body)).unwrap_or_else(|_| {
        refusal_response(StatusCode::INTERNAL_SERVER_ERROR, "could not build the response")
    })
}

/// The file's bytes, or `None` when it is larger than `MAX_BODY_BYTES`.
fn read_capped(file: EvidenceReader) -> io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    if file.len() > MAX_BODY_BYTES {
        return Ok(None);
    }
    // `take` guards against the file growing between the check and the read.
    let mut bytes = Vec::new();
    file.take(MAX_BODY_BYTES + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_BODY_BYTES).then_some(bytes))
}

/// The answer while the app is still starting (the window opens after the state exists, so
/// this should not be seen).
pub fn not_ready() -> Response<Cow<'static, [u8]>> {
    refusal_response(StatusCode::SERVICE_UNAVAILABLE, "the app is still starting")
}

fn refusal_response(status: StatusCode, message: &str) -> Response<Cow<'static, [u8]>> {
    let mut response = Response::new(Cow::Owned(message.as_bytes().to_vec()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        "text/plain; charset=utf-8"
            .parse()
            .unwrap_or(tauri::http::HeaderValue::from_static("text/plain")),
    );
    headers.insert(CACHE_CONTROL, tauri::http::HeaderValue::from_static("no-store"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, tauri::http::HeaderValue::from_static("nosniff"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    /// Test URIs name the hash by placeholder, to keep one row per line: `{sha}` the hash,
    /// `{SHA}` upper-cased, `{sha63}` one digit short, `{other}` a well-formed hash not stored, `{html}` an
    /// HTML file's, `{huge}` one over the size limit.
    fn expand(template: &str) -> String {
        template
            .replace("{sha}", SHA)
            .replace("{SHA}", &SHA.to_uppercase())
            .replace("{sha63}", &SHA[..63])
            .replace("{other}", &"b".repeat(64))
            .replace("{html}", &"a".repeat(64))
            .replace("{huge}", &"c".repeat(64))
    }

    fn method(name: &str) -> Method {
        Method::from_bytes(name.as_bytes()).unwrap()
    }

    #[test]
    fn parser_accepts_only_canonical_requests() {
        use Refusal as R;
        type Expected = Result<(Kind, bool), Refusal>;
        #[rustfmt::skip]
        let cases: &[(&str, &str, Expected)] = &[
            // what the webviews send
            ("GET", "evidence://localhost/thumb/{sha}", Ok((Kind::Thumb, false))),
            ("GET", "evidence://localhost/file/{sha}", Ok((Kind::File, false))),
            ("HEAD", "evidence://localhost/file/{sha}", Ok((Kind::File, true))),
            ("GET", "http://evidence.localhost/thumb/{sha}", Ok((Kind::Thumb, false))),
            ("GET", "https://evidence.localhost/file/{sha}", Ok((Kind::File, false))),
            // methods
            ("POST", "evidence://localhost/file/{sha}", Err(R::MethodNotAllowed)),
            ("PUT", "evidence://localhost/file/{sha}", Err(R::MethodNotAllowed)),
            // hosts
            ("GET", "evidence://example.com/file/{sha}", Err(R::WrongHost)),
            ("GET", "evidence://localhost:8080/file/{sha}", Err(R::WrongHost)),
            ("GET", "http://localhost/file/{sha}", Err(R::WrongHost)),
            ("GET", "http://ipc.localhost/file/{sha}", Err(R::WrongHost)),
            ("GET", "tauri://localhost/file/{sha}", Err(R::WrongHost)),
            // queries
            ("GET", "evidence://localhost/file/{sha}?v=1", Err(R::HasQuery)),
            // routes
            ("GET", "evidence://localhost/", Err(R::NoSuchRoute)),
            ("GET", "evidence://localhost/{sha}", Err(R::NoSuchRoute)),
            ("GET", "evidence://localhost/original/{sha}", Err(R::NoSuchRoute)),
            ("GET", "evidence://localhost/Thumb/{sha}", Err(R::NoSuchRoute)),
            ("GET", "evidence://localhost/thumb/{sha}/", Err(R::NoSuchRoute)),
            ("GET", "evidence://localhost/thumb/{sha}/x", Err(R::NoSuchRoute)),
            ("GET", "evidence://localhost//thumb/{sha}", Err(R::NoSuchRoute)),
            ("GET", "evidence://localhost/file/../../../etc/passwd", Err(R::NoSuchRoute)),
            // hashes
            ("GET", "evidence://localhost/file/{SHA}", Err(R::NotASha256)),
            ("GET", "evidence://localhost/file/{sha63}", Err(R::NotASha256)),
            ("GET", "evidence://localhost/file/{sha}0", Err(R::NotASha256)),
            ("GET", "evidence://localhost/file/{sha63}g", Err(R::NotASha256)),
            ("GET", "evidence://localhost/thumb/{sha}.jpg", Err(R::NotASha256)),
            ("GET", "evidence://localhost/file/..", Err(R::NotASha256)),
            ("GET", "evidence://localhost/file/%2e%2e%2fetc%2fpasswd", Err(R::NotASha256)),
            ("GET", "evidence://localhost/file/{sha63}%2f", Err(R::NotASha256)),
            ("GET", "evidence://localhost/thumb/", Err(R::NotASha256)),
        ];
        for (name, template, expected) in cases {
            let text = expand(template);
            let got = parse(&method(name), &text.parse().unwrap()).map(|r| {
                assert_eq!(r.sha256.to_hex(), SHA);
                (r.kind, r.head)
            });
            assert_eq!(&got, expected, "{name} {text}");
        }
    }

    fn get(data_dir: &Path, name: &str, template: &str) -> Response<Cow<'static, [u8]>> {
        let request =
            Request::builder().method(method(name)).uri(expand(template)).body(Vec::new()).unwrap();
        // The preview on disk is taken as the one recorded at ingest.
        let files = EvidenceFiles::new(data_dir);
        respond(&files, &|sha| Ok(files.preview_sha256(sha).into_iter().collect()), &request)
    }

    fn header<'a>(response: &'a Response<Cow<'static, [u8]>>, name: &str) -> Option<&'a str> {
        response.headers().get(name).and_then(|v| v.to_str().ok())
    }

    /// Puts `bytes` where the evidence store keeps a file with this hash.
    fn store(data_dir: &Path, kind: Kind, sha: &str, bytes: &[u8]) {
        let path = layout_path(data_dir, kind, sha);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    /// Where the evidence store keeps a file (its documented layout), written out by hand so
    /// that the test checks the scheme finds files where the store puts them.
    fn layout_path(data_dir: &Path, kind: Kind, sha: &str) -> PathBuf {
        match kind {
            Kind::Thumb => data_dir.join("thumbs").join(&sha[..2]).join(format!("{sha}.jpg")),
            Kind::File => data_dir.join("evidence").join(&sha[..2]).join(sha),
        }
    }

    const JPEG: &[u8] = b"\xff\xd8\xff\xe0\0\x10JFIF\0";
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const HTML: &[u8] = b"<html><script>alert(1)</script></html>";

    #[test]
    fn serves_stored_files_with_safe_headers() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path();
        let html_sha = "a".repeat(64);
        store(data, Kind::Thumb, SHA, JPEG);
        store(data, Kind::File, SHA, PNG);
        store(data, Kind::File, &html_sha, HTML);
        // One byte over the limit, as a sparse file: nothing is really written.
        store(data, Kind::File, &"c".repeat(64), b"");
        let huge = layout_path(data, Kind::File, &"c".repeat(64));
        let file = std::fs::OpenOptions::new().write(true).open(huge).unwrap();
        file.set_len(MAX_BODY_BYTES + 1).unwrap();
        let text = "text/plain; charset=utf-8";
        let octets = "application/octet-stream";

        // (method, uri, status, content type, attachment, body: exact for 200, else any text)
        type Row<'a> = (&'a str, &'a str, u16, &'a str, bool, &'a [u8]);
        #[rustfmt::skip]
        let cases: &[Row] = &[
            ("GET", "evidence://localhost/thumb/{sha}", 200, "image/jpeg", false, JPEG),
            ("GET", "evidence://localhost/file/{sha}", 200, "image/png", false, PNG),
            ("HEAD", "evidence://localhost/file/{sha}", 200, "image/png", false, b""),
            // not a type the webview may render: an opaque download
            ("GET", "evidence://localhost/file/{html}", 200, octets, true, HTML),
            // well-formed but not stored
            ("GET", "evidence://localhost/thumb/{other}", 404, text, false, b""),
            ("GET", "evidence://localhost/file/{other}", 404, text, false, b""),
            ("GET", "evidence://localhost/file/not-a-hash", 400, text, false, b""),
            ("GET", "evidence://localhost/other/{sha}", 404, text, false, b""),
            ("DELETE", "evidence://localhost/file/{sha}", 405, text, false, b""),
            ("GET", "evidence://localhost/file/{huge}", 413, text, false, b""),
        ];
        for &(name, template, status, media_type, attachment, body) in cases {
            let response = get(data, name, template);
            let what = format!("{name} {template}");
            assert_eq!(response.status().as_u16(), status, "{what}");
            assert_eq!(header(&response, "content-type"), Some(media_type), "{what}");
            assert_eq!(header(&response, "x-content-type-options"), Some("nosniff"), "{what}");
            let disposition = header(&response, "content-disposition");
            assert_eq!(disposition == Some("attachment"), attachment, "{what}");
            let cache = header(&response, "cache-control");
            if status == 200 {
                assert_eq!(response.body().as_ref(), body, "{what}");
                assert_eq!(cache, Some(CACHE_FOREVER), "{what}");
                assert_eq!(header(&response, "content-security-policy"), Some("sandbox"), "{what}");
            } else {
                assert!(!response.body().is_empty(), "{what}: a refusal says why");
                assert_eq!(cache, Some("no-store"), "{what}");
            }
        }
    }

    #[test]
    fn names_other_than_a_hash_never_reach_the_disk() {
        // A file planted beside the stored ones cannot be named: only `<sha>` is looked up.
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("evidence/9f")).unwrap();
        std::fs::write(dir.path().join("evidence/9f/secret.txt"), b"x").unwrap();
        let response = get(dir.path(), "GET", "evidence://localhost/file/secret.txt");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_place_of_a_stored_file_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("secret"), b"not evidence").unwrap();
        let path = layout_path(dir.path(), Kind::File, SHA);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), &path).unwrap();
        let response = get(dir.path(), "GET", "evidence://localhost/file/{sha}");
        assert_ne!(response.status(), StatusCode::OK);
        assert_ne!(response.body().as_ref(), b"not evidence");
    }

    /// A preview replaced on disk is not served: the one the original gives is, and is put back.
    #[test]
    fn a_replaced_preview_is_made_again_from_the_original() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let files = EvidenceFiles::new(dir.path());
        let png = vetdesk_testkit::png(64, 48);
        let limits = vetdesk_core::evidence::Limits::default();
        let got = files.ingest_reader(&mut &png[..], "scan.png", &limits, &mut |_, _| {}).unwrap();
        let recorded = files.preview_sha256(&got.sha256).unwrap();
        let path = files.thumbnail_path(&got.sha256).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::write(&path, vetdesk_testkit::png(8, 8)).unwrap();
        let request = Request::builder()
            .method(Method::GET)
            .uri(format!("evidence://localhost/thumb/{}", got.sha256.to_hex()))
            .body(Vec::new())
            .unwrap();
        let thumb = respond(&files, &|_| Ok(vec![recorded.clone()]), &request);
        assert_eq!(thumb.status(), StatusCode::OK);
        use sha2::Digest;
        let served = hex::encode(sha2::Sha256::digest(thumb.body().as_ref()));
        assert_eq!(served, recorded);
        assert_eq!(files.preview_sha256(&got.sha256), Some(recorded));
    }

    /// In an encrypted data directory the scheme serves the plaintext of the sealed file and
    /// of its sealed preview, and the bytes on disk are not those.
    #[test]
    fn serves_the_plaintext_of_sealed_files() {
        let dir = tempfile::tempdir().unwrap();
        let key = std::sync::Arc::new(vetdesk_crypto::DataKey::from_bytes([3; 32]));
        let files = EvidenceFiles::new(dir.path()).with_key(Some(key));
        let png = vetdesk_testkit::png(64, 48);
        let limits = vetdesk_core::evidence::Limits::default();
        let got = files.ingest_reader(&mut &png[..], "scan.png", &limits, &mut |_, _| {}).unwrap();
        assert!(got.thumbnail.exists());
        let sha = got.sha256.to_hex();
        assert_ne!(std::fs::read(files.path_of(&got.sha256)).unwrap(), png);
        let request =
            |uri: String| Request::builder().method(Method::GET).uri(uri).body(Vec::new()).unwrap();
        let none = |_: &Sha256Hex| Ok(Vec::new());
        let file = respond(&files, &none, &request(format!("evidence://localhost/file/{sha}")));
        assert_eq!(file.status(), StatusCode::OK);
        assert_eq!(file.body().as_ref(), &png[..]);
        let recorded = files.preview_sha256(&got.sha256).unwrap();
        let thumb = respond(
            &files,
            &|_| Ok(vec![recorded.clone()]),
            &request(format!("evidence://localhost/thumb/{sha}")),
        );
        assert_eq!(thumb.status(), StatusCode::OK);
        assert!(thumb.body().starts_with(b"\xff\xd8\xff"), "a JPEG preview");
        // The plain scheme over the same directory gets no plaintext out of it.
        let plain = respond(
            &EvidenceFiles::new(dir.path()),
            &none,
            &request(format!("evidence://localhost/thumb/{sha}")),
        );
        assert!(!plain.body().starts_with(b"\xff\xd8\xff"));
    }
}
