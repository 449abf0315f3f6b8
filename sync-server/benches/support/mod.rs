//! What the benchmarks share: the databases they run on (a temporary SQLite file, then a fresh
//! PostgreSQL database that is dropped afterwards) and the real app started on 127.0.0.1:0 in a
//! runtime of its own, so the load generator never shares its worker threads.

use std::collections::HashMap;
use std::net::SocketAddr;

use sqlx::{Connection, Executor, PgConnection};
use sync_server::{App, Config};

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Runs `bench(label, database_url)` on SQLite, then on PostgreSQL unless
/// `EDU_BENCH_POSTGRES_URL` is empty (default: the local server the tests use).
pub fn on_each_database(mut bench: impl FnMut(&str, &str)) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
    bench("SQLite", &sqlite);

    let admin_url =
        std::env::var("EDU_BENCH_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
    if admin_url.is_empty() {
        println!("(PostgreSQL skipped: EDU_BENCH_POSTGRES_URL is empty)");
        return;
    }
    let name = format!("edu_bench_{}", uuid::Uuid::new_v4().simple());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let created = runtime.block_on(async {
        let mut admin = PgConnection::connect(&admin_url).await?;
        admin
            .execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
            .await
            .map(|_| ())
    });
    if let Err(e) = created {
        println!("(PostgreSQL skipped: cannot create a database at {admin_url}: {e})");
        return;
    }
    let mut url = url::Url::parse(&admin_url).expect("EDU_BENCH_POSTGRES_URL is a URL");
    url.set_path(&format!("/{name}"));
    bench("PostgreSQL", url.as_str());
    runtime.block_on(async {
        if let Ok(mut admin) = PgConnection::connect(&admin_url).await {
            let _ = admin
                .execute(format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str())
                .await;
        }
    });
}

/// The app with demo data, serving on a free port until `stop`.
pub struct Server {
    pub address: SocketAddr,
    /// The configuration it runs with (not every benchmark reads it).
    #[allow(dead_code)]
    pub config: Config,
    runtime: tokio::runtime::Runtime,
    stop: tokio::sync::oneshot::Sender<()>,
    serving: tokio::task::JoinHandle<Result<(), sync_server::StartError>>,
}

impl Server {
    /// Starts the app on `database_url`; `configure` adjusts the config, `adjust` the built app.
    pub fn start(
        database_url: &str,
        configure: impl FnOnce(&mut Config),
        adjust: impl FnOnce(App) -> App,
    ) -> Self {
        Self::start_with_vars(database_url, &[], configure, adjust)
    }

    /// `start` with more `EDU_*` variables (an AI provider, say).
    pub fn start_with_vars(
        database_url: &str,
        extra: &[(&str, String)],
        configure: impl FnOnce(&mut Config),
        adjust: impl FnOnce(App) -> App,
    ) -> Self {
        // Named, so a profile tells the server's threads from the load generator's.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .thread_name("server")
            .enable_all()
            .build()
            .expect("runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind port 0");
        let address = listener.local_addr().expect("bound address");
        let mut vars: HashMap<&str, String> = HashMap::from([
            ("EDU_DATABASE_URL", database_url.to_owned()),
            ("EDU_BIND", address.to_string()),
            ("EDU_DEMO_DATA", "true".to_owned()),
            ("EDU_LOG", "error".to_owned()),
        ]);
        vars.extend(extra.iter().map(|(k, v)| (*k, v.clone())));
        let mut config = Config::from_lookup(|name| vars.get(name).cloned()).expect("config");
        configure(&mut config);
        let app = adjust(runtime.block_on(App::build(&config)).expect("app starts"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = runtime.spawn(app.run(listener, async {
            let _ = stopped.await;
        }));
        Self {
            address,
            config,
            runtime,
            stop,
            serving,
        }
    }

    /// `http://<address>`.
    pub fn base(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Stops serving and waits for the app to shut down.
    pub fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.runtime.block_on(self.serving);
    }
}

/// Runs one SQL statement per call on the benchmark's database (SQLite file or PostgreSQL),
/// returning the first column of the first row as an integer when there is one.
#[allow(dead_code)]
async fn sql_i64(database_url: &str, sql: &str, args: &[&str]) -> Option<i64> {
    use sqlx::Row;
    if database_url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(database_url)
            .await
            .expect("SQLite");
        let mut query = sqlx::query(sql);
        for arg in args {
            query = query.bind(*arg);
        }
        let row = query.fetch_optional(&mut conn).await.expect(sql);
        row.and_then(|r| r.try_get::<i64, _>(0).ok())
    } else {
        let mut conn = PgConnection::connect(database_url)
            .await
            .expect("PostgreSQL");
        let mut query = sqlx::query(sql);
        for arg in args {
            query = query.bind(*arg);
        }
        let row = query.fetch_optional(&mut conn).await.expect(sql);
        row.and_then(|r| r.try_get::<i64, _>(0).ok())
    }
}

/// `count` verified learners made directly in the database (the demo student's password hash is
/// copied, so no hashing is spent making them), each signed in: (user id, session token).
#[allow(dead_code)]
pub async fn learners(
    database_url: &str,
    base: &str,
    count: usize,
) -> Vec<(shared::domain::UserId, String)> {
    let now = chrono::Utc::now().to_rfc3339();
    let client = reqwest::Client::new();
    let mut made = Vec::with_capacity(count);
    for n in 0..count {
        let id = uuid::Uuid::now_v7().to_string();
        let email = format!("bench-learner-{n}-{}@example.com", &id[24..]);
        // Times are TEXT on SQLite and timestamptz on PostgreSQL.
        let now = if database_url.starts_with("sqlite:") {
            format!("'{now}'")
        } else {
            format!("'{now}'::timestamptz")
        };
        sql_i64(
            database_url,
            &format!("INSERT INTO users (id, email, email_key, password_hash, display_name, role, \
                 locale, time_zone, email_verified_at, created_at, updated_at) \
             SELECT $1, $2, $2, password_hash, 'Bench learner', 'student', 'en', 'UTC', {now}, {now}, {now} \
             FROM users WHERE email_key = 'student@demo.local'"),
            &[&id, &email],
        )
        .await;
        let res = client
            .post(format!("{base}/api/auth/sign-in"))
            .json(&serde_json::json!({"email": email, "password": sync_server::identity::demo::DEMO_PASSWORD}))
            .send()
            .await
            .expect("sign in");
        assert_eq!(res.status(), 200, "sign in {email}");
        let body: shared::api::accounts::SignInResponse = res.json().await.expect("sign-in body");
        made.push((body.user.id, body.token));
    }
    made
}

/// The bytes the server keeps for one learner document (snapshot and incremental changes).
#[allow(dead_code)]
pub async fn stored_bytes(database_url: &str, doc_id: &str) -> i64 {
    let snapshot = sql_i64(
        database_url,
        "SELECT CAST(COALESCE(SUM(LENGTH(snapshot)), 0) AS BIGINT) FROM sync_docs WHERE doc_id = $1",
        &[doc_id],
    )
    .await
    .unwrap_or(0);
    let changes = sql_i64(
        database_url,
        "SELECT CAST(COALESCE(SUM(LENGTH(data)), 0) AS BIGINT) FROM sync_changes WHERE doc_id = $1",
        &[doc_id],
    )
    .await
    .unwrap_or(0);
    snapshot + changes
}
