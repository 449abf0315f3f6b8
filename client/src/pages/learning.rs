//! "My learning" (`/learning`, signed in): the learner's XP, streak, daily goal and badges
//! (`dashboard`), then the courses the user is enrolled in, most recently joined first, each with its progress bar and a way back in; an empty state points to the
//! catalog. Progress comes from the learner's documents on this device, and the list falls back to
//! the one kept on the device, so the page is right offline too.

mod dashboard;

use std::collections::HashMap;

use shared::api::courses::EnrolledCourse;
use shared::domain::CourseId;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::icons::BooksIcon;
use crate::components::{CourseCover, ErrorNotice, NavLink, PageLoading, RatingSummary};
use crate::contexts::auth::use_auth;
use crate::contexts::locale::{use_locale, use_texts};
use crate::contexts::sync::use_sync;
use crate::error::ClientError;
use crate::hooks::{use_due_counts, use_page_title};
use crate::i18n::format_datetime;
use crate::learn;
use crate::pages::review::ReviewQuery;
use crate::route::Route;
use crate::store;
use dashboard::MotivationDashboard;

#[function_component(LearningPage)]
pub fn learning_page() -> Html {
    let texts = use_texts();
    let locale = use_locale().locale;
    use_page_title(texts.courses.learning_title);
    let courses = use_state_eq(|| None::<Result<Vec<EnrolledCourse>, ClientError>>);
    let completed = use_state_eq(HashMap::<CourseId, usize>::new);
    let attempt = use_state_eq(|| 0_u32);
    let user = use_auth().user().map(|me| me.id.clone());
    let sync_report = use_sync().report;
    let due = use_due_counts();

    {
        let courses = courses.clone();
        let completed = completed.clone();
        use_effect_with((*attempt, user), move |(_, user)| {
            let user = user.clone();
            courses.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let fetched = api::my_courses().await;
                let kept = match &user {
                    Some(user) => match store::user_database(user).await {
                        Ok(db) => store::enrollments::network_first(&db, fetched).await,
                        Err(_) => fetched,
                    },
                    None => fetched,
                };
                if let Ok(list) = &kept {
                    let ids: Vec<CourseId> = list.iter().map(|e| e.course.id.clone()).collect();
                    match learn::completed_counts(&ids).await {
                        Ok(counts) => completed.set(counts),
                        Err(error) => web_sys::console::warn_1(&error.to_string().into()),
                    }
                }
                courses.set(Some(kept));
            });
        });
    }
    // A sync round may have brought other devices' completions: read the documents again.
    {
        let completed = completed.clone();
        let ids: Vec<CourseId> = match &*courses {
            Some(Ok(list)) => list.iter().map(|e| e.course.id.clone()).collect(),
            _ => Vec::new(),
        };
        use_effect_with((sync_report, ids), move |(_, ids)| {
            let ids = ids.clone();
            if !ids.is_empty() {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(counts) = learn::completed_counts(&ids).await {
                        completed.set(counts);
                    }
                });
            }
        });
    }
    let retry = {
        let attempt = attempt.clone();
        Callback::from(move |()| attempt.set(*attempt + 1))
    };

    let body = match &*courses {
        None => html! { <PageLoading /> },
        Some(Err(error)) => html! {
            <ErrorNotice testid="learning-error" title={texts.courses.learning_error} error={error.clone()} on_retry={retry} />
        },
        Some(Ok(list)) if list.is_empty() => html! {
            <div class="state" data-testid="learning-empty">
                <div class="state__icon"><BooksIcon /></div>
                <h2 class="state__title">{ texts.courses.learning_empty_title }</h2>
                <p class="state__body">{ texts.courses.learning_empty_body }</p>
                <NavLink to={Route::Catalog} classes="button button--primary">{ texts.courses.browse_catalog }</NavLink>
            </div>
        },
        Some(Ok(list)) => html! {
            <ul class="learning-list" role="list">
                { for list.iter().map(|entry| {
                    let course = &entry.course;
                    let to = Route::Course { course: course.slug.clone() };
                    // This device's documents, or what the server last synced when this device
                    // has not caught up yet (a new device before its first round).
                    let done = completed.get(&course.id).copied().unwrap_or_default()
                        .max(entry.lessons_completed as usize);
                    let share = learn::completion(done, course.lesson_count);
                    let percent = (share * 100.0).round();
                    let caption = texts.sync.progress_lessons
                        .replace("{done}", &done.min(course.lesson_count as usize).to_string())
                        .replace("{total}", &course.lesson_count.to_string());
                    html! {
                        <li key={course.id.to_string()} class="learning-item" data-testid="learning-course" data-slug={course.slug.clone()}>
                            <CourseCover course={course.clone()} classes="learning-item__cover" />
                            <div class="learning-item__body">
                                <h2 class="learning-item__title">{ course.title.clone() }</h2>
                                <p class="learning-item__meta">
                                    { texts.courses.enrolled_on.replace("{when}", &format_datetime(&entry.enrolled_at, locale)) }
                                </p>
                                <RatingSummary rating={course.rating.clone()} />
                                <div class="course-progress" data-testid="course-progress" data-done={done.to_string()}
                                    data-total={course.lesson_count.to_string()}>
                                    <div class="course-progress__track" role="progressbar" aria-label={texts.sync.progress_label}
                                        aria-valuemin="0" aria-valuemax="100" aria-valuenow={percent.to_string()}
                                        aria-valuetext={caption.clone()}>
                                        <div class="course-progress__bar" style={format!("width: {percent}%")}></div>
                                    </div>
                                    <p class="course-progress__caption">{ caption }</p>
                                </div>
                                if let Some(n) = due.as_ref().and_then(|d| d.by_course.get(&course.id)).filter(|n| **n > 0) {
                                    <p class="learning-item__due" data-testid="course-due">
                                        <Link<Route, ReviewQuery> to={Route::Review}
                                            query={Some(ReviewQuery { course: Some(course.id.to_string()) })}>
                                            { texts.count(*n as u32, &texts.review.due_in_course) }
                                        </Link<Route, ReviewQuery>>
                                    </p>
                                }
                            </div>
                            <NavLink to={to} classes="button button--primary learning-item__action" testid="continue-course">
                                { texts.courses.continue_learning }
                                <span class="visually-hidden">{ ": " }{ course.title.clone() }</span>
                            </NavLink>
                        </li>
                    }
                }) }
            </ul>
        },
    };

    html! {
        <section class="learning" data-testid="learning" aria-labelledby="learning-title">
            <header class="page-hero">
                <h1 id="learning-title" class="page-hero__title">{ texts.courses.learning_title }</h1>
                <p class="page-hero__lead">{ texts.courses.learning_lead }</p>
            </header>
            if let Some(total) = due.as_ref().map(|d| d.total).filter(|n| *n > 0) {
                <div class="due-banner" data-testid="due-banner" role="status">
                    <span class="due-banner__count">{ texts.count(total as u32, &texts.review.due_count) }</span>
                    <NavLink to={Route::Review} classes="button button--primary button--small" testid="due-banner-review">
                        { texts.review.review_now }
                    </NavLink>
                </div>
            }
            <MotivationDashboard />
            { body }
        </section>
    }
}
