//! The dashboard at the top of "My learning": this week's XP by day, the streak (current,
//! longest, freezes held), the daily goal chooser (10 / 20 / 50 XP) and the badge shelf with
//! every badge, earned ones dated, locked ones greyed with how to earn them. All of it comes
//! from the learner documents on this device (`use_motivation`), so it is right offline; the
//! goal is changed through `learn::motivation` only.

use std::rc::Rc;

use shared::rules::badges::BADGES;
use shared::rules::day::{Day, DAY_MS};
use shared::rules::xp::DailyGoal;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::icons::{FlameIcon, LockIcon, MedalIcon};
use crate::components::motivation_meter::{goal_words, StreakState};
use crate::components::{Bar, BarChart, GoalRing};
use crate::contexts::locale::{use_locale, use_texts};
use crate::error::ClientError;
use crate::hooks::use_motivation;
use crate::i18n::{format_date, format_day, Texts};
use crate::learn::motivation::{self, Figures};
use crate::learn::utc_offset_minutes;

/// A badge's name and how to earn it (its id itself for a badge this version has no words for).
pub fn badge_words(texts: &Texts, id: &'static str) -> (&'static str, &'static str) {
    let t = &texts.motivation;
    match id {
        "first_lesson" => (t.badge_first_lesson, t.badge_first_lesson_how),
        "first_course" => (t.badge_first_course, t.badge_first_course_how),
        "streak_7" => (t.badge_streak_7, t.badge_streak_7_how),
        "streak_30" => (t.badge_streak_30, t.badge_streak_30_how),
        "reviews_100" => (t.badge_reviews_100, t.badge_reviews_100_how),
        "reviews_1000" => (t.badge_reviews_1000, t.badge_reviews_1000_how),
        "perfect_quiz" => (t.badge_perfect_quiz, t.badge_perfect_quiz_how),
        other => (other, ""),
    }
}

/// Noon of the learner's `day`, in milliseconds (a moment that is on that date in the browser's
/// time zone, to name the day).
fn noon(day: Day) -> i64 {
    i64::from(day.0) * DAY_MS - i64::from(utc_offset_minutes()) * 60_000 + DAY_MS / 2
}

#[function_component(MotivationDashboard)]
pub fn motivation_dashboard() -> Html {
    let texts = use_texts();
    let t = &texts.motivation;
    let figures = use_motivation();
    let body = match figures {
        None => html! {
            <p class="page-loading" role="status">
                <span class="spinner" aria-hidden="true"></span>
                <span>{ texts.common.loading }</span>
            </p>
        },
        Some(figures) => html! {
            <>
                if figures.is_new() {
                    <div class="motivation-new" data-testid="motivation-new">
                        <h3 class="motivation-new__title">{ t.new_title }</h3>
                        <p class="motivation-new__body">{ t.new_body }</p>
                    </div>
                }
                <div class="motivation__grid">
                    <WeekChart figures={figures.clone()} />
                    <StreakStats figures={figures.clone()} />
                    <GoalChooser goal={figures.goal} />
                </div>
                <BadgeShelf figures={figures} />
            </>
        },
    };
    html! {
        <section class="motivation" data-testid="motivation" aria-labelledby="motivation-title">
            <h2 id="motivation-title" class="motivation__title">{ t.dashboard_title }</h2>
            <p class="motivation__lead">{ t.dashboard_lead }</p>
            { body }
        </section>
    }
}

#[derive(Properties)]
struct FiguresProps {
    figures: Rc<Figures>,
}

impl PartialEq for FiguresProps {
    fn eq(&self, other: &Self) -> bool {
        self.figures == other.figures
    }
}

/// This week's XP, Monday to Sunday; days still to come have no bar.
#[function_component(WeekChart)]
fn week_chart(props: &FiguresProps) -> Html {
    let texts = use_texts();
    let locale = use_locale().locale;
    let t = &texts.motivation;
    let figures = &props.figures;
    let bars: Vec<Bar> = figures
        .week
        .iter()
        .enumerate()
        .map(|(i, xp)| {
            let day = Day(figures.week_start.0 + i as i32);
            let name = format_day(noon(day), locale);
            Bar {
                label: name.clone().into(),
                value: (day <= figures.today).then_some(f64::from(*xp)),
                text: t
                    .day_value
                    .replace("{day}", &name)
                    .replace("{n}", &xp.to_string())
                    .into(),
            }
        })
        .collect();
    let top = figures.week.iter().copied().max().unwrap_or(0);
    html! {
        <div class="motivation-card motivation-card--chart" data-testid="motivation-week"
            data-week={figures.week.iter().map(u32::to_string).collect::<Vec<_>>().join(",")}>
            <BarChart title={t.week_chart} bars={bars} empty={t.week_empty} testid="xp-week-chart"
                max_label={Some(AttrValue::from(texts.count(top, &t.xp)))} />
        </div>
    }
}

/// Total and today's XP, the streak, the longest one and the freezes held.
#[function_component(StreakStats)]
fn streak_stats(props: &FiguresProps) -> Html {
    let texts = use_texts();
    let t = &texts.motivation;
    let figures = &props.figures;
    let streak = &figures.motivation.streak;
    let state = StreakState::of(figures);
    html! {
        <div class="motivation-card">
            <dl class="motivation-stats">
                <div class="motivation-stat" data-testid="stat-total">
                    <dt>{ t.stat_total }</dt>
                    <dd data-value={figures.total_xp().to_string()}>{ figures.total_xp().to_string() }</dd>
                </div>
                <div class="motivation-stat motivation-stat--today" data-testid="stat-today">
                    <dt>{ t.stat_today }</dt>
                    <dd data-value={figures.today_activity_xp.to_string()}>
                        <GoalRing share={figures.goal_share()} size={32} testid="dashboard-goal-ring" />
                        <span>{ goal_words(figures, texts) }</span>
                    </dd>
                </div>
                <div class={classes!("motivation-stat", "motivation-stat--streak", format!("is-{}", state.name()))}
                    data-testid="stat-streak" data-state={state.name()}>
                    <dt>{ t.stat_streak }</dt>
                    <dd data-value={streak.current.to_string()}>
                        <FlameIcon />
                        <span>{ texts.count(streak.current, &t.days) }</span>
                        <small class="motivation-stat__note">{ state.words(texts) }</small>
                    </dd>
                </div>
                <div class="motivation-stat" data-testid="stat-longest">
                    <dt>{ t.stat_longest }</dt>
                    <dd data-value={streak.longest.to_string()}>{ texts.count(streak.longest, &t.days) }</dd>
                </div>
                <div class="motivation-stat" data-testid="stat-freezes">
                    <dt>{ t.stat_freezes }</dt>
                    <dd data-value={streak.freezes.to_string()}>
                        { streak.freezes.to_string() }
                        <small class="motivation-stat__note">{ t.freezes_hint }</small>
                    </dd>
                </div>
            </dl>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct GoalChooserProps {
    goal: DailyGoal,
}

/// Three radio buttons: 10, 20 or 50 XP a day, saved as soon as one is picked.
#[function_component(GoalChooser)]
fn goal_chooser(props: &GoalChooserProps) -> Html {
    let texts = use_texts();
    let t = &texts.motivation;
    let saving = use_state_eq(|| false);
    let outcome = use_state_eq(|| None::<Result<(), ClientError>>);
    // The goal just picked, shown until the documents say so too (or back on the goal in force
    // when it was not saved).
    let picked = use_state_eq(|| None::<DailyGoal>);
    {
        let picked = picked.clone();
        use_effect_with(props.goal, move |_| picked.set(None));
    }
    let shown = picked.unwrap_or(props.goal);
    let onchange = {
        let saving = saving.clone();
        let outcome = outcome.clone();
        let picked = picked.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let Some(goal) = DailyGoal::parse(&input.value()) else {
                return;
            };
            saving.set(true);
            outcome.set(None);
            picked.set(Some(goal));
            let saving = saving.clone();
            let outcome = outcome.clone();
            let picked = picked.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = motivation::set_daily_goal(goal).await;
                saving.set(false);
                if result.is_err() {
                    picked.set(None);
                }
                outcome.set(Some(result));
            });
        })
    };
    let name = |goal: DailyGoal| match goal {
        DailyGoal::Light => t.goal_light,
        DailyGoal::Steady => t.goal_steady,
        DailyGoal::Intense => t.goal_intense,
    };
    html! {
        <div class="motivation-card">
            <fieldset class="goal-chooser" data-testid="goal-chooser" data-goal={props.goal.xp().to_string()}
                aria-busy={saving.to_string()}>
                <legend class="goal-chooser__legend">{ t.goal_title }</legend>
                <p class="goal-chooser__lead">{ t.goal_lead }</p>
                { for DailyGoal::ALL.into_iter().map(|goal| {
                    let value = goal.xp().to_string();
                    let id = format!("daily-goal-{value}");
                    html! {
                        <label class={classes!("goal-chooser__option", (goal == shown).then_some("is-chosen"))} for={id.clone()}>
                            <input type="radio" name="daily-goal" id={id} value={value.clone()}
                                checked={goal == shown} disabled={*saving} onchange={onchange.clone()}
                                data-testid={format!("goal-{value}")} />
                            <span class="goal-chooser__name">{ name(goal) }</span>
                            <span class="goal-chooser__xp">{ t.goal_option.replace("{n}", &value) }</span>
                        </label>
                    }
                }) }
                <p class="goal-chooser__status" role="status" data-testid="goal-status">
                    { match &*outcome {
                        Some(Ok(())) => html! { { t.goal_saved } },
                        Some(Err(error)) => html! {
                            <span class="form-error">{ format!("{}: {}", t.goal_error, error.message(texts)) }</span>
                        },
                        None => html! {},
                    } }
                </p>
            </fieldset>
        </div>
    }
}

/// Every badge in the shelf's order: earned ones with their date, the others greyed out with how
/// to earn them.
#[function_component(BadgeShelf)]
fn badge_shelf(props: &FiguresProps) -> Html {
    let texts = use_texts();
    let locale = use_locale().locale;
    let t = &texts.motivation;
    let earned = props.figures.motivation.badges.len();
    let count = t
        .badges_count
        .replace("{n}", &earned.to_string())
        .replace("{total}", &BADGES.len().to_string());
    html! {
        <section class="badge-shelf" data-testid="badge-shelf" aria-labelledby="badge-shelf-title">
            <h3 id="badge-shelf-title" class="badge-shelf__title">
                { t.badges_title }
                <span class="badge-shelf__count" data-testid="badge-count">{ count }</span>
            </h3>
            <ul class="badge-shelf__list" role="list">
                { for BADGES.iter().map(|rule| {
                    let (name, how) = badge_words(texts, rule.id);
                    let awarded = props.figures.awarded(rule.id);
                    html! {
                        <li key={rule.id} class={classes!("badge-tile", if awarded.is_some() { "is-earned" } else { "is-locked" })}
                            data-testid="badge" data-badge={rule.id} data-earned={awarded.is_some().to_string()}>
                            <span class="badge-tile__icon">
                                if awarded.is_some() { <MedalIcon /> } else { <LockIcon /> }
                            </span>
                            <span class="badge-tile__name">{ name }</span>
                            if let Some(at) = awarded {
                                <span class="badge-tile__when">{ t.badge_earned.replace("{when}", &format_date(at, locale)) }</span>
                            } else {
                                <span class="badge-tile__when">
                                    <span class="visually-hidden">{ t.badge_locked }{ ": " }</span>
                                    { how }
                                </span>
                            }
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
