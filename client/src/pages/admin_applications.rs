//! `/admin/applications`: the queue of applications to teach. Pending ones can be approved or
//! rejected with a reason; the other tabs list what was decided.

use std::rc::Rc;

use shared::api::teaching::{ApplicationStatus, RejectApplicationRequest, TeacherApplication};
use shared::domain::ApplicationId;
use yew::prelude::*;

use crate::api;
use crate::components::application::status_label;
use crate::components::icons::CheckIcon;
use crate::components::{ApplicationItem, ErrorNotice, PageLoading, RejectDialog};
use crate::contexts::auth::use_auth;
use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::hooks::use_page_title;

const TABS: [ApplicationStatus; 3] = [
    ApplicationStatus::Pending,
    ApplicationStatus::Approved,
    ApplicationStatus::Rejected,
];

#[derive(Debug, Clone, PartialEq)]
pub enum Listing {
    Loading,
    Loaded(Vec<TeacherApplication>),
    Failed(ClientError),
}

/// The page's state: which tab, its list, and the decision in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueState {
    pub tab: ApplicationStatus,
    pub listing: Listing,
    /// The application an approve or reject is in flight for.
    pub busy: Option<ApplicationId>,
    /// The application the reject dialog is open for.
    pub rejecting: Option<TeacherApplication>,
    /// The last failed decision: in the dialog for a reject, above the list for an approve.
    pub error: Option<ClientError>,
    /// What was just decided, for the confirmation line.
    pub decided: Option<(String, ApplicationStatus)>,
}

impl Default for QueueState {
    fn default() -> Self {
        Self {
            tab: ApplicationStatus::Pending,
            listing: Listing::Loading,
            busy: None,
            rejecting: None,
            error: None,
            decided: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum QueueAction {
    ShowTab(ApplicationStatus),
    Loaded {
        tab: ApplicationStatus,
        result: Result<Vec<TeacherApplication>, ClientError>,
    },
    OpenReject(TeacherApplication),
    CloseReject,
    Deciding(ApplicationId),
    /// The server recorded the decision: the item leaves the pending list.
    Decided(TeacherApplication),
    DecisionFailed(ClientError),
}

impl Reducible for QueueState {
    type Action = QueueAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            QueueAction::ShowTab(tab) => {
                next.tab = tab;
                next.listing = Listing::Loading;
                next.decided = None;
                next.error = None;
            }
            QueueAction::Loaded { tab, result } => {
                // An answer for a tab no longer shown is stale.
                if tab != next.tab {
                    return self;
                }
                next.listing = match result {
                    Ok(list) => Listing::Loaded(list),
                    Err(error) => Listing::Failed(error),
                };
            }
            QueueAction::OpenReject(application) => {
                next.rejecting = Some(application);
                next.error = None;
            }
            QueueAction::CloseReject => {
                next.rejecting = None;
                next.error = None;
            }
            QueueAction::Deciding(id) => {
                next.busy = Some(id);
                next.error = None;
            }
            QueueAction::Decided(application) => {
                next.busy = None;
                next.rejecting = None;
                if let Listing::Loaded(list) = &mut next.listing {
                    list.retain(|a| a.id != application.id);
                }
                next.decided = Some((application.applicant_name, application.status));
            }
            QueueAction::DecisionFailed(error) => {
                next.busy = None;
                next.error = Some(error);
            }
        }
        Rc::new(next)
    }
}

#[function_component(AdminApplicationsPage)]
pub fn admin_applications_page() -> Html {
    let texts = use_texts();
    use_page_title(texts.admin.applications_title);
    let state = use_reducer(QueueState::default);
    let auth = use_auth();

    let load = {
        let dispatcher = state.dispatcher();
        Callback::from(move |tab: ApplicationStatus| {
            let dispatcher = dispatcher.clone();
            let auth = auth.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::teacher_applications(tab).await;
                // The session ended (or the role changed): let the guard decide again.
                match &result {
                    Err(ClientError::Unauthorized) => auth.forget(),
                    Err(ClientError::Forbidden) => auth.refresh(),
                    _ => {}
                }
                dispatcher.dispatch(QueueAction::Loaded { tab, result });
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with(state.tab, move |tab| load.emit(*tab));
    }

    let decide = |reject: bool| {
        let dispatcher = state.dispatcher();
        move |application: TeacherApplication, reason: Option<String>| {
            let dispatcher = dispatcher.clone();
            dispatcher.dispatch(QueueAction::Deciding(application.id.clone()));
            wasm_bindgen_futures::spawn_local(async move {
                let result = match (reject, reason) {
                    (true, Some(reason)) => {
                        api::reject_application(
                            &application.id,
                            &RejectApplicationRequest { reason },
                        )
                        .await
                    }
                    _ => api::approve_application(&application.id).await,
                };
                dispatcher.dispatch(match result {
                    Ok(decided) => QueueAction::Decided(decided),
                    Err(error) => QueueAction::DecisionFailed(error),
                });
            });
        }
    };
    let on_approve = {
        let approve = decide(false);
        Callback::from(move |application: TeacherApplication| approve(application, None))
    };
    let on_reject = {
        let dispatcher = state.dispatcher();
        Callback::from(move |application| dispatcher.dispatch(QueueAction::OpenReject(application)))
    };
    let on_confirm_reject = {
        let reject = decide(true);
        let rejecting = state.rejecting.clone();
        Callback::from(move |reason: String| {
            if let Some(application) = rejecting.clone() {
                reject(application, Some(reason));
            }
        })
    };
    let on_cancel_reject = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(QueueAction::CloseReject))
    };

    let tabs = TABS.iter().map(|&tab| {
        let selected = tab == state.tab;
        let onclick = {
            let dispatcher = state.dispatcher();
            Callback::from(move |_: MouseEvent| {
                if !selected {
                    dispatcher.dispatch(QueueAction::ShowTab(tab))
                }
            })
        };
        html! {
            <button type="button" role="tab" class={classes!("tabs__tab", selected.then_some("is-selected"))}
                id={format!("tab-{}", tab.code())} aria-selected={selected.to_string()}
                aria-controls="applications-panel" data-testid={format!("tab-{}", tab.code())}
                tabindex={if selected { "0" } else { "-1" }} {onclick}>
                { status_label(texts, tab) }
            </button>
        }
    });
    let onkeydown = {
        let dispatcher = state.dispatcher();
        let current = state.tab;
        Callback::from(move |event: KeyboardEvent| {
            let index = TABS.iter().position(|t| *t == current).unwrap_or(0);
            let next = match event.key().as_str() {
                "ArrowRight" => TABS[(index + 1) % TABS.len()],
                "ArrowLeft" => TABS[(index + TABS.len() - 1) % TABS.len()],
                _ => return,
            };
            event.prevent_default();
            dispatcher.dispatch(QueueAction::ShowTab(next));
            if let Some(tab) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&format!("tab-{}", next.code())))
                .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
            {
                let _ = tab.focus();
            }
        })
    };

    let retry = {
        let load = load.clone();
        let tab = state.tab;
        Callback::from(move |()| load.emit(tab))
    };
    let pending = state.tab == ApplicationStatus::Pending;
    let list = match &state.listing {
        Listing::Loading => html! { <PageLoading /> },
        Listing::Failed(error) => html! {
            <ErrorNotice testid="applications-error" title={texts.admin.applications_error} error={error.clone()} on_retry={retry} />
        },
        Listing::Loaded(list) if list.is_empty() => html! {
            <div class="state" data-testid="applications-empty">
                <div class="state__icon"><CheckIcon /></div>
                <p class="state__body">
                    { if pending { texts.admin.applications_empty_pending } else { texts.admin.applications_empty } }
                </p>
            </div>
        },
        Listing::Loaded(list) => html! {
            <ul class="application-list" role="list">
                { for list.iter().map(|application| html! {
                    <ApplicationItem key={application.id.to_string()} application={application.clone()}
                        actions={pending} busy={state.busy.as_ref() == Some(&application.id)}
                        on_approve={on_approve.clone()} on_reject={on_reject.clone()} />
                }) }
            </ul>
        },
    };
    let decided = state.decided.as_ref().map(|(name, status)| {
        let template = if *status == ApplicationStatus::Approved {
            texts.admin.application_approved_toast
        } else {
            texts.admin.application_rejected_toast
        };
        template.replace("{name}", name)
    });
    // An approve's error shows above the list; a reject's stays in its dialog.
    let list_error = state.error.clone().filter(|_| state.rejecting.is_none());
    html! {
        <section class="admin-applications" data-testid="admin-applications" aria-labelledby="applications-title">
            <header class="page-hero">
                <h1 id="applications-title" class="page-hero__title">{ texts.admin.applications_title }</h1>
                <p class="page-hero__lead">{ texts.admin.applications_lead }</p>
            </header>
            <div class="tabs" role="tablist" aria-label={texts.admin.applications_title} {onkeydown}>
                { for tabs }
            </div>
            <p class="status-line status-line--ok" role="status" aria-live="polite" data-testid="decided">
                { decided.unwrap_or_default() }
            </p>
            if let Some(error) = list_error {
                <p class="status-line status-line--error" role="alert">{ error.message(texts) }</p>
            }
            <div id="applications-panel" role="tabpanel" aria-labelledby={format!("tab-{}", state.tab.code())}>
                { list }
            </div>
            <RejectDialog application={state.rejecting.clone()}
                busy={state.busy.is_some()} error={state.error.clone().filter(|_| state.rejecting.is_some())}
                on_confirm={on_confirm_reject} on_cancel={on_cancel_reject} />
        </section>
    }
}
