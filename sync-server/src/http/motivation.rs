//! `/api/me/motivation` (the signed-in learner's XP, streak and badges from the server's
//! projections) and `/api/courses/{course}/leaderboard` (a course's weekly, opt-in leaderboard).
//!
//! Owns the wire side only; the read models and the rules of who sees what are
//! `crate::motivation`'s.

use axum::extract::State;
use chrono::Utc;
use shared::api::motivation::{LeaderboardMembership, LeaderboardView, MotivationView};
use shared::api::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{CurrentUser, Json, Path};
use super::responses::{JsonBody, SignedIn, StateChanging};
use super::AppState;
use crate::error::Result;
use crate::motivation::{self, leaderboard};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_motivation))
        .routes(routes!(leaderboard_of))
        .routes(routes!(set_membership))
}

/// The signed-in learner's XP, daily goal, streak and badges, as the server's projections hold
/// them (the figures that count): recomputed from the learner documents after each sync (within
/// about 12 seconds), the streak as of now, today in the account's time zone.
#[utoipa::path(
    get,
    path = "/api/me/motivation",
    tag = "motivation",
    responses((status = 200, body = MotivationView), SignedIn)
)]
#[tracing::instrument(skip_all)]
async fn my_motivation(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<axum::Json<MotivationView>> {
    let me = user.user();
    Ok(axum::Json(
        motivation::view(&state.db, &me.id, &me.time_zone, Utc::now()).await?,
    ))
}

/// This UTC week's leaderboard of a course: the learners who joined it, most XP in the course
/// first (top 50, equal XP share a rank), by display name; the caller's own row in `me` when they
/// joined. For learners enrolled in the course, its teacher and admins.
#[utoipa::path(
    get,
    path = "/api/courses/{course}/leaderboard",
    tag = "motivation",
    params(("course" = String, Path, description = "The course's id or slug")),
    responses(
        (status = 200, body = LeaderboardView),
        SignedIn,
        (status = 403, description = "Neither enrolled in the course nor its teacher or an admin \
            (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such course, or one the caller may not see (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn leaderboard_of(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(course): Path<String>,
) -> Result<axum::Json<LeaderboardView>> {
    Ok(axum::Json(
        leaderboard::board(&state.db, user.id(), user.role(), &course, Utc::now()).await?,
    ))
}

/// Joins (`true`) or leaves (`false`) a course's leaderboard; off until joined. Leaving takes the
/// learner off it at once. Again is no change. Only for learners enrolled in the course.
#[utoipa::path(
    put,
    path = "/api/courses/{course}/leaderboard/membership",
    tag = "motivation",
    params(("course" = String, Path, description = "The course's id or slug")),
    request_body = LeaderboardMembership,
    responses(
        (status = 200, body = LeaderboardMembership),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 403, description = "Not enrolled in the course (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such course, or one the caller may not see (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn set_membership(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(course): Path<String>,
    Json(req): Json<LeaderboardMembership>,
) -> Result<axum::Json<LeaderboardMembership>> {
    Ok(axum::Json(
        leaderboard::set_membership(
            &state.db,
            user.id(),
            user.role(),
            &course,
            req.joined,
            Utc::now(),
        )
        .await?,
    ))
}
