//! `/api/courses`: the public course catalog.
//!
//! Owns request parsing and the response shape; the listing rules and SQL are in `crate::catalog`.

use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::Json;
use shared::api::courses::{CoursePage, CourseSummary};
use shared::api::{ErrorBody, Page};
use shared::validate::Invalid;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Query;
use super::AppState;
use crate::catalog::{self, Cursor};
use crate::error::{Error, Result};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_courses))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListCourses {
    /// Page size, 1 to 100; 20 when absent.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// `next_cursor` of the previous page; absent for the first page.
    cursor: Option<String>,
}

/// Lists the catalog, oldest course first, one page at a time.
#[utoipa::path(
    get,
    path = "/api/courses",
    tag = "catalog",
    params(ListCourses),
    responses(
        (status = 200, body = Page<CourseSummary>, headers(("Cache-Control" = String, description = "no-cache: public, the same for everyone"))),
        (status = 400, description = "A limit that is not a whole number from 1 to 100 or a \
            cursor that is not one we issued (`validation_failed`), or a malformed query \
            (`bad_request`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn list_courses(
    State(state): State<AppState>,
    Query(query): Query<ListCourses>,
) -> Result<Response> {
    // Parsed here rather than by serde so a bad value gets a message naming the field. An empty
    // `limit=` is not a number either: the description says integer, so it is a 400, not the
    // default (only an absent limit means the default).
    let requested = match query.limit.as_deref() {
        None => None,
        Some(text) => Some(text.parse::<u32>().map_err(|_| Error::Validation {
            field: "limit",
            reason: Invalid::NotWholeNumber,
        })?),
    };
    let limit = shared::validate::page_limit(requested).map_err(|reason| Error::Validation {
        field: "limit",
        reason,
    })?;
    let cursor = match query.cursor.as_deref() {
        None | Some("") => None,
        Some(text) => Some(Cursor::decode(text)?),
    };
    let page = catalog::list_courses(&state.db, limit, cursor.as_ref()).await?;
    // The catalog is public: unlike the rest of /api (no-store), caches may keep it if they
    // revalidate.
    Ok((
        [(CACHE_CONTROL, HeaderValue::from_static("no-cache"))],
        Json::<CoursePage>(page),
    )
        .into_response())
}
