//! Development-only pages: the dev mailbox as JSON (`/api/dev/mailbox`) and as a page
//! (`/dev/mailbox`), so links from mail can be followed without a mail server.
//!
//! Answers 404 unless `EDU_DEV_MODE` is on: production never shows anyone's mail.

use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::http::HeaderValue;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Query;
use super::AppState;
use crate::error::{Error, Result};
use crate::notify::escape_html;
use crate::notify::mailbox::{self, MailboxMessage};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_mailbox))
}

/// Routes outside `/api` (and outside the OpenAPI document).
pub fn page_router() -> axum::Router<AppState> {
    axum::Router::new().route("/dev/mailbox", axum::routing::get(mailbox_page))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct MailboxQuery {
    /// Only mail to this address (any case); all mail when absent.
    to: Option<String>,
}

fn require_dev_mode(state: &AppState) -> Result<()> {
    if state.config.dev_mode {
        Ok(())
    } else {
        Err(Error::NotFound("no such API route".into()))
    }
}

/// Mail the dev mailbox received, newest first (dev mode only).
#[utoipa::path(
    get,
    path = "/api/dev/mailbox",
    tag = "development",
    params(MailboxQuery),
    responses(
        (status = 200, body = Vec<MailboxMessage>),
        (status = 400, description = "A malformed query (`bad_request`)", body = shared::api::ErrorBody),
        (status = 404, description = "Dev mode is off (`not_found`)", body = shared::api::ErrorBody)
    )
)]
#[tracing::instrument(skip_all)]
async fn list_mailbox(
    State(state): State<AppState>,
    Query(query): Query<MailboxQuery>,
) -> Result<Json<Vec<MailboxMessage>>> {
    require_dev_mode(&state)?;
    let to = query.to.as_deref().map(str::trim).filter(|t| !t.is_empty());
    Ok(Json(mailbox::list(&state.db, to).await?))
}

/// The same mail as a readable page with clickable links (dev mode only).
#[tracing::instrument(skip_all)]
async fn mailbox_page(
    State(state): State<AppState>,
    Query(query): Query<MailboxQuery>,
) -> Result<Response> {
    require_dev_mode(&state)?;
    let to = query.to.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let messages = mailbox::list(&state.db, to).await?;
    // Everyone's mail, tokens included: no cache may keep it. The page has no script (the CSP
    // would block an inline one), only links and an inline stylesheet.
    Ok((
        [(CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Html(render_page(&messages, to)),
    )
        .into_response())
}

fn render_page(messages: &[MailboxMessage], to: Option<&str>) -> String {
    let mut page = String::from(
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Dev mailbox · EduPlatform</title>\n<style>\
         body{font-family:system-ui,sans-serif;max-width:50rem;margin:1rem auto;padding:0 1rem;color:#222}\
         article{border:1px solid #ccc;border-radius:.5rem;padding:.75rem 1rem;margin:1rem 0}\
         h2{font-size:1.1rem;margin:.2rem 0}.meta{color:#555;font-size:.9rem}\
         pre{white-space:pre-wrap;word-break:break-word;font-family:inherit}\
         </style></head>\n<body>\n<h1>Dev mailbox</h1>\n\
         <p class=\"meta\">Mail the server would have sent (no EDU_SMTP_URL), newest first. \
         <a href=\"/dev/mailbox\">All recipients</a></p>\n",
    );
    if let Some(to) = to {
        page.push_str(&format!(
            "<p class=\"meta\">Only mail to {}</p>\n",
            escape_html(to)
        ));
    }
    if messages.is_empty() {
        page.push_str("<p>No mail yet.</p>\n");
    }
    for m in messages {
        page.push_str(&format!(
            "<article>\n<h2>{subject}</h2>\n<p class=\"meta\">To <a href=\"/dev/mailbox?to={to_query}\">{to}</a> · {at}</p>\n<pre>{body}</pre>\n</article>\n",
            subject = escape_html(&m.subject),
            to_query = escape_html(&url_encode(&m.to)),
            to = escape_html(&m.to),
            at = escape_html(m.created_at.as_str()),
            body = linkify(&m.text),
        ));
    }
    page.push_str("</body>\n</html>\n");
    page
}

/// Escapes plain text for HTML and turns each http(s) URL in it into a link.
fn linkify(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (j, word) in line.split(' ').enumerate() {
            if j > 0 {
                out.push(' ');
            }
            if word.starts_with("http://") || word.starts_with("https://") {
                let word = escape_html(word);
                out.push_str(&format!("<a href=\"{word}\">{word}</a>"));
            } else {
                out.push_str(&escape_html(word));
            }
        }
    }
    out
}

/// Percent-encodes a query value (addresses may hold `+`).
fn url_encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linkify_makes_urls_clickable_and_escapes_the_rest() {
        let text = "Open <this>:\nhttps://x.org/verify-email?token=a&b=1\nbye";
        assert_eq!(
            linkify(text),
            "Open &lt;this&gt;:\n<a href=\"https://x.org/verify-email?token=a&amp;b=1\">\
             https://x.org/verify-email?token=a&amp;b=1</a>\nbye"
        );
    }

    #[test]
    fn the_page_lists_messages_with_escaped_subjects() {
        let message = MailboxMessage {
            id: "1".into(),
            to: "a+b@example.org".into(),
            subject: "<Hi>".into(),
            text: "see https://x.org/a".into(),
            html: String::new(),
            list_unsubscribe: None,
            created_at: shared::api::Timestamp::parse("2025-01-01T00:00:00.000Z").unwrap(),
        };
        let page = render_page(&[message], None);
        assert!(page.contains("<h2>&lt;Hi&gt;</h2>"));
        assert!(page.contains("/dev/mailbox?to=a%2Bb%40example.org"));
        assert!(page.contains("<a href=\"https://x.org/a\">"));
    }
}
