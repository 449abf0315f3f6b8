use std::sync::{Arc, Mutex};

use sync_server::db::Pool;
use sync_server::jobs::{Runner, WorkerOptions};
use sync_server::notify::transport::SendFuture;
use sync_server::notify::{self, Mail, Transport};
use sync_server::{Config, Db};

use crate::both_backends;
use crate::helpers::{Backend, FreshDatabase, TestApp};

/// atuin's flaw was SQLite and PostgreSQL schemas drifting apart; this catches it on every run.
#[tokio::test]
async fn sqlite_and_postgres_migrations_define_the_same_tables_and_columns() {
    let sqlite = TestApp::spawn(Backend::Sqlite).await;
    let postgres = TestApp::spawn(Backend::Postgres).await;
    // SQLite's full-text index is a virtual table (with its shadow tables) where PostgreSQL has a
    // GIN index on `search_documents.terms`: it is compared as that index, everything else as is.
    let fts: Vec<(String, String)> = match sqlite.db.pool() {
        Pool::Sqlite(pool) => sqlx::query_as(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        Pool::Postgres(_) => unreachable!(),
    };
    assert_eq!(fts.len(), 1, "{fts:?}");
    let (fts_table, fts_sql) = &fts[0];
    assert_eq!(fts_table, "search_documents_fts");
    assert!(
        fts_sql.contains("USING fts5 (\n    terms, language,"),
        "{fts_sql}"
    );
    assert!(
        fts_sql.contains("content = 'search_documents'"),
        "{fts_sql}"
    );
    let shadow_prefix = format!("{fts_table}_");
    let is_fts = |table: &str| table == fts_table || table.starts_with(&shadow_prefix);

    let mut sqlite_columns = sqlite.db.schema_columns().await.unwrap();
    sqlite_columns.retain(|(table, _, _)| !is_fts(table));
    let postgres_columns = postgres.db.schema_columns().await.unwrap();
    assert!(
        sqlite_columns
            .iter()
            .any(|(table, column, _)| table == "courses" && column == "slug"),
        "{sqlite_columns:?}"
    );
    assert_eq!(sqlite_columns, postgres_columns);

    // Indexes (primary keys and unique constraints included) and CHECK constraints too.
    let mut sqlite_indexes = sqlite.db.schema_indexes().await.unwrap();
    sqlite_indexes.retain(|(table, _, _, _)| !is_fts(table));
    sqlite_indexes.push((
        "search_documents".to_owned(),
        "terms".to_owned(),
        false,
        false,
    ));
    sqlite_indexes.sort();
    let postgres_indexes = postgres.db.schema_indexes().await.unwrap();
    let unique_email = ("users".to_owned(), "email_key".to_owned(), true, false);
    assert!(sqlite_indexes.contains(&unique_email), "{sqlite_indexes:?}");
    let one_pending = (
        "teacher_applications".to_owned(),
        "user_id".to_owned(),
        true,
        true,
    );
    assert!(sqlite_indexes.contains(&one_pending), "{sqlite_indexes:?}");
    assert_eq!(sqlite_indexes, postgres_indexes);

    let mut sqlite_checks = sqlite.db.schema_checks().await.unwrap();
    sqlite_checks.retain(|(table, _)| !is_fts(table));
    let postgres_checks = postgres.db.schema_checks().await.unwrap();
    assert!(
        sqlite_checks.contains(&("users".to_owned(), "role".to_owned())),
        "{sqlite_checks:?}"
    );
    assert_eq!(sqlite_checks, postgres_checks);
}

// ---- Upgrading a database that holds mail from before the job queue ----------------------------

/// Runs one expression on whichever pool a `Pool` holds.
macro_rules! on_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            Pool::Sqlite($p) => $body,
            Pool::Postgres($p) => $body,
        }
    };
}

/// The migrations before the job queue: the outbox era.
const BEFORE_JOBS: &str = "20251130000000";

/// A transport that keeps every mail it is given.
#[derive(Debug, Default)]
struct Keeping {
    mails: Mutex<Vec<Mail>>,
}

impl Transport for Keeping {
    fn send<'a>(&'a self, mail: &'a Mail) -> SendFuture<'a> {
        Box::pin(async move {
            self.mails.lock().unwrap().push(mail.clone());
            Ok(())
        })
    }
}

/// Runs this backend's migrations older than `BEFORE_JOBS` on `url`, as an older server did.
async fn migrate_to_the_outbox_era(backend: Backend, url: &str) {
    let folder = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../migrations")
        .join(folder);
    let old = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(source).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.as_str() < BEFORE_JOBS {
            std::fs::copy(&path, old.path().join(name)).unwrap();
        }
    }
    let migrator = sqlx::migrate::Migrator::new(old.path()).await.unwrap();
    match backend {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            migrator.run(&pool).await.unwrap();
            pool.close().await;
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            migrator.run(&pool).await.unwrap();
            pool.close().await;
        }
    }
}

both_backends!(
    async fn mail_queued_in_the_outbox_is_sent_as_a_job_after_the_upgrade(backend) {
        let fresh = FreshDatabase::create(backend).await;
        migrate_to_the_outbox_era(backend, &fresh.url).await;
        let config = Config::from_lookup(|name| (name == "EDU_DATABASE_URL").then(|| fresh.url.clone())).unwrap();
        // The old server's rows: a pending mail, a sent one, and pending token mail for nobody.
        let insert = "INSERT INTO outbox (id, user_id, to_email, to_name, locale, template, subject, \
                      body_text, body_html, status, attempts, due_at_ms, created_at, deferred) \
                      VALUES ($1, $2, $3, 'Ada', 'en', $4, $5, $6, $7, $8, $9, 0, $10, $11)";
        type Row = (&'static str, Option<&'static str>, &'static str, &'static str, &'static str, &'static str, &'static str, &'static str, i32, Option<&'static str>);
        let rows: [Row; 3] = [
            ("00000000-0000-7000-8000-000000000001", Some("00000000-0000-7000-8000-0000000000a1"), "ada@example.org", "password_changed", "Your password was changed", "text 1", "<p>html 1</p>", "pending", 1, None),
            ("00000000-0000-7000-8000-000000000002", Some("00000000-0000-7000-8000-0000000000a1"), "ada@example.org", "password_changed", "Your password was changed", "", "", "sent", 1, None),
            ("00000000-0000-7000-8000-000000000003", None, "nobody@example.org", "reset_password", "", "", "", "pending", 0,
             Some(r#"{"kind":"reset_password","email_key":"nobody@example.org"}"#)),
        ];
        {
            let db = match backend {
                Backend::Sqlite => Pool::Sqlite(sqlx::SqlitePool::connect(&fresh.url).await.unwrap()),
                Backend::Postgres => Pool::Postgres(sqlx::PgPool::connect(&fresh.url).await.unwrap()),
            };
            for row in rows {
                on_pool!(&db, pool => sqlx::query(insert)
                    .bind(row.0)
                    .bind(row.1)
                    .bind(row.2)
                    .bind(row.3)
                    .bind(row.4)
                    .bind(row.5)
                    .bind(row.6)
                    .bind(row.7)
                    .bind(row.8)
                    .bind(chrono::Utc::now())
                    .bind(row.9)
                    .execute(pool)
                    .await
                    .map(drop)
                    .unwrap());
            }
            match db {
                Pool::Sqlite(pool) => pool.close().await,
                Pool::Postgres(pool) => pool.close().await,
            }
        }

        // The new server migrates and its runner sends what was pending.
        let db = Db::connect(&config.database.url).await.unwrap();
        let transport = Arc::new(Keeping::default());
        let accounts = sync_server::identity::Accounts::new(db.clone(), &config).await.unwrap();
        let runner = Runner::new(db.clone(), WorkerOptions::default())
            .with_handlers(notify::mail_handlers(&db, transport.clone(), Arc::new(accounts)));
        while runner.run_due().await.unwrap() > 0 {}

        let mails = transport.mails.lock().unwrap().clone();
        assert_eq!(mails.len(), 1, "{mails:?}");
        assert_eq!(
            (mails[0].job_id.as_str(), mails[0].user_id.as_ref().map(|id| id.as_str()), mails[0].to_email.as_str()),
            ("00000000-0000-7000-8000-000000000001", Some("00000000-0000-7000-8000-0000000000a1"), "ada@example.org")
        );
        assert_eq!((mails[0].text.as_str(), mails[0].html.as_str()), ("text 1", "<p>html 1</p>"));
        let sql = "SELECT id, kind, status, attempts FROM jobs ORDER BY id";
        let jobs: Vec<(String, String, String, i32)> =
            on_pool!(db.pool(), pool => sqlx::query_as(sql).fetch_all(pool).await.unwrap());
        let expected = [("00000000-0000-7000-8000-000000000001", "mail", "done", 2), ("00000000-0000-7000-8000-000000000002", "mail", "done", 1)];
        let expected: Vec<(String, String, String, i32)> = expected
            .iter()
            .map(|(id, kind, status, attempts)| (id.to_string(), kind.to_string(), status.to_string(), *attempts))
            .collect();
        assert_eq!(jobs, expected, "the token mail for nobody had nothing to send");
        db.close().await;
    }
);

both_backends!(
    async fn a_database_migrated_by_a_newer_server_is_refused_with_one_line(backend) {
        let fresh = FreshDatabase::create(backend).await;
        let url = sync_server::config::DatabaseUrl::parse(&fresh.url).unwrap();
        let db = Db::connect(&url).await.unwrap();
        let latest = sync_server::db::latest_schema_version(db.backend());
        assert_eq!(db.schema_version().await.unwrap(), latest);
        let future = 99_991_231_000_000_i64;
        on_pool!(db.pool(), pool => sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES ($1, 'from a newer server', TRUE, $2, 0)",
        )
        .bind(future)
        .bind(vec![0u8; 48])
        .execute(pool)
        .await
        .map(drop)
        .unwrap());
        db.close().await;

        let dir = tempfile::tempdir().unwrap();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_sync-server"));
        for (key, _) in std::env::vars() {
            if key.starts_with("EDU_") {
                cmd.env_remove(key);
            }
        }
        let out = cmd
            .current_dir(dir.path())
            .env("EDU_DATABASE_URL", &fresh.url)
            .env("EDU_BIND", "127.0.0.1:0")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert_eq!(out.stdout, b"", "never listened");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("error: the database at ")
                && stderr.contains(&format!(
                    "has schema version {future}, newer than this server knows (its latest is {latest})"
                )),
            "{stderr}"
        );

        // Nothing was touched: the newer server's record is still the latest.
        let db = Db::connect(&url).await;
        assert!(matches!(db, Err(sync_server::db::DbError::SchemaNewer { found, .. }) if found == future));
    }
);
