//! `/api/categories`: the catalog's categories, listed for everyone and managed by admins.
//!
//! Owns the wire side; admins are guarded by `RequireAdmin`, and the rules (unique slugs, a used
//! category is never deleted) are `crate::catalog::categories`'.

use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use shared::api::courses::{Category, CategoryInput};
use shared::api::ErrorBody;
use shared::domain::CategoryId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{path_id, Json, Path, RequireAdmin};
use super::responses::{JsonBody, SignedIn, StateChanging};
use super::AppState;
use crate::catalog::categories;
use crate::error::Result;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_categories, create_category))
        .routes(routes!(update_category, delete_category))
}

const NO_CATEGORY: &str = "no such category";

/// Every category, by slug, with how many published courses each holds.
#[utoipa::path(
    get,
    path = "/api/categories",
    tag = "catalog",
    responses(
        (status = 200, body = Vec<Category>, headers(("Cache-Control" = String, description = "no-cache: public, the same for everyone")))
    )
)]
#[tracing::instrument(skip_all)]
async fn list_categories(State(state): State<AppState>) -> Result<Response> {
    let list = categories::list_categories(&state.db).await?;
    // Public like the catalog: caches may keep it if they revalidate.
    Ok((
        [(CACHE_CONTROL, HeaderValue::from_static("no-cache"))],
        axum::Json(list),
    )
        .into_response())
}

/// Creates a category (admins).
#[utoipa::path(
    post,
    path = "/api/categories",
    tag = "admin",
    request_body = CategoryInput,
    responses(
        (status = 201, body = Category),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 403, description = "Not an admin (`forbidden`), or refused as cross-site \
            (`csrf`)", body = ErrorBody),
        (status = 409, description = "The slug is taken (`conflict`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn create_category(
    State(state): State<AppState>,
    _admin: RequireAdmin,
    Json(input): Json<CategoryInput>,
) -> Result<(StatusCode, axum::Json<Category>)> {
    let mut tx = state.db.begin().await?;
    let category = categories::create_category(&mut tx, &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(category)))
}

/// Changes a category's slug and names (admins).
#[utoipa::path(
    patch,
    path = "/api/categories/{id}",
    tag = "admin",
    params(("id" = String, Path, format = Uuid, description = "Category id")),
    request_body = CategoryInput,
    responses(
        (status = 200, body = Category),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 403, description = "Not an admin (`forbidden`), or refused as cross-site \
            (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such category (`not_found`)", body = ErrorBody),
        (status = 409, description = "Another category has the slug (`conflict`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn update_category(
    State(state): State<AppState>,
    _admin: RequireAdmin,
    Path(id): Path<String>,
    Json(input): Json<CategoryInput>,
) -> Result<axum::Json<Category>> {
    let id: CategoryId = path_id(&id, NO_CATEGORY)?;
    let mut tx = state.db.begin().await?;
    let category = categories::update_category(&mut tx, &id, &input).await?;
    tx.commit().await?;
    Ok(axum::Json(category))
}

/// Deletes a category no course uses (admins).
#[utoipa::path(
    delete,
    path = "/api/categories/{id}",
    tag = "admin",
    params(("id" = String, Path, format = Uuid, description = "Category id")),
    responses(
        (status = 204, description = "Deleted"),
        SignedIn,
        StateChanging,
        (status = 403, description = "Not an admin (`forbidden`), or refused as cross-site \
            (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such category (`not_found`)", body = ErrorBody),
        (status = 409, description = "A course (in any status) uses it (`conflict`); nothing was \
            deleted", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn delete_category(
    State(state): State<AppState>,
    _admin: RequireAdmin,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    let id: CategoryId = path_id(&id, NO_CATEGORY)?;
    let mut tx = state.db.begin().await?;
    categories::delete_category(&mut tx, &id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
