//! The parameter fit is honest: on a 5,000-review log simulated from known weights far from the
//! defaults, `fit` must win at least 80% of the log-loss improvement over the defaults that the
//! crate's own optimizer wins when run as its benchmark runs it (`fsrs::benchmark`: no outlier
//! filter, every item trained on). Both are measured on the same items with the same evaluation
//! (`FSRS::evaluate` through `TrainingSet::log_loss`); the benchmark is run with and without the
//! card of each item and the larger improvement is the bar.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use fsrs::ComputeParametersInput;
use shared::srs::fit::{fit, simulate, ReviewRecord, TrainingSet, MIN_REVIEWS};
use shared::srs::{Params, Rating, SrsError};

/// A learner unlike the average one: a steeper forgetting curve (decay 0.3, the defaults 0.1542),
/// higher first stabilities, slower growth after success.
const TRUTH: [f32; 21] = [
    0.6, 1.8, 4.5, 15.0, 7.0, 0.6, 2.2, 0.02, 1.4, 0.12, 1.0, 1.8, 0.08, 0.35, 1.3, 0.5, 2.4, 0.6,
    0.15, 0.1, 0.3,
];

#[test]
fn the_fit_wins_most_of_what_the_crates_benchmark_optimizer_wins() {
    let truth = Params {
        weights: TRUTH.to_vec(),
        desired_retention: 0.9,
    };
    let log = simulate(&truth, 5_000, 19).unwrap();
    assert_eq!(log.len(), 5_000);

    let fitted = fit(&log).unwrap();
    let training = TrainingSet::new(&log);
    assert_eq!(fitted.reviews_used, training.items.len());

    let defaults = training.log_loss(&[]).unwrap();
    assert_eq!(fitted.log_loss_before, defaults);
    assert_eq!(
        training.log_loss(&fitted.weights).unwrap(),
        fitted.log_loss_after
    );
    let benchmark = |card_ids: Option<Vec<i64>>| {
        let weights = fsrs::benchmark(ComputeParametersInput {
            train_set: training.items.clone(),
            card_ids,
            ..ComputeParametersInput::default()
        });
        training.log_loss(&weights).unwrap()
    };
    let crate_best = benchmark(None).min(benchmark(Some(training.card_ids.clone())));
    let truth_loss = training.log_loss(&TRUTH).unwrap();

    let ours = defaults - fitted.log_loss_after;
    let theirs = defaults - crate_best;
    println!(
        "{} items: log loss defaults {defaults:.5}, fit {:.5}, crate benchmark {crate_best:.5}, \
         true weights {truth_loss:.5}; improvement {ours:.5} against {theirs:.5} ({:.1}%)",
        training.items.len(),
        fitted.log_loss_after,
        ours / theirs * 100.0
    );
    assert!(
        theirs > 0.0,
        "the benchmark optimizer improves on the defaults"
    );
    assert!(
        ours >= 0.8 * theirs,
        "the fit wins {ours:.5}, under 80% of the benchmark's {theirs:.5}"
    );
    // The fitted weights predict the log about as well as the weights it was drawn from.
    assert!(fitted.log_loss_after <= truth_loss + 0.01 * truth_loss);
}

#[test]
fn a_log_under_the_threshold_is_not_fitted() {
    let review = |n: usize| ReviewRecord {
        card_id: format!("card-{}", n % 50),
        at_ms: 1_767_225_600_000 + n as i64 * 3_600_000,
        rating: Rating::Good,
    };
    let log: Vec<ReviewRecord> = (0..MIN_REVIEWS - 1).map(review).collect();
    assert_eq!(
        fit(&log),
        Err(SrsError::NotEnoughReviews {
            have: MIN_REVIEWS - 1,
            need: MIN_REVIEWS
        })
    );
    // Enough reviews, but all on one day: nothing to learn from, refused rather than fitted.
    let same_day: Vec<ReviewRecord> = (0..MIN_REVIEWS)
        .map(|n| ReviewRecord {
            at_ms: 1_767_225_600_000 + n as i64,
            ..review(n)
        })
        .collect();
    assert!(matches!(
        fit(&same_day),
        Err(SrsError::NotEnoughReviews { have: 0, .. })
    ));
}

#[test]
fn items_count_whole_days_between_a_cards_reviews_in_time_order() {
    const HOUR: i64 = 3_600_000;
    let at = |hours: i64| 1_767_225_600_000 + hours * HOUR;
    // Given out of order, and interleaved with another card.
    let log = [
        ("a", at(24 * 3 + 23), Rating::Good),
        ("b", at(0), Rating::Again),
        ("a", at(0), Rating::Good),
        ("a", at(1), Rating::Hard),
        ("b", at(48), Rating::Easy),
    ]
    .map(|(card, at_ms, rating)| ReviewRecord {
        card_id: card.into(),
        at_ms,
        rating,
    });
    let training = TrainingSet::new(&log);
    let shape: Vec<Vec<(u32, u32)>> = training
        .items
        .iter()
        .map(|item| item.reviews.iter().map(|r| (r.rating, r.delta_t)).collect())
        .collect();
    // b's second review (day 2) comes before a's third (3 days 22 hours after its second: 3).
    assert_eq!(
        shape,
        vec![vec![(1, 0), (4, 2)], vec![(3, 0), (2, 0), (3, 3)]]
    );
    assert_eq!(training.card_ids[0], 1);
    assert_eq!(training.card_ids[1], 0);
}
