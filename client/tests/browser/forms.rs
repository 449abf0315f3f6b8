use std::rc::Rc;

use client::error::ClientError;
use client::forms::check::{self, Problem};
use client::forms::{server_field, Field, FieldSpec, FormAction, FormSpec, FormState};
use client::i18n::{EN, RU};
use shared::api::error::ErrorCode;
use shared::validate::Invalid;
use wasm_bindgen_test::wasm_bindgen_test;
use yew::Reducible;

#[wasm_bindgen_test]
fn field_checks_agree_with_the_shared_rules() {
    assert_eq!(check::email(""), Err(Problem::Invalid(Invalid::Required)));
    assert_eq!(check::email("  "), Err(Problem::Invalid(Invalid::Required)));
    assert_eq!(
        check::email("ada"),
        Err(Problem::Invalid(Invalid::NotEmail))
    );
    assert_eq!(
        check::email("ada@localhost"),
        Err(Problem::Invalid(Invalid::NotEmail))
    );
    assert_eq!(check::email(" Ada@Example.com "), Ok(()));
    assert_eq!(
        check::email(&format!("{}@example.com", "a".repeat(250))),
        Err(Problem::Invalid(Invalid::TooLong { max: 254 }))
    );

    assert_eq!(
        check::new_password(""),
        Err(Problem::Invalid(Invalid::Required))
    );
    assert_eq!(
        check::new_password("short"),
        Err(Problem::Invalid(Invalid::TooShort { min: 10 }))
    );
    assert_eq!(
        check::new_password("1234567890"),
        Err(Problem::Invalid(Invalid::Common))
    );
    assert_eq!(check::new_password("correct horse battery"), Ok(()));
    assert_eq!(
        check::current_password(""),
        Err(Problem::Invalid(Invalid::Required))
    );
    assert_eq!(check::current_password("x"), Ok(()));

    assert_eq!(
        check::display_name("   "),
        Err(Problem::Invalid(Invalid::Required))
    );
    assert_eq!(
        check::display_name(&"n".repeat(81)),
        Err(Problem::Invalid(Invalid::TooLong { max: 80 }))
    );
    assert_eq!(
        check::display_name("Ada\u{7}"),
        Err(Problem::Invalid(Invalid::NotOneLine))
    );
    assert_eq!(check::time_zone("Europe/Moscow"), Ok(()));
    assert_eq!(
        check::time_zone("Europe/Moscow; drop"),
        Err(Problem::Invalid(Invalid::NotTimeZone))
    );
    assert_eq!(
        check::bio("too short"),
        Err(Problem::Invalid(Invalid::TooShort { min: 20 }))
    );
    assert_eq!(
        check::subject("R"),
        Err(Problem::Invalid(Invalid::TooShort { min: 2 }))
    );
    assert_eq!(
        check::link("example.com"),
        Err(Problem::Invalid(Invalid::NotLink))
    );
    assert_eq!(check::link("https://example.com/me"), Ok(()));
    assert_eq!(
        check::rejection_reason("no"),
        Err(Problem::Invalid(Invalid::TooShort { min: 5 }))
    );
}

#[wasm_bindgen_test]
fn problems_read_naturally_in_both_languages() {
    let short = Problem::Invalid(Invalid::TooShort { min: 10 });
    assert_eq!(short.message(&EN), "Use at least 10 characters.");
    assert_eq!(short.message(&RU), "Нужно не меньше 10 символов.");
    let long = Problem::Invalid(Invalid::TooLong { max: 1 });
    assert_eq!(long.message(&EN), "Use at most 1 character.");
    assert_eq!(long.message(&RU), "Не больше 1 символа.");
    assert_eq!(
        Problem::Invalid(Invalid::Required).message(&RU),
        "Заполните это поле."
    );
    assert_ne!(
        Problem::Invalid(Invalid::NotEmail).message(&EN),
        Problem::Invalid(Invalid::NotEmail).message(&RU)
    );
    let server = Problem::Server("email is taken".into());
    assert_eq!(server.message(&EN), "Not accepted: email is taken");
    assert!(server.message(&RU).ends_with("email is taken"));
}

fn validation(message: &str) -> ClientError {
    ClientError::Validation {
        code: ErrorCode::ValidationFailed,
        message: message.into(),
        field: None,
        reason: None,
    }
}

const SIGN_UP: &[FieldSpec] = client::pages::sign_up::FORM.fields;
const CHANGE_PASSWORD: &[FieldSpec] = client::pages::account::password::FORM.fields;

#[wasm_bindgen_test]
fn server_validation_errors_land_on_the_field_they_name() {
    let field = |error: &ClientError, fields| server_field(error, fields).map(|(name, _)| name);
    assert_eq!(
        field(
            &validation("display name must be at most 80 characters, got 81"),
            SIGN_UP
        ),
        Some(Field::DisplayName)
    );
    assert_eq!(
        field(
            &validation("email must look like name@example.com"),
            SIGN_UP
        ),
        Some(Field::Email)
    );
    assert_eq!(
        field(&validation("time zone must be an IANA name"), SIGN_UP),
        Some(Field::TimeZone)
    );
    assert_eq!(
        field(
            &validation("password is one of the most common passwords"),
            SIGN_UP
        ),
        Some(Field::Password)
    );
    // "password ..." on a change-password form means the new one.
    assert_eq!(
        field(
            &validation("password must be at least 10 characters"),
            CHANGE_PASSWORD
        ),
        Some(Field::NewPassword)
    );
    // A field name inside a longer word does not count.
    assert_eq!(field(&validation("emails are closed"), SIGN_UP), None);
    assert_eq!(field(&validation("something else broke"), SIGN_UP), None);
    assert_eq!(field(&ClientError::Forbidden, SIGN_UP), None);

    let wrong = ClientError::Validation {
        code: ErrorCode::WrongPassword,
        message: "the current password is wrong".into(),
        field: None,
        reason: None,
    };
    assert_eq!(
        server_field(&wrong, CHANGE_PASSWORD),
        Some((Field::CurrentPassword, Problem::WrongPassword))
    );
    assert_eq!(server_field(&wrong, SIGN_UP), None);
    assert_eq!(
        server_field(&validation("email is taken"), SIGN_UP),
        Some((Field::Email, Problem::Server("email is taken".into())))
    );
}

#[wasm_bindgen_test]
fn form_shows_problems_after_a_submit_and_server_ones_until_edited() {
    let apply = |state: Rc<FormState>, action| state.reduce(action);
    let state = Rc::new(FormState::with_values(&[(Field::Email, "ada")]));
    // Nothing shown before a submit was tried.
    assert_eq!(state.problem(Field::Email, check::email), None);

    let state = apply(state, FormAction::Rejected);
    assert_eq!(
        state.problem(Field::Email, check::email),
        Some(Problem::Invalid(Invalid::NotEmail))
    );
    assert_eq!(state.focus_request, 1);

    // Typing re-checks live.
    let state = apply(
        state,
        FormAction::Input {
            field: Field::Email,
            value: "ada@example.com".into(),
        },
    );
    assert_eq!(state.problem(Field::Email, check::email), None);

    let state = apply(state, FormAction::Submitting);
    assert!(state.submitting);
    let state = apply(
        state,
        FormAction::Failed {
            error: validation("email is taken"),
            field: Some((Field::Email, Problem::Server("email is taken".into()))),
        },
    );
    assert!(!state.submitting);
    assert_eq!(state.error, None, "a field error is not a form error");
    assert_eq!(
        state.problem(Field::Email, check::email),
        Some(Problem::Server("email is taken".into()))
    );
    assert_eq!(state.focus_request, 2);

    let state = apply(
        state,
        FormAction::Input {
            field: Field::Email,
            value: "ada2@example.com".into(),
        },
    );
    assert_eq!(state.problem(Field::Email, check::email), None);

    let state = apply(
        state,
        FormAction::Failed {
            error: ClientError::InvalidCredentials,
            field: None,
        },
    );
    assert_eq!(state.error, Some(ClientError::InvalidCredentials));

    let state = apply(
        Rc::new(FormState::with_values(&[
            (Field::Password, "secret"),
            (Field::Email, "a@b.co"),
        ])),
        FormAction::Succeeded {
            clear: &[Field::Password],
        },
    );
    assert_eq!(state.value(Field::Password), "");
    assert_eq!(state.value(Field::Email), "a@b.co");
}

#[wasm_bindgen_test]
fn the_servers_error_field_decides_where_its_message_goes() {
    // A message that names no field lands on the field the body names.
    let named = ClientError::from_response(
        422,
        r#"{"error":{"code":"validation_failed","message":"too many words","field":"display_name"}}"#,
    );
    assert_eq!(
        server_field(&named, SIGN_UP),
        Some((Field::DisplayName, Problem::Server("too many words".into())))
    );
    // A field this form lacks: back to reading the message.
    let elsewhere = ClientError::from_response(
        422,
        r#"{"error":{"code":"validation_failed","message":"email is taken","field":"bio"}}"#,
    );
    assert_eq!(
        server_field(&elsewhere, SIGN_UP).map(|(field, _)| field),
        Some(Field::Email)
    );
    // A field that is not a string does not spoil the rest of the body.
    let odd = ClientError::from_response(
        422,
        r#"{"error":{"code":"invalid_token","message":"bad","field":{"x":1}}}"#,
    );
    assert_eq!(odd.code(), Some(ErrorCode::InvalidToken));
}

#[wasm_bindgen_test]
fn a_server_reason_lands_on_its_field_worded_like_the_clients_own_check() {
    let error = ClientError::from_response(
        400,
        r#"{"error":{"code":"validation_failed","message":"password must be at least 10 characters",
            "field":"password","reason":{"kind":"too_short","min":10}}}"#,
    );
    let (field, problem) = server_field(&error, SIGN_UP).expect("placed on a field");
    assert_eq!(field, Field::Password);
    assert_eq!(problem, check::new_password("short").unwrap_err());
    assert_eq!(problem.message(&RU), "Нужно не меньше 10 символов.");
    assert_eq!(problem.message(&EN), "Use at least 10 characters.");

    // A reason this build does not know: the field still, with the server's English message.
    let newer = ClientError::from_response(
        400,
        r#"{"error":{"code":"validation_failed","message":"password is too shiny",
            "field":"password","reason":{"kind":"too_shiny"}}}"#,
    );
    assert_eq!(
        server_field(&newer, SIGN_UP),
        Some((
            Field::Password,
            Problem::Server("password is too shiny".into())
        ))
    );
}

#[wasm_bindgen_test]
fn a_form_spec_finds_problems_with_each_fields_own_check() {
    const FORM: FormSpec = FormSpec {
        id: "test-form",
        fields: SIGN_UP,
        clear: &[],
    };
    let valid = FormState::with_values(&[
        (Field::DisplayName, "Ada"),
        (Field::Email, "ada@example.com"),
        (Field::Password, "correct horse battery"),
        (Field::TimeZone, "UTC"),
    ]);
    assert!(!FORM.has_problems(&valid));
    let state = Rc::new(valid).reduce(FormAction::Input {
        field: Field::Password,
        value: "1234567890".into(),
    });
    assert!(FORM.has_problems(&state));
    let state = state.reduce(FormAction::Succeeded { clear: &[] });
    assert!(state.done);
    let state = state.reduce(FormAction::Input {
        field: Field::Email,
        value: "x".into(),
    });
    assert!(!state.done, "typing again hides the last success");
}
