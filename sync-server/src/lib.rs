//! EduPlatform's server as a library: `serve` runs it on a listener it is given, `App` lets tests
//! build the same app and start it on port 0.
//!
//! Owns start-up order (database, migrations, demo data, router) and shutdown. Reads no environment
//! variable itself: `Config` comes in from the caller.

pub mod catalog;
pub mod config;
pub mod db;
pub mod error;
pub mod http;
pub mod identity;
pub mod metrics;
pub mod notify;
pub mod telemetry;

use std::future::Future;

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
    #[error("cannot set up accounts: {0}")]
    Accounts(String),
    #[error("cannot serve HTTP: {0}")]
    Io(#[from] std::io::Error),
}

/// A ready app: database connected and migrated, router built.
pub struct App {
    state: http::AppState,
}

impl App {
    /// Connects to the database, applies migrations and, if asked, loads the demo catalog.
    pub async fn build(config: &Config) -> Result<Self, StartError> {
        let db = Db::connect(&config.database_url).await?;
        tracing::info!(database = %config.database_url, "database ready");
        let accounts = identity::Accounts::new(db.clone(), config)
            .await
            .map_err(|e| StartError::Accounts(describe(&e)))?;
        if config.demo_data {
            let inserted = catalog::demo::load_if_empty(&db)
                .await
                .map_err(|e| StartError::DemoData(describe(&e)))?;
            if inserted > 0 {
                tracing::info!(inserted, "loaded the demo courses into an empty catalog");
            }
            let created = identity::demo::create_accounts(&db, &accounts.passwords)
                .await
                .map_err(|e| StartError::DemoData(describe(&e)))?;
            if created > 0 {
                tracing::info!(created, "created the demo accounts");
            }
        }
        Ok(Self {
            state: http::AppState::new(db, config, accounts),
        })
    }

    /// The database this app uses (tests close it to see readiness fail).
    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// The identity services (tests and the benchmark create accounts through them).
    pub fn accounts(&self) -> &identity::Accounts {
        &self.state.accounts
    }

    /// The complete router, layers included.
    pub fn router(&self) -> axum::Router {
        http::router(self.state.clone())
    }

    /// Serves until `shutdown` completes, lets requests in flight finish, then closes the pool.
    pub async fn run(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartError> {
        // Connect info gives handlers the TCP peer (the client IP, or a trusted proxy's).
        let service = self
            .router()
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        let result = axum::serve(listener, service)
            .with_graceful_shutdown(shutdown)
            .await;
        self.state.db.close().await;
        result.map_err(StartError::Io)
    }
}

/// Builds the app, prints `EduPlatform listening on http://<addr>` on stdout once it can answer, and
/// serves until `shutdown` completes. Tools wait for that line; nothing else goes to stdout.
pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let app = App::build(&config).await?;
    let addr = listener.local_addr()?;
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
