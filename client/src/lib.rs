//! EduPlatform's browser client: a Yew app compiled to WebAssembly, installable and offline-first.
//!
//! `app` is the shell, `pages/` one component per route, `components/` reusable widgets, `contexts/`
//! app-wide state, `api` the only HTTP caller, `store/` the only storage user, `i18n/` every string,
//! `forms` the state and checks behind every form, `hooks/` the hooks they share.

pub mod api;
pub mod app;
pub mod components;
pub mod contexts;
pub mod error;
pub mod forms;
pub mod hooks;
pub mod i18n;
pub mod pages;
pub mod pwa;
pub mod route;
pub mod store;

/// Mounts the app into `#app` (replacing the loading indicator) and registers the service worker.
pub fn start() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => yew::Renderer::<app::App>::with_root(root).render(),
        None => yew::Renderer::<app::App>::new().render(),
    };
    pwa::register_service_worker();
}
