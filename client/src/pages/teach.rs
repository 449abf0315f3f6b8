//! `/teach`: a student applies to teach (bio, subject, link) and follows the application; teachers
//! and admins get their courses (`courses`): new, imported, and each one's editor.

mod courses;

use shared::api::accounts::Role;
use shared::api::teaching::{ApplicationStatus, TeacherApplication, TeacherApplicationRequest};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::form::{FormError, SubmitButton, TextAreaField, TextField};
use crate::components::{ApplicationStatusCard, ErrorNotice, PageLoading};
use crate::contexts::auth::use_auth;
use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::forms::{check, Field, FieldSpec, FormSpec, FormState};
use crate::hooks::{use_page_title, use_submit, Submission};
use crate::route::Route;

const FORM: FormSpec = FormSpec {
    id: "teach-form",
    fields: &[
        FieldSpec::new(Field::Subject, &[], check::subject),
        FieldSpec::new(Field::Link, &["url"], check::link),
        FieldSpec::new(Field::Bio, &[], check::bio),
    ],
    clear: &[],
};

#[derive(Debug, Clone, PartialEq)]
enum Mine {
    Loading,
    Loaded(Option<TeacherApplication>),
    Failed(ClientError),
}

#[function_component(TeachPage)]
pub fn teach_page() -> Html {
    let texts = use_texts();
    use_page_title(texts.teach.teach_title);
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
            <>
            <div class="panel" data-testid="teach-admin">
                <p>{ texts.teach.teach_admin }</p>
                <Link<Route> to={Route::AdminApplications} classes="button button--primary">
                    { texts.common.nav_admin }
                </Link<Route>>
            </div>
            <courses::TeachCourses />
            </>
        },
        (mine, Some(Role::Teacher)) => html! {
            <>
                // How they became a teacher (the approval), above their courses.
                if let Mine::Loaded(Some(application)) = mine {
                    <ApplicationStatusCard application={application.clone()} />
                }
                <courses::TeachCourses />
            </>
        },
        (Mine::Loading, _) => html! { <PageLoading /> },
        (Mine::Failed(error), _) => html! {
            <ErrorNotice testid="teach-error" title={texts.teach.teach_error} error={error.clone()} on_retry={load.clone()} />
        },
        (Mine::Loaded(application), _) => {
            let can_apply = application
                .as_ref()
                .is_none_or(|a| a.status == ApplicationStatus::Rejected);
            html! {
                <>
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
                <h1 id="teach-title" class="page-hero__title">{ texts.teach.teach_title }</h1>
                <p class="page-hero__lead">
                    { if matches!(role, Some(Role::Teacher | Role::Admin)) { texts.authoring.dashboard_lead } else { texts.teach.teach_lead } }
                </p>
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
    let initial = {
        let previous = props.previous.clone();
        move || match previous {
            Some(previous) => FormState::with_values(&[
                (Field::Subject, &previous.subject),
                (Field::Link, &previous.link),
                (Field::Bio, &previous.bio),
            ]),
            None => FormState::default(),
        }
    };
    let form = {
        let on_applied = props.on_applied.clone();
        let on_conflict = props.on_conflict.clone();
        use_submit(&FORM, initial, move |form: &FormState| {
            let request = TeacherApplicationRequest {
                bio: form.value(Field::Bio).trim().to_owned(),
                subject: form.value(Field::Subject).trim().to_owned(),
                link: form.value(Field::Link).trim().to_owned(),
            };
            let on_applied = on_applied.clone();
            let on_conflict = on_conflict.clone();
            let auth = auth.clone();
            Submission::Send(async move {
                match api::apply_to_teach(&request).await {
                    Ok(application) => on_applied.emit(application),
                    // One is pending already: the page shows it instead of this form.
                    Err(ClientError::Conflict { .. }) => on_conflict.emit(()),
                    Err(error) => {
                        // A 403 here means the role changed elsewhere: learn the new one.
                        if error == ClientError::Forbidden {
                            auth.refresh();
                        }
                        return Err(error);
                    }
                }
                Ok(())
            })
        })
    };
    html! {
        <section class="panel" aria-labelledby="apply-title">
            <h2 id="apply-title" class="panel__title">
                { if props.previous.is_some() { texts.teach.teach_apply_again } else { texts.teach.teach_apply_title } }
            </h2>
            <p class="panel__lead">{ texts.teach.teach_apply_lead }</p>
            <form id={FORM.id} class="form" novalidate=true ref={form.node.clone()} onsubmit={form.onsubmit.clone()}>
                <FormError error={form.error()} />
                <TextField form={FORM.id} name={Field::Subject.name()} label={texts.forms.field_subject}
                    value={form.value(Field::Subject)} autocomplete="off" required=true
                    hint={texts.forms.field_subject_hint}
                    error={form.problem(Field::Subject, texts)}
                    oninput={form.oninput(Field::Subject)} />
                <TextField form={FORM.id} name={Field::Link.name()} label={texts.forms.field_link} kind="url"
                    value={form.value(Field::Link)} autocomplete="url" inputmode="url" required=true
                    hint={texts.forms.field_link_hint}
                    error={form.problem(Field::Link, texts)}
                    oninput={form.oninput(Field::Link)} />
                <TextAreaField form={FORM.id} name={Field::Bio.name()} label={texts.forms.field_bio}
                    value={form.value(Field::Bio)} required=true rows={6}
                    maxlength={check::BIO_MAX_CHARS}
                    hint={texts.forms.field_bio_hint}
                    error={form.problem(Field::Bio, texts)}
                    oninput={form.oninput(Field::Bio)} />
                <SubmitButton label={texts.teach.teach_submit} busy_label={texts.common.sending} busy={form.submitting()} />
            </form>
        </section>
    }
}
