//! The motivation rules: XP (`xp`), the learner's calendar day (`day`), daily streaks (`streak`)
//! and badges (`badges`). Pure functions of the learner documents' events, run on the device
//! (offline) and by the server's projections (whose figures count). Never does I/O; never reads a
//! total or a badge written into a document, only the learning events themselves.

pub mod badges;
pub mod day;
pub mod streak;
pub mod xp;

#[cfg(test)]
mod tests;

use crate::doc::{Event, EventKind};
use badges::{Award, History, Measure};
use day::Day;
use streak::Streak;
use xp::{Earning, Goals, Ledger, QuizJudge, FUTURE_TOLERANCE_MS};

/// Everything the motivation rules derive for one learner at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Motivation {
    pub ledger: Ledger,
    pub streak: Streak,
    /// The badges earned, in the shelf's order.
    pub badges: Vec<Award>,
}

impl Motivation {
    /// All XP ever earned.
    pub fn total_xp(&self) -> u64 {
        self.ledger.total()
    }
}

/// Derives XP, the streak and the badges from `earnings` (every document of one learner),
/// the goals they set and what else badges count (`extra`: courses completed, perfect quizzes),
/// as of `now_ms` on the learner's day `today`.
pub fn motivation(
    earnings: &[Earning<'_>],
    goals: &Goals,
    mut extra: History,
    today: Day,
    now_ms: i64,
) -> Motivation {
    let ledger = xp::ledger(earnings, goals);
    let streak = streak::streak(&ledger.days, today, now_ms);
    extra.merge(History::from_earnings(earnings, &streak));
    Motivation {
        badges: badges::awards(extra),
        ledger,
        streak,
    }
}

/// Records in `history` each quiz attempt among `events` that `judge` passes with 100% (a
/// perfect quiz), not dated in the future of `now_ms`.
pub fn count_perfect_quizzes(
    history: &mut History,
    events: &[Event],
    judge: &impl QuizJudge,
    now_ms: i64,
) {
    for event in events {
        let EventKind::QuizAttempt(attempt) = &event.kind else {
            continue;
        };
        let Some(at_ms) = event.at_millis() else {
            continue;
        };
        if at_ms > now_ms.saturating_add(FUTURE_TOLERANCE_MS) {
            continue;
        }
        if judge.passed(event, attempt) == Some(100) {
            history.count(Measure::PerfectQuizzes, at_ms);
        }
    }
}
