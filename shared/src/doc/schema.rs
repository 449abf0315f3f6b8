//! The schema every learner document keeps, checked on what a peer adds (its new changes), so a
//! sync message that would break a document, or change or delete an event already there, is
//! refused. Checks operations, never reads the whole document: the cost follows the message.
//!
//! The rules, in the order they are tested:
//! - the root holds only `events` (a list, made once per peer with no predecessor) and `schema`
//!   (a positive integer);
//! - nothing is ever deleted, incremented, marked or overwritten (every operation has no
//!   predecessor): events are append-only;
//! - an `events` list only receives inserted maps (new events);
//! - anything else written goes into an object made by the same message (a new event's fields);
//! - every new event has `id` (a UUID), `kind` (a kind name), `at` (RFC 3339) as strings, and a
//!   known kind its own fields as strings, each reading as its rule asks (`lesson_id` a UUID,
//!   `quiz_version` a whole number from 1, `score_percent` 0 to 100, `passed` `true`/`false`,
//!   `duration_ms` a whole number; `answers` any text); unknown kinds are kept as they are.

use std::collections::HashSet;

use automerge::legacy::{self, Key, ObjectId, OpType};
use automerge::{ActorId, Automerge, ChangeHash, ObjType, ReadDoc, ScalarValue, ROOT};

use super::event::{is_kind_name, is_uuid, rfc3339_millis, KNOWN_KINDS};
use super::{EVENTS, SCHEMA};

/// Why a document, or what a message adds to it, breaks the schema. The text says which rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError(pub String);

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SchemaError {}

fn refuse(text: impl Into<String>) -> SchemaError {
    SchemaError(text.into())
}

/// An object's identity as the operations name it: (counter, actor).
type OpKey = (u64, ActorId);

/// Checks the whole document (every change it holds), as on loading saved bytes.
pub fn validate(doc: &Automerge) -> Result<(), SchemaError> {
    validate_changes_since(doc, &[])
}

/// Checks what `doc` holds beyond `before` (the heads it had before a message was applied).
pub fn validate_changes_since(doc: &Automerge, before: &[ChangeHash]) -> Result<(), SchemaError> {
    let changes = doc.get_changes(before);
    if changes.is_empty() {
        return Ok(());
    }
    // The events lists the document has now; a message may also make one (its first change).
    let mut event_lists: HashSet<OpKey> = HashSet::new();
    if let Ok(values) = doc.get_all(ROOT, EVENTS) {
        for (value, id) in values {
            match (value, id) {
                (
                    automerge::Value::Object(ObjType::List),
                    automerge::ObjId::Id(counter, actor, _),
                ) => {
                    event_lists.insert((counter, actor));
                }
                _ => return Err(refuse("the root's `events` must be a list")),
            }
        }
    }
    if event_lists.is_empty() {
        return Err(refuse("the document has no `events` list"));
    }
    // Objects made by the new changes (their fields may be written), and the new events.
    let mut made: HashSet<OpKey> = HashSet::new();
    let mut new_events: Vec<OpKey> = Vec::new();
    for change in &changes {
        let expanded = change.decode();
        let start = expanded.start_op.get();
        for (i, op) in expanded.operations.iter().enumerate() {
            let id = (start + i as u64, expanded.actor_id.clone());
            check_op(op, &id, &event_lists, &made, &mut new_events)?;
            if let OpType::Make(_) = op.action {
                made.insert(id);
            }
        }
    }
    for (counter, actor) in &new_events {
        let obj = doc
            .import_obj(&format!("{counter}@{actor}"))
            .map_err(|_| refuse("a new event is missing from the document"))?;
        check_event(doc, &obj)?;
    }
    Ok(())
}

fn key_of(object: &ObjectId) -> Option<OpKey> {
    match object {
        ObjectId::Root => None,
        ObjectId::Id(legacy::OpId(counter, actor)) => Some((*counter, actor.clone())),
    }
}

fn check_op(
    op: &legacy::Op,
    id: &OpKey,
    event_lists: &HashSet<OpKey>,
    made: &HashSet<OpKey>,
    new_events: &mut Vec<OpKey>,
) -> Result<(), SchemaError> {
    match op.action {
        OpType::Make(_) | OpType::Put(_) => {}
        OpType::Delete => return Err(refuse("events are append-only: nothing may be deleted")),
        OpType::Increment(_) | OpType::MarkBegin(_) | OpType::MarkEnd(_) => {
            return Err(refuse("counters and marks are not part of the schema"))
        }
    }
    if !op.pred.is_empty() {
        return Err(refuse("events are append-only: nothing may be overwritten"));
    }
    let Some(object) = key_of(&op.obj) else {
        return match (&op.key, &op.action) {
            (Key::Map(key), OpType::Make(ObjType::List)) if key == EVENTS => Ok(()),
            (Key::Map(key), OpType::Put(ScalarValue::Uint(v))) if key == SCHEMA && *v >= 1 => {
                Ok(())
            }
            (Key::Map(key), OpType::Put(ScalarValue::Int(v))) if key == SCHEMA && *v >= 1 => Ok(()),
            (Key::Map(key), _) if key == EVENTS => {
                Err(refuse("the root's `events` must be a list"))
            }
            (Key::Map(key), _) if key == SCHEMA => {
                Err(refuse("the root's `schema` must be a positive integer"))
            }
            _ => Err(refuse("the root holds only `events` and `schema`")),
        };
    };
    if event_lists.contains(&object) {
        return match (&op.action, op.insert) {
            (OpType::Make(ObjType::Map), true) => {
                new_events.push(id.clone());
                Ok(())
            }
            _ => Err(refuse("an `events` list holds only events (maps)")),
        };
    }
    if made.contains(&object) {
        return Ok(());
    }
    Err(refuse(
        "events are append-only: an existing event may not change",
    ))
}

/// Checks one event map's fields in the document as it is now.
fn check_event(doc: &Automerge, obj: &automerge::ObjId) -> Result<(), SchemaError> {
    let text = |field: &str| -> Result<String, SchemaError> {
        match doc.get(obj, field) {
            Ok(Some((automerge::Value::Scalar(value), _))) => match value.as_ref() {
                ScalarValue::Str(s) => Ok(s.to_string()),
                _ => Err(refuse(format!("an event's `{field}` must be a string"))),
            },
            _ => Err(refuse(format!("an event must have `{field}`"))),
        }
    };
    let id = text("id")?;
    if !is_uuid(&id) {
        return Err(refuse("an event's `id` must be a UUID"));
    }
    let kind = text("kind")?;
    if !is_kind_name(&kind) {
        return Err(refuse(
            "an event's `kind` must be 1 to 64 of a-z, 0-9 and _, starting with a letter",
        ));
    }
    if rfc3339_millis(&text("at")?).is_none() {
        return Err(refuse("an event's `at` must be an RFC 3339 date-time"));
    }
    check_fields(&kind, |field| text(field).map(Some))
}

/// Checks a known kind's fields (`text` answers a field's text, or why it has none).
fn check_fields(
    kind: &str,
    text: impl Fn(&str) -> Result<Option<String>, SchemaError>,
) -> Result<(), SchemaError> {
    let Some((_, fields)) = KNOWN_KINDS.iter().find(|(name, _)| *name == kind) else {
        return Ok(());
    };
    for (field, rule) in *fields {
        let Some(value) = text(field)? else {
            return Err(refuse(format!("a `{kind}` event must have `{field}`")));
        };
        if !rule.accepts(&value) {
            return Err(refuse(format!(
                "a `{kind}` event's `{field}` must be {}",
                rule.describe()
            )));
        }
    }
    Ok(())
}

/// Checks an event a device is about to append, with the same rules as `check_event`.
pub(crate) fn check_new_event(event: &super::Event) -> Result<(), SchemaError> {
    if !is_uuid(&event.id) {
        return Err(refuse("an event's `id` must be a UUID"));
    }
    if !is_kind_name(event.kind.name()) {
        return Err(refuse(
            "an event's `kind` must be 1 to 64 of a-z, 0-9 and _, starting with a letter",
        ));
    }
    if rfc3339_millis(&event.at).is_none() {
        return Err(refuse("an event's `at` must be an RFC 3339 date-time"));
    }
    let fields = event.kind.fields();
    check_fields(event.kind.name(), |name| {
        Ok(fields
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, value)| value.clone()))
    })
}
