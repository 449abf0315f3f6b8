//! `/teach`: a student applies to teach (bio, subject, link) and follows the application; teachers
//! and admins are told where they stand.

use shared::api::accounts::Role;
use shared::api::teaching::{ApplicationStatus, TeacherApplication, TeacherApplicationRequest};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::form::{FormError, SubmitButton, TextAreaField, TextField};
use crate::components::icons::CheckIcon;
use crate::components::{ApplicationStatusCard, ErrorNotice, PageLoading};
use crate::contexts::auth::use_auth;
use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::forms::{check, server_field, FieldSpec, FormAction, FormState};
use crate::hooks::use_focus_first_problem;
use crate::hooks::use_page_title;
use crate::route::Route;

const FORM: &str = "teach-form";
const FIELDS: &[FieldSpec] = &[
    FieldSpec::new("subject", &[]),
    FieldSpec::new("link", &["url"]),
    FieldSpec::new("bio", &[]),
];

#[derive(Debug, Clone, PartialEq)]
enum Mine {
    Loading,
    Loaded(Option<TeacherApplication>),
    Failed(ClientError),
}

#[function_component(TeachPage)]
pub fn teach_page() -> Html {
    let texts = use_texts();
    use_page_title(texts.teach_title);
    let auth = use_auth();
    let role = auth.session.role();
    let mine = use_state_eq(|| Mine::Loading);

    let load = {
        let mine = mine.clone();
        let auth = auth.clone();
        Callback::from(move |()| {
            let mine = mine.clone();
            let auth = auth.clone();
            wasm_bindgen_futures::spawn_local(async move {
                mine.set(match api::my_application().await {
                    Ok(application) => Mine::Loaded(application),
                    // The session ended: the guard sends the user to sign in.
                    Err(ClientError::Unauthorized) => {
                        auth.forget();
                        return;
                    }
                    Err(error) => Mine::Failed(error),
                });
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with((), move |_| load.emit(()));
    }
    // Approved while the app still thinks "student": ask who we are now (the nav follows).
    {
        let auth = auth.clone();
        let approved_student = role == Some(Role::Student)
            && matches!(&*mine, Mine::Loaded(Some(a)) if a.status == ApplicationStatus::Approved);
        use_effect_with(approved_student, move |approved| {
            if *approved {
                auth.refresh();
            }
        });
    }

    let on_applied = {
        let mine = mine.clone();
        Callback::from(move |application: TeacherApplication| {
            mine.set(Mine::Loaded(Some(application)))
        })
    };

    let body = match (&*mine, role) {
        (_, Some(Role::Admin)) => html! {
            <div class="panel" data-testid="teach-admin">
                <p>{ texts.teach_admin }</p>
                <Link<Route> to={Route::AdminApplications} classes="button button--primary">
                    { texts.nav_admin }
                </Link<Route>>
            </div>
        },
        (Mine::Loading, _) => html! { <PageLoading /> },
        (Mine::Failed(error), _) => html! {
            <ErrorNotice testid="teach-error" title={texts.teach_error} error={error.clone()} on_retry={load.clone()} />
        },
        (Mine::Loaded(application), role) => {
            let teacher = role == Some(Role::Teacher);
            let can_apply = !teacher
                && application
                    .as_ref()
                    .is_none_or(|a| a.status == ApplicationStatus::Rejected);
            html! {
                <>
                    if teacher {
                        <div class="panel panel--ok" data-testid="teacher-already">
                            <span class="state__icon state__icon--ok"><CheckIcon /></span>
                            <div>
                                <h2 class="panel__title">{ texts.teach_you_are_teacher }</h2>
                                <p class="panel__lead">{ texts.teach_you_are_teacher_body }</p>
                            </div>
                        </div>
                    }
                    if let Some(application) = application {
                        <ApplicationStatusCard application={application.clone()} />
                    }
                    if can_apply {
                        <ApplyForm previous={application.clone()} {on_applied} on_conflict={load.clone()} />
                    }
                </>
            }
        }
    };
    html! {
        <section class="teach" data-testid="teach" aria-labelledby="teach-title">
            <header class="page-hero">
                <h1 id="teach-title" class="page-hero__title">{ texts.teach_title }</h1>
                <p class="page-hero__lead">{ texts.teach_lead }</p>
            </header>
            <div class="stack">{ body }</div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ApplyFormProps {
    /// The rejected application before this one: say "apply again" and start from its answers.
    previous: Option<TeacherApplication>,
    on_applied: Callback<TeacherApplication>,
    /// One is pending already (another tab): reload it.
    on_conflict: Callback<()>,
}

#[function_component(ApplyForm)]
fn apply_form(props: &ApplyFormProps) -> Html {
    let texts = use_texts();
    let auth = use_auth();
    let form = use_reducer(|| match &props.previous {
        Some(previous) => FormState::with_values(&[
            ("subject", &previous.subject),
            ("link", &previous.link),
            ("bio", &previous.bio),
        ]),
        None => FormState::default(),
    });
    let form_ref = use_node_ref();
    use_focus_first_problem(form_ref.clone(), form.focus_request);

    let on_input = |name: &'static str| {
        let form = form.dispatcher();
        Callback::from(move |value: String| form.dispatch(FormAction::Input { name, value }))
    };
    let onsubmit = {
        let form = form.clone();
        let on_applied = props.on_applied.clone();
        let on_conflict = props.on_conflict.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if form.submitting {
                return;
            }
            if check::subject(form.value("subject")).is_err()
                || check::link(form.value("link")).is_err()
                || check::bio(form.value("bio")).is_err()
            {
                form.dispatch(FormAction::Rejected);
                return;
            }
            let request = TeacherApplicationRequest {
                bio: form.value("bio").trim().to_owned(),
                subject: form.value("subject").trim().to_owned(),
                link: form.value("link").trim().to_owned(),
            };
            form.dispatch(FormAction::Submitting);
            let form = form.dispatcher();
            let on_applied = on_applied.clone();
            let on_conflict = on_conflict.clone();
            let auth = auth.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::apply_to_teach(&request).await {
                    Ok(application) => {
                        form.dispatch(FormAction::Succeeded { clear: &[] });
                        on_applied.emit(application);
                    }
                    Err(ClientError::Conflict { .. }) => on_conflict.emit(()),
                    Err(error) => {
                        // A 403 here means the role changed elsewhere: learn the new one.
                        if error == ClientError::Forbidden {
                            auth.refresh();
                        }
                        form.dispatch(FormAction::Failed {
                            field: server_field(&error, FIELDS),
                            error,
                        });
                    }
                }
            });
        })
    };
    html! {
        <section class="panel" aria-labelledby="apply-title">
            <h2 id="apply-title" class="panel__title">
                { if props.previous.is_some() { texts.teach_apply_again } else { texts.teach_apply_title } }
            </h2>
            <p class="panel__lead">{ texts.teach_apply_lead }</p>
            <form id={FORM} class="form" novalidate=true ref={form_ref} {onsubmit}>
                <FormError error={form.error.clone()} />
                <TextField form={FORM} name="subject" label={texts.field_subject}
                    value={form.value("subject").to_owned()} autocomplete="off" required=true
                    hint={texts.field_subject_hint}
                    error={form.problem("subject", check::subject).map(|p| p.message(texts))}
                    oninput={on_input("subject")} />
                <TextField form={FORM} name="link" label={texts.field_link} kind="url"
                    value={form.value("link").to_owned()} autocomplete="url" inputmode="url" required=true
                    hint={texts.field_link_hint}
                    error={form.problem("link", check::link).map(|p| p.message(texts))}
                    oninput={on_input("link")} />
                <TextAreaField form={FORM} name="bio" label={texts.field_bio}
                    value={form.value("bio").to_owned()} required=true rows={6}
                    maxlength={check::BIO_MAX_CHARS}
                    hint={texts.field_bio_hint}
                    error={form.problem("bio", check::bio).map(|p| p.message(texts))}
                    oninput={on_input("bio")} />
                <SubmitButton label={texts.teach_submit} busy_label={texts.sending} busy={form.submitting} />
            </form>
        </section>
    }
}
