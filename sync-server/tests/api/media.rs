//! Media uploads and serving, and the editor's Markdown preview: images are known by their bytes
//! and dimensions, stored only inside the media directory under their hash, and served back as
//! they were with immutable caching and a CSP that allows nothing.

use base64::Engine;
use reqwest::{Method, StatusCode};
use serde_json::json;
use sha2::{Digest, Sha256};
use shared::api::authoring::{MarkdownPreview, MediaItem};
use shared::api::ErrorBody;

use crate::both_backends;
use crate::helpers::{Options, TestApp, DEMO_PASSWORD};

/// A real 1×1 PNG (signature, IHDR, IDAT, IEND with their CRCs).
const PNG_1X1: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

fn png_1x1() -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(PNG_1X1)
        .unwrap()
}

/// A PNG signature and IHDR chunk claiming `width`×`height` (what a header-only bomb looks like).
pub fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    bytes.extend(width.to_be_bytes());
    bytes.extend(height.to_be_bytes());
    bytes.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    bytes
}

/// A 1-bit GIF89a of `width`×`height` (header, colour table, an empty image).
fn gif(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = b"GIF89a".to_vec();
    bytes.extend(width.to_le_bytes());
    bytes.extend(height.to_le_bytes());
    bytes.extend(b"\x80\x00\x00\xff\xff\xff\x00\x00\x00;");
    bytes
}

/// A WebP with an extended (`VP8X`) header of `width`×`height`.
fn webp(width: u32, height: u32) -> Vec<u8> {
    let mut chunk = vec![0u8; 4];
    chunk.extend(&(width - 1).to_le_bytes()[..3]);
    chunk.extend(&(height - 1).to_le_bytes()[..3]);
    let mut bytes = b"RIFF".to_vec();
    bytes.extend((4 + 8 + chunk.len() as u32).to_le_bytes());
    bytes.extend(b"WEBPVP8X");
    bytes.extend((chunk.len() as u32).to_le_bytes());
    bytes.extend(chunk);
    bytes
}

/// A baseline JPEG's start: SOI, a JFIF APP0 segment and a SOF0 frame of `width`×`height`.
fn jpeg(width: u16, height: u16) -> Vec<u8> {
    let mut bytes =
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00".to_vec();
    bytes.extend(b"\xff\xc0\x00\x0b\x08");
    bytes.extend(height.to_be_bytes());
    bytes.extend(width.to_be_bytes());
    bytes.extend(b"\x01\x01\x11\x00\xff\xd9");
    bytes
}

fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

async fn upload(app: &TestApp, token: &str, bytes: Vec<u8>) -> reqwest::Response {
    app.bearer(Method::POST, "/api/media", token)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap()
}

async fn error_code(res: reqwest::Response) -> String {
    res.json::<ErrorBody>()
        .await
        .unwrap()
        .error
        .code
        .to_string()
}

/// The names of the files in the app's media directory.
fn stored_files(app: &TestApp) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(&app.config.media.dir)
        .map(|dir| {
            dir.map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

async fn media_rows(app: &TestApp) -> i64 {
    crate::on_db!(&app.db, pool => {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM media")
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

both_backends!(
    async fn each_image_type_is_stored_once_with_its_dimensions(backend) {
        let app = TestApp::spawn(backend).await;
        let teacher = app.token_for("teacher@demo.local", DEMO_PASSWORD).await;
        let cases = [
            (png_1x1(), "image/png", 1, 1),
            (gif(3, 2), "image/gif", 3, 2),
            (webp(5, 4), "image/webp", 5, 4),
            (jpeg(7, 6), "image/jpeg", 7, 6),
        ];
        let mut hashes = Vec::new();
        for (bytes, content_type, width, height) in cases {
            let res = upload(&app, &teacher, bytes.clone()).await;
            assert_eq!(res.status(), StatusCode::CREATED, "{content_type}");
            let item: MediaItem = res.json().await.unwrap();
            let hash = sha256_hex(&bytes);
            assert_eq!(
                item,
                MediaItem {
                    url: format!("/media/{hash}"),
                    hash: hash.clone(),
                    content_type: content_type.to_owned(),
                    width,
                    height,
                    bytes: bytes.len() as u64,
                }
            );
            // The same bytes again: the same item, nothing new stored.
            let again = upload(&app, &teacher, bytes).await;
            assert_eq!(again.status(), StatusCode::OK, "{content_type}");
            assert_eq!(again.json::<MediaItem>().await.unwrap(), item);
            hashes.push(hash);
        }
        hashes.sort();
        assert_eq!(stored_files(&app), hashes, "one file per image, named by its hash");
        assert_eq!(media_rows(&app).await, 4);
        let uploader: String = crate::on_db!(&app.db, pool => {
            sqlx::query_scalar(
                "SELECT u.email_key FROM media m JOIN users u ON u.id = m.uploaded_by LIMIT 1",
            )
            .fetch_one(pool)
            .await
            .unwrap()
        });
        assert_eq!(uploader, "teacher@demo.local");
    }
);

both_backends!(
    async fn text_html_and_svg_are_refused_whatever_they_claim_to_be(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = app.token_for("admin@demo.local", DEMO_PASSWORD).await;
        let bodies: [&[u8]; 5] = [
            b"just some text",
            b"<!doctype html><script>alert(1)</script>",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            b"BM\x1e\x00\x00\x00\x00\x00\x00\x00\x1a\x00\x00\x00",
        ];
        for body in bodies {
            let res = app
                .bearer(Method::POST, "/api/media", &admin)
                .header("content-type", "image/png")
                .header("content-disposition", "attachment; filename=\"cat.png\"")
                .body(body.to_vec())
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
            assert_eq!(error_code(res).await, "unsupported_media_type");
        }
        // An empty body is not an image either.
        let res = upload(&app, &admin, Vec::new()).await;
        assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(stored_files(&app).is_empty(), "{:?}", stored_files(&app));
        assert_eq!(media_rows(&app).await, 0);
    }
);

both_backends!(
    async fn images_over_the_size_or_dimension_limits_are_refused(backend) {
        let options = Options {
            env: vec![("EDU_MEDIA_MAX_BYTES", "1024".to_owned())],
            ..Options::default()
        };
        let app = TestApp::spawn_with(backend, options).await;
        let teacher = app.token_for("teacher@demo.local", DEMO_PASSWORD).await;

        let mut big = png_header(10, 10);
        big.resize(1025, 0);
        let res = upload(&app, &teacher, big).await;
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(error_code(res).await, "payload_too_large");

        // A header-only bomb: 1.6 gigapixels in 33 bytes, refused without decoding anything.
        for (width, height) in [(40_000, 40_000), (10_001, 1), (1, 10_001), (7_000, 7_000)] {
            let res = upload(&app, &teacher, png_header(width, height)).await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{width}×{height}");
            assert_eq!(error_code(res).await, "unprocessable_content");
        }
        // A bare PNG signature, too short to be recognised at all.
        let res = upload(&app, &teacher, b"\x89PNG\r\n\x1a\n".to_vec()).await;
        assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

        // The largest accepted size and dimensions pass.
        let res = upload(&app, &teacher, png_header(10_000, 4_000)).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        assert_eq!(stored_files(&app).len(), 1);
        assert_eq!(media_rows(&app).await, 1);
    }
);

both_backends!(
    async fn students_and_anonymous_callers_cannot_upload(backend) {
        let app = TestApp::spawn(backend).await;
        let student = app.token_for("student@demo.local", DEMO_PASSWORD).await;
        let res = upload(&app, &student, png_1x1()).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let res = app
            .anonymous(Method::POST, "/api/media")
            .body(png_1x1())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert!(stored_files(&app).is_empty());
        assert_eq!(media_rows(&app).await, 0);
    }
);

both_backends!(
    async fn served_media_are_the_uploaded_bytes_cached_for_good_and_inert(backend) {
        let app = TestApp::spawn(backend).await;
        let teacher = app.token_for("teacher@demo.local", DEMO_PASSWORD).await;
        let bytes = gif(2, 2);
        let item: MediaItem = upload(&app, &teacher, bytes.clone()).await.json().await.unwrap();

        let res = app.get(&item.url).await;
        assert_eq!(res.status(), StatusCode::OK);
        let header = |name: &str| res.headers()[name].to_str().unwrap().to_owned();
        assert_eq!(header("content-type"), "image/gif");
        assert_eq!(header("cache-control"), "public, max-age=31536000, immutable");
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert!(header("content-security-policy").starts_with("default-src 'none'"));
        let etag = header("etag");
        assert_eq!(etag, format!("\"{}\"", item.hash));
        assert_eq!(res.bytes().await.unwrap().as_ref(), bytes.as_slice());

        let res = app
            .client
            .get(app.url(&item.url))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
        assert!(res.bytes().await.unwrap().is_empty());
    }
);

/// A stand-in for the built client, so a fallback to index.html would show.
fn write_client(dir: &std::path::Path) {
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>app</title>").unwrap();
}

both_backends!(
    async fn unknown_or_forged_media_names_are_json_404s(backend) {
        let app = TestApp::spawn_prepared(backend, Options::default(), write_client).await;
        let teacher = app.token_for("teacher@demo.local", DEMO_PASSWORD).await;
        let item: MediaItem = upload(&app, &teacher, png_1x1()).await.json().await.unwrap();
        // A file the server could reach by a forged path, if it built paths from names.
        std::fs::write(app.config.media.dir.join("secret"), "secret").unwrap();

        let unknown = "0".repeat(64);
        let paths = [
            "/media/..%2F..%2Fetc%2Fpasswd".to_owned(),
            "/media/..%2Fsecret".to_owned(),
            "/media/secret".to_owned(),
            format!("/media/{}", item.hash.to_uppercase()),
            format!("/media/{}", &item.hash[1..]),
            format!("/media/{}0", item.hash),
            format!("/media/{}.png", item.hash),
            format!("/media/{unknown}"),
            format!("/media/{}/x", item.hash),
            "/media/%FF".to_owned(),
            "/media/".to_owned(),
            "/media".to_owned(),
        ];
        for path in paths {
            let res = app.get(&path).await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
            let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
            assert!(content_type.starts_with("application/json"), "{path}: {content_type}");
            assert_eq!(error_code(res).await, "not_found", "{path}");
        }
        // Dot segments sent as they are (reqwest would resolve them).
        let res = app
            .raw_request(
                format!(
                    "GET /media/../../etc/passwd HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                    app.address
                ),
                Vec::new(),
            )
            .await;
        assert_eq!(res.status, 404, "{}", res.body);
        assert!(!res.body.contains("root:"), "{}", res.body);
        assert!(!res.body.contains("<title>app"), "{}", res.body);
    }
);

both_backends!(
    async fn preview_renders_highlighted_markdown_without_anything_that_runs(backend) {
        let app = TestApp::spawn(backend).await;
        let teacher = app.token_for("teacher@demo.local", DEMO_PASSWORD).await;
        let markdown = "# Borrowing\n\n<script>alert(1)</script>\n\n\
                        <img src=x onerror=alert(2)>\n\n[click](javascript:alert(3))\n\n\
                        ```rust\nfn main() {}\n```\n";
        let res = app
            .bearer(Method::POST, "/api/content/preview", &teacher)
            .json(&json!({"markdown": markdown}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let preview: MarkdownPreview = res.json().await.unwrap();
        assert_eq!(preview.markdown, markdown.trim_end());
        for bad in ["<script", "onerror", "javascript:", "alert(1)"] {
            assert!(!preview.html.contains(bad), "{bad} in {}", preview.html);
        }
        assert!(preview.html.contains("<h1>Borrowing</h1>"), "{}", preview.html);
        assert!(preview.html.contains(r#"<code class="language-rust">"#), "{}", preview.html);
        assert!(preview.html.contains("hl-rust"), "{}", preview.html);

        // A whole lesson body is more than a form's 64 KiB, and still fits.
        let long = "Ownership means one owner. ".repeat(4_000);
        let res = app
            .bearer(Method::POST, "/api/content/preview", &teacher)
            .json(&json!({"markdown": long}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        // Over the lesson body limit: the field is named.
        let too_long = "я".repeat(shared::validate::LESSON_BODY_MAX_CHARS + 1);
        let res = app
            .bearer(Method::POST, "/api/content/preview", &teacher)
            .json(&json!({"markdown": too_long}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let body: ErrorBody = res.json().await.unwrap();
        assert_eq!(body.error.field.as_deref(), Some("markdown"));

        let student = app.token_for("student@demo.local", DEMO_PASSWORD).await;
        let res = app
            .bearer(Method::POST, "/api/content/preview", &student)
            .json(&json!({"markdown": "hi"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
);
