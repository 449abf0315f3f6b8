//! `/teach/courses/:id`: a course's editor. Its fields save themselves (`hooks::use_autosave`), its
//! status changes with Publish / Archive, a never-published draft can be deleted, and its outline
//! (`outline`) is edited and reordered in place. Below it: the flashcard deck (`deck`) and how
//! learners use the tutor on each lesson (`tutor_insights`).
//!
//! Only the course's teacher or an admin gets past the loading state: the server says 403 to
//! anyone else, and the page says so.

mod deck;
mod outline;
mod tutor_insights;

use std::cell::Cell;
use std::rc::Rc;

use shared::api::authoring::{CourseChanges, CourseDraft};
use shared::api::courses::{Category, CourseLanguage, CourseLevel, CourseStatus, Price};
use shared::domain::{CategoryId, CourseId};
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::authoring::{
    confirm, problem_text, CourseStatusBadge, NotYours, SaveIndicator,
};
use crate::components::form::{SelectField, TextAreaField, TextField};
use crate::components::{ErrorNotice, PageLoading};
use crate::contexts::locale::{use_locale, use_texts};
use crate::error::ClientError;
use crate::hooks::{use_autosave, use_page_title};
use crate::i18n::Locale;
use crate::route::Route;

const FORM: &str = "course-editor";
const CURRENCIES: [&str; 4] = ["USD", "EUR", "GBP", "RUB"];

#[derive(Properties, PartialEq)]
pub struct CourseEditorProps {
    /// The course id from the path (checked here: anything else is "not found").
    pub id: AttrValue,
}

/// Loading the draft, then the editor; a reload (after a conflict) starts the editor afresh.
#[derive(Debug, Clone, PartialEq)]
enum Loaded<T> {
    Loading,
    Ready(T),
    Failed(ClientError),
}

#[function_component(CourseEditorPage)]
pub fn course_editor_page(props: &CourseEditorProps) -> Html {
    let texts = use_texts();
    let t = &texts.authoring;
    use_page_title(t.editor_title);
    let id = CourseId::parse(&props.id).ok();
    let draft = use_state(|| Loaded::<CourseDraft>::Loading);
    // Grows with every reload, so the editor below starts again from the fresh draft.
    let generation = use_state(|| 0u32);
    let notice = use_state_eq(|| None::<&'static str>);

    let load = {
        let (draft, generation, id) = (draft.clone(), generation.clone(), id.clone());
        Callback::from(move |()| {
            let (draft, generation) = (draft.clone(), generation.clone());
            let Some(id) = id.clone() else {
                draft.set(Loaded::Failed(ClientError::NotFound {
                    message: String::new(),
                }));
                return;
            };
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::course_draft(&id).await;
                generation.set(*generation + 1);
                draft.set(match result {
                    Ok(loaded) => Loaded::Ready(loaded),
                    Err(error) => Loaded::Failed(error),
                });
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with(props.id.clone(), move |_| load.emit(()));
    }
    let on_conflict = {
        let (load, notice) = (load.clone(), notice.clone());
        Callback::from(move |message: &'static str| {
            notice.set(Some(message));
            load.emit(());
        })
    };

    let body = match &*draft {
        Loaded::Loading => html! { <PageLoading /> },
        Loaded::Failed(ClientError::Forbidden) => html! { <NotYours /> },
        Loaded::Failed(error) => html! {
            <ErrorNotice testid="editor-error" title={t.editor_error} error={error.clone()} on_retry={load} />
        },
        Loaded::Ready(draft) => html! {
            <>
                <CourseForm key={*generation} draft={draft.clone()} {on_conflict} />
                <deck::DeckEditor course={draft.summary.id.clone()} />
                <tutor_insights::TutorInsightsPanel course={draft.summary.id.clone()} />
            </>
        },
    };
    html! {
        <section class="editor" data-testid="course-editor" aria-labelledby="editor-title">
            <nav class="editor__crumbs">
                <Link<Route> to={Route::Teach}>{ t.back_to_courses }</Link<Route>>
            </nav>
            <h1 id="editor-title" class="page-hero__title">{ t.editor_title }</h1>
            if let Some(message) = *notice {
                <p class="status-line status-line--error" role="alert" data-testid="editor-notice">{ message }</p>
            }
            { body }
        </section>
    }
}

/// The editable fields as the form holds them (the price amount as typed).
#[derive(Debug, Clone, PartialEq)]
struct Fields {
    title: String,
    subtitle: String,
    description: String,
    category: Option<CategoryId>,
    language: CourseLanguage,
    level: CourseLevel,
    paid: bool,
    amount: String,
    currency: String,
    cover: Option<String>,
    cover_url: Option<String>,
}

impl Fields {
    fn from_draft(draft: &CourseDraft) -> Self {
        let summary = &draft.summary;
        Self {
            title: summary.title.clone(),
            subtitle: summary.subtitle.clone(),
            description: draft.description.clone(),
            category: summary.category.clone(),
            language: summary.language,
            level: summary.level,
            paid: summary.price.is_some(),
            amount: summary
                .price
                .as_ref()
                .map(|p| format_minor(p.amount_minor))
                .unwrap_or_default(),
            currency: summary
                .price
                .as_ref()
                .map_or_else(|| "USD".to_owned(), |p| p.currency.clone()),
            cover: draft.cover.clone(),
            cover_url: summary.cover_url.clone(),
        }
    }

    /// Everything, to save as a whole (a retry sends the same again). A paid price whose amount
    /// does not read as money is left as it was.
    fn changes(&self) -> CourseChanges {
        let price = if self.paid {
            parse_minor(&self.amount).map(|amount_minor| {
                Some(Price {
                    amount_minor,
                    currency: self.currency.clone(),
                })
            })
        } else {
            Some(None)
        };
        CourseChanges {
            title: Some(self.title.clone()),
            subtitle: Some(self.subtitle.clone()),
            description: Some(self.description.clone()),
            language: Some(self.language),
            level: Some(self.level),
            category: Some(self.category.clone()),
            cover: Some(self.cover.clone()),
            price,
        }
    }
}

/// "19.99" → 1999; "20" → 2000; `None` for anything else, zero, or more than two decimals.
pub(crate) fn parse_minor(text: &str) -> Option<u32> {
    let text = text.trim().replace(',', ".");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty() && fraction.is_empty()
        || fraction.len() > 2
        || !whole
            .chars()
            .chain(fraction.chars())
            .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: u32 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let cents: u32 = format!("{fraction:0<2}").parse().ok()?;
    let minor = whole.checked_mul(100)?.checked_add(cents)?;
    (minor > 0).then_some(minor)
}

/// 1999 → "19.99".
fn format_minor(minor: u32) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

#[derive(Properties, PartialEq)]
struct CourseFormProps {
    draft: CourseDraft,
    /// A save or an outline change met a newer version: reload, and tell the user this.
    on_conflict: Callback<&'static str>,
}

#[function_component(CourseForm)]
fn course_form(props: &CourseFormProps) -> Html {
    let texts = use_texts();
    let t = &texts.authoring;
    let locale = use_locale().locale;
    let id = props.draft.summary.id.clone();
    let fields = use_state(|| Fields::from_draft(&props.draft));
    // The course's version as last saved: outline changes are made against it.
    let version = {
        let initial = props.draft.version;
        use_memo((), move |_| Cell::new(initial))
    };
    let categories = use_state(Vec::<Category>::new);
    {
        let categories = categories.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                // Without the list the picker offers "No category" and the current one only.
                if let Ok(list) = api::categories().await {
                    categories.set(list);
                }
            });
        });
    }

    let autosave = {
        let (id, version, on_conflict) = (id.clone(), version.clone(), props.on_conflict.clone());
        let conflict_text = t.save_conflict;
        use_autosave(move |changes: CourseChanges| {
            let (id, version, on_conflict) = (id.clone(), version.clone(), on_conflict.clone());
            async move {
                match api::update_course(&id, &changes).await {
                    Ok(saved) => {
                        version.set(saved.version);
                        Ok(())
                    }
                    Err(ClientError::Conflict { message }) => {
                        on_conflict.emit(conflict_text);
                        Err(ClientError::Conflict { message })
                    }
                    Err(error) => Err(error),
                }
            }
        })
    };
    let edit = {
        let (fields, schedule) = (fields.clone(), autosave.schedule.clone());
        move |change: fn(&mut Fields, String)| {
            let (fields, schedule) = (fields.clone(), schedule.clone());
            Callback::from(move |value: String| {
                let mut next = (*fields).clone();
                change(&mut next, value);
                schedule.emit(next.changes());
                fields.set(next);
            })
        }
    };
    let amount_problem =
        (fields.paid && parse_minor(&fields.amount).is_none()).then(|| t.amount_invalid.to_owned());

    let category_options: Vec<(AttrValue, AttrValue)> =
        std::iter::once((AttrValue::Static(""), AttrValue::Static(t.no_category)))
            .chain(categories.iter().map(|c| {
                let name = if locale == Locale::Ru {
                    &c.name_ru
                } else {
                    &c.name_en
                };
                (
                    AttrValue::from(c.id.as_str().to_owned()),
                    AttrValue::from(name.clone()),
                )
            }))
            .collect();
    let language_options = vec![
        (
            AttrValue::Static("en"),
            AttrValue::Static(texts.catalog.language_en),
        ),
        (
            AttrValue::Static("ru"),
            AttrValue::Static(texts.catalog.language_ru),
        ),
    ];
    let level_options = vec![
        (
            AttrValue::Static("beginner"),
            AttrValue::Static(texts.catalog.level_beginner),
        ),
        (
            AttrValue::Static("intermediate"),
            AttrValue::Static(texts.catalog.level_intermediate),
        ),
        (
            AttrValue::Static("advanced"),
            AttrValue::Static(texts.catalog.level_advanced),
        ),
    ];
    let price_options = vec![
        (AttrValue::Static("free"), AttrValue::Static(t.price_free)),
        (AttrValue::Static("paid"), AttrValue::Static(t.price_paid)),
    ];
    let currency_options: Vec<(AttrValue, AttrValue)> = CURRENCIES
        .iter()
        .map(|c| (AttrValue::Static(c), AttrValue::Static(c)))
        .collect();
    let on_cover = {
        let (fields, schedule) = (fields.clone(), autosave.schedule.clone());
        Callback::from(move |cover: Option<(String, String)>| {
            let mut next = (*fields).clone();
            next.cover_url = cover.as_ref().map(|(_, url)| url.clone());
            next.cover = cover.map(|(hash, _)| hash);
            schedule.emit(next.changes());
            fields.set(next);
        })
    };

    html! {
        <div class="editor__layout">
            <div class="editor__bar">
                <SaveIndicator status={autosave.status.clone()} on_retry={autosave.flush.clone()} />
            </div>
            <form id={FORM} class="panel form" novalidate=true aria-labelledby="details-title"
                onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <h2 id="details-title" class="panel__title">{ t.details_title }</h2>
                <TextField form={FORM} name="title" label={t.field_title} value={fields.title.clone()}
                    required=true maxlength={200} autocomplete="off"
                    oninput={edit(|f, v| f.title = v)} />
                <TextField form={FORM} name="subtitle" label={t.field_subtitle} value={fields.subtitle.clone()}
                    maxlength={300} autocomplete="off"
                    oninput={edit(|f, v| f.subtitle = v)} />
                <TextAreaField form={FORM} name="description" label={t.field_description}
                    value={fields.description.clone()} rows={6}
                    oninput={edit(|f, v| f.description = v)} />
                <div class="form__row">
                    <SelectField form={FORM} name="category" label={t.field_category}
                        value={fields.category.as_ref().map(|c| c.as_str().to_owned()).unwrap_or_default()}
                        options={category_options}
                        onchange={edit(|f, v| f.category = CategoryId::parse(&v).ok())} />
                    <SelectField form={FORM} name="language" label={texts.catalog.course_language}
                        value={fields.language.code()} options={language_options}
                        onchange={edit(|f, v| f.language = CourseLanguage::from_code(&v).unwrap_or(f.language))} />
                    <SelectField form={FORM} name="level" label={texts.catalog.course_level}
                        value={fields.level.code()} options={level_options}
                        onchange={edit(|f, v| f.level = CourseLevel::from_code(&v).unwrap_or(f.level))} />
                </div>
                <div class="form__row">
                    <SelectField form={FORM} name="price" label={t.field_price}
                        value={if fields.paid { "paid" } else { "free" }} options={price_options}
                        onchange={edit(|f, v| f.paid = v == "paid")} />
                    if fields.paid {
                        <TextField form={FORM} name="amount" label={t.field_amount} value={fields.amount.clone()}
                            inputmode="decimal" autocomplete="off" error={amount_problem}
                            oninput={edit(|f, v| f.amount = v)} />
                        <SelectField form={FORM} name="currency" label={t.field_currency}
                            value={fields.currency.clone()} options={currency_options}
                            onchange={edit(|f, v| f.currency = v)} />
                    }
                </div>
                <CoverField url={fields.cover_url.clone()} on_change={on_cover} />
            </form>
            <StatusPanel id={id.clone()} draft={props.draft.clone()} version={version.clone()} />
            <outline::Outline course={id} modules={props.draft.modules.clone()} version={version.clone()}
                on_conflict={props.on_conflict.clone()} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CoverFieldProps {
    url: Option<String>,
    /// `(hash, url)` of a new cover, or `None` to remove it.
    on_change: Callback<Option<(String, String)>>,
}

/// The cover's preview, an upload and a remove button; the server's reason when it refuses a file.
#[function_component(CoverField)]
fn cover_field(props: &CoverFieldProps) -> Html {
    let texts = use_texts();
    let t = &texts.authoring;
    let busy = use_state_eq(|| false);
    let error = use_state_eq(|| None::<ClientError>);
    let onchange = {
        let (busy, error, on_change) = (busy.clone(), error.clone(), props.on_change.clone());
        Callback::from(move |event: Event| {
            let input = event.target_unchecked_into::<HtmlInputElement>();
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            input.set_value("");
            let (busy, error, on_change) = (busy.clone(), error.clone(), on_change.clone());
            busy.set(true);
            error.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                match api::upload_media(&file).await {
                    Ok(item) => on_change.emit(Some((item.hash, item.url))),
                    Err(failure) => error.set(Some(failure)),
                }
                busy.set(false);
            });
        })
    };
    let remove = props.on_change.reform(|_: MouseEvent| None);
    html! {
        <fieldset class="cover-field">
            <legend class="field__label">{ t.cover_title }</legend>
            if let Some(url) = &props.url {
                <img class="cover-field__preview" src={url.clone()} alt={t.cover_alt} data-testid="cover-preview" />
            }
            <div class="cover-field__actions">
                <label class="button button--secondary button--small" for="cover-file">
                    { if *busy { t.cover_uploading } else { t.cover_upload } }
                </label>
                <input id="cover-file" class="visually-hidden" type="file" data-testid="cover-file"
                    accept="image/png,image/jpeg,image/webp,image/gif" disabled={*busy}
                    aria-describedby="cover-hint" {onchange} />
                if props.url.is_some() {
                    <button type="button" class="button button--secondary button--small" onclick={remove}>
                        { t.cover_remove }
                    </button>
                }
            </div>
            <p id="cover-hint" class="field__hint">{ t.cover_hint }</p>
            <p class="field__error" aria-live="polite">
                if let Some(error) = &*error {
                    <span data-testid="cover-error">{ problem_text(error, texts) }</span>
                }
            </p>
        </fieldset>
    }
}

#[derive(Properties, PartialEq)]
struct StatusPanelProps {
    id: CourseId,
    draft: CourseDraft,
    version: Rc<Cell<u32>>,
}

/// Publish / Archive, and Delete for a draft that was never published.
#[function_component(StatusPanel)]
fn status_panel(props: &StatusPanelProps) -> Html {
    let texts = use_texts();
    let t = &texts.authoring;
    let navigator = use_navigator();
    let status = use_state_eq(|| props.draft.summary.status);
    let ever_published = props.draft.summary.published_at.is_some();
    let busy = use_state_eq(|| false);
    let problem = use_state_eq(|| None::<String>);

    let change = {
        let (id, version, status, busy, problem) = (
            props.id.clone(),
            props.version.clone(),
            status.clone(),
            busy.clone(),
            problem.clone(),
        );
        move |target: CourseStatus| {
            let (id, version, status, busy, problem) = (
                id.clone(),
                version.clone(),
                status.clone(),
                busy.clone(),
                problem.clone(),
            );
            Callback::from(move |_: MouseEvent| {
                let (id, version, status, busy, problem) = (
                    id.clone(),
                    version.clone(),
                    status.clone(),
                    busy.clone(),
                    problem.clone(),
                );
                busy.set(true);
                problem.set(None);
                wasm_bindgen_futures::spawn_local(async move {
                    match api::change_course_status(&id, target).await {
                        Ok(saved) => {
                            version.set(saved.version);
                            status.set(target);
                        }
                        Err(ClientError::Conflict { .. }) if target == CourseStatus::Published => {
                            problem.set(Some(t.publish_no_lessons.to_owned()));
                        }
                        Err(error) => problem.set(Some(problem_text(&error, texts))),
                    }
                    busy.set(false);
                });
            })
        }
    };
    let delete = {
        let (id, busy, problem) = (props.id.clone(), busy.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            if !confirm(t.delete_course_confirm) {
                return;
            }
            let (id, busy, problem, navigator) =
                (id.clone(), busy.clone(), problem.clone(), navigator.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::delete_course(&id).await {
                    Ok(()) => {
                        if let Some(navigator) = navigator {
                            navigator.push(&Route::Teach);
                        }
                    }
                    Err(error) => {
                        problem.set(Some(problem_text(&error, texts)));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let lead = match *status {
        CourseStatus::Draft => t.status_lead_draft,
        CourseStatus::Published => t.status_lead_published,
        CourseStatus::Archived => t.status_lead_archived,
    };
    html! {
        <section class="panel" aria-labelledby="status-title" data-testid="course-status-panel">
            <h2 id="status-title" class="panel__title">
                { t.status_title }{ " " }<CourseStatusBadge status={*status} />
            </h2>
            <p class="panel__lead">{ lead }</p>
            <div class="form__actions">
                if *status != CourseStatus::Published {
                    <button type="button" class="button button--primary" data-testid="publish"
                        disabled={*busy} onclick={change(CourseStatus::Published)}>{ t.publish }</button>
                }
                if *status == CourseStatus::Published {
                    <button type="button" class="button button--secondary" data-testid="archive"
                        disabled={*busy} onclick={change(CourseStatus::Archived)}>{ t.archive }</button>
                }
                if *status == CourseStatus::Draft && !ever_published {
                    <button type="button" class="button button--danger" data-testid="delete-course"
                        disabled={*busy} onclick={delete}>{ t.delete_course }</button>
                }
            </div>
            <p class="status-line status-line--error" aria-live="polite" data-testid="status-problem">
                { (*problem).clone().unwrap_or_default() }
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_read_as_minor_units() {
        assert_eq!(parse_minor("19.99"), Some(1999));
        assert_eq!(parse_minor("20"), Some(2000));
        assert_eq!(parse_minor("0,5"), Some(50));
        assert_eq!(parse_minor(".5"), Some(50));
        assert_eq!(parse_minor("0"), None);
        assert_eq!(parse_minor("1.999"), None);
        assert_eq!(parse_minor("abc"), None);
        assert_eq!(parse_minor(""), None);
        assert_eq!(parse_minor("-3"), None);
        assert_eq!(format_minor(1999), "19.99");
    }
}
