//! One course in the catalog grid (a link to its page), and the placeholder shown while courses
//! load.

use shared::api::courses::{CourseLanguage, CourseLevel, CourseSummary};
use yew::prelude::*;

use crate::components::course_facts::{price_text, CourseCover, RatingSummary};
use crate::components::icons::{ClockIcon, LessonsIcon, UserIcon};
use crate::components::NavLink;
use crate::contexts::locale::{use_locale, use_texts};
use crate::i18n::Texts;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct CourseCardProps {
    pub course: CourseSummary,
}

#[function_component(CourseCard)]
pub fn course_card(props: &CourseCardProps) -> Html {
    let texts = use_texts();
    let locale = use_locale().locale;
    let course = &props.course;
    let level = course.level.code();
    let to = Route::Course {
        course: course.slug.clone(),
    };
    html! {
        <article class="course-card" data-testid="course-card" data-slug={course.slug.clone()}>
            <CourseCover course={course.clone()} classes="course-card__cover" />
            <div class="course-card__body">
                <div class="course-card__badges">
                    <span class={classes!("badge", "badge--level", format!("badge--{level}"))} title={texts.catalog.course_level}>
                        <span class="level-meter" aria-hidden="true">
                            <span></span><span></span><span></span>
                        </span>
                        { level_label(texts, course.level) }
                    </span>
                    <span class="badge" title={texts.catalog.course_language}>
                        { language_label(texts, course.language) }
                    </span>
                </div>
                <h2 class="course-card__title">
                    <NavLink to={to} classes="course-card__link">{ course.title.clone() }</NavLink>
                </h2>
                <p class="course-card__subtitle">{ course.subtitle.clone() }</p>
                <div class="course-card__meta">
                    <RatingSummary rating={course.rating.clone()} />
                    <span class={classes!("price", course.price.is_none().then_some("price--free"))} data-testid="course-price">
                        <span class="visually-hidden">{ texts.courses.course_price }{ ": " }</span>
                        { price_text(course.price.as_ref(), texts, locale) }
                    </span>
                </div>
                <dl class="course-card__facts">
                    <div class="fact">
                        <dt class="visually-hidden">{ texts.catalog.course_duration }</dt>
                        <dd>
                            <ClockIcon />
                            { texts.duration(course.estimated_minutes) }
                        </dd>
                    </div>
                    <div class="fact">
                        <dt class="visually-hidden">{ texts.catalog.course_lessons }</dt>
                        <dd>
                            <LessonsIcon />
                            { texts.count(course.lesson_count, &texts.catalog.lessons) }
                        </dd>
                    </div>
                    <div class="fact">
                        <dt class="visually-hidden">{ texts.courses.course_learners }</dt>
                        <dd data-testid="course-learners">
                            <UserIcon />
                            { texts.count(course.enrollment_count, &texts.courses.learners) }
                        </dd>
                    </div>
                </dl>
            </div>
        </article>
    }
}

/// A grey, shimmering card of the same shape, shown while the first page loads.
#[function_component(CourseCardSkeleton)]
pub fn course_card_skeleton() -> Html {
    html! {
        <div class="course-card course-card--skeleton" aria-hidden="true">
            <div class="course-card__cover skeleton"></div>
            <div class="course-card__body">
                <div class="skeleton skeleton--line skeleton--short"></div>
                <div class="skeleton skeleton--line skeleton--title"></div>
                <div class="skeleton skeleton--line"></div>
                <div class="skeleton skeleton--line skeleton--medium"></div>
            </div>
        </div>
    }
}

pub fn level_label(texts: &Texts, level: CourseLevel) -> &'static str {
    match level {
        CourseLevel::Beginner => texts.catalog.level_beginner,
        CourseLevel::Intermediate => texts.catalog.level_intermediate,
        CourseLevel::Advanced => texts.catalog.level_advanced,
    }
}

pub fn language_label(texts: &Texts, language: CourseLanguage) -> &'static str {
    match language {
        CourseLanguage::En => texts.catalog.language_en,
        CourseLanguage::Ru => texts.catalog.language_ru,
    }
}
