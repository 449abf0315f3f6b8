//! `/api/courses/{course}/reviews`: the public list, the caller's own review and the teacher's
//! reply.
//!
//! Owns the wire side; who may review (enrolled learners), reply (the course's teacher, admins)
//! and the rating counters are `crate::reviews`'.

use axum::extract::{OptionalFromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shared::api::courses::CourseStatus;
use shared::api::reviews::{ReplyInput, Review, ReviewInput, ReviewPage};
use shared::api::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::conditional::{public_json, serialize};
use super::extract::{page_limit, CurrentUser, Json, Path, Query};
use super::responses::{JsonBody, SignedIn, StateChanging};
use super::AppState;
use crate::catalog::course_page::Viewer;
use crate::error::Result;
use crate::reviews::{self, ReviewCursor};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_reviews))
        .routes(routes!(my_review, write_review, delete_review))
        .routes(routes!(reply))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListReviews {
    /// Page size, 1 to 100; 20 when absent.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// `next_cursor` of the previous page; absent for the first page.
    cursor: Option<String>,
}

/// A course's reviews, newest first, one page at a time.
#[utoipa::path(
    get,
    path = "/api/courses/{course}/reviews",
    tag = "reviews",
    params(("course" = String, Path, description = "The course's id or slug"), ListReviews),
    responses(
        (status = 200, body = ReviewPage, headers(
            ("Cache-Control" = String, description = "no-cache for a published course (public); no-store otherwise"),
            ("ETag" = String, description = "For a published course: send it back in If-None-Match to get 304"))),
        (status = 304, description = "The page is unchanged since the ETag sent in If-None-Match"),
        (status = 400, description = "A bad limit or a cursor we did not issue \
            (`validation_failed`), or a malformed query (`bad_request`)", body = ErrorBody),
        (status = 404, description = "No such course, or one the caller may not see (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn list_reviews(
    State(state): State<AppState>,
    Path(course): Path<String>,
    Query(query): Query<ListReviews>,
    mut parts: Parts,
) -> Result<Response> {
    let limit = page_limit(query.limit.as_deref())?;
    let cursor = match query.cursor.as_deref() {
        None | Some("") => None,
        Some(text) => Some(ReviewCursor::decode(text)?),
    };
    // A published course's reviews are the same for everyone: one cached body per page, stale
    // once any review, reply or display name changes (they all advance the catalog generation).
    let key = format!(
        "reviews:{course}:{limit}:{}",
        query.cursor.as_deref().unwrap_or_default()
    );
    let generation = state.db.catalog_generation().current();
    if let Some(hit) = state.catalog_cache.get(&key, generation) {
        return Ok(public_json(&parts.headers, hit));
    }
    let user =
        <CurrentUser as OptionalFromRequestParts<AppState>>::from_request_parts(&mut parts, &state)
            .await?;
    let viewer = match &user {
        Some(user) => Viewer::User {
            id: user.id(),
            role: user.role(),
        },
        None => Viewer::Anonymous,
    };
    let (page, status) =
        reviews::list_reviews(&state.db, &course, viewer, limit, cursor.as_ref()).await?;
    if status == CourseStatus::Published {
        let body = state.catalog_cache.put(key, generation, serialize(&page)?);
        return Ok(public_json(&parts.headers, body));
    }
    Ok(axum::Json(page).into_response())
}

/// The caller's review of a course.
#[utoipa::path(
    get,
    path = "/api/courses/{course}/reviews/mine",
    tag = "reviews",
    params(("course" = String, Path, description = "The course's id or slug")),
    responses(
        (status = 200, body = Review),
        SignedIn,
        (status = 404, description = "No such course, or the caller has not reviewed it (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn my_review(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(course): Path<String>,
) -> Result<axum::Json<Review>> {
    Ok(axum::Json(
        reviews::my_review(&state.db, &course, user.id(), user.role()).await?,
    ))
}

/// Writes or rewrites the caller's review (learners enrolled in the course only).
#[utoipa::path(
    put,
    path = "/api/courses/{course}/reviews/mine",
    tag = "reviews",
    params(("course" = String, Path, description = "The course's id or slug")),
    request_body = ReviewInput,
    responses(
        (status = 200, body = Review),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 403, description = "Not enrolled in the course, or its own teacher \
            (`forbidden`), or refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such course, or one the caller may not see (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn write_review(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(course): Path<String>,
    Json(input): Json<ReviewInput>,
) -> Result<axum::Json<Review>> {
    Ok(axum::Json(
        reviews::write_review(&state.db, &course, user.id(), user.role(), &input).await?,
    ))
}

/// Deletes the caller's review.
#[utoipa::path(
    delete,
    path = "/api/courses/{course}/reviews/mine",
    tag = "reviews",
    params(("course" = String, Path, description = "The course's id or slug")),
    responses(
        (status = 204, description = "Deleted"),
        SignedIn,
        StateChanging,
        (status = 404, description = "No such course, or the caller has not reviewed it (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn delete_review(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(course): Path<String>,
) -> Result<StatusCode> {
    reviews::delete_review(&state.db, &course, user.id(), user.role()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The course's teacher's (or an admin's) reply to a review, once.
#[utoipa::path(
    put,
    path = "/api/courses/{course}/reviews/{review}/reply",
    tag = "reviews",
    params(
        ("course" = String, Path, description = "The course's id or slug"),
        ("review" = String, Path, description = "The review's id"),
    ),
    request_body = ReplyInput,
    responses(
        (status = 200, body = Review),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 403, description = "Not the course's teacher nor an admin (`forbidden`), or \
            refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such course, or no such review of it (`not_found`)", body = ErrorBody),
        (status = 409, description = "The review already has a reply (`conflict`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn reply(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((course, review)): Path<(String, String)>,
    Json(input): Json<ReplyInput>,
) -> Result<axum::Json<Review>> {
    Ok(axum::Json(
        reviews::reply(&state.db, &course, &review, user.id(), user.role(), &input).await?,
    ))
}
