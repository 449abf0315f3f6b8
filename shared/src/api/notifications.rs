//! In-app notifications: the bell in the header and its list (`/api/notifications`).

/// One notification, already rendered in the user's language.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: crate::domain::NotificationId,
    pub title: String,
    pub body: String,
    /// An in-app path to open, e.g. `/teach`.
    pub link: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: super::Timestamp,
    pub read: bool,
}

/// `GET /api/notifications`: the newest first, and how many are unread in all.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationList {
    pub items: Vec<Notification>,
    pub unread_count: u32,
}
