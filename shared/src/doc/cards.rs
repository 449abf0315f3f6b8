//! Flashcards as a learner document says they are, derived from its events alone: which cards
//! exist, their text, whether they are suspended, and their schedule recomputed from the merged
//! review log in time order, so every device shows the same schedule. Also the cards made from a
//! quiz's wrong answers and from a lesson's key points. Pure; client and server both use it.

use std::collections::{BTreeMap, HashMap};

use super::event::{derived_card_id, CardSource, Event, EventKind, NewCard};
use crate::domain::LessonId;
use crate::quiz::{cloze_parts, ClozePart, Question, QuestionBody};
use crate::srs::{Params, Rating, Reviewed, Schedule, Scheduler};

/// How far past "now" a review may be dated and still count: a device's clock may run ahead a
/// little; a review from further in the future (a forged document) changes no schedule.
pub const FUTURE_TOLERANCE_MS: i64 = 24 * 3_600_000;

/// One card with its schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub id: String,
    pub front: String,
    pub back: String,
    pub source: CardSource,
    pub lesson_id: Option<LessonId>,
    /// Space-separated.
    pub tags: String,
    /// When it was made (the earliest `card_created` for its id).
    pub created_ms: i64,
    pub suspended: bool,
    /// Its state after every review in `reviews`.
    pub schedule: Schedule,
    /// Its reviews in time order, each with what it made of the card.
    pub reviews: Vec<CardReview>,
}

impl Card {
    /// Whether the card is in the review queue at `now_ms`.
    pub fn is_due(&self, now_ms: i64) -> bool {
        !self.suspended && self.schedule.is_due(now_ms)
    }
}

/// One review of a card.
#[derive(Debug, Clone, PartialEq)]
pub struct CardReview {
    /// The `card_reviewed` event's id.
    pub event_id: String,
    pub at_ms: i64,
    pub rating: Rating,
    pub duration_ms: u64,
    /// The recall probability just before, and the card after.
    pub outcome: Reviewed,
}

/// The parameters a learner's profile document asks for: the latest fitted weights and the latest
/// chosen retention (defaults where there are none).
pub fn params(profile_events: &[Event]) -> Params {
    let mut params = Params::default();
    for event in profile_events {
        match &event.kind {
            EventKind::SrsParameters(fitted) => params.weights.clone_from(&fitted.weights),
            EventKind::SrsRetention { desired_retention } => {
                params.desired_retention = *desired_retention;
            }
            _ => {}
        }
    }
    params
}

/// The scheduler for `params`, or the default one if they cannot schedule (a profile document
/// written by a newer peer with weights this build refuses still reviews).
pub fn scheduler(params: &Params) -> Scheduler {
    Scheduler::new(params).unwrap_or_default()
}

/// The cards of a document's `events` (ordered by `at` then `id`, as `LearnerDoc::events` gives
/// them), deleted ones left out, each scheduled by `scheduler`. Reviews dated more than
/// `FUTURE_TOLERANCE_MS` after `now_ms` are left out (see `future_reviews`).
pub fn cards(events: &[Event], scheduler: &Scheduler, now_ms: i64) -> Vec<Card> {
    let mut made: BTreeMap<&str, Card> = BTreeMap::new();
    for event in events {
        if let EventKind::CardCreated(new) = &event.kind {
            // The earliest creation of an id wins; the same card made on two devices is one.
            made.entry(new.card_id.as_str()).or_insert_with(|| {
                let created_ms = event.at_millis().unwrap_or(0);
                Card {
                    id: new.card_id.clone(),
                    front: new.front.clone(),
                    back: new.back.clone(),
                    source: new.source,
                    lesson_id: new.lesson_id.clone(),
                    tags: new.tags.clone(),
                    created_ms,
                    suspended: false,
                    schedule: Schedule::new(created_ms),
                    reviews: Vec::new(),
                }
            });
        }
    }
    let undone: std::collections::HashSet<&str> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::CardReviewUndone { review_id } => Some(review_id.as_str()),
            _ => None,
        })
        .collect();
    let mut deleted: Vec<&str> = Vec::new();
    let mut ratings: HashMap<&str, Vec<(i64, &Event, Rating, u64)>> = HashMap::new();
    for event in events {
        let at_ms = event.at_millis().unwrap_or(0);
        match &event.kind {
            EventKind::CardEdited {
                card_id,
                front,
                back,
                tags,
            } => {
                if let Some(card) = made.get_mut(card_id.as_str()) {
                    card.front.clone_from(front);
                    card.back.clone_from(back);
                    card.tags.clone_from(tags);
                }
            }
            EventKind::CardSuspended { card_id } => {
                if let Some(card) = made.get_mut(card_id.as_str()) {
                    card.suspended = true;
                }
            }
            EventKind::CardResumed { card_id } => {
                if let Some(card) = made.get_mut(card_id.as_str()) {
                    card.suspended = false;
                }
            }
            EventKind::CardDeleted { card_id } => deleted.push(card_id),
            EventKind::CardReviewed {
                card_id,
                rating,
                duration_ms,
            } if at_ms <= now_ms.saturating_add(FUTURE_TOLERANCE_MS)
                && !undone.contains(event.id.as_str()) =>
            {
                ratings
                    .entry(card_id)
                    .or_default()
                    .push((at_ms, event, *rating, *duration_ms));
            }
            _ => {}
        }
    }
    for id in deleted {
        made.remove(id);
    }
    made.into_values()
        .map(|mut card| {
            if let Some(mut log) = ratings.remove(card.id.as_str()) {
                log.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
                let mut schedule = card.schedule;
                for (at_ms, event, rating, duration_ms) in log {
                    let outcome = scheduler.review(&schedule, rating, at_ms);
                    schedule = outcome.schedule;
                    card.reviews.push(CardReview {
                        event_id: event.id.clone(),
                        at_ms,
                        rating,
                        duration_ms,
                        outcome,
                    });
                }
                card.schedule = schedule;
            }
            card
        })
        .collect()
}

/// The `card_reviewed` events dated more than `FUTURE_TOLERANCE_MS` after `now_ms`: they change
/// no schedule; the server logs them.
pub fn future_reviews(events: &[Event], now_ms: i64) -> Vec<&Event> {
    events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::CardReviewed { .. }))
        .filter(|e| e.at_millis().unwrap_or(0) > now_ms.saturating_add(FUTURE_TOLERANCE_MS))
        .collect()
}

/// The cards due at `now_ms`, most overdue first (learning steps, due within minutes, come in
/// their turn like the rest).
pub fn due_queue(cards: &[Card], now_ms: i64) -> Vec<&Card> {
    let mut due: Vec<&Card> = cards.iter().filter(|c| c.is_due(now_ms)).collect();
    due.sort_by(|a, b| (a.schedule.due_ms, &a.id).cmp(&(b.schedule.due_ms, &b.id)));
    due
}

/// Words a card made from a quiz needs, in the learner's language.
#[derive(Debug, Clone, Copy)]
pub struct CardWords<'a> {
    pub true_word: &'a str,
    pub false_word: &'a str,
    /// Asked after a true/false statement ("True or false?").
    pub true_or_false: &'a str,
}

/// The card for a question answered wrongly in `lesson_id`'s quiz: the question on the front,
/// the right answer and the explanation on the back. Its id is derived from the lesson and the
/// question, so getting the same question wrong again, on any device, makes no second card.
pub fn mistake_card(lesson_id: &LessonId, question: &Question, words: CardWords<'_>) -> NewCard {
    let (front, answer) = match &question.body {
        QuestionBody::SingleChoice { options, correct } => (
            with_options(&question.prompt, options),
            options.get(*correct as usize).cloned().unwrap_or_default(),
        ),
        QuestionBody::MultipleChoice { options, correct } => (
            with_options(&question.prompt, options),
            correct
                .iter()
                .filter_map(|i| options.get(*i as usize).cloned())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        QuestionBody::TrueFalse { correct } => (
            format!("{}\n\n{}", question.prompt, words.true_or_false),
            if *correct {
                words.true_word
            } else {
                words.false_word
            }
            .to_owned(),
        ),
        QuestionBody::ShortAnswer { accepted } => (
            question.prompt.clone(),
            accepted.first().cloned().unwrap_or_default(),
        ),
        QuestionBody::Cloze { text } => {
            let mut gapped = String::new();
            let mut answers = Vec::new();
            for part in cloze_parts(text) {
                match part {
                    ClozePart::Text(t) => gapped.push_str(&t),
                    ClozePart::Gap(accepted) => {
                        gapped.push_str("_____");
                        answers.push(accepted.first().cloned().unwrap_or_default());
                    }
                }
            }
            let front = if question.prompt.trim().is_empty() {
                gapped
            } else {
                format!("{}\n\n{gapped}", question.prompt)
            };
            (front, answers.join("; "))
        }
    };
    let back = if question.explanation.trim().is_empty() {
        answer
    } else {
        format!("{answer}\n\n{}", question.explanation)
    };
    NewCard {
        card_id: derived_card_id(&format!("mistake:{lesson_id}:{}", question.id)),
        front: clip(&front),
        back: clip(&back),
        source: CardSource::Mistake,
        lesson_id: Some(lesson_id.clone()),
        tags: String::new(),
    }
}

/// The card for one of a lesson's key points: the point with its longest word blanked on the
/// front, the whole point on the back. `None` when the point has no word of four letters or more
/// to ask for. Its id is derived from the lesson and the point's text.
pub fn key_point_card(lesson_id: &LessonId, key_point: &str) -> Option<NewCard> {
    let point = key_point.trim();
    let word = point
        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
        .filter(|w| w.chars().count() >= 4)
        .max_by_key(|w| w.chars().count())?;
    let start = point.find(word)?;
    let front = format!("{}_____{}", &point[..start], &point[start + word.len()..]);
    Some(NewCard {
        card_id: derived_card_id(&format!("key_point:{lesson_id}:{point}")),
        front: clip(&front),
        back: clip(point),
        source: CardSource::KeyPoint,
        lesson_id: Some(lesson_id.clone()),
        tags: String::new(),
    })
}

fn with_options(prompt: &str, options: &[String]) -> String {
    let mut text = prompt.to_owned();
    for option in options {
        text.push_str("\n• ");
        text.push_str(option);
    }
    text
}

/// A card side within the schema's limit (quiz text is far shorter; this only guards).
fn clip(text: &str) -> String {
    text.chars()
        .take(super::event::CARD_TEXT_MAX_CHARS)
        .collect()
}

#[cfg(test)]
mod tests;
