//! Teacher applications as people see them: the applicant's status card, one item in the admins'
//! queue, and the dialog that asks an admin why they reject.

use shared::api::teaching::{ApplicationStatus, TeacherApplication};
use web_sys::HtmlDialogElement;
use yew::prelude::*;

use crate::components::form::{FormError, SubmitButton, TextAreaField};
use crate::contexts::locale::{use_locale, use_texts};
use crate::error::ClientError;
use crate::forms::{self, check, Field, FieldSpec, FormSpec, FormState};
use crate::hooks::{use_submit, Submission};
use crate::i18n::{format_datetime, Texts};

pub fn status_label(texts: &Texts, status: ApplicationStatus) -> &'static str {
    match status {
        ApplicationStatus::Pending => texts.teach.status_pending,
        ApplicationStatus::Approved => texts.teach.status_approved,
        ApplicationStatus::Rejected => texts.teach.status_rejected,
    }
}

#[derive(Properties, PartialEq)]
pub struct ApplicationStatusCardProps {
    pub application: TeacherApplication,
}

/// Where the applicant's latest application stands, with the reason when it was rejected.
#[function_component(ApplicationStatusCard)]
pub fn application_status_card(props: &ApplicationStatusCardProps) -> Html {
    let texts = use_texts();
    let locale = use_locale().locale;
    let application = &props.application;
    let status = application.status;
    let (title, body) = match status {
        ApplicationStatus::Pending => (
            texts.teach.application_pending_title,
            texts.teach.application_pending_body,
        ),
        ApplicationStatus::Approved => (
            texts.teach.application_approved_title,
            texts.teach.application_approved_body,
        ),
        ApplicationStatus::Rejected => (
            texts.teach.application_rejected_title,
            texts.teach.application_rejected_body,
        ),
    };
    let sent = format_datetime(&application.created_at, locale);
    html! {
        <section class={classes!("panel", "application-status", format!("application-status--{}", status.code()))}
            data-testid="application-status" data-status={status.code()} aria-live="polite">
            <p class={classes!("status-badge", format!("status-badge--{}", status.code()))}>
                { status_label(texts, status) }
            </p>
            <h2 class="panel__title">{ title }</h2>
            <p class="panel__lead">{ body }</p>
            if let Some(reason) = application.rejection_reason.as_ref().filter(|_| status == ApplicationStatus::Rejected) {
                <blockquote class="application-status__reason" data-testid="rejection-reason">
                    <p class="application-status__reason-label">{ texts.teach.application_reason }</p>
                    <p>{ reason.clone() }</p>
                </blockquote>
            }
            <dl class="facts">
                <div><dt>{ texts.forms.field_subject }</dt><dd>{ application.subject.clone() }</dd></div>
                <div><dt>{ texts.teach.application_sent }</dt><dd>{ sent }</dd></div>
            </dl>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ApplicationItemProps {
    pub application: TeacherApplication,
    /// An approve or reject of this item is in flight.
    #[prop_or_default]
    pub busy: bool,
    /// Show the approve and reject buttons (pending items).
    #[prop_or_default]
    pub actions: bool,
    #[prop_or_default]
    pub on_approve: Callback<TeacherApplication>,
    #[prop_or_default]
    pub on_reject: Callback<TeacherApplication>,
}

/// One application in the admins' queue.
#[function_component(ApplicationItem)]
pub fn application_item(props: &ApplicationItemProps) -> Html {
    let texts = use_texts();
    let locale = use_locale().locale;
    let application = &props.application;
    let approve = {
        let on_approve = props.on_approve.clone();
        let application = application.clone();
        Callback::from(move |_: MouseEvent| on_approve.emit(application.clone()))
    };
    let reject = {
        let on_reject = props.on_reject.clone();
        let application = application.clone();
        Callback::from(move |_: MouseEvent| on_reject.emit(application.clone()))
    };
    let decided = application
        .decided_at
        .as_ref()
        .map(|at| format_datetime(at, locale));
    let heading_id = format!("application-{}", application.id);
    html! {
        <li class="panel application" data-testid="application-item" data-id={application.id.to_string()}
            aria-labelledby={heading_id.clone()}>
            <div class="application__head">
                <div>
                    <h2 id={heading_id} class="application__name">{ application.applicant_name.clone() }</h2>
                    <p class="application__email">{ application.applicant_email.clone() }</p>
                </div>
                <p class={classes!("status-badge", format!("status-badge--{}", application.status.code()))}>
                    { status_label(texts, application.status) }
                </p>
            </div>
            <dl class="facts">
                <div><dt>{ texts.forms.field_subject }</dt><dd>{ application.subject.clone() }</dd></div>
                <div>
                    <dt>{ texts.forms.field_link }</dt>
                    <dd>
                        <a href={application.link.clone()} target="_blank" rel="noopener noreferrer nofollow">
                            { application.link.clone() }
                        </a>
                    </dd>
                </div>
                <div><dt>{ texts.teach.application_sent }</dt><dd>{ format_datetime(&application.created_at, locale) }</dd></div>
                if let Some(decided) = decided {
                    <div><dt>{ texts.admin.application_decided }</dt><dd>{ decided }</dd></div>
                }
            </dl>
            <p class="application__bio">{ application.bio.clone() }</p>
            if let Some(reason) = &application.rejection_reason {
                <blockquote class="application-status__reason">
                    <p class="application-status__reason-label">{ texts.teach.application_reason }</p>
                    <p>{ reason.clone() }</p>
                </blockquote>
            }
            if props.actions {
                <div class="application__actions">
                    <button type="button" class="button button--secondary" data-testid="reject"
                        disabled={props.busy} onclick={reject}>
                        { texts.admin.reject }
                    </button>
                    <button type="button" class="button button--primary" data-testid="approve"
                        disabled={props.busy} aria-busy={props.busy.to_string()} onclick={approve}>
                        if props.busy { <span class="spinner" aria-hidden="true"></span> }
                        { texts.admin.approve }
                    </button>
                </div>
            }
        </li>
    }
}

const REJECT_FORM: FormSpec = FormSpec {
    id: "reject-form",
    fields: &[FieldSpec::new(Field::Reason, &[], check::rejection_reason)],
    clear: &[],
};

#[derive(Properties, PartialEq)]
pub struct RejectDialogProps {
    /// The application being rejected; `None` keeps the dialog closed.
    pub application: Option<TeacherApplication>,
    pub busy: bool,
    /// What the last attempt ran into (shown in the dialog).
    #[prop_or_default]
    pub error: Option<ClientError>,
    /// The reason typed, trimmed.
    pub on_confirm: Callback<String>,
    pub on_cancel: Callback<()>,
}

/// A modal (`<dialog>`) asking why; the reason goes to the applicant.
#[function_component(RejectDialog)]
pub fn reject_dialog(props: &RejectDialogProps) -> Html {
    let texts = use_texts();
    let dialog = use_node_ref();
    let form = {
        let on_confirm = props.on_confirm.clone();
        let busy = props.busy;
        use_submit(&REJECT_FORM, FormState::default, move |form: &FormState| {
            if busy {
                return Submission::Ignore;
            }
            // The page sends the decision (its state knows which application): hand it the reason.
            let reason = form.value(Field::Reason).trim().to_owned();
            let on_confirm = on_confirm.clone();
            Submission::Send(async move {
                on_confirm.emit(reason);
                Ok(())
            })
        })
    };

    let open = props.application.is_some();
    {
        let dialog = dialog.clone();
        let form = form.clone();
        use_effect_with(open, move |open| {
            if let Some(dialog) = dialog.cast::<HtmlDialogElement>() {
                if *open && !dialog.open() {
                    form.reset();
                    let _ = dialog.show_modal();
                } else if !*open && dialog.open() {
                    dialog.close();
                }
            }
        });
    }
    // The server named the reason as the problem: show it on the field.
    let server_problem = match &props.error {
        Some(error @ ClientError::Validation { .. }) => {
            forms::server_field(error, REJECT_FORM.fields).map(|(_, problem)| problem)
        }
        _ => None,
    };
    let form_error = if server_problem.is_some() {
        None
    } else {
        props.error.clone()
    };

    let cancel = props.on_cancel.reform(|_: MouseEvent| ());
    // Escape closes a modal dialog by itself; tell the page.
    let oncancel = props.on_cancel.reform(|_: Event| ());
    let name = props
        .application
        .as_ref()
        .map(|a| a.applicant_name.clone())
        .unwrap_or_default();
    let error = server_problem
        .or_else(|| form.problem_of(Field::Reason))
        .map(|p| p.message(texts));
    html! {
        <dialog ref={dialog} class="dialog" aria-labelledby="reject-title" data-testid="reject-dialog" {oncancel}>
            <form id={REJECT_FORM.id} class="form" method="dialog" novalidate=true ref={form.node.clone()}
                onsubmit={form.onsubmit.clone()}>
                <h2 id="reject-title" class="dialog__title">{ texts.admin.reject_title.replace("{name}", &name) }</h2>
                <p class="panel__lead">{ texts.admin.reject_lead }</p>
                <FormError error={form_error} />
                <TextAreaField form={REJECT_FORM.id} name={Field::Reason.name()} label={texts.forms.field_reason}
                    value={form.value(Field::Reason)} required=true rows={4}
                    maxlength={check::REASON_MAX_CHARS} testid="reject-reason"
                    {error} oninput={form.oninput(Field::Reason)} />
                <div class="dialog__actions">
                    <button type="button" class="button button--secondary" onclick={cancel}>{ texts.common.cancel }</button>
                    <SubmitButton label={texts.admin.reject_confirm} busy_label={texts.common.saving}
                        busy={props.busy} danger=true testid="reject-confirm" />
                </div>
            </form>
        </dialog>
    }
}
