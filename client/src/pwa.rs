//! Installs the service worker (`/sw.js`) that keeps the app shell usable offline (course data
//! offline is `store`'s, in IndexedDB).

use wasm_bindgen::JsValue;

/// Registers `/sw.js` when the browser supports service workers (secure contexts only).
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    let supported = js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker"))
        .unwrap_or(false)
        && window.is_secure_context();
    if !supported {
        return;
    }
    let promise = navigator.service_worker().register("/sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(error) = wasm_bindgen_futures::JsFuture::from(promise).await {
            web_sys::console::warn_2(&"service worker registration failed:".into(), &error);
        }
    });
}
