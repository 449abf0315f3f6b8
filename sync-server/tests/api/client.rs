//! The built client: content types, cache headers and the SPA fallback.

use std::path::Path;

use crate::database_free;
use crate::helpers::{Options, TestApp};

const INDEX: &str = "<!doctype html><title>EduPlatform</title>";
const HASHED_JS: &str = "/client-1a2b3c4d5e6f7a8b.js";
const HASHED_WASM: &str = "/client-1a2b3c4d5e6f7a8b_bg.wasm";

/// A small stand-in for Trunk's `dist/`.
fn write_client(dir: &Path) {
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), INDEX).unwrap();
    std::fs::write(dist.join(&HASHED_JS[1..]), "console.log('hi')").unwrap();
    std::fs::write(dist.join(&HASHED_WASM[1..]), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(dist.join("style-0123456789abcdef.css"), "body{}").unwrap();
    std::fs::write(
        dist.join("sw.js"),
        "self.addEventListener('fetch', () => {})",
    )
    .unwrap();
    std::fs::write(dist.join("manifest.webmanifest"), "{}").unwrap();
}

async fn with_client(backend: crate::helpers::Backend) -> TestApp {
    TestApp::spawn_prepared(backend, Options::default(), write_client).await
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

database_free!(
    async fn client_routes_get_index_html_without_caching(backend) {
        let app = with_client(backend).await;
        for path in ["/", "/index.html", "/courses/rust-from-zero", "/settings"] {
            let res = app.get(path).await;
            assert_eq!(res.status(), 200, "{path}");
            assert_eq!(header(&res, "cache-control"), "no-cache", "{path}");
            assert!(header(&res, "content-type").starts_with("text/html"), "{path}");
            assert_eq!(res.text().await.unwrap(), INDEX, "{path}");
        }
    }
);

database_free!(
    async fn hashed_assets_are_immutable_with_their_content_types(backend) {
        let app = with_client(backend).await;
        let cases = [
            (HASHED_JS, "text/javascript"),
            (HASHED_WASM, "application/wasm"),
            ("/style-0123456789abcdef.css", "text/css"),
        ];
        for (path, content_type) in cases {
            let res = app.get(path).await;
            assert_eq!(res.status(), 200, "{path}");
            assert_eq!(
                header(&res, "cache-control"),
                "public, max-age=31536000, immutable",
                "{path}"
            );
            assert!(header(&res, "content-type").starts_with(content_type), "{path}");
        }
    }
);

database_free!(
    async fn unhashed_files_revalidate(backend) {
        let app = with_client(backend).await;
        let cases = [
            ("/sw.js", "text/javascript"),
            ("/manifest.webmanifest", "application/manifest+json"),
        ];
        for (path, content_type) in cases {
            let res = app.get(path).await;
            assert_eq!(res.status(), 200, "{path}");
            assert_eq!(header(&res, "cache-control"), "no-cache", "{path}");
            assert!(header(&res, "content-type").starts_with(content_type), "{path}");
        }
    }
);

database_free!(
    async fn missing_files_with_an_extension_stay_404(backend) {
        let app = with_client(backend).await;
        // An asset of an older build must not come back as HTML.
        let res = app.get("/client-ffffffffffffffff_bg.wasm").await;
        assert_eq!(res.status(), 404);
        assert_eq!(header(&res, "cache-control"), "no-cache");
    }
);

database_free!(
    async fn the_app_shell_is_served_precompressed_with_an_etag(backend) {
        let app = TestApp::spawn_prepared(backend, Options::default(), |dir| {
            write_client(dir);
            let big = format!("{INDEX}{}", "<p>EduPlatform</p>\n".repeat(200));
            std::fs::write(dir.join("dist").join("index.html"), big).unwrap();
        })
        .await;
        let client = reqwest::Client::new();
        let url = format!("http://{}/courses/rust-from-zero", app.address);
        let plain = client.get(&url).send().await.unwrap();
        let etag = header(&plain, "etag");
        assert!(etag.starts_with('"'), "{etag}");
        assert_eq!(header(&plain, "content-encoding"), "");
        let plain_len = plain.bytes().await.unwrap().len();
        for (accept, encoding) in [("gzip", "gzip"), ("gzip, br", "br"), ("br;q=0, gzip", "gzip")] {
            let res = client
                .get(&url)
                .header("accept-encoding", accept)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200, "{accept}");
            assert_eq!(header(&res, "content-encoding"), encoding, "{accept}");
            assert_eq!(header(&res, "vary"), "accept-encoding", "{accept}");
            assert_eq!(header(&res, "etag"), etag, "{accept}");
            assert!(res.bytes().await.unwrap().len() < plain_len / 4, "{accept}");
        }
        let res = client
            .get(&url)
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 304);
        assert!(res.bytes().await.unwrap().is_empty());
        let res = client.head(&url).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.bytes().await.unwrap().is_empty());
        let res = client.post(&url).send().await.unwrap();
        assert_eq!(res.status(), 405);
    }
);

database_free!(
    async fn without_a_client_build_pages_explain_how_to_build_it(backend) {
        let app = TestApp::spawn(backend).await;
        let res = app.get("/courses").await;
        assert_eq!(res.status(), 503);
        assert!(res.text().await.unwrap().contains("cargo xtask dev"));
        // The API does not need the client.
        assert_eq!(app.get("/api/courses").await.status(), 200);
    }
);
