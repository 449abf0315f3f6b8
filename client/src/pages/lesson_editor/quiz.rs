//! The quiz editor under a lesson's editor: the working copy's questions of the five kinds in
//! order (reorder with buttons), draft suggestions with their badge to accept or discard, the
//! pass mark, "Publish quiz", and how learners did (bars per question).
//!
//! Talks to the server only through `api`. Another panel (the AI drafts) adds suggestions with
//! `add_drafts`, then bumps `QuizEditor`'s `revision` so the list reloads.

use shared::api::quizzes::{
    NewQuestions, QuestionInput, QuestionOrder, QuestionSource, QuizDraft, QuizQuestion,
    QuizSettings, QuizStats,
};
use shared::domain::{CourseId, LessonId};
use shared::quiz::{validate_question, InvalidQuestion, Question, QuestionBody, QuestionKind};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::api;
use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::i18n::Texts;

/// Adds `questions` to the lesson's working copy as drafts from `source`, to be accepted or
/// discarded by the teacher (what the AI drafts panel calls). Their ids are made anew.
pub async fn add_drafts(
    course: &CourseId,
    lesson: &LessonId,
    questions: Vec<Question>,
    source: QuestionSource,
) -> Result<QuizDraft, ClientError> {
    let questions = questions
        .into_iter()
        .map(|q| QuestionInput {
            prompt: q.prompt,
            body: q.body,
            explanation: q.explanation,
            draft: true,
            source: Some(source),
        })
        .collect();
    api::add_quiz_questions(course, lesson, &NewQuestions { questions }).await
}

/// The server's words when it explains a refusal, else the general message.
fn refusal(error: &ClientError, texts: &Texts) -> String {
    match error {
        ClientError::Validation { message, .. } | ClientError::Conflict { message }
            if !message.is_empty() =>
        {
            message.clone()
        }
        _ => error.message(texts),
    }
}

/// What to fix in a question, in the editor's language (the server says the same in English).
fn invalid_text(invalid: InvalidQuestion, texts: &Texts) -> &'static str {
    let t = &texts.quiz;
    match invalid {
        InvalidQuestion::TextTooLong => t.invalid_text_too_long,
        InvalidQuestion::NoPrompt => t.invalid_no_prompt,
        InvalidQuestion::CorrectNotAnOption => t.invalid_correct_not_an_option,
        InvalidQuestion::NoCorrectOption => t.invalid_no_correct_option,
        InvalidQuestion::CorrectOutOfRange => t.invalid_correct_out_of_range,
        InvalidQuestion::NoAcceptedAnswer => t.invalid_no_accepted_answer,
        InvalidQuestion::AcceptedTooLong => t.invalid_accepted_too_long,
        InvalidQuestion::ClozeTooLong => t.invalid_cloze_too_long,
        InvalidQuestion::NoGap => t.invalid_no_gap,
        InvalidQuestion::OptionCount => t.invalid_option_count,
        InvalidQuestion::EmptyOption => t.invalid_empty_option,
        InvalidQuestion::OptionTooLong => t.invalid_option_too_long,
        InvalidQuestion::SameOptions => t.invalid_same_options,
    }
}

fn kind_label(kind: QuestionKind, texts: &Texts) -> &'static str {
    let t = &texts.quiz;
    match kind {
        QuestionKind::SingleChoice => t.kind_single_choice,
        QuestionKind::MultipleChoice => t.kind_multiple_choice,
        QuestionKind::TrueFalse => t.kind_true_false,
        QuestionKind::ShortAnswer => t.kind_short_answer,
        QuestionKind::Cloze => t.kind_cloze,
    }
}

/// A question as its form edits it: every kind's fields, the chosen kind's sent.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QuestionFields {
    kind: QuestionKind,
    prompt: String,
    /// One option a line.
    options: String,
    /// 1-based option numbers, separated by commas or spaces.
    correct: String,
    truth: bool,
    /// One accepted answer a line.
    accepted: String,
    cloze: String,
    explanation: String,
}

impl Default for QuestionFields {
    fn default() -> Self {
        Self {
            kind: QuestionKind::SingleChoice,
            prompt: String::new(),
            options: String::new(),
            correct: "1".into(),
            truth: true,
            accepted: String::new(),
            cloze: String::new(),
            explanation: String::new(),
        }
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

impl QuestionFields {
    pub(crate) fn of(question: &Question) -> Self {
        let mut fields = Self {
            kind: question.body.kind(),
            prompt: question.prompt.clone(),
            explanation: question.explanation.clone(),
            ..Self::default()
        };
        let numbers = |indexes: &[u32]| {
            indexes
                .iter()
                .map(|i| (i + 1).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &question.body {
            QuestionBody::SingleChoice { options, correct } => {
                fields.options = options.join("\n");
                fields.correct = numbers(&[*correct]);
            }
            QuestionBody::MultipleChoice { options, correct } => {
                fields.options = options.join("\n");
                fields.correct = numbers(correct);
            }
            QuestionBody::TrueFalse { correct } => fields.truth = *correct,
            QuestionBody::ShortAnswer { accepted } => fields.accepted = accepted.join("\n"),
            QuestionBody::Cloze { text } => fields.cloze = text.clone(),
        }
        fields
    }

    /// The body the chosen kind makes; option numbers that do not read become 0 (the server
    /// then explains what is wrong).
    pub(crate) fn body(&self) -> QuestionBody {
        let correct: Vec<u32> = self
            .correct
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter_map(|n| n.trim().parse::<u32>().ok())
            .map(|n| n.saturating_sub(1))
            .collect();
        match self.kind {
            QuestionKind::SingleChoice => QuestionBody::SingleChoice {
                options: lines(&self.options),
                correct: correct.first().copied().unwrap_or(u32::MAX),
            },
            QuestionKind::MultipleChoice => QuestionBody::MultipleChoice {
                options: lines(&self.options),
                correct,
            },
            QuestionKind::TrueFalse => QuestionBody::TrueFalse {
                correct: self.truth,
            },
            QuestionKind::ShortAnswer => QuestionBody::ShortAnswer {
                accepted: lines(&self.accepted),
            },
            QuestionKind::Cloze => QuestionBody::Cloze {
                text: self.cloze.clone(),
            },
        }
    }

    fn input(&self, draft: bool) -> QuestionInput {
        QuestionInput {
            prompt: self.prompt.trim().to_owned(),
            body: self.body(),
            explanation: self.explanation.trim().to_owned(),
            draft,
            source: None,
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct QuizEditorProps {
    pub course: CourseId,
    pub lesson: LessonId,
    /// Bumped by whoever added questions from outside (the AI drafts panel): reloads.
    #[prop_or_default]
    pub revision: u32,
}

#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Ready(QuizDraft),
    Failed(ClientError),
}

#[function_component(QuizEditor)]
pub fn quiz_editor(props: &QuizEditorProps) -> Html {
    let texts = use_texts();
    let t = &texts.quiz;
    let draft = use_state(|| Load::Loading);
    let stats = use_state(|| None::<QuizStats>);
    let busy = use_state_eq(|| false);
    let problem = use_state_eq(|| None::<String>);
    let editing = use_state_eq(|| None::<String>);
    let pass_mark = use_state_eq(String::new);

    let load = {
        let (draft, stats, pass_mark) = (draft.clone(), stats.clone(), pass_mark.clone());
        let (course, lesson) = (props.course.clone(), props.lesson.clone());
        Callback::from(move |()| {
            let (draft, stats, pass_mark) = (draft.clone(), stats.clone(), pass_mark.clone());
            let (course, lesson) = (course.clone(), lesson.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::quiz_draft(&course, &lesson).await {
                    Ok(loaded) => {
                        pass_mark.set(loaded.pass_mark.to_string());
                        draft.set(Load::Ready(loaded));
                    }
                    Err(error) => draft.set(Load::Failed(error)),
                }
                stats.set(api::quiz_stats(&course, &lesson).await.ok());
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with(
            (props.course.clone(), props.lesson.clone(), props.revision),
            move |_| load.emit(()),
        );
    }
    // Runs one write; its answer (the working copy) replaces what is shown.
    let run = {
        let (draft, busy, problem, pass_mark) = (
            draft.clone(),
            busy.clone(),
            problem.clone(),
            pass_mark.clone(),
        );
        move |write: std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<QuizDraft, ClientError>>>,
        >| {
            let (draft, busy, problem, pass_mark) = (
                draft.clone(),
                busy.clone(),
                problem.clone(),
                pass_mark.clone(),
            );
            busy.set(true);
            problem.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                match write.await {
                    Ok(saved) => {
                        pass_mark.set(saved.pass_mark.to_string());
                        draft.set(Load::Ready(saved));
                    }
                    Err(error) => problem.set(Some(refusal(&error, texts))),
                }
                busy.set(false);
            });
        }
    };

    let loaded = match &*draft {
        Load::Loading => return html! { <p class="status-line" role="status">{ "…" }</p> },
        Load::Failed(error) => {
            return html! {
                <section class="panel quiz-editor" data-testid="quiz-editor">
                    <h2>{ t.error_title }</h2>
                    <p class="field__error" role="alert">{ refusal(error, texts) }</p>
                </section>
            }
        }
        Load::Ready(loaded) => loaded.clone(),
    };
    let (course, lesson) = (props.course.clone(), props.lesson.clone());
    let ids: Vec<String> = loaded
        .questions
        .iter()
        .map(|q| q.question.id.clone())
        .collect();

    let on_pass_mark = {
        let (run, pass_mark, course, lesson) = (
            run.clone(),
            pass_mark.clone(),
            course.clone(),
            lesson.clone(),
        );
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            pass_mark.set(value.clone());
            let Ok(mark) = value.trim().parse::<u8>() else {
                return;
            };
            let (course, lesson) = (course.clone(), lesson.clone());
            run(Box::pin(async move {
                api::change_quiz_settings(&course, &lesson, &QuizSettings { pass_mark: mark }).await
            }));
        })
    };
    let on_add = {
        let (run, course, lesson) = (run.clone(), course.clone(), lesson.clone());
        Callback::from(move |fields: QuestionFields| {
            let (course, lesson) = (course.clone(), lesson.clone());
            run(Box::pin(async move {
                let new = NewQuestions {
                    questions: vec![fields.input(false)],
                };
                api::add_quiz_questions(&course, &lesson, &new).await
            }));
        })
    };
    let on_publish = {
        let (busy, problem, load, course, lesson) = (
            busy.clone(),
            problem.clone(),
            load.clone(),
            course.clone(),
            lesson.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (busy, problem, load, course, lesson) = (
                busy.clone(),
                problem.clone(),
                load.clone(),
                course.clone(),
                lesson.clone(),
            );
            busy.set(true);
            problem.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                match api::publish_quiz(&course, &lesson).await {
                    Ok(_) => load.emit(()),
                    Err(error) => problem.set(Some(refusal(&error, texts))),
                }
                busy.set(false);
            });
        })
    };

    let rows = loaded.questions.iter().enumerate().map(|(index, item)| {
        let id = item.question.id.clone();
        let moved = |by: isize| {
            let (run, course, lesson, ids) = (run.clone(), course.clone(), lesson.clone(), ids.clone());
            Callback::from(move |_: MouseEvent| {
                let mut order = ids.clone();
                let Some(to) = index.checked_add_signed(by).filter(|to| *to < order.len()) else {
                    return;
                };
                order.swap(index, to);
                let (course, lesson) = (course.clone(), lesson.clone());
                run(Box::pin(async move {
                    api::reorder_quiz(&course, &lesson, &QuestionOrder { questions: order }).await
                }));
            })
        };
        let delete = {
            let (run, course, lesson, id) = (run.clone(), course.clone(), lesson.clone(), id.clone());
            Callback::from(move |_: MouseEvent| {
                let (course, lesson, id) = (course.clone(), lesson.clone(), id.clone());
                run(Box::pin(async move { api::delete_quiz_question(&course, &lesson, &id).await }));
            })
        };
        let save = |draft: bool| {
            let (run, course, lesson, id, editing) =
                (run.clone(), course.clone(), lesson.clone(), id.clone(), editing.clone());
            Callback::from(move |fields: QuestionFields| {
                let (course, lesson, id) = (course.clone(), lesson.clone(), id.clone());
                editing.set(None);
                run(Box::pin(async move {
                    api::update_quiz_question(&course, &lesson, &id, &fields.input(draft)).await
                }));
            })
        };
        let accept = {
            let save = save(false);
            let fields = QuestionFields::of(&item.question);
            Callback::from(move |_: MouseEvent| save.emit(fields.clone()))
        };
        let edit = {
            let (editing, id) = (editing.clone(), id.clone());
            Callback::from(move |_: MouseEvent| editing.set(Some(id.clone())))
        };
        let cancel = {
            let editing = editing.clone();
            Callback::from(move |()| editing.set(None))
        };
        let is_editing = editing.as_deref() == Some(id.as_str());
        html! {
            <li key={id.clone()} class={classes!("quiz-editor__item", item.draft.then_some("is-draft"))}
                data-testid="quiz-editor-question" data-draft={item.draft.to_string()}>
                if is_editing {
                    <QuestionForm initial={QuestionFields::of(&item.question)} submit_label={t.save}
                        on_submit={save(item.draft)} on_cancel={Some(cancel)} busy={*busy} />
                } else {
                    <QuestionSummary item={item.clone()} />
                    <div class="quiz-editor__actions">
                        if item.draft {
                            <button type="button" class="button button--small button--primary" data-testid="quiz-accept"
                                disabled={*busy} onclick={accept}>{ t.accept }</button>
                        }
                        <button type="button" class="button button--small" aria-label={format!("{} {}", t.move_up, index + 1)}
                            data-testid="quiz-move-up" disabled={*busy || index == 0} onclick={moved(-1)}>{ "↑" }</button>
                        <button type="button" class="button button--small" aria-label={format!("{} {}", t.move_down, index + 1)}
                            data-testid="quiz-move-down" disabled={*busy || index + 1 == ids.len()} onclick={moved(1)}>{ "↓" }</button>
                        <button type="button" class="button button--small" data-testid="quiz-edit" disabled={*busy} onclick={edit}>{ t.edit }</button>
                        <button type="button" class="button button--small button--danger" data-testid="quiz-delete"
                            disabled={*busy} onclick={delete}>{ if item.draft { t.discard } else { t.delete } }</button>
                    </div>
                }
            </li>
        }
    });

    let status = match (&loaded.published, loaded.unpublished_changes) {
        (None, _) => t.not_published.to_owned(),
        (Some(p), false) => t.published.replace("{n}", &p.version.to_string()),
        (Some(p), true) => format!(
            "{} · {}",
            t.published.replace("{n}", &p.version.to_string()),
            t.unpublished
        ),
    };
    html! {
        <section class="panel quiz-editor" data-testid="quiz-editor" aria-labelledby="quiz-editor-title">
            <h2 id="quiz-editor-title">{ t.editor_title }</h2>
            <p class="quiz-editor__lead">{ t.editor_lead }</p>
            <div class="quiz-editor__bar">
                <label class="field quiz-editor__pass">
                    <span class="field__label">{ t.pass_mark }</span>
                    <input class="field__input" type="number" min="0" max="100" inputmode="numeric"
                        data-testid="quiz-pass-mark" value={(*pass_mark).clone()} onchange={on_pass_mark} />
                </label>
                <p class="quiz-editor__status" data-testid="quiz-status" role="status">{ status }</p>
                <button type="button" class="button button--primary" data-testid="quiz-publish"
                    disabled={*busy || !loaded.unpublished_changes} onclick={on_publish}>
                    { if *busy { t.publishing } else { t.publish } }
                </button>
            </div>
            if let Some(problem) = &*problem {
                <p class="field__error" role="alert" data-testid="quiz-problem">{ problem.clone() }</p>
            }
            if loaded.questions.is_empty() {
                <p class="quiz-editor__empty">{ t.empty }</p>
            } else {
                <ol class="quiz-editor__list">{ for rows }</ol>
            }
            <section class="quiz-editor__add" aria-labelledby="quiz-add-title">
                <h3 id="quiz-add-title">{ t.add_title }</h3>
                <QuestionForm initial={QuestionFields::default()} submit_label={t.add} on_submit={on_add} busy={*busy} reset=true />
            </section>
            if let Some(stats) = &*stats {
                <QuizStatsView stats={stats.clone()} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct QuestionSummaryProps {
    item: QuizQuestion,
}

#[function_component(QuestionSummary)]
fn question_summary(props: &QuestionSummaryProps) -> Html {
    let texts = use_texts();
    let t = &texts.quiz;
    let question = &props.item.question;
    let text = match &question.body {
        QuestionBody::Cloze { text } if question.prompt.trim().is_empty() => text.clone(),
        _ => question.prompt.clone(),
    };
    let source = match props.item.source {
        QuestionSource::Ai => Some(t.source_ai),
        QuestionSource::Offline => Some(t.source_offline),
        QuestionSource::Teacher => None,
    };
    html! {
        <div class="quiz-editor__summary">
            <p class="quiz-editor__kind">
                { kind_label(question.body.kind(), texts) }
                if props.item.draft {
                    <span class="badge badge--draft" data-testid="quiz-draft-badge">{ t.draft_badge }</span>
                }
                if let Some(source) = source {
                    <span class="badge">{ source }</span>
                }
            </p>
            <p class="quiz-editor__prompt" data-testid="quiz-editor-prompt">{ text }</p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct QuestionFormProps {
    initial: QuestionFields,
    submit_label: &'static str,
    on_submit: Callback<QuestionFields>,
    #[prop_or_default]
    on_cancel: Option<Callback<()>>,
    busy: bool,
    /// Empties the form after a submit (the "add" form).
    #[prop_or_default]
    reset: bool,
}

#[function_component(QuestionForm)]
fn question_form(props: &QuestionFormProps) -> Html {
    let texts = use_texts();
    let t = &texts.quiz;
    let fields = use_state(|| props.initial.clone());
    // What is wrong with the question as written, checked here with the server's own rule
    // before anything is sent, so the teacher reads it in their language and keeps what they typed.
    let invalid = use_state_eq(|| None::<InvalidQuestion>);
    let edit = |change: fn(&mut QuestionFields, String)| {
        let (fields, invalid) = (fields.clone(), invalid.clone());
        Callback::from(move |value: String| {
            let mut next = (*fields).clone();
            change(&mut next, value);
            fields.set(next);
            invalid.set(None);
        })
    };
    let text_input = |change: fn(&mut QuestionFields, String)| {
        edit(change).reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value())
    };
    let area_input = |change: fn(&mut QuestionFields, String)| {
        edit(change)
            .reform(|e: InputEvent| e.target_unchecked_into::<HtmlTextAreaElement>().value())
    };
    let on_kind = edit(|f, v| {
        if let Some(kind) = QuestionKind::from_code(&v) {
            f.kind = kind;
        }
    })
    .reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value());
    let on_truth = {
        let fields = fields.clone();
        Callback::from(move |e: Event| {
            let mut next = (*fields).clone();
            next.truth = e.target_unchecked_into::<HtmlInputElement>().checked();
            fields.set(next);
        })
    };
    let on_submit = {
        let (fields, invalid, submit, reset) = (
            fields.clone(),
            invalid.clone(),
            props.on_submit.clone(),
            props.reset,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Err(problem) =
                validate_question(&fields.input(false).into_question(String::new()))
            {
                invalid.set(Some(problem));
                return;
            }
            submit.emit((*fields).clone());
            if reset {
                fields.set(QuestionFields {
                    kind: fields.kind,
                    ..QuestionFields::default()
                });
            }
        })
    };
    let f = &*fields;
    let kind_fields = match f.kind {
        QuestionKind::SingleChoice | QuestionKind::MultipleChoice => html! {
            <>
                <label class="field"><span class="field__label">{ t.options }</span>
                    <textarea class="field__input field__input--area" rows="4" data-testid="quiz-field-options"
                        value={f.options.clone()} oninput={area_input(|f, v| f.options = v)} /></label>
                <label class="field"><span class="field__label">{ t.correct_options }</span>
                    <input class="field__input" type="text" inputmode="numeric" data-testid="quiz-field-correct"
                        value={f.correct.clone()} oninput={text_input(|f, v| f.correct = v)} /></label>
            </>
        },
        QuestionKind::TrueFalse => html! {
            <label class="checkbox"><input type="checkbox" data-testid="quiz-field-truth" checked={f.truth} onchange={on_truth} />
                <span>{ t.statement_true }</span></label>
        },
        QuestionKind::ShortAnswer => html! {
            <label class="field"><span class="field__label">{ t.accepted }</span>
                <textarea class="field__input field__input--area" rows="3" data-testid="quiz-field-accepted"
                    value={f.accepted.clone()} oninput={area_input(|f, v| f.accepted = v)} /></label>
        },
        QuestionKind::Cloze => html! {
            <label class="field"><span class="field__label">{ t.cloze_text }</span>
                <textarea class="field__input field__input--area" rows="3" data-testid="quiz-field-cloze"
                    value={f.cloze.clone()} oninput={area_input(|f, v| f.cloze = v)} /></label>
        },
    };
    html! {
        <form class="form quiz-editor__form" data-testid="quiz-question-form" novalidate=true onsubmit={on_submit}>
            <label class="field"><span class="field__label">{ t.kind_label }</span>
                <select class="field__input" data-testid="quiz-field-kind" onchange={on_kind}>
                    { for QuestionKind::ALL.iter().map(|kind| html! {
                        <option value={kind.code()} selected={*kind == f.kind}>{ kind_label(*kind, texts) }</option>
                    }) }
                </select></label>
            <label class="field"><span class="field__label">{ t.prompt }</span>
                <input class="field__input" type="text" data-testid="quiz-field-prompt" value={f.prompt.clone()}
                    oninput={text_input(|f, v| f.prompt = v)} /></label>
            { kind_fields }
            <label class="field"><span class="field__label">{ t.explanation }</span>
                <textarea class="field__input field__input--area" rows="2" data-testid="quiz-field-explanation"
                    value={f.explanation.clone()} oninput={area_input(|f, v| f.explanation = v)} /></label>
            if let Some(problem) = *invalid {
                <p class="field__error" role="alert" data-testid="quiz-form-error">{ invalid_text(problem, texts) }</p>
            }
            <div class="form__actions">
                <button type="submit" class="button button--primary" data-testid="quiz-submit" disabled={props.busy}>
                    { props.submit_label }</button>
                if let Some(cancel) = &props.on_cancel {
                    <button type="button" class="button" onclick={cancel.reform(|_: MouseEvent| ())}>{ t.cancel }</button>
                }
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct QuizStatsProps {
    stats: QuizStats,
}

/// Share as a whole percent, for bars and labels.
fn percent(share: f64) -> u32 {
    (share.clamp(0.0, 1.0) * 100.0).round() as u32
}

#[function_component(QuizStatsView)]
fn quiz_stats_view(props: &QuizStatsProps) -> Html {
    let texts = use_texts();
    let t = &texts.quiz;
    let stats = &props.stats;
    let bar = |label: String, share: f64, detail: String, testid: &'static str| {
        html! {
            <li class="stat-bar" data-testid={testid}>
                <span class="stat-bar__label">{ label }</span>
                <span class="stat-bar__track" aria-hidden="true">
                    <span class="stat-bar__fill" style={format!("width: {}%", percent(share))} />
                </span>
                <span class="stat-bar__value">{ detail }</span>
            </li>
        }
    };
    let median = stats.median_duration_ms.map_or_else(
        || "—".to_owned(),
        |ms| format!("{}:{:02}", ms / 60_000, (ms / 1000) % 60),
    );
    html! {
        <section class="quiz-stats" data-testid="quiz-stats" aria-labelledby="quiz-stats-title">
            <h3 id="quiz-stats-title">{ t.stats_title }</h3>
            if stats.attempts == 0 {
                <p>{ t.stats_none }</p>
            } else {
                <dl class="quiz-stats__figures">
                    <div><dt>{ t.stats_attempts }</dt><dd data-testid="quiz-stats-attempts">{ stats.attempts }</dd></div>
                    <div><dt>{ t.stats_learners }</dt><dd data-testid="quiz-stats-learners">{ stats.learners }</dd></div>
                    <div><dt>{ t.stats_median }</dt><dd>{ median }</dd></div>
                </dl>
                <ul class="stat-bars">
                    { bar(t.stats_pass_rate.to_owned(), stats.pass_rate, format!("{}%", percent(stats.pass_rate)), "quiz-stats-pass-rate") }
                </ul>
                <h4>{ t.stats_accuracy }</h4>
                <ul class="stat-bars">
                    { for stats.questions.iter().map(|q| bar(
                        q.prompt.clone(),
                        q.accuracy,
                        format!("{}% ({}/{})", percent(q.accuracy), q.correct, q.answered),
                        "quiz-stats-question",
                    )) }
                </ul>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_fields_round_trip_every_kind() {
        let bodies = [
            QuestionBody::SingleChoice {
                options: vec!["a".into(), "b".into()],
                correct: 1,
            },
            QuestionBody::MultipleChoice {
                options: vec!["a".into(), "b".into(), "c".into()],
                correct: vec![0, 2],
            },
            QuestionBody::TrueFalse { correct: false },
            QuestionBody::ShortAnswer {
                accepted: vec!["Paris".into(), "Париж".into()],
            },
            QuestionBody::Cloze {
                text: "The {{borrow|borrowing}} checker".into(),
            },
        ];
        for body in bodies {
            let question = Question {
                id: "q".into(),
                prompt: "P".into(),
                body: body.clone(),
                explanation: "E".into(),
            };
            assert_eq!(QuestionFields::of(&question).body(), body);
        }
    }

    #[test]
    fn option_numbers_are_one_based_and_forgiving() {
        let fields = QuestionFields {
            kind: QuestionKind::MultipleChoice,
            options: "a\n\n b \nc".into(),
            correct: "1, 3 x".into(),
            ..QuestionFields::default()
        };
        assert_eq!(
            fields.body(),
            QuestionBody::MultipleChoice {
                options: vec!["a".into(), "b".into(), "c".into()],
                correct: vec![0, 2]
            }
        );
    }
}
