//! Thumbs up / down on a tutor reply, then an optional comment. Each choice is saved at once
//! (`PUT .../feedback`); the reply as stored comes back to the drawer, so the chosen thumb stays lit.

use shared::api::tutor::{Rating, TutorFeedback, TutorMessage};
use shared::validate::TUTOR_COMMENT_MAX_CHARS;
use yew::prelude::*;

use crate::api;
use crate::components::icons::{ThumbDownIcon, ThumbUpIcon};
use crate::contexts::locale::use_texts;

#[derive(Properties, PartialEq)]
pub struct FeedbackProps {
    pub reply: TutorMessage,
    pub on_rated: Callback<TutorMessage>,
}

#[function_component(Feedback)]
pub fn feedback(props: &FeedbackProps) -> Html {
    let texts = use_texts();
    let t = &texts.tutor;
    // The comment box, open after a thumb is chosen.
    let comment = use_state(|| None::<String>);
    let busy = use_state_eq(|| false);
    let thanked = use_state_eq(|| false);
    let problem = use_state(|| None::<String>);

    let save = {
        let (busy, problem, on_rated) = (busy.clone(), problem.clone(), props.on_rated.clone());
        let (comment, thanked) = (comment.clone(), thanked.clone());
        let id = props.reply.id.clone();
        Callback::from(move |(feedback, closes): (TutorFeedback, bool)| {
            if *busy {
                return;
            }
            busy.set(true);
            problem.set(None);
            let (busy, problem, on_rated, id) =
                (busy.clone(), problem.clone(), on_rated.clone(), id.clone());
            let (comment, thanked) = (comment.clone(), thanked.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::rate_tutor_reply(&id, &feedback).await {
                    Ok(reply) => {
                        if closes {
                            comment.set(None);
                            thanked.set(true);
                        } else if comment.is_none() {
                            comment.set(Some(reply.comment.clone().unwrap_or_default()));
                        }
                        on_rated.emit(reply);
                    }
                    Err(error) => problem.set(Some(format!(
                        "{}: {}",
                        texts.tutor.rating_error,
                        error.message(texts)
                    ))),
                }
                busy.set(false);
            });
        })
    };
    let rate = |rating: Rating| {
        let (save, kept) = (save.clone(), props.reply.comment.clone());
        Callback::from(move |_: MouseEvent| {
            save.emit((
                TutorFeedback {
                    rating,
                    comment: kept.clone(),
                },
                false,
            ))
        })
    };
    let chosen = props.reply.rating;
    let thumb = |rating: Rating, label: &'static str, testid: &'static str, icon: Html| {
        let pressed = chosen == Some(rating);
        html! {
            <button type="button" onclick={rate(rating)} disabled={*busy}
                class={classes!("tutor-feedback__thumb", pressed.then_some("is-chosen"))}
                aria-pressed={pressed.to_string()} aria-label={label} title={label}
                data-testid={testid}>
                { icon }
            </button>
        }
    };

    let comment_form = match (&*comment, chosen) {
        (Some(text), Some(rating)) => {
            let oninput = {
                let comment = comment.clone();
                Callback::from(move |e: InputEvent| {
                    if let Some(area) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
                        comment.set(Some(area.value()));
                    }
                })
            };
            let onsubmit = {
                let (save, text) = (save.clone(), text.clone());
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    let text = text.trim().to_owned();
                    save.emit((
                        TutorFeedback {
                            rating,
                            comment: (!text.is_empty()).then_some(text),
                        },
                        true,
                    ));
                })
            };
            let id = format!("tutor-comment-{}", props.reply.id);
            html! {
                <form class="tutor-feedback__comment" {onsubmit}>
                    <label for={id.clone()}>{ t.comment_label }</label>
                    <textarea {id} rows="2" value={text.clone()} {oninput}
                        maxlength={TUTOR_COMMENT_MAX_CHARS.to_string()} data-testid="tutor-comment" />
                    <button type="submit" class="button button--small" disabled={*busy}
                        data-testid="tutor-comment-send">{ t.comment_send }</button>
                </form>
            }
        }
        _ => html! {},
    };

    html! {
        <div class="tutor-feedback" data-testid="tutor-feedback"
            data-rating={chosen.map(|r| r.code()).unwrap_or_default()}>
            <span class="tutor-feedback__label">{ t.rate_label }</span>
            { thumb(Rating::Up, t.helpful, "tutor-rate-up", html! { <ThumbUpIcon /> }) }
            { thumb(Rating::Down, t.not_helpful, "tutor-rate-down", html! { <ThumbDownIcon /> }) }
            { comment_form }
            if *thanked {
                <p class="tutor-feedback__thanks" role="status" data-testid="tutor-feedback-saved">{ t.comment_saved }</p>
            }
            if let Some(words) = &*problem {
                <p class="status-line status-line--error" role="alert">{ words.clone() }</p>
            }
        </div>
    }
}
