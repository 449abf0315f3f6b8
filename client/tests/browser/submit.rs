//! `hooks::use_submit` in a real form: checks before sending, the server's answer on its field or
//! for the whole form, and the success flag.

use std::cell::Cell;
use std::rc::Rc;

use client::components::form::{FormError, SubmitButton, TextField};
use client::contexts::locale::LocaleProvider;
use client::error::ClientError;
use client::forms::check::{self, Problem};
use client::forms::{Field, FieldSpec, FormSpec, FormState};
use client::hooks::{use_submit, Submission};
use client::i18n::{Locale, LocaleExt, RU};
use shared::validate::Invalid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::dom::mount;

const FORM: FormSpec = FormSpec {
    id: "submit-test",
    fields: &[FieldSpec::new(Field::Subject, &[], check::subject)],
    clear: &[],
};

#[derive(Properties, PartialEq)]
struct SubjectFormProps {
    /// The server's status and body for every send.
    answer: (u16, &'static str),
    sends: Rc<Cell<u32>>,
    initial: &'static str,
    locale: Locale,
}

#[function_component(SubjectForm)]
fn subject_form(props: &SubjectFormProps) -> Html {
    let texts = props.locale.texts();
    let (status, body) = props.answer;
    let sends = props.sends.clone();
    let initial = props.initial;
    let form = use_submit(
        &FORM,
        move || FormState::with_values(&[(Field::Subject, initial)]),
        move |_: &FormState| {
            let sends = sends.clone();
            Submission::Send(async move {
                sends.set(sends.get() + 1);
                match status {
                    200 => Ok(()),
                    _ => Err(ClientError::from_response(status, body)),
                }
            })
        },
    );
    html! {
        <LocaleProvider initial={props.locale}>
            <form id={FORM.id} ref={form.node.clone()} onsubmit={form.onsubmit.clone()}>
                <FormError error={form.error()} />
                <TextField form={FORM.id} name={Field::Subject.name()} label="Subject"
                    value={form.value(Field::Subject)} error={form.problem(Field::Subject, texts)}
                    oninput={form.oninput(Field::Subject)} />
                <SubmitButton label="Send" busy_label="Sending" busy={form.submitting()} />
                if form.done() { <p data-testid="done">{ "done" }</p> }
            </form>
        </LocaleProvider>
    }
}

fn submit(element: &web_sys::Element) {
    element.dyn_ref::<HtmlElement>().unwrap().click();
}

#[wasm_bindgen_test]
async fn a_value_failing_its_check_is_never_sent() {
    let sends = Rc::new(Cell::new(0));
    let app = mount::<SubjectForm>(SubjectFormProps {
        answer: (200, ""),
        sends: sends.clone(),
        initial: "R",
        locale: Locale::En,
    });
    submit(&app.find("button[type=submit]").await);
    app.find("[data-testid=field-error-subject]").await;
    assert_eq!(sends.get(), 0);
    app.unmount();
}

#[wasm_bindgen_test]
async fn the_servers_field_error_lands_on_that_field() {
    let sends = Rc::new(Cell::new(0));
    let app = mount::<SubjectForm>(SubjectFormProps {
        answer: (
            422,
            r#"{"error":{"code":"validation_failed","message":"too vague","field":"subject"}}"#,
        ),
        sends: sends.clone(),
        initial: "Rust programming",
        locale: Locale::En,
    });
    submit(&app.find("button[type=submit]").await);
    let error = app.find("[data-testid=field-error-subject]").await;
    assert_eq!(error.text_content().unwrap(), "Not accepted: too vague");
    assert_eq!(sends.get(), 1);
    app.unmount();
}

#[wasm_bindgen_test]
async fn the_servers_reason_is_worded_on_its_field_in_russian() {
    let app = mount::<SubjectForm>(SubjectFormProps {
        answer: (
            400,
            r#"{"error":{"code":"validation_failed","message":"subject must be at most 10 characters",
                "field":"subject","reason":{"kind":"too_long","max":10}}}"#,
        ),
        sends: Rc::new(Cell::new(0)),
        initial: "Rust programming",
        locale: Locale::Ru,
    });
    submit(&app.find("button[type=submit]").await);
    let error = app.find("[data-testid=field-error-subject]").await;
    let expected = Problem::Invalid(Invalid::TooLong { max: 10 }).message(&RU);
    assert_eq!(error.text_content().unwrap(), expected);
    assert_eq!(expected, "Не больше 10 символов.");
    app.unmount();
}

/// Submits a valid subject to a server answering `status`; `expect` shows once it has answered.
async fn answered(status: u16, expect: &str) {
    let app = mount::<SubjectForm>(SubjectFormProps {
        answer: (status, ""),
        sends: Rc::new(Cell::new(0)),
        initial: "Rust programming",
        locale: Locale::En,
    });
    submit(&app.find("button[type=submit]").await);
    app.find(expect).await;
    app.unmount();
}

#[wasm_bindgen_test]
async fn other_failures_are_the_whole_forms_and_a_success_is_flagged() {
    answered(500, "[data-testid=form-error]").await;
    answered(200, "[data-testid=done]").await;
}
