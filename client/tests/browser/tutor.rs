//! `api`'s tutor stream in a real browser: a `text/event-stream` body read through the fetch
//! `ReadableStream`, cut into chunks that split lines and characters, comes out as whole
//! `TutorEvent`s; a refusal before the stream is the server's error; Stop ends it quietly. The
//! page's `fetch` is swapped for a stub that answers as the server would.

use client::api;
use client::error::ClientError;
use shared::api::tutor::{NewTutorMessage, TutorEvent};
use shared::domain::LessonId;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::AbortController;

const LESSON: &str = "0190c2d4-5a6b-7c8d-9e0f-aaaaaaaaaaaa";

/// Makes `fetch` answer with `script`'s Response (a JS expression using `bytes`, the UTF-8 of
/// `body`, and `input`, the Request), keeping the real one to put back.
fn stub_fetch(body: &str, script: &str) {
    let install = js_sys::Function::new_with_args(
        "body",
        &format!(
            "window.__realFetch = window.__realFetch || window.fetch;
             const bytes = new TextEncoder().encode(body);
             window.fetch = async (input) => {script};"
        ),
    );
    install.call1(&JsValue::NULL, &body.into()).unwrap();
}

fn restore_fetch() {
    js_sys::Function::new_no_args("if (window.__realFetch) window.fetch = window.__realFetch;")
        .call0(&JsValue::NULL)
        .unwrap();
}

/// A response streaming `bytes` in pieces of 5 bytes.
const CHUNKED: &str = "new Response(new ReadableStream({ start(c) {
        for (let i = 0; i < bytes.length; i += 5) c.enqueue(bytes.slice(i, i + 5));
        c.close();
    } }), { status: 200, headers: { 'content-type': 'text/event-stream' } })";

fn question() -> NewTutorMessage {
    NewTutorMessage {
        conversation_id: None,
        text: "Что такое владение?".into(),
    }
}

#[wasm_bindgen_test]
async fn a_streamed_reply_arrives_event_by_event_whatever_the_chunks() {
    let body = concat!(
        "data: {\"type\":\"delta\",\"text\":\"Владение — \"}\n\n",
        ": keep-alive\n\n",
        "data: {\"type\":\"delta\",\"text\":\"кто владелец [1]?\"}\r\n\r\n",
        "data: {\"type\":\"future_kind\"}\n\n",
        "data: {\"type\":\"replace\",\"text\":\"Подсказка 🦀\"}",
    );
    stub_fetch(body, CHUNKED);
    let controller = AbortController::new().unwrap();
    let mut events = Vec::new();
    let lesson = LessonId::parse(LESSON).unwrap();
    let outcome = api::ask_tutor(&lesson, &question(), &controller.signal(), |event| {
        events.push(event)
    })
    .await;
    restore_fetch();
    assert_eq!(outcome, Ok(()));
    assert_eq!(
        events,
        vec![
            TutorEvent::Delta {
                text: "Владение — ".into()
            },
            TutorEvent::Delta {
                text: "кто владелец [1]?".into()
            },
            TutorEvent::Replace {
                text: "Подсказка 🦀".into()
            },
        ],
        "an event of an unknown type is skipped; the unclosed last one is kept"
    );
}

#[wasm_bindgen_test]
async fn a_refusal_before_the_stream_is_the_servers_error() {
    stub_fetch(
        r#"{"error":{"code":"rate_limited","message":"the daily tutor budget is used up"}}"#,
        "new Response(bytes, { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '7200' } })",
    );
    let controller = AbortController::new().unwrap();
    let lesson = LessonId::parse(LESSON).unwrap();
    let outcome = api::ask_tutor(&lesson, &question(), &controller.signal(), |_| {}).await;
    restore_fetch();
    assert_eq!(
        outcome,
        Err(ClientError::RateLimited {
            retry_after: Some(7200)
        })
    );
}

#[wasm_bindgen_test]
async fn stopping_ends_the_stream_without_an_error() {
    // One event, then the stream stays open until the request is aborted (as fetch does).
    stub_fetch(
        "data: {\"type\":\"delta\",\"text\":\"Half\"}\n\n",
        "new Response(new ReadableStream({ start(c) {
            c.enqueue(bytes);
            input.signal.addEventListener('abort', () => c.error(new DOMException('stopped', 'AbortError')));
        } }), { status: 200 })",
    );
    let controller = AbortController::new().unwrap();
    let signal = controller.signal();
    let lesson = LessonId::parse(LESSON).unwrap();
    let mut events = Vec::new();
    let stopper = controller.clone();
    let outcome = api::ask_tutor(&lesson, &question(), &signal, |event| {
        events.push(event);
        stopper.abort();
    })
    .await;
    restore_fetch();
    assert_eq!(outcome, Ok(()));
    assert_eq!(events.len(), 1);
}
