//! Badges: a table of rules, each a threshold on one measure of the learner's history. A badge
//! is awarded once, at the moment its measure first reached the threshold, so every device and
//! the server date it alike. Add a badge by adding a row to [`BADGES`] (and its name in the
//! client's texts).

use std::collections::BTreeMap;

use super::streak::Streak;
use super::xp::{Activity, Earning};

/// What a badge measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Measure {
    /// Lessons completed (each once).
    LessonsCompleted,
    /// Courses completed (every lesson).
    CoursesCompleted,
    /// The length of a streak.
    StreakDays,
    /// Card reviews (undone ones do not count).
    Reviews,
    /// Quiz attempts passed with 100%.
    PerfectQuizzes,
}

/// One badge's rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadgeRule {
    /// Its id on the wire, in the server's table and in the client's texts.
    pub id: &'static str,
    pub measure: Measure,
    /// The value of `measure` that earns it.
    pub threshold: u64,
}

/// Every badge, in the order the shelf shows them.
pub const BADGES: &[BadgeRule] = &[
    BadgeRule {
        id: "first_lesson",
        measure: Measure::LessonsCompleted,
        threshold: 1,
    },
    BadgeRule {
        id: "first_course",
        measure: Measure::CoursesCompleted,
        threshold: 1,
    },
    BadgeRule {
        id: "streak_7",
        measure: Measure::StreakDays,
        threshold: 7,
    },
    BadgeRule {
        id: "streak_30",
        measure: Measure::StreakDays,
        threshold: 30,
    },
    BadgeRule {
        id: "reviews_100",
        measure: Measure::Reviews,
        threshold: 100,
    },
    BadgeRule {
        id: "reviews_1000",
        measure: Measure::Reviews,
        threshold: 1_000,
    },
    BadgeRule {
        id: "perfect_quiz",
        measure: Measure::PerfectQuizzes,
        threshold: 1,
    },
];

/// The rule of the badge `id`.
pub fn rule(id: &str) -> Option<&'static BadgeRule> {
    BADGES.iter().find(|r| r.id == id)
}

/// A badge earned, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Award {
    pub badge: &'static str,
    pub at_ms: i64,
}

/// The history badges are judged on: for each measure, the values it took and when.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// Times of each unit of a counted measure (any order).
    counts: BTreeMap<Measure, Vec<i64>>,
    /// (value, time) of a measure that is a level, not a count (a streak's length).
    levels: BTreeMap<Measure, Vec<(u64, i64)>>,
}

impl History {
    /// Adds one unit of `measure` at `at_ms` (a lesson completed, a review, ...).
    pub fn count(&mut self, measure: Measure, at_ms: i64) {
        self.counts.entry(measure).or_default().push(at_ms);
    }

    /// Records that `measure` stood at `value` at `at_ms`.
    pub fn level(&mut self, measure: Measure, value: u64, at_ms: i64) {
        self.levels.entry(measure).or_default().push((value, at_ms));
    }

    /// Counts the lessons and reviews among `earnings`, and the streak's lengths.
    pub fn from_earnings(earnings: &[Earning<'_>], streak: &Streak) -> Self {
        let mut history = Self::default();
        for earning in earnings {
            match earning.activity {
                Activity::LessonCompleted => {
                    history.count(Measure::LessonsCompleted, earning.at_ms);
                }
                Activity::CardReviewed => history.count(Measure::Reviews, earning.at_ms),
                Activity::QuizPassed { .. } => {}
            }
        }
        for &(_, length, at_ms) in &streak.lengths {
            history.level(Measure::StreakDays, u64::from(length), at_ms);
        }
        history
    }

    /// Adds everything `other` holds.
    pub fn merge(&mut self, other: History) {
        for (measure, times) in other.counts {
            self.counts.entry(measure).or_default().extend(times);
        }
        for (measure, levels) in other.levels {
            self.levels.entry(measure).or_default().extend(levels);
        }
    }

    /// Puts each counted measure's times in order (what [`History::reached`] reads).
    fn sort(&mut self) {
        for times in self.counts.values_mut() {
            times.sort_unstable();
        }
    }

    /// When `measure` first reached `threshold`, if it did ([`History::sort`] first).
    fn reached(&self, measure: Measure, threshold: u64) -> Option<i64> {
        let from_counts = self.counts.get(&measure).and_then(|times| {
            let index = usize::try_from(threshold.checked_sub(1)?).ok()?;
            times.get(index).copied()
        });
        let from_levels = self.levels.get(&measure).and_then(|levels| {
            levels
                .iter()
                .filter(|(value, _)| *value >= threshold)
                .map(|(_, at)| *at)
                .min()
        });
        match (from_counts, from_levels) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// The badges `history` earns, each once with the time it was earned, in [`BADGES`] order.
pub fn awards(mut history: History) -> Vec<Award> {
    history.sort();
    BADGES
        .iter()
        .filter_map(|rule| {
            history
                .reached(rule.measure, rule.threshold)
                .map(|at_ms| Award {
                    badge: rule.id,
                    at_ms,
                })
        })
        .collect()
}
