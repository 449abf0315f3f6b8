//! `/courses/:course/lessons/:lesson`: one lesson to read, the course outline beside it (folded
//! away on narrow screens), previous / next links (also ← / →) and "Mark complete", or for a
//! lesson with a published quiz the quiz (`quiz`), whose passing attempt completes the lesson.
//!
//! The server decides who may read (enrolled learners, the course's teacher, admins); a refusal
//! or a missing lesson is explained with a link to the course page. Completion goes through
//! `learn`, never straight to storage. When the network is unavailable the lesson and outline of a
//! course downloaded for offline use are read through `offline` ("Offline copy" badge), and the
//! lesson's images are shown from the kept bytes through object URLs set on the rendered `<img>`s
//! (the sanitised HTML itself is inserted unchanged). The lesson's discussion follows it
//! (`components::discussion`). "Ask the tutor" (or Alt+T) opens the Socratic tutor's drawer
//! (`tutor`); a passage it cites is shown in the lesson body (`passage`), after opening its lesson
//! when it is another one.

mod passage;
mod quiz;
mod tutor;

use std::collections::BTreeSet;

use shared::api::courses::{CourseDetail, LessonRef, LessonSummary, LessonView};
use shared::api::tutor::Citation;
use shared::domain::{CourseId, LessonId};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::icons::{CheckIcon, LockIcon};
use crate::components::NavLink;
use crate::components::{Discussion, ErrorNotice, OfflineCopyBadge, PageLoading};
use crate::contexts::auth::use_auth;
use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::hooks::{use_alt_shortcut, use_arrow_navigation, use_page_title};
use crate::offline::{self, Source};
use crate::route::Route;
use crate::{api, learn};

#[derive(Properties, PartialEq)]
pub struct LessonPageProps {
    /// The course's id or slug, as in the address.
    pub course: String,
    pub lesson: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Loaded {
    Loading,
    /// Boxed: a lesson is large beside the other states.
    Ready(Box<LessonView>, Source),
    Failed(ClientError),
}

/// Where a lesson lives in the app.
fn lesson_route(course: &str, lesson: &LessonId) -> Route {
    Route::Lesson {
        course: course.to_owned(),
        lesson: lesson.to_string(),
    }
}

#[function_component(LessonPage)]
pub fn lesson_page(props: &LessonPageProps) -> Html {
    let texts = use_texts();
    use_page_title(texts.lesson.outline_title);
    let auth = use_auth();
    let loaded = use_state(|| Loaded::Loading);
    let outline = use_state(|| None::<CourseDetail>);
    let completed = use_state(BTreeSet::<LessonId>::new);
    let marking = use_state_eq(|| false);
    let progress_error = use_state_eq(|| None::<ClientError>);
    let outline_open = use_state_eq(|| false);
    let attempt = use_state_eq(|| 0_u32);
    // Which request is the latest: an answer to an older one (← → pressed quickly) is dropped.
    let latest = use_mut_ref(|| 0_u32);
    // The tutor's drawer: open or not, and whether it was ever opened (only then is it made).
    let tutor_open = use_state_eq(|| false);
    let tutor_used = use_state_eq(|| false);
    // A cited passage of another lesson, shown once that lesson is here.
    let cite_target = use_state_eq(|| None::<Citation>);
    let navigator = use_navigator();

    // The lesson, again whenever the address changes (or on retry).
    {
        let latest = latest.clone();
        let loaded = loaded.clone();
        let completed = completed.clone();
        let progress_error = progress_error.clone();
        let outline_open = outline_open.clone();
        let auth = auth.clone();
        use_effect_with(
            (props.course.clone(), props.lesson.clone(), *attempt),
            move |(course, lesson, _)| {
                let (course, lesson) = (course.clone(), lesson.clone());
                let request = {
                    let mut latest = latest.borrow_mut();
                    *latest += 1;
                    *latest
                };
                loaded.set(Loaded::Loading);
                progress_error.set(None);
                outline_open.set(false);
                wasm_bindgen_futures::spawn_local(async move {
                    let fetched = api::lesson(&course, &lesson).await;
                    let result = offline::lesson_or_offline(&course, &lesson, fetched).await;
                    if *latest.borrow() != request {
                        return;
                    }
                    if let Ok((view, _)) = &result {
                        // Once per page view; a failure to record it only goes to the console.
                        if let Err(error) =
                            learn::record_lesson_opened(&view.course_id, &view.id).await
                        {
                            web_sys::console::warn_1(&error.to_string().into());
                        }
                        if let Ok(done) = learn::completed_lessons(&view.course_id).await {
                            completed.set(done);
                        }
                        if let Some(window) = web_sys::window() {
                            window.scroll_to_with_x_and_y(0.0, 0.0);
                        }
                    }
                    if matches!(result, Err(ClientError::Unauthorized)) {
                        auth.forget();
                    }
                    loaded.set(match result {
                        Ok((view, source)) => Loaded::Ready(Box::new(view), source),
                        Err(error) => Loaded::Failed(error),
                    });
                });
            },
        );
    }
    // The outline, once per course.
    {
        let outline = outline.clone();
        use_effect_with(props.course.clone(), move |course| {
            let course = course.clone();
            outline.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let fetched = api::course(&course).await;
                // Without it the page still works: the outline simply stays away.
                if let Ok((detail, _)) = offline::course_or_offline(&course, fetched).await {
                    outline.set(Some(detail));
                }
            });
        });
    }

    let view = match &*loaded {
        Loaded::Ready(view, _) => Some(LessonView::clone(view)),
        _ => None,
    };
    // An offline copy's images: the kept bytes, through object URLs on the rendered `<img>`s.
    offline::use_kept_images(
        match &*loaded {
            Loaded::Ready(view, Source::OfflineCopy) => Some(view.html.clone()),
            _ => None,
        },
        "[data-testid=\"lesson-body\"] img",
    );
    let neighbour = |link: Option<&LessonRef>| link.map(|l| lesson_route(&props.course, &l.id));
    use_arrow_navigation(
        view.as_ref().and_then(|v| neighbour(v.previous.as_ref())),
        view.as_ref().and_then(|v| neighbour(v.next.as_ref())),
    );
    let toggle_tutor = {
        let (tutor_open, tutor_used) = (tutor_open.clone(), tutor_used.clone());
        Callback::from(move |()| {
            tutor_used.set(true);
            tutor_open.set(!*tutor_open);
        })
    };
    use_alt_shortcut("KeyT", toggle_tutor.clone());
    // A passage cited from another lesson: shown when that lesson has come.
    {
        let cite_target = cite_target.clone();
        let here = view.as_ref().map(|v| v.id.clone());
        use_effect_with((here, (*cite_target).clone()), move |(here, target)| {
            if let (Some(here), Some(target)) = (here, target) {
                if *here == target.lesson_id {
                    passage::show(target.passage, &target.quote);
                    cite_target.set(None);
                }
            }
        });
    }
    // The tab shows the lesson's own title once it is known.
    use_effect_with(view.as_ref().map(|v| v.title.clone()), |title| {
        if let (Some(title), Some(document)) = (title, web_sys::window().and_then(|w| w.document()))
        {
            document.set_title(&format!("{title} · EduPlatform"));
        }
    });

    let course_route = Route::Course {
        course: props.course.to_string(),
    };
    let view = match &*loaded {
        Loaded::Loading => return html! { <PageLoading /> },
        Loaded::Failed(error @ (ClientError::Forbidden | ClientError::NotFound { .. })) => {
            let (title, body) = if matches!(error, ClientError::Forbidden) {
                (texts.lesson.forbidden_title, texts.lesson.forbidden_body)
            } else {
                (texts.lesson.not_found_title, texts.lesson.not_found_body)
            };
            return html! {
                <section class="state state--page" data-testid="lesson-unavailable">
                    <div class="state__icon"><LockIcon /></div>
                    <h1 class="state__title">{ title }</h1>
                    <p class="state__body">{ body }</p>
                    <NavLink classes="button button--primary" to={course_route} testid="lesson-course-link">
                        { texts.lesson.back_to_course }
                    </NavLink>
                </section>
            };
        }
        Loaded::Failed(error) => {
            let attempt = attempt.clone();
            let retry = Callback::from(move |()| attempt.set(*attempt + 1));
            return html! {
                <ErrorNotice testid="lesson-error" title={texts.lesson.error_title} error={error.clone()} on_retry={retry} />
            };
        }
        Loaded::Ready(view, _) => view,
    };
    let offline_copy = matches!(*loaded, Loaded::Ready(_, Source::OfflineCopy));

    let is_done = completed.contains(&view.id);
    // A completed lesson's key points become flashcards for review.
    let key_points: Vec<String> = view
        .summary
        .as_ref()
        .map(|summary| summary.key_points.clone())
        .unwrap_or_default();
    let on_mark = {
        let (course_id, lesson_id) = (view.course_id.clone(), view.id.clone());
        let completed = completed.clone();
        let marking = marking.clone();
        let progress_error = progress_error.clone();
        let key_points = key_points.clone();
        Callback::from(move |_: MouseEvent| {
            let (course_id, lesson_id) = (course_id.clone(), lesson_id.clone());
            let completed = completed.clone();
            let marking = marking.clone();
            let progress_error = progress_error.clone();
            let key_points = key_points.clone();
            marking.set(true);
            progress_error.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                match learn::mark_lesson_complete(&course_id, &lesson_id).await {
                    Ok(()) => {
                        make_key_point_cards(course_id, lesson_id.clone(), key_points);
                        let mut done = (*completed).clone();
                        done.insert(lesson_id);
                        completed.set(done);
                    }
                    Err(error) => progress_error.set(Some(error)),
                }
                marking.set(false);
            });
        })
    };
    // A lesson with a quiz is completed by passing it, not by the button.
    let quiz = view
        .quiz
        .as_ref()
        .filter(|q| !q.questions.is_empty())
        .map(|quiz| {
            let on_passed = {
                let (completed, lesson_id) = (completed.clone(), view.id.clone());
                let (course_id, key_points) = (view.course_id.clone(), key_points.clone());
                Callback::from(move |()| {
                    make_key_point_cards(course_id.clone(), lesson_id.clone(), key_points.clone());
                    let mut done = (*completed).clone();
                    done.insert(lesson_id.clone());
                    completed.set(done);
                })
            };
            html! {
                <quiz::LessonQuiz course_id={view.course_id.clone()} lesson_id={view.id.clone()}
                    quiz={quiz.clone()} {on_passed} />
            }
        });
    let toggle_outline = {
        let outline_open = outline_open.clone();
        Callback::from(move |_: MouseEvent| outline_open.set(!*outline_open))
    };

    let sidebar = outline.as_ref().map(|detail| {
        let modules = detail.modules.iter().map(|module| html! {
            <li class="outline__module" key={module.id.to_string()}>
                <p class="outline__module-title">{ module.title.clone() }</p>
                <ol class="outline__lessons">
                    { for module.lessons.iter().map(|lesson| {
                        let current = lesson.id == view.id;
                        let done = completed.contains(&lesson.id);
                        html! {
                            <li key={lesson.id.to_string()}
                                class={classes!("outline__lesson", current.then_some("is-current"), done.then_some("is-done"))}
                                data-testid="outline-lesson" data-lesson={lesson.id.to_string()}
                                data-completed={done.to_string()}>
                                <Link<Route> to={lesson_route(&props.course, &lesson.id)} classes="outline__link">
                                    <span class="outline__check" aria-hidden="true">
                                        if done { <CheckIcon /> }
                                    </span>
                                    <span class="outline__title" aria-current={current.then_some("page")}>
                                        { lesson.title.clone() }
                                    </span>
                                    if done {
                                        <span class="visually-hidden">{ format!(" ({})", texts.lesson.completed_label) }</span>
                                    }
                                </Link<Route>>
                            </li>
                        }
                    }) }
                </ol>
            </li>
        });
        html! {
            <aside class={classes!("lesson-outline", outline_open.then_some("is-open"))}
                aria-labelledby="lesson-outline-title" data-testid="lesson-outline">
                <button type="button" class="lesson-outline__toggle button button--small"
                    aria-expanded={outline_open.to_string()} aria-controls="lesson-outline-list"
                    data-testid="outline-toggle" onclick={toggle_outline}>
                    { if *outline_open { texts.lesson.outline_hide } else { texts.lesson.outline_show } }
                </button>
                <h2 id="lesson-outline-title" class="lesson-outline__title">
                    <Link<Route> to={course_route.clone()}>{ detail.summary.title.clone() }</Link<Route>>
                </h2>
                <ol id="lesson-outline-list" class="outline" aria-label={texts.lesson.outline_title}>
                    { for modules }
                </ol>
            </aside>
        }
    });

    let neighbour_link =
        |link: Option<&LessonRef>, label: &'static str, rel: &'static str| {
            link.map(|l| html! {
            <Link<Route> to={lesson_route(&props.course, &l.id)}
                classes={classes!("lesson-pager__link", format!("lesson-pager__link--{rel}"))}>
                <span class="lesson-pager__label" data-testid={format!("lesson-{rel}")}>
                    { if rel == "prev" { format!("← {label}") } else { format!("{label} →") } }
                </span>
                <span class="lesson-pager__title">{ l.title.clone() }</span>
            </Link<Route>>
        })
        };
    let close_tutor = {
        let tutor_open = tutor_open.clone();
        Callback::from(move |()| {
            tutor_open.set(false);
            // Back to the button that opened it, so the keyboard does not start over; without
            // scrolling to it (a cited passage may be on its way into view).
            if let Some(button) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| {
                    d.query_selector("[data-testid=\"tutor-open\"]")
                        .ok()
                        .flatten()
                })
                .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
            {
                let options = web_sys::FocusOptions::new();
                options.set_prevent_scroll(true);
                let _ = button.focus_with_options(&options);
            }
        })
    };
    let on_cite = {
        let (cite_target, here) = (cite_target.clone(), view.id.clone());
        let (navigator, course) = (navigator.clone(), props.course.clone());
        Callback::from(move |citation: Citation| {
            if citation.lesson_id == here {
                passage::show(citation.passage, &citation.quote);
            } else if let Some(navigator) = &navigator {
                navigator.push(&lesson_route(&course, &citation.lesson_id));
                cite_target.set(Some(citation));
            }
        })
    };
    let position = texts
        .lesson
        .position
        .replace("{n}", &view.position.to_string())
        .replace("{total}", &view.lesson_count.to_string());

    html! {
        <div class="lesson-layout" data-testid="lesson-page">
            { sidebar.unwrap_or_default() }
            <article class="lesson" aria-labelledby="lesson-title">
                <p class="lesson__crumbs">
                    <NavLink to={course_route.clone()} testid="lesson-course">{ view.course_title.clone() }</NavLink>
                    { " · " }{ view.module_title.clone() }
                </p>
                if offline_copy {
                    <OfflineCopyBadge />
                }
                <h1 id="lesson-title" class="lesson__title" data-testid="lesson-title">{ view.title.clone() }</h1>
                <p class="lesson__meta">
                    { position }{ " · " }{ texts.duration(view.estimated_minutes) }
                </p>
                <div class="lesson__tools">
                    <tutor::TutorButton open={*tutor_open} on_toggle={toggle_tutor} />
                </div>
                if let Some(url) = &view.video_url {
                    <p class="lesson__video">
                        <a class="button button--small" href={url.clone()} target="_blank"
                            rel="noopener noreferrer" data-testid="lesson-video">
                            { texts.lesson.watch_video }
                        </a>
                    </p>
                }
                if let Some(summary) = &view.summary {
                    <LessonSummaryBlock summary={summary.clone()} />
                }
                // Safe to insert as HTML: the server rendered this from Markdown and sanitised it
                // with ammonia when the lesson was saved (no script, event handlers or
                // `javascript:` links survive), and the page's CSP (`script-src 'self'`, no inline
                // script) would refuse to run anything that slipped through anyway.
                <div class="lesson__body lesson-content" data-testid="lesson-body">
                    { Html::from_html_unchecked(AttrValue::from(view.html.clone())) }
                </div>
                { quiz.clone().unwrap_or_default() }
                <div class="lesson__complete">
                    if quiz.is_some() {
                        if is_done {
                            <p class="status-line status-line--success" data-testid="quiz-lesson-completed">{ texts.lesson.completed }</p>
                        }
                    } else {
                    <button type="button" data-testid="mark-complete"
                        class={classes!("button", if is_done { "button--success" } else { "button--primary" })}
                        disabled={is_done || *marking} onclick={on_mark}>
                        { if is_done { texts.lesson.completed } else if *marking { texts.lesson.marking } else { texts.lesson.mark_complete } }
                    </button>
                    }
                    if let Some(error) = &*progress_error {
                        <p class="status-line status-line--error" role="alert">
                            { format!("{}: {}", texts.lesson.progress_error, error.message(texts)) }
                        </p>
                    }
                </div>
                <nav class="lesson-pager" aria-label={texts.lesson.nav_label}>
                    { neighbour_link(view.previous.as_ref(), texts.lesson.previous, "prev").unwrap_or_default() }
                    { neighbour_link(view.next.as_ref(), texts.lesson.next, "next").unwrap_or_default() }
                </nav>
                <p class="lesson__hint">{ texts.lesson.keys_hint }</p>
                <Discussion lesson_id={view.id.clone()} />
            </article>
            if *tutor_used {
                <tutor::TutorDrawer lesson_id={view.id.clone()} summary={view.summary.clone()}
                    open={*tutor_open} on_close={close_tutor} {on_cite} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct LessonSummaryProps {
    summary: LessonSummary,
}

/// The lesson's summary and key points, folded open by default; labelled when no language model
/// made it. Part of the lesson view, so it is there offline too.
#[function_component(LessonSummaryBlock)]
fn lesson_summary_block(props: &LessonSummaryProps) -> Html {
    let texts = use_texts();
    let summary = &props.summary;
    html! {
        <details class="lesson-summary" open={true} data-testid="lesson-summary">
            <summary class="lesson-summary__title">{ texts.ai.summary_title }</summary>
            <p class="lesson-summary__text">{ summary.summary.clone() }</p>
            if !summary.key_points.is_empty() {
                <h3 class="lesson-summary__points-title">{ texts.ai.key_points }</h3>
                <ul class="lesson-summary__points">
                    { for summary.key_points.iter().map(|point| html! { <li>{ point.clone() }</li> }) }
                </ul>
            }
            if summary.made_without_llm {
                <p class="lesson-summary__label" data-testid="summary-without-llm"
                    title={texts.ai.made_without_llm_hint}>
                    { texts.ai.made_without_llm }
                </p>
            }
        </details>
    }
}

/// Makes flashcards of a completed lesson's key points (in the background; a failure is logged
/// and costs the learner nothing but those cards).
fn make_key_point_cards(course_id: CourseId, lesson_id: LessonId, key_points: Vec<String>) {
    if key_points.is_empty() {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(error) =
            learn::cards::add_key_point_cards(&course_id, &lesson_id, &key_points).await
        {
            web_sys::console::warn_1(&format!("key point cards not made: {error}").into());
        }
    });
}
