use super::*;

const T0: i64 = 1_796_026_500_000; // 2026-11-30T08:15:00Z

fn good_path() -> Vec<Reviewed> {
    let s = Scheduler::default();
    replay(
        &s,
        T0,
        &[(T0, Rating::Good), (T0 + 10 * MINUTE_MS, Rating::Good)],
    )
}

#[test]
fn a_new_card_walks_the_learning_steps_then_graduates() {
    let path = good_path();
    let first = path[0].schedule;
    assert_eq!(first.phase, Phase::Learning);
    assert_eq!(first.step, Some(1));
    assert_eq!(first.due_ms, T0 + 10 * MINUTE_MS);
    assert_eq!(first.scheduled_days, 0);
    assert_eq!(path[0].retrievability_before, None);
    // The crate's initial state for Good is w[2] and its difficulty.
    assert_eq!(first.stability, Some(DEFAULT_PARAMETERS[2]));
    let second = path[1].schedule;
    assert_eq!(second.phase, Phase::Review);
    assert_eq!(second.step, None);
    assert!(second.scheduled_days >= 1);
    assert_eq!(
        second.due_ms,
        T0 + 10 * MINUTE_MS + i64::from(second.scheduled_days) * DAY_MS
    );
    assert_eq!(second.reps, 2);
    // Ten minutes later is the same day: retrievability is that of zero elapsed days.
    assert_eq!(path[1].retrievability_before, Some(1.0));
}

#[test]
fn each_rating_on_a_new_card_follows_py_fsrs_steps() {
    let s = Scheduler::default();
    let card = Schedule::new(T0);
    let [again, hard, good, easy] = s.preview(&card, T0);
    assert_eq!(
        (again.phase, again.step, again.due_ms),
        (Phase::Learning, Some(0), T0 + MINUTE_MS)
    );
    // Hard at the first step waits the average of the first two steps: 5.5 minutes.
    assert_eq!(
        (hard.phase, hard.step, hard.due_ms),
        (Phase::Learning, Some(0), T0 + 330_000)
    );
    assert_eq!(
        (good.phase, good.step, good.due_ms),
        (Phase::Learning, Some(1), T0 + 10 * MINUTE_MS)
    );
    assert_eq!((easy.phase, easy.step), (Phase::Review, None));
    assert!(easy.scheduled_days >= 1);
    assert_eq!(easy.due_ms, T0 + i64::from(easy.scheduled_days) * DAY_MS);
}

#[test]
fn a_lapse_goes_to_relearning_for_ten_minutes_and_hard_waits_one_and_a_half_steps() {
    let s = Scheduler::default();
    let graduated = good_path()[1].schedule;
    let later = graduated.due_ms;
    let lapse = s.review(&graduated, Rating::Again, later).schedule;
    assert_eq!((lapse.phase, lapse.step), (Phase::Relearning, Some(0)));
    assert_eq!(lapse.due_ms, later + 10 * MINUTE_MS);
    assert_eq!(lapse.lapses, 1);
    assert!(lapse.stability.unwrap() < graduated.stability.unwrap());
    let hard = s
        .review(&lapse, Rating::Hard, later + 10 * MINUTE_MS)
        .schedule;
    assert_eq!((hard.phase, hard.step), (Phase::Relearning, Some(0)));
    assert_eq!(hard.due_ms, later + 10 * MINUTE_MS + 15 * MINUTE_MS);
    let good = s.review(&hard, Rating::Good, hard.due_ms).schedule;
    assert_eq!((good.phase, good.step), (Phase::Review, None));
}

#[test]
fn review_intervals_grow_with_success_and_stay_within_the_maximum() {
    let s = Scheduler::default();
    let mut card = good_path()[1].schedule;
    let mut last_interval = card.scheduled_days;
    for _ in 0..40 {
        card = s.review(&card, Rating::Easy, card.due_ms).schedule;
        assert!(card.scheduled_days >= last_interval, "{card:?}");
        assert!(card.scheduled_days <= MAXIMUM_INTERVAL_DAYS);
        last_interval = card.scheduled_days;
    }
    assert_eq!(last_interval, MAXIMUM_INTERVAL_DAYS);
}

#[test]
fn retrievability_counts_whole_days_and_falls_to_the_desired_retention_when_due() {
    let s = Scheduler::default();
    let card = good_path()[1].schedule;
    let last = card.last_review_ms.unwrap();
    assert_eq!(s.retrievability(&card, last + DAY_MS - 1), Some(1.0));
    let at_due = s.retrievability(&card, card.due_ms).unwrap();
    assert!((at_due - 0.9).abs() < 0.03, "{at_due}");
    assert!(s.retrievability(&card, card.due_ms + 30 * DAY_MS).unwrap() < at_due);
    assert_eq!(s.retrievability(&Schedule::new(T0), T0), None);
}

#[test]
fn a_lower_desired_retention_gives_longer_intervals() {
    let strict = Scheduler::new(&Params {
        weights: Vec::new(),
        desired_retention: 0.95,
    })
    .unwrap();
    let relaxed = Scheduler::new(&Params {
        weights: Vec::new(),
        desired_retention: 0.8,
    })
    .unwrap();
    let card = Schedule::new(T0);
    let a = strict
        .review(&card, Rating::Easy, T0)
        .schedule
        .scheduled_days;
    let b = relaxed
        .review(&card, Rating::Easy, T0)
        .schedule
        .scheduled_days;
    assert!(b > a, "{a} {b}");
}

#[test]
fn bad_parameters_are_refused_with_a_reason() {
    for (weights, retention) in [
        (vec![1.0; 5], 0.9),
        (vec![f32::NAN; 21], 0.9),
        (Vec::new(), 1.0),
        (Vec::new(), 0.0),
        (Vec::new(), f32::NAN),
    ] {
        let params = Params {
            weights,
            desired_retention: retention,
        };
        assert!(Scheduler::new(&params).is_err(), "{params:?}");
    }
    let custom = Params {
        weights: DEFAULT_PARAMETERS.to_vec(),
        desired_retention: 0.9,
    };
    assert!(Scheduler::new(&custom).is_ok());
}

#[test]
fn a_clock_that_went_back_counts_as_the_same_day() {
    let s = Scheduler::default();
    let card = good_path()[1].schedule;
    let last = card.last_review_ms.unwrap();
    let earlier = s.review(&card, Rating::Good, last - 3 * DAY_MS).schedule;
    let same_day = s.review(&card, Rating::Good, last).schedule;
    assert_eq!(earlier.stability, same_day.stability);
    assert_eq!(whole_days(last, last - 1), -1);
    assert_eq!(whole_days(last, last + DAY_MS), 1);
}

#[test]
fn ratings_read_only_from_one_to_four() {
    assert_eq!(Rating::from_number(0), None);
    assert_eq!(Rating::from_number(5), None);
    for rating in Rating::ALL {
        assert_eq!(Rating::from_number(rating.number()), Some(rating));
    }
}

#[test]
fn preview_gives_exactly_what_each_rating_would() {
    // Every phase, same-day and long gaps, custom weights: the one-pass preview must equal four
    // separate reviews.
    let custom = Params {
        weights: DEFAULT_PARAMETERS.iter().map(|w| w * 1.1).collect(),
        desired_retention: 0.85,
    };
    for scheduler in [Scheduler::default(), Scheduler::new(&custom).unwrap()] {
        let mut card = Schedule::new(0);
        let mut at_ms = 0;
        for (n, rating) in [3, 1, 2, 3, 4, 1, 1, 3, 2, 4, 3].into_iter().enumerate() {
            let preview = scheduler.preview(&card, at_ms);
            for (i, each) in Rating::ALL.into_iter().enumerate() {
                assert_eq!(
                    preview[i],
                    scheduler.review(&card, each, at_ms).schedule,
                    "review {n}"
                );
            }
            let rating = Rating::from_number(rating).unwrap();
            card = scheduler.review(&card, rating, at_ms).schedule;
            at_ms = card.due_ms + (n as i64 % 3) * 7 * DAY_MS;
        }
    }
}

#[test]
fn intervals_and_retrievability_equal_the_crates_own() {
    for w20 in [0.1, 0.1542, 0.5, 0.8, 0.95] {
        for desired_retention in [0.7, 0.8, 0.85, 0.9, 0.95, 0.97] {
            let mut weights = DEFAULT_PARAMETERS.to_vec();
            weights[20] = w20;
            let scheduler = Scheduler::new(&Params {
                weights: weights.clone(),
                desired_retention,
            })
            .unwrap();
            let fsrs = FSRS::new(&weights).unwrap();
            let decay = w20.clamp(0.1, 0.8);
            for i in 0..400 {
                let stability = 0.001 * 1.05f32.powi(i);
                let crate_days =
                    fsrs.next_interval(Some(stability), desired_retention, 3)
                        .round()
                        .clamp(1.0, MAXIMUM_INTERVAL_DAYS as f32) as u32;
                assert_eq!(
                    scheduler.interval_days(stability),
                    crate_days,
                    "{w20} {desired_retention} {stability}"
                );
                let card = Schedule {
                    stability: Some(stability),
                    difficulty: Some(5.0),
                    last_review_ms: Some(0),
                    ..Schedule::new(0)
                };
                let days = (i % 50) as i64;
                let ours = scheduler.retrievability(&card, days * DAY_MS).unwrap();
                let theirs = fsrs::current_retrievability(
                    MemoryState {
                        stability,
                        difficulty: 5.0,
                    },
                    days as f32,
                    decay,
                );
                assert!(
                    (ours - theirs).abs() <= 1e-6,
                    "{w20} {stability} {days}: {ours} {theirs}"
                );
            }
        }
    }
}
