//! `/api/search`: public full-text search over published courses and their lessons.
//!
//! Owns request parsing and the response shape; stemming, typo tolerance and the SQL are in
//! `crate::search`. Never returns anything about a course that is not published.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use shared::api::courses::CourseLanguage;
use shared::api::search::SearchResults;
use shared::api::ErrorBody;
use shared::validate::Invalid;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::conditional::{public_json, serialize};
use super::extract::{page_limit, Query};
use super::AppState;
use crate::error::{Error, Result};
use crate::search::{self, Search};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search_courses))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchParams {
    /// What to look for, 1 to 200 characters on one line. Words match in any grammatical form
    /// (English and Russian) and with a typo or two; every word must match.
    #[param(required = true, min_length = 1, max_length = 200)]
    q: Option<String>,
    /// Only courses in this language (`en` or `ru`); all languages when absent.
    #[param(value_type = Option<CourseLanguage>)]
    language: Option<String>,
    /// How many hits, 1 to 100; 20 when absent.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
}

/// Finds published courses and lessons by words of their titles and text, best hits first.
#[utoipa::path(
    get,
    path = "/api/search",
    tag = "catalog",
    params(SearchParams),
    responses(
        (status = 200, body = SearchResults, description = "Course and lesson hits ranked \
            together; each snippet is HTML-escaped text whose only markup is `<mark>` around the \
            matched words", headers(
            ("Cache-Control" = String, description = "no-cache: public, the same for everyone"),
            ("ETag" = String, description = "Send it back in If-None-Match to get 304 while the catalog is unchanged"))),
        (status = 304, description = "The results are unchanged since the ETag sent in If-None-Match"),
        (status = 400, description = "A query that is missing, empty, longer than 200 characters \
            or not one line (field `q`), a language other than `en` or `ru` (`language`) or a \
            limit that is not a whole number from 1 to 100 (`limit`): `validation_failed`; or a \
            malformed query string (`bad_request`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn search_courses(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<SearchParams>,
) -> Result<Response> {
    let query = shared::validate::search_query(params.q.as_deref().unwrap_or(""))
        .map_err(|reason| Error::Validation { field: "q", reason })?;
    let language = match params.language.as_deref() {
        None => None,
        Some(code) => Some(
            CourseLanguage::from_code(code).ok_or_else(|| Error::Validation {
                field: "language",
                reason: Invalid::NotOneOf {
                    allowed: vec!["en".to_owned(), "ru".to_owned()],
                },
            })?,
        ),
    };
    let limit = page_limit(params.limit.as_deref())?;
    // Results are public and the same for everyone, so they go through the catalog cache like a
    // catalog page: a popular query is read once per catalog generation (indexing a course
    // advances it).
    let key = format!(
        "search:{}:{limit}:{query}",
        language.map_or("", CourseLanguage::code)
    );
    let generation = state.db.catalog_generation().current();
    if let Some(hit) = state.catalog_cache.get(&key, generation) {
        return Ok(public_json(&headers, hit));
    }
    let search = Search {
        query,
        language,
        limit,
    };
    let results: SearchResults = search::search(&state.db, &search).await?;
    let body = state
        .catalog_cache
        .put(key, generation, serialize(&results)?);
    Ok(public_json(&headers, body))
}
