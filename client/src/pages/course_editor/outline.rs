//! The course editor's outline: modules and their lessons, added, renamed and deleted in place,
//! reordered by drag and drop or from the keyboard (move buttons, Alt+↑ / Alt+↓ on a focused item).
//!
//! A new order is sent whole (`PUT /outline`) with the version it was made against; when that is
//! stale the server refuses (409), the outline is reloaded and the user is told.

use std::cell::Cell;
use std::rc::Rc;

use shared::api::authoring::{LessonChanges, ModuleDraft, ModuleOrder, OutlineOrder};
use shared::domain::{CourseId, LessonId, ModuleId};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::authoring::{confirm, problem_text};
use crate::contexts::locale::use_texts;
use crate::error::ClientError;
use crate::route::Route;

/// What is being moved: a module, or a lesson (which may change module).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item {
    Module(ModuleId),
    Lesson(LessonId),
}

impl Item {
    /// The `id` of its element, to give focus back after a move.
    fn element_id(&self) -> String {
        match self {
            Self::Module(id) => format!("outline-module-{}", id.as_str()),
            Self::Lesson(id) => format!("outline-lesson-{}", id.as_str()),
        }
    }
}

/// Moves `item` one place up (`-1`) or down (`+1`). A lesson at a module's edge crosses into the
/// neighbouring module. Returns whether anything moved.
pub(crate) fn move_item(modules: &mut [ModuleDraft], item: &Item, delta: i32) -> bool {
    match item {
        Item::Module(id) => {
            let Some(from) = modules.iter().position(|m| &m.id == id) else {
                return false;
            };
            let Some(to) = from
                .checked_add_signed(delta as isize)
                .filter(|&to| to < modules.len())
            else {
                return false;
            };
            modules.swap(from, to);
            true
        }
        Item::Lesson(id) => {
            let Some((m, l)) = find_lesson(modules, id) else {
                return false;
            };
            let count = modules[m].lessons.len();
            match delta {
                -1 if l > 0 => modules[m].lessons.swap(l, l - 1),
                1 if l + 1 < count => modules[m].lessons.swap(l, l + 1),
                -1 if m > 0 => {
                    let lesson = modules[m].lessons.remove(l);
                    modules[m - 1].lessons.push(lesson);
                }
                1 if m + 1 < modules.len() => {
                    let lesson = modules[m].lessons.remove(l);
                    modules[m + 1].lessons.insert(0, lesson);
                }
                _ => return false,
            }
            true
        }
    }
}

/// Drops `dragged` on `target`: before it, in its module for a lesson dropped on a lesson, at the
/// end of the module for a lesson dropped on a module, in its place for a module. Returns whether
/// anything moved.
pub(crate) fn drop_item(modules: &mut Vec<ModuleDraft>, dragged: &Item, target: &Item) -> bool {
    if dragged == target {
        return false;
    }
    match (dragged, target) {
        (Item::Module(id), Item::Module(target)) => {
            let (Some(from), Some(to)) = (
                modules.iter().position(|m| &m.id == id),
                modules.iter().position(|m| &m.id == target),
            ) else {
                return false;
            };
            let module = modules.remove(from);
            modules.insert(to, module);
            true
        }
        (Item::Lesson(id), target) => {
            let Some((m, l)) = find_lesson(modules, id) else {
                return false;
            };
            let lesson = modules[m].lessons.remove(l);
            let place = match target {
                Item::Lesson(target) => find_lesson(modules, target),
                Item::Module(target) => modules
                    .iter()
                    .position(|m| &m.id == target)
                    .map(|tm| (tm, modules[tm].lessons.len())),
            };
            match place {
                Some((tm, tl)) => modules[tm].lessons.insert(tl, lesson),
                None => modules[m].lessons.insert(l, lesson),
            }
            place.is_some()
        }
        (Item::Module(_), Item::Lesson(_)) => false,
    }
}

fn find_lesson(modules: &[ModuleDraft], id: &LessonId) -> Option<(usize, usize)> {
    modules.iter().enumerate().find_map(|(m, module)| {
        module
            .lessons
            .iter()
            .position(|lesson| &lesson.id == id)
            .map(|l| (m, l))
    })
}

/// The order `PUT /outline` takes.
pub(crate) fn outline_order(modules: &[ModuleDraft], version: u32) -> OutlineOrder {
    OutlineOrder {
        version,
        modules: modules
            .iter()
            .map(|m| ModuleOrder {
                id: m.id.clone(),
                lessons: m.lessons.iter().map(|l| l.id.clone()).collect(),
            })
            .collect(),
    }
}

#[derive(Properties, PartialEq)]
pub struct OutlineProps {
    pub course: CourseId,
    pub modules: Vec<ModuleDraft>,
    /// The course's current version, shared with the editor's other saves.
    pub version: Rc<Cell<u32>>,
    /// The order was stale: the editor reloads with this message.
    pub on_conflict: Callback<&'static str>,
}

#[function_component(Outline)]
pub fn outline(props: &OutlineProps) -> Html {
    let texts = use_texts();
    let t = &texts.authoring;
    let modules = use_state(|| props.modules.clone());
    let dragging = use_state(|| None::<Item>);
    // (how many moves so far, the element to focus): the count re-runs the effect for the same id.
    let focus = use_state(|| (0u32, None::<String>));
    let announce = use_state_eq(String::new);
    let problem = use_state_eq(|| None::<String>);
    let busy = use_state_eq(|| false);

    // After a move, focus follows the item (its DOM node was moved, which drops focus).
    use_effect_with((*focus).clone(), |(_, focus)| {
        if let Some(id) = focus {
            if let Some(element) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(id))
                .and_then(|e| e.dyn_into::<HtmlElement>().ok())
            {
                // A move button that has just become disabled cannot hold focus: its item takes it.
                let target = if element.has_attribute("disabled") {
                    element
                        .closest(".outline-item")
                        .ok()
                        .flatten()
                        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
                } else {
                    Some(element)
                };
                if let Some(target) = target {
                    let _ = target.focus();
                }
            }
        }
    });

    // Reads the outline (and version) again after an add or a delete, or a refused order.
    let reload = {
        let (course, version, modules) =
            (props.course.clone(), props.version.clone(), modules.clone());
        Callback::from(move |()| {
            let (course, version, modules) = (course.clone(), version.clone(), modules.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(draft) = api::course_draft(&course).await {
                    version.set(draft.version);
                    modules.set(draft.modules);
                }
            });
        })
    };
    // Runs an outline change, then reloads; a failure is shown.
    let run = {
        let (reload, problem, busy) = (reload.clone(), problem.clone(), busy.clone());
        move |work: std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<(), ClientError>>>,
        >| {
            let (reload, problem, busy) = (reload.clone(), problem.clone(), busy.clone());
            busy.set(true);
            problem.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(error) = work.await {
                    problem.set(Some(problem_text(&error, texts)));
                }
                busy.set(false);
                reload.emit(());
            });
        }
    };
    let run = Rc::new(run);

    // A new order: shown at once, then saved against the version.
    // One order on its way at a time, each made against the version the one before it got; moves
    // made meanwhile wait, and only the newest is sent.
    let sending = use_mut_ref(|| (false, None::<Vec<ModuleDraft>>));
    let reorder = {
        let (course, version, modules, focus, announce, problem, reload, on_conflict) = (
            props.course.clone(),
            props.version.clone(),
            modules.clone(),
            focus.clone(),
            announce.clone(),
            problem.clone(),
            reload.clone(),
            props.on_conflict.clone(),
        );
        Callback::from(move |(next, moved): (Vec<ModuleDraft>, Option<String>)| {
            modules.set(next.clone());
            focus.set((focus.0 + 1, moved));
            {
                let mut queue = sending.borrow_mut();
                if queue.0 {
                    queue.1 = Some(next);
                    return;
                }
                queue.0 = true;
            }
            let (course, version, announce, problem, reload, on_conflict, sending) = (
                course.clone(),
                version.clone(),
                announce.clone(),
                problem.clone(),
                reload.clone(),
                on_conflict.clone(),
                sending.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let mut next = next;
                loop {
                    let order = outline_order(&next, version.get());
                    let failed = match api::reorder_outline(&course, &order).await {
                        Ok(saved) => {
                            version.set(saved.version);
                            announce.set(t.outline_saved.to_owned());
                            false
                        }
                        Err(ClientError::Conflict { .. }) => {
                            on_conflict.emit(t.outline_conflict);
                            true
                        }
                        Err(error) => {
                            problem.set(Some(problem_text(&error, texts)));
                            reload.emit(());
                            true
                        }
                    };
                    let mut queue = sending.borrow_mut();
                    match queue.1.take() {
                        Some(newer) if !failed => next = newer,
                        _ => {
                            queue.0 = false;
                            break;
                        }
                    }
                }
            });
        })
    };
    let shift = {
        let (modules, reorder) = (modules.clone(), reorder.clone());
        Callback::from(move |(item, delta, button): (Item, i32, Option<String>)| {
            let mut next = (*modules).clone();
            if move_item(&mut next, &item, delta) {
                reorder.emit((next, Some(button.unwrap_or_else(|| item.element_id()))));
            }
        })
    };
    let on_drop = {
        let (modules, dragging, reorder) = (modules.clone(), dragging.clone(), reorder.clone());
        Callback::from(move |target: Item| {
            let Some(dragged) = (*dragging).clone() else {
                return;
            };
            dragging.set(None);
            let mut next = (*modules).clone();
            if drop_item(&mut next, &dragged, &target) {
                reorder.emit((next, None));
            }
        })
    };
    let on_drag = {
        let dragging = dragging.clone();
        Callback::from(move |item: Option<Item>| dragging.set(item))
    };

    let add_module = {
        let (course, run) = (props.course.clone(), run.clone());
        Callback::from(move |title: String| {
            let course = course.clone();
            run(Box::pin(async move {
                api::add_module(&course, &title).await.map(|_| ())
            }));
        })
    };
    let add_lesson = {
        let (course, run) = (props.course.clone(), run.clone());
        Callback::from(move |(module, title): (ModuleId, String)| {
            let course = course.clone();
            run(Box::pin(async move {
                api::add_lesson(&course, &module, &title).await.map(|_| ())
            }));
        })
    };
    let rename = {
        let (course, run) = (props.course.clone(), run.clone());
        Callback::from(move |(item, title): (Item, String)| {
            let course = course.clone();
            run(Box::pin(async move {
                match item {
                    Item::Module(module) => api::rename_module(&course, &module, &title)
                        .await
                        .map(|_| ()),
                    Item::Lesson(lesson) => {
                        let changes = LessonChanges {
                            title: Some(title),
                            ..LessonChanges::default()
                        };
                        api::update_lesson(&course, &lesson, &changes)
                            .await
                            .map(|_| ())
                    }
                }
            }));
        })
    };
    let delete = {
        let (course, run) = (props.course.clone(), run.clone());
        Callback::from(move |(item, name): (Item, String)| {
            let question = match item {
                Item::Module(_) => t.delete_module_confirm,
                Item::Lesson(_) => t.delete_lesson_confirm,
            }
            .replace("{name}", &name);
            if !confirm(&question) {
                return;
            }
            let course = course.clone();
            run(Box::pin(async move {
                match item {
                    Item::Module(module) => api::delete_module(&course, &module).await.map(|_| ()),
                    Item::Lesson(lesson) => api::delete_lesson(&course, &lesson).await.map(|_| ()),
                }
            }));
        })
    };

    let module_count = modules.len();
    html! {
        <section class="panel outline" aria-labelledby="outline-title" data-testid="outline">
            <h2 id="outline-title" class="panel__title">{ t.outline_title }</h2>
            <p class="panel__lead" id="outline-hint">{ t.outline_hint }</p>
            if modules.is_empty() {
                <p class="outline__empty" data-testid="outline-empty">{ t.outline_empty }</p>
            }
            <ol class="outline__modules">
                { for modules.iter().enumerate().map(|(index, module)| {
                    let ctx = ItemContext {
                        shift: shift.clone(),
                        on_drop: on_drop.clone(),
                        on_drag: on_drag.clone(),
                        rename: rename.clone(),
                        delete: delete.clone(),
                        busy: *busy,
                    };
                    html! {
                        <ModuleView key={module.id.as_str().to_owned()} course={props.course.clone()}
                            module={module.clone()} first={index == 0} last={index + 1 == module_count}
                            first_module={index == 0} last_module={index + 1 == module_count}
                            {ctx} add_lesson={add_lesson.clone()} />
                    }
                }) }
            </ol>
            <AddForm id="add-module" label={t.module_title} button={t.add_module} busy={*busy} on_add={add_module} />
            <p class="status-line status-line--error" aria-live="polite" data-testid="outline-problem">
                { (*problem).clone().unwrap_or_default() }
            </p>
            <p class="visually-hidden" role="status" aria-live="polite">{ (*announce).clone() }</p>
        </section>
    }
}

/// The callbacks every item of the outline shares.
#[derive(Clone, PartialEq)]
struct ItemContext {
    /// (item, -1 up / +1 down, the id of the button pressed to keep focus on it).
    shift: Callback<(Item, i32, Option<String>)>,
    on_drop: Callback<Item>,
    on_drag: Callback<Option<Item>>,
    rename: Callback<(Item, String)>,
    delete: Callback<(Item, String)>,
    busy: bool,
}

impl ItemContext {
    /// Alt+↑ / Alt+↓ on a focused item moves it.
    fn onkeydown(&self, item: Item) -> Callback<KeyboardEvent> {
        let shift = self.shift.clone();
        Callback::from(move |event: KeyboardEvent| {
            // Only on the item itself, not a button or input inside it (Yew delegates events, so
            // `current_target` is not the item: compare ids).
            let on_item = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|e| e.id() == item.element_id());
            if !event.alt_key() || !on_item {
                return;
            }
            let delta = match event.key().as_str() {
                "ArrowUp" => -1,
                "ArrowDown" => 1,
                _ => return,
            };
            event.prevent_default();
            shift.emit((item.clone(), delta, None));
        })
    }

    fn drag_handlers(
        &self,
        item: Item,
    ) -> (
        Callback<DragEvent>,
        Callback<DragEvent>,
        Callback<DragEvent>,
    ) {
        let ondragstart = {
            let (on_drag, item) = (self.on_drag.clone(), item.clone());
            Callback::from(move |event: DragEvent| {
                event.stop_propagation();
                if let Some(data) = event.data_transfer() {
                    data.set_effect_allowed("move");
                    let _ = data.set_data("text/plain", &item.element_id());
                }
                on_drag.emit(Some(item.clone()));
            })
        };
        let ondragover = Callback::from(|event: DragEvent| event.prevent_default());
        let ondrop = {
            let on_drop = self.on_drop.clone();
            Callback::from(move |event: DragEvent| {
                event.prevent_default();
                event.stop_propagation();
                on_drop.emit(item.clone());
            })
        };
        (ondragstart, ondragover, ondrop)
    }
}

#[derive(Properties, PartialEq)]
struct MoveButtonsProps {
    item: Item,
    name: AttrValue,
    first: bool,
    last: bool,
    ctx: ItemContext,
}

/// ↑ and ↓, named for screen readers ("Move Basics up").
#[function_component(MoveButtons)]
fn move_buttons(props: &MoveButtonsProps) -> Html {
    let texts = use_texts();
    let t = &texts.authoring;
    let base = props.item.element_id();
    let button = |delta: i32, disabled: bool, label: &str, glyph: &'static str, suffix: &str| {
        let id = format!("{base}-{suffix}");
        let (shift, item, focus_id) = (props.ctx.shift.clone(), props.item.clone(), id.clone());
        let onclick = Callback::from(move |_: MouseEvent| {
            shift.emit((item.clone(), delta, Some(focus_id.clone())))
        });
        html! {
            <button type="button" id={id} class="button button--secondary button--small icon-button"
                aria-label={label.replace("{name}", &props.name)} title={label.replace("{name}", &props.name)}
                disabled={disabled || props.ctx.busy} data-testid={format!("move-{suffix}")} {onclick}>
                <span aria-hidden="true">{ glyph }</span>
            </button>
        }
    };
    html! {
        <>
            { button(-1, props.first, t.move_up, "↑", "up") }
            { button(1, props.last, t.move_down, "↓", "down") }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ModuleViewProps {
    course: CourseId,
    module: ModuleDraft,
    first: bool,
    last: bool,
    first_module: bool,
    last_module: bool,
    ctx: ItemContext,
    add_lesson: Callback<(ModuleId, String)>,
}

#[function_component(ModuleView)]
fn module_view(props: &ModuleViewProps) -> Html {
    let texts = use_texts();
    let t = &texts.authoring;
    let module = &props.module;
    let item = Item::Module(module.id.clone());
    let (ondragstart, ondragover, ondrop) = props.ctx.drag_handlers(item.clone());
    let onkeydown = props.ctx.onkeydown(item.clone());
    let add_lesson = {
        let (add, id) = (props.add_lesson.clone(), module.id.clone());
        Callback::from(move |title: String| add.emit((id.clone(), title)))
    };
    let count = module.lessons.len();
    let title_id = format!("{}-title", item.element_id());
    html! {
        <li class="outline-module" data-testid="outline-module">
            <div id={item.element_id()} class="outline-item outline-item--module" role="group" tabindex="0"
                draggable="true" aria-labelledby={title_id.clone()} aria-describedby="outline-hint"
                {ondragstart} {ondragover} {ondrop} {onkeydown}>
                <span class="outline-item__grip" aria-hidden="true">{ "⋮⋮" }</span>
                <ItemTitle id={title_id} item={item.clone()} title={module.title.clone()} ctx={props.ctx.clone()} />
                <MoveButtons item={item.clone()} name={module.title.clone()} first={props.first} last={props.last} ctx={props.ctx.clone()} />
            </div>
            <ol class="outline__lessons" ondragover={Callback::from(|e: DragEvent| e.prevent_default())}
                ondrop={{
                    let (on_drop, item) = (props.ctx.on_drop.clone(), item.clone());
                    Callback::from(move |e: DragEvent| { e.prevent_default(); on_drop.emit(item.clone()) })
                }}>
                { for module.lessons.iter().enumerate().map(|(index, lesson)| {
                    let item = Item::Lesson(lesson.id.clone());
                    let (ondragstart, ondragover, ondrop) = props.ctx.drag_handlers(item.clone());
                    let onkeydown = props.ctx.onkeydown(item.clone());
                    let title_id = format!("{}-title", item.element_id());
                    // A lesson at a module's edge can still move into the neighbouring module.
                    let first = index == 0 && props.first_module;
                    let last = index + 1 == count && props.last_module;
                    html! {
                        <li key={lesson.id.as_str().to_owned()} id={item.element_id()} class="outline-item outline-item--lesson"
                            data-testid="outline-lesson" tabindex="0" draggable="true"
                            aria-labelledby={title_id.clone()} aria-describedby="outline-hint"
                            {ondragstart} {ondragover} {ondrop} {onkeydown}>
                            <span class="outline-item__grip" aria-hidden="true">{ "⋮⋮" }</span>
                            <ItemTitle id={title_id} item={item.clone()} title={lesson.title.clone()} ctx={props.ctx.clone()}
                                link={Route::TeachLesson { id: props.course.as_str().to_owned(), lesson: lesson.id.as_str().to_owned() }} />
                            <span class="outline-item__meta">{ texts.duration(lesson.estimated_minutes) }</span>
                            <MoveButtons item={item.clone()} name={lesson.title.clone()} {first} {last} ctx={props.ctx.clone()} />
                        </li>
                    }
                }) }
            </ol>
            <AddForm id={format!("add-lesson-{}", module.id.as_str())} label={t.lesson_title} button={t.add_lesson}
                busy={props.ctx.busy} on_add={add_lesson} />
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct ItemTitleProps {
    id: AttrValue,
    item: Item,
    title: AttrValue,
    ctx: ItemContext,
    /// Where the title leads (a lesson's editor).
    #[prop_or_default]
    link: Option<Route>,
}

/// An item's title with Rename (in place) and Delete.
#[function_component(ItemTitle)]
fn item_title(props: &ItemTitleProps) -> Html {
    let texts = use_texts();
    let t = &texts.authoring;
    let editing = use_state_eq(|| false);
    let input = use_node_ref();
    {
        let input = input.clone();
        use_effect_with(*editing, move |editing| {
            if *editing {
                if let Some(input) = input.cast::<HtmlInputElement>() {
                    let _ = input.focus();
                    input.select();
                }
            }
        });
    }
    let name = props.title.to_string();
    if *editing {
        let onsubmit = {
            let (editing, input, rename, item, old) = (
                editing.clone(),
                input.clone(),
                props.ctx.rename.clone(),
                props.item.clone(),
                name.clone(),
            );
            Callback::from(move |event: SubmitEvent| {
                event.prevent_default();
                let title = input
                    .cast::<HtmlInputElement>()
                    .map(|i| i.value().trim().to_owned())
                    .unwrap_or_default();
                editing.set(false);
                if !title.is_empty() && title != old {
                    rename.emit((item.clone(), title));
                }
            })
        };
        let onkeydown = {
            let editing = editing.clone();
            Callback::from(move |event: KeyboardEvent| {
                event.stop_propagation();
                if event.key() == "Escape" {
                    editing.set(false);
                }
            })
        };
        let cancel = {
            let editing = editing.clone();
            Callback::from(move |_: MouseEvent| editing.set(false))
        };
        let label = t.rename_item.replace("{name}", &name);
        return html! {
            <form class="outline-item__rename" {onsubmit}>
                <input ref={input} class="field__input" value={name.clone()} aria-label={label}
                    maxlength="200" data-testid="rename-input" {onkeydown} />
                <button type="submit" class="button button--primary button--small">{ texts.common.save }</button>
                <button type="button" class="button button--secondary button--small" onclick={cancel}>{ texts.common.cancel }</button>
            </form>
        };
    }
    let start = {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| editing.set(true))
    };
    let delete = {
        let (delete, item, name) = (props.ctx.delete.clone(), props.item.clone(), name.clone());
        Callback::from(move |_: MouseEvent| delete.emit((item.clone(), name.clone())))
    };
    html! {
        <>
            <span id={props.id.clone()} class="outline-item__title">
                if let Some(link) = &props.link {
                    <Link<Route> to={link.clone()}>{ name.clone() }</Link<Route>>
                } else {
                    { name.clone() }
                }
            </span>
            <button type="button" class="button button--secondary button--small" disabled={props.ctx.busy}
                aria-label={t.rename_item.replace("{name}", &name)} data-testid="rename" onclick={start}>
                { t.rename }
            </button>
            <button type="button" class="button button--secondary button--small" disabled={props.ctx.busy}
                aria-label={t.delete_item.replace("{name}", &name)} data-testid="delete" onclick={delete}>
                { t.delete }
            </button>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct AddFormProps {
    id: AttrValue,
    label: &'static str,
    button: &'static str,
    busy: bool,
    on_add: Callback<String>,
}

/// A title and an Add button (a new module, or a lesson at a module's end).
#[function_component(AddForm)]
fn add_form(props: &AddFormProps) -> Html {
    let title = use_state(String::new);
    let onsubmit = {
        let (title, on_add) = (title.clone(), props.on_add.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let text = title.trim().to_owned();
            if !text.is_empty() {
                on_add.emit(text);
                title.set(String::new());
            }
        })
    };
    let oninput = {
        let title = title.clone();
        Callback::from(move |event: InputEvent| {
            title.set(event.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    html! {
        <form class="inline-form outline__add" {onsubmit} data-testid={props.id.clone()}>
            <div class="field">
                <label class="field__label" for={props.id.clone()}>{ props.label }</label>
                <input id={props.id.clone()} class="field__input" maxlength="200" autocomplete="off"
                    value={(*title).clone()} {oninput} />
            </div>
            <button type="submit" class="button button--secondary" disabled={props.busy || title.trim().is_empty()}>
                { props.button }
            </button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::authoring::LessonDraftOutline;

    fn outline(shape: &[(&str, &[&str])]) -> Vec<ModuleDraft> {
        shape
            .iter()
            .map(|(module, lessons)| ModuleDraft {
                id: ModuleId::parse(&uuid(module)).unwrap(),
                title: (*module).into(),
                lessons: lessons
                    .iter()
                    .map(|l| LessonDraftOutline {
                        id: LessonId::parse(&uuid(l)).unwrap(),
                        title: (*l).into(),
                        estimated_minutes: 5,
                    })
                    .collect(),
            })
            .collect()
    }

    /// A fixed UUID per one-letter name.
    fn uuid(name: &str) -> String {
        format!(
            "0190a000-0000-7000-8000-0000000000{:02x}",
            name.as_bytes()[0]
        )
    }

    fn shape(modules: &[ModuleDraft]) -> Vec<(String, Vec<String>)> {
        modules
            .iter()
            .map(|m| {
                (
                    m.title.clone(),
                    m.lessons.iter().map(|l| l.title.clone()).collect(),
                )
            })
            .collect()
    }

    fn lesson(name: &str) -> Item {
        Item::Lesson(LessonId::parse(&uuid(name)).unwrap())
    }

    fn module(name: &str) -> Item {
        Item::Module(ModuleId::parse(&uuid(name)).unwrap())
    }

    #[test]
    fn lessons_move_within_and_across_modules() {
        let mut modules = outline(&[("A", &["a", "b"]), ("B", &["c"])]);
        assert!(move_item(&mut modules, &lesson("b"), -1));
        assert_eq!(shape(&modules)[0].1, ["b", "a"]);
        assert!(move_item(&mut modules, &lesson("a"), 1));
        assert_eq!(shape(&modules)[1].1, ["a", "c"]);
        assert!(move_item(&mut modules, &lesson("a"), -1));
        assert_eq!(shape(&modules)[0].1, ["b", "a"]);
        assert!(!move_item(&mut modules, &lesson("b"), -1));
        assert!(!move_item(&mut modules, &lesson("c"), 1));
    }

    #[test]
    fn modules_move_and_drop() {
        let mut modules = outline(&[("A", &["a"]), ("B", &["b"]), ("C", &[])]);
        assert!(move_item(&mut modules, &module("C"), -1));
        assert_eq!(
            shape(&modules)
                .iter()
                .map(|m| m.0.clone())
                .collect::<Vec<_>>(),
            ["A", "C", "B"]
        );
        assert!(drop_item(&mut modules, &module("B"), &module("A")));
        assert_eq!(shape(&modules)[0].0, "B");
        assert!(drop_item(&mut modules, &lesson("a"), &module("C")));
        assert_eq!(shape(&modules)[2].1, ["a"]);
        assert!(drop_item(&mut modules, &lesson("b"), &lesson("a")));
        assert_eq!(shape(&modules)[2].1, ["b", "a"]);
        assert!(!drop_item(&mut modules, &module("A"), &lesson("a")));
        let order = outline_order(&modules, 7);
        assert_eq!(order.version, 7);
        assert_eq!(order.modules.len(), 3);
    }
}
