//! `/api/courses`: the public course catalog, a course's page and its lessons.
//!
//! Owns request parsing and the response shape; the listing rules, who may see what, and the SQL
//! are in `crate::catalog`. Public answers go through the catalog cache (`catalog::cache`) and
//! carry an ETag; answers that depend on who asks (a draft's page, a lesson) are never cached.

use axum::extract::State;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use shared::api::courses::{
    CourseDetail, CourseLanguage, CourseLevel, CourseSort, CourseStatus, CourseSummary, LessonView,
    PriceFilter,
};
use shared::api::{ErrorBody, Page};
use shared::validate::Invalid;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::conditional::{public_json, serialize};
use super::extract::{page_limit, CurrentUser, Path, Query};
use super::responses::SignedIn;
use super::AppState;
use crate::catalog::course_page::{self, Viewer};
use crate::catalog::{self, CatalogQuery, Cursor};
use crate::error::{Error, Result};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_courses))
        .routes(routes!(course_page))
        .routes(routes!(lesson))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListCourses {
    /// Page size, 1 to 100; 20 when absent.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// `next_cursor` of the previous page (of the same sort); absent for the first page.
    cursor: Option<String>,
    /// `newest` (the default), `top_rated` or `most_enrolled`.
    #[param(value_type = Option<CourseSort>)]
    sort: Option<String>,
    /// Only courses in the category with this slug.
    category: Option<String>,
    /// `beginner`, `intermediate` or `advanced`.
    #[param(value_type = Option<CourseLevel>)]
    level: Option<String>,
    /// `en` or `ru`.
    #[param(value_type = Option<CourseLanguage>)]
    language: Option<String>,
    /// `free` or `paid`.
    #[param(value_type = Option<PriceFilter>)]
    price: Option<String>,
}

/// A stored code from a query parameter: absent is none; an unknown one, or an empty one (the
/// parameter's schema is the enum of codes), is 400 naming the parameter and the codes it takes.
fn code<T: Copy>(
    field: &'static str,
    text: Option<&str>,
    from_code: fn(&str) -> Option<T>,
    all: &[T],
    code_of: fn(T) -> &'static str,
) -> Result<Option<T>> {
    match text {
        None => Ok(None),
        Some(text) => from_code(text).map(Some).ok_or_else(|| Error::Validation {
            field,
            reason: Invalid::NotOneOf {
                allowed: all.iter().map(|v| code_of(*v).to_owned()).collect(),
            },
        }),
    }
}

impl ListCourses {
    fn parse(self) -> Result<CatalogQuery> {
        let limit = page_limit(self.limit.as_deref())?;
        let sort = code(
            "sort",
            self.sort.as_deref(),
            CourseSort::from_code,
            CourseSort::ALL,
            CourseSort::code,
        )?
        .unwrap_or(CourseSort::Newest);
        let cursor = match self.cursor.as_deref() {
            None | Some("") => None,
            Some(text) => Some(Cursor::decode(text, sort)?),
        };
        Ok(CatalogQuery {
            sort,
            category: self.category.filter(|slug| !slug.is_empty()),
            level: code(
                "level",
                self.level.as_deref(),
                CourseLevel::from_code,
                CourseLevel::ALL,
                CourseLevel::code,
            )?,
            language: code(
                "language",
                self.language.as_deref(),
                CourseLanguage::from_code,
                CourseLanguage::ALL,
                CourseLanguage::code,
            )?,
            price: code(
                "price",
                self.price.as_deref(),
                PriceFilter::from_code,
                PriceFilter::ALL,
                PriceFilter::code,
            )?,
            limit,
            cursor,
        })
    }
}

/// Lists published courses, filtered and sorted, one page at a time.
#[utoipa::path(
    get,
    path = "/api/courses",
    tag = "catalog",
    params(ListCourses),
    responses(
        (status = 200, body = Page<CourseSummary>, headers(
            ("Cache-Control" = String, description = "no-cache: public, the same for everyone"),
            ("ETag" = String, description = "Send it back in If-None-Match to get 304 while the catalog is unchanged"))),
        (status = 304, description = "The catalog page is unchanged since the ETag sent in If-None-Match"),
        (status = 400, description = "A limit that is not a whole number from 1 to 100, a \
            cursor that is not one we issued for this sort, or an unknown sort, category, level, \
            language or price (`validation_failed`, `field` names it), or a malformed query \
            (`bad_request`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn list_courses(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ListCourses>,
) -> Result<Response> {
    let query = query.parse()?;
    let key = query.cache_key();
    // Taken before the read: a write committing meanwhile makes this body too old to keep.
    let generation = state.db.catalog_generation().current();
    if let Some(hit) = state.catalog_cache.get(&key, generation) {
        return Ok(public_json(&headers, hit));
    }
    let page = catalog::list_courses(&state.db, &query).await?;
    let body = state.catalog_cache.put(key, generation, serialize(&page)?);
    Ok(public_json(&headers, body))
}

/// The viewer of a request, signed in or not (a bad credential reads as signed out).
async fn viewer_of(parts: &mut Parts, state: &AppState) -> Result<Option<CurrentUser>> {
    <CurrentUser as axum::extract::OptionalFromRequestParts<AppState>>::from_request_parts(
        parts, state,
    )
    .await
}

/// A course's page: summary, description and syllabus. A published course is public (and
/// cached, with an ETag); a draft is only its teacher's and admins', an archived course also its
/// enrolled learners'.
#[utoipa::path(
    get,
    path = "/api/courses/{course}",
    tag = "catalog",
    params(("course" = String, Path, description = "The course's id or slug")),
    responses(
        (status = 200, body = CourseDetail, headers(
            ("Cache-Control" = String, description = "no-cache for a published course (public); no-store otherwise"),
            ("ETag" = String, description = "For a published course: send it back in If-None-Match to get 304"))),
        (status = 304, description = "The course page is unchanged since the ETag sent in If-None-Match"),
        (status = 404, description = "No such course, or one the caller may not see (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn course_page(
    State(state): State<AppState>,
    Path(course): Path<String>,
    mut parts: Parts,
) -> Result<Response> {
    let key = format!("course:{course}");
    let generation = state.db.catalog_generation().current();
    if let Some(hit) = state.catalog_cache.get(&key, generation) {
        return Ok(public_json(&parts.headers, hit));
    }
    // Only a miss looks at the session: a published course's page is the same for everyone.
    let user = viewer_of(&mut parts, &state).await?;
    let viewer = match &user {
        Some(user) => Viewer::User {
            id: user.id(),
            role: user.role(),
        },
        None => Viewer::Anonymous,
    };
    let (head, _) = course_page::visible_course(&state.db, &course, viewer).await?;
    let detail = course_page::course_detail(&state.db, &head.id).await?;
    if detail.summary.status == CourseStatus::Published {
        let body = state
            .catalog_cache
            .put(key, generation, serialize(&detail)?);
        return Ok(public_json(&parts.headers, body));
    }
    // A draft or archived course is shown to a few people only: not cached anywhere (the
    // default `no-store`).
    Ok(axum::Json(detail).into_response())
}

/// A lesson of a course, for learners enrolled in it, its teacher and admins: sanitised HTML,
/// its place in the course and the previous and next lessons.
#[utoipa::path(
    get,
    path = "/api/courses/{course}/lessons/{lesson}",
    tag = "catalog",
    params(
        ("course" = String, Path, description = "The course's id or slug"),
        ("lesson" = String, Path, description = "The lesson's id"),
    ),
    responses(
        (status = 200, body = LessonView),
        SignedIn,
        (status = 403, description = "Not enrolled in the course, nor its teacher or an admin \
            (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such course (or one the caller may not see), or no \
            such lesson in it (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn lesson(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((course, lesson)): Path<(String, String)>,
) -> Result<axum::Json<LessonView>> {
    let viewer = Viewer::User {
        id: user.id(),
        role: user.role(),
    };
    Ok(axum::Json(
        course_page::lesson_view(&state.db, &course, &lesson, viewer).await?,
    ))
}
