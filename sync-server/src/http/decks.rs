//! A course's flashcard deck over HTTP, `/api/courses/{course}/deck`: `GET` for enrolled learners,
//! the course's teacher and admins; `PUT` (the whole deck) for the teacher and admins only,
//! checked before anything is read or written. Rules and SQL are `crate::catalog::decks`'s.

use axum::extract::State;
use shared::api::decks::{CourseDeck, DeckInput};
use shared::api::ErrorBody;
use shared::domain::CourseId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{
    path_id, require_course_owner, CurrentUser, Json, Path, RequireTeacherOrAdmin,
};
use super::responses::{JsonBody, SignedIn, StateChanging};
use super::AppState;
use crate::catalog::course_page::Viewer;
use crate::catalog::{authoring, decks};
use crate::error::Result;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(course_deck, replace_deck))
}

/// The course's deck, in order. Each learner's device copies every card into their progress
/// document once (by the card's id) and schedules it with their own reviews.
#[utoipa::path(
    get,
    path = "/api/courses/{course}/deck",
    tag = "courses",
    params(("course" = String, Path, description = "Course id or slug")),
    responses(
        (status = 200, body = CourseDeck),
        SignedIn,
        (status = 403, description = "Not enrolled in the course, nor its teacher or an admin \
            (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such course, or one the caller may not see \
            (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn course_deck(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(course): Path<String>,
) -> Result<axum::Json<CourseDeck>> {
    let viewer = Viewer::User {
        id: user.id(),
        role: user.role(),
    };
    Ok(axum::Json(
        decks::deck_for(&state.db, &course, viewer).await?,
    ))
}

/// Replaces the course's deck with the cards given, in order (at most 500; each side 1 to 10,000
/// characters). A card that names the id of one already in this deck keeps it.
#[utoipa::path(
    put,
    path = "/api/courses/{course}/deck",
    tag = "authoring",
    params(("course" = String, Path, format = Uuid, description = "Course id")),
    request_body = DeckInput,
    responses(
        (status = 200, body = CourseDeck),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 400, description = "A side empty or too long, or more than 500 cards \
            (`validation_failed`, naming `front`, `back` or `cards`), or the body is not of the \
            documented shape (`bad_request`); nothing changed", body = ErrorBody),
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`), or \
            refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such course (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn replace_deck(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path(course): Path<String>,
    Json(input): Json<DeckInput>,
) -> Result<axum::Json<CourseDeck>> {
    let course: CourseId = path_id(&course, "no such course")?;
    let teacher = authoring::course_teacher(&state.db, &course).await?;
    require_course_owner(&author, teacher.as_ref().map(|t| t.as_str()))?;
    Ok(axum::Json(
        decks::replace_deck(&state.db, &course, input).await?,
    ))
}
