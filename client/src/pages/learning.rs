//! "My learning" (`/learning`, signed in): the courses the user is enrolled in, most recently
//! joined first, each with a way back in; an empty state points to the catalog.

use shared::api::courses::EnrolledCourse;
use yew::prelude::*;

use crate::api;
use crate::components::icons::BooksIcon;
use crate::components::{CourseCover, ErrorNotice, NavLink, PageLoading, RatingSummary};
use crate::contexts::locale::{use_locale, use_texts};
use crate::error::ClientError;
use crate::hooks::use_page_title;
use crate::i18n::format_datetime;
use crate::route::Route;

#[function_component(LearningPage)]
pub fn learning_page() -> Html {
    let texts = use_texts();
    let locale = use_locale().locale;
    use_page_title(texts.courses.learning_title);
    let courses = use_state_eq(|| None::<Result<Vec<EnrolledCourse>, ClientError>>);
    let attempt = use_state_eq(|| 0_u32);

    {
        let courses = courses.clone();
        use_effect_with(*attempt, move |_| {
            courses.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                courses.set(Some(api::my_courses().await));
            });
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
                    html! {
                        <li key={course.id.to_string()} class="learning-item" data-testid="learning-course" data-slug={course.slug.clone()}>
                            <CourseCover course={course.clone()} classes="learning-item__cover" />
                            <div class="learning-item__body">
                                <h2 class="learning-item__title">{ course.title.clone() }</h2>
                                <p class="learning-item__meta">
                                    { texts.courses.enrolled_on.replace("{when}", &format_datetime(&entry.enrolled_at, locale)) }
                                </p>
                                <RatingSummary rating={course.rating.clone()} />
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
            { body }
        </section>
    }
}
