//! Prometheus metrics of one running app: HTTP request counts and latencies, database pool gauges.
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

#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: HistogramFamily,
    pool_size: Gauge,
    pool_idle: Gauge,
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
        Self {
            registry,
            requests,
            durations,
            pool_size,
            pool_idle,
        }
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
        self.pool_idle
            .set(i64::try_from(db.pool_idle()).unwrap_or(i64::MAX));
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}
