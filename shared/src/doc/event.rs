//! One entry of a learner document: an append-only event with its own id, kind and time. Owns
//! the known kinds and their fields; reading a kind it does not know keeps it as `Unknown` so a
//! newer peer's events are carried along, never dropped.

use crate::domain::LessonId;
use crate::srs::Rating;

/// What happened, with the kind's own fields.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// The learner opened a lesson (`lesson_opened`, field `lesson_id`).
    LessonOpened { lesson_id: LessonId },
    /// The learner completed a lesson (`lesson_completed`, field `lesson_id`).
    LessonCompleted { lesson_id: LessonId },
    /// The learner finished an attempt at a lesson's quiz (`quiz_attempt`).
    QuizAttempt(QuizAttempt),
    /// A flashcard was made (`card_created`).
    CardCreated(NewCard),
    /// A card's text was changed (`card_edited`; fields `card_id`, `front`, `back`, `tags`).
    CardEdited {
        card_id: String,
        front: String,
        back: String,
        tags: String,
    },
    /// A card leaves the review queue until resumed (`card_suspended`, field `card_id`).
    CardSuspended { card_id: String },
    /// A suspended card returns to the queue (`card_resumed`, field `card_id`).
    CardResumed { card_id: String },
    /// A card is gone for good (`card_deleted`, field `card_id`).
    CardDeleted { card_id: String },
    /// The learner rated a card (`card_reviewed`; fields `card_id`, `rating` 1 to 4, `duration_ms`).
    CardReviewed {
        card_id: String,
        rating: Rating,
        duration_ms: u64,
    },
    /// The learner took back one of their ratings (`card_review_undone`, field `review_id`: the
    /// `card_reviewed` event's id); the card is scheduled as if it had never been given.
    CardReviewUndone { review_id: String },
    /// Personal FSRS parameters fitted by the server to the learner's reviews
    /// (`srs_parameters`, profile document).
    SrsParameters(FittedParameters),
    /// The retention the learner chose for their schedule (`srs_retention`, profile document;
    /// field `desired_retention`, 0.70 to 0.97).
    SrsRetention { desired_retention: f32 },
    /// The daily XP goal the learner chose (`daily_goal_set`, profile document; field `xp`:
    /// 10, 20 or 50). It applies from the day of its `at` on; the latest one wins.
    DailyGoalSet { xp: crate::rules::xp::DailyGoal },
    /// A kind this version does not know (written by a newer peer): kept, never interpreted.
    Unknown { kind: String },
}

/// One attempt at a lesson's quiz, as the device that took it recorded it. The server never
/// trusts `score_percent` or `passed`: it scores `answers` again against the version named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizAttempt {
    pub lesson_id: LessonId,
    /// The published version the questions came from (`QuizView::version`).
    pub quiz_version: u32,
    /// JSON text: an object from question id to `crate::quiz::Answer`. Kept as text, so an
    /// answer this build cannot read is carried along, never dropped; readers parse it.
    pub answers: String,
    /// The score the device computed, 0 to 100.
    pub score_percent: u8,
    /// Whether the device found it passing.
    pub passed: bool,
    /// How long the attempt took, in milliseconds.
    pub duration_ms: u64,
}

/// A new flashcard. Cards from course material live in that course's progress document, the
/// learner's own and imported cards in their profile document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCard {
    /// A UUID; cards made from the same thing on two devices get the same one (`derived_card_id`).
    pub card_id: String,
    /// The prompt side.
    pub front: String,
    /// The answer side.
    pub back: String,
    pub source: CardSource,
    /// The lesson the card comes from, if any.
    pub lesson_id: Option<LessonId>,
    /// Space-separated tags (may be empty).
    pub tags: String,
}

/// Where a card came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardSource {
    /// A wrong answer in a quiz.
    Mistake,
    /// A key point of a lesson's summary.
    KeyPoint,
    /// Written by the learner.
    Own,
    /// A deck the course's teacher attached.
    Deck,
    /// Imported from a file.
    Import,
}

impl CardSource {
    pub const ALL: [CardSource; 5] = [
        Self::Mistake,
        Self::KeyPoint,
        Self::Own,
        Self::Deck,
        Self::Import,
    ];

    /// Its name in the document.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mistake => "mistake",
            Self::KeyPoint => "key_point",
            Self::Own => "own",
            Self::Deck => "deck",
            Self::Import => "import",
        }
    }

    /// The source named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// Personal FSRS parameters and how much better they predict the learner's recall.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedParameters {
    /// The 21 FSRS-6 weights.
    pub weights: Vec<f32>,
    /// The log loss of the default parameters on the learner's reviews.
    pub log_loss_before: f64,
    /// The log loss of the fitted ones on the same reviews.
    pub log_loss_after: f64,
    /// How many reviews they were fitted to.
    pub review_count: u64,
}

/// The longest text of a card's side, in characters.
pub const CARD_TEXT_MAX_CHARS: usize = 10_000;
/// The longest `tags` field, in characters.
pub const CARD_TAGS_MAX_CHARS: usize = 500;

/// A card id derived from what the card is made of (`seed`, e.g. `mistake:{lesson}:{question}`):
/// the same on every device, so two devices making a card from the same wrong answer offline
/// make one card, not two. Shaped as a UUID (version 8, RFC 9562's custom version).
pub fn derived_card_id(seed: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(seed.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    uuid_text(&bytes)
}

impl QuizAttempt {
    /// The answers by question id; `None` if `answers` is not a JSON object of answers.
    pub fn parsed_answers(
        &self,
    ) -> Option<std::collections::BTreeMap<String, crate::quiz::Answer>> {
        serde_json::from_str(&self.answers).ok()
    }
}

/// How a known field's text must read. Every field is a string in the document (any Automerge
/// peer can write one); numbers and booleans are written in decimal and as `true`/`false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldRule {
    /// A lowercase hyphenated UUID, as the server writes ids.
    Id,
    /// A decimal integer from 1 to `u32::MAX`.
    Version,
    /// A decimal integer from 0 to 100.
    Percent,
    /// `true` or `false`.
    Flag,
    /// A decimal integer from 0 to `u64::MAX`.
    Millis,
    /// Any text (its readers judge it).
    Text,
    /// A lowercase UUID or empty.
    OptionalId,
    /// A card's side: 1 to `CARD_TEXT_MAX_CHARS` characters, not only spaces.
    CardText,
    /// Space-separated tags, at most `CARD_TAGS_MAX_CHARS` characters.
    Tags,
    /// A card's source name (`mistake`, `key_point`, `own`, `deck`, `import`).
    CardSource,
    /// A review's rating: `1`, `2`, `3` or `4`.
    Rating,
    /// 21 finite decimal numbers separated by commas.
    Weights,
    /// A finite decimal number from 0.
    Decimal,
    /// A desired retention, a decimal from 0.70 to 0.97.
    Retention,
    /// A daily XP goal: `10`, `20` or `50`.
    Goal,
}

impl FieldRule {
    /// Whether `text` reads as this rule asks.
    pub(crate) fn accepts(self, text: &str) -> bool {
        let digits =
            !text.is_empty() && text.len() <= 20 && text.bytes().all(|b| b.is_ascii_digit());
        match self {
            Self::Id => LessonId::parse(text).is_ok(),
            Self::Version => digits && text.parse::<u32>().is_ok_and(|v| v >= 1),
            Self::Percent => digits && text.parse::<u8>().is_ok_and(|v| v <= 100),
            Self::Flag => matches!(text, "true" | "false"),
            Self::Millis => digits && text.parse::<u64>().is_ok(),
            Self::Text => true,
            Self::OptionalId => text.is_empty() || LessonId::parse(text).is_ok(),
            Self::CardText => {
                !text.trim().is_empty() && text.chars().count() <= CARD_TEXT_MAX_CHARS
            }
            Self::Tags => text.chars().count() <= CARD_TAGS_MAX_CHARS,
            Self::CardSource => CardSource::parse(text).is_some(),
            Self::Rating => matches!(text, "1" | "2" | "3" | "4"),
            Self::Weights => parse_weights(text).is_some(),
            Self::Decimal => parse_decimal(text).is_some_and(|v| v >= 0.0),
            Self::Retention => parse_decimal(text)
                .is_some_and(|v| crate::srs::DESIRED_RETENTION_RANGE.contains(&(v as f32))),
            Self::Goal => crate::rules::xp::DailyGoal::parse(text).is_some(),
        }
    }

    /// What the rule asks, for a refusal's text.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Self::Id => "a lowercase UUID",
            Self::Version => "a whole number from 1",
            Self::Percent => "a whole number from 0 to 100",
            Self::Flag => "`true` or `false`",
            Self::Millis => "a whole number of milliseconds",
            Self::Text => "text",
            Self::OptionalId => "a lowercase UUID or empty",
            Self::CardText => "1 to 10,000 characters, not only spaces",
            Self::Tags => "at most 500 characters",
            Self::CardSource => "one of mistake, key_point, own, deck, import",
            Self::Rating => "1, 2, 3 or 4",
            Self::Weights => "21 finite numbers separated by commas",
            Self::Decimal => "a finite number from 0",
            Self::Retention => "a number from 0.70 to 0.97",
            Self::Goal => "10, 20 or 50",
        }
    }
}

/// A finite decimal number (`0.9`, `12`, `-1.5e-3`); `None` for anything else.
pub(crate) fn parse_decimal(text: &str) -> Option<f64> {
    if text.is_empty() || text.len() > 40 {
        return None;
    }
    let allowed = |b: u8| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E');
    if !text.bytes().all(allowed) {
        return None;
    }
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// 21 finite numbers separated by commas; `None` for anything else.
pub(crate) fn parse_weights(text: &str) -> Option<Vec<f32>> {
    let weights: Vec<f32> = text
        .split(',')
        .map(|part| parse_decimal(part.trim()).map(|v| v as f32))
        .collect::<Option<_>>()?;
    (weights.len() == crate::srs::WEIGHT_COUNT && weights.iter().all(|w| w.is_finite()))
        .then_some(weights)
}

/// The kinds this version knows, with the text fields each must carry and how each reads.
pub(crate) const KNOWN_KINDS: &[(&str, &[(&str, FieldRule)])] = &[
    (LESSON_OPENED, &[(LESSON_ID, FieldRule::Id)]),
    (LESSON_COMPLETED, &[(LESSON_ID, FieldRule::Id)]),
    (
        QUIZ_ATTEMPT,
        &[
            (LESSON_ID, FieldRule::Id),
            (QUIZ_VERSION, FieldRule::Version),
            (ANSWERS, FieldRule::Text),
            (SCORE_PERCENT, FieldRule::Percent),
            (PASSED, FieldRule::Flag),
            (DURATION_MS, FieldRule::Millis),
        ],
    ),
    (
        CARD_CREATED,
        &[
            (CARD_ID, FieldRule::Id),
            (FRONT, FieldRule::CardText),
            (BACK, FieldRule::CardText),
            (SOURCE, FieldRule::CardSource),
            (LESSON_ID, FieldRule::OptionalId),
            (TAGS, FieldRule::Tags),
        ],
    ),
    (
        CARD_EDITED,
        &[
            (CARD_ID, FieldRule::Id),
            (FRONT, FieldRule::CardText),
            (BACK, FieldRule::CardText),
            (TAGS, FieldRule::Tags),
        ],
    ),
    (CARD_SUSPENDED, &[(CARD_ID, FieldRule::Id)]),
    (CARD_RESUMED, &[(CARD_ID, FieldRule::Id)]),
    (CARD_DELETED, &[(CARD_ID, FieldRule::Id)]),
    (CARD_REVIEW_UNDONE, &[(REVIEW_ID, FieldRule::Id)]),
    (
        CARD_REVIEWED,
        &[
            (CARD_ID, FieldRule::Id),
            (RATING, FieldRule::Rating),
            (DURATION_MS, FieldRule::Millis),
        ],
    ),
    (
        SRS_PARAMETERS,
        &[
            (WEIGHTS, FieldRule::Weights),
            (LOG_LOSS_BEFORE, FieldRule::Decimal),
            (LOG_LOSS_AFTER, FieldRule::Decimal),
            (REVIEW_COUNT, FieldRule::Millis),
        ],
    ),
    (SRS_RETENTION, &[(DESIRED_RETENTION, FieldRule::Retention)]),
    (DAILY_GOAL_SET, &[(XP, FieldRule::Goal)]),
];

pub(crate) const LESSON_OPENED: &str = "lesson_opened";
pub(crate) const LESSON_COMPLETED: &str = "lesson_completed";
pub(crate) const QUIZ_ATTEMPT: &str = "quiz_attempt";
pub(crate) const LESSON_ID: &str = "lesson_id";
pub(crate) const QUIZ_VERSION: &str = "quiz_version";
pub(crate) const ANSWERS: &str = "answers";
pub(crate) const SCORE_PERCENT: &str = "score_percent";
pub(crate) const PASSED: &str = "passed";
pub(crate) const DURATION_MS: &str = "duration_ms";
pub(crate) const CARD_CREATED: &str = "card_created";
pub(crate) const CARD_EDITED: &str = "card_edited";
pub(crate) const CARD_SUSPENDED: &str = "card_suspended";
pub(crate) const CARD_RESUMED: &str = "card_resumed";
pub(crate) const CARD_DELETED: &str = "card_deleted";
pub(crate) const CARD_REVIEWED: &str = "card_reviewed";
pub(crate) const CARD_REVIEW_UNDONE: &str = "card_review_undone";
pub(crate) const REVIEW_ID: &str = "review_id";
pub(crate) const SRS_PARAMETERS: &str = "srs_parameters";
pub(crate) const SRS_RETENTION: &str = "srs_retention";
pub(crate) const CARD_ID: &str = "card_id";
pub(crate) const FRONT: &str = "front";
pub(crate) const BACK: &str = "back";
pub(crate) const SOURCE: &str = "source";
pub(crate) const TAGS: &str = "tags";
pub(crate) const RATING: &str = "rating";
pub(crate) const WEIGHTS: &str = "weights";
pub(crate) const LOG_LOSS_BEFORE: &str = "log_loss_before";
pub(crate) const LOG_LOSS_AFTER: &str = "log_loss_after";
pub(crate) const REVIEW_COUNT: &str = "review_count";
pub(crate) const DESIRED_RETENTION: &str = "desired_retention";
pub(crate) const DAILY_GOAL_SET: &str = "daily_goal_set";
pub(crate) const XP: &str = "xp";

impl EventKind {
    /// The kind's name as stored in the document's `kind` field.
    pub fn name(&self) -> &str {
        match self {
            Self::LessonOpened { .. } => LESSON_OPENED,
            Self::LessonCompleted { .. } => LESSON_COMPLETED,
            Self::QuizAttempt(_) => QUIZ_ATTEMPT,
            Self::CardCreated(_) => CARD_CREATED,
            Self::CardEdited { .. } => CARD_EDITED,
            Self::CardSuspended { .. } => CARD_SUSPENDED,
            Self::CardResumed { .. } => CARD_RESUMED,
            Self::CardDeleted { .. } => CARD_DELETED,
            Self::CardReviewed { .. } => CARD_REVIEWED,
            Self::CardReviewUndone { .. } => CARD_REVIEW_UNDONE,
            Self::SrsParameters(_) => SRS_PARAMETERS,
            Self::SrsRetention { .. } => SRS_RETENTION,
            Self::DailyGoalSet { .. } => DAILY_GOAL_SET,
            Self::Unknown { kind } => kind,
        }
    }

    /// The kind's own fields, as (name, text) pairs in the order they are written.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::LessonOpened { lesson_id } | Self::LessonCompleted { lesson_id } => {
                vec![(LESSON_ID, lesson_id.to_string())]
            }
            Self::QuizAttempt(attempt) => vec![
                (LESSON_ID, attempt.lesson_id.to_string()),
                (QUIZ_VERSION, attempt.quiz_version.to_string()),
                (ANSWERS, attempt.answers.clone()),
                (SCORE_PERCENT, attempt.score_percent.to_string()),
                (PASSED, attempt.passed.to_string()),
                (DURATION_MS, attempt.duration_ms.to_string()),
            ],
            Self::CardCreated(card) => vec![
                (CARD_ID, card.card_id.clone()),
                (FRONT, card.front.clone()),
                (BACK, card.back.clone()),
                (SOURCE, card.source.name().to_owned()),
                (
                    LESSON_ID,
                    card.lesson_id
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                ),
                (TAGS, card.tags.clone()),
            ],
            Self::CardEdited {
                card_id,
                front,
                back,
                tags,
            } => vec![
                (CARD_ID, card_id.clone()),
                (FRONT, front.clone()),
                (BACK, back.clone()),
                (TAGS, tags.clone()),
            ],
            Self::CardSuspended { card_id }
            | Self::CardResumed { card_id }
            | Self::CardDeleted { card_id } => vec![(CARD_ID, card_id.clone())],
            Self::CardReviewed {
                card_id,
                rating,
                duration_ms,
            } => vec![
                (CARD_ID, card_id.clone()),
                (RATING, rating.number().to_string()),
                (DURATION_MS, duration_ms.to_string()),
            ],
            Self::CardReviewUndone { review_id } => vec![(REVIEW_ID, review_id.clone())],
            Self::SrsParameters(fitted) => vec![
                (
                    WEIGHTS,
                    fitted
                        .weights
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                (LOG_LOSS_BEFORE, fitted.log_loss_before.to_string()),
                (LOG_LOSS_AFTER, fitted.log_loss_after.to_string()),
                (REVIEW_COUNT, fitted.review_count.to_string()),
            ],
            Self::SrsRetention { desired_retention } => {
                vec![(DESIRED_RETENTION, desired_retention.to_string())]
            }
            Self::DailyGoalSet { xp } => vec![(XP, xp.xp().to_string())],
            Self::Unknown { .. } => Vec::new(),
        }
    }

    /// Reads a known kind from its fields' texts (`field` answers a field's text, if present);
    /// `None` when a field is missing or does not read as its rule asks. Unknown names are kept
    /// as `Unknown`.
    pub(crate) fn read(name: &str, field: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let lesson = || LessonId::parse(&field(LESSON_ID)?).ok();
        let card_id = || {
            let text = field(CARD_ID)?;
            LessonId::parse(&text).ok().map(|_| text)
        };
        Some(match name {
            LESSON_OPENED => Self::LessonOpened {
                lesson_id: lesson()?,
            },
            LESSON_COMPLETED => Self::LessonCompleted {
                lesson_id: lesson()?,
            },
            QUIZ_ATTEMPT => Self::QuizAttempt(QuizAttempt {
                lesson_id: lesson()?,
                quiz_version: field(QUIZ_VERSION)?.parse().ok()?,
                answers: field(ANSWERS)?,
                score_percent: field(SCORE_PERCENT)?.parse().ok()?,
                passed: field(PASSED)?.parse().ok()?,
                duration_ms: field(DURATION_MS)?.parse().ok()?,
            }),
            CARD_CREATED => {
                let lesson_text = field(LESSON_ID)?;
                let lesson_id = if lesson_text.is_empty() {
                    None
                } else {
                    Some(LessonId::parse(&lesson_text).ok()?)
                };
                Self::CardCreated(NewCard {
                    card_id: card_id()?,
                    front: field(FRONT)?,
                    back: field(BACK)?,
                    source: CardSource::parse(&field(SOURCE)?)?,
                    lesson_id,
                    tags: field(TAGS)?,
                })
            }
            CARD_EDITED => Self::CardEdited {
                card_id: card_id()?,
                front: field(FRONT)?,
                back: field(BACK)?,
                tags: field(TAGS)?,
            },
            CARD_SUSPENDED => Self::CardSuspended {
                card_id: card_id()?,
            },
            CARD_RESUMED => Self::CardResumed {
                card_id: card_id()?,
            },
            CARD_DELETED => Self::CardDeleted {
                card_id: card_id()?,
            },
            CARD_REVIEWED => Self::CardReviewed {
                card_id: card_id()?,
                rating: Rating::from_number(field(RATING)?.parse().ok()?)?,
                duration_ms: field(DURATION_MS)?.parse().ok()?,
            },
            CARD_REVIEW_UNDONE => Self::CardReviewUndone {
                review_id: {
                    let text = field(REVIEW_ID)?;
                    LessonId::parse(&text).ok().map(|_| text)?
                },
            },
            SRS_PARAMETERS => Self::SrsParameters(FittedParameters {
                weights: parse_weights(&field(WEIGHTS)?)?,
                log_loss_before: parse_decimal(&field(LOG_LOSS_BEFORE)?)?,
                log_loss_after: parse_decimal(&field(LOG_LOSS_AFTER)?)?,
                review_count: field(REVIEW_COUNT)?.parse().ok()?,
            }),
            SRS_RETENTION => Self::SrsRetention {
                desired_retention: parse_decimal(&field(DESIRED_RETENTION)?)? as f32,
            },
            DAILY_GOAL_SET => Self::DailyGoalSet {
                xp: crate::rules::xp::DailyGoal::parse(&field(XP)?)?,
            },
            _ => Self::Unknown {
                kind: name.to_owned(),
            },
        })
    }
}

/// One event of a learner document.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// A UUID made by the device that recorded the event; the same event is never counted twice.
    pub id: String,
    /// When it happened, RFC 3339 (the device's clock; only orders derived state, never a merge).
    pub at: String,
    pub kind: EventKind,
}

impl Event {
    /// A new event with a fresh random id (UUID v4) at `at` (RFC 3339).
    pub fn new(kind: EventKind, at: impl Into<String>) -> Self {
        Self {
            id: new_event_id(),
            at: at.into(),
            kind,
        }
    }

    /// `at` as milliseconds since the Unix epoch (`None` if it is not RFC 3339, which a
    /// validated document never holds).
    pub fn at_millis(&self) -> Option<i64> {
        rfc3339_millis(&self.at)
    }

    /// `at` as milliseconds since the Unix epoch and the UTC offset written in it, in minutes,
    /// read in one pass (see [`rfc3339_parts`]).
    pub fn at_parts(&self) -> Option<(i64, i32)> {
        rfc3339_parts(&self.at)
    }
}

/// A random UUID (version 4) in lowercase hyphenated text. Falls back to a time-free counter of
/// zeroes only if the platform has no randomness at all, which browsers and servers always have.
pub fn new_event_id() -> String {
    let mut bytes = [0u8; 16];
    // A platform without randomness is not one we run on; the id would still be a valid UUID.
    let _ = getrandom::fill(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    uuid_text(&bytes)
}

/// Sixteen bytes as a lowercase hyphenated UUID.
fn uuid_text(bytes: &[u8; 16]) -> String {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Whether `text` is a UUID in hyphenated text, any version, either case (peers other than ours
/// may write uppercase).
pub fn is_uuid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Whether `text` may be an event kind: 1 to 64 of `a-z`, `0-9`, `_`, starting with a letter.
pub fn is_kind_name(text: &str) -> bool {
    let bytes = text.as_bytes();
    (1..=64).contains(&bytes.len())
        && bytes[0].is_ascii_lowercase()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
}

/// Reads an RFC 3339 date-time (`2026-11-30T08:15:00Z`, `...T08:15:00.123+03:00`) as
/// milliseconds since the Unix epoch; `None` for anything else. Seconds 60 (leap) are refused.
pub fn rfc3339_millis(text: &str) -> Option<i64> {
    rfc3339_parts(text).map(|(ms, _)| ms)
}

/// Reads an RFC 3339 date-time as milliseconds since the Unix epoch and the UTC offset written
/// in it, in minutes east of UTC (`Z` is 0); `None` for anything that is not RFC 3339. The
/// motivation rules read every event's time through this once, so it parses digits by hand
/// rather than through `str::parse` (a year of events is ~30,000 calls).
pub fn rfc3339_parts(text: &str) -> Option<(i64, i32)> {
    let b = text.as_bytes();
    if b.len() < 20 || b.len() > 40 {
        return None;
    }
    // Two ASCII digits at `i` (every index used is below 19, and `b` is at least 20 long).
    let two = |i: usize| -> Option<i64> {
        let (hi, lo) = (b[i].wrapping_sub(b'0'), b[i + 1].wrapping_sub(b'0'));
        (hi < 10 && lo < 10).then(|| i64::from(hi * 10 + lo))
    };
    let (year, month, day) = (two(0)? * 100 + two(2)?, two(5)?, two(8)?);
    if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (hour, minute, second) = (two(11)?, two(14)?, two(17)?);
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let mut rest = &b[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let digits = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        for (digit, scale) in fraction.iter().take(digits.min(3)).zip([100, 10, 1]) {
            millis += i64::from(digit - b'0') * scale;
        }
        rest = &fraction[digits..];
    }
    let offset_minutes = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digits = [*h1, *h2, *m1, *m2];
            if !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let hours = i64::from((h1 - b'0') * 10 + (h2 - b'0'));
            let minutes = i64::from((m1 - b'0') * 10 + (m2 - b'0'));
            if hours > 23 || minutes > 59 {
                return None;
            }
            let total = hours * 60 + minutes;
            if *sign == b'-' {
                -total
            } else {
                total
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    // |offset| <= 23:59, so it fits.
    Some((
        seconds * 1_000 + millis,
        i32::try_from(offset_minutes).ok()?,
    ))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Milliseconds since the Unix epoch as RFC 3339 in UTC with milliseconds and a `Z`
/// (`2026-11-30T08:15:00.000Z`, the wire format): the inverse of [`rfc3339_millis`] for years
/// 0 to 9999 (times outside them are clamped to its ends).
pub fn millis_rfc3339(ms: i64) -> String {
    // 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z.
    let ms = ms.clamp(-62_167_219_200_000, 253_402_300_799_999);
    let (days, in_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (year, month, day) = civil_from_days(days);
    let (hour, minute) = (in_day / 3_600_000, in_day / 60_000 % 60);
    let (second, millis) = (in_day / 1_000 % 60, in_day % 1_000);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{millis:03}Z")
}

/// The proleptic Gregorian date of a day number since 1970-01-01 (Howard Hinnant's algorithm,
/// the inverse of `days_from_civil`).
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_milliseconds_write_as_rfc3339_and_read_back() {
        let table = [
            (0, "1970-01-01T00:00:00.000Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (1_796_028_917_123, "2026-11-30T08:55:17.123Z"),
            (4_107_542_400_000, "2100-03-01T00:00:00.000Z"),
            (i64::MAX, "9999-12-31T23:59:59.999Z"),
        ];
        for (ms, text) in table {
            assert_eq!(millis_rfc3339(ms), text, "{ms}");
        }
        for ms in (0_i64..100_000).map(|i| -62_000_000_000_000 + i * 3_000_000_007) {
            assert_eq!(rfc3339_millis(&millis_rfc3339(ms)), Some(ms), "{ms}");
        }
    }

    #[test]
    fn rfc3339_times_read_as_epoch_milliseconds() {
        let table = [
            ("1970-01-01T00:00:00Z", Some(0)),
            ("2026-11-30T08:15:00Z", Some(1_796_026_500_000)),
            ("2026-11-30T11:15:00+03:00", Some(1_796_026_500_000)),
            ("2026-11-30T08:15:00.5Z", Some(1_796_026_500_500)),
            ("2026-11-30T08:15:00.123456789Z", Some(1_796_026_500_123)),
            ("2024-02-29T00:00:00Z", Some(1_709_164_800_000)),
            ("2023-02-29T00:00:00Z", None),
            ("2026-11-30 08:15:00Z", Some(1_796_026_500_000)),
            ("2026-11-30T08:15:00", None),
            ("2026-11-30T24:00:00Z", None),
            ("2026-11-30T08:15:60Z", None),
            ("2026-13-01T00:00:00Z", None),
            ("2026-11-30T08:15:00.Z", None),
            ("2026-11-30T08:15:00+3:00", None),
            ("yesterday", None),
            ("", None),
        ];
        for (text, expected) in table {
            assert_eq!(rfc3339_millis(text), expected, "{text}");
        }
    }

    #[test]
    fn rfc3339_parts_read_the_instant_and_the_offset_written() {
        let table = [
            ("2026-11-30T08:15:00Z", Some((1_796_026_500_000, 0))),
            (
                "2026-11-30T11:15:00.000+03:00",
                Some((1_796_026_500_000, 180)),
            ),
            ("2026-11-30T02:45:00-05:30", Some((1_796_026_500_000, -330))),
            (
                "2026-11-30T08:15:00+23:59",
                Some((1_795_940_160_000, 1_439)),
            ),
            ("2026-11-30T08:15:00+24:00", None),
            ("2026-11-30T08:15:00+0a:00", None),
            ("2026-1a-30T08:15:00Z", None),
            ("２０２６-11-30T08:15:00Z", None),
        ];
        for (text, expected) in table {
            assert_eq!(rfc3339_parts(text), expected, "{text}");
        }
    }

    #[test]
    fn new_event_ids_are_distinct_version_4_uuids() {
        let a = new_event_id();
        let b = new_event_id();
        assert_ne!(a, b);
        for id in [&a, &b] {
            assert!(is_uuid(id), "{id}");
            assert_eq!(&id[14..15], "4");
        }
    }

    #[test]
    fn kind_names_are_short_lowercase_words() {
        for ok in ["lesson_completed", "quiz_attempt2", "x"] {
            assert!(is_kind_name(ok), "{ok}");
        }
        for bad in ["", "Lesson", "_x", "1x", "a-b", &"a".repeat(65)] {
            assert!(!is_kind_name(bad), "{bad}");
        }
    }
}
