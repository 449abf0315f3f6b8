//! `POST /api/content/preview`: the authoring editor's live preview, Markdown in and the sanitised,
//! highlighted HTML a learner would get out, saving nothing.
//!
//! Owns the wire side only; rendering is `crate::content::markdown`'s, the rule on a lesson body
//! `shared::validate::lesson_body`'s.

use axum::extract::State;
use shared::api::authoring::MarkdownPreview;
use shared::api::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Json, RequireTeacherOrAdmin};
use super::responses::{JsonBody, SignedIn, StateChanging};
use super::AppState;
use crate::content::markdown;
use crate::error::{Error, Result};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(preview))
}

/// Renders lesson Markdown as a learner would see it (teachers and admins). `html` in the request
/// is ignored.
#[utoipa::path(
    post,
    path = "/api/content/preview",
    tag = "authoring",
    request_body = MarkdownPreview,
    responses(
        (status = 200, description = "The Markdown as checked, and its HTML", body = MarkdownPreview),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 403, description = "Not a teacher or an admin (`forbidden`), or refused as \
            cross-site (`csrf`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn preview(
    State(_state): State<AppState>,
    _author: RequireTeacherOrAdmin,
    Json(req): Json<MarkdownPreview>,
) -> Result<axum::Json<MarkdownPreview>> {
    let markdown =
        shared::validate::lesson_body(&req.markdown).map_err(|reason| Error::Validation {
            field: "markdown",
            reason,
        })?;
    // Highlighting a long lesson takes milliseconds of CPU: off the async workers.
    let (markdown, html) = tokio::task::spawn_blocking(move || {
        let html = markdown::render(&markdown);
        (markdown, html)
    })
    .await
    .map_err(|e| Error::Internal(format!("rendering the preview failed: {e}")))?;
    Ok(axum::Json(MarkdownPreview { markdown, html }))
}
