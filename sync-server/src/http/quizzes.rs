//! Lesson quizzes over HTTP, under `/api/courses/{course}/lessons/{lesson}/quiz`: the teacher's
//! working copy (`GET`, pass mark `PUT`), its questions (`POST` a batch, `PUT`/`DELETE` one,
//! `PUT .../order`), publishing a version (`POST .../versions`) and the attempt statistics.
//!
//! Owns the wire side and who may call: the course's teacher or an admin (`require_course_owner`,
//! checked before anything is read or written). Rules and SQL are `crate::catalog::quizzes`'s.

use axum::extract::State;
use axum::http::StatusCode;
use shared::api::quizzes::{
    NewQuestions, QuestionInput, QuestionOrder, QuizDraft, QuizSettings, QuizStats, QuizView,
};
use shared::api::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::authoring::owned_lesson;
use super::extract::{Json, Path, RequireTeacherOrAdmin};
use super::responses::{JsonBody, SignedIn, StateChanging};
use super::AppState;
use crate::catalog::quizzes;
use crate::error::Result;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(quiz_draft, change_settings))
        .routes(routes!(add_questions))
        .routes(routes!(update_question, delete_question))
        .routes(routes!(reorder_questions))
        .routes(routes!(publish))
        .routes(routes!(quiz_stats))
}

/// The teacher's working copy: pass mark, questions in order (drafts marked), the latest
/// publication and whether the copy differs from it.
#[utoipa::path(
    get,
    path = "/api/courses/{course}/lessons/{lesson}/quiz",
    tag = "authoring",
    params(
        ("course" = String, Path, format = Uuid, description = "Course id"),
        ("lesson" = String, Path, format = Uuid, description = "Lesson id (of this course)")
    ),
    responses(
        (status = 200, body = QuizDraft),
        SignedIn,
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such course, or no such lesson in it (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn quiz_draft(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path((course, lesson)): Path<(String, String)>,
) -> Result<axum::Json<QuizDraft>> {
    let (course, lesson) = owned_lesson(&state, &author, &course, &lesson).await?;
    Ok(axum::Json(
        quizzes::quiz_draft(&state.db, &course, &lesson).await?,
    ))
}

/// Sets the pass mark (percent of questions right, 0 to 100) of the working copy.
#[utoipa::path(
    put,
    path = "/api/courses/{course}/lessons/{lesson}/quiz",
    tag = "authoring",
    params(
        ("course" = String, Path, format = Uuid, description = "Course id"),
        ("lesson" = String, Path, format = Uuid, description = "Lesson id (of this course)")
    ),
    request_body = QuizSettings,
    responses(
        (status = 200, body = QuizDraft),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 400, description = "`pass_mark` over 100 (`validation_failed`), or the body \
            is not of the documented shape (`bad_request`)", body = ErrorBody),
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`), or \
            refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such course, or no such lesson in it (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn change_settings(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path((course, lesson)): Path<(String, String)>,
    Json(settings): Json<QuizSettings>,
) -> Result<axum::Json<QuizDraft>> {
    let (course, lesson) = owned_lesson(&state, &author, &course, &lesson).await?;
    Ok(axum::Json(
        quizzes::change_settings(&state.db, &course, &lesson, settings).await?,
    ))
}

/// Appends questions, in order, to the working copy; `draft: true` ones (AI or offline
/// suggestions, with their `source`) wait for the teacher to accept them. All or nothing.
#[utoipa::path(
    post,
    path = "/api/courses/{course}/lessons/{lesson}/quiz/questions",
    tag = "authoring",
    params(
        ("course" = String, Path, format = Uuid, description = "Course id"),
        ("lesson" = String, Path, format = Uuid, description = "Lesson id (of this course)")
    ),
    request_body = NewQuestions,
    responses(
        (status = 201, body = QuizDraft),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 400, description = "The body is not of the documented shape (`bad_request`)", body = ErrorBody),
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`), or \
            refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such course, or no such lesson in it (`not_found`)", body = ErrorBody),
        (status = 422, description = "No question, a question that cannot be answered as \
            written (the message names it and says why), or more than the quiz may hold \
            (`unprocessable_content`); nothing added", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn add_questions(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path((course, lesson)): Path<(String, String)>,
    Json(new): Json<NewQuestions>,
) -> Result<(StatusCode, axum::Json<QuizDraft>)> {
    let (course, lesson) = owned_lesson(&state, &author, &course, &lesson).await?;
    let draft = quizzes::add_questions(&state.db, &course, &lesson, new).await?;
    Ok((StatusCode::CREATED, axum::Json(draft)))
}

/// Replaces a question's content and draft flag (`draft: false` accepts a suggestion).
#[utoipa::path(
    put,
    path = "/api/courses/{course}/lessons/{lesson}/quiz/questions/{question}",
    tag = "authoring",
    params(
        ("course" = String, Path, format = Uuid, description = "Course id"),
        ("lesson" = String, Path, format = Uuid, description = "Lesson id (of this course)"),
        ("question" = String, Path, description = "Question id (of this lesson's quiz)")
    ),
    request_body = QuestionInput,
    responses(
        (status = 200, body = QuizDraft),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 400, description = "The body is not of the documented shape (`bad_request`)", body = ErrorBody),
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`), or \
            refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such course, lesson or question (`not_found`)", body = ErrorBody),
        (status = 422, description = "The question cannot be answered as written \
            (`unprocessable_content`); nothing changed", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn update_question(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path((course, lesson, question)): Path<(String, String, String)>,
    Json(input): Json<QuestionInput>,
) -> Result<axum::Json<QuizDraft>> {
    let (course, lesson) = owned_lesson(&state, &author, &course, &lesson).await?;
    Ok(axum::Json(
        quizzes::update_question(&state.db, &course, &lesson, &question, input).await?,
    ))
}

/// Removes a question from the working copy (discards a suggestion); versions already
/// published keep it.
#[utoipa::path(
    delete,
    path = "/api/courses/{course}/lessons/{lesson}/quiz/questions/{question}",
    tag = "authoring",
    params(
        ("course" = String, Path, format = Uuid, description = "Course id"),
        ("lesson" = String, Path, format = Uuid, description = "Lesson id (of this course)"),
        ("question" = String, Path, description = "Question id (of this lesson's quiz)")
    ),
    responses(
        (status = 200, body = QuizDraft),
        SignedIn,
        StateChanging,
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`), or \
            refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such course, lesson or question (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn delete_question(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path((course, lesson, question)): Path<(String, String, String)>,
) -> Result<axum::Json<QuizDraft>> {
    let (course, lesson) = owned_lesson(&state, &author, &course, &lesson).await?;
    Ok(axum::Json(
        quizzes::delete_question(&state.db, &course, &lesson, &question).await?,
    ))
}

/// Puts the working copy's questions in a new order, naming every one once.
#[utoipa::path(
    put,
    path = "/api/courses/{course}/lessons/{lesson}/quiz/order",
    tag = "authoring",
    params(
        ("course" = String, Path, format = Uuid, description = "Course id"),
        ("lesson" = String, Path, format = Uuid, description = "Lesson id (of this course)")
    ),
    request_body = QuestionOrder,
    responses(
        (status = 200, body = QuizDraft),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 400, description = "The body is not of the documented shape (`bad_request`)", body = ErrorBody),
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`), or \
            refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such course, or no such lesson in it (`not_found`)", body = ErrorBody),
        (status = 409, description = "The order does not name exactly the quiz's questions, \
            each once (`conflict`); nothing changed", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn reorder_questions(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path((course, lesson)): Path<(String, String)>,
    Json(order): Json<QuestionOrder>,
) -> Result<axum::Json<QuizDraft>> {
    let (course, lesson) = owned_lesson(&state, &author, &course, &lesson).await?;
    Ok(axum::Json(
        quizzes::reorder_questions(&state.db, &course, &lesson, &order).await?,
    ))
}

/// Publishes the working copy's accepted questions and pass mark as the next version: learners
/// get it with the lesson from now on; attempts already made count against their own version.
#[utoipa::path(
    post,
    path = "/api/courses/{course}/lessons/{lesson}/quiz/versions",
    tag = "authoring",
    params(
        ("course" = String, Path, format = Uuid, description = "Course id"),
        ("lesson" = String, Path, format = Uuid, description = "Lesson id (of this course)")
    ),
    responses(
        (status = 201, body = QuizView),
        SignedIn,
        StateChanging,
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`), or \
            refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such course, or no such lesson in it (`not_found`)", body = ErrorBody),
        (status = 409, description = "No accepted question, or more than a quiz may publish \
            (`conflict`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn publish(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path((course, lesson)): Path<(String, String)>,
) -> Result<(StatusCode, axum::Json<QuizView>)> {
    let (course, lesson) = owned_lesson(&state, &author, &course, &lesson).await?;
    let view = quizzes::publish(&state.db, &course, &lesson).await?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}

/// How learners did: attempts, learners, pass rate, median time and accuracy per question, each
/// attempt scored on the server against the version it was taken on.
#[utoipa::path(
    get,
    path = "/api/courses/{course}/lessons/{lesson}/quiz/stats",
    tag = "authoring",
    params(
        ("course" = String, Path, format = Uuid, description = "Course id"),
        ("lesson" = String, Path, format = Uuid, description = "Lesson id (of this course)")
    ),
    responses(
        (status = 200, body = QuizStats),
        SignedIn,
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such course, or no such lesson in it (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn quiz_stats(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path((course, lesson)): Path<(String, String)>,
) -> Result<axum::Json<QuizStats>> {
    let (course, lesson) = owned_lesson(&state, &author, &course, &lesson).await?;
    Ok(axum::Json(
        quizzes::quiz_stats(&state.db, &course, &lesson).await?,
    ))
}
