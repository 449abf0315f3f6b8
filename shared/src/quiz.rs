//! Quiz questions and the rules that check an answer and score an attempt. Pure functions used by
//! the client (checking on the device, offline), the server (recomputing a synced attempt's score
//! against the quiz version it was taken on) and the AI service (drafts must parse as these types).
//!
//! Never does I/O. Quizzes are for learning, not exams: a question carries its answer.

use unicode_normalization::UnicodeNormalization;

/// The pass mark a quiz has unless its teacher sets another, in percent.
pub const DEFAULT_PASS_MARK: u8 = 70;

/// One quiz question: what is asked, how it is answered, and why the answer is right.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Question {
    /// A UUID, stable across versions of the quiz, so statistics follow the question.
    pub id: String,
    /// The question as the learner reads it (plain text). For a cloze, the instruction (may be
    /// empty); the text with gaps is in the body.
    pub prompt: String,
    #[serde(flatten)]
    pub body: QuestionBody,
    /// Shown after answering, right or wrong (plain text).
    pub explanation: String,
}

/// How a question is answered, with its correct answer. On the wire, `kind` names the variant.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuestionBody {
    /// Exactly one of `options` is right: the one at index `correct`.
    SingleChoice { options: Vec<String>, correct: u32 },
    /// Every option at an index in `correct` must be chosen, and no other.
    MultipleChoice {
        options: Vec<String>,
        correct: Vec<u32>,
    },
    /// A statement (the prompt) that is true or false.
    TrueFalse { correct: bool },
    /// Typed text, right when it matches one of `accepted` after `normalize_answer`.
    ShortAnswer { accepted: Vec<String> },
    /// Text with one or more gaps written `{{answer}}` or `{{answer|alternative|...}}`; each gap
    /// is matched like a short answer.
    Cloze { text: String },
}

impl QuestionBody {
    /// The kind's wire name (`single_choice`, ...).
    pub fn kind(&self) -> QuestionKind {
        match self {
            Self::SingleChoice { .. } => QuestionKind::SingleChoice,
            Self::MultipleChoice { .. } => QuestionKind::MultipleChoice,
            Self::TrueFalse { .. } => QuestionKind::TrueFalse,
            Self::ShortAnswer { .. } => QuestionKind::ShortAnswer,
            Self::Cloze { .. } => QuestionKind::Cloze,
        }
    }
}

crate::stored_codes! {
    /// The five kinds of question.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum QuestionKind {
        SingleChoice = "single_choice",
        MultipleChoice = "multiple_choice",
        TrueFalse = "true_false",
        ShortAnswer = "short_answer",
        Cloze = "cloze",
    }
}

/// A learner's answer to one question. On the wire, untagged: a number, a list of numbers, a
/// boolean, a string, or a list of strings (one per gap).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Answer {
    Choice(u32),
    Choices(Vec<u32>),
    Bool(bool),
    Text(String),
    Gaps(Vec<String>),
}

/// A part of a cloze text: plain text, or a gap with its accepted answers (the first is the one
/// shown as "the" answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClozePart {
    Text(String),
    Gap(Vec<String>),
}

/// Why a question cannot be used as written. `Display` says what to fix in English (the server's
/// 422 messages); the editor shows its own words for each, in the learner's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidQuestion {
    /// The prompt or the explanation is longer than [`MAX_TEXT_CHARS`].
    TextTooLong,
    /// A question that is not a cloze has no prompt.
    NoPrompt,
    /// A single choice's correct option is not one of the options.
    CorrectNotAnOption,
    /// A multiple choice marks no option correct.
    NoCorrectOption,
    /// A multiple choice marks an option correct that is not one of the options.
    CorrectOutOfRange,
    /// A short answer accepts no (non-empty) answer.
    NoAcceptedAnswer,
    /// An accepted answer is longer than [`MAX_TEXT_CHARS`].
    AcceptedTooLong,
    /// The cloze text is longer than [`MAX_TEXT_CHARS`].
    ClozeTooLong,
    /// The cloze text marks no gap.
    NoGap,
    /// Fewer than 2 or more than [`MAX_OPTIONS`] options.
    OptionCount,
    /// An option is empty.
    EmptyOption,
    /// An option is longer than [`MAX_TEXT_CHARS`].
    OptionTooLong,
    /// Two options say the same (after normalising).
    SameOptions,
}

impl std::fmt::Display for InvalidQuestion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::TextTooLong => "a question's text is longer than 2,000 characters",
            Self::NoPrompt => "the question needs a prompt",
            Self::CorrectNotAnOption => "the correct option is not one of the options",
            Self::NoCorrectOption => "choose at least one correct option",
            Self::CorrectOutOfRange => "a correct option is not one of the options",
            Self::NoAcceptedAnswer => "give at least one accepted answer",
            Self::AcceptedTooLong => "an accepted answer is longer than 2,000 characters",
            Self::ClozeTooLong => "the cloze text is longer than 2,000 characters",
            Self::NoGap => "mark at least one gap as {{answer}}",
            Self::OptionCount => "give 2 to 8 options",
            Self::EmptyOption => "an option is empty",
            Self::OptionTooLong => "an option is longer than 2,000 characters",
            Self::SameOptions => "two options say the same",
        })
    }
}

impl std::error::Error for InvalidQuestion {}

/// Limits every question keeps (the server refuses a question past them; AI drafts too).
pub const MAX_OPTIONS: usize = 8;
/// Longest prompt, option, accepted answer, cloze text or explanation, in characters.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// Most questions in one lesson's quiz.
pub const MAX_QUESTIONS: usize = 50;

/// Splits a cloze text into plain parts and gaps. A gap is the text between a `}}` and the
/// nearest `{{` before it; braces that close nothing, and empty gaps, stay plain text.
pub fn cloze_parts(text: &str) -> Vec<ClozePart> {
    let mut parts: Vec<ClozePart> = Vec::new();
    let push_text = |parts: &mut Vec<ClozePart>, piece: &str| {
        if piece.is_empty() {
            return;
        }
        match parts.last_mut() {
            Some(ClozePart::Text(previous)) => previous.push_str(piece),
            _ => parts.push(ClozePart::Text(piece.to_owned())),
        }
    };
    let mut rest = text;
    while let Some(close) = rest.find("}}") {
        let Some(open) = rest[..close].rfind("{{") else {
            push_text(&mut parts, &rest[..close + 2]);
            rest = &rest[close + 2..];
            continue;
        };
        push_text(&mut parts, &rest[..open]);
        let accepted: Vec<String> = rest[open + 2..close]
            .split('|')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect();
        if accepted.is_empty() {
            push_text(&mut parts, &rest[open..close + 2]);
        } else {
            parts.push(ClozePart::Gap(accepted));
        }
        rest = &rest[close + 2..];
    }
    push_text(&mut parts, rest);
    parts
}

/// The accepted answers of each gap of a cloze text, in order.
pub fn cloze_gaps(text: &str) -> Vec<Vec<String>> {
    cloze_parts(text)
        .into_iter()
        .filter_map(|part| match part {
            ClozePart::Gap(accepted) => Some(accepted),
            ClozePart::Text(_) => None,
        })
        .collect()
}

/// A typed answer as it is compared: Unicode NFKC, lowercase, `ё` as `е`, runs of white space as
/// one space, no space or sentence punctuation (`.`, `!`, `?`, `;`, `,`) at either end.
pub fn normalize_answer(text: &str) -> String {
    let folded: String = text
        .nfkc()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect();
    let spaced = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    spaced
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, '.' | '!' | '?' | ';' | ','))
        .to_owned()
}

fn text_matches(given: &str, accepted: &[String]) -> bool {
    let given = normalize_answer(given);
    !given.is_empty() && accepted.iter().any(|a| normalize_answer(a) == given)
}

/// Whether `answer` answers `question` correctly. An answer of the wrong shape is wrong.
pub fn is_correct(question: &QuestionBody, answer: &Answer) -> bool {
    match (question, answer) {
        (QuestionBody::SingleChoice { correct, .. }, Answer::Choice(chosen)) => chosen == correct,
        // One chosen option of a single-choice question may arrive as a one-element list.
        (QuestionBody::SingleChoice { correct, .. }, Answer::Choices(chosen)) => {
            chosen.as_slice() == [*correct]
        }
        (QuestionBody::MultipleChoice { correct, .. }, Answer::Choices(chosen)) => {
            let mut chosen = chosen.clone();
            chosen.sort_unstable();
            chosen.dedup();
            let mut correct = correct.clone();
            correct.sort_unstable();
            correct.dedup();
            chosen == correct
        }
        (QuestionBody::MultipleChoice { correct, .. }, Answer::Choice(chosen)) => {
            correct.as_slice() == [*chosen]
        }
        (QuestionBody::TrueFalse { correct }, Answer::Bool(given)) => given == correct,
        (QuestionBody::ShortAnswer { accepted }, Answer::Text(given)) => {
            text_matches(given, accepted)
        }
        (QuestionBody::Cloze { text }, Answer::Gaps(given)) => {
            let gaps = cloze_gaps(text);
            !gaps.is_empty()
                && gaps.len() == given.len()
                && gaps
                    .iter()
                    .zip(given)
                    .all(|(accepted, given)| text_matches(given, accepted))
        }
        // A cloze with a single gap may be answered with plain text.
        (QuestionBody::Cloze { text }, Answer::Text(given)) => {
            let gaps = cloze_gaps(text);
            gaps.len() == 1 && text_matches(given, &gaps[0])
        }
        _ => false,
    }
}

/// The result of one attempt at a quiz.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Score {
    pub correct: u32,
    pub total: u32,
    /// `correct / total` in whole percent, rounded down (0 for an empty quiz).
    pub percent: u8,
    /// Whether `percent` reaches the pass mark.
    pub passed: bool,
}

/// Scores `answers` (by question id) against `questions`: an unanswered question is wrong.
pub fn score<'a>(
    questions: &[Question],
    answers: impl Fn(&str) -> Option<&'a Answer>,
    pass_mark: u8,
) -> Score {
    let total = questions.len() as u32;
    let correct = questions
        .iter()
        .filter(|q| answers(&q.id).is_some_and(|a| is_correct(&q.body, a)))
        .count() as u32;
    let percent = if total == 0 {
        0
    } else {
        (u64::from(correct) * 100 / u64::from(total)) as u8
    };
    Score {
        correct,
        total,
        percent,
        passed: total > 0 && percent >= pass_mark,
    }
}

/// Checks that a question can be answered as written: texts within limits and not empty where
/// they must not be, options distinct, correct indexes in range, a cloze with at least one gap.
pub fn validate_question(question: &Question) -> Result<(), InvalidQuestion> {
    use InvalidQuestion as Invalid;
    let too_long = |text: &str| text.chars().count() > MAX_TEXT_CHARS;
    if too_long(&question.prompt) || too_long(&question.explanation) {
        return Err(Invalid::TextTooLong);
    }
    let needs_prompt = !matches!(question.body, QuestionBody::Cloze { .. });
    if needs_prompt && question.prompt.trim().is_empty() {
        return Err(Invalid::NoPrompt);
    }
    match &question.body {
        QuestionBody::SingleChoice { options, correct } => {
            check_options(options)?;
            if *correct as usize >= options.len() {
                return Err(Invalid::CorrectNotAnOption);
            }
        }
        QuestionBody::MultipleChoice { options, correct } => {
            check_options(options)?;
            if correct.is_empty() {
                return Err(Invalid::NoCorrectOption);
            }
            if correct.iter().any(|c| *c as usize >= options.len()) {
                return Err(Invalid::CorrectOutOfRange);
            }
        }
        QuestionBody::TrueFalse { .. } => {}
        QuestionBody::ShortAnswer { accepted } => {
            if accepted.iter().all(|a| normalize_answer(a).is_empty()) {
                return Err(Invalid::NoAcceptedAnswer);
            }
            if accepted.iter().any(|a| too_long(a)) {
                return Err(Invalid::AcceptedTooLong);
            }
        }
        QuestionBody::Cloze { text } => {
            if too_long(text) {
                return Err(Invalid::ClozeTooLong);
            }
            if cloze_gaps(text).is_empty() {
                return Err(Invalid::NoGap);
            }
        }
    }
    Ok(())
}

fn check_options(options: &[String]) -> Result<(), InvalidQuestion> {
    if options.len() < 2 || options.len() > MAX_OPTIONS {
        return Err(InvalidQuestion::OptionCount);
    }
    let mut seen = std::collections::HashSet::new();
    for option in options {
        let normal = normalize_answer(option);
        if normal.is_empty() {
            return Err(InvalidQuestion::EmptyOption);
        }
        if option.chars().count() > MAX_TEXT_CHARS {
            return Err(InvalidQuestion::OptionTooLong);
        }
        if !seen.insert(normal) {
            return Err(InvalidQuestion::SameOptions);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(body: QuestionBody) -> Question {
        Question {
            id: "0190a6f2-0000-7000-8000-000000000001".into(),
            prompt: "Which?".into(),
            body,
            explanation: "Because.".into(),
        }
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn answers_are_normalized_before_comparing() {
        let table = [
            ("  Paris  ", "paris"),
            ("New   York\t City", "new york city"),
            ("Ёлка", "елка"),
            ("ЁЖИК.", "ежик"),
            ("ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
            ("e\u{301}te", "\u{e9}te"),
            ("ﬁne", "fine"),
            ("What?!", "what"),
            ("...", ""),
            ("Straße", "straße"),
        ];
        for (given, expected) in table {
            assert_eq!(normalize_answer(given), expected, "{given:?}");
        }
    }

    #[test]
    fn every_kind_checks_its_answers() {
        let single = QuestionBody::SingleChoice {
            options: strings(&["a", "b", "c"]),
            correct: 1,
        };
        let multiple = QuestionBody::MultipleChoice {
            options: strings(&["a", "b", "c"]),
            correct: vec![0, 2],
        };
        let truth = QuestionBody::TrueFalse { correct: false };
        let short = QuestionBody::ShortAnswer {
            accepted: strings(&["Москва", "г. Москва"]),
        };
        let cloze = QuestionBody::Cloze {
            text: "The {{borrow checker|borrowck}} enforces {{ownership}} rules.".into(),
        };
        let one_gap = QuestionBody::Cloze {
            text: "Ёж — это {{ёжик}}".into(),
        };
        let table: Vec<(&QuestionBody, Answer, bool)> = vec![
            (&single, Answer::Choice(1), true),
            (&single, Answer::Choice(0), false),
            (&single, Answer::Choice(9), false),
            (&single, Answer::Choices(vec![1]), true),
            (&single, Answer::Choices(vec![1, 0]), false),
            (&single, Answer::Text("b".into()), false),
            (&multiple, Answer::Choices(vec![2, 0]), true),
            (&multiple, Answer::Choices(vec![0, 2, 2]), true),
            (&multiple, Answer::Choices(vec![0]), false),
            (&multiple, Answer::Choices(vec![0, 1, 2]), false),
            (&multiple, Answer::Choices(vec![]), false),
            (&multiple, Answer::Choice(0), false),
            (&truth, Answer::Bool(false), true),
            (&truth, Answer::Bool(true), false),
            (&truth, Answer::Choice(0), false),
            (&short, Answer::Text("  москва ".into()), true),
            (&short, Answer::Text("Г. МОСКВА".into()), true),
            (&short, Answer::Text("Moscow".into()), false),
            (&short, Answer::Text("".into()), false),
            (
                &cloze,
                Answer::Gaps(strings(&["BorrowCK", "Ownership."])),
                true,
            ),
            (
                &cloze,
                Answer::Gaps(strings(&["borrow checker", "lifetimes"])),
                false,
            ),
            (&cloze, Answer::Gaps(strings(&["borrow checker"])), false),
            (&cloze, Answer::Text("borrow checker".into()), false),
            (&one_gap, Answer::Text("ежик".into()), true),
            (&one_gap, Answer::Gaps(strings(&["ЁЖИК"])), true),
        ];
        for (question, answer, expected) in table {
            assert_eq!(
                is_correct(question, &answer),
                expected,
                "{question:?} {answer:?}"
            );
        }
    }

    #[test]
    fn cloze_text_splits_into_text_and_gaps() {
        assert_eq!(
            cloze_parts("A {{b|B2}} c {{ d }}"),
            vec![
                ClozePart::Text("A ".into()),
                ClozePart::Gap(strings(&["b", "B2"])),
                ClozePart::Text(" c ".into()),
                ClozePart::Gap(strings(&["d"])),
            ]
        );
        assert_eq!(
            cloze_parts("no {{ gaps {{}} here }}"),
            vec![ClozePart::Text("no {{ gaps {{}} here }}".into())]
        );
        assert_eq!(
            cloze_parts("{{ a {{b}}"),
            vec![
                ClozePart::Text("{{ a ".into()),
                ClozePart::Gap(strings(&["b"]))
            ]
        );
        assert_eq!(cloze_gaps("open {{ only"), Vec::<Vec<String>>::new());
    }

    #[test]
    fn scores_round_down_and_compare_with_the_pass_mark() {
        let questions: Vec<Question> = (0..3)
            .map(|i| Question {
                id: format!("q{i}"),
                ..q(QuestionBody::TrueFalse { correct: true })
            })
            .collect();
        let right = Answer::Bool(true);
        let wrong = Answer::Bool(false);
        let two_of_three = |id: &str| match id {
            "q0" | "q1" => Some(&right),
            "q2" => Some(&wrong),
            _ => None,
        };
        assert_eq!(
            score(&questions, two_of_three, 70),
            Score {
                correct: 2,
                total: 3,
                percent: 66,
                passed: false
            }
        );
        assert!(score(&questions, two_of_three, 66).passed);
        let unanswered = |_: &str| None;
        assert_eq!(score(&questions, unanswered, 0).correct, 0);
        assert!(!score(&[], unanswered, 0).passed);
    }

    #[test]
    fn questions_that_cannot_be_answered_are_refused() {
        let bad = [
            QuestionBody::SingleChoice {
                options: strings(&["a"]),
                correct: 0,
            },
            QuestionBody::SingleChoice {
                options: strings(&["a", "b"]),
                correct: 2,
            },
            QuestionBody::SingleChoice {
                options: strings(&["Yes", "yes."]),
                correct: 0,
            },
            QuestionBody::MultipleChoice {
                options: strings(&["a", "b"]),
                correct: vec![],
            },
            QuestionBody::ShortAnswer {
                accepted: strings(&[" ", "."]),
            },
            QuestionBody::Cloze {
                text: "no gaps".into(),
            },
        ];
        for body in bad {
            assert!(validate_question(&q(body.clone())).is_err(), "{body:?}");
        }
        let good = q(QuestionBody::MultipleChoice {
            options: strings(&["a", "b"]),
            correct: vec![0, 1],
        });
        assert_eq!(validate_question(&good), Ok(()));
        let no_prompt = Question {
            prompt: " ".into(),
            ..q(QuestionBody::TrueFalse { correct: true })
        };
        assert!(validate_question(&no_prompt).is_err());
    }

    #[test]
    fn questions_and_answers_have_a_stable_wire_form() {
        let question = q(QuestionBody::SingleChoice {
            options: strings(&["a", "b"]),
            correct: 1,
        });
        let json = serde_json::to_value(&question).unwrap();
        assert_eq!(json["kind"], "single_choice");
        assert_eq!(json["correct"], 1);
        let back: Question = serde_json::from_value(json).unwrap();
        assert_eq!(back, question);
        let answers: Vec<Answer> =
            serde_json::from_str(r#"[1, [0, 2], true, "text", ["a", "b"]]"#).unwrap();
        assert_eq!(
            answers,
            vec![
                Answer::Choice(1),
                Answer::Choices(vec![0, 2]),
                Answer::Bool(true),
                Answer::Text("text".into()),
                Answer::Gaps(strings(&["a", "b"])),
            ]
        );
    }
}
