//! Storage: the connection pool for whichever backend the config names, and the schema migrations.
//!
//! Owns connecting (with timeouts and a clear reason on failure) and migrating. Holds no domain SQL:
//! that lives in the domain modules, written once with `$1` placeholders and run through `on_pool!`.

use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::Connection;

use crate::config::{Backend, DatabaseUrl, SqliteDurability};
use crate::jobs::Waker;

/// How long start-up waits for the database, and how long a request waits for a pooled connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A pooled PostgreSQL connection idle for at least this long is pinged before it is handed out.
pub const PING_IF_IDLE_FOR: Duration = Duration::from_secs(1);

/// Whether `error` says the connection to the database broke or could not be had (the server
/// restarted, the network dropped, the pool timed out), as opposed to a statement the database
/// refused. Such an error says nothing about the request: a read may be tried again on a fresh
/// connection; a write may or may not have landed, so it is answered 503, never retried blindly.
pub fn is_connection_lost(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        // PostgreSQL's class 08 (connection exception) and 57P01-57P03 (the server is shutting
        // down, crashed or is starting): the session is gone, whatever it was doing.
        sqlx::Error::Database(e) => e.code().is_some_and(|code| {
            code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

/// When this process last saw a connection break (`Db::note_connection_lost`), in milliseconds
/// since `epoch`. A pooled connection that went idle before then may be dead too: it is pinged
/// before it is handed out, so a retried read gets a live connection or a new one, never a second
/// dead one.
#[derive(Debug, Clone)]
struct ConnectionLoss {
    epoch: Instant,
    last_ms: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl ConnectionLoss {
    fn new() -> Self {
        Self {
            epoch: Instant::now(),
            last_ms: std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0)),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn note(&self) {
        // +1: "never" is 0, and a loss in the first millisecond must still count.
        self.last_ms
            .store(self.now_ms() + 1, std::sync::atomic::Ordering::Release);
    }

    /// Whether a connection idle for `idle_for` went idle before the last loss.
    fn idle_since_before_loss(&self, idle_for: Duration) -> bool {
        let idle_ms = u64::try_from(idle_for.as_millis()).unwrap_or(u64::MAX);
        let went_idle = self.now_ms().saturating_sub(idle_ms) + 1;
        went_idle <= self.last_ms.load(std::sync::atomic::Ordering::Acquire)
    }
}

/// The database the server writes to, and the doorbell of this process's job runner (a
/// transaction that queued work rings it when it commits). Cloning is cheap (shared handles).
#[derive(Debug, Clone)]
pub struct Db {
    pool: Pool,
    jobs: Waker,
    catalog: CatalogGeneration,
    loss: ConnectionLoss,
    /// SQLite has one writer at a time: this process's transactions take turns here, in order,
    /// before `BEGIN IMMEDIATE` (see `write_turn`).
    writers: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// A counter that grows each time a committed transaction changed what the public catalog shows
/// (courses, lessons, categories, ratings, enrollment counts). In-process caches of catalog reads
/// remember the generation they were filled at and are stale once it moved.
#[derive(Debug, Clone, Default)]
pub struct CatalogGeneration(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl CatalogGeneration {
    /// The current generation.
    pub fn current(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Moves to a new generation: every cached catalog read is stale.
    pub fn advance(&self) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// The connection pool of whichever backend the config names.
#[derive(Debug, Clone)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same expression on whichever pool `db` holds: `on_pool!(db, pool => query.fetch_all(pool).await)`.
///
/// The expression is type-checked once per backend, so shared SQL text stays shared and only the
/// places where dialects differ need their own `match`.
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match ($db).pool() {
            $crate::db::Pool::Sqlite($pool) => $body,
            $crate::db::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// One unit of work on either backend: everything written through it lands together or not at all
/// (one transaction per user action, so a queued job is committed with the change it announces).
/// Remembers whether it queued a job, and then wakes the job runner once it has committed: work
/// from a rolled-back transaction never existed, and committed work needs no separate "wake" call.
#[derive(Debug)]
pub struct Tx {
    pub(crate) conn: TxConn,
    /// This process's SQLite write turn, held until the transaction ends.
    _write_turn: Option<tokio::sync::OwnedMutexGuard<()>>,
    jobs: Waker,
    queued_jobs: bool,
    catalog: CatalogGeneration,
    changed_catalog: bool,
}

/// The open transaction of a `Tx`.
#[derive(Debug)]
pub(crate) enum TxConn {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs the same expression on whichever connection a `Tx` holds:
/// `on_tx!(tx, conn => sqlx::query("...").execute(conn).await)` (`conn` is `&mut Connection`).
#[allow(unused_macros)] // used by the identity and notification domains
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match &mut ($tx).conn {
            $crate::db::TxConn::Sqlite(t) => {
                let $conn = &mut **t;
                $body
            }
            $crate::db::TxConn::Postgres(t) => {
                let $conn = &mut **t;
                $body
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use on_tx;

impl Tx {
    /// Commits, then wakes this process's job runner if a job was queued (`jobs::enqueue`).
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        let Self {
            conn,
            _write_turn,
            jobs,
            queued_jobs,
            catalog,
            changed_catalog,
        } = self;
        match conn {
            TxConn::Sqlite(t) => t.commit().await?,
            TxConn::Postgres(t) => t.commit().await?,
        }
        if queued_jobs {
            jobs.wake();
        }
        if changed_catalog {
            catalog.advance();
        }
        Ok(())
    }

    /// Notes that this transaction changed what the public catalog shows: once it commits, cached
    /// catalog reads are stale (`Db::catalog_generation`). A rolled-back change stales nothing.
    pub fn changed_catalog(&mut self) {
        self.changed_catalog = true;
    }

    /// Notes that a job was queued in this transaction (called by `jobs::enqueue`).
    pub(crate) fn queued_job(&mut self) {
        self.queued_jobs = true;
    }
}

/// Why the database could not be made ready at start.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot create the directory for the SQLite database {path}: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot connect to database at {url}: {reason}")]
    Connect { url: String, reason: String },
    /// The database was migrated by a newer server: this one must not touch it.
    #[error(
        "the database at {url} has schema version {found}, newer than this server knows (its \
         latest is {latest}): run the newer sync-server that migrated it, or restore a backup \
         made by this version"
    )]
    SchemaNewer {
        url: String,
        found: i64,
        latest: i64,
    },
    #[error("cannot migrate database at {url}: {source}")]
    Migrate {
        url: String,
        source: sqlx::migrate::MigrateError,
    },
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// The latest schema version (migration) this binary knows for `backend`.
pub fn latest_schema_version(backend: Backend) -> i64 {
    let migrator = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    migrator.iter().map(|m| m.version).max().unwrap_or(0)
}

impl Db {
    /// Opens a pool and brings the schema up to date. Fails within about `CONNECT_TIMEOUT`.
    pub async fn connect(url: &DatabaseUrl) -> Result<Self, DbError> {
        let loss = ConnectionLoss::new();
        let pool = match url.backend() {
            Backend::Sqlite => Pool::Sqlite(connect_sqlite(url).await?),
            Backend::Postgres => Pool::Postgres(connect_postgres(url, loss.clone()).await?),
        };
        let db = Self {
            pool,
            jobs: Waker::new(),
            catalog: CatalogGeneration::default(),
            loss,
            writers: std::sync::Arc::default(),
        };
        db.migrate().await.map_err(|source| {
            let latest = latest_schema_version(db.backend());
            match source {
                // An applied migration this binary does not have, and later than all it has.
                sqlx::migrate::MigrateError::VersionMissing(found) if found > latest => {
                    DbError::SchemaNewer {
                        url: url.redacted(),
                        found,
                        latest,
                    }
                }
                source => DbError::Migrate {
                    url: url.redacted(),
                    source,
                },
            }
        })?;
        Ok(db)
    }

    /// The latest migration applied to this database (0 when none is).
    pub async fn schema_version(&self) -> Result<i64, sqlx::Error> {
        let version: Option<i64> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT MAX(version) FROM _sqlx_migrations WHERE success"
        )
        .fetch_one(pool)
        .await)?;
        Ok(version.unwrap_or(0))
    }

    /// Applies the migrations of this backend that have not run yet.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match &self.pool {
            Pool::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await,
            Pool::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await,
        }
    }

    /// The pool, for code where the dialects differ (`match db.pool() { Pool::Sqlite(p) => .. }`).
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Rung when a transaction that queued a job commits; the job runner waits on it.
    pub fn jobs_waker(&self) -> &Waker {
        &self.jobs
    }

    /// Advanced when a transaction that changed the public catalog commits.
    pub fn catalog_generation(&self) -> &CatalogGeneration {
        &self.catalog
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Notes that a connection broke just now: every connection idle since before now is pinged
    /// before its next use (see `ConnectionLoss`).
    pub fn note_connection_lost(&self) {
        self.loss.note();
    }

    /// Starts a transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so two
    /// writers queue on `busy_timeout` instead of failing when a read lock cannot be upgraded.
    ///
    /// A `BEGIN` that fails on a broken connection is tried once more on a fresh one: nothing of
    /// the transaction was sent yet, so this retry cannot do anything twice.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        let write_turn = self.write_turn().await;
        let conn = match self.begin_conn().await {
            Err(e) if is_connection_lost(&e) && !matches!(e, sqlx::Error::PoolClosed) => {
                tracing::warn!(error = %e, "a database connection broke; beginning again on a fresh one");
                self.note_connection_lost();
                self.begin_conn().await?
            }
            other => other?,
        };
        Ok(Tx {
            conn,
            _write_turn: write_turn,
            jobs: self.jobs.clone(),
            queued_jobs: false,
            catalog: self.catalog.clone(),
            changed_catalog: false,
        })
    }

    /// On SQLite, waits for this process's turn to write. Without it, concurrent transactions all
    /// run `BEGIN IMMEDIATE` and the losers sleep in SQLite's busy handler (1, 2, 5, 10 ms and
    /// longer), so the write lock sits idle after each commit until a sleeper wakes (`cargo xtask
    /// bench sync`, 64 devices on a loaded machine: 526 syncs/s before this and the sync cache's
    /// device states, about 1,150 after). Here they queue in order and the next starts the
    /// moment the last one ends. Other processes on the same file still meet at the busy handler.
    /// A turn not had within `CONNECT_TIMEOUT` (a transaction begun while holding another, which
    /// SQLite could not serve either) falls back to the busy handler alone, with a warning.
    async fn write_turn(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        if !matches!(self.pool, Pool::Sqlite(_)) {
            return None;
        }
        match tokio::time::timeout(CONNECT_TIMEOUT, self.writers.clone().lock_owned()).await {
            Ok(turn) => Some(turn),
            Err(_) => {
                tracing::warn!("no SQLite write turn within the connect timeout; beginning anyway");
                None
            }
        }
    }

    /// Begins on a pooled connection in a task of its own, so that a caller dropped while its
    /// `BEGIN` runs (a client that hung up, a timeout) cannot leave the connection half begun:
    /// the task always ends with a `Transaction`, which rolls back when nobody is left to take
    /// it. (sqlx's SQLite worker already rolls back a `BEGIN` nobody waits for; on PostgreSQL a
    /// dropped `begin()` could leave the session inside a transaction sqlx does not count.)
    async fn begin_conn(&self) -> Result<TxConn, sqlx::Error> {
        let crashed = |e: tokio::task::JoinError| {
            tracing::error!(error = %e, "beginning a transaction panicked");
            sqlx::Error::WorkerCrashed
        };
        Ok(match &self.pool {
            Pool::Sqlite(pool) => {
                let pool = pool.clone();
                let begun = tokio::spawn(async move { pool.begin_with("BEGIN IMMEDIATE").await });
                TxConn::Sqlite(begun.await.map_err(crashed)??)
            }
            Pool::Postgres(pool) => {
                let pool = pool.clone();
                let begun = tokio::spawn(async move { pool.begin().await });
                TxConn::Postgres(begun.await.map_err(crashed)??)
            }
        })
    }

    /// Checks that a connection can be had and answers (`SELECT 1`).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(drop))
    }

    /// Connections the pool holds, busy or idle.
    pub fn pool_size(&self) -> u32 {
        on_pool!(self, pool => pool.size())
    }

    /// The most connections the pool may hold (what saturation is measured against).
    pub fn pool_max(&self) -> u32 {
        on_pool!(self, pool => pool.options().get_max_connections())
    }

    /// Connections waiting in the pool for work.
    pub fn pool_idle(&self) -> usize {
        on_pool!(self, pool => pool.num_idle())
    }

    /// Closes every connection; later queries fail. Lets SQLite checkpoint its WAL on shutdown.
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }

    /// `(table, column, not_null)` for every column of the application schema, sorted; lets a test
    /// check that the SQLite and PostgreSQL migrations describe the same schema.
    pub async fn schema_columns(&self) -> Result<Vec<(String, String, bool)>, sqlx::Error> {
        // The dialects differ here: SQLite has pragma functions, PostgreSQL has information_schema.
        let rows: Vec<(String, String, bool)> = match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::query_as(
                    "SELECT m.name, p.name, p.\"notnull\" != 0 \
                     FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
                       AND m.name NOT LIKE '_sqlx_%' \
                     ORDER BY m.name, p.name",
                )
                .fetch_all(pool)
                .await?
            }
            Pool::Postgres(pool) => {
                sqlx::query_as(
                    "SELECT table_name::text, column_name::text, is_nullable = 'NO' \
                     FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx\\_%' \
                     ORDER BY table_name, column_name",
                )
                .fetch_all(pool)
                .await?
            }
        };
        Ok(rows)
    }

    /// `(table, columns, unique, partial)` for every index of the application schema (primary
    /// keys and unique constraints included, names left out since each backend names its own),
    /// sorted; lets a test check that both migrations index the same columns the same way.
    pub async fn schema_indexes(&self) -> Result<Vec<(String, String, bool, bool)>, sqlx::Error> {
        // The dialects differ here: SQLite lists indexes with pragmas, PostgreSQL in pg_index.
        let mut rows: Vec<(String, String, bool, bool)> = match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::query_as(
                    "SELECT m.name, \
                            (SELECT group_concat(name, ',') FROM \
                                (SELECT ii.name FROM pragma_index_info(il.name) ii ORDER BY ii.seqno)), \
                            il.\"unique\" != 0, il.partial != 0 \
                     FROM sqlite_master m JOIN pragma_index_list(m.name) il \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
                       AND m.name NOT LIKE '_sqlx_%'",
                )
                .fetch_all(pool)
                .await?
            }
            Pool::Postgres(pool) => {
                sqlx::query_as(
                    "SELECT t.relname::text, \
                            (SELECT string_agg(a.attname::text, ',' ORDER BY k.n) \
                             FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) \
                             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum), \
                            i.indisunique, i.indpred IS NOT NULL \
                     FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid \
                     JOIN pg_namespace ns ON ns.oid = t.relnamespace \
                     WHERE ns.nspname = current_schema() AND t.relname NOT LIKE '\\_sqlx\\_%'",
                )
                .fetch_all(pool)
                .await?
            }
        };
        // SQLite gives a table with an INTEGER PRIMARY KEY no index row (the column is the rowid,
        // its own unique key); list it as PostgreSQL lists its primary key index.
        if let Pool::Sqlite(pool) = &self.pool {
            let rowid_keys: Vec<(String, String, bool, bool)> = sqlx::query_as(
                "SELECT m.name, p.name, TRUE, FALSE \
                 FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
                   AND m.name NOT LIKE '_sqlx_%' AND p.pk = 1 AND upper(p.type) = 'INTEGER' \
                   AND (SELECT count(*) FROM pragma_table_info(m.name) k WHERE k.pk > 0) = 1",
            )
            .fetch_all(pool)
            .await?;
            rows.extend(rowid_keys);
        }
        rows.sort();
        Ok(rows)
    }

    /// `(table, column)` for every column that has a CHECK constraint, sorted. SQLite keeps no
    /// catalog of checks, so its side is read from each table's CREATE TABLE text: a column
    /// definition holding `CHECK` names its column first. Table-level checks show as column `*`.
    pub async fn schema_checks(&self) -> Result<Vec<(String, String)>, sqlx::Error> {
        let mut checks: Vec<(String, String)> = match &self.pool {
            Pool::Sqlite(pool) => {
                let tables: Vec<(String, String)> = sqlx::query_as(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'table' \
                     AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx_%'",
                )
                .fetch_all(pool)
                .await?;
                tables
                    .into_iter()
                    .flat_map(|(table, sql)| {
                        column_definitions(&sql)
                            .into_iter()
                            .filter(|def| def.to_ascii_uppercase().contains("CHECK"))
                            .map(|def| {
                                let first = def.split_whitespace().next().unwrap_or_default();
                                let column = if first.eq_ignore_ascii_case("CHECK")
                                    || first.eq_ignore_ascii_case("CONSTRAINT")
                                {
                                    "*".to_owned()
                                } else {
                                    first.trim_matches('"').to_owned()
                                };
                                (table.clone(), column)
                            })
                            .collect::<Vec<_>>()
                    })
                    .collect()
            }
            Pool::Postgres(pool) => {
                sqlx::query_as(
                    "SELECT t.relname::text, \
                            CASE WHEN array_length(c.conkey, 1) = 1 \
                                 THEN (SELECT a.attname::text FROM pg_attribute a \
                                       WHERE a.attrelid = t.oid AND a.attnum = c.conkey[1]) \
                                 ELSE '*' END \
                     FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
                     JOIN pg_namespace ns ON ns.oid = t.relnamespace \
                     WHERE c.contype = 'c' AND ns.nspname = current_schema()",
                )
                .fetch_all(pool)
                .await?
            }
        };
        checks.sort();
        Ok(checks)
    }
}

/// The comma-separated parts of a CREATE TABLE statement's outer parentheses (column definitions
/// and table constraints), commas inside nested parentheses or quotes left alone; `--` comments
/// dropped.
fn column_definitions(create_table: &str) -> Vec<String> {
    let text: String = create_table
        .lines()
        .map(|line| line.split("--").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let Some(start) = text.find('(') else {
        return Vec::new();
    };
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut quoted = false;
    let mut current = String::new();
    for c in text[start + 1..].chars() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth == 0 => break,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                parts.push(current.trim().to_owned());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        parts.push(current.trim().to_owned());
    }
    parts
}

/// How much of a SQLite database file is memory-mapped for reading (SQLite's `mmap_size`).
const SQLITE_MMAP_BYTES: u64 = 1 << 30;

async fn connect_sqlite(url: &DatabaseUrl) -> Result<SqlitePool, DbError> {
    let connect_error = |e: sqlx::Error| DbError::Connect {
        url: url.redacted(),
        reason: e.to_string(),
    };
    let options = SqliteConnectOptions::from_str(url.expose()).map_err(connect_error)?;
    let in_memory =
        url.expose().starts_with("sqlite::memory:") || url.expose().contains("mode=memory");
    let options = options
        .create_if_missing(true)
        .foreign_keys(true)
        .busy_timeout(CONNECT_TIMEOUT);

    // A file on this machine does not hang up on us: no ping before each use.
    let mut pool = SqlitePoolOptions::new()
        .acquire_timeout(CONNECT_TIMEOUT)
        .test_before_acquire(false);
    let options = if in_memory {
        // An in-memory database lives as long as one of its connections does: keep them all.
        pool = pool
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None);
        options
    } else {
        let path = options.get_filename();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| DbError::CreateDir {
                path: path.display().to_string(),
                source,
            })?;
        }
        // WAL lets readers run while the one writer writes; the URL says when a commit is on
        // the disk (`config::database::SqliteDurability`).
        //
        // Pages are read through a memory map (up to `SQLITE_MMAP_BYTES`) instead of a `pread`
        // into each connection's own page cache: a search or an uncached course page reads
        // hundreds of pages, and copying each from the kernel was a fifth of the reading
        // threads' time. Pages still in the WAL are read as before.
        options
            .pragma("mmap_size", SQLITE_MMAP_BYTES.to_string())
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(match url.sqlite_durability() {
                SqliteDurability::Normal => SqliteSynchronous::Normal,
                SqliteDurability::Full => SqliteSynchronous::Full,
            })
    };
    pool.connect_with(options).await.map_err(connect_error)
}

async fn connect_postgres(url: &DatabaseUrl, loss: ConnectionLoss) -> Result<PgPool, DbError> {
    let connect_error = |reason: String| DbError::Connect {
        url: url.redacted(),
        reason,
    };
    let options =
        PgConnectOptions::from_str(url.expose()).map_err(|e| connect_error(e.to_string()))?;

    // One direct attempt first: the pool would retry a refused connection until its timeout and then
    // report only "timed out", hiding the reason an operator needs.
    let deadline = Instant::now() + CONNECT_TIMEOUT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, sqlx::PgConnection::connect_with(&options)).await {
            Ok(Ok(conn)) => {
                let _ = conn.close().await;
                break;
            }
            // The server may still be starting (compose, CI): retry a refusal until the deadline.
            Ok(Err(sqlx::Error::Io(e)))
                if e.kind() == std::io::ErrorKind::ConnectionRefused
                    && left > Duration::from_millis(500) =>
            {
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Ok(Err(e)) => return Err(connect_error(e.to_string())),
            Err(_) => {
                return Err(connect_error(format!(
                    "no answer within {} s",
                    CONNECT_TIMEOUT.as_secs()
                )))
            }
        }
    }
    PgPoolOptions::new()
        .acquire_timeout(CONNECT_TIMEOUT)
        // sqlx pings every connection before handing it out by default: a second round trip to
        // the database for each query, and under load a second wait for a busy core. A connection
        // in steady use is known good; one that sat idle (the server may have restarted, a
        // firewall may have dropped it) is pinged, and a dead one is replaced before use. So is
        // one that was idle when another connection was just seen to break (a restart cuts all).
        .test_before_acquire(false)
        .before_acquire(move |conn, meta| {
            let suspect =
                meta.idle_for >= PING_IF_IDLE_FOR || loss.idle_since_before_loss(meta.idle_for);
            Box::pin(async move {
                if suspect {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .connect_with(options)
        .await
        .map_err(|e| connect_error(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn memory_db() -> Db {
        let url = DatabaseUrl::parse("sqlite::memory:").expect("url");
        Db::connect(&url).await.expect("in-memory database")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_begin_cancelled_half_way_leaves_no_transaction_behind() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("cancelled.db");
        let url = DatabaseUrl::parse(&format!("sqlite://{}", path.display())).expect("url");
        let db = Db::connect(&url).await.expect("database");
        for round in 0..300_u64 {
            // Dropped before, during and after its BEGIN, as a handler is when its client hangs up.
            let wait = Duration::from_micros(round % 60 * 10);
            let _ = tokio::time::timeout(wait, db.begin()).await;
            let tx = tokio::time::timeout(Duration::from_secs(3), db.begin())
                .await
                .expect("the write lock is free again")
                .expect("a connection outside any transaction");
            tx.commit().await.expect("commit");
        }
    }

    #[tokio::test]
    async fn only_a_committed_transaction_that_queued_a_job_wakes_the_runner() {
        let db = memory_db().await;
        let rings = db.jobs_waker().listen();
        let options = crate::jobs::Options::default;

        db.begin()
            .await
            .expect("begin")
            .commit()
            .await
            .expect("commit");
        assert!(!rings.has_changed().expect("open"), "nothing queued");

        let mut tx = db.begin().await.expect("begin");
        crate::jobs::enqueue(&mut tx, "test", &1, options())
            .await
            .expect("enqueue");
        drop(tx);
        assert!(!rings.has_changed().expect("open"), "rolled back");

        let mut tx = db.begin().await.expect("begin");
        crate::jobs::enqueue(&mut tx, "test", &2, options())
            .await
            .expect("enqueue");
        assert!(!rings.has_changed().expect("open"), "not before the commit");
        tx.commit().await.expect("commit");
        assert!(rings.has_changed().expect("open"), "committed");
    }

    #[tokio::test]
    async fn a_dropped_transaction_writes_nothing_and_a_committed_one_writes_all() {
        let db = memory_db().await;
        let count = |db: Db| async move {
            on_pool!(&db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM categories").fetch_one(pool).await)
                .expect("count")
        };
        let insert = "INSERT INTO categories (id, slug, name_en, name_ru, created_at) \
                      VALUES ($1, $1, 'n', 'н', $2)";
        let now = chrono::Utc::now();

        let mut tx = db.begin().await.expect("begin");
        on_tx!(&mut tx, conn => sqlx::query(insert).bind("a").bind(now).execute(conn).await.map(|r| r.rows_affected()))
            .expect("insert");
        drop(tx);
        assert_eq!(count(db.clone()).await, 0, "rolled back on drop");

        let mut tx = db.begin().await.expect("begin");
        for id in ["a", "b"] {
            on_tx!(&mut tx, conn => sqlx::query(insert).bind(id).bind(now).execute(conn).await.map(|r| r.rows_affected()))
                .expect("insert");
        }
        tx.commit().await.expect("commit");
        assert_eq!(count(db).await, 2);
    }
}
