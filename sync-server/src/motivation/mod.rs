//! Motivation on the server: the read models of each learner's XP per day, XP per course and week
//! (the leaderboard's), the daily goal and badges, recomputed with `shared::rules` from the learner
//! documents by the `motivation_refresh` job; the figures `GET /api/me/motivation` serves; the
//! weekly course leaderboard (`leaderboard`) and the "streak at risk" reminder (`reminders`).
//!
//! Never reads a total, a streak or a badge written into a document: only the learning events,
//! judged by the server (quiz attempts by their `quiz_attempts` row, lesson completions by
//! `lesson_completions`). Badges are inserted once and never removed.

pub mod leaderboard;
pub mod reminders;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use shared::api::motivation::{BadgeView, MotivationView};
use shared::doc::{millis_rfc3339, Event, EventKind, QuizAttempt};
use shared::domain::{CourseId, DocId, LessonId, UserId};
use shared::rules::badges::{History, Measure, BADGES};
use shared::rules::day::Day;
use shared::rules::streak::{self, Streak};
use shared::rules::xp::{self, DailyGoal, DayXp, Goals, Ledger};
use shared::rules::{count_perfect_quizzes, motivation};

use crate::db::{on_pool, on_tx, Db, Tx};
use crate::error::{Error, Result};
use crate::jobs::{self, Handler, Job, JobError, Outcome, RunFuture};

/// The job kind that recomputes one learner's read models.
pub const REFRESH: &str = "motivation_refresh";

/// Syncs within one window of this many milliseconds make one refresh, run when it ends.
pub const REFRESH_WINDOW_MS: i64 = 10_000;
/// How long after its window a refresh waits: a sync that queued it in the window's last moment
/// has committed by then, so the refresh reads its events.
pub const REFRESH_GRACE_MS: i64 = 2_000;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct RefreshPayload {
    user_id: UserId,
}

/// The refresh window `now` falls in (see `queue_refresh`).
pub fn refresh_window(now: DateTime<Utc>) -> i64 {
    now.timestamp_millis().div_euclid(REFRESH_WINDOW_MS)
}

/// Queues the refresh of `user`'s read models, in the transaction that added events to one of
/// their documents. Coalesced: the key names the user's 10-second window, and the job runs when
/// the window ends (plus `REFRESH_GRACE_MS`), so a burst of syncs makes one job and a sync after
/// the job was claimed falls in the next window's.
pub async fn queue_refresh(tx: &mut Tx, user: &UserId, now: DateTime<Utc>) -> Result<()> {
    let window = refresh_window(now);
    let run_at_ms = (window + 1) * REFRESH_WINDOW_MS + REFRESH_GRACE_MS;
    let options = jobs::Options {
        run_at: DateTime::<Utc>::from_timestamp_millis(run_at_ms),
        unique_key: Some(format!("motivation:{user}:{window}")),
        user_id: Some(user.clone()),
    };
    let payload = RefreshPayload {
        user_id: user.clone(),
    };
    jobs::enqueue(tx, REFRESH, &payload, options).await?;
    Ok(())
}

/// The learner's calendar day at `now` in their account's time zone.
pub fn today_in(time_zone: &str, now: DateTime<Utc>) -> Day {
    let (_, date) = crate::srs::reminders::local_hour_and_date(now, time_zone);
    Day::parse(&date).unwrap_or_else(|| Day::of_millis(now.timestamp_millis(), 0))
}

/// The live account's time zone; `None` for a deleted or unknown account.
async fn time_zone_in(tx: &mut Tx, user: &UserId) -> Result<Option<String>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT time_zone FROM users WHERE id = $1 AND deleted_at IS NULL")
            .bind(user)
            .fetch_optional(conn)
            .await?
    }))
}

/// What the server knows of a learner besides their documents, to judge their events.
struct Judgement {
    /// Quiz attempts scored by the server: event id -> score, passing ones only.
    passed: HashMap<String, u8>,
    /// Lessons the learner completed by the server's rules, by course.
    completed: HashSet<(CourseId, LessonId)>,
    /// When each course they completed was completed.
    courses_completed: Vec<i64>,
}

/// Passing attempts (event id, score), completed lessons and completed courses' times.
type JudgementRows = (
    Vec<(String, i32)>,
    Vec<(CourseId, LessonId)>,
    Vec<DateTime<Utc>>,
);

impl Judgement {
    async fn load(tx: &mut Tx, user: &UserId) -> Result<Self> {
        let (attempts, completions, courses): JudgementRows = on_tx!(tx, conn => {
            let attempts = sqlx::query_as(
                "SELECT event_id, score_percent FROM quiz_attempts WHERE user_id = $1 AND passed",
            )
            .bind(user)
            .fetch_all(&mut *conn)
            .await?;
            let completions = sqlx::query_as(
                "SELECT course_id, lesson_id FROM lesson_completions WHERE user_id = $1",
            )
            .bind(user)
            .fetch_all(&mut *conn)
            .await?;
            let courses = sqlx::query_scalar(
                "SELECT completed_at FROM course_completions WHERE user_id = $1",
            )
            .bind(user)
            .fetch_all(&mut *conn)
            .await?;
            (attempts, completions, courses)
        });
        Ok(Self {
            passed: attempts
                .into_iter()
                .map(|(id, score)| (id, u8::try_from(score.clamp(0, 100)).unwrap_or(0)))
                .collect(),
            completed: completions.into_iter().collect(),
            courses_completed: courses.iter().map(DateTime::timestamp_millis).collect(),
        })
    }

    /// The server's judge: an attempt passes with the server's score, or not at all.
    fn quiz(&self, event: &Event, _attempt: &QuizAttempt) -> Option<u8> {
        self.passed.get(&event.id).copied()
    }

    /// The events of one document that may earn: a lesson completion only when the server
    /// counted the lesson completed in that course; nothing lesson- or quiz-like in the profile.
    fn admissible(&self, course: Option<&CourseId>, events: Vec<Event>) -> Vec<Event> {
        events
            .into_iter()
            .filter(|event| match (&event.kind, course) {
                (EventKind::LessonCompleted { lesson_id }, Some(course)) => self
                    .completed
                    .contains(&(course.clone(), lesson_id.clone())),
                (EventKind::LessonCompleted { .. } | EventKind::QuizAttempt(_), None) => false,
                _ => true,
            })
            .collect()
    }
}

/// Everything one refresh derives for a learner.
struct Derived {
    goal: DailyGoal,
    days: Vec<DayXp>,
    /// XP by (course, week's Monday).
    weeks: BTreeMap<(CourseId, Day), u64>,
    badges: Vec<(&'static str, i64)>,
}

/// Derives a learner's figures from their documents' events (`docs`: each document's course, or
/// `None` for the profile) as of `now_ms` on their day `today`.
fn derive(
    docs: Vec<(Option<CourseId>, Vec<Event>)>,
    judgement: &Judgement,
    today: Day,
    now_ms: i64,
) -> Derived {
    let judge = |event: &Event, attempt: &QuizAttempt| judgement.quiz(event, attempt);
    let mut history = History::default();
    let mut goals = Goals::default();
    let mut admitted = Vec::with_capacity(docs.len());
    for (course, events) in docs {
        if course.is_none() {
            goals = Goals::from_events(&events);
        }
        let events = judgement.admissible(course.as_ref(), events);
        if course.is_some() {
            count_perfect_quizzes(&mut history, &events, &judge, now_ms);
        }
        admitted.push((course, events));
    }
    let mut earnings = Vec::new();
    for (course, events) in &admitted {
        xp::earnings_into(&mut earnings, events, course.as_ref(), &judge, now_ms);
    }
    for &at_ms in &judgement.courses_completed {
        history.count(Measure::CoursesCompleted, at_ms);
    }
    let figures = motivation(&earnings, &goals, history, today, now_ms);
    let mut weeks: BTreeMap<(CourseId, Day), u64> = BTreeMap::new();
    for (earning, awarded) in earnings.iter().zip(&figures.ledger.awarded) {
        if let (Some(course), true) = (earning.course, *awarded > 0) {
            *weeks
                .entry((course.clone(), earning.day.week_start()))
                .or_default() += u64::from(*awarded);
        }
    }
    Derived {
        goal: goals.on(today),
        days: figures.ledger.days,
        weeks,
        badges: figures
            .badges
            .iter()
            .map(|award| (award.badge, award.at_ms))
            .collect(),
    }
}

/// Recomputes `user`'s read models from their stored documents as of `now`, in `tx`.
pub async fn refresh_in(tx: &mut Tx, user: &UserId, now: DateTime<Utc>) -> Result<()> {
    let Some(time_zone) = time_zone_in(tx, user).await? else {
        return Ok(());
    };
    let doc_ids: Vec<String> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT doc_id FROM sync_docs WHERE user_id = $1 ORDER BY doc_id")
            .bind(user)
            .fetch_all(conn)
            .await?
    });
    let mut docs = Vec::with_capacity(doc_ids.len());
    for doc_id in doc_ids.iter().filter_map(|id| DocId::parse(id).ok()) {
        if let Some(events) = crate::sync::stored_events(tx, &doc_id).await? {
            docs.push((doc_id.course(), events));
        }
    }
    let judgement = Judgement::load(tx, user).await?;
    let today = today_in(&time_zone, now);
    let derived = derive(docs, &judgement, today, now.timestamp_millis());
    write(tx, user, &derived, now).await
}

/// Recomputes `user`'s read models now, in a transaction of its own.
pub async fn refresh(db: &Db, user: &UserId) -> Result<()> {
    let mut tx = db.begin().await?;
    refresh_in(&mut tx, user, Utc::now()).await?;
    tx.commit().await?;
    Ok(())
}

fn to_i32(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

async fn write(tx: &mut Tx, user: &UserId, derived: &Derived, now: DateTime<Utc>) -> Result<()> {
    let mut counts = leaderboard::MemberCounts::default();
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM xp_days WHERE user_id = $1")
            .bind(user)
            .execute(&mut *conn)
            .await?;
        for day in &derived.days {
            sqlx::query(
                "INSERT INTO xp_days (user_id, day, lesson_xp, quiz_xp, review_xp, goal_bonus, \
                     goal_xp, first_ms, last_ms, reached_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(user)
            .bind(day.day.to_string())
            .bind(to_i32(day.lesson.into()))
            .bind(to_i32(day.quiz.into()))
            .bind(to_i32(day.review.into()))
            .bind(to_i32(day.goal_bonus.into()))
            .bind(to_i32(day.goal.xp().into()))
            .bind(day.first_ms)
            .bind(day.last_ms)
            .bind(day.reached_ms)
            .execute(&mut *conn)
            .await?;
        }
        sqlx::query(
            "INSERT INTO motivation_states (user_id, goal_xp, refreshed_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id) DO UPDATE SET goal_xp = excluded.goal_xp, \
                 refreshed_at = excluded.refreshed_at",
        )
        .bind(user)
        .bind(to_i32(derived.goal.xp().into()))
        .bind(now)
        .execute(&mut *conn)
        .await?;
        // The rows removed and added come back (RETURNING), so the member counts change by
        // exactly what this transaction changed.
        let removed: Vec<(CourseId, String, i32, bool)> = sqlx::query_as(
            "DELETE FROM xp_weeks WHERE user_id = $1 RETURNING course_id, week_start, xp, member",
        )
        .bind(user)
        .fetch_all(&mut *conn)
        .await?;
        for (course, week, xp, member) in removed {
            if member {
                counts.add(&course, week, xp, -1);
            }
        }
        for ((course, week), xp) in &derived.weeks {
            let member: Option<bool> = sqlx::query_scalar(
                "INSERT INTO xp_weeks (course_id, week_start, user_id, xp, member) \
                 SELECT $1, $2, $3, $4, EXISTS (SELECT 1 FROM leaderboard_members m \
                                                WHERE m.course_id = $1 AND m.user_id = $3) \
                 WHERE EXISTS (SELECT 1 FROM courses WHERE id = $1) \
                 RETURNING member",
            )
            .bind(course)
            .bind(week.to_string())
            .bind(user)
            .bind(to_i32(*xp))
            .fetch_optional(&mut *conn)
            .await?;
            if member == Some(true) {
                counts.add(course, week.to_string(), to_i32(*xp), 1);
            }
        }
        for (badge, at_ms) in &derived.badges {
            let awarded_at = DateTime::<Utc>::from_timestamp_millis(*at_ms).unwrap_or(now);
            sqlx::query(
                "INSERT INTO badges (user_id, badge_id, awarded_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id, badge_id) DO NOTHING",
            )
            .bind(user)
            .bind(*badge)
            .bind(awarded_at)
            .execute(&mut *conn)
            .await?;
        }
    });
    counts.apply(tx).await
}

type DayRow = (String, i32, i32, i32, i32, i32, i64, i64, Option<i64>);

/// `user`'s days with XP as the read model holds them, in order.
async fn days_of(db: &Db, user: &UserId) -> Result<Vec<DayXp>> {
    let rows: Vec<DayRow> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT day, lesson_xp, quiz_xp, review_xp, goal_bonus, goal_xp, first_ms, last_ms, \
                    reached_ms \
             FROM xp_days WHERE user_id = $1 ORDER BY day",
        )
        .bind(user)
        .fetch_all(pool)
        .await?
    });
    let xp = |n: i32| u32::try_from(n).unwrap_or(0);
    Ok(rows
        .into_iter()
        .filter_map(
            |(day, lesson, quiz, review, goal_bonus, goal, first_ms, last_ms, reached_ms)| {
                Some(DayXp {
                    day: Day::parse(&day)?,
                    lesson: xp(lesson),
                    quiz: xp(quiz),
                    review: xp(review),
                    goal_bonus: xp(goal_bonus),
                    goal: DailyGoal::from_xp(xp(goal)).unwrap_or_default(),
                    first_ms,
                    last_ms,
                    reached_ms,
                })
            },
        )
        .collect())
}

/// `user`'s streak as of `now` (their day `today`), from the read model.
pub async fn streak_now(db: &Db, user: &UserId, today: Day, now: DateTime<Utc>) -> Result<Streak> {
    let days = days_of(db, user).await?;
    Ok(streak::streak(&days, today, now.timestamp_millis()))
}

/// `user`'s figures as of `now` from the read models (`GET /api/me/motivation`): the streak is
/// recomputed for this moment, so a day that ended since the last refresh counts as missed.
pub async fn view(
    db: &Db,
    user: &UserId,
    time_zone: &str,
    now: DateTime<Utc>,
) -> Result<MotivationView> {
    let today = today_in(time_zone, now);
    let days = days_of(db, user).await?;
    let streak = streak::streak(&days, today, now.timestamp_millis());
    let (goal_xp, badges): (Option<i32>, Vec<(String, DateTime<Utc>)>) = on_pool!(db, pool => {
        let goal = sqlx::query_scalar("SELECT goal_xp FROM motivation_states WHERE user_id = $1")
            .bind(user)
            .fetch_optional(pool)
            .await?;
        let badges = sqlx::query_as("SELECT badge_id, awarded_at FROM badges WHERE user_id = $1")
            .bind(user)
            .fetch_all(pool)
            .await?;
        (goal, badges)
    });
    let ledger = Ledger {
        days,
        awarded: Vec::new(),
    };
    let today_row = ledger.day(today);
    let goal = today_row.map(|d| d.goal).unwrap_or_else(|| {
        goal_xp
            .and_then(|g| DailyGoal::from_xp(u32::try_from(g).ok()?))
            .unwrap_or_default()
    });
    let monday = today.week_start();
    let mut shelf: Vec<(usize, BadgeView)> = badges
        .into_iter()
        .filter_map(|(id, at)| {
            let order = BADGES.iter().position(|rule| rule.id == id)?;
            Some((
                order,
                BadgeView {
                    id,
                    awarded_at: millis_rfc3339(at.timestamp_millis()),
                },
            ))
        })
        .collect();
    shelf.sort_by_key(|(order, _)| *order);
    Ok(MotivationView {
        total_xp: ledger.total(),
        today: today.to_string(),
        today_xp: today_row.map_or(0, DayXp::total),
        goal_xp: goal.xp(),
        streak: streak.current,
        longest_streak: streak.longest,
        freezes: streak.freezes,
        at_risk: streak.at_risk,
        week_start: monday.to_string(),
        week: ledger.week(monday).to_vec(),
        badges: shelf.into_iter().map(|(_, badge)| badge).collect(),
    })
}

/// Deletes a deleted account's motivation rows (XP, badges, memberships, reminders).
pub async fn forget_user(tx: &mut Tx, user: &UserId) -> Result<()> {
    let removed: Vec<(CourseId, String, i32, bool)> = on_tx!(tx, conn => {
        sqlx::query_as(
            "DELETE FROM xp_weeks WHERE user_id = $1 RETURNING course_id, week_start, xp, member",
        )
        .bind(user)
        .fetch_all(&mut *conn)
        .await?
    });
    let mut counts = leaderboard::MemberCounts::default();
    for (course, week, xp, member) in removed {
        if member {
            counts.add(&course, week, xp, -1);
        }
    }
    counts.apply(tx).await?;
    on_tx!(tx, conn => {
        for sql in [
            "DELETE FROM xp_days WHERE user_id = $1",
            "DELETE FROM motivation_states WHERE user_id = $1",
            "DELETE FROM badges WHERE user_id = $1",
            "DELETE FROM leaderboard_members WHERE user_id = $1",
            "DELETE FROM streak_reminders WHERE user_id = $1",
        ] {
            sqlx::query(sql).bind(user).execute(&mut *conn).await?;
        }
    });
    Ok(())
}

/// Runs `motivation_refresh` jobs.
#[derive(Debug)]
pub struct RefreshHandler {
    pub db: Db,
}

impl RefreshHandler {
    async fn run_refresh(&self, job: &Job, user: &UserId) -> Result<bool> {
        let mut tx = self.db.begin().await?;
        if !job.hold(&mut tx).await? {
            return Ok(false);
        }
        refresh_in(&mut tx, user, Utc::now()).await?;
        tx.commit().await?;
        Ok(true)
    }
}

impl Handler for RefreshHandler {
    fn kind(&self) -> &'static str {
        REFRESH
    }

    fn run<'a>(&'a self, job: &'a Job) -> RunFuture<'a> {
        Box::pin(async move {
            let payload: RefreshPayload = job.payload()?;
            match self.run_refresh(job, &payload.user_id).await {
                Ok(true) => Ok(Outcome::Done),
                Ok(false) => Ok(Outcome::Discarded),
                Err(Error::NotFound(_)) => Ok(Outcome::Discarded),
                Err(e) => Err(JobError::transient(format!("motivation refresh: {e}"))),
            }
        })
    }
}
