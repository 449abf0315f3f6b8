//! The daily streak: how many days in a row the learner reached their daily goal.
//!
//! The rule (the README repeats it):
//! - A day is the learner's calendar date where they were ([`super::day`]); it counts when that
//!   day's XP reached the goal in force. A date counts once, however many devices or time zones
//!   it was reached on, so two devices offline on the same day, or flying west into a date
//!   already counted, never add a day.
//! - Between two counted days, the days missed are the dates between them, but never more than
//!   the whole 24-hour periods of real time between the last activity of the first and the first
//!   activity of the second: a date skipped by flying east (or by a clock change) is not a day
//!   missed, so travel never breaks a streak. DST changes need nothing: the day is the date.
//! - Every 7th day of a streak earns a freeze (at most [`MAX_FREEZES`] held); each missed day
//!   uses one. A gap longer than the freezes held ends the streak; the freezes are kept.
//! - Today not reached yet breaks nothing: the streak is "at risk" until the day ends.

use super::day::Day;
use super::xp::{whole_days, DayXp};

/// The most freezes a learner holds at once.
pub const MAX_FREEZES: u32 = 2;
/// A freeze is earned on every this many days of a streak.
pub const FREEZE_EVERY: u32 = 7;

/// A learner's streak as of a moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Streak {
    /// Days in a row up to today (or yesterday, if today is not reached yet); 0 when broken.
    pub current: u32,
    /// The longest streak ever.
    pub longest: u32,
    /// Freezes held now.
    pub freezes: u32,
    /// Missed days a freeze covered, in order.
    pub frozen: Vec<Day>,
    /// Whether today's goal is reached.
    pub today_reached: bool,
    /// A streak that breaks if today's goal is not reached before the day ends.
    pub at_risk: bool,
    /// For each counted day, the streak's length that day and when its goal was reached (what
    /// streak badges are dated by).
    pub lengths: Vec<(Day, u32, i64)>,
}

/// The streak of `days` (a ledger's days, in order) as of `now_ms`, which is on `today` for the
/// learner.
pub fn streak(days: &[DayXp], today: Day, now_ms: i64) -> Streak {
    let mut s = Streak::default();
    let mut previous: Option<&DayXp> = None;
    for day in days.iter().filter(|d| d.reached() && d.day <= today) {
        if let Some(before) = previous {
            let missed = missed_days(before, day.day, day.first_ms);
            cover(&mut s, before.day, missed);
        }
        s.current += 1;
        if s.current % FREEZE_EVERY == 0 && s.freezes < MAX_FREEZES {
            s.freezes += 1;
        }
        s.longest = s.longest.max(s.current);
        s.lengths
            .push((day.day, s.current, day.reached_ms.unwrap_or(day.last_ms)));
        previous = Some(day);
    }
    if let Some(last) = previous {
        if last.day == today {
            s.today_reached = true;
        } else {
            let missed = missed_days(last, today, now_ms);
            cover(&mut s, last.day, missed);
        }
    }
    s.at_risk = s.current > 0 && !s.today_reached;
    s
}

/// The days missed between the counted day `before` and `day`, whose activity starts at `to_ms`.
fn missed_days(before: &DayXp, day: Day, to_ms: i64) -> u32 {
    let dates = day.since(before.day) - 1;
    let real = whole_days(before.last_ms, to_ms);
    u32::try_from(dates.min(real).max(0)).unwrap_or(0)
}

/// Covers `missed` days after `after` with freezes, or ends the streak.
fn cover(s: &mut Streak, after: Day, missed: u32) {
    if missed == 0 {
        return;
    }
    if missed > s.freezes {
        s.current = 0;
        return;
    }
    s.freezes -= missed;
    let mut day = after;
    for _ in 0..missed {
        day = day.next();
        s.frozen.push(day);
    }
}
