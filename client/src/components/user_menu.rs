//! The signed-in user's menu in the header: who they are, their account, and signing out.

use shared::api::accounts::{Me, Role};
use yew::prelude::*;

use crate::components::icons::{BooksIcon, SignOutIcon, UserIcon};
use crate::components::NavLink;
use crate::contexts::locale::use_texts;
use crate::hooks::use_dropdown;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct UserMenuProps {
    pub me: Me,
    /// Not confirmed by the server yet (offline): shown dimmed.
    #[prop_or_default]
    pub stale: bool,
    /// A sign-out is in flight.
    #[prop_or_default]
    pub signing_out: bool,
    /// What went wrong with the last sign-out, already worded.
    #[prop_or_default]
    pub error: Option<String>,
    pub on_sign_out: Callback<()>,
}

/// The first letter of the name, for the avatar.
pub fn initial(name: &str) -> String {
    name.chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_else(|| "?".to_owned())
}

#[function_component(UserMenu)]
pub fn user_menu(props: &UserMenuProps) -> Html {
    let texts = use_texts();
    let (open, root) = use_dropdown();
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let close = {
        let open = open.clone();
        Callback::from(move |()| open.set(false))
    };
    let onkeydown = {
        let open = open.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Escape" {
                open.set(false);
            }
        })
    };
    let sign_out = props.on_sign_out.reform(|_: MouseEvent| ());
    let me = &props.me;
    html! {
        <div class={classes!("user-menu", props.stale.then_some("is-stale"))} ref={root} {onkeydown}>
            <button type="button" class="user-menu__button" data-testid="user-menu"
                aria-haspopup="true" aria-expanded={open.to_string()} aria-controls="user-menu-panel"
                title={me.display_name.clone()} onclick={toggle}>
                <span class="avatar" aria-hidden="true">{ initial(&me.display_name) }</span>
                <span class="visually-hidden">{ texts.common.account_menu.replace("{name}", &me.display_name) }</span>
            </button>
            if *open {
                <div id="user-menu-panel" class="menu-panel">
                    <div class="menu-panel__who">
                        <p class="menu-panel__name">{ me.display_name.clone() }</p>
                        <p class="menu-panel__email">{ me.email.clone() }</p>
                    </div>
                    <NavLink to={Route::Account} classes="menu-panel__item" testid="nav-account" onclick={close.clone()}>
                        <UserIcon />{ texts.common.nav_account }
                    </NavLink>
                    if me.role == Role::Admin {
                        <NavLink to={Route::AdminCategories} classes="menu-panel__item" testid="nav-categories" onclick={close.clone()}>
                            <BooksIcon />{ texts.categories.nav_categories }
                        </NavLink>
                    }
                    <button type="button" class="menu-panel__item" data-testid="nav-sign-out"
                        disabled={props.signing_out} onclick={sign_out}>
                        <SignOutIcon />{ texts.common.sign_out }
                    </button>
                    if let Some(error) = &props.error {
                        <p class="status-line status-line--error" role="alert">{ error.clone() }</p>
                    }
                </div>
            }
        </div>
    }
}
