//! Serves the built web client (`EDU_STATIC_DIR`) for every path the API does not own.
//!
//! Owns cache policy (content-hashed assets are immutable, everything else revalidates) and the SPA
//! fallback (client-side routes get `index.html`). Never answers under `/api`: those routes are
//! matched before this fallback and unknown ones get a JSON 404.

use std::path::Path;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use super::AppState;

const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const NO_CACHE: HeaderValue = HeaderValue::from_static("no-cache");

pub async fn serve(State(state): State<AppState>, req: Request) -> Response {
    let dir = state.config.http.static_dir.as_path();
    let path = req.uri().path().to_owned();
    let is_read = req.method() == Method::GET || req.method() == Method::HEAD;
    // Kept for the fallback: conditional and range headers apply to index.html as well.
    let fallback_req = is_read.then(|| {
        let mut r = Request::new(Body::empty());
        *r.method_mut() = req.method().clone();
        *r.headers_mut() = req.headers().clone();
        r
    });

    let mut res = match ServeDir::new(dir).oneshot(req).await {
        Ok(res) => res.map(Body::new),
        Err(never) => match never {},
    };
    if res.status() == StatusCode::NOT_FOUND {
        if let Some(fallback_req) = fallback_req {
            res = spa_fallback(dir, &path, fallback_req).await;
        }
    }

    let cacheable = res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED;
    let policy = if cacheable && is_content_hashed(&path) {
        IMMUTABLE
    } else {
        NO_CACHE
    };
    res.headers_mut().insert(CACHE_CONTROL, policy);
    res
}

/// What a path the client's files do not hold gets.
async fn spa_fallback(dir: &Path, path: &str, req: Request) -> Response {
    let index = dir.join("index.html");
    if !tokio::fs::try_exists(&index).await.unwrap_or(false) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!(
                "The web client is not built: {} has no index.html.\n\
                 Run `cargo xtask dev` (or set EDU_STATIC_DIR to a built client). The API under \
                 /api works without it.\n",
                dir.display()
            ),
        )
            .into_response();
    }
    // A missing file (`/client-<old hash>_bg.wasm` after a deploy) must stay a 404: answering with
    // HTML would make the browser fail on a "wasm" or script that is really a web page.
    let last_segment = path.rsplit('/').next().unwrap_or_default();
    if last_segment.contains('.') {
        return (
            StatusCode::NOT_FOUND,
            [(CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Not found\n",
        )
            .into_response();
    }
    // Anything else is a client-side route (`/courses/rust-from-zero`): the app shell handles it.
    match ServeFile::new(index).oneshot(req).await {
        Ok(res) => res.map(Body::new),
        Err(never) => match never {},
    }
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
    use super::is_content_hashed;

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
}
