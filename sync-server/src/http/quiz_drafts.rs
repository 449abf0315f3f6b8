//! AI quiz drafts over HTTP: `POST /api/courses/{course}/lessons/{lesson}/quiz-drafts` queues a
//! batch (202), `GET .../quiz-drafts/{draft}` polls it, `DELETE` cancels it.
//!
//! Owns the wire side and who may call: the course's teacher or an admin (a student is 403). The
//! work is `crate::ai::drafts`'.

use axum::extract::State;
use axum::http::StatusCode;
use shared::api::quiz_drafts::{DraftBatch, NewQuizDraft, QuizDraftCreated};
use shared::api::ErrorBody;
use shared::domain::QuizDraftId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::authoring::owned_lesson;
use super::extract::{path_id, Json, Path, RequireTeacherOrAdmin};
use super::responses::{JsonBody, Limited, SignedIn, StateChanging};
use super::AppState;
use crate::ai::drafts;
use crate::error::Result;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_draft))
        .routes(routes!(get_draft, cancel_draft))
}

const NO_DRAFT: &str = "no such quiz draft for this lesson";

/// Asks for `count` (1 to 20) questions of the `kinds` given about the lesson. The batch is made in
/// the background by the configured language model (cheap tier), or by the built-in offline
/// provider when none is configured (`made_without_llm`); poll it with `GET`.
#[utoipa::path(
    post,
    path = "/api/courses/{course}/lessons/{lesson}/quiz-drafts",
    tag = "ai",
    params(
        ("course" = String, Path, format = Uuid, description = "Course id"),
        ("lesson" = String, Path, format = Uuid, description = "Lesson id (of this course)")
    ),
    request_body = NewQuizDraft,
    responses(
        (status = 202, body = QuizDraftCreated),
        JsonBody,
        SignedIn,
        StateChanging,
        Limited,
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such course, or no such lesson in it (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn create_draft(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path((course, lesson)): Path<(String, String)>,
    Json(new): Json<NewQuizDraft>,
) -> Result<(StatusCode, axum::Json<QuizDraftCreated>)> {
    let (course, lesson) = owned_lesson(&state, &author, &course, &lesson).await?;
    let id = drafts::create(&state.ai, &course, &lesson, author.id(), &new).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(QuizDraftCreated { id })))
}

/// A draft batch: its status and progress, and once `done` its questions.
#[utoipa::path(
    get,
    path = "/api/courses/{course}/lessons/{lesson}/quiz-drafts/{draft}",
    tag = "ai",
    params(
        ("course" = String, Path, format = Uuid, description = "Course id"),
        ("lesson" = String, Path, format = Uuid, description = "Lesson id (of this course)"),
        ("draft" = String, Path, format = Uuid, description = "Draft batch id (of this lesson)")
    ),
    responses(
        (status = 200, body = DraftBatch),
        SignedIn,
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such course, lesson or draft (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn get_draft(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path((course, lesson, draft)): Path<(String, String, String)>,
) -> Result<axum::Json<DraftBatch>> {
    let (course, lesson) = owned_lesson(&state, &author, &course, &lesson).await?;
    let draft: QuizDraftId = path_id(&draft, NO_DRAFT)?;
    Ok(axum::Json(
        drafts::get(&state.db, &course, &lesson, &draft).await?,
    ))
}

/// Cancels a queued or running batch: it ends `cancelled`, without questions. Cancelling a
/// cancelled batch answers it again; a `done` or `failed` one is 409.
#[utoipa::path(
    delete,
    path = "/api/courses/{course}/lessons/{lesson}/quiz-drafts/{draft}",
    tag = "ai",
    params(
        ("course" = String, Path, format = Uuid, description = "Course id"),
        ("lesson" = String, Path, format = Uuid, description = "Lesson id (of this course)"),
        ("draft" = String, Path, format = Uuid, description = "Draft batch id (of this lesson)")
    ),
    responses(
        (status = 200, body = DraftBatch),
        SignedIn,
        StateChanging,
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such course, lesson or draft (`not_found`)", body = ErrorBody),
        (status = 409, description = "The batch already finished (`conflict`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn cancel_draft(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path((course, lesson, draft)): Path<(String, String, String)>,
) -> Result<axum::Json<DraftBatch>> {
    let (course, lesson) = owned_lesson(&state, &author, &course, &lesson).await?;
    let draft: QuizDraftId = path_id(&draft, NO_DRAFT)?;
    Ok(axum::Json(
        drafts::cancel(&state.db, &course, &lesson, &draft).await?,
    ))
}
