//! The pure half of `cargo xtask bench motivation`: recomputing a learner's XP, streak and badges
//! (`shared::rules`) from a year of their events, about what the server's `motivation_refresh`
//! job and the device do after each change: 20 lessons, 20 quizzes and 40 card reviews a day for
//! 365 days (29,200 events in one progress document and the profile), in a release build. Prints
//! the median of several runs against issue 20's target (5 ms). A timing, never a test.

#![allow(clippy::unwrap_used)]

use std::time::Instant;

use shared::doc::{new_event_id, Event, EventKind, QuizAttempt};
use shared::domain::{CourseId, LessonId};
use shared::rules::badges::History;
use shared::rules::day::{local_rfc3339, Day, DAY_MS};
use shared::rules::xp::{device_judge, earnings_into, Goals};
use shared::rules::{count_perfect_quizzes, motivation};
use shared::srs::Rating;

const DAYS: i64 = 365;
const LESSONS_A_DAY: i64 = 20;
const QUIZZES_A_DAY: i64 = 20;
const REVIEWS_A_DAY: i64 = 40;
const RUNS: usize = 21;
const TARGET_MS: f64 = 5.0;
/// Moscow: the learner's events carry their offset, as devices write them.
const OFFSET_MINUTES: i32 = 180;

fn lesson(n: i64) -> LessonId {
    LessonId::parse(&format!("01933c5e-8000-7000-8000-{n:012x}")).unwrap()
}

/// A year of one learner's events ending `now_ms`: (progress events, profile events).
fn year(now_ms: i64) -> (Vec<Event>, Vec<Event>) {
    let start = now_ms - DAYS * DAY_MS;
    let mut progress = Vec::new();
    let mut profile = Vec::new();
    let cards: Vec<String> = (0..200).map(|_| new_event_id()).collect();
    for day in 0..DAYS {
        let morning = start + day * DAY_MS + 8 * 3_600_000;
        for i in 0..LESSONS_A_DAY {
            let n = day * LESSONS_A_DAY + i;
            let at = local_rfc3339(morning + i * 60_000, OFFSET_MINUTES);
            progress.push(Event::new(
                EventKind::LessonCompleted {
                    lesson_id: lesson(n),
                },
                at.clone(),
            ));
            if i < QUIZZES_A_DAY {
                progress.push(Event::new(
                    EventKind::QuizAttempt(QuizAttempt {
                        lesson_id: lesson(n),
                        quiz_version: 1,
                        answers: "{}".into(),
                        score_percent: u8::try_from(60 + (n % 41)).unwrap(),
                        passed: n % 5 != 0,
                        duration_ms: 30_000,
                    }),
                    at,
                ));
            }
        }
        for i in 0..REVIEWS_A_DAY {
            let at = local_rfc3339(morning + 3_600_000 + i * 20_000, OFFSET_MINUTES);
            profile.push(Event::new(
                EventKind::CardReviewed {
                    card_id: cards[usize::try_from((day * 7 + i) % 200).unwrap()].clone(),
                    rating: Rating::Good,
                    duration_ms: 4_000,
                },
                at,
            ));
        }
    }
    (progress, profile)
}

fn main() {
    let now_ms = 1_796_000_000_000;
    let (progress, profile) = year(now_ms);
    let course = CourseId::parse("01933c5e-7000-7000-8000-000000000001").unwrap();
    let today = Day::of_millis(now_ms, OFFSET_MINUTES);
    let mut times = Vec::with_capacity(RUNS);
    // The two halves: reading the events into earnings, and the ledger, streak and badges.
    let mut reading = Vec::with_capacity(RUNS);
    let mut last = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        let goals = Goals::from_events(&profile);
        let mut all = Vec::new();
        earnings_into(&mut all, &progress, Some(&course), &device_judge, now_ms);
        earnings_into(&mut all, &profile, None, &device_judge, now_ms);
        let mut history = History::default();
        count_perfect_quizzes(&mut history, &progress, &device_judge, now_ms);
        reading.push(started.elapsed().as_secs_f64() * 1e3);
        let figures = motivation(&all, &goals, history, today, now_ms);
        times.push(started.elapsed().as_secs_f64() * 1e3);
        last = Some(figures);
    }
    times.sort_by(f64::total_cmp);
    reading.sort_by(f64::total_cmp);
    let median = times[RUNS / 2];
    let figures = last.unwrap();
    println!(
        "XP, streak and badges from a year of one learner's events ({} events: {} lessons, {} \
         quiz attempts, {} reviews; {} XP, streak {}, {} badges): median {median:.2} ms of {RUNS} \
         (min {:.2}, max {:.2}; target <= {TARGET_MS} ms) {}",
        progress.len() + profile.len(),
        DAYS * LESSONS_A_DAY,
        DAYS * QUIZZES_A_DAY,
        DAYS * REVIEWS_A_DAY,
        figures.total_xp(),
        figures.streak.current,
        figures.badges.len(),
        times[0],
        times[RUNS - 1],
        if median <= TARGET_MS { "PASS" } else { "MISS" }
    );
    println!(
        "  of which reading the events into earnings (and perfect quizzes): median {:.2} ms; the \
         ledger, streak and badges: the rest",
        reading[RUNS / 2]
    );
}
