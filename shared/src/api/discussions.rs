//! Lesson discussions as the API shows them: threads under a lesson (a first post and one level of
//! replies), moderation by the course's teacher and admins, and reports of posts.
//!
//! Post bodies are Markdown when written; readers get `html`, sanitised by the server exactly as
//! lesson text is.

use crate::domain::{LessonId, PostId, PostReportId};

/// One post: a thread's first post or a reply.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Post {
    pub id: PostId,
    /// The thread's first post; `null` for a first post.
    pub parent_id: Option<PostId>,
    /// The author's display name (`null` once deleted, or their account is).
    pub author: Option<String>,
    /// The sanitised HTML of the body (empty once deleted).
    pub html: String,
    /// The Markdown the caller wrote, for editing: only on the caller's own live posts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markdown: Option<String>,
    pub created_at: super::Timestamp,
    /// When the author last changed it, if they did.
    pub edited_at: Option<super::Timestamp>,
    /// A deleted first post whose replies remain: a placeholder without author or text.
    pub deleted: bool,
    /// Hidden by a moderator: only the course's teacher and admins see it (so marked).
    pub hidden: bool,
    /// The caller wrote it (and may edit or delete it).
    pub mine: bool,
    /// The reply the moderators marked as the thread's answer.
    pub is_answer: bool,
}

/// A thread: its first post and its replies, oldest reply first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Thread {
    pub root: Post,
    pub pinned: bool,
    /// The reply marked as the answer, if one is.
    pub answer_id: Option<PostId>,
    pub replies: Vec<Post>,
    /// When the first post or its latest reply was written.
    pub last_activity_at: super::Timestamp,
}

/// `GET /api/lessons/{lesson}/posts`: pinned threads first, then by latest activity.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThreadPage {
    pub lesson_id: LessonId,
    pub items: Vec<Thread>,
    /// Pass back as `?cursor=` for the next page; `null` on the last one.
    pub next_cursor: Option<String>,
    /// The caller is the course's teacher or an admin: may pin, hide, mark answers and sees
    /// hidden posts.
    pub can_moderate: bool,
}

/// `POST /api/lessons/{lesson}/posts` body: a new thread, or a reply to a thread's first post.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPost {
    /// Markdown, 1 to `validate::POST_MAX_CHARS` characters after trimming.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 10000))]
    pub body: String,
    /// The thread's first post this replies to; absent for a new thread. Replies to replies are
    /// refused (one level only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<PostId>,
}

/// `PATCH /api/posts/{post}` body: the author's new text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostEdit {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 10000))]
    pub body: String,
}

/// `PUT /api/posts/{post}/moderation` body: what to change; absent fields stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Moderation {
    /// Pin the thread (first posts only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned: Option<bool>,
    /// Hide the post from learners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
    /// Mark this reply as its thread's answer (replies only; one per thread, marking another
    /// moves the mark).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<bool>,
}

/// `POST /api/posts/{post}/reports` body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewReport {
    /// Why, 1 to `validate::POST_REPORT_MAX_CHARS` characters after trimming.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1000))]
    pub reason: String,
}

/// A report as the course's teacher and admins see it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostReport {
    pub id: PostReportId,
    pub post_id: PostId,
    pub lesson_id: LessonId,
    /// The reporter's display name (`null` once their account is deleted).
    pub reporter: Option<String>,
    pub reason: String,
    /// The reported post's author and sanitised HTML, as it is now.
    pub post_author: Option<String>,
    pub post_html: String,
    pub post_hidden: bool,
    pub created_at: super::Timestamp,
}

/// `GET /api/courses/{course}/reports`: newest first.
pub type PostReportPage = super::Page<PostReport>;
