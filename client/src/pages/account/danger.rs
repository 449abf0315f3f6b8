//! The user's data: a JSON copy of everything kept about them, and deleting the account.

use shared::api::accounts::DeleteAccountRequest;
use yew::prelude::*;
use yew_router::prelude::*;

use super::Section;
use crate::api;
use crate::components::form::{FormError, PasswordField, SubmitButton};
use crate::components::icons::{AlertIcon, DownloadIcon};
use crate::contexts::auth::use_auth;
use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::forms::{check, server_field, FieldSpec, FormAction, FormState};
use crate::hooks::use_focus_first_problem;
use crate::route::Route;
use crate::store::downloads;

/// The name the export is saved under (the server suggests the same).
pub const EXPORT_FILE_NAME: &str = "eduplatform-export.json";

#[function_component(ExportSection)]
pub fn export_section() -> Html {
    let texts = use_texts();
    let busy = use_state_eq(|| false);
    let error = use_state_eq(|| None::<ClientError>);
    let onclick = {
        let busy = busy.clone();
        let error = error.clone();
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let busy = busy.clone();
            let error = error.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::export_my_data().await.and_then(|json| {
                    downloads::save_file(EXPORT_FILE_NAME, "application/json", &json)
                });
                error.set(result.err());
                busy.set(false);
            });
        })
    };
    html! {
        <Section id="export" title={texts.export_title} lead={texts.export_lead}>
            if let Some(error) = &*error {
                <p class="status-line status-line--error" role="alert">{ error.message(texts) }</p>
            }
            <button type="button" class="button button--secondary" data-testid="export-data"
                disabled={*busy} aria-busy={busy.to_string()} {onclick}>
                if *busy { <span class="spinner" aria-hidden="true"></span> } else { <DownloadIcon /> }
                { texts.export_submit }
            </button>
        </Section>
    }
}

const FORM: &str = "delete-form";
const FIELDS: &[FieldSpec] = &[FieldSpec::new(
    "current_password",
    &["current password", "password"],
)];

#[derive(Properties, PartialEq)]
pub struct DeleteSectionProps {
    pub email: AttrValue,
}

#[function_component(DeleteSection)]
pub fn delete_section(props: &DeleteSectionProps) -> Html {
    let texts = use_texts();
    let auth = use_auth();
    let navigator = use_navigator();
    let form = use_reducer(FormState::default);
    let form_ref = use_node_ref();
    use_focus_first_problem(form_ref.clone(), form.focus_request);

    let oninput = {
        let form = form.dispatcher();
        Callback::from(move |value: String| {
            form.dispatch(FormAction::Input {
                name: "current_password",
                value,
            })
        })
    };
    let onsubmit = {
        let form = form.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if form.submitting {
                return;
            }
            if check::current_password(form.value("current_password")).is_err() {
                form.dispatch(FormAction::Rejected);
                return;
            }
            let request = DeleteAccountRequest {
                current_password: form.value("current_password").to_owned(),
            };
            form.dispatch(FormAction::Submitting);
            let form = form.dispatcher();
            let auth = auth.clone();
            let navigator = navigator.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::delete_account(&request).await {
                    Ok(()) => {
                        form.dispatch(FormAction::Succeeded {
                            clear: &["current_password"],
                        });
                        auth.forget();
                        if let Some(navigator) = navigator {
                            navigator.replace(&Route::Home);
                        }
                    }
                    Err(error) => form.dispatch(FormAction::Failed {
                        field: server_field(&error, FIELDS),
                        error,
                    }),
                }
            });
        })
    };
    html! {
        <Section id="delete-account" title={texts.delete_title} danger=true>
            <div class="warning" role="note">
                <AlertIcon />
                <div>
                    <p class="warning__title">{ texts.delete_warning_title }</p>
                    <p>{ texts.delete_warning_body }</p>
                </div>
            </div>
            <form id={FORM} class="form" novalidate=true ref={form_ref} {onsubmit}>
                <input type="email" name="username" autocomplete="username" value={props.email.clone()}
                    class="visually-hidden" tabindex="-1" aria-hidden="true" readonly=true />
                <FormError error={form.error.clone()} />
                <PasswordField form={FORM} name="current_password" label={texts.delete_password_label}
                    value={form.value("current_password").to_owned()} autocomplete="current-password"
                    error={form.problem("current_password", check::current_password).map(|p| p.message(texts))}
                    {oninput} />
                <SubmitButton label={texts.delete_submit} busy_label={texts.deleting}
                    busy={form.submitting} danger=true testid="delete-account-submit" />
            </form>
        </Section>
    }
}
