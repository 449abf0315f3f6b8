//! The clients of real language-model APIs over reqwest: OpenAI-compatible chat completions (also
//! Ollama, vLLM, llama.cpp's server), Anthropic Messages and Google Gemini `generateContent`. One
//! `HttpProvider` does the HTTP (time-outs, retries with exponential backoff and jitter on 429,
//! honouring `Retry-After`, and on 5xx; server-sent events); a `WireFormat` per API says how a
//! request is written and an answer, or a stream event, is read.
//!
//! Never logs a key or a prompt; an error keeps at most a short piece of the provider's body.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use serde_json::{json, Value};

use super::provider::{
    ChatRequest, Completion, Provider, ProviderError, ProviderFuture, StreamEvent, TextStream,
    Usage,
};
use crate::config::{AiConfig, ApiKey, ProviderConfig, ProviderKind};

/// How a call is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub max_attempts: u32,
    /// Delay before the second try; doubled before each further one, plus up to 50 % jitter.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited for: the call fails as rate limited.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The wait before try `attempt + 1` after `error` ended try `attempt` (1-based); `None`: give up.
    pub fn delay(&self, attempt: u32, error: &ProviderError, jitter: f64) -> Option<Duration> {
        if attempt >= self.max_attempts || !error.retryable() {
            return None;
        }
        if let ProviderError::RateLimited {
            retry_after: Some(wait),
        } = error
        {
            return (*wait <= self.max_retry_after).then_some(*wait);
        }
        let exponent = attempt.saturating_sub(1).min(16);
        let delay = self
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        Some(delay.mul_f64(1.0 + 0.5 * jitter.clamp(0.0, 1.0)))
    }
}

/// Reads `Retry-After`: seconds, or an HTTP date.
pub fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// How one API writes requests and answers.
pub trait WireFormat: std::fmt::Debug + Send + Sync + 'static {
    fn kind(&self) -> ProviderKind;
    /// The URL of a call, streaming or not.
    fn url(&self, base: &str, request: &ChatRequest, stream: bool) -> String;
    /// The headers carrying the key (and API version).
    fn auth(&self, key: Option<&ApiKey>, headers: &mut HeaderMap) -> Result<(), ProviderError>;
    fn body(&self, request: &ChatRequest, stream: bool) -> Value;
    /// A whole answer's JSON.
    fn completion(&self, body: &Value) -> Result<Completion, ProviderError>;
    /// One server-sent event; `Ok(true)` when it ends the stream.
    fn stream_event(
        &self,
        event: &SseEvent,
        state: &mut StreamState,
    ) -> Result<bool, ProviderError>;
    /// Whether a body that simply ends (no closing event) is a complete answer.
    fn ends_at_eof(&self) -> bool {
        false
    }
}

/// What a stream has gathered besides its text.
#[derive(Debug, Default)]
pub struct StreamState {
    pub usage: Usage,
    /// Text found in the last event, to be sent on.
    pub deltas: Vec<String>,
}

fn text_at<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}

fn count_at(value: &Value, pointer: &str) -> u64 {
    value.pointer(pointer).and_then(Value::as_u64).unwrap_or(0)
}

fn parse_event_json(event: &SseEvent) -> Result<Value, ProviderError> {
    serde_json::from_str(&event.data)
        .map_err(|e| ProviderError::Malformed(format!("a stream event is not JSON: {e}")))
}

fn header(value: &str) -> Result<HeaderValue, ProviderError> {
    HeaderValue::from_str(value)
        .map_err(|_| ProviderError::Malformed("the API key cannot be sent in a header".into()))
}

/// OpenAI chat completions: `POST {base}/chat/completions`, `Authorization: Bearer`.
#[derive(Debug, Clone, Copy)]
pub struct OpenAiWire;

impl WireFormat for OpenAiWire {
    fn kind(&self) -> ProviderKind {
        ProviderKind::OpenAi
    }

    fn url(&self, base: &str, _request: &ChatRequest, _stream: bool) -> String {
        format!("{base}/chat/completions")
    }

    fn auth(&self, key: Option<&ApiKey>, headers: &mut HeaderMap) -> Result<(), ProviderError> {
        if let Some(key) = key {
            let mut value = header(&format!("Bearer {}", key.expose()))?;
            value.set_sensitive(true);
            headers.insert(reqwest::header::AUTHORIZATION, value);
        }
        Ok(())
    }

    fn body(&self, request: &ChatRequest, stream: bool) -> Value {
        let mut body = json!({
            "model": request.model,
            "messages": [
                {"role": "system", "content": request.system},
                {"role": "user", "content": request.user},
            ],
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
        });
        if stream {
            body["stream"] = json!(true);
            body["stream_options"] = json!({"include_usage": true});
        }
        body
    }

    fn completion(&self, body: &Value) -> Result<Completion, ProviderError> {
        let text = text_at(body, "/choices/0/message/content").ok_or_else(|| {
            ProviderError::Malformed("no choices[0].message.content in the answer".into())
        })?;
        Ok(Completion {
            text: text.to_owned(),
            usage: Usage {
                input_tokens: count_at(body, "/usage/prompt_tokens"),
                output_tokens: count_at(body, "/usage/completion_tokens"),
            },
        })
    }

    fn stream_event(
        &self,
        event: &SseEvent,
        state: &mut StreamState,
    ) -> Result<bool, ProviderError> {
        if event.data.trim() == "[DONE]" {
            return Ok(true);
        }
        let chunk = parse_event_json(event)?;
        if let Some(error) = chunk.get("error") {
            return Err(ProviderError::Malformed(format!(
                "the stream reported an error: {}",
                truncate(&error.to_string())
            )));
        }
        if let Some(delta) = text_at(&chunk, "/choices/0/delta/content") {
            if !delta.is_empty() {
                state.deltas.push(delta.to_owned());
            }
        }
        if chunk.get("usage").is_some_and(Value::is_object) {
            state.usage = Usage {
                input_tokens: count_at(&chunk, "/usage/prompt_tokens"),
                output_tokens: count_at(&chunk, "/usage/completion_tokens"),
            };
        }
        Ok(false)
    }
}

/// The Anthropic API version this client speaks.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";

/// Anthropic Messages: `POST {base}/v1/messages`, `x-api-key`, `anthropic-version`.
#[derive(Debug, Clone, Copy)]
pub struct AnthropicWire;

impl WireFormat for AnthropicWire {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Anthropic
    }

    fn url(&self, base: &str, _request: &ChatRequest, _stream: bool) -> String {
        format!("{base}/v1/messages")
    }

    fn auth(&self, key: Option<&ApiKey>, headers: &mut HeaderMap) -> Result<(), ProviderError> {
        if let Some(key) = key {
            let mut value = header(key.expose())?;
            value.set_sensitive(true);
            headers.insert("x-api-key", value);
        }
        headers.insert(
            "anthropic-version",
            HeaderValue::from_static(ANTHROPIC_VERSION),
        );
        Ok(())
    }

    fn body(&self, request: &ChatRequest, stream: bool) -> Value {
        json!({
            "model": request.model,
            "max_tokens": request.max_tokens,
            "system": request.system,
            "messages": [{"role": "user", "content": request.user}],
            "temperature": request.temperature,
            "stream": stream,
        })
    }

    fn completion(&self, body: &Value) -> Result<Completion, ProviderError> {
        let blocks = body
            .get("content")
            .and_then(Value::as_array)
            .ok_or_else(|| ProviderError::Malformed("no content in the answer".into()))?;
        let text: String = blocks
            .iter()
            .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
            .filter_map(|b| b.get("text").and_then(Value::as_str))
            .collect();
        Ok(Completion {
            text,
            usage: Usage {
                input_tokens: count_at(body, "/usage/input_tokens"),
                output_tokens: count_at(body, "/usage/output_tokens"),
            },
        })
    }

    fn stream_event(
        &self,
        event: &SseEvent,
        state: &mut StreamState,
    ) -> Result<bool, ProviderError> {
        let data = parse_event_json(event)?;
        let kind = data.get("type").and_then(Value::as_str).unwrap_or("");
        match kind {
            "message_start" => {
                state.usage.input_tokens = count_at(&data, "/message/usage/input_tokens");
                state.usage.output_tokens = count_at(&data, "/message/usage/output_tokens");
            }
            // Only text deltas: a tool call's JSON deltas are not answer text.
            "content_block_delta" if text_at(&data, "/delta/type") == Some("text_delta") => {
                if let Some(text) = text_at(&data, "/delta/text") {
                    state.deltas.push(text.to_owned());
                }
            }
            // Its usage is cumulative for the message.
            "message_delta" => {
                if let Some(output) = data.pointer("/usage/output_tokens").and_then(Value::as_u64) {
                    state.usage.output_tokens = output;
                }
            }
            "message_stop" => return Ok(true),
            "error" => {
                return Err(ProviderError::Malformed(format!(
                    "the stream reported an error: {}",
                    truncate(text_at(&data, "/error/type").unwrap_or("unknown"))
                )))
            }
            // ping, content_block_start, content_block_stop, and types added later.
            _ => {}
        }
        Ok(false)
    }
}

/// Google Gemini: `POST {base}/v1beta/models/{model}:generateContent`
/// (`:streamGenerateContent?alt=sse`), `x-goog-api-key`.
#[derive(Debug, Clone, Copy)]
pub struct GeminiWire;

impl GeminiWire {
    fn usage(value: &Value) -> Option<Usage> {
        let meta = value.get("usageMetadata")?;
        Some(Usage {
            input_tokens: count_at(meta, "/promptTokenCount"),
            output_tokens: count_at(meta, "/candidatesTokenCount"),
        })
    }

    fn text(value: &Value) -> Option<String> {
        let parts = value.pointer("/candidates/0/content/parts")?.as_array()?;
        Some(
            parts
                .iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect(),
        )
    }
}

impl WireFormat for GeminiWire {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Gemini
    }

    fn url(&self, base: &str, request: &ChatRequest, stream: bool) -> String {
        let model = request.model.trim_start_matches("models/");
        if stream {
            format!("{base}/v1beta/models/{model}:streamGenerateContent?alt=sse")
        } else {
            format!("{base}/v1beta/models/{model}:generateContent")
        }
    }

    fn auth(&self, key: Option<&ApiKey>, headers: &mut HeaderMap) -> Result<(), ProviderError> {
        if let Some(key) = key {
            let mut value = header(key.expose())?;
            value.set_sensitive(true);
            headers.insert("x-goog-api-key", value);
        }
        Ok(())
    }

    fn body(&self, request: &ChatRequest, _stream: bool) -> Value {
        json!({
            "systemInstruction": {"parts": [{"text": request.system}]},
            "contents": [{"role": "user", "parts": [{"text": request.user}]}],
            "generationConfig": {
                "maxOutputTokens": request.max_tokens,
                "temperature": request.temperature,
            },
        })
    }

    fn completion(&self, body: &Value) -> Result<Completion, ProviderError> {
        let text = Self::text(body).ok_or_else(|| {
            let reason = text_at(body, "/promptFeedback/blockReason").unwrap_or("none given");
            ProviderError::Malformed(format!(
                "no candidate in the answer (block reason: {reason})"
            ))
        })?;
        Ok(Completion {
            text,
            usage: Self::usage(body).unwrap_or_default(),
        })
    }

    fn stream_event(
        &self,
        event: &SseEvent,
        state: &mut StreamState,
    ) -> Result<bool, ProviderError> {
        let chunk = parse_event_json(event)?;
        if let Some(error) = chunk.get("error") {
            return Err(ProviderError::Malformed(format!(
                "the stream reported an error: {}",
                truncate(&error.to_string())
            )));
        }
        if let Some(text) = Self::text(&chunk).filter(|t| !t.is_empty()) {
            state.deltas.push(text);
        }
        if let Some(usage) = Self::usage(&chunk) {
            state.usage = usage;
        }
        Ok(false)
    }

    fn ends_at_eof(&self) -> bool {
        true
    }
}

/// One server-sent event: its `event:` name (may be empty) and its `data:` lines joined by `\n`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseEvent {
    pub event: String,
    pub data: String,
}

/// Splits a byte stream into server-sent events, whatever the chunk boundaries (a UTF-8
/// character or a line may be split across chunks).
#[derive(Debug, Default)]
pub struct SseParser {
    buffer: Vec<u8>,
}

impl SseParser {
    /// Takes the next chunk; returns the events it completed.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        self.buffer.extend_from_slice(chunk);
        let mut events = Vec::new();
        while let Some((end, skip)) = find_blank_line(&self.buffer) {
            let block: Vec<u8> = self.buffer.drain(..end + skip).take(end).collect();
            if let Some(event) = parse_block(&String::from_utf8_lossy(&block)) {
                events.push(event);
            }
        }
        events
    }

    /// The last event of a body that ended without a blank line after it.
    pub fn finish(&mut self) -> Option<SseEvent> {
        let rest = std::mem::take(&mut self.buffer);
        parse_block(&String::from_utf8_lossy(&rest))
    }
}

/// Where the first blank line (an event's end) starts, and its length.
fn find_blank_line(buffer: &[u8]) -> Option<(usize, usize)> {
    (0..buffer.len()).find_map(|i| {
        let rest = &buffer[i..];
        if rest.starts_with(b"\r\n\r\n") {
            Some((i, 4))
        } else if rest.starts_with(b"\n\n") || rest.starts_with(b"\r\r") {
            Some((i, 2))
        } else {
            None
        }
    })
}

fn parse_block(block: &str) -> Option<SseEvent> {
    let mut event = SseEvent::default();
    let mut has_data = false;
    for line in block.lines() {
        // A comment (`: keep-alive`).
        if line.starts_with(':') || line.is_empty() {
            continue;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => event.event = value.to_owned(),
            "data" => {
                if has_data {
                    event.data.push('\n');
                }
                event.data.push_str(value);
                has_data = true;
            }
            _ => {}
        }
    }
    has_data.then_some(event)
}

/// At most 300 characters of a provider's text, for logs.
fn truncate(text: &str) -> String {
    text.chars().take(300).collect()
}

/// A provider over HTTP, speaking `W`'s wire format.
#[derive(Debug)]
pub struct HttpProvider<W: WireFormat> {
    wire: W,
    http: reqwest::Client,
    base_url: String,
    key: Option<ApiKey>,
    retry: RetryPolicy,
}

impl<W: WireFormat> HttpProvider<W> {
    /// A client of `base_url` (no trailing slash) whose every call, streaming included, must end
    /// within `timeout`.
    pub fn new(
        wire: W,
        base_url: &str,
        key: Option<ApiKey>,
        timeout: Duration,
        retry: RetryPolicy,
    ) -> Result<Self, ProviderError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| ProviderError::Network(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self {
            wire,
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            key,
            retry,
        })
    }

    /// Sends the call, retrying as `retry` says, and returns the first successful response.
    async fn send(
        &self,
        request: &ChatRequest,
        stream: bool,
    ) -> Result<reqwest::Response, ProviderError> {
        let mut headers = HeaderMap::new();
        self.wire.auth(self.key.as_ref(), &mut headers)?;
        let url = self.wire.url(&self.base_url, request, stream);
        let body = self.wire.body(request, stream);
        let mut attempt = 1;
        loop {
            let result = self
                .http
                .post(&url)
                .headers(headers.clone())
                .json(&body)
                .send()
                .await;
            let error = match result {
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) => status_error(response).await,
                Err(e) => request_error(&e),
            };
            match self.retry.delay(attempt, &error, rand::random::<f64>()) {
                Some(wait) => {
                    tracing::warn!(
                        provider = self.wire.kind().name(),
                        attempt,
                        retry_in_ms = wait.as_millis() as u64,
                        error = %error,
                        "AI provider call failed; retrying"
                    );
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                None => return Err(error),
            }
        }
    }

    async fn complete_once(&self, request: &ChatRequest) -> Result<Completion, ProviderError> {
        let response = self.send(request, false).await?;
        let bytes = response.bytes().await.map_err(|e| request_error(&e))?;
        let body: Value = serde_json::from_slice(&bytes)
            .map_err(|e| ProviderError::Malformed(format!("the answer is not JSON: {e}")))?;
        self.wire.completion(&body)
    }
}

/// The error of a non-2xx response.
async fn status_error(response: reqwest::Response) -> ProviderError {
    let status = response.status().as_u16();
    let retry_after = parse_retry_after(response.headers());
    if status == 429 {
        return ProviderError::RateLimited { retry_after };
    }
    let body = response.text().await.unwrap_or_default();
    ProviderError::Status {
        status,
        body: truncate(&body),
    }
}

fn request_error(e: &reqwest::Error) -> ProviderError {
    if e.is_timeout() {
        ProviderError::Timeout
    } else if e.is_decode() || e.is_body() {
        ProviderError::Malformed(e.to_string())
    } else {
        ProviderError::Network(e.without_url_ref().to_string())
    }
}

/// `reqwest::Error::without_url` on a reference (the URL of Gemini calls names the model only,
/// but a base URL may carry credentials).
trait WithoutUrlRef {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrlRef for reqwest::Error {
    fn without_url_ref(&self) -> String {
        let text = self.to_string();
        match self.url() {
            Some(url) => text.replace(url.as_str(), "<provider>"),
            None => text,
        }
    }
}

/// Reads `response`'s server-sent events into `tx` until the stream's end.
async fn pump<W: WireFormat>(
    wire: &W,
    mut response: reqwest::Response,
    tx: &tokio::sync::mpsc::Sender<Result<StreamEvent, ProviderError>>,
) -> Result<Usage, ProviderError> {
    let mut parser = SseParser::default();
    let mut state = StreamState::default();
    let handle = |event: &SseEvent, state: &mut StreamState| -> Result<bool, ProviderError> {
        wire.stream_event(event, state)
    };
    loop {
        let chunk = response.chunk().await.map_err(|e| request_error(&e))?;
        let (events, eof) = match chunk {
            Some(bytes) => (parser.push(&bytes), false),
            None => (parser.finish().into_iter().collect(), true),
        };
        for event in events {
            let done = handle(&event, &mut state)?;
            for delta in state.deltas.drain(..) {
                if tx.send(Ok(StreamEvent::Delta(delta))).await.is_err() {
                    // Nobody reads any more: stop, and let the connection go.
                    return Ok(state.usage);
                }
            }
            if done {
                return Ok(state.usage);
            }
        }
        if eof {
            return if wire.ends_at_eof() {
                Ok(state.usage)
            } else {
                Err(ProviderError::Malformed(
                    "the stream ended before its closing event".into(),
                ))
            };
        }
    }
}

impl<W: WireFormat + Clone> Provider for HttpProvider<W> {
    fn kind(&self) -> ProviderKind {
        self.wire.kind()
    }

    fn complete<'a>(&'a self, request: &'a ChatRequest) -> ProviderFuture<'a, Completion> {
        Box::pin(self.complete_once(request))
    }

    fn stream<'a>(&'a self, request: &'a ChatRequest) -> ProviderFuture<'a, TextStream> {
        Box::pin(async move {
            let response = self.send(request, true).await?;
            let (tx, stream) = TextStream::channel();
            let wire = self.wire.clone();
            tokio::spawn(async move {
                let last = match pump(&wire, response, &tx).await {
                    Ok(usage) => Ok(StreamEvent::Done(usage)),
                    Err(e) => Err(e),
                };
                let _ = tx.send(last).await;
            });
            Ok(stream)
        })
    }
}

/// The client of a configured provider.
pub fn from_config(
    provider: &ProviderConfig,
    config: &AiConfig,
) -> Result<Arc<dyn Provider>, ProviderError> {
    let retry = RetryPolicy {
        max_attempts: config.max_attempts,
        ..RetryPolicy::default()
    };
    let (base, key, timeout) = (&provider.base_url, provider.key.clone(), config.timeout);
    Ok(match provider.kind {
        ProviderKind::OpenAi => Arc::new(HttpProvider::new(OpenAiWire, base, key, timeout, retry)?),
        ProviderKind::Anthropic => {
            Arc::new(HttpProvider::new(AnthropicWire, base, key, timeout, retry)?)
        }
        ProviderKind::Gemini => Arc::new(HttpProvider::new(GeminiWire, base, key, timeout, retry)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sse_events_survive_any_chunking() {
        let body = "event: a\ndata: {\"x\":\"пр\"}\n\n: keep-alive\n\ndata: line1\ndata: line2\r\n\r\ndata: [DONE]\n\n";
        for size in 1..body.len() {
            let mut parser = SseParser::default();
            let mut events = Vec::new();
            for chunk in body.as_bytes().chunks(size) {
                events.extend(parser.push(chunk));
            }
            events.extend(parser.finish());
            let data: Vec<&str> = events.iter().map(|e| e.data.as_str()).collect();
            assert_eq!(
                data,
                ["{\"x\":\"пр\"}", "line1\nline2", "[DONE]"],
                "chunk size {size}"
            );
            assert_eq!(events[0].event, "a");
        }
    }

    #[test]
    fn retry_delays_double_honour_retry_after_and_stop() {
        let policy = RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(300),
            max_retry_after: Duration::from_secs(5),
        };
        let server = ProviderError::Status {
            status: 503,
            body: String::new(),
        };
        assert_eq!(
            policy.delay(1, &server, 0.0),
            Some(Duration::from_millis(100))
        );
        assert_eq!(
            policy.delay(2, &server, 0.0),
            Some(Duration::from_millis(200))
        );
        assert_eq!(
            policy.delay(3, &server, 1.0),
            Some(Duration::from_millis(450))
        );
        assert_eq!(policy.delay(4, &server, 0.0), None);
        let limited = |secs| ProviderError::RateLimited {
            retry_after: Some(Duration::from_secs(secs)),
        };
        assert_eq!(
            policy.delay(1, &limited(2), 0.9),
            Some(Duration::from_secs(2))
        );
        assert_eq!(policy.delay(1, &limited(60), 0.0), None);
        let client = ProviderError::Status {
            status: 400,
            body: String::new(),
        };
        assert_eq!(policy.delay(1, &client, 0.0), None);
    }
}
