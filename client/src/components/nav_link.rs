//! A link to one of the app's routes that carries a `data-testid` and `aria-current` (which
//! yew-router's `Link` cannot), navigating in-app on a plain click and leaving modified clicks
//! (new tab, new window) to the browser.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct NavLinkProps {
    pub to: Route,
    #[prop_or_default]
    pub classes: Classes,
    #[prop_or_default]
    pub testid: Option<AttrValue>,
    /// Marked as the current page (`aria-current="page"`, class `is-active`).
    #[prop_or_default]
    pub current: bool,
    /// A tooltip (`title`).
    #[prop_or_default]
    pub title: Option<AttrValue>,
    /// Also called on click (e.g. to close a menu).
    #[prop_or_default]
    pub onclick: Callback<()>,
    #[prop_or_default]
    pub children: Html,
}

#[function_component(NavLink)]
pub fn nav_link(props: &NavLinkProps) -> Html {
    let navigator = use_navigator();
    let onclick = {
        let to = props.to.clone();
        let extra = props.onclick.clone();
        Callback::from(move |event: MouseEvent| {
            let modified =
                event.ctrl_key() || event.meta_key() || event.shift_key() || event.button() != 0;
            if modified {
                return;
            }
            event.prevent_default();
            extra.emit(());
            if let Some(navigator) = &navigator {
                navigator.push(&to);
            }
        })
    };
    html! {
        <a
            href={props.to.to_path()}
            class={classes!(props.classes.clone(), props.current.then_some("is-active"))}
            data-testid={props.testid.clone()}
            title={props.title.clone()}
            aria-current={props.current.then_some("page")}
            {onclick}
        >
            { props.children.clone() }
        </a>
    }
}
