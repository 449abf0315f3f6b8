//! What the learner's charts show, computed from reviews and due dates alone: true retention by
//! week, reviews per day and a forecast of due cards. Pure and table-tested; days are the
//! learner's local days, given as a UTC offset, so the client's charts and any server report
//! agree on which day a review fell.

const DAY_MS: i64 = 86_400_000;

/// One review as the charts see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewFact {
    pub at_ms: i64,
    /// 1 (Again) to 4 (Easy).
    pub rating: u8,
    /// The card was in its review phase before this review (not learning or relearning): only
    /// such reviews count for true retention, as in Anki's "true retention".
    pub review_phase: bool,
}

/// The learner's local day of `ms` (days since 1970-01-01 in their time zone).
pub fn local_day(ms: i64, utc_offset_minutes: i32) -> i64 {
    (ms + i64::from(utc_offset_minutes) * 60_000).div_euclid(DAY_MS)
}

/// When local day `day` starts, in ms since the epoch.
pub fn day_start_ms(day: i64, utc_offset_minutes: i32) -> i64 {
    day * DAY_MS - i64::from(utc_offset_minutes) * 60_000
}

/// True retention in one week (Monday to Sunday, local time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekRetention {
    /// The local day the week starts on (a Monday).
    pub first_day: i64,
    /// Reviews of cards in their review phase.
    pub reviewed: u32,
    /// Of them, recalled (rated Hard, Good or Easy).
    pub recalled: u32,
}

impl WeekRetention {
    /// The share recalled, 0 to 1; `None` for a week without such reviews.
    pub fn retention(&self) -> Option<f64> {
        (self.reviewed > 0).then(|| f64::from(self.recalled) / f64::from(self.reviewed))
    }
}

/// The last `weeks` weeks, oldest first, ending with the week of `now_ms`.
pub fn retention_by_week(
    reviews: &[ReviewFact],
    now_ms: i64,
    utc_offset_minutes: i32,
    weeks: usize,
) -> Vec<WeekRetention> {
    // 1970-01-01 was a Thursday: day 4 is the first Monday after it, so weeks start at 4 mod 7.
    let week_of = |day: i64| (day - 4).div_euclid(7);
    let this_week = week_of(local_day(now_ms, utc_offset_minutes));
    let first_week = this_week - weeks as i64 + 1;
    let mut out: Vec<WeekRetention> = (first_week..=this_week)
        .map(|week| WeekRetention {
            first_day: week * 7 + 4,
            reviewed: 0,
            recalled: 0,
        })
        .collect();
    for review in reviews.iter().filter(|r| r.review_phase) {
        let week = week_of(local_day(review.at_ms, utc_offset_minutes));
        if let Some(slot) = usize::try_from(week - first_week)
            .ok()
            .and_then(|i| out.get_mut(i))
        {
            slot.reviewed += 1;
            slot.recalled += u32::from(review.rating >= 2);
        }
    }
    out
}

/// The reviews done on one local day, by rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayReviews {
    pub day: i64,
    /// Again, Hard, Good, Easy.
    pub by_rating: [u32; 4],
}

impl DayReviews {
    pub fn total(&self) -> u32 {
        self.by_rating.iter().sum()
    }
}

/// The last `days` local days, oldest first, ending with the day of `now_ms`.
pub fn reviews_per_day(
    reviews: &[ReviewFact],
    now_ms: i64,
    utc_offset_minutes: i32,
    days: usize,
) -> Vec<DayReviews> {
    let today = local_day(now_ms, utc_offset_minutes);
    let first = today - days as i64 + 1;
    let mut out: Vec<DayReviews> = (first..=today)
        .map(|day| DayReviews {
            day,
            by_rating: [0; 4],
        })
        .collect();
    for review in reviews {
        let day = local_day(review.at_ms, utc_offset_minutes);
        let slot = usize::try_from(day - first)
            .ok()
            .and_then(|i| out.get_mut(i));
        if let (Some(slot), 1..=4) = (slot, review.rating) {
            slot.by_rating[usize::from(review.rating - 1)] += 1;
        }
    }
    out
}

/// How many cards fall due on each of the next `days` local days, starting today; today's count
/// includes every overdue card (they are all waiting today). Cards due later are left out.
pub fn due_forecast(
    due_ms: impl IntoIterator<Item = i64>,
    now_ms: i64,
    utc_offset_minutes: i32,
    days: usize,
) -> Vec<u32> {
    let today = local_day(now_ms, utc_offset_minutes);
    let mut out = vec![0; days];
    for due in due_ms {
        let ahead = (local_day(due, utc_offset_minutes) - today).max(0);
        if let Some(slot) = usize::try_from(ahead).ok().and_then(|i| out.get_mut(i)) {
            *slot += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-03-02T00:00:00Z, a Monday.
    const MONDAY: i64 = 1_772_409_600_000;
    const HOUR: i64 = 3_600_000;

    fn review(at_ms: i64, rating: u8, review_phase: bool) -> ReviewFact {
        ReviewFact {
            at_ms,
            rating,
            review_phase,
        }
    }

    #[test]
    fn local_days_follow_the_offset() {
        let table = [
            (MONDAY, 0, 20_514),
            (MONDAY - 1, 0, 20_513),
            // 23:30 UTC on Sunday is already Monday in Moscow (+3).
            (MONDAY - HOUR / 2, 180, 20_514),
            // 01:00 UTC on Monday is still Sunday in New York (-5).
            (MONDAY + HOUR, -300, 20_513),
        ];
        for (ms, offset, day) in table {
            assert_eq!(local_day(ms, offset), day, "{ms} {offset}");
            assert!(day_start_ms(day, offset) <= ms && ms < day_start_ms(day + 1, offset));
        }
    }

    #[test]
    fn true_retention_counts_only_review_phase_reviews_by_local_week() {
        let now = MONDAY + 7 * 24 * HOUR + 10 * HOUR; // the next Monday, 10:00
        let reviews = [
            review(MONDAY + HOUR, 3, true),
            review(MONDAY + 2 * HOUR, 1, true),
            review(MONDAY + 3 * HOUR, 2, true),
            review(MONDAY + 4 * HOUR, 1, false), // learning: not counted
            review(now - HOUR, 4, true),
            review(MONDAY - 8 * 24 * HOUR, 3, true), // before the window
            review(now + 30 * 24 * HOUR, 1, true),   // after it
        ];
        let weeks = retention_by_week(&reviews, now, 0, 3);
        let first_days: Vec<i64> = weeks.iter().map(|w| w.first_day).collect();
        let monday = local_day(MONDAY, 0);
        assert_eq!(first_days, vec![monday - 7, monday, monday + 7]);
        let counts: Vec<(u32, u32)> = weeks.iter().map(|w| (w.reviewed, w.recalled)).collect();
        assert_eq!(counts, vec![(0, 0), (3, 2), (1, 1)]);
        assert_eq!(weeks[0].retention(), None);
        assert_eq!(weeks[2].retention(), Some(1.0));
        assert!((weeks[1].retention().unwrap() - 2.0 / 3.0).abs() < 1e-12);
        // In New York (-5) those Monday-morning reviews were still on Sunday: the week before.
        let weeks = retention_by_week(&reviews, now, -300, 3);
        let counts: Vec<(u32, u32)> = weeks.iter().map(|w| (w.reviewed, w.recalled)).collect();
        assert_eq!(counts, vec![(3, 2), (0, 0), (1, 1)]);
    }

    #[test]
    fn reviews_per_day_counts_each_rating_on_its_local_day() {
        let now = MONDAY + 2 * 24 * HOUR + 12 * HOUR; // Wednesday noon
        let reviews = [
            review(MONDAY + HOUR, 1, false),
            review(MONDAY + HOUR, 3, true),
            review(MONDAY + 24 * HOUR, 4, true),
            review(now, 2, true),
            review(now, 9, true), // not a rating: ignored
            review(MONDAY - 24 * HOUR, 3, true),
        ];
        let days = reviews_per_day(&reviews, now, 0, 3);
        let got: Vec<[u32; 4]> = days.iter().map(|d| d.by_rating).collect();
        assert_eq!(got, vec![[1, 0, 1, 0], [0, 0, 0, 1], [0, 1, 0, 0]]);
        assert_eq!(days[0].day, local_day(MONDAY, 0));
        assert_eq!(days.iter().map(DayReviews::total).sum::<u32>(), 4);
    }

    #[test]
    fn the_forecast_puts_overdue_cards_on_today_and_drops_later_ones() {
        let now = MONDAY + 20 * HOUR;
        let due = [
            MONDAY - 50 * 24 * HOUR, // long overdue
            MONDAY + HOUR,           // earlier today
            MONDAY + 23 * HOUR,      // later today
            MONDAY + 24 * HOUR,      // tomorrow
            MONDAY + 29 * 24 * HOUR, // the 30th day
            MONDAY + 30 * 24 * HOUR, // past the window
        ];
        let forecast = due_forecast(due, now, 0, 30);
        assert_eq!(forecast.len(), 30);
        assert_eq!(forecast[0], 3);
        assert_eq!(forecast[1], 1);
        assert_eq!(forecast[29], 1);
        assert_eq!(forecast.iter().sum::<u32>(), 5);
        // At +3 the card due at 23:00 UTC falls on the next local day.
        let forecast = due_forecast(due, now, 180, 30);
        assert_eq!((forecast[0], forecast[1]), (2, 2));
    }
}
