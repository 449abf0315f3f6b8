//! `POST /api/courses/import`: a teacher (or an admin) uploads a book as a `.zip` and gets a draft
//! course, or with `?dry_run=true` only the preview of what would be created.
//!
//! Owns the wire side: the raw body (its own, larger, body limit: see `http::router`), its content
//! type and the query. Reading the archive safely and creating the course are
//! `crate::catalog::import`'s.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use shared::api::authoring::ImportReport;
use shared::api::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Query, RequireTeacherOrAdmin};
use super::responses::{SignedIn, StateChanging};
use super::AppState;
use crate::catalog::import::{self, BookFiles, ImportOptions};
use crate::error::{Error, Result};

/// The import routes: a group of their own, because their bodies are archives, not JSON.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(import_course))
}

/// The content types a `.zip` upload may carry (browsers differ).
const ZIP_TYPES: &[&str] = &[
    "application/zip",
    "application/x-zip-compressed",
    "application/octet-stream",
];

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    /// `true`: check the book and answer with the preview; nothing is stored.
    #[serde(default)]
    dry_run: bool,
}

/// Imports a course from a zipped book (mdBook layout) as a draft owned by the caller.
#[utoipa::path(
    post,
    path = "/api/courses/import",
    tag = "authoring",
    params(ImportQuery),
    request_body(
        content(
            (Vec<u8> = "application/zip"),
            (Vec<u8> = "application/octet-stream")
        ),
        description = "The book's folder as a `.zip`: `book.toml`, `src/SUMMARY.md` or \
            `chNN-` files, lessons in Markdown, images they refer to. At most 20 MiB uploaded, \
            2,000 entries and 50 MiB unpacked."
    ),
    responses(
        (status = 200, description = "`dry_run=true`: what would be created (`course_id` null)", body = ImportReport),
        (status = 201, description = "The draft course was created; the report names it", body = ImportReport),
        (status = 400, description = "A malformed query (`bad_request`)", body = ErrorBody),
        SignedIn,
        StateChanging,
        (status = 403, description = "Not a teacher or an admin (`forbidden`), or refused as \
            cross-site (`csrf`)", body = ErrorBody),
        (status = 413, description = "The upload is over 20 MiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "Not sent as `application/zip` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "Not a usable book (`unprocessable_content`): not a zip, an entry \
            with `..`, an absolute path, a backslash, a symbolic link or a name that is not \
            UTF-8, too many entries or too large unpacked, bad `book.toml`, no lesson. The \
            message names the file; nothing is stored.", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all, fields(dry_run = query.dry_run))]
async fn import_course(
    State(state): State<AppState>,
    teacher: RequireTeacherOrAdmin,
    Query(query): Query<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, axum::Json<ImportReport>)> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if !content_type.is_some_and(|t| ZIP_TYPES.contains(&t.as_str())) {
        return Err(Error::UnsupportedMediaType(
            "send the book as a .zip with Content-Type: application/zip".into(),
        ));
    }
    // Unpacking is CPU work on up to 50 MiB: off the async threads.
    let book = tokio::task::spawn_blocking(move || BookFiles::from_zip(&body))
        .await
        .map_err(|e| Error::Internal(format!("unpacking the import failed: {e}")))??;
    let options = ImportOptions {
        publish: false,
        dry_run: query.dry_run,
    };
    let user = teacher.into_inner();
    let report = import::import_course(
        &state.db,
        user.id(),
        &book,
        options,
        import::ImageStore {
            store: state.media.as_ref(),
            max_bytes: state.config.media.max_bytes,
        },
    )
    .await?;
    let status = if report.course_id.is_some() {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(report)))
}
