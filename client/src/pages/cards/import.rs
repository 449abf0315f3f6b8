//! The cards page's import panel: pick a file, see what it would add (counts, the first cards and
//! every row with a problem), then Confirm, with a progress bar and Cancel while the cards are
//! written. Nothing is written before Confirm, and a cancelled import adds nothing.

use std::cell::Cell;
use std::rc::Rc;

use shared::srs::import::{EncodingGuess, FileProblem, Format, ImportReport, RowProblem, Side};
use shared::srs::import::{CARD_TAGS_MAX_CHARS, CARD_TEXT_MAX_CHARS};
use shared::srs::import::{MAX_IMPORT_CARDS, MAX_IMPORT_TEXT_BYTES};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::i18n::{CardTexts, Texts};
use crate::learn::card_files::{self, ImportRefusal, ImportWritten, MAX_IMPORT_FILE_BYTES};

/// How many cards the preview shows.
const PREVIEW_CARDS: usize = 5;

#[derive(Clone, PartialEq)]
enum Step {
    Idle,
    Reading,
    Refused(ImportRefusal),
    Failed(ClientError),
    Preview(Rc<ImportReport>),
    Writing {
        report: Rc<ImportReport>,
        done: usize,
    },
    Cancelled,
    Done(usize),
}

#[derive(Properties, PartialEq)]
pub struct CardImportProps {
    /// After cards were added (the page reads its cards again).
    pub on_imported: Callback<()>,
}

#[function_component(CardImport)]
pub fn card_import(props: &CardImportProps) -> Html {
    let texts = use_texts();
    let t = &texts.cards;
    let step = use_state_eq(|| Step::Idle);
    let input = use_node_ref();
    let cancel_flag = use_mut_ref(|| Rc::new(Cell::new(false)));

    let onchange = {
        let step = step.clone();
        Callback::from(move |event: Event| {
            let input = event.target_unchecked_into::<HtmlInputElement>();
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            let step = step.clone();
            step.set(Step::Reading);
            wasm_bindgen_futures::spawn_local(async move {
                step.set(match card_files::read_import(&file).await {
                    Ok(Ok(report)) => Step::Preview(Rc::new(report)),
                    Ok(Err(refusal)) => Step::Refused(refusal),
                    Err(error) => Step::Failed(error),
                });
            });
        })
    };
    let reset = {
        let (step, input) = (step.clone(), input.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = input.cast::<HtmlInputElement>() {
                input.set_value("");
            }
            step.set(Step::Idle)
        })
    };
    let cancel_writing = {
        let cancel_flag = cancel_flag.clone();
        Callback::from(move |_: MouseEvent| cancel_flag.borrow().set(true))
    };
    let confirm = {
        let step = step.clone();
        let on_imported = props.on_imported.clone();
        let cancel_flag = cancel_flag.clone();
        Callback::from(move |_: MouseEvent| {
            let Step::Preview(report) = (*step).clone() else {
                return;
            };
            let cancelled = Rc::new(Cell::new(false));
            *cancel_flag.borrow_mut() = cancelled.clone();
            step.set(Step::Writing {
                report: report.clone(),
                done: 0,
            });
            let (step, on_imported) = (step.clone(), on_imported.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let progress = {
                    let (step, report) = (step.clone(), report.clone());
                    move |done: usize| {
                        step.set(Step::Writing {
                            report: report.clone(),
                            done,
                        })
                    }
                };
                match card_files::import_cards(&report.cards, progress, &cancelled).await {
                    Ok(ImportWritten::Added(n)) => {
                        step.set(Step::Done(n));
                        on_imported.emit(());
                    }
                    Ok(ImportWritten::Cancelled) => step.set(Step::Cancelled),
                    Err(error) => step.set(Step::Failed(error)),
                }
            });
        })
    };

    let busy = matches!(*step, Step::Reading | Step::Writing { .. });
    let again = html! {
        <button type="button" class="button button--secondary" onclick={reset.clone()} data-testid="import-reset">
            { t.import_another }
        </button>
    };
    let body = match &*step {
        Step::Idle => Html::default(),
        Step::Reading => html! {
            <p class="status-line" role="status"><span class="spinner" aria-hidden="true"></span>{ t.import_reading }</p>
        },
        Step::Refused(refusal) => html! {
            <div class="form-error" role="alert" data-testid="import-refused">
                <p class="form-error__body">{ refusal_text(texts, refusal) }</p>
            </div>
        },
        Step::Failed(error) => html! {
            <div class="form-error" role="alert" data-testid="import-error">
                <strong>{ t.import_error }</strong>
                <p class="form-error__body">{ error.message(texts) }</p>
            </div>
        },
        Step::Preview(report) => html! {
            <div class="card-import__preview" data-testid="import-preview">
                <ImportPreview report={report.clone()} />
                <div class="form__actions">
                    if !report.cards.is_empty() {
                        <button type="button" class="button button--primary" data-testid="import-confirm" onclick={confirm}>
                            { texts.count(report.cards.len() as u32, &t.import_confirm) }
                        </button>
                    }
                    <button type="button" class="button button--secondary" onclick={reset.clone()} data-testid="import-cancel">
                        { t.cancel }
                    </button>
                </div>
            </div>
        },
        Step::Writing { report, done } => {
            let total = report.cards.len();
            let percent = (done * 100).checked_div(total).unwrap_or(100);
            let caption = t
                .import_progress
                .replace("{done}", &done.to_string())
                .replace("{total}", &total.to_string());
            html! {
                <div class="card-import__progress" data-testid="import-progress">
                    <div class="course-progress__track" role="progressbar" aria-label={t.import_title}
                        aria-valuemin="0" aria-valuemax="100" aria-valuenow={percent.to_string()} aria-valuetext={caption.clone()}>
                        <div class="course-progress__bar" style={format!("width: {percent}%")}></div>
                    </div>
                    <p class="course-progress__caption" role="status">{ caption }</p>
                    <button type="button" class="button button--secondary" onclick={cancel_writing} data-testid="import-cancel">
                        { t.cancel }
                    </button>
                </div>
            }
        }
        Step::Cancelled => html! {
            <div class="card-import__result">
                <p class="status-line" role="status" data-testid="import-cancelled">{ t.import_cancelled }</p>
                { again }
            </div>
        },
        Step::Done(n) => html! {
            <div class="card-import__result">
                <p class="status-line status-line--ok" role="status" data-testid="import-done">
                    { texts.count(*n as u32, &t.import_done) }
                </p>
                { again }
            </div>
        },
    };
    let picking = matches!(
        *step,
        Step::Idle | Step::Reading | Step::Refused(_) | Step::Failed(_)
    );
    html! {
        <section class="panel card-import" aria-labelledby="card-import-title" data-testid="card-import">
            <h2 id="card-import-title" class="panel__title">{ t.import_title }</h2>
            <p class="panel__lead">{ t.import_lead }</p>
            if picking {
                <div class="field">
                    <label class="field__label" for="card-import-file">{ t.import_choose }</label>
                    <input id="card-import-file" type="file" class="field__input" data-testid="import-file"
                        accept=".txt,.csv,.tsv,text/plain,text/csv,text/tab-separated-values"
                        disabled={busy} ref={input} {onchange} />
                </div>
            }
            <div aria-live="polite">{ body }</div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ImportPreviewProps {
    report: Rc<ImportReport>,
}

/// What a file would add: counts, the first cards, and every reported problem row.
#[function_component(ImportPreview)]
fn import_preview(props: &ImportPreviewProps) -> Html {
    let texts = use_texts();
    let t = &texts.cards;
    let report = &*props.report;
    let format = match report.layout.format {
        Format::AnkiNotes => t.import_read_as_anki,
        Format::Delimited => t.import_read_as_csv,
    };
    let unlisted = report.problem_count - report.problems.len();
    html! {
        <>
            <p class="card-import__format">{ format }</p>
            <ul class="card-import__counts" role="list">
                <li data-testid="import-ready" data-count={report.cards.len().to_string()}>
                    { texts.count(report.cards.len() as u32, &t.import_ready) }
                </li>
                if report.error_count() > 0 {
                    <li class="card-import__count--problem" data-testid="import-problems" data-count={report.error_count().to_string()}>
                        { texts.count(report.error_count() as u32, &t.import_problems) }
                    </li>
                }
                if report.empty_count > 0 {
                    <li>{ texts.count(report.empty_count as u32, &t.import_empty) }</li>
                }
                if report.over_limit > 0 {
                    <li class="card-import__count--problem" data-testid="import-over-limit">
                        { t.import_over_limit
                            .replace("{n}", &report.over_limit.to_string())
                            .replace("{line}", &report.first_over_limit_line.unwrap_or_default().to_string())
                            .replace("{max}", &MAX_IMPORT_CARDS.to_string())
                            .replace("{size}", &texts.size(MAX_IMPORT_TEXT_BYTES as u64)) }
                    </li>
                }
            </ul>
            if report.cards.is_empty() {
                <p class="card-import__nothing">{ t.import_nothing }</p>
            } else {
                <h3 class="card-import__subtitle">{ t.import_preview }</h3>
                <div class="table-scroll">
                    <table class="card-import__table" data-testid="import-preview-cards">
                        <thead><tr>
                            <th scope="col">{ t.line.replace("{n}", "#") }</th>
                            <th scope="col">{ t.front }</th>
                            <th scope="col">{ t.back }</th>
                            <th scope="col">{ t.tags }</th>
                        </tr></thead>
                        <tbody>
                            { for report.cards.iter().take(PREVIEW_CARDS).map(|card| html! {
                                <tr>
                                    <td>{ card.line }</td>
                                    <td class="card-import__text">{ card.front.clone() }</td>
                                    <td class="card-import__text">{ card.back.clone() }</td>
                                    <td>{ card.tags_text() }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
            if !report.problems.is_empty() {
                <h3 class="card-import__subtitle">{ t.import_report }</h3>
                <ol class="card-import__report" data-testid="import-report" role="list">
                    { for report.problems.iter().map(|(line, problem)| html! {
                        <li data-line={line.to_string()}
                            class={classes!((*problem == RowProblem::Empty).then_some("card-import__row--skipped"))}>
                            <strong>{ t.line.replace("{n}", &line.to_string()) }</strong>{ ": " }{ problem_text(t, problem) }
                        </li>
                    }) }
                </ol>
                if unlisted > 0 {
                    <p>{ t.import_more_problems.replace("{n}", &unlisted.to_string()) }</p>
                }
            }
        </>
    }
}

/// A row's problem in the learner's language.
pub fn problem_text(t: &CardTexts, problem: &RowProblem) -> String {
    match problem {
        RowProblem::Empty => t.problem_empty.to_owned(),
        RowProblem::MissingFront => t.problem_missing_front.to_owned(),
        RowProblem::MissingBack => t.problem_missing_back.to_owned(),
        RowProblem::ExtraColumns { found, expected } => t
            .problem_extra_columns
            .replace("{found}", &found.to_string())
            .replace("{expected}", &expected.to_string()),
        RowProblem::UnterminatedQuote { lines } => {
            t.problem_unterminated.replace("{n}", &lines.to_string())
        }
        RowProblem::TooLong { side, chars } => t
            .problem_too_long
            .replace(
                "{side}",
                match side {
                    Side::Front => t.front,
                    Side::Back => t.back,
                },
            )
            .replace("{n}", &chars.to_string())
            .replace("{max}", &CARD_TEXT_MAX_CHARS.to_string()),
        RowProblem::TagsTooLong { chars } => t
            .problem_tags_too_long
            .replace("{n}", &chars.to_string())
            .replace("{max}", &CARD_TAGS_MAX_CHARS.to_string()),
    }
}

/// Why a file gives no report, and what to do, in the learner's language.
fn refusal_text(texts: &Texts, refusal: &ImportRefusal) -> String {
    let t = &texts.cards;
    match refusal {
        ImportRefusal::TooLarge { bytes } => t
            .import_too_large
            .replace("{size}", &texts.size(*bytes))
            .replace("{max}", &texts.size(MAX_IMPORT_FILE_BYTES)),
        ImportRefusal::File(FileProblem::AnkiPackage) => t.import_apkg.to_owned(),
        ImportRefusal::File(FileProblem::NotUtf8 { line, guess, .. }) => {
            let looks = match guess {
                EncodingGuess::Utf16 => t.import_looks_utf16,
                EncodingGuess::SingleByte => t.import_looks_single_byte,
            };
            format!(
                "{} {looks} {}",
                t.import_not_utf8.replace("{line}", &line.to_string()),
                t.import_save_utf8
            )
        }
    }
}
