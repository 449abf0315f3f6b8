//! The learner's XP, streak and badges as this device sees them: computed with `shared::rules`
//! from the profile document and every progress document the device holds, so the header and
//! the dashboard are right offline. The server's projections hold the figures that count; these
//! never go to the server. Changes only by appending `daily_goal_set` to the profile document.

use std::collections::BTreeMap;

use shared::doc::{progress, Event, EventKind};
use shared::domain::{CourseId, DocId, LessonId};
use shared::rules::badges::{Award, History, Measure};
use shared::rules::day::Day;
use shared::rules::xp::{self, DailyGoal, Goals};
use shared::rules::{self, Motivation};

use super::{learner_database, now, utc_offset_minutes};
use crate::error::ClientError;
use crate::store::{self, Store};
use crate::sync::documents;

/// What the device knows of a course's lessons, to tell when the learner completed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CourseLessons {
    /// Its outline (a course downloaded for offline use): completed when every one is.
    Outline(Vec<LessonId>),
    /// How many lessons it has (the list of enrolled courses): completed when that many are.
    Count(u32),
}

/// One learner's figures at one moment, on their own calendar day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    /// XP by day, the streak and the badges earned.
    pub motivation: Motivation,
    /// The learner's day now.
    pub today: Day,
    /// The daily goal in force today.
    pub goal: DailyGoal,
    /// Today's XP from learning (what the goal is measured against, without the goal's bonus).
    pub today_activity_xp: u32,
    /// All of today's XP.
    pub today_xp: u32,
    /// The Monday starting this week.
    pub week_start: Day,
    /// The XP of each day of this week, Monday first.
    pub week: [u32; 7],
}

impl Figures {
    /// All XP ever earned.
    pub fn total_xp(&self) -> u64 {
        self.motivation.total_xp()
    }

    /// When the badge `id` was earned, if it was.
    pub fn awarded(&self, id: &str) -> Option<i64> {
        self.motivation
            .badges
            .iter()
            .find(|award: &&Award| award.badge == id)
            .map(|award| award.at_ms)
    }

    /// Today's progress towards the goal, 0.0 to 1.0.
    pub fn goal_share(&self) -> f64 {
        (f64::from(self.today_activity_xp) / f64::from(self.goal.xp().max(1))).min(1.0)
    }

    /// Whether the learner has done nothing that earns XP yet.
    pub fn is_new(&self) -> bool {
        self.motivation.ledger.days.is_empty()
    }
}

/// When the learner completed a course with `lessons`, from its progress document's `events`.
fn course_completed_at(events: &[Event], lessons: &CourseLessons) -> Option<i64> {
    let completed = progress::completed_lessons(events);
    let at = |lesson: &LessonId| {
        completed
            .get(lesson)
            .and_then(|at| shared::doc::rfc3339_millis(at))
    };
    match lessons {
        CourseLessons::Outline(outline) if !outline.is_empty() => outline
            .iter()
            .map(at)
            .collect::<Option<Vec<i64>>>()?
            .into_iter()
            .max(),
        CourseLessons::Outline(_) | CourseLessons::Count(0) => None,
        CourseLessons::Count(count) => {
            let mut times: Vec<i64> = completed.keys().filter_map(at).collect();
            times.sort_unstable();
            times.get(usize::try_from(*count).ok()? - 1).copied()
        }
    }
}

/// The figures of a learner whose profile document holds `profile` and whose progress documents
/// hold `courses` (each with what the device knows of the course's lessons), at `now_ms` with the
/// device `offset_minutes` east of UTC. Quiz attempts are judged by their own record.
pub fn figures(
    profile: &[Event],
    courses: &[(CourseId, Vec<Event>, Option<CourseLessons>)],
    now_ms: i64,
    offset_minutes: i32,
) -> Figures {
    let judge = xp::device_judge;
    let mut earnings = xp::earnings(profile, None, &judge, now_ms);
    let mut extra = History::default();
    for (course, events, lessons) in courses {
        xp::earnings_into(&mut earnings, events, Some(course), &judge, now_ms);
        rules::count_perfect_quizzes(&mut extra, events, &judge, now_ms);
        let completed = lessons
            .as_ref()
            .and_then(|lessons| course_completed_at(events, lessons))
            .filter(|at| *at <= now_ms.saturating_add(xp::FUTURE_TOLERANCE_MS));
        if let Some(at) = completed {
            extra.count(Measure::CoursesCompleted, at);
        }
    }
    let goals = Goals::from_events(profile);
    let today = Day::of_millis(now_ms, offset_minutes);
    let motivation = rules::motivation(&earnings, &goals, extra, today, now_ms);
    let day = motivation.ledger.day(today);
    let week_start = today.week_start();
    Figures {
        today,
        goal: goals.on(today),
        today_activity_xp: day.map_or(0, |d| d.activity_xp()),
        today_xp: day.map_or(0, |d| d.total()),
        week_start,
        week: motivation.ledger.week(week_start),
        motivation,
    }
}

/// What this device knows of each course's lessons: the outlines of downloaded courses first,
/// else the lesson counts of the enrolled courses as last listed.
async fn known_lessons(store: &Store) -> BTreeMap<CourseId, CourseLessons> {
    let mut known = BTreeMap::new();
    for enrolled in store::enrollments::saved(store).await.unwrap_or_default() {
        known.insert(
            enrolled.course.id.clone(),
            CourseLessons::Count(enrolled.course.lesson_count),
        );
    }
    match store::offline::courses(store).await {
        Ok(downloaded) => {
            for course in downloaded {
                let outline: Vec<LessonId> = course
                    .detail
                    .modules
                    .iter()
                    .flat_map(|m| m.lessons.iter().map(|l| l.id.clone()))
                    .collect();
                known.insert(course.detail.summary.id, CourseLessons::Outline(outline));
            }
        }
        Err(error) => web_sys::console::warn_1(&format!("outlines not read: {error}").into()),
    }
    known
}

/// The signed-in learner's figures now, from every learner document on this device.
pub async fn motivation() -> Result<Figures, ClientError> {
    let (user, store) = learner_database().await?;
    let profile_doc = DocId::profile(&user);
    let profile = documents::events(&store, &profile_doc).await?;
    let mut known = known_lessons(&store).await;
    let mut courses = Vec::new();
    for doc in super::cards::learner_docs(&user, &store).await? {
        let Some(course) = doc.course() else {
            continue;
        };
        let events = documents::events(&store, &doc).await?;
        let lessons = known.remove(&course);
        courses.push((course, events, lessons));
    }
    Ok(figures(
        &profile,
        &courses,
        js_sys::Date::now() as i64,
        utc_offset_minutes(),
    ))
}

/// Sets the XP the learner aims at each day, from today on (a `daily_goal_set` event in the
/// profile document; the latest one wins).
pub async fn set_daily_goal(goal: DailyGoal) -> Result<(), ClientError> {
    let (user, store) = learner_database().await?;
    let event = Event::new(EventKind::DailyGoalSet { xp: goal }, now());
    documents::append(&store, &DocId::profile(&user), &event).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use shared::doc::QuizAttempt;
    use shared::rules::day::local_rfc3339;

    const MOSCOW: i32 = 180;

    fn id(n: u8) -> String {
        format!("01900000-0000-7000-8000-0000000002{n:02x}")
    }

    fn lesson(n: u8) -> LessonId {
        LessonId::parse(&id(n)).unwrap()
    }

    fn course() -> CourseId {
        CourseId::parse(&id(0xff)).unwrap()
    }

    fn ms(at: &str) -> i64 {
        shared::doc::rfc3339_millis(at).unwrap()
    }

    fn completed(n: u8, at: &str) -> Event {
        Event::new(
            EventKind::LessonCompleted {
                lesson_id: lesson(n),
            },
            at,
        )
    }

    fn quiz(n: u8, score: u8, at: &str) -> Event {
        Event::new(
            EventKind::QuizAttempt(QuizAttempt {
                lesson_id: lesson(n),
                quiz_version: 1,
                answers: "{}".into(),
                score_percent: score,
                passed: score >= 60,
                duration_ms: 1_000,
            }),
            at,
        )
    }

    #[test]
    fn a_new_learner_has_nothing_yet() {
        let now = ms("2026-11-30T12:00:00Z");
        let f = figures(&[], &[], now, MOSCOW);
        assert!(f.is_new());
        assert_eq!(f.total_xp(), 0);
        assert_eq!(f.week, [0; 7]);
        assert_eq!(f.goal, DailyGoal::Steady);
        assert_eq!(f.motivation.streak.current, 0);
        assert!(f.motivation.badges.is_empty());
        assert_eq!(f.goal_share(), 0.0);
    }

    #[test]
    fn a_lesson_completed_today_moves_xp_and_the_week_but_not_yet_the_streak() {
        let now = ms("2026-11-30T12:00:00Z"); // Monday
        let events = vec![completed(1, &local_rfc3339(now - 60_000, MOSCOW))];
        let f = figures(&[], &[(course(), events, None)], now, MOSCOW);
        assert_eq!(f.total_xp(), 10);
        assert_eq!(f.today_xp, 10);
        assert_eq!(f.today.to_string(), "2026-11-30");
        assert_eq!(f.week_start.to_string(), "2026-11-30");
        assert_eq!(f.week, [10, 0, 0, 0, 0, 0, 0]);
        assert_eq!(f.goal_share(), 0.5, "10 of the default 20");
        assert_eq!(f.motivation.streak.current, 0, "20 XP is the goal");
        assert_eq!(f.awarded("first_lesson"), Some(now - 60_000));
    }

    #[test]
    fn a_lighter_goal_reached_today_starts_the_streak_with_the_bonus() {
        let now = ms("2026-11-30T12:00:00Z");
        let profile = vec![Event::new(
            EventKind::DailyGoalSet {
                xp: DailyGoal::Light,
            },
            local_rfc3339(now - 120_000, MOSCOW),
        )];
        let events = vec![completed(1, &local_rfc3339(now - 60_000, MOSCOW))];
        let f = figures(&profile, &[(course(), events, None)], now, MOSCOW);
        assert_eq!(f.goal, DailyGoal::Light);
        assert_eq!(f.today_activity_xp, 10);
        assert_eq!(f.today_xp, 15, "10 for the lesson, 5 for the goal");
        assert_eq!(f.goal_share(), 1.0);
        let streak = &f.motivation.streak;
        assert_eq!((streak.current, streak.longest), (1, 1));
        assert!(streak.today_reached && !streak.at_risk);
    }

    #[test]
    fn yesterdays_streak_is_at_risk_until_today_is_reached() {
        let now = ms("2026-12-01T09:00:00Z");
        let profile = vec![Event::new(
            EventKind::DailyGoalSet {
                xp: DailyGoal::Light,
            },
            "2026-11-29T10:00:00.000+03:00",
        )];
        let events = vec![completed(1, "2026-11-30T20:00:00.000+03:00")];
        let f = figures(&profile, &[(course(), events.clone(), None)], now, MOSCOW);
        assert_eq!(f.motivation.streak.current, 1);
        assert!(f.motivation.streak.at_risk);
        assert_eq!(f.week, [15, 0, 0, 0, 0, 0, 0]);

        let mut today = events;
        today.push(completed(2, &local_rfc3339(now, MOSCOW)));
        let f = figures(&profile, &[(course(), today, None)], now, MOSCOW);
        assert_eq!(f.motivation.streak.current, 2);
        assert!(!f.motivation.streak.at_risk);
        assert_eq!(f.week, [15, 15, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn the_day_is_the_learners_own() {
        // 22:30 UTC on Sunday is already Monday in Moscow.
        let now = ms("2026-11-29T22:30:00Z");
        let events = vec![completed(1, &local_rfc3339(now, MOSCOW))];
        let f = figures(&[], &[(course(), events.clone(), None)], now, MOSCOW);
        assert_eq!(f.today.to_string(), "2026-11-30");
        assert_eq!(f.today_xp, 10);
        let f = figures(&[], &[(course(), events, None)], now, 0);
        assert_eq!(f.today.to_string(), "2026-11-29");
        assert_eq!(f.today_xp, 0, "the lesson was on the learner's Monday");
    }

    #[test]
    fn a_course_is_completed_when_the_device_knows_all_its_lessons_are() {
        let now = ms("2026-11-30T12:00:00Z");
        let events = vec![
            completed(1, "2026-11-30T10:00:00.000+03:00"),
            completed(2, "2026-11-30T11:00:00.000+03:00"),
        ];
        let outline = |n: &[u8]| {
            Some(CourseLessons::Outline(
                n.iter().map(|&n| lesson(n)).collect(),
            ))
        };
        for (lessons, expected) in [
            (None, None),
            (Some(CourseLessons::Count(3)), None),
            (
                Some(CourseLessons::Count(2)),
                Some("2026-11-30T11:00:00.000+03:00"),
            ),
            (Some(CourseLessons::Count(0)), None),
            (outline(&[1, 2, 3]), None),
            (outline(&[2, 1]), Some("2026-11-30T11:00:00.000+03:00")),
            (outline(&[1]), Some("2026-11-30T10:00:00.000+03:00")),
        ] {
            let f = figures(
                &[],
                &[(course(), events.clone(), lessons.clone())],
                now,
                MOSCOW,
            );
            assert_eq!(f.awarded("first_course"), expected.map(ms), "{lessons:?}");
        }
    }

    #[test]
    fn a_perfect_quiz_earns_its_badge_and_a_failed_one_nothing() {
        let now = ms("2026-11-30T12:00:00Z");
        let events = vec![
            quiz(1, 40, "2026-11-30T10:00:00.000+03:00"),
            quiz(2, 100, "2026-11-30T10:05:00.000+03:00"),
        ];
        let f = figures(&[], &[(course(), events, None)], now, MOSCOW);
        assert_eq!(
            f.awarded("perfect_quiz"),
            Some(ms("2026-11-30T10:05:00.000+03:00"))
        );
        assert_eq!(
            f.today_activity_xp,
            10 + 10 + 5,
            "the passed quiz with its score and first try"
        );
    }

    #[test]
    fn events_dated_in_the_future_earn_nothing() {
        let now = ms("2026-11-30T12:00:00Z");
        let events = vec![completed(1, "2026-12-05T10:00:00.000+03:00")];
        let f = figures(
            &[],
            &[(course(), events, Some(CourseLessons::Count(1)))],
            now,
            MOSCOW,
        );
        assert!(f.is_new());
        assert_eq!(f.awarded("first_course"), None);
    }
}
