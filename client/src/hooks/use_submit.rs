//! The one submit flow of every form: check the values, send, show what came back.
//!
//! A form describes itself once (`FormSpec`: its fields, their checks, what a success empties) and
//! says how to send (`Submission`); the hook owns the pending state, the form-wide error, the
//! success flag, the server's field errors and where focus goes. It never calls HTTP itself: the
//! future the page hands over does (through `api`).

use std::future::Future;

use yew::prelude::*;

use crate::error::ClientError;
use crate::forms::{server_field, Field, FormAction, FormSpec, FormState, Problem};
use crate::hooks::use_focus_first_problem;
use crate::i18n::Texts;

/// What a form does with a submit, decided from its current values before any check runs.
pub enum Submission<Fut> {
    /// Check the values, then run this future (it calls `api` and does what a success means).
    Send(Fut),
    /// Check the values; if they pass there is nothing to send (nothing changed): a success.
    Unchanged,
    /// Refuse before checking: this error is the whole form's (a mailed link without its token).
    Refuse(ClientError),
    /// Ignore the submit (a rate limit's wait is still running).
    Ignore,
}

/// What `use_submit` hands the page: the state to render and the handlers to wire.
#[derive(Clone, PartialEq)]
pub struct FormHandle {
    pub spec: &'static FormSpec,
    pub state: UseReducerHandle<FormState>,
    /// Goes on the `<form>` (focus moves inside it after a failed submit).
    pub node: NodeRef,
    pub onsubmit: Callback<SubmitEvent>,
}

impl FormHandle {
    pub fn value(&self, field: Field) -> AttrValue {
        AttrValue::from(self.state.value(field).to_owned())
    }

    /// The problem to show on `field`, worded.
    pub fn problem(&self, field: Field, texts: &Texts) -> Option<String> {
        let check = self.spec.spec(field).map(|spec| spec.check);
        self.state
            .problem(field, |value| check.map_or(Ok(()), |check| check(value)))
            .map(|problem| problem.message(texts))
    }

    /// The raw problem on `field` (for forms that place server problems themselves).
    pub fn problem_of(&self, field: Field) -> Option<Problem> {
        let check = self.spec.spec(field).map(|spec| spec.check);
        self.state
            .problem(field, |value| check.map_or(Ok(()), |check| check(value)))
    }

    /// The input handler of `field`.
    pub fn oninput(&self, field: Field) -> Callback<String> {
        let dispatcher = self.state.dispatcher();
        Callback::from(move |value: String| dispatcher.dispatch(FormAction::Input { field, value }))
    }

    pub fn submitting(&self) -> bool {
        self.state.submitting
    }

    /// The last submit succeeded and nothing was typed since.
    pub fn done(&self) -> bool {
        self.state.done
    }

    pub fn error(&self) -> Option<ClientError> {
        self.state.error.clone()
    }

    /// Back to empty (a dialog opened again).
    pub fn reset(&self) {
        self.state.dispatch(FormAction::Reset);
    }
}

/// Runs `spec`'s form: `initial` gives the starting values, `submission` is asked on every
/// submit what to do with the values as they are. A `Send` future's error is placed on the field
/// it names (the server's `error.field`, or its message) or else shown for the whole form.
#[hook]
pub fn use_submit<I, S, Fut>(spec: &'static FormSpec, initial: I, submission: S) -> FormHandle
where
    I: FnOnce() -> FormState,
    S: Fn(&FormState) -> Submission<Fut> + 'static,
    Fut: Future<Output = Result<(), ClientError>> + 'static,
{
    let state = use_reducer(initial);
    let node = use_node_ref();
    use_focus_first_problem(node.clone(), state.focus_request);
    let onsubmit = {
        let state = state.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if state.submitting {
                return;
            }
            let submission = submission(&state);
            if let Submission::Refuse(error) = submission {
                state.dispatch(FormAction::Failed { error, field: None });
                return;
            }
            if matches!(submission, Submission::Ignore) {
                return;
            }
            if spec.has_problems(&state) {
                state.dispatch(FormAction::Rejected);
                return;
            }
            let Submission::Send(send) = submission else {
                state.dispatch(FormAction::Succeeded { clear: &[] });
                return;
            };
            state.dispatch(FormAction::Submitting);
            let dispatcher = state.dispatcher();
            wasm_bindgen_futures::spawn_local(async move {
                dispatcher.dispatch(match send.await {
                    Ok(()) => FormAction::Succeeded { clear: spec.clear },
                    Err(error) => FormAction::Failed {
                        field: server_field(&error, spec.fields),
                        error,
                    },
                });
            });
        })
    };
    FormHandle {
        spec,
        state,
        node,
        onsubmit,
    }
}
