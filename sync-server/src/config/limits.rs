//! `[limits]`: attempt limits of the account routes, password-hash concurrency and request body
//! sizes. None of these are read from the environment today: tests and benchmarks change them in
//! code.
//!
//! Owns the numbers only; enforcing them is `identity::rate_limit`'s, `identity::password`'s and
//! `http::body_limit`'s.

/// Every limit the server enforces that is not part of a value's validation (`shared::validate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Attempt limits of the account routes.
    pub rate: RateLimits,
    /// How many password hashes may be computed at once (each takes one core for tens of ms).
    /// Defaults to the number of cores less one (at least one).
    pub password_hash_permits: usize,
    /// Largest request body per group of routes.
    pub body: BodyLimits,
    /// How many discussion posts one account may write.
    pub posts: PostLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            rate: RateLimits::default(),
            // One core stays free for everything else: on 2 cores the sign-in flood benchmark
            // gets the same sign-ins/s with 1 permit as with 2, and catalog p99 stays near idle.
            password_hash_permits: std::thread::available_parallelism()
                .map(|n| usize::from(n).saturating_sub(1).max(1))
                .unwrap_or(1),
            body: BodyLimits::default(),
            posts: PostLimits::default(),
        }
    }
}

/// How many discussion posts (threads and replies, deleted ones included) one account may write
/// in the last minute and the last 24 hours; counted in the database (`discussions`), so the
/// limit holds across replicas. 0 means unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostLimits {
    pub per_minute: u32,
    pub per_day: u32,
}

impl Default for PostLimits {
    fn default() -> Self {
        Self {
            per_minute: 5,
            per_day: 50,
        }
    }
}

/// Largest request body, in bytes, per group of routes; a larger one is answered 413 before a
/// handler runs. Media uploads are held to `EDU_MEDIA_MAX_BYTES` (`config::MediaConfig`); the sync
/// routes (binary Automerge messages) will get their own, larger, limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimits {
    /// The JSON API (`/api/…` except sync and authoring): forms and small documents.
    pub json: usize,
    /// JSON that carries a lesson's Markdown (the editor's preview): a whole lesson body.
    pub content: usize,
    /// A course import's `.zip` (`http::course_import`); it may unpack to more
    /// (`catalog::import::MAX_UNPACKED_BYTES`), counted as it is read.
    pub import: usize,
}

/// The JSON API's default body limit: far above any form, far below what a flood needs.
pub const DEFAULT_JSON_BODY_BYTES: usize = 64 * 1024;

/// Room for a lesson body of `LESSON_BODY_MAX_CHARS` characters of up to 4 bytes of UTF-8 each,
/// plus the JSON around it and its escapes (about 864 KiB).
pub const DEFAULT_CONTENT_BODY_BYTES: usize =
    shared::validate::LESSON_BODY_MAX_CHARS * 4 + DEFAULT_JSON_BODY_BYTES;

/// A course import's default body limit: a zipped book with its images.
pub const DEFAULT_IMPORT_BODY_BYTES: usize = 20 * 1024 * 1024;

impl Default for BodyLimits {
    fn default() -> Self {
        Self {
            json: DEFAULT_JSON_BODY_BYTES,
            content: DEFAULT_CONTENT_BODY_BYTES,
            import: DEFAULT_IMPORT_BODY_BYTES,
        }
    }
}

/// Attempts allowed per minute for each account route, per client IP and per account (email
/// address). A limit of 0 means unlimited (benchmarks only). See `identity::rate_limit` for how
/// sign-in limits are keyed so that strangers cannot lock an owner out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    /// Sign-in attempts from one source (an IPv4 address or an IPv6 /64), whatever the account.
    pub sign_in_per_ip: u32,
    /// Sign-in attempts on one account from one source.
    pub sign_in_per_account: u32,
    /// Sign-in attempts on one account from all sources together, except browsers that signed in
    /// to it before: the ceiling a botnet meets.
    pub sign_in_per_account_all_sources: u32,
    /// Sign-in attempts from one browser that signed in to the account before (its device cookie).
    pub sign_in_per_known_device: u32,
    pub register_per_ip: u32,
    pub register_per_account: u32,
    /// Forgot password, resend verification, reset password.
    pub recovery_per_ip: u32,
    pub recovery_per_account: u32,
    /// A signed-in user confirming their password (change password or email, delete account).
    pub password_checks_per_user: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            sign_in_per_ip: 10,
            sign_in_per_account: 5,
            sign_in_per_account_all_sources: 20,
            sign_in_per_known_device: 10,
            register_per_ip: 10,
            register_per_account: 3,
            recovery_per_ip: 10,
            recovery_per_account: 3,
            password_checks_per_user: 5,
        }
    }
}

impl RateLimits {
    /// No limits at all: for load benchmarks that hammer one route from one address.
    pub fn unlimited() -> Self {
        Self {
            sign_in_per_ip: 0,
            sign_in_per_account: 0,
            sign_in_per_account_all_sources: 0,
            sign_in_per_known_device: 0,
            register_per_ip: 0,
            register_per_account: 0,
            recovery_per_ip: 0,
            recovery_per_account: 0,
            password_checks_per_user: 0,
        }
    }
}
