//! Fitting a learner's own FSRS weights to their review log (native only: the server's fit job
//! and `cargo xtask srs fit`), with the crate's optimizer (`fsrs::compute_parameters`) and its
//! evaluation (`FSRS::evaluate`). Never schedules a card and never reads a store: it is given
//! the reviews.

use std::collections::HashMap;

use fsrs::{ComputeParametersInput, FSRSItem, FSRSReview, DEFAULT_PARAMETERS, FSRS};

use super::{whole_days, Params, Rating, Schedule, Scheduler, SrsError, WEIGHT_COUNT};

/// The fewest reviews a log must have before it is fitted. On logs simulated from weights far
/// from the defaults, weights fitted to 1,000 reviews predicted the learner's other cards worse
/// than the defaults on average (better in 12 of 30 logs); fitted to 2,000, better on average
/// (17 of 30, log loss 0.0018 lower); to 5,000, in 25 of 30 (README, "Personal parameters";
/// `cargo bench -p shared --bench srs -- threshold`).
pub const MIN_REVIEWS: usize = 2_000;

/// One review of a learner's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRecord {
    pub card_id: String,
    /// When it happened, milliseconds since the Unix epoch.
    pub at_ms: i64,
    pub rating: Rating,
}

/// Weights fitted to a log, with the log loss of the defaults and of the fitted weights on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The fitted weights; the defaults when no fit predicted the log better than they do.
    pub weights: [f32; WEIGHT_COUNT],
    /// The log loss of the default weights on the log (the crate's evaluation).
    pub log_loss_before: f64,
    /// The log loss of `weights` on the same reviews; never above `log_loss_before`.
    pub log_loss_after: f64,
    /// The reviews the weights were fitted to: those at least a whole day after the card's
    /// previous review (same-day reviews shape the history they are predicted from).
    pub reviews_used: usize,
}

/// A log as the crate's optimizer takes it: per review that comes a whole day or more after the
/// card's previous one, the card's history up to it (`FSRSItem`), in the order they happened
/// (the optimizer weights recent reviews more).
#[derive(Debug, Clone, Default)]
pub struct TrainingSet {
    pub items: Vec<FSRSItem>,
    /// The card of each item (a number per card id), for the optimizer's per-card batches.
    pub card_ids: Vec<i64>,
}

impl TrainingSet {
    /// Groups `reviews` by card, orders each card's reviews by time (ties keep the log's order),
    /// and counts the time between them in whole 24-hour periods, as the scheduler does: a
    /// review on the same day is a gap of 0 (the crate's short-term formula).
    pub fn new(reviews: &[ReviewRecord]) -> Self {
        let mut cards: HashMap<&str, Vec<&ReviewRecord>> = HashMap::new();
        for review in reviews {
            cards.entry(&review.card_id).or_default().push(review);
        }
        let mut numbered: Vec<(&str, Vec<&ReviewRecord>)> = cards.into_iter().collect();
        numbered.sort_unstable_by(|a, b| a.0.cmp(b.0));

        let mut items: Vec<(i64, i64, FSRSItem)> = Vec::new();
        for (card_number, (_, mut card_reviews)) in (0_i64..).zip(numbered) {
            card_reviews.sort_by_key(|review| review.at_ms);
            let mut history: Vec<FSRSReview> = Vec::with_capacity(card_reviews.len());
            let mut previous_ms: Option<i64> = None;
            for review in card_reviews {
                let delta_t = previous_ms.map_or(0, |previous| {
                    u32::try_from(whole_days(previous, review.at_ms).max(0)).unwrap_or(u32::MAX)
                });
                history.push(FSRSReview {
                    rating: u32::from(review.rating.number()),
                    delta_t,
                });
                previous_ms = Some(review.at_ms);
                if history.len() > 1 && delta_t > 0 {
                    items.push((
                        review.at_ms,
                        card_number,
                        FSRSItem {
                            reviews: history.clone(),
                        },
                    ));
                }
            }
        }
        items.sort_by_key(|(at_ms, card, _)| (*at_ms, *card));
        let (card_ids, items) = items
            .into_iter()
            .map(|(_, card, item)| (card, item))
            .unzip();
        Self { items, card_ids }
    }

    /// The crate's log loss of `weights` (empty: the defaults) on these items.
    pub fn log_loss(&self, weights: &[f32]) -> Result<f64, SrsError> {
        let fsrs = FSRS::new(weights).map_err(|e| SrsError::InvalidWeights(e.to_string()))?;
        fsrs.evaluate(self.items.clone(), |_| true)
            .map(|evaluation| f64::from(evaluation.log_loss))
            .map_err(|e| SrsError::Fit(e.to_string()))
    }

    /// The crate's optimizer on these items, with (`by_card`) or without the card of each item.
    fn optimize(&self, by_card: bool) -> Result<Vec<f32>, SrsError> {
        fsrs::compute_parameters(ComputeParametersInput {
            train_set: self.items.clone(),
            card_ids: by_card.then(|| self.card_ids.clone()),
            ..ComputeParametersInput::default()
        })
        .map_err(|e| SrsError::Fit(e.to_string()))
    }

    /// Fits weights to these items, whatever their number.
    ///
    /// Runs the crate's optimizer twice on the same items, once batching them by card (as Anki
    /// does) and once by history length, and keeps whichever predicts them best by the crate's
    /// log loss, or the defaults when neither beats them. Its 5 epochs are only about 30 steps
    /// on a personal log, so where the two runs end differs by more than the gain itself at
    /// times; taking the better keeps the fit close to what the optimizer can reach (README).
    pub fn fit(&self) -> Result<Fit, SrsError> {
        if self.items.is_empty() {
            return Err(SrsError::NotEnoughReviews {
                have: 0,
                need: MIN_REVIEWS,
            });
        }
        let log_loss_before = self.log_loss(&[])?;
        let mut best = (DEFAULT_PARAMETERS, log_loss_before);
        for by_card in [true, false] {
            let weights = self.optimize(by_card)?;
            let Ok(weights) = <[f32; WEIGHT_COUNT]>::try_from(weights.as_slice()) else {
                return Err(SrsError::Fit(format!(
                    "the optimizer returned {} weights",
                    weights.len()
                )));
            };
            let log_loss = self.log_loss(&weights)?;
            if log_loss < best.1 {
                best = (weights, log_loss);
            }
        }
        Ok(Fit {
            weights: best.0,
            log_loss_before,
            log_loss_after: best.1,
            reviews_used: self.items.len(),
        })
    }
}

/// Fits weights to a learner's review log (any order; at least `MIN_REVIEWS` reviews): see
/// [`TrainingSet::fit`].
pub fn fit(reviews: &[ReviewRecord]) -> Result<Fit, SrsError> {
    if reviews.len() < MIN_REVIEWS {
        return Err(SrsError::NotEnoughReviews {
            have: reviews.len(),
            need: MIN_REVIEWS,
        });
    }
    TrainingSet::new(reviews).fit()
}

/// A learner's review log simulated from known weights, for testing and benchmarking the fit:
/// one new card per six reviews, made over 120 days and reviewed for 400, each review when the default
/// scheduler makes it due (late by one to three days a third of the time), recalled with the
/// probability `truth` gives it, rated Hard, Good or Easy when recalled (15/75/10%) and Again
/// when not. The first `reviews` reviews in time order. Deterministic for one `seed`.
pub fn simulate(truth: &Params, reviews: usize, seed: u64) -> Result<Vec<ReviewRecord>, SrsError> {
    let teacher = Scheduler::new(&Params {
        weights: Vec::new(),
        desired_retention: truth.desired_retention,
    })?;
    let learner = Scheduler::new(truth)?;
    let mut random = SplitMix64(seed);
    let mut log = Vec::new();
    let cards = reviews / 6 + 1;
    for card in 0..cards {
        let card_id = format!("card-{card:05}");
        let mut at_ms = random.below(120 * DAY_MS);
        let (mut scheduled, mut remembered) = (Schedule::new(at_ms), Schedule::new(at_ms));
        let mut rating = match random.unit() {
            x if x < 0.25 => Rating::Again,
            x if x < 0.35 => Rating::Hard,
            x if x < 0.9 => Rating::Good,
            _ => Rating::Easy,
        };
        while at_ms < 400 * DAY_MS {
            scheduled = teacher.review(&scheduled, rating, at_ms).schedule;
            remembered = learner.review(&remembered, rating, at_ms).schedule;
            log.push(ReviewRecord {
                card_id: card_id.clone(),
                at_ms,
                rating,
            });
            // Steps of minutes are done at once; days-long intervals a little late at times.
            let wait = scheduled.due_ms - at_ms;
            at_ms = if wait < DAY_MS {
                scheduled.due_ms
            } else if random.unit() < 0.33 {
                scheduled.due_ms + (1 + random.below(3)) * DAY_MS + random.below(DAY_MS / 12)
            } else {
                scheduled.due_ms + random.below(DAY_MS / 12)
            };
            // The same day the learner mostly recalls what they just saw.
            let recall = learner
                .retrievability(&remembered, at_ms)
                .filter(|_| wait >= DAY_MS)
                .map_or(0.9, f64::from);
            rating = if random.unit() < recall {
                match random.unit() {
                    x if x < 0.15 => Rating::Hard,
                    x if x < 0.9 => Rating::Good,
                    _ => Rating::Easy,
                }
            } else {
                Rating::Again
            };
        }
    }
    log.sort_by(|a, b| {
        a.at_ms
            .cmp(&b.at_ms)
            .then_with(|| a.card_id.cmp(&b.card_id))
    });
    log.truncate(reviews);
    Ok(log)
}

const DAY_MS: i64 = 86_400_000;

/// A small seeded generator (SplitMix64) so simulated logs are the same on every machine.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// Uniform in [0, n) for n > 0.
    fn below(&mut self, n: i64) -> i64 {
        (self.next() % n.max(1) as u64) as i64
    }
}
