use std::rc::Rc;

use client::components::header::nav_routes;
use client::contexts::auth::{action_for_me, AuthAction, AuthState, Session};
use client::contexts::notifications::{NotificationsAction, NotificationsState};
use client::error::ClientError;
use client::pages::account::describe_user_agent;
use client::pages::sign_in::destination;
use client::route::{guard, safe_return_path, Access, GuardDecision, Route};
use client::store::session::{forget_user, save_user, saved_user};
use shared::api::accounts::{Locale, Me, Role};
use shared::api::notifications::{Notification, NotificationList};
use wasm_bindgen_test::wasm_bindgen_test;
use yew::Reducible;

pub fn me(role: Role) -> Me {
    Me {
        id: shared::domain::UserId::parse("00000000-0000-7000-8000-000000000001").unwrap(),
        email: "ada@example.com".into(),
        display_name: "Ada Lovelace".into(),
        role,
        locale: Locale::En,
        time_zone: "Europe/London".into(),
        reminder_hour: 18,
        card_reminders: true,
        discussion_digest: true,
        streak_reminder_hour: 19,
        streak_reminders: true,
        email_verified: true,
        created_at: shared::api::Timestamp::parse("2026-01-02T03:04:05.000Z").unwrap(),
    }
}

fn signed_in(role: Role) -> Session {
    Session::SignedIn {
        me: me(role),
        stale: false,
    }
}

#[wasm_bindgen_test]
fn a_remembered_user_shows_at_once_and_survives_being_offline() {
    let state = Rc::new(AuthState {
        session: Session::remembered(Some(me(Role::Student))),
    });
    assert_eq!(
        state.session,
        Session::SignedIn {
            me: me(Role::Student),
            stale: true
        }
    );
    // Offline: /api/me cannot answer; the header keeps the user.
    let offline = state
        .clone()
        .reduce(action_for_me(Err(ClientError::Offline)));
    assert!(Rc::ptr_eq(&offline, &state));
    // Back online, the server confirms.
    let confirmed = offline.reduce(action_for_me(Ok(me(Role::Teacher))));
    assert_eq!(confirmed.session, signed_in(Role::Teacher));
    // The session ended on the server.
    let gone = confirmed.reduce(action_for_me(Err(ClientError::Unauthorized)));
    assert_eq!(gone.session, Session::Anonymous);
}

#[wasm_bindgen_test]
fn nothing_remembered_loads_then_settles() {
    let state = Rc::new(AuthState {
        session: Session::remembered(None),
    });
    assert_eq!(state.session, Session::Loading);
    assert_eq!(
        state
            .clone()
            .reduce(action_for_me(Err(ClientError::Network {
                detail: "down".into()
            })))
            .session,
        Session::Anonymous
    );
    assert_eq!(
        state.reduce(AuthAction::Confirmed(me(Role::Admin))).session,
        signed_in(Role::Admin)
    );
    assert_eq!(
        Rc::new(AuthState {
            session: signed_in(Role::Admin)
        })
        .reduce(AuthAction::SignedOut)
        .session,
        Session::Anonymous
    );
}

#[wasm_bindgen_test]
fn route_guard_decides_by_session_and_role() {
    use GuardDecision::*;
    let cases = [
        (Access::Anyone, Session::Anonymous, Allow),
        (Access::Anyone, Session::Loading, Allow),
        (Access::SignedIn, Session::Loading, Wait),
        (Access::SignedIn, Session::Anonymous, SignIn),
        (Access::SignedIn, signed_in(Role::Student), Allow),
        (
            Access::SignedIn,
            Session::SignedIn {
                me: me(Role::Student),
                stale: true,
            },
            Allow,
        ),
        (Access::Role(Role::Admin), Session::Anonymous, SignIn),
        (
            Access::Role(Role::Admin),
            signed_in(Role::Student),
            Forbidden,
        ),
        (
            Access::Role(Role::Admin),
            signed_in(Role::Teacher),
            Forbidden,
        ),
        (Access::Role(Role::Admin), signed_in(Role::Admin), Allow),
    ];
    for (access, session, expected) in cases {
        assert_eq!(guard(access, &session), expected, "{access:?} {session:?}");
    }
    assert_eq!(Route::Account.access(), Access::SignedIn);
    assert_eq!(Route::Teach.access(), Access::SignedIn);
    assert_eq!(Route::AdminApplications.access(), Access::Role(Role::Admin));
    assert_eq!(Route::SignIn.access(), Access::Anyone);
}

#[wasm_bindgen_test]
fn only_local_return_paths_are_followed_after_sign_in() {
    assert_eq!(safe_return_path(Some("/account")), Some("/account".into()));
    assert_eq!(
        safe_return_path(Some("/admin/applications")),
        Some("/admin/applications".into())
    );
    for bad in [
        "https://evil.example/",
        "//evil.example/account",
        "/\\evil.example",
        "account",
        "/sign-in",
        "",
    ] {
        assert_eq!(safe_return_path(Some(bad)), None, "{bad}");
    }
    assert_eq!(safe_return_path(None), None);
    assert_eq!(destination(Some("/teach")), Route::Teach);
    assert_eq!(destination(Some("//evil.example")), Route::Home);
    assert_eq!(destination(None), Route::Home);
}

#[wasm_bindgen_test]
fn navigation_follows_the_role() {
    assert_eq!(nav_routes(&Session::Anonymous), [Route::Catalog]);
    // "My learning", "Review" and "Cards" for everyone signed in, then the role's own place.
    assert_eq!(
        nav_routes(&signed_in(Role::Student)),
        [
            Route::Catalog,
            Route::Learning,
            Route::Review,
            Route::Cards,
            Route::Teach
        ]
    );
    assert_eq!(
        nav_routes(&signed_in(Role::Teacher)),
        [
            Route::Catalog,
            Route::Learning,
            Route::Review,
            Route::Cards,
            Route::Teach
        ]
    );
    assert_eq!(
        nav_routes(&signed_in(Role::Admin)),
        [
            Route::Catalog,
            Route::Learning,
            Route::Review,
            Route::Cards,
            Route::AdminApplications
        ]
    );
}

#[wasm_bindgen_test]
fn the_last_user_round_trips_through_local_storage() {
    forget_user();
    assert_eq!(saved_user(), None);
    save_user(&me(Role::Teacher)).unwrap();
    assert_eq!(saved_user(), Some(me(Role::Teacher)));
    let stored = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item("edu.user")
        .unwrap()
        .unwrap();
    assert!(!stored.contains("token"), "{stored}");
    forget_user();
    assert_eq!(saved_user(), None);
}

/// A made-up notification id for a short name (`"a"`): the same name gives the same id.
pub fn notification_id(name: &str) -> shared::domain::NotificationId {
    let hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
    shared::domain::NotificationId::parse(&format!("00000000-0000-7000-8000-{hex:0>12}")).unwrap()
}

pub fn notification(id: &str, read: bool) -> Notification {
    Notification {
        id: notification_id(id),
        title: format!("Title {id}"),
        body: "Body".into(),
        link: Some("/teach".into()),
        created_at: shared::api::Timestamp::parse("2026-01-02T03:04:05.000Z").unwrap(),
        read,
    }
}

#[wasm_bindgen_test]
fn reading_notifications_lowers_the_unread_count_once() {
    let state = Rc::new(NotificationsState::default()).reduce(NotificationsAction::Loaded(
        NotificationList {
            items: vec![
                notification("a", false),
                notification("b", false),
                notification("c", true),
            ],
            unread_count: 2,
        },
    ));
    assert_eq!(state.unread, 2);
    let state = state.reduce(NotificationsAction::Read(notification_id("a")));
    assert_eq!(state.unread, 1);
    // Reading it again, or an already read one, changes nothing.
    let again = state
        .clone()
        .reduce(NotificationsAction::Read(notification_id("a")));
    assert!(Rc::ptr_eq(&again, &state));
    let state = state.reduce(NotificationsAction::Read(notification_id("c")));
    assert_eq!(state.unread, 1);
    let state = state.reduce(NotificationsAction::AllRead);
    assert_eq!(state.unread, 0);
    assert!(state.items.iter().all(|n| n.read));
    let state = state.reduce(NotificationsAction::Cleared);
    assert!(state.items.is_empty());
}

#[wasm_bindgen_test]
fn devices_are_named_from_their_user_agent() {
    let chrome_linux = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    assert_eq!(
        describe_user_agent(chrome_linux).as_deref(),
        Some("Chrome · Linux")
    );
    let safari_iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    assert_eq!(
        describe_user_agent(safari_iphone).as_deref(),
        Some("Safari · iOS")
    );
    let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
    assert_eq!(describe_user_agent(edge).as_deref(), Some("Edge · Windows"));
    let firefox_android = "Mozilla/5.0 (Android 14; Mobile; rv:131.0) Gecko/131.0 Firefox/131.0";
    assert_eq!(
        describe_user_agent(firefox_android).as_deref(),
        Some("Firefox · Android")
    );
    assert_eq!(describe_user_agent("curl/8.5.0"), None);
}
