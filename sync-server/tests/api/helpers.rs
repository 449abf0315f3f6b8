//! `TestApp`: starts the real app on port 0 against a fresh SQLite file or PostgreSQL database and
//! talks to it like a client would. Databases are removed when the `TestApp` is dropped.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Once};
use std::time::Duration;

mod accounts;
mod courses;
mod process;
mod proxy;

pub use accounts::{token_after, Role, DEMO_PASSWORD};
pub use courses::{minutes_ago, CourseSpec, SeededCourse};
pub use process::{run_command, ServerProcess};
pub use proxy::DbProxy;

use sqlx::{Connection, Executor, PgConnection};
use sync_server::jobs::WorkerOptions;
use sync_server::notify::mailbox::MailboxMessage;
use sync_server::notify::Transport;
use sync_server::{App, Config, Db};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs a test body once per backend: `both_backends!(async fn name(backend) { ... })` makes the
/// tests `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($(#[$meta:meta])* async fn $name:ident($backend:ident) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                let $backend = $crate::helpers::Backend::Sqlite;
                $body
            }

            #[tokio::test]
            async fn postgres() {
                let $backend = $crate::helpers::Backend::Postgres;
                $body
            }
        }
    };
}

/// A test whose behaviour does not depend on the database (static files, headers, routing errors):
/// `database_free!(async fn name(backend) { ... })` runs its body once, on SQLite, instead of once
/// per backend.
#[macro_export]
macro_rules! database_free {
    ($(#[$meta:meta])* async fn $name:ident($backend:ident) $body:block) => {
        $(#[$meta])*
        #[tokio::test]
        async fn $name() {
            let $backend = $crate::helpers::Backend::Sqlite;
            $body
        }
    };
}

/// The PostgreSQL server tests create their databases on (it must allow CREATE DATABASE).
pub fn postgres_admin_url() -> String {
    std::env::var("EDU_TEST_POSTGRES_URL")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn init_test_logging() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new("debug,sqlx=info"))
                .with_test_writer()
                .init();
        }
    });
}

/// A running app and what it needs; stops the server and removes the database when dropped.
pub struct TestApp {
    pub address: SocketAddr,
    /// Where `GET /metrics` is served, when `Options::metrics` asked for it.
    pub metrics_address: Option<SocketAddr>,
    pub client: reqwest::Client,
    /// The app's own pool (shared handle).
    pub db: Db,
    /// The app's media store (its directory is `config.media.dir`, inside the test's directory).
    pub media: Arc<dyn sync_server::content::media::MediaStore>,
    pub config: Config,
    /// Between the app and PostgreSQL, when `Options::database_proxy` asked for it.
    pub db_proxy: Option<DbProxy>,
    /// Holds the SQLite file and anything `spawn_prepared` put there (e.g. a client build).
    _dir: tempfile::TempDir,
    shutdown: Option<oneshot::Sender<()>>,
    // Dropped last, after the server is told to stop.
    _postgres: Option<PostgresDatabase>,
}

/// Knobs a test may turn before the app starts.
#[derive(Debug, Clone)]
pub struct Options {
    pub demo_data: bool,
    /// Relative to the test's temporary directory; it need not exist.
    pub static_dir: PathBuf,
    /// `EDU_DEV_MODE`: on by default, so tests read mail from the dev mailbox.
    pub dev_mode: bool,
    /// `EDU_SMTP_URL`; `None` delivers to the dev mailbox.
    pub smtp_url: Option<String>,
    /// Replaces the configured mail transport (to count or fail deliveries).
    pub mail_transport: Option<Arc<dyn Transport>>,
    pub worker: WorkerOptions,
    /// More job kinds for the app's runner (tests of the queue itself).
    pub job_handlers: Vec<Arc<dyn sync_server::jobs::Handler>>,
    /// Attempt limits of the account routes (the production defaults unless a test changes them).
    pub rate_limits: sync_server::config::RateLimits,
    /// More `EDU_*` variables (e.g. `EDU_TRUSTED_PROXIES`).
    pub env: Vec<(&'static str, String)>,
    /// `EDU_PUBLIC_URL`; `None` is `http://<the bound address>`. An https one makes cookies
    /// `Secure` and `__Host-` prefixed and adds HSTS; the test still talks plain HTTP to the app.
    pub public_url: Option<String>,
    /// Serve metrics on a second listener (`EDU_METRICS_BIND=127.0.0.1:0`).
    pub metrics: bool,
    /// PostgreSQL only: the app reaches its database through a `DbProxy` (`TestApp::db_proxy`),
    /// so the test can cut it off.
    pub database_proxy: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            demo_data: true,
            static_dir: PathBuf::from("dist"),
            dev_mode: true,
            smtp_url: None,
            mail_transport: None,
            worker: WorkerOptions::default(),
            job_handlers: Vec::new(),
            rate_limits: sync_server::config::RateLimits::default(),
            env: Vec::new(),
            public_url: None,
            metrics: false,
            database_proxy: false,
        }
    }
}

impl TestApp {
    /// The app with demo courses and no client build.
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, Options::default()).await
    }

    pub async fn spawn_with(backend: Backend, options: Options) -> Self {
        Self::spawn_prepared(backend, options, |_| {}).await
    }

    /// Like `spawn_with`, running `prepare` on the temporary directory before the app starts.
    pub async fn spawn_prepared(
        backend: Backend,
        options: Options,
        prepare: impl FnOnce(&Path),
    ) -> Self {
        init_test_logging();
        let dir = tempfile::tempdir().expect("temporary directory");
        prepare(dir.path());
        let (mut database_url, postgres) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}", dir.path().join("test.db").display()),
                None,
            ),
            Backend::Postgres => {
                let db = PostgresDatabase::create().await;
                (db.url.clone(), Some(db))
            }
        };
        let db_proxy = if options.database_proxy {
            assert_eq!(
                backend,
                Backend::Postgres,
                "only PostgreSQL is reached over TCP"
            );
            let mut url = url::Url::parse(&database_url).expect("a PostgreSQL URL");
            let upstream = tokio::net::lookup_host((
                url.host_str().expect("a host").to_owned(),
                url.port().unwrap_or(5432),
            ))
            .await
            .expect("resolve PostgreSQL")
            .find(SocketAddr::is_ipv4)
            .expect("an IPv4 address of PostgreSQL");
            let proxy = DbProxy::start(upstream).await;
            url.set_host(Some("127.0.0.1")).expect("host");
            url.set_port(Some(proxy.address.port())).expect("port");
            database_url = url.to_string();
            Some(proxy)
        } else {
            None
        };
        // Bound before the config is made, so EDU_PUBLIC_URL (links in mail) names the real port.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind port 0");
        let address = listener.local_addr().expect("bound address");
        let metrics_listener = if options.metrics {
            Some(
                tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind port 0 for metrics"),
            )
        } else {
            None
        };
        let metrics_address = metrics_listener
            .as_ref()
            .map(|l| l.local_addr().expect("bound metrics address"));
        let public_url = options
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{address}"));
        let mut vars = HashMap::from([
            ("EDU_DATABASE_URL", database_url),
            ("EDU_BIND", address.to_string()),
            ("EDU_PUBLIC_URL", public_url),
            ("EDU_DEV_MODE", options.dev_mode.to_string()),
            (
                "EDU_STATIC_DIR",
                dir.path().join(&options.static_dir).display().to_string(),
            ),
            ("EDU_DEMO_DATA", options.demo_data.to_string()),
            // Uploads stay inside the test's own directory.
            (
                "EDU_MEDIA_DIR",
                dir.path().join("media").display().to_string(),
            ),
        ]);
        if let Some(smtp_url) = options.smtp_url {
            vars.insert("EDU_SMTP_URL", smtp_url);
        }
        vars.extend(options.env);
        if let Some(metrics_address) = metrics_address {
            vars.insert("EDU_METRICS_BIND", metrics_address.to_string());
        }
        let mut config = Config::from_lookup(|name| vars.get(name).cloned()).expect("test config");
        config.limits.rate = options.rate_limits.clone();
        let mut app = App::build(&config)
            .await
            .expect("app starts")
            .with_worker_options(options.worker);
        for handler in options.job_handlers {
            app = app.with_job_handler(handler);
        }
        if let Some(transport) = options.mail_transport {
            app = app.with_mail_transport(transport);
        }
        if let Some(metrics_listener) = metrics_listener {
            app = app.with_metrics_listener(metrics_listener);
        }
        let db = app.db().clone();
        let media = app.media().clone();
        let (shutdown, stop) = oneshot::channel::<()>();
        tokio::spawn(app.run(listener, async {
            let _ = stop.await;
        }));

        Self {
            address,
            metrics_address,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("HTTP client"),
            db,
            media,
            config,
            db_proxy,
            _dir: dir,
            shutdown: Some(shutdown),
            _postgres: postgres,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// The session cookie's name this app reads and sets (`__Host-edu_session` under https).
    pub fn session_cookie_name(&self) -> &'static str {
        sync_server::http::extract::session_cookie_name(self.config.http.secure_cookies())
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    /// GETs `path`, expects `status` and a JSON body of type `T`.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str, status: u16) -> T {
        let res = self.get(path).await;
        assert_eq!(res.status().as_u16(), status, "GET {path}");
        res.json().await.expect("JSON body")
    }

    /// GETs `path`, expects `status` with our JSON error body, and returns its code.
    pub async fn get_error_code(&self, path: &str, status: u16) -> String {
        let body: shared::api::ErrorBody = self.get_json(path, status).await;
        body.error.code.to_string()
    }

    /// The dev mailbox's mail to `to`, newest first (needs dev mode, the default in tests).
    pub async fn mailbox(&self, to: &str) -> Vec<MailboxMessage> {
        let res = self
            .client
            .get(self.url("/api/dev/mailbox"))
            .query(&[("to", to)])
            .send()
            .await
            .expect("request sent");
        assert_eq!(res.status().as_u16(), 200, "GET /api/dev/mailbox?to={to}");
        res.json().await.expect("JSON body")
    }

    /// Waits (up to 10 s) for a mail to `to` that `predicate` accepts; the worker sends mail
    /// asynchronously, so a test reads tokens through this. Panics with the mailbox on time-out.
    pub async fn wait_for_mail(
        &self,
        to: &str,
        predicate: impl Fn(&MailboxMessage) -> bool,
    ) -> MailboxMessage {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let messages = self.mailbox(to).await;
            if let Some(found) = messages.iter().find(|m| predicate(m)) {
                return found.clone();
            }
            if tokio::time::Instant::now() > deadline {
                panic!("no matching mail to {to} within 10 s; the mailbox holds {messages:#?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends raw bytes over one TCP connection: `head` (request line and headers, blank line
    /// included), then `body` in pieces while the answer is read concurrently, so an early answer
    /// (a 413 before the body is done) is seen even when the server stops reading.
    pub async fn raw_request(&self, head: String, body: Vec<Vec<u8>>) -> RawResponse {
        let stream = tokio::net::TcpStream::connect(self.address)
            .await
            .expect("connect");
        let (mut reader, mut writer) = stream.into_split();
        let sending = tokio::spawn(async move {
            if writer.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            for piece in body {
                if writer.write_all(&piece).await.is_err() {
                    return;
                }
            }
            // Keep the write half open: closing it could end the exchange before the answer.
            tokio::time::sleep(Duration::from_secs(30)).await;
        });
        let mut received = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        let response = tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                if let Some(response) = RawResponse::parse(&received) {
                    return response;
                }
                match reader.read(&mut buf).await {
                    Ok(0) | Err(_) => {
                        return RawResponse::parse(&received)
                            .expect("a complete HTTP response before the connection closed")
                    }
                    Ok(n) => received.extend_from_slice(&buf[..n]),
                }
            }
        })
        .await
        .expect("an answer within 20 s");
        sending.abort();
        response
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// A response read off a raw connection (no compression, Content-Length framing).
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: String,
}

impl RawResponse {
    /// The response at the start of `bytes`, once it is all there.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&bytes[..end]).ok()?;
        let mut lines = head.split("\r\n");
        let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let headers: HashMap<String, String> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length: usize = headers.get("content-length")?.parse().ok()?;
        let body = bytes.get(end + 4..end + 4 + length)?;
        Some(Self {
            status,
            headers,
            body: String::from_utf8_lossy(body).into_owned(),
        })
    }
}

/// An empty database of its own (no migrations run), removed when dropped; for tests of upgrades.
pub struct FreshDatabase {
    pub url: String,
    _dir: tempfile::TempDir,
    _postgres: Option<PostgresDatabase>,
}

impl FreshDatabase {
    pub async fn create(backend: Backend) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (url, postgres) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()),
                None,
            ),
            Backend::Postgres => {
                let db = PostgresDatabase::create().await;
                (db.url.clone(), Some(db))
            }
        };
        Self {
            url,
            _dir: dir,
            _postgres: postgres,
        }
    }
}

/// A PostgreSQL database made for one test, dropped (connections and all) with the guard.
struct PostgresDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl PostgresDatabase {
    async fn create() -> Self {
        let admin_url = postgres_admin_url();
        let name = format!("edu_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
            panic!(
                "cannot reach the test PostgreSQL at {admin_url} (set EDU_TEST_POSTGRES_URL): {e}"
            )
        });
        admin
            .execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
            .await
            .expect("CREATE DATABASE");
        let _ = admin.close().await;
        let mut url = url::Url::parse(&admin_url).expect("EDU_TEST_POSTGRES_URL is a URL");
        url.set_path(&format!("/{name}"));
        Self {
            admin_url,
            name,
            url: url.to_string(),
        }
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop cannot await, and the test's runtime may be shutting down: use a thread of our own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&admin_url).await?;
                admin
                    .execute(format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str())
                    .await?;
                admin.close().await
            })
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("warning: could not drop test database {}: {e}", self.name);
        }
    }
}

/// Polls `check` every 20 ms for up to 15 s; panics naming `what` when it never holds.
pub async fn eventually<F, Fut>(what: &str, check: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while !check().await {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Job runner pacing for tests: polls every 10 ms, retries after 100 ms doubling, fails for good
/// after 4 attempts.
pub fn quick_retries() -> WorkerOptions {
    WorkerOptions {
        poll_interval: Duration::from_millis(10),
        base_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_secs(10),
        max_attempts: 4,
        ..WorkerOptions::default()
    }
}

/// Expects `status` with our JSON error body and returns its code.
pub async fn error_code(res: reqwest::Response, status: u16) -> String {
    assert_eq!(res.status(), status, "{:?}", res.url().path());
    let body: shared::api::ErrorBody = res.json().await.expect("JSON error body");
    body.error.code.to_string()
}
