use automerge::sync::{self, SyncDoc};
use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjType, ReadDoc, ROOT};
use proptest::prelude::*;

use super::*;
use crate::domain::LessonId;

const L1: &str = "01933c5e-8000-7000-8000-000000000001";
const L2: &str = "01933c5e-8000-7000-8000-000000000002";

fn lesson(text: &str) -> LessonId {
    LessonId::parse(text).unwrap()
}

fn completed(id: &str, at: &str, lesson_id: &str) -> Event {
    Event {
        id: id.to_owned(),
        at: at.to_owned(),
        kind: EventKind::LessonCompleted {
            lesson_id: lesson(lesson_id),
        },
    }
}

fn actor(n: u8) -> ActorId {
    ActorId::from([n; 16])
}

/// Runs the sync protocol between two documents until neither has anything to send (the card
/// tests use it too).
pub(crate) fn sync_pair(a: &mut LearnerDoc, b: &mut LearnerDoc) {
    let (mut sa, mut sb) = (sync::State::new(), sync::State::new());
    for _ in 0..20 {
        let to_b = a.generate_sync_message(&mut sa);
        let to_a = b.generate_sync_message(&mut sb);
        if to_b.is_none() && to_a.is_none() {
            return;
        }
        if let Some(m) = to_b {
            b.receive_sync_message(&mut sb, m).unwrap();
        }
        if let Some(m) = to_a {
            a.receive_sync_message(&mut sa, m).unwrap();
        }
    }
    panic!("sync did not settle");
}

#[test]
fn a_new_document_is_the_minimal_valid_one_and_round_trips() {
    let doc = LearnerDoc::with_actor(actor(1));
    assert!(doc.events().is_empty());
    let loaded = LearnerDoc::load(&doc.save()).unwrap();
    assert!(loaded.events().is_empty());
    assert_eq!(loaded.heads(), doc.heads());
    let mut am = AutoCommit::new();
    am.put_object(ROOT, EVENTS, ObjType::List).unwrap();
    // A root with only an empty `events` list, made any way, is valid.
    assert!(LearnerDoc::load(&am.save()).is_ok());
}

#[test]
fn documents_started_on_two_devices_share_one_genesis() {
    let a = LearnerDoc::with_actor(actor(1));
    let b = LearnerDoc::with_actor(actor(2));
    assert_eq!(a.heads(), b.heads());
}

#[test]
fn appended_events_read_back_in_time_order_and_survive_save_and_load() {
    let mut doc = LearnerDoc::with_actor(actor(1));
    let late = completed(&new_event_id(), "2026-11-30T10:00:00Z", L2);
    let early = completed(&new_event_id(), "2026-11-30T12:00:00+03:00", L1);
    let opened = Event::new(
        EventKind::LessonOpened {
            lesson_id: lesson(L1),
        },
        "2026-11-30T08:59:59.999Z",
    );
    for event in [&late, &early, &opened] {
        doc.append(event).unwrap();
    }
    let expected = vec![opened, early, late];
    assert_eq!(doc.events(), expected);
    assert_eq!(LearnerDoc::load(&doc.save()).unwrap().events(), expected);
    let done = progress::completed_lessons(&doc.events());
    assert_eq!(done.len(), 2);
    assert_eq!(done[&lesson(L1)], "2026-11-30T12:00:00+03:00");
    let ratio = progress::completion_ratio(&done, &[lesson(L1), lesson(L2), lesson(L2)]);
    assert!((ratio - 1.0).abs() < 1e-9);
}

#[test]
fn append_refuses_an_event_that_breaks_the_schema_and_keeps_the_document() {
    let mut doc = LearnerDoc::with_actor(actor(1));
    doc.append(&completed(&new_event_id(), "2026-11-30T10:00:00Z", L1))
        .unwrap();
    let heads = doc.heads();
    for bad in [
        completed("not-a-uuid", "2026-11-30T10:00:00Z", L1),
        completed(&new_event_id(), "yesterday", L1),
        Event {
            id: new_event_id(),
            at: "2026-11-30T10:00:00Z".into(),
            kind: EventKind::Unknown {
                kind: "Bad-Kind".into(),
            },
        },
    ] {
        assert!(
            matches!(doc.append(&bad), Err(DocError::Schema(_))),
            "{bad:?}"
        );
        assert_eq!(doc.heads(), heads);
    }
    assert_eq!(doc.events().len(), 1);
}

#[test]
fn incremental_saves_load_on_top_of_a_whole_save() {
    let mut doc = LearnerDoc::with_actor(actor(1));
    let saved = doc.save();
    let heads = doc.heads();
    doc.append(&completed(&new_event_id(), "2026-11-30T10:00:00Z", L1))
        .unwrap();
    let mut copy = LearnerDoc::load(&saved).unwrap();
    copy.load_incremental(&doc.save_after(&heads)).unwrap();
    assert_eq!(copy.events(), doc.events());
}

#[test]
fn events_since_are_only_what_a_sync_added() {
    let mut device = LearnerDoc::with_actor(actor(1));
    let first = completed(&new_event_id(), "2026-11-30T10:00:00Z", L1);
    device.append(&first).unwrap();
    let mut server = LearnerDoc::empty();
    let empty = server.heads();
    sync_pair(&mut device, &mut server);
    assert_eq!(server.events_since(&empty), vec![first.clone()]);
    let known = server.heads();
    assert_eq!(server.events_since(&known), vec![]);
    let second = completed(&new_event_id(), "2026-11-29T10:00:00Z", L2);
    device.append(&second).unwrap();
    sync_pair(&mut device, &mut server);
    assert_eq!(server.events_since(&known), vec![second]);
}

#[test]
fn an_empty_peer_receives_everything_by_sync() {
    let mut full = LearnerDoc::with_actor(actor(1));
    full.append(&completed(&new_event_id(), "2026-11-30T10:00:00Z", L1))
        .unwrap();
    let mut fresh = LearnerDoc::empty();
    sync_pair(&mut full, &mut fresh);
    assert_eq!(fresh.events(), full.events());
}

#[test]
fn documents_started_independently_by_other_peers_lose_no_event() {
    // A peer that makes its own `events` list (not our genesis): both lists stay, as a conflict,
    // and readers union them.
    let mut ours = LearnerDoc::with_actor(actor(1));
    ours.append(&completed(&new_event_id(), "2026-11-30T10:00:00Z", L1))
        .unwrap();
    let mut theirs = AutoCommit::new().with_actor(actor(9));
    let list = theirs.put_object(ROOT, EVENTS, ObjType::List).unwrap();
    let map = theirs.insert_object(&list, 0, ObjType::Map).unwrap();
    theirs.put(&map, "id", new_event_id()).unwrap();
    theirs.put(&map, "kind", "lesson_completed").unwrap();
    theirs.put(&map, "at", "2026-11-30T11:00:00Z").unwrap();
    theirs.put(&map, "lesson_id", L2).unwrap();
    let mut theirs = LearnerDoc::load(&theirs.save()).unwrap();
    sync_pair(&mut ours, &mut theirs);
    assert_eq!(ours.events().len(), 2);
    assert_eq!(ours.events(), theirs.events());
}

/// A peer's document that starts as a copy of `base` and makes one change of its own with raw
/// Automerge calls, as a buggy or hostile client could.
fn hostile(base: &LearnerDoc, edit: impl FnOnce(&mut AutoCommit)) -> LearnerDoc {
    let mut raw = AutoCommit::load(&base.save())
        .unwrap()
        .with_actor(actor(66));
    edit(&mut raw);
    raw.commit();
    LearnerDoc::load_trusted(&raw.save()).unwrap()
}

#[test]
fn sync_messages_that_break_the_schema_are_refused_and_change_nothing() {
    let mut server = LearnerDoc::with_actor(actor(1));
    server
        .append(&completed(&new_event_id(), "2026-11-30T10:00:00Z", L1))
        .unwrap();
    fn events_list(raw: &AutoCommit) -> automerge::ObjId {
        raw.get(ROOT, EVENTS).unwrap().unwrap().1
    }
    fn first_event(raw: &AutoCommit) -> automerge::ObjId {
        raw.get(events_list(raw), 0).unwrap().unwrap().1
    }
    type Edit = Box<dyn Fn(&mut AutoCommit)>;
    let cases: Vec<(&str, Edit)> = vec![
        (
            "delete an event",
            Box::new(|raw| raw.delete(events_list(raw), 0).unwrap()),
        ),
        (
            "overwrite an event's field",
            Box::new(|raw| raw.put(first_event(raw), "lesson_id", L2).unwrap()),
        ),
        (
            "add a field to an old event",
            Box::new(|raw| raw.put(first_event(raw), "score", 100).unwrap()),
        ),
        (
            "replace the events list",
            Box::new(|raw| {
                raw.put_object(ROOT, EVENTS, ObjType::List).unwrap();
            }),
        ),
        (
            "a root key outside the schema",
            Box::new(|raw| raw.put(ROOT, "xp_total", 1_000_000).unwrap()),
        ),
        (
            "a number in the events list",
            Box::new(|raw| raw.insert(events_list(raw), 1, 42).unwrap()),
        ),
        (
            "an event without an id",
            Box::new(|raw| {
                let map = raw
                    .insert_object(events_list(raw), 1, ObjType::Map)
                    .unwrap();
                raw.put(&map, "kind", "lesson_completed").unwrap();
                raw.put(&map, "at", "2026-11-30T10:00:00Z").unwrap();
                raw.put(&map, "lesson_id", L2).unwrap();
            }),
        ),
        (
            "a completion with a forged lesson id",
            Box::new(|raw| {
                let map = raw
                    .insert_object(events_list(raw), 1, ObjType::Map)
                    .unwrap();
                raw.put(&map, "id", new_event_id()).unwrap();
                raw.put(&map, "kind", "lesson_completed").unwrap();
                raw.put(&map, "at", "2026-11-30T10:00:00Z").unwrap();
                raw.put(&map, "lesson_id", "../../etc/passwd").unwrap();
            }),
        ),
        (
            "an event with a number for a time",
            Box::new(|raw| {
                let map = raw
                    .insert_object(events_list(raw), 1, ObjType::Map)
                    .unwrap();
                raw.put(&map, "id", new_event_id()).unwrap();
                raw.put(&map, "kind", "lesson_opened").unwrap();
                raw.put(&map, "at", 1_700_000_000).unwrap();
                raw.put(&map, "lesson_id", L2).unwrap();
            }),
        ),
    ];
    for (what, edit) in cases {
        let mut peer = hostile(&server, edit);
        let heads = server.heads();
        let events = server.events();
        let (mut server_state, mut peer_state) = (sync::State::new(), sync::State::new());
        let mut refused = false;
        for _ in 0..10 {
            if let Some(m) = server.generate_sync_message(&mut server_state) {
                peer.automerge_mut_for_tests()
                    .receive_sync_message(&mut peer_state, m)
                    .unwrap();
            }
            let Some(m) = peer
                .automerge_mut_for_tests()
                .generate_sync_message(&mut peer_state)
            else {
                break;
            };
            let state_before = server_state.clone().encode();
            if server.receive_sync_message(&mut server_state, m).is_err() {
                assert_eq!(
                    server_state.encode(),
                    state_before,
                    "{what}: state restored"
                );
                refused = true;
                break;
            }
        }
        assert!(refused, "{what}: accepted");
        assert_eq!(server.heads(), heads, "{what}: document changed");
        assert_eq!(server.events(), events, "{what}");
    }
}

#[test]
fn a_new_unknown_kind_is_kept_and_read_as_unknown() {
    let mut doc = LearnerDoc::with_actor(actor(1));
    doc.append(&Event {
        id: new_event_id(),
        at: "2026-11-30T10:00:00Z".into(),
        kind: EventKind::Unknown {
            kind: "flashcard_review".into(),
        },
    })
    .unwrap();
    let loaded = LearnerDoc::load(&doc.save()).unwrap();
    assert_eq!(
        loaded.events()[0].kind,
        EventKind::Unknown {
            kind: "flashcard_review".into()
        }
    );
}

fn attempt(lesson_id: &str, score_percent: u8, passed: bool) -> QuizAttempt {
    QuizAttempt {
        lesson_id: lesson(lesson_id),
        quiz_version: 2,
        answers: r#"{"q1":1,"q2":[0,2],"q3":true,"q4":"Paris","q5":["a","b"]}"#.into(),
        score_percent,
        passed,
        duration_ms: 61_500,
    }
}

#[test]
fn quiz_attempts_round_trip_with_their_answers_readable() {
    let mut doc = LearnerDoc::with_actor(actor(1));
    let event = Event::new(
        EventKind::QuizAttempt(attempt(L1, 80, true)),
        "2026-11-30T10:00:00Z",
    );
    doc.append(&event).unwrap();
    let loaded = LearnerDoc::load(&doc.save()).unwrap();
    assert_eq!(loaded.events(), vec![event.clone()]);
    let EventKind::QuizAttempt(read) = &loaded.events()[0].kind else {
        panic!("not an attempt");
    };
    let answers = read.parsed_answers().unwrap();
    assert_eq!(answers["q1"], crate::quiz::Answer::Choice(1));
    assert_eq!(answers["q3"], crate::quiz::Answer::Bool(true));
    assert_eq!(
        answers["q5"],
        crate::quiz::Answer::Gaps(vec!["a".into(), "b".into()])
    );
    // Answers that do not read are kept (the server ignores the attempt, the sync goes on).
    let mut odd = attempt(L1, 0, false);
    odd.answers = "not json".into();
    doc.append(&Event::new(
        EventKind::QuizAttempt(odd),
        "2026-11-30T10:01:00Z",
    ))
    .unwrap();
    let events = LearnerDoc::load(&doc.save()).unwrap().events();
    let EventKind::QuizAttempt(kept) = &events[1].kind else {
        panic!("not an attempt");
    };
    assert_eq!(kept.parsed_answers(), None);
}

#[test]
fn an_attempt_with_a_score_over_100_is_refused_on_append() {
    let mut doc = LearnerDoc::with_actor(actor(1));
    let heads = doc.heads();
    let event = Event::new(
        EventKind::QuizAttempt(attempt(L1, 101, true)),
        "2026-11-30T10:00:00Z",
    );
    assert!(matches!(doc.append(&event), Err(DocError::Schema(_))));
    assert_eq!(doc.heads(), heads);
}

#[test]
fn quiz_attempt_fields_written_by_other_peers_must_read_as_their_rules_ask() {
    let base = LearnerDoc::with_actor(actor(1));
    let good: [(&str, &str); 6] = [
        ("lesson_id", L1),
        ("quiz_version", "3"),
        ("answers", "{}"),
        ("score_percent", "100"),
        ("passed", "true"),
        ("duration_ms", "0"),
    ];
    // (field, bad text), each in an otherwise good attempt; `None` leaves the field out.
    let table: [(&str, Option<&str>); 11] = [
        ("lesson_id", Some("../etc")),
        ("quiz_version", Some("0")),
        ("quiz_version", Some("-1")),
        ("quiz_version", Some("1.5")),
        ("score_percent", Some("101")),
        ("score_percent", Some("")),
        ("passed", Some("yes")),
        ("passed", Some("True")),
        ("duration_ms", Some("-5")),
        ("duration_ms", Some("99999999999999999999999")),
        ("answers", None),
    ];
    // `base` with one `quiz_attempt` written by another peer: `text` answers each field's text.
    let written = |text: &dyn Fn(&str, &str) -> Option<String>| {
        let mut raw = AutoCommit::load(&base.save()).unwrap();
        raw.set_actor(actor(9));
        let (_, list) = raw.get(ROOT, EVENTS).unwrap().unwrap();
        let map = raw.insert_object(&list, 0, ObjType::Map).unwrap();
        raw.put(&map, "id", new_event_id()).unwrap();
        raw.put(&map, "kind", "quiz_attempt").unwrap();
        raw.put(&map, "at", "2026-11-30T10:00:00Z").unwrap();
        for (field, good_text) in good {
            if let Some(value) = text(field, good_text) {
                raw.put(&map, field, value).unwrap();
            }
        }
        raw.save()
    };
    for (bad_field, bad_text) in table {
        let bytes = written(&|field, good_text| {
            if field == bad_field {
                bad_text.map(str::to_owned)
            } else {
                Some(good_text.to_owned())
            }
        });
        let refused = LearnerDoc::load(&bytes);
        assert!(
            matches!(refused, Err(DocError::Schema(_))),
            "{bad_field} = {bad_text:?}: {refused:?}"
        );
    }
    // The same attempt with every field good loads.
    let bytes = written(&|_, good_text| Some(good_text.to_owned()));
    let loaded = LearnerDoc::load(&bytes).unwrap();
    assert!(matches!(
        loaded.events()[0].kind,
        EventKind::QuizAttempt(QuizAttempt {
            quiz_version: 3,
            score_percent: 100,
            passed: true,
            ..
        })
    ));
}

#[test]
fn corrupt_or_truncated_bytes_are_undecodable_not_a_panic() {
    let mut doc = LearnerDoc::with_actor(actor(1));
    doc.append(&completed(&new_event_id(), "2026-11-30T10:00:00Z", L1))
        .unwrap();
    let saved = doc.save();
    for bytes in [&saved[..saved.len() / 2], &[0x42, 0xff, 0xff][..], b"hello"] {
        assert!(matches!(
            LearnerDoc::load(bytes),
            Err(DocError::Undecodable(_))
        ));
        assert!(decode_message(bytes).is_err() || bytes.is_empty());
    }
}

impl LearnerDoc {
    fn automerge_mut_for_tests(&mut self) -> &mut Automerge {
        &mut self.doc
    }
}

/// One device's action in the property test: which replica, and what it does.
#[derive(Debug, Clone)]
enum Step {
    Complete {
        replica: usize,
        lesson: u8,
        skew_hours: i8,
    },
    Sync {
        a: usize,
        b: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..3usize, 0..6u8, -48..48i8).prop_map(|(replica, lesson, skew_hours)| {
            Step::Complete {
                replica,
                lesson,
                skew_hours,
            }
        }),
        (0..3usize, 0..3usize).prop_map(|(a, b)| Step::Sync { a, b }),
    ]
}

fn pair(replicas: &mut [LearnerDoc], a: usize, b: usize) -> (&mut LearnerDoc, &mut LearnerDoc) {
    assert_ne!(a, b);
    if a < b {
        let (left, right) = replicas.split_at_mut(b);
        (&mut left[a], &mut right[0])
    } else {
        let (left, right) = replicas.split_at_mut(a);
        (&mut right[0], &mut left[b])
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Three devices record completions offline with skewed clocks and sync pairwise in any
    /// order; after a final round every replica holds every event of every replica, and all
    /// derive the same state.
    #[test]
    fn replicas_converge_with_every_event_kept(steps in prop::collection::vec(step(), 1..40)) {
        let mut replicas: Vec<LearnerDoc> = (1..=3).map(|n| LearnerDoc::with_actor(actor(n))).collect();
        let mut recorded = std::collections::BTreeSet::new();
        for step in steps {
            match step {
                Step::Complete { replica, lesson: n, skew_hours } => {
                    let lesson_id = format!("01933c5e-8000-7000-8000-00000000000{n}");
                    let hour = 12 + i32::from(skew_hours);
                    let day = 10 + hour.div_euclid(24);
                    let at = format!("2026-11-{day:02}T{:02}:00:00Z", hour.rem_euclid(24));
                    let event = completed(&new_event_id(), &at, &lesson_id);
                    recorded.insert(event.id.clone());
                    replicas[replica].append(&event).unwrap();
                }
                Step::Sync { a, b } if a != b => {
                    let (x, y) = pair(&mut replicas, a, b);
                    sync_pair(x, y);
                }
                Step::Sync { .. } => {}
            }
        }
        for (a, b) in [(0, 1), (1, 2), (0, 2)] {
            let (x, y) = pair(&mut replicas, a, b);
            sync_pair(x, y);
        }
        let first = replicas[0].events();
        let ids: std::collections::BTreeSet<String> = first.iter().map(|e| e.id.clone()).collect();
        prop_assert_eq!(&ids, &recorded);
        for replica in &replicas[1..] {
            prop_assert_eq!(&replica.events(), &first);
            prop_assert_eq!(replica.heads(), replicas[0].heads());
        }
    }
}
