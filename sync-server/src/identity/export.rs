//! `GET /api/me/export`: everything the server holds about a person, as one JSON document.
//!
//! Owns what goes into the export; each part is read by the module that owns it. Never includes a
//! password hash, a token or another person's data.

use chrono::Utc;
use shared::api::accounts::{Me, SessionInfo};
use shared::api::teaching::TeacherApplication;

use super::sessions::Session;
use super::{audit, Accounts};
use crate::error::Result;
use crate::notify;
use shared::api::Timestamp;

/// `GET /api/me/export`: the caller's data.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AccountExport {
    /// RFC 3339, UTC.
    pub exported_at: Timestamp,
    pub profile: Me,
    pub sessions: Vec<SessionInfo>,
    pub teacher_applications: Vec<TeacherApplication>,
    pub security_events: Vec<audit::Entry>,
    /// Every in-app notification, newest first.
    pub notifications: Vec<shared::api::notifications::Notification>,
    /// The learner documents (profile and progress), each with its events.
    pub documents: Vec<crate::sync::ExportedDoc>,
    /// Conversations with the tutor, oldest first, with their messages and ratings.
    pub tutor_conversations: Vec<shared::api::tutor::Conversation>,
}

impl Accounts {
    /// Everything the server holds about the caller, as one JSON document.
    pub async fn export(&self, session: &Session) -> Result<AccountExport> {
        let user = &session.user;
        Ok(AccountExport {
            exported_at: Timestamp::from(Utc::now()),
            profile: user.to_me(),
            sessions: self.sessions(session).await?,
            teacher_applications: super::applications::for_user(&self.db, &user.id).await?,
            security_events: audit::for_user(&self.db, &user.id).await?,
            notifications: notify::export_for_user(&self.db, &user.id).await?,
            documents: crate::sync::export_for_user(&self.db, &user.id).await?,
            tutor_conversations: crate::tutor::export_for_user(&self.db, &user.id).await?,
        })
    }
}
