//! EduPlatform's server as a library: `serve` runs it on a listener it is given, `App` lets tests
//! build the same app and start it on port 0.
//!
//! Owns start-up order (database, migrations, demo data, mail transport, router), the life of the
//! background job runner (which sends mail) and of housekeeping, and shutdown. Reads no environment variable itself: `Config` comes in from
//! the caller.

pub mod ai;
pub mod backup;
pub mod catalog;
pub mod config;
pub mod content;
pub mod db;
pub mod discussions;
pub mod doctor;
pub mod enrollment;
pub mod error;
pub mod http;
pub mod identity;
pub mod jobs;
pub mod metrics;
pub mod motivation;
pub mod notify;
pub mod reviews;
pub mod search;
pub mod srs;
pub mod sync;
pub mod telemetry;
pub mod tutor;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

pub use config::Config;
pub use db::Db;
pub use error::Error;

/// Why the server could not start or stopped with an error. Displays as one line for operators.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] db::DbError),
    #[error("cannot load the demo courses: {0}")]
    DemoData(String),
    /// The mail settings (EDU_SMTP_URL, EDU_MAIL_FROM) cannot be used; the text names the variable.
    #[error("{0}")]
    Mail(String),
    /// The AI providers (EDU_AI_*) cannot be set up.
    #[error("cannot set up the AI providers: {0}")]
    Ai(String),
    #[error("cannot set up accounts: {0}")]
    Accounts(String),
    /// The key that signs unsubscribe links cannot be read or made.
    #[error("cannot set up reminders: {0}")]
    Reminders(String),
    /// The built client (EDU_STATIC_DIR) cannot be read into memory.
    #[error("EDU_STATIC_DIR: {0}")]
    Client(String),
    /// The metrics listener (EDU_METRICS_BIND) cannot be opened.
    #[error("EDU_METRICS_BIND: cannot listen on {addr}: {source}")]
    MetricsBind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    /// The media directory (EDU_MEDIA_DIR) cannot be created or opened.
    #[error("EDU_MEDIA_DIR: cannot use {}: {source}", dir.display())]
    Media {
        dir: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("cannot serve HTTP: {0}")]
    Io(#[from] std::io::Error),
}

/// How long shutdown waits for a metrics scrape in flight.
const METRICS_STOP_TIMEOUT: Duration = Duration::from_secs(5);

/// A ready app: database connected and migrated, mail transport chosen, router built.
pub struct App {
    state: http::AppState,
    transport: Arc<dyn notify::Transport>,
    worker_options: jobs::WorkerOptions,
    /// Job kinds besides mail (tests add their own).
    job_handlers: Vec<Arc<dyn jobs::Handler>>,
    /// Where `GET /metrics` is served (`EDU_METRICS_BIND`); `None` serves no metrics.
    metrics_listener: Option<TcpListener>,
}

impl App {
    /// Connects to the database, applies migrations and, if asked, loads the demo catalog.
    pub async fn build(config: &Config) -> Result<Self, StartError> {
        let db = Db::connect(&config.database.url).await?;
        tracing::info!(database = %config.database.url, "database ready");
        let accounts = identity::Accounts::new(db.clone(), config)
            .await
            .map_err(|e| StartError::Accounts(describe(&e)))?;
        let media = content::media::LocalMediaDir::open(&config.media.dir)
            .await
            .map_err(|source| StartError::Media {
                dir: config.media.dir.clone(),
                source,
            })?;
        if config.demo_data {
            let created = identity::demo::create_accounts(&db, &accounts.passwords)
                .await
                .map_err(|e| StartError::DemoData(describe(&e)))?;
            if created > 0 {
                tracing::info!(created, "created the demo accounts");
            }
            let images = catalog::import::ImageStore {
                store: &media,
                max_bytes: config.media.max_bytes,
            };
            let inserted = catalog::demo::load_if_empty(&db, images)
                .await
                .map_err(|e| StartError::DemoData(describe(&e)))?;
            if inserted > 0 {
                tracing::info!(inserted, "loaded the demo courses into an empty catalog");
            }
        }
        let transport = notify::transport::from_config(config, &db).map_err(StartError::Mail)?;
        let unsubscribe_key = srs::reminders::UnsubscribeKey::load(&db)
            .await
            .map_err(|e| StartError::Reminders(describe(&e)))?;
        let static_dir = config.http.static_dir.clone();
        let client =
            tokio::task::spawn_blocking(move || http::client::ClientFiles::load(&static_dir))
                .await
                .map_err(|e| StartError::Client(e.to_string()))?
                .map_err(|e| StartError::Client(e.to_string()))?;
        tracing::info!(files = client.len(), "loaded the web client into memory");
        Ok(Self {
            state: http::AppState::new(
                db,
                config,
                accounts,
                Arc::new(client),
                Arc::new(media),
                unsubscribe_key,
            )
            .map_err(|e| StartError::Ai(e.to_string()))?,
            transport,
            worker_options: jobs::WorkerOptions::default(),
            job_handlers: Vec::new(),
            metrics_listener: None,
        })
    }

    /// Sends mail through `transport` instead of the configured one (tests count or fail sends).
    pub fn with_mail_transport(mut self, transport: Arc<dyn notify::Transport>) -> Self {
        self.transport = transport;
        self
    }

    /// Paces the job runner differently (tests use short back-offs).
    pub fn with_worker_options(mut self, options: jobs::WorkerOptions) -> Self {
        self.worker_options = options;
        self
    }

    /// Runs the jobs of `handler.kind()` in this app's runner too.
    pub fn with_job_handler(mut self, handler: Arc<dyn jobs::Handler>) -> Self {
        self.job_handlers.push(handler);
        self
    }

    /// Serves `GET /metrics` on `listener` (and nothing else there) while the app runs.
    pub fn with_metrics_listener(mut self, listener: TcpListener) -> Self {
        self.metrics_listener = Some(listener);
        self
    }

    /// The database this app uses (tests close it to see readiness fail).
    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// Where uploaded images are kept.
    pub fn media(&self) -> &Arc<dyn content::media::MediaStore> {
        &self.state.media
    }

    /// The identity services (tests and the benchmark create accounts through them).
    pub fn accounts(&self) -> &identity::Accounts {
        &self.state.accounts
    }

    /// The complete router, layers included.
    pub fn router(&self) -> axum::Router {
        http::router(self.state.clone())
    }

    /// Serves (the app, and metrics if a listener was given) and delivers mail until `shutdown`
    /// completes, then drains for `EDU_SHUTDOWN_GRACE_SECS`: no new connections, open ones
    /// answered with `Connection: close`, requests in flight and the job being run finished (or
    /// the job handed back to the queue); then closes the pool.
    pub async fn run(
        mut self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartError> {
        let (stop_worker, stop) = tokio::sync::watch::channel(false);
        let composer: Arc<dyn notify::Composer> = Arc::new(self.state.accounts.clone());
        let worker = jobs::Runner::new(self.state.db.clone(), self.worker_options.clone())
            .with_handlers(notify::mail_handlers(
                &self.state.db,
                self.transport.clone(),
                composer,
            ))
            .with_handlers(ai_handlers(&self.state.ai))
            .with_handlers(srs::reminders::handlers(
                &self.state.db,
                self.transport.clone(),
                self.state.unsubscribe_key.clone(),
                self.state.config.http.public_url.base(),
            ))
            .with_handler(discussions::digest::handler(
                &self.state.db,
                self.transport.clone(),
                self.state.unsubscribe_key.clone(),
                self.state.config.http.public_url.base(),
            ))
            .with_handlers(motivation::reminders::handlers(
                &self.state.db,
                self.transport.clone(),
                self.state.unsubscribe_key.clone(),
                self.state.config.http.public_url.base(),
            ))
            .with_handler(Arc::new(motivation::RefreshHandler {
                db: self.state.db.clone(),
            }))
            .with_handler(Arc::new(srs::fit::FitHandler {
                db: self.state.db.clone(),
                docs: self.state.sync_docs.clone(),
            }))
            .with_handlers(self.job_handlers.drain(..));
        let runner = worker.clone();
        // A process that runs jobs also rings for the reminder sweeps (their unique keys keep
        // them to one per period however many processes ring).
        let sweeping = if self.worker_options.enabled {
            tokio::spawn(srs::reminders::keep_sweeping(
                self.state.db.clone(),
                self.state.config.mail.reminder_sweep,
                stop.clone(),
            ))
        } else {
            tokio::spawn(async {})
        };
        let mut worker = if self.worker_options.enabled {
            tokio::spawn(worker.run(stop.clone()))
        } else {
            tokio::spawn(async {})
        };
        let housekeeping = tokio::spawn(housekeep(self.state.accounts.clone(), stop));

        // The metrics listener stops when the main one starts to (or ends on an error): its
        // shutdown waits for the sender, which the main server's shutdown future owns.
        let (stop_metrics, metrics_stop) = tokio::sync::watch::channel(false);
        let mut metrics = self.metrics_listener.take().map(|listener| {
            let router = http::metrics_router(self.state.clone());
            let mut metrics_stop = metrics_stop;
            tokio::spawn(async move {
                axum::serve(listener, router)
                    .with_graceful_shutdown(async move {
                        let _ = metrics_stop.wait_for(|stop| *stop).await;
                    })
                    .await
            })
        });
        // Shutdown starts the drain of connections and stops the job runner together: both have
        // the same grace period.
        let grace = self.state.config.http.shutdown_grace;
        let (started_tx, started) = tokio::sync::oneshot::channel::<tokio::time::Instant>();
        let shutdown = async move {
            shutdown.await;
            tracing::info!(grace_secs = grace.as_secs(), "shutting down: draining");
            let _ = started_tx.send(tokio::time::Instant::now());
            let _ = stop_metrics.send(true);
            let _ = stop_worker.send(true);
        };

        // Connections carry the TCP peer to handlers (the client IP, or a trusted proxy's).
        http::connections::serve(listener, self.router(), shutdown, grace).await;

        if let Some(metrics) = &mut metrics {
            match tokio::time::timeout(METRICS_STOP_TIMEOUT, &mut *metrics).await {
                Ok(Ok(Err(e))) => tracing::warn!(error = %e, "the metrics listener failed"),
                Ok(_) => {}
                Err(_) => {
                    metrics.abort();
                    tracing::warn!("the metrics listener did not stop in time");
                }
            }
        }

        // The job being run may finish within what is left of the grace period; if not, it and
        // the rest of its batch go back to the queue at once rather than after the lease.
        let deadline = started
            .await
            .unwrap_or_else(|_| tokio::time::Instant::now())
            + grace;
        if tokio::time::timeout_at(deadline, &mut worker)
            .await
            .is_err()
        {
            worker.abort();
            match runner.hand_back().await {
                Ok(jobs) => tracing::warn!(
                    jobs,
                    "job runner did not stop within the grace period; its jobs went back to the queue"
                ),
                Err(e) => tracing::warn!(
                    error = %crate::describe(&e),
                    "job runner did not stop in time and its jobs could not be handed back; \
                     they are retried after the lease"
                ),
            }
        }
        housekeeping.abort();
        sweeping.abort();
        self.state.db.close().await;
        Ok(())
    }
}

/// The AI service's background work: quiz drafts and lesson summaries.
fn ai_handlers(ai: &Arc<ai::Ai>) -> Vec<Arc<dyn jobs::Handler>> {
    vec![
        Arc::new(ai::drafts::DraftHandler { ai: ai.clone() }),
        Arc::new(ai::summaries::SummaryHandler { ai: ai.clone() }),
    ]
}

/// How often expired and old rows are deleted.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(60 * 60);

/// Deletes, at start and then hourly until `stop`, what must not outlive its use: expired
/// sessions, mailed tokens and known devices; finished jobs (sent and failed mail) and dev-mailbox
/// mail past their retention.
async fn housekeep(accounts: identity::Accounts, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        let now = chrono::Utc::now();
        match (
            accounts.purge_expired().await,
            jobs::purge(&accounts.db, now - jobs::RETENTION).await,
            notify::purge(&accounts.db, now - notify::RETENTION).await,
        ) {
            (Ok(expired), Ok(jobs), Ok(mail)) => {
                tracing::debug!(expired, jobs, mail, "housekeeping deleted old rows")
            }
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                tracing::warn!(error = %e, "housekeeping failed")
            }
        }
        tokio::select! {
            changed = stop.changed() => if changed.is_err() || *stop.borrow() { break },
            () = tokio::time::sleep(HOUSEKEEPING_EVERY) => {},
        }
    }
}

/// Builds the app, prints `EduPlatform listening on http://<addr>` on stdout once it can answer, and
/// serves until `shutdown` completes. Tools wait for that line; nothing else goes to stdout.
pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let addr = listener.local_addr()?;
    // With EDU_BIND=…:0 and no EDU_PUBLIC_URL, mailed links must carry the port really bound.
    let config = config.with_bound_address(addr);
    if config.warns_of_plain_http() {
        tracing::warn!(
            bind = %config.http.bind,
            public_url = %config.http.public_url,
            "EDU_PUBLIC_URL is plain http and EDU_BIND is reachable from other machines: session \
             cookies go without Secure and tokens and passwords cross the network unencrypted; \
             serve it behind an https proxy and set EDU_PUBLIC_URL to the https address"
        );
    }
    // Bound before the database is touched, so a taken port fails fast.
    let metrics = match config.http.metrics_bind {
        Some(metrics_addr) => Some(TcpListener::bind(metrics_addr).await.map_err(|source| {
            StartError::MetricsBind {
                addr: metrics_addr,
                source,
            }
        })?),
        None => None,
    };
    let mut app = App::build(&config).await?;
    if let Some(metrics) = metrics {
        tracing::info!(addr = %metrics.local_addr()?, "serving metrics");
        app = app.with_metrics_listener(metrics);
    }
    println!("EduPlatform listening on http://{addr}");
    tracing::info!(%addr, "listening");
    app.run(listener, shutdown).await
}

/// An error and its causes on one line (our `Error::Database` alone only says "database error").
pub fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}
