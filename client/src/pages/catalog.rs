//! The course catalog: filters and order kept in the query string (so reload and Back keep
//! them), the first page on arrival, more pages on demand.
//!
//! Page state is a reducer (`CatalogState`); fetching goes through `api::list_courses`, and
//! `store::catalog` keeps each page of the whole, unfiltered catalog on the device so it opens
//! offline. When a load fails and the browser comes back online, the failed load is retried by
//! itself.

use std::rc::Rc;

use shared::api::courses::{
    Category, CourseLanguage, CourseLevel, CoursePage, CourseSort, CourseSummary, PriceFilter,
};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, CatalogFilters};
use crate::components::course_card::{language_label, level_label};
use crate::components::form::SelectField;
use crate::components::icons::BooksIcon;
use crate::components::{CourseCard, CourseCardSkeleton, ErrorNotice};
use crate::contexts::locale::{use_locale, use_texts};
use crate::contexts::online::use_online;
use crate::contexts::store::use_store;
use crate::error::ClientError;
use crate::hooks::use_page_title;
use crate::i18n::Locale;
use crate::route::Route;
use crate::store::catalog;

/// How many placeholder cards stand in for the first page while it loads.
const SKELETON_CARDS: usize = 6;

/// What the catalog is doing right now.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// The first page is on its way.
    Loading,
    /// Nothing in flight.
    Ready,
    /// A following page is on its way; the courses so far stay visible.
    LoadingMore,
    /// The last load failed; retrying asks for `cursor` again (`None` = the first page).
    Failed {
        error: ClientError,
        cursor: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct CatalogState {
    pub courses: Vec<CourseSummary>,
    pub next_cursor: Option<String>,
    pub phase: Phase,
}

impl Default for CatalogState {
    fn default() -> Self {
        Self {
            courses: Vec::new(),
            next_cursor: None,
            phase: Phase::Loading,
        }
    }
}

impl CatalogState {
    /// The cursor to fetch next when the user asks for more, if there is more.
    pub fn more_cursor(&self) -> Option<&str> {
        match self.phase {
            Phase::Ready => self.next_cursor.as_deref(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum CatalogAction {
    /// A load of `cursor` started (`None` = the first page, which replaces the list).
    Started { cursor: Option<String> },
    /// The page for `cursor` arrived.
    Loaded {
        cursor: Option<String>,
        page: CoursePage,
    },
    /// The load of `cursor` failed.
    Failed {
        cursor: Option<String>,
        error: ClientError,
    },
    /// The filters changed: forget the list, the first page is coming.
    Reset,
}

impl Reducible for CatalogState {
    type Action = CatalogAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            CatalogAction::Started { cursor } => {
                next.phase = if cursor.is_none() && next.courses.is_empty() {
                    Phase::Loading
                } else {
                    Phase::LoadingMore
                };
            }
            CatalogAction::Loaded { cursor, page } => {
                if cursor.is_none() {
                    next.courses = page.items;
                } else {
                    next.courses.extend(page.items);
                }
                next.next_cursor = page.next_cursor;
                next.phase = Phase::Ready;
            }
            CatalogAction::Failed { cursor, error } => {
                next.phase = Phase::Failed { error, cursor };
            }
            CatalogAction::Reset => next = CatalogState::default(),
        }
        Rc::new(next)
    }
}

#[function_component(CatalogPage)]
pub fn catalog_page() -> Html {
    let texts = use_texts();
    let locale = use_locale().locale;
    use_page_title(texts.catalog.catalog_title);
    let online = use_online();
    let state = use_reducer(CatalogState::default);
    let store = use_store();
    let navigator = use_navigator();
    let location = use_location();
    let filters = CatalogFilters::from_query(location.as_ref().map_or("", |l| l.query_str()));
    // The filters this page shows now: an answer for others arriving late is dropped.
    let current = use_mut_ref(CatalogFilters::default);
    current.borrow_mut().clone_from(&filters);
    let categories = use_state(Vec::<Category>::new);

    // Starts a load of `cursor` under the current filters; the reducer records its outcome.
    let load = {
        let dispatcher = state.dispatcher();
        let current = current.clone();
        Callback::from(move |cursor: Option<String>| {
            let dispatcher = dispatcher.clone();
            dispatcher.dispatch(CatalogAction::Started {
                cursor: cursor.clone(),
            });
            let filters = current.borrow().clone();
            let current = current.clone();
            // Only the whole catalog is kept for offline use.
            let store = (filters == CatalogFilters::default())
                .then(|| store.clone())
                .flatten();
            wasm_bindgen_futures::spawn_local(async move {
                let fetched = api::list_courses(None, cursor.as_deref(), &filters).await;
                let kept = catalog::network_first(store.as_ref(), cursor.as_deref(), fetched).await;
                if *current.borrow() != filters {
                    return;
                }
                let action = match kept {
                    Ok(page) => CatalogAction::Loaded { cursor, page },
                    Err(error) => CatalogAction::Failed { cursor, error },
                };
                dispatcher.dispatch(action);
            });
        })
    };

    {
        let load = load.clone();
        let dispatcher = state.dispatcher();
        use_effect_with(filters.clone(), move |_| {
            dispatcher.dispatch(CatalogAction::Reset);
            load.emit(None);
        });
    }
    {
        let categories = categories.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                // Without categories the filter offers "all" only; the catalog still works.
                if let Ok(list) = api::categories().await {
                    categories.set(list);
                }
            });
        });
    }

    // Back online after a failure: try again without waiting for a click.
    {
        let load = load.clone();
        let failed_cursor = match &state.phase {
            Phase::Failed { cursor, .. } => Some(cursor.clone()),
            _ => None,
        };
        use_effect_with(online, move |online| {
            if let (true, Some(cursor)) = (*online, failed_cursor) {
                load.emit(cursor);
            }
        });
    }

    let retry = {
        let load = load.clone();
        let cursor = match &state.phase {
            Phase::Failed { cursor, .. } => cursor.clone(),
            _ => None,
        };
        Callback::from(move |_| load.emit(cursor.clone()))
    };
    let load_more = {
        let load = load.clone();
        let cursor = state.more_cursor().map(str::to_owned);
        Callback::from(move |_: MouseEvent| {
            if let Some(cursor) = cursor.clone() {
                load.emit(Some(cursor));
            }
        })
    };
    // Filters live in the address: a change is a new history entry, so Back undoes it.
    let show = {
        let navigator = navigator.clone();
        Callback::from(move |next: CatalogFilters| {
            if let Some(navigator) = &navigator {
                let _ = navigator.push_with_query(&Route::Catalog, &next.pairs());
            }
        })
    };
    let reset = {
        let show = show.clone();
        Callback::from(move |_: MouseEvent| show.emit(CatalogFilters::default()))
    };
    let filtered = filters != CatalogFilters::default();

    let body = match (&state.phase, state.courses.is_empty()) {
        (Phase::Loading, _) => html! {
            <div class="card-grid" aria-busy="true" aria-label={texts.common.loading}>
                { for (0..SKELETON_CARDS).map(|i| html! { <CourseCardSkeleton key={i} /> }) }
            </div>
        },
        (Phase::Failed { error, .. }, true) => html! {
            <ErrorNotice testid="catalog-error" title={texts.catalog.catalog_error_title} error={error.clone()} on_retry={retry.clone()} />
        },
        (_, true) if filters.narrows() => html! {
            <div class="state" data-testid="catalog-no-match" role="status">
                <div class="state__icon"><BooksIcon /></div>
                <h2 class="state__title">{ texts.courses.no_match_title }</h2>
                <p class="state__body">{ texts.courses.no_match_body }</p>
                <button type="button" class="button button--primary" data-testid="reset-filters-empty" onclick={reset.clone()}>
                    { texts.courses.reset_filters }
                </button>
            </div>
        },
        (_, true) => html! {
            <div class="state" data-testid="catalog-empty">
                <div class="state__icon"><BooksIcon /></div>
                <h2 class="state__title">{ texts.catalog.catalog_empty_title }</h2>
                <p class="state__body">{ texts.catalog.catalog_empty_body }</p>
            </div>
        },
        (phase, false) => html! {
            <>
                <ul class="card-grid" role="list">
                    { for state.courses.iter().map(|course| html! {
                        <li key={course.id.to_string()}><CourseCard course={course.clone()} /></li>
                    }) }
                </ul>
                if let Phase::Failed { error, .. } = phase {
                    <ErrorNotice testid="catalog-error" title={texts.catalog.catalog_error_title} error={error.clone()} on_retry={retry.clone()} compact=true />
                }
                if state.next_cursor.is_some() && !matches!(phase, Phase::Failed { .. }) {
                    <div class="catalog__more">
                        <button
                            class="button button--secondary"
                            data-testid="load-more"
                            disabled={*phase == Phase::LoadingMore}
                            aria-busy={(*phase == Phase::LoadingMore).to_string()}
                            onclick={load_more}
                        >
                            if *phase == Phase::LoadingMore {
                                <span class="spinner" aria-hidden="true"></span>
                                { texts.catalog.loading_more }
                            } else {
                                { texts.catalog.load_more }
                            }
                        </button>
                    </div>
                }
            </>
        },
    };

    html! {
        <section class="catalog" data-testid="catalog" aria-labelledby="catalog-title">
            <header class="page-hero">
                <h1 id="catalog-title" class="page-hero__title">{ texts.catalog.catalog_title }</h1>
                <p class="page-hero__lead">{ texts.catalog.catalog_lead }</p>
            </header>
            <CatalogFilterBar filters={filters.clone()} categories={(*categories).clone()} {locale}
                on_change={show} on_reset={filtered.then_some(reset)} />
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FilterBarProps {
    filters: CatalogFilters,
    categories: Vec<Category>,
    locale: Locale,
    on_change: Callback<CatalogFilters>,
    /// Shown as "Reset filters" when any filter is set.
    on_reset: Option<Callback<MouseEvent>>,
}

/// The filter and sort selects above the grid.
#[function_component(CatalogFilterBar)]
fn catalog_filter_bar(props: &FilterBarProps) -> Html {
    let texts = use_texts();
    let filters = &props.filters;
    // One `<select>` per filter: `apply` writes its chosen value into a copy of the filters.
    let select = |name: &'static str,
                  label: &'static str,
                  value: String,
                  options: Vec<(String, String)>,
                  apply: fn(&mut CatalogFilters, &str)| {
        let on_change = props.on_change.clone();
        let base = filters.clone();
        let onchange = Callback::from(move |value: String| {
            let mut next = base.clone();
            apply(&mut next, &value);
            on_change.emit(next);
        });
        let options: Vec<(AttrValue, AttrValue)> = options
            .into_iter()
            .map(|(v, l)| (AttrValue::from(v), AttrValue::from(l)))
            .collect();
        html! {
            <SelectField form="catalog-filters" {name} label={label} value={value} {options} {onchange} />
        }
    };
    let any = |label: &str| (String::new(), label.to_owned());
    let coded = |code: &str, label: &str| (code.to_owned(), label.to_owned());

    let mut category_options = vec![any(texts.courses.any_category)];
    category_options.extend(props.categories.iter().map(|c| {
        let name = match props.locale {
            Locale::Ru => &c.name_ru,
            _ => &c.name_en,
        };
        (c.slug.clone(), name.clone())
    }));
    // A category in the address that the list does not (yet) hold still shows as chosen.
    if let Some(slug) = &filters.category {
        if !props.categories.iter().any(|c| &c.slug == slug) {
            category_options.push((slug.clone(), slug.clone()));
        }
    }
    let level_options: Vec<(String, String)> = std::iter::once(any(texts.courses.any_level))
        .chain(
            CourseLevel::ALL
                .iter()
                .map(|l| coded(l.code(), level_label(texts, *l))),
        )
        .collect();
    let language_options: Vec<(String, String)> = std::iter::once(any(texts.courses.any_language))
        .chain(
            CourseLanguage::ALL
                .iter()
                .map(|l| coded(l.code(), language_label(texts, *l))),
        )
        .collect();
    let price_options = vec![
        any(texts.courses.any_price),
        coded(PriceFilter::Free.code(), texts.courses.price_free),
        coded(PriceFilter::Paid.code(), texts.courses.price_paid),
    ];
    let sort_options: Vec<(String, String)> = [
        (CourseSort::Newest, texts.courses.sort_newest),
        (CourseSort::TopRated, texts.courses.sort_top_rated),
        (CourseSort::MostEnrolled, texts.courses.sort_most_enrolled),
    ]
    .into_iter()
    .map(|(s, label)| coded(s.code(), label))
    .collect();

    html! {
        <div class="catalog-filters" role="group" aria-label={texts.courses.filters_label} data-testid="catalog-filters">
            { select("category", texts.courses.filter_category, filters.category.clone().unwrap_or_default(),
                category_options, |f, v| f.category = Some(v.to_owned()).filter(|v| !v.is_empty())) }
            { select("level", texts.courses.filter_level, filters.level.map(|l| l.code().to_owned()).unwrap_or_default(),
                level_options, |f, v| f.level = CourseLevel::from_code(v)) }
            { select("language", texts.courses.filter_language, filters.language.map(|l| l.code().to_owned()).unwrap_or_default(),
                language_options, |f, v| f.language = CourseLanguage::from_code(v)) }
            { select("price", texts.courses.filter_price, filters.price.map(|p| p.code().to_owned()).unwrap_or_default(),
                price_options, |f, v| f.price = PriceFilter::from_code(v)) }
            { select("sort", texts.courses.sort_label, filters.sort.unwrap_or(CourseSort::Newest).code().to_owned(),
                sort_options, |f, v| f.sort = CourseSort::from_code(v).filter(|s| *s != CourseSort::Newest)) }
            if let Some(reset) = props.on_reset.clone() {
                <button type="button" class="button button--secondary button--small catalog-filters__reset"
                    data-testid="reset-filters" onclick={reset}>
                    { texts.courses.reset_filters }
                </button>
            }
        </div>
    }
}
