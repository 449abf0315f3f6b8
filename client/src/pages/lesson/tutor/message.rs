//! One message of a conversation: the learner's question, or a tutor reply with its citations,
//! its labels (offline tutor, guarded), its rating, and Retry when it was not finished. Also the
//! reply on its way: "thinking" until the first words, then the text growing.

use shared::api::tutor::{Author, Citation, ReplyStatus, TutorMessage};
use yew::prelude::*;

use super::citations::{cited, Passages, ReplyText};
use super::feedback::Feedback;
use super::state::Streaming;
use crate::contexts::locale::use_texts;

#[derive(Properties, PartialEq)]
pub struct MessageProps {
    pub message: TutorMessage,
    /// Retry is offered on it (the conversation's last reply, broken off, nothing streaming).
    pub can_retry: bool,
    pub on_retry: Callback<()>,
    pub on_cite: Callback<Citation>,
    pub on_rated: Callback<TutorMessage>,
}

#[function_component(MessageView)]
pub fn message_view(props: &MessageProps) -> Html {
    let texts = use_texts();
    let t = &texts.tutor;
    let message = &props.message;
    if message.author == Author::Learner {
        return html! {
            <li class="tutor-msg tutor-msg--learner" data-testid="tutor-message" data-author="learner">
                <span class="visually-hidden">{ format!("{}: ", t.you) }</span>
                <p class="tutor-msg__text">{ message.text.clone() }</p>
            </li>
        };
    }
    let incomplete = message.status == ReplyStatus::Incomplete;
    let on_retry = props.on_retry.reform(|_: MouseEvent| ());
    html! {
        <li class={classes!("tutor-msg", "tutor-msg--tutor", incomplete.then_some("is-incomplete"))}
            data-testid="tutor-message" data-author="tutor" data-status={message.status.code()}>
            <ReplyBody text={message.text.clone()} citations={message.citations.clone()}
                made_without_llm={message.made_without_llm} guarded={message.guarded}
                complete={!incomplete} on_cite={props.on_cite.clone()} />
            if incomplete {
                <p class="tutor-msg__incomplete" data-testid="tutor-incomplete">
                    { t.incomplete }
                    if props.can_retry {
                        { " " }
                        <button type="button" class="button button--small button--secondary"
                            onclick={on_retry} data-testid="tutor-retry">{ t.retry }</button>
                    }
                </p>
            } else {
                <Feedback reply={message.clone()} on_rated={props.on_rated.clone()} />
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct StreamingProps {
    pub streaming: Streaming,
    pub on_cite: Callback<Citation>,
}

/// The reply being written, and before `start` the question as typed.
#[function_component(StreamingView)]
pub fn streaming_view(props: &StreamingProps) -> Html {
    let texts = use_texts();
    let t = &texts.tutor;
    let streaming = &props.streaming;
    html! {
        <>
            if let Some(question) = &streaming.question {
                <li class="tutor-msg tutor-msg--learner is-pending" data-testid="tutor-message"
                    data-author="learner" data-pending="true">
                    <span class="visually-hidden">{ format!("{}: ", t.you) }</span>
                    <p class="tutor-msg__text">{ question.clone() }</p>
                </li>
            }
            <li class="tutor-msg tutor-msg--tutor is-streaming" data-testid="tutor-streaming" aria-busy="true">
                if streaming.has_text() {
                    <ReplyBody text={streaming.text.clone()} citations={streaming.citations.clone()}
                        made_without_llm={streaming.made_without_llm} guarded={streaming.guarded}
                        complete={false} on_cite={props.on_cite.clone()} />
                } else {
                    <p class="tutor-thinking" role="status" data-testid="tutor-thinking">
                        { t.thinking }
                        <span class="tutor-thinking__dots" aria-hidden="true">
                            <span>{ "." }</span><span>{ "." }</span><span>{ "." }</span>
                        </span>
                    </p>
                }
            </li>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ReplyBodyProps {
    text: String,
    citations: Vec<Citation>,
    made_without_llm: bool,
    guarded: bool,
    /// Written to its end: when it cites nothing, the passages it was given are shown as related.
    complete: bool,
    on_cite: Callback<Citation>,
}

/// A reply's labels, text and passages.
#[function_component(ReplyBody)]
fn reply_body(props: &ReplyBodyProps) -> Html {
    let texts = use_texts();
    let t = &texts.tutor;
    let referenced: Vec<Citation> = cited(&props.text, &props.citations)
        .into_iter()
        .cloned()
        .collect();
    let (passages, title) = if referenced.is_empty() && props.complete {
        (props.citations.clone(), t.related)
    } else {
        (referenced, t.sources)
    };
    html! {
        <>
            <span class="visually-hidden">{ format!("{}: ", t.tutor) }</span>
            if props.made_without_llm {
                <p class="tutor-msg__labels">
                    <span class="badge tutor-badge" title={t.without_llm_hint}
                        data-testid="tutor-without-llm">{ t.without_llm }</span>
                </p>
            }
            if props.guarded {
                <p class="tutor-msg__guarded" data-testid="tutor-guarded">{ t.guarded }</p>
            }
            <p class="tutor-msg__text">
                <ReplyText text={AttrValue::from(props.text.clone())}
                    citations={props.citations.clone()} on_cite={props.on_cite.clone()} />
            </p>
            <Passages citations={passages} {title} on_cite={props.on_cite.clone()} />
        </>
    }
}
