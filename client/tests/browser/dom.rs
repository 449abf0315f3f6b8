//! Mounting components into real DOM nodes and waiting for Yew to render.

use std::time::Duration;

use gloo_timers::future::sleep;
use web_sys::{Document, Element};
use yew::{AppHandle, BaseComponent};

#[wasm_bindgen_test::wasm_bindgen_test]
fn tests_run_in_chromium() {
    let agent = web_sys::window().unwrap().navigator().user_agent().unwrap();
    assert!(agent.contains("Chrome"), "{agent}");
}

pub fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh `<div>` in `<body>` with a component rendered into it; `unmount` cleans up.
pub struct Mounted<C: BaseComponent> {
    pub root: Element,
    handle: AppHandle<C>,
}

pub fn mount<C: BaseComponent>(props: C::Properties) -> Mounted<C> {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let handle = yew::Renderer::<C>::with_root_and_props(root.clone(), props).render();
    Mounted { root, handle }
}

impl<C: BaseComponent> Mounted<C> {
    /// The first element matching `selector`, waiting up to two seconds for it to appear.
    pub async fn find(&self, selector: &str) -> Element {
        for _ in 0..200 {
            if let Some(found) = self.root.query_selector(selector).unwrap() {
                return found;
            }
            sleep(Duration::from_millis(10)).await;
        }
        panic!(
            "no element matches {selector:?}; DOM: {}",
            self.root.inner_html()
        );
    }

    /// Waits until `check` holds for the rendered DOM (two seconds at most).
    pub async fn until(&self, what: &str, check: impl Fn(&Element) -> bool) {
        for _ in 0..200 {
            if check(&self.root) {
                return;
            }
            sleep(Duration::from_millis(10)).await;
        }
        panic!(
            "timed out waiting for {what}; DOM: {}",
            self.root.inner_html()
        );
    }

    pub fn unmount(self) {
        self.handle.destroy();
        self.root.remove();
    }
}
