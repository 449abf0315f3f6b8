//! How many flashcards are due now, kept current: counted from the learner documents on this
//! device when the user changes, after every local change to a document (a review, a new card),
//! whenever the sync status changes, and once a minute (learning steps come due within minutes,
//! and cards another device added arrive by sync).

use std::time::Duration;

use gloo_timers::callback::Interval;
use yew::prelude::*;

use crate::contexts::auth::use_auth;
use crate::contexts::sync::use_sync;
use crate::learn::cards::{self, DueCounts};
use crate::sync::documents;

/// The due counts of the signed-in learner (`None` while counting, or when signed out).
#[hook]
pub fn use_due_counts() -> Option<DueCounts> {
    let counts = use_state_eq(|| None::<DueCounts>);
    let user = use_auth().user().map(|me| me.id.clone());
    let report = use_sync().report;
    let recount = {
        let counts = counts.clone();
        let signed_in = user.is_some();
        Callback::from(move |()| {
            let counts = counts.clone();
            if !signed_in {
                counts.set(None);
                return;
            }
            wasm_bindgen_futures::spawn_local(async move {
                match cards::due_counts().await {
                    Ok(found) => counts.set(Some(found)),
                    Err(error) => web_sys::console::warn_1(&error.to_string().into()),
                }
            });
        })
    };
    {
        let recount = recount.clone();
        use_effect_with((user, report), move |_| {
            recount.emit(());
            let on_change = recount.clone();
            let subscription = documents::subscribe(move |_| on_change.emit(()));
            let every_minute = Duration::from_secs(60).as_millis() as u32;
            let timer = Interval::new(every_minute, move || recount.emit(()));
            move || {
                drop(subscription);
                drop(timer);
            }
        });
    }
    (*counts).clone()
}
