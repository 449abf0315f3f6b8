//! When sync rounds run for the signed-in user: at start, when the browser comes back online, when
//! the tab becomes visible, a second after a local change, every minute, and after a failure to
//! reach the server with a doubling wait. One round at a time; a request while one runs is queued
//! (and merged). Reports the status after every round. Stops for good on a 401 (signed out).

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo_events::EventListener;
use gloo_timers::callback::{Interval, Timeout};
use shared::domain::{DocId, UserId};
use wasm_bindgen_futures::spawn_local;
use yew::Callback;

use super::status::{retry_delay_ms, status, SyncStatus};
use super::{documents, documents_of, is_unreachable, sync_doc};
use crate::contexts::online::browser_is_online;
use crate::error::ClientError;
use crate::store::{self, device};

/// The wait after a local change before its round, in ms (changes in between join it).
pub const DEBOUNCE_MS: u32 = 1_000;
/// The interval between full rounds, in ms.
pub const INTERVAL_MS: u32 = 60_000;

/// What the scheduler reports after every round and local change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    pub status: SyncStatus,
    /// Local changes not on the server yet, over every document (whatever the status).
    pub pending: u32,
}

/// Which documents a round covers.
#[derive(Debug, Clone, PartialEq)]
enum Scope {
    /// Every document of the user (`sync::documents_of`).
    All,
    /// Only these.
    Docs(Vec<DocId>),
}

impl Scope {
    fn merge(self, other: Self) -> Self {
        match (self, other) {
            (Self::Docs(mut mine), Self::Docs(theirs)) => {
                for doc in theirs {
                    if !mine.contains(&doc) {
                        mine.push(doc);
                    }
                }
                Self::Docs(mine)
            }
            _ => Self::All,
        }
    }
}

struct Inner {
    user: UserId,
    on_report: Callback<SyncReport>,
    on_signed_out: Callback<()>,
    running: Cell<bool>,
    queued: RefCell<Option<Scope>>,
    failures: Cell<u32>,
    reachable: Cell<bool>,
    stopped: Cell<bool>,
    retry: RefCell<Option<Timeout>>,
    debounce: RefCell<Option<Timeout>>,
}

/// The running scheduler of one user; dropping it stops every trigger.
pub struct Scheduler {
    inner: Rc<Inner>,
    _triggers: Vec<EventListener>,
    _interval: Option<Interval>,
    _changes: documents::Subscription,
}

impl Scheduler {
    /// Starts syncing `user`'s documents now and on every trigger. `on_report` hears the status;
    /// `on_signed_out` hears a 401 (after which nothing more runs).
    pub fn start(
        user: UserId,
        on_report: Callback<SyncReport>,
        on_signed_out: Callback<()>,
    ) -> Self {
        let inner = Rc::new(Inner {
            user,
            on_report,
            on_signed_out,
            running: Cell::new(false),
            queued: RefCell::new(None),
            failures: Cell::new(0),
            reachable: Cell::new(true),
            stopped: Cell::new(false),
            retry: RefCell::new(None),
            debounce: RefCell::new(None),
        });
        let weak = Rc::downgrade(&inner);
        let on = |what: fn(&Rc<Inner>)| {
            let weak = weak.clone();
            move || {
                if let Some(inner) = weak.upgrade() {
                    what(&inner);
                }
            }
        };
        let mut triggers = Vec::new();
        if let Some(window) = web_sys::window() {
            let online = on(|inner| {
                inner.failures.set(0);
                request(inner, Scope::All);
            });
            triggers.push(EventListener::new(&window, "online", move |_| online()));
            let offline = on(|inner| {
                inner.reachable.set(false);
                report(inner);
            });
            triggers.push(EventListener::new(&window, "offline", move |_| offline()));
            if let Some(document) = window.document() {
                let visible = on(|inner| request(inner, Scope::All));
                let target = document.clone();
                triggers.push(EventListener::new(&target, "visibilitychange", move |_| {
                    if document.visibility_state() == web_sys::VisibilityState::Visible {
                        visible();
                    }
                }));
            }
        }
        let tick = on(|inner| request(inner, Scope::All));
        let interval = Some(Interval::new(INTERVAL_MS, tick));
        let changes = {
            let weak = weak.clone();
            documents::subscribe(move |doc| {
                if let Some(inner) = weak.upgrade() {
                    local_change(&inner, doc);
                }
            })
        };
        request(&inner, Scope::All);
        Self {
            inner,
            _triggers: triggers,
            _interval: interval,
            _changes: changes,
        }
    }

    /// Runs a full round now (the Retry button), even after failures.
    pub fn retry(&self) {
        self.inner.failures.set(0);
        request(&self.inner, Scope::All);
    }
}

/// A local change to `doc`: reported at once (one more pending), synced after `DEBOUNCE_MS`.
fn local_change(inner: &Rc<Inner>, doc: &DocId) {
    report(inner);
    if doc.owner() != inner.user {
        return;
    }
    let weak = Rc::downgrade(inner);
    let doc = doc.clone();
    let timeout = Timeout::new(DEBOUNCE_MS, move || {
        if let Some(inner) = weak.upgrade() {
            request(&inner, Scope::Docs(vec![doc]));
        }
    });
    // A newer change replaces (cancels) the earlier wait; the earlier doc is still pending, so
    // it is in the next full round at the latest.
    if let Some(earlier) = inner.debounce.borrow_mut().replace(timeout) {
        earlier.cancel();
    }
}

/// Runs a round over `scope` now, or after the one running.
fn request(inner: &Rc<Inner>, scope: Scope) {
    if inner.stopped.get() {
        return;
    }
    if inner.running.get() {
        let mut queued = inner.queued.borrow_mut();
        *queued = Some(match queued.take() {
            Some(earlier) => earlier.merge(scope),
            None => scope,
        });
        return;
    }
    inner.running.set(true);
    let inner = inner.clone();
    spawn_local(async move {
        let result = run(&inner, scope).await;
        inner.running.set(false);
        match result {
            Ok(()) => {
                inner.failures.set(0);
                inner.reachable.set(true);
            }
            Err(ClientError::Unauthorized) => {
                inner.stopped.set(true);
                inner.on_signed_out.emit(());
            }
            Err(error) if is_unreachable(&error) => {
                inner.reachable.set(false);
                schedule_retry(&inner);
            }
            Err(error) => web_sys::console::warn_1(&format!("sync: {error}").into()),
        }
        report(&inner);
        if let Some(next) = inner.queued.borrow_mut().take() {
            request(&inner, next);
        }
    });
}

fn schedule_retry(inner: &Rc<Inner>) {
    let failures = inner.failures.get().saturating_add(1);
    inner.failures.set(failures);
    let weak: Weak<Inner> = Rc::downgrade(inner);
    let timeout = Timeout::new(retry_delay_ms(failures), move || {
        if let Some(inner) = weak.upgrade() {
            request(&inner, Scope::All);
        }
    });
    if let Some(earlier) = inner.retry.borrow_mut().replace(timeout) {
        earlier.cancel();
    }
}

/// One round over `scope`. A document the server refuses does not stop the others; a 401 or an
/// unreachable server does.
async fn run(inner: &Inner, scope: Scope) -> Result<(), ClientError> {
    if !browser_is_online() {
        return Err(ClientError::Offline);
    }
    let store = store::user_database(&inner.user).await?;
    let device_id = device::device_id(&store).await?;
    let docs = match scope {
        Scope::All => {
            crate::learn::adopt_old_completions(&inner.user, &store).await;
            documents_of(&inner.user, &store).await?
        }
        Scope::Docs(docs) => docs,
    };
    for doc in docs {
        match sync_doc(&store, &device_id, &doc).await {
            Ok(_) => {}
            Err(error @ ClientError::Unauthorized) => return Err(error),
            Err(error) if is_unreachable(&error) => return Err(error),
            Err(error) => web_sys::console::warn_1(&format!("sync {doc}: {error}").into()),
        }
    }
    Ok(())
}

/// Reports the status as the kept documents and the last round say.
fn report(inner: &Rc<Inner>) {
    let inner = inner.clone();
    spawn_local(async move {
        let Ok(store) = store::user_database(&inner.user).await else {
            return;
        };
        let summaries = documents::summaries(&store).await.unwrap_or_default();
        let pending = summaries
            .iter()
            .map(|(_, pending, _)| *pending)
            .fold(0_u32, u32::saturating_add);
        let refusals: Vec<String> = summaries
            .into_iter()
            .filter_map(|(_, _, error)| error)
            .collect();
        let reachable = inner.reachable.get() && browser_is_online();
        inner.on_report.emit(SyncReport {
            status: status(pending, &refusals, reachable),
            pending,
        });
    });
}
