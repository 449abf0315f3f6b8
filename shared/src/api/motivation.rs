//! Motivation on the wire: a learner's XP, streak and badges as the server's projections hold them
//! (`GET /api/me/motivation`, the figures that count), and a course's weekly leaderboard
//! (`GET /api/courses/{course}/leaderboard`, opt-in with `PUT .../leaderboard/membership`).
//! The device computes the same figures offline from its documents with `crate::rules`.

/// `GET /api/me/motivation`: the signed-in learner's figures from the server's projections.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MotivationView {
    /// All XP ever earned.
    pub total_xp: u64,
    /// The learner's day today (`YYYY-MM-DD`, in their account's time zone).
    pub today: String,
    /// XP earned today.
    pub today_xp: u32,
    /// The daily goal in force today (10, 20 or 50).
    pub goal_xp: u32,
    /// The current streak in days (0 when broken).
    pub streak: u32,
    pub longest_streak: u32,
    /// Streak freezes held.
    pub freezes: u32,
    /// Whether the streak breaks if today's goal is not reached.
    pub at_risk: bool,
    /// The Monday starting this week (`YYYY-MM-DD`).
    pub week_start: String,
    /// XP of each day of this week, Monday first (7 numbers).
    pub week: Vec<u32>,
    /// Badges earned, in the shelf's order (`crate::rules::badges::BADGES`).
    pub badges: Vec<BadgeView>,
}

/// One badge earned.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BadgeView {
    /// Its id (`crate::rules::badges::BadgeRule::id`).
    pub id: String,
    /// When it was earned (RFC 3339).
    pub awarded_at: String,
}

/// `GET /api/courses/{course}/leaderboard`: this week's XP in the course of the learners who
/// joined its leaderboard, most first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaderboardView {
    /// The Monday starting the week shown (`YYYY-MM-DD`, UTC).
    pub week_start: String,
    /// Whether the caller has joined this course's leaderboard.
    pub joined: bool,
    /// The top entries (at most 50), ranked.
    pub entries: Vec<LeaderboardEntry>,
    /// The caller's own entry when they joined (also when outside the top).
    pub me: Option<LeaderboardEntry>,
}

/// One row of a leaderboard.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaderboardEntry {
    /// 1 for the most XP; equal XP share a rank.
    pub rank: u32,
    /// The learner's display name (never their email).
    pub display_name: String,
    /// Their XP in this course this week.
    pub xp: u32,
    /// Whether this row is the caller's.
    pub me: bool,
}

/// `PUT /api/courses/{course}/leaderboard/membership` body and answer: join (true) or leave
/// (false) the course's leaderboard. Leaving removes the learner from it at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaderboardMembership {
    pub joined: bool,
}
