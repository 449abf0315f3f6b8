//! Table tests of the motivation rules: XP and caps, the calendar day, streaks across midnight,
//! devices, DST and travel, and badges.

use super::badges::{History, Measure, BADGES};
use super::day::{local_rfc3339, offset_minutes, Day};
use super::streak::streak;
use super::xp::{device_judge, earnings, ledger, Activity, DailyGoal, Earning, Goals, XpKind};
use super::{count_perfect_quizzes, motivation};
use crate::doc::{new_event_id, rfc3339_millis, Event, EventKind, QuizAttempt};
use crate::domain::LessonId;
use crate::srs::Rating;

fn ms(at: &str) -> i64 {
    rfc3339_millis(at).expect(at)
}

fn day(text: &str) -> Day {
    Day::parse(text).expect(text)
}

fn lesson(n: u8) -> LessonId {
    LessonId::parse(&format!("00000000-0000-7000-8000-0000000000{n:02}")).expect("lesson id")
}

fn event(at: &str, kind: EventKind) -> Event {
    Event::new(kind, at)
}

fn completed(at: &str, n: u8) -> Event {
    event(
        at,
        EventKind::LessonCompleted {
            lesson_id: lesson(n),
        },
    )
}

fn review(at: &str) -> Event {
    event(
        at,
        EventKind::CardReviewed {
            card_id: new_event_id(),
            rating: Rating::Good,
            duration_ms: 3_000,
        },
    )
}

fn attempt(at: &str, n: u8, score: u8, passed: bool) -> Event {
    event(
        at,
        EventKind::QuizAttempt(QuizAttempt {
            lesson_id: lesson(n),
            quiz_version: 1,
            answers: "{}".into(),
            score_percent: score,
            passed,
            duration_ms: 60_000,
        }),
    )
}

const FAR_FUTURE: i64 = i64::MAX / 2;

fn earn(events: &[Event]) -> Vec<Earning<'_>> {
    earnings(events, None, &device_judge, FAR_FUTURE)
}

#[test]
fn an_events_day_is_the_date_written_in_its_time() {
    let table = [
        ("2026-11-30T23:59:59.999+03:00", "2026-11-30"),
        ("2026-12-01T00:00:00.000+03:00", "2026-12-01"),
        ("2026-11-30T20:59:59.999Z", "2026-11-30"),
        ("2026-11-30T23:30:00-10:00", "2026-11-30"),
        ("2026-12-01T05:00:00+14:00", "2026-12-01"),
        // No place has +15:00: the UTC date (2026-11-30T14:00Z) is taken instead.
        ("2026-12-01T05:00:00+15:00", "2026-11-30"),
        ("2024-02-29T12:00:00Z", "2024-02-29"),
    ];
    for (at, expected) in table {
        assert_eq!(Day::of_at(at), Some(day(expected)), "{at}");
    }
    assert_eq!(Day::of_at("yesterday"), None);
    for bad in ["2026-02-30", "2026-1-01", "20261201", "2026-13-01", ""] {
        assert_eq!(Day::parse(bad), None, "{bad}");
    }
}

#[test]
fn weeks_start_on_monday() {
    // 2026-11-30 is a Monday, 2026-12-06 a Sunday.
    assert_eq!(day("2026-11-30").weekday(), 0);
    assert_eq!(day("2026-12-06").weekday(), 6);
    for d in ["2026-11-30", "2026-12-02", "2026-12-06"] {
        assert_eq!(day(d).week_start(), day("2026-11-30"), "{d}");
    }
    assert_eq!(day("2026-12-07").week_start(), day("2026-12-07"));
    assert_eq!(day("1970-01-01").week_start(), day("1969-12-29"));
}

#[test]
fn devices_write_local_times_that_read_back_as_the_same_instant_and_day() {
    let instant = ms("2026-11-30T21:30:00.250Z");
    let table = [
        (180, "2026-12-01T00:30:00.250+03:00", "2026-12-01"),
        (-300, "2026-11-30T16:30:00.250-05:00", "2026-11-30"),
        (0, "2026-11-30T21:30:00.250Z", "2026-11-30"),
        (330, "2026-12-01T03:00:00.250+05:30", "2026-12-01"),
        (1_000, "2026-11-30T21:30:00.250Z", "2026-11-30"),
    ];
    for (offset, text, date) in table {
        let written = local_rfc3339(instant, offset);
        assert_eq!(written, text, "{offset}");
        assert_eq!(rfc3339_millis(&written), Some(instant), "{offset}");
        assert_eq!(Day::of_at(&written), Some(day(date)), "{offset}");
    }
    assert_eq!(offset_minutes("2026-11-30T16:30:00-05:00"), Some(-300));
}

#[test]
fn each_action_earns_its_xp() {
    let table = [
        (Activity::LessonCompleted, 10),
        (Activity::CardReviewed, 1),
        (
            Activity::QuizPassed {
                score_percent: 70,
                first_try: false,
            },
            17,
        ),
        (
            Activity::QuizPassed {
                score_percent: 100,
                first_try: true,
            },
            25,
        ),
        (
            Activity::QuizPassed {
                score_percent: 85,
                first_try: true,
            },
            23,
        ),
    ];
    for (activity, xp) in table {
        assert_eq!(activity.xp(), xp, "{activity:?}");
    }
}

#[test]
fn a_lesson_and_its_quiz_earn_once_however_often_repeated() {
    let events = [
        completed("2026-11-30T09:00:00Z", 1),
        completed("2026-11-30T09:05:00Z", 1),
        attempt("2026-11-30T09:10:00Z", 1, 50, false),
        attempt("2026-11-30T09:12:00Z", 1, 80, true),
        attempt("2026-11-30T09:15:00Z", 1, 100, true),
        attempt("2026-11-30T09:20:00Z", 2, 90, true),
    ];
    let earned = earn(&events);
    let activities: Vec<Activity> = earned.iter().map(|e| e.activity).collect();
    assert_eq!(
        activities,
        [
            Activity::LessonCompleted,
            Activity::QuizPassed {
                score_percent: 80,
                first_try: false
            },
            Activity::QuizPassed {
                score_percent: 90,
                first_try: true
            },
        ]
    );
    let l = ledger(&earned, &Goals::always(DailyGoal::Intense));
    assert_eq!(l.total(), 10 + 18 + 24 + 5);
}

#[test]
fn the_servers_judge_decides_what_passed() {
    let events = [attempt("2026-11-30T09:12:00Z", 1, 100, true)];
    let strict = |_: &Event, _: &QuizAttempt| None;
    assert!(earnings(&events, None, &strict, FAR_FUTURE).is_empty());
    let rescored = |_: &Event, _: &QuizAttempt| Some(72);
    let earned = earnings(&events, None, &rescored, FAR_FUTURE);
    assert_eq!(earned[0].activity.xp(), 10 + 7 + 5);
}

#[test]
fn an_undone_review_and_a_future_event_earn_nothing() {
    let kept = review("2026-11-30T10:00:00Z");
    let undone = review("2026-11-30T10:01:00Z");
    let undo = event(
        "2026-11-30T10:01:05Z",
        EventKind::CardReviewUndone {
            review_id: undone.id.clone(),
        },
    );
    let future = completed("2026-12-01T10:00:00Z", 3);
    let now = ms("2026-11-30T12:00:00Z");
    let events = [kept.clone(), undone, undo, future];
    let earned = earnings(&events, None, &device_judge, now);
    assert_eq!(earned.len(), 1);
    assert_eq!(earned[0].event_id, kept.id);
}

#[test]
fn each_kind_is_capped_per_day_so_grinding_does_not_pay() {
    let mut events: Vec<Event> = (0..100)
        .map(|i| review(&format!("2026-11-30T10:{:02}:{:02}Z", i / 60, i % 60)))
        .collect();
    events.extend((1..=8).map(|n| completed(&format!("2026-11-30T11:0{}:00Z", n % 10), n)));
    events.push(review("2026-12-01T09:00:00Z"));
    let earned = earn(&events);
    let l = ledger(&earned, &Goals::always(DailyGoal::Steady));
    let first = l.day(day("2026-11-30")).expect("day");
    assert_eq!(
        (first.review, first.lesson, first.goal_bonus),
        (XpKind::Review.daily_cap(), XpKind::Lesson.daily_cap(), 5)
    );
    assert_eq!(first.total(), 60 + 60 + 5);
    // The first of a day fill its caps: the 61st review and the 7th lesson earn nothing.
    assert_eq!(l.awarded.iter().filter(|&&xp| xp == 0).count(), 40 + 2);
    // A new day, a new cap.
    assert_eq!(l.day(day("2026-12-01")).map(|d| d.review), Some(1));
}

#[test]
fn the_goal_bonus_comes_once_when_the_goal_is_reached() {
    let events = [
        completed("2026-11-30T09:00:00Z", 1),
        review("2026-11-30T09:01:00Z"),
        completed("2026-11-30T09:30:00Z", 2),
        completed("2026-11-30T10:00:00Z", 3),
    ];
    let earned = earn(&events);
    let table = [
        (DailyGoal::Light, Some("2026-11-30T09:00:00Z"), 36),
        (DailyGoal::Steady, Some("2026-11-30T09:30:00Z"), 36),
        (DailyGoal::Intense, None, 31),
    ];
    for (goal, reached, total) in table {
        let l = ledger(&earned, &Goals::always(goal));
        let d = &l.days[0];
        assert_eq!(d.reached_ms, reached.map(ms), "{goal:?}");
        assert_eq!(d.total(), total, "{goal:?}");
    }
}

fn goal_set(at: &str, xp: DailyGoal) -> Event {
    event(at, EventKind::DailyGoalSet { xp })
}

#[test]
fn a_reached_day_stays_reached_when_the_goal_is_raised_and_a_lowered_goal_counts_when_set() {
    let events = [
        completed("2026-11-30T09:00:00Z", 1),
        completed("2026-11-30T09:30:00Z", 2),
    ];
    let earned = earn(&events);
    // 20 XP by 09:30 reach the default goal of 20; raising it to 50 at 12:00 takes nothing back.
    let raised = Goals::from_events(&[goal_set("2026-11-30T12:00:00Z", DailyGoal::Intense)]);
    let day = &ledger(&earned, &raised).days[0];
    assert_eq!(day.reached_ms, Some(ms("2026-11-30T09:30:00Z")));
    assert_eq!((day.goal, day.total()), (DailyGoal::Intense, 25));
    // A 50 XP goal not reached; lowered to 10 at 12:00, the day is reached then.
    let lowered = Goals::from_events(&[
        goal_set("2026-11-29T08:00:00Z", DailyGoal::Intense),
        goal_set("2026-11-30T12:00:00Z", DailyGoal::Light),
    ]);
    let day = &ledger(&earned, &lowered).days[0];
    assert_eq!(day.reached_ms, Some(ms("2026-11-30T12:00:00Z")));
    assert_eq!(day.goal_bonus, 5);
    // Before the change that day, the earlier goal was in force.
    assert_eq!(
        lowered.at(day.day, ms("2026-11-30T11:59:00Z")),
        DailyGoal::Intense
    );
    assert_eq!(
        lowered.at(day.day, ms("2026-11-30T12:00:00Z")),
        DailyGoal::Light
    );
}

#[test]
fn a_goal_applies_from_the_day_it_is_set_and_the_latest_wins() {
    let profile = [
        event(
            "2026-11-28T08:00:00Z",
            EventKind::DailyGoalSet {
                xp: DailyGoal::Intense,
            },
        ),
        event(
            "2026-11-30T08:00:00Z",
            EventKind::DailyGoalSet {
                xp: DailyGoal::Steady,
            },
        ),
        event(
            "2026-11-30T20:00:00Z",
            EventKind::DailyGoalSet {
                xp: DailyGoal::Light,
            },
        ),
    ];
    let goals = Goals::from_events(&profile);
    let table = [
        ("2026-11-27", DailyGoal::Steady),
        ("2026-11-28", DailyGoal::Intense),
        ("2026-11-29", DailyGoal::Intense),
        ("2026-11-30", DailyGoal::Light),
        ("2027-01-01", DailyGoal::Light),
    ];
    for (d, goal) in table {
        assert_eq!(goals.on(day(d)), goal, "{d}");
    }
}

/// Events that reach a 10 XP goal at each of `times` (one lesson each).
fn goal_days(times: &[&str]) -> Vec<Event> {
    times
        .iter()
        .enumerate()
        .map(|(i, at)| completed(at, u8::try_from(i + 1).expect("few")))
        .collect()
}

fn streak_of(events: &[Event], now: &str) -> super::streak::Streak {
    let l = ledger(&earn(events), &Goals::always(DailyGoal::Light));
    let today = Day::of_at(now).expect("now");
    streak(&l.days, today, ms(now))
}

/// One streak case: what, the goal reached at, now, then the current and longest streak and
/// whether it is at risk.
type StreakCase<'a> = (&'a str, &'a [&'a str], &'a str, u32, u32, bool);

#[test]
fn streak_edge_cases() {
    let table: &[StreakCase] = &[
        (
            "three days in a row, today reached",
            &[
                "2026-11-28T09:00:00Z",
                "2026-11-29T09:00:00Z",
                "2026-11-30T09:00:00Z",
            ],
            "2026-11-30T12:00:00Z",
            3,
            3,
            false,
        ),
        (
            "today not reached yet: alive and at risk",
            &["2026-11-28T09:00:00Z", "2026-11-29T09:00:00Z"],
            "2026-11-30T18:00:00Z",
            2,
            2,
            true,
        ),
        (
            "yesterday missed: broken",
            &["2026-11-27T09:00:00Z", "2026-11-28T09:00:00Z"],
            "2026-11-30T18:00:00Z",
            0,
            2,
            false,
        ),
        (
            "a minute before and a minute after midnight are two days",
            &["2026-11-29T23:59:00+03:00", "2026-11-30T00:01:00+03:00"],
            "2026-11-30T00:02:00+03:00",
            2,
            2,
            false,
        ),
        (
            "a gap of one day ends a streak with no freeze",
            &[
                "2026-11-26T09:00:00Z",
                "2026-11-27T09:00:00Z",
                "2026-11-29T09:00:00Z",
            ],
            "2026-11-29T10:00:00Z",
            1,
            2,
            false,
        ),
        (
            "spring forward (Berlin, +01:00 to +02:00): consecutive dates",
            &[
                "2026-03-28T22:00:00+01:00",
                "2026-03-29T22:00:00+02:00",
                "2026-03-30T07:00:00+02:00",
            ],
            "2026-03-30T08:00:00+02:00",
            3,
            3,
            false,
        ),
        (
            "fall back (New York, -04:00 to -05:00): the long day counts once",
            &[
                "2026-10-31T23:30:00-04:00",
                "2026-11-01T01:30:00-04:00",
                "2026-11-01T01:30:00-05:00",
            ],
            "2026-11-01T12:00:00-05:00",
            2,
            2,
            false,
        ),
        (
            "flying west into a date already counted adds no day",
            &["2026-11-30T08:00:00+09:00", "2026-11-29T20:00:00-10:00"],
            "2026-11-29T21:00:00-10:00",
            1,
            1,
            false,
        ),
        (
            "flying east over the date line skips a date but breaks nothing",
            &["2026-11-29T22:00:00-10:00", "2026-12-01T06:00:00+09:00"],
            "2026-12-01T07:00:00+09:00",
            2,
            2,
            false,
        ),
        (
            "a real missed day is missed whatever the time zones",
            &["2026-11-28T22:00:00-10:00", "2026-12-01T06:00:00+09:00"],
            "2026-12-01T07:00:00+09:00",
            1,
            1,
            false,
        ),
    ];
    for (what, times, now, current, longest, at_risk) in table {
        let s = streak_of(&goal_days(times), now);
        assert_eq!(
            (s.current, s.longest, s.at_risk),
            (*current, *longest, *at_risk),
            "{what}: {s:?}"
        );
    }
}

#[test]
fn two_devices_offline_on_the_same_day_count_it_once() {
    // Phone and laptop each reach the goal on the same two days; merged, their events are four.
    let phone = goal_days(&["2026-11-29T08:00:00+03:00", "2026-11-30T08:00:00+03:00"]);
    let laptop: Vec<Event> = ["2026-11-29T21:00:00+03:00", "2026-11-30T21:00:00+03:00"]
        .iter()
        .enumerate()
        .map(|(i, at)| completed(at, u8::try_from(i + 10).expect("few")))
        .collect();
    let merged: Vec<Event> = phone.iter().chain(&laptop).cloned().collect();
    let s = streak_of(&merged, "2026-11-30T22:00:00+03:00");
    assert_eq!((s.current, s.longest), (2, 2));
    // The same event seen twice (two documents, a resent message) earns once.
    let twice: Vec<Earning<'_>> = earn(&phone).into_iter().chain(earn(&phone)).collect();
    assert_eq!(ledger(&twice, &Goals::default()).total(), 20);
}

#[test]
fn a_week_of_streak_earns_a_freeze_that_covers_a_missed_day() {
    let mut times: Vec<String> = (1..=7)
        .map(|d| format!("2026-11-{d:02}T09:00:00Z"))
        .collect();
    // The 8th is missed, the 9th reached: the freeze covers the 8th.
    times.push("2026-11-09T09:00:00Z".into());
    let refs: Vec<&str> = times.iter().map(String::as_str).collect();
    let s = streak_of(&goal_days(&refs), "2026-11-09T10:00:00Z");
    assert_eq!((s.current, s.freezes), (8, 0));
    assert_eq!(s.frozen, [day("2026-11-08")]);
    // Two missed days with one freeze: the streak ends, the freeze is kept.
    let mut times: Vec<String> = (1..=7)
        .map(|d| format!("2026-11-{d:02}T09:00:00Z"))
        .collect();
    times.push("2026-11-10T09:00:00Z".into());
    let refs: Vec<&str> = times.iter().map(String::as_str).collect();
    let s = streak_of(&goal_days(&refs), "2026-11-10T10:00:00Z");
    assert_eq!((s.current, s.longest, s.freezes), (1, 7, 1));
}

#[test]
fn badges_are_awarded_once_at_the_moment_earned() {
    let mut events: Vec<Event> = (0..120)
        .map(|i| review(&format!("2026-11-30T10:{:02}:{:02}Z", i / 60, i % 60)))
        .collect();
    events.push(completed("2026-11-30T09:00:00Z", 1));
    events.push(completed("2026-11-30T11:00:00Z", 2));
    events.push(attempt("2026-11-30T11:30:00Z", 2, 100, true));
    let mut extra = History::default();
    count_perfect_quizzes(&mut extra, &events, &device_judge, FAR_FUTURE);
    extra.count(Measure::CoursesCompleted, ms("2026-11-30T11:31:00Z"));
    let now = "2026-11-30T12:00:00Z";
    let m = motivation(
        &earn(&events),
        &Goals::default(),
        extra,
        day("2026-11-30"),
        ms(now),
    );
    let got: Vec<(&str, i64)> = m.badges.iter().map(|a| (a.badge, a.at_ms)).collect();
    assert_eq!(
        got,
        [
            ("first_lesson", ms("2026-11-30T09:00:00Z")),
            ("first_course", ms("2026-11-30T11:31:00Z")),
            // The 100th review of the morning (10:00:00 + 99 s).
            ("reviews_100", ms("2026-11-30T10:01:39Z")),
            ("perfect_quiz", ms("2026-11-30T11:30:00Z")),
        ]
    );
}

#[test]
fn a_seven_day_streak_badge_is_dated_by_its_seventh_day() {
    let times: Vec<String> = (1..=9)
        .map(|d| format!("2026-11-{d:02}T09:00:00Z"))
        .collect();
    let refs: Vec<&str> = times.iter().map(String::as_str).collect();
    let events = goal_days(&refs);
    let m = motivation(
        &earn(&events),
        &Goals::always(DailyGoal::Light),
        History::default(),
        day("2026-11-09"),
        ms("2026-11-09T12:00:00Z"),
    );
    let streak_7 = m.badges.iter().find(|a| a.badge == "streak_7");
    assert_eq!(streak_7.map(|a| a.at_ms), Some(ms("2026-11-07T09:00:00Z")));
    assert!(m.badges.iter().all(|a| a.badge != "streak_30"));
    // Every badge id is unique (each is awarded at most once).
    let mut ids: Vec<&str> = BADGES.iter().map(|b| b.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), BADGES.len());
}

#[test]
fn forged_totals_and_badges_in_a_document_change_nothing() {
    // A newer or hostile peer's events of unknown kinds ("xp_total", "badge") are carried but
    // never read: the figures are those of the learning events alone.
    let mut events = goal_days(&["2026-11-30T09:00:00Z"]);
    events.push(event(
        "2026-11-30T09:01:00Z",
        EventKind::Unknown {
            kind: "xp_total".into(),
        },
    ));
    events.push(event(
        "2026-11-30T09:02:00Z",
        EventKind::Unknown {
            kind: "badge".into(),
        },
    ));
    let m = motivation(
        &earn(&events),
        &Goals::always(DailyGoal::Light),
        History::default(),
        day("2026-11-30"),
        ms("2026-11-30T12:00:00Z"),
    );
    assert_eq!(m.total_xp(), 15);
    assert_eq!(
        m.badges.iter().map(|a| a.badge).collect::<Vec<_>>(),
        ["first_lesson"]
    );
}

#[test]
fn a_week_reads_day_by_day() {
    let events = goal_days(&[
        "2026-11-30T09:00:00Z",
        "2026-12-02T09:00:00Z",
        "2026-12-06T23:00:00Z",
        "2026-12-07T09:00:00Z",
    ]);
    let l = ledger(&earn(&events), &Goals::always(DailyGoal::Intense));
    assert_eq!(l.week(day("2026-11-30")), [10, 0, 10, 0, 0, 0, 10]);
}
