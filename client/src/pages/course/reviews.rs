//! The course page's reviews: the rating summary, the list (newest first, a page at a time, with
//! the teacher's reply), the enrolled learner's own review to write, edit or delete, and the
//! teacher's one reply to each review.

use shared::api::accounts::Me;
use shared::api::courses::Rating;
use shared::api::reviews::{ReplyInput, Review, ReviewInput};
use yew::prelude::*;

use crate::api;
use crate::components::form::TextAreaField;
use crate::components::{ErrorNotice, RatingSummary, Stars};
use crate::contexts::locale::{use_locale, use_texts};
use crate::error::ClientError;
use crate::forms::check::worded;
use crate::i18n::{format_datetime, Texts};

#[derive(Properties, PartialEq)]
pub struct ReviewsProps {
    /// The course's id or slug.
    pub course: String,
    pub rating: Rating,
    pub me: Option<Me>,
    /// The viewer teaches this course (may reply, may not review).
    pub is_teacher: bool,
    /// The viewer is enrolled (may write a review).
    pub enrolled: bool,
    /// A review was written, changed or deleted: the course's rating changed.
    pub on_changed: Callback<()>,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct ReviewList {
    items: Vec<Review>,
    next_cursor: Option<String>,
    loading: bool,
    error: Option<ClientError>,
}

/// A failure as a sentence: the server's reason for a field it rejected, else the error's own.
fn problem_text(error: &ClientError, texts: &Texts) -> String {
    match error {
        ClientError::Validation {
            reason: Some(reason),
            ..
        } => worded(reason, texts),
        other => other.message(texts),
    }
}

#[function_component(Reviews)]
pub fn reviews(props: &ReviewsProps) -> Html {
    let texts = use_texts();
    let list = use_state_eq(|| ReviewList {
        loading: true,
        ..ReviewList::default()
    });
    // Bumped after every write, so the list starts again from the newest.
    let version = use_state_eq(|| 0_u32);
    let mine = use_state_eq(|| None::<Review>);
    let notice = use_state_eq(|| None::<&'static str>);

    let fetch = {
        let list = list.clone();
        let course = props.course.clone();
        Callback::from(move |cursor: Option<String>| {
            let mut next = (*list).clone();
            next.loading = true;
            next.error = None;
            list.set(next.clone());
            let list = list.clone();
            let course = course.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::reviews(&course, cursor.as_deref()).await {
                    Ok(page) => {
                        if cursor.is_some() {
                            next.items.extend(page.items);
                        } else {
                            next.items = page.items;
                        }
                        next.next_cursor = page.next_cursor;
                        next.loading = false;
                    }
                    Err(error) => {
                        next.loading = false;
                        next.error = Some(error);
                    }
                }
                list.set(next);
            });
        })
    };
    {
        let fetch = fetch.clone();
        use_effect_with((props.course.clone(), *version), move |_| fetch.emit(None));
    }
    {
        let mine = mine.clone();
        let signed_in = props.me.is_some();
        use_effect_with(
            (props.course.clone(), props.enrolled, signed_in),
            move |(course, enrolled, signed_in)| {
                mine.set(None);
                if *enrolled && *signed_in {
                    let course = course.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Ok(found) = api::my_review(&course).await {
                            mine.set(found);
                        }
                    });
                }
            },
        );
    }

    let changed = {
        let version = version.clone();
        let on_changed = props.on_changed.clone();
        let mine = mine.clone();
        let notice = notice.clone();
        Callback::from(move |(review, said): (Option<Review>, &'static str)| {
            mine.set(review);
            notice.set(Some(said));
            version.set(*version + 1);
            on_changed.emit(());
        })
    };
    let replied = {
        let list = list.clone();
        Callback::from(move |review: Review| {
            let mut next = (*list).clone();
            if let Some(item) = next.items.iter_mut().find(|r| r.id == review.id) {
                *item = review;
            }
            list.set(next);
        })
    };

    let more = {
        let fetch = fetch.clone();
        let cursor = list.next_cursor.clone();
        Callback::from(move |_: MouseEvent| fetch.emit(cursor.clone()))
    };
    let retry = {
        let fetch = fetch.clone();
        Callback::from(move |()| fetch.emit(None))
    };

    html! {
        <section class="course-section reviews" aria-labelledby="course-reviews" data-testid="reviews">
            <div class="reviews__head">
                <h2 id="course-reviews" class="course-section__title">{ texts.courses.reviews_title }</h2>
                <div data-testid="reviews-summary"><RatingSummary rating={props.rating.clone()} /></div>
            </div>
            <p class="status-line status-line--ok" role="status" data-testid="review-notice">
                { notice.unwrap_or_default() }
            </p>
            if props.enrolled && !props.is_teacher {
                <MyReview course={props.course.clone()} mine={(*mine).clone()} on_changed={changed} />
            } else if props.me.is_some() && !props.is_teacher {
                <p class="reviews__hint">{ texts.courses.review_enroll_hint }</p>
            }
            if let Some(error) = &list.error {
                <ErrorNotice testid="reviews-error" title={texts.courses.reviews_error} error={error.clone()} on_retry={retry} compact=true />
            }
            if !list.loading && list.error.is_none() && list.items.is_empty() {
                <p class="reviews__empty" data-testid="reviews-empty">{ texts.courses.reviews_empty }</p>
            }
            <ol class="reviews__list" data-testid="review-list">
                { for list.items.iter().map(|review| html! {
                    <ReviewItem key={review.id.to_string()} course={props.course.clone()} review={review.clone()}
                        can_reply={props.is_teacher} on_replied={replied.clone()} />
                }) }
            </ol>
            if list.loading {
                <div class="page-loading" role="status">
                    <span class="spinner" aria-hidden="true"></span>
                    <span>{ texts.common.loading }</span>
                </div>
            } else if list.next_cursor.is_some() {
                <div class="catalog__more">
                    <button type="button" class="button button--secondary" data-testid="more-reviews" onclick={more}>
                        { texts.courses.more_reviews }
                    </button>
                </div>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct MyReviewProps {
    course: String,
    mine: Option<Review>,
    /// The new review (`None` once deleted) and what to tell the user.
    on_changed: Callback<(Option<Review>, &'static str)>,
}

/// The learner's own review: shown with Edit and Delete, or a form to write it.
#[function_component(MyReview)]
fn my_review(props: &MyReviewProps) -> Html {
    let texts = use_texts();
    let editing = use_state_eq(|| false);
    let stars = use_state_eq(|| 0_u8);
    let body = use_state_eq(String::new);
    let problem = use_state_eq(|| None::<String>);
    let busy = use_state_eq(|| false);

    let open = {
        let (editing, stars, body, problem) = (
            editing.clone(),
            stars.clone(),
            body.clone(),
            problem.clone(),
        );
        let mine = props.mine.clone();
        Callback::from(move |_: MouseEvent| {
            stars.set(mine.as_ref().map_or(0, |r| r.stars));
            body.set(mine.as_ref().map(|r| r.body.clone()).unwrap_or_default());
            problem.set(None);
            editing.set(true);
        })
    };
    let cancel = {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| editing.set(false))
    };
    let onsubmit = {
        let (editing, stars, body, problem, busy) = (
            editing.clone(),
            stars.clone(),
            body.clone(),
            problem.clone(),
            busy.clone(),
        );
        let course = props.course.clone();
        let on_changed = props.on_changed.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if !(1..=5).contains(&*stars) {
                problem.set(Some(texts.courses.review_stars_required.to_owned()));
                return;
            }
            let input = ReviewInput {
                stars: *stars,
                body: (*body).clone(),
            };
            busy.set(true);
            problem.set(None);
            let (editing, problem, busy) = (editing.clone(), problem.clone(), busy.clone());
            let course = course.clone();
            let on_changed = on_changed.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::write_review(&course, &input).await;
                busy.set(false);
                match result {
                    Ok(review) => {
                        editing.set(false);
                        on_changed.emit((Some(review), texts.courses.review_saved));
                    }
                    Err(error) => problem.set(Some(problem_text(&error, texts))),
                }
            });
        })
    };
    let delete = {
        let (problem, busy) = (problem.clone(), busy.clone());
        let course = props.course.clone();
        let on_changed = props.on_changed.clone();
        Callback::from(move |_: MouseEvent| {
            busy.set(true);
            problem.set(None);
            let (problem, busy) = (problem.clone(), busy.clone());
            let course = course.clone();
            let on_changed = on_changed.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::delete_review(&course).await;
                busy.set(false);
                match result {
                    Ok(()) => on_changed.emit((None, texts.courses.review_deleted)),
                    Err(error) => problem.set(Some(problem_text(&error, texts))),
                }
            });
        })
    };

    if *editing {
        let on_stars = {
            let (stars, problem) = (stars.clone(), problem.clone());
            Callback::from(move |n: u8| {
                stars.set(n);
                problem.set(None);
            })
        };
        let on_body = {
            let body = body.clone();
            Callback::from(move |text: String| body.set(text))
        };
        return html! {
            <form id="review-form" class="panel review-form" data-testid="review-form" {onsubmit} novalidate=true>
                <h3 class="panel__title">
                    { if props.mine.is_some() { texts.courses.edit_review } else { texts.courses.write_review } }
                </h3>
                <StarInput value={*stars} onchange={on_stars} invalid={problem.is_some() && *stars == 0} />
                <TextAreaField form="review-form" name="body" label={texts.courses.review_text}
                    value={(*body).clone()} maxlength={shared::validate::REVIEW_MAX_CHARS}
                    oninput={on_body} />
                if let Some(problem) = &*problem {
                    <p class="form-error" role="alert" data-testid="review-problem">{ problem.clone() }</p>
                }
                <div class="form__actions">
                    <button type="submit" class="button button--primary" disabled={*busy} aria-busy={busy.to_string()}>
                        if *busy { <span class="spinner" aria-hidden="true"></span> }
                        { texts.courses.review_publish }
                    </button>
                    <button type="button" class="button button--secondary" onclick={cancel}>{ texts.common.cancel }</button>
                </div>
            </form>
        };
    }

    match &props.mine {
        None => html! {
            <div class="reviews__mine">
                <button type="button" class="button button--primary" data-testid="write-review" onclick={open}>
                    { texts.courses.write_review }
                </button>
            </div>
        },
        Some(review) => html! {
            <div class="panel reviews__mine" data-testid="my-review">
                <h3 class="panel__title">{ texts.courses.your_review }</h3>
                <Stars value={f32::from(review.stars)} label={texts.count(u32::from(review.stars), &texts.courses.stars)} />
                if !review.body.is_empty() {
                    <p class="review__body">{ review.body.clone() }</p>
                }
                if let Some(problem) = &*problem {
                    <p class="form-error" role="alert">{ problem.clone() }</p>
                }
                <div class="form__actions">
                    <button type="button" class="button button--secondary" data-testid="edit-review" onclick={open}>
                        { texts.courses.edit_review }
                    </button>
                    <button type="button" class="button button--danger" data-testid="delete-review"
                        disabled={*busy} aria-busy={busy.to_string()} onclick={delete}>
                        { texts.courses.delete_review }
                    </button>
                </div>
            </div>
        },
    }
}

#[derive(Properties, PartialEq)]
struct StarInputProps {
    /// 0 when none is chosen yet.
    value: u8,
    onchange: Callback<u8>,
    invalid: bool,
}

/// 1 to 5 stars as a radio group: arrow keys move between stars, each named "4 stars".
#[function_component(StarInput)]
fn star_input(props: &StarInputProps) -> Html {
    let texts = use_texts();
    html! {
        <fieldset class="star-input" data-testid="star-input" aria-invalid={props.invalid.then_some("true")}>
            <legend class="field__label">{ texts.courses.stars_legend }</legend>
            <div class="star-input__stars">
                { for (1..=5_u8).map(|n| {
                    let id = format!("review-stars-{n}");
                    let onchange = props.onchange.reform(move |_: Event| n);
                    let lit = props.value >= n;
                    html! {
                        <>
                            <input class="star-input__radio visually-hidden" type="radio" name="stars" id={id.clone()}
                                value={n.to_string()} checked={props.value == n} {onchange} />
                            <label for={id} class={classes!("star-input__star", lit.then_some("is-lit"))}>
                                <span aria-hidden="true">{ "★" }</span>
                                <span class="visually-hidden">{ texts.count(u32::from(n), &texts.courses.stars) }</span>
                            </label>
                        </>
                    }
                }) }
            </div>
        </fieldset>
    }
}

#[derive(Properties, PartialEq)]
struct ReviewItemProps {
    course: String,
    review: Review,
    can_reply: bool,
    on_replied: Callback<Review>,
}

/// One review, its teacher's reply, and for the teacher a way to reply once.
#[function_component(ReviewItem)]
fn review_item(props: &ReviewItemProps) -> Html {
    let texts = use_texts();
    let locale = use_locale().locale;
    let replying = use_state_eq(|| false);
    let body = use_state_eq(String::new);
    let problem = use_state_eq(|| None::<String>);
    let busy = use_state_eq(|| false);
    let review = &props.review;
    let form_id = format!("reply-{}", review.id);

    let onsubmit = {
        let (replying, body, problem, busy) = (
            replying.clone(),
            body.clone(),
            problem.clone(),
            busy.clone(),
        );
        let course = props.course.clone();
        let id = review.id.clone();
        let on_replied = props.on_replied.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if body.trim().is_empty() {
                problem.set(Some(texts.courses.reply_required.to_owned()));
                return;
            }
            let input = ReplyInput {
                body: (*body).clone(),
            };
            busy.set(true);
            problem.set(None);
            let (replying, problem, busy) = (replying.clone(), problem.clone(), busy.clone());
            let (course, id, on_replied) = (course.clone(), id.clone(), on_replied.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::reply_to_review(&course, &id, &input).await;
                busy.set(false);
                match result {
                    Ok(review) => {
                        replying.set(false);
                        on_replied.emit(review);
                    }
                    Err(error) => problem.set(Some(problem_text(&error, texts))),
                }
            });
        })
    };

    html! {
        <li class="review" data-testid="review">
            <div class="review__head">
                <Stars value={f32::from(review.stars)} label={texts.count(u32::from(review.stars), &texts.courses.stars)} />
                <span class="review__author">
                    { review.author.clone().unwrap_or_else(|| texts.courses.former_learner.to_owned()) }
                </span>
                <time class="review__date" datetime={review.updated_at.as_str().to_owned()}>
                    { format_datetime(&review.updated_at, locale) }
                </time>
            </div>
            if !review.body.is_empty() {
                <p class="review__body">{ review.body.clone() }</p>
            }
            if let Some(reply) = &review.reply {
                <div class="review__reply" data-testid="review-reply">
                    <p class="review__reply-label">{ texts.courses.teacher_reply }</p>
                    <p class="review__body">{ reply.body.clone() }</p>
                </div>
            } else if props.can_reply && *replying {
                <form id={form_id.clone()} class="review__reply-form" {onsubmit} novalidate=true>
                    <TextAreaField form={form_id.clone()} name="reply" label={texts.courses.reply_label}
                        value={(*body).clone()} maxlength={shared::validate::REPLY_MAX_CHARS}
                        oninput={{ let body = body.clone(); Callback::from(move |t: String| body.set(t)) }} />
                    if let Some(problem) = &*problem {
                        <p class="form-error" role="alert">{ problem.clone() }</p>
                    }
                    <div class="form__actions">
                        <button type="submit" class="button button--primary button--small" disabled={*busy}>
                            { texts.courses.reply_publish }
                        </button>
                        <button type="button" class="button button--secondary button--small"
                            onclick={{ let replying = replying.clone(); Callback::from(move |_: MouseEvent| replying.set(false)) }}>
                            { texts.common.cancel }
                        </button>
                    </div>
                </form>
            } else if props.can_reply {
                <button type="button" class="button button--secondary button--small" data-testid="reply"
                    onclick={{ let replying = replying.clone(); Callback::from(move |_: MouseEvent| replying.set(true)) }}>
                    { texts.courses.reply }
                </button>
            }
        </li>
    }
}
