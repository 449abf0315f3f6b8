//! The AI service: every AI feature (lesson summaries, quiz drafts, later the tutor) goes through
//! here. Owns provider routing, budgets, the response cache and the built-in offline provider;
//! never lets a key or a prompt's data leave the server except to the configured provider.
//!
//! `Ai::complete` is the one way to ask a model: route the task's tier to (provider, model), answer
//! from the cache if it can, else reserve budget, call, settle the budget to the real usage (or
//! release it on failure), write the usage row and the metrics. A tier with no provider is the
//! offline provider's (`offline`), which callers use directly.

pub mod budget;
pub mod cache;
pub mod drafts;
pub mod offline;
pub mod prompt;
pub mod provider;
pub mod providers;
pub mod summaries;
pub mod usage;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use shared::domain::UserId;

use crate::config::{AiConfig, Budgets, Price, ProviderKind, Tier};
use crate::db::Db;
use crate::metrics::AiMetrics;
use prompt::RenderedPrompt;
use provider::{ChatRequest, Completion, Provider, ProviderError, StreamEvent, TextStream};

/// Where a tier's calls go.
#[derive(Debug, Clone)]
struct Routed {
    provider: Arc<dyn Provider>,
    model: String,
}

/// The AI service of one app. Cheap to share (`Arc`).
#[derive(Debug)]
pub struct Ai {
    db: Db,
    routes: [Option<Routed>; 3],
    budgets: Budgets,
    prices: BTreeMap<String, Price>,
    metrics: Arc<AiMetrics>,
}

/// One call: which task (the prompt's name is the task), at which tier, for whom.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    pub tier: Tier,
    pub prompt: &'a RenderedPrompt,
    /// Whose budget pays; `None`: only the global budget (background work nobody asked for).
    pub user: Option<&'a UserId>,
    pub max_tokens: u32,
    /// Look in the cache first (a repair request never does: its answer was just refused).
    pub cached: bool,
}

/// Who a call is charged to, and for which task.
#[derive(Debug, Clone, Copy)]
struct Payer<'a> {
    task: &'static str,
    user: Option<&'a UserId>,
}

impl<'a> Call<'a> {
    fn payer(&self) -> Payer<'a> {
        Payer {
            task: self.prompt.task,
            user: self.user,
        }
    }
}

/// A model's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub completion: Completion,
    pub provider: ProviderKind,
    pub model: String,
    /// Served from the response cache (no budget, no provider call).
    pub from_cache: bool,
}

/// Why a call did not produce an answer.
#[derive(Debug, thiserror::Error)]
pub enum AiError {
    /// The tier has no provider: use the offline provider.
    #[error("no language model is configured for this task")]
    Offline,
    #[error(transparent)]
    Budget(#[from] budget::Exhausted),
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl AiError {
    /// Words for a teacher; a provider's own text is not among them.
    pub fn for_people(&self) -> String {
        match self {
            Self::Offline => self.to_string(),
            Self::Budget(exhausted) => exhausted.to_string(),
            Self::Provider(ProviderError::Timeout) => {
                "the language model did not answer in time; try again later".into()
            }
            Self::Provider(ProviderError::RateLimited { .. }) => {
                "the language model's provider is busy (rate limited); try again later".into()
            }
            Self::Provider(ProviderError::Malformed(_)) => {
                "the language model's answer could not be read; try again".into()
            }
            Self::Provider(_) => "the language model's provider failed; try again later".into(),
            Self::Database(_) => "the server could not keep the result; try again".into(),
        }
    }
}

/// The tokens an answer may reserve beyond its prompt when the caller says nothing.
const DEFAULT_MAX_TOKENS: u32 = 1_024;

impl Ai {
    /// The service for `config`: a client per configured provider, routed per tier.
    pub fn new(db: Db, config: &AiConfig, metrics: Arc<AiMetrics>) -> Result<Self, ProviderError> {
        let mut clients: BTreeMap<ProviderKind, Arc<dyn Provider>> = BTreeMap::new();
        for provider in &config.providers {
            clients.insert(provider.kind, providers::from_config(provider, config)?);
        }
        let routes = Tier::ALL.map(|tier| {
            config.route(tier).and_then(|route| {
                clients.get(&route.provider).map(|provider| Routed {
                    provider: provider.clone(),
                    model: route.model.clone(),
                })
            })
        });
        Ok(Self {
            db,
            routes,
            budgets: config.budgets,
            prices: config.prices.clone(),
            metrics,
        })
    }

    fn route(&self, tier: Tier) -> Option<&Routed> {
        self.routes[tier as usize].as_ref()
    }

    /// Whether `tier`'s work is the offline provider's.
    pub fn is_offline(&self, tier: Tier) -> bool {
        self.route(tier).is_none()
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn budgets(&self) -> &Budgets {
        &self.budgets
    }

    fn request(&self, routed: &Routed, call: &Call<'_>) -> ChatRequest {
        ChatRequest {
            model: routed.model.clone(),
            system: call.prompt.system.clone(),
            user: call.prompt.user.clone(),
            max_tokens: if call.max_tokens == 0 {
                DEFAULT_MAX_TOKENS
            } else {
                call.max_tokens
            },
            temperature: 0.2,
        }
    }

    /// Asks the tier's model (or the cache). The answer is not cached until the caller accepts it
    /// (`remember`).
    #[tracing::instrument(skip_all, fields(task = call.prompt.task))]
    pub async fn complete(&self, call: Call<'_>) -> Result<Answer, AiError> {
        let routed = self.route(call.tier).ok_or(AiError::Offline)?;
        let provider_name = routed.provider.kind().name();
        if call.cached {
            if let Some(completion) = cache::lookup(&self.db, &routed.model, call.prompt).await? {
                self.metrics.observe_cache_hit(call.prompt.task);
                return Ok(Answer {
                    completion,
                    provider: routed.provider.kind(),
                    model: routed.model.clone(),
                    from_cache: true,
                });
            }
        }
        let request = self.request(routed, &call);
        let reservation = self.reserve(&call, provider_name, &request).await?;
        let started = Instant::now();
        let result = routed.provider.complete(&request).await;
        let took = started.elapsed();
        match result {
            Ok(completion) => {
                self.charge(call.payer(), routed, &reservation, completion.usage, took)
                    .await?;
                Ok(Answer {
                    completion,
                    provider: routed.provider.kind(),
                    model: routed.model.clone(),
                    from_cache: false,
                })
            }
            Err(e) => {
                self.refund(call.payer(), routed, &reservation, &e, took)
                    .await?;
                Err(e.into())
            }
        }
    }

    /// Streams the tier's answer: deltas, then `Done` with the usage. The budget is settled when
    /// the stream ends: to the provider's count when it completes, released if it failed before
    /// any text, and otherwise (it failed midway, or the reader dropped the stream) charged for
    /// what was used: the prompt and the text written so far, estimated.
    pub async fn stream(&self, call: Call<'_>) -> Result<TextStream, AiError> {
        let routed = self.route(call.tier).ok_or(AiError::Offline)?.clone();
        let request = self.request(&routed, &call);
        let reservation = self
            .reserve(&call, routed.provider.kind().name(), &request)
            .await?;
        let started = Instant::now();
        let mut upstream = match routed.provider.stream(&request).await {
            Ok(stream) => stream,
            Err(e) => {
                self.refund(call.payer(), &routed, &reservation, &e, started.elapsed())
                    .await?;
                return Err(e.into());
            }
        };
        let (tx, stream) = TextStream::channel();
        let ai = self.detached();
        let task = call.prompt.task;
        let user = call.user.cloned();
        let prompt_tokens = call.prompt.estimated_tokens();
        tokio::spawn(async move {
            let payer = Payer {
                task,
                user: user.as_ref(),
            };
            let mut written = 0usize;
            let mut settled = false;
            while let Some(event) = upstream.next().await {
                match &event {
                    Ok(StreamEvent::Done(usage)) => {
                        settled = true;
                        let charged = ai
                            .charge(payer, &routed, &reservation, *usage, started.elapsed())
                            .await;
                        if let Err(e) = charged {
                            tracing::error!(error = %e, "cannot settle a streamed AI call");
                        }
                    }
                    Ok(StreamEvent::Delta(text)) => written += text.len(),
                    Err(e) => {
                        settled = true;
                        let result = if written == 0 {
                            ai.refund(payer, &routed, &reservation, e, started.elapsed())
                                .await
                        } else {
                            ai.metrics.observe_error(
                                routed.provider.kind().name(),
                                e.kind(),
                                Some(started.elapsed()),
                            );
                            ai.charge_partial(
                                payer,
                                &routed,
                                &reservation,
                                prompt_tokens,
                                written,
                                "failed",
                            )
                            .await
                        };
                        if let Err(e) = result {
                            tracing::error!(error = %e, "cannot settle a failed AI stream");
                        }
                    }
                }
                if tx.send(event).await.is_err() {
                    break;
                }
            }
            // The reader stopped it (or the provider's stream just ended): charge what was used.
            if !settled {
                let result = ai
                    .charge_partial(payer, &routed, &reservation, prompt_tokens, written, "ok")
                    .await;
                if let Err(e) = result {
                    tracing::error!(error = %e, "cannot settle a stopped AI stream");
                }
            }
        });
        Ok(stream)
    }

    /// Settles a stream that ended before the provider counted its tokens: the prompt's estimate
    /// and the text written so far (4 bytes a token), recorded with `outcome`.
    async fn charge_partial(
        &self,
        call: Payer<'_>,
        routed: &Routed,
        reservation: &budget::Reservation,
        prompt_tokens: u64,
        written_bytes: usize,
        outcome: &'static str,
    ) -> Result<(), sqlx::Error> {
        let used = provider::Usage {
            input_tokens: prompt_tokens,
            output_tokens: (written_bytes / 4 + 1) as u64,
        };
        let cost = usage::cost_usd(&self.prices, &routed.model, used);
        budget::settle(&self.db, reservation, used.total()).await?;
        usage::record(
            &self.db,
            &usage::UsageRecord {
                user: call.user,
                task: call.task,
                provider: routed.provider.kind().name(),
                model: &routed.model,
                usage: used,
                cost_usd: cost,
                outcome,
            },
        )
        .await
    }

    /// The parts a background task needs, without borrowing `self`.
    fn detached(&self) -> Arc<Self> {
        Arc::new(Self {
            db: self.db.clone(),
            routes: self.routes.clone(),
            budgets: self.budgets,
            prices: self.prices.clone(),
            metrics: self.metrics.clone(),
        })
    }

    async fn reserve(
        &self,
        call: &Call<'_>,
        provider_name: &str,
        request: &ChatRequest,
    ) -> Result<budget::Reservation, AiError> {
        let tokens = call
            .prompt
            .estimated_tokens()
            .saturating_add(u64::from(request.max_tokens));
        match budget::reserve(
            &self.db,
            &self.budgets,
            call.user,
            tokens,
            chrono::Utc::now(),
        )
        .await
        {
            Ok(reservation) => Ok(reservation),
            Err(budget::ReserveError::Exhausted(e)) => {
                self.metrics.observe_error(provider_name, "budget", None);
                Err(e.into())
            }
            Err(budget::ReserveError::Database(e)) => Err(e.into()),
        }
    }

    /// Settles a successful call: budget to the real usage, a usage row, metrics.
    async fn charge(
        &self,
        call: Payer<'_>,
        routed: &Routed,
        reservation: &budget::Reservation,
        used: provider::Usage,
        took: std::time::Duration,
    ) -> Result<(), sqlx::Error> {
        let provider_name = routed.provider.kind().name();
        let cost = usage::cost_usd(&self.prices, &routed.model, used);
        self.metrics.observe_call(
            provider_name,
            &routed.model,
            call.task,
            (used.input_tokens, used.output_tokens),
            cost,
            took,
        );
        budget::settle(&self.db, reservation, used.total()).await?;
        usage::record(
            &self.db,
            &usage::UsageRecord {
                user: call.user,
                task: call.task,
                provider: provider_name,
                model: &routed.model,
                usage: used,
                cost_usd: cost,
                outcome: "ok",
            },
        )
        .await
    }

    /// Undoes a failed call's reservation, with a usage row and metrics saying it failed.
    async fn refund(
        &self,
        call: Payer<'_>,
        routed: &Routed,
        reservation: &budget::Reservation,
        error: &ProviderError,
        took: std::time::Duration,
    ) -> Result<(), sqlx::Error> {
        let provider_name = routed.provider.kind().name();
        tracing::warn!(provider = provider_name, error = %error, "AI provider call failed");
        self.metrics
            .observe_error(provider_name, error.kind(), Some(took));
        budget::release(&self.db, reservation).await?;
        usage::record(
            &self.db,
            &usage::UsageRecord {
                user: call.user,
                task: call.task,
                provider: provider_name,
                model: &routed.model,
                usage: provider::Usage::default(),
                cost_usd: 0.0,
                outcome: "failed",
            },
        )
        .await
    }

    /// Caches an answer its feature accepted, so the same prompt is not asked again.
    pub async fn remember(&self, prompt: &RenderedPrompt, answer: &Answer) -> Result<(), AiError> {
        if !answer.from_cache {
            cache::store(&self.db, &answer.model, prompt, &answer.completion).await?;
        }
        Ok(())
    }
}
