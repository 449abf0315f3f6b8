//! `/api/reminders/*`: the one-click unsubscribe link (RFC 8058) of the "cards are due", "streak at
//! risk" and discussion digest mails. It takes no session: the signed token names the one user,
//! and the one list, it turns off.
//!
//! Owns the wire side only; the token and the change are `crate::srs::reminders`'.

use axum::extract::State;
use axum::http::StatusCode;
use shared::api::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Query;
use super::responses::StateChanging;
use super::AppState;
use crate::error::Result;
use crate::srs::reminders;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(unsubscribe))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct UnsubscribeParams {
    /// The token of the mail's link: `{user_id}.{signature}` (cards are due),
    /// `{user_id}.streak.{signature}` or `{user_id}.digest.{signature}`.
    token: String,
}

/// Turns off the mail the token names ("cards are due", "streak at risk" or the discussion
/// digest) for the user it was made for, and nothing else, with no session:
/// the address of the mail's `List-Unsubscribe` header, which mail clients POST
/// `List-Unsubscribe=One-Click` to (RFC 8058; the body is not read), and what the mail's
/// unsubscribe page calls. Again is fine. Turn them back on with `PATCH /api/me`.
#[utoipa::path(
    post,
    path = "/api/reminders/unsubscribe",
    tag = "reminders",
    params(UnsubscribeParams),
    responses(
        (status = 204, description = "Reminders are off"),
        StateChanging,
        (status = 400, description = "A token this server did not sign, an altered one, or one \
            whose account is gone (`invalid_token`); no token (`bad_request`)", body = ErrorBody),
        (status = 413, description = "A body over 64 KiB (`payload_too_large`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn unsubscribe(
    State(state): State<AppState>,
    Query(params): Query<UnsubscribeParams>,
) -> Result<StatusCode> {
    reminders::unsubscribe(&state.db, &state.unsubscribe_key, &params.token).await?;
    Ok(StatusCode::NO_CONTENT)
}
