//! Native tests of the replica's sync steps against an in-memory stand-in for the server (a
//! `LearnerDoc` answering as `POST /api/sync/{doc_id}` does: its next message, or 204 as `None`).

use automerge::sync;
use shared::doc::{Event, EventKind, LearnerDoc};
use shared::domain::LessonId;

use super::replica::Replica;
use super::run::{drive, MAX_ROUND_TRIPS};

struct Server {
    doc: LearnerDoc,
    state: sync::State,
}

impl Server {
    fn new() -> Self {
        Self {
            doc: LearnerDoc::empty(),
            state: sync::State::new(),
        }
    }

    /// One request: apply the device's message, answer with the next one (`None`: 204).
    fn answer(&mut self, message: &[u8]) -> Result<Option<Vec<u8>>, String> {
        let message = shared::doc::decode_message(message).map_err(|e| e.to_string())?;
        self.doc
            .receive_sync_message(&mut self.state, message)
            .map_err(|e| e.to_string())?;
        Ok(self
            .doc
            .generate_sync_message(&mut self.state)
            .map(sync::Message::encode))
    }
}

fn lesson(n: u8) -> LessonId {
    LessonId::parse(&format!("01900000-0000-7000-8000-0000000000{n:02x}")).unwrap()
}

fn completed(n: u8, at: &str) -> Event {
    Event::new(
        EventKind::LessonCompleted {
            lesson_id: lesson(n),
        },
        at,
    )
}

fn sync_with(replica: &mut Replica, server: &mut Server) -> bool {
    drive(replica, |message| server.answer(message)).unwrap()
}

fn lessons_of(doc: &LearnerDoc) -> Vec<LessonId> {
    shared::doc::progress::completed_lessons(&doc.events())
        .into_keys()
        .collect()
}

#[test]
fn a_local_event_is_pending_until_the_server_holds_it() {
    let mut server = Server::new();
    let mut replica = Replica::new();
    replica
        .append(&completed(1, "2026-11-30T08:00:00.000Z"))
        .unwrap();
    replica
        .append(&completed(2, "2026-11-30T08:01:00.000Z"))
        .unwrap();
    assert_eq!(replica.pending(), 2);

    assert!(
        sync_with(&mut replica, &mut server),
        "in sync after the round"
    );
    assert_eq!(replica.pending(), 0);
    assert_eq!(lessons_of(&server.doc), vec![lesson(1), lesson(2)]);
}

#[test]
fn two_devices_offline_converge_through_the_server_with_every_event_kept() {
    let mut server = Server::new();
    let (mut laptop, mut phone) = (Replica::new(), Replica::new());
    laptop
        .append(&completed(1, "2026-11-30T08:00:00.000Z"))
        .unwrap();
    // The phone's clock is an hour behind: order of derived state only, never the merge.
    phone
        .append(&completed(2, "2026-11-30T07:00:00.000Z"))
        .unwrap();
    phone
        .append(&completed(1, "2026-11-30T07:05:00.000Z"))
        .unwrap();

    sync_with(&mut laptop, &mut server);
    sync_with(&mut phone, &mut server);
    sync_with(&mut laptop, &mut server);

    assert_eq!(laptop.events().len(), 3);
    assert_eq!(laptop.events(), phone.events());
    assert_eq!(lessons_of(laptop.doc()), vec![lesson(1), lesson(2)]);
    assert_eq!((laptop.pending(), phone.pending()), (0, 0));
}

#[test]
fn a_replica_survives_its_record_round_trip_and_resumes_syncing() {
    let mut server = Server::new();
    let mut replica = Replica::new();
    replica
        .append(&completed(1, "2026-11-30T08:00:00.000Z"))
        .unwrap();
    sync_with(&mut replica, &mut server);
    replica
        .append(&completed(2, "2026-11-30T08:01:00.000Z"))
        .unwrap();

    let record = replica.to_record(1.0);
    let mut reloaded = Replica::from_record(&record).unwrap();
    assert_eq!(reloaded.pending(), 1);
    assert_eq!(reloaded.events(), replica.events());

    assert!(sync_with(&mut reloaded, &mut server));
    assert_eq!(lessons_of(&server.doc), vec![lesson(1), lesson(2)]);
}

#[test]
fn an_empty_replica_pulls_the_whole_document_from_the_server() {
    let mut server = Server::new();
    let mut first = Replica::new();
    for n in 0..20 {
        first
            .append(&completed(n, "2026-11-30T08:00:00.000Z"))
            .unwrap();
    }
    sync_with(&mut first, &mut server);

    let mut fresh = Replica::new();
    assert!(sync_with(&mut fresh, &mut server));
    assert_eq!(fresh.events().len(), 20);
    assert_eq!(fresh.pending(), 0);
}

#[test]
fn a_garbled_reply_is_refused_and_changes_nothing() {
    let mut replica = Replica::new();
    replica
        .append(&completed(1, "2026-11-30T08:00:00.000Z"))
        .unwrap();
    let before = replica.events();
    let result = drive(&mut replica, |_| {
        Ok::<_, String>(Some(vec![0x42, 0x01, 0x02]))
    });
    assert!(result.is_err());
    assert_eq!(replica.events(), before);
    assert_eq!(replica.pending(), 1);
}

#[test]
fn a_server_that_never_settles_stops_the_round_after_the_limit() {
    let mut replica = Replica::new();
    replica
        .append(&completed(1, "2026-11-30T08:00:00.000Z"))
        .unwrap();
    let mut calls = 0;
    // A server that always answers 204 without ever taking anything.
    let settled = drive(&mut replica, |_| {
        calls += 1;
        Ok::<_, String>(None)
    })
    .unwrap();
    assert!(!settled);
    assert!(calls <= MAX_ROUND_TRIPS);
    assert_eq!(
        replica.pending(),
        1,
        "still pending: the server never held it"
    );
}

#[test]
fn a_batch_is_written_all_at_once_or_not_at_all() {
    let mut replica = Replica::new();
    replica
        .append(&completed(1, "2026-11-10T08:00:00Z"))
        .unwrap();
    let mut batch = replica.start_batch();
    for n in 2..=4 {
        batch.append(&completed(n, "2026-11-10T09:00:00Z")).unwrap();
    }
    // Until committed, the document holds none of it.
    assert_eq!(lessons_of(replica.doc()), vec![lesson(1)]);
    // Dropped (cancelled): nothing was written.
    drop(batch.clone());
    assert_eq!(replica.pending(), 1);
    // Another event recorded meanwhile keeps its place: the batch has an actor of its own.
    replica
        .append(&completed(5, "2026-11-10T10:00:00Z"))
        .unwrap();
    replica.commit(&batch).unwrap();
    assert_eq!(
        lessons_of(replica.doc()),
        (1..=5).map(lesson).collect::<Vec<_>>()
    );
    assert_eq!(replica.pending(), 5);
    let mut server = Server::new();
    assert!(sync_with(&mut replica, &mut server));
    assert_eq!(lessons_of(&server.doc).len(), 5);
}

#[test]
fn a_batch_on_a_document_never_held_starts_it() {
    let mut replica = Replica::new();
    let mut batch = replica.start_batch();
    batch.append(&completed(1, "2026-11-10T08:00:00Z")).unwrap();
    replica.commit(&batch).unwrap();
    assert_eq!(lessons_of(replica.doc()), vec![lesson(1)]);
    let empty = replica.start_batch();
    assert!(empty.is_empty());
    replica.commit(&empty).unwrap();
    assert_eq!(replica.pending(), 1);
}
