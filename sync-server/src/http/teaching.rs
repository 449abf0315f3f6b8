//! Teacher applications: `/api/teacher-applications` (students apply, anyone signed in reads their
//! own) and `/api/admin/teacher-applications` (admins list and decide).
//!
//! Owns the wire side; who may call what is the guards' (`RequireStudent`, `RequireAdmin`,
//! `CurrentUser`), and the rules are in `crate::identity::applications`.

use axum::extract::State;
use axum::http::StatusCode;
use shared::api::teaching::{
    ApplicationStatus, RejectApplicationRequest, TeacherApplication, TeacherApplicationRequest,
};
use shared::api::ErrorBody;
use shared::validate::Invalid;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{path_id, CurrentUser, Json, Path, Query, RequireAdmin, RequireStudent};
use super::responses::{JsonBody, SignedIn, StateChanging};
use super::AppState;
use crate::error::{Error, Result};
use crate::identity::Client;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(apply))
        .routes(routes!(mine))
        .routes(routes!(list))
        .routes(routes!(approve))
        .routes(routes!(reject))
}

/// Applies to teach (students only; one pending application at a time).
#[utoipa::path(
    post,
    path = "/api/teacher-applications",
    tag = "teaching",
    request_body = TeacherApplicationRequest,
    responses(
        (status = 201, body = TeacherApplication),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 403, description = "Not a student (`forbidden`), or refused as cross-site \
            (`csrf`)", body = ErrorBody),
        (status = 409, description = "An application is already pending (`conflict`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn apply(
    State(state): State<AppState>,
    student: RequireStudent,
    Json(req): Json<TeacherApplicationRequest>,
) -> Result<(StatusCode, axum::Json<TeacherApplication>)> {
    let application = state.accounts.apply_to_teach(student.user(), &req).await?;
    Ok((StatusCode::CREATED, axum::Json(application)))
}

/// The caller's latest application.
#[utoipa::path(
    get,
    path = "/api/teacher-applications/mine",
    tag = "teaching",
    responses(
        (status = 200, body = TeacherApplication),
        SignedIn,
        (status = 404, description = "Never applied (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn mine(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<axum::Json<TeacherApplication>> {
    Ok(axum::Json(
        state.accounts.my_application(user.user()).await?,
    ))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListApplications {
    /// `pending` (the default when absent), `approved` or `rejected`.
    #[param(value_type = Option<ApplicationStatus>)]
    status: Option<String>,
}

/// Applications in one status, oldest first (admins only).
#[utoipa::path(
    get,
    path = "/api/admin/teacher-applications",
    tag = "admin",
    params(ListApplications),
    responses(
        (status = 200, body = Vec<TeacherApplication>),
        SignedIn,
        (status = 400, description = "Unknown status (`validation_failed`) or a malformed query \
            (`bad_request`)", body = ErrorBody),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn list(
    State(state): State<AppState>,
    _admin: RequireAdmin,
    Query(query): Query<ListApplications>,
) -> Result<axum::Json<Vec<TeacherApplication>>> {
    // An empty `status=` is none of the three: only an absent status means the default.
    let status = match query.status.as_deref() {
        None => ApplicationStatus::Pending,
        Some(text) => ApplicationStatus::from_code(text).ok_or_else(|| Error::Validation {
            field: "status",
            reason: Invalid::NotOneOf {
                allowed: [
                    ApplicationStatus::Pending,
                    ApplicationStatus::Approved,
                    ApplicationStatus::Rejected,
                ]
                .map(|status| status.code().to_owned())
                .into(),
            },
        })?,
    };
    Ok(axum::Json(state.accounts.applications(status).await?))
}

/// The answer to an application id that names nothing (malformed or unknown).
const NO_APPLICATION: &str = "no such application";

/// Approves a pending application: the applicant becomes a teacher and is notified.
#[utoipa::path(
    post,
    path = "/api/admin/teacher-applications/{id}/approve",
    tag = "admin",
    params(("id" = String, Path, format = Uuid, description = "Application id")),
    responses(
        (status = 200, body = TeacherApplication),
        SignedIn,
        StateChanging,
        (status = 403, description = "Not an admin (`forbidden`), or refused as cross-site \
            (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such application (`not_found`)", body = ErrorBody),
        (status = 409, description = "Already decided (`conflict`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn approve(
    State(state): State<AppState>,
    admin: RequireAdmin,
    client: Client,
    Path(id): Path<String>,
) -> Result<axum::Json<TeacherApplication>> {
    Ok(axum::Json(
        state
            .accounts
            .approve_application(admin.user(), &path_id(&id, NO_APPLICATION)?, &client)
            .await?,
    ))
}

/// Rejects a pending application with a reason the applicant is told.
#[utoipa::path(
    post,
    path = "/api/admin/teacher-applications/{id}/reject",
    tag = "admin",
    params(("id" = String, Path, format = Uuid, description = "Application id")),
    request_body = RejectApplicationRequest,
    responses(
        (status = 200, body = TeacherApplication),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 403, description = "Not an admin (`forbidden`), or refused as cross-site \
            (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such application (`not_found`)", body = ErrorBody),
        (status = 409, description = "Already decided (`conflict`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn reject(
    State(state): State<AppState>,
    admin: RequireAdmin,
    client: Client,
    Path(id): Path<String>,
    Json(req): Json<RejectApplicationRequest>,
) -> Result<axum::Json<TeacherApplication>> {
    // The reason is judged before the id is looked up, a malformed id included (as before ids
    // were typed): a bad reason is 400 whatever the id.
    let id = match path_id(&id, NO_APPLICATION) {
        Ok(id) => id,
        Err(not_found) => {
            shared::validate::rejection_reason(&req.reason)
                .map_err(crate::identity::invalid("reason"))?;
            return Err(not_found);
        }
    };
    Ok(axum::Json(
        state
            .accounts
            .reject_application(admin.user(), &id, &req.reason, &client)
            .await?,
    ))
}
