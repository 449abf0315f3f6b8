//! The signed-in learner's XP, streak and badges, kept current: computed from the learner
//! documents on this device when the user changes, after every local change to a document (a
//! lesson completed, a review, a new goal), whenever the sync status changes (another device's
//! events arrived) and once a minute (the day ends, a streak comes to be at risk).

use std::rc::Rc;
use std::time::Duration;

use gloo_timers::callback::Interval;
use yew::prelude::*;

use crate::contexts::auth::use_auth;
use crate::contexts::sync::use_sync;
use crate::learn::motivation::{self, Figures};
use crate::sync::documents;

/// The figures of the signed-in learner (`None` while computing, or when signed out).
#[hook]
pub fn use_motivation() -> Option<Rc<Figures>> {
    let figures = use_state_eq(|| None::<Rc<Figures>>);
    let user = use_auth().user().map(|me| me.id.clone());
    let report = use_sync().report;
    let recompute = {
        let figures = figures.clone();
        let signed_in = user.is_some();
        Callback::from(move |()| {
            let figures = figures.clone();
            if !signed_in {
                figures.set(None);
                return;
            }
            wasm_bindgen_futures::spawn_local(async move {
                match motivation::motivation().await {
                    Ok(found) => figures.set(Some(Rc::new(found))),
                    Err(error) => web_sys::console::warn_1(&error.to_string().into()),
                }
            });
        })
    };
    {
        let recompute = recompute.clone();
        use_effect_with((user, report), move |_| {
            recompute.emit(());
            let on_change = recompute.clone();
            let subscription = documents::subscribe(move |_| on_change.emit(()));
            let every_minute = Duration::from_secs(60).as_millis() as u32;
            let timer = Interval::new(every_minute, move || recompute.emit(()));
            move || {
                drop(subscription);
                drop(timer);
            }
        });
    }
    (*figures).clone()
}
