//! Course authoring over HTTP: `POST /api/courses`, `GET /api/teaching/courses`, and under
//! `/api/courses/{course}` the draft, its fields, status, modules, lessons and outline order.
//!
//! Owns the wire side and who may call: teachers and admins (`RequireTeacherOrAdmin`), and for a
//! given course only its teacher or an admin (`require_course_owner`, checked before any write).
//! The rules and SQL are `crate::catalog::authoring`'s. These routes have their own, larger, body
//! limit (`limits.body.content`): a lesson body alone may be 200,000 characters.

use axum::extract::State;
use axum::http::StatusCode;
use shared::api::accounts::Role;
use shared::api::authoring::{
    CourseChanges, CourseDraft, LessonChanges, LessonDraft, ModuleDraft, ModuleInput, NewCourse,
    NewLesson, OutlineOrder, Saved, StatusChange,
};
use shared::api::courses::CourseSummary;
use shared::api::ErrorBody;
use shared::domain::{CourseId, LessonId, ModuleId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{path_id, require_course_owner, Json, Path, RequireTeacherOrAdmin};
use super::responses::{JsonBody, SignedIn, StateChanging};
use super::AppState;
use crate::catalog::authoring;
use crate::error::Result;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_course))
        .routes(routes!(teaching_courses))
        .routes(routes!(course_draft))
        .routes(routes!(update_course, delete_course))
        .routes(routes!(change_status))
        .routes(routes!(add_module))
        .routes(routes!(rename_module, delete_module))
        .routes(routes!(add_lesson))
        .routes(routes!(lesson_draft, update_lesson))
        .routes(routes!(delete_lesson))
        .routes(routes!(reorder_outline))
}

const NO_COURSE: &str = "no such course";
const NO_MODULE: &str = "no such module in this course";
const NO_LESSON: &str = "no such lesson in this course";

/// The course the path names, once the caller is known to be its teacher or an admin: a path id
/// that is not an id, or names no course, is 404; someone else's course is 403.
pub(super) async fn owned_course(
    state: &AppState,
    author: &RequireTeacherOrAdmin,
    course: &str,
) -> Result<CourseId> {
    let course: CourseId = path_id(course, NO_COURSE)?;
    let teacher = authoring::course_teacher(&state.db, &course).await?;
    require_course_owner(author, teacher.as_ref().map(|t| t.as_str()))?;
    Ok(course)
}

/// The course and lesson a lesson-scoped path names (its quiz, its AI drafts), once the caller is
/// known to be the course's teacher or an admin ([`owned_course`]); a lesson id that is not an id
/// is 404. Whether the lesson is the course's is the callee's query to answer (404 too).
pub(super) async fn owned_lesson(
    state: &AppState,
    author: &RequireTeacherOrAdmin,
    course: &str,
    lesson: &str,
) -> Result<(CourseId, LessonId)> {
    let course = owned_course(state, author, course).await?;
    let lesson: LessonId = path_id(lesson, NO_LESSON)?;
    Ok((course, lesson))
}

/// Creates an empty draft course owned by the caller; its slug is made from the title.
#[utoipa::path(
    post,
    path = "/api/courses",
    tag = "authoring",
    request_body = NewCourse,
    responses(
        (status = 201, body = CourseDraft),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 403, description = "Not a teacher or admin (`forbidden`), or refused as \
            cross-site (`csrf`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn create_course(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Json(new): Json<NewCourse>,
) -> Result<(StatusCode, axum::Json<CourseDraft>)> {
    let id = authoring::create_course(&state.db, author.id(), &new).await?;
    let draft = authoring::course_draft(&state.db, &id).await?;
    Ok((StatusCode::CREATED, axum::Json(draft)))
}

/// The caller's courses in every status, most recently edited first; for an admin, every course.
#[utoipa::path(
    get,
    path = "/api/teaching/courses",
    tag = "authoring",
    responses(
        (status = 200, body = Vec<CourseSummary>),
        SignedIn,
        (status = 403, description = "Not a teacher or admin (`forbidden`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn teaching_courses(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
) -> Result<axum::Json<Vec<CourseSummary>>> {
    let teacher = (author.role() != Role::Admin).then(|| author.id());
    Ok(axum::Json(
        authoring::teaching_courses(&state.db, teacher).await?,
    ))
}

/// Everything the editor shows of a course: fields, Markdown description, outline, version.
#[utoipa::path(
    get,
    path = "/api/courses/{course}/draft",
    tag = "authoring",
    params(("course" = String, Path, format = Uuid, description = "Course id")),
    responses(
        (status = 200, body = CourseDraft),
        SignedIn,
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such course (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn course_draft(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path(course): Path<String>,
) -> Result<axum::Json<CourseDraft>> {
    let course = owned_course(&state, &author, &course).await?;
    Ok(axum::Json(
        authoring::course_draft(&state.db, &course).await?,
    ))
}

/// Saves the fields the body holds (absent ones are kept; `null` clears category, cover, price).
/// The description is rendered and sanitised again.
#[utoipa::path(
    patch,
    path = "/api/courses/{course}",
    tag = "authoring",
    params(("course" = String, Path, format = Uuid, description = "Course id")),
    request_body = CourseChanges,
    responses(
        (status = 200, body = Saved),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 400, description = "A field breaks its rule, the category does not exist or \
            the cover is not an uploaded image (`validation_failed`, `field` names it), or the \
            body is not of the documented shape (`bad_request`)", body = ErrorBody),
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`), or \
            refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such course (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn update_course(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path(course): Path<String>,
    Json(changes): Json<CourseChanges>,
) -> Result<axum::Json<Saved>> {
    let course = owned_course(&state, &author, &course).await?;
    Ok(axum::Json(
        authoring::update_course(&state.db, &course, &changes).await?,
    ))
}

/// Deletes a course that was never published, with its modules and lessons.
#[utoipa::path(
    delete,
    path = "/api/courses/{course}",
    tag = "authoring",
    params(("course" = String, Path, format = Uuid, description = "Course id")),
    responses(
        (status = 204, description = "Deleted"),
        SignedIn,
        StateChanging,
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`), or \
            refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such course (`not_found`)", body = ErrorBody),
        (status = 409, description = "The course was published once; archive it instead \
            (`conflict`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn delete_course(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path(course): Path<String>,
) -> Result<StatusCode> {
    let course = owned_course(&state, &author, &course).await?;
    authoring::delete_course(&state.db, &course).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Publishes, archives or republishes a course.
#[utoipa::path(
    put,
    path = "/api/courses/{course}/status",
    tag = "authoring",
    params(("course" = String, Path, format = Uuid, description = "Course id")),
    request_body = StatusChange,
    responses(
        (status = 200, body = Saved),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`), or \
            refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such course (`not_found`)", body = ErrorBody),
        (status = 409, description = "Publishing a course without lessons, archiving a draft or \
            turning a published course back into a draft (`conflict`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn change_status(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path(course): Path<String>,
    Json(change): Json<StatusChange>,
) -> Result<axum::Json<Saved>> {
    let course = owned_course(&state, &author, &course).await?;
    Ok(axum::Json(
        authoring::change_status(&state.db, &course, change.status).await?,
    ))
}

/// Adds an empty module at the end of the course.
#[utoipa::path(
    post,
    path = "/api/courses/{course}/modules",
    tag = "authoring",
    params(("course" = String, Path, format = Uuid, description = "Course id")),
    request_body = ModuleInput,
    responses(
        (status = 201, body = ModuleDraft),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`), or \
            refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such course (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn add_module(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path(course): Path<String>,
    Json(input): Json<ModuleInput>,
) -> Result<(StatusCode, axum::Json<ModuleDraft>)> {
    let course = owned_course(&state, &author, &course).await?;
    let module = authoring::add_module(&state.db, &course, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(module)))
}

/// Renames a module.
#[utoipa::path(
    patch,
    path = "/api/courses/{course}/modules/{module}",
    tag = "authoring",
    params(
        ("course" = String, Path, format = Uuid, description = "Course id"),
        ("module" = String, Path, format = Uuid, description = "Module id (of this course)")
    ),
    request_body = ModuleInput,
    responses(
        (status = 200, body = Saved),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`), or \
            refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such course, or no such module in it (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn rename_module(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path((course, module)): Path<(String, String)>,
    Json(input): Json<ModuleInput>,
) -> Result<axum::Json<Saved>> {
    let course = owned_course(&state, &author, &course).await?;
    let module: ModuleId = path_id(&module, NO_MODULE)?;
    Ok(axum::Json(
        authoring::rename_module(&state.db, &course, &module, &input).await?,
    ))
}

/// Deletes a module and its lessons.
#[utoipa::path(
    delete,
    path = "/api/courses/{course}/modules/{module}",
    tag = "authoring",
    params(
        ("course" = String, Path, format = Uuid, description = "Course id"),
        ("module" = String, Path, format = Uuid, description = "Module id (of this course)")
    ),
    responses(
        (status = 200, body = Saved),
        SignedIn,
        StateChanging,
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`), or \
            refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such course, or no such module in it (`not_found`)", body = ErrorBody),
        (status = 409, description = "It holds the last lessons of a published course \
            (`conflict`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn delete_module(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path((course, module)): Path<(String, String)>,
) -> Result<axum::Json<Saved>> {
    let course = owned_course(&state, &author, &course).await?;
    let module: ModuleId = path_id(&module, NO_MODULE)?;
    Ok(axum::Json(
        authoring::delete_module(&state.db, &course, &module).await?,
    ))
}

/// Adds an empty lesson at the end of a module.
#[utoipa::path(
    post,
    path = "/api/courses/{course}/modules/{module}/lessons",
    tag = "authoring",
    params(
        ("course" = String, Path, format = Uuid, description = "Course id"),
        ("module" = String, Path, format = Uuid, description = "Module id (of this course)")
    ),
    request_body = NewLesson,
    responses(
        (status = 201, body = LessonDraft),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`), or \
            refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such course, or no such module in it (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn add_lesson(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path((course, module)): Path<(String, String)>,
    Json(new): Json<NewLesson>,
) -> Result<(StatusCode, axum::Json<LessonDraft>)> {
    let course = owned_course(&state, &author, &course).await?;
    let module: ModuleId = path_id(&module, NO_MODULE)?;
    let lesson = authoring::add_lesson(&state.db, &course, &module, &new).await?;
    Ok((StatusCode::CREATED, axum::Json(lesson)))
}

/// A lesson as its author edits it: Markdown source and the HTML learners will see.
#[utoipa::path(
    get,
    path = "/api/courses/{course}/lessons/{lesson}/draft",
    tag = "authoring",
    params(
        ("course" = String, Path, format = Uuid, description = "Course id"),
        ("lesson" = String, Path, format = Uuid, description = "Lesson id (of this course)")
    ),
    responses(
        (status = 200, body = LessonDraft),
        SignedIn,
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such course, or no such lesson in it (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn lesson_draft(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path((course, lesson)): Path<(String, String)>,
) -> Result<axum::Json<LessonDraft>> {
    let course = owned_course(&state, &author, &course).await?;
    let lesson: LessonId = path_id(&lesson, NO_LESSON)?;
    Ok(axum::Json(
        authoring::lesson_draft(&state.db, &course, &lesson).await?,
    ))
}

/// Saves the fields the body holds; answers the lesson as saved, its `html` rendered and
/// sanitised from the new body (the editor's preview).
#[utoipa::path(
    patch,
    path = "/api/courses/{course}/lessons/{lesson}/draft",
    tag = "authoring",
    params(
        ("course" = String, Path, format = Uuid, description = "Course id"),
        ("lesson" = String, Path, format = Uuid, description = "Lesson id (of this course)")
    ),
    request_body = LessonChanges,
    responses(
        (status = 200, body = LessonDraft),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`), or \
            refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such course, or no such lesson in it (`not_found`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn update_lesson(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path((course, lesson)): Path<(String, String)>,
    Json(changes): Json<LessonChanges>,
) -> Result<axum::Json<LessonDraft>> {
    let course = owned_course(&state, &author, &course).await?;
    let lesson: LessonId = path_id(&lesson, NO_LESSON)?;
    Ok(axum::Json(
        authoring::update_lesson(&state.db, &course, &lesson, &changes).await?,
    ))
}

/// Deletes a lesson.
#[utoipa::path(
    delete,
    path = "/api/courses/{course}/lessons/{lesson}",
    tag = "authoring",
    params(
        ("course" = String, Path, format = Uuid, description = "Course id"),
        ("lesson" = String, Path, format = Uuid, description = "Lesson id (of this course)")
    ),
    responses(
        (status = 200, body = Saved),
        SignedIn,
        StateChanging,
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`), or \
            refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such course, or no such lesson in it (`not_found`)", body = ErrorBody),
        (status = 409, description = "It is the last lesson of a published course \
            (`conflict`)", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn delete_lesson(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path((course, lesson)): Path<(String, String)>,
) -> Result<axum::Json<Saved>> {
    let course = owned_course(&state, &author, &course).await?;
    let lesson: LessonId = path_id(&lesson, NO_LESSON)?;
    Ok(axum::Json(
        authoring::delete_lesson(&state.db, &course, &lesson).await?,
    ))
}

/// Rewrites the order of modules and lessons (lessons may move between modules), in one go.
#[utoipa::path(
    put,
    path = "/api/courses/{course}/outline",
    tag = "authoring",
    params(("course" = String, Path, format = Uuid, description = "Course id")),
    request_body = OutlineOrder,
    responses(
        (status = 200, body = Saved),
        JsonBody,
        SignedIn,
        StateChanging,
        (status = 403, description = "Not this course's teacher or an admin (`forbidden`), or \
            refused as cross-site (`csrf`)", body = ErrorBody),
        (status = 404, description = "No such course (`not_found`)", body = ErrorBody),
        (status = 409, description = "`version` is not the course's current one, or the order \
            does not name exactly the course's modules and lessons, each once (`conflict`); \
            nothing changed", body = ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn reorder_outline(
    State(state): State<AppState>,
    author: RequireTeacherOrAdmin,
    Path(course): Path<String>,
    Json(order): Json<OutlineOrder>,
) -> Result<axum::Json<Saved>> {
    let course = owned_course(&state, &author, &course).await?;
    Ok(axum::Json(
        authoring::reorder_outline(&state.db, &course, &order).await?,
    ))
}
