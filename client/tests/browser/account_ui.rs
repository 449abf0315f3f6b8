//! Rendering of the account UI: the bell, form fields, the sign-up form's checks and the guard.

use client::components::form::{PasswordField, TextField};
use client::components::notification_bell::badge_text;
use client::components::{Guard, NotificationBell};
use client::contexts::auth::{AuthProvider, Session};
use client::contexts::locale::LocaleProvider;
use client::i18n::Locale;
use client::pages::SignUpPage;
use client::route::Access;
use shared::api::accounts::Role;
use shared::api::notifications::Notification;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;
use yew_router::history::{AnyHistory, MemoryHistory};
use yew_router::Router;

use crate::auth::{me, notification};
use crate::dom::{document, mount};

#[derive(Properties, PartialEq)]
struct BellProps {
    items: Vec<Notification>,
    unread: u32,
    #[prop_or_default]
    opened: Callback<Notification>,
    #[prop_or_default]
    mark_all: Callback<()>,
}

#[function_component(BellIn)]
fn bell_in(props: &BellProps) -> Html {
    html! {
        <LocaleProvider initial={Locale::En}>
            <NotificationBell items={props.items.clone()} unread={props.unread}
                on_open_item={props.opened.clone()} on_mark_all_read={props.mark_all.clone()} />
        </LocaleProvider>
    }
}

fn click(element: &web_sys::Element) {
    element.dyn_ref::<HtmlElement>().unwrap().click();
}

#[wasm_bindgen_test]
fn the_badge_counts_up_to_nine() {
    assert_eq!(badge_text(0), None);
    assert_eq!(badge_text(1).as_deref(), Some("1"));
    assert_eq!(badge_text(9).as_deref(), Some("9"));
    assert_eq!(badge_text(10).as_deref(), Some("9+"));
}

#[wasm_bindgen_test]
async fn the_bell_shows_the_unread_count_and_lists_notifications() {
    let opened = Rc::new(RefCell::new(Vec::<String>::new()));
    let marked_all = Rc::new(RefCell::new(0));
    let app = mount::<BellIn>(BellProps {
        items: vec![notification("a", false), notification("b", true)],
        unread: 1,
        opened: {
            let opened = opened.clone();
            Callback::from(move |n: Notification| opened.borrow_mut().push(n.title))
        },
        mark_all: {
            let marked_all = marked_all.clone();
            Callback::from(move |()| *marked_all.borrow_mut() += 1)
        },
    });
    let bell = app.find("[data-testid=notifications-bell]").await;
    assert_eq!(
        app.find("[data-testid=notifications-count]")
            .await
            .text_content()
            .unwrap(),
        "1"
    );
    assert_eq!(
        bell.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    assert!(bell
        .get_attribute("aria-label")
        .unwrap()
        .contains("1 unread"));

    click(&bell);
    app.find("[data-testid=notifications-panel]").await;
    let items = app
        .root
        .query_selector_all("[data-testid=notification-item]")
        .unwrap();
    assert_eq!(items.length(), 2);
    let first: web_sys::Element = items.get(0).unwrap().dyn_into().unwrap();
    assert_eq!(first.get_attribute("data-read").as_deref(), Some("false"));
    assert!(first.text_content().unwrap().contains("Title a"));

    click(&app.find("[data-testid=mark-all-read]").await);
    assert_eq!(*marked_all.borrow(), 1);
    click(&first);
    assert_eq!(*opened.borrow(), ["Title a"]);
    // Opening one closes the list.
    app.until("closed", |root| {
        root.query_selector("[data-testid=notifications-panel]")
            .unwrap()
            .is_none()
    })
    .await;
    app.unmount();
}

#[wasm_bindgen_test]
async fn no_badge_when_everything_is_read() {
    let app = mount::<BellIn>(BellProps {
        items: vec![],
        unread: 0,
        opened: Callback::noop(),
        mark_all: Callback::noop(),
    });
    app.find("[data-testid=notifications-bell]").await;
    assert!(app
        .root
        .query_selector("[data-testid=notifications-count]")
        .unwrap()
        .is_none());
    app.unmount();
}

#[function_component(Fields)]
fn fields() -> Html {
    html! {
        <LocaleProvider initial={Locale::Ru}>
            <form id="f">
                <TextField form="f" name="email" label="Email" kind="email" value="x"
                    autocomplete="email" error={Some("Плохой адрес".to_owned())} hint="Подсказка"
                    oninput={Callback::noop()} />
                <PasswordField form="f" name="password" label="Пароль" value="kettle"
                    autocomplete="new-password" oninput={Callback::noop()} />
            </form>
        </LocaleProvider>
    }
}

#[wasm_bindgen_test]
async fn fields_wire_labels_errors_and_hints_for_assistive_tech() {
    let app = mount::<Fields>(());
    let input = app.find("input[name=email]").await;
    assert_eq!(input.id(), "f-email");
    assert_eq!(input.get_attribute("type").as_deref(), Some("email"));
    assert_eq!(
        input.get_attribute("autocomplete").as_deref(),
        Some("email")
    );
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        input.get_attribute("aria-describedby").as_deref(),
        Some("f-email-error f-email-hint")
    );
    let label = app.find("label[for=f-email]").await;
    assert_eq!(label.text_content().unwrap(), "Email");
    let error = app.find("[data-testid=field-error-email]").await;
    assert_eq!(error.text_content().unwrap(), "Плохой адрес");
    assert_eq!(
        document()
            .get_element_by_id("f-email-error")
            .unwrap()
            .get_attribute("aria-live")
            .as_deref(),
        Some("polite")
    );

    // The password is hidden until asked, then shown; the rules speak Russian.
    let password: HtmlInputElement = app.find("input[name=password]").await.dyn_into().unwrap();
    assert_eq!(password.type_(), "password");
    assert_eq!(
        password.get_attribute("autocomplete").as_deref(),
        Some("new-password")
    );
    assert!(password.get_attribute("aria-invalid").is_none());
    click(&app.find("[data-testid=reveal-password]").await);
    app.until("password shown", |root| {
        root.query_selector("input[name=password][type=text]")
            .unwrap()
            .is_some()
    })
    .await;
    let rules = app.find("[data-testid=password-rules]").await;
    assert!(
        rules
            .text_content()
            .unwrap()
            .contains("Не короче 10 символов"),
        "{}",
        rules.inner_html()
    );
    app.unmount();
}

#[derive(Properties, PartialEq)]
struct PageProps {
    locale: Locale,
}

#[function_component(SignUpIn)]
fn sign_up_in(props: &PageProps) -> Html {
    html! {
        <Router history={AnyHistory::from(MemoryHistory::new())}>
            <LocaleProvider initial={props.locale}>
                <SignUpPage />
            </LocaleProvider>
        </Router>
    }
}

#[wasm_bindgen_test]
async fn submitting_an_empty_sign_up_shows_each_problem_and_focuses_the_first() {
    let app = mount::<SignUpIn>(PageProps { locale: Locale::Ru });
    let form = app.find("form#sign-up").await;
    // Language and time zone come preselected.
    let locale: web_sys::HtmlSelectElement =
        app.find("select[name=locale]").await.dyn_into().unwrap();
    assert_eq!(locale.value(), "ru");
    let zone: web_sys::HtmlSelectElement =
        app.find("select[name=time_zone]").await.dyn_into().unwrap();
    assert!(!zone.value().is_empty());

    click(&app.find("button[type=submit]").await);
    let name_error = app.find("[data-testid=field-error-display_name]").await;
    assert_eq!(name_error.text_content().unwrap(), "Заполните это поле.");
    assert!(app
        .find("[data-testid=field-error-email]")
        .await
        .text_content()
        .unwrap()
        .contains("Заполните"));
    assert!(app
        .find("[data-testid=field-error-password]")
        .await
        .is_connected());
    app.until("focus on the first invalid field", |_| {
        document()
            .active_element()
            .is_some_and(|e| e.get_attribute("name").as_deref() == Some("display_name"))
    })
    .await;
    assert!(form
        .query_selector("[data-testid=form-error]")
        .unwrap()
        .is_none());

    // Fixing a field clears its error as the user types.
    let name: HtmlInputElement = app
        .find("input[name=display_name]")
        .await
        .dyn_into()
        .unwrap();
    name.set_value("Ада");
    name.dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    app.until("name error gone", |root| {
        root.query_selector("[data-testid=field-error-display_name]")
            .unwrap()
            .is_none()
    })
    .await;
    app.unmount();
}

#[derive(Properties, PartialEq)]
struct GuardProps {
    session: Session,
    access: Access,
}

#[function_component(Guarded)]
fn guarded(props: &GuardProps) -> Html {
    html! {
        <Router history={AnyHistory::from(MemoryHistory::new())}>
            <LocaleProvider initial={Locale::En}>
                <AuthProvider initial={props.session.clone()} load={false}>
                    <Guard access={props.access}>
                        <p data-testid="secret">{ "admin things" }</p>
                    </Guard>
                </AuthProvider>
            </LocaleProvider>
        </Router>
    }
}

#[wasm_bindgen_test]
async fn a_student_on_an_admin_page_sees_a_friendly_403() {
    let app = mount::<Guarded>(GuardProps {
        session: Session::SignedIn {
            me: me(Role::Student),
            stale: false,
        },
        access: Access::Role(Role::Admin),
    });
    let view = app.find("[data-testid=forbidden]").await;
    assert!(view
        .text_content()
        .unwrap()
        .contains("not for your account"));
    assert!(app
        .root
        .query_selector("[data-testid=secret]")
        .unwrap()
        .is_none());
    app.unmount();

    let app = mount::<Guarded>(GuardProps {
        session: Session::SignedIn {
            me: me(Role::Admin),
            stale: false,
        },
        access: Access::Role(Role::Admin),
    });
    app.find("[data-testid=secret]").await;
    app.unmount();
}
