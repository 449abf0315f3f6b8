//! The tutor on the wire: `/api/lessons/{lesson}/tutor/...` (ask, list),
//! `/api/tutor/conversations/{id}` (read, delete, retry), `/api/tutor/messages/{id}/feedback` and
//! `/api/courses/{course}/tutor/insights`.
//!
//! Owns the wire side only: a reply's `tutor::Turn` becomes a `text/event-stream` response, one
//! `data:` line of JSON (`TutorEvent`) per event. Who may ask and read what is `crate::tutor`'s.

use std::convert::Infallible;

use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use shared::api::tutor::{
    Conversation, ConversationList, NewTutorMessage, TutorEvent, TutorFeedback, TutorInsights,
    TutorMessage,
};
use shared::api::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{CurrentUser, Json, Path};
use super::responses::{JsonBody, Limited, SignedIn, StateChanging};
use super::AppState;
use crate::catalog::course_page::Viewer;
use crate::error::Result;
use crate::tutor::{Learner, Turn};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ask))
        .routes(routes!(list_conversations))
        .routes(routes!(read_conversation, delete_conversation))
        .routes(routes!(retry_reply))
        .routes(routes!(rate_reply))
        .routes(routes!(insights))
}

fn learner(user: &CurrentUser) -> Learner<'_> {
    Learner {
        id: user.id(),
        role: user.role(),
    }
}

/// A turn's events as server-sent events: each a `data:` line of JSON, with a keep-alive comment
/// while the model thinks. Proxies are asked not to buffer it.
fn event_stream(turn: Turn) -> Response {
    let events = futures_util::stream::unfold(turn, |mut turn| async move {
        let event: TutorEvent = turn.recv().await?;
        let sse = Event::default()
            .json_data(&event)
            .unwrap_or_else(|_| Event::default().comment("unencodable event"));
        Some((Ok::<_, Infallible>(sse), turn))
    });
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response();
    response.headers_mut().insert(
        HeaderName::from_static("x-accel-buffering"),
        HeaderValue::from_static("no"),
    );
    response
}

/// Asks the tutor about a lesson: the question is stored, and the reply streams as server-sent
/// events (`start`, `delta`..., perhaps `replace`, then `done` or `error`; see `TutorEvent`). The
/// reply answers from the lesson and its course's most relevant passages (cited as `[n]`), starts
/// from the quiz questions the learner got wrong, never gives a quiz answer away (a reply that
/// does is replaced by a hint), and is written in the learner's language. With no language model
/// configured, the built-in offline tutor answers, marked `made_without_llm`. Closing the stream
/// stops the reply: what was written is kept as `incomplete`.
#[utoipa::path(
    post,
    path = "/api/lessons/{lesson}/tutor/messages",
    tag = "tutor",
    params(("lesson" = String, Path, description = "The lesson's id")),
    request_body = NewTutorMessage,
    responses(
        (status = 200, description = "The reply's events, one `data:` line of JSON each",
            content_type = "text/event-stream", body = TutorEvent),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 403, description = "Not enrolled in the lesson's course, nor its teacher or \
            an admin (`forbidden`), or refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such lesson, or no such conversation of the caller's \
            about it (`not_found`)", body = ErrorBody),
        (status = 409, description = "The conversation is full, or another message was just \
            sent in it (`conflict`)", body = ErrorBody),
        Limited,
        (status = 502, description = "The language model's provider failed before the reply \
            began; nothing was stored (`upstream_failed`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn ask(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(lesson): Path<String>,
    Json(input): Json<NewTutorMessage>,
) -> Result<Response> {
    let turn = state.tutor.ask(&lesson, learner(&user), &input).await?;
    Ok(event_stream(turn))
}

/// The caller's conversations with the tutor about a lesson, the latest first.
#[utoipa::path(
    get,
    path = "/api/lessons/{lesson}/tutor/conversations",
    tag = "tutor",
    params(("lesson" = String, Path, description = "The lesson's id")),
    responses(
        (status = 200, body = ConversationList),
        SignedIn,
        (status = 403, description = "Not enrolled in the lesson's course, nor its teacher or \
            an admin (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such lesson (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn list_conversations(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(lesson): Path<String>,
) -> Result<axum::Json<ConversationList>> {
    Ok(axum::Json(state.tutor.list(&lesson, learner(&user)).await?))
}

/// One of the caller's conversations, oldest message first.
#[utoipa::path(
    get,
    path = "/api/tutor/conversations/{conversation}",
    tag = "tutor",
    params(("conversation" = String, Path, description = "The conversation's id")),
    responses(
        (status = 200, body = Conversation),
        SignedIn,
        (status = 404, description = "No such conversation of the caller's (`not_found`)",
            body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn read_conversation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(conversation): Path<String>,
) -> Result<axum::Json<Conversation>> {
    Ok(axum::Json(
        state.tutor.conversation(&conversation, user.id()).await?,
    ))
}

/// Deletes one of the caller's conversations with its messages and ratings.
#[utoipa::path(
    delete,
    path = "/api/tutor/conversations/{conversation}",
    tag = "tutor",
    params(("conversation" = String, Path, description = "The conversation's id")),
    responses(
        (status = 204, description = "Deleted"),
        SignedIn,
        StateChanging,
        (status = 404, description = "No such conversation of the caller's (`not_found`)",
            body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn delete_conversation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(conversation): Path<String>,
) -> Result<StatusCode> {
    state.tutor.delete(&conversation, user.id()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Writes the conversation's last reply again (one that failed, was stopped, or did not help),
/// streamed like a new one; the old reply is replaced. The `start` event has no `question`.
#[utoipa::path(
    post,
    path = "/api/tutor/conversations/{conversation}/retry",
    tag = "tutor",
    params(("conversation" = String, Path, description = "The conversation's id")),
    responses(
        (status = 200, description = "The reply's events, one `data:` line of JSON each",
            content_type = "text/event-stream", body = TutorEvent),
        SignedIn,
        StateChanging,
        (status = 403, description = "No longer enrolled in the lesson's course (`forbidden`), \
            or refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such conversation of the caller's (`not_found`)",
            body = ErrorBody),
        (status = 409, description = "The conversation has no question to answer (`conflict`)",
            body = ErrorBody),
        Limited,
        (status = 502, description = "The language model's provider failed before the reply \
            began (`upstream_failed`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn retry_reply(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(conversation): Path<String>,
) -> Result<Response> {
    let turn = state.tutor.retry(&conversation, learner(&user)).await?;
    Ok(event_stream(turn))
}

/// Rates one of the tutor's replies in the caller's conversations, with an optional comment;
/// rating again replaces it.
#[utoipa::path(
    put,
    path = "/api/tutor/messages/{message}/feedback",
    tag = "tutor",
    params(("message" = String, Path, description = "The reply's id")),
    request_body = TutorFeedback,
    responses(
        (status = 200, body = TutorMessage),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 404, description = "No such reply in the caller's conversations \
            (`not_found`)", body = ErrorBody),
        (status = 422, description = "A learner's own message: only replies are rated \
            (`unprocessable_content`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn rate_reply(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(message): Path<String>,
    Json(input): Json<TutorFeedback>,
) -> Result<axum::Json<TutorMessage>> {
    Ok(axum::Json(
        state.tutor.rate(&message, user.id(), &input).await?,
    ))
}

/// How often learners ask the tutor about each lesson of a course, what they ask most (questions
/// asked by two learners or more, never who asked) and how they rate the replies: where a lesson
/// is unclear. For the course's teacher and admins.
#[utoipa::path(
    get,
    path = "/api/courses/{course}/tutor/insights",
    tag = "tutor",
    params(("course" = String, Path, description = "The course's id or slug")),
    responses(
        (status = 200, body = TutorInsights),
        SignedIn,
        (status = 403, description = "Not the course's teacher or an admin (`forbidden`)",
            body = ErrorBody),
        (status = 404, description = "No such course the caller may see (`not_found`)",
            body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn insights(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(course): Path<String>,
) -> Result<axum::Json<TutorInsights>> {
    let viewer = Viewer::User {
        id: user.id(),
        role: user.role(),
    };
    Ok(axum::Json(state.tutor.insights(&course, viewer).await?))
}
