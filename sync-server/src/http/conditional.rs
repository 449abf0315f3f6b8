//! Public, revalidatable answers: a cached catalog body leaves with its `ETag` and
//! `Cache-Control: no-cache`, and a request whose `If-None-Match` names that tag gets 304 with no
//! body.
//!
//! Owns only the conditional-GET handshake; what is cached, and when it is stale, is
//! `crate::catalog::cache`'s. Never used for per-user answers.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::catalog::cache::CachedBody;
use crate::error::{Error, Result};

/// Serializes a public answer for the catalog cache.
pub fn serialize(value: &impl serde::Serialize) -> Result<CachedBody> {
    let bytes = serde_json::to_vec(value).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(CachedBody::new(bytes.into()))
}

/// 304 if `request` already holds `cached` (by `If-None-Match`), else 200 with the body.
pub fn public_json(request: &HeaderMap, cached: CachedBody) -> Response {
    let etag = HeaderValue::from_str(&cached.etag).ok();
    let headers = [
        (CACHE_CONTROL, Some(HeaderValue::from_static("no-cache"))),
        (ETAG, etag),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.map(|v| (name, v)));
    let mut response = if holds(request, &cached.etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            cached.body,
        )
            .into_response()
    };
    response.headers_mut().extend(headers);
    response
}

/// Whether `If-None-Match` names `etag` (or is `*`); weak tags match too, as RFC 9110 asks of
/// `If-None-Match`.
fn holds(request: &HeaderMap, etag: &str) -> bool {
    request
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_lists_weak_and_strong_tags() {
        let tag = "\"abc\"";
        for (header, expected) in [
            ("\"abc\"", true),
            ("W/\"abc\"", true),
            ("\"x\", \"abc\"", true),
            ("*", true),
            ("\"abcd\"", false),
            ("abc", false),
        ] {
            let mut headers = HeaderMap::new();
            headers.insert(IF_NONE_MATCH, HeaderValue::from_static(header));
            assert_eq!(holds(&headers, tag), expected, "{header}");
        }
        assert!(!holds(&HeaderMap::new(), tag));
    }
}
