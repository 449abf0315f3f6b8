//! Applications to teach: a student applies, an admin approves or rejects with a reason.

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ApplicationStatus {
    Pending,
    Approved,
    Rejected,
}

impl ApplicationStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "pending" => Some(Self::Pending),
            "approved" => Some(Self::Approved),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
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
    pub id: String,
    pub user_id: String,
    pub applicant_name: String,
    pub applicant_email: String,
    pub bio: String,
    pub subject: String,
    pub link: String,
    pub status: ApplicationStatus,
    /// Given by the admin who rejected it.
    pub rejection_reason: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub decided_at: Option<String>,
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
