//! Media: `POST /api/media` (teachers and admins upload an image as the raw request body) and
//! `GET /media/{hash}` (anyone reads it back, cached for a year: the name is the hash of the
//! bytes, so they never change).
//!
//! Owns the wire side: the served bytes go out with their recorded type, `nosniff` and a CSP that
//! allows nothing, so even a file that fooled a browser could not run. What is accepted is
//! `crate::content::media`'s; no path under `/media` ever falls through to the client's index.html.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use shared::api::authoring::MediaItem;
use shared::api::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Path, RequireTeacherOrAdmin};
use super::responses::{SignedIn, StateChanging};
use super::AppState;
use crate::content::media::{self, MediaHash};
use crate::error::{Error, Result};

/// What a served file may do in a browser: nothing (no scripts, no styles, no subresources).
const MEDIA_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; sandbox";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload))
        .routes(routes!(serve))
        // Everything else under /media is a JSON 404, never the client's app shell.
        .route("/media", any(not_found))
        .route("/media/", any(not_found))
        .route("/media/{hash}/", any(not_found))
        .route("/media/{hash}/{*rest}", any(not_found))
}

/// Uploads an image (teachers and admins). The body is the file's bytes as they are; the type is
/// read from them (PNG, JPEG, WebP or GIF), never from a name or `Content-Type`. The same bytes
/// uploaded twice are stored once.
#[utoipa::path(
    post,
    path = "/api/media",
    tag = "media",
    request_body(
        content = Vec<u8>,
        content_type = "application/octet-stream",
        description = "The image file's bytes, at most EDU_MEDIA_MAX_BYTES (5 MiB by default)"
    ),
    responses(
        (status = 201, description = "Stored", body = MediaItem),
        (status = 200, description = "These bytes were stored before: the same item", body = MediaItem),
        (status = 400, description = "The body could not be read (`bad_request`)", body = ErrorBody),
        SignedIn,
        StateChanging,
        (status = 403, description = "Not a teacher or an admin (`forbidden`), or refused as \
            cross-site (`csrf`)", body = ErrorBody),
        (status = 413, description = "Larger than EDU_MEDIA_MAX_BYTES (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "Not a PNG, JPEG, WebP or GIF image by its bytes \
            (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "An image whose dimensions cannot be read, or over 10,000 \
            pixels a side or 40 megapixels (`unprocessable_content`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn upload(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    req: Request,
) -> Result<(StatusCode, axum::Json<MediaItem>)> {
    let limit = state.config.media.max_bytes;
    // The group's body limit has buffered the body already; this only takes it.
    let bytes = axum::body::to_bytes(req.into_body(), limit)
        .await
        .map_err(|_| Error::PayloadTooLarge { limit })?;
    let stored = media::store_image(
        &state.db,
        state.media.as_ref(),
        &bytes,
        limit,
        Some(author.id()),
    )
    .await?;
    let status = if stored.is_new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(stored.item)))
}

/// An uploaded image's bytes, with the type recorded at upload, cached for a year (`immutable`)
/// and answered `304` to a matching `If-None-Match`.
#[utoipa::path(
    get,
    path = "/media/{hash}",
    tag = "media",
    params(("hash" = String, Path, description = "SHA-256 of the bytes, 64 lowercase hex digits")),
    responses(
        (status = 200, description = "The image", content_type = "image/*", body = Vec<u8>,
            headers(
                ("Cache-Control" = String, description = "public, max-age=31536000, immutable"),
                ("ETag" = String, description = "The hash, quoted")
            )),
        (status = 304, description = "The copy named in `If-None-Match` is current"),
        (status = 404, description = "No such media, or a name that is not a hash (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn serve(
    State(state): State<AppState>,
    hash: std::result::Result<Path<String>, Error>,
    headers: HeaderMap,
) -> Result<Response> {
    // A name that does not decode (`%FF`) is as unknown as one that is not a hash.
    let hash = hash
        .ok()
        .and_then(|Path(text)| MediaHash::parse(&text))
        .ok_or_else(|| Error::NotFound("no such media".into()))?;
    let etag = format!("\"{hash}\"");
    let mut response_headers = HeaderMap::new();
    response_headers.insert(CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    response_headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response_headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(MEDIA_CONTENT_SECURITY_POLICY),
    );
    let etag_value =
        HeaderValue::from_str(&etag).map_err(|e| Error::Internal(format!("etag: {e}")))?;
    response_headers.insert(ETAG, etag_value);

    let item = media::find(&state.db, &hash)
        .await?
        .ok_or_else(|| Error::NotFound("no such media".into()))?;
    if matches_etag(&headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, response_headers).into_response());
    }
    let bytes = media::read_bytes(state.media.as_ref(), &hash).await?;
    let content_type = HeaderValue::from_str(&item.content_type)
        .map_err(|e| Error::Internal(format!("recorded content type: {e}")))?;
    response_headers.insert(CONTENT_TYPE, content_type);
    Ok((response_headers, Body::from(bytes)).into_response())
}

/// Whether `If-None-Match` names `etag` (or `*`); weak validators compare equal too.
fn matches_etag(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim())
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

async fn not_found() -> Error {
    Error::NotFound("no such media".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_lists_are_read() {
        let etag = "\"abc\"";
        for (value, expected) in [
            ("\"abc\"", true),
            ("W/\"abc\"", true),
            ("\"x\", \"abc\"", true),
            ("*", true),
            ("\"abd\"", false),
            ("abc", false),
        ] {
            let mut headers = HeaderMap::new();
            headers.insert(IF_NONE_MATCH, HeaderValue::from_static(value));
            assert_eq!(matches_etag(&headers, etag), expected, "{value}");
        }
        assert!(!matches_etag(&HeaderMap::new(), etag));
    }
}
