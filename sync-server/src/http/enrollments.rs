//! `/api/courses/{course}/enrollment` (the caller joining, checking and leaving a course) and
//! `/api/me/courses` ("My learning").
//!
//! Owns the wire side; the rules (free courses at once, paid ones refused until payments exist,
//! the enrollment counter) are in `crate::enrollment`.

use axum::extract::State;
use axum::http::StatusCode;
use shared::api::courses::{EnrolledCourse, Enrollment};
use shared::api::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{CurrentUser, Path};
use super::responses::{SignedIn, StateChanging};
use super::AppState;
use crate::enrollment::{self, Enrolled};
use crate::error::Result;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(enrollment_of, enroll, leave))
        .routes(routes!(my_courses))
}

/// The caller's enrollment in a course (`enrolled_at` is null when not enrolled).
#[utoipa::path(
    get,
    path = "/api/courses/{course}/enrollment",
    tag = "learning",
    params(("course" = String, Path, description = "The course's id or slug")),
    responses(
        (status = 200, body = Enrollment),
        SignedIn,
        (status = 404, description = "No such course, or one the caller may not see (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn enrollment_of(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(course): Path<String>,
) -> Result<axum::Json<Enrollment>> {
    Ok(axum::Json(
        enrollment::enrollment(&state.db, &course, user.id(), user.role()).await?,
    ))
}

/// Enrolls the caller in a free published course at once (again: no change, 200).
#[utoipa::path(
    post,
    path = "/api/courses/{course}/enrollment",
    tag = "learning",
    params(("course" = String, Path, description = "The course's id or slug")),
    responses(
        (status = 201, description = "Enrolled now", body = Enrollment),
        (status = 200, description = "Already enrolled", body = Enrollment),
        SignedIn,
        StateChanging,
        (status = 402, description = "A paid course: paying is not possible yet, nothing was \
            stored (`payment_required`)", body = ErrorBody),
        (status = 404, description = "No such course, or one the caller may not see (`not_found`)", body = ErrorBody),
        (status = 409, description = "An archived course takes no new learners (`conflict`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn enroll(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(course): Path<String>,
) -> Result<(StatusCode, axum::Json<Enrollment>)> {
    let (enrollment, outcome) =
        enrollment::enroll(&state.db, &course, user.id(), user.role()).await?;
    let status = match outcome {
        Enrolled::Now => StatusCode::CREATED,
        Enrolled::Already => StatusCode::OK,
    };
    Ok((status, axum::Json(enrollment)))
}

/// Leaves a course (not enrolled: no change). A review the caller wrote stays.
#[utoipa::path(
    delete,
    path = "/api/courses/{course}/enrollment",
    tag = "learning",
    params(("course" = String, Path, description = "The course's id or slug")),
    responses(
        (status = 204, description = "Not enrolled any more"),
        SignedIn,
        StateChanging,
        (status = 404, description = "No such course, or one the caller may not see (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn leave(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(course): Path<String>,
) -> Result<StatusCode> {
    enrollment::leave(&state.db, &course, user.id(), user.role()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// "My learning": the courses the caller is enrolled in, most recently joined first.
#[utoipa::path(
    get,
    path = "/api/me/courses",
    tag = "learning",
    responses(
        (status = 200, body = Vec<EnrolledCourse>),
        SignedIn
    )
)]
#[tracing::instrument(skip_all)]
async fn my_courses(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<axum::Json<Vec<EnrolledCourse>>> {
    Ok(axum::Json(
        enrollment::my_courses(&state.db, user.id()).await?,
    ))
}
