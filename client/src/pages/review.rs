//! The review session (`/review`, `?course=` for one course): the due cards one at a time, the
//! answer on Space, a rating on 1–4 (or a button, or a swipe on a touch screen), each button with
//! the interval it would give; U takes the last rating back. A card rated into a learning step
//! that comes due within the session returns at its end. A progress bar, then a summary. Works
//! offline: everything goes through `learn::cards`, which reads and appends the learner documents.

use serde::{Deserialize, Serialize};
use shared::domain::{CourseId, DocId};
use std::rc::Rc;

use shared::srs::{Phase, Rating, Schedule, Scheduler};
use web_sys::KeyboardEvent;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::{ErrorNotice, NavLink, PageLoading};
use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::hooks::{use_page_keydown, use_page_title};
use crate::i18n::Texts;
use crate::learn::cards::{self, Deck, LearnerCard};
use crate::route::Route;

/// How soon a card rated into a (re)learning step must come due to return in this session.
const RETURN_WITHIN_MS: i64 = 20 * 60_000;
/// How far a touch must travel to count as a swipe, in CSS pixels.
const SWIPE_PX: i32 = 60;

/// The page's address query: `course`, a course id, to review only its cards.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReviewQuery {
    pub course: Option<String>,
}

/// One card of the session's queue.
#[derive(Debug, Clone, PartialEq)]
struct Item {
    doc: DocId,
    card: shared::doc::cards::Card,
}

/// A rating given in this session, kept so it can be undone.
#[derive(Debug, Clone, PartialEq)]
struct Given {
    item: Item,
    review_id: String,
    rating: Rating,
    /// Whether the card went back into the queue (it is taken out again on undo).
    requeued: bool,
}

#[derive(Debug, Clone, PartialEq)]
struct Session {
    queue: Vec<Item>,
    /// The card shown: `queue[position]`.
    position: usize,
    revealed: bool,
    given: Vec<Given>,
    /// When the current card was shown (for the review's duration).
    shown_ms: f64,
    started_ms: f64,
    busy: bool,
    error: Option<ClientError>,
}

impl Session {
    fn new(queue: Vec<Item>) -> Self {
        let now = js_sys::Date::now();
        Self {
            queue,
            position: 0,
            revealed: false,
            given: Vec::new(),
            shown_ms: now,
            started_ms: now,
            busy: false,
            error: None,
        }
    }

    fn current(&self) -> Option<&Item> {
        self.queue.get(self.position)
    }

    fn finished(&self) -> bool {
        self.position >= self.queue.len()
    }
}

/// What the page shows.
#[derive(Debug, Clone)]
enum View {
    Loading,
    Failed(ClientError),
    Ready {
        session: Session,
        next_due_ms: Option<i64>,
        /// The learner's scheduler (for the buttons' intervals).
        scheduler: Rc<Scheduler>,
    },
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The session's queue from `deck`: the due cards of `course` (or of all).
fn queue_of(deck: &Deck, course: Option<&CourseId>) -> Vec<Item> {
    deck.due(now_ms(), course)
        .into_iter()
        .map(|c: &LearnerCard| Item {
            doc: c.doc.clone(),
            card: c.card.clone(),
        })
        .collect()
}

/// When the next card not due now comes due.
fn next_due(deck: &Deck, course: Option<&CourseId>) -> Option<i64> {
    let now = now_ms();
    deck.cards
        .iter()
        .filter(|c| !c.card.suspended && c.card.schedule.due_ms > now)
        .filter(|c| course.is_none_or(|wanted| c.course.as_ref() == Some(wanted)))
        .map(|c| c.card.schedule.due_ms)
        .min()
}

/// A wait as the rating buttons show it: "1 min", "10 min", "3 h", "4 d", "2 mo", "1.5 y".
pub fn format_wait(texts: &Texts, ms: i64) -> String {
    let t = &texts.review;
    // Each unit from the rounded figure of the one below, so 23 h 59 min reads "1 d", not "24 h".
    let minutes = (ms as f64 / 60_000.0).round().max(1.0);
    if minutes < 60.0 {
        return t.wait_minutes.replace("{n}", &minutes.to_string());
    }
    let hours = (minutes / 60.0).round();
    if hours < 24.0 {
        return t.wait_hours.replace("{n}", &hours.to_string());
    }
    let days = (hours / 24.0).round();
    if days < 31.0 {
        return t.wait_days.replace("{n}", &days.to_string());
    }
    let one_decimal = |n: f64| format!("{n:.1}").replace(".0", "");
    if days < 365.0 {
        return t.wait_months.replace("{n}", &one_decimal(days / 30.4));
    }
    t.wait_years.replace("{n}", &one_decimal(days / 365.0))
}

fn rating_label(texts: &Texts, rating: Rating) -> &'static str {
    match rating {
        Rating::Again => texts.review.again,
        Rating::Hard => texts.review.hard,
        Rating::Good => texts.review.good,
        Rating::Easy => texts.review.easy,
    }
}

fn rating_class(rating: Rating) -> &'static str {
    match rating {
        Rating::Again => "review__rate--again",
        Rating::Hard => "review__rate--hard",
        Rating::Good => "review__rate--good",
        Rating::Easy => "review__rate--easy",
    }
}

#[function_component(ReviewPage)]
pub fn review_page() -> Html {
    let texts = use_texts();
    use_page_title(texts.review.title);
    let location = use_location();
    let course = location
        .and_then(|l| l.query::<ReviewQuery>().ok())
        .and_then(|q| q.course)
        .and_then(|c| CourseId::parse(&c).ok());
    let view = use_state(|| View::Loading);
    let attempt = use_state_eq(|| 0_u32);
    // A swipe's start (x, y), while a finger is down.
    let touch_start = use_mut_ref(|| None::<(i32, i32)>);

    {
        let view = view.clone();
        use_effect_with((course.clone(), *attempt), move |(course, _)| {
            let course = course.clone();
            view.set(View::Loading);
            wasm_bindgen_futures::spawn_local(async move {
                match cards::deck().await {
                    Ok(deck) => view.set(View::Ready {
                        session: Session::new(queue_of(&deck, course.as_ref())),
                        next_due_ms: next_due(&deck, course.as_ref()),
                        scheduler: Rc::new(deck.scheduler.clone()),
                    }),
                    Err(error) => view.set(View::Failed(error)),
                }
            });
        });
    }

    let reveal = {
        let view = view.clone();
        Callback::from(move |()| {
            if let View::Ready {
                session,
                next_due_ms,
                scheduler,
            } = &*view
            {
                if session.current().is_some() && !session.revealed {
                    let mut next = session.clone();
                    next.revealed = true;
                    view.set(View::Ready {
                        session: next,
                        next_due_ms: *next_due_ms,
                        scheduler: scheduler.clone(),
                    });
                }
            }
        })
    };

    let rate = {
        let view = view.clone();
        Callback::from(move |rating: Rating| {
            let View::Ready {
                session,
                next_due_ms,
                scheduler,
            } = (*view).clone()
            else {
                return;
            };
            if session.busy || !session.revealed {
                return;
            }
            let Some(item) = session.current().cloned() else {
                return;
            };
            let mut busy = session.clone();
            busy.busy = true;
            view.set(View::Ready {
                session: busy,
                next_due_ms,
                scheduler: scheduler.clone(),
            });
            let view = view.clone();
            let duration = (js_sys::Date::now() - session.shown_ms).max(0.0) as u64;
            wasm_bindgen_futures::spawn_local(async move {
                let mut next = session.clone();
                next.busy = false;
                match cards::review_card(&item.doc, &item.card.id, rating, duration).await {
                    Ok(review_id) => {
                        // The card as it is now, for its return within the session.
                        let deck = cards::deck().await.ok();
                        let fresh = deck.as_ref().and_then(|d| {
                            d.cards
                                .iter()
                                .find(|c| c.doc == item.doc && c.card.id == item.card.id)
                                .map(|c| c.card.clone())
                        });
                        let requeued = match fresh {
                            Some(card)
                                if card.schedule.phase != Phase::Review
                                    && card.schedule.due_ms <= now_ms() + RETURN_WITHIN_MS =>
                            {
                                next.queue.push(Item {
                                    doc: item.doc.clone(),
                                    card,
                                });
                                true
                            }
                            _ => false,
                        };
                        next.given.push(Given {
                            item,
                            review_id,
                            rating,
                            requeued,
                        });
                        next.position += 1;
                        next.revealed = false;
                        next.shown_ms = js_sys::Date::now();
                        next.error = None;
                    }
                    Err(error) => next.error = Some(error),
                }
                view.set(View::Ready {
                    session: next,
                    next_due_ms,
                    scheduler,
                });
            });
        })
    };

    let undo = {
        let view = view.clone();
        Callback::from(move |()| {
            let View::Ready {
                session,
                next_due_ms,
                scheduler,
            } = (*view).clone()
            else {
                return;
            };
            if session.busy {
                return;
            }
            let Some(last) = session.given.last().cloned() else {
                return;
            };
            let view = view.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let mut next = session.clone();
                match cards::undo_review(&last.item.doc, &last.review_id).await {
                    Ok(()) => {
                        next.given.pop();
                        if last.requeued {
                            next.queue.pop();
                        }
                        next.position = next.position.saturating_sub(1);
                        // The card as it was before the rating, answer shown again.
                        if let Some(slot) = next.queue.get_mut(next.position) {
                            *slot = last.item.clone();
                        }
                        next.revealed = true;
                        next.error = None;
                    }
                    Err(error) => next.error = Some(error),
                }
                view.set(View::Ready {
                    session: next,
                    next_due_ms,
                    scheduler,
                });
            });
        })
    };

    {
        let (reveal, rate, undo) = (reveal.clone(), rate.clone(), undo.clone());
        use_page_keydown(Callback::from(move |event: KeyboardEvent| {
            let rating = match event.key().as_str() {
                " " | "Enter" => {
                    event.prevent_default();
                    reveal.emit(());
                    return;
                }
                "u" | "U" | "z" | "Z" => {
                    undo.emit(());
                    return;
                }
                "1" => Rating::Again,
                "2" => Rating::Hard,
                "3" => Rating::Good,
                "4" => Rating::Easy,
                _ => return,
            };
            event.prevent_default();
            rate.emit(rating);
        }));
    }

    let on_touch_start = {
        let touch_start = touch_start.clone();
        Callback::from(move |event: TouchEvent| {
            if let Some(touch) = event.changed_touches().get(0) {
                *touch_start.borrow_mut() = Some((touch.client_x(), touch.client_y()));
            }
        })
    };
    let on_touch_end = {
        let (touch_start, reveal, rate) = (touch_start.clone(), reveal.clone(), rate.clone());
        let revealed = matches!(&*view, View::Ready { session, .. } if session.revealed);
        Callback::from(move |event: TouchEvent| {
            let Some((x0, y0)) = touch_start.borrow_mut().take() else {
                return;
            };
            let Some(touch) = event.changed_touches().get(0) else {
                return;
            };
            let (dx, dy) = (touch.client_x() - x0, touch.client_y() - y0);
            if dx.abs() < SWIPE_PX && dy.abs() < SWIPE_PX {
                return;
            }
            if !revealed {
                // Any swipe on the hidden side turns the card.
                reveal.emit(());
                return;
            }
            let rating = if dx.abs() >= dy.abs() {
                if dx < 0 {
                    Rating::Again
                } else {
                    Rating::Good
                }
            } else if dy < 0 {
                Rating::Easy
            } else {
                Rating::Hard
            };
            rate.emit(rating);
        })
    };

    let t = &texts.review;
    let body = match &*view {
        View::Loading => html! { <PageLoading /> },
        View::Failed(error) => {
            let attempt = attempt.clone();
            html! { <ErrorNotice testid="review-error" title={t.error_title} error={error.clone()} on_retry={Callback::from(move |()| attempt.set(*attempt + 1))} /> }
        }
        View::Ready {
            session,
            next_due_ms,
            ..
        } if session.queue.is_empty() => html! {
            <div class="state" data-testid="review-empty">
                <h2 class="state__title">{ t.empty_title }</h2>
                <p class="state__body">{ t.empty_body }</p>
                if let Some(due) = next_due_ms {
                    <p class="state__body" data-testid="review-next-due">
                        { t.next_due.replace("{when}", &format_wait(texts, (*due - now_ms()).max(60_000))) }
                    </p>
                }
                <NavLink to={Route::Learning} classes="button button--secondary">{ t.back_to_learning }</NavLink>
            </div>
        },
        View::Ready { session, .. } if session.finished() => {
            let counts =
                Rating::ALL.map(|r| session.given.iter().filter(|g| g.rating == r).count());
            let minutes = ((js_sys::Date::now() - session.started_ms) / 60_000.0)
                .round()
                .max(1.0);
            let again_more = {
                let attempt = attempt.clone();
                Callback::from(move |_: MouseEvent| attempt.set(*attempt + 1))
            };
            html! {
                <div class="review__summary" data-testid="review-summary" role="status">
                    <h2 class="review__summary-title">{ t.done_title }</h2>
                    <p>{ t.done_body.replace("{n}", &session.given.len().to_string()).replace("{m}", &minutes.to_string()) }</p>
                    <ul class="review__tally">
                        { for Rating::ALL.iter().zip(counts).map(|(rating, n)| html! {
                            <li class={classes!("review__tally-item", rating_class(*rating))}>
                                <span class="review__tally-n">{ n }</span>
                                <span>{ rating_label(texts, *rating) }</span>
                            </li>
                        }) }
                    </ul>
                    <div class="review__summary-actions">
                        <button type="button" class="button button--secondary" onclick={again_more}>{ t.check_again }</button>
                        <NavLink to={Route::Learning} classes="button button--primary">{ t.back_to_learning }</NavLink>
                    </div>
                </div>
            }
        }
        View::Ready {
            session, scheduler, ..
        } => {
            let Some(item) = session.current() else {
                return Html::default();
            };
            let total = session.queue.len();
            let done = session.position;
            let percent = done * 100 / total.max(1);
            let preview: Option<[Schedule; 4]> = if session.revealed {
                Some(scheduler.preview(&item.card.schedule, now_ms()))
            } else {
                None
            };
            let on_reveal = {
                let reveal = reveal.clone();
                Callback::from(move |_: MouseEvent| reveal.emit(()))
            };
            let on_undo = {
                let undo = undo.clone();
                Callback::from(move |_: MouseEvent| undo.emit(()))
            };
            html! {
                <>
                    <div class="review__progress">
                        <div class="meter" role="progressbar" aria-label={t.progress_label}
                            aria-valuemin="0" aria-valuemax={total.to_string()} aria-valuenow={done.to_string()}>
                            <div class="meter__bar" style={format!("width: {percent}%")} />
                        </div>
                        <span class="review__count" data-testid="review-progress">
                            { t.progress.replace("{n}", &(done + 1).to_string()).replace("{total}", &total.to_string()) }
                        </span>
                    </div>
                    <article class={classes!("review__card", session.revealed.then_some("is-revealed"))}
                        data-testid="review-card" data-card={item.card.id.clone()}
                        ontouchstart={on_touch_start} ontouchend={on_touch_end}>
                        <div class="review__front" data-testid="review-front">{ item.card.front.clone() }</div>
                        if session.revealed {
                            <hr class="review__divider" />
                            <div class="review__back" data-testid="review-back">{ item.card.back.clone() }</div>
                        }
                    </article>
                    if let Some(error) = &session.error {
                        <p class="status-line status-line--error" role="alert">{ error.message(texts) }</p>
                    }
                    if let Some(preview) = preview {
                        <div class="review__rates" role="group" aria-label={t.rate_label}>
                            { for Rating::ALL.iter().zip(preview).map(|(rating, after)| {
                                let rate = rate.clone();
                                let rating = *rating;
                                let wait = format_wait(texts, after.due_ms - now_ms());
                                html! {
                                    <button type="button" class={classes!("review__rate", rating_class(rating))}
                                        data-testid={format!("rate-{}", rating.number())} disabled={session.busy}
                                        onclick={Callback::from(move |_: MouseEvent| rate.emit(rating))}>
                                        <span class="review__rate-wait">{ wait }</span>
                                        <span class="review__rate-label">{ rating_label(texts, rating) }</span>
                                        <kbd class="review__key">{ rating.number() }</kbd>
                                    </button>
                                }
                            }) }
                        </div>
                    } else {
                        <button type="button" class="button button--primary review__show" data-testid="review-show" onclick={on_reveal}>
                            { t.show_answer }<kbd class="review__key">{ t.space_key }</kbd>
                        </button>
                    }
                    <div class="review__footer">
                        <button type="button" class="button button--ghost button--small" data-testid="review-undo"
                            disabled={session.given.is_empty() || session.busy} onclick={on_undo}>
                            { t.undo }<kbd class="review__key">{ "U" }</kbd>
                        </button>
                        <p class="review__hint">{ t.keys_hint }</p>
                    </div>
                </>
            }
        }
    };

    html! {
        <section class="review" data-testid="review" aria-labelledby="review-title">
            <header class="page-hero page-hero--compact">
                <h1 id="review-title" class="page-hero__title">{ t.title }</h1>
                <p class="page-hero__lead">{ t.lead }</p>
            </header>
            { body }
        </section>
    }
}

// Native tests (`cargo test -p client --lib`): how waits read needs no browser.
#[cfg(test)]
mod tests {
    use super::format_wait;
    use crate::i18n::{EN, RU};

    #[test]
    fn waits_read_in_the_largest_whole_unit() {
        let minute = 60_000;
        let day = 1_440 * minute;
        let table = [
            (0, "1 min"),
            (minute, "1 min"),
            (330_000, "6 min"),
            (10 * minute, "10 min"),
            (59 * minute, "59 min"),
            (90 * minute, "2 h"),
            (day - minute, "1 d"),
            (3 * day, "3 d"),
            (60 * day, "2 mo"),
            (400 * day, "1.1 y"),
            (36_500 * day, "100 y"),
        ];
        for (ms, expected) in table {
            assert_eq!(format_wait(&EN, ms), expected, "{ms}");
        }
        assert_eq!(format_wait(&RU, 3 * day), "3 дн");
    }
}
