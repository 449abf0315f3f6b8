//! `POST /api/sync/{doc_id}`: one Automerge sync message in, the server's next message out
//! (README "Sync" has the whole wire contract).
//!
//! Owns the wire side only: the doc id, the device id and the body in; 200 with bytes or 204 out.
//! Who may sync what, storage and the schema are `crate::sync`'s.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use shared::api::ErrorBody;
use shared::domain::DocId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{CurrentUser, Path};
use super::responses::{SignedIn, StateChanging};
use super::AppState;
use crate::error::{Error, Result};
use crate::sync::{self, Caller, DeviceId};

/// The header naming the syncing device.
pub const DEVICE_ID_HEADER: &str = "x-device-id";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sync_doc))
        // An id with a `/` in it, or none, is a bad document id like any other (400), not an
        // unknown route.
        .route("/api/sync/", any(not_a_doc_id))
        .route("/api/sync/{doc_id}/{*rest}", any(not_a_doc_id))
}

fn doc_id_error() -> Error {
    Error::BadRequest(
        "not a document id: expected profile-{user_id} or progress-{user_id}-{course_id}".into(),
    )
}

async fn not_a_doc_id() -> Error {
    doc_id_error()
}

/// Syncs one of the caller's learner documents: the body is one message of the standard
/// Automerge sync protocol; the answer is the server's next message, or 204 when the server has
/// nothing more to send. A client sends, reads the answer and sends again until the server
/// answers 204 and its own document has no message to generate. The caller's first valid message
/// to one of their own document ids creates the document. The answer comes only after what the
/// message carried is committed.
#[utoipa::path(
    post,
    path = "/api/sync/{doc_id}",
    tag = "sync",
    params(
        ("doc_id" = String, Path, description = "`profile-{user_id}` or \
            `progress-{user_id}-{course_id}` (lowercase UUIDs); the user must be the caller"),
        ("X-Device-Id" = String, Header, description = "The syncing device's own id, 1 to 64 of \
            A-Z, a-z, 0-9, _ and -; the server keeps a sync state per document and device")
    ),
    request_body(
        content = Vec<u8>,
        content_type = "application/octet-stream",
        description = "One Automerge sync message (at most 4 MiB)"
    ),
    responses(
        (status = 200, description = "The server's next sync message", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 204, description = "In sync: the server has nothing to send"),
        (status = 400, description = "Not a document id of either shape, no or a bad \
            `X-Device-Id` (`bad_request`); an empty body or one that is not an Automerge sync \
            message (`invalid_sync_message`); a message whose changes break the document schema \
            (`schema_violation`). The stored document is untouched.", body = ErrorBody),
        SignedIn,
        StateChanging,
        (status = 404, description = "A document that is not the caller's, or a progress \
            document of a course that does not exist or that the caller may not read (`not_found`)",
            body = ErrorBody),
        (status = 413, description = "A message over 4 MiB (`payload_too_large`), or one that \
            would grow the document past 8 MiB (`document_too_large`); nothing was stored",
            body = ErrorBody),
        (status = 415, description = "A `Content-Type` other than `application/octet-stream` \
            (none is accepted too) (`unsupported_media_type`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all, fields(doc_id))]
async fn sync_doc(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(doc_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let doc_id = DocId::parse(&doc_id).map_err(|_| doc_id_error())?;
    tracing::Span::current().record("doc_id", doc_id.as_str());
    if let Some(content_type) = headers.get(CONTENT_TYPE) {
        if content_type.as_bytes() != b"application/octet-stream" {
            return Err(Error::UnsupportedMediaType(
                "a sync message is sent as application/octet-stream".into(),
            ));
        }
    }
    let device = headers
        .get(DEVICE_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| Error::BadRequest("the X-Device-Id header is required".into()))
        .and_then(DeviceId::parse)?;
    let caller = Caller {
        id: user.id(),
        role: user.role(),
    };
    let reply = sync::sync(&state.db, &state.sync_docs, caller, &doc_id, &device, &body).await?;
    Ok(match reply {
        Some(message) => (
            [(
                CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            )],
            message,
        )
            .into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}
