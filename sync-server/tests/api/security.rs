//! What every response says to the browser (nosniff, referrer policy, CSP on HTML, HSTS under
//! https, no-store on private API answers), and the `__Host-` session cookie under https.

use std::path::Path;

use reqwest::Method;
use serde_json::json;
use shared::api::accounts::SignInResponse;

use crate::both_backends;
use crate::database_free;
use crate::helpers::{Options, TestApp, DEMO_PASSWORD};

const HASHED_JS: &str = "/client-1a2b3c4d5e6f7a8b.js";

/// A small stand-in for Trunk's `dist/`.
fn write_client(dir: &Path) {
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>EduPlatform</title>",
    )
    .unwrap();
    std::fs::write(dist.join(&HASHED_JS[1..]), "console.log('hi')").unwrap();
}

fn header(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

fn assert_everywhere_headers(res: &reqwest::Response, what: &str) {
    assert_eq!(
        header(res, "x-content-type-options").as_deref(),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        header(res, "referrer-policy").as_deref(),
        Some("no-referrer"),
        "{what}"
    );
}

database_free!(
    async fn html_pages_carry_a_csp_without_inline_script(backend) {
        let app = TestApp::spawn_prepared(backend, Options::default(), write_client).await;
        for path in ["/", "/courses/rust-from-zero", "/dev/mailbox"] {
            let res = app.get(path).await;
            assert_eq!(res.status(), 200, "{path}");
            assert!(header(&res, "content-type").unwrap().starts_with("text/html"));
            assert_everywhere_headers(&res, path);
            let csp = header(&res, "content-security-policy").unwrap_or_default();
            for directive in [
                "default-src 'self'",
                "script-src 'self' 'wasm-unsafe-eval';",
                "object-src 'none'",
                "base-uri 'none'",
                "frame-ancestors 'none'",
                "form-action 'self'",
            ] {
                assert!(csp.contains(directive), "{path}: {csp} lacks {directive}");
            }
            assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
            // Plain http: no HSTS.
            assert_eq!(header(&res, "strict-transport-security"), None, "{path}");
        }
        // Other files get nosniff but no page policy.
        let res = app.get(HASHED_JS).await;
        assert_eq!(res.status(), 200);
        assert_everywhere_headers(&res, HASHED_JS);
        assert_eq!(header(&res, "content-security-policy"), None);
        for path in ["/healthz", "/api/courses"] {
            let res = app.get(path).await;
            assert_everywhere_headers(&res, path);
            assert_eq!(header(&res, "content-security-policy"), None, "{path}");
        }
    }
);

both_backends!(
    async fn the_dev_mailbox_page_is_never_stored_and_has_no_script(backend) {
        let app = TestApp::spawn(backend).await;
        app.register("ada@example.com", "a fine passphrase").await;
        app.mailed_token("ada@example.com", "verify-email").await;
        let res = app.get("/dev/mailbox").await;
        assert_eq!(res.status(), 200);
        assert_eq!(header(&res, "cache-control").as_deref(), Some("no-store"));
        let page = res.text().await.unwrap();
        assert!(page.contains("/verify-email?token="), "{page}");
        assert!(!page.to_ascii_lowercase().contains("<script"), "{page}");
    }
);

both_backends!(
    async fn api_answers_are_no_store_except_the_public_catalog_and_document(backend) {
        let app = TestApp::spawn(backend).await;
        let res = app.sign_in("student@demo.local", DEMO_PASSWORD).await;
        assert_eq!(header(&res, "cache-control").as_deref(), Some("no-store"));
        let token = res.json::<SignInResponse>().await.unwrap().token;

        let private = [
            app.bearer(Method::GET, "/api/me", &token),
            app.bearer(Method::GET, "/api/me/sessions", &token),
            app.bearer(Method::GET, "/api/notifications", &token),
            app.anonymous(Method::GET, "/api/me"),
            app.anonymous(Method::GET, "/api/no-such-route"),
            app.anonymous(Method::GET, "/api/dev/mailbox?to=student@demo.local"),
            app.anonymous(Method::POST, "/api/auth/forgot-password")
                .json(&json!({"email": "student@demo.local"})),
            app.anonymous(Method::GET, "/api/courses?limit=0"),
        ];
        for req in private {
            let res = req.send().await.unwrap();
            let what = format!("{} {}", res.status(), res.url().path());
            assert_eq!(header(&res, "cache-control").as_deref(), Some("no-store"), "{what}");
            assert_everywhere_headers(&res, &what);
        }
        for path in ["/api/courses", "/api/courses?limit=2", "/api/openapi.json"] {
            let res = app.get(path).await;
            assert_eq!(res.status(), 200, "{path}");
            assert_eq!(header(&res, "cache-control").as_deref(), Some("no-cache"), "{path}");
        }
    }
);

database_free!(
    async fn hsts_is_sent_only_when_the_public_url_is_https(backend) {
        let options = Options {
            public_url: Some("https://edu.example.org".into()),
            ..Options::default()
        };
        let https = TestApp::spawn_prepared(backend, options, write_client).await;
        for path in ["/", "/api/courses", "/api/me", "/healthz"] {
            let res = https.get(path).await;
            assert_eq!(
                header(&res, "strict-transport-security").as_deref(),
                Some("max-age=31536000; includeSubDomains"),
                "{path}"
            );
        }
        let http = TestApp::spawn_prepared(backend, Options::default(), write_client).await;
        for path in ["/", "/api/courses", "/api/me", "/healthz"] {
            let res = http.get(path).await;
            assert_eq!(header(&res, "strict-transport-security"), None, "{path}");
        }
    }
);

both_backends!(
    async fn under_https_the_session_cookie_is_host_prefixed_and_the_plain_one_is_ignored(backend) {
        let options = Options {
            public_url: Some("https://edu.example.org".into()),
            ..Options::default()
        };
        let app = TestApp::spawn_with(backend, options).await;
        let res = app.sign_in("student@demo.local", DEMO_PASSWORD).await;
        assert_eq!(res.status(), 200);
        let cookie = header(&res, "set-cookie").unwrap();
        let token = res.json::<SignInResponse>().await.unwrap().token;
        assert!(
            cookie.starts_with(&format!("__Host-edu_session={token};")),
            "{cookie}"
        );
        for part in ["; Secure", "; Path=/;", "; HttpOnly", "; SameSite=Lax"] {
            assert!(cookie.contains(part), "{cookie} has {part}");
        }
        assert!(!cookie.to_ascii_lowercase().contains("domain="), "{cookie}");

        // The prefixed cookie authenticates, reads and (from our pages) writes.
        let res = app
            .anonymous(Method::GET, "/api/me")
            .header("cookie", format!("__Host-edu_session={token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let res = app
            .with_cookie(Method::PATCH, "/api/me", &token)
            .json(&json!({"display_name": "Via Host Cookie"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        // It is the cookie CSRF checks guard: without an Origin the write is refused.
        let res = app
            .anonymous(Method::PATCH, "/api/me")
            .header("cookie", format!("__Host-edu_session={token}"))
            .json(&json!({"display_name": "No Origin"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);

        // A plain `edu_session` (a sibling subdomain could have set it) is not a credential.
        let res = app
            .anonymous(Method::GET, "/api/me")
            .header("cookie", format!("edu_session={token}"))
            .header("origin", app.url(""))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);

        // Sign-out clears the prefixed cookie.
        let res = app
            .with_cookie(Method::POST, "/api/auth/sign-out", &token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        let cleared = header(&res, "set-cookie").unwrap();
        assert!(cleared.starts_with("__Host-edu_session=;"), "{cleared}");
        assert!(cleared.contains("Max-Age=0") && cleared.contains("; Secure"), "{cleared}");
        assert_eq!(app.me(&token).await.status(), 401);
    }
);
