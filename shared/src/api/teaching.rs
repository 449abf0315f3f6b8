//! Applications to teach: a student applies, an admin approves or rejects with a reason.

crate::stored_codes! {
    /// Where an application stands.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum ApplicationStatus {
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
    }
}

/// `POST /api/teacher-applications` (a student, at most one pending at a time).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeacherApplicationRequest {
    /// A short bio: who they are and why they teach.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "I have taught Rust at meetups for five years.")
    )]
    pub bio: String,
    /// What they will teach.
    #[cfg_attr(feature = "openapi", schema(example = "Rust"))]
    pub subject: String,
    /// A link to their work (site, profile, portfolio): `http://` or `https://`.
    #[cfg_attr(feature = "openapi", schema(example = "https://example.com/talks"))]
    pub link: String,
}

/// An application as the applicant and the admins see it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeacherApplication {
    pub id: crate::domain::ApplicationId,
    pub user_id: crate::domain::UserId,
    pub applicant_name: String,
    pub applicant_email: String,
    pub bio: String,
    pub subject: String,
    pub link: String,
    pub status: ApplicationStatus,
    /// Given by the admin who rejected it.
    pub rejection_reason: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: super::Timestamp,
    pub decided_at: Option<super::Timestamp>,
}

/// `POST /api/admin/teacher-applications/{id}/reject`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RejectApplicationRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Please add recordings of your lessons.")
    )]
    pub reason: String,
}
