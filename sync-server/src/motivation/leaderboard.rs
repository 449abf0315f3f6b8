//! A course's weekly leaderboard: opt-in (off by default, chosen per course by learners enrolled
//! in it), this UTC week's XP in the course from the `xp_weeks` read model, the top
//! `TOP` members with ties sharing a rank, display names only.
//!
//! Never shows a learner who has not joined, nor an email; leaving takes the learner off at once
//! (their `xp_weeks` rows are flagged in the same transaction).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use shared::api::accounts::Role;
use shared::api::motivation::{LeaderboardEntry, LeaderboardMembership, LeaderboardView};
use shared::domain::{CourseId, UserId};
use shared::rules::day::Day;

use crate::catalog::course_page::{visible_course, Viewer};
use crate::db::{on_pool, on_tx, Db, Tx};
use crate::error::{Error, Result};

/// How many rows a leaderboard shows.
pub const TOP: i64 = 50;
/// The name shown for a member with no display name.
pub const NEUTRAL_NAME: &str = "Learner";

/// Joins (`joined`) or leaves the leaderboard of the course `reference` names. Only a learner
/// enrolled in it may (403 otherwise; 404 for a course they may not see).
pub async fn set_membership(
    db: &Db,
    user: &UserId,
    role: Role,
    reference: &str,
    joined: bool,
    now: DateTime<Utc>,
) -> Result<LeaderboardMembership> {
    let (course, enrolled) = visible_course(db, reference, Viewer::User { id: user, role }).await?;
    if !enrolled {
        return Err(Error::Forbidden(
            "only learners enrolled in the course may join its leaderboard".into(),
        ));
    }
    let mut tx = db.begin().await?;
    if joined {
        on_tx!(&mut tx, conn => {
            sqlx::query(
                "INSERT INTO leaderboard_members (course_id, user_id, joined_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (course_id, user_id) DO NOTHING",
            )
            .bind(&course.id)
            .bind(user)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        });
        let joined: Vec<(String, i32)> = on_tx!(&mut tx, conn => {
            sqlx::query_as(
                "UPDATE xp_weeks SET member = TRUE \
                 WHERE course_id = $1 AND user_id = $2 AND member = FALSE \
                 RETURNING week_start, xp",
            )
            .bind(&course.id)
            .bind(user)
            .fetch_all(&mut *conn)
            .await?
        });
        let mut counts = MemberCounts::default();
        for (week, xp) in joined {
            counts.add(&course.id, week, xp, 1);
        }
        counts.apply(&mut tx).await?;
    } else {
        leave_in(&mut tx, &course.id, user).await?;
    }
    tx.commit().await?;
    Ok(LeaderboardMembership { joined })
}

/// Takes `user` off `course`'s leaderboard in `tx` (they left it, or the course).
pub async fn leave_in(tx: &mut Tx, course: &CourseId, user: &UserId) -> Result<()> {
    let left: Vec<(String, i32)> = on_tx!(tx, conn => {
        sqlx::query("DELETE FROM leaderboard_members WHERE course_id = $1 AND user_id = $2")
            .bind(course)
            .bind(user)
            .execute(&mut *conn)
            .await?;
        sqlx::query_as(
            "UPDATE xp_weeks SET member = FALSE \
             WHERE course_id = $1 AND user_id = $2 AND member = TRUE \
             RETURNING week_start, xp",
        )
        .bind(course)
        .bind(user)
        .fetch_all(&mut *conn)
        .await?
    });
    let mut counts = MemberCounts::default();
    for (week, xp) in left {
        counts.add(course, week, xp, -1);
    }
    counts.apply(tx).await
}

/// Changes to `xp_week_counts` (members by course, week and XP figure) that one transaction
/// makes alongside its changes to `xp_weeks`' member rows. Every statement that adds, removes or
/// flips a member row of `xp_weeks` reads back (`RETURNING`) exactly the rows it changed and adds
/// them here, so the counts match the rows whatever runs beside it.
#[derive(Debug, Default)]
pub struct MemberCounts {
    changes: BTreeMap<(CourseId, String, i32), i64>,
}

impl MemberCounts {
    /// Counts `delta` members more (or fewer) with `xp` in `course`'s week `week`.
    pub fn add(&mut self, course: &CourseId, week: String, xp: i32, delta: i64) {
        *self.changes.entry((course.clone(), week, xp)).or_default() += delta;
    }

    /// Writes the changes in `tx`, in key order: two transactions then never wait on each
    /// other's count rows in opposite orders (no deadlock on PostgreSQL).
    pub async fn apply(self, tx: &mut Tx) -> Result<()> {
        for ((course, week, xp), delta) in self.changes {
            if delta == 0 {
                continue;
            }
            on_tx!(tx, conn => {
                sqlx::query(
                    "INSERT INTO xp_week_counts (course_id, week_start, xp, members) \
                     VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (course_id, week_start, xp) \
                     DO UPDATE SET members = xp_week_counts.members + excluded.members",
                )
                .bind(&course)
                .bind(&week)
                .bind(xp)
                .bind(delta)
                .execute(&mut *conn)
                .await?;
                if delta < 0 {
                    sqlx::query(
                        "DELETE FROM xp_week_counts \
                         WHERE course_id = $1 AND week_start = $2 AND xp = $3 AND members <= 0",
                    )
                    .bind(&course)
                    .bind(&week)
                    .bind(xp)
                    .execute(&mut *conn)
                    .await?;
                }
            });
        }
        Ok(())
    }
}

/// The Monday (UTC) starting the week `now` is in.
pub fn week_of(now: DateTime<Utc>) -> Day {
    Day::of_millis(now.timestamp_millis(), 0).week_start()
}

/// Ranks rows ordered by XP, most first: equal XP share the rank of the first of them.
fn ranked(xps: &[u32]) -> Vec<u32> {
    let mut ranks: Vec<u32> = Vec::with_capacity(xps.len());
    for (i, xp) in xps.iter().enumerate() {
        let rank = match (i.checked_sub(1), ranks.last()) {
            (Some(prev), Some(&last)) if xps[prev] == *xp => last,
            _ => u32::try_from(i + 1).unwrap_or(u32::MAX),
        };
        ranks.push(rank);
    }
    ranks
}

fn shown_name(name: Option<String>) -> String {
    name.map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| NEUTRAL_NAME.to_owned())
}

/// A member's id, XP and display name.
type BoardRow = (UserId, i32, Option<String>);

/// The leaderboard of the course `reference` names for the UTC week of `now`, as `user` sees it:
/// learners enrolled in the course, its teacher and admins may read it (403 for anyone else).
pub async fn board(
    db: &Db,
    user: &UserId,
    role: Role,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<LeaderboardView> {
    let viewer = Viewer::User { id: user, role };
    let (course, enrolled) = visible_course(db, reference, viewer).await?;
    if !enrolled && !course.is_managed_by(viewer) {
        return Err(Error::Forbidden(
            "only the course's learners, its teacher and admins see its leaderboard".into(),
        ));
    }
    let week = week_of(now).to_string();
    let (top, joined, mine): (Vec<BoardRow>, bool, Option<i32>) = on_pool!(db, pool => {
        let top = sqlx::query_as(
            "SELECT x.user_id, x.xp, u.display_name FROM xp_weeks x \
             JOIN users u ON u.id = x.user_id \
             WHERE x.course_id = $1 AND x.week_start = $2 AND x.member = TRUE \
             ORDER BY x.xp DESC, x.user_id LIMIT $3",
        )
        .bind(&course.id)
        .bind(&week)
        .bind(TOP)
        .fetch_all(pool)
        .await?;
        let joined: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM leaderboard_members WHERE course_id = $1 AND user_id = $2",
        )
        .bind(&course.id)
        .bind(user)
        .fetch_optional(pool)
        .await?;
        let mine = sqlx::query_scalar(
            "SELECT xp FROM xp_weeks WHERE course_id = $1 AND week_start = $2 AND user_id = $3",
        )
        .bind(&course.id)
        .bind(&week)
        .bind(user)
        .fetch_optional(pool)
        .await?;
        (top, joined.is_some(), mine)
    });
    let xps: Vec<u32> = top
        .iter()
        .map(|(_, xp, _)| u32::try_from(*xp).unwrap_or(0))
        .collect();
    let ranks = ranked(&xps);
    let entries: Vec<LeaderboardEntry> = top
        .into_iter()
        .zip(ranks)
        .map(|((id, xp, name), rank)| LeaderboardEntry {
            rank,
            display_name: shown_name(name),
            xp: u32::try_from(xp).unwrap_or(0),
            me: id == *user,
        })
        .collect();
    let me = if !joined {
        None
    } else if let Some(entry) = entries.iter().find(|e| e.me) {
        Some(entry.clone())
    } else {
        let xp = mine.unwrap_or(0).max(0);
        // The members above: summed over one row per XP figure (`xp_week_counts`), not counted
        // over every member.
        let ahead: i64 = on_pool!(db, pool => {
            sqlx::query_scalar(
                "SELECT CAST(COALESCE(SUM(members), 0) AS BIGINT) FROM xp_week_counts \
                 WHERE course_id = $1 AND week_start = $2 AND xp > $3",
            )
            .bind(&course.id)
            .bind(&week)
            .bind(xp)
            .fetch_one(pool)
            .await?
        });
        let name: Option<String> = on_pool!(db, pool => {
            sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
                .bind(user)
                .fetch_optional(pool)
                .await?
                .flatten()
        });
        Some(LeaderboardEntry {
            rank: u32::try_from(ahead + 1).unwrap_or(u32::MAX),
            display_name: shown_name(name),
            xp: u32::try_from(xp).unwrap_or(0),
            me: true,
        })
    };
    Ok(LeaderboardView {
        week_start: week,
        joined,
        entries,
        me,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_xp_share_a_rank_and_the_next_rank_skips() {
        assert_eq!(
            ranked(&[90, 70, 70, 70, 40, 40, 10]),
            vec![1, 2, 2, 2, 5, 5, 7]
        );
        assert!(ranked(&[]).is_empty());
    }

    #[test]
    fn a_blank_or_missing_name_is_shown_as_a_neutral_one() {
        assert_eq!(shown_name(None), NEUTRAL_NAME);
        assert_eq!(shown_name(Some("  ".into())), NEUTRAL_NAME);
        assert_eq!(shown_name(Some(" Ada ".into())), "Ada");
    }

    #[test]
    fn weeks_start_on_the_utc_monday() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(
            week_of(at("2026-11-30T00:00:00Z")).to_string(),
            "2026-11-30"
        );
        assert_eq!(
            week_of(at("2026-12-06T23:59:59Z")).to_string(),
            "2026-11-30"
        );
        assert_eq!(
            week_of(at("2026-11-29T23:59:59Z")).to_string(),
            "2026-11-23"
        );
    }
}
