//! The header's status pill: for a signed-in user the sync status of their learner documents
//! (synced / N changes pending / offline with N waiting / error with a Retry button), otherwise
//! whether the browser is online. Fed by the network and sync contexts.

use yew::prelude::*;

use crate::contexts::locale::use_texts;
use crate::contexts::online::use_online;
use crate::contexts::sync::use_sync;
use crate::i18n::Texts;
use crate::sync::status::{Refusal, SyncStatus};

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
            texts
                .sync
                .error_hint
                .replace("{reason}", refusal_text(texts, reason)),
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
            if let Some(SyncStatus::Error(reason)) = &status {
                <span class="status-group__reason" data-testid="sync-error-reason">
                    { refusal_text(texts, reason) }
                </span>
            }
            if failed {
                <button type="button" class="button button--small" data-testid="sync-retry" onclick={retry}>
                    { texts.common.retry }
                    <span class="visually-hidden">{ ": " }{ texts.sync.retry_sync }</span>
                </button>
            }
        </span>
    }
}

/// The reader's words for a refusal kept on a document (`Refusal::key`); a general one for a
/// message an older version of the app kept.
fn refusal_text(texts: &'static Texts, reason: &str) -> &'static str {
    match Refusal::parse(reason) {
        Some(Refusal::TooLarge) => texts.sync.refused_too_large,
        Some(Refusal::Schema) => texts.sync.refused_schema,
        Some(Refusal::Corrupt) => texts.sync.refused_corrupt,
        Some(Refusal::NotFound) => texts.sync.refused_not_found,
        Some(Refusal::BadReply) => texts.sync.refused_bad_reply,
        None => texts.sync.refused_other,
    }
}
