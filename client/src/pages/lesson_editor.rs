//! `/teach/courses/:id/lessons/:lesson`: a lesson's editor. Title, time, video and the Markdown
//! body save themselves (`hooks::use_autosave`, like the course editor); Preview shows the body as
//! learners will see it (the server renders and sanitises it); images are uploaded and inserted at
//! the cursor. The lesson's quiz is edited below it (`quiz`).

pub mod quiz;

use shared::api::authoring::{LessonChanges, LessonDraft};
use shared::api::quiz_drafts::DraftBatch;
use shared::api::quizzes::QuestionSource;
use shared::domain::{CourseId, LessonId};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::authoring::{problem_text, NotYours, SaveIndicator};
use crate::components::form::TextField;
use crate::components::NavLink;
use crate::components::{ErrorNotice, PageLoading, QuizDrafts};
use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::hooks::{use_autosave, use_page_title};
use crate::route::Route;

const FORM: &str = "lesson-editor";

#[derive(Properties, PartialEq)]
pub struct LessonEditorProps {
    pub course: AttrValue,
    pub lesson: AttrValue,
}

#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Ready(LessonDraft),
    Failed(ClientError),
}

#[function_component(LessonEditorPage)]
pub fn lesson_editor_page(props: &LessonEditorProps) -> Html {
    let texts = use_texts();
    let t = &texts.authoring;
    use_page_title(t.lesson_editor_title);
    let ids = CourseId::parse(&props.course)
        .ok()
        .zip(LessonId::parse(&props.lesson).ok());
    let draft = use_state(|| Load::Loading);
    let load = {
        let (draft, ids) = (draft.clone(), ids.clone());
        Callback::from(move |()| {
            let (draft, ids) = (draft.clone(), ids.clone());
            wasm_bindgen_futures::spawn_local(async move {
                draft.set(match ids {
                    Some((course, lesson)) => match api::lesson_draft(&course, &lesson).await {
                        Ok(loaded) => Load::Ready(loaded),
                        Err(error) => Load::Failed(error),
                    },
                    None => Load::Failed(ClientError::NotFound {
                        message: String::new(),
                    }),
                });
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with((props.course.clone(), props.lesson.clone()), move |_| {
            load.emit(())
        });
    }
    let body = match (&*draft, &ids) {
        (Load::Loading, _) => html! { <PageLoading /> },
        (Load::Failed(ClientError::Forbidden), _) => html! { <NotYours /> },
        (Load::Failed(error), _) => html! {
            <ErrorNotice testid="lesson-editor-error" title={t.lesson_error} error={error.clone()} on_retry={load} />
        },
        (Load::Ready(draft), Some((course, lesson))) => html! {
            <>
                <LessonForm key={draft.id.as_str().to_owned()} course={course.clone()} draft={draft.clone()} />
                <QuizSection course={course.clone()} lesson={lesson.clone()} />
            </>
        },
        (Load::Ready(_), None) => Html::default(),
    };
    html! {
        <section class="editor" data-testid="lesson-editor" aria-labelledby="lesson-editor-title">
            <nav class="editor__crumbs">
                <Link<Route> to={Route::TeachCourse { id: props.course.to_string() }}>{ t.back_to_course }</Link<Route>>
                <NavLink to={Route::Lesson { course: props.course.to_string(), lesson: props.lesson.to_string() }} testid="view-as-student">
                    { t.view_as_student }
                </NavLink>
            </nav>
            <h1 id="lesson-editor-title" class="page-hero__title">{ t.lesson_editor_title }</h1>
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct QuizSectionProps {
    course: CourseId,
    lesson: LessonId,
}

/// The quiz editor and, beside it, the drafts panel whose accepted questions join the quiz as
/// drafts ("AI suggestion", or "Suggested" when made without a language model).
#[function_component(QuizSection)]
fn quiz_section(props: &QuizSectionProps) -> Html {
    let texts = use_texts();
    let revision = use_state_eq(|| 0u32);
    let problem = use_state_eq(|| None::<String>);
    let on_accept = {
        let (revision, problem) = (revision.clone(), problem.clone());
        let (course, lesson) = (props.course.clone(), props.lesson.clone());
        Callback::from(move |batch: DraftBatch| {
            let (revision, problem) = (revision.clone(), problem.clone());
            let (course, lesson) = (course.clone(), lesson.clone());
            let source = if batch.made_without_llm {
                QuestionSource::Offline
            } else {
                QuestionSource::Ai
            };
            wasm_bindgen_futures::spawn_local(async move {
                match quiz::add_drafts(&course, &lesson, batch.questions, source).await {
                    Ok(_) => {
                        problem.set(None);
                        revision.set(*revision + 1);
                    }
                    Err(error) => problem.set(Some(problem_text(&error, texts))),
                }
            });
        })
    };
    html! {
        <>
            <quiz::QuizEditor course={props.course.clone()} lesson={props.lesson.clone()} revision={*revision} />
            if let Some(problem) = &*problem {
                <p class="field__error" role="alert" data-testid="drafts-add-error">{ problem.clone() }</p>
            }
            <QuizDrafts course={props.course.clone()} lesson={props.lesson.clone()} {on_accept} />
        </>
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Fields {
    title: String,
    minutes: String,
    video_url: String,
    body: String,
}

impl Fields {
    /// Everything, saved whole; minutes that do not read as a number are left as they were.
    fn changes(&self) -> LessonChanges {
        let video = self.video_url.trim();
        LessonChanges {
            title: Some(self.title.clone()),
            body: Some(self.body.clone()),
            video_url: Some((!video.is_empty()).then(|| video.to_owned())),
            estimated_minutes: self.minutes.trim().parse().ok(),
        }
    }
}

/// `text` with `insert` put at the UTF-16 offset `at` (what `selectionStart` counts), and the
/// UTF-16 offset just after it.
pub(crate) fn insert_at(text: &str, at: u32, insert: &str) -> (String, u32) {
    let mut units: Vec<u16> = text.encode_utf16().collect();
    let at = (at as usize).min(units.len());
    let added: Vec<u16> = insert.encode_utf16().collect();
    let end = at + added.len();
    units.splice(at..at, added);
    (
        String::from_utf16_lossy(&units),
        u32::try_from(end).unwrap_or(u32::MAX),
    )
}

/// Alt text from a file name: its stem, without what would end Markdown's `[...]`.
pub(crate) fn alt_text(file_name: &str) -> String {
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    stem.chars()
        .filter(|c| !matches!(c, '[' | ']' | '\n' | '\r'))
        .collect::<String>()
        .trim()
        .to_owned()
}

#[derive(Properties, PartialEq)]
struct LessonFormProps {
    course: CourseId,
    draft: LessonDraft,
}

#[function_component(LessonForm)]
fn lesson_form(props: &LessonFormProps) -> Html {
    let texts = use_texts();
    let t = &texts.authoring;
    let draft = &props.draft;
    let fields = use_state(|| Fields {
        title: draft.title.clone(),
        minutes: draft.estimated_minutes.to_string(),
        video_url: draft.video_url.clone().unwrap_or_default(),
        body: draft.body.clone(),
    });
    let preview = use_state_eq(|| false);
    let html_preview = use_state_eq(|| None::<Result<String, ClientError>>);
    let area = use_node_ref();
    let cursor = use_state_eq(|| None::<u32>);
    let image_busy = use_state_eq(|| false);
    let image_error = use_state_eq(|| None::<ClientError>);

    let autosave = {
        let (course, lesson) = (props.course.clone(), draft.id.clone());
        use_autosave(move |changes: LessonChanges| {
            let (course, lesson) = (course.clone(), lesson.clone());
            async move {
                api::update_lesson(&course, &lesson, &changes)
                    .await
                    .map(|_| ())
            }
        })
    };
    let edit = {
        let (fields, schedule) = (fields.clone(), autosave.schedule.clone());
        move |change: fn(&mut Fields, String)| {
            let (fields, schedule) = (fields.clone(), schedule.clone());
            Callback::from(move |value: String| {
                let mut next = (*fields).clone();
                change(&mut next, value);
                schedule.emit(next.changes());
                fields.set(next);
            })
        }
    };
    // After inserting an image the cursor goes after it.
    {
        let area = area.clone();
        use_effect_with(*cursor, move |cursor| {
            if let (Some(at), Some(area)) = (cursor, area.cast::<HtmlTextAreaElement>()) {
                let _ = area.focus();
                let _ = area.set_selection_range(*at, *at);
            }
        });
    }
    let show_tab = {
        let (preview, html_preview, fields) =
            (preview.clone(), html_preview.clone(), fields.clone());
        move |show_preview: bool| {
            let (preview, html_preview, fields) =
                (preview.clone(), html_preview.clone(), fields.clone());
            Callback::from(move |_: MouseEvent| {
                preview.set(show_preview);
                if !show_preview {
                    return;
                }
                html_preview.set(None);
                let (html_preview, markdown) = (html_preview.clone(), fields.body.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    html_preview.set(Some(api::preview_markdown(&markdown).await));
                });
            })
        }
    };
    let on_image = {
        let (fields, schedule, area, cursor, busy, error) = (
            fields.clone(),
            autosave.schedule.clone(),
            area.clone(),
            cursor.clone(),
            image_busy.clone(),
            image_error.clone(),
        );
        Callback::from(move |event: Event| {
            let input = event.target_unchecked_into::<HtmlInputElement>();
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            input.set_value("");
            let at = area
                .cast::<HtmlTextAreaElement>()
                .and_then(|a| a.selection_start().ok().flatten())
                .unwrap_or(u32::MAX);
            let (fields, schedule, cursor, busy, error) = (
                fields.clone(),
                schedule.clone(),
                cursor.clone(),
                busy.clone(),
                error.clone(),
            );
            busy.set(true);
            error.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                match api::upload_media(&file).await {
                    Ok(item) => {
                        let markdown = format!("![{}]({})", alt_text(&file.name()), item.url);
                        let mut next = (*fields).clone();
                        let (body, end) = insert_at(&next.body, at, &markdown);
                        next.body = body;
                        schedule.emit(next.changes());
                        fields.set(next);
                        cursor.set(Some(end));
                    }
                    Err(failure) => error.set(Some(failure)),
                }
                busy.set(false);
            });
        })
    };
    let body_input = {
        let edit = edit(|f, v| f.body = v);
        Callback::from(move |event: InputEvent| {
            edit.emit(event.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let minutes_problem = fields
        .minutes
        .trim()
        .parse::<u32>()
        .is_err()
        .then(|| texts.forms.problem_whole_number.to_owned());

    html! {
        <div class="editor__layout">
            <div class="editor__bar">
                <SaveIndicator status={autosave.status.clone()} on_retry={autosave.flush.clone()} />
            </div>
            <form id={FORM} class="panel form" novalidate=true onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <TextField form={FORM} name="title" label={t.field_title} value={fields.title.clone()}
                    required=true maxlength={200} autocomplete="off" oninput={edit(|f, v| f.title = v)} />
                <div class="form__row">
                    <TextField form={FORM} name="minutes" label={t.field_minutes} value={fields.minutes.clone()}
                        inputmode="numeric" autocomplete="off" error={minutes_problem}
                        oninput={edit(|f, v| f.minutes = v)} />
                    <TextField form={FORM} name="video_url" label={t.field_video} kind="url"
                        value={fields.video_url.clone()} hint={t.field_video_hint} autocomplete="off"
                        oninput={edit(|f, v| f.video_url = v)} />
                </div>
                <div class="markdown-editor">
                    <div class="markdown-editor__bar">
                        <div class="tabs" role="tablist" aria-label={t.field_body}>
                            <button type="button" role="tab" id="tab-write" class={classes!("tabs__tab", (!*preview).then_some("is-selected"))} aria-controls="panel-write"
                                aria-selected={(!*preview).to_string()} data-testid="tab-write" onclick={show_tab(false)}>
                                { t.tab_write }
                            </button>
                            <button type="button" role="tab" id="tab-preview" class={classes!("tabs__tab", preview.then_some("is-selected"))} aria-controls="panel-preview"
                                aria-selected={(*preview).to_string()} data-testid="tab-preview" onclick={show_tab(true)}>
                                { t.tab_preview }
                            </button>
                        </div>
                        if !*preview {
                            <label class="button button--secondary button--small" for="insert-image">
                                { if *image_busy { t.cover_uploading } else { t.insert_image } }
                            </label>
                            <input id="insert-image" class="visually-hidden" type="file" data-testid="insert-image"
                                accept="image/png,image/jpeg,image/webp,image/gif" disabled={*image_busy} onchange={on_image} />
                        }
                    </div>
                    if let Some(error) = &*image_error {
                        <p class="field__error" role="alert" data-testid="image-error">{ problem_text(error, texts) }</p>
                    }
                    if *preview {
                        <div id="panel-preview" role="tabpanel" aria-labelledby="tab-preview" class="markdown-editor__preview"
                            data-testid="preview" tabindex="0">
                            { match &*html_preview {
                                None => html! { <p class="status-line" role="status">{ t.preview_loading }</p> },
                                Some(Ok(html)) if html.trim().is_empty() => html! { <p class="status-line">{ t.preview_empty }</p> },
                                Some(Ok(html)) => html! {
                                    <div class="lesson-content">{ Html::from_html_unchecked(AttrValue::from(html.clone())) }</div>
                                },
                                Some(Err(error)) => html! { <p class="field__error" role="alert">{ problem_text(error, texts) }</p> },
                            } }
                        </div>
                    } else {
                        <div id="panel-write" role="tabpanel" aria-labelledby="tab-write">
                            <label class="field__label" for="lesson-editor-body">{ t.field_body }</label>
                            <textarea id="lesson-editor-body" name="body" ref={area} class="field__input field__input--area markdown-editor__source"
                                rows="18" spellcheck="true" value={fields.body.clone()} oninput={body_input} />
                        </div>
                    }
                </div>
            </form>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_go_in_at_the_cursor_counted_in_utf16() {
        assert_eq!(insert_at("ab", 1, "X"), ("aXb".into(), 2));
        assert_eq!(insert_at("ab", 99, "X"), ("abX".into(), 3));
        // "é" and "😀" are one and two UTF-16 units.
        assert_eq!(insert_at("é😀z", 3, "!"), ("é😀!z".into(), 4));
    }

    #[test]
    fn alt_text_is_the_file_stem() {
        assert_eq!(alt_text("diagram.png"), "diagram");
        assert_eq!(alt_text("a[b].v2.png"), "ab.v2");
        assert_eq!(alt_text("noext"), "noext");
    }
}
