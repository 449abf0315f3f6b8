//! The browsers and devices signed in to the account, this one marked, each with a way to end it.

use shared::api::accounts::SessionInfo;
use shared::domain::SessionId;
use yew::prelude::*;

use super::Section;
use crate::api;
use crate::components::icons::DeviceIcon;
use crate::components::{ErrorNotice, PageLoading};
use crate::contexts::auth::use_auth;
use crate::contexts::locale::{use_locale, use_texts};
use crate::error::ClientError;
use crate::i18n::format_datetime;

#[derive(Debug, Clone, PartialEq)]
enum Sessions {
    Loading,
    Loaded(Vec<SessionInfo>),
    Failed(ClientError),
}

#[function_component(SessionsSection)]
pub fn sessions_section() -> Html {
    let texts = use_texts();
    let locale = use_locale().locale;
    let auth = use_auth();
    let state = use_state_eq(|| Sessions::Loading);
    // The session whose revoke is in flight, and the last revoke's error.
    let revoking = use_state_eq(|| None::<SessionId>);
    let revoke_error = use_state_eq(|| None::<ClientError>);

    let load = {
        let state = state.clone();
        let auth = auth.clone();
        Callback::from(move |()| {
            let state = state.clone();
            let auth = auth.clone();
            wasm_bindgen_futures::spawn_local(async move {
                state.set(match api::sessions().await {
                    Ok(list) => Sessions::Loaded(list),
                    Err(ClientError::Unauthorized) => {
                        auth.forget();
                        return;
                    }
                    Err(error) => Sessions::Failed(error),
                });
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with((), move |_| load.emit(()));
    }

    let revoke = {
        let state = state.clone();
        let revoking = revoking.clone();
        let revoke_error = revoke_error.clone();
        let auth = auth.clone();
        Callback::from(move |session: SessionInfo| {
            revoking.set(Some(session.id.clone()));
            revoke_error.set(None);
            if session.current {
                let revoking = revoking.clone();
                let revoke_error = revoke_error.clone();
                auth.sign_out(Callback::from(move |result: Result<(), ClientError>| {
                    revoking.set(None);
                    revoke_error.set(result.err());
                }));
                return;
            }
            let state = state.clone();
            let revoking = revoking.clone();
            let revoke_error = revoke_error.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::revoke_session(&session.id).await {
                    // Gone already is as good as gone.
                    Ok(()) | Err(ClientError::NotFound { .. }) => {
                        if let Sessions::Loaded(list) = &*state {
                            let rest = list
                                .iter()
                                .filter(|s| s.id != session.id)
                                .cloned()
                                .collect();
                            state.set(Sessions::Loaded(rest));
                        }
                    }
                    Err(error) => revoke_error.set(Some(error)),
                }
                revoking.set(None);
            });
        })
    };

    let body = match &*state {
        Sessions::Loading => html! { <PageLoading /> },
        Sessions::Failed(error) => html! {
            <ErrorNotice testid="sessions-error" title={texts.account.sessions_error} error={error.clone()}
                on_retry={load.clone()} compact=true />
        },
        Sessions::Loaded(list) => html! {
            <ul class="session-list" role="list">
                { for list.iter().map(|session| {
                    let busy = revoking.as_ref() == Some(&session.id);
                    let onclick = {
                        let revoke = revoke.clone();
                        let session = session.clone();
                        Callback::from(move |_: MouseEvent| revoke.emit(session.clone()))
                    };
                    let device = session
                        .user_agent
                        .as_deref()
                        .and_then(describe_user_agent)
                        .unwrap_or_else(|| texts.account.unknown_device.to_owned());
                    let seen = texts.account.session_last_active
                        .replace("{when}", &format_datetime(&session.last_seen_at, locale));
                    html! {
                        <li key={session.id.to_string()} class="session" data-testid="session-item"
                            data-current={session.current.to_string()}>
                            <span class="session__icon"><DeviceIcon /></span>
                            <div class="session__about">
                                <p class="session__device">
                                    { device }
                                    if session.current {
                                        <span class="badge badge--current" data-testid="this-device">{ texts.account.this_device }</span>
                                    }
                                </p>
                                <p class="session__meta">
                                    { seen }
                                    if let Some(ip) = &session.ip {
                                        { " · " }{ ip.clone() }
                                    }
                                </p>
                            </div>
                            <button type="button" class="button button--secondary button--small"
                                data-testid="revoke-session" disabled={busy} aria-busy={busy.to_string()} {onclick}>
                                if busy { <span class="spinner" aria-hidden="true"></span> }
                                { if session.current { texts.common.sign_out } else { texts.account.session_revoke } }
                            </button>
                        </li>
                    }
                }) }
            </ul>
        },
    };
    html! {
        <Section id="sessions" title={texts.account.sessions_title} lead={texts.account.sessions_lead}>
            if let Some(error) = &*revoke_error {
                <p class="status-line status-line--error" role="alert">{ error.message(texts) }</p>
            }
            { body }
        </Section>
    }
}

/// "Chrome on Linux" from a User-Agent header; `None` when neither part is recognisable.
pub fn describe_user_agent(agent: &str) -> Option<String> {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("YaBrowser/", "Yandex Browser"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("CriOS/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(marker, _)| agent.contains(marker))
    .map(|(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("CrOS", "ChromeOS"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(marker, _)| agent.contains(marker))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(browser), Some(system)) => Some(format!("{browser} · {system}")),
        (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
        (None, None) => None,
    }
}
