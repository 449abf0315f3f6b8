//! The learner's quiz after a lesson: one question at a time, checked at once with the
//! explanation, then the score against the pass mark and a retry. Runs on the device from the
//! quiz that came with the lesson (also from an offline copy); the finished attempt is recorded
//! through `learn` as a `quiz_attempt` event, which syncs. Never calls the server.

use std::collections::BTreeMap;

use shared::api::quizzes::QuizView;
use shared::doc::cards::CardWords;
use shared::domain::{CourseId, LessonId};
use shared::quiz::{
    cloze_gaps, cloze_parts, is_correct, Answer, ClozePart, Question, QuestionBody, Score,
};
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::i18n::Texts;
use crate::learn;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct LessonQuizProps {
    pub course_id: CourseId,
    pub lesson_id: LessonId,
    pub quiz: QuizView,
    /// Told when an attempt passes (the lesson is then completed).
    pub on_passed: Callback<()>,
}

/// What the learner has put in for one question so far.
#[derive(Debug, Clone, PartialEq)]
enum Input {
    Choice(Option<u32>),
    Choices(Vec<u32>),
    Flag(Option<bool>),
    Text(String),
    Gaps(Vec<String>),
}

impl Input {
    fn empty_for(body: &QuestionBody) -> Self {
        match body {
            QuestionBody::SingleChoice { .. } => Self::Choice(None),
            QuestionBody::MultipleChoice { .. } => Self::Choices(Vec::new()),
            QuestionBody::TrueFalse { .. } => Self::Flag(None),
            QuestionBody::ShortAnswer { .. } => Self::Text(String::new()),
            QuestionBody::Cloze { text } => Self::Gaps(vec![String::new(); cloze_gaps(text).len()]),
        }
    }

    /// The answer it makes, once there is one to check.
    fn answer(&self) -> Option<Answer> {
        match self {
            Self::Choice(chosen) => chosen.map(Answer::Choice),
            Self::Choices(chosen) if !chosen.is_empty() => Some(Answer::Choices(chosen.clone())),
            Self::Flag(given) => given.map(Answer::Bool),
            Self::Text(text) if !text.trim().is_empty() => Some(Answer::Text(text.clone())),
            Self::Gaps(gaps) if gaps.iter().any(|g| !g.trim().is_empty()) => {
                Some(Answer::Gaps(gaps.clone()))
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Intro,
    /// Question `index`; `checked` once the learner checked it.
    Asking {
        index: usize,
        checked: bool,
    },
    Done {
        score: Score,
        error: Option<ClientError>,
        /// New flashcards made from the questions got wrong.
        new_cards: usize,
    },
}

/// One run through the quiz.
#[derive(Debug, Clone, PartialEq)]
struct Run {
    stage: Stage,
    inputs: Vec<Input>,
    answers: BTreeMap<String, Answer>,
    started_ms: f64,
}

impl Run {
    fn new(questions: &[Question], stage: Stage) -> Self {
        Self {
            stage,
            inputs: questions
                .iter()
                .map(|q| Input::empty_for(&q.body))
                .collect(),
            answers: BTreeMap::new(),
            started_ms: js_sys::Date::now(),
        }
    }
}

/// The right answer in words, shown after a check.
fn right_answer(question: &Question, texts: &Texts) -> String {
    match &question.body {
        QuestionBody::SingleChoice { options, correct } => {
            options.get(*correct as usize).cloned().unwrap_or_default()
        }
        QuestionBody::MultipleChoice { options, correct } => correct
            .iter()
            .filter_map(|i| options.get(*i as usize).cloned())
            .collect::<Vec<_>>()
            .join(", "),
        QuestionBody::TrueFalse { correct } => (if *correct {
            texts.quiz.true_label
        } else {
            texts.quiz.false_label
        })
        .to_owned(),
        QuestionBody::ShortAnswer { accepted } => accepted.first().cloned().unwrap_or_default(),
        QuestionBody::Cloze { text } => cloze_gaps(text)
            .iter()
            .filter_map(|gap| gap.first().cloned())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

#[function_component(LessonQuiz)]
pub fn lesson_quiz(props: &LessonQuizProps) -> Html {
    let texts = use_texts();
    let t = &texts.quiz;
    let questions = &props.quiz.questions;
    let run = use_state(|| Run::new(questions, Stage::Intro));
    let saving = use_state_eq(|| false);
    // A new version (or lesson) starts over.
    {
        let run = run.clone();
        let questions = questions.clone();
        use_effect_with((props.lesson_id.clone(), props.quiz.version), move |_| {
            run.set(Run::new(&questions, Stage::Intro));
        });
    }
    let start = {
        let (run, questions) = (run.clone(), questions.clone());
        Callback::from(move |_: MouseEvent| {
            run.set(Run::new(
                &questions,
                Stage::Asking {
                    index: 0,
                    checked: false,
                },
            ));
        })
    };
    let set_input = {
        let run = run.clone();
        move |index: usize, input: Input| {
            let mut next = (*run).clone();
            if let Some(slot) = next.inputs.get_mut(index) {
                *slot = input;
            }
            run.set(next);
        }
    };
    let finish = {
        let (run, saving) = (run.clone(), saving.clone());
        let (course, lesson, quiz) = (
            props.course_id.clone(),
            props.lesson_id.clone(),
            props.quiz.clone(),
        );
        let on_passed = props.on_passed.clone();
        Callback::from(move |()| {
            let (run, saving, on_passed) = (run.clone(), saving.clone(), on_passed.clone());
            let (course, lesson, quiz) = (course.clone(), lesson.clone(), quiz.clone());
            let current = (*run).clone();
            let duration = (js_sys::Date::now() - current.started_ms).max(0.0) as u64;
            saving.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let recorded =
                    learn::record_quiz_attempt(&course, &lesson, &quiz, &current.answers, duration)
                        .await;
                let words = CardWords {
                    true_word: texts.quiz.true_label,
                    false_word: texts.quiz.false_label,
                    true_or_false: texts.review.true_or_false,
                };
                // Every wrong answer becomes a card for review (once, on any device).
                let new_cards = learn::cards::add_mistake_cards(
                    &course,
                    &lesson,
                    &quiz,
                    &current.answers,
                    words,
                )
                .await
                .unwrap_or_else(|error| {
                    web_sys::console::warn_1(&format!("mistake cards not made: {error}").into());
                    0
                });
                let (score, error) = match recorded {
                    Ok(score) => (score, None),
                    // Scored here all the same; only keeping it failed.
                    Err(error) => (
                        shared::quiz::score(
                            &quiz.questions,
                            |id| current.answers.get(id),
                            quiz.pass_mark,
                        ),
                        Some(error),
                    ),
                };
                if score.passed && error.is_none() {
                    on_passed.emit(());
                }
                run.set(Run {
                    stage: Stage::Done {
                        score,
                        error,
                        new_cards,
                    },
                    ..current
                });
                saving.set(false);
            });
        })
    };
    let on_submit = {
        let (run, questions, finish) = (run.clone(), questions.clone(), finish.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Stage::Asking { index, checked } = run.stage else {
                return;
            };
            let mut next = (*run).clone();
            if !checked {
                let (Some(question), Some(answer)) = (
                    questions.get(index),
                    run.inputs.get(index).and_then(Input::answer),
                ) else {
                    return;
                };
                next.answers.insert(question.id.clone(), answer);
                next.stage = Stage::Asking {
                    index,
                    checked: true,
                };
                run.set(next);
            } else if index + 1 < questions.len() {
                next.stage = Stage::Asking {
                    index: index + 1,
                    checked: false,
                };
                run.set(next);
            } else {
                finish.emit(());
            }
        })
    };

    let header = html! {
        <header class="quiz__header">
            <h2 id="lesson-quiz-title" class="quiz__title">{ t.title }</h2>
            <p class="quiz__meta">
                { t.intro.replace("{n}", &questions.len().to_string()).replace("{mark}", &props.quiz.pass_mark.to_string()) }
            </p>
        </header>
    };
    let content = match &run.stage {
        Stage::Intro => html! {
            <>
                <p class="quiz__hint">{ t.completes_hint }</p>
                <button type="button" class="button button--primary" data-testid="quiz-start" onclick={start}>
                    { t.start }
                </button>
            </>
        },
        Stage::Done {
            score,
            error,
            new_cards,
        } => {
            let retry = start.clone();
            html! {
                <div class="quiz__result" data-testid="quiz-result" data-passed={score.passed.to_string()}>
                    <p class="quiz__score" data-testid="quiz-score" role="status">
                        { t.score.replace("{correct}", &score.correct.to_string())
                            .replace("{total}", &score.total.to_string())
                            .replace("{percent}", &score.percent.to_string()) }
                    </p>
                    <div class="meter" aria-hidden="true">
                        <div class={classes!("meter__bar", if score.passed { "meter__bar--pass" } else { "meter__bar--fail" })}
                            style={format!("width: {}%", score.percent)} />
                        <div class="meter__mark" style={format!("left: {}%", props.quiz.pass_mark)} />
                    </div>
                    <p class={classes!("quiz__verdict", if score.passed { "is-passed" } else { "is-failed" })}>
                        { if score.passed { t.passed.to_owned() } else { t.failed.replace("{mark}", &props.quiz.pass_mark.to_string()) } }
                    </p>
                    if let Some(error) = error {
                        <p class="status-line status-line--error" role="alert">
                            { format!("{}: {}", t.record_error, error.message(texts)) }
                        </p>
                    }
                    if *new_cards > 0 {
                        <p class="quiz__cards" data-testid="quiz-new-cards">
                            { texts.count(*new_cards as u32, &texts.review.cards_made) }
                            { " · " }
                            <Link<Route> to={Route::Review}>{ texts.review.review_now }</Link<Route>>
                        </p>
                    }
                    <button type="button" class="button button--secondary" data-testid="quiz-retry" onclick={retry}>
                        { t.retry }
                    </button>
                </div>
            }
        }
        Stage::Asking { index, checked } => {
            let (index, checked) = (*index, *checked);
            let Some(question) = questions.get(index) else {
                return Html::default();
            };
            let input = run
                .inputs
                .get(index)
                .cloned()
                .unwrap_or(Input::Text(String::new()));
            let right = run
                .answers
                .get(&question.id)
                .is_some_and(|a| is_correct(&question.body, a));
            let last = index + 1 == questions.len();
            let fields = question_fields(question, &input, checked, index, &set_input, texts);
            html! {
                <form class="quiz__question" data-testid="quiz-question" data-kind={question.body.kind().code()}
                    novalidate=true onsubmit={on_submit}>
                    <p class="quiz__progress">
                        { t.question_of.replace("{n}", &(index + 1).to_string()).replace("{total}", &questions.len().to_string()) }
                    </p>
                    if !question.prompt.trim().is_empty() {
                        <p class="quiz__prompt" id={format!("quiz-prompt-{index}")}>{ question.prompt.clone() }</p>
                    }
                    { fields }
                    if checked {
                        <div class={classes!("quiz__feedback", if right { "is-right" } else { "is-wrong" })}
                            data-testid="quiz-feedback" data-right={right.to_string()} role="status">
                            <p class="quiz__feedback-title">{ if right { t.right } else { t.wrong } }</p>
                            if !right {
                                <p>{ t.the_answer.replace("{answer}", &right_answer(question, texts)) }</p>
                            }
                            if !question.explanation.trim().is_empty() {
                                <p class="quiz__explanation">{ question.explanation.clone() }</p>
                            }
                        </div>
                        <button type="submit" class="button button--primary" data-testid="quiz-next" disabled={*saving}>
                            { if last { t.finish } else { t.next } }
                        </button>
                    } else {
                        <button type="submit" class="button button--primary" data-testid="quiz-check"
                            disabled={input.answer().is_none()}>
                            { t.check }
                        </button>
                    }
                </form>
            }
        }
    };
    html! {
        <section class="quiz panel" data-testid="quiz" aria-labelledby="lesson-quiz-title">
            { header }
            { content }
            <p class="quiz__note">{ t.learning_note }</p>
        </section>
    }
}

/// The inputs of one question: radios, checkboxes, a text field, or a cloze's inline gaps.
fn question_fields(
    question: &Question,
    input: &Input,
    checked: bool,
    index: usize,
    set_input: &(impl Fn(usize, Input) + Clone + 'static),
    texts: &Texts,
) -> Html {
    let t = &texts.quiz;
    let name = format!("quiz-{index}");
    let labelled = format!("quiz-prompt-{index}");
    let option_list = |options: Vec<(String, bool, Callback<Event>)>, kind: &'static str| {
        html! {
            <fieldset class="quiz__options" aria-labelledby={labelled.clone()} disabled={checked}>
                { for options.into_iter().enumerate().map(|(i, (label, on, onchange))| html! {
                    <label class="quiz__option" key={i}>
                        <input type={kind} name={name.clone()} checked={on} data-testid="quiz-option" {onchange} />
                        <span>{ label }</span>
                    </label>
                }) }
            </fieldset>
        }
    };
    match (&question.body, input) {
        (QuestionBody::SingleChoice { options, .. }, Input::Choice(chosen)) => option_list(
            options
                .iter()
                .enumerate()
                .map(|(i, label)| {
                    let i = u32::try_from(i).unwrap_or(u32::MAX);
                    let set = set_input.clone();
                    (
                        label.clone(),
                        *chosen == Some(i),
                        Callback::from(move |_| set(index, Input::Choice(Some(i)))),
                    )
                })
                .collect(),
            "radio",
        ),
        (QuestionBody::MultipleChoice { options, .. }, Input::Choices(chosen)) => html! {
            <>
                <p class="quiz__hint">{ t.choose_all }</p>
                { option_list(
                    options
                        .iter()
                        .enumerate()
                        .map(|(i, label)| {
                            let i = u32::try_from(i).unwrap_or(u32::MAX);
                            let (set, chosen) = (set_input.clone(), chosen.clone());
                            let on = chosen.contains(&i);
                            (label.clone(), on, Callback::from(move |_| {
                                let mut next: Vec<u32> = chosen.iter().copied().filter(|c| *c != i).collect();
                                if !on {
                                    next.push(i);
                                    next.sort_unstable();
                                }
                                set(index, Input::Choices(next));
                            }))
                        })
                        .collect(),
                    "checkbox",
                ) }
            </>
        },
        (QuestionBody::TrueFalse { .. }, Input::Flag(given)) => option_list(
            [(true, t.true_label), (false, t.false_label)]
                .into_iter()
                .map(|(value, label)| {
                    let set = set_input.clone();
                    (
                        label.to_owned(),
                        *given == Some(value),
                        Callback::from(move |_| set(index, Input::Flag(Some(value)))),
                    )
                })
                .collect(),
            "radio",
        ),
        (QuestionBody::ShortAnswer { .. }, Input::Text(text)) => {
            let set = set_input.clone();
            let oninput = Callback::from(move |e: InputEvent| {
                set(
                    index,
                    Input::Text(e.target_unchecked_into::<HtmlInputElement>().value()),
                )
            });
            html! {
                <label class="field quiz__answer">
                    <span class="field__label">{ t.answer_label }</span>
                    <input class="field__input" type="text" autocomplete="off" data-testid="quiz-text"
                        value={text.clone()} disabled={checked} {oninput} />
                </label>
            }
        }
        (QuestionBody::Cloze { text }, Input::Gaps(gaps)) => {
            let mut gap = 0usize;
            let parts = cloze_parts(text).into_iter().map(|part| match part {
                ClozePart::Text(plain) => html! { <span>{ plain }</span> },
                ClozePart::Gap(_) => {
                    let n = gap;
                    gap += 1;
                    let value = gaps.get(n).cloned().unwrap_or_default();
                    let (set, gaps) = (set_input.clone(), gaps.clone());
                    let oninput = Callback::from(move |e: InputEvent| {
                        let mut next = gaps.clone();
                        if let Some(slot) = next.get_mut(n) {
                            *slot = e.target_unchecked_into::<HtmlInputElement>().value();
                        }
                        set(index, Input::Gaps(next));
                    });
                    html! {
                        <input class="quiz__gap" type="text" autocomplete="off" size="10" data-testid="quiz-gap"
                            aria-label={t.gap_label.replace("{n}", &(n + 1).to_string())}
                            {value} disabled={checked} {oninput} />
                    }
                }
            });
            html! { <p class="quiz__cloze">{ for parts }</p> }
        }
        _ => Html::default(),
    }
}
