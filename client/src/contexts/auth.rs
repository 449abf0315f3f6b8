//! Who is signed in: loaded from `GET /api/me` at start, changed by sign-in, sign-out and profile
//! edits, remembered on the device (`store::session`) so the header does not flicker to "Sign in"
//! while offline or while the answer is on its way.
//!
//! The server is the judge: a remembered user is shown as `stale` until `/api/me` confirms it, and
//! a 401 forgets it. Never holds the session token (an HttpOnly cookie the app cannot read).

use std::rc::Rc;

use shared::api::accounts::{Me, Role};
use yew::prelude::*;

use crate::api;
use crate::contexts::online::use_online;
use crate::error::ClientError;
use crate::store::session;

/// What the app knows about the session.
#[derive(Debug, Clone, PartialEq)]
pub enum Session {
    /// Nothing remembered and `/api/me` has not answered yet.
    Loading,
    /// Signed in as `me`. `stale`: remembered from an earlier visit and not (yet) confirmed by the
    /// server, e.g. while offline.
    SignedIn { me: Me, stale: bool },
    /// Nobody is signed in.
    Anonymous,
}

impl Session {
    /// The start state: the remembered user (stale) or loading.
    pub fn remembered(saved: Option<Me>) -> Self {
        match saved {
            Some(me) => Self::SignedIn { me, stale: true },
            None => Self::Loading,
        }
    }

    pub fn user(&self) -> Option<&Me> {
        match self {
            Self::SignedIn { me, .. } => Some(me),
            _ => None,
        }
    }

    pub fn role(&self) -> Option<Role> {
        self.user().map(|me| me.role)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum AuthAction {
    /// The server says this user is signed in (`/api/me`, sign-in, or a profile change).
    Confirmed(Me),
    /// The server says nobody is signed in (401, sign-out, account deleted, password reset).
    SignedOut,
    /// `/api/me` got no usable answer (offline, server down): keep what we have.
    Unreachable,
}

/// The session state with its reducer, so the rules are testable without a browser session.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthState {
    pub session: Session,
}

impl Reducible for AuthState {
    type Action = AuthAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let session = match (action, &self.session) {
            (AuthAction::Confirmed(me), _) => Session::SignedIn { me, stale: false },
            (AuthAction::SignedOut, _) => Session::Anonymous,
            // Offline with a remembered user: keep showing them until the server can say.
            (AuthAction::Unreachable, Session::SignedIn { .. }) => return self,
            // Offline and nothing remembered: act as signed out, the server cannot be asked.
            (AuthAction::Unreachable, _) => Session::Anonymous,
        };
        if session == self.session {
            return self;
        }
        Rc::new(Self { session })
    }
}

/// What an `/api/me` answer means for the session.
pub fn action_for_me(result: Result<Me, ClientError>) -> AuthAction {
    match result {
        Ok(me) => AuthAction::Confirmed(me),
        Err(ClientError::Unauthorized) => AuthAction::SignedOut,
        Err(_) => AuthAction::Unreachable,
    }
}

/// What `use_auth` hands out.
#[derive(Clone, PartialEq)]
pub struct AuthContext {
    pub session: Session,
    dispatch: Callback<AuthAction>,
    refresh: Callback<()>,
    sign_out: Callback<Callback<Result<(), ClientError>>>,
}

impl AuthContext {
    pub fn user(&self) -> Option<&Me> {
        self.session.user()
    }

    /// The server confirmed `me` (after sign-in or a profile change).
    pub fn signed_in(&self, me: Me) {
        self.dispatch.emit(AuthAction::Confirmed(me));
    }

    /// The session is gone on the server (password reset, account deleted, a 401 on some page).
    pub fn forget(&self) {
        self.dispatch.emit(AuthAction::SignedOut);
    }

    /// Asks `/api/me` again (e.g. after an admin changed the role).
    pub fn refresh(&self) {
        self.refresh.emit(());
    }

    /// Signs out on the server, then here; `done` hears how it went.
    pub fn sign_out(&self, done: Callback<Result<(), ClientError>>) {
        self.sign_out.emit(done);
    }
}

#[derive(Properties, PartialEq)]
pub struct AuthProviderProps {
    /// What to show before `/api/me` answers (normally `store::session::saved_user()`).
    pub initial: Session,
    /// Whether to ask `/api/me` at start (tests of signed-in views switch it off).
    #[prop_or(true)]
    pub load: bool,
    #[prop_or_default]
    pub children: Html,
}

/// Provides `AuthContext`; loads `/api/me` at start and whenever the network comes back while the
/// user shown is unconfirmed; keeps `store::session` in step with every change.
#[function_component(AuthProvider)]
pub fn auth_provider(props: &AuthProviderProps) -> Html {
    let state = use_reducer_eq(|| AuthState {
        session: props.initial.clone(),
    });
    let online = use_online();

    let refresh = {
        let dispatcher = state.dispatcher();
        use_callback((), move |(), _| {
            let dispatcher = dispatcher.clone();
            wasm_bindgen_futures::spawn_local(async move {
                dispatcher.dispatch(action_for_me(api::me().await));
            });
        })
    };

    {
        let refresh = refresh.clone();
        use_effect_with(props.load, move |load| {
            if *load {
                refresh.emit(());
            }
        });
    }

    // Back online while showing a remembered user: confirm it now.
    {
        let refresh = refresh.clone();
        let stale = matches!(state.session, Session::SignedIn { stale: true, .. });
        use_effect_with(online, move |online| {
            if *online && stale {
                refresh.emit(());
            }
        });
    }

    // Remember confirmed users; forget them when signed out.
    use_effect_with(state.session.clone(), |session| match session {
        Session::SignedIn { me, stale: false } => {
            if let Err(error) = session::save_user(me) {
                web_sys::console::warn_1(&error.to_string().into());
            }
        }
        Session::Anonymous => session::forget_user(),
        _ => {}
    });

    let dispatch = {
        let dispatcher = state.dispatcher();
        use_callback((), move |action, _| dispatcher.dispatch(action))
    };
    let sign_out = {
        let dispatcher = state.dispatcher();
        use_callback((), move |done: Callback<Result<(), ClientError>>, _| {
            let dispatcher = dispatcher.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = match api::sign_out().await {
                    // Already signed out on the server: that is what the user wanted.
                    Ok(()) | Err(ClientError::Unauthorized) => {
                        dispatcher.dispatch(AuthAction::SignedOut);
                        Ok(())
                    }
                    Err(error) => Err(error),
                };
                done.emit(result);
            });
        })
    };

    let context = AuthContext {
        session: state.session.clone(),
        dispatch,
        refresh,
        sign_out,
    };
    html! {
        <ContextProvider<AuthContext> context={context}>
            { props.children.clone() }
        </ContextProvider<AuthContext>>
    }
}

/// The session; anonymous with no-op actions outside a provider (isolated component tests).
#[hook]
pub fn use_auth() -> AuthContext {
    use_context::<AuthContext>().unwrap_or_else(|| AuthContext {
        session: Session::Anonymous,
        dispatch: Callback::noop(),
        refresh: Callback::noop(),
        sign_out: Callback::noop(),
    })
}
