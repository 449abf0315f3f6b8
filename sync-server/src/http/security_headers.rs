//! The security headers every response leaves with: `nosniff` and `no-referrer` everywhere, a
//! Content-Security-Policy on HTML, HSTS when the public address is https, and `no-store` on every
//! `/api` answer that did not choose its own caching.
//!
//! Owns these headers in one place, applied once as the outer layer; handlers only set
//! `Cache-Control` when they know better (the public catalog). Never loosens a handler's choice.

use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The policy of every HTML page. Scripts only from this origin (no inline script: the Trunk loader
/// is `boot.js`), WebAssembly compiled from them; inline styles are allowed because `index.html`
/// has its loading indicator's `<style>` and Yew sets `style` attributes. Images from this origin
/// cover the uploaded media lessons show (`/media/{hash}`); `blob:` the same images read offline
/// from the copy of a downloaded course (object URLs the app makes from the kept bytes).
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; \
     script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; \
     object-src 'none'; \
     base-uri 'none'; \
     frame-ancestors 'none'; \
     form-action 'self'";

/// HSTS for a year, subdomains included; only sent when `EDU_PUBLIC_URL` is https.
pub const STRICT_TRANSPORT_SECURITY_VALUE: &str = "max-age=31536000; includeSubDomains";

/// What the layer needs to know: whether the site is served over https.
#[derive(Debug, Clone, Copy)]
pub struct SecurityHeaders {
    pub https: bool,
}

/// The middleware: runs the request, then adds the headers to whatever answered.
pub async fn apply(State(policy): State<SecurityHeaders>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let is_api = path == "/api" || path.starts_with("/api/");
    let mut res = next.run(req).await;
    policy.add_to(res.headers_mut(), is_api);
    res
}

impl SecurityHeaders {
    /// Adds the headers to a response's `headers`; `is_api` says it answers a `/api` path.
    pub fn add_to(self, headers: &mut HeaderMap, is_api: bool) {
        headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        let is_html = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().starts_with("text/html"));
        if is_html {
            headers.insert(
                CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
            );
        }
        if self.https {
            headers.insert(
                STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static(STRICT_TRANSPORT_SECURITY_VALUE),
            );
        }
        // Most API answers are someone's own data; the few public ones say `no-cache` themselves.
        if is_api && !headers.contains_key(CACHE_CONTROL) {
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers_for(content_type: Option<&'static str>, https: bool, is_api: bool) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(content_type) = content_type {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
        SecurityHeaders { https }.add_to(&mut headers, is_api);
        headers
    }

    #[test]
    fn csp_only_on_html_hsts_only_under_https() {
        let html = headers_for(Some("text/html; charset=utf-8"), false, false);
        assert_eq!(html[X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(html[REFERRER_POLICY], "no-referrer");
        assert!(html[CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("script-src 'self' 'wasm-unsafe-eval';"));
        // Lesson pages show uploaded images from /media/ on this origin.
        assert!(html[CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("img-src 'self'"));
        assert!(!html.contains_key(STRICT_TRANSPORT_SECURITY));
        assert!(!html.contains_key(CACHE_CONTROL));

        let json = headers_for(Some("application/json"), true, true);
        assert!(!json.contains_key(CONTENT_SECURITY_POLICY));
        assert_eq!(
            json[STRICT_TRANSPORT_SECURITY],
            "max-age=31536000; includeSubDomains"
        );
        assert_eq!(json[CACHE_CONTROL], "no-store");
    }

    #[test]
    fn an_api_answer_keeps_its_own_cache_control() {
        let mut headers = HeaderMap::new();
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        SecurityHeaders { https: false }.add_to(&mut headers, true);
        assert_eq!(headers[CACHE_CONTROL], "no-cache");
    }
}
