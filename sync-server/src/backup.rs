//! Backups of a SQLite database (`sync-server backup` / `restore`), and the facts a PostgreSQL
//! operator needs for `pg_dump`/`pg_restore`.
//!
//! Owns making a consistent copy of a live SQLite database (`VACUUM INTO` a temporary file, checked,
//! synced, then renamed) and putting one back. A restore never replaces the database file under a
//! running server: it copies the backup's rows into the database through SQLite, in one
//! transaction, so a reader sees the old data or the new, never a torn file. Never writes the
//! live database during a backup, and never leaves a half-written backup under the given name.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};

use crate::config::{Backend, DatabaseUrl};
use crate::db::{latest_schema_version, Db, DbError, CONNECT_TIMEOUT};

/// Why a backup or restore was refused or failed; displays as one line for operators.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} exists already; a backup never overwrites a file: choose a new name")]
    TargetExists(String),
    #[error("there is no database at {0}")]
    NoDatabase(String),
    #[error("{path} is not a backup of this server: {reason}")]
    NotABackup { path: String, reason: String },
    #[error(
        "the backup {path} has schema version {found}, newer than this server knows (its latest \
         is {latest}): restore it with the newer sync-server that made it"
    )]
    NewerBackup {
        path: String,
        found: i64,
        latest: i64,
    },
    #[error(
        "the database at {url} holds data (schema version {version}); a restore replaces all of \
         it: run again with --force (stop the server first, or restart it after)"
    )]
    Live { url: String, version: i64 },
    #[error("cannot write the backup to {path}: {reason}; the database was not changed")]
    Write { path: String, reason: String },
    #[error("cannot restore into {url}: {reason}; the database was not changed")]
    Restore { url: String, reason: String },
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("{0}")]
    Io(String),
}

/// What a backup wrote.
#[derive(Debug)]
pub struct BackupReport {
    pub bytes: u64,
    pub schema_version: i64,
}

/// What a restore put back: rows per table.
#[derive(Debug)]
pub struct RestoreReport {
    pub schema_version: i64,
    pub rows: Vec<(String, i64)>,
}

fn sqlite_path(url: &DatabaseUrl) -> Result<PathBuf, BackupError> {
    let options = SqliteConnectOptions::from_str(url.expose())
        .map_err(|e| BackupError::Io(format!("EDU_DATABASE_URL: {e}")))?;
    Ok(options.get_filename().to_path_buf())
}

async fn open(path: &Path, read_only: bool) -> Result<SqliteConnection, sqlx::Error> {
    SqliteConnectOptions::new()
        .filename(path)
        .read_only(read_only)
        .busy_timeout(CONNECT_TIMEOUT)
        .connect()
        .await
}

/// The schema version recorded in the database at `path`, `None` when it holds no schema of ours.
async fn recorded_version(conn: &mut SqliteConnection) -> Result<Option<i64>, sqlx::Error> {
    let has_table: bool = sqlx::query_scalar(
        "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(&mut *conn)
    .await?;
    if !has_table {
        return Ok(None);
    }
    let version: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut *conn)
            .await?;
    Ok(version)
}

/// Copies the SQLite database of `url` to `to`, consistently while the server runs.
pub async fn backup_sqlite(url: &DatabaseUrl, to: &Path) -> Result<BackupReport, BackupError> {
    let source = sqlite_path(url)?;
    if !source.exists() {
        return Err(BackupError::NoDatabase(url.redacted()));
    }
    if to.exists() {
        return Err(BackupError::TargetExists(to.display().to_string()));
    }
    let write_error = |reason: String| BackupError::Write {
        path: to.display().to_string(),
        reason,
    };
    let partial = PathBuf::from(format!(
        "{}.partial-{}",
        to.display(),
        uuid::Uuid::now_v7().simple()
    ));
    let copied = async {
        let mut conn = open(&source, false).await?;
        sqlx::query("VACUUM INTO $1")
            .bind(partial.display().to_string())
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        let mut copy = open(&partial, true).await?;
        let check: String = sqlx::query_scalar("PRAGMA quick_check")
            .fetch_one(&mut copy)
            .await?;
        let version = recorded_version(&mut copy).await?.unwrap_or(0);
        copy.close().await?;
        Ok::<_, sqlx::Error>((check, version))
    }
    .await;
    let finished = match copied {
        Ok((check, version)) if check == "ok" => std::fs::File::open(&partial)
            .and_then(|f| f.sync_all())
            .and_then(|()| std::fs::rename(&partial, to))
            .map_err(|e| write_error(e.to_string()))
            .map(|()| version),
        Ok((check, _)) => Err(write_error(format!("the copy fails its check: {check}"))),
        Err(e) => Err(write_error(e.to_string())),
    };
    let version = match finished {
        Ok(version) => version,
        Err(e) => {
            // SQLite may leave the copy's rollback journal (or WAL files) beside it when the
            // disk fills mid-copy: a failed backup leaves nothing behind.
            for suffix in ["", "-journal", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
            }
            return Err(e);
        }
    };
    let bytes = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
    Ok(BackupReport {
        bytes,
        schema_version: version,
    })
}

/// Checks that `from` is a backup this server can restore; returns its schema version.
async fn check_backup(from: &Path) -> Result<i64, BackupError> {
    let not_a_backup = |reason: String| BackupError::NotABackup {
        path: from.display().to_string(),
        reason,
    };
    if !from.is_file() {
        return Err(not_a_backup("no such file".into()));
    }
    let checked = async {
        let mut conn = open(from, true).await?;
        let check: String = sqlx::query_scalar("PRAGMA quick_check")
            .fetch_one(&mut conn)
            .await?;
        let version = recorded_version(&mut conn).await?;
        conn.close().await?;
        Ok::<_, sqlx::Error>((check, version))
    }
    .await;
    let version = match checked {
        Ok((check, Some(version))) if check == "ok" => version,
        Ok((check, Some(_))) => return Err(not_a_backup(format!("it fails its check: {check}"))),
        Ok((_, None)) => return Err(not_a_backup("it holds no EduPlatform schema".into())),
        Err(e) => return Err(not_a_backup(e.to_string())),
    };
    let latest = latest_schema_version(Backend::Sqlite);
    if version > latest {
        return Err(BackupError::NewerBackup {
            path: from.display().to_string(),
            found: version,
            latest,
        });
    }
    Ok(version)
}

/// Replaces every row of the SQLite database of `url` with the rows of the backup `from`
/// (brought up to this server's schema first, on a copy). Refuses a database that holds data
/// unless `force`.
pub async fn restore_sqlite(
    url: &DatabaseUrl,
    from: &Path,
    force: bool,
) -> Result<RestoreReport, BackupError> {
    check_backup(from).await?;
    let target = sqlite_path(url)?;
    if target.exists() && !force {
        let mut conn = open(&target, true)
            .await
            .map_err(|e| BackupError::Io(format!("cannot open {}: {e}", url.redacted())))?;
        let version = recorded_version(&mut conn).await.ok().flatten();
        let _ = conn.close().await;
        if let Some(version) = version {
            return Err(BackupError::Live {
                url: url.redacted(),
                version,
            });
        }
    }
    // The backup is migrated on a copy, so both sides have this server's tables and columns.
    let work = tempfile::tempdir().map_err(|e| BackupError::Io(e.to_string()))?;
    let copy = work.path().join("restore.db");
    std::fs::copy(from, &copy).map_err(|e| BackupError::Io(e.to_string()))?;
    let copy_url =
        DatabaseUrl::parse(&format!("sqlite://{}", copy.display())).map_err(BackupError::Io)?;
    Db::connect(&copy_url).await?.close().await;
    // The target exists with this server's schema (made, or migrated, here).
    Db::connect(url).await?.close().await;

    let restore_error = |e: sqlx::Error| BackupError::Restore {
        url: url.redacted(),
        reason: e.to_string(),
    };
    let mut conn = open(&target, false).await.map_err(restore_error)?;
    let rows = copy_rows(&mut conn, &copy).await.map_err(restore_error)?;
    let version = recorded_version(&mut conn)
        .await
        .map_err(restore_error)?
        .unwrap_or(0);
    let _ = conn.close().await;
    Ok(RestoreReport {
        schema_version: version,
        rows,
    })
}

/// In one transaction on `conn`: every application table emptied and filled from the same table
/// of the database at `copy`; full-text indexes rebuilt. Rows per table.
async fn copy_rows(
    conn: &mut SqliteConnection,
    copy: &Path,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query("ATTACH DATABASE $1 AS backup")
        .bind(copy.display().to_string())
        .execute(&mut *conn)
        .await?;
    // Rows go in table by table; the foreign keys hold again once all are in (checked below).
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await?;
    let virtual_tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'",
    )
    .fetch_all(&mut *conn)
    .await?;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE '_sqlx_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?;
    let tables: Vec<String> = tables
        .into_iter()
        .filter(|t| {
            !virtual_tables
                .iter()
                .any(|v| t.starts_with(&format!("{v}_")))
        })
        .collect();
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    let mut rows = Vec::new();
    for table in &tables {
        let columns: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                .bind(table)
                .fetch_all(&mut *tx)
                .await?;
        let columns = columns
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        sqlx::query(&format!("DELETE FROM main.\"{table}\""))
            .execute(&mut *tx)
            .await?;
        let copied = sqlx::query(&format!(
            "INSERT INTO main.\"{table}\" ({columns}) SELECT {columns} FROM backup.\"{table}\""
        ))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        rows.push((table.clone(), i64::try_from(copied).unwrap_or(i64::MAX)));
    }
    for fts in &virtual_tables {
        sqlx::query(&format!(
            "INSERT INTO main.\"{fts}\" (\"{fts}\") VALUES ('rebuild')"
        ))
        .execute(&mut *tx)
        .await?;
    }
    let broken: Vec<(String,)> = sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
        .fetch_all(&mut *tx)
        .await?;
    if let Some((table,)) = broken.first() {
        return Err(sqlx::Error::Protocol(format!(
            "the backup's rows break a foreign key of {table}"
        )));
    }
    tx.commit().await?;
    sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&mut *conn)
        .await?;
    sqlx::query("DETACH DATABASE backup")
        .execute(&mut *conn)
        .await?;
    Ok(rows)
}

/// For PostgreSQL: checks the database answers and returns its schema version, so the operator
/// can run `pg_dump` / `pg_restore` knowing what they hold.
pub async fn postgres_schema_version(url: &DatabaseUrl) -> Result<i64, BackupError> {
    let options = sqlx::postgres::PgConnectOptions::from_str(url.expose())
        .map_err(|e| BackupError::Io(format!("EDU_DATABASE_URL: {e}")))?;
    let unreachable = |e: sqlx::Error| {
        BackupError::Database(DbError::Connect {
            url: url.redacted(),
            reason: e.to_string(),
        })
    };
    let mut conn = tokio::time::timeout(CONNECT_TIMEOUT, options.connect())
        .await
        .map_err(|_| BackupError::Io(format!("{}: no answer within 5 s", url.redacted())))?
        .map_err(unreachable)?;
    let version: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut conn)
            .await
            .unwrap_or(None);
    let _ = conn.close().await;
    Ok(version.unwrap_or(0))
}
