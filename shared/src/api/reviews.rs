//! Course reviews as the API shows them: 1 to 5 stars and a text by an enrolled learner, one per
//! course and learner, and one reply by the course's teacher.

use crate::domain::{CourseId, ReviewId};

/// The teacher's answer to a review.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewReply {
    pub body: String,
    pub replied_at: super::Timestamp,
}

/// A review as everyone sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    pub id: ReviewId,
    pub course_id: CourseId,
    /// The author's display name (`null` once their account is deleted).
    pub author: Option<String>,
    /// 1 to 5.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub stars: u8,
    pub body: String,
    pub created_at: super::Timestamp,
    pub updated_at: super::Timestamp,
    pub reply: Option<ReviewReply>,
}

/// `GET /api/courses/{course}/reviews` response, newest first.
pub type ReviewPage = super::Page<Review>;

/// `PUT /api/courses/{course}/reviews/mine` body: writes or rewrites the caller's review.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewInput {
    /// 1 to 5.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub stars: u8,
    /// Up to `validate::REVIEW_MAX_CHARS`; may be empty.
    #[serde(default)]
    pub body: String,
}

/// `PUT /api/courses/{course}/reviews/{review}/reply` body (the course's teacher, once).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplyInput {
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub body: String,
}
