//! Spaced repetition: a card's schedule from its reviews, on the device and on the server alike.
//! A thin state machine over the `fsrs` crate (FSRS-6): the crate gives the memory state
//! (stability, difficulty) after a rating; this module adds what the crate leaves to the caller,
//! following py-fsrs 6.x with its default steps: learning steps of 1 and 10 minutes, one
//! relearning step of 10 minutes, elapsed time in whole 24-hour periods, intervals rounded to
//! whole days from 1 to 36,500. Pure: no clock, no I/O; times are milliseconds since the epoch.
//! Around it: reading cards from other tools' files (`import`), writing them out (`export`) and
//! what the learner's charts show (`stats`).

pub mod export;
pub mod import;
pub mod stats;

use fsrs::{FSRSItem, FSRSReview, MemoryState, DEFAULT_PARAMETERS, FSRS};

#[cfg(not(target_arch = "wasm32"))]
pub mod fit;
pub mod sequences;
mod steps;

/// One minute and one day in milliseconds.
const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

/// Learning steps for a new card (py-fsrs's default): 1 minute, then 10 minutes.
pub const LEARNING_STEPS_MS: [i64; 2] = [MINUTE_MS, 10 * MINUTE_MS];
/// The relearning step after a lapse (py-fsrs's default): 10 minutes.
pub const RELEARNING_STEPS_MS: [i64; 1] = [10 * MINUTE_MS];
/// The longest interval a card is ever given, in days (py-fsrs's default).
pub const MAXIMUM_INTERVAL_DAYS: u32 = 36_500;
/// The retention the schedule aims at unless the learner chooses another.
pub const DEFAULT_DESIRED_RETENTION: f32 = 0.9;
/// The range a learner may choose the desired retention from.
pub const DESIRED_RETENTION_RANGE: std::ops::RangeInclusive<f32> = 0.7..=0.97;
/// How many weights an FSRS-6 parameter set has.
pub const WEIGHT_COUNT: usize = 21;
/// FSRS-6's default weights (the `fsrs` crate's), what a learner without personal ones is
/// scheduled with.
pub const DEFAULT_WEIGHTS: [f32; WEIGHT_COUNT] = DEFAULT_PARAMETERS;

/// How well the learner recalled a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rating {
    Again = 1,
    Hard = 2,
    Good = 3,
    Easy = 4,
}

impl Rating {
    /// All four, in button order.
    pub const ALL: [Rating; 4] = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy];

    /// The rating numbered 1 to 4; `None` for anything else.
    pub fn from_number(number: u8) -> Option<Self> {
        match number {
            1 => Some(Self::Again),
            2 => Some(Self::Hard),
            3 => Some(Self::Good),
            4 => Some(Self::Easy),
            _ => None,
        }
    }

    /// Its number, 1 to 4.
    pub fn number(self) -> u8 {
        self as u8
    }
}

/// Where a card is in its life (py-fsrs's `State`: Learning 1, Review 2, Relearning 3). A new
/// card is Learning at step 0 with no memory state yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    Learning,
    Review,
    Relearning,
}

impl Phase {
    /// py-fsrs's number for the state.
    pub fn number(self) -> u8 {
        match self {
            Self::Learning => 1,
            Self::Review => 2,
            Self::Relearning => 3,
        }
    }
}

/// The parameters a schedule is computed with.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// FSRS-6 weights: 21 of them, or none for the crate's defaults.
    pub weights: Vec<f32>,
    /// The probability of recall the schedule aims at when a card comes due.
    pub desired_retention: f32,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            weights: Vec::new(),
            desired_retention: DEFAULT_DESIRED_RETENTION,
        }
    }
}

/// Why parameters cannot schedule.
#[derive(Debug, Clone, PartialEq)]
pub enum SrsError {
    /// Weights the crate refuses (wrong count, not finite).
    InvalidWeights(String),
    /// A desired retention outside 0 < r < 1.
    InvalidRetention(f32),
    /// Too few reviews to fit parameters to.
    NotEnoughReviews { have: usize, need: usize },
    /// The optimizer failed.
    Fit(String),
}

impl std::fmt::Display for SrsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::InvalidWeights(detail) => write!(f, "invalid FSRS weights: {detail}"),
            Self::InvalidRetention(r) => {
                write!(f, "desired retention {r} is not between 0 and 1")
            }
            Self::NotEnoughReviews { have, need } => {
                write!(
                    f,
                    "{have} reviews are too few to fit parameters (need {need})"
                )
            }
            Self::Fit(detail) => write!(f, "fitting parameters failed: {detail}"),
        }
    }
}

impl std::error::Error for SrsError {}

/// A card's state after its reviews so far.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    pub phase: Phase,
    /// The learning or relearning step the card is at; `None` in Review.
    pub step: Option<u32>,
    /// Days until recall falls to 90%; `None` before the first review.
    pub stability: Option<f32>,
    /// 1 (easy) to 10 (hard); `None` before the first review.
    pub difficulty: Option<f32>,
    /// When the card is next due.
    pub due_ms: i64,
    pub last_review_ms: Option<i64>,
    /// The interval last given, in whole days (0 while it is in a learning step).
    pub scheduled_days: u32,
    pub reps: u32,
    /// How many times a card in Review was forgotten (rated Again).
    pub lapses: u32,
}

impl Schedule {
    /// A new card made at `created_ms`: Learning, step 0, due at once.
    pub fn new(created_ms: i64) -> Self {
        Self {
            phase: Phase::Learning,
            step: Some(0),
            stability: None,
            difficulty: None,
            due_ms: created_ms,
            last_review_ms: None,
            scheduled_days: 0,
            reps: 0,
            lapses: 0,
        }
    }

    /// Whether the card is due at `now_ms`.
    pub fn is_due(&self, now_ms: i64) -> bool {
        self.due_ms <= now_ms
    }
}

/// A card's schedule after one review, with its retrievability just before it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reviewed {
    pub schedule: Schedule,
    /// The probability of recall at the review (`None` for a card never reviewed before).
    pub retrievability_before: Option<f32>,
}

/// Schedules reviews with one parameter set.
#[derive(Debug, Clone)]
pub struct Scheduler {
    fsrs: FSRS,
    weights: [f32; WEIGHT_COUNT],
    desired_retention: f32,
    curve: Curve,
    /// The four ratings' next states at once, as the crate's model computes them.
    steps: steps::Steps,
}

impl Default for Scheduler {
    fn default() -> Self {
        Self {
            fsrs: FSRS::default(),
            weights: DEFAULT_PARAMETERS,
            desired_retention: DEFAULT_DESIRED_RETENTION,
            curve: Curve::new(DEFAULT_PARAMETERS[20], DEFAULT_DESIRED_RETENTION),
            steps: steps::Steps::new(&DEFAULT_PARAMETERS),
        }
    }
}

/// The forgetting curve's constants for one decay and desired retention, worked out once: the
/// crate would recompute them (three `powf`/`exp`) for every interval, which dominated
/// previewing a large deck in wasm.
#[derive(Debug, Clone, Copy)]
struct Curve {
    /// The curve's exponent, `-w20`, with w20 clamped to 0.1-0.8 as the crate clamps it.
    decay: f32,
    /// `0.9^(1/decay) - 1`, as `retrievability` has always computed it.
    retrievability_factor: f32,
    /// The crate's `next_interval` factor, `exp(ln 0.9 / decay) - 1`.
    interval_factor: f32,
    /// The crate's `desired_retention^(1/decay) - 1`.
    interval_term: f32,
}

impl Curve {
    fn new(w20: f32, desired_retention: f32) -> Self {
        let decay = -w20.clamp(0.1, 0.8);
        Self {
            decay,
            retrievability_factor: 0.9f32.powf(1.0 / decay) - 1.0,
            interval_factor: (0.9f32.ln() / decay).exp() - 1.0,
            interval_term: desired_retention.powf(1.0 / decay) - 1.0,
        }
    }
}

impl Scheduler {
    /// A scheduler for `params`; refuses weights the crate refuses and a retention outside (0, 1).
    pub fn new(params: &Params) -> Result<Self, SrsError> {
        let r = params.desired_retention;
        if !(r > 0.0 && r < 1.0) {
            return Err(SrsError::InvalidRetention(r));
        }
        if !params.weights.is_empty() && params.weights.len() != WEIGHT_COUNT {
            return Err(SrsError::InvalidWeights(format!(
                "{} weights, FSRS-6 has {WEIGHT_COUNT}",
                params.weights.len()
            )));
        }
        if params.weights.iter().any(|w| !w.is_finite()) {
            return Err(SrsError::InvalidWeights(
                "a weight is not a finite number".into(),
            ));
        }
        let fsrs =
            FSRS::new(&params.weights).map_err(|e| SrsError::InvalidWeights(e.to_string()))?;
        let mut weights = DEFAULT_PARAMETERS;
        if !params.weights.is_empty() {
            weights.copy_from_slice(&params.weights);
        }
        Ok(Self {
            fsrs,
            weights,
            desired_retention: r,
            curve: Curve::new(weights[20], r),
            steps: steps::Steps::new(&weights),
        })
    }

    /// The retention this scheduler aims at.
    pub fn desired_retention(&self) -> f32 {
        self.desired_retention
    }

    /// The probability the learner recalls `card` at `at_ms` (`None` before its first review).
    /// Elapsed time counts in whole days, as py-fsrs counts it.
    pub fn retrievability(&self, card: &Schedule, at_ms: i64) -> Option<f32> {
        let last = card.last_review_ms?;
        let stability = card.stability?;
        let days = whole_days(last, at_ms).max(0) as f32;
        let curve = self.curve;
        Some((1.0 + curve.retrievability_factor * days / stability).powf(curve.decay))
    }

    /// `card` after the learner rates it `rating` at `at_ms`.
    pub fn review(&self, card: &Schedule, rating: Rating, at_ms: i64) -> Reviewed {
        let memory = self.next_memory(card, rating, at_ms);
        Reviewed {
            schedule: self.rated(card, rating, at_ms, memory),
            retrievability_before: self.retrievability(card, at_ms),
        }
    }

    /// What each of Again, Hard, Good and Easy would make of `card` at `at_ms` (the crate's
    /// four next states computed once, not four reviews).
    pub fn preview(&self, card: &Schedule, at_ms: i64) -> [Schedule; 4] {
        let memories = self.next_memories(card, at_ms);
        Rating::ALL.map(|rating| {
            let memory = memories[usize::from(rating.number() - 1)];
            self.rated(card, rating, at_ms, memory)
        })
    }

    /// `card` rated `rating` at `at_ms`, its memory state now `memory`: the phase, step and due
    /// time py-fsrs's rules give.
    fn rated(&self, card: &Schedule, rating: Rating, at_ms: i64, memory: MemoryState) -> Schedule {
        let mut next = *card;
        next.stability = Some(memory.stability);
        next.difficulty = Some(memory.difficulty);
        next.reps = card.reps.saturating_add(1);
        next.last_review_ms = Some(at_ms);

        let (phase, step, wait) = match card.phase {
            Phase::Learning => self.stepped(
                Phase::Learning,
                &LEARNING_STEPS_MS,
                card.step.unwrap_or(0),
                rating,
                memory,
            ),
            Phase::Relearning => self.stepped(
                Phase::Relearning,
                &RELEARNING_STEPS_MS,
                card.step.unwrap_or(0),
                rating,
                memory,
            ),
            Phase::Review if rating == Rating::Again && !RELEARNING_STEPS_MS.is_empty() => {
                next.lapses = card.lapses.saturating_add(1);
                (
                    Phase::Relearning,
                    Some(0),
                    Wait::Minutes(RELEARNING_STEPS_MS[0]),
                )
            }
            Phase::Review => (
                Phase::Review,
                None,
                Wait::Days(self.interval_days(memory.stability)),
            ),
        };
        next.phase = phase;
        next.step = step;
        match wait {
            Wait::Minutes(ms) => {
                next.scheduled_days = 0;
                next.due_ms = at_ms.saturating_add(ms);
            }
            Wait::Days(days) => {
                next.scheduled_days = days;
                next.due_ms = at_ms.saturating_add(i64::from(days) * DAY_MS);
            }
        }
        next
    }

    /// The memory state after `rating`: the initial state for a card never reviewed, the
    /// short-term formula for a review on the same day (under 24 hours, or a clock that went
    /// back), the long-term one otherwise. One step of the crate's model (`memory_state` from
    /// the card's state), where `next_states` would compute all four ratings.
    fn next_memory(&self, card: &Schedule, rating: Rating, at_ms: i64) -> MemoryState {
        let (previous, days) = self.memory_before(card, at_ms);
        let review = FSRSReview {
            rating: u32::from(rating.number()),
            delta_t: days,
        };
        let item = FSRSItem {
            reviews: vec![review],
        };
        match self.fsrs.memory_state(item, previous) {
            Ok(memory) => memory,
            Err(_) => self.kept(previous, rating),
        }
    }

    /// The memory states after Again, Hard, Good and Easy (see `next_memory`): the crate's
    /// `next_states`, bit for bit, with what the four ratings share computed once (`steps`);
    /// previewing a 10,000-card deck in wasm made some 600,000 `powf`/`exp` calls through it.
    fn next_memories(&self, card: &Schedule, at_ms: i64) -> [MemoryState; 4] {
        let (previous, days) = self.memory_before(card, at_ms);
        match self.steps.next_states(previous, days) {
            Some(states) => states,
            None => Rating::ALL.map(|rating| self.kept(previous, rating)),
        }
    }

    /// The card's memory state before a review at `at_ms` (`None` if never reviewed) and the
    /// whole days since its last review (0 for a clock that went back).
    fn memory_before(&self, card: &Schedule, at_ms: i64) -> (Option<MemoryState>, u32) {
        let previous = match (card.stability, card.difficulty) {
            (Some(stability), Some(difficulty)) => Some(MemoryState {
                stability,
                difficulty,
            }),
            _ => None,
        };
        let days = card
            .last_review_ms
            .map_or(0, |last| whole_days(last, at_ms).max(0));
        (previous, u32::try_from(days).unwrap_or(u32::MAX))
    }

    /// The crate refuses only a state that is not finite, which valid weights never make; then
    /// the card keeps the state it had rather than being lost.
    fn kept(&self, previous: Option<MemoryState>, rating: Rating) -> MemoryState {
        previous.unwrap_or(MemoryState {
            stability: self.weights[usize::from(rating.number() - 1)],
            difficulty: 5.0,
        })
    }

    /// Phase, step and wait of a card in (re)learning `steps` at `step` after `rating`
    /// (py-fsrs's rules: Again back to the first step; Hard repeats the step, the first one
    /// waiting the average of the first two, or 1.5 times it when there is only one; Good
    /// moves on, graduating after the last; Easy graduates at once).
    fn stepped(
        &self,
        phase: Phase,
        steps: &[i64],
        step: u32,
        rating: Rating,
        memory: MemoryState,
    ) -> (Phase, Option<u32>, Wait) {
        let graduate = (
            Phase::Review,
            None,
            Wait::Days(self.interval_days(memory.stability)),
        );
        let index = step as usize;
        if steps.is_empty() || (index >= steps.len() && rating != Rating::Again) {
            return graduate;
        }
        match rating {
            Rating::Again => (phase, Some(0), Wait::Minutes(steps[0])),
            Rating::Hard => {
                let wait = match (index, steps.len()) {
                    (0, 1) => steps[0] * 3 / 2,
                    (0, _) => (steps[0] + steps[1]) / 2,
                    _ => steps[index],
                };
                (phase, Some(step), Wait::Minutes(wait))
            }
            Rating::Good if index + 1 >= steps.len() => graduate,
            Rating::Good => (phase, Some(step + 1), Wait::Minutes(steps[index + 1])),
            Rating::Easy => graduate,
        }
    }

    /// The interval in whole days for `stability` at the desired retention: rounded, at least 1,
    /// at most `MAXIMUM_INTERVAL_DAYS`.
    fn interval_days(&self, stability: f32) -> u32 {
        // The crate's `next_interval`, term for term, with its constants worked out once.
        let days = (stability / self.curve.interval_factor * self.curve.interval_term).round();
        if days.is_nan() {
            return 1;
        }
        (days as i64).clamp(1, i64::from(MAXIMUM_INTERVAL_DAYS)) as u32
    }
}

/// How long until the card is due again.
enum Wait {
    Minutes(i64),
    Days(u32),
}

/// Whole 24-hour periods from `from_ms` to `to_ms` (negative when the clock went back), as
/// Python's `timedelta.days` counts them (rounded down).
pub fn whole_days(from_ms: i64, to_ms: i64) -> i64 {
    (to_ms - from_ms).div_euclid(DAY_MS)
}

/// A new card's schedule after `reviews` (time, rating), each after the previous: what the card
/// is after every one of them. The card is made at `created_ms`.
pub fn replay(scheduler: &Scheduler, created_ms: i64, reviews: &[(i64, Rating)]) -> Vec<Reviewed> {
    let mut card = Schedule::new(created_ms);
    reviews
        .iter()
        .map(|&(at_ms, rating)| {
            let reviewed = scheduler.review(&card, rating, at_ms);
            card = reviewed.schedule;
            reviewed
        })
        .collect()
}

#[cfg(test)]
mod tests;
