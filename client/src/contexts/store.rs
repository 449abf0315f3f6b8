//! The opened IndexedDB database for every component below the app: `use_store()`.
//!
//! `lib::start` opens it before the first render, so pages can read it at once; `None` when it
//! could not be opened (private mode, a blocked upgrade), and pages then work from the network.

use yew::prelude::*;

use crate::store::Store;

#[derive(Clone, PartialEq)]
struct StoreContext(Option<Store>);

#[derive(Properties, PartialEq)]
pub struct StoreProviderProps {
    pub store: Option<Store>,
    #[prop_or_default]
    pub children: Html,
}

/// Provides the database to everything below it.
#[function_component(StoreProvider)]
pub fn store_provider(props: &StoreProviderProps) -> Html {
    html! {
        <ContextProvider<StoreContext> context={StoreContext(props.store.clone())}>
            { props.children.clone() }
        </ContextProvider<StoreContext>>
    }
}

/// The opened database; `None` outside a provider (isolated tests) or when it failed to open.
#[hook]
pub fn use_store() -> Option<Store> {
    use_context::<StoreContext>().and_then(|context| context.0)
}
