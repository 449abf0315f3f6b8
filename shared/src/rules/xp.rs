//! XP: what each learning action earns, the per-day caps that keep grinding one thing from
//! paying, and the daily goal. Computed from the events of the learner documents, on the device
//! (offline) and on the server (whose figure counts, with quiz attempts scored again); a total
//! written into a document is never read.
//!
//! | action | XP | cap per day |
//! |---|---|---|
//! | a lesson completed (its first completion) | 10 | 60 |
//! | a lesson's quiz passed (its first passing attempt) | 10, + score / 10, + 5 on the first try | 100 |
//! | a card reviewed (an undone rating earns nothing) | 1 | 60 |
//! | the daily goal reached | 5 | 5 |

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};

use super::day::{Day, DAY_MS};
use crate::doc::{Event, EventKind, QuizAttempt};
use crate::domain::{CourseId, LessonId};

/// XP for a lesson's first completion.
pub const LESSON_XP: u32 = 10;
/// XP for a quiz's first passing attempt, before the bonuses.
pub const QUIZ_XP: u32 = 10;
/// The bonus for passing a quiz at the first attempt.
pub const FIRST_TRY_BONUS: u32 = 5;
/// XP for one card review.
pub const REVIEW_XP: u32 = 1;
/// XP for reaching the daily goal (once a day).
pub const GOAL_BONUS: u32 = 5;
/// How far in the future (by the clock of whoever computes) an event may be dated and still
/// earn: clocks drift; an event dated later than this earns nothing until its time comes.
pub const FUTURE_TOLERANCE_MS: i64 = 5 * 60_000;

/// What earns XP, by kind; each has its own cap per day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum XpKind {
    Lesson,
    Quiz,
    Review,
    Goal,
}

impl XpKind {
    pub const ALL: [XpKind; 4] = [Self::Lesson, Self::Quiz, Self::Review, Self::Goal];

    /// The most XP of this kind one day can hold.
    pub fn daily_cap(self) -> u32 {
        match self {
            Self::Lesson => 60,
            Self::Quiz => 100,
            Self::Review => 60,
            Self::Goal => GOAL_BONUS,
        }
    }

    /// Its name on the wire and in the server's tables.
    pub fn name(self) -> &'static str {
        match self {
            Self::Lesson => "lesson",
            Self::Quiz => "quiz",
            Self::Review => "review",
            Self::Goal => "goal",
        }
    }

    /// The kind named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// A learning action that earns XP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// A lesson's first completion.
    LessonCompleted,
    /// A lesson quiz's first passing attempt, with its score and whether it was the first attempt.
    QuizPassed { score_percent: u8, first_try: bool },
    /// One card review.
    CardReviewed,
}

impl Activity {
    /// Its kind (which cap it counts against).
    pub fn kind(self) -> XpKind {
        match self {
            Self::LessonCompleted => XpKind::Lesson,
            Self::QuizPassed { .. } => XpKind::Quiz,
            Self::CardReviewed => XpKind::Review,
        }
    }

    /// What it earns before the day's cap.
    pub fn xp(self) -> u32 {
        match self {
            Self::LessonCompleted => LESSON_XP,
            Self::QuizPassed {
                score_percent,
                first_try,
            } => {
                QUIZ_XP
                    + u32::from(score_percent.min(100)) / 10
                    + if first_try { FIRST_TRY_BONUS } else { 0 }
            }
            Self::CardReviewed => REVIEW_XP,
        }
    }
}

/// One action that earns XP: the event it comes from, when and on which of the learner's days.
/// It borrows the event's id and the course from the events read (a year of events is ~30,000
/// earnings: two string copies each were a third of the time to derive the figures).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Earning<'a> {
    /// The id of the event that earned it (the same on every device).
    pub event_id: &'a str,
    pub at_ms: i64,
    pub day: Day,
    /// The course whose progress document holds it (`None`: the profile document).
    pub course: Option<&'a CourseId>,
    pub activity: Activity,
}

/// How a quiz attempt is judged: its score if it passed, `None` if it did not. The device trusts
/// its own record ([`device_judge`]); the server scores the answers again.
pub trait QuizJudge {
    fn passed(&self, event: &Event, attempt: &QuizAttempt) -> Option<u8>;
}

impl<F: Fn(&Event, &QuizAttempt) -> Option<u8>> QuizJudge for F {
    fn passed(&self, event: &Event, attempt: &QuizAttempt) -> Option<u8> {
        self(event, attempt)
    }
}

/// The device's judge: the attempt's own `passed` and `score_percent`.
pub fn device_judge(_: &Event, attempt: &QuizAttempt) -> Option<u8> {
    attempt.passed.then_some(attempt.score_percent)
}

/// The actions in one document's `events` that earn XP: each lesson's first completion, each
/// lesson quiz's first passing attempt (by `judge`), each card review not undone. An event dated
/// more than [`FUTURE_TOLERANCE_MS`] after `now_ms` earns nothing.
pub fn earnings<'a>(
    events: &'a [Event],
    course: Option<&'a CourseId>,
    judge: &impl QuizJudge,
    now_ms: i64,
) -> Vec<Earning<'a>> {
    let mut out = Vec::new();
    earnings_into(&mut out, events, course, judge, now_ms);
    out
}

/// [`earnings`], appended to `out`: a learner's documents go into one list without copying
/// each document's list into it.
pub fn earnings_into<'a>(
    out: &mut Vec<Earning<'a>>,
    events: &'a [Event],
    course: Option<&'a CourseId>,
    judge: &impl QuizJudge,
    now_ms: i64,
) {
    // Each event's time is read once: the instant orders and filters, the offset gives the day.
    let mut ordered: Vec<(i64, Day, &Event)> = events
        .iter()
        .filter_map(|e| {
            let (ms, offset) = e.at_parts()?;
            Some((ms, Day::of_written(ms, offset), e))
        })
        .filter(|(ms, _, _)| *ms <= now_ms.saturating_add(FUTURE_TOLERANCE_MS))
        .collect();
    // Devices append in time order, so this is mostly runs already sorted (a stable sort merges
    // them in near-linear time); copies of one event end up side by side.
    ordered.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.2.id.cmp(&b.2.id)));
    let undone: FxHashSet<&str> = ordered
        .iter()
        .filter_map(|(_, _, e)| match &e.kind {
            EventKind::CardReviewUndone { review_id } => Some(review_id.as_str()),
            _ => None,
        })
        .collect();
    // Sized up front: growing them was a tenth of the time on a year of events.
    let (mut completions, mut attempts, mut reviews) = (0, 0, 0);
    for (_, _, event) in &ordered {
        match event.kind {
            EventKind::LessonCompleted { .. } => completions += 1,
            EventKind::QuizAttempt(_) => attempts += 1,
            EventKind::CardReviewed { .. } => reviews += 1,
            _ => {}
        }
    }
    let mut lessons_done: FxHashSet<&LessonId> =
        FxHashSet::with_capacity_and_hasher(completions, Default::default());
    // Per lesson: the attempts so far and whether one passed.
    let mut quizzes: FxHashMap<&LessonId, (u32, bool)> =
        FxHashMap::with_capacity_and_hasher(attempts, Default::default());
    out.reserve(completions + attempts + reviews);
    let mut previous: Option<(i64, &str)> = None;
    for (at_ms, day, event) in ordered {
        // A copy of the event just read (same id, same time) counts once.
        if previous.replace((at_ms, event.id.as_str())) == Some((at_ms, event.id.as_str())) {
            continue;
        }
        let activity = match &event.kind {
            EventKind::LessonCompleted { lesson_id } if lessons_done.insert(lesson_id) => {
                Activity::LessonCompleted
            }
            EventKind::QuizAttempt(attempt) => {
                let (tries, passed) = quizzes.entry(&attempt.lesson_id).or_default();
                *tries += 1;
                if *passed {
                    continue;
                }
                let Some(score_percent) = judge.passed(event, attempt) else {
                    continue;
                };
                *passed = true;
                Activity::QuizPassed {
                    score_percent,
                    first_try: *tries == 1,
                }
            }
            EventKind::CardReviewed { .. } if !undone.contains(event.id.as_str()) => {
                Activity::CardReviewed
            }
            _ => continue,
        };
        out.push(Earning {
            event_id: event.id.as_str(),
            at_ms,
            day,
            course,
            activity,
        });
    }
}

/// The XP a learner aims at each day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DailyGoal {
    /// 10 XP.
    Light,
    /// 20 XP (the default).
    #[default]
    Steady,
    /// 50 XP.
    Intense,
}

impl DailyGoal {
    pub const ALL: [DailyGoal; 3] = [Self::Light, Self::Steady, Self::Intense];

    /// The XP it asks for.
    pub fn xp(self) -> u32 {
        match self {
            Self::Light => 10,
            Self::Steady => 20,
            Self::Intense => 50,
        }
    }

    /// The goal of `xp` XP (`10`, `20` or `50`).
    pub fn from_xp(xp: u32) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.xp() == xp)
    }

    /// Reads `10`, `20` or `50`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "10" => Some(Self::Light),
            "20" => Some(Self::Steady),
            "50" => Some(Self::Intense),
            _ => None,
        }
    }
}

/// The daily goals a learner chose over time (the profile document's `daily_goal_set` events).
/// A day is reached when its XP reaches the goal in force at that moment (a goal set today
/// counts from its `at`; a day without one takes the last one set before it), and a reached day
/// stays reached: raising the goal later that day takes nothing back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Goals {
    /// (day, at, goal), ordered.
    changes: Vec<(Day, i64, DailyGoal)>,
}

impl Goals {
    /// The goals set by `events` (a profile document's).
    pub fn from_events(events: &[Event]) -> Self {
        let mut changes: Vec<(Day, i64, DailyGoal)> = events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::DailyGoalSet { xp } => {
                    let (ms, offset) = e.at_parts()?;
                    Some((Day::of_written(ms, offset), ms, xp))
                }
                _ => None,
            })
            .collect();
        changes.sort_by_key(|(day, at, _)| (*day, *at));
        Self { changes }
    }

    /// A single goal from the beginning.
    pub fn always(goal: DailyGoal) -> Self {
        Self {
            changes: vec![(Day(i32::MIN), i64::MIN, goal)],
        }
    }

    /// The goal in force at the instant `at_ms` on `day`: the latest set that day at or before
    /// `at_ms`, else the latest set on an earlier day.
    pub fn at(&self, day: Day, at_ms: i64) -> DailyGoal {
        let upto = self
            .changes
            .partition_point(|(d, at, _)| *d < day || (*d == day && *at <= at_ms));
        upto.checked_sub(1)
            .map(|i| self.changes[i].2)
            .unwrap_or_default()
    }

    /// The changes made on `day`, in time order (at, goal).
    fn during(&self, day: Day) -> impl Iterator<Item = (i64, DailyGoal)> + '_ {
        self.changes
            .iter()
            .filter(move |(d, _, _)| *d == day)
            .map(|(_, at, goal)| (*at, *goal))
    }

    /// The goal shown for `day`: the last one in force that day.
    pub fn on(&self, day: Day) -> DailyGoal {
        let upto = self.changes.partition_point(|(d, _, _)| *d <= day);
        upto.checked_sub(1)
            .map(|i| self.changes[i].2)
            .unwrap_or_default()
    }
}

/// One of the learner's days: its XP by kind after the caps, and when its activity began and
/// ended (a streak measures real time between days with these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayXp {
    pub day: Day,
    pub lesson: u32,
    pub quiz: u32,
    pub review: u32,
    /// [`GOAL_BONUS`] when the goal was reached, else 0.
    pub goal_bonus: u32,
    /// The goal in force that day.
    pub goal: DailyGoal,
    /// The first and last earning's time.
    pub first_ms: i64,
    pub last_ms: i64,
    /// When the activity XP first reached the goal, if it did.
    pub reached_ms: Option<i64>,
}

impl DayXp {
    fn new(day: Day, goal: DailyGoal, at_ms: i64) -> Self {
        Self {
            day,
            lesson: 0,
            quiz: 0,
            review: 0,
            goal_bonus: 0,
            goal,
            first_ms: at_ms,
            last_ms: at_ms,
            reached_ms: None,
        }
    }

    /// XP from learning actions (without the goal bonus): what the goal is measured against.
    pub fn activity_xp(&self) -> u32 {
        self.lesson + self.quiz + self.review
    }

    /// All the day's XP.
    pub fn total(&self) -> u32 {
        self.activity_xp() + self.goal_bonus
    }

    /// Whether the day's goal was reached.
    pub fn reached(&self) -> bool {
        self.reached_ms.is_some()
    }

    fn slot(&mut self, kind: XpKind) -> &mut u32 {
        match kind {
            XpKind::Lesson => &mut self.lesson,
            XpKind::Quiz => &mut self.quiz,
            XpKind::Review => &mut self.review,
            XpKind::Goal => &mut self.goal_bonus,
        }
    }
}

/// The XP of a set of earnings, day by day after the caps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    /// The days with any earning, in order.
    pub days: Vec<DayXp>,
    /// What each earning was awarded after its day's cap, in the order the earnings were given.
    pub awarded: Vec<u32>,
}

impl Ledger {
    /// All XP ever earned.
    pub fn total(&self) -> u64 {
        self.days.iter().map(|d| u64::from(d.total())).sum()
    }

    /// The day `day`, if it has any XP.
    pub fn day(&self, day: Day) -> Option<&DayXp> {
        self.days
            .binary_search_by_key(&day, |d| d.day)
            .ok()
            .map(|i| &self.days[i])
    }

    /// The XP of each day of the week starting `monday` (Monday to Sunday).
    pub fn week(&self, monday: Day) -> [u32; 7] {
        let mut week = [0; 7];
        for (i, slot) in week.iter_mut().enumerate() {
            let day = Day(monday.0 + i32::try_from(i).unwrap_or(0));
            *slot = self.day(day).map_or(0, DayXp::total);
        }
        week
    }
}

/// Applies the caps and the goal to `earnings` (from every document of one learner, in any
/// order): earnings count in time order, so the first of a day fill its caps. Each event counts
/// once, however many times it is given (two devices, two documents).
pub fn ledger(earnings: &[Earning<'_>], goals: &Goals) -> Ledger {
    let mut order: Vec<u32> = (0..u32::try_from(earnings.len()).unwrap_or(u32::MAX)).collect();
    // Stable: copies of one event (same time, same id) end up side by side in the order given,
    // and the first given is the one awarded.
    order.sort_by(|&i, &j| {
        let (a, b) = (&earnings[i as usize], &earnings[j as usize]);
        a.at_ms
            .cmp(&b.at_ms)
            .then_with(|| a.event_id.cmp(b.event_id))
    });
    let mut awarded = vec![0; earnings.len()];
    let mut days: BTreeMap<Day, DayXp> = BTreeMap::new();
    let mut previous: Option<(i64, &str)> = None;
    for i in order {
        let (i, earning) = (i as usize, &earnings[i as usize]);
        if previous.replace((earning.at_ms, earning.event_id))
            == Some((earning.at_ms, earning.event_id))
        {
            continue;
        }
        let day = days
            .entry(earning.day)
            .or_insert_with(|| DayXp::new(earning.day, goals.on(earning.day), earning.at_ms));
        day.first_ms = day.first_ms.min(earning.at_ms);
        day.last_ms = day.last_ms.max(earning.at_ms);
        let kind = earning.activity.kind();
        let slot = day.slot(kind);
        let gain = earning
            .activity
            .xp()
            .min(kind.daily_cap().saturating_sub(*slot));
        *slot += gain;
        awarded[i] = gain;
        let goal = goals.at(earning.day, earning.at_ms);
        if day.reached_ms.is_none() && day.activity_xp() >= goal.xp() {
            day.reached_ms = Some(earning.at_ms);
            day.goal_bonus = GOAL_BONUS;
        }
    }
    // A goal lowered during a day is reached the moment it is set if the XP earned by then meets
    // it.
    for day in days.values_mut().filter(|d| d.reached_ms.is_none()) {
        for (at_ms, goal) in goals.during(day.day) {
            let earned_by_then: u32 = earnings
                .iter()
                .zip(&awarded)
                .filter(|(e, _)| e.day == day.day && e.at_ms <= at_ms)
                .map(|(_, xp)| *xp)
                .sum();
            if earned_by_then >= goal.xp() {
                day.reached_ms = Some(at_ms.max(day.first_ms));
                day.goal_bonus = GOAL_BONUS;
                break;
            }
        }
    }
    Ledger {
        days: days.into_values().collect(),
        awarded,
    }
}

/// Whole days of real time from `from_ms` to `to_ms` (0 if `to_ms` is earlier).
pub(crate) fn whole_days(from_ms: i64, to_ms: i64) -> i32 {
    i32::try_from((to_ms - from_ms).max(0) / DAY_MS).unwrap_or(i32::MAX)
}
