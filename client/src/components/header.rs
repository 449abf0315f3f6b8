//! The top bar: brand, navigation for the user's role, the learner's XP, streak and daily goal,
//! notifications, the user's menu (or sign-in links), network status and language switch.

use shared::api::accounts::Role;
use shared::api::notifications::Notification;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::authoring::confirm;
use crate::components::{
    LocaleSwitch, Logo, MotivationMeter, NavLink, NotificationBell, OnlineIndicator, SearchBox,
    UserMenu,
};
use crate::contexts::auth::{use_auth, Session};
use crate::contexts::locale::use_texts;
use crate::contexts::notifications::use_notifications;
use crate::contexts::sync::use_sync;
use crate::error::ClientError;
use crate::hooks::{use_due_counts, use_motivation};
use crate::route::Route;

/// The role-dependent links of the main navigation, in order.
pub fn nav_routes(session: &Session) -> Vec<Route> {
    let mut routes = vec![Route::Catalog];
    if session.role().is_some() {
        routes.push(Route::Learning);
        routes.push(Route::Review);
        routes.push(Route::Cards);
    }
    match session.role() {
        Some(Role::Student | Role::Teacher) => routes.push(Route::Teach),
        Some(Role::Admin) => routes.push(Route::AdminApplications),
        None => {}
    }
    routes
}

#[function_component(Header)]
pub fn header() -> Html {
    let texts = use_texts();
    let route = use_route::<Route>();
    let auth = use_auth();
    let notifications = use_notifications();
    let sync = use_sync();
    let due = use_due_counts().map_or(0, |counts| counts.total);
    let motivation = use_motivation();
    let navigator = use_navigator();
    let signing_out = use_state_eq(|| false);
    let sign_out_error = use_state_eq(|| None::<ClientError>);

    let on_sign_out = {
        let auth = auth.clone();
        let signing_out = signing_out.clone();
        let sign_out_error = sign_out_error.clone();
        let navigator = navigator.clone();
        let pending = sync.pending();
        Callback::from(move |()| {
            // Unsynced changes stay on this device (its database is kept), but another device
            // will not see them until this user signs in here again: ask first.
            if pending > 0 && !confirm(&texts.count(pending, &texts.sync.sign_out_unsynced)) {
                return;
            }
            signing_out.set(true);
            let signing_out = signing_out.clone();
            let sign_out_error = sign_out_error.clone();
            let navigator = navigator.clone();
            auth.sign_out(Callback::from(move |result: Result<(), ClientError>| {
                signing_out.set(false);
                match result {
                    Ok(()) => {
                        sign_out_error.set(None);
                        if let Some(navigator) = &navigator {
                            navigator.push(&Route::Home);
                        }
                    }
                    Err(error) => sign_out_error.set(Some(error)),
                }
            }));
        })
    };
    let on_open_item = {
        let mark_read = notifications.mark_read.clone();
        let navigator = navigator.clone();
        Callback::from(move |item: Notification| {
            if !item.read {
                mark_read.emit(item.id.clone());
            }
            let target = item.link.as_deref().and_then(Route::recognize);
            if let (Some(target), Some(navigator)) = (target, &navigator) {
                navigator.push(&target);
            }
        })
    };

    let label = |route: &Route| match route {
        Route::Learning => texts.courses.nav_learning,
        Route::Review => texts.review.nav,
        Route::Cards => texts.cards.nav_cards,
        Route::Teach => texts.common.nav_teach,
        Route::AdminApplications => texts.common.nav_admin,
        _ => texts.common.nav_catalog,
    };
    let testid = |route: &Route| match route {
        Route::Learning => Some(AttrValue::Static("nav-learning")),
        Route::Review => Some(AttrValue::Static("nav-review")),
        Route::Cards => Some(AttrValue::Static("nav-cards")),
        Route::Teach => Some(AttrValue::Static("nav-teach")),
        Route::AdminApplications => Some(AttrValue::Static("nav-admin")),
        _ => None,
    };
    let is_current = |link: &Route| match (link, &route) {
        (Route::Catalog, Some(Route::Home | Route::Catalog)) => true,
        (Route::Teach, Some(Route::TeachCourse { .. } | Route::TeachLesson { .. })) => true,
        (link, Some(current)) => link == current && *link != Route::Catalog,
        _ => false,
    };

    let account = match &auth.session {
        Session::SignedIn { me, stale } => html! {
            <>
                <NotificationBell items={notifications.state.items.clone()} unread={notifications.state.unread}
                    on_open_item={on_open_item} on_mark_all_read={notifications.mark_all_read.clone()}
                    on_open={notifications.refresh.clone()} />
                <UserMenu me={me.clone()} stale={*stale} signing_out={*signing_out}
                    error={sign_out_error.as_ref().map(|e| e.message(texts))} on_sign_out={on_sign_out} />
            </>
        },
        Session::Anonymous => html! {
            <>
                <NavLink to={Route::SignIn} classes="site-nav__link" testid="nav-sign-in"
                    current={route == Some(Route::SignIn)}>
                    { texts.common.sign_in }
                </NavLink>
                <NavLink to={Route::SignUp} classes="button button--primary button--small" testid="nav-sign-up">
                    { texts.common.sign_up }
                </NavLink>
            </>
        },
        // Unknown yet: keep the space so nothing jumps when the answer comes.
        Session::Loading => {
            html! { <span class="site-header__placeholder" aria-hidden="true"></span> }
        }
    };

    html! {
        <header class="site-header" data-testid="app-header">
            <div class="site-header__inner container">
                <Link<Route> to={Route::Home} classes="brand">
                    <Logo />
                    <span class="brand__text">
                        <span class="brand__name">{ "EduPlatform" }</span>
                        <span class="brand__tagline">{ texts.common.brand_tagline }</span>
                    </span>
                </Link<Route>>
                <nav class="site-nav" aria-label={texts.common.nav_label}>
                    { for nav_routes(&auth.session).into_iter().map(|link| html! {
                        <NavLink to={link.clone()} classes="site-nav__link" testid={testid(&link)} current={is_current(&link)}>
                            { label(&link) }
                            if link == Route::Review && due > 0 {
                                <span class="nav-badge" data-testid="due-badge"
                                    aria-label={texts.count(due.min(u32::MAX as usize) as u32, &texts.review.due_count)}>
                                    { if due > 99 { "99+".to_owned() } else { due.to_string() } }
                                </span>
                            }
                        </NavLink>
                    }) }
                </nav>
                <div class="site-header__search">
                    <SearchBox />
                </div>
                if let (Some(figures), Session::SignedIn { .. }) = (&motivation, &auth.session) {
                    <div class="site-header__motivation">
                        <MotivationMeter figures={figures.clone()} current={route == Some(Route::Learning)} />
                    </div>
                }
                <div class="site-header__status">
                    <OnlineIndicator />
                </div>
                <div class="site-header__account" data-testid="header-account">
                    { account }
                </div>
                <div class="site-header__locale">
                    <LocaleSwitch />
                </div>
            </div>
        </header>
    }
}
