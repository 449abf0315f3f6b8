//! Review sequences as JSON lines: what `cargo xtask srs replay` reads and writes, and what the
//! py-fsrs fixture (`shared/tests/fixtures/`) holds. One line is one new card and its reviews;
//! the answer is the card after each of them, through `replay`, the code the client runs.
//! Never panics on a bad line: it answers with the line's id and what is wrong.

use serde::{Deserialize, Serialize};

use super::{replay, Params, Phase, Rating, Scheduler, DEFAULT_DESIRED_RETENTION};
use crate::doc::{millis_rfc3339, rfc3339_millis};

/// One input line: `{"id", "params"?: [21 floats], "desired_retention"?, "reviews": [{"t", "rating"}]}`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Sequence {
    pub id: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Vec<f32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_retention: Option<f32>,
    pub reviews: Vec<SequenceReview>,
}

/// One review of an input line: RFC 3339 time and rating 1 to 4.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct SequenceReview {
    pub t: String,
    pub rating: i64,
}

/// The card after one review, as a line of output shows it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ReviewResult {
    /// `learning`, `review` or `relearning` (py-fsrs's State 1, 2, 3).
    pub state: String,
    pub step: Option<u32>,
    pub stability: Option<f32>,
    pub difficulty: Option<f32>,
    /// RFC 3339 in UTC with milliseconds.
    pub due: String,
    pub scheduled_days: u32,
    pub retrievability_before: Option<f32>,
}

/// One output line: the results of every review, or why the line could not be replayed.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum SequenceOutcome {
    Replayed {
        id: serde_json::Value,
        results: Vec<ReviewResult>,
    },
    Refused {
        id: serde_json::Value,
        error: String,
    },
}

/// Replays one JSON line (a new card made at its first review) and answers with its outcome;
/// a line that is not JSON, or not a sequence, is refused with its id when it has one.
pub fn replay_line(line: &str) -> SequenceOutcome {
    let value: serde_json::Value = match serde_json::from_str(line) {
        Ok(value) => value,
        Err(e) => {
            return SequenceOutcome::Refused {
                id: serde_json::Value::Null,
                error: format!("not JSON: {e}"),
            }
        }
    };
    let id = value.get("id").cloned().unwrap_or(serde_json::Value::Null);
    let refuse = |error: String| SequenceOutcome::Refused {
        id: id.clone(),
        error,
    };
    let sequence: Sequence = match serde_json::from_value(value) {
        Ok(sequence) => sequence,
        Err(e) => return refuse(format!("not a review sequence: {e}")),
    };
    match replay_sequence(&sequence) {
        Ok(results) => SequenceOutcome::Replayed {
            id: sequence.id,
            results,
        },
        Err(error) => refuse(error),
    }
}

/// The card after each review of `sequence`, or what is wrong with it.
pub fn replay_sequence(sequence: &Sequence) -> Result<Vec<ReviewResult>, String> {
    let params = Params {
        weights: sequence.params.clone().unwrap_or_default(),
        desired_retention: sequence
            .desired_retention
            .unwrap_or(DEFAULT_DESIRED_RETENTION),
    };
    let scheduler = Scheduler::new(&params).map_err(|e| e.to_string())?;
    let reviews = sequence
        .reviews
        .iter()
        .enumerate()
        .map(|(i, review)| {
            let at_ms = rfc3339_millis(&review.t)
                .ok_or_else(|| format!("reviews[{i}].t {:?} is not an RFC 3339 time", review.t))?;
            let rating = u8::try_from(review.rating)
                .ok()
                .and_then(Rating::from_number)
                .ok_or_else(|| format!("reviews[{i}].rating {} is not 1 to 4", review.rating))?;
            Ok((at_ms, rating))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let Some(&(created_ms, _)) = reviews.first() else {
        return Ok(Vec::new());
    };
    Ok(replay(&scheduler, created_ms, &reviews)
        .into_iter()
        .map(|reviewed| {
            let card = reviewed.schedule;
            ReviewResult {
                state: match card.phase {
                    Phase::Learning => "learning",
                    Phase::Review => "review",
                    Phase::Relearning => "relearning",
                }
                .to_owned(),
                step: card.step,
                stability: card.stability,
                difficulty: card.difficulty,
                due: millis_rfc3339(card.due_ms),
                scheduled_days: card.scheduled_days,
                retrievability_before: reviewed.retrievability_before,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replayed(line: &str) -> Vec<ReviewResult> {
        match replay_line(line) {
            SequenceOutcome::Replayed { results, .. } => results,
            SequenceOutcome::Refused { error, .. } => panic!("refused {line}: {error}"),
        }
    }

    fn refusal(line: &str) -> (serde_json::Value, String) {
        match replay_line(line) {
            SequenceOutcome::Refused { id, error } => (id, error),
            SequenceOutcome::Replayed { .. } => panic!("replayed {line}"),
        }
    }

    #[test]
    fn a_new_card_rated_good_twice_graduates_with_py_fsrs_numbers() {
        let results = replayed(
            r#"{"id":"a","reviews":[{"t":"2026-01-01T10:00:00Z","rating":3},{"t":"2026-01-01T10:10:00.500Z","rating":3}]}"#,
        );
        assert_eq!(results.len(), 2);
        assert_eq!(results[0].state, "learning");
        assert_eq!(results[0].step, Some(1));
        assert_eq!(results[0].due, "2026-01-01T10:10:00.000Z");
        assert_eq!(results[0].retrievability_before, None);
        assert_eq!(results[1].state, "review");
        assert_eq!(results[1].step, None);
        assert_eq!(results[1].retrievability_before, Some(1.0));
        // py-fsrs 6.3.2 gives stability 2.3065 and difficulty 2.1181, then (the short-term
        // formula, which never lowers stability after Good) 2.3065 and 2.1112, due in 2 days.
        assert_eq!(results[0].stability, Some(2.3065));
        assert!(results[0]
            .difficulty
            .is_some_and(|d| (d - 2.118_104).abs() < 1e-5));
        assert_eq!(results[1].stability, Some(2.3065));
        assert!(results[1]
            .difficulty
            .is_some_and(|d| (d - 2.111_214).abs() < 1e-5));
        assert_eq!(results[1].scheduled_days, 2);
        assert_eq!(results[1].due, "2026-01-03T10:10:00.500Z");
    }

    #[test]
    fn bad_lines_are_refused_with_their_id_and_reason() {
        let table = [
            ("not json", serde_json::Value::Null, "not JSON"),
            (r#"{"id":7}"#, serde_json::json!(7), "not a review sequence"),
            (
                r#"{"id":"r","reviews":[{"t":"2026-01-01T10:00:00Z","rating":5}]}"#,
                serde_json::json!("r"),
                "reviews[0].rating 5 is not 1 to 4",
            ),
            (
                r#"{"id":"t","reviews":[{"t":"yesterday","rating":3}]}"#,
                serde_json::json!("t"),
                "reviews[0].t \"yesterday\" is not an RFC 3339 time",
            ),
            (
                r#"{"id":"p","params":[1,2,3],"reviews":[]}"#,
                serde_json::json!("p"),
                "invalid FSRS weights",
            ),
            (
                r#"{"id":"d","desired_retention":1.5,"reviews":[]}"#,
                serde_json::json!("d"),
                "desired retention",
            ),
        ];
        for (line, id, reason) in table {
            let (got_id, error) = refusal(line);
            assert_eq!(got_id, id, "{line}");
            assert!(error.contains(reason), "{line}: {error}");
        }
    }

    #[test]
    fn a_sequence_without_reviews_has_no_results() {
        assert_eq!(replayed(r#"{"id":"e","reviews":[]}"#), Vec::new());
    }
}
