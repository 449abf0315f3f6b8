//! One course in the catalog grid, and the placeholder shown while courses load.

use shared::api::courses::{CourseLanguage, CourseLevel, CourseSummary};
use yew::prelude::*;

use crate::components::icons::{ClockIcon, LessonsIcon};
use crate::contexts::locale::use_texts;
use crate::i18n::Texts;

#[derive(Properties, PartialEq)]
pub struct CourseCardProps {
    pub course: CourseSummary,
}

#[function_component(CourseCard)]
pub fn course_card(props: &CourseCardProps) -> Html {
    let texts = use_texts();
    let course = &props.course;
    let cover_style = format!("--cover-hue: {}", cover_hue(&course.slug));
    let level = course.level.code();
    html! {
        <article class="course-card" data-testid="course-card" data-slug={course.slug.clone()}>
            <div class="course-card__cover" style={cover_style} aria-hidden="true">
                <span class="course-card__initial">{ initial(&course.title) }</span>
                <span class="course-card__lang">{ course.language.code().to_uppercase() }</span>
            </div>
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
                <h2 class="course-card__title">{ course.title.clone() }</h2>
                <p class="course-card__subtitle">{ course.subtitle.clone() }</p>
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

fn level_label(texts: &Texts, level: CourseLevel) -> &'static str {
    match level {
        CourseLevel::Beginner => texts.catalog.level_beginner,
        CourseLevel::Intermediate => texts.catalog.level_intermediate,
        CourseLevel::Advanced => texts.catalog.level_advanced,
    }
}

fn language_label(texts: &Texts, language: CourseLanguage) -> &'static str {
    match language {
        CourseLanguage::En => texts.catalog.language_en,
        CourseLanguage::Ru => texts.catalog.language_ru,
    }
}

/// The first letter of the title, for the card cover.
fn initial(title: &str) -> String {
    title
        .chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default()
}

/// A stable hue (0-359) per course, so each cover keeps its colour between visits.
fn cover_hue(slug: &str) -> u32 {
    // FNV-1a: tiny, deterministic, good enough spread for colours.
    let hash = slug.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    hash % 360
}
