//! "Download for offline" on an enrolled learner's course page: the button, a progress bar while
//! the course is fetched (lessons done of all, bytes kept), then "Available offline · 2.3 MB" with
//! "Remove" and the space the site takes on the device. A copy older than the course the server
//! describes now is downloaded again at once ("Updating the offline copy…").
//!
//! Goes through `offline` only (which asks the browser for persistent storage on the first
//! download); never touches IndexedDB or the network itself.

use shared::api::Timestamp;
use yew::prelude::*;

use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::offline::{self, Progress};

#[derive(Properties, PartialEq)]
pub struct OfflineDownloadProps {
    /// The course's id.
    pub course_id: AttrValue,
    /// When the course last changed, as the server said just now (`None` when the page shows the
    /// downloaded copy): a copy older than this is downloaded again at once.
    #[prop_or_default]
    pub updated_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq)]
enum State {
    /// Looking for a downloaded copy.
    Checking,
    Absent,
    Downloading(Progress),
    /// Downloading a changed course again; the earlier copy stays readable meanwhile.
    Updating(Progress),
    Available {
        bytes: u64,
    },
    Removing {
        bytes: u64,
    },
    DownloadFailed(ClientError),
    /// The changed course could not be downloaded again: the earlier copy is still there.
    UpdateFailed {
        bytes: u64,
        error: ClientError,
    },
    RemoveFailed {
        bytes: u64,
        error: ClientError,
    },
}

#[function_component(OfflineDownload)]
pub fn offline_download(props: &OfflineDownloadProps) -> Html {
    let texts = use_texts();
    let state = use_state_eq(|| State::Checking);
    // (used, quota) of the site's storage, once the browser says.
    let usage = use_state_eq(|| None::<(u64, u64)>);

    {
        let state = state.clone();
        use_effect_with(
            (props.course_id.clone(), props.updated_at.clone()),
            move |(course, updated_at)| {
                let course = course.to_string();
                let updated_at = updated_at.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let copy = offline::downloaded(&course).await;
                    let stale = match (&copy, &updated_at) {
                        (Some(copy), Some(now)) => copy.detail.summary.updated_at < *now,
                        _ => false,
                    };
                    let Some(copy) = copy else {
                        state.set(State::Absent);
                        return;
                    };
                    if !stale {
                        state.set(State::Available { bytes: copy.bytes });
                        return;
                    }
                    // The teacher changed the course since it was downloaded: fetch it again.
                    state.set(State::Updating(Progress::default()));
                    let report = {
                        let state = state.clone();
                        move |progress| state.set(State::Updating(progress))
                    };
                    state.set(match offline::download(&course, report).await {
                        Ok(fresh) => State::Available { bytes: fresh.bytes },
                        Err(error) => State::UpdateFailed {
                            bytes: copy.bytes,
                            error,
                        },
                    });
                });
            },
        );
    }
    {
        let usage = usage.clone();
        let available = matches!(*state, State::Available { .. });
        use_effect_with(available, move |available| {
            if *available {
                wasm_bindgen_futures::spawn_local(async move {
                    usage.set(offline::estimate().await);
                });
            }
        });
    }

    let on_download = {
        let course = props.course_id.to_string();
        on_click(
            &state,
            State::Downloading(Progress::default()),
            move |state| {
                let course = course.clone();
                async move {
                    let report = move |progress| state.set(State::Downloading(progress));
                    match offline::download(&course, report).await {
                        Ok(copy) => State::Available { bytes: copy.bytes },
                        Err(error) => State::DownloadFailed(error),
                    }
                }
            },
        )
    };
    let on_remove = |bytes: u64| {
        let course = props.course_id.to_string();
        on_click(&state, State::Removing { bytes }, move |_| {
            let course = course.clone();
            async move {
                match offline::remove(&course).await {
                    Ok(()) => State::Absent,
                    Err(error) => State::RemoveFailed { bytes, error },
                }
            }
        })
    };
    let download_button = html! {
        <button type="button" class="button button--small" data-testid="offline-download" onclick={on_download}>
            { texts.offline.download }
        </button>
    };
    let available = |bytes: u64, busy: bool| {
        html! {
            <>
                <p class="offline-download__status" data-testid="offline-available" data-bytes={bytes.to_string()}>
                    { texts.offline.available.replace("{size}", &texts.size(bytes)) }
                </p>
                <button type="button" class="button button--small" data-testid="offline-remove"
                    disabled={busy} aria-busy={busy.to_string()} onclick={on_remove(bytes)}>
                    { if busy { texts.offline.removing } else { texts.offline.remove } }
                </button>
                if let Some((used, quota)) = *usage {
                    <p class="offline-download__usage" data-testid="offline-usage">
                        { texts.offline.storage_used
                            .replace("{used}", &texts.size(used))
                            .replace("{quota}", &texts.size(quota)) }
                    </p>
                }
            </>
        }
    };
    let body = match &*state {
        State::Checking => Html::default(),
        State::Absent => download_button,
        State::Downloading(progress) | State::Updating(progress) => {
            let doing = if matches!(*state, State::Updating(_)) {
                texts.offline.updating
            } else {
                texts.offline.downloading
            };
            let label = texts
                .offline
                .download_progress
                .replace("{done}", &progress.lessons_done.to_string())
                .replace("{total}", &progress.lessons_total.to_string())
                .replace("{size}", &texts.size(progress.bytes));
            html! {
                <div class="offline-download__progress" role="status">
                    <span data-testid="offline-progress-what">{ doing }</span>
                    <progress data-testid="offline-progress" aria-label={doing}
                        max={progress.lessons_total.max(1).to_string()}
                        value={progress.lessons_done.to_string()}></progress>
                    <span data-testid="offline-progress-text">{ label }</span>
                </div>
            }
        }
        State::Available { bytes } => available(*bytes, false),
        State::Removing { bytes } => available(*bytes, true),
        State::DownloadFailed(error) => html! {
            <>
                <p class="form-error" role="alert" data-testid="offline-error">
                    <strong>{ texts.offline.download_error }{ ": " }</strong>{ error.message(texts) }
                </p>
                { download_button }
            </>
        },
        State::UpdateFailed { bytes, error } => html! {
            <>
                { available(*bytes, false) }
                <p class="offline-download__usage" role="status" data-testid="offline-update-error">
                    { texts.offline.update_error }{ " " }{ error.message(texts) }
                </p>
            </>
        },
        State::RemoveFailed { bytes, error } => html! {
            <>
                { available(*bytes, false) }
                <p class="form-error" role="alert" data-testid="offline-error">
                    <strong>{ texts.offline.remove_error }{ ": " }</strong>{ error.message(texts) }
                </p>
            </>
        },
    };
    html! { <div class="offline-download" data-testid="offline-download-panel">{ body }</div> }
}

/// A click handler that shows `busy` at once, then the state `work` ends in (`work` may report on
/// the way through the handle it gets).
fn on_click<F, Done>(state: &UseStateHandle<State>, busy: State, work: F) -> Callback<MouseEvent>
where
    F: Fn(UseStateHandle<State>) -> Done + 'static,
    Done: std::future::Future<Output = State> + 'static,
{
    let state = state.clone();
    Callback::from(move |_: MouseEvent| {
        state.set(busy.clone());
        let done = work(state.clone());
        let state = state.clone();
        wasm_bindgen_futures::spawn_local(async move { state.set(done.await) });
    })
}
