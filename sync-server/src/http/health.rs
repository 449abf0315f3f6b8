//! `GET /healthz` (the process answers) and `GET /readyz` (it can reach its database).
//!
//! Owns the probes' answers for load balancers and orchestrators; never does more work than one
//! `SELECT 1`, so probing often is cheap.

use std::time::Duration;

use axum::extract::State;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use crate::error::{Error, Result};

/// How long readiness waits for the database before saying no: a load balancer learns within a
/// second that the database went away (a ping of a dead connection fails at once; a new
/// connection to a database that is down is retried by the pool until this runs out).
pub const READY_TIMEOUT: Duration = Duration::from_millis(800);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
}

/// The answer of a probe that passed.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Status {
    /// `ok` or `ready`.
    status: &'static str,
}

/// Liveness: 200 whenever the process serves HTTP.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = Status)))]
async fn healthz() -> Json<Status> {
    Json(Status { status: "ok" })
}

/// Readiness: 200 when the database answers, 503 otherwise.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, body = Status),
        (status = 503, description = "The database does not answer", body = shared::api::ErrorBody)
    )
)]
async fn readyz(State(state): State<AppState>) -> Result<Json<Status>> {
    match tokio::time::timeout(READY_TIMEOUT, state.db.ping()).await {
        Ok(Ok(())) => Ok(Json(Status { status: "ready" })),
        Ok(Err(e)) => {
            if crate::db::is_connection_lost(&e) {
                state.db.note_connection_lost();
            }
            // The driver's text can name hosts, users and files: it goes to the log, not the caller.
            tracing::warn!(error = %crate::describe(&e), "readiness: the database does not answer");
            Err(Error::Unavailable("the database does not answer".into()))
        }
        Err(_) => Err(Error::Unavailable(
            "the database does not answer in time".into(),
        )),
    }
}
