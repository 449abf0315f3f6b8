//! The server's half of `cargo xtask bench srs`: the FSRS parameter fit (`shared::srs::fit::fit`,
//! what the weekly fit job runs) on a simulated 10,000-review log, in a release build. Prints
//! the median of several runs against issue 19's target (2 s). A timing, never a test.
//!
//! With the argument `threshold` (`cargo bench -p shared --bench srs -- threshold`) it prints
//! instead the study behind `MIN_REVIEWS`: for logs of several sizes simulated from weights far
//! from and near the defaults, how often weights fitted to four fifths of the cards predict the
//! other fifth better than the defaults do.

#![allow(clippy::unwrap_used)]

use std::time::Instant;

use shared::srs::fit::{fit, simulate, ReviewRecord, TrainingSet, MIN_REVIEWS};
use shared::srs::Params;

const REVIEWS: usize = 10_000;
const RUNS: usize = 7;
const TARGET_SECONDS: f64 = 2.0;

/// A learner unlike the average one, so the optimizer has something to find.
const FAR: [f32; 21] = [
    0.6, 1.8, 4.5, 15.0, 7.0, 0.6, 2.2, 0.02, 1.4, 0.12, 1.0, 1.8, 0.08, 0.35, 1.3, 0.5, 2.4, 0.6,
    0.15, 0.1, 0.3,
];

fn main() {
    if std::env::args().any(|arg| arg == "threshold") {
        threshold();
        return;
    }
    let truth = Params {
        weights: FAR.to_vec(),
        desired_retention: 0.9,
    };
    let log = simulate(&truth, REVIEWS, 2026).unwrap();
    let mut seconds = Vec::with_capacity(RUNS);
    let mut last = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        let fitted = fit(&log).unwrap();
        seconds.push(started.elapsed().as_secs_f64());
        last = Some(fitted);
    }
    seconds.sort_by(f64::total_cmp);
    let median = seconds[RUNS / 2];
    let fitted = last.unwrap();
    println!(
        "fit on {} reviews ({} predicted, log loss {:.5} -> {:.5}): median {:.1} ms of {RUNS} \
         (min {:.1}, max {:.1}; target <= {:.0} ms) {}",
        log.len(),
        fitted.reviews_used,
        fitted.log_loss_before,
        fitted.log_loss_after,
        median * 1e3,
        seconds[0] * 1e3,
        seconds[RUNS - 1] * 1e3,
        TARGET_SECONDS * 1e3,
        if median <= TARGET_SECONDS {
            "PASS"
        } else {
            "MISS"
        }
    );
}

/// How well weights fitted to logs of several sizes predict the learner's other cards.
fn threshold() {
    let near: Vec<f32> = fsrs::DEFAULT_PARAMETERS
        .iter()
        .enumerate()
        .map(|(i, w)| if i % 2 == 0 { w * 1.1 } else { w * 0.9 })
        .collect();
    println!("MIN_REVIEWS is {MIN_REVIEWS}; 30 logs per size, a fifth of the cards held out");
    for (name, weights) in [("far from the defaults", FAR.to_vec()), ("near them", near)] {
        let truth = Params {
            weights,
            desired_retention: 0.9,
        };
        for reviews in [500, 1_000, 2_000, 3_000, 5_000] {
            let (mut better, mut gain) = (0, 0.0);
            for seed in 1..=30 {
                let log = simulate(&truth, reviews * 5 / 4, seed).unwrap();
                let held_out =
                    |r: &ReviewRecord| r.card_id.bytes().map(u32::from).sum::<u32>() % 5 == 0;
                let (test, train): (Vec<ReviewRecord>, Vec<ReviewRecord>) =
                    log.into_iter().partition(held_out);
                let test = TrainingSet::new(&test);
                let fitted = TrainingSet::new(&train).fit().unwrap();
                let d = test.log_loss(&[]).unwrap() - test.log_loss(&fitted.weights).unwrap();
                better += usize::from(d > 0.0);
                gain += d;
            }
            println!(
                "truth {name:<22} {reviews:>5} reviews fitted: better than the defaults on held-out \
                 cards in {better:>2} of 30, mean log-loss gain {:+.5}",
                gain / 30.0
            );
        }
    }
}
