//! The sync status for every component below the app: `use_sync()`. Runs the sync loop's
//! `Scheduler` for the signed-in user (a new one when the user changes, none when signed out) and
//! carries its reports; a 401 from the sync endpoint asks `/api/me` again, which signs out. Also
//! refreshes the user's downloaded courses that changed (`offline::refresh_stale`) whenever the
//! network is there.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::contexts::auth::use_auth;
use crate::contexts::online::use_online;
use crate::sync::scheduler::{Scheduler, SyncReport};

/// What `use_sync` hands out.
#[derive(Clone, PartialEq)]
pub struct SyncContext {
    /// The last report; `None` while nobody is signed in or before the first one.
    pub report: Option<SyncReport>,
    /// Runs a full round now (the Retry button).
    pub retry: Callback<()>,
}

impl SyncContext {
    /// Local changes not on the server yet (0 when unknown).
    pub fn pending(&self) -> u32 {
        self.report.as_ref().map_or(0, |report| report.pending)
    }
}

#[derive(Properties, PartialEq)]
pub struct SyncProviderProps {
    #[prop_or_default]
    pub children: Html,
}

/// Provides `SyncContext`; must sit inside `AuthProvider`.
#[function_component(SyncProvider)]
pub fn sync_provider(props: &SyncProviderProps) -> Html {
    let auth = use_auth();
    let report = use_state_eq(|| None::<SyncReport>);
    let scheduler: Rc<RefCell<Option<Scheduler>>> = use_mut_ref(|| None);
    let user = auth.user().map(|me| me.id.clone());

    {
        let report = report.clone();
        let scheduler = scheduler.clone();
        let auth = auth.clone();
        use_effect_with(user, move |user| {
            report.set(None);
            if let Some(user) = user.clone() {
                let on_report = {
                    let report = report.clone();
                    Callback::from(move |next| report.set(Some(next)))
                };
                let on_signed_out = Callback::from(move |()| auth.refresh());
                *scheduler.borrow_mut() = Some(Scheduler::start(user, on_report, on_signed_out));
            }
            move || {
                scheduler.borrow_mut().take();
            }
        });
    }

    // Downloaded courses a teacher changed since are fetched again while the network is there:
    // at start and each time it comes back.
    {
        let online = use_online();
        let user = auth.user().map(|me| me.id.clone());
        use_effect_with((user, online), |(user, online)| {
            if user.is_some() && *online {
                wasm_bindgen_futures::spawn_local(crate::offline::refresh_stale());
            }
        });
    }

    let retry = {
        let scheduler = scheduler.clone();
        use_callback((), move |(), _| {
            if let Some(scheduler) = scheduler.borrow().as_ref() {
                scheduler.retry();
            }
        })
    };
    let context = SyncContext {
        report: (*report).clone(),
        retry,
    };
    html! {
        <ContextProvider<SyncContext> context={context}>
            { props.children.clone() }
        </ContextProvider<SyncContext>>
    }
}

/// The sync status; nothing to report and a no-op retry outside a provider.
#[hook]
pub fn use_sync() -> SyncContext {
    use_context::<SyncContext>().unwrap_or_else(|| SyncContext {
        report: None,
        retry: Callback::noop(),
    })
}
