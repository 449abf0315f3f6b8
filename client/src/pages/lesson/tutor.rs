//! The Socratic tutor beside a lesson: a drawer (a panel on the right on wide screens, a bottom
//! sheet on phones) with the learner's conversations about the lesson, the open one's messages,
//! and a reply streamed token by token with the passages it cites.
//!
//! Talks to the server through `api` only; its state is one reducer (`state`). Offline it asks
//! nothing and shows the lesson's summary and key points instead. It never touches the lesson
//! body: a clicked citation goes to the lesson page (`on_cite`), which shows the passage.

mod citations;
mod composer;
mod conversations;
mod feedback;
mod message;
mod state;

use shared::api::courses::LessonSummary;
use shared::api::tutor::{Citation, NewTutorMessage};
use shared::api::Timestamp;
use shared::domain::{ConversationId, LessonId};
use shared::validate::Invalid;
use web_sys::{AbortController, HtmlElement};
use yew::prelude::*;

use self::composer::Composer;
use self::conversations::Conversations;
use self::message::{MessageView, StreamingView};
use self::state::{Action, Problem, TutorState};
use crate::api;
use crate::components::icons::CrossIcon;
use crate::contexts::locale::{use_locale, use_texts};
use crate::contexts::online::use_online;
use crate::error::ClientError;
use crate::hooks::use_escape;
use crate::i18n::{format_datetime, Locale, Texts};

/// The widest screen that shows the drawer as a bottom sheet (as `tutor.css` says).
const PHONE_MAX_WIDTH: f64 = 640.0;

/// A 429 asking to wait longer than this is the daily budget, not a burst of questions.
const BUDGET_WAIT_FROM_SECS: u32 = 120;

/// The class on `<body>` while the drawer is open (wide screens make room for it).
const BODY_OPEN_CLASS: &str = "tutor-open";

/// The sentence for what went wrong; `resets_at(seconds)` words the moment that many seconds
/// from now.
pub fn problem_words(
    texts: &Texts,
    problem: &Problem,
    resets_at: impl Fn(u32) -> String,
) -> String {
    let t = &texts.tutor;
    let error = match problem {
        Problem::ReplyBroken => return t.reply_failed.to_owned(),
        Problem::Request(error) => error,
    };
    match error {
        ClientError::Forbidden => t.not_enrolled.to_owned(),
        ClientError::NotFound { .. } => t.gone.to_owned(),
        ClientError::Conflict { .. } => t.full.to_owned(),
        ClientError::RateLimited {
            retry_after: Some(seconds),
        } if *seconds >= BUDGET_WAIT_FROM_SECS => {
            t.budget_used.replace("{when}", &resets_at(*seconds))
        }
        ClientError::RateLimited {
            retry_after: Some(seconds),
        } => t.slow_down.replace("{s}", &(*seconds).max(1).to_string()),
        ClientError::RateLimited { retry_after: None } => t.budget_used_later.to_owned(),
        ClientError::Validation {
            reason: Some(Invalid::TooLong { max }),
            ..
        } => t.too_long.replace("{n}", &max.to_string()),
        ClientError::Network { .. } | ClientError::Server { .. } => {
            format!("{} {}", t.load_error, error.message(texts))
        }
        other => other.message(texts),
    }
}

/// The moment `seconds` from now, as the learner reads times.
fn moment_after(seconds: u32, locale: Locale) -> String {
    let at = js_sys::Date::new(&(js_sys::Date::now() + f64::from(seconds) * 1000.0).into());
    match Timestamp::parse(&String::from(at.to_iso_string())) {
        Ok(at) => format_datetime(&at, locale),
        Err(_) => String::new(),
    }
}

/// A callback that dispatches the action `make` builds from its argument.
fn dispatch_with<T: 'static>(
    state: &UseReducerHandle<TutorState>,
    make: impl Fn(T) -> Action + 'static,
) -> Callback<T> {
    let dispatcher = state.dispatcher();
    Callback::from(move |value: T| dispatcher.dispatch(make(value)))
}

fn is_phone() -> bool {
    web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|width| width.as_f64())
        .is_some_and(|width| width <= PHONE_MAX_WIDTH)
}

#[derive(Properties, PartialEq)]
pub struct TutorDrawerProps {
    pub lesson_id: LessonId,
    /// The lesson's summary, shown instead of the chat when offline.
    pub summary: Option<LessonSummary>,
    pub open: bool,
    pub on_close: Callback<()>,
    /// A citation was clicked: show that passage.
    pub on_cite: Callback<Citation>,
}

#[function_component(TutorDrawer)]
pub fn tutor_drawer(props: &TutorDrawerProps) -> Html {
    let texts = use_texts();
    let locale = use_locale().locale;
    let online = use_online();
    let state = use_reducer(TutorState::default);
    // The reply on its way, to stop it; and the number of the last request made.
    let stopper = use_mut_ref(|| None::<AbortController>);
    let requests = use_mut_ref(|| 0_u32);
    let input_ref = use_node_ref();
    let close_ref = use_node_ref();
    let body_ref = use_node_ref();
    // Whether the messages follow the reply as it grows (the learner has not scrolled up).
    let follow = use_mut_ref(|| true);

    // The lesson's conversations; `true` keeps quiet about a failure (a refresh after a reply).
    let load_list = {
        let dispatcher = state.dispatcher();
        let lesson = props.lesson_id.clone();
        Callback::from(move |quiet: bool| {
            let (dispatcher, lesson) = (dispatcher.clone(), lesson.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::tutor_conversations(&lesson).await {
                    Ok(list) => dispatcher.dispatch(Action::ListLoaded(list)),
                    Err(error) if !quiet => dispatcher.dispatch(Action::Failed(error)),
                    Err(_) => {}
                }
            });
        })
    };
    {
        let load_list = load_list.clone();
        use_effect_with((props.lesson_id.clone(), online), move |(_, online)| {
            if *online {
                load_list.emit(false);
            }
        });
    }
    // A reply still streaming stops when the lesson goes away.
    {
        let stopper = stopper.clone();
        use_effect_with(props.lesson_id.clone(), move |_| {
            move || {
                if let Some(controller) = stopper.borrow_mut().take() {
                    controller.abort();
                }
            }
        });
    }
    // Wide screens make room for the open drawer; the focus goes to the text box.
    {
        let (input_ref, close_ref) = (input_ref.clone(), close_ref.clone());
        use_effect_with((props.open, online), move |(open, _)| {
            let body = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.body());
            if let Some(body) = &body {
                let classes = body.class_list();
                let _ = if *open {
                    classes.add_1(BODY_OPEN_CLASS)
                } else {
                    classes.remove_1(BODY_OPEN_CLASS)
                };
            }
            if *open {
                let target = input_ref
                    .cast::<HtmlElement>()
                    .or_else(|| close_ref.cast::<HtmlElement>());
                if let Some(target) = target {
                    let _ = target.focus();
                }
            }
            move || {
                if let Some(body) = body {
                    let _ = body.class_list().remove_1(BODY_OPEN_CLASS);
                }
            }
        });
    }
    use_escape(props.open, props.on_close.clone());
    // The newest words stay in view while the learner has not scrolled away from them.
    {
        let (body_ref, follow) = (body_ref.clone(), follow.clone());
        let growth = (
            state.messages.len(),
            state.streaming.as_ref().map(|s| s.text.len()),
            state.loading,
            props.open,
        );
        use_effect_with(growth, move |_| {
            if *follow.borrow() {
                if let Some(body) = body_ref.cast::<web_sys::Element>() {
                    body.set_scroll_top(body.scroll_height());
                }
            }
        });
    }
    let onscroll = {
        let (body_ref, follow) = (body_ref.clone(), follow.clone());
        Callback::from(move |_: Event| {
            if let Some(body) = body_ref.cast::<web_sys::Element>() {
                let below = body.scroll_height() - body.scroll_top() - body.client_height();
                *follow.borrow_mut() = below < 48;
            }
        })
    };

    // Starts request `stream` with a fresh stop handle (stopping any earlier one).
    let begin = {
        let (stopper, requests) = (stopper.clone(), requests.clone());
        move || -> Option<(u32, AbortController)> {
            let controller = AbortController::new().ok()?;
            if let Some(earlier) = stopper.borrow_mut().replace(controller.clone()) {
                earlier.abort();
            }
            let mut requests = requests.borrow_mut();
            *requests += 1;
            Some((*requests, controller))
        }
    };
    let on_send = {
        let (state, begin, load_list) = (state.clone(), begin.clone(), load_list.clone());
        let (lesson, follow) = (props.lesson_id.clone(), follow.clone());
        Callback::from(move |()| {
            if state.streaming.is_some() {
                return;
            }
            let Ok(text) = shared::validate::tutor_message(&state.draft) else {
                return;
            };
            let Some((stream, controller)) = begin() else {
                return;
            };
            *follow.borrow_mut() = true;
            let message = NewTutorMessage {
                conversation_id: state.conversation.clone(),
                text: text.clone(),
            };
            state.dispatch(Action::Asking {
                stream,
                question: text,
            });
            let (dispatcher, lesson, load_list) =
                (state.dispatcher(), lesson.clone(), load_list.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let events = dispatcher.clone();
                let outcome =
                    api::ask_tutor(&lesson, &message, &controller.signal(), move |event| {
                        events.dispatch(Action::Event { stream, event })
                    })
                    .await;
                dispatcher.dispatch(Action::Ended { stream, outcome });
                load_list.emit(true);
            });
        })
    };
    let on_retry = {
        let (state, begin, load_list, follow) = (
            state.clone(),
            begin.clone(),
            load_list.clone(),
            follow.clone(),
        );
        Callback::from(move |()| {
            let Some(conversation) = state.conversation.clone() else {
                return;
            };
            if !state.can_retry() {
                return;
            }
            let Some((stream, controller)) = begin() else {
                return;
            };
            *follow.borrow_mut() = true;
            state.dispatch(Action::Retrying { stream });
            let (dispatcher, load_list) = (state.dispatcher(), load_list.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let events = dispatcher.clone();
                let outcome =
                    api::retry_tutor_reply(&conversation, &controller.signal(), move |event| {
                        events.dispatch(Action::Event { stream, event })
                    })
                    .await;
                dispatcher.dispatch(Action::Ended { stream, outcome });
                load_list.emit(true);
            });
        })
    };
    let on_stop = {
        let (dispatcher, stopper, load_list) =
            (state.dispatcher(), stopper.clone(), load_list.clone());
        Callback::from(move |()| {
            if let Some(controller) = stopper.borrow_mut().take() {
                controller.abort();
            }
            dispatcher.dispatch(Action::Stopped);
            load_list.emit(true);
        })
    };
    let on_open = {
        let (dispatcher, follow) = (state.dispatcher(), follow.clone());
        Callback::from(move |id: ConversationId| {
            *follow.borrow_mut() = true;
            dispatcher.dispatch(Action::Opening(id.clone()));
            let dispatcher = dispatcher.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::tutor_conversation(&id).await {
                    Ok(conversation) => dispatcher.dispatch(Action::Opened(conversation)),
                    Err(error) => dispatcher.dispatch(Action::Failed(error)),
                }
            });
        })
    };
    let on_new = {
        let (dispatcher, input_ref) = (state.dispatcher(), input_ref.clone());
        Callback::from(move |_: MouseEvent| {
            dispatcher.dispatch(Action::NewConversation);
            if let Some(input) = input_ref.cast::<HtmlElement>() {
                let _ = input.focus();
            }
        })
    };
    let on_deleted = dispatch_with(&state, Action::Deleted);
    let on_rated = dispatch_with(&state, Action::Rated);
    let on_input = dispatch_with(&state, Action::Draft);
    let on_dismiss = dispatch_with(&state, |_: MouseEvent| Action::Dismiss);
    let on_cite = {
        let (on_cite, on_close) = (props.on_cite.clone(), props.on_close.clone());
        Callback::from(move |citation: Citation| {
            // A bottom sheet would hide the passage: it steps aside.
            if is_phone() {
                on_close.emit(());
            }
            on_cite.emit(citation);
        })
    };
    let on_close = props.on_close.reform(|_: MouseEvent| ());

    let t = &texts.tutor;
    let streaming = state.streaming.is_some();
    let body = if !online {
        html! { <OfflineFallback summary={props.summary.clone()} /> }
    } else {
        let problem = state.problem.as_ref().map(|problem| {
            let words = problem_words(texts, problem, |seconds| moment_after(seconds, locale));
            let full = matches!(problem, Problem::Request(ClientError::Conflict { .. }));
            let retry = state.can_retry() && state.retryable().is_none();
            html! {
                <div class="tutor__problem" role="alert" data-testid="tutor-error">
                    <p class="tutor__problem-text">{ words }</p>
                    <div class="tutor__problem-actions">
                        if retry {
                            <button type="button" class="button button--small button--secondary"
                                onclick={on_retry.reform(|_: MouseEvent| ())} data-testid="tutor-error-retry">
                                { t.retry }
                            </button>
                        }
                        if full {
                            <button type="button" class="button button--small button--primary"
                                onclick={on_new.clone()} data-testid="tutor-error-new">
                                { t.new_conversation }
                            </button>
                        }
                        <button type="button" class="tutor__problem-dismiss" onclick={on_dismiss}
                            aria-label={t.dismiss} title={t.dismiss}><CrossIcon /></button>
                    </div>
                </div>
            }
        });
        let last = state.messages.len().saturating_sub(1);
        let retry_here = state.can_retry();
        let conversation = if state.is_new() {
            let without_llm = state
                .list
                .as_ref()
                .is_some_and(|list| list.made_without_llm);
            html! {
                <div class="tutor__start">
                    <p class="tutor__lead">{ t.lead }</p>
                    if without_llm {
                        <p class="tutor__lead tutor__lead--note" data-testid="tutor-lead-without-llm">
                            { t.lead_without_llm }
                        </p>
                    }
                    if let Some(list) = &state.list {
                        <Conversations items={list.items.clone()} on_open={on_open.clone()}
                            on_deleted={on_deleted.clone()} />
                    } else if state.problem.is_none() {
                        <p class="tutor__loading" aria-busy="true">{ texts.common.loading }</p>
                    }
                </div>
            }
        } else {
            html! {
                // Announced when a reply is whole, not word by word as it streams.
                <ol class="tutor__messages" data-testid="tutor-messages" aria-label={t.title}
                    aria-live="polite" aria-busy={streaming.to_string()}>
                    { for state.messages.iter().enumerate().map(|(index, message)| html! {
                        <MessageView key={message.id.to_string()} message={message.clone()}
                            can_retry={retry_here && index == last} on_retry={on_retry.clone()}
                            on_cite={on_cite.clone()} on_rated={on_rated.clone()} />
                    }) }
                    if let Some(streaming) = &state.streaming {
                        <StreamingView streaming={streaming.clone()} on_cite={on_cite.clone()} />
                    }
                    if state.loading {
                        <li class="tutor__loading" aria-busy="true">{ texts.common.loading }</li>
                    }
                </ol>
            }
        };
        html! {
            <>
                <div class="tutor__body" ref={body_ref.clone()} {onscroll}>
                    { conversation }
                </div>
                { problem.unwrap_or_default() }
                if state.full && !streaming {
                    <div class="tutor__full" data-testid="tutor-full">
                        <p>{ t.full }</p>
                        <button type="button" class="button button--small button--primary"
                            onclick={on_new.clone()}>{ t.new_conversation }</button>
                    </div>
                }
                <Composer draft={AttrValue::from(state.draft.clone())} {streaming}
                    disabled={state.loading || state.full} input_ref={input_ref.clone()}
                    {on_input} {on_send} {on_stop} />
            </>
        }
    };

    html! {
        <div class={classes!("tutor", props.open.then_some("is-open"))} hidden={!props.open}
            data-testid="tutor-drawer">
            <div class="tutor__backdrop" onclick={on_close.clone()} aria-hidden="true"></div>
            <section id="tutor-panel" class="tutor__panel" role="dialog" aria-labelledby="tutor-title"
                data-testid="tutor-panel">
                <header class="tutor__header">
                    <h2 id="tutor-title" class="tutor__title">{ t.title }</h2>
                    if online && !state.is_new() {
                        <button type="button" class="button button--small button--secondary"
                            onclick={on_new} disabled={streaming} data-testid="tutor-new">
                            { t.new_conversation }
                        </button>
                    }
                    <button type="button" class="tutor__close" ref={close_ref} onclick={on_close}
                        aria-label={t.close} title={t.close} data-testid="tutor-close">
                        <CrossIcon />
                    </button>
                </header>
                { body }
            </section>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct OfflineProps {
    summary: Option<LessonSummary>,
}

/// Offline: what the tutor cannot do now, and the lesson's summary and key points meanwhile.
#[function_component(OfflineFallback)]
fn offline_fallback(props: &OfflineProps) -> Html {
    let texts = use_texts();
    let t = &texts.tutor;
    html! {
        <div class="tutor__body tutor-offline" data-testid="tutor-offline">
            <p class="tutor-offline__note" role="status" data-testid="tutor-needs-connection">
                { t.needs_connection }
            </p>
            if let Some(summary) = &props.summary {
                <h3 class="tutor-offline__title">{ t.offline_summary }</h3>
                <p class="tutor-offline__summary">{ summary.summary.clone() }</p>
                if !summary.key_points.is_empty() {
                    <h4 class="tutor-offline__points-title">{ texts.ai.key_points }</h4>
                    <ul class="tutor-offline__points" data-testid="tutor-key-points">
                        { for summary.key_points.iter().map(|point| html! { <li>{ point.clone() }</li> }) }
                    </ul>
                }
            } else {
                <p class="tutor-offline__summary">{ t.no_summary }</p>
            }
        </div>
    }
}

/// The button on the lesson page that opens (and closes) the drawer; Alt+T does the same.
#[derive(Properties, PartialEq)]
pub struct TutorButtonProps {
    pub open: bool,
    pub on_toggle: Callback<()>,
}

#[function_component(TutorButton)]
pub fn tutor_button(props: &TutorButtonProps) -> Html {
    let texts = use_texts();
    let onclick = props.on_toggle.reform(|_: MouseEvent| ());
    html! {
        <button type="button" class="button button--secondary button--small tutor-toggle"
            {onclick} title={texts.tutor.ask_hint} aria-expanded={props.open.to_string()}
            aria-controls={props.open.then_some("tutor-panel")} aria-keyshortcuts="Alt+T"
            data-testid="tutor-open">
            <crate::components::icons::ChatIcon />{ texts.tutor.ask }
        </button>
    }
}

#[cfg(test)]
mod tests {
    use shared::validate::TUTOR_MESSAGE_MAX_CHARS;

    use super::*;

    fn words(problem: Problem) -> String {
        problem_words(&crate::i18n::EN, &problem, |s| format!("in {s} s"))
    }

    #[test]
    fn each_refusal_reads_as_what_the_learner_can_do() {
        assert_eq!(
            words(Problem::Request(ClientError::Forbidden)),
            crate::i18n::EN.tutor.not_enrolled
        );
        assert_eq!(
            words(Problem::Request(ClientError::RateLimited {
                retry_after: Some(7_200)
            })),
            "You have used today's questions to the tutor. You can ask again after in 7200 s."
        );
        assert_eq!(
            words(Problem::Request(ClientError::RateLimited {
                retry_after: Some(20)
            })),
            "Too many questions at once. Please try again in 20 s."
        );
        assert_eq!(
            words(Problem::Request(ClientError::Conflict {
                message: "full".into()
            })),
            crate::i18n::EN.tutor.full
        );
        assert_eq!(
            words(Problem::Request(ClientError::Validation {
                code: shared::api::error::ErrorCode::ValidationFailed,
                message: String::new(),
                field: Some("text".into()),
                reason: Some(Invalid::TooLong {
                    max: TUTOR_MESSAGE_MAX_CHARS
                }),
            })),
            "A question may have at most 2000 characters."
        );
        assert_eq!(
            words(Problem::ReplyBroken),
            crate::i18n::EN.tutor.reply_failed
        );
    }
}
