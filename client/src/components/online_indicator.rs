//! The header's status pill: for a signed-in user the sync status of their learner documents
//! (synced / N changes pending / offline with N waiting / error with a Retry button), otherwise
//! whether the browser is online. Fed by the network and sync contexts.

use yew::prelude::*;

use crate::contexts::locale::use_texts;
use crate::contexts::online::use_online;
use crate::contexts::sync::use_sync;
use crate::sync::status::SyncStatus;

#[function_component(OnlineIndicator)]
pub fn online_indicator() -> Html {
    let texts = use_texts();
    let online = use_online();
    let sync = use_sync();
    let status = sync.report.as_ref().map(|report| match &report.status {
        // The browser knows it is offline before any round fails.
        SyncStatus::Synced | SyncStatus::Pending(_) if !online => {
            SyncStatus::Offline(report.pending)
        }
        status => status.clone(),
    });
    let (label, hint, class, state) = match &status {
        None if online => (
            texts.common.online.to_owned(),
            texts.common.online_hint.to_owned(),
            "is-online",
            None,
        ),
        None => (
            texts.common.offline.to_owned(),
            texts.common.offline_hint.to_owned(),
            "is-offline",
            None,
        ),
        Some(SyncStatus::Synced) => (
            texts.sync.synced.to_owned(),
            texts.sync.synced_hint.to_owned(),
            "is-online",
            Some("synced"),
        ),
        Some(SyncStatus::Pending(n)) => (
            texts.count(*n, &texts.sync.pending),
            texts.sync.pending_hint.to_owned(),
            "is-pending",
            Some("pending"),
        ),
        Some(SyncStatus::Offline(n)) => (
            if *n == 0 {
                texts.common.offline.to_owned()
            } else {
                texts.count(*n, &texts.sync.offline_pending)
            },
            texts.sync.offline_hint.to_owned(),
            "is-offline",
            Some("offline"),
        ),
        Some(SyncStatus::Error(reason)) => (
            texts.sync.error.to_owned(),
            texts.sync.error_hint.replace("{reason}", reason),
            "is-offline",
            Some("error"),
        ),
    };
    let retry = sync.retry.reform(|_: MouseEvent| ());
    let failed = matches!(status, Some(SyncStatus::Error(_)));
    html! {
        <span class="status-group">
            <span
                class={classes!("status-pill", class)}
                data-testid="online-status"
                data-online={online.to_string()}
                data-sync={state}
                data-pending={sync.report.as_ref().map(|r| r.pending.to_string())}
                role="status"
                title={hint}
            >
                <span class="status-pill__dot" aria-hidden="true"></span>
                <span class="status-pill__label">{ label }</span>
            </span>
            if failed {
                <button type="button" class="button button--small" data-testid="sync-retry" onclick={retry}>
                    { texts.common.retry }
                    <span class="visually-hidden">{ ": " }{ texts.sync.retry_sync }</span>
                </button>
            }
        </span>
    }
}
