//! The learner's calendar day. An event's day is the calendar date written in its `at`: devices
//! write `at` in their local time with its UTC offset (`2026-11-30T23:15:00.000+03:00`), so the
//! day is the learner's own wherever they are, with no time-zone database on the device. An
//! offset beyond ±14:00 (no place on Earth has one) is not believed: the day is then the UTC date.

use crate::doc::event::{civil_from_days, days_from_civil};
use crate::doc::rfc3339_parts;

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;
/// The largest UTC offset in use anywhere (Kiribati, +14:00), in minutes.
pub const MAX_OFFSET_MINUTES: i32 = 14 * 60;

/// A calendar date, as days since 1970-01-01. Ordered, so consecutive days differ by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

impl Day {
    /// The day an event at `at` (RFC 3339) happened for the learner: the date written in it when
    /// its offset is a real one, else the UTC date. `None` when `at` is not RFC 3339.
    pub fn of_at(at: &str) -> Option<Self> {
        let (ms, offset) = rfc3339_parts(at)?;
        Some(Self::of_written(ms, offset))
    }

    /// The day of the instant `ms` written with the UTC offset `offset_minutes`: the date in it
    /// when the offset is a real one, else the UTC date (what [`Day::of_at`] reads).
    pub fn of_written(ms: i64, offset_minutes: i32) -> Self {
        let offset = if offset_minutes.abs() <= MAX_OFFSET_MINUTES {
            offset_minutes
        } else {
            0
        };
        Self::of_millis(ms, offset)
    }

    /// The day of the instant `ms` at a UTC offset of `offset_minutes`.
    pub fn of_millis(ms: i64, offset_minutes: i32) -> Self {
        let local = ms + i64::from(offset_minutes) * 60_000;
        Self(i32::try_from(local.div_euclid(DAY_MS)).unwrap_or(i32::MAX))
    }

    /// Reads `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let part = &text[r];
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())
                .flatten()
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        // Round trip, so 2026-02-30 is refused rather than read as March 2nd.
        let day = Self(i32::try_from(days_from_civil(y, m, d)).ok()?);
        (day.to_string() == text).then_some(day)
    }

    /// The day after this one.
    pub fn next(self) -> Self {
        Self(self.0 + 1)
    }

    /// Days from `earlier` to this day (negative if `earlier` is later).
    pub fn since(self, earlier: Self) -> i32 {
        self.0 - earlier.0
    }

    /// The Monday that starts this day's week (weeks run Monday to Sunday, ISO 8601).
    pub fn week_start(self) -> Self {
        // 1970-01-01 was a Thursday: day 0 is weekday 3 counting Monday as 0.
        Self(self.0 - (self.0 + 3).rem_euclid(7))
    }

    /// 0 for Monday to 6 for Sunday.
    pub fn weekday(self) -> u8 {
        u8::try_from((self.0 + 3).rem_euclid(7)).unwrap_or(0)
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = civil_from_days(i64::from(self.0));
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// The UTC offset written at the end of an RFC 3339 time, in minutes (`Z` is 0).
pub fn offset_minutes(at: &str) -> Option<i32> {
    let b = at.as_bytes();
    match b.last()? {
        b'Z' | b'z' => Some(0),
        _ if b.len() >= 6 => {
            let tail = &at[at.len() - 6..];
            let sign = match tail.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let hours: i32 = tail.get(1..3)?.parse().ok()?;
            let minutes: i32 = tail.get(4..6)?.parse().ok()?;
            Some(sign * (hours * 60 + minutes))
        }
        _ => None,
    }
}

/// The instant `ms` as RFC 3339 in local time at `offset_minutes` east of UTC, with
/// milliseconds (`2026-11-30T23:15:00.000+03:00`; `Z` for offset 0): how devices write `at`.
/// An offset beyond ±14:00 is written as UTC.
pub fn local_rfc3339(ms: i64, offset_minutes: i32) -> String {
    let offset = if offset_minutes.abs() <= MAX_OFFSET_MINUTES {
        offset_minutes
    } else {
        0
    };
    let utc = crate::doc::millis_rfc3339(ms + i64::from(offset) * 60_000);
    if offset == 0 {
        return utc;
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let (h, m) = (offset.abs() / 60, offset.abs() % 60);
    format!("{}{sign}{h:02}:{m:02}", &utc[..utc.len() - 1])
}
