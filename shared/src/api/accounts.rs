//! Accounts, sign-in sessions and the signed-in user's own data (`/api/auth/*`, `/api/me/*`).

crate::stored_codes! {
    /// What a user may do. Everyone starts as a student; admins make teachers; the first admin comes
    /// from the server's command line (`sync-server admin create`).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum Role {
        Student = "student",
        Teacher = "teacher",
        Admin = "admin",
    }
}

crate::stored_codes! {
    /// The interface language a user reads mail and the app in.
    #[derive(Default)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum Locale {
        #[default]
        En = "en",
        Ru = "ru",
    }
}

/// `POST /api/auth/register`. Answered 202 whether or not the email is taken (the owner of a
/// taken address gets a mail saying so), so the answer never tells who has an account.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterRequest {
    #[cfg_attr(feature = "openapi", schema(example = "new.learner@example.com"))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(example = "correct horse battery staple"))]
    pub password: String,
    #[cfg_attr(feature = "openapi", schema(example = "Ada Lovelace"))]
    pub display_name: String,
    pub locale: Locale,
    /// An IANA time zone name, e.g. `Europe/Moscow`.
    #[cfg_attr(feature = "openapi", schema(example = "Europe/Moscow"))]
    pub time_zone: String,
}

/// `POST /api/auth/sign-in`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInRequest {
    #[cfg_attr(feature = "openapi", schema(example = "learner@example.com"))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(example = "correct horse battery staple"))]
    pub password: String,
}

/// A successful sign-in: the session token (also set as an HttpOnly cookie for the web app; API
/// and sync clients send it as `Authorization: Bearer`) and who signed in.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInResponse {
    pub token: String,
    pub user: Me,
}

/// A single-use token from a mail: `POST /api/auth/verify-email` (also confirms an email change).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenRequest {
    pub token: String,
}

/// `POST /api/auth/forgot-password` and `POST /api/auth/resend-verification`: answered 202 always.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailRequest {
    #[cfg_attr(feature = "openapi", schema(example = "learner@example.com"))]
    pub email: String,
}

/// `POST /api/auth/reset-password`: signs out every session of the account.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetPasswordRequest {
    pub token: String,
    #[cfg_attr(feature = "openapi", schema(example = "a new passphrase, long enough"))]
    pub new_password: String,
}

/// `POST /api/me/password`: signs out every other session.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordRequest {
    #[cfg_attr(feature = "openapi", schema(example = "correct horse battery staple"))]
    pub current_password: String,
    #[cfg_attr(feature = "openapi", schema(example = "a new passphrase, long enough"))]
    pub new_password: String,
}

/// `POST /api/me/email`: mails a confirmation link to the new address; the change happens when
/// it is followed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeEmailRequest {
    #[cfg_attr(feature = "openapi", schema(example = "new.address@example.com"))]
    pub new_email: String,
    #[cfg_attr(feature = "openapi", schema(example = "correct horse battery staple"))]
    pub current_password: String,
}

/// `DELETE /api/me`: the password confirms it is really the owner.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeleteAccountRequest {
    pub current_password: String,
}

/// `PATCH /api/me`: only the fields given change.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateProfileRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "Ada Lovelace"))]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<Locale>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "Europe/Moscow"))]
    pub time_zone: Option<String>,
    /// The local hour, 0 to 23 in `time_zone`, at which a "cards are due" reminder may come.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = 18, minimum = 0, maximum = 23))]
    pub reminder_hour: Option<u8>,
    /// Whether "cards are due" reminders (mail and in-app) are sent; false opts out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_reminders: Option<bool>,
    /// Whether the daily mail digest of replies in one's discussions is sent; false opts out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discussion_digest: Option<bool>,
    /// The local evening hour, 0 to 23 in `time_zone`, at which a "streak at risk" reminder may
    /// come.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = 19, minimum = 0, maximum = 23))]
    pub streak_reminder_hour: Option<u8>,
    /// Whether "streak at risk" reminders (mail and in-app) are sent; false opts out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streak_reminders: Option<bool>,
}

/// The signed-in user as they see themselves (`GET /api/me`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: crate::domain::UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub locale: Locale,
    pub time_zone: String,
    /// The local hour (0 to 23, in `time_zone`) at which a "cards are due" reminder may come.
    #[cfg_attr(feature = "openapi", schema(example = 18, minimum = 0, maximum = 23))]
    #[serde(default = "default_reminder_hour")]
    pub reminder_hour: u8,
    /// Whether "cards are due" reminders are sent (at most one a day, only with cards due).
    #[serde(default = "default_true")]
    pub card_reminders: bool,
    /// Whether the daily mail digest of new replies in one's lesson discussions is sent.
    #[serde(default = "default_true")]
    pub discussion_digest: bool,
    /// The local evening hour (0 to 23, in `time_zone`) at which a "streak at risk" reminder may
    /// come (when the streak would break tonight).
    #[cfg_attr(feature = "openapi", schema(example = 19, minimum = 0, maximum = 23))]
    #[serde(default = "default_streak_reminder_hour")]
    pub streak_reminder_hour: u8,
    /// Whether "streak at risk" reminders are sent (at most one a day).
    #[serde(default = "default_true")]
    pub streak_reminders: bool,
    pub email_verified: bool,
    /// RFC 3339, UTC.
    pub created_at: super::Timestamp,
}

// A `Me` saved by an older client (before reminders) still reads, with the defaults.
fn default_reminder_hour() -> u8 {
    crate::validate::REMINDER_HOUR_DEFAULT
}

fn default_streak_reminder_hour() -> u8 {
    crate::validate::STREAK_REMINDER_HOUR_DEFAULT
}

fn default_true() -> bool {
    true
}

/// One signed-in device or browser (`GET /api/me/sessions`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub id: crate::domain::SessionId,
    /// RFC 3339, UTC.
    pub created_at: super::Timestamp,
    pub last_seen_at: super::Timestamp,
    pub expires_at: super::Timestamp,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    /// True for the session that made this request.
    pub current: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_and_locale_codes_round_trip_and_match_the_wire() {
        for role in [Role::Student, Role::Teacher, Role::Admin] {
            assert_eq!(Role::from_code(role.code()), Some(role));
            let wire = serde_json::to_string(&role).unwrap();
            assert_eq!(wire, format!("\"{}\"", role.code()));
        }
        for locale in [Locale::En, Locale::Ru] {
            assert_eq!(Locale::from_code(locale.code()), Some(locale));
        }
        assert_eq!(Role::from_code("root"), None);
    }

    #[test]
    fn profile_update_sends_only_what_changes() {
        let update = UpdateProfileRequest {
            locale: Some(Locale::Ru),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&update).unwrap(),
            serde_json::json!({"locale": "ru"})
        );
        let parsed: UpdateProfileRequest = serde_json::from_str("{}").unwrap();
        assert_eq!(parsed, UpdateProfileRequest::default());
    }
}
