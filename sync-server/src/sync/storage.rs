//! Where learner documents live: `sync_docs` (the last snapshot, its size and version),
//! `sync_changes` (incremental chunks appended since the snapshot) and `sync_states` (each
//! device's Automerge sync state, written when it changes). Owns the row lock that serializes
//! writes to one document, and compaction. Runs no rule about who may write: `sync` decides that
//! before calling in.

use automerge::sync::State;
use automerge::ChangeHash;
use chrono::{DateTime, Utc};
use shared::doc::LearnerDoc;
use shared::domain::{CourseId, DocId, UserId};
use shared::validate::SYNC_DOC_MAX_BYTES;

use super::{over_limit, DeviceId, COMPACT_AFTER_CHANGES};
use crate::db::{on_pool, on_tx, Db, Tx, TxConn};
use crate::error::{Error, Result};

/// A document's row as read under its lock.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(super) struct DocRow {
    /// Grows by one with every accepted change; names the content a cached copy holds.
    pub version: i64,
    /// Snapshot plus chunks, in bytes.
    pub bytes_total: i64,
    pub changes_count: i32,
    pub snapshot_bytes: i64,
}

const ROW_COLUMNS: &str =
    "version, bytes_total, changes_count, CAST(length(snapshot) AS BIGINT) AS snapshot_bytes";

/// Whether the document exists.
pub(super) async fn exists(db: &Db, doc: &DocId) -> Result<bool> {
    let found: Option<i32> = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT 1 FROM sync_docs WHERE doc_id = $1")
            .bind(doc.as_str())
            .fetch_optional(pool)
            .await?
    });
    Ok(found.is_some())
}

/// Whether the document exists, read in `tx`.
pub(super) async fn exists_in(tx: &mut Tx, doc: &DocId) -> Result<bool> {
    let found: Option<i32> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT 1 FROM sync_docs WHERE doc_id = $1")
            .bind(doc.as_str())
            .fetch_optional(conn)
            .await?
    });
    Ok(found.is_some())
}

/// Makes the document's row if it has none (an empty document) and locks it until `tx` ends.
/// PostgreSQL locks the row (`FOR UPDATE`), across server processes too; SQLite's transaction
/// already holds the database's write lock (`Db::begin` is `BEGIN IMMEDIATE`). A document that
/// exists (nearly every sync) costs one query.
pub(super) async fn create_and_lock(
    tx: &mut Tx,
    doc: &DocId,
    owner: &UserId,
    course: Option<&CourseId>,
    now: DateTime<Utc>,
) -> Result<DocRow> {
    if let Some(row) = lock_row(tx, doc).await? {
        return Ok(row);
    }
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO sync_docs (doc_id, user_id, course_id, snapshot, snapshot_heads, \
                                    bytes_total, changes_count, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4, 0, 0, 0, $5, $5) ON CONFLICT (doc_id) DO NOTHING",
        )
        .bind(doc.as_str())
        .bind(owner)
        .bind(course)
        .bind(Vec::<u8>::new())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    lock_row(tx, doc)
        .await?
        .ok_or_else(|| Error::Internal(format!("document {doc} vanished as it was made")))
}

/// The document's row, locked until `tx` ends; `None` when there is none.
async fn lock_row(tx: &mut Tx, doc: &DocId) -> Result<Option<DocRow>> {
    Ok(match &mut tx.conn {
        TxConn::Sqlite(conn) => {
            sqlx::query_as(&format!(
                "SELECT {ROW_COLUMNS} FROM sync_docs WHERE doc_id = $1"
            ))
            .bind(doc.as_str())
            .fetch_optional(&mut **conn)
            .await?
        }
        TxConn::Postgres(conn) => {
            sqlx::query_as(&format!(
                "SELECT {ROW_COLUMNS} FROM sync_docs WHERE doc_id = $1 FOR UPDATE"
            ))
            .bind(doc.as_str())
            .fetch_optional(&mut **conn)
            .await?
        }
    })
}

/// The stored document: its snapshot followed by its chunks, loaded as one (Automerge reads a
/// save followed by incremental saves). Trusted: every part was checked when it was accepted.
pub(super) async fn load_doc(tx: &mut Tx, doc: &DocId) -> Result<LearnerDoc> {
    let (mut bytes, chunks): (Vec<u8>, Vec<Vec<u8>>) = on_tx!(tx, conn => {
        let snapshot: Vec<u8> =
            sqlx::query_scalar("SELECT snapshot FROM sync_docs WHERE doc_id = $1")
                .bind(doc.as_str())
                .fetch_one(&mut *conn)
                .await?;
        let chunks: Vec<Vec<u8>> =
            sqlx::query_scalar("SELECT data FROM sync_changes WHERE doc_id = $1 ORDER BY seq")
                .bind(doc.as_str())
                .fetch_all(&mut *conn)
                .await?;
        (snapshot, chunks)
    });
    for chunk in chunks {
        bytes.extend_from_slice(&chunk);
    }
    // Loading costs what the document weighs (megabytes for years of use): off the async workers.
    tokio::task::spawn_blocking(move || LearnerDoc::load_trusted(&bytes))
        .await
        .map_err(|e| Error::Internal(format!("loading a document panicked: {e}")))?
        .map_err(|e| Error::Internal(format!("stored document {doc} does not load: {e}")))
}

/// The sync state of `device` for `doc`, and its stored bytes; a new one if it never synced (or
/// its state is from an incompatible version, which only costs a longer first exchange).
pub(super) async fn load_state(
    tx: &mut Tx,
    doc: &DocId,
    device: &DeviceId,
) -> Result<(State, Option<Vec<u8>>)> {
    let stored: Option<Vec<u8>> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT state FROM sync_states WHERE doc_id = $1 AND device_id = $2")
            .bind(doc.as_str())
            .bind(device.as_str())
            .fetch_optional(conn)
            .await?
    });
    let state = stored.as_deref().map_or_else(State::new, decode_state);
    Ok((state, stored))
}

/// A stored sync state; a new one if it does not decode (a state from an incompatible version
/// only costs a longer first exchange).
pub(super) fn decode_state(bytes: &[u8]) -> State {
    State::decode(bytes).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "a stored sync state does not decode; starting over");
        State::new()
    })
}

/// Keeps `device`'s sync state for `doc` (its `encode()`d bytes).
pub(super) async fn store_state(
    tx: &mut Tx,
    doc: &DocId,
    device: &DeviceId,
    state: &[u8],
    now: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO sync_states (doc_id, device_id, state, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (doc_id, device_id) \
             DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
        )
        .bind(doc.as_str())
        .bind(device.as_str())
        .bind(state)
        .bind(now)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Stores what `doc` gained since `heads_before` and returns the row as it is now: a chunk
/// (`save_after`) appended, or, past `COMPACT_AFTER_CHANGES` chunks or when the chunks would
/// outweigh the snapshot, a new snapshot replacing snapshot and chunks. 413 when the document
/// would be over `SYNC_DOC_MAX_BYTES` even compacted.
/// `device_state`, when given, is a device's new sync state to keep as well (`store_state`); on
/// PostgreSQL an appended chunk, the row and that state are then written by one statement, one
/// round trip instead of three. Returns whether the state was written.
pub(super) async fn store_changes(
    tx: &mut Tx,
    doc_id: &DocId,
    row: &DocRow,
    doc: &LearnerDoc,
    heads_before: &[ChangeHash],
    device_state: Option<(&DeviceId, &[u8])>,
    now: DateTime<Utc>,
) -> Result<(DocRow, bool)> {
    let chunk = doc.save_after(heads_before);
    let chunk_bytes = i64::try_from(chunk.len()).unwrap_or(i64::MAX);
    let version = row.version + 1;
    let total = row.bytes_total.saturating_add(chunk_bytes);
    let chunks_bytes = total - row.snapshot_bytes;
    let compact = row.changes_count + 1 > COMPACT_AFTER_CHANGES
        || chunks_bytes > row.snapshot_bytes
        || over_limit(usize::try_from(total).unwrap_or(usize::MAX));
    if !compact {
        let appended = DocRow {
            version,
            bytes_total: total,
            changes_count: row.changes_count + 1,
            snapshot_bytes: row.snapshot_bytes,
        };
        if let (TxConn::Postgres(conn), Some((device, state))) = (&mut tx.conn, device_state) {
            sqlx::query(
                "WITH chunk AS (INSERT INTO sync_changes (doc_id, seq, data) VALUES ($1, $3, $5)), \
                      state AS (INSERT INTO sync_states (doc_id, device_id, state, updated_at) \
                                VALUES ($1, $6, $7, $4) ON CONFLICT (doc_id, device_id) \
                                DO UPDATE SET state = excluded.state, \
                                              updated_at = excluded.updated_at) \
                 UPDATE sync_docs SET bytes_total = $2, changes_count = changes_count + 1, \
                     version = $3, updated_at = $4 WHERE doc_id = $1",
            )
            .bind(doc_id.as_str())
            .bind(total)
            .bind(version)
            .bind(now)
            .bind(&chunk)
            .bind(device.as_str())
            .bind(state)
            .execute(&mut **conn)
            .await?;
            return Ok((appended, true));
        }
        on_tx!(tx, conn => {
            sqlx::query("INSERT INTO sync_changes (doc_id, seq, data) VALUES ($1, $2, $3)")
                .bind(doc_id.as_str())
                .bind(version)
                .bind(&chunk)
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "UPDATE sync_docs SET bytes_total = $2, changes_count = changes_count + 1, \
                     version = $3, updated_at = $4 WHERE doc_id = $1",
            )
            .bind(doc_id.as_str())
            .bind(total)
            .bind(version)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        });
        return Ok((appended, false));
    }
    let snapshot = doc.save();
    if over_limit(snapshot.len()) {
        return Err(Error::DocumentTooLarge {
            limit: SYNC_DOC_MAX_BYTES,
        });
    }
    let snapshot_bytes = i64::try_from(snapshot.len()).unwrap_or(i64::MAX);
    let heads: Vec<u8> = doc.heads().iter().flat_map(|h| h.0).collect();
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM sync_changes WHERE doc_id = $1")
            .bind(doc_id.as_str())
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "UPDATE sync_docs SET snapshot = $2, snapshot_heads = $3, bytes_total = $4, \
                 changes_count = 0, version = $5, updated_at = $6 WHERE doc_id = $1",
        )
        .bind(doc_id.as_str())
        .bind(&snapshot)
        .bind(&heads)
        .bind(snapshot_bytes)
        .bind(version)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    tracing::debug!(doc = %doc_id, bytes = snapshot_bytes, "compacted a learner document");
    let compacted = DocRow {
        version,
        bytes_total: snapshot_bytes,
        changes_count: 0,
        snapshot_bytes,
    };
    Ok((compacted, false))
}

/// One of a user's documents in their account export.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ExportedDoc {
    /// `profile-{user_id}` or `progress-{user_id}-{course_id}`.
    pub doc_id: String,
    /// Every event, ordered by `at` then `id`, as `{"id", "kind", "at", ...the kind's fields}`.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<serde_json::Value>,
}

/// The user's documents, with their events readable (`GET /api/me/export`).
pub async fn export_for_user(db: &Db, user: &UserId) -> Result<Vec<ExportedDoc>> {
    let ids: Vec<String> = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT doc_id FROM sync_docs WHERE user_id = $1 ORDER BY doc_id")
            .bind(user)
            .fetch_all(pool)
            .await?
    });
    let mut docs = Vec::with_capacity(ids.len());
    for id in ids {
        let Ok(doc_id) = DocId::parse(&id) else {
            continue;
        };
        // Read in a transaction of its own so snapshot and chunks are of one version.
        let mut tx = db.begin().await?;
        let doc = load_doc(&mut tx, &doc_id).await?;
        drop(tx);
        let events = doc
            .events()
            .into_iter()
            .map(|event| {
                let mut map = serde_json::Map::new();
                map.insert("id".into(), event.id.into());
                map.insert("kind".into(), event.kind.name().into());
                map.insert("at".into(), event.at.into());
                for (field, value) in event.kind.fields() {
                    map.insert(field.into(), value.into());
                }
                serde_json::Value::Object(map)
            })
            .collect();
        docs.push(ExportedDoc { doc_id: id, events });
    }
    Ok(docs)
}

/// Deletes every document of a deleted user, with their chunks and sync states (the account's
/// row stays as a tombstone, so `ON DELETE CASCADE` alone would not). Read models derived from
/// them (`lesson_completions`, `course_completions`) hold no personal data and stay, as the
/// user's enrollments do.
pub async fn forget_user(tx: &mut Tx, user: &UserId) -> Result<()> {
    for sql in [
        "DELETE FROM sync_changes WHERE doc_id IN (SELECT doc_id FROM sync_docs WHERE user_id = $1)",
        "DELETE FROM sync_states WHERE doc_id IN (SELECT doc_id FROM sync_docs WHERE user_id = $1)",
        "DELETE FROM sync_docs WHERE user_id = $1",
    ] {
        on_tx!(tx, conn => {
            sqlx::query(sql).bind(user).execute(conn).await?;
        });
    }
    Ok(())
}
