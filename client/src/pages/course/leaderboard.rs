//! An enrolled learner's view of the course's weekly leaderboard: the opt-in switch (off unless
//! they turn it on, with who sees what), then this week's table of rank, display name and XP with
//! their own row marked. Online only: offline it says so and loads when the network is back.
//! Goes through `api` only.

use shared::api::motivation::{LeaderboardEntry, LeaderboardView};
use shared::rules::day::{Day, DAY_MS};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api;
use crate::contexts::locale::{use_locale, use_texts};
use crate::contexts::online::use_online;
use crate::error::ClientError;
use crate::i18n::format_date;

#[derive(Properties, PartialEq)]
pub struct LeaderboardProps {
    /// The course's id.
    pub course_id: AttrValue,
}

#[derive(Debug, Clone, PartialEq)]
enum Board {
    Loading,
    Loaded(LeaderboardView),
    Failed(ClientError),
}

/// What the switch last did, for the status line.
#[derive(Debug, Clone, PartialEq)]
enum Change {
    Joined,
    Left,
    Failed(ClientError),
}

#[function_component(Leaderboard)]
pub fn leaderboard(props: &LeaderboardProps) -> Html {
    let texts = use_texts();
    let locale = use_locale().locale;
    let t = &texts.motivation;
    let online = use_online();
    let board = use_state_eq(|| Board::Loading);
    let version = use_state_eq(|| 0_u32);
    let saving = use_state_eq(|| false);
    let change = use_state_eq(|| None::<Change>);

    {
        let board = board.clone();
        use_effect_with(
            (props.course_id.clone(), online, *version),
            move |(course, online, _)| {
                if *online {
                    let course = course.to_string();
                    wasm_bindgen_futures::spawn_local(async move {
                        board.set(match api::leaderboard(&course).await {
                            Ok(view) => Board::Loaded(view),
                            Err(error) => Board::Failed(error),
                        });
                    });
                }
            },
        );
    }

    let on_toggle = {
        let course = props.course_id.to_string();
        let saving = saving.clone();
        let change = change.clone();
        let version = version.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let joined = input.checked();
            saving.set(true);
            change.set(None);
            let (course, saving, change, version) = (
                course.clone(),
                saving.clone(),
                change.clone(),
                version.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::set_leaderboard_membership(&course, joined).await;
                saving.set(false);
                change.set(Some(match result {
                    Ok(answer) if answer.joined => Change::Joined,
                    Ok(_) => Change::Left,
                    Err(error) => {
                        // The board's answer did not change, so nothing would put the box back.
                        input.set_checked(!joined);
                        Change::Failed(error)
                    }
                }));
                version.set(*version + 1);
            });
        })
    };

    let body = match (&*board, online) {
        (_, false) => html! {
            <p class="leaderboard__offline" role="status" data-testid="leaderboard-offline">{ t.leaderboard_offline }</p>
        },
        (Board::Loading, true) => html! {
            <p class="page-loading" role="status">
                <span class="spinner" aria-hidden="true"></span>
                <span>{ texts.common.loading }</span>
            </p>
        },
        (Board::Failed(error), true) => html! {
            <p class="form-error" role="alert" data-testid="leaderboard-error">
                <strong>{ t.leaderboard_error }{ ": " }</strong>{ error.message(texts) }
            </p>
        },
        (Board::Loaded(view), true) => {
            let week = Day::parse(&view.week_start)
                .map(|day| format_date(i64::from(day.0) * DAY_MS + DAY_MS / 2, locale))
                .unwrap_or_else(|| view.week_start.clone());
            let outside = view
                .me
                .as_ref()
                .filter(|me| !view.entries.iter().any(|e| e.me || e == *me));
            html! {
                <>
                    <label class="switch" data-testid="leaderboard-switch">
                        <input type="checkbox" role="switch" checked={view.joined} disabled={*saving}
                            onchange={on_toggle} data-testid="leaderboard-join" aria-describedby="leaderboard-privacy" />
                        <span class="switch__label">{ t.leaderboard_join }</span>
                    </label>
                    <p id="leaderboard-privacy" class="leaderboard__privacy">{ t.leaderboard_privacy }</p>
                    <p class="leaderboard__status" role="status" data-testid="leaderboard-status">
                        { match &*change {
                            Some(Change::Joined) => html! { { t.leaderboard_joined } },
                            Some(Change::Left) => html! { { t.leaderboard_left } },
                            Some(Change::Failed(error)) => html! { <span class="form-error">{ error.message(texts) }</span> },
                            None => html! {},
                        } }
                    </p>
                    if view.entries.is_empty() && outside.is_none() {
                        <p class="leaderboard__empty" data-testid="leaderboard-empty">{ t.leaderboard_empty }</p>
                    } else {
                        <table class="leaderboard__table" data-testid="leaderboard-table">
                            <caption class="leaderboard__week">{ t.leaderboard_week.replace("{when}", &week) }</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{ t.leaderboard_rank }</th>
                                    <th scope="col">{ t.leaderboard_name }</th>
                                    <th scope="col" class="leaderboard__xp">{ t.leaderboard_xp }</th>
                                </tr>
                            </thead>
                            <tbody>
                                { for view.entries.iter().map(|entry| row(entry, t.leaderboard_you)) }
                            </tbody>
                            if let Some(me) = outside {
                                <tbody class="leaderboard__mine">
                                    <tr><th scope="rowgroup" colspan="3">{ t.leaderboard_your_place }</th></tr>
                                    { row(me, t.leaderboard_you) }
                                </tbody>
                            }
                        </table>
                    }
                    if !view.joined {
                        <p class="leaderboard__hint">{ t.leaderboard_join_to_appear }</p>
                    }
                </>
            }
        }
    };

    html! {
        <section class="course-section leaderboard" data-testid="leaderboard" aria-labelledby="leaderboard-title">
            <h2 id="leaderboard-title" class="course-section__title">{ t.leaderboard_title }</h2>
            <p class="leaderboard__lead">{ t.leaderboard_lead }</p>
            { body }
        </section>
    }
}

/// One learner's row; the caller's own is marked.
fn row(entry: &LeaderboardEntry, you: &'static str) -> Html {
    html! {
        <tr class={classes!("leaderboard__row", entry.me.then_some("is-me"))} data-testid="leaderboard-row"
            data-me={entry.me.to_string()} aria-current={entry.me.then_some("true")}>
            <td class="leaderboard__rank">{ entry.rank.to_string() }</td>
            <td class="leaderboard__name">
                { entry.display_name.clone() }
                if entry.me {
                    <span class="leaderboard__you">{ format!(" ({you})") }</span>
                }
            </td>
            <td class="leaderboard__xp">{ entry.xp.to_string() }</td>
        </tr>
    }
}
