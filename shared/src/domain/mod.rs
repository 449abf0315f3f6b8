//! Values that can only hold valid values ("parse, don't validate"): an address that passed
//! `validate::email`, the ids the database stores, the learner documents' ids.
//!
//! Here rather than in `api` because they are not only wire types: the server's domain code and
//! the sync documents hold them too. Each is made only by a parsing constructor (or, on the server,
//! a fresh id); deserializing runs the same parser, so a bad value never gets in. No I/O.

mod email;

pub use email::Email;
mod ids;

pub use ids::{
    ApplicationId, CategoryId, ConversationId, CourseId, DocId, JobId, LessonId, ModuleId, NotAnId,
    NotificationId, PostId, PostReportId, QuizDraftId, ReviewId, SessionId, TutorMessageId, UserId,
};
