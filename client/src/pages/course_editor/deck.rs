//! The course editor's flashcard deck: cards (front and back) the course's learners get to review
//! with their own schedules. Edited in place and saved whole (`PUT /deck`); a card keeps its id
//! while it stays, so learners' copies stay one card.

use shared::api::decks::{CourseDeck, DeckCardInput, DeckInput, MAX_DECK_CARDS};
use shared::domain::CourseId;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::api;
use crate::contexts::locale::use_texts;
use crate::error::ClientError;

#[derive(Properties, PartialEq)]
pub struct DeckEditorProps {
    pub course: CourseId,
}

/// A card as the editor holds it.
#[derive(Debug, Clone, PartialEq, Default)]
struct Row {
    id: Option<String>,
    front: String,
    back: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Status {
    Loading,
    Idle,
    Saving,
    Saved,
    Failed(ClientError),
}

fn rows_of(deck: CourseDeck) -> Vec<Row> {
    deck.cards
        .into_iter()
        .map(|c| Row {
            id: Some(c.id),
            front: c.front,
            back: c.back,
        })
        .collect()
}

#[function_component(DeckEditor)]
pub fn deck_editor(props: &DeckEditorProps) -> Html {
    let texts = use_texts();
    let t = &texts.review;
    let rows = use_state(Vec::<Row>::new);
    let status = use_state(|| Status::Loading);

    {
        let (rows, status) = (rows.clone(), status.clone());
        use_effect_with(props.course.clone(), move |course| {
            let course = course.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::course_deck(course.as_str()).await {
                    Ok(deck) => {
                        rows.set(rows_of(deck));
                        status.set(Status::Idle);
                    }
                    Err(error) => status.set(Status::Failed(error)),
                }
            });
        });
    }

    let edit = {
        let (rows, status) = (rows.clone(), status.clone());
        move |index: usize, back_side: bool| {
            let (rows, status) = (rows.clone(), status.clone());
            Callback::from(move |event: InputEvent| {
                let value = event.target_unchecked_into::<HtmlTextAreaElement>().value();
                let mut next = (*rows).clone();
                if let Some(row) = next.get_mut(index) {
                    if back_side {
                        row.back = value;
                    } else {
                        row.front = value;
                    }
                }
                rows.set(next);
                status.set(Status::Idle);
            })
        }
    };
    let add = {
        let rows = rows.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*rows).clone();
            if next.len() < MAX_DECK_CARDS {
                next.push(Row::default());
            }
            rows.set(next);
        })
    };
    let remove = {
        let rows = rows.clone();
        move |index: usize| {
            let rows = rows.clone();
            Callback::from(move |_: MouseEvent| {
                let mut next = (*rows).clone();
                if index < next.len() {
                    next.remove(index);
                }
                rows.set(next);
            })
        }
    };
    let save = {
        let (rows, status, course) = (rows.clone(), status.clone(), props.course.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let input = DeckInput {
                cards: rows
                    .iter()
                    .filter(|r| !r.front.trim().is_empty() || !r.back.trim().is_empty())
                    .map(|r| DeckCardInput {
                        id: r.id.clone(),
                        front: r.front.clone(),
                        back: r.back.clone(),
                    })
                    .collect(),
            };
            let (rows, status, course) = (rows.clone(), status.clone(), course.clone());
            status.set(Status::Saving);
            wasm_bindgen_futures::spawn_local(async move {
                match api::replace_deck(&course, &input).await {
                    Ok(deck) => {
                        rows.set(rows_of(deck));
                        status.set(Status::Saved);
                    }
                    Err(error) => status.set(Status::Failed(error)),
                }
            });
        })
    };

    let line = match &*status {
        Status::Loading => Some(html! { <p class="status-line">{ texts.common.loading }</p> }),
        Status::Saving => {
            Some(html! { <p class="status-line" role="status">{ texts.common.saving }</p> })
        }
        Status::Saved => Some(
            html! { <p class="status-line status-line--success" role="status" data-testid="deck-saved">{ texts.common.saved }</p> },
        ),
        Status::Failed(error) => Some(html! {
            <p class="status-line status-line--error" role="alert" data-testid="deck-error">{ error.message(texts) }</p>
        }),
        Status::Idle => None,
    };
    html! {
        <form class="panel form deck-editor" data-testid="deck-editor" aria-labelledby="deck-title" onsubmit={save}>
            <h2 id="deck-title" class="panel__title">{ t.deck_title }</h2>
            <p class="panel__lead">{ t.deck_lead }</p>
            if rows.is_empty() && *status != Status::Loading {
                <p class="deck-editor__empty" data-testid="deck-empty">{ t.deck_empty }</p>
            }
            <ol class="deck-editor__cards">
                { for rows.iter().enumerate().map(|(i, row)| html! {
                    <li class="deck-editor__card" data-testid="deck-card" key={row.id.clone().unwrap_or_else(|| format!("new-{i}"))}>
                        <label class="field">
                            <span class="field__label">{ t.deck_front }</span>
                            <textarea class="field__input" rows="2" data-testid="deck-front"
                                value={row.front.clone()} oninput={edit(i, false)} />
                        </label>
                        <label class="field">
                            <span class="field__label">{ t.deck_back }</span>
                            <textarea class="field__input" rows="2" data-testid="deck-back"
                                value={row.back.clone()} oninput={edit(i, true)} />
                        </label>
                        <button type="button" class="button button--ghost button--small" data-testid="deck-remove" onclick={remove(i)}>
                            { t.deck_remove }
                        </button>
                    </li>
                }) }
            </ol>
            <div class="form__actions">
                <button type="button" class="button button--secondary" data-testid="deck-add" onclick={add}
                    disabled={rows.len() >= MAX_DECK_CARDS}>{ t.deck_add }</button>
                <button type="submit" class="button button--primary" data-testid="deck-save"
                    disabled={matches!(*status, Status::Saving | Status::Loading)}>{ t.deck_save }</button>
            </div>
            { for line }
        </form>
    }
}
