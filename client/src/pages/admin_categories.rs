//! `/admin/categories` (admins): the catalog's categories, with adding, renaming and deleting.
//! A category a course uses cannot be deleted: the server answers 409 and the page says why.

use shared::api::courses::{Category, CategoryInput};
use shared::domain::CategoryId;
use shared::validate::{category_name, category_slug, Invalid};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api;
use crate::components::icons::BooksIcon;
use crate::components::{ErrorNotice, PageLoading};
use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::forms::check::worded;
use crate::hooks::use_page_title;
use crate::i18n::Texts;

#[derive(Debug, Clone, PartialEq)]
enum Listing {
    Loading,
    Loaded(Vec<Category>),
    Failed(ClientError),
}

/// The three inputs of a category, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
struct Draft {
    slug: String,
    name_en: String,
    name_ru: String,
}

impl Draft {
    fn of(category: &Category) -> Self {
        Self {
            slug: category.slug.clone(),
            name_en: category.name_en.clone(),
            name_ru: category.name_ru.clone(),
        }
    }

    /// The input the API wants, or each field's problem.
    fn checked(&self) -> Result<CategoryInput, [Option<Invalid>; 3]> {
        let slug = category_slug(&self.slug);
        let name_en = category_name(&self.name_en);
        let name_ru = category_name(&self.name_ru);
        match (slug, name_en, name_ru) {
            (Ok(slug), Ok(name_en), Ok(name_ru)) => Ok(CategoryInput {
                slug,
                name_en,
                name_ru,
            }),
            (slug, en, ru) => Err([slug.err(), en.err(), ru.err()]),
        }
    }
}

/// A server refusal in words: a taken slug, the field it names, or the general message.
fn refusal(error: &ClientError, texts: &Texts) -> String {
    match error {
        ClientError::Conflict { .. } => texts.categories.slug_taken.to_owned(),
        ClientError::Validation {
            field: Some(field),
            reason: Some(reason),
            ..
        } => format!("{field}: {}", worded(reason, texts)),
        error => error.message(texts),
    }
}

#[derive(Properties, PartialEq)]
struct CategoryFormProps {
    /// Prefix of the inputs' ids, unique on the page.
    id: AttrValue,
    draft: Draft,
    problems: [Option<Invalid>; 3],
    busy: bool,
    submit_label: AttrValue,
    on_change: Callback<Draft>,
    on_submit: Callback<()>,
    #[prop_or_default]
    on_cancel: Option<Callback<()>>,
}

/// The slug and both names, with their problems under them.
#[function_component(CategoryForm)]
fn category_form(props: &CategoryFormProps) -> Html {
    let texts = use_texts();
    let field = |index: usize, name: &str, label: &'static str, hint: Option<&'static str>| {
        let id = format!("{}-{name}", props.id);
        let value = match index {
            0 => props.draft.slug.clone(),
            1 => props.draft.name_en.clone(),
            _ => props.draft.name_ru.clone(),
        };
        let oninput = {
            let draft = props.draft.clone();
            let on_change = props.on_change.clone();
            Callback::from(move |event: InputEvent| {
                let value = event.target_unchecked_into::<HtmlInputElement>().value();
                let mut draft = draft.clone();
                match index {
                    0 => draft.slug = value,
                    1 => draft.name_en = value,
                    _ => draft.name_ru = value,
                }
                on_change.emit(draft);
            })
        };
        let problem = props.problems[index].as_ref().map(|p| worded(p, texts));
        let described = [
            problem.as_ref().map(|_| format!("{id}-error")),
            hint.map(|_| format!("{id}-hint")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        html! {
            <div class={classes!("field", problem.is_some().then_some("field--invalid"))}>
                <label class="field__label" for={id.clone()}>{ label }</label>
                <input id={id.clone()} class="field__input" type="text" {value} {oninput}
                    data-testid={format!("{}-{name}", props.id)} autocomplete="off"
                    aria-invalid={problem.is_some().to_string()}
                    aria-describedby={(!described.is_empty()).then_some(described)} />
                if let Some(hint) = hint {
                    <p id={format!("{id}-hint")} class="field__hint">{ hint }</p>
                }
                <p id={format!("{id}-error")} class="field__error" aria-live="polite">
                    { problem.unwrap_or_default() }
                </p>
            </div>
        }
    };
    let onsubmit = {
        let on_submit = props.on_submit.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            on_submit.emit(());
        })
    };
    html! {
        <form class="category-form" novalidate=true {onsubmit}>
            { field(0, "slug", texts.categories.field_slug, Some(texts.categories.field_slug_hint)) }
            { field(1, "name-en", texts.categories.field_name_en, None) }
            { field(2, "name-ru", texts.categories.field_name_ru, None) }
            <div class="category-form__actions">
                <button type="submit" class="button button--primary" disabled={props.busy}
                    data-testid={format!("{}-submit", props.id)}>
                    { props.submit_label.clone() }
                </button>
                if let Some(cancel) = &props.on_cancel {
                    <button type="button" class="button button--secondary"
                        onclick={cancel.reform(|_: MouseEvent| ())}>
                        { texts.common.cancel }
                    </button>
                }
            </div>
        </form>
    }
}

#[function_component(AdminCategoriesPage)]
pub fn admin_categories_page() -> Html {
    let texts = use_texts();
    use_page_title(texts.categories.categories_title);
    let listing = use_state(|| Listing::Loading);
    let reload = use_state_eq(|| 0_u32);
    let draft = use_state(Draft::default);
    let draft_problems = use_state(<[Option<Invalid>; 3]>::default);
    let editing = use_state(|| None::<(CategoryId, Draft)>);
    let edit_problems = use_state(<[Option<Invalid>; 3]>::default);
    let confirming = use_state_eq(|| None::<CategoryId>);
    let busy = use_state_eq(|| false);
    let done = use_state_eq(|| None::<String>);
    let failed = use_state_eq(|| None::<String>);

    {
        let listing = listing.clone();
        use_effect_with(*reload, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                listing.set(match api::categories().await {
                    Ok(list) => Listing::Loaded(list),
                    Err(error) => Listing::Failed(error),
                });
            });
        });
    }
    let refresh = {
        let reload = reload.clone();
        move || reload.set(*reload + 1)
    };
    // Clears the last outcome before a new action.
    let start = {
        let (busy, done, failed) = (busy.clone(), done.clone(), failed.clone());
        move || {
            busy.set(true);
            done.set(None);
            failed.set(None);
        }
    };

    let on_create = {
        let (draft, problems, busy, done, failed) = (
            draft.clone(),
            draft_problems.clone(),
            busy.clone(),
            done.clone(),
            failed.clone(),
        );
        let (start, refresh) = (start.clone(), refresh.clone());
        Callback::from(move |()| {
            let input = match draft.checked() {
                Ok(input) => input,
                Err(found) => return problems.set(found),
            };
            problems.set(Default::default());
            start();
            let (draft, busy, done, failed, refresh) = (
                draft.clone(),
                busy.clone(),
                done.clone(),
                failed.clone(),
                refresh.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::create_category(&input).await {
                    Ok(category) => {
                        done.set(Some(
                            texts
                                .categories
                                .created
                                .replace("{name}", &category.name_en),
                        ));
                        draft.set(Draft::default());
                        refresh();
                    }
                    Err(error) => failed.set(Some(refusal(&error, texts))),
                }
                busy.set(false);
            });
        })
    };
    let on_save_edit = {
        let (editing, problems, busy, done, failed) = (
            editing.clone(),
            edit_problems.clone(),
            busy.clone(),
            done.clone(),
            failed.clone(),
        );
        let (start, refresh) = (start.clone(), refresh.clone());
        Callback::from(move |()| {
            let Some((id, edited)) = (*editing).clone() else {
                return;
            };
            let input = match edited.checked() {
                Ok(input) => input,
                Err(found) => return problems.set(found),
            };
            problems.set(Default::default());
            start();
            let (editing, busy, done, failed, refresh) = (
                editing.clone(),
                busy.clone(),
                done.clone(),
                failed.clone(),
                refresh.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::update_category(&id, &input).await {
                    Ok(category) => {
                        done.set(Some(
                            texts
                                .categories
                                .renamed
                                .replace("{name}", &category.name_en),
                        ));
                        editing.set(None);
                        refresh();
                    }
                    Err(error) => failed.set(Some(refusal(&error, texts))),
                }
                busy.set(false);
            });
        })
    };
    let on_delete = {
        let (confirming, busy, done, failed) = (
            confirming.clone(),
            busy.clone(),
            done.clone(),
            failed.clone(),
        );
        let (start, refresh) = (start.clone(), refresh.clone());
        Callback::from(move |category: Category| {
            start();
            let (confirming, busy, done, failed, refresh) = (
                confirming.clone(),
                busy.clone(),
                done.clone(),
                failed.clone(),
                refresh.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let name = category.name_en.clone();
                match api::delete_category(&category.id).await {
                    Ok(()) => {
                        done.set(Some(texts.categories.deleted.replace("{name}", &name)));
                        refresh();
                    }
                    Err(ClientError::Conflict { .. }) => {
                        failed.set(Some(texts.categories.in_use.replace("{name}", &name)))
                    }
                    Err(error) => failed.set(Some(error.message(texts))),
                }
                confirming.set(None);
                busy.set(false);
            });
        })
    };

    let row = |category: &Category| {
        let id = category.id.clone();
        if let Some((_, edited)) = editing.as_ref().filter(|(editing_id, _)| *editing_id == id) {
            let on_change = {
                let (editing, id) = (editing.clone(), id.clone());
                Callback::from(move |draft: Draft| editing.set(Some((id.clone(), draft))))
            };
            let on_cancel = {
                let editing = editing.clone();
                Callback::from(move |()| editing.set(None))
            };
            return html! {
                <li class="category-row category-row--editing" key={id.to_string()} data-testid="category-row" data-slug={category.slug.clone()}>
                    <CategoryForm id="edit-category" draft={edited.clone()} problems={(*edit_problems).clone()}
                        busy={*busy} submit_label={texts.common.save} {on_change}
                        on_submit={on_save_edit.clone()} on_cancel={Some(on_cancel)} />
                </li>
            };
        }
        let on_rename = {
            let (editing, problems, category) =
                (editing.clone(), edit_problems.clone(), category.clone());
            Callback::from(move |_: MouseEvent| {
                problems.set(Default::default());
                editing.set(Some((category.id.clone(), Draft::of(&category))));
            })
        };
        let asking = confirming.as_ref() == Some(&id);
        let on_ask = {
            let (confirming, id) = (confirming.clone(), id.clone());
            Callback::from(move |_: MouseEvent| confirming.set(Some(id.clone())))
        };
        let on_confirm = {
            let (on_delete, category) = (on_delete.clone(), category.clone());
            Callback::from(move |_: MouseEvent| on_delete.emit(category.clone()))
        };
        let on_keep = {
            let confirming = confirming.clone();
            Callback::from(move |_: MouseEvent| confirming.set(None))
        };
        html! {
            <li class="category-row" key={id.to_string()} data-testid="category-row" data-slug={category.slug.clone()}>
                <div class="category-row__names">
                    <p class="category-row__name" lang="en">{ category.name_en.clone() }</p>
                    <p class="category-row__name" lang="ru">{ category.name_ru.clone() }</p>
                    <p class="category-row__meta">
                        <code>{ category.slug.clone() }</code>{ " · " }
                        { texts.count(category.course_count, &texts.categories.courses) }
                    </p>
                </div>
                <div class="category-row__actions">
                    if asking {
                        <span class="category-row__question">{ texts.categories.confirm_delete.replace("{name}", &category.name_en) }</span>
                        <button type="button" class="button button--danger button--small" disabled={*busy}
                            data-testid="category-confirm-delete" onclick={on_confirm}>
                            { texts.categories.confirm }
                        </button>
                        <button type="button" class="button button--secondary button--small" onclick={on_keep}>
                            { texts.common.cancel }
                        </button>
                    } else {
                        <button type="button" class="button button--secondary button--small" disabled={*busy}
                            data-testid="category-rename" onclick={on_rename}>
                            { texts.categories.rename }
                        </button>
                        <button type="button" class="button button--danger button--small" disabled={*busy}
                            data-testid="category-delete" onclick={on_ask}>
                            { texts.categories.delete }
                        </button>
                    }
                </div>
            </li>
        }
    };

    let list = match &*listing {
        Listing::Loading => html! { <PageLoading /> },
        Listing::Failed(error) => {
            let refresh = refresh.clone();
            html! {
                <ErrorNotice testid="categories-error" title={texts.categories.error_title}
                    error={error.clone()} on_retry={Callback::from(move |()| refresh())} />
            }
        }
        Listing::Loaded(list) if list.is_empty() => html! {
            <div class="state" data-testid="categories-empty">
                <div class="state__icon"><BooksIcon /></div>
                <p class="state__body">{ texts.categories.empty }</p>
            </div>
        },
        Listing::Loaded(list) => html! {
            <ul class="category-list" role="list" data-testid="category-list">
                { for list.iter().map(row) }
            </ul>
        },
    };
    let on_draft = {
        let draft = draft.clone();
        Callback::from(move |next: Draft| draft.set(next))
    };

    html! {
        <section class="admin-categories" data-testid="admin-categories" aria-labelledby="categories-title">
            <header class="page-hero">
                <h1 id="categories-title" class="page-hero__title">{ texts.categories.categories_title }</h1>
                <p class="page-hero__lead">{ texts.categories.categories_lead }</p>
            </header>
            <section class="panel" aria-labelledby="new-category-title">
                <h2 id="new-category-title" class="panel__title">{ texts.categories.create_title }</h2>
                <CategoryForm id="new-category" draft={(*draft).clone()} problems={(*draft_problems).clone()}
                    busy={*busy} submit_label={texts.categories.create_submit} on_change={on_draft}
                    on_submit={on_create} />
            </section>
            <p class="status-line status-line--ok" role="status" aria-live="polite" data-testid="categories-done">
                { (*done).clone().unwrap_or_default() }
            </p>
            <p class="status-line status-line--error" role="alert" data-testid="categories-failed">
                { (*failed).clone().unwrap_or_default() }
            </p>
            { list }
        </section>
    }
}
