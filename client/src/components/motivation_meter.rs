//! The header's motivation meter: the learner's XP, their streak flame with its day count (grey
//! when there is no streak, marked when it is at risk today) and a ring of today's XP against the
//! daily goal. Figures in, nothing out: it links to the dashboard on "My learning", and one
//! sentence (its tooltip and what a screen reader hears) says it all in words.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::icons::{BoltIcon, FlameIcon};
use crate::components::NavLink;
use crate::contexts::locale::use_texts;
use crate::i18n::Texts;
use crate::learn::motivation::Figures;
use crate::route::Route;

/// Where the streak stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreakState {
    /// Never had one.
    None,
    /// Had one, and it broke.
    Broken,
    /// Breaks unless today's goal is reached.
    AtRisk,
    /// Today's goal is reached.
    Kept,
}

impl StreakState {
    pub fn of(figures: &Figures) -> Self {
        let streak = &figures.motivation.streak;
        if streak.current == 0 {
            if streak.longest == 0 {
                Self::None
            } else {
                Self::Broken
            }
        } else if streak.at_risk {
            Self::AtRisk
        } else {
            Self::Kept
        }
    }

    /// Its name in `data-state` and in CSS classes.
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Broken => "broken",
            Self::AtRisk => "at-risk",
            Self::Kept => "kept",
        }
    }

    /// Where it stands, in words.
    pub fn words(self, texts: &Texts) -> &'static str {
        let t = &texts.motivation;
        match self {
            Self::None => t.streak_none,
            Self::Broken => t.streak_broken,
            Self::AtRisk => t.streak_at_risk,
            Self::Kept => t.streak_kept,
        }
    }
}

/// Today's XP against the goal, in words: "Today: 10 of 20 XP" or "Daily goal reached".
pub fn goal_words(figures: &Figures, texts: &Texts) -> String {
    let t = &texts.motivation;
    let today = t
        .today_of_goal
        .replace("{n}", &figures.today_activity_xp.to_string())
        .replace("{goal}", &figures.goal.xp().to_string());
    if figures.today_activity_xp >= figures.goal.xp() {
        format!("{today}. {}", t.goal_reached)
    } else {
        today
    }
}

/// A ring of `share` (0.0 to 1.0) of the way round, for today's goal.
#[derive(Properties, PartialEq)]
pub struct GoalRingProps {
    pub share: f64,
    #[prop_or(24)]
    pub size: u32,
    pub testid: AttrValue,
}

#[function_component(GoalRing)]
pub fn goal_ring(props: &GoalRingProps) -> Html {
    const R: f64 = 9.0;
    let circumference = 2.0 * std::f64::consts::PI * R;
    let filled = props.share.clamp(0.0, 1.0) * circumference;
    let done = props.share >= 1.0;
    html! {
        <svg class={classes!("goal-ring", done.then_some("is-done"))} viewBox="0 0 24 24"
            width={props.size.to_string()} height={props.size.to_string()} aria-hidden="true" focusable="false"
            data-testid={props.testid.clone()} data-share={format!("{:.2}", props.share)}>
            <circle class="goal-ring__track" cx="12" cy="12" r={R.to_string()} />
            <circle class="goal-ring__fill" cx="12" cy="12" r={R.to_string()}
                stroke-dasharray={format!("{filled:.2} {circumference:.2}")}
                transform="rotate(-90 12 12)" />
        </svg>
    }
}

#[derive(Properties)]
pub struct MotivationMeterProps {
    pub figures: Rc<Figures>,
    /// Marked as the current page (the dashboard is on "My learning").
    #[prop_or_default]
    pub current: bool,
}

impl PartialEq for MotivationMeterProps {
    fn eq(&self, other: &Self) -> bool {
        self.figures == other.figures && self.current == other.current
    }
}

#[function_component(MotivationMeter)]
pub fn motivation_meter(props: &MotivationMeterProps) -> Html {
    let texts = use_texts();
    let t = &texts.motivation;
    let figures = &props.figures;
    let total = figures.total_xp();
    let days = figures.motivation.streak.current;
    let state = StreakState::of(figures);
    let xp_words = t.xp_total.replace("{n}", &total.to_string());
    let streak_words = if days > 0 {
        format!(
            "{}. {}",
            texts.count(days, &t.streak_days),
            state.words(texts)
        )
    } else {
        state.words(texts).to_owned()
    };
    let sentence = format!(
        "{xp_words}. {streak_words}. {}.",
        goal_words(figures, texts)
    );
    html! {
        <NavLink to={Route::Learning} classes="motivation-meter" testid="motivation-meter"
            current={props.current} title={AttrValue::from(sentence.clone())}>
            <span class="visually-hidden">{ sentence }</span>
            <span class="motivation-meter__xp" data-testid="header-xp" data-xp={total.to_string()} aria-hidden="true">
                <BoltIcon />
                <span class="motivation-meter__number">{ total.to_string() }</span>
                <span class="motivation-meter__unit">{ "XP" }</span>
            </span>
            <span class={classes!("motivation-meter__streak", format!("is-{}", state.name()))}
                data-testid="header-streak" data-days={days.to_string()} data-state={state.name()} aria-hidden="true">
                <FlameIcon />
                <span class="motivation-meter__number">{ days.to_string() }</span>
            </span>
            <GoalRing share={figures.goal_share()} testid="header-goal-ring" />
        </NavLink>
    }
}
