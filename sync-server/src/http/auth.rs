//! `/api/auth/*`: register, verify an address, sign in and out, recover a password.
//!
//! Owns the wire side of accounts: status codes, the session cookie (`edu_session`, or
//! `__Host-edu_session` under https). The rules (validation, limits, mails, sessions) are in
//! `crate::identity::accounts`.

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use shared::api::accounts::{
    EmailRequest, Me, RegisterRequest, ResetPasswordRequest, SignInRequest, SignInResponse,
    TokenRequest,
};
use shared::api::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{cookie, device_cookie_name, session_cookie_name, CurrentUser, Json};
use super::responses::{JsonBody, Limited, StateChanging};
use super::AppState;
use crate::error::Result;
use crate::identity::sessions::LIFETIME;
use crate::identity::Client;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(verify_email))
        .routes(routes!(resend_verification))
        .routes(routes!(sign_in))
        .routes(routes!(sign_out))
        .routes(routes!(forgot_password))
        .routes(routes!(reset_password))
}

/// The empty JSON object of a 202 answer.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Accepted {}

pub fn accepted() -> Response {
    (StatusCode::ACCEPTED, axum::Json(Accepted {})).into_response()
}

/// `Set-Cookie` for a new session: HttpOnly, SameSite=Lax, whole site, as long as the session.
/// Under https (`secure`) it is `__Host-edu_session`, `Secure`, with no `Domain`.
pub fn session_cookie(token: &str, secure: bool) -> String {
    let name = session_cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{name}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={}{secure}",
        LIFETIME.num_seconds()
    )
}

/// `Set-Cookie` for a browser's known-device token: HttpOnly, SameSite=Strict (only our own
/// sign-in form needs it), a year.
pub fn device_cookie(token: &str, secure: bool) -> String {
    let name = device_cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{name}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
        crate::identity::devices::LIFETIME.num_seconds()
    )
}

/// `Set-Cookie` that removes the session cookie.
pub fn cleared_cookie(secure: bool) -> String {
    let name = session_cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0{secure}")
}

/// Registers an account and mails a verification link. Answers 202 for any valid input, whether
/// or not the address already has an account (its owner is mailed instead).
#[utoipa::path(
    post,
    path = "/api/auth/register",
    tag = "accounts",
    request_body = RegisterRequest,
    responses((status = 202, body = Accepted), JsonBody, StateChanging, Limited)
)]
#[tracing::instrument(skip_all)]
async fn register(
    State(state): State<AppState>,
    client: Client,
    Json(req): Json<RegisterRequest>,
) -> Result<Response> {
    state.accounts.register(req, &client).await?;
    Ok(accepted())
}

/// Follows a mailed link: verifies the address, or confirms a change of address.
#[utoipa::path(
    post,
    path = "/api/auth/verify-email",
    tag = "accounts",
    request_body = TokenRequest,
    responses(
        (status = 200, body = Me),
        JsonBody,
        StateChanging,
        (status = 400, description = "Wrong, used or expired token (`invalid_token`), or a body \
            that is not JSON of the documented shape (`bad_request`)", body = ErrorBody),
        (status = 409, description = "The new address was taken meanwhile (`conflict`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn verify_email(
    State(state): State<AppState>,
    client: Client,
    Json(req): Json<TokenRequest>,
) -> Result<axum::Json<Me>> {
    Ok(axum::Json(
        state.accounts.verify_email(&req.token, &client).await?,
    ))
}

/// Mails a new verification link if the address has an unverified account. Always 202.
#[utoipa::path(
    post,
    path = "/api/auth/resend-verification",
    tag = "accounts",
    request_body = EmailRequest,
    responses((status = 202, body = Accepted), JsonBody, StateChanging, Limited)
)]
#[tracing::instrument(skip_all)]
async fn resend_verification(
    State(state): State<AppState>,
    client: Client,
    Json(req): Json<EmailRequest>,
) -> Result<Response> {
    state
        .accounts
        .resend_verification(&req.email, &client)
        .await?;
    Ok(accepted())
}

/// Signs in: answers the session token and sets it as the session cookie (`edu_session`, or
/// `__Host-edu_session; Secure` when the public address is https).
#[utoipa::path(
    post,
    path = "/api/auth/sign-in",
    tag = "accounts",
    request_body = SignInRequest,
    responses(
        (status = 200, body = SignInResponse, headers(("Set-Cookie" = String, description = "edu_session=…; HttpOnly; SameSite=Lax; Path=/ (under https: __Host-edu_session=…; …; Secure), and, for a browser new to the account, edu_device=…; HttpOnly; SameSite=Strict (under https: __Host-edu_device; its own sign-in budget)"))),
        JsonBody,
        StateChanging,
        Limited,
        (status = 401, description = "Wrong email or password (`invalid_credentials`)", body = ErrorBody),
        (status = 403, description = "Address not verified yet (`email_not_verified`), or refused \
            as cross-site (`csrf`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn sign_in(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Json(req): Json<SignInRequest>,
) -> Result<Response> {
    let secure = state.config.http.secure_cookies();
    let device = cookie(&headers, device_cookie_name(secure));
    let signed_in = state.accounts.sign_in(&req, &client, device).await?;
    let mut cookies = vec![(SET_COOKIE, session_cookie(&signed_in.token, secure))];
    if let Some(device) = &signed_in.new_device {
        cookies.push((SET_COOKIE, device_cookie(device, secure)));
    }
    // The body holds a secret: no cache may keep it.
    cookies.push((CACHE_CONTROL, "no-store".to_owned()));
    let body = SignInResponse {
        token: signed_in.token,
        user: signed_in.user,
    };
    Ok((AppendHeaders(cookies), axum::Json(body)).into_response())
}

/// Signs out: ends the current session (if any) and clears the cookie. Always 204.
#[utoipa::path(
    post,
    path = "/api/auth/sign-out",
    tag = "accounts",
    responses((status = 204, description = "Signed out"), StateChanging)
)]
#[tracing::instrument(skip_all)]
async fn sign_out(
    State(state): State<AppState>,
    client: Client,
    user: Option<CurrentUser>,
) -> Result<Response> {
    if let Some(user) = user {
        state.accounts.sign_out(user.session(), &client).await?;
    }
    let cookie = cleared_cookie(state.config.http.secure_cookies());
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([(SET_COOKIE, cookie)]),
    )
        .into_response())
}

/// Mails a password reset link (valid 1 h) if the address has an account. Always 202.
#[utoipa::path(
    post,
    path = "/api/auth/forgot-password",
    tag = "accounts",
    request_body = EmailRequest,
    responses((status = 202, body = Accepted), JsonBody, StateChanging, Limited)
)]
#[tracing::instrument(skip_all)]
async fn forgot_password(
    State(state): State<AppState>,
    client: Client,
    Json(req): Json<EmailRequest>,
) -> Result<Response> {
    state.accounts.forgot_password(&req.email, &client).await?;
    Ok(accepted())
}

/// Sets a new password with a mailed token; signs out every session of the account.
#[utoipa::path(
    post,
    path = "/api/auth/reset-password",
    tag = "accounts",
    request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "Password changed; every session ended"),
        JsonBody,
        StateChanging,
        Limited,
        (status = 400, description = "Weak password (`validation_failed`), wrong, used or expired \
            token (`invalid_token`), or a body that is not JSON of the documented shape \
            (`bad_request`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn reset_password(
    State(state): State<AppState>,
    client: Client,
    Json(req): Json<ResetPasswordRequest>,
) -> Result<StatusCode> {
    state.accounts.reset_password(&req, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
