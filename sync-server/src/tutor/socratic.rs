//! The tutor's own words, in English and Russian, written without a language model: the offline
//! tutor's reply (the passages that best match the question, and a guiding question from
//! templates), the hint that replaces a reply the guard withdrew, and the refusal to repeat the
//! instructions. Never invents a fact: everything it says of the subject is quoted from the course.

use shared::api::courses::CourseLanguage;

use super::retrieval::{content_stems, CourseIndex};
use crate::ai::offline::is_content_word;
use crate::search::text::{stem, words};

/// The language to reply in: Russian when the learner writes more Cyrillic than Latin letters,
/// English when more Latin, else the course's.
pub fn language_of(message: &str, course: CourseLanguage) -> CourseLanguage {
    let cyrillic = message
        .chars()
        .filter(|c| matches!(c, '\u{0400}'..='\u{04FF}'))
        .count();
    let latin = message.chars().filter(char::is_ascii_alphabetic).count();
    match cyrillic.cmp(&latin) {
        std::cmp::Ordering::Greater => CourseLanguage::Ru,
        std::cmp::Ordering::Less => CourseLanguage::En,
        std::cmp::Ordering::Equal => course,
    }
}

/// What kind of question the learner asked, by its first question word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asking {
    What,
    Why,
    How,
    Other,
}

fn asking(message: &str) -> Asking {
    for word in words(message).take(6) {
        match word.normal.as_str() {
            "what" | "which" | "who" | "что" | "какой" | "какая" | "какие" | "кто" | "чем" => {
                return Asking::What
            }
            "why" | "почему" | "зачем" => return Asking::Why,
            "how" | "как" | "каким" => return Asking::How,
            _ => {}
        }
    }
    Asking::Other
}

/// The word of `message` (as the learner wrote it) that the passage `text` is most about: the
/// first content word of the message the passage uses.
fn shared_term(message: &str, text: &str) -> Option<String> {
    let in_text: std::collections::HashSet<String> = content_stems(text).into_iter().collect();
    words(message)
        .filter(|w| is_content_word(&w.normal))
        .find(|w| in_text.contains(&stem(&w.normal)))
        .map(|w| message[w.start..w.end].to_owned())
}

/// One guiding question about passage `[n]`, fitted to what the learner asked.
pub fn guiding_question(
    message: &str,
    passage_text: &str,
    n: usize,
    language: CourseLanguage,
) -> String {
    let term = shared_term(message, passage_text);
    let ru = language == CourseLanguage::Ru;
    match (asking(message), term, ru) {
        (Asking::What, Some(term), false) => {
            format!("In your own words, what does passage [{n}] say about “{term}”?")
        }
        (Asking::What, Some(term), true) => {
            format!("Как бы вы своими словами объяснили, что фрагмент [{n}] говорит о «{term}»?")
        }
        (Asking::Why, Some(term), false) => format!(
            "What would go wrong if “{term}” did not work this way? Passage [{n}] holds a clue."
        ),
        (Asking::Why, Some(term), true) => format!(
            "Что пошло бы не так, если бы «{term}» работало иначе? Подсказка есть во фрагменте [{n}]."
        ),
        (Asking::How, _, false) => {
            format!("Which step in passage [{n}] do you think comes first, and why?")
        }
        (Asking::How, _, true) => {
            format!("С какого шага во фрагменте [{n}], по-вашему, всё начинается и почему?")
        }
        (_, _, false) => {
            format!("Which sentence of passage [{n}] answers your question best, and why?")
        }
        (_, _, true) => {
            format!("Какое предложение фрагмента [{n}] лучше всего отвечает на ваш вопрос и почему?")
        }
    }
}

/// The offline tutor's reply to `message`, from the passages `cited` (indexes into `index`'s
/// passages, cited as [1], [2], ... in this order). `matched`: they match the question's words
/// (else they are the lesson's opening, offered as a place to start).
pub fn offline_reply(
    index: &CourseIndex,
    cited: &[usize],
    matched: bool,
    message: &str,
    language: CourseLanguage,
) -> String {
    let ru = language == CourseLanguage::Ru;
    let mut out = String::new();
    out.push_str(match (matched, ru) {
        (true, false) => "Offline tutor (no language model): these passages of the course match your question best.\n\n",
        (true, true) => "Офлайн-репетитор (без языковой модели): вот фрагменты курса, которые лучше всего подходят к вашему вопросу.\n\n",
        (false, false) => "Offline tutor (no language model): I found none of your question's words in this course. Here is where the lesson begins.\n\n",
        (false, true) => "Офлайн-репетитор (без языковой модели): слов вашего вопроса в курсе нет. Вот с чего начинается урок.\n\n",
    });
    for (at, &passage) in cited.iter().enumerate() {
        let passage = &index.passages[passage];
        let lesson = &index.lessons[passage.lesson].1;
        out.push_str(&format!("[{}] “{}” ({lesson})\n", at + 1, passage.quote()));
    }
    if let Some(&first) = cited.first() {
        out.push('\n');
        out.push_str(&guiding_question(
            message,
            &index.passages[first].text,
            1,
            language,
        ));
    } else if ru {
        out.push_str("В этом уроке пока нет текста. Что именно вам непонятно?");
    } else {
        out.push_str("This lesson has no text yet. What exactly is unclear to you?");
    }
    out
}

/// The hint that replaces a reply which gave away a quiz answer: where to look (passage `[n]`,
/// with the answer's words masked in `quote`) and a guiding question.
pub fn hint(message: &str, cited: Option<(usize, &str)>, language: CourseLanguage) -> String {
    let ru = language == CourseLanguage::Ru;
    let mut out = String::from(if ru {
        "Ответ на вопрос теста я не подскажу: до него важно дойти самому — так он лучше запомнится."
    } else {
        "I won't give away the answer to a quiz question: working it out yourself is what makes it stick."
    });
    match cited {
        Some((n, quote)) => {
            out.push_str(&if ru {
                format!(" Подсказка: перечитайте фрагмент [{n}]: «{quote}»\n\n")
            } else {
                format!(" Hint: reread passage [{n}]: “{quote}”\n\n")
            });
            out.push_str(&guiding_question(message, quote, n, language));
        }
        None => out.push_str(if ru {
            " Подсказка: перечитайте урок ещё раз и найдите место, где об этом говорится. Что там сказано?"
        } else {
            " Hint: reread the lesson and find where it talks about this. What does it say there?"
        }),
    }
    out
}

/// The reply that replaces one which repeated the tutor's instructions.
pub fn refusal(lesson_title: &str, language: CourseLanguage) -> String {
    if language == CourseLanguage::Ru {
        format!(
            "Свои инструкции я не раскрываю, но с уроком «{lesson_title}» помогу с радостью. \
             Какую его часть разберём?"
        )
    } else {
        format!(
            "I can't share my instructions, but I'm glad to help with “{lesson_title}”. Which \
             part of it shall we think through?"
        )
    }
}

/// `text` with the words whose stems are among `stems` replaced by `____`.
pub fn mask(text: &str, stems: &std::collections::HashSet<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for word in words(text) {
        if stems.contains(&stem(&word.normal)) {
            out.push_str(&text[last..word.start]);
            out.push_str("____");
            last = word.end;
        }
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::LessonId;

    #[test]
    fn the_reply_language_follows_the_learner() {
        assert_eq!(
            language_of("Что такое владение?", CourseLanguage::En),
            CourseLanguage::Ru
        );
        assert_eq!(
            language_of("What is ownership?", CourseLanguage::Ru),
            CourseLanguage::En
        );
        assert_eq!(language_of("42?", CourseLanguage::Ru), CourseLanguage::Ru);
    }

    #[test]
    fn the_offline_reply_quotes_and_asks_one_guiding_question() {
        let index = CourseIndex::build(vec![(
            LessonId::new(),
            "Ownership".into(),
            "Each value in Rust has one owner. When the owner goes out of scope, the value is \
             dropped and its memory is freed without a garbage collector."
                .into(),
        )]);
        let hits = index.retrieve("What is an owner?", Some(0), 3);
        let cited: Vec<usize> = hits.iter().map(|h| h.passage).collect();
        let reply = offline_reply(
            &index,
            &cited,
            true,
            "What is an owner?",
            CourseLanguage::En,
        );
        assert!(
            reply.starts_with("Offline tutor (no language model)"),
            "{reply}"
        );
        assert!(
            reply.contains("[1] “Each value in Rust has one owner."),
            "{reply}"
        );
        assert!(reply.contains("(Ownership)"));
        assert_eq!(
            reply.matches('?').count(),
            1,
            "one guiding question: {reply}"
        );
        assert!(reply.trim_end().ends_with("say about “owner”?"), "{reply}");
        let ru = offline_reply(&index, &cited, true, "Почему owner?", CourseLanguage::Ru);
        assert!(
            ru.contains("Офлайн-репетитор") && ru.contains("фрагменте [1]"),
            "{ru}"
        );
    }

    #[test]
    fn masking_hides_every_form_of_the_answer() {
        let stems = ["owner".to_owned()].into_iter().collect();
        assert_eq!(
            mask("One owner; owners drop.", &stems),
            "One ____; ____ drop."
        );
    }
}
