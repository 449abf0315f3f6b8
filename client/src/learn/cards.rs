//! The learner's flashcards on this device: read from every learner document it holds (course
//! cards in progress documents, the learner's own in the profile document), scheduled with the
//! parameters the profile document names, and changed only by appending events. Works offline;
//! never renders, never calls the server.

use std::collections::BTreeMap;

use shared::api::decks::CourseDeck;
use shared::api::quizzes::QuizView;
use shared::doc::cards::{self as derive, Card, CardWords};
use shared::doc::{derived_card_id, CardSource, Event, EventKind, FittedParameters, NewCard};
use shared::domain::{CourseId, DocId, LessonId, UserId};
use shared::quiz::Answer;
use shared::srs::stats::ReviewFact;
use shared::srs::{Params, Phase, Rating, Schedule, Scheduler, DESIRED_RETENTION_RANGE};

use super::{learner_database, now};
use crate::error::ClientError;
use crate::store::Store;
use crate::sync::documents;

/// A card and the document it lives in.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnerCard {
    pub doc: DocId,
    /// The course of a progress document's card; `None` for the learner's own cards.
    pub course: Option<CourseId>,
    pub card: Card,
}

/// Every card the learner has, and the scheduler they were scheduled with.
pub struct Deck {
    pub cards: Vec<LearnerCard>,
    pub scheduler: Scheduler,
    /// The parameters the profile document asks for (its latest fitted weights and chosen
    /// retention, defaults where there are none).
    pub params: Params,
    /// The latest parameters the server fitted to the learner's reviews, if any.
    pub fitted: Option<FittedParameters>,
}

impl Deck {
    /// The cards due at `now_ms`, most overdue first, of one course or of all.
    pub fn due(&self, now_ms: i64, course: Option<&CourseId>) -> Vec<&LearnerCard> {
        let mut due: Vec<&LearnerCard> = self
            .cards
            .iter()
            .filter(|c| c.card.is_due(now_ms))
            .filter(|c| course.is_none_or(|wanted| c.course.as_ref() == Some(wanted)))
            .collect();
        due.sort_by(|a, b| {
            (a.card.schedule.due_ms, &a.card.id).cmp(&(b.card.schedule.due_ms, &b.card.id))
        });
        due
    }

    /// How many cards are due at `now_ms`: in all, and per course.
    pub fn due_counts(&self, now_ms: i64) -> DueCounts {
        let mut counts = DueCounts::default();
        for card in self.cards.iter().filter(|c| c.card.is_due(now_ms)) {
            counts.total += 1;
            if let Some(course) = &card.course {
                *counts.by_course.entry(course.clone()).or_default() += 1;
            }
        }
        counts
    }

    /// Every review of every card, as the charts count them.
    pub fn review_facts(&self) -> Vec<ReviewFact> {
        self.cards
            .iter()
            .flat_map(|c| review_facts(&c.card))
            .collect()
    }

    /// What each rating would make of `card` at `now_ms` (for the buttons' intervals).
    pub fn preview(&self, card: &Card, now_ms: i64) -> [Schedule; 4] {
        self.scheduler.preview(&card.schedule, now_ms)
    }
}

/// A card's reviews as the charts count them: each with whether the card was in its review phase
/// before it (the first review of a card never is).
pub fn review_facts(card: &Card) -> Vec<ReviewFact> {
    let mut phase = Phase::Learning;
    card.reviews
        .iter()
        .map(|review| {
            let fact = ReviewFact {
                at_ms: review.at_ms,
                rating: review.rating.number(),
                review_phase: phase == Phase::Review,
            };
            phase = review.outcome.schedule.phase;
            fact
        })
        .collect()
}

/// Which cards the cards page lists, by where they come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SourceFilter {
    #[default]
    All,
    /// Made from a course (quiz mistakes, key points, decks): in progress documents.
    Course,
    /// The learner's own and imported cards: in the profile document.
    Own,
}

/// Which cards the cards page lists, by their state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StateFilter {
    #[default]
    All,
    /// Due now (suspended cards never are).
    Due,
    Suspended,
}

/// The cards page's search and filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardFilter {
    /// Words that must all appear (any case) in the front, back or tags.
    pub query: String,
    pub source: SourceFilter,
    pub state: StateFilter,
}

impl CardFilter {
    /// Whether `card` is listed at `now_ms`.
    pub fn matches(&self, card: &LearnerCard, now_ms: i64) -> bool {
        let source = match self.source {
            SourceFilter::All => true,
            SourceFilter::Course => card.course.is_some(),
            SourceFilter::Own => card.course.is_none(),
        };
        let state = match self.state {
            StateFilter::All => true,
            StateFilter::Due => card.card.is_due(now_ms),
            StateFilter::Suspended => card.card.suspended,
        };
        source && state && {
            let c = &card.card;
            let text = format!("{}\n{}\n{}", c.front, c.back, c.tags).to_lowercase();
            self.query
                .to_lowercase()
                .split_whitespace()
                .all(|word| text.contains(word))
        }
    }

    /// The cards of `deck` it lists at `now_ms`: due first (most overdue first), then by when
    /// they come due, suspended last.
    pub fn apply<'a>(&self, cards: &'a [LearnerCard], now_ms: i64) -> Vec<&'a LearnerCard> {
        let mut listed: Vec<&LearnerCard> =
            cards.iter().filter(|c| self.matches(c, now_ms)).collect();
        listed.sort_by(|a, b| {
            let key = |c: &LearnerCard| (c.card.suspended, c.card.schedule.due_ms);
            key(a).cmp(&key(b)).then_with(|| a.card.id.cmp(&b.card.id))
        });
        listed
    }
}

/// Cards due now, in all and per course.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DueCounts {
    pub total: usize,
    pub by_course: BTreeMap<CourseId, usize>,
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The learner's documents on this device: the profile first, then every progress document.
pub(super) async fn learner_docs(user: &UserId, store: &Store) -> Result<Vec<DocId>, ClientError> {
    let mut docs = vec![DocId::profile(user)];
    for (doc, _, _) in documents::summaries(store).await? {
        if doc.owner() == *user && !docs.contains(&doc) {
            docs.push(doc);
        }
    }
    Ok(docs)
}

/// Every card of the signed-in learner, on any device this one has synced with.
pub async fn deck() -> Result<Deck, ClientError> {
    let (user, store) = learner_database().await?;
    let profile = documents::events(&store, &DocId::profile(&user)).await?;
    let params = derive::params(&profile);
    let scheduler = derive::scheduler(&params);
    let fitted = profile.iter().rev().find_map(|e| match &e.kind {
        EventKind::SrsParameters(fitted) => Some(fitted.clone()),
        _ => None,
    });
    let now = now_ms();
    let mut cards = Vec::new();
    for doc in learner_docs(&user, &store).await? {
        let events = if doc == DocId::profile(&user) {
            profile.clone()
        } else {
            documents::events(&store, &doc).await?
        };
        let course = doc.course();
        cards.extend(
            derive::cards(&events, &scheduler, now)
                .into_iter()
                .map(|card| LearnerCard {
                    doc: doc.clone(),
                    course: course.clone(),
                    card,
                }),
        );
    }
    Ok(Deck {
        cards,
        scheduler,
        params,
        fitted,
    })
}

/// Cards due now, in all and per course.
pub async fn due_counts() -> Result<DueCounts, ClientError> {
    Ok(deck().await?.due_counts(now_ms()))
}

/// Records the learner's `rating` of `card_id` in `doc`; answers the review's event id (to undo
/// it with `undo_review`).
pub async fn review_card(
    doc: &DocId,
    card_id: &str,
    rating: Rating,
    duration_ms: u64,
) -> Result<String, ClientError> {
    let (_, store) = learner_database().await?;
    let event = Event::new(
        EventKind::CardReviewed {
            card_id: card_id.to_owned(),
            rating,
            duration_ms,
        },
        now(),
    );
    documents::append(&store, doc, &event).await?;
    Ok(event.id)
}

/// Takes back the review `review_id` of `doc`: the card is scheduled as if it was never given.
pub async fn undo_review(doc: &DocId, review_id: &str) -> Result<(), ClientError> {
    let (_, store) = learner_database().await?;
    let kind = EventKind::CardReviewUndone {
        review_id: review_id.to_owned(),
    };
    documents::append(&store, doc, &Event::new(kind, now())).await
}

/// Adds one of the learner's own cards (to their profile document); answers its id.
pub async fn add_card(front: &str, back: &str, tags: &str) -> Result<String, ClientError> {
    let (user, store) = learner_database().await?;
    let card = NewCard {
        card_id: shared::doc::new_event_id(),
        front: front.trim().to_owned(),
        back: back.trim().to_owned(),
        source: CardSource::Own,
        lesson_id: None,
        tags: tags.trim().to_owned(),
    };
    let id = card.card_id.clone();
    let event = Event::new(EventKind::CardCreated(card), now());
    documents::append(&store, &DocId::profile(&user), &event).await?;
    Ok(id)
}

/// Changes a card's text.
pub async fn edit_card(
    doc: &DocId,
    card_id: &str,
    front: &str,
    back: &str,
    tags: &str,
) -> Result<(), ClientError> {
    let (_, store) = learner_database().await?;
    let kind = EventKind::CardEdited {
        card_id: card_id.to_owned(),
        front: front.trim().to_owned(),
        back: back.trim().to_owned(),
        tags: tags.trim().to_owned(),
    };
    documents::append(&store, doc, &Event::new(kind, now())).await
}

/// Takes a card out of the review queue (`suspended`) or puts it back.
pub async fn suspend_card(doc: &DocId, card_id: &str, suspended: bool) -> Result<(), ClientError> {
    let (_, store) = learner_database().await?;
    let card_id = card_id.to_owned();
    let kind = if suspended {
        EventKind::CardSuspended { card_id }
    } else {
        EventKind::CardResumed { card_id }
    };
    documents::append(&store, doc, &Event::new(kind, now())).await
}

/// Deletes a card for good (its review log stays in the document's history).
pub async fn delete_card(doc: &DocId, card_id: &str) -> Result<(), ClientError> {
    let (_, store) = learner_database().await?;
    let kind = EventKind::CardDeleted {
        card_id: card_id.to_owned(),
    };
    documents::append(&store, doc, &Event::new(kind, now())).await
}

/// A desired retention as the learner types it, in percent (70 to 97, a `%` and a decimal comma
/// allowed), as a probability; `None` for anything else.
pub fn retention_from_percent(text: &str) -> Option<f32> {
    let percent: f32 = text
        .trim()
        .trim_end_matches('%')
        .trim()
        .replace(',', ".")
        .parse()
        .ok()?;
    let retention = (percent * 10.0).round() / 1000.0;
    DESIRED_RETENTION_RANGE
        .contains(&retention)
        .then_some(retention)
}

/// Sets the retention the learner's schedule aims at (0.70 to 0.97).
pub async fn set_desired_retention(desired_retention: f32) -> Result<(), ClientError> {
    let (user, store) = learner_database().await?;
    let kind = EventKind::SrsRetention { desired_retention };
    documents::append(&store, &DocId::profile(&user), &Event::new(kind, now())).await
}

/// Appends `new` cards to `doc`, skipping those whose id the document already has (a card made
/// from the same thing before, here or on another device); answers how many were added.
async fn add_missing(store: &Store, doc: &DocId, new: Vec<NewCard>) -> Result<usize, ClientError> {
    let events = documents::events(store, doc).await?;
    let mut added = 0;
    for card in new {
        let exists = events
            .iter()
            .any(|e| matches!(&e.kind, EventKind::CardCreated(c) if c.card_id == card.card_id));
        if exists {
            continue;
        }
        documents::append(store, doc, &Event::new(EventKind::CardCreated(card), now())).await?;
        added += 1;
    }
    Ok(added)
}

/// Makes a card of every question of `quiz` that `answers` got wrong (or left unanswered), in
/// the course's progress document; answers how many new cards were made.
pub async fn add_mistake_cards(
    course_id: &CourseId,
    lesson_id: &LessonId,
    quiz: &QuizView,
    answers: &BTreeMap<String, Answer>,
    words: CardWords<'_>,
) -> Result<usize, ClientError> {
    let (user, store) = learner_database().await?;
    let wrong: Vec<NewCard> = quiz
        .questions
        .iter()
        .filter(|q| {
            answers
                .get(&q.id)
                .is_none_or(|a| !shared::quiz::is_correct(&q.body, a))
        })
        .map(|q| derive::mistake_card(lesson_id, q, words))
        .collect();
    add_missing(&store, &DocId::progress(&user, course_id), wrong).await
}

/// Copies the cards of `course_id`'s teacher deck the learner does not have yet into the
/// course's progress document (once per deck card, on any device); answers how many were added.
pub async fn add_deck_cards(course_id: &CourseId, deck: &CourseDeck) -> Result<usize, ClientError> {
    let (user, store) = learner_database().await?;
    let cards = deck
        .cards
        .iter()
        .filter(|card| !card.front.trim().is_empty() && !card.back.trim().is_empty())
        .map(|card| NewCard {
            card_id: derived_card_id(&format!("deck:{course_id}:{}", card.id)),
            front: card.front.clone(),
            back: card.back.clone(),
            source: CardSource::Deck,
            lesson_id: None,
            tags: String::new(),
        })
        .collect();
    add_missing(&store, &DocId::progress(&user, course_id), cards).await
}

/// Makes a card of each of a lesson's key points, in the course's progress document; answers
/// how many new cards were made.
pub async fn add_key_point_cards(
    course_id: &CourseId,
    lesson_id: &LessonId,
    key_points: &[String],
) -> Result<usize, ClientError> {
    let (user, store) = learner_database().await?;
    let cards: Vec<NewCard> = key_points
        .iter()
        .filter_map(|point| derive::key_point_card(lesson_id, point))
        .collect();
    add_missing(&store, &DocId::progress(&user, course_id), cards).await
}
