//! A course's flashcard deck (`/api/courses/{course}/deck`): cards the course's teacher writes, which
//! every enrolled learner's device copies into their progress document to review with their own
//! schedule.

/// The most cards a course's deck holds.
pub const MAX_DECK_CARDS: usize = 500;

/// One card of a course's deck.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeckCard {
    /// A UUID, kept while the card stays in the deck: a learner's copy is made once per id.
    pub id: String,
    /// The prompt side (plain text).
    pub front: String,
    /// The answer side (plain text).
    pub back: String,
}

/// `GET`/`PUT /api/courses/{course}/deck`: the deck in order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourseDeck {
    pub cards: Vec<DeckCard>,
}

/// One card of a `PUT .../deck` body: `id` of a card already in this course's deck to keep it (and
/// learners' copies of it), none for a new card.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeckCardInput {
    #[serde(default)]
    pub id: Option<String>,
    pub front: String,
    pub back: String,
}

/// `PUT /api/courses/{course}/deck` body: the whole deck, in order (replaces the one there).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeckInput {
    pub cards: Vec<DeckCardInput>,
}
