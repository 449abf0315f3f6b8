//! Lesson discussions on the wire: `/api/lessons/{lesson}/posts`, `/api/posts/{post}` (edit,
//! delete), its moderation and reports, and `/api/courses/{course}/reports`.
//!
//! Owns the wire side only; who may read, write and moderate, the rate limit and the notices are
//! `crate::discussions`'.

use axum::extract::State;
use axum::http::StatusCode;
use shared::api::discussions::{
    Moderation, NewPost, NewReport, Post, PostEdit, PostReportPage, Thread, ThreadPage,
};
use shared::api::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{page_limit, CurrentUser, Json, Path, Query};
use super::responses::{JsonBody, Limited, SignedIn, StateChanging};
use super::AppState;
use crate::discussions::{self, Caller, PageCursor};
use crate::error::Result;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_posts, create_post))
        .routes(routes!(edit_post, delete_post))
        .routes(routes!(moderate_post))
        .routes(routes!(report_post))
        .routes(routes!(list_reports))
}

fn caller(user: &CurrentUser) -> Caller<'_> {
    Caller {
        id: user.id(),
        role: user.role(),
    }
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct PageQuery {
    /// Page size, 1 to 100; 20 when absent.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// `next_cursor` of the previous page; absent for the first page.
    cursor: Option<String>,
}

impl PageQuery {
    fn parse(&self) -> Result<(u32, Option<PageCursor>)> {
        let limit = page_limit(self.limit.as_deref())?;
        let cursor = match self.cursor.as_deref() {
            None | Some("") => None,
            Some(text) => Some(PageCursor::decode(text)?),
        };
        Ok((limit, cursor))
    }
}

/// A lesson's discussion: threads with their replies, pinned first, then by latest activity.
/// Learners do not see hidden posts; the course's teacher and admins see them marked.
#[utoipa::path(
    get,
    path = "/api/lessons/{lesson}/posts",
    tag = "discussions",
    params(("lesson" = String, Path, description = "The lesson's id"), PageQuery),
    responses(
        (status = 200, body = ThreadPage),
        (status = 400, description = "A bad limit or a cursor we did not issue \
            (`validation_failed`), or a malformed query (`bad_request`)", body = ErrorBody),
        SignedIn,
        (status = 403, description = "Not enrolled in the lesson's course, nor its teacher or \
            an admin (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such lesson, or one of a course the caller may not \
            see (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn list_posts(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(lesson): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<axum::Json<ThreadPage>> {
    let (limit, cursor) = query.parse()?;
    Ok(axum::Json(
        discussions::list_threads(&state.db, &lesson, caller(&user), limit, cursor).await?,
    ))
}

/// Starts a thread under a lesson, or replies to a thread's first post (`parent_id`). The body
/// is Markdown, sanitised as lesson text is. Participants of the thread are notified of a reply.
#[utoipa::path(
    post,
    path = "/api/lessons/{lesson}/posts",
    tag = "discussions",
    params(("lesson" = String, Path, description = "The lesson's id")),
    request_body = NewPost,
    responses(
        (status = 201, body = Post),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 403, description = "Not enrolled in the lesson's course, nor its teacher or \
            an admin (`forbidden`), or refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such lesson, or no such thread under it \
            (`not_found`)", body = ErrorBody),
        (status = 422, description = "A reply to a reply: replies go one level deep \
            (`unprocessable_content`)", body = ErrorBody),
        Limited
    )
)]
#[tracing::instrument(skip_all)]
async fn create_post(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(lesson): Path<String>,
    Json(input): Json<NewPost>,
) -> Result<(StatusCode, axum::Json<Post>)> {
    let post = discussions::create_post(
        &state.db,
        state.config.limits.posts,
        &lesson,
        caller(&user),
        &input,
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(post)))
}

/// Changes the text of the caller's own post.
#[utoipa::path(
    patch,
    path = "/api/posts/{post}",
    tag = "discussions",
    params(("post" = String, Path, description = "The post's id")),
    request_body = PostEdit,
    responses(
        (status = 200, body = Post),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 403, description = "Someone else's post, or a lesson the caller may not \
            discuss (`forbidden`), or refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such post, or a deleted or hidden one (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn edit_post(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(post): Path<String>,
    Json(input): Json<PostEdit>,
) -> Result<axum::Json<Post>> {
    Ok(axum::Json(
        discussions::edit_post(&state.db, &post, caller(&user), &input).await?,
    ))
}

/// Deletes the caller's own post. A thread's first post with replies stays as a placeholder.
#[utoipa::path(
    delete,
    path = "/api/posts/{post}",
    tag = "discussions",
    params(("post" = String, Path, description = "The post's id")),
    responses(
        (status = 204, description = "Deleted"),
        SignedIn,
        StateChanging,
        (status = 403, description = "Someone else's post, or a lesson the caller may not \
            discuss (`forbidden`), or refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such post, or a deleted or hidden one (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn delete_post(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(post): Path<String>,
) -> Result<StatusCode> {
    discussions::delete_post(&state.db, &post, caller(&user)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Pins a thread, hides or shows a post, marks a reply as its thread's answer (or unmarks it):
/// the course's teacher and admins. Returns the thread as they see it.
#[utoipa::path(
    put,
    path = "/api/posts/{post}/moderation",
    tag = "discussions",
    params(("post" = String, Path, description = "The post's id")),
    request_body = Moderation,
    responses(
        (status = 200, body = Thread),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 403, description = "Not the course's teacher nor an admin (`forbidden`), or \
            refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such post, or a deleted one (`not_found`)", body = ErrorBody),
        (status = 422, description = "Pinning a reply, or marking a thread's first post as \
            the answer (`unprocessable_content`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn moderate_post(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(post): Path<String>,
    Json(input): Json<Moderation>,
) -> Result<axum::Json<Thread>> {
    Ok(axum::Json(
        discussions::moderate(&state.db, &post, caller(&user), &input).await?,
    ))
}

/// Reports a post to the course's teacher and admins. Reporting it again changes nothing.
#[utoipa::path(
    post,
    path = "/api/posts/{post}/reports",
    tag = "discussions",
    params(("post" = String, Path, description = "The post's id")),
    request_body = NewReport,
    responses(
        (status = 204, description = "Reported"),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 403, description = "A lesson the caller may not discuss (`forbidden`), or \
            refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such post, or a deleted or hidden one (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn report_post(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(post): Path<String>,
    Json(input): Json<NewReport>,
) -> Result<StatusCode> {
    discussions::report(&state.db, &post, caller(&user), &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reports of a course's discussion posts, newest first: the course's teacher and admins.
#[utoipa::path(
    get,
    path = "/api/courses/{course}/reports",
    tag = "discussions",
    params(("course" = String, Path, description = "The course's id or slug"), PageQuery),
    responses(
        (status = 200, body = PostReportPage),
        (status = 400, description = "A bad limit or a cursor we did not issue \
            (`validation_failed`), or a malformed query (`bad_request`)", body = ErrorBody),
        SignedIn,
        (status = 403, description = "Not the course's teacher nor an admin (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such course, or one the caller may not see \
            (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn list_reports(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(course): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<axum::Json<PostReportPage>> {
    let (limit, cursor) = query.parse()?;
    Ok(axum::Json(
        discussions::list_reports(&state.db, &course, caller(&user), limit, cursor).await?,
    ))
}
