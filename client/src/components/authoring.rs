//! Pieces the authoring pages share: the autosave status line, a course's status badge, and the
//! sentence for a failed upload or edit (with the server's own words when it gave some).

use shared::api::courses::CourseStatus;
use shared::api::error::ErrorCode;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::icons::LockIcon;
use crate::route::Route;

use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::hooks::SaveStatus;
use crate::i18n::Texts;

/// What went wrong with an upload or an edit: our sentence, then the server's reason (it names the
/// file or the field) when it sent one.
pub fn problem_text(error: &ClientError, texts: &Texts) -> String {
    let ours = match error.code() {
        Some(ErrorCode::PayloadTooLarge) => texts.authoring.upload_too_large.to_owned(),
        Some(ErrorCode::UnsupportedMediaType) => texts.authoring.upload_unsupported.to_owned(),
        Some(ErrorCode::UnprocessableContent) => texts.authoring.upload_unprocessable.to_owned(),
        _ => error.message(texts),
    };
    match error {
        ClientError::Validation { message, .. } | ClientError::Conflict { message }
            if !message.is_empty() =>
        {
            let reason = texts.authoring.server_says.replace("{reason}", message);
            format!("{ours} {reason}")
        }
        _ => ours,
    }
}

#[derive(Properties, PartialEq)]
pub struct SaveIndicatorProps {
    pub status: SaveStatus,
    pub on_retry: Callback<()>,
}

/// "Saved" / "Saving…" / "Not saved — Retry", announced politely as it changes.
#[function_component(SaveIndicator)]
pub fn save_indicator(props: &SaveIndicatorProps) -> Html {
    let texts = use_texts();
    let t = &texts.authoring;
    let (class, body) = match &props.status {
        SaveStatus::Saved => ("save-status--saved", html! { t.save_saved }),
        SaveStatus::Pending | SaveStatus::Saving => (
            "save-status--saving",
            html! { <><span class="spinner" aria-hidden="true"></span>{ t.save_saving }</> },
        ),
        SaveStatus::Failed(error) => {
            let onclick = props.on_retry.reform(|_: MouseEvent| ());
            (
                "save-status--failed",
                html! {
                    <>
                        <span>{ t.save_failed }{ " — " }</span>
                        <button type="button" class="link-button" data-testid="save-retry" {onclick}>
                            { texts.common.retry }
                        </button>
                        <span class="save-status__why">{ problem_text(error, texts) }</span>
                    </>
                },
            )
        }
    };
    html! {
        <p class={classes!("save-status", class)} role="status" aria-live="polite" data-testid="save-status">
            { body }
        </p>
    }
}

#[derive(Properties, PartialEq)]
pub struct CourseStatusBadgeProps {
    pub status: CourseStatus,
}

/// Draft / Published / Archived.
#[function_component(CourseStatusBadge)]
pub fn course_status_badge(props: &CourseStatusBadgeProps) -> Html {
    let texts = use_texts();
    let t = &texts.authoring;
    let label = match props.status {
        CourseStatus::Draft => t.status_draft,
        CourseStatus::Published => t.status_published,
        CourseStatus::Archived => t.status_archived,
    };
    html! {
        <span class={classes!("course-status", format!("course-status--{}", props.status.code()))}
            data-testid="course-status">
            { label }
        </span>
    }
}

/// Shown to a signed-in user who is neither the course's teacher nor an admin.
#[function_component(NotYours)]
pub fn not_yours() -> Html {
    let texts = use_texts();
    html! {
        <div class="state state--page" data-testid="not-your-course" role="alert">
            <div class="state__icon"><LockIcon /></div>
            <h2 class="state__title">{ texts.authoring.not_yours_title }</h2>
            <p class="state__body">{ texts.authoring.not_yours_body }</p>
            <Link<Route> to={Route::Home} classes="button button--primary">{ texts.common.not_found_back }</Link<Route>>
        </div>
    }
}

/// The browser's own confirm dialog (keyboard- and screen-reader-friendly); `false` if it cannot ask.
pub fn confirm(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}
