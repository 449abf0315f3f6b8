//! The `Provider` trait every language-model client implements, what goes in and out of one call,
//! and what can go wrong. A call is one system prompt plus one user prompt; the answer is text and
//! the tokens it took, whole (`complete`) or as a stream of deltas (`stream`).
//!
//! Knows nothing of budgets, caching or prompts (that is `ai::Ai`'s) nor of wire formats (that is
//! `ai::providers`'). An error's text may hold the provider's own words: log it, never send it.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::config::ProviderKind;

/// One request to a model.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    pub model: String,
    /// Our instructions.
    pub system: String,
    /// The task, with any lesson text inside it as delimited data.
    pub user: String,
    pub max_tokens: u32,
    pub temperature: f32,
}

/// Tokens a call took, as the provider counted them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
}

impl Usage {
    pub fn total(self) -> u64 {
        self.input_tokens.saturating_add(self.output_tokens)
    }
}

/// A whole answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub text: String,
    pub usage: Usage,
}

/// One piece of a streamed answer: text as it comes, then the usage once it is complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamEvent {
    Delta(String),
    Done(Usage),
}

/// A streamed answer: `next` gives deltas, then one `Done`, then `None`. An error ends it.
#[derive(Debug)]
pub struct TextStream {
    events: mpsc::Receiver<Result<StreamEvent, ProviderError>>,
}

impl TextStream {
    /// A stream fed through the returned sender (a provider's reading task holds it).
    pub fn channel() -> (mpsc::Sender<Result<StreamEvent, ProviderError>>, Self) {
        let (tx, rx) = mpsc::channel(64);
        (tx, Self { events: rx })
    }

    pub async fn next(&mut self) -> Option<Result<StreamEvent, ProviderError>> {
        self.events.recv().await
    }

    /// Reads the stream to its end into one answer.
    pub async fn collect(mut self) -> Result<Completion, ProviderError> {
        let mut text = String::new();
        while let Some(event) = self.next().await {
            match event? {
                StreamEvent::Delta(delta) => text.push_str(&delta),
                StreamEvent::Done(usage) => return Ok(Completion { text, usage }),
            }
        }
        Err(ProviderError::Malformed(
            "the stream ended before the answer was complete".into(),
        ))
    }
}

/// Why a call failed. `retryable` ones were already retried as often as configured.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    #[error("the provider did not answer in time")]
    Timeout,
    #[error("the provider is rate limiting us (retry after {retry_after:?})")]
    RateLimited { retry_after: Option<Duration> },
    #[error("the provider answered {status}: {body}")]
    Status { status: u16, body: String },
    #[error("the provider's answer cannot be read: {0}")]
    Malformed(String),
    #[error("cannot reach the provider: {0}")]
    Network(String),
}

impl ProviderError {
    /// Worth another try: time-outs, 429, 5xx, connection failures.
    pub fn retryable(&self) -> bool {
        match self {
            Self::Timeout | Self::RateLimited { .. } | Self::Network(_) => true,
            Self::Status { status, .. } => *status >= 500,
            Self::Malformed(_) => false,
        }
    }

    /// A short, bounded label for metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::RateLimited { .. } => "rate_limited",
            Self::Status { status, .. } if *status >= 500 => "server_error",
            Self::Status { .. } => "client_error",
            Self::Malformed(_) => "malformed",
            Self::Network(_) => "network",
        }
    }
}

pub type ProviderFuture<'a, T> =
    Pin<Box<dyn Future<Output = Result<T, ProviderError>> + Send + 'a>>;

/// A language model behind an API.
pub trait Provider: std::fmt::Debug + Send + Sync + 'static {
    fn kind(&self) -> ProviderKind;

    /// One whole answer.
    fn complete<'a>(&'a self, request: &'a ChatRequest) -> ProviderFuture<'a, Completion>;

    /// The answer as it is written (server-sent events). Only the opening request is retried;
    /// once text has come, an error ends the stream.
    fn stream<'a>(&'a self, request: &'a ChatRequest) -> ProviderFuture<'a, TextStream>;
}
