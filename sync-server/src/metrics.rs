//! Prometheus metrics of one running app: HTTP request counts and latencies, database pool gauges,
//! the job queue's depth, age and failures by kind, and the AI service's calls, tokens, estimated cost, errors, cache hits and latency.
//!
//! Owns the registry (one per app, never global, so tests can run several apps in one process) and
//! the label sets. Labels are bounded: routes are axum's matched templates, never raw paths.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::db::Db;

/// The content type of `Metrics::render`'s output.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The route template (`/api/courses`), or `static` / `unmatched` for requests no route took.
    route: String,
    status: u16,
}

type HistogramFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AiLabels {
    provider: String,
    model: String,
    task: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AiTokenLabels {
    provider: String,
    model: String,
    /// `input` or `output`.
    direction: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AiErrorLabels {
    provider: String,
    /// `ProviderError::kind` (timeout, rate_limited, server_error, ...) or `budget`.
    kind: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AiTaskLabels {
    task: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AiProviderLabels {
    provider: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    kind: String,
}

/// The job queue's gauges (`edu_jobs_*`), read from the `jobs` table at each scrape.
#[derive(Debug, Default)]
struct JobMetrics {
    pending: Family<JobLabels, Gauge>,
    retrying: Family<JobLabels, Gauge>,
    failed: Family<JobLabels, Gauge>,
    oldest_due: Family<JobLabels, Gauge>,
}

impl JobMetrics {
    fn register(&self, registry: &mut Registry) {
        registry.register(
            "edu_jobs_pending",
            "Background jobs waiting to run, by kind",
            self.pending.clone(),
        );
        registry.register(
            "edu_jobs_retrying",
            "Pending background jobs that failed at least once, by kind",
            self.retrying.clone(),
        );
        registry.register(
            "edu_jobs_failed",
            "Background jobs failed for good and not yet purged, by kind (mail: undelivered mail)",
            self.failed.clone(),
        );
        registry.register(
            "edu_jobs_oldest_due_age_seconds",
            "How long the oldest due job of each kind has waited past its run time",
            self.oldest_due.clone(),
        );
    }

    fn set(&self, stats: &[crate::jobs::KindStats]) {
        for family in [
            &self.pending,
            &self.retrying,
            &self.failed,
            &self.oldest_due,
        ] {
            family.clear();
        }
        for s in stats {
            let labels = JobLabels {
                kind: s.kind.clone(),
            };
            self.pending.get_or_create(&labels).set(s.pending);
            self.retrying.get_or_create(&labels).set(s.retrying);
            self.failed.get_or_create(&labels).set(s.failed);
            self.oldest_due
                .get_or_create(&labels)
                .set(s.oldest_due_seconds);
        }
    }
}

/// The AI service's metrics (`edu_ai_*`). Labels are bounded: configured providers and models,
/// the prompt templates' task names, and fixed error kinds.
#[derive(Debug)]
pub struct AiMetrics {
    requests: Family<AiLabels, Counter>,
    tokens: Family<AiTokenLabels, Counter>,
    cost_usd: Family<AiLabels, Counter<f64, std::sync::atomic::AtomicU64>>,
    errors: Family<AiErrorLabels, Counter>,
    cache_hits: Family<AiTaskLabels, Counter>,
    latency: Family<AiProviderLabels, Histogram, fn() -> Histogram>,
}

impl AiMetrics {
    fn new() -> Self {
        Self {
            requests: Family::default(),
            tokens: Family::default(),
            cost_usd: Family::default(),
            errors: Family::default(),
            cache_hits: Family::default(),
            latency: Family::new_with_constructor(duration_histogram),
        }
    }

    fn register(&self, registry: &mut Registry) {
        registry.register(
            "edu_ai_requests",
            "Language-model calls answered, by provider, model and task",
            self.requests.clone(),
        );
        registry.register(
            "edu_ai_tokens",
            "Tokens used by language-model calls, by provider, model and direction",
            self.tokens.clone(),
        );
        registry.register(
            "edu_ai_cost_usd",
            "Estimated cost of language-model calls in USD, from the configured price table",
            self.cost_usd.clone(),
        );
        registry.register(
            "edu_ai_errors",
            "Failed language-model calls (after retries) and budget refusals, by provider and kind",
            self.errors.clone(),
        );
        registry.register(
            "edu_ai_cache_hits",
            "AI answers served from the response cache, by task",
            self.cache_hits.clone(),
        );
        registry.register(
            "edu_ai_request_duration_seconds",
            "Time a language-model call took, retries included, by provider",
            self.latency.clone(),
        );
    }

    /// One answered call.
    pub fn observe_call(
        &self,
        provider: &str,
        model: &str,
        task: &str,
        usage: (u64, u64),
        cost_usd: f64,
        took: Duration,
    ) {
        let labels = AiLabels {
            provider: provider.to_owned(),
            model: model.to_owned(),
            task: task.to_owned(),
        };
        self.requests.get_or_create(&labels).inc();
        self.cost_usd.get_or_create(&labels).inc_by(cost_usd);
        for (direction, n) in [("input", usage.0), ("output", usage.1)] {
            self.tokens
                .get_or_create(&AiTokenLabels {
                    provider: provider.to_owned(),
                    model: model.to_owned(),
                    direction,
                })
                .inc_by(n);
        }
        self.observe_latency(provider, took);
    }

    fn observe_latency(&self, provider: &str, took: Duration) {
        self.latency
            .get_or_create(&AiProviderLabels {
                provider: provider.to_owned(),
            })
            .observe(took.as_secs_f64());
    }

    /// One failed call (`kind` from `ProviderError::kind`, or `budget`).
    pub fn observe_error(&self, provider: &str, kind: &'static str, took: Option<Duration>) {
        self.errors
            .get_or_create(&AiErrorLabels {
                provider: provider.to_owned(),
                kind,
            })
            .inc();
        if let Some(took) = took {
            self.observe_latency(provider, took);
        }
    }

    pub fn observe_cache_hit(&self, task: &str) {
        self.cache_hits
            .get_or_create(&AiTaskLabels {
                task: task.to_owned(),
            })
            .inc();
    }
}

#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// The AI service records its calls here.
    pub ai: std::sync::Arc<AiMetrics>,
    requests: Family<RequestLabels, Counter>,
    durations: HistogramFamily,
    pool_size: Gauge,
    pool_idle: Gauge,
    pool_max: Gauge,
    jobs: JobMetrics,
}

fn duration_histogram() -> Histogram {
    // 1 ms … ~16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let durations: HistogramFamily = Family::new_with_constructor(duration_histogram);
        let pool_size = Gauge::default();
        let pool_idle = Gauge::default();
        let pool_max = Gauge::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method, route template and status",
            durations.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Connections held by the database pool, busy or idle",
            pool_size.clone(),
        );
        registry.register(
            "db_pool_idle_connections",
            "Idle connections in the database pool",
            pool_idle.clone(),
        );
        registry.register(
            "db_pool_max_connections",
            "The most connections the database pool may hold",
            pool_max.clone(),
        );
        let jobs = JobMetrics::default();
        jobs.register(&mut registry);
        let ai = AiMetrics::new();
        ai.register(&mut registry);
        Self {
            registry,
            ai: std::sync::Arc::new(ai),
            requests,
            durations,
            pool_size,
            pool_idle,
            pool_max,
            jobs,
        }
    }

    /// Sets the job queue gauges to `stats` (kinds absent from it are dropped).
    pub fn set_job_stats(&self, stats: &[crate::jobs::KindStats]) {
        self.jobs.set(stats);
    }

    /// Records one answered request.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, took: Duration) {
        let labels = RequestLabels {
            method: method.to_owned(),
            route: route.to_owned(),
            status,
        };
        self.requests.get_or_create(&labels).inc();
        self.durations
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
    }

    /// The text exposition of every metric, with the pool gauges read now.
    pub fn render(&self, db: &Db) -> Result<String, std::fmt::Error> {
        self.pool_size.set(i64::from(db.pool_size()));
        self.pool_max.set(i64::from(db.pool_max()));
        self.pool_idle
            .set(i64::try_from(db.pool_idle()).unwrap_or(i64::MAX));
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}
