//! The cards page's import panel: pick a file, see what it would add (counts, the first cards and
//! every row with a problem). Reads only: nothing is written from here yet (Confirm, which writes
//! the cards as one batch, comes with the card events).

use std::rc::Rc;

use shared::srs::import::{EncodingGuess, FileProblem, Format, ImportReport, RowProblem, Side};
use shared::srs::import::{MAX_CARD_TEXT_CHARS, MAX_IMPORT_CARDS};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::i18n::{CardTexts, Texts};
use crate::learn::card_files::{self, ImportRefusal, MAX_IMPORT_FILE_BYTES};

/// How many cards the preview shows.
const PREVIEW_CARDS: usize = 5;

#[derive(Clone, PartialEq)]
enum Step {
    Idle,
    Reading,
    Refused(ImportRefusal),
    Failed(ClientError),
    Preview(Rc<ImportReport>),
}

#[function_component(CardImport)]
pub fn card_import() -> Html {
    let texts = use_texts();
    let t = &texts.cards;
    let step = use_state_eq(|| Step::Idle);
    let input = use_node_ref();

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
    let busy = matches!(*step, Step::Reading);
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
                    <button type="button" class="button button--secondary" onclick={reset.clone()} data-testid="import-cancel">
                        { t.cancel }
                    </button>
                </div>
            </div>
        },
    };
    let picking = !matches!(*step, Step::Preview(_));
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
                            .replace("{max}", &MAX_IMPORT_CARDS.to_string()) }
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
            .replace("{max}", &MAX_CARD_TEXT_CHARS.to_string()),
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
