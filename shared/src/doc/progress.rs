//! What a progress document says about a course, derived from its events alone: the lessons
//! completed and when each was first completed. Pure; both the client (offline) and the
//! server's projections use it, so they agree.

use std::collections::BTreeMap;

use super::{Event, EventKind};
use crate::domain::LessonId;

/// The lessons completed, each with the `at` of its earliest completion (RFC 3339 text).
/// Two devices completing the same lesson count it once.
pub fn completed_lessons(events: &[Event]) -> BTreeMap<LessonId, String> {
    let mut completed: BTreeMap<LessonId, (i64, String)> = BTreeMap::new();
    for event in events {
        let EventKind::LessonCompleted { lesson_id } = &event.kind else {
            continue;
        };
        let millis = event.at_millis().unwrap_or(i64::MAX);
        completed
            .entry(lesson_id.clone())
            .and_modify(|kept| {
                if millis < kept.0 {
                    *kept = (millis, event.at.clone());
                }
            })
            .or_insert((millis, event.at.clone()));
    }
    completed
        .into_iter()
        .map(|(lesson, (_, at))| (lesson, at))
        .collect()
}

/// The share of `lessons` (a course's lessons) that `completed` covers, 0.0 to 1.0; lessons
/// completed that are no longer in the course do not count.
pub fn completion_ratio(completed: &BTreeMap<LessonId, String>, lessons: &[LessonId]) -> f64 {
    if lessons.is_empty() {
        return 0.0;
    }
    let done = lessons.iter().filter(|l| completed.contains_key(l)).count();
    done as f64 / lessons.len() as f64
}
