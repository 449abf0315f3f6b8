//! The learner's conversations about the lesson, newest first: pick one to continue it, or delete
//! it after a confirmation in place.

use shared::api::tutor::ConversationSummary;
use shared::domain::ConversationId;
use yew::prelude::*;

use crate::api;
use crate::contexts::locale::{use_locale, use_texts};
use crate::i18n::format_relative;

#[derive(Properties, PartialEq)]
pub struct ConversationsProps {
    pub items: Vec<ConversationSummary>,
    pub on_open: Callback<ConversationId>,
    pub on_deleted: Callback<ConversationId>,
}

#[function_component(Conversations)]
pub fn conversations(props: &ConversationsProps) -> Html {
    let texts = use_texts();
    let t = &texts.tutor;
    if props.items.is_empty() {
        return html! {
            <p class="tutor-conversations__empty" data-testid="tutor-conversations-empty">
                { t.conversations_empty }
            </p>
        };
    }
    html! {
        <section class="tutor-conversations" aria-labelledby="tutor-conversations-title">
            <h3 id="tutor-conversations-title" class="tutor-conversations__title">{ t.conversations_title }</h3>
            <ul class="tutor-conversations__list" data-testid="tutor-conversations">
                { for props.items.iter().map(|item| html! {
                    <ConversationItem key={item.id.to_string()} item={item.clone()}
                        on_open={props.on_open.clone()} on_deleted={props.on_deleted.clone()} />
                }) }
            </ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ItemProps {
    item: ConversationSummary,
    on_open: Callback<ConversationId>,
    on_deleted: Callback<ConversationId>,
}

#[function_component(ConversationItem)]
fn conversation_item(props: &ItemProps) -> Html {
    let texts = use_texts();
    let locale = use_locale().locale;
    let t = &texts.tutor;
    let confirming = use_state_eq(|| false);
    let busy = use_state_eq(|| false);
    let problem = use_state(|| None::<String>);
    let item = &props.item;

    let open = {
        let (on_open, id) = (props.on_open.clone(), item.id.clone());
        Callback::from(move |_: MouseEvent| on_open.emit(id.clone()))
    };
    let ask = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(true))
    };
    let cancel = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(false))
    };
    let delete = {
        let (busy, problem, on_deleted) = (busy.clone(), problem.clone(), props.on_deleted.clone());
        let id = item.id.clone();
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            busy.set(true);
            problem.set(None);
            let (busy, problem, on_deleted, id) = (
                busy.clone(),
                problem.clone(),
                on_deleted.clone(),
                id.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::delete_tutor_conversation(&id).await {
                    // Gone either way: deleted now, or already (another tab).
                    Ok(()) | Err(crate::error::ClientError::NotFound { .. }) => on_deleted.emit(id),
                    Err(error) => {
                        busy.set(false);
                        problem.set(Some(error.message(texts)));
                    }
                }
            });
        })
    };
    let when = format_relative(&item.updated_at, js_sys::Date::now(), locale);

    html! {
        <li class="tutor-conversation" data-testid="tutor-conversation" data-id={item.id.to_string()}>
            <button type="button" class="tutor-conversation__open" onclick={open}
                data-testid="tutor-conversation-open">
                <span class="tutor-conversation__title">{ item.title.clone() }</span>
                <span class="tutor-conversation__meta">
                    { texts.count(item.message_count, &t.messages) }{ " · " }
                    <time datetime={item.updated_at.to_string()}>{ when }</time>
                </span>
            </button>
            if *confirming {
                <div class="tutor-conversation__confirm" role="group" aria-label={t.delete_confirm}>
                    <span>{ t.delete_confirm }</span>
                    <button type="button" class="button button--danger button--small" onclick={delete}
                        disabled={*busy} data-testid="tutor-delete-confirm">
                        { if *busy { texts.common.deleting } else { t.delete } }
                    </button>
                    <button type="button" class="button button--small" onclick={cancel}
                        disabled={*busy} data-testid="tutor-delete-cancel">{ t.cancel }</button>
                </div>
            } else {
                <button type="button" class="tutor-conversation__delete" onclick={ask}
                    aria-label={format!("{}: {}", t.delete, item.title)} title={t.delete}
                    data-testid="tutor-delete">{ t.delete }</button>
            }
            if let Some(words) = &*problem {
                <p class="status-line status-line--error" role="alert">{ words.clone() }</p>
            }
        </li>
    }
}
