//! `/api/me/*`: the signed-in user's own account: profile, password, email, sessions, data export
//! and deletion.
//!
//! Owns the wire side only; every route takes `CurrentUser`, and the domain queries are scoped to
//! that user's id (`crate::identity::accounts`).

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, SET_COOKIE};
use axum::http::StatusCode;
use axum::response::{AppendHeaders, IntoResponse, Response};
use shared::api::accounts::{
    ChangeEmailRequest, ChangePasswordRequest, DeleteAccountRequest, Me, SessionInfo,
    UpdateProfileRequest,
};
use shared::api::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::{accepted, cleared_cookie, Accepted};
use super::extract::{path_id, CurrentUser, Json, Path};
use super::responses::{JsonBody, Limited, SignedIn, StateChanging};
use super::AppState;
use crate::error::Result;
use crate::identity::export::AccountExport;
use crate::identity::Client;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_me, update_me, delete_me))
        .routes(routes!(change_password))
        .routes(routes!(change_email))
        .routes(routes!(list_sessions))
        .routes(routes!(revoke_session))
        .routes(routes!(export))
}

/// The signed-in user's profile.
#[utoipa::path(
    get,
    path = "/api/me",
    tag = "accounts",
    responses((status = 200, body = Me), SignedIn)
)]
#[tracing::instrument(skip_all)]
async fn get_me(user: CurrentUser) -> axum::Json<Me> {
    axum::Json(user.user().to_me())
}

/// Changes the display name, language or time zone (only the fields given).
#[utoipa::path(
    patch,
    path = "/api/me",
    tag = "accounts",
    request_body = UpdateProfileRequest,
    responses((status = 200, body = Me), JsonBody, SignedIn, StateChanging)
)]
#[tracing::instrument(skip_all)]
async fn update_me(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<UpdateProfileRequest>,
) -> Result<axum::Json<Me>> {
    Ok(axum::Json(
        state.accounts.update_profile(user.user(), &req).await?,
    ))
}

/// Deletes the account (the password confirms it). Personal data is removed; an anonymous
/// tombstone row stays for aggregates. Clears the session cookie.
#[utoipa::path(
    delete,
    path = "/api/me",
    tag = "accounts",
    request_body = DeleteAccountRequest,
    responses(
        (status = 204, description = "Account deleted"),
        JsonBody,
        SignedIn,
        StateChanging,
        Limited,
        (status = 400, description = "Wrong password (`wrong_password`), or a body that is not \
            JSON of the documented shape (`bad_request`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn delete_me(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<DeleteAccountRequest>,
) -> Result<Response> {
    state
        .accounts
        .delete_account(user.user(), &req.current_password)
        .await?;
    let cookie = cleared_cookie(state.config.http.secure_cookies());
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([(SET_COOKIE, cookie)]),
    )
        .into_response())
}

/// Changes the password; every other session is signed out.
#[utoipa::path(
    post,
    path = "/api/me/password",
    tag = "accounts",
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Password changed"),
        JsonBody,
        SignedIn,
        StateChanging,
        Limited,
        (status = 400, description = "Weak new password (`validation_failed`), wrong current one \
            (`wrong_password`), or a body that is not JSON of the documented shape \
            (`bad_request`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    client: Client,
    Json(req): Json<ChangePasswordRequest>,
) -> Result<StatusCode> {
    state
        .accounts
        .change_password(user.session(), &req, &client)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mails a confirmation link to the new address; the address changes when it is followed.
#[utoipa::path(
    post,
    path = "/api/me/email",
    tag = "accounts",
    request_body = ChangeEmailRequest,
    responses(
        (status = 202, body = Accepted),
        JsonBody,
        SignedIn,
        StateChanging,
        Limited,
        (status = 400, description = "Invalid or unchanged address (`validation_failed`), wrong \
            password (`wrong_password`), or a body that is not JSON of the documented shape \
            (`bad_request`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn change_email(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<ChangeEmailRequest>,
) -> Result<Response> {
    state.accounts.change_email(user.user(), &req).await?;
    Ok(accepted())
}

/// The signed-in user's sessions (browsers and devices), newest first.
#[utoipa::path(
    get,
    path = "/api/me/sessions",
    tag = "accounts",
    responses((status = 200, body = Vec<SessionInfo>), SignedIn)
)]
#[tracing::instrument(skip_all)]
async fn list_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<axum::Json<Vec<SessionInfo>>> {
    Ok(axum::Json(state.accounts.sessions(user.session()).await?))
}

/// Signs out one of the user's sessions (404 when the id is not theirs).
#[utoipa::path(
    delete,
    path = "/api/me/sessions/{id}",
    tag = "accounts",
    params(("id" = String, Path, format = Uuid, description = "A session id from GET /api/me/sessions")),
    responses(
        (status = 204, description = "Session ended"),
        SignedIn,
        StateChanging,
        (status = 404, description = "No such session of yours (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn revoke_session(
    State(state): State<AppState>,
    user: CurrentUser,
    client: Client,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    state
        .accounts
        .revoke_session(user.user(), &path_id(&id, "no such session")?, &client)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Everything the server holds about the signed-in user, as a JSON download.
#[utoipa::path(
    get,
    path = "/api/me/export",
    tag = "accounts",
    responses(
        (status = 200, body = AccountExport, headers(("Content-Disposition" = String, description = "attachment; filename=\"eduplatform-export.json\""))),
        SignedIn
    )
)]
#[tracing::instrument(skip_all)]
async fn export(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let data = state.accounts.export(user.session()).await?;
    Ok((
        AppendHeaders([
            (
                CONTENT_DISPOSITION,
                "attachment; filename=\"eduplatform-export.json\"",
            ),
            (CACHE_CONTROL, "no-store"),
        ]),
        axum::Json(data),
    )
        .into_response())
}
