// Interop: the JavaScript Automerge (`@automerge/automerge` 3.x) as a peer of the server's
// `POST /api/sync/{doc_id}`, exactly as the README documents the wire contract and the learner
// document layout. JS devices push events, pull another device's, and converge with the server;
// a document JS Automerge sends whole (a saved document loaded by another actor, synced to a doc
// the server has never seen) is accepted and reaches the other devices. No browser: Node only.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import * as Automerge from "@automerge/automerge";
import { DEMO_PASSWORD, startServer } from "./harness.mjs";

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.cleanup();
});

/** Signs in through the API; returns the bearer token and the user's id. */
async function signIn(email) {
  const response = await fetch(`${server.url}/api/auth/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  assert.equal(response.status, 200, `API sign-in of ${email}`);
  const { token } = await response.json();
  const me = await (await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).json();
  return { token, userId: me.id };
}

/** Enrolls the caller in a demo course; returns the course and its lesson ids. */
async function enrolledCourse(token, slug) {
  const enroll = await fetch(`${server.url}/api/courses/${slug}/enrollment`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
  });
  assert.ok([200, 201].includes(enroll.status), `enrollment in ${slug}: ${enroll.status}`);
  const course = await (await fetch(`${server.url}/api/courses/${slug}`)).json();
  return { course, lessons: course.modules.flatMap((module) => module.lessons.map((lesson) => lesson.id)) };
}

/** One sync request: the message's bytes out, the server's status and reply bytes back. */
async function post(token, docId, device, message) {
  const response = await fetch(`${server.url}/api/sync/${docId}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/octet-stream",
      "x-device-id": device,
    },
    body: message,
  });
  const body = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, body, type: response.headers.get("content-type") };
}

/**
 * A JS device: its document, its sync state with the server, and the standard loop of the
 * contract (send, read the reply, until the server answers 204 and this side has nothing to send).
 */
class Device {
  constructor(token, docId, id, doc = Automerge.init()) {
    Object.assign(this, { token, docId, id, doc, state: Automerge.initSyncState(), sent: 0, received: 0, carried: [] });
  }

  async sync() {
    // Each round is a new connection: only the shared heads carry over (Automerge's advice for a
    // reconnect), so the first message always goes out and asks what the server has gained since.
    this.state = Automerge.decodeSyncState(Automerge.encodeSyncState(this.state));
    for (let round = 0; round < 50; round++) {
      const [state, message] = Automerge.generateSyncMessage(this.doc, this.state);
      this.state = state;
      if (message === null) return;
      const reply = await post(this.token, this.docId, this.id, message);
      this.sent += message.byteLength;
      this.carried.push(Automerge.decodeSyncMessage(message).changes.length);
      if (reply.status === 204) continue;
      assert.equal(reply.status, 200, `sync of ${this.docId} from ${this.id}: ${reply.status} ${new TextDecoder().decode(reply.body)}`);
      assert.equal(reply.type, "application/octet-stream");
      this.received += reply.body.byteLength;
      [this.doc, this.state] = Automerge.receiveSyncMessage(this.doc, this.state, reply.body);
    }
    assert.fail(`sync of ${this.docId} from ${this.id} did not settle in 50 rounds`);
  }

  /** Appends one event the way the README says: a map of scalar strings (never collaborative text). */
  append(kind, fields = {}) {
    const event = { id: randomUUID(), kind, at: new Date().toISOString(), ...fields };
    this.doc = Automerge.change(this.doc, (doc) => {
      if (!doc.events) {
        doc.events = [];
        doc.schema = 1;
      }
      doc.events.push(Object.fromEntries(Object.entries(event).map(([k, v]) => [k, new Automerge.ImmutableString(v)])));
    });
    return event.id;
  }

  /** Every event id, once each, across all conflicting `events` lists (as the README says to read them). */
  eventIds() {
    // getConflicts names every value of a key only when there are several.
    const conflicts = Automerge.getConflicts(this.doc, "events");
    const lists = conflicts ? Object.values(conflicts) : [this.doc.events];
    const ids = new Set();
    for (const list of lists) for (const event of list ?? []) ids.add(String(event.id));
    return [...ids].sort();
  }
}

/** The genesis every peer starts a document with (README): actor 0…0, time 0, `events` = [], `schema` = 1. */
function genesis(actor = randomUUID().replaceAll("-", "")) {
  const first = Automerge.change(
    Automerge.init({ actor: "00".repeat(16) }),
    { time: 0 },
    (doc) => {
      doc.events = [];
      doc.schema = new Automerge.Uint(1);
    },
  );
  return Automerge.clone(first, { actor });
}

/** The hash of the genesis change `shared::doc::LearnerDoc::new()` makes in Rust. */
const RUST_GENESIS = "a807d58c9178be1adf248060147c9b92a0f834a2416e67e6162c3c5ab3b007b8";

test("JS Automerge makes the very genesis change the Rust learner documents start with", () => {
  assert.deepEqual(Automerge.getHeads(genesis()), [RUST_GENESIS]);
});

const completed = (lessonId) => ["lesson_completed", { lesson_id: lessonId }];

test("JS Automerge devices push events, pull each other's through the server, and converge", async () => {
  const { token, userId } = await signIn("student@demo.local");
  const { course, lessons } = await enrolledCourse(token, "rust-from-zero");
  assert.ok(lessons.length >= 3);
  const docId = `progress-${userId}-${course.id}`;

  // Device A starts the document (the deterministic genesis) and pushes two completions.
  const a = new Device(token, docId, "js-device-a", genesis());
  const pushed = [a.append(...completed(lessons[0])), a.append(...completed(lessons[1]))];
  await a.sync();

  // Device B has never seen the document: it pulls everything from the server.
  const b = new Device(token, docId, "js-device-b");
  await b.sync();
  assert.deepEqual(b.eventIds(), [...pushed].sort(), "B pulled A's events");

  // Both record offline, then sync in turn: nothing is lost, both end with the same document.
  const fromB = b.append(...completed(lessons[2]));
  const fromA = a.append("lesson_opened", { lesson_id: lessons[2] });
  await b.sync();
  await a.sync();
  await b.sync();
  const all = [...pushed, fromA, fromB].sort();
  assert.deepEqual(a.eventIds(), all);
  assert.deepEqual(b.eventIds(), all);
  assert.deepEqual(Automerge.getHeads(a.doc).sort(), Automerge.getHeads(b.doc).sort(), "A and B converged");
  assert.equal(Automerge.getConflicts(a.doc, "events"), undefined, "one `events` list, from the shared genesis");

  // An incremental sync of one new event stays small on the wire.
  const before = { sent: a.sent, received: a.received };
  a.append(...completed(lessons[3] ?? lessons[0]));
  await a.sync();
  assert.ok(a.sent - before.sent < 2_000, `one event sent in ${a.sent - before.sent} bytes`);
});

test("a saved JS document loaded by another actor and synced whole to a new doc id is accepted and reaches other devices", async () => {
  const { token, userId } = await signIn("student@demo.local");
  const { lessons } = await enrolledCourse(token, "rust-from-zero");
  // The profile document: the server has never seen it.
  const docId = `profile-${userId}`;

  // Built offline on one device (an unknown kind is carried along as it is), saved, loaded by another actor.
  const offline = new Device(token, docId, "js-offline", genesis());
  const ids = [offline.append("streak_day", { day: "2026-11-29" }), offline.append(...completed(lessons[0]))];
  const saved = Automerge.save(offline.doc);
  const loaded = new Device(token, docId, "js-loaded", Automerge.load(saved, { actor: randomUUID().replaceAll("-", "") }));
  ids.push(loaded.append("streak_day", { day: "2026-11-30" }));
  await loaded.sync();
  // JS Automerge 3 sent the document whole: one entry in a message for all of its changes.
  assert.ok(Automerge.getAllChanges(loaded.doc).length >= 4);
  assert.ok(loaded.carried.includes(1) && !loaded.carried.some((n) => n > 1), `change entries per message: ${loaded.carried}`);

  const fresh = new Device(token, docId, "js-fresh");
  await fresh.sync();
  assert.deepEqual(fresh.eventIds(), [...ids].sort(), "every event of the loaded document reached the server");

  // The original device syncs later: it only gains the loaded device's event.
  await offline.sync();
  assert.deepEqual(offline.eventIds(), [...ids].sort());
});

test("the server refuses what breaks the contract: collaborative-text fields, someone else's doc, a bad doc id, no device id, junk", async () => {
  const { token, userId } = await signIn("student@demo.local");
  const { course, lessons } = await enrolledCourse(token, "rust-from-zero");
  const docId = `progress-${userId}-${course.id}`;

  // JS Automerge 3 writes plain strings as collaborative text: the schema wants scalar strings.
  const text = new Device(token, docId, "js-text", genesis());
  text.doc = Automerge.change(text.doc, (doc) => {
    doc.events.push({ id: randomUUID(), kind: "lesson_completed", at: new Date().toISOString(), lesson_id: lessons[0] });
  });
  let [, message] = Automerge.generateSyncMessage(text.doc, text.state);
  let reply = await post(token, docId, text.id, message);
  // The first message carries only heads; the changes follow once the server says what it lacks.
  for (let round = 0; reply.status === 200 && round < 10; round++) {
    [text.doc, text.state] = Automerge.receiveSyncMessage(text.doc, text.state, reply.body);
    [text.state, message] = Automerge.generateSyncMessage(text.doc, text.state);
    if (message === null) break;
    reply = await post(token, docId, text.id, message);
  }
  assert.equal(reply.status, 400, "an event of collaborative text is refused");
  assert.equal(JSON.parse(new TextDecoder().decode(reply.body)).error.code, "schema_violation");

  const valid = Automerge.generateSyncMessage(genesis(), Automerge.initSyncState())[1];
  const stranger = `progress-00000000-0000-4000-8000-000000000000-${course.id}`;
  assert.equal((await post(token, stranger, "js-x", valid)).status, 404, "someone else's doc");
  assert.equal((await post(token, "notes-of-mine", "js-x", valid)).status, 400, "a doc id of another shape");
  assert.equal((await post(token, `progress-${userId}-..`, "js-x", valid)).status, 400, "a doc id with ..");
  const noDevice = await fetch(`${server.url}/api/sync/${docId}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
    body: valid,
  });
  assert.equal(noDevice.status, 400, "no X-Device-Id");
  const junk = await post(token, docId, "js-x", new Uint8Array([0x42, 0x00, 0xff, 0x13]));
  assert.equal(junk.status, 400);
  assert.equal(JSON.parse(new TextDecoder().decode(junk.body)).error.code, "invalid_sync_message");
  const anonymous = await fetch(`${server.url}/api/sync/${docId}`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream", "x-device-id": "js-x" },
    body: valid,
  });
  assert.equal(anonymous.status, 401);
});
