//! EduPlatform's browser client: a Yew app compiled to WebAssembly, installable and offline-first.
//!
//! `app` is the shell, `pages/` one component per route, `components/` reusable widgets, `contexts/`
//! app-wide state, `api` the only HTTP caller, `store/` the only storage user, `learn` and `offline` the learner's
//! progress and downloaded courses the pages reach them through, `i18n/` every string,
//! `forms` the state and checks behind every form, `hooks/` the hooks they share.

pub mod api;
pub mod app;
pub mod components;
pub mod contexts;
pub mod error;
pub mod forms;
pub mod hooks;
pub mod i18n;
pub mod learn;
pub mod offline;
pub mod pages;
pub mod pwa;
pub mod route;
pub mod store;
pub mod sync;

use std::cell::Cell;
use std::rc::Rc;

/// How long the first render waits for the database before going on without it (an upgrade
/// blocked by another tab on an older version would otherwise keep the loading indicator up).
const STORE_OPEN_TIMEOUT_MS: u32 = 3_000;

/// Opens the device's database, then mounts the app into `#app` (replacing the loading indicator)
/// and registers the service worker.
pub fn start() {
    let mounted = Rc::new(Cell::new(false));
    let mount = move |store: Option<store::Store>| {
        if mounted.replace(true) {
            return;
        }
        let props = app::AppProps { store };
        let root = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("app"));
        match root {
            Some(root) => yew::Renderer::<app::App>::with_root_and_props(root, props).render(),
            None => yew::Renderer::<app::App>::with_props(props).render(),
        };
        pwa::register_service_worker();
    };
    let on_timeout = mount.clone();
    gloo_timers::callback::Timeout::new(STORE_OPEN_TIMEOUT_MS, move || on_timeout(None)).forget();
    wasm_bindgen_futures::spawn_local(async move {
        let store = store::Store::open()
            .await
            .inspect_err(|error| web_sys::console::warn_1(&error.to_string().into()))
            .ok();
        mount(store);
    });
}
