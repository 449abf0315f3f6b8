//! FSRS-6's next memory states after Again, Hard, Good and Easy at once, for previewing a deck.
//!
//! This is the `fsrs` crate's `step` (6.6), term for term and in its order of operations, so every
//! state is the crate's to the bit (`tests::the_four_next_states_are_the_crates_to_the_bit`). What
//! the crate works out again for each rating, and each of the three formulas of a rating, is
//! worked out once per card here (the retrievability, `S^-w9`, `D^-w12`, `(S+1)^w13`, `S^-w19` and
//! two `exp` of it), and what depends on the weights only once per scheduler. In wasm every
//! `powf` and `exp` is a software routine: the crate's `next_states` makes about sixty of them per
//! card, this about seven.

use fsrs::MemoryState;

use super::WEIGHT_COUNT;

// The crate's bounds (`simulation.rs`, `parameter_initialization.rs`).
const S_MIN: f32 = 0.001;
const S_MAX: f32 = 36_500.0;
const D_MIN: f32 = 1.0;
const D_MAX: f32 = 10.0;
const INIT_S_MAX: f32 = 100.0;

/// The weights as `FSRS::new` keeps them: each clamped to the range the crate's parameter
/// clipper allows, with its default model (one relearning step, no short-term floor).
fn clipped(weights: &[f32; WEIGHT_COUNT]) -> [f32; WEIGHT_COUNT] {
    // With one relearning step the crate's ceiling for w17 and w18 is 2.
    let clamps: [(f32, f32); WEIGHT_COUNT] = [
        (S_MIN, INIT_S_MAX),
        (S_MIN, INIT_S_MAX),
        (S_MIN, INIT_S_MAX),
        (S_MIN, INIT_S_MAX),
        (D_MIN, D_MAX),
        (0.001, 4.0),
        (0.001, 4.0),
        (0.001, 0.75),
        (0.0, 4.5),
        (0.0, 0.8),
        (0.001, 3.5),
        (0.001, 5.0),
        (0.001, 0.25),
        (0.001, 0.9),
        (0.0, 4.0),
        (0.0, 1.0),
        (1.0, 6.0),
        (0.0, 2.0),
        (0.0, 2.0),
        (0.0, 0.8),
        (0.1, 0.8),
    ];
    let mut w = *weights;
    for (weight, (low, high)) in w.iter_mut().zip(clamps) {
        *weight = weight.clamp(low, high);
    }
    w
}

/// The four ratings as the crate's `f32`s, Again to Easy.
const RATINGS: [f32; 4] = [1.0, 2.0, 3.0, 4.0];

/// What the step depends on besides the card: the clipped weights and the terms made of them only.
#[derive(Debug, Clone, Copy)]
pub(super) struct Steps {
    w: [f32; WEIGHT_COUNT],
    /// The forgetting curve's exponent, `-w20`.
    decay: f32,
    /// `exp(ln 0.9 / decay) - 1`, as the crate's `power_forgetting_curve` computes it.
    factor: f32,
    /// `exp(w8)`.
    exp_w8: f32,
    /// `exp(w17 · w18)`: the most a lapse may keep of the stability is `S / this`.
    exp_w17_w18: f32,
    /// `exp(w17 · (rating - 3 + w18))` for each rating: the short-term formula's factor.
    short_term: [f32; 4],
    /// The initial difficulty of Easy, which difficulty reverts towards.
    init_difficulty_easy: f32,
    /// The state after a card's first review, for each rating.
    first: [MemoryState; 4],
}

/// The crate's `init_difficulty`.
fn init_difficulty(w: &[f32; WEIGHT_COUNT], rating: usize) -> f32 {
    w[4] - (w[5] * rating.saturating_sub(1) as f32).exp() + 1.0
}

impl Steps {
    pub(super) fn new(weights: &[f32; WEIGHT_COUNT]) -> Self {
        let w = clipped(weights);
        let decay = -w[20];
        Self {
            w,
            decay,
            factor: (0.9f32.ln() / decay).exp() - 1.0,
            exp_w8: w[8].exp(),
            exp_w17_w18: (w[17] * w[18]).exp(),
            short_term: RATINGS.map(|rating| (w[17] * (rating - 3.0 + w[18])).exp()),
            init_difficulty_easy: init_difficulty(&w, 4),
            first: [1, 2, 3, 4].map(|rating: usize| MemoryState {
                stability: w[rating - 1].clamp(S_MIN, S_MAX),
                difficulty: init_difficulty(&w, rating).clamp(D_MIN, D_MAX),
            }),
        }
    }

    /// The states after Again, Hard, Good and Easy, `days` whole days after the review that
    /// left `previous` (`None`: a card never reviewed). `None` when one is not finite (the crate
    /// then refuses them all).
    pub(super) fn next_states(
        &self,
        previous: Option<MemoryState>,
        days: u32,
    ) -> Option<[MemoryState; 4]> {
        let Some(state) = previous else {
            return Some(self.first);
        };
        let w = &self.w;
        let delta_t = days as f32;
        let last_s = state.stability.clamp(S_MIN, S_MAX);
        let last_d = state.difficulty.clamp(D_MIN, D_MAX);
        let r = (delta_t / last_s * self.factor + 1.0).powf(self.decay);
        // Success: S · (e^w8 · (11 - D) · S^-w9 · (e^((1-R)·w10) - 1) · hard · easy + 1).
        let success_base =
            self.exp_w8 * (11.0 - last_d) * last_s.powf(-w[9]) * (((1.0 - r) * w[10]).exp() - 1.0);
        // Failure: w11 · D^-w12 · ((S+1)^w13 - 1) · e^((1-R)·w14), at most S / e^(w17·w18).
        let failure = (w[11]
            * last_d.powf(-w[12])
            * ((last_s + 1.0).powf(w[13]) - 1.0)
            * ((1.0 - r) * w[14]).exp())
        .min(last_s / self.exp_w17_w18);
        let short_term_power = last_s.powf(-w[19]);
        let mut states = [state; 4];
        for (i, rating) in RATINGS.into_iter().enumerate() {
            let mut new_s = if delta_t == 0.0 {
                let sinc = self.short_term[i] * short_term_power;
                last_s * if rating >= 2.0 { sinc.max(1.0) } else { sinc }
            } else if rating == 1.0 {
                failure
            } else {
                let hard_penalty = if rating == 2.0 { w[15] } else { 1.0 };
                let easy_bonus = if rating == 4.0 { w[16] } else { 1.0 };
                last_s * (success_base * hard_penalty * easy_bonus + 1.0)
            };
            new_s = new_s.clamp(S_MIN, S_MAX);
            let delta_d = -w[6] * (rating - 3.0);
            let new_d = last_d + (10.0 - last_d) * delta_d / 9.0;
            let new_d = (w[7] * (self.init_difficulty_easy - new_d) + new_d).clamp(D_MIN, D_MAX);
            if !new_s.is_finite() || !new_d.is_finite() {
                return None;
            }
            states[i] = MemoryState {
                stability: new_s,
                difficulty: new_d,
            };
        }
        Some(states)
    }
}

#[cfg(test)]
mod tests {
    use fsrs::{DEFAULT_PARAMETERS, FSRS};
    use proptest::prelude::*;

    use super::*;

    fn crates(
        weights: &[f32; WEIGHT_COUNT],
        previous: Option<MemoryState>,
        days: u32,
    ) -> Option<[MemoryState; 4]> {
        let fsrs = FSRS::new(weights).ok()?;
        let next = fsrs.next_states(previous, 0.9, days).ok()?;
        Some([next.again, next.hard, next.good, next.easy].map(|s| s.memory))
    }

    fn bits(states: Option<[MemoryState; 4]>) -> Option<[(u32, u32); 4]> {
        states.map(|s| s.map(|m| (m.stability.to_bits(), m.difficulty.to_bits())))
    }

    #[test]
    fn the_default_weights_give_the_crates_states_on_a_grid() {
        let w = DEFAULT_PARAMETERS;
        let steps = Steps::new(&w);
        assert_eq!(bits(steps.next_states(None, 0)), bits(crates(&w, None, 0)));
        for stability in [0.0, 0.001, 0.3, 1.0, 2.5, 17.0, 365.0, 36_500.0, 90_000.0] {
            for difficulty in [0.0, 1.0, 3.3, 5.0, 9.9, 10.0, 12.0] {
                for days in [0, 1, 2, 7, 30, 400, 100_000] {
                    let previous = Some(MemoryState {
                        stability,
                        difficulty,
                    });
                    assert_eq!(
                        bits(steps.next_states(previous, days)),
                        bits(crates(&w, previous, days)),
                        "S {stability} D {difficulty} after {days} days"
                    );
                }
            }
        }
    }

    proptest! {
        #[test]
        fn the_four_next_states_are_the_crates_to_the_bit(
            // Weights around and beyond the clipper's ranges, so the clipping is checked too.
            scale in proptest::collection::vec(0.0f32..2.5, WEIGHT_COUNT),
            stability in 0.0f32..50_000.0,
            difficulty in 0.0f32..11.0,
            days in prop_oneof![Just(0u32), 1u32..40, 40u32..40_000],
            never_reviewed in proptest::bool::weighted(0.1),
        ) {
            let mut w = DEFAULT_PARAMETERS;
            for (weight, s) in w.iter_mut().zip(&scale) {
                *weight *= s;
            }
            let previous = (!never_reviewed).then_some(MemoryState { stability, difficulty });
            prop_assert_eq!(
                bits(Steps::new(&w).next_states(previous, days)),
                bits(crates(&w, previous, days))
            );
        }
    }
}
