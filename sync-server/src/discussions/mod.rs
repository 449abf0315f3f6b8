//! Lesson discussions: threads under a lesson (a first post and one level of replies), edits and
//! deletes by authors, moderation (pin, hide, mark the answer) by the course's teacher and admins,
//! reports, and the notices replies send to a thread's participants (`digest`).
//!
//! Owns `lesson_posts`, `post_reports` and `post_digest_entries`, and the rule of who may read and
//! write: learners enrolled in the lesson's course, its teacher and admins (others 403). Post
//! bodies are rendered and sanitised when saved (`content::markdown`), exactly as lesson text is.
//! Never stores anything on a refused request: every check runs before the one write transaction.

pub mod digest;

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use shared::api::accounts::Role;
use shared::api::discussions::{
    Moderation, NewPost, NewReport, Post, PostEdit, PostReport, PostReportPage, Thread, ThreadPage,
};
use shared::domain::{LessonId, PostId, PostReportId, UserId};
use shared::validate::Invalid;

use crate::catalog::course_page::{visible_course, LessonAccess, Viewer};
use crate::config::PostLimits;
use crate::db::{on_pool, on_tx, Db, Tx, TxConn};
use crate::error::{Error, Result};
use crate::identity::users::user_in;
use crate::notify::{self, Template};

/// Who is asking.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    pub id: &'a UserId,
    pub role: Role,
}

impl<'a> Caller<'a> {
    fn viewer(self) -> Viewer<'a> {
        Viewer::User {
            id: self.id,
            role: self.role,
        }
    }
}

fn no_such_post() -> Error {
    Error::NotFound("no such post".into())
}

/// The lesson `lesson` names, if the caller may read and write its discussion: enrolled learners,
/// the course's teacher and admins.
async fn lesson_access(db: &Db, lesson: &str, caller: Caller<'_>) -> Result<LessonAccess> {
    crate::catalog::course_page::lesson_access(
        db,
        lesson,
        caller.viewer(),
        "enroll in this course to read and join its discussions",
    )
    .await
}

const POST_COLUMNS: &str =
    "p.id, p.lesson_id, p.parent_id, p.author_id, u.display_name AS author, \
     p.body, p.body_html, p.pinned, p.hidden, p.answer_id, p.last_activity_at, p.created_at, \
     p.edited_at, p.deleted_at";

#[derive(Debug, Clone, sqlx::FromRow)]
struct PostRow {
    id: PostId,
    lesson_id: LessonId,
    parent_id: Option<PostId>,
    author_id: Option<UserId>,
    author: Option<String>,
    body: String,
    body_html: String,
    pinned: bool,
    hidden: bool,
    answer_id: Option<PostId>,
    last_activity_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
    edited_at: Option<DateTime<Utc>>,
    deleted_at: Option<DateTime<Utc>>,
}

impl PostRow {
    fn view(&self, caller: &UserId, answer: Option<&PostId>) -> Post {
        let deleted = self.deleted_at.is_some();
        let mine = !deleted && self.author_id.as_ref() == Some(caller);
        Post {
            id: self.id.clone(),
            parent_id: self.parent_id.clone(),
            author: if deleted { None } else { self.author.clone() },
            html: if deleted {
                String::new()
            } else {
                self.body_html.clone()
            },
            markdown: mine.then(|| self.body.clone()),
            created_at: self.created_at.into(),
            edited_at: self.edited_at.map(Into::into),
            deleted,
            hidden: self.hidden,
            mine,
            is_answer: answer == Some(&self.id),
        }
    }
}

async fn find_post(db: &Db, post: &str) -> Result<PostRow> {
    let post: PostId = post.parse().map_err(|_| no_such_post())?;
    let sql = format!(
        "SELECT {POST_COLUMNS} FROM lesson_posts p LEFT JOIN users u ON u.id = p.author_id \
         WHERE p.id = $1"
    );
    let row: Option<PostRow> = on_pool!(db, pool => {
        sqlx::query_as(&sql).bind(&post).fetch_optional(pool).await?
    });
    row.ok_or_else(no_such_post)
}

/// A post the caller may see, with their access to its lesson: a hidden post is no post to a
/// learner, and a deleted one to anyone.
async fn visible_post(db: &Db, post: &str, caller: Caller<'_>) -> Result<(PostRow, LessonAccess)> {
    let row = find_post(db, post).await?;
    let access = lesson_access(db, row.lesson_id.as_str(), caller).await?;
    if row.deleted_at.is_some() || (row.hidden && !access.moderator) {
        return Err(no_such_post());
    }
    Ok((row, access))
}

/// Where the next page of threads starts: how many came before. Opaque on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageCursor {
    offset: u32,
}

const CURSOR_PREFIX: &str = "d1|";

impl PageCursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{}", self.offset))
    }

    pub fn decode(text: &str) -> Result<Self> {
        let invalid = || Error::Validation {
            field: "cursor",
            reason: Invalid::NotIssued,
        };
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let offset = text
            .strip_prefix(CURSOR_PREFIX)
            .and_then(|n| n.parse().ok())
            .ok_or_else(invalid)?;
        Ok(Self { offset })
    }
}

/// Threads whose first post is one of `roots`, with the replies the caller may see, in the order
/// of `roots`.
async fn assemble(
    db: &Db,
    roots: Vec<PostRow>,
    caller: &UserId,
    moderator: bool,
) -> Result<Vec<Thread>> {
    if roots.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..roots.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT {POST_COLUMNS} FROM lesson_posts p LEFT JOIN users u ON u.id = p.author_id \
         WHERE p.parent_id IN ({}) AND p.deleted_at IS NULL AND ($1 OR NOT p.hidden) \
         ORDER BY p.created_at, p.id",
        placeholders.join(", ")
    );
    let replies: Vec<PostRow> = on_pool!(db, pool => {
        let mut query = sqlx::query_as(&sql).bind(moderator);
        for root in &roots {
            query = query.bind(&root.id);
        }
        query.fetch_all(pool).await?
    });
    let mut by_root: HashMap<PostId, Vec<PostRow>> = HashMap::new();
    for reply in replies {
        if let Some(parent) = reply.parent_id.clone() {
            by_root.entry(parent).or_default().push(reply);
        }
    }
    Ok(roots
        .into_iter()
        .map(|root| {
            let replies = by_root.remove(&root.id).unwrap_or_default();
            // A mark on a reply that is gone (or hidden from this reader) marks nothing.
            let answer = root
                .answer_id
                .clone()
                .filter(|a| replies.iter().any(|r| &r.id == a));
            Thread {
                root: root.view(caller, answer.as_ref()),
                pinned: root.pinned,
                replies: replies
                    .iter()
                    .map(|r| r.view(caller, answer.as_ref()))
                    .collect(),
                answer_id: answer,
                last_activity_at: root.last_activity_at.into(),
            }
        })
        .collect())
}

/// The condition a thread's first post `p` meets when the reader sees the thread: not hidden
/// (unless they moderate, `$2`), and live or with a live reply they may see.
const THREAD_VISIBLE: &str = "($2 OR NOT p.hidden) AND (p.deleted_at IS NULL OR EXISTS (\
     SELECT 1 FROM lesson_posts r WHERE r.parent_id = p.id AND r.deleted_at IS NULL \
     AND ($2 OR NOT r.hidden)))";

/// One page of a lesson's threads: pinned first, then the latest activity first. Opening them
/// counts as seeing their replies (they leave the caller's digest).
pub async fn list_threads(
    db: &Db,
    lesson: &str,
    caller: Caller<'_>,
    limit: u32,
    cursor: Option<PageCursor>,
) -> Result<ThreadPage> {
    let access = lesson_access(db, lesson, caller).await?;
    let offset = cursor.map_or(0, |c| c.offset);
    let sql = format!(
        "SELECT {POST_COLUMNS} FROM lesson_posts p LEFT JOIN users u ON u.id = p.author_id \
         WHERE p.lesson_id = $1 AND p.parent_id IS NULL AND {THREAD_VISIBLE} \
         ORDER BY p.pinned DESC, p.last_activity_at DESC, p.id DESC LIMIT $3 OFFSET $4"
    );
    let mut roots: Vec<PostRow> = on_pool!(db, pool => {
        sqlx::query_as(&sql)
            .bind(&access.lesson)
            .bind(access.moderator)
            .bind(i64::from(limit) + 1)
            .bind(i64::from(offset))
            .fetch_all(pool)
            .await?
    });
    let has_more = roots.len() > limit as usize;
    roots.truncate(limit as usize);
    let next_cursor = has_more.then(|| {
        PageCursor {
            offset: offset.saturating_add(limit),
        }
        .encode()
    });
    let items = assemble(db, roots, caller.id, access.moderator).await?;
    digest::mark_seen(db, caller.id, &access.lesson).await?;
    Ok(ThreadPage {
        lesson_id: access.lesson,
        items,
        next_cursor,
        can_moderate: access.moderator,
    })
}

/// The thread `root` heads, as the caller sees it.
async fn thread(db: &Db, root: &PostId, caller: &UserId, moderator: bool) -> Result<Thread> {
    let sql = format!(
        "SELECT {POST_COLUMNS} FROM lesson_posts p LEFT JOIN users u ON u.id = p.author_id \
         WHERE p.id = $1 AND p.parent_id IS NULL AND {THREAD_VISIBLE}"
    );
    let row: Option<PostRow> = on_pool!(db, pool => {
        sqlx::query_as(&sql).bind(root).bind(moderator).fetch_optional(pool).await?
    });
    let row = row.ok_or_else(no_such_post)?;
    assemble(db, vec![row], caller, moderator)
        .await?
        .pop()
        .ok_or_else(no_such_post)
}

/// How long until the author may post again, if `recent` (their posts' times within `window`
/// before `now`, newest first, at most `limit` of them) already holds `limit` posts: the oldest
/// of them leaves the window then. Whole seconds, rounded up, at least 1.
pub fn retry_after(
    recent: &[DateTime<Utc>],
    limit: u32,
    window: chrono::Duration,
    now: DateTime<Utc>,
) -> Option<u64> {
    if limit == 0 || recent.len() < limit as usize {
        return None;
    }
    let oldest = recent.get(limit as usize - 1)?;
    let wait = (*oldest + window - now).num_milliseconds().max(0);
    let seconds = u64::try_from(wait).unwrap_or(0).div_ceil(1000);
    Some(seconds.max(1))
}

/// Waits for `author`'s turn to post in `tx`: SQLite has one writer (`BEGIN IMMEDIATE`) already;
/// on PostgreSQL this locks the author's row until `tx` ends. So a burst of posts sent at once is
/// counted ([`check_rate`]) one after another, and no more than the allowance gets through.
async fn take_turn(tx: &mut Tx, author: &UserId) -> Result<()> {
    if let TxConn::Postgres(t) = &mut tx.conn {
        sqlx::query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE")
            .bind(author)
            .execute(&mut **t)
            .await?;
    }
    Ok(())
}

/// 429 when the author wrote their allowance of posts in the last minute or day (in `tx`, after
/// [`take_turn`]).
async fn check_rate(
    tx: &mut Tx,
    author: &UserId,
    limits: PostLimits,
    now: DateTime<Utc>,
) -> Result<()> {
    let windows = [
        (limits.per_minute, chrono::Duration::minutes(1)),
        (limits.per_day, chrono::Duration::days(1)),
    ];
    for (limit, window) in windows {
        if limit == 0 {
            continue;
        }
        let recent: Vec<DateTime<Utc>> = on_tx!(tx, conn => {
            sqlx::query_scalar(
                "SELECT created_at FROM lesson_posts WHERE author_id = $1 AND created_at > $2 \
                 ORDER BY created_at DESC LIMIT $3",
            )
            .bind(author)
            .bind(now - window)
            .bind(i64::from(limit))
            .fetch_all(&mut *conn)
            .await?
        });
        if let Some(retry_after) = retry_after(&recent, limit, window, now) {
            return Err(Error::RateLimited { retry_after });
        }
    }
    Ok(())
}

fn invalid(field: &'static str) -> impl FnOnce(Invalid) -> Error {
    move |reason| Error::Validation { field, reason }
}

/// Writes a new thread, or a reply to a thread's first post (a reply to a reply is refused, 422),
/// and tells the thread's other participants.
pub async fn create_post(
    db: &Db,
    limits: PostLimits,
    lesson: &str,
    caller: Caller<'_>,
    input: &NewPost,
) -> Result<Post> {
    let access = lesson_access(db, lesson, caller).await?;
    let body = shared::validate::post_body(&input.body).map_err(invalid("body"))?;
    let parent = match &input.parent_id {
        None => None,
        Some(parent) => {
            let no_such_thread = || Error::NotFound("no such thread under this lesson".into());
            let (row, _) =
                visible_post(db, parent.as_str(), caller)
                    .await
                    .map_err(|e| match e {
                        Error::NotFound(_) => no_such_thread(),
                        other => other,
                    })?;
            if row.lesson_id != access.lesson {
                return Err(no_such_thread());
            }
            if row.parent_id.is_some() {
                return Err(Error::UnprocessableContent(
                    "replies go one level deep: reply to the thread's first post instead".into(),
                ));
            }
            Some(row)
        }
    };
    let html = crate::content::markdown::render(&body);
    let id = PostId::new();
    let mut tx = db.begin().await?;
    take_turn(&mut tx, caller.id).await?;
    // Read once the author's turn has come, so posts counted one after another carry times in
    // that order.
    let now = Utc::now();
    check_rate(&mut tx, caller.id, limits, now).await?;
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO lesson_posts (id, lesson_id, course_id, parent_id, author_id, body, \
                 body_html, pinned, hidden, answer_id, last_activity_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, FALSE, NULL, $8, $8)",
        )
        .bind(&id)
        .bind(&access.lesson)
        .bind(&access.course.id)
        .bind(parent.as_ref().map(|p| &p.id))
        .bind(caller.id)
        .bind(&body)
        .bind(&html)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    if let Some(root) = &parent {
        on_tx!(tx, conn => {
            sqlx::query("UPDATE lesson_posts SET last_activity_at = $2 WHERE id = $1")
                .bind(&root.id)
                .bind(now)
                .execute(&mut *conn)
                .await?;
        });
        notify_participants(&mut tx, &access, root, &id, caller.id, now).await?;
    }
    tx.commit().await?;
    let row = find_post(db, id.as_str()).await?;
    Ok(row.view(caller.id, None))
}

/// Tells everyone who wrote in the thread `root` heads (its author and repliers, never the one
/// replying, nor anyone whose posts there are all deleted) of the reply `reply`: the bell's entry
/// now, and a line in their daily digest unless they turned it off.
async fn notify_participants(
    tx: &mut Tx,
    access: &LessonAccess,
    root: &PostRow,
    reply: &PostId,
    replier: &UserId,
    now: DateTime<Utc>,
) -> Result<()> {
    let participants: Vec<UserId> = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "SELECT DISTINCT author_id FROM lesson_posts \
             WHERE (id = $1 OR parent_id = $1) AND author_id IS NOT NULL AND author_id <> $2 \
               AND deleted_at IS NULL",
        )
        .bind(&root.id)
        .bind(replier)
        .fetch_all(&mut *conn)
        .await?
    });
    if participants.is_empty() {
        return Ok(());
    }
    let author = user_in(tx, replier)
        .await?
        .map(|u| u.display_name)
        .unwrap_or_default();
    let link = format!(
        "/courses/{}/lessons/{}#discussion",
        access.course.id, access.lesson
    );
    for participant in participants {
        let Some(user) = user_in(tx, &participant).await? else {
            continue;
        };
        let template = Template::DiscussionReply {
            author: author.clone(),
            lesson_title: access.lesson_title.clone(),
            link: link.clone(),
        };
        if let Some(in_app) = template.render(user.locale, &user.display_name).in_app {
            notify::add_in_app(tx, &user.id, template.code(), &in_app).await?;
        }
        if user.discussion_digest {
            digest::add_entry(tx, &user, reply, &access.lesson, now).await?;
        }
    }
    Ok(())
}

/// The author's new text for their post (another's: 403).
pub async fn edit_post(db: &Db, post: &str, caller: Caller<'_>, input: &PostEdit) -> Result<Post> {
    let (row, _) = visible_post(db, post, caller).await?;
    if row.author_id.as_ref() != Some(caller.id) {
        return Err(Error::Forbidden("you may only edit your own posts".into()));
    }
    let body = shared::validate::post_body(&input.body).map_err(invalid("body"))?;
    let html = crate::content::markdown::render(&body);
    on_pool!(db, pool => {
        sqlx::query(
            "UPDATE lesson_posts SET body = $2, body_html = $3, edited_at = $4 \
             WHERE id = $1 AND deleted_at IS NULL",
        )
        .bind(&row.id)
        .bind(&body)
        .bind(&html)
        .bind(Utc::now())
        .execute(pool)
        .await?;
    });
    let row = find_post(db, row.id.as_str()).await?;
    let answer = match &row.parent_id {
        Some(parent) => find_post(db, parent.as_str()).await?.answer_id,
        None => None,
    };
    Ok(row.view(caller.id, answer.as_ref()))
}

/// Deletes the author's post (another's: 403). Its text goes at once; the row stays as a
/// placeholder, shown only while a deleted first post still has replies.
pub async fn delete_post(db: &Db, post: &str, caller: Caller<'_>) -> Result<()> {
    let (row, _) = visible_post(db, post, caller).await?;
    if row.author_id.as_ref() != Some(caller.id) {
        return Err(Error::Forbidden(
            "you may only delete your own posts".into(),
        ));
    }
    let mut tx = db.begin().await?;
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE lesson_posts SET body = '', body_html = '', deleted_at = $2 WHERE id = $1",
        )
        .bind(&row.id)
        .bind(Utc::now())
        .execute(&mut *conn)
        .await?;
        if let Some(parent) = &row.parent_id {
            sqlx::query("UPDATE lesson_posts SET answer_id = NULL WHERE id = $1 AND answer_id = $2")
                .bind(parent)
                .bind(&row.id)
                .execute(&mut *conn)
                .await?;
        }
        sqlx::query("DELETE FROM post_digest_entries WHERE post_id = $1")
            .bind(&row.id)
            .execute(&mut *conn)
            .await?;
    });
    tx.commit().await?;
    Ok(())
}

/// Pins a thread, hides or shows a post, or marks a reply as its thread's answer: the course's
/// teacher and admins only (403). Returns the thread as they now see it.
pub async fn moderate(
    db: &Db,
    post: &str,
    caller: Caller<'_>,
    input: &Moderation,
) -> Result<Thread> {
    let row = find_post(db, post).await?;
    let access = lesson_access(db, row.lesson_id.as_str(), caller).await?;
    if !access.moderator {
        return Err(Error::Forbidden(
            "only the course's teacher and admins moderate its discussions".into(),
        ));
    }
    if row.deleted_at.is_some() {
        return Err(no_such_post());
    }
    if input.pinned.is_some() && row.parent_id.is_some() {
        return Err(Error::UnprocessableContent(
            "only a thread (its first post) can be pinned".into(),
        ));
    }
    if input.answer.is_some() && row.parent_id.is_none() {
        return Err(Error::UnprocessableContent(
            "only a reply can be marked as the answer".into(),
        ));
    }
    let mut tx = db.begin().await?;
    on_tx!(tx, conn => {
        if let Some(pinned) = input.pinned {
            sqlx::query("UPDATE lesson_posts SET pinned = $2 WHERE id = $1")
                .bind(&row.id)
                .bind(pinned)
                .execute(&mut *conn)
                .await?;
        }
        if let Some(hidden) = input.hidden {
            sqlx::query("UPDATE lesson_posts SET hidden = $2 WHERE id = $1")
                .bind(&row.id)
                .bind(hidden)
                .execute(&mut *conn)
                .await?;
        }
        if let (Some(answer), Some(parent)) = (input.answer, &row.parent_id) {
            if answer {
                sqlx::query("UPDATE lesson_posts SET answer_id = $2 WHERE id = $1")
                    .bind(parent)
                    .bind(&row.id)
                    .execute(&mut *conn)
                    .await?;
            } else {
                sqlx::query(
                    "UPDATE lesson_posts SET answer_id = NULL WHERE id = $1 AND answer_id = $2",
                )
                .bind(parent)
                .bind(&row.id)
                .execute(&mut *conn)
                .await?;
            }
        }
    });
    tx.commit().await?;
    tracing::info!(post_id = %row.id, ?input, "discussion post moderated");
    let root = row.parent_id.unwrap_or(row.id);
    thread(db, &root, caller.id, true).await
}

/// Reports a post the caller can see, with a reason; reporting it again changes nothing.
pub async fn report(db: &Db, post: &str, caller: Caller<'_>, input: &NewReport) -> Result<()> {
    let (row, access) = visible_post(db, post, caller).await?;
    let reason = shared::validate::post_report_reason(&input.reason).map_err(invalid("reason"))?;
    on_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO post_reports (id, post_id, course_id, reporter_id, reason, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (post_id, reporter_id) DO NOTHING",
        )
        .bind(PostReportId::new())
        .bind(&row.id)
        .bind(&access.course.id)
        .bind(caller.id)
        .bind(&reason)
        .bind(Utc::now())
        .execute(pool)
        .await?;
    });
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: PostReportId,
    post_id: PostId,
    lesson_id: LessonId,
    reporter: Option<String>,
    reason: String,
    post_author: Option<String>,
    post_html: String,
    post_hidden: bool,
    created_at: DateTime<Utc>,
}

/// The reports of a course's posts, newest first: the course's teacher and admins only (403).
pub async fn list_reports(
    db: &Db,
    course: &str,
    caller: Caller<'_>,
    limit: u32,
    cursor: Option<PageCursor>,
) -> Result<PostReportPage> {
    let (course, _) = visible_course(db, course, caller.viewer()).await?;
    if !course.is_managed_by(caller.viewer()) {
        return Err(Error::Forbidden(
            "only the course's teacher and admins see its reports".into(),
        ));
    }
    let offset = cursor.map_or(0, |c| c.offset);
    let mut rows: Vec<ReportRow> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT r.id, r.post_id, p.lesson_id, ru.display_name AS reporter, r.reason, \
                    pu.display_name AS post_author, p.body_html AS post_html, \
                    p.hidden AS post_hidden, r.created_at \
             FROM post_reports r JOIN lesson_posts p ON p.id = r.post_id \
             LEFT JOIN users ru ON ru.id = r.reporter_id \
             LEFT JOIN users pu ON pu.id = p.author_id \
             WHERE r.course_id = $1 ORDER BY r.id DESC LIMIT $2 OFFSET $3",
        )
        .bind(&course.id)
        .bind(i64::from(limit) + 1)
        .bind(i64::from(offset))
        .fetch_all(pool)
        .await?
    });
    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    Ok(PostReportPage {
        items: rows
            .into_iter()
            .map(|r| PostReport {
                id: r.id,
                post_id: r.post_id,
                lesson_id: r.lesson_id,
                reporter: r.reporter,
                reason: r.reason,
                post_author: r.post_author,
                post_html: r.post_html,
                post_hidden: r.post_hidden,
                created_at: r.created_at.into(),
            })
            .collect(),
        next_cursor: has_more.then(|| {
            PageCursor {
                offset: offset.saturating_add(limit),
            }
            .encode()
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn retry_after_waits_for_the_oldest_post_of_the_window_to_leave_it() {
        let minute = chrono::Duration::minutes(1);
        let now = at(60);
        // Newest first, as the query reads them.
        let five: Vec<_> = [50, 40, 30, 20, 10].into_iter().map(at).collect();
        type Case<'a> = (&'a [DateTime<Utc>], u32, Option<u64>);
        let cases: [Case<'_>; 5] = [
            (&five, 5, Some(10)),
            (&five[..4], 5, None),
            (&five[..2], 2, Some(40)),
            (&five, 0, None),
            // The oldest leaves the window this very instant: still one second.
            (&[at(0)], 1, Some(1)),
        ];
        for (recent, limit, expected) in cases {
            assert_eq!(
                retry_after(recent, limit, minute, now),
                expected,
                "{limit} {recent:?}"
            );
        }
    }

    #[test]
    fn page_cursors_round_trip_and_forged_ones_are_refused() {
        let cursor = PageCursor { offset: 40 };
        assert_eq!(PageCursor::decode(&cursor.encode()).unwrap(), cursor);
        let forged = URL_SAFE_NO_PAD.encode("d1|x");
        for text in ["", "!!", forged.as_str()] {
            assert!(PageCursor::decode(text).is_err(), "{text}");
        }
    }
}
