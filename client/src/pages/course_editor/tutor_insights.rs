//! The course editor's "Tutor insights": per lesson, how much its learners ask the Socratic tutor
//! (a bar per lesson, the counts beside it), how they rate its replies, and the questions two or
//! more of them asked. Read only; it never shows who asked (the server does not say).

use shared::api::tutor::{LessonTutorStats, TutorInsights};
use shared::domain::CourseId;
use yew::prelude::*;

use crate::api;
use crate::components::ErrorNotice;
use crate::contexts::locale::use_texts;
use crate::error::ClientError;

/// Ratings a lesson needs before its share of thumbs-down is worth pointing out.
const UNHELPFUL_MIN_RATINGS: u32 = 3;
/// The share of thumbs-down (in percent) from which a lesson's replies are called unhelpful.
const UNHELPFUL_MIN_PERCENT: u32 = 30;

#[derive(Properties, PartialEq)]
pub struct TutorInsightsPanelProps {
    pub course: CourseId,
}

#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Ready(TutorInsights),
    Failed(ClientError),
}

/// The share of thumbs-down among a lesson's ratings, in whole percent, when it is high enough
/// (and rests on enough ratings) to tell the teacher the replies do not help there.
fn unhelpful_percent(stats: &LessonTutorStats) -> Option<u32> {
    let ratings = stats.thumbs_up + stats.thumbs_down;
    if ratings < UNHELPFUL_MIN_RATINGS {
        return None;
    }
    let percent = (f64::from(stats.thumbs_down) * 100.0 / f64::from(ratings)).round() as u32;
    (percent >= UNHELPFUL_MIN_PERCENT).then_some(percent)
}

/// A bar's length in percent of the longest (the most asked lesson's), at least a sliver.
fn bar_percent(questions: u32, most: u32) -> u32 {
    if most == 0 {
        return 0;
    }
    (f64::from(questions) * 100.0 / f64::from(most))
        .round()
        .clamp(2.0, 100.0) as u32
}

#[function_component(TutorInsightsPanel)]
pub fn tutor_insights_panel(props: &TutorInsightsPanelProps) -> Html {
    let texts = use_texts();
    let t = &texts.tutor;
    let load = use_state(|| Load::Loading);

    let fetch = {
        let (load, course) = (load.clone(), props.course.clone());
        Callback::from(move |()| {
            let (load, course) = (load.clone(), course.clone());
            load.set(Load::Loading);
            wasm_bindgen_futures::spawn_local(async move {
                load.set(match api::tutor_insights(course.as_str()).await {
                    Ok(insights) => Load::Ready(insights),
                    Err(error) => Load::Failed(error),
                });
            });
        })
    };
    {
        let fetch = fetch.clone();
        use_effect_with(props.course.clone(), move |_| fetch.emit(()));
    }

    let body = match &*load {
        Load::Loading => html! {
            <p class="status-line" role="status" data-testid="tutor-insights-loading">{ texts.common.loading }</p>
        },
        Load::Failed(error) => html! {
            <ErrorNotice testid="tutor-insights-error" title={t.insights_error} error={error.clone()}
                on_retry={fetch} compact=true />
        },
        Load::Ready(insights) if insights.lessons.is_empty() => html! {
            <p class="tutor-insights__empty" data-testid="tutor-insights-empty">{ t.insights_empty }</p>
        },
        Load::Ready(insights) => {
            let most = insights
                .lessons
                .iter()
                .map(|l| l.questions)
                .max()
                .unwrap_or(0);
            html! {
                <ol class="tutor-insights__lessons" aria-label={t.insights_chart}>
                    { for insights.lessons.iter().map(|stats| html! {
                        <LessonRow key={stats.lesson_id.as_str().to_owned()} stats={stats.clone()} {most} />
                    }) }
                </ol>
            }
        }
    };
    html! {
        <section class="panel tutor-insights" data-testid="tutor-insights" aria-labelledby="tutor-insights-title">
            <h2 id="tutor-insights-title" class="panel__title">{ t.insights_title }</h2>
            <p class="panel__lead">{ t.insights_lead }</p>
            { body }
            <p class="field__hint" data-testid="tutor-insights-privacy">{ t.insights_privacy }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct LessonRowProps {
    stats: LessonTutorStats,
    /// The most questions any lesson of the course has: its bar is the full width.
    most: u32,
}

/// One lesson: its title, a bar as long as its share of questions, the counts, the ratings (the
/// thumbs-down share called out when high) and its frequent questions.
#[function_component(LessonRow)]
fn lesson_row(props: &LessonRowProps) -> Html {
    let texts = use_texts();
    let t = &texts.tutor;
    let stats = &props.stats;
    let unhelpful = unhelpful_percent(stats);
    html! {
        <li class="tutor-insight" data-testid="tutor-insight" data-lesson={stats.lesson_id.as_str().to_owned()}>
            <div class="tutor-insight__head">
                <h3 class="tutor-insight__lesson" data-testid="tutor-insight-lesson">{ stats.lesson_title.clone() }</h3>
                <p class="tutor-insight__counts">
                    <span data-testid="tutor-insight-questions" data-count={stats.questions.to_string()}>
                        { texts.count(stats.questions, &t.insights_questions) }
                    </span>
                    <span aria-hidden="true">{ " · " }</span>
                    <span data-testid="tutor-insight-learners" data-count={stats.learners.to_string()}>
                        { texts.count(stats.learners, &t.insights_learners) }
                    </span>
                </p>
            </div>
            <span class="stat-bar__track tutor-insight__bar" aria-hidden="true">
                <span class="stat-bar__fill" style={format!("width: {}%", bar_percent(stats.questions, props.most))} />
            </span>
            <p class={classes!("tutor-insight__ratings", unhelpful.is_some().then_some("tutor-insight__ratings--unhelpful"))}>
                <span class="tutor-insight__rating" title={t.helpful}>
                    <span aria-hidden="true">{ "👍 " }</span>
                    <span class="visually-hidden">{ t.helpful }{ ": " }</span>
                    <span data-testid="tutor-insight-up">{ stats.thumbs_up }</span>
                </span>
                <span class="tutor-insight__rating" title={t.not_helpful}>
                    <span aria-hidden="true">{ "👎 " }</span>
                    <span class="visually-hidden">{ t.not_helpful }{ ": " }</span>
                    <span data-testid="tutor-insight-down">{ stats.thumbs_down }</span>
                </span>
                if let Some(percent) = unhelpful {
                    <strong class="tutor-insight__warning" data-testid="tutor-insight-unhelpful">
                        { t.insights_unhelpful.replace("{n}", &percent.to_string()) }
                    </strong>
                }
            </p>
            if !stats.frequent.is_empty() {
                <ul class="tutor-insight__frequent" aria-label={t.insights_frequent}>
                    { for stats.frequent.iter().map(|question| html! {
                        <li class="tutor-insight__question" data-testid="tutor-insight-frequent">
                            <q class="tutor-insight__text">{ question.text.clone() }</q>
                            <span class="tutor-insight__asked" data-testid="tutor-insight-asked-by">
                                { texts.count(question.learners, &t.insights_asked_by) }
                            </span>
                        </li>
                    }) }
                </ul>
            }
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::LessonId;

    fn rated(thumbs_up: u32, thumbs_down: u32) -> LessonTutorStats {
        LessonTutorStats {
            lesson_id: LessonId::parse("0190f3c2-7a4b-7c3d-8e5f-6a7b8c9d0e1f")
                .expect("a lesson id"),
            lesson_title: "Ownership".into(),
            questions: 4,
            learners: 2,
            thumbs_up,
            thumbs_down,
            frequent: Vec::new(),
        }
    }

    #[test]
    fn thumbs_down_is_called_out_from_thirty_percent_of_three_ratings() {
        let cases = [
            ((0, 0), None),
            ((0, 2), None),
            ((2, 1), Some(33)),
            ((7, 3), Some(30)),
            ((8, 3), None),
            ((0, 3), Some(100)),
        ];
        for ((up, down), expected) in cases {
            assert_eq!(
                unhelpful_percent(&rated(up, down)),
                expected,
                "{up} up, {down} down"
            );
        }
    }

    #[test]
    fn bars_scale_to_the_most_asked_lesson() {
        assert_eq!(bar_percent(10, 10), 100);
        assert_eq!(bar_percent(5, 10), 50);
        assert_eq!(bar_percent(1, 1000), 2);
        assert_eq!(bar_percent(0, 0), 0);
    }
}
