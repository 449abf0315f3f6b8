//! The course catalog: the first page on arrival, more pages on demand.
//!
//! Page state is a reducer (`CatalogState`); fetching goes through `api::list_courses`, and
//! `store::catalog` keeps each page on the device so the catalog opens offline. When a load fails
//! and the browser comes back online, the failed load is retried by itself.

use std::rc::Rc;

use shared::api::courses::{CoursePage, CourseSummary};
use yew::prelude::*;

use crate::api;
use crate::components::icons::BooksIcon;
use crate::components::{CourseCard, CourseCardSkeleton, ErrorNotice};
use crate::contexts::locale::use_texts;
use crate::contexts::online::use_online;
use crate::contexts::store::use_store;
use crate::error::ClientError;
use crate::hooks::use_page_title;
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
        }
        Rc::new(next)
    }
}

#[function_component(CatalogPage)]
pub fn catalog_page() -> Html {
    let texts = use_texts();
    use_page_title(texts.catalog.catalog_title);
    let online = use_online();
    let state = use_reducer(CatalogState::default);
    let store = use_store();

    // Starts a load of `cursor`; the reducer records its outcome.
    let load = {
        let dispatcher = state.dispatcher();
        Callback::from(move |cursor: Option<String>| {
            let dispatcher = dispatcher.clone();
            dispatcher.dispatch(CatalogAction::Started {
                cursor: cursor.clone(),
            });
            let store = store.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let fetched = api::list_courses(None, cursor.as_deref()).await;
                let kept = catalog::network_first(store.as_ref(), cursor.as_deref(), fetched);
                let action = match kept.await {
                    Ok(page) => CatalogAction::Loaded { cursor, page },
                    Err(error) => CatalogAction::Failed { cursor, error },
                };
                dispatcher.dispatch(action);
            });
        })
    };

    {
        let load = load.clone();
        use_effect_with((), move |_| load.emit(None));
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

    let body = match (&state.phase, state.courses.is_empty()) {
        (Phase::Loading, _) => html! {
            <div class="card-grid" aria-busy="true" aria-label={texts.common.loading}>
                { for (0..SKELETON_CARDS).map(|i| html! { <CourseCardSkeleton key={i} /> }) }
            </div>
        },
        (Phase::Failed { error, .. }, true) => html! {
            <ErrorNotice testid="catalog-error" title={texts.catalog.catalog_error_title} error={error.clone()} on_retry={retry.clone()} />
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
            { body }
        </section>
    }
}
