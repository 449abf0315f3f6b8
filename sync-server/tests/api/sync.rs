//! `POST /api/sync/{doc_id}`: learner documents synced through the real server with
//! `shared::doc::LearnerDoc` as the client, on both backends: pushing and pulling, replicas edited
//! offline converging, the bad-input list, the read models, and SIGKILL in the middle of syncing.

use std::collections::BTreeSet;

use automerge::sync::State;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ReadDoc, ROOT};
use chrono::{DateTime, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use reqwest::Method;
use shared::doc::{new_event_id, Event, EventKind, LearnerDoc};
use shared::domain::LessonId;

use crate::both_backends;
use crate::helpers::{
    error_code, Backend, CourseSpec, Role, ServerProcess, TestApp, DEMO_PASSWORD,
};

/// A signed-in caller of the sync route on any server (a `TestApp` or a binary started by a test).
#[derive(Clone)]
pub(crate) struct SyncClient {
    http: reqwest::Client,
    base: String,
    token: String,
}

/// One device: its copy of a document and its sync state with the server.
pub(crate) struct Device {
    id: String,
    pub(crate) doc: LearnerDoc,
    state: State,
}

impl Device {
    /// A device that has never seen the document.
    pub(crate) fn empty(id: &str) -> Self {
        Self {
            id: id.to_owned(),
            doc: LearnerDoc::empty(),
            state: State::new(),
        }
    }

    /// A device that started the document itself (offline).
    pub(crate) fn started(id: &str) -> Self {
        Self {
            doc: LearnerDoc::new(),
            ..Self::empty(id)
        }
    }

    pub(crate) fn complete(&mut self, lesson: &str, at: &str) -> Event {
        let event = Event::new(
            EventKind::LessonCompleted {
                lesson_id: LessonId::parse(lesson).unwrap(),
            },
            at,
        );
        self.doc.append(&event).unwrap();
        event
    }

    fn event_ids(&self) -> BTreeSet<String> {
        self.doc.events().into_iter().map(|e| e.id).collect()
    }
}

impl SyncClient {
    /// A caller of the server at `base` (a `ServerProcess`'s URL).
    pub(crate) fn at(base: &str, token: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: base.to_owned(),
            token: token.to_owned(),
        }
    }

    pub(crate) fn of(app: &TestApp, token: &str) -> Self {
        Self {
            http: app.client.clone(),
            base: app.url(""),
            token: token.to_owned(),
        }
    }

    async fn post(&self, doc: &str, device: &str, body: Vec<u8>) -> reqwest::Response {
        self.http
            .post(format!("{}/api/sync/{doc}", self.base))
            .bearer_auth(&self.token)
            .header("x-device-id", device)
            .header("content-type", "application/octet-stream")
            .body(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Sends one message of `device` (if it has one) and applies the answer. `Ok(None)` once the
    /// device has nothing to send, else `Ok(Some(status))`; `Err` with the status and body of a
    /// refusal, or a transport error.
    async fn step(&self, doc: &str, device: &mut Device) -> Result<Option<u16>, String> {
        let Some(message) = device.doc.generate_sync_message(&mut device.state) else {
            return Ok(None);
        };
        let res = self
            .http
            .post(format!("{}/api/sync/{doc}", self.base))
            .bearer_auth(&self.token)
            .header("x-device-id", &device.id)
            .body(message.encode())
            .send()
            .await
            .map_err(|e| format!("transport: {e}"))?;
        match res.status().as_u16() {
            204 => Ok(Some(204)),
            200 => {
                let bytes = res.bytes().await.map_err(|e| format!("body: {e}"))?;
                let reply = automerge::sync::Message::decode(&bytes).expect("a sync message");
                device
                    .doc
                    .receive_sync_message(&mut device.state, reply)
                    .expect("the server's message applies");
                Ok(Some(200))
            }
            status => Err(format!(
                "status {status}: {}",
                res.text().await.unwrap_or_default()
            )),
        }
    }

    /// Syncs `device` until it has nothing more to send (the wire contract's client loop);
    /// returns the server's last status (204 once it had nothing more to send either).
    pub(crate) async fn sync(&self, doc: &str, device: &mut Device) -> u16 {
        // A session starts from the state as persisted (Automerge keeps only the shared heads),
        // as a client that reconnects does.
        device.state = State::decode(&device.state.encode()).unwrap();
        let mut last = 0;
        for _ in 0..64 {
            match self.step(doc, device).await.expect("sync step") {
                None => return last,
                Some(status) => last = status,
            }
        }
        panic!("sync of {doc} did not settle");
    }
}

/// A new student made in the database, signed in: (user id, token).
pub(crate) async fn student(app: &TestApp, email: &str) -> (String, String) {
    let id = app.insert_user(email, Role::Student).await;
    (id, app.token_for(email, DEMO_PASSWORD).await)
}

/// `(version, bytes_total, chunks)` of a stored document, or `None` if there is none.
async fn stored(app: &TestApp, doc: &str) -> Option<(i64, i64, i64)> {
    let row: Option<(i64, i64)> = crate::on_db!(&app.db, pool => {
        sqlx::query_as("SELECT version, bytes_total FROM sync_docs WHERE doc_id = $1")
            .bind(doc)
            .fetch_optional(pool)
            .await
            .unwrap()
    });
    let chunks = app
        .count("SELECT COUNT(*) FROM sync_changes WHERE doc_id = $1", doc)
        .await;
    row.map(|(version, bytes)| (version, bytes, chunks))
}

both_backends!(
    async fn events_pushed_from_one_device_are_pulled_by_another(backend) {
        let app = TestApp::spawn(backend).await;
        let (user, token) = student(&app, "push@example.com").await;
        let client = SyncClient::of(&app, &token);
        let doc = format!("profile-{user}");

        let mut laptop = Device::started("laptop");
        for minute in 0..3 {
            laptop.complete(
                "01933c5e-8000-7000-8000-000000000001",
                &format!("2026-11-30T10:0{minute}:00Z"),
            );
        }
        client.sync(&doc, &mut laptop).await;
        let mut phone = Device::empty("phone");
        client.sync(&doc, &mut phone).await;
        assert_eq!(phone.doc.events(), laptop.doc.events());
        assert_eq!(phone.event_ids().len(), 3);
        // In sync, and both know it: the next session of either is answered 204 at once.
        assert_eq!(client.sync(&doc, &mut phone).await, 204);
        assert_eq!(client.sync(&doc, &mut laptop).await, 204);

        // The server stored the document: its row, whose size counts the snapshot and the
        // chunks, and one sync state per device.
        let (_, bytes_total, _) = stored(&app, &doc).await.unwrap();
        let measured: i64 = crate::on_db!(&app.db, pool => {
            sqlx::query_scalar(
                "SELECT CAST(length(snapshot) + COALESCE((SELECT SUM(length(data)) \
                 FROM sync_changes c WHERE c.doc_id = d.doc_id), 0) AS BIGINT) \
                 FROM sync_docs d WHERE doc_id = $1",
            )
            .bind(&doc)
            .fetch_one(pool)
            .await
            .unwrap()
        });
        assert_eq!(bytes_total, measured);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM sync_states WHERE doc_id = $1", &doc).await,
            2
        );
    }
);

/// One step of the convergence scenario.
#[derive(Debug, Clone)]
enum Step {
    /// Replica `n` completes a lesson offline.
    Complete(usize, u8),
    /// Replica `n` syncs with the server.
    Sync(usize),
}

fn steps(replicas: usize) -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        prop_oneof![
            (0..replicas, 0u8..4).prop_map(|(r, l)| Step::Complete(r, l)),
            (0..replicas).prop_map(Step::Sync),
        ],
        1..16,
    )
}

/// Replicas (each started offline, or empty and pulling) edited concurrently and synced through
/// the server in a random order converge, with every event of every replica kept.
async fn replicas_converge(
    app: &TestApp,
    learner: &(String, String),
    steps: Vec<Step>,
    replicas: usize,
) {
    // A progress document of a new course per case: one sign-in for the whole property.
    let (user, token) = learner;
    let client = SyncClient::of(app, token);
    let course = app.insert_course(CourseSpec::default()).await;
    app.enroll(token, &course.id).await;
    let doc = format!("progress-{user}-{}", course.id);
    let mut devices: Vec<Device> = (0..replicas)
        .map(|n| {
            let id = format!("device-{n}");
            // Some replicas start the document themselves, others only pull.
            if n % 2 == 0 {
                Device::started(&id)
            } else {
                Device::empty(&id)
            }
        })
        .collect();
    let mut written = BTreeSet::new();
    for (i, step) in steps.into_iter().enumerate() {
        match step {
            Step::Complete(r, lesson) => {
                let device = &mut devices[r];
                // Clocks are skewed on purpose: later steps may carry earlier times.
                let at = format!("2026-11-{:02}T10:00:00Z", 28 - (i % 3));
                let lesson = course.lessons[usize::from(lesson)].clone();
                written.insert(device.complete(&lesson, &at).id);
            }
            Step::Sync(r) => {
                client.sync(&doc, &mut devices[r]).await;
            }
        }
    }
    // Everyone syncs twice around: every replica then holds everything.
    for _ in 0..2 {
        for device in &mut devices {
            client.sync(&doc, device).await;
        }
    }
    let mut pulled = Device::empty("fresh");
    client.sync(&doc, &mut pulled).await;
    for device in &devices {
        assert_eq!(device.event_ids(), written, "{}", device.id);
        assert_eq!(device.doc.events(), pulled.doc.events());
    }
    assert_eq!(pulled.event_ids(), written);
}

fn replicas_converge_property(backend: Backend) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let app = runtime.block_on(TestApp::spawn(backend));
    let learner = runtime.block_on(student(&app, "replicas@example.com"));
    for replicas in [2, 3] {
        let mut runner = TestRunner::new(ProptestConfig {
            cases: 8,
            failure_persistence: None,
            ..ProptestConfig::default()
        });
        runner
            .run(&steps(replicas), |steps| {
                runtime.block_on(replicas_converge(&app, &learner, steps, replicas));
                Ok(())
            })
            .unwrap();
    }
    drop(app);
}

#[test]
fn two_and_three_replicas_edited_offline_converge_through_the_server_sqlite() {
    replicas_converge_property(Backend::Sqlite);
}

#[test]
fn two_and_three_replicas_edited_offline_converge_through_the_server_postgres() {
    replicas_converge_property(Backend::Postgres);
}

/// A message from a raw Automerge peer that shares the genesis and `base`, then writes `edit`
/// (which breaks the schema).
fn hostile_message(base: &LearnerDoc, edit: impl FnOnce(&mut AutoCommit)) -> Vec<u8> {
    let mut raw = AutoCommit::load(&base.save()).unwrap();
    edit(&mut raw);
    message_with_changes(&mut raw, &base.heads())
}

both_backends!(
    async fn bad_messages_are_refused_and_leave_the_document_as_it_was(backend) {
        let app = TestApp::spawn(backend).await;
        let (user, token) = student(&app, "bad@example.com").await;
        let client = SyncClient::of(&app, &token);
        let doc = format!("profile-{user}");
        let mut laptop = Device::started("laptop");
        laptop.complete("01933c5e-8000-7000-8000-000000000001", "2026-11-30T10:00:00Z");
        client.sync(&doc, &mut laptop).await;
        let before = stored(&app, &doc).await.expect("stored");

        // A message with a change, to truncate.
        laptop.complete("01933c5e-8000-7000-8000-000000000002", "2026-11-30T11:00:00Z");
        let mut probe = State::decode(&laptop.state.encode()).unwrap();
        let mut full = None;
        for _ in 0..3 {
            if let Some(m) = laptop.doc.generate_sync_message(&mut probe) {
                let bytes = m.encode();
                if bytes.len() > 100 {
                    full = Some(bytes);
                    break;
                }
            }
        }
        let truncated = full.map(|b| b[..b.len() / 2].to_vec()).unwrap_or(vec![0x42, 0x01]);
        for (what, body) in [
            ("empty", Vec::new()),
            ("corrupt", b"definitely not automerge".to_vec()),
            ("zeros", vec![0u8; 64]),
            ("truncated", truncated),
        ] {
            let res = client.post(&doc, "laptop", body).await;
            assert_eq!(error_code(res, 400).await, "invalid_sync_message", "{what}");
            assert_eq!(stored(&app, &doc).await, Some(before), "{what}");
        }

        // Changes that break the schema: deleting an event, an event without `at`.
        let base = {
            let mut pulled = Device::empty("pull");
            client.sync(&doc, &mut pulled).await;
            pulled.doc
        };
        let deletes = hostile_message(&base, |raw| {
            let (_, events) = raw.get(ROOT, "events").unwrap().unwrap();
            raw.delete(&events, 0).unwrap();
        });
        let no_time = hostile_message(&base, |raw| {
            let (_, events) = raw.get(ROOT, "events").unwrap().unwrap();
            let event = raw.insert_object(&events, 1, ObjType::Map).unwrap();
            raw.put(&event, "id", new_event_id()).unwrap();
            raw.put(&event, "kind", "lesson_completed").unwrap();
        });
        for (what, body) in [("delete", deletes), ("no at", no_time)] {
            let res = client.post(&doc, "hostile", body).await;
            assert_eq!(error_code(res, 400).await, "schema_violation", "{what}");
            assert_eq!(stored(&app, &doc).await, Some(before), "{what}");
        }
        let mut check = Device::empty("check");
        client.sync(&doc, &mut check).await;
        assert_eq!(check.event_ids().len(), 1);
    }
);

both_backends!(
    async fn a_message_over_four_mib_is_413_before_it_is_read(backend) {
        let app = TestApp::spawn(backend).await;
        let (user, token) = student(&app, "big@example.com").await;
        let limit = shared::validate::SYNC_MESSAGE_MAX_BYTES;
        let head = format!(
            "POST /api/sync/profile-{user} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
             X-Device-Id: d\r\nContent-Type: application/octet-stream\r\n\
             Content-Length: {}\r\n\r\n",
            limit + 1
        );
        let res = app.raw_request(head, vec![vec![0u8; 1024]]).await;
        assert_eq!(res.status, 413);
        assert!(res.body.contains("payload_too_large"), "{}", res.body);
        assert!(stored(&app, &format!("profile-{user}")).await.is_none());
    }
);

/// A message carrying the changes `raw` made since `since` in one chunk (as JS Automerge may
/// send a whole saved document).
fn message_with_changes(raw: &mut AutoCommit, since: &[automerge::ChangeHash]) -> Vec<u8> {
    automerge::sync::Message {
        heads: raw.get_heads(),
        need: Vec::new(),
        have: Vec::new(),
        changes: automerge::sync::ChunkList::from(raw.save_after(since)),
        flags: None,
        version: automerge::sync::MessageVersion::V1,
    }
    .encode()
}

both_backends!(
    async fn a_document_past_its_size_limit_is_refused_with_a_readable_message(backend) {
        let app = TestApp::spawn(backend).await;
        let (user, token) = student(&app, "huge@example.com").await;
        let client = SyncClient::of(&app, &token);
        let doc = format!("profile-{user}");
        // The whole new document as one chunk starts it.
        let mut raw = AutoCommit::load(&LearnerDoc::new().save()).unwrap();
        let res = client.post(&doc, "d", message_with_changes(&mut raw, &[])).await;
        assert!(matches!(res.status().as_u16(), 200 | 204), "{}", res.status());
        // Events of a kind this version does not know may carry anything: 3 MiB of noise each,
        // which no compression shrinks. The third takes the document past 8 MiB.
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut refused = None;
        for round in 0..4 {
            let before = raw.get_heads();
            let (_, events) = raw.get(ROOT, "events").unwrap().unwrap();
            let at = raw.length(&events);
            let event = raw.insert_object(&events, at, ObjType::Map).unwrap();
            raw.put(&event, "id", new_event_id()).unwrap();
            raw.put(&event, "kind", "noise").unwrap();
            raw.put(&event, "at", "2026-11-30T10:00:00Z").unwrap();
            let noise: Vec<u8> = (0..3 * 1024 * 1024 / 8)
                .flat_map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    seed.to_le_bytes()
                })
                .collect();
            raw.put(&event, "noise", automerge::ScalarValue::Bytes(noise)).unwrap();
            let res = client.post(&doc, "d", message_with_changes(&mut raw, &before)).await;
            if res.status().is_success() {
                continue;
            }
            refused = Some((round, res.status().as_u16(), res.text().await.unwrap()));
            break;
        }
        let (round, status, body) = refused.expect("refused before 12 MiB");
        assert_eq!((round, status), (2, 413), "{body}");
        assert!(body.contains("document_too_large"), "{body}");
        assert!(body.contains("size limit (8 MiB)"), "{body}");
        let (_, bytes, _) = stored(&app, &doc).await.unwrap();
        assert!(bytes <= 8 * 1024 * 1024, "{bytes}");
        assert!(bytes > 6 * 1024 * 1024, "{bytes}");
    }
);

both_backends!(
    async fn only_the_callers_own_documents_of_readable_courses_sync(backend) {
        let app = TestApp::spawn(backend).await;
        let (me, token) = student(&app, "me@example.com").await;
        let (other, _) = student(&app, "other@example.com").await;
        let client = SyncClient::of(&app, &token);
        let course = app.insert_course(CourseSpec::default()).await;
        let draft = app.draft_course("a-draft").await;
        let missing = uuid::Uuid::now_v7();
        let hello = || {
            LearnerDoc::new()
                .generate_sync_message(&mut State::new())
                .unwrap()
                .encode()
        };
        for doc in [
            format!("profile-{other}"),
            format!("progress-{other}-{}", course.id),
            format!("progress-{me}-{}", course.id),
            format!("progress-{me}-{}", draft.id),
            format!("progress-{me}-{missing}"),
        ] {
            let res = client.post(&doc, "d", hello()).await;
            assert_eq!(error_code(res, 404).await, "not_found", "{doc}");
            assert!(stored(&app, &doc).await.is_none(), "{doc}");
        }

        // Enrolled: the progress document is created by the first message, and stays syncable
        // after leaving the course.
        app.enroll(&token, &course.id).await;
        let doc = format!("progress-{me}-{}", course.id);
        let mut device = Device::started("d");
        device.complete(&course.lessons[0], "2026-11-30T10:00:00Z");
        client.sync(&doc, &mut device).await;
        let res = app
            .bearer(
                Method::DELETE,
                &format!("/api/courses/{}/enrollment", course.id),
                &token,
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        device.complete(&course.lessons[1], "2026-11-30T11:00:00Z");
        client.sync(&doc, &mut device).await;
        let mut pulled = Device::empty("p");
        client.sync(&doc, &mut pulled).await;
        assert_eq!(pulled.event_ids().len(), 2);

        // No session: 401. No or a bad device id: 400.
        let res = app
            .anonymous(Method::POST, &format!("/api/sync/profile-{me}"))
            .header("x-device-id", "d")
            .body(hello())
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(res, 401).await, "unauthenticated");
        let res = app
            .bearer(Method::POST, &format!("/api/sync/profile-{me}"), &token)
            .header("x-device-id", "d")
            .header("content-type", "application/json")
            .body(hello())
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(res, 415).await, "unsupported_media_type");
        for device in [None, Some(""), Some("a b"), Some(&*"x".repeat(65))] {
            let mut req = app.bearer(Method::POST, &format!("/api/sync/profile-{me}"), &token);
            if let Some(device) = device {
                req = req.header("x-device-id", device);
            }
            let res = req.body(hello()).send().await.unwrap();
            assert_eq!(error_code(res, 400).await, "bad_request", "{device:?}");
        }
    }
);

both_backends!(
    async fn document_ids_of_any_other_shape_are_400(backend) {
        let app = TestApp::spawn(backend).await;
        let (me, token) = student(&app, "ids@example.com").await;
        for path in [
            format!("/api/sync/profile-{me}%2F.."),
            format!("/api/sync/..%2Fprofile-{me}"),
            format!("/api/sync/profile-{me}%00"),
            format!("/api/sync/profile-{me}%0A"),
            format!("/api/sync/PROFILE-{me}"),
            format!("/api/sync/progress-{me}"),
            format!("/api/sync/progress-{me}-not-a-course"),
            "/api/sync/..".to_owned(),
            "/api/sync/profile-".to_owned(),
            "/api/sync/x".to_owned(),
        ] {
            let head = format!(
                "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
                 X-Device-Id: d\r\nContent-Length: 1\r\nConnection: close\r\n\r\n"
            );
            let res = app.raw_request(head, vec![vec![0u8]]).await;
            assert_eq!(res.status, 400, "{path}: {}", res.body);
            assert!(res.body.contains("bad_request"), "{path}: {}", res.body);
        }
        // A `/` in the id, or no id at all: 400 as well.
        for path in [format!("/api/sync/profile-{me}/x"), "/api/sync/".to_owned()] {
            let res = app
                .bearer(Method::POST, &path, &token)
                .header("x-device-id", "d")
                .body(vec![0u8])
                .send()
                .await
                .unwrap();
            assert_eq!(error_code(res, 400).await, "bad_request", "{path}");
        }
    }
);

pub(crate) async fn completions(app: &TestApp, user: &str) -> Vec<(String, DateTime<Utc>)> {
    crate::on_db!(&app.db, pool => {
        sqlx::query_as(
            "SELECT lesson_id, completed_at FROM lesson_completions WHERE user_id = $1 \
             ORDER BY lesson_id",
        )
        .bind(user)
        .fetch_all(pool)
        .await
        .unwrap()
    })
}

async fn course_completion(app: &TestApp, user: &str) -> Vec<(String, DateTime<Utc>)> {
    crate::on_db!(&app.db, pool => {
        sqlx::query_as("SELECT course_id, completed_at FROM course_completions WHERE user_id = $1")
            .bind(user)
            .fetch_all(pool)
            .await
            .unwrap()
    })
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

both_backends!(
    async fn completing_every_lesson_records_the_course_once_and_forged_lessons_change_nothing(
        backend
    ) {
        let app = TestApp::spawn(backend).await;
        let (me, token) = student(&app, "learner@example.com").await;
        let client = SyncClient::of(&app, &token);
        let course = app.insert_course(CourseSpec::default()).await;
        let other = app.insert_course(CourseSpec::default()).await;
        app.enroll(&token, &course.id).await;
        let doc = format!("progress-{me}-{}", course.id);
        let lessons = &course.lessons;
        assert_eq!(lessons.len(), 4);

        let mut laptop = Device::started("laptop");
        laptop.complete(&lessons[0], "2026-11-20T10:00:00Z");
        laptop.complete(&lessons[1], "2026-11-21T10:00:00Z");
        // Forged: a lesson of another course, and one that exists nowhere.
        laptop.complete(&other.lessons[0], "2026-11-21T11:00:00Z");
        laptop.complete(&uuid::Uuid::now_v7().to_string(), "2026-11-21T12:00:00Z");
        client.sync(&doc, &mut laptop).await;
        let recorded = completions(&app, &me).await;
        assert_eq!(recorded.len(), 2, "{recorded:?}");
        assert!(course_completion(&app, &me).await.is_empty());

        // The phone completes the rest offline; the laptop completes lesson 0 again, later.
        let mut phone = Device::empty("phone");
        client.sync(&doc, &mut phone).await;
        phone.complete(&lessons[2], "2026-11-22T10:00:00Z");
        phone.complete(&lessons[3], "2026-11-23T10:00:00Z");
        laptop.complete(&lessons[0], "2026-11-25T10:00:00Z");
        client.sync(&doc, &mut phone).await;
        client.sync(&doc, &mut laptop).await;

        let recorded = completions(&app, &me).await;
        assert_eq!(recorded.len(), 4, "{recorded:?}");
        let first = recorded.iter().find(|(l, _)| l == &lessons[0]).unwrap();
        assert_eq!(first.1, at("2026-11-20T10:00:00Z"), "the first completion counts");
        assert_eq!(
            course_completion(&app, &me).await,
            vec![(course.id.clone(), at("2026-11-23T10:00:00Z"))]
        );
        let in_other = app
            .count("SELECT COUNT(*) FROM lesson_completions WHERE course_id = $1", &other.id)
            .await;
        assert_eq!(in_other, 0);

        // Recorded once: a lesson added later and completed changes nothing of it.
        let mut tablet = Device::empty("tablet");
        client.sync(&doc, &mut tablet).await;
        tablet.complete(&lessons[3], "2026-11-19T10:00:00Z");
        client.sync(&doc, &mut tablet).await;
        assert_eq!(
            course_completion(&app, &me).await,
            vec![(course.id.clone(), at("2026-11-23T10:00:00Z"))]
        );

        // "My learning" carries the figures.
        let mine: serde_json::Value = {
            let res = app.bearer(Method::GET, "/api/me/courses", &token).send().await.unwrap();
            assert_eq!(res.status(), 200);
            res.json().await.unwrap()
        };
        // Left the course? No: still enrolled here.
        let entry = &mine.as_array().unwrap()[0];
        assert_eq!(entry["lessons_completed"], 4, "{entry}");
        assert!(entry["completed_at"].is_string(), "{entry}");
    }
);

both_backends!(
    async fn the_account_export_holds_the_documents_and_deletion_removes_them(backend) {
        let app = TestApp::spawn(backend).await;
        let (me, token) = student(&app, "export@example.com").await;
        let client = SyncClient::of(&app, &token);
        let doc = format!("profile-{me}");
        let mut device = Device::started("d");
        let event = device.complete("01933c5e-8000-7000-8000-000000000001", "2026-11-30T10:00:00Z");
        client.sync(&doc, &mut device).await;

        let res = app.bearer(Method::GET, "/api/me/export", &token).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let export: serde_json::Value = res.json().await.unwrap();
        let docs = export["documents"].as_array().unwrap();
        assert_eq!(docs.len(), 1, "{export}");
        assert_eq!(docs[0]["doc_id"], doc);
        assert_eq!(docs[0]["events"][0]["id"], event.id);
        assert_eq!(docs[0]["events"][0]["kind"], "lesson_completed");

        let res = app
            .bearer(Method::DELETE, "/api/me", &token)
            .json(&serde_json::json!({"current_password": DEMO_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        assert!(stored(&app, &doc).await.is_none());
        assert_eq!(
            app.count("SELECT COUNT(*) FROM sync_states WHERE doc_id = $1", &doc).await,
            0
        );
    }
);

/// Appends events one by one from `from`, syncing after each; returns the ids the server
/// acknowledged (every request of their session answered 200 or 204) and stops at the first
/// failed request.
async fn sync_events(
    client: &SyncClient,
    doc: &str,
    device: &mut Device,
    lessons: std::ops::Range<usize>,
    progress: &std::sync::atomic::AtomicUsize,
) -> (BTreeSet<String>, bool) {
    let mut acknowledged = BTreeSet::new();
    for n in lessons {
        device.complete(
            "01933c5e-8000-7000-8000-000000000001",
            &format!("2026-11-30T10:00:{:02}.{:03}Z", n / 1000 % 60, n % 1000),
        );
        device.state = State::decode(&device.state.encode()).unwrap();
        loop {
            match client.step(doc, device).await {
                Ok(None) => break,
                Ok(Some(_)) => {}
                Err(_) => return (acknowledged, false),
            }
        }
        acknowledged = device.event_ids();
        progress.store(n, std::sync::atomic::Ordering::SeqCst);
    }
    (acknowledged, true)
}

both_backends!(
    async fn sigkill_mid_sync_loses_nothing_acknowledged_and_the_client_completes_later(backend) {
        let database = crate::helpers::FreshDatabase::create(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let mut server = ServerProcess::start(&database.url, dir.path());
        let http = reqwest::Client::new();
        let (token, doc) = demo_student(&http, &server.url).await;
        let client = SyncClient {
            http: http.clone(),
            base: server.url.clone(),
            token: token.clone(),
        };

        // Sync event after event in the background; kill the server once 40 went through,
        // while the client keeps sending.
        let progress = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut device = Device::started("laptop");
        let background = {
            let client = client.clone();
            let doc = doc.clone();
            let progress = progress.clone();
            tokio::spawn(async move {
                let outcome = sync_events(&client, &doc, &mut device, 1..400, &progress).await;
                (device, outcome)
            })
        };
        while progress.load(std::sync::atomic::Ordering::SeqCst) < 40 {
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        server.kill();
        let (mut device, (acknowledged, finished)) = background.await.unwrap();
        assert!(!finished, "the kill cut the client's syncing short");
        assert!(acknowledged.len() >= 40, "{}", acknowledged.len());

        // Back on the same database: everything acknowledged is there, and the client finishes.
        let server = ServerProcess::start(&database.url, dir.path());
        let client = SyncClient {
            base: server.url.clone(),
            ..client
        };
        let mut fresh = Device::empty("fresh");
        client.sync(&doc, &mut fresh).await;
        let recovered = fresh.event_ids();
        assert!(
            acknowledged.is_subset(&recovered),
            "lost {:?}",
            acknowledged.difference(&recovered).collect::<Vec<_>>()
        );
        let done = std::sync::atomic::AtomicUsize::new(0);
        let (_, finished) = sync_events(&client, &doc, &mut device, 400..405, &done).await;
        assert!(finished);
        client.sync(&doc, &mut device).await;
        let mut check = Device::empty("check");
        client.sync(&doc, &mut check).await;
        assert_eq!(check.event_ids(), device.event_ids());
        assert_eq!(check.event_ids().len(), device.doc.events().len());
        drop(server);
    }
);

/// Signs in to a server process as the demo student: (token, their profile document's id).
pub(crate) async fn demo_student(http: &reqwest::Client, url: &str) -> (String, String) {
    let sign_in: serde_json::Value = http
        .post(format!("{url}/api/auth/sign-in"))
        .json(&serde_json::json!({"email": "student@demo.local", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = sign_in["token"].as_str().unwrap().to_owned();
    let id = sign_in["user"]["id"].as_str().unwrap().to_owned();
    (token, format!("profile-{id}"))
}

both_backends!(
    async fn devices_writing_at_once_through_two_server_processes_lose_nothing(backend) {
        let database = crate::helpers::FreshDatabase::create(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let first = ServerProcess::start(&database.url, dir.path());
        let second = ServerProcess::start(&database.url, dir.path());
        let http = reqwest::Client::new();
        let (token, doc) = demo_student(&http, &first.url).await;
        let clients: Vec<SyncClient> = [&first.url, &second.url]
            .into_iter()
            .map(|base| SyncClient {
                http: http.clone(),
                base: base.clone(),
                token: token.clone(),
            })
            .collect();

        // Four devices, each completing lessons and syncing after each, alternating between the
        // processes, all at once: every write to the document is serialized by its lock, and a
        // process's cached copy is used only while it is the current version.
        let tasks: Vec<_> = (0..4)
            .map(|n| {
                let clients = clients.clone();
                let doc = doc.clone();
                tokio::spawn(async move {
                    let mut device = Device::started(&format!("device-{n}"));
                    for i in 0..12 {
                        device.complete(
                            "01933c5e-8000-7000-8000-000000000001",
                            &format!("2026-11-30T1{n}:00:{i:02}Z"),
                        );
                        clients[(n + i) % 2].sync(&doc, &mut device).await;
                    }
                    device
                })
            })
            .collect();
        let mut devices = Vec::new();
        for task in tasks {
            devices.push(task.await.unwrap());
        }
        let written: BTreeSet<String> = devices.iter().flat_map(|d| d.event_ids()).collect();
        assert_eq!(written.len(), 48);
        for client in &clients {
            let mut fresh = Device::empty("fresh");
            client.sync(&doc, &mut fresh).await;
            assert_eq!(fresh.event_ids(), written, "via {}", client.base);
        }
        for (i, device) in devices.iter_mut().enumerate() {
            clients[i % 2].sync(&doc, device).await;
            assert_eq!(device.event_ids(), written);
        }
    }
);

both_backends!(
    async fn a_whole_saved_document_sent_as_one_chunk_is_merged(backend) {
        // JS Automerge may put a whole saved document in a sync message as one change.
        let app = TestApp::spawn(backend).await;
        let (user, token) = student(&app, "whole@example.com").await;
        let client = SyncClient::of(&app, &token);
        let doc = format!("profile-{user}");
        let mut phone = Device::started("phone");
        phone.complete("01933c5e-8000-7000-8000-000000000001", "2026-11-30T09:00:00Z");
        client.sync(&doc, &mut phone).await;

        let mut other = LearnerDoc::new();
        for minute in 0..3 {
            other
                .append(&Event::new(
                    EventKind::LessonOpened {
                        lesson_id: LessonId::parse("01933c5e-8000-7000-8000-000000000002").unwrap(),
                    },
                    format!("2026-11-30T10:0{minute}:00Z"),
                ))
                .unwrap();
        }
        let mut raw = AutoCommit::load(&other.save()).unwrap();
        let res = client.post(&doc, "js", message_with_changes(&mut raw, &[])).await;
        assert!(matches!(res.status().as_u16(), 200 | 204), "{}", res.status());

        client.sync(&doc, &mut phone).await;
        let sent: BTreeSet<String> = other.events().into_iter().map(|e| e.id).collect();
        assert_eq!(phone.doc.events().len(), 4);
        assert!(sent.is_subset(&phone.event_ids()));
    }
);
