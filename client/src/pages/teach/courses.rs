//! The teacher's dashboard on `/teach`: their courses with status and size, a new course from a
//! title, and a course imported from a zipped book (checked first with a dry run).

use shared::api::authoring::{ImportOutcome, ImportReport, NewCourse};
use shared::api::courses::{CourseLanguage, CourseLevel, CourseSummary};
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::authoring::{problem_text, CourseStatusBadge};
use crate::components::ErrorNotice;
use crate::contexts::locale::{use_locale, use_texts};
use crate::error::ClientError;
use crate::i18n::{format_datetime, format_relative, Locale};
use crate::route::Route;

#[derive(Debug, Clone, PartialEq)]
enum List {
    Loading,
    Loaded(Vec<CourseSummary>),
    Failed(ClientError),
}

/// "Your courses", "New course" and "Import from zip".
#[function_component(TeachCourses)]
pub fn teach_courses() -> Html {
    let texts = use_texts();
    let t = &texts.authoring;
    let list = use_state_eq(|| List::Loading);
    let load = {
        let list = list.clone();
        Callback::from(move |()| {
            let list = list.clone();
            list.set(List::Loading);
            wasm_bindgen_futures::spawn_local(async move {
                list.set(match api::teaching_courses().await {
                    Ok(courses) => List::Loaded(courses),
                    Err(error) => List::Failed(error),
                });
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with((), move |_| load.emit(()));
    }
    let body = match &*list {
        List::Loading => html! {
            <p class="page-loading" role="status"><span class="spinner" aria-hidden="true"></span>{ texts.common.loading }</p>
        },
        List::Failed(error) => html! {
            <ErrorNotice testid="teach-courses-error" title={t.courses_error} error={error.clone()} on_retry={load} compact=true />
        },
        List::Loaded(courses) if courses.is_empty() => html! {
            <div class="state state--compact" data-testid="teach-courses-empty">
                <h3 class="state__title">{ t.courses_empty_title }</h3>
                <p class="state__body">{ t.courses_empty_body }</p>
            </div>
        },
        List::Loaded(courses) => html! {
            <ul class="teach-courses" data-testid="teach-courses">
                { for courses.iter().map(|course| html! { <CourseRow course={course.clone()} /> }) }
            </ul>
        },
    };
    html! {
        <>
            <section class="panel" aria-labelledby="teach-courses-title" data-testid="teach-dashboard">
                <h2 id="teach-courses-title" class="panel__title">{ t.courses_title }</h2>
                <p class="panel__lead">{ t.courses_lead }</p>
                { body }
            </section>
            <NewCourseForm />
            <CourseImport />
        </>
    }
}

#[derive(Properties, PartialEq)]
struct CourseRowProps {
    course: CourseSummary,
}

#[function_component(CourseRow)]
fn course_row(props: &CourseRowProps) -> Html {
    let texts = use_texts();
    let locale = use_locale().locale;
    let course = &props.course;
    let edited = texts.authoring.edited.replace(
        "{when}",
        &format_relative(&course.updated_at, js_sys::Date::now(), locale),
    );
    let lessons = texts.count(course.lesson_count, &texts.catalog.lessons);
    let language = match course.language {
        CourseLanguage::En => texts.catalog.language_en,
        CourseLanguage::Ru => texts.catalog.language_ru,
    };
    html! {
        <li class="teach-course" data-testid="teach-course" data-id={course.id.as_str().to_owned()}>
            <div class="teach-course__main">
                <Link<Route> to={Route::TeachCourse { id: course.id.as_str().to_owned() }} classes="teach-course__title">
                    { course.title.clone() }
                </Link<Route>>
                <span class="teach-course__meta">{ format!("{lessons} · {language}") }</span>
                <span class="teach-course__meta" data-testid="teach-course-edited" title={format_datetime(&course.updated_at, locale)}>{ edited }</span>
            </div>
            <CourseStatusBadge status={course.status} />
        </li>
    }
}

/// A title, then straight to the editor.
#[function_component(NewCourseForm)]
fn new_course_form() -> Html {
    let texts = use_texts();
    let t = &texts.authoring;
    let locale = use_locale().locale;
    let navigator = use_navigator();
    let title = use_state(String::new);
    let busy = use_state_eq(|| false);
    let error = use_state_eq(|| None::<ClientError>);
    let onsubmit = {
        let (title, busy, error) = (title.clone(), busy.clone(), error.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            let new = NewCourse {
                title: title.trim().to_owned(),
                language: match locale {
                    Locale::Ru => CourseLanguage::Ru,
                    _ => CourseLanguage::En,
                },
                level: CourseLevel::Beginner,
            };
            let (busy, error, navigator) = (busy.clone(), error.clone(), navigator.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::create_course(&new).await {
                    Ok(draft) => {
                        if let Some(navigator) = navigator {
                            navigator.push(&Route::TeachCourse {
                                id: draft.summary.id.as_str().to_owned(),
                            });
                        }
                    }
                    Err(failure) => {
                        busy.set(false);
                        error.set(Some(failure));
                    }
                }
            });
        })
    };
    let oninput = {
        let title = title.clone();
        Callback::from(move |event: InputEvent| {
            title.set(event.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    html! {
        <section class="panel" aria-labelledby="new-course-title">
            <h2 id="new-course-title" class="panel__title">{ t.new_course_title }</h2>
            <form class="inline-form" {onsubmit} data-testid="new-course">
                <div class="field">
                    <label class="field__label" for="new-course-name">{ t.field_title }</label>
                    <input id="new-course-name" name="title" class="field__input" required=true
                        maxlength="200" autocomplete="off" value={(*title).clone()} {oninput} />
                </div>
                <button type="submit" class="button button--primary" disabled={*busy || title.trim().is_empty()}>
                    { if *busy { t.creating } else { t.new_course_submit } }
                </button>
            </form>
            if let Some(error) = &*error {
                <p class="status-line status-line--error" role="alert">{ problem_text(error, texts) }</p>
            }
        </section>
    }
}

#[derive(Clone, PartialEq)]
enum Import {
    Idle,
    Checking,
    Preview(web_sys::File, ImportReport),
    Importing(web_sys::File, ImportReport),
    Failed(ClientError),
}

/// Choose a `.zip`, see what it would create, then import it as a draft.
#[function_component(CourseImport)]
fn course_import() -> Html {
    let texts = use_texts();
    let t = &texts.authoring;
    let navigator = use_navigator();
    let state = use_state(|| Import::Idle);
    let input = use_node_ref();
    let onchange = {
        let state = state.clone();
        Callback::from(move |event: Event| {
            let input = event.target_unchecked_into::<HtmlInputElement>();
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            let state = state.clone();
            state.set(Import::Checking);
            wasm_bindgen_futures::spawn_local(async move {
                state.set(match api::import_course(&file, true).await {
                    Ok(report) => Import::Preview(file, report),
                    Err(error) => Import::Failed(error),
                });
            });
        })
    };
    let cancel = {
        let (state, input) = (state.clone(), input.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = input.cast::<HtmlInputElement>() {
                input.set_value("");
            }
            state.set(Import::Idle)
        })
    };
    let confirm = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let Import::Preview(file, report) = (*state).clone() else {
                return;
            };
            let (state, navigator) = (state.clone(), navigator.clone());
            state.set(Import::Importing(file.clone(), report));
            wasm_bindgen_futures::spawn_local(async move {
                match api::import_course(&file, false).await {
                    Ok(ImportReport {
                        course_id: Some(id),
                        ..
                    }) => {
                        if let Some(navigator) = navigator {
                            navigator.push(&Route::TeachCourse {
                                id: id.as_str().to_owned(),
                            });
                        }
                    }
                    Ok(_) => state.set(Import::Failed(ClientError::Unexpected {
                        detail: "the import named no course".into(),
                    })),
                    Err(error) => state.set(Import::Failed(error)),
                }
            });
        })
    };
    let busy = matches!(*state, Import::Checking | Import::Importing(..));
    let result = match &*state {
        Import::Idle => Html::default(),
        Import::Checking => html! {
            <p class="status-line" role="status"><span class="spinner" aria-hidden="true"></span>{ t.import_checking }</p>
        },
        Import::Failed(error) => html! {
            <div class="form-error" role="alert" data-testid="import-error">
                <strong>{ t.import_failed }</strong>
                <p class="form-error__body">{ problem_text(error, texts) }</p>
            </div>
        },
        Import::Preview(_, report) | Import::Importing(_, report) => html! {
            <div class="import-preview" data-testid="import-preview">
                <ImportPreview report={report.clone()} />
                <div class="form__actions">
                    <button type="button" class="button button--primary" data-testid="import-confirm"
                        disabled={busy} onclick={confirm}>
                        { if busy { t.importing } else { t.import_confirm } }
                    </button>
                    <button type="button" class="button button--secondary" disabled={busy} onclick={cancel}>
                        { texts.common.cancel }
                    </button>
                </div>
            </div>
        },
    };
    html! {
        <section class="panel" aria-labelledby="import-title">
            <h2 id="import-title" class="panel__title">{ t.import_title }</h2>
            <p class="panel__lead">{ t.import_lead }</p>
            <div class="field">
                <label class="field__label" for="import-file">{ t.import_choose }</label>
                <input id="import-file" type="file" accept=".zip,application/zip" class="field__input"
                    data-testid="import-file" disabled={busy} ref={input} {onchange} />
            </div>
            <div aria-live="polite">{ result }</div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ImportPreviewProps {
    report: ImportReport,
}

#[function_component(ImportPreview)]
fn import_preview(props: &ImportPreviewProps) -> Html {
    let texts = use_texts();
    let t = &texts.authoring;
    let report = &props.report;
    let lessons: usize = report.modules.iter().map(|m| m.lessons.len()).sum();
    let images = report
        .files
        .iter()
        .filter(|f| f.outcome == ImportOutcome::Media)
        .count();
    let outcome = |outcome: ImportOutcome| match outcome {
        ImportOutcome::Lesson => t.outcome_lesson,
        ImportOutcome::Media => t.outcome_media,
        ImportOutcome::Structure => t.outcome_structure,
        ImportOutcome::Skipped => t.outcome_skipped,
        ImportOutcome::Missing => t.outcome_missing,
        ImportOutcome::Rejected => t.outcome_rejected,
    };
    html! {
        <>
            <h3 class="import-preview__title">{ t.import_preview_title }{ ": " }
                <span data-testid="import-title">{ report.title.clone() }</span></h3>
            <dl class="facts">
                <div><dt>{ t.import_modules }</dt><dd>{ report.modules.len() }</dd></div>
                <div><dt>{ t.import_lessons }</dt><dd data-testid="import-lesson-count">{ lessons }</dd></div>
                <div><dt>{ t.import_images }</dt><dd>{ images }</dd></div>
            </dl>
            <ol class="import-preview__modules">
                { for report.modules.iter().map(|module| html! {
                    <li>
                        <strong>{ module.title.clone() }</strong>
                        <ol>{ for module.lessons.iter().map(|lesson| html! { <li>{ lesson.title.clone() }</li> }) }</ol>
                    </li>
                }) }
            </ol>
            <h4 class="import-preview__title">{ t.import_files }</h4>
            <ul class="import-files">
                { for report.files.iter().map(|file| html! {
                    <li class={classes!("import-file", format!("import-file--{}", file.outcome.code()))}>
                        <code>{ file.path.clone() }</code>
                        <span class="import-file__outcome">{ outcome(file.outcome) }</span>
                        if let Some(message) = &file.message {
                            <span class="import-file__message">{ message.clone() }</span>
                        }
                    </li>
                }) }
            </ul>
        </>
    }
}
