//! Form building blocks: labelled fields with their hint and error wired up for screen readers and
//! password managers, the form-wide error, the submit button with its spinner, and the password
//! strength meter. Props in, callbacks out; the page owns the values (`forms::FormState`).

use shared::validate::Invalid;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::icons::{AlertIcon, CheckIcon, CrossIcon, EyeIcon, EyeOffIcon};
use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::forms::check::{self, password_strength, Problem, Strength};
use crate::forms::Field;
use crate::hooks::FormHandle;
use crate::i18n::{Locale, LocaleExt};

/// The `id` of a field's input: `<form id>-<name>`, so two forms on one page never clash.
fn field_id(form: &str, name: &str) -> String {
    format!("{form}-{name}")
}

/// `aria-describedby` for a field: its error (when shown) and its hint (when it has one).
fn described_by(id: &str, has_error: bool, has_hint: bool) -> Option<String> {
    let ids: Vec<String> = [
        has_error.then(|| format!("{id}-error")),
        has_hint.then(|| format!("{id}-hint")),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The error line under a field: always present (so `aria-live` announces changes), empty when
/// there is nothing to say.
fn error_line(id: &str, name: &str, error: Option<&String>) -> Html {
    html! {
        <p id={format!("{id}-error")} class="field__error" aria-live="polite">
            if let Some(error) = error {
                <AlertIcon />
                <span data-testid={format!("field-error-{name}")}>{ error.clone() }</span>
            }
        </p>
    }
}

#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    /// The `id` of the `<form>`; prefixes the input's id.
    pub form: AttrValue,
    /// The `name` attribute (and the key in the form's state).
    pub name: &'static str,
    pub label: AttrValue,
    pub value: AttrValue,
    /// `text`, `email`, `url`, ...
    #[prop_or(AttrValue::Static("text"))]
    pub kind: AttrValue,
    /// The `autocomplete` token (`email`, `name`, `off`, ...).
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<String>,
    #[prop_or_default]
    pub required: bool,
    #[prop_or_default]
    pub disabled: bool,
    #[prop_or_default]
    pub autofocus: bool,
    #[prop_or_default]
    pub inputmode: Option<AttrValue>,
    #[prop_or_default]
    pub maxlength: Option<usize>,
    pub oninput: Callback<String>,
}

#[function_component(TextField)]
pub fn text_field(props: &TextFieldProps) -> Html {
    let id = field_id(&props.form, props.name);
    let oninput = props.oninput.reform(|e: InputEvent| input_value(&e));
    html! {
        <div class={classes!("field", props.error.is_some().then_some("field--invalid"))}>
            <label class="field__label" for={id.clone()}>{ props.label.clone() }</label>
            <input
                id={id.clone()}
                class="field__input"
                name={props.name}
                type={props.kind.clone()}
                value={props.value.clone()}
                autocomplete={props.autocomplete.clone()}
                inputmode={props.inputmode.clone()}
                maxlength={props.maxlength.map(|n| n.to_string())}
                required={props.required}
                disabled={props.disabled}
                autofocus={props.autofocus}
                aria-invalid={props.error.is_some().then_some("true")}
                aria-describedby={described_by(&id, props.error.is_some(), props.hint.is_some())}
                {oninput}
            />
            if let Some(hint) = &props.hint {
                <p id={format!("{id}-hint")} class="field__hint">{ hint.clone() }</p>
            }
            { error_line(&id, props.name, props.error.as_ref()) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct TextAreaFieldProps {
    pub form: AttrValue,
    pub name: &'static str,
    pub label: AttrValue,
    pub value: AttrValue,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<String>,
    #[prop_or_default]
    pub required: bool,
    #[prop_or(5)]
    pub rows: u32,
    #[prop_or_default]
    pub maxlength: Option<usize>,
    /// Extra `data-testid` on the textarea (the reject dialog's `reject-reason`).
    #[prop_or_default]
    pub testid: Option<AttrValue>,
    pub oninput: Callback<String>,
}

#[function_component(TextAreaField)]
pub fn text_area_field(props: &TextAreaFieldProps) -> Html {
    let id = field_id(&props.form, props.name);
    let oninput = props.oninput.reform(|e: InputEvent| {
        e.target_dyn_into::<HtmlTextAreaElement>()
            .map(|area| area.value())
            .unwrap_or_default()
    });
    let count = props.value.chars().count();
    html! {
        <div class={classes!("field", props.error.is_some().then_some("field--invalid"))}>
            <label class="field__label" for={id.clone()}>{ props.label.clone() }</label>
            <textarea
                id={id.clone()}
                class="field__input field__input--area"
                name={props.name}
                rows={props.rows.to_string()}
                value={props.value.clone()}
                maxlength={props.maxlength.map(|n| n.to_string())}
                required={props.required}
                data-testid={props.testid.clone()}
                aria-invalid={props.error.is_some().then_some("true")}
                aria-describedby={described_by(&id, props.error.is_some(), props.hint.is_some())}
                {oninput}
            />
            <div class="field__meta">
                if let Some(hint) = &props.hint {
                    <p id={format!("{id}-hint")} class="field__hint">{ hint.clone() }</p>
                }
                if let Some(max) = props.maxlength {
                    <span class="field__counter" aria-hidden="true">{ format!("{count} / {max}") }</span>
                }
            </div>
            { error_line(&id, props.name, props.error.as_ref()) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SelectFieldProps {
    pub form: AttrValue,
    pub name: &'static str,
    pub label: AttrValue,
    pub value: AttrValue,
    /// `(value, label)` pairs in display order.
    pub options: Vec<(AttrValue, AttrValue)>,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub error: Option<String>,
    pub onchange: Callback<String>,
}

#[function_component(SelectField)]
pub fn select_field(props: &SelectFieldProps) -> Html {
    let id = field_id(&props.form, props.name);
    let onchange = props.onchange.reform(|e: Event| {
        e.target_dyn_into::<HtmlSelectElement>()
            .map(|select| select.value())
            .unwrap_or_default()
    });
    html! {
        <div class={classes!("field", props.error.is_some().then_some("field--invalid"))}>
            <label class="field__label" for={id.clone()}>{ props.label.clone() }</label>
            <select
                id={id.clone()}
                class="field__input field__input--select"
                name={props.name}
                autocomplete={props.autocomplete.clone()}
                aria-invalid={props.error.is_some().then_some("true")}
                aria-describedby={described_by(&id, props.error.is_some(), props.hint.is_some())}
                {onchange}
            >
                { for props.options.iter().map(|(value, label)| html! {
                    <option value={value.clone()} selected={*value == props.value}>{ label.clone() }</option>
                }) }
            </select>
            if let Some(hint) = &props.hint {
                <p id={format!("{id}-hint")} class="field__hint">{ hint.clone() }</p>
            }
            { error_line(&id, props.name, props.error.as_ref()) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct PasswordFieldProps {
    pub form: AttrValue,
    pub name: &'static str,
    pub label: AttrValue,
    pub value: AttrValue,
    /// `new-password` (with the strength meter and rules) or `current-password`.
    pub autocomplete: AttrValue,
    #[prop_or_default]
    pub error: Option<String>,
    #[prop_or_default]
    pub autofocus: bool,
    pub oninput: Callback<String>,
}

/// A password input with a show/hide toggle; a new password also gets the rules and a meter.
#[function_component(PasswordField)]
pub fn password_field(props: &PasswordFieldProps) -> Html {
    let texts = use_texts();
    let visible = use_state_eq(|| false);
    let id = field_id(&props.form, props.name);
    let is_new = props.autocomplete == "new-password";
    let oninput = props.oninput.reform(|e: InputEvent| input_value(&e));
    let toggle = {
        let visible = visible.clone();
        Callback::from(move |_: MouseEvent| visible.set(!*visible))
    };
    html! {
        <div class={classes!("field", props.error.is_some().then_some("field--invalid"))}>
            <label class="field__label" for={id.clone()}>{ props.label.clone() }</label>
            <div class="field__password">
                <input
                    id={id.clone()}
                    class="field__input"
                    name={props.name}
                    type={if *visible { "text" } else { "password" }}
                    value={props.value.clone()}
                    autocomplete={props.autocomplete.clone()}
                    autocapitalize="off"
                    spellcheck="false"
                    required=true
                    autofocus={props.autofocus}
                    aria-invalid={props.error.is_some().then_some("true")}
                    aria-describedby={described_by(&id, props.error.is_some(), is_new)}
                    {oninput}
                />
                <button
                    type="button"
                    class="field__reveal"
                    aria-controls={id.clone()}
                    aria-pressed={visible.to_string()}
                    aria-label={if *visible { texts.forms.password_hide } else { texts.forms.password_show }}
                    title={if *visible { texts.forms.password_hide } else { texts.forms.password_show }}
                    data-testid={format!("reveal-{}", props.name)}
                    onclick={toggle}
                >
                    if *visible { <EyeOffIcon /> } else { <EyeIcon /> }
                </button>
            </div>
            if is_new {
                <PasswordRules id={format!("{id}-hint")} password={props.value.clone()} />
            }
            { error_line(&id, props.name, props.error.as_ref()) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ProvePasswordFieldProps {
    /// The form (from `hooks::use_submit`) the field belongs to.
    pub form: FormHandle,
    pub field: Field,
    pub label: AttrValue,
}

/// The password a person types to prove who they are (sign-in, confirming a change): bound to
/// its form's value, problem and input.
#[function_component(ProvePasswordField)]
pub fn prove_password_field(props: &ProvePasswordFieldProps) -> Html {
    let texts = use_texts();
    let ProvePasswordFieldProps { form, field, label } = props;
    html! {
        <PasswordField form={form.spec.id} name={field.name()} label={label.clone()}
            value={form.value(*field)} autocomplete="current-password"
            error={form.problem(*field, texts)} oninput={form.oninput(*field)} />
    }
}

#[derive(Properties, PartialEq)]
pub struct PasswordRulesProps {
    pub id: String,
    pub password: AttrValue,
}

/// The password rules, each ticked when met, and a strength meter.
#[function_component(PasswordRules)]
pub fn password_rules(props: &PasswordRulesProps) -> Html {
    let texts = use_texts();
    let password = props.password.as_str();
    let strength = password_strength(password);
    let long_enough = !matches!(
        check::new_password(password),
        Err(Problem::Invalid(
            Invalid::TooShort { .. } | Invalid::Required | Invalid::TooLong { .. }
        ))
    );
    let uncommon = !password.is_empty()
        && check::new_password(password) != Err(Problem::Invalid(Invalid::Common));
    let rule = |met: bool, text: String| {
        html! {
            <li class={classes!("password-rules__rule", met.then_some("is-met"))}>
                if met { <CheckIcon /> } else { <CrossIcon /> }
                <span>{ text }</span>
            </li>
        }
    };
    let min = check::PASSWORD_MIN_CHARS as u32;
    html! {
        <div id={props.id.clone()} class="password-rules" data-testid="password-rules">
            <div class="strength" data-strength={if password.is_empty() { "none" } else { strength.code() }}
                data-testid="password-strength">
                <span class="strength__bar" aria-hidden="true">
                    <span></span><span></span><span></span><span></span>
                </span>
                <span class="strength__label">
                    if !password.is_empty() {
                        { format!("{} {}", texts.forms.strength_label, strength.label(texts)) }
                    }
                </span>
            </div>
            <ul class="password-rules__list" role="list">
                { rule(long_enough, texts.count(min, &texts.forms.password_rule_length)) }
                { rule(uncommon, texts.forms.password_rule_common.to_owned()) }
            </ul>
            if password.is_empty() || strength == Strength::TooWeak {
                <p class="field__hint">{ texts.forms.password_tip }</p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct FormErrorProps {
    pub error: Option<ClientError>,
    /// More to offer under the message (e.g. "Resend the email").
    #[prop_or_default]
    pub children: Html,
}

/// The form-wide error: announced (`role="alert"`), focusable so focus can move to it.
#[function_component(FormError)]
pub fn form_error(props: &FormErrorProps) -> Html {
    let texts = use_texts();
    match &props.error {
        None => html! {},
        Some(error) => html! {
            <div class="form-error" role="alert" tabindex="-1" data-testid="form-error">
                <AlertIcon />
                <div class="form-error__body">
                    <p>{ error.message(texts) }</p>
                    { props.children.clone() }
                </div>
            </div>
        },
    }
}

#[derive(Properties, PartialEq)]
pub struct SubmitButtonProps {
    pub label: AttrValue,
    pub busy_label: AttrValue,
    pub busy: bool,
    #[prop_or_default]
    pub disabled: bool,
    /// `danger` for destructive actions.
    #[prop_or_default]
    pub danger: bool,
    #[prop_or_default]
    pub testid: Option<AttrValue>,
}

/// The form's submit button: disabled with a spinner while the request is out.
#[function_component(SubmitButton)]
pub fn submit_button(props: &SubmitButtonProps) -> Html {
    html! {
        <button
            type="submit"
            class={classes!("button", if props.danger { "button--danger" } else { "button--primary" }, "form__submit")}
            disabled={props.busy || props.disabled}
            aria-busy={props.busy.to_string()}
            data-testid={props.testid.clone()}
        >
            if props.busy {
                <span class="spinner" aria-hidden="true"></span>
                { props.busy_label.clone() }
            } else {
                { props.label.clone() }
            }
        </button>
    }
}

/// The UI languages as `<select>` options, each in its own language.
pub fn language_options() -> Vec<(AttrValue, AttrValue)> {
    Locale::ALL
        .iter()
        .map(|l| (l.code().into(), l.texts().language_name.into()))
        .collect()
}

/// The text of the input an `input` event came from.
pub fn input_value(event: &InputEvent) -> String {
    event
        .target_dyn_into::<HtmlInputElement>()
        .map(|input| input.value())
        .unwrap_or_default()
}
