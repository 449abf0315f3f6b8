//! One card in the cards page's list: its sides, where it comes from, when it is due, and what
//! the learner can do with it (edit and delete their own cards, suspend or resume any card,
//! download its review log). Deleting asks first, in place.

use std::rc::Rc;

use shared::doc::cards::Card;
use shared::doc::CardSource;
use yew::prelude::*;

use super::form::{CardForm, Editing};
use crate::contexts::locale::{use_locale, use_texts};
use crate::error::ClientError;
use crate::i18n::format_day;
use crate::learn::cards::{self, LearnerCard};

#[derive(Properties, PartialEq)]
pub struct CardItemProps {
    pub card: Rc<LearnerCard>,
    /// After a change was saved (the page reads its cards again).
    pub on_changed: Callback<()>,
    pub on_export_log: Callback<Rc<Card>>,
}

/// A change of a card on its way to the learner's document.
type Change = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), ClientError>>>>;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Showing,
    Editing,
    ConfirmingDelete,
}

/// Whether the learner may change a card's text and delete it: their own and imported cards.
/// Cards made from a course come back from the course, so they are only suspended.
pub fn is_own(card: &Card) -> bool {
    matches!(card.source, CardSource::Own | CardSource::Import)
}

#[function_component(CardItem)]
pub fn card_item(props: &CardItemProps) -> Html {
    let texts = use_texts();
    let locale = use_locale().locale;
    let t = &texts.cards;
    let mode = use_state(|| Mode::Showing);
    let failed = use_state(|| None::<ClientError>);
    let busy = use_state(|| false);
    let learner_card = props.card.clone();
    let card = &learner_card.card;

    // Runs a change of this card, then tells the page.
    let change = |action: fn(Rc<LearnerCard>) -> Change| {
        let (failed, busy, on_changed) = (failed.clone(), busy.clone(), props.on_changed.clone());
        let learner_card = learner_card.clone();
        Callback::from(move |_: MouseEvent| {
            let (failed, busy, on_changed) = (failed.clone(), busy.clone(), on_changed.clone());
            let future = action(learner_card.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let result = future.await;
                busy.set(false);
                match result {
                    Ok(()) => on_changed.emit(()),
                    Err(error) => failed.set(Some(error)),
                }
            });
        })
    };
    let toggle_suspend = change(|c| {
        Box::pin(async move { cards::suspend_card(&c.doc, &c.card.id, !c.card.suspended).await })
            as Change
    });
    let delete =
        change(|c| Box::pin(async move { cards::delete_card(&c.doc, &c.card.id).await }) as Change);
    let set_mode = |to: Mode| {
        let mode = mode.clone();
        Callback::from(move |_: MouseEvent| mode.set(to))
    };
    let export_log = {
        let (on_export_log, card) = (props.on_export_log.clone(), card.clone());
        Callback::from(move |_: MouseEvent| on_export_log.emit(Rc::new(card.clone())))
    };

    if *mode == Mode::Editing {
        let editing = Editing {
            doc: learner_card.doc.clone(),
            card_id: card.id.clone(),
            front: card.front.clone(),
            back: card.back.clone(),
            tags: card.tags.clone(),
        };
        let (on_saved, on_cancel) = {
            let (mode, on_changed) = (mode.clone(), props.on_changed.clone());
            let cancel_mode = mode.clone();
            (
                Callback::from(move |()| {
                    mode.set(Mode::Showing);
                    on_changed.emit(())
                }),
                Callback::from(move |()| cancel_mode.set(Mode::Showing)),
            )
        };
        return html! {
            <li class="card-item" data-testid="card-item" data-card={card.id.clone()}>
                <CardForm title={t.edit_title} editing={Some(editing)} {on_saved} {on_cancel} />
            </li>
        };
    }

    let now = js_sys::Date::now() as i64;
    let badge = match (card.source, learner_card.course.is_some()) {
        (CardSource::Own, _) => t.badge_own,
        (CardSource::Import, _) => t.badge_import,
        _ => t.badge_course,
    };
    let due = if card.suspended {
        html! { <span class="badge" data-testid="card-suspended">{ t.badge_suspended }</span> }
    } else if card.is_due(now) {
        html! { <span class="badge badge--due" data-testid="card-due">{ t.due_now }</span> }
    } else {
        html! { <span>{ t.due_on.replace("{when}", &format_day(card.schedule.due_ms, locale)) }</span> }
    };
    let own = is_own(card);
    html! {
        <li class={classes!("card-item", card.suspended.then_some("card-item--suspended"))}
            data-testid="card-item" data-card={card.id.clone()}>
            <div class="card-item__sides">
                <p class="card-item__side" data-testid="card-item-front">{ card.front.clone() }</p>
                <p class="card-item__side card-item__side--back" data-testid="card-item-back">{ card.back.clone() }</p>
            </div>
            <div class="card-item__meta">
                <span class="badge">{ badge }</span>
                { due }
                <span>{ texts.count(card.reviews.len() as u32, &t.reviews) }</span>
                if !card.tags.is_empty() {
                    <span class="card-item__tags">{ card.tags.clone() }</span>
                }
            </div>
            if *mode == Mode::ConfirmingDelete {
                <div class="card-item__actions" role="group" aria-label={t.delete_confirm}>
                    <p class="card-item__confirm">{ t.delete_confirm }</p>
                    <button type="button" class="button button--danger button--small" data-testid="card-delete-confirm"
                        disabled={*busy} onclick={delete}>{ t.delete }</button>
                    <button type="button" class="button button--secondary button--small"
                        onclick={set_mode(Mode::Showing)}>{ t.cancel }</button>
                </div>
            } else {
                <div class="card-item__actions">
                    if own {
                        <button type="button" class="button button--secondary button--small" data-testid="card-edit"
                            onclick={set_mode(Mode::Editing)}>{ t.edit }</button>
                    }
                    <button type="button" class="button button--secondary button--small" data-testid="card-suspend"
                        disabled={*busy} onclick={toggle_suspend}>
                        { if card.suspended { t.resume } else { t.suspend } }
                    </button>
                    if !card.reviews.is_empty() {
                        <button type="button" class="button button--secondary button--small" data-testid="card-export-log"
                            onclick={export_log}>{ t.export_log }</button>
                    }
                    if own {
                        <button type="button" class="button button--danger button--small" data-testid="card-delete"
                            onclick={set_mode(Mode::ConfirmingDelete)}>{ t.delete }</button>
                    }
                </div>
            }
            if let Some(error) = &*failed {
                <p class="status-line status-line--error" role="alert">{ t.action_error }{ ": " }{ error.message(texts) }</p>
            }
        </li>
    }
}
