//! A lesson's discussion, under the lesson page: threads (pinned first, the answer marked), a new
//! thread form, replies one level deep, editing and deleting one's own posts, the moderators'
//! pin / hide / answer buttons, and reports.
//!
//! Calls the server through `api` only. Writing needs a connection: offline, the forms are
//! disabled with a visible note and the threads loaded last stay readable. Post HTML is the
//! server's, sanitised like lesson text.

use shared::api::discussions::{
    Moderation, NewPost, NewReport, Post, PostEdit, Thread, ThreadPage,
};
use shared::domain::{LessonId, PostId};
use shared::validate::{Invalid, POST_MAX_CHARS};
use yew::prelude::*;

use crate::api;
use crate::contexts::locale::use_texts;
use crate::contexts::online::use_online;
use crate::error::ClientError;
use crate::i18n::Texts;

#[derive(Properties, PartialEq)]
pub struct DiscussionProps {
    pub lesson_id: LessonId,
}

/// The words for a body the server would refuse, before sending it.
fn body_problem(texts: &Texts, body: &str) -> Option<String> {
    match shared::validate::post_body(body) {
        Ok(_) => None,
        Err(Invalid::TooLong { max }) => {
            Some(texts.discussion.too_long.replace("{n}", &max.to_string()))
        }
        Err(_) => Some(texts.forms.problem_required.to_owned()),
    }
}

/// `2026-11-30 15:45` (UTC) of an RFC 3339 time.
fn short_time(text: &str) -> String {
    text.chars().take(16).collect::<String>().replace('T', " ")
}

#[function_component(Discussion)]
pub fn discussion(props: &DiscussionProps) -> Html {
    let texts = use_texts();
    let online = use_online();
    let page = use_state(|| None::<ThreadPage>);
    let load_error = use_state(|| None::<ClientError>);
    let loading_more = use_state_eq(|| false);
    let reloads = use_state_eq(|| 0_u32);

    // The threads, again on every change and whenever the network comes back; offline the last
    // loaded ones stay.
    {
        let (page, load_error) = (page.clone(), load_error.clone());
        use_effect_with(
            (props.lesson_id.clone(), *reloads, online),
            move |(lesson, _, online)| {
                if *online {
                    let lesson = lesson.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        match api::lesson_threads(&lesson, None).await {
                            Ok(fresh) => {
                                load_error.set(None);
                                page.set(Some(fresh));
                            }
                            Err(error) => load_error.set(Some(error)),
                        }
                    });
                }
            },
        );
    }
    let on_changed = {
        let reloads = reloads.clone();
        Callback::from(move |()| reloads.set(reloads.wrapping_add(1)))
    };
    let on_more = {
        let (page, loading_more, load_error) =
            (page.clone(), loading_more.clone(), load_error.clone());
        let lesson = props.lesson_id.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(current) = (*page).clone() else {
                return;
            };
            let Some(cursor) = current.next_cursor.clone() else {
                return;
            };
            let (page, loading_more, load_error, lesson) = (
                page.clone(),
                loading_more.clone(),
                load_error.clone(),
                lesson.clone(),
            );
            loading_more.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::lesson_threads(&lesson, Some(&cursor)).await {
                    Ok(next) => {
                        let mut merged = current;
                        merged.items.extend(next.items);
                        merged.next_cursor = next.next_cursor;
                        page.set(Some(merged));
                    }
                    Err(error) => load_error.set(Some(error)),
                }
                loading_more.set(false);
            });
        })
    };

    let t = &texts.discussion;
    let can_moderate = page.as_ref().is_some_and(|p| p.can_moderate);
    let threads = match &*page {
        None if load_error.is_none() && online => html! {
            <p class="discussion__loading" aria-busy="true">{ texts.common.loading }</p>
        },
        None => html! {},
        Some(page) if page.items.is_empty() => html! {
            <div class="discussion__empty" data-testid="discussion-empty">
                <p class="discussion__empty-title">{ t.empty_title }</p>
                <p>{ t.empty_body }</p>
            </div>
        },
        Some(page) => html! {
            <ol class="discussion__threads" data-testid="discussion-threads">
                { for page.items.iter().map(|thread| html! {
                    <ThreadView key={thread.root.id.to_string()} thread={thread.clone()}
                        lesson_id={props.lesson_id.clone()} {can_moderate} {online}
                        on_changed={on_changed.clone()} />
                }) }
            </ol>
        },
    };
    let has_more = page.as_ref().is_some_and(|p| p.next_cursor.is_some());

    html! {
        <section id="discussion" class="discussion" aria-labelledby="discussion-title" data-testid="discussion">
            <h2 id="discussion-title" class="discussion__title">{ t.title }</h2>
            <p class="discussion__lead">{ t.lead }</p>
            if !online {
                <p class="status-line discussion__offline" role="status"
                    data-testid="discussion-offline">
                    { t.offline }
                    if page.is_some() { { " " }{ t.offline_kept } }
                </p>
            }
            <Composer lesson_id={props.lesson_id.clone()} parent={None::<PostId>} {online}
                label={t.new_label} placeholder={t.new_placeholder} submit={t.post}
                on_posted={on_changed.clone()} testid="new-thread" />
            if let Some(error) = &*load_error {
                if online {
                    <p class="status-line status-line--error" role="alert" data-testid="discussion-error">
                        { format!("{} {}", t.load_error, error.message(texts)) }
                    </p>
                }
            }
            { threads }
            if has_more {
                <button type="button" class="button button--small" onclick={on_more}
                    disabled={*loading_more || !online} data-testid="discussion-more">
                    { if *loading_more { texts.common.loading } else { t.load_more } }
                </button>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ComposerProps {
    lesson_id: LessonId,
    /// The thread replied to; `None` for a new thread.
    parent: Option<PostId>,
    online: bool,
    label: &'static str,
    #[prop_or_default]
    placeholder: &'static str,
    submit: &'static str,
    on_posted: Callback<()>,
    testid: &'static str,
}

/// The new thread form, or a reply form: a text area, a hint, and a button with a loading state.
#[function_component(Composer)]
fn composer(props: &ComposerProps) -> Html {
    let texts = use_texts();
    let body = use_state(String::new);
    let busy = use_state_eq(|| false);
    let problem = use_state(|| None::<String>);
    let id = format!("{}-body", props.testid);

    let oninput = {
        let body = body.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
                body.set(area.value());
            }
        })
    };
    let onsubmit = {
        let (body, busy, problem) = (body.clone(), busy.clone(), problem.clone());
        let (lesson, parent, on_posted) = (
            props.lesson_id.clone(),
            props.parent.clone(),
            props.on_posted.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            if let Some(words) = body_problem(texts, &body) {
                problem.set(Some(words));
                return;
            }
            busy.set(true);
            problem.set(None);
            let input = NewPost {
                body: (*body).clone(),
                parent_id: parent.clone(),
            };
            let (lesson, body, busy, problem, on_posted) = (
                lesson.clone(),
                body.clone(),
                busy.clone(),
                problem.clone(),
                on_posted.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::create_post(&lesson, &input).await {
                    Ok(_) => {
                        body.set(String::new());
                        on_posted.emit(());
                    }
                    Err(error) => problem.set(Some(error.message(texts))),
                }
                busy.set(false);
            });
        })
    };
    let disabled = !props.online || *busy;
    html! {
        <form class="discussion__form" novalidate=true {onsubmit} data-testid={props.testid}>
            <label class="discussion__label" for={id.clone()}>{ props.label }</label>
            <textarea id={id} class="discussion__input" rows="3" maxlength={POST_MAX_CHARS.to_string()}
                placeholder={props.placeholder} value={(*body).clone()} {oninput}
                disabled={!props.online} data-testid={format!("{}-input", props.testid)} />
            <p class="discussion__hint">{ texts.discussion.markdown_hint }</p>
            if let Some(words) = &*problem {
                <p class="status-line status-line--error" role="alert">{ words.clone() }</p>
            }
            <button type="submit" class="button button--primary button--small" {disabled}
                aria-busy={busy.to_string()} data-testid={format!("{}-submit", props.testid)}>
                { if *busy { texts.discussion.posting } else { props.submit } }
            </button>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct ThreadProps {
    thread: Thread,
    lesson_id: LessonId,
    can_moderate: bool,
    online: bool,
    on_changed: Callback<()>,
}

#[function_component(ThreadView)]
fn thread_view(props: &ThreadProps) -> Html {
    let texts = use_texts();
    let replying = use_state_eq(|| false);
    let thread = &props.thread;
    let toggle = {
        let replying = replying.clone();
        Callback::from(move |_: MouseEvent| replying.set(!*replying))
    };
    let on_posted = {
        let (replying, on_changed) = (replying.clone(), props.on_changed.clone());
        Callback::from(move |()| {
            replying.set(false);
            on_changed.emit(());
        })
    };
    html! {
        <li class={classes!("discussion__thread", thread.pinned.then_some("is-pinned"))}
            data-testid="discussion-thread" data-pinned={thread.pinned.to_string()}>
            <PostView post={thread.root.clone()} pinned={Some(thread.pinned)}
                can_moderate={props.can_moderate} online={props.online}
                on_changed={props.on_changed.clone()} />
            if !thread.replies.is_empty() {
                <ol class="discussion__replies">
                    { for thread.replies.iter().map(|reply| html! {
                        <li key={reply.id.to_string()}>
                            <PostView post={reply.clone()} pinned={None::<bool>}
                                can_moderate={props.can_moderate} online={props.online}
                                on_changed={props.on_changed.clone()} />
                        </li>
                    }) }
                </ol>
            }
            if *replying {
                <Composer lesson_id={props.lesson_id.clone()} parent={Some(thread.root.id.clone())}
                    online={props.online} label={texts.discussion.reply_label}
                    submit={texts.discussion.send_reply} {on_posted} testid="reply" />
            } else {
                <button type="button" class="button button--small discussion__reply"
                    onclick={toggle} disabled={!props.online} data-testid="reply-open">
                    { texts.discussion.reply }
                </button>
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct PostProps {
    post: Post,
    /// `Some` for a thread's first post (whether the thread is pinned), `None` for a reply.
    pinned: Option<bool>,
    can_moderate: bool,
    online: bool,
    on_changed: Callback<()>,
}

/// What a post's button asks of the server.
#[derive(Debug, Clone, PartialEq)]
enum Action {
    Moderate(Moderation),
    Delete,
    Edit(String),
    Report(String),
}

#[function_component(PostView)]
fn post_view(props: &PostProps) -> Html {
    let texts = use_texts();
    let t = &texts.discussion;
    let post = &props.post;
    let editing = use_state(|| None::<String>);
    let reporting = use_state(|| None::<String>);
    let reported = use_state_eq(|| false);
    let busy = use_state_eq(|| false);
    let problem = use_state(|| None::<String>);

    let run = {
        let (busy, problem, on_changed) = (busy.clone(), problem.clone(), props.on_changed.clone());
        let (editing, reporting, reported) = (editing.clone(), reporting.clone(), reported.clone());
        let id = post.id.clone();
        Callback::from(move |action: Action| {
            if *busy {
                return;
            }
            busy.set(true);
            problem.set(None);
            let (busy, problem, on_changed, id) = (
                busy.clone(),
                problem.clone(),
                on_changed.clone(),
                id.clone(),
            );
            let (editing, reporting, reported) =
                (editing.clone(), reporting.clone(), reported.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let done = match &action {
                    Action::Moderate(change) => api::moderate_post(&id, change).await.map(drop),
                    Action::Delete => api::delete_post(&id).await,
                    Action::Edit(body) => api::edit_post(&id, &PostEdit { body: body.clone() })
                        .await
                        .map(drop),
                    Action::Report(reason) => {
                        api::report_post(
                            &id,
                            &NewReport {
                                reason: reason.clone(),
                            },
                        )
                        .await
                    }
                };
                busy.set(false);
                match done {
                    Ok(()) if matches!(action, Action::Report(_)) => {
                        reporting.set(None);
                        reported.set(true);
                    }
                    Ok(()) => {
                        editing.set(None);
                        on_changed.emit(());
                    }
                    Err(error) => problem.set(Some(format!(
                        "{}: {}",
                        texts.discussion.action_error,
                        error.message(texts)
                    ))),
                }
            });
        })
    };
    let action = |action: Action| {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| run.emit(action.clone()))
    };
    let disabled = !props.online || *busy;

    if post.deleted {
        return html! {
            <article class="discussion__post is-deleted" data-testid="discussion-post" data-deleted="true">
                <p class="discussion__deleted">{ t.deleted }</p>
            </article>
        };
    }

    let body = match &*editing {
        Some(text) => {
            let oninput = {
                let editing = editing.clone();
                Callback::from(move |e: InputEvent| {
                    if let Some(area) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
                        editing.set(Some(area.value()));
                    }
                })
            };
            let on_save = {
                let (run, problem, text) = (run.clone(), problem.clone(), text.clone());
                Callback::from(move |_: MouseEvent| match body_problem(texts, &text) {
                    Some(words) => problem.set(Some(words)),
                    None => run.emit(Action::Edit(text.clone())),
                })
            };
            let on_cancel = {
                let editing = editing.clone();
                Callback::from(move |_: MouseEvent| editing.set(None))
            };
            html! {
                <div class="discussion__edit">
                    <textarea class="discussion__input" rows="3" value={text.clone()} {oninput}
                        aria-label={t.edit} data-testid="post-edit-input" />
                    <button type="button" class="button button--primary button--small" onclick={on_save}
                        disabled={disabled} data-testid="post-edit-save">{ t.save }</button>
                    <button type="button" class="button button--small" onclick={on_cancel}>{ t.cancel }</button>
                </div>
            }
        }
        // Safe to insert as HTML: the server rendered it from Markdown and sanitised it with
        // ammonia when it was saved (no script, event handlers or `javascript:` links survive),
        // and the page's CSP would refuse inline script anyway.
        None => html! {
            <div class="discussion__body lesson-content" data-testid="post-body">
                { Html::from_html_unchecked(AttrValue::from(post.html.clone())) }
            </div>
        },
    };

    let mut buttons: Vec<Html> = Vec::new();
    if post.mine && editing.is_none() {
        let start_edit = {
            let (editing, markdown) = (editing.clone(), post.markdown.clone().unwrap_or_default());
            Callback::from(move |_: MouseEvent| editing.set(Some(markdown.clone())))
        };
        buttons.push(html! {
            <button type="button" class="button button--small" onclick={start_edit} {disabled}
                data-testid="post-edit">{ t.edit }</button>
        });
        buttons.push(html! {
            <button type="button" class="button button--small button--danger"
                onclick={action(Action::Delete)} {disabled} data-testid="post-delete">
                { if *busy { t.deleting } else { t.delete } }
            </button>
        });
    }
    if props.can_moderate {
        if let Some(pinned) = props.pinned {
            let change = Moderation {
                pinned: Some(!pinned),
                ..Moderation::default()
            };
            buttons.push(html! {
                <button type="button" class="button button--small" onclick={action(Action::Moderate(change))}
                    {disabled} data-testid="post-pin">{ if pinned { t.unpin } else { t.pin } }</button>
            });
        } else {
            let change = Moderation {
                answer: Some(!post.is_answer),
                ..Moderation::default()
            };
            buttons.push(html! {
                <button type="button" class="button button--small" onclick={action(Action::Moderate(change))}
                    {disabled} data-testid="post-answer">
                    { if post.is_answer { t.unmark_answer } else { t.mark_answer } }
                </button>
            });
        }
        let change = Moderation {
            hidden: Some(!post.hidden),
            ..Moderation::default()
        };
        buttons.push(html! {
            <button type="button" class="button button--small" onclick={action(Action::Moderate(change))}
                {disabled} data-testid="post-hide">{ if post.hidden { t.unhide } else { t.hide } }</button>
        });
    }
    if !post.mine && reporting.is_none() && !*reported {
        let start_report = {
            let reporting = reporting.clone();
            Callback::from(move |_: MouseEvent| reporting.set(Some(String::new())))
        };
        buttons.push(html! {
            <button type="button" class="button button--small" onclick={start_report}
                {disabled} data-testid="post-report">{ t.report }</button>
        });
    }
    let report_form = reporting.as_ref().map(|reason| {
        let oninput = {
            let reporting = reporting.clone();
            Callback::from(move |e: InputEvent| {
                if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                    reporting.set(Some(input.value()));
                }
            })
        };
        let on_send = {
            let (run, reason) = (run.clone(), reason.clone());
            Callback::from(move |_: MouseEvent| run.emit(Action::Report(reason.clone())))
        };
        let on_cancel = {
            let reporting = reporting.clone();
            Callback::from(move |_: MouseEvent| reporting.set(None))
        };
        html! {
            <div class="discussion__report">
                <label>
                    { t.report_reason }
                    <input type="text" class="discussion__report-input" value={reason.clone()} {oninput}
                        maxlength="1000" data-testid="report-reason" />
                </label>
                <button type="button" class="button button--small" onclick={on_send}
                    disabled={disabled || reason.trim().is_empty()} data-testid="report-send">{ t.report_send }</button>
                <button type="button" class="button button--small" onclick={on_cancel}>{ t.cancel }</button>
            </div>
        }
    });

    html! {
        <article class={classes!("discussion__post", post.hidden.then_some("is-hidden"), post.is_answer.then_some("is-answer"))}
            data-testid="discussion-post" data-answer={post.is_answer.to_string()}
            data-hidden={post.hidden.to_string()}>
            <header class="discussion__meta">
                <span class="discussion__author">{ post.author.clone().unwrap_or_default() }</span>
                <time class="discussion__time" datetime={post.created_at.to_string()}>
                    { short_time(post.created_at.as_str()) }
                </time>
                if post.edited_at.is_some() {
                    <span class="discussion__edited">{ format!("({})", t.edited) }</span>
                }
                if props.pinned == Some(true) {
                    <span class="badge discussion__badge discussion__badge--pinned" data-testid="pinned-badge">{ t.pinned_badge }</span>
                }
                if post.is_answer {
                    <span class="badge discussion__badge discussion__badge--answer" data-testid="answer-badge">{ t.answer_badge }</span>
                }
                if post.hidden {
                    <span class="badge discussion__badge discussion__badge--hidden" data-testid="hidden-badge">{ t.hidden_badge }</span>
                }
            </header>
            { body }
            if let Some(words) = &*problem {
                <p class="status-line status-line--error" role="alert">{ words.clone() }</p>
            }
            if *reported {
                <p class="status-line status-line--ok" role="status" data-testid="post-reported">{ t.reported }</p>
            }
            { report_form.unwrap_or_default() }
            if !buttons.is_empty() {
                <div class="discussion__actions">{ for buttons }</div>
            }
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_the_server_would_refuse_are_named_before_sending() {
        let texts = &crate::i18n::EN;
        assert_eq!(body_problem(texts, "A question"), None);
        assert_eq!(
            body_problem(texts, "   ").as_deref(),
            Some(texts.forms.problem_required)
        );
        assert_eq!(
            body_problem(texts, &"x".repeat(POST_MAX_CHARS + 1)).as_deref(),
            Some("At most 10000 characters.")
        );
    }

    #[test]
    fn times_show_date_and_minute() {
        assert_eq!(short_time("2026-11-30T15:45:12.345Z"), "2026-11-30 15:45");
    }
}
