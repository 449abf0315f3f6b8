//! CSRF defence: a state-changing request that carries the session cookie must come from this
//! server's own pages, so its `Origin` (or, failing that, `Referer`) must be our origin.
//!
//! Owns that one check, run before any handler. Bearer-token requests are exempt (a browser cannot
//! add that header cross-site without a CORS preflight we never grant). A request with a foreign
//! Origin is refused even without a cookie, which also stops login CSRF. Never reads bodies.

use axum::extract::{Request, State};
use axum::http::header::{HOST, ORIGIN, REFERER};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;

use super::extract::{cookie, credential, session_cookie_name, Credential};
use super::AppState;
use crate::error::Error;

pub async fn guard(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, Error> {
    let cookie_name = session_cookie_name(state.config.http.secure_cookies());
    if is_safe(req.method())
        || matches!(
            credential(req.headers(), cookie_name),
            Ok(Some(Credential::Bearer(_)))
        )
    {
        return Ok(next.run(req).await);
    }
    let host = req
        .headers()
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()));
    match source_origin(req.headers()) {
        Some(origin) if !is_own_origin(&origin, state.config.http.public_url.origin(), host) => {
            tracing::warn!(%origin, "refused a cross-site request");
            Err(Error::Csrf)
        }
        None if cookie(req.headers(), cookie_name).is_some() => {
            tracing::warn!("refused a cookie request with neither Origin nor Referer");
            Err(Error::Csrf)
        }
        _ => Ok(next.run(req).await),
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The origin a request says it came from: `Origin`, else the origin of `Referer`.
fn source_origin(headers: &HeaderMap) -> Option<String> {
    if let Some(origin) = headers.get(ORIGIN) {
        return Some(origin.to_str().unwrap_or("null").trim().to_owned());
    }
    let referer = headers.get(REFERER)?.to_str().ok()?;
    Some(
        url::Url::parse(referer)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|_| "null".into()),
    )
}

/// Whether `origin` is ours: `EDU_PUBLIC_URL`'s origin, or the host this request was sent to
/// (a page served from that host; the scheme may differ behind a TLS-terminating proxy).
fn is_own_origin(origin: &str, public_origin: &str, host: Option<&str>) -> bool {
    if origin.eq_ignore_ascii_case(public_origin) {
        return true;
    }
    let authority = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    matches!((authority, host), (Some(a), Some(h)) if !a.is_empty() && a.eq_ignore_ascii_case(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_origin_table() {
        let public = "https://edu.example.com";
        let cases = [
            ("https://edu.example.com", None, true),
            ("HTTPS://EDU.EXAMPLE.COM", None, true),
            ("http://127.0.0.1:8080", Some("127.0.0.1:8080"), true),
            ("https://127.0.0.1:8080", Some("127.0.0.1:8080"), true),
            ("https://evil.example", Some("edu.example.com"), false),
            (
                "https://edu.example.com.evil.example",
                Some("edu.example.com"),
                false,
            ),
            ("http://127.0.0.1:9999", Some("127.0.0.1:8080"), false),
            ("null", Some("edu.example.com"), false),
            ("https://", Some(""), false),
            ("", None, false),
        ];
        for (origin, host, expected) in cases {
            assert_eq!(
                is_own_origin(origin, public, host),
                expected,
                "{origin} {host:?}"
            );
        }
    }

    #[test]
    fn referer_counts_when_there_is_no_origin() {
        let mut headers = HeaderMap::new();
        headers.insert(
            REFERER,
            "https://edu.example.com/account?tab=1".parse().unwrap(),
        );
        assert_eq!(
            source_origin(&headers).as_deref(),
            Some("https://edu.example.com")
        );
        headers.insert(ORIGIN, "https://evil.example".parse().unwrap());
        assert_eq!(
            source_origin(&headers).as_deref(),
            Some("https://evil.example")
        );
        assert_eq!(source_origin(&HeaderMap::new()), None);
    }
}
