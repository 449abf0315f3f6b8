//! The application shell: router, app-wide contexts and the page layout around every route.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::{Footer, Header};
use crate::contexts::auth::{AuthProvider, Session};
use crate::contexts::locale::{initial_locale, use_texts, LocaleProvider};
use crate::contexts::notifications::NotificationsProvider;
use crate::contexts::online::OnlineProvider;
use crate::contexts::store::StoreProvider;
use crate::contexts::sync::SyncProvider;
use crate::route::{switch, Route};
use crate::store::{session, Store};

#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    /// The device's database, opened before the first render (`None` if it could not be).
    #[prop_or_default]
    pub store: Option<Store>,
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    // Read once: the saved preference or the browser's language.
    let initial = use_memo((), |_| initial_locale());
    // The user this device last saw signed in, shown until `/api/me` answers. With nobody
    // remembered there is no session to confirm (signing in remembers the user), so the probe is
    // skipped: its 401 would only put an error in the browser's console on every anonymous visit.
    let saved = use_memo((), |_| session::saved_user());
    let probe = saved.is_some();
    let session = match (*saved).clone() {
        Some(me) => Session::remembered(Some(me)),
        None => Session::Anonymous,
    };
    html! {
        <BrowserRouter>
            <StoreProvider store={props.store.clone()}>
            <LocaleProvider initial={*initial}>
                <OnlineProvider>
                    <AuthProvider initial={session} load={probe}>
                        <SyncProvider>
                            <NotificationsProvider>
                                <Layout />
                            </NotificationsProvider>
                        </SyncProvider>
                    </AuthProvider>
                </OnlineProvider>
            </LocaleProvider>
            </StoreProvider>
        </BrowserRouter>
    }
}

#[function_component(Layout)]
fn layout() -> Html {
    let texts = use_texts();
    html! {
        <div class="app">
            <a class="skip-link" href="#main">{ texts.common.skip_to_content }</a>
            <Header />
            <main id="main" class="site-main container" tabindex="-1">
                <Switch<Route> render={switch} />
            </main>
            <Footer />
        </div>
    }
}
