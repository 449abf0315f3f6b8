//! Autosave for an editor: the page hands over the latest value after every edit; it is saved
//! ~800 ms after typing stops, one save at a time, the newest value last. While anything is unsaved,
//! leaving the page asks first (`beforeunload`); a page left inside the app saves at once.
//!
//! Owns timing and status only: what a save sends is the page's `save` function.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::error::ClientError;

/// How long typing must pause before a save goes out.
const DEBOUNCE_MS: u32 = 800;

/// Where an editor's changes stand, for `components::SaveIndicator`.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveStatus {
    /// Nothing waits to be saved.
    Saved,
    /// Edited; the save goes out when typing pauses.
    Pending,
    /// A save is on its way.
    Saving,
    /// The last save failed; the value waits for a retry.
    Failed(ClientError),
}

impl SaveStatus {
    /// Something the server does not have yet.
    pub fn unsaved(&self) -> bool {
        !matches!(self, Self::Saved)
    }
}

/// What `use_autosave` gives the page.
#[derive(Clone)]
pub struct Autosave<T: 'static> {
    pub status: SaveStatus,
    /// The value as it is now; saved after the pause.
    pub schedule: Callback<T>,
    /// Saves what waits now (the Retry button, or before navigating away).
    pub flush: Callback<()>,
    /// Drops what waits (after a reload replaced it).
    pub discard: Callback<()>,
}

type SaveFn<T> = Rc<dyn Fn(T) -> std::pin::Pin<Box<dyn Future<Output = Result<(), ClientError>>>>>;

struct Inner<T> {
    pending: Option<T>,
    in_flight: bool,
    timer: Option<Timeout>,
    save: Option<SaveFn<T>>,
}

/// Saves what `schedule` was last given with `save`, debounced, one request at a time.
#[hook]
pub fn use_autosave<T, F, Fut>(save: F) -> Autosave<T>
where
    T: Clone + 'static,
    F: Fn(T) -> Fut + 'static,
    Fut: Future<Output = Result<(), ClientError>> + 'static,
{
    let status = use_state_eq(|| SaveStatus::Saved);
    let inner = use_mut_ref(|| Inner::<T> {
        pending: None,
        in_flight: false,
        timer: None,
        save: None,
    });
    // The newest closure each render: it sees the page's current ids.
    inner.borrow_mut().save = Some(Rc::new(move |value| Box::pin(save(value))));

    let flush = {
        let inner = inner.clone();
        let status = status.clone();
        Callback::from(move |()| fire(&inner, &status))
    };
    let schedule = {
        let inner = inner.clone();
        let status = status.clone();
        Callback::from(move |value: T| {
            let mut state = inner.borrow_mut();
            state.pending = Some(value);
            let (inner, status_for_timer) = (inner.clone(), status.clone());
            state.timer = Some(Timeout::new(DEBOUNCE_MS, move || {
                fire(&inner, &status_for_timer)
            }));
            drop(state);
            status.set(SaveStatus::Pending);
        })
    };
    let discard = {
        let inner = inner.clone();
        let status = status.clone();
        Callback::from(move |()| {
            let mut state = inner.borrow_mut();
            state.pending = None;
            state.timer = None;
            drop(state);
            status.set(SaveStatus::Saved);
        })
    };

    // Leaving the app with unsaved changes: the browser asks first.
    let unsaved = status.unsaved();
    use_effect_with(unsaved, move |unsaved| {
        let window = web_sys::window().filter(|_| *unsaved);
        let listener = window.map(|window| {
            EventListener::new_with_options(
                &window,
                "beforeunload",
                EventListenerOptions::enable_prevent_default(),
                |event| {
                    event.prevent_default();
                    if let Some(event) = event.dyn_ref::<web_sys::BeforeUnloadEvent>() {
                        event.set_return_value("unsaved");
                    }
                },
            )
        });
        move || drop(listener)
    });
    // Leaving the page inside the app: save what waits now rather than lose it.
    {
        let inner = inner.clone();
        let status = status.clone();
        use_effect_with((), move |_| move || fire(&inner, &status));
    }

    Autosave {
        status: (*status).clone(),
        schedule,
        flush,
        discard,
    }
}

/// Sends what waits, unless a save is out already (it sends the rest when it lands).
fn fire<T: Clone + 'static>(inner: &Rc<RefCell<Inner<T>>>, status: &UseStateHandle<SaveStatus>) {
    let mut state = inner.borrow_mut();
    state.timer = None;
    if state.in_flight {
        return;
    }
    let (Some(value), Some(save)) = (state.pending.take(), state.save.clone()) else {
        return;
    };
    state.in_flight = true;
    drop(state);
    status.set(SaveStatus::Saving);
    let (inner, status) = (inner.clone(), status.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let result = save(value.clone()).await;
        let mut state = inner.borrow_mut();
        state.in_flight = false;
        match result {
            Ok(()) if state.pending.is_some() => {
                // Edited while saving: a timer is set for the newer value, or send it now.
                let waiting = state.timer.is_some();
                drop(state);
                if waiting {
                    status.set(SaveStatus::Pending);
                } else {
                    fire(&inner, &status);
                }
            }
            Ok(()) => {
                drop(state);
                status.set(SaveStatus::Saved);
            }
            Err(error) => {
                // Keep the failed value for Retry, unless a newer one replaced it.
                if state.pending.is_none() {
                    state.pending = Some(value);
                }
                drop(state);
                status.set(SaveStatus::Failed(error));
            }
        }
    });
}
