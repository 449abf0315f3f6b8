//! A course's page (`/courses/:course`, by id or slug): cover, facts, description, syllabus, the
//! one action that fits the visitor (sign in, enroll, start or continue, "coming soon" for a paid
//! course, edit for its teacher), the weekly leaderboard for enrolled learners and the reviews.
//!
//! Reads through `api::course` and `api::enrollment`, and from the copy downloaded for offline
//! use (`offline`) when the network is unavailable, with an "Offline copy" badge; `download` offers
//! that copy to enrolled learners. Links to lessons are plain paths
//! (`/courses/:course/lessons/:lesson`): the lesson page is not this module's.

mod download;
mod leaderboard;
mod reviews;

use serde::Serialize;
use shared::api::accounts::Me;
use std::collections::BTreeSet;

use shared::api::courses::{CourseDetail, ModuleOutline};
use shared::domain::LessonId;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::course_card::{language_label, level_label};
use crate::components::course_facts::price_text;
use crate::components::icons::{CheckIcon, ClockIcon, LessonsIcon, UserIcon};
use crate::components::NavLink;
use crate::components::{CourseCover, ErrorNotice, OfflineCopyBadge, PageLoading, RatingSummary};
use crate::contexts::auth::{use_auth, Session};
use crate::contexts::locale::{use_locale, use_texts};
use crate::error::ClientError;
use crate::offline::{self, Source};
use crate::route::Route;
use download::OfflineDownload;
use leaderboard::Leaderboard;
use reviews::Reviews;

#[derive(Properties, PartialEq)]
pub struct CoursePageProps {
    /// The course's id or slug, from the address.
    pub course: String,
}

/// Where the signed-in visitor stands with the course.
#[derive(Debug, Clone, PartialEq)]
enum Standing {
    /// Not known yet (or nobody is signed in).
    Unknown,
    NotEnrolled,
    /// Enrolled; `now` when it happened on this visit ("Start" rather than "Continue").
    Enrolled {
        now: bool,
    },
    Failed(ClientError),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct NextQuery {
    next: String,
}

#[function_component(CoursePage)]
pub fn course_page(props: &CoursePageProps) -> Html {
    let texts = use_texts();
    let auth = use_auth();
    // `None` while loading; a reload after a review keeps the old answer on screen meanwhile.
    let detail = use_state_eq(|| None::<Result<CourseDetail, ClientError>>);
    // Whether `detail` is the downloaded copy (the network was unavailable).
    let source = use_state_eq(|| Source::Network);
    let version = use_state_eq(|| 0_u32);
    let standing = use_state_eq(|| Standing::Unknown);
    // The lessons this learner completed here (on this device, until the sync issue's documents).
    let completed = use_state_eq(BTreeSet::<LessonId>::new);
    let me = auth.session.user().cloned();

    {
        let detail = detail.clone();
        let source = source.clone();
        use_effect_with(
            (props.course.clone(), *version),
            move |(course, version)| {
                if *version == 0 {
                    detail.set(None);
                }
                let course = course.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let fetched = api::course(&course).await;
                    let loaded = offline::course_or_offline(&course, fetched).await;
                    if let Ok((found, from)) = &loaded {
                        set_document_title(&found.summary.title);
                        source.set(*from);
                    }
                    detail.set(Some(loaded.map(|(found, _)| found)));
                });
            },
        );
    }
    {
        let standing = standing.clone();
        let user = me.as_ref().map(|me| me.id.clone());
        use_effect_with((props.course.clone(), user), move |(course, user)| {
            standing.set(Standing::Unknown);
            if user.is_some() {
                let course = course.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    standing.set(match api::enrollment(&course).await {
                        Ok(e) if e.enrolled_at.is_some() => Standing::Enrolled { now: false },
                        Ok(_) => Standing::NotEnrolled,
                        // Only an enrolled learner could download the course.
                        Err(error)
                            if offline::is_unreachable(&error)
                                && offline::downloaded(&course).await.is_some() =>
                        {
                            Standing::Enrolled { now: false }
                        }
                        Err(error) => Standing::Failed(error),
                    });
                });
            }
        });
    }

    {
        let completed = completed.clone();
        let course_id = match &*detail {
            Some(Ok(found)) => Some(found.summary.id.clone()),
            _ => None,
        };
        let enrolled = matches!(*standing, Standing::Enrolled { .. });
        use_effect_with((course_id, enrolled), move |(course_id, enrolled)| {
            if let (Some(course_id), true) = (course_id.clone(), *enrolled) {
                wasm_bindgen_futures::spawn_local(async move {
                    // No record yet (or none readable) is simply nothing completed.
                    completed.set(
                        crate::learn::completed_lessons(&course_id)
                            .await
                            .unwrap_or_default(),
                    );
                    // The teacher's deck joins the learner's cards (online only; copied once).
                    if let Ok(deck) = crate::api::course_deck(course_id.as_str()).await {
                        if let Err(error) =
                            crate::learn::cards::add_deck_cards(&course_id, &deck).await
                        {
                            web_sys::console::warn_1(&format!("deck not copied: {error}").into());
                        }
                    }
                });
            }
        });
    }

    let reload = {
        let version = version.clone();
        Callback::from(move |()| version.set(*version + 1))
    };
    // An offline copy's description images come from the kept bytes.
    offline::use_kept_images(
        match (&*detail, *source) {
            (Some(Ok(found)), Source::OfflineCopy) => Some(found.description_html.clone()),
            _ => None,
        },
        "[data-testid=\"course-description\"] img",
    );

    let detail = match &*detail {
        None => return html! { <PageLoading /> },
        Some(Err(error)) => {
            let retry = {
                let version = version.clone();
                Callback::from(move |()| version.set(*version + 1))
            };
            return html! {
                <ErrorNotice testid="course-error" title={texts.courses.course_error_title} error={error.clone()} on_retry={retry} />
            };
        }
        Some(Ok(detail)) => detail.clone(),
    };
    let summary = &detail.summary;
    let level = summary.level.code();
    let is_teacher = me.as_ref().is_some_and(|me| me.id == summary.teacher.id);
    let enrolled = matches!(*standing, Standing::Enrolled { .. });
    // Who may open the lessons: enrolled learners, the course's teacher and admins.
    let readable = enrolled
        || is_teacher
        || me
            .as_ref()
            .is_some_and(|me| me.role == shared::api::accounts::Role::Admin);

    html! {
        <article class="course-page" data-testid="course-page" aria-labelledby="course-title">
            <header class="course-hero">
                <CourseCover course={summary.clone()} classes="course-hero__cover" />
                <div class="course-hero__body">
                    <div class="course-card__badges">
                        <span class={classes!("badge", "badge--level", format!("badge--{level}"))}>
                            <span class="level-meter" aria-hidden="true">
                                <span></span><span></span><span></span>
                            </span>
                            <span class="visually-hidden">{ texts.catalog.course_level }{ ": " }</span>
                            { level_label(texts, summary.level) }
                        </span>
                        <span class="badge">
                            <span class="visually-hidden">{ texts.catalog.course_language }{ ": " }</span>
                            { language_label(texts, summary.language) }
                        </span>
                    </div>
                    if *source == Source::OfflineCopy {
                        <OfflineCopyBadge />
                    }
                    <h1 id="course-title" class="course-hero__title" data-testid="course-title">{ summary.title.clone() }</h1>
                    <p class="course-hero__subtitle">{ summary.subtitle.clone() }</p>
                    <p class="course-hero__teacher" data-testid="course-teacher">
                        { texts.courses.by_teacher.replace("{name}", &summary.teacher.display_name) }
                    </p>
                    <div class="course-hero__facts">
                        <RatingSummary rating={summary.rating.clone()} />
                        <span class="fact" data-testid="course-learners">
                            <UserIcon />{ texts.count(summary.enrollment_count, &texts.courses.learners) }
                        </span>
                        <span class="fact"><ClockIcon />{ texts.duration(summary.estimated_minutes) }</span>
                        <span class="fact"><LessonsIcon />{ texts.count(summary.lesson_count, &texts.catalog.lessons) }</span>
                    </div>
                    <CourseAction detail={detail.clone()} source={*source} completed={(*completed).clone()} me={me.clone()} session_loading={auth.session == Session::Loading}
                        standing={(*standing).clone()} on_standing={{
                            let standing = standing.clone();
                            let reload = reload.clone();
                            Callback::from(move |next: Standing| { standing.set(next); reload.emit(()); })
                        }} />
                </div>
            </header>
            <div class="course-page__columns">
                <section class="course-section" aria-labelledby="course-about">
                    <h2 id="course-about" class="course-section__title">{ texts.courses.about_title }</h2>
                    <div class="lesson-content course-description" data-testid="course-description">
                        { Html::from_html_unchecked(AttrValue::from(detail.description_html.clone())) }
                    </div>
                </section>
                <Syllabus modules={detail.modules.clone()} course={summary.slug.clone()} {readable}
                    completed={(*completed).clone()} />
            </div>
            if enrolled {
                <Leaderboard course_id={AttrValue::from(summary.id.to_string())} />
            }
            <Reviews course={props.course.clone()} rating={summary.rating.clone()} me={me}
                {is_teacher} {enrolled} on_changed={reload} />
        </article>
    }
}

#[derive(Properties, PartialEq)]
struct CourseActionProps {
    detail: CourseDetail,
    /// Whether `detail` is the server's answer or the downloaded copy.
    source: Source,
    /// Lessons already completed: "Continue" leads to the first lesson not among them.
    completed: BTreeSet<LessonId>,
    me: Option<Me>,
    session_loading: bool,
    standing: Standing,
    on_standing: Callback<Standing>,
}

/// The one thing to do next here, or why not.
#[function_component(CourseAction)]
fn course_action(props: &CourseActionProps) -> Html {
    let texts = use_texts();
    let locale = use_locale().locale;
    let enrolling = use_state_eq(|| false);
    let error = use_state_eq(|| None::<ClientError>);
    let summary = &props.detail.summary;
    let mut lessons = props.detail.modules.iter().flat_map(|m| m.lessons.iter());
    let first_lesson = lessons
        .clone()
        .find(|lesson| !props.completed.contains(&lesson.id))
        .or_else(|| lessons.next())
        .map(|lesson| Route::Lesson {
            course: summary.slug.clone(),
            lesson: lesson.id.to_string(),
        });
    let price = html! {
        <p class={classes!("course-action__price", summary.price.is_none().then_some("price--free"))} data-testid="course-price">
            <span class="visually-hidden">{ texts.courses.course_price }{ ": " }</span>
            { price_text(summary.price.as_ref(), texts, locale) }
        </p>
    };

    let body = match (&props.me, &props.standing) {
        _ if props.session_loading => html! { <span class="spinner" aria-hidden="true"></span> },
        (None, _) => {
            let next = format!("/courses/{}", summary.slug);
            html! {
                <>
                    { price }
                    <Link<Route, NextQuery> to={Route::SignIn} query={Some(NextQuery { next })}
                        classes="button button--primary" >
                        <span data-testid="sign-in-to-enroll">{ texts.courses.sign_in_to_enroll }</span>
                    </Link<Route, NextQuery>>
                </>
            }
        }
        (Some(me), _) if me.id == summary.teacher.id => html! {
            <>
                <p class="course-action__note">{ texts.courses.your_course }</p>
                <NavLink classes="button button--primary" to={Route::TeachCourse { id: summary.id.to_string() }} testid="edit-course">
                    { texts.courses.edit_course }
                </NavLink>
            </>
        },
        (Some(_), Standing::Unknown) => html! {
            <span class="page-loading" role="status">
                <span class="spinner" aria-hidden="true"></span>
                <span>{ texts.common.loading }</span>
            </span>
        },
        (Some(_), Standing::Failed(failure)) => html! {
            <p class="form-error" role="alert">{ failure.message(texts) }</p>
        },
        (Some(_), Standing::Enrolled { now }) => html! {
            <>
                <p class="course-action__note" data-testid="enrolled-note">{ texts.courses.enrolled }</p>
                if let Some(to) = first_lesson {
                    <NavLink classes="button button--primary" {to} testid="continue-learning">
                        { if *now { texts.courses.start_learning } else { texts.courses.continue_learning } }
                    </NavLink>
                }
                <OfflineDownload course_id={AttrValue::from(summary.id.to_string())}
                    updated_at={(props.source == Source::Network).then(|| summary.updated_at.clone())} />
            </>
        },
        (Some(_), Standing::NotEnrolled) if summary.price.is_some() => html! {
            <>
                { price }
                <p class="course-action__soon" data-testid="coming-soon">
                    <span class="badge">{ texts.courses.coming_soon }</span>
                    { " " }{ texts.courses.paid_note }
                </p>
            </>
        },
        (Some(_), Standing::NotEnrolled) => {
            let onclick = {
                let enrolling = enrolling.clone();
                let error = error.clone();
                let on_standing = props.on_standing.clone();
                let course = summary.slug.clone();
                Callback::from(move |_: MouseEvent| {
                    enrolling.set(true);
                    error.set(None);
                    let enrolling = enrolling.clone();
                    let error = error.clone();
                    let on_standing = on_standing.clone();
                    let course = course.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let result = api::enroll(&course).await;
                        enrolling.set(false);
                        match result {
                            Ok(_) => on_standing.emit(Standing::Enrolled { now: true }),
                            Err(failure) => error.set(Some(failure)),
                        }
                    });
                })
            };
            html! {
                <>
                    { price }
                    <button type="button" class="button button--primary" data-testid="enroll"
                        disabled={*enrolling} aria-busy={enrolling.to_string()} {onclick}>
                        if *enrolling {
                            <span class="spinner" aria-hidden="true"></span>
                            { texts.courses.enrolling }
                        } else {
                            { texts.courses.enroll }
                        }
                    </button>
                    if let Some(failure) = &*error {
                        <p class="form-error" role="alert" data-testid="enroll-error">
                            <strong>{ texts.courses.enroll_error }{ ": " }</strong>{ failure.message(texts) }
                        </p>
                    }
                </>
            }
        }
    };
    html! { <div class="course-action" data-testid="course-action">{ body }</div> }
}

#[derive(Properties, PartialEq)]
struct SyllabusProps {
    modules: Vec<ModuleOutline>,
    /// The course's slug, for the lesson links.
    course: String,
    /// Whether the caller may open the lessons (their titles are links then).
    readable: bool,
    completed: BTreeSet<LessonId>,
}

/// Modules and their lessons with minutes, and the totals.
#[function_component(Syllabus)]
fn syllabus(props: &SyllabusProps) -> Html {
    let texts = use_texts();
    let lessons: u32 = props.modules.iter().map(|m| m.lessons.len() as u32).sum();
    let minutes: u32 = props
        .modules
        .iter()
        .flat_map(|m| m.lessons.iter())
        .map(|l| l.estimated_minutes)
        .sum();
    html! {
        <section class="course-section syllabus" aria-labelledby="course-syllabus" data-testid="syllabus">
            <h2 id="course-syllabus" class="course-section__title">{ texts.courses.syllabus_title }</h2>
            if props.modules.is_empty() {
                <p class="state__body">{ texts.courses.syllabus_empty }</p>
            } else {
                <p class="syllabus__totals" data-testid="syllabus-totals">
                    { format!("{} · {} · {}",
                        texts.count(props.modules.len() as u32, &texts.courses.modules),
                        texts.count(lessons, &texts.catalog.lessons),
                        texts.duration(minutes)) }
                </p>
                <ol class="syllabus__modules">
                    { for props.modules.iter().map(|module| {
                        let module_minutes: u32 = module.lessons.iter().map(|l| l.estimated_minutes).sum();
                        html! {
                            <li key={module.id.to_string()} class="syllabus__module" data-testid="syllabus-module">
                                <h3 class="syllabus__module-title">
                                    { module.title.clone() }
                                    <span class="syllabus__module-meta">
                                        { format!("{} · {}",
                                            texts.count(module.lessons.len() as u32, &texts.catalog.lessons),
                                            texts.duration(module_minutes)) }
                                    </span>
                                </h3>
                                <ol class="syllabus__lessons">
                                    { for module.lessons.iter().map(|lesson| {
                                        let done = props.completed.contains(&lesson.id);
                                        html! {
                                        <li key={lesson.id.to_string()} class={classes!("syllabus__lesson", done.then_some("is-done"))}
                                            data-testid="syllabus-lesson" data-done={done.to_string()}>
                                            if done {
                                                <CheckIcon />
                                                <span class="visually-hidden">{ format!("({}) ", texts.lesson.completed_label) }</span>
                                            }
                                            if props.readable {
                                                <NavLink classes="syllabus__lesson-title" to={Route::Lesson {
                                                    course: props.course.clone(),
                                                    lesson: lesson.id.to_string(),
                                                }}>{ lesson.title.clone() }</NavLink>
                                            } else {
                                                <span class="syllabus__lesson-title">{ lesson.title.clone() }</span>
                                            }
                                            if lesson.has_video {
                                                <span class="badge">{ texts.courses.has_video }</span>
                                            }
                                            <span class="syllabus__lesson-minutes">{ texts.duration(lesson.estimated_minutes) }</span>
                                        </li>
                                        }
                                    }) }
                                </ol>
                            </li>
                        }
                    }) }
                </ol>
            }
        </section>
    }
}

/// Names the browser tab after the course.
fn set_document_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("{title} · EduPlatform"));
    }
}
