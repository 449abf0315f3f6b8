//! The quiz drafts panel: a teacher picks how many questions and of which kinds, asks the server
//! to draft them (a language model, or the built-in offline provider), watches the progress, may
//! cancel, and reviews the questions before handing them on with `on_accept`.
//!
//! Talks to the server only through `api`; stores nothing. Questions drafted without a language
//! model are labelled so.

use std::cell::Cell;
use std::rc::Rc;

use shared::api::quiz_drafts::{DraftBatch, NewQuizDraft, MAX_DRAFT_QUESTIONS};
use shared::domain::{CourseId, LessonId, QuizDraftId};
use shared::quiz::{cloze_parts, ClozePart, Question, QuestionBody, QuestionKind};
use yew::prelude::*;

use crate::api;
use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::i18n::Texts;

/// How often a batch in the works is asked about.
const POLL_MS: u32 = 1_000;

#[derive(Properties, PartialEq)]
pub struct QuizDraftsProps {
    pub course: CourseId,
    pub lesson: LessonId,
    /// The finished batch whose questions the teacher chose to keep (the quiz editor adds them
    /// to the quiz as drafts, labelled by where they came from).
    pub on_accept: Callback<DraftBatch>,
}

#[derive(Debug, Clone, PartialEq)]
enum Batch {
    Idle,
    Asking,
    Working(DraftBatch),
    Finished(DraftBatch),
    Failed(ClientError),
}

fn kind_label(texts: &Texts, kind: QuestionKind) -> &'static str {
    match kind {
        QuestionKind::SingleChoice => texts.ai.kind_single_choice,
        QuestionKind::MultipleChoice => texts.ai.kind_multiple_choice,
        QuestionKind::TrueFalse => texts.ai.kind_true_false,
        QuestionKind::ShortAnswer => texts.ai.kind_short_answer,
        QuestionKind::Cloze => texts.ai.kind_cloze,
    }
}

/// Polls `draft` until it is no longer pending (or the panel is gone), showing each state.
fn poll(
    course: CourseId,
    lesson: LessonId,
    draft: QuizDraftId,
    batch: UseStateHandle<Batch>,
    alive: Rc<Cell<bool>>,
) {
    wasm_bindgen_futures::spawn_local(async move {
        loop {
            gloo_timers::future::TimeoutFuture::new(POLL_MS).await;
            if !alive.get() {
                return;
            }
            match api::draft_batch(&course, &lesson, &draft).await {
                Ok(current) if current.status.is_pending() => {
                    batch.set(Batch::Working(current));
                }
                Ok(done) => {
                    batch.set(Batch::Finished(done));
                    return;
                }
                Err(e) => {
                    batch.set(Batch::Failed(e));
                    return;
                }
            }
        }
    });
}

#[function_component(QuizDrafts)]
pub fn quiz_drafts(props: &QuizDraftsProps) -> Html {
    let texts = use_texts();
    let count = use_state(|| 5u8);
    let kinds = use_state(|| vec![QuestionKind::SingleChoice, QuestionKind::Cloze]);
    let batch = use_state(|| Batch::Idle);
    let accepted = use_state(|| false);
    // Polling stops when the panel goes away.
    let alive = use_memo((), |_| Rc::new(Cell::new(true)));
    {
        let alive = (*alive).clone();
        use_effect_with((), move |_| move || alive.set(false));
    }

    let on_count = {
        let count = count.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Ok(n) = input.value().parse::<u8>() {
                count.set(n.clamp(1, MAX_DRAFT_QUESTIONS));
            }
        })
    };
    let toggle_kind = |kind: QuestionKind| {
        let kinds = kinds.clone();
        Callback::from(move |_: Event| {
            let mut next = (*kinds).clone();
            if let Some(at) = next.iter().position(|k| *k == kind) {
                next.remove(at);
            } else {
                next.push(kind);
            }
            kinds.set(next);
        })
    };
    let on_generate = {
        let (course, lesson) = (props.course.clone(), props.lesson.clone());
        let (count, kinds, batch, accepted) = (
            count.clone(),
            kinds.clone(),
            batch.clone(),
            accepted.clone(),
        );
        let alive = (*alive).clone();
        Callback::from(move |_: MouseEvent| {
            let new = NewQuizDraft {
                count: *count,
                kinds: (*kinds).clone(),
            };
            let (course, lesson, batch, alive) =
                (course.clone(), lesson.clone(), batch.clone(), alive.clone());
            accepted.set(false);
            batch.set(Batch::Asking);
            wasm_bindgen_futures::spawn_local(async move {
                match api::create_quiz_draft(&course, &lesson, &new).await {
                    Ok(created) => poll(course, lesson, created.id, batch, alive),
                    Err(e) => batch.set(Batch::Failed(e)),
                }
            });
        })
    };
    let on_cancel = {
        let (course, lesson, batch) = (props.course.clone(), props.lesson.clone(), batch.clone());
        Callback::from(move |_: MouseEvent| {
            let Batch::Working(current) = &*batch else {
                return;
            };
            let (course, lesson, batch, id) = (
                course.clone(),
                lesson.clone(),
                batch.clone(),
                current.id.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::cancel_quiz_draft(&course, &lesson, &id).await {
                    Ok(cancelled) => batch.set(Batch::Finished(cancelled)),
                    Err(e) => batch.set(Batch::Failed(e)),
                }
            });
        })
    };

    let busy = matches!(*batch, Batch::Asking | Batch::Working(_));
    let kind_boxes = QuestionKind::ALL.iter().map(|kind| {
        let checked = kinds.contains(kind);
        html! {
            <label class="quiz-drafts__kind">
                <input type="checkbox" checked={checked} disabled={busy}
                    data-testid={format!("draft-kind-{}", kind.code())}
                    onchange={toggle_kind(*kind)} />
                { kind_label(texts, *kind) }
            </label>
        }
    });

    let status = match &*batch {
        Batch::Idle => Html::default(),
        Batch::Asking => html! {
            <progress class="quiz-drafts__progress" data-testid="draft-progress" />
        },
        Batch::Working(current) => html! {
            <div class="quiz-drafts__working">
                <progress class="quiz-drafts__progress" data-testid="draft-progress"
                    max="100" value={current.progress.to_string()} />
                <span>{ texts.ai.working.replace("{n}", &current.progress.to_string()) }</span>
                <button type="button" class="button button--small" data-testid="draft-cancel"
                    onclick={on_cancel}>{ texts.ai.cancel }</button>
            </div>
        },
        Batch::Finished(done) => finished(texts, done, &props.on_accept, &accepted),
        Batch::Failed(error) => html! {
            <p class="status-line status-line--error" role="alert" data-testid="draft-error">
                { format!("{}: {}", texts.ai.drafts_error, error.message(texts)) }
            </p>
        },
    };

    html! {
        <section class="panel quiz-drafts" data-testid="quiz-drafts" aria-labelledby="quiz-drafts-title">
            <h2 id="quiz-drafts-title" class="panel__title">{ texts.ai.drafts_title }</h2>
            <p class="panel__lead">{ texts.ai.drafts_lead }</p>
            <div class="quiz-drafts__form">
                <label class="field">
                    <span class="field__label">{ texts.ai.drafts_count }</span>
                    <input type="number" class="input" min="1" max={MAX_DRAFT_QUESTIONS.to_string()}
                        value={count.to_string()} disabled={busy} onchange={on_count}
                        data-testid="draft-count" />
                </label>
                <fieldset class="quiz-drafts__kinds">
                    <legend class="field__label">{ texts.ai.drafts_kinds }</legend>
                    { for kind_boxes }
                </fieldset>
                if kinds.is_empty() {
                    <p class="field__hint">{ texts.ai.no_kinds }</p>
                }
                <button type="button" class="button button--primary" data-testid="draft-generate"
                    disabled={busy || kinds.is_empty()} onclick={on_generate}>
                    { texts.ai.generate }
                </button>
            </div>
            { status }
        </section>
    }
}

/// A finished batch: its questions (with "Add these questions"), why it failed, or that it was
/// cancelled.
fn finished(
    texts: &'static Texts,
    done: &DraftBatch,
    on_accept: &Callback<DraftBatch>,
    accepted: &UseStateHandle<bool>,
) -> Html {
    use shared::api::quiz_drafts::DraftStatus;
    match done.status {
        DraftStatus::Cancelled => html! {
            <p class="status-line" data-testid="draft-cancelled">{ texts.ai.cancelled }</p>
        },
        DraftStatus::Done => {
            let batch = done.clone();
            let on_click = {
                let (on_accept, accepted) = (on_accept.clone(), accepted.clone());
                Callback::from(move |_: MouseEvent| {
                    on_accept.emit(batch.clone());
                    accepted.set(true);
                })
            };
            html! {
                <div class="quiz-drafts__result" data-testid="draft-result">
                    if done.made_without_llm {
                        <p class="badge badge--muted" data-testid="draft-without-llm"
                            title={texts.ai.made_without_llm_hint}>
                            { texts.ai.made_without_llm }
                        </p>
                    }
                    <ol class="quiz-drafts__questions">
                        { for done.questions.iter().map(|q| question(texts, q)) }
                    </ol>
                    if **accepted {
                        <p class="status-line">{ texts.ai.accepted }</p>
                    } else {
                        <button type="button" class="button button--primary"
                            data-testid="draft-accept" onclick={on_click}>
                            { texts.ai.accept }
                        </button>
                    }
                </div>
            }
        }
        _ => html! {
            <p class="status-line status-line--error" role="alert" data-testid="draft-error">
                { format!("{}: {}", texts.ai.failed, done.error.clone().unwrap_or_default()) }
            </p>
        },
    }
}

/// One drafted question as the teacher reviews it: the prompt, the answer, the explanation.
fn question(texts: &'static Texts, q: &Question) -> Html {
    let answer = match &q.body {
        QuestionBody::SingleChoice { options, correct } => choices(options, &[*correct]),
        QuestionBody::MultipleChoice { options, correct } => choices(options, correct),
        QuestionBody::TrueFalse { correct } => html! {
            <p>{ texts.ai.answer }{ ": " }{ if *correct { texts.ai.true_label } else { texts.ai.false_label } }</p>
        },
        QuestionBody::ShortAnswer { accepted } => html! {
            <p>{ texts.ai.answer }{ ": " }{ accepted.join(" / ") }</p>
        },
        QuestionBody::Cloze { text } => html! {
            <p class="quiz-drafts__cloze">
                { for cloze_parts(text).into_iter().map(|part| match part {
                    ClozePart::Text(t) => html! { { t } },
                    ClozePart::Gap(accepted) => html! { <mark>{ accepted.join(" / ") }</mark> },
                }) }
            </p>
        },
    };
    html! {
        <li class="quiz-drafts__question" data-testid="draft-question">
            <p class="quiz-drafts__kind-label">{ kind_label(texts, q.body.kind()) }</p>
            if !q.prompt.is_empty() {
                <p class="quiz-drafts__prompt">{ q.prompt.clone() }</p>
            }
            { answer }
            if !q.explanation.is_empty() {
                <p class="quiz-drafts__explanation">{ q.explanation.clone() }</p>
            }
        </li>
    }
}

fn choices(options: &[String], correct: &[u32]) -> Html {
    html! {
        <ul class="quiz-drafts__options">
            { for options.iter().enumerate().map(|(i, option)| {
                let right = correct.contains(&(i as u32));
                html! {
                    <li class={classes!(right.then_some("quiz-drafts__option--correct"))}>
                        { if right { "✓ " } else { "" } }{ option.clone() }
                    </li>
                }
            }) }
        </ul>
    }
}
