//! The user's data: a JSON copy of everything kept about them, and deleting the account.

use shared::api::accounts::DeleteAccountRequest;
use yew::prelude::*;
use yew_router::prelude::*;

use super::Section;
use crate::api;
use crate::components::form::{FormError, ProvePasswordField, SubmitButton};
use crate::components::icons::{AlertIcon, DownloadIcon};
use crate::contexts::auth::use_auth;
use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::forms::{Field, FormSpec, FormState, CONFIRMING_PASSWORD};
use crate::hooks::{use_submit, Submission};
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
        <Section id="export" title={texts.account.export_title} lead={texts.account.export_lead}>
            if let Some(error) = &*error {
                <p class="status-line status-line--error" role="alert">{ error.message(texts) }</p>
            }
            <button type="button" class="button button--secondary" data-testid="export-data"
                disabled={*busy} aria-busy={busy.to_string()} {onclick}>
                if *busy { <span class="spinner" aria-hidden="true"></span> } else { <DownloadIcon /> }
                { texts.account.export_submit }
            </button>
        </Section>
    }
}

const FORM: FormSpec = FormSpec {
    id: "delete-form",
    fields: &[CONFIRMING_PASSWORD],
    clear: &[Field::CurrentPassword],
};

#[derive(Properties, PartialEq)]
pub struct DeleteSectionProps {
    pub email: AttrValue,
}

#[function_component(DeleteSection)]
pub fn delete_section(props: &DeleteSectionProps) -> Html {
    let texts = use_texts();
    let auth = use_auth();
    let navigator = use_navigator();
    let form = use_submit(&FORM, FormState::default, move |form: &FormState| {
        let request = DeleteAccountRequest {
            current_password: form.value(Field::CurrentPassword).to_owned(),
        };
        let auth = auth.clone();
        let navigator = navigator.clone();
        Submission::Send(async move {
            api::delete_account(&request).await?;
            auth.forget();
            if let Some(navigator) = navigator {
                navigator.replace(&Route::Home);
            }
            Ok(())
        })
    });
    html! {
        <Section id="delete-account" title={texts.account.delete_title} danger=true>
            <div class="warning" role="note">
                <AlertIcon />
                <div>
                    <p class="warning__title">{ texts.account.delete_warning_title }</p>
                    <p>{ texts.account.delete_warning_body }</p>
                </div>
            </div>
            <form id={FORM.id} class="form" novalidate=true ref={form.node.clone()} onsubmit={form.onsubmit.clone()}>
                <input type="email" name="username" autocomplete="username" value={props.email.clone()}
                    class="visually-hidden" tabindex="-1" aria-hidden="true" readonly=true />
                <FormError error={form.error()} />
                <ProvePasswordField form={form.clone()} field={Field::CurrentPassword} label={texts.account.delete_password_label} />
                <SubmitButton label={texts.account.delete_submit} busy_label={texts.common.deleting}
                    busy={form.submitting()} danger=true testid="delete-account-submit" />
            </form>
        </Section>
    }
}
