//! `/account`: the signed-in user's profile, password, email, devices, data and account deletion.
//!
//! One card per concern, each its own component with its own form state (`account/`); the page
//! only lays them out. Every change goes through `api` and, when it changes who the user is, back
//! into the auth context so the header follows.

mod danger;
mod email;
pub mod password;
mod profile;
mod reminders;
mod sessions;

use yew::prelude::*;

use crate::components::PageLoading;
use crate::contexts::auth::use_auth;
use crate::contexts::locale::use_texts;
use crate::hooks::use_page_title;
use crate::i18n::Texts;
use shared::api::accounts::Role;

pub use sessions::describe_user_agent;

#[function_component(AccountPage)]
pub fn account_page() -> Html {
    let texts = use_texts();
    use_page_title(texts.common.nav_account);
    let auth = use_auth();
    let Some(me) = auth.user().cloned() else {
        return html! { <PageLoading /> };
    };
    let initial = me
        .display_name
        .chars()
        .next()
        .map(|c| c.to_uppercase().collect::<String>())
        .unwrap_or_default();
    html! {
        <section class="account" data-testid="account" aria-labelledby="account-title">
            <header class="account__header">
                <span class="avatar avatar--large" aria-hidden="true">{ initial }</span>
                <div class="account__who">
                    <h1 id="account-title" class="account__name" data-testid="account-name">{ me.display_name.clone() }</h1>
                    <p class="account__email">
                        <span data-testid="account-email">{ me.email.clone() }</span>
                        <span class="badge badge--role" data-testid="account-role">{ role_label(texts, me.role) }</span>
                    </p>
                </div>
            </header>
            <div class="account__sections">
                <profile::ProfileSection me={me.clone()} />
                <reminders::RemindersSection me={me.clone()} />
                <password::PasswordSection email={me.email.clone()} />
                <email::EmailSection email={me.email.clone()} />
                <sessions::SessionsSection />
                <danger::ExportSection />
                <danger::DeleteSection email={me.email.clone()} />
            </div>
        </section>
    }
}

pub fn role_label(texts: &Texts, role: Role) -> &'static str {
    match role {
        Role::Student => texts.common.role_student,
        Role::Teacher => texts.common.role_teacher,
        Role::Admin => texts.common.role_admin,
    }
}

#[derive(Properties, PartialEq)]
struct SectionProps {
    id: &'static str,
    title: AttrValue,
    #[prop_or_default]
    lead: Option<AttrValue>,
    #[prop_or_default]
    danger: bool,
    #[prop_or_default]
    children: Html,
}

/// One card of the account page, titled for screen readers' landmark lists.
#[function_component(Section)]
fn section(props: &SectionProps) -> Html {
    let title_id = format!("{}-title", props.id);
    html! {
        <section
            class={classes!("panel", props.danger.then_some("panel--danger"))}
            id={props.id}
            data-testid={props.id}
            aria-labelledby={title_id.clone()}
        >
            <h2 id={title_id} class="panel__title">{ props.title.clone() }</h2>
            if let Some(lead) = &props.lead {
                <p class="panel__lead">{ lead.clone() }</p>
            }
            { props.children.clone() }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SavedProps {
    /// The message to show, `None` for nothing.
    message: Option<AttrValue>,
}

/// The quiet "Saved" line under a form, announced politely.
#[function_component(Saved)]
fn saved(props: &SavedProps) -> Html {
    html! {
        <p class="status-line status-line--ok" role="status" aria-live="polite" data-testid="saved">
            { props.message.clone().unwrap_or_default() }
        </p>
    }
}
