use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjType, ReadDoc, ROOT};

use super::*;
use crate::doc::tests::sync_pair;
use crate::doc::{new_event_id, DocError, LearnerDoc, EVENTS};
use crate::quiz::Question;
use crate::srs::{Phase, Rating};

const L1: &str = "01933c5e-8000-7000-8000-000000000001";
const DAY: i64 = 86_400_000;

fn lesson() -> LessonId {
    LessonId::parse(L1).unwrap()
}

fn at(ms: i64) -> String {
    crate::doc::millis_rfc3339(ms)
}

const T0: i64 = 1_796_026_500_000; // 2026-11-30T08:15:00Z

fn new_card(id: &str, front: &str) -> EventKind {
    EventKind::CardCreated(NewCard {
        card_id: id.to_owned(),
        front: front.to_owned(),
        back: "back".to_owned(),
        source: CardSource::Own,
        lesson_id: None,
        tags: String::new(),
    })
}

fn reviewed(card_id: &str, rating: Rating) -> EventKind {
    EventKind::CardReviewed {
        card_id: card_id.to_owned(),
        rating,
        duration_ms: 1500,
    }
}

#[test]
fn two_devices_reviewing_one_card_offline_keep_both_reviews_and_agree_on_its_schedule() {
    let card = derived_card_id("mistake:lesson:question");
    let mut phone = LearnerDoc::with_actor(ActorId::from([1; 16]));
    phone
        .append(&Event::new(new_card(&card, "front"), at(T0)))
        .unwrap();
    let mut laptop = LearnerDoc::with_actor(ActorId::from([2; 16]));
    sync_pair(&mut phone, &mut laptop);
    // Offline: the laptop reviews the next day, the phone two days later.
    laptop
        .append(&Event::new(reviewed(&card, Rating::Good), at(T0 + DAY)))
        .unwrap();
    phone
        .append(&Event::new(
            reviewed(&card, Rating::Again),
            at(T0 + 2 * DAY),
        ))
        .unwrap();
    // The laptop's Good first, then the phone's Again, whatever order they sync in.
    let s = Scheduler::default();
    let expected = crate::srs::replay(
        &s,
        T0,
        &[(T0 + DAY, Rating::Good), (T0 + 2 * DAY, Rating::Again)],
    );
    sync_pair(&mut phone, &mut laptop);
    let now = T0 + 3 * DAY;
    let on_phone = cards(&phone.events(), &s, now);
    let on_laptop = cards(&laptop.events(), &s, now);
    assert_eq!(on_phone, on_laptop);
    assert_eq!(on_phone.len(), 1);
    let merged = &on_phone[0];
    assert_eq!(merged.reviews.len(), 2);
    assert_eq!(merged.reviews[0].rating, Rating::Good);
    assert_eq!(merged.reviews[1].rating, Rating::Again);
    assert_eq!(merged.schedule, expected[1].schedule);
}

#[test]
fn the_same_card_made_on_two_devices_is_one_card_from_its_earliest_creation() {
    let id = derived_card_id("key_point:x:y");
    let events = vec![
        Event::new(new_card(&id, "first"), at(T0)),
        Event::new(new_card(&id, "second"), at(T0 + 1000)),
    ];
    let made = cards(&events, &Scheduler::default(), T0);
    assert_eq!(made.len(), 1);
    assert_eq!(made[0].front, "first");
    assert_eq!(made[0].created_ms, T0);
}

#[test]
fn edits_suspensions_and_deletions_apply_in_time_order() {
    let (a, b) = (new_event_id(), new_event_id());
    let events = vec![
        Event::new(new_card(&a, "a"), at(T0)),
        Event::new(new_card(&b, "b"), at(T0)),
        Event::new(
            EventKind::CardEdited {
                card_id: a.clone(),
                front: "a2".into(),
                back: "back2".into(),
                tags: "rust ownership".into(),
            },
            at(T0 + 1000),
        ),
        Event::new(
            EventKind::CardSuspended { card_id: a.clone() },
            at(T0 + 2000),
        ),
        Event::new(EventKind::CardResumed { card_id: a.clone() }, at(T0 + 3000)),
        Event::new(
            EventKind::CardSuspended { card_id: a.clone() },
            at(T0 + 4000),
        ),
        Event::new(EventKind::CardDeleted { card_id: b.clone() }, at(T0 + 5000)),
        // An edit of a card that does not exist changes nothing.
        Event::new(
            EventKind::CardEdited {
                card_id: new_event_id(),
                front: "ghost".into(),
                back: "ghost".into(),
                tags: String::new(),
            },
            at(T0 + 6000),
        ),
    ];
    let made = cards(&events, &Scheduler::default(), T0 + DAY);
    assert_eq!(made.len(), 1);
    let card = &made[0];
    assert_eq!((card.front.as_str(), card.back.as_str()), ("a2", "back2"));
    assert_eq!(card.tags, "rust ownership");
    assert!(card.suspended);
    assert!(!card.is_due(T0 + DAY));
    assert!(due_queue(&made, T0 + DAY).is_empty());
}

#[test]
fn a_review_dated_far_in_the_future_changes_no_schedule() {
    let id = new_event_id();
    let events = vec![
        Event::new(new_card(&id, "x"), at(T0)),
        Event::new(reviewed(&id, Rating::Easy), at(T0 + 400 * DAY)),
        Event::new(reviewed(&id, Rating::Good), at(T0 + DAY / 2)),
    ];
    let now = T0 + DAY;
    let made = cards(&events, &Scheduler::default(), now);
    assert_eq!(made[0].reviews.len(), 1);
    assert_eq!(made[0].reviews[0].rating, Rating::Good);
    let future = future_reviews(&events, now);
    assert_eq!(future.len(), 1);
    assert_eq!(future[0].id, events[1].id);
    // A clock a few hours ahead is tolerated.
    let slightly = vec![
        Event::new(new_card(&id, "x"), at(T0)),
        Event::new(reviewed(&id, Rating::Good), at(now + 3_600_000)),
    ];
    assert_eq!(
        cards(&slightly, &Scheduler::default(), now)[0]
            .reviews
            .len(),
        1
    );
}

#[test]
fn the_due_queue_holds_unsuspended_due_cards_most_overdue_first() {
    let (a, b, c) = (new_event_id(), new_event_id(), new_event_id());
    let events = vec![
        Event::new(new_card(&a, "a"), at(T0 + 2000)),
        Event::new(new_card(&b, "b"), at(T0)),
        Event::new(new_card(&c, "c"), at(T0 + 1000)),
        Event::new(reviewed(&c, Rating::Easy), at(T0 + 5000)),
    ];
    let made = cards(&events, &Scheduler::default(), T0 + 10_000);
    let queue: Vec<&str> = due_queue(&made, T0 + 10_000)
        .iter()
        .map(|c| c.front.as_str())
        .collect();
    assert_eq!(queue, ["b", "a"]);
    let graduated = made.iter().find(|x| x.id == c).unwrap();
    assert_eq!(graduated.schedule.phase, Phase::Review);
}

#[test]
fn parameters_come_from_the_latest_fitted_weights_and_chosen_retention() {
    let weights: Vec<f32> = fsrs::DEFAULT_PARAMETERS.iter().map(|w| w * 1.01).collect();
    let events = vec![
        Event::new(
            EventKind::SrsRetention {
                desired_retention: 0.85,
            },
            at(T0),
        ),
        Event::new(
            EventKind::SrsParameters(crate::doc::FittedParameters {
                weights: weights.clone(),
                log_loss_before: 0.35,
                log_loss_after: 0.34,
                review_count: 1200,
            }),
            at(T0 + 1),
        ),
    ];
    let mut doc = LearnerDoc::with_actor(ActorId::from([3; 16]));
    for event in &events {
        doc.append(event).unwrap();
    }
    let read = params(&LearnerDoc::load(&doc.save()).unwrap().events());
    assert_eq!(read.desired_retention, 0.85);
    assert_eq!(read.weights.len(), 21);
    for (got, want) in read.weights.iter().zip(&weights) {
        assert!((got - want).abs() < 1e-6);
    }
    assert_eq!(params(&[]), crate::srs::Params::default());
}

#[test]
fn card_events_round_trip_through_a_saved_document() {
    let id = new_event_id();
    let kinds = vec![
        EventKind::CardCreated(NewCard {
            card_id: id.clone(),
            front: "Что такое владение?".into(),
            back: "Ownership".into(),
            source: CardSource::Mistake,
            lesson_id: Some(lesson()),
            tags: "rust".into(),
        }),
        reviewed(&id, Rating::Hard),
        EventKind::CardSuspended {
            card_id: id.clone(),
        },
        EventKind::CardResumed {
            card_id: id.clone(),
        },
        EventKind::CardDeleted {
            card_id: id.clone(),
        },
    ];
    let mut doc = LearnerDoc::with_actor(ActorId::from([4; 16]));
    for (i, kind) in kinds.iter().enumerate() {
        doc.append(&Event::new(kind.clone(), at(T0 + i as i64 * 1000)))
            .unwrap();
    }
    let read: Vec<EventKind> = LearnerDoc::load(&doc.save())
        .unwrap()
        .events()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(read, kinds);
}

#[test]
fn card_fields_written_by_other_peers_must_read_as_their_rules_ask() {
    let base = LearnerDoc::with_actor(ActorId::from([1; 16]));
    let write = |kind: &str, fields: &[(&str, &str)]| {
        let mut raw = AutoCommit::load(&base.save()).unwrap();
        raw.set_actor(ActorId::from([9; 16]));
        let (_, list) = raw.get(ROOT, EVENTS).unwrap().unwrap();
        let map = raw.insert_object(&list, 0, ObjType::Map).unwrap();
        raw.put(&map, "id", new_event_id()).unwrap();
        raw.put(&map, "kind", kind).unwrap();
        raw.put(&map, "at", "2026-11-30T10:00:00Z").unwrap();
        for (field, value) in fields {
            raw.put(&map, *field, *value).unwrap();
        }
        LearnerDoc::load(&raw.save())
    };
    let card = new_event_id();
    // (kind, fields, whether it loads)
    type Row<'a> = (&'a str, Vec<(&'a str, &'a str)>, bool);
    let table: Vec<Row> = vec![
        (
            "card_reviewed",
            vec![("card_id", &card), ("rating", "3"), ("duration_ms", "10")],
            true,
        ),
        (
            "card_reviewed",
            vec![("card_id", &card), ("rating", "5"), ("duration_ms", "10")],
            false,
        ),
        (
            "card_reviewed",
            vec![("card_id", &card), ("rating", "0"), ("duration_ms", "10")],
            false,
        ),
        (
            "card_reviewed",
            vec![("card_id", &card), ("rating", "3.0"), ("duration_ms", "1")],
            false,
        ),
        (
            "card_reviewed",
            vec![("card_id", "../x"), ("rating", "3"), ("duration_ms", "1")],
            false,
        ),
        (
            "card_created",
            vec![
                ("card_id", &card),
                ("front", "f"),
                ("back", "b"),
                ("source", "own"),
                ("lesson_id", ""),
                ("tags", ""),
            ],
            true,
        ),
        (
            "card_created",
            vec![
                ("card_id", &card),
                ("front", "  "),
                ("back", "b"),
                ("source", "own"),
                ("lesson_id", ""),
                ("tags", ""),
            ],
            false,
        ),
        (
            "card_created",
            vec![
                ("card_id", &card),
                ("front", "f"),
                ("back", "b"),
                ("source", "stolen"),
                ("lesson_id", ""),
                ("tags", ""),
            ],
            false,
        ),
        (
            "card_created",
            vec![
                ("card_id", &card),
                ("front", "f"),
                ("back", "b"),
                ("source", "own"),
                ("lesson_id", "x"),
                ("tags", ""),
            ],
            false,
        ),
        (
            "card_created",
            vec![
                ("card_id", &card),
                ("front", "f"),
                ("back", "b"),
                ("source", "own"),
                ("lesson_id", ""),
            ],
            false,
        ),
        ("srs_retention", vec![("desired_retention", "0.9")], true),
        ("srs_retention", vec![("desired_retention", "0.99")], false),
        ("srs_retention", vec![("desired_retention", "NaN")], false),
        (
            "srs_parameters",
            vec![
                ("weights", "1,2"),
                ("log_loss_before", "0.3"),
                ("log_loss_after", "0.2"),
                ("review_count", "5"),
            ],
            false,
        ),
    ];
    for (kind, fields, ok) in table {
        let loaded = write(kind, &fields);
        if ok {
            assert!(loaded.is_ok(), "{kind} {fields:?}: {loaded:?}");
        } else {
            assert!(
                matches!(loaded, Err(DocError::Schema(_))),
                "{kind} {fields:?}: {loaded:?}"
            );
        }
    }
    let weights = fsrs::DEFAULT_PARAMETERS.map(|w| w.to_string()).join(",");
    let fitted = write(
        "srs_parameters",
        &[
            ("weights", &weights),
            ("log_loss_before", "0.3"),
            ("log_loss_after", "0.2"),
            ("review_count", "5"),
        ],
    );
    assert!(fitted.is_ok(), "{fitted:?}");
}

fn question(body: QuestionBody) -> Question {
    Question {
        id: "01933c5e-8000-7000-8000-0000000000aa".into(),
        prompt: "Who owns the value?".into(),
        body,
        explanation: "Each value has one owner.".into(),
    }
}

const WORDS: CardWords<'static> = CardWords {
    true_word: "True",
    false_word: "False",
    true_or_false: "True or false?",
};

#[test]
fn a_wrong_answer_becomes_a_card_with_the_right_answer_and_why() {
    let table = [
        (
            QuestionBody::SingleChoice {
                options: vec!["the stack".into(), "the variable".into()],
                correct: 1,
            },
            "Who owns the value?\n• the stack\n• the variable",
            "the variable\n\nEach value has one owner.",
        ),
        (
            QuestionBody::MultipleChoice {
                options: vec!["a".into(), "b".into(), "c".into()],
                correct: vec![0, 2],
            },
            "Who owns the value?\n• a\n• b\n• c",
            "a; c\n\nEach value has one owner.",
        ),
        (
            QuestionBody::TrueFalse { correct: false },
            "Who owns the value?\n\nTrue or false?",
            "False\n\nEach value has one owner.",
        ),
        (
            QuestionBody::ShortAnswer {
                accepted: vec!["the variable".into(), "variable".into()],
            },
            "Who owns the value?",
            "the variable\n\nEach value has one owner.",
        ),
        (
            QuestionBody::Cloze {
                text: "A value has {{one|1}} owner at a {{time}}.".into(),
            },
            "Who owns the value?\n\nA value has _____ owner at a _____.",
            "one; time\n\nEach value has one owner.",
        ),
    ];
    for (body, front, back) in table {
        let card = mistake_card(&lesson(), &question(body), WORDS);
        assert_eq!(card.front, front);
        assert_eq!(card.back, back);
        assert_eq!(card.source, CardSource::Mistake);
        assert_eq!(card.lesson_id, Some(lesson()));
        // The same mistake on any device gives the same card id.
        assert_eq!(
            card.card_id,
            derived_card_id(&format!(
                "mistake:{L1}:01933c5e-8000-7000-8000-0000000000aa"
            ))
        );
        assert!(crate::doc::event::is_uuid(&card.card_id));
    }
}

#[test]
fn a_key_point_becomes_a_card_asking_for_its_longest_word() {
    let card = key_point_card(
        &lesson(),
        " Borrowing lets code use a value without owning it. ",
    )
    .unwrap();
    assert_eq!(card.front, "_____ lets code use a value without owning it.");
    assert_eq!(
        card.back,
        "Borrowing lets code use a value without owning it."
    );
    assert_eq!(card.source, CardSource::KeyPoint);
    let ru = key_point_card(&lesson(), "Заимствование не передаёт владение.").unwrap();
    assert_eq!(ru.front, "_____ не передаёт владение.");
    assert!(key_point_card(&lesson(), "A is B.").is_none());
    assert_ne!(card.card_id, ru.card_id);
}

#[test]
fn an_undone_rating_leaves_the_card_as_if_never_rated() {
    let id = new_event_id();
    let good = Event::new(reviewed(&id, Rating::Good), at(T0 + DAY));
    let mut events = vec![Event::new(new_card(&id, "x"), at(T0)), good.clone()];
    let s = Scheduler::default();
    let before = cards(&events[..1], &s, T0 + 2 * DAY);
    events.push(Event::new(
        EventKind::CardReviewUndone {
            review_id: good.id.clone(),
        },
        at(T0 + DAY + 5000),
    ));
    let after = cards(&events, &s, T0 + 2 * DAY);
    assert_eq!(after, before);
    assert!(after[0].reviews.is_empty());
}
