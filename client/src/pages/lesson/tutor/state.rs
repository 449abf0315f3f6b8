//! The tutor drawer's state as one reducer: the lesson's conversations, the open one's messages,
//! the reply streaming in, and what went wrong. Pure (no HTTP, no DOM), so every step of a
//! streamed reply is tested natively; the drawer dispatches what `api` reports.

use std::rc::Rc;

use shared::api::tutor::{
    Author, Citation, Conversation, ConversationList, ReplyStatus, TutorEvent, TutorMessage,
    CONVERSATION_MAX_MESSAGES,
};
use shared::domain::{ConversationId, TutorMessageId};
use yew::Reducible;

use crate::error::ClientError;

/// What went wrong, shown above the text box until the next question.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// A request was refused or never answered.
    Request(ClientError),
    /// The reply broke off (an `error` event, or the stream ended before `done`): retry it.
    ReplyBroken,
}

/// A reply on its way.
#[derive(Debug, Clone, PartialEq)]
pub struct Streaming {
    /// Which request it is: events of an earlier, stopped one are dropped.
    pub id: u32,
    /// The question as typed, shown until `start` brings the stored one (`None` on a retry).
    pub question: Option<String>,
    /// Known from `start` on.
    pub reply_id: Option<TutorMessageId>,
    pub text: String,
    pub citations: Vec<Citation>,
    pub made_without_llm: bool,
    /// A `replace` took back what was streamed: the text is the guard's hint.
    pub guarded: bool,
}

impl Streaming {
    fn new(id: u32, question: Option<String>) -> Self {
        Self {
            id,
            question,
            reply_id: None,
            text: String::new(),
            citations: Vec::new(),
            made_without_llm: false,
            guarded: false,
        }
    }

    /// Whether the first words have arrived (until then the drawer shows "thinking").
    pub fn has_text(&self) -> bool {
        !self.text.is_empty()
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TutorState {
    /// `None` until loaded.
    pub list: Option<ConversationList>,
    /// The open conversation; `None` for a new one (until its first reply starts).
    pub conversation: Option<ConversationId>,
    pub messages: Vec<TutorMessage>,
    /// The open conversation holds as many messages as it may.
    pub full: bool,
    /// The open conversation is being fetched.
    pub loading: bool,
    pub streaming: Option<Streaming>,
    pub problem: Option<Problem>,
    /// The text box.
    pub draft: String,
}

impl TutorState {
    /// Nothing is open or on its way: the drawer offers the lesson's conversations and a question
    /// starts a new one.
    pub fn is_new(&self) -> bool {
        self.conversation.is_none()
            && self.messages.is_empty()
            && self.streaming.is_none()
            && !self.loading
    }

    /// The most messages a conversation may hold.
    pub fn max_messages(&self) -> u32 {
        self.list
            .as_ref()
            .map_or(CONVERSATION_MAX_MESSAGES, |list| list.max_messages)
    }

    /// The last message, when it is a reply the tutor did not finish (it can be retried).
    pub fn retryable(&self) -> Option<&TutorMessage> {
        self.messages
            .last()
            .filter(|m| m.author == Author::Tutor && m.status == ReplyStatus::Incomplete)
    }

    /// Whether "Retry" makes sense now: a conversation whose last reply broke off.
    pub fn can_retry(&self) -> bool {
        self.streaming.is_none()
            && self.conversation.is_some()
            && (self.retryable().is_some() || self.problem == Some(Problem::ReplyBroken))
    }

    fn update_fullness(&mut self) {
        let max = usize::try_from(self.max_messages()).unwrap_or(usize::MAX);
        self.full = self.full || self.messages.len() >= max;
    }

    /// Ends the reply on its way: what was streamed is kept as an incomplete reply (as the server
    /// stores it), or, before anything started, the question goes back into the text box.
    fn break_off(&mut self) {
        let Some(streaming) = self.streaming.take() else {
            return;
        };
        match streaming.reply_id {
            Some(id) => {
                let created_at = match self.messages.last() {
                    Some(last) => last.created_at.clone(),
                    None => return,
                };
                self.messages.push(TutorMessage {
                    id,
                    author: Author::Tutor,
                    text: streaming.text,
                    status: ReplyStatus::Incomplete,
                    citations: streaming.citations,
                    guarded: streaming.guarded,
                    made_without_llm: streaming.made_without_llm,
                    rating: None,
                    comment: None,
                    created_at,
                });
            }
            None => {
                if let Some(question) = streaming.question {
                    if self.draft.trim().is_empty() {
                        self.draft = question;
                    }
                }
            }
        }
    }

    fn on_event(&mut self, event: TutorEvent) {
        let Some(streaming) = self.streaming.as_mut() else {
            return;
        };
        match event {
            TutorEvent::Start {
                conversation_id,
                question,
                reply_id,
                citations,
                made_without_llm,
            } => {
                self.conversation = Some(conversation_id);
                streaming.question = None;
                streaming.reply_id = Some(reply_id);
                streaming.citations = citations;
                streaming.made_without_llm = made_without_llm;
                if let Some(question) = question {
                    self.messages.push(question);
                }
            }
            TutorEvent::Delta { text } => streaming.text.push_str(&text),
            TutorEvent::Replace { text } => {
                streaming.text = text;
                streaming.guarded = true;
            }
            TutorEvent::Done { reply } => {
                self.streaming = None;
                self.messages.retain(|m| m.id != reply.id);
                self.messages.push(reply);
                self.update_fullness();
            }
            TutorEvent::Error { reply, .. } => {
                match reply {
                    Some(reply) => {
                        self.streaming = None;
                        self.messages.retain(|m| m.id != reply.id);
                        self.messages.push(reply);
                    }
                    None => self.break_off(),
                }
                self.problem = Some(Problem::ReplyBroken);
                self.update_fullness();
            }
        }
    }
}

/// What happened, from the drawer or from `api`.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    ListLoaded(ConversationList),
    /// A request other than a reply failed.
    Failed(ClientError),
    /// Back to the start: the lesson's conversations, and a question starts a new one.
    NewConversation,
    Opening(ConversationId),
    Opened(Conversation),
    Deleted(ConversationId),
    Draft(String),
    /// A question is sent, as request `stream`.
    Asking {
        stream: u32,
        question: String,
    },
    /// The last reply of the open conversation is asked for again, as request `stream`.
    Retrying {
        stream: u32,
    },
    Event {
        stream: u32,
        event: TutorEvent,
    },
    /// Request `stream` ended: its body was read to the end, or it failed.
    Ended {
        stream: u32,
        outcome: Result<(), ClientError>,
    },
    /// The learner pressed Stop.
    Stopped,
    /// A rating was saved: the reply as stored now.
    Rated(TutorMessage),
    Dismiss,
}

impl Reducible for TutorState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut state = (*self).clone();
        match action {
            Action::ListLoaded(list) => state.list = Some(list),
            Action::Failed(error) => {
                state.loading = false;
                state.problem = Some(Problem::Request(error));
            }
            Action::NewConversation => {
                state.conversation = None;
                state.messages.clear();
                state.full = false;
                state.loading = false;
                state.problem = None;
            }
            Action::Opening(id) => {
                state.conversation = Some(id);
                state.messages.clear();
                state.full = false;
                state.loading = true;
                state.problem = None;
            }
            Action::Opened(conversation) => {
                // Only the one still asked for (the learner may have picked another meanwhile).
                if state.conversation.as_ref() == Some(&conversation.id) {
                    state.loading = false;
                    state.full = conversation.full;
                    state.messages = conversation.messages;
                    state.update_fullness();
                }
            }
            Action::Deleted(id) => {
                if let Some(list) = state.list.as_mut() {
                    list.items.retain(|item| item.id != id);
                }
                if state.conversation.as_ref() == Some(&id) {
                    state.conversation = None;
                    state.messages.clear();
                    state.full = false;
                }
            }
            Action::Draft(text) => state.draft = text,
            Action::Asking { stream, question } => {
                state.problem = None;
                state.draft.clear();
                state.streaming = Some(Streaming::new(stream, Some(question)));
            }
            Action::Retrying { stream } => {
                state.problem = None;
                if state.retryable().is_some() {
                    state.messages.pop();
                }
                state.streaming = Some(Streaming::new(stream, None));
            }
            Action::Event { stream, event } => {
                if state.streaming.as_ref().is_some_and(|s| s.id == stream) {
                    state.on_event(event);
                }
            }
            Action::Ended { stream, outcome } => {
                if state.streaming.as_ref().is_some_and(|s| s.id == stream) {
                    let started = state
                        .streaming
                        .as_ref()
                        .is_some_and(|s| s.reply_id.is_some());
                    state.break_off();
                    state.problem = match outcome {
                        // The open conversation is full: the drawer says so and offers a new one.
                        Err(ClientError::Conflict { .. }) if state.conversation.is_some() => {
                            state.full = true;
                            None
                        }
                        Err(error) => Some(Problem::Request(error)),
                        Ok(()) if started => Some(Problem::ReplyBroken),
                        Ok(()) => Some(Problem::Request(ClientError::Unexpected {
                            detail: "the reply stream ended before it started".into(),
                        })),
                    };
                }
            }
            Action::Stopped => state.break_off(),
            Action::Rated(reply) => {
                if let Some(message) = state.messages.iter_mut().find(|m| m.id == reply.id) {
                    *message = reply;
                }
            }
            Action::Dismiss => state.problem = None,
        }
        Rc::new(state)
    }
}

#[cfg(test)]
mod tests {
    use shared::api::tutor::{ConversationSummary, Rating};
    use shared::api::Timestamp;
    use shared::domain::LessonId;

    use super::*;

    const CONVERSATION: &str = "0190c2d4-5a6b-7c8d-9e0f-112233445566";
    const QUESTION: &str = "0190c2d4-5a6b-7c8d-9e0f-000000000001";
    const REPLY: &str = "0190c2d4-5a6b-7c8d-9e0f-000000000002";
    const LESSON: &str = "0190c2d4-5a6b-7c8d-9e0f-aaaaaaaaaaaa";

    fn at() -> Timestamp {
        Timestamp::parse("2026-11-29T20:18:17.123Z").unwrap()
    }

    fn citation(n: u32) -> Citation {
        Citation {
            n,
            lesson_id: LessonId::parse(LESSON).unwrap(),
            lesson_title: "Ownership".into(),
            passage: n - 1,
            quote: "Every value in Rust has a single owner.".into(),
        }
    }

    fn message(id: &str, author: Author, text: &str, status: ReplyStatus) -> TutorMessage {
        TutorMessage {
            id: TutorMessageId::parse(id).unwrap(),
            author,
            text: text.into(),
            status,
            citations: if author == Author::Tutor {
                vec![citation(1)]
            } else {
                Vec::new()
            },
            guarded: false,
            made_without_llm: true,
            rating: None,
            comment: None,
            created_at: at(),
        }
    }

    fn start() -> TutorEvent {
        TutorEvent::Start {
            conversation_id: ConversationId::parse(CONVERSATION).unwrap(),
            question: Some(message(
                QUESTION,
                Author::Learner,
                "What is ownership?",
                ReplyStatus::Complete,
            )),
            reply_id: TutorMessageId::parse(REPLY).unwrap(),
            citations: vec![citation(1)],
            made_without_llm: true,
        }
    }

    fn run(state: TutorState, actions: Vec<Action>) -> TutorState {
        let mut state = Rc::new(state);
        for action in actions {
            state = state.reduce(action);
        }
        (*state).clone()
    }

    fn event(stream: u32, event: TutorEvent) -> Action {
        Action::Event { stream, event }
    }

    fn asking(stream: u32) -> Action {
        Action::Asking {
            stream,
            question: "What is ownership?".into(),
        }
    }

    #[test]
    fn a_streamed_reply_grows_then_is_stored() {
        let state = run(
            TutorState::default(),
            vec![
                Action::Draft("What is ownership?".into()),
                asking(1),
                event(1, start()),
            ],
        );
        assert!(state.draft.is_empty());
        let streaming = state.streaming.clone().unwrap();
        assert!(!streaming.has_text(), "thinking until the first delta");
        assert_eq!(state.messages.len(), 1, "the stored question shows");
        assert!(state.conversation.is_some());

        let state = run(
            state,
            vec![
                event(
                    1,
                    TutorEvent::Delta {
                        text: "What does ".into(),
                    },
                ),
                event(
                    1,
                    TutorEvent::Delta {
                        text: "[1] say?".into(),
                    },
                ),
            ],
        );
        assert_eq!(state.streaming.as_ref().unwrap().text, "What does [1] say?");

        let reply = message(
            REPLY,
            Author::Tutor,
            "What does [1] say?",
            ReplyStatus::Complete,
        );
        let state = run(
            state,
            vec![event(
                1,
                TutorEvent::Done {
                    reply: reply.clone(),
                },
            )],
        );
        assert!(state.streaming.is_none());
        assert_eq!(state.messages.last(), Some(&reply));
        assert_eq!(state.problem, None);
    }

    #[test]
    fn a_replace_withdraws_the_streamed_text() {
        let state = run(
            TutorState::default(),
            vec![
                asking(1),
                event(1, start()),
                event(
                    1,
                    TutorEvent::Delta {
                        text: "The answer is B".into(),
                    },
                ),
                event(
                    1,
                    TutorEvent::Replace {
                        text: "Think about who owns it.".into(),
                    },
                ),
            ],
        );
        let streaming = state.streaming.unwrap();
        assert_eq!(streaming.text, "Think about who owns it.");
        assert!(streaming.guarded);
    }

    #[test]
    fn an_error_event_keeps_the_partial_reply_to_retry() {
        let partial = message(REPLY, Author::Tutor, "Half an", ReplyStatus::Incomplete);
        let state = run(
            TutorState::default(),
            vec![
                asking(1),
                event(1, start()),
                event(
                    1,
                    TutorEvent::Delta {
                        text: "Half an".into(),
                    },
                ),
                event(
                    1,
                    TutorEvent::Error {
                        error: "provider failed".into(),
                        reply: Some(partial.clone()),
                    },
                ),
            ],
        );
        assert_eq!(state.problem, Some(Problem::ReplyBroken));
        assert_eq!(state.retryable(), Some(&partial));
        assert!(state.can_retry());

        // Retrying takes the broken reply away; the new one streams in its place.
        let state = run(state, vec![Action::Retrying { stream: 2 }]);
        assert_eq!(state.messages.len(), 1);
        assert_eq!(state.problem, None);
        assert!(!state.can_retry(), "not while a reply streams");
        let retry_start = TutorEvent::Start {
            conversation_id: ConversationId::parse(CONVERSATION).unwrap(),
            question: None,
            reply_id: TutorMessageId::parse(REPLY).unwrap(),
            citations: vec![citation(1)],
            made_without_llm: true,
        };
        let state = run(state, vec![event(2, retry_start)]);
        assert_eq!(state.messages.len(), 1, "no question on a retry");
    }

    #[test]
    fn stopping_keeps_what_was_streamed_as_incomplete_and_ignores_the_rest() {
        let state = run(
            TutorState::default(),
            vec![
                asking(1),
                event(1, start()),
                event(
                    1,
                    TutorEvent::Delta {
                        text: "Owner".into(),
                    },
                ),
                Action::Stopped,
                event(
                    1,
                    TutorEvent::Delta {
                        text: "ship".into(),
                    },
                ),
                Action::Ended {
                    stream: 1,
                    outcome: Ok(()),
                },
            ],
        );
        assert!(state.streaming.is_none());
        assert_eq!(state.problem, None, "stopping is not an error");
        let last = state.messages.last().unwrap();
        assert_eq!(
            (last.text.as_str(), last.status),
            ("Owner", ReplyStatus::Incomplete)
        );
        assert!(state.can_retry());
    }

    #[test]
    fn a_refused_question_goes_back_into_the_text_box() {
        let state = run(
            TutorState::default(),
            vec![
                asking(1),
                Action::Ended {
                    stream: 1,
                    outcome: Err(ClientError::Conflict {
                        message: "the conversation is full".into(),
                    }),
                },
            ],
        );
        assert_eq!(state.draft, "What is ownership?");
        assert!(state.messages.is_empty());
        assert!(matches!(
            state.problem,
            Some(Problem::Request(ClientError::Conflict { .. }))
        ));
    }

    #[test]
    fn a_full_conversation_refusing_a_question_offers_a_new_one() {
        let conversation = Conversation {
            id: ConversationId::parse(CONVERSATION).unwrap(),
            lesson_id: LessonId::parse(LESSON).unwrap(),
            title: "What is ownership?".into(),
            messages: vec![message(
                QUESTION,
                Author::Learner,
                "What is ownership?",
                ReplyStatus::Complete,
            )],
            full: false,
            max_messages: 40,
        };
        let state = run(
            TutorState::default(),
            vec![
                Action::Opening(conversation.id.clone()),
                Action::Opened(conversation),
                asking(1),
                Action::Ended {
                    stream: 1,
                    outcome: Err(ClientError::Conflict {
                        message: "full".into(),
                    }),
                },
            ],
        );
        assert!(state.full);
        assert_eq!(state.problem, None);
        assert_eq!(
            state.draft, "What is ownership?",
            "the question is not lost"
        );

        let state = run(state, vec![Action::NewConversation]);
        assert!(!state.full);
        assert!(state.is_new());
    }

    #[test]
    fn a_stream_cut_before_done_is_a_broken_reply() {
        let state = run(
            TutorState::default(),
            vec![
                asking(1),
                event(1, start()),
                event(
                    1,
                    TutorEvent::Delta {
                        text: "Partly".into(),
                    },
                ),
                Action::Ended {
                    stream: 1,
                    outcome: Err(ClientError::Offline),
                },
            ],
        );
        assert_eq!(state.problem, Some(Problem::Request(ClientError::Offline)));
        assert_eq!(state.retryable().map(|m| m.text.as_str()), Some("Partly"));
    }

    #[test]
    fn events_of_a_stopped_request_do_not_touch_the_next() {
        let state = run(
            TutorState::default(),
            vec![
                asking(1),
                Action::Stopped,
                asking(2),
                event(1, start()),
                Action::Ended {
                    stream: 1,
                    outcome: Ok(()),
                },
            ],
        );
        let streaming = state.streaming.unwrap();
        assert_eq!(streaming.id, 2);
        assert!(streaming.reply_id.is_none());
        assert!(state.messages.is_empty());
    }

    #[test]
    fn opening_rating_and_deleting_a_conversation() {
        let summary = ConversationSummary {
            id: ConversationId::parse(CONVERSATION).unwrap(),
            lesson_id: LessonId::parse(LESSON).unwrap(),
            title: "What is ownership?".into(),
            message_count: 2,
            created_at: at(),
            updated_at: at(),
        };
        let list = ConversationList {
            items: vec![summary.clone()],
            made_without_llm: true,
            max_messages: 2,
        };
        let state = run(TutorState::default(), vec![Action::ListLoaded(list)]);
        assert!(state.is_new());

        let conversation = Conversation {
            id: summary.id.clone(),
            lesson_id: summary.lesson_id.clone(),
            title: summary.title.clone(),
            messages: vec![
                message(
                    QUESTION,
                    Author::Learner,
                    "What is ownership?",
                    ReplyStatus::Complete,
                ),
                message(REPLY, Author::Tutor, "Who owns [1]?", ReplyStatus::Complete),
            ],
            full: false,
            max_messages: 2,
        };
        let state = run(
            state,
            vec![
                Action::Opening(summary.id.clone()),
                Action::Opened(conversation),
            ],
        );
        assert!(!state.is_new());
        assert_eq!(state.messages.len(), 2);
        assert!(state.full, "two of two messages");

        let mut rated = state.messages[1].clone();
        rated.rating = Some(Rating::Up);
        let state = run(state, vec![Action::Rated(rated.clone())]);
        assert_eq!(state.messages[1], rated);

        let state = run(state, vec![Action::Deleted(summary.id)]);
        assert!(state.messages.is_empty());
        assert!(state.conversation.is_none());
        assert!(state.is_new());
        assert!(state.list.unwrap().items.is_empty());
    }
}
