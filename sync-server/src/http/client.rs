//! Serves the built web client (`EDU_STATIC_DIR`) for every path the API does not own, from memory.
//!
//! Owns loading the client's files once at start (each with its ETag and gzip and brotli copies
//! made then, not per request), content negotiation, cache policy (content-hashed assets are
//! immutable, everything else revalidates) and the SPA fallback (client-side routes get
//! `index.html`). Never answers under `/api`: those routes are matched before this fallback and
//! unknown ones get a JSON 404. Never reads the disk while serving: a new build needs a restart.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, ETAG,
    IF_NONE_MATCH, VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use sha2::{Digest, Sha256};

use super::AppState;

const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const NO_CACHE: HeaderValue = HeaderValue::from_static("no-cache");

/// The most the client's files may weigh together (uncompressed); a directory bigger than this is
/// not a Trunk build, and start-up refuses it rather than filling memory.
const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;

/// Files smaller than this are sent as they are: compressing them saves nothing worth the CPU.
const MIN_COMPRESS_BYTES: usize = 256;

/// One file of the client, ready to send.
#[derive(Debug)]
struct ClientFile {
    content_type: HeaderValue,
    etag: HeaderValue,
    cache_control: HeaderValue,
    identity: Bytes,
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
}

/// The built client, held in memory: every file under `EDU_STATIC_DIR` by its URL path.
#[derive(Debug, Default)]
pub struct ClientFiles {
    /// Where the files came from (named in the "not built" answer).
    dir: PathBuf,
    files: HashMap<String, ClientFile>,
}

/// Why the client's files could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{dir} holds more than {MAX_TOTAL_BYTES} bytes; it is not a built client")]
    TooBig { dir: PathBuf },
}

impl ClientFiles {
    /// Reads every file under `dir` and prepares it (ETag, gzip and brotli copies). A missing
    /// directory is not an error: the API works without a client, and pages say how to build it.
    /// Blocking: call it from start-up (`spawn_blocking`), not from a request.
    pub fn load(dir: &Path) -> Result<Self, LoadError> {
        let mut loaded = Self {
            dir: dir.to_owned(),
            files: HashMap::new(),
        };
        if !dir.is_dir() {
            return Ok(loaded);
        }
        let mut total = 0u64;
        let mut pending = vec![dir.to_owned()];
        while let Some(folder) = pending.pop() {
            let io = |source| LoadError::Io {
                path: folder.clone(),
                source,
            };
            for entry in std::fs::read_dir(&folder).map_err(io)? {
                let entry = entry.map_err(io)?;
                let path = entry.path();
                let kind = entry.file_type().map_err(io)?;
                if kind.is_dir() {
                    pending.push(path);
                    continue;
                }
                if !kind.is_file() {
                    continue;
                }
                let bytes = std::fs::read(&path).map_err(|source| LoadError::Io {
                    path: path.clone(),
                    source,
                })?;
                total += bytes.len() as u64;
                if total > MAX_TOTAL_BYTES {
                    return Err(LoadError::TooBig {
                        dir: dir.to_owned(),
                    });
                }
                let Some(url_path) = url_path(dir, &path) else {
                    continue;
                };
                let file = ClientFile::prepare(&url_path, bytes);
                loaded.files.insert(url_path, file);
            }
        }
        Ok(loaded)
    }

    /// How many files are held (start-up logs it).
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// `/sub/name.ext` for a file under `dir`; `None` for a name that is not UTF-8.
fn url_path(dir: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(dir).ok()?;
    let mut url = String::new();
    for part in relative.components() {
        url.push('/');
        url.push_str(part.as_os_str().to_str()?);
    }
    Some(url)
}

impl ClientFile {
    fn prepare(url_path: &str, bytes: Vec<u8>) -> Self {
        let mime = mime_guess::from_path(url_path).first_or_octet_stream();
        let content_type = match mime.type_() {
            mime_guess::mime::TEXT | mime_guess::mime::APPLICATION
                if mime.get_param("charset").is_none() && is_text(mime.essence_str()) =>
            {
                format!("{}; charset=utf-8", mime.essence_str())
            }
            _ => mime.essence_str().to_owned(),
        };
        let content_type = match mime.essence_str() {
            // Browsers only compile a streamed WebAssembly module with exactly this type.
            _ if url_path.ends_with(".wasm") => "application/wasm".to_owned(),
            _ if url_path.ends_with(".webmanifest") => "application/manifest+json".to_owned(),
            _ => content_type,
        };
        let digest = Sha256::digest(&bytes);
        let etag = format!("\"{}\"", hex(&digest[..12]));
        let compressible = is_compressible(&content_type) && bytes.len() >= MIN_COMPRESS_BYTES;
        let (gzip, brotli) = if compressible {
            (
                smaller(gzip(&bytes), bytes.len()),
                smaller(brotli(&bytes), bytes.len()),
            )
        } else {
            (None, None)
        };
        Self {
            content_type: HeaderValue::from_str(&content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            etag: HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\"")),
            cache_control: if is_content_hashed(url_path) {
                IMMUTABLE
            } else {
                NO_CACHE
            },
            identity: Bytes::from(bytes),
            gzip,
            brotli,
        }
    }

    /// The answer to a GET or HEAD with these request headers.
    fn respond(&self, request: &HeaderMap, head: bool) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, self.content_type.clone());
        headers.insert(ETAG, self.etag.clone());
        headers.insert(CACHE_CONTROL, self.cache_control.clone());
        if self.gzip.is_some() || self.brotli.is_some() {
            headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
        }
        if etag_matches(request, &self.etag) {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        let accepted = accepted_encodings(request);
        let (body, encoding) = match (&self.brotli, &self.gzip) {
            (Some(br), _) if accepted.brotli => (br.clone(), Some("br")),
            (_, Some(gz)) if accepted.gzip => (gz.clone(), Some("gzip")),
            _ => (self.identity.clone(), None),
        };
        if let Some(encoding) = encoding {
            headers.insert(CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
        let body = if head {
            Body::empty()
        } else {
            Body::from(body)
        };
        (StatusCode::OK, headers, body).into_response()
    }
}

fn is_text(essence: &str) -> bool {
    essence.starts_with("text/")
        || matches!(
            essence,
            "application/javascript" | "application/json" | "application/manifest+json"
        )
}

fn is_compressible(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    is_text(essence) || matches!(essence, "application/wasm" | "image/svg+xml")
}

fn smaller(compressed: Option<Vec<u8>>, original: usize) -> Option<Bytes> {
    compressed.filter(|c| c.len() < original).map(Bytes::from)
}

fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).ok()?;
    encoder.finish().ok()
}

fn brotli(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    // The best quality costs about a second per megabyte, paid once at start; the wasm module
    // (the one big file) gets a quality that takes a tenth of that for ~5% more bytes.
    let params = brotli::enc::BrotliEncoderParams {
        quality: if bytes.len() > 512 * 1024 { 9 } else { 11 },
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).ok()?;
    Some(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `If-None-Match` names this ETag (or `*`); weak tags compare by their value.
fn etag_matches(request: &HeaderMap, etag: &HeaderValue) -> bool {
    let Some(wanted) = request.get(IF_NONE_MATCH).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let ours = etag.to_str().unwrap_or_default();
    wanted
        .split(',')
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == "*" || tag == ours)
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Accepted {
    gzip: bool,
    brotli: bool,
}

/// Which of our encodings `Accept-Encoding` allows (`q=0` refuses one).
fn accepted_encodings(request: &HeaderMap) -> Accepted {
    let mut accepted = Accepted::default();
    for value in request.get_all(ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            match name.as_str() {
                "gzip" => accepted.gzip = !refused,
                "br" => accepted.brotli = !refused,
                _ => {}
            }
        }
    }
    accepted
}

pub async fn serve(State(state): State<AppState>, req: Request) -> Response {
    let files: &Arc<ClientFiles> = &state.client;
    let head = req.method() == Method::HEAD;
    if req.method() != Method::GET && !head {
        return crate::error::Error::MethodNotAllowed.into_response();
    }
    let path = req.uri().path();
    if let Some(file) = files.files.get(path) {
        return file.respond(req.headers(), head);
    }
    let Some(index) = files.files.get("/index.html") else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [
                (
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                ),
                (CACHE_CONTROL, NO_CACHE),
            ],
            format!(
                "The web client is not built: {} has no index.html.\n\
                 Run `cargo xtask dev` (or set EDU_STATIC_DIR to a built client). The API under \
                 /api works without it.\n",
                files.dir.display()
            ),
        )
            .into_response();
    };
    // A missing file (`/client-<old hash>_bg.wasm` after a deploy) must stay a 404: answering with
    // HTML would make the browser fail on a "wasm" or script that is really a web page.
    let last_segment = path.rsplit('/').next().unwrap_or_default();
    if last_segment.contains('.') {
        return (
            StatusCode::NOT_FOUND,
            [
                (
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                ),
                (CACHE_CONTROL, NO_CACHE),
            ],
            "Not found\n",
        )
            .into_response();
    }
    // Anything else is a client-side route (`/courses/rust-from-zero`): the app shell handles it.
    index.respond(req.headers(), head)
}

/// Trunk names built assets `<name>-<hex hash>[_bg].<ext>` (`client-1a2b3c4d5e6f7a8b_bg.wasm`); such a
/// file never changes, so browsers may keep it for a year. Trunk prints a u64 hash in hex without
/// leading zeros (`layout-db8686cfa626673.css` has 15 digits), so shorter hashes count too; under 12
/// digits is left out as more likely a word than a hash.
fn is_content_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let Some((stem, _ext)) = file.rsplit_once('.') else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    let Some((name, hash)) = stem.rsplit_once('-') else {
        return false;
    };
    !name.is_empty()
        && (12..=64).contains(&hash.len())
        && hash.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_trunk_hashed_names_count_as_immutable() {
        let cases = [
            ("/client-1a2b3c4d5e6f7a8b.js", true),
            ("/client-1a2b3c4d5e6f7a8b_bg.wasm", true),
            ("/style-0123456789abcdef.css", true),
            ("/layout-db8686cfa626673.css", true),
            ("/my-notes-cafe.css", false),
            ("/assets/icon-0123456789abcdef0123.png", true),
            ("/", false),
            ("/index.html", false),
            ("/sw.js", false),
            ("/manifest.webmanifest", false),
            ("/icon-192.png", false),
            ("/client.js", false),
            ("/-0123456789abcdef.js", false),
            ("/client-0123456789abcdeg.js", false),
            ("/courses/rust-from-zero", false),
        ];
        for (path, expected) in cases {
            assert_eq!(is_content_hashed(path), expected, "{path}");
        }
    }

    fn request(accept: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_ENCODING, HeaderValue::from_str(accept).unwrap());
        headers
    }

    #[test]
    fn encodings_are_read_with_their_weights() {
        let both = Accepted {
            gzip: true,
            brotli: true,
        };
        assert_eq!(
            accepted_encodings(&request("gzip, deflate, br, zstd")),
            both
        );
        assert_eq!(
            accepted_encodings(&request("gzip;q=1.0, br;q=0")),
            Accepted {
                gzip: true,
                brotli: false
            }
        );
        assert_eq!(accepted_encodings(&HeaderMap::new()), Accepted::default());
    }

    #[test]
    fn compressed_copies_are_kept_only_when_smaller_and_decode_to_the_file() {
        let js = "console.log('hello');\n".repeat(100);
        let file = ClientFile::prepare("/client-1a2b3c4d5e6f7a8b.js", js.clone().into_bytes());
        let gz = file.gzip.as_ref().expect("gzip copy");
        let br = file.brotli.as_ref().expect("brotli copy");
        assert!(gz.len() < js.len() && br.len() < js.len());
        let mut decoded = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut decoded)
            .unwrap();
        assert_eq!(decoded, js);
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut decoded).unwrap();
        assert_eq!(decoded, js.as_bytes());

        let png = ClientFile::prepare("/icon-192.png", vec![0x89; 4096]);
        assert!(
            png.gzip.is_none() && png.brotli.is_none(),
            "images stay as they are"
        );
        let tiny = ClientFile::prepare("/sw.js", b"x".to_vec());
        assert!(tiny.gzip.is_none(), "too small to bother");
    }

    #[test]
    fn a_matching_etag_is_not_modified_and_the_best_encoding_wins() {
        let css = "body { color: red; }\n".repeat(50);
        let file = ClientFile::prepare("/style-0123456789abcdef.css", css.into_bytes());
        let mut headers = request("gzip, br");
        let res = file.respond(&headers, false);
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[CONTENT_ENCODING], "br");
        assert_eq!(res.headers()[CACHE_CONTROL], IMMUTABLE);
        headers.insert(IF_NONE_MATCH, file.etag.clone());
        assert_eq!(
            file.respond(&headers, false).status(),
            StatusCode::NOT_MODIFIED
        );
        let res = file.respond(&request("gzip"), false);
        assert_eq!(res.headers()[CONTENT_ENCODING], "gzip");
        let res = file.respond(&HeaderMap::new(), false);
        assert!(res.headers().get(CONTENT_ENCODING).is_none());
    }
}
