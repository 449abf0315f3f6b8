//! `/api/notifications`: the signed-in user's in-app notifications (the bell).
//!
//! Owns the wire side only; every route takes `CurrentUser` and the queries in `crate::notify` are
//! scoped to that user, so another user's notification id answers 404.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use shared::api::notifications::NotificationList;
use shared::api::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{path_id, CurrentUser, Path};
use super::responses::{SignedIn, StateChanging};
use super::AppState;
use crate::error::Result;
use crate::notify;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_notifications))
        .routes(routes!(mark_read))
        .routes(routes!(mark_all_read))
}

/// The newest 50 notifications, newest first, and how many are unread in all.
#[utoipa::path(
    get,
    path = "/api/notifications",
    tag = "notifications",
    responses((status = 200, body = NotificationList), SignedIn)
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id()))]
async fn list_notifications(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<NotificationList>> {
    Ok(Json(notify::list_for_user(&state.db, user.id()).await?))
}

/// Marks one notification read (again is fine).
#[utoipa::path(
    post,
    path = "/api/notifications/{id}/read",
    tag = "notifications",
    params(("id" = String, Path, format = Uuid, description = "The notification's id")),
    responses(
        (status = 204, description = "Marked read"),
        SignedIn,
        StateChanging,
        (status = 404, description = "No such notification of the caller's (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id()))]
async fn mark_read(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    let id = path_id(&id, "no such notification")?;
    notify::mark_read(&state.db, user.id(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Marks every notification of the caller read.
#[utoipa::path(
    post,
    path = "/api/notifications/read-all",
    tag = "notifications",
    responses((status = 204, description = "All marked read"), SignedIn, StateChanging)
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id()))]
async fn mark_all_read(State(state): State<AppState>, user: CurrentUser) -> Result<StatusCode> {
    notify::mark_all_read(&state.db, user.id()).await?;
    Ok(StatusCode::NO_CONTENT)
}
