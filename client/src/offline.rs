//! Courses for offline use, behind the few functions the pages call: `download` (fetch a course
//! and keep it on the device), `remove`, `course_or_offline` and `lesson_or_offline` (the
//! network's answer, or the downloaded copy when the network is unavailable), `media_urls` (object
//! URLs for the images of a downloaded lesson) and the browser's storage (`persist`, `estimate`).
//!
//! Keeping is `store::offline`'s, in the signed-in user's own database; this module only fetches
//! through `api` and decides which copy a page shows. It never rewrites lesson HTML: the server sanitised it and pages insert it as is.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;

use shared::api::courses::{CourseDetail, LessonView};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::api;
use crate::error::ClientError;
use crate::store::offline::{self as kept, OfflineCourse};
use crate::store::{session, user_database, Store};

pub use crate::store::offline::media_paths;

/// How far a download has come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub lessons_done: u32,
    pub lessons_total: u32,
    /// What is kept so far, in bytes.
    pub bytes: u64,
}

/// Where a page's data came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Network,
    /// The copy downloaded for offline use: the network was unavailable.
    OfflineCopy,
}

/// Whether `error` means the server could not be reached (rather than that it said no).
pub fn is_unreachable(error: &ClientError) -> bool {
    matches!(error, ClientError::Offline | ClientError::Network { .. })
}

/// The signed-in user's own database (the last user the server confirmed on this device).
async fn user_store() -> Result<Store, ClientError> {
    let user = session::saved_user()
        .map(|me| me.id)
        .ok_or(ClientError::Unauthorized)?;
    user_database(&user).await
}

/// Downloads `course` (id or slug) for offline use: its outline, every lesson, the images the
/// lessons show and the course's cover and description images, reporting after each lesson. The
/// course counts as downloaded only when all of it is kept. On the first download the browser is
/// asked to keep the site's storage.
pub async fn download(
    course: &str,
    on_progress: impl Fn(Progress),
) -> Result<OfflineCourse, ClientError> {
    let store = &user_store().await?;
    if kept::courses(store).await?.is_empty() {
        persist().await;
    }
    let detail = api::course(course).await?;
    keep_once(store, detail, &on_progress).await
}

thread_local! {
    /// The ids of the courses being kept right now (by a page's download or `refresh_stale`).
    static IN_FLIGHT: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
    /// How many keeps have started on this page (so a cleanup can tell one began, even one that
    /// has ended since).
    static STARTED: Cell<u64> = const { Cell::new(0) };
}

/// A course being kept: its id leaves `IN_FLIGHT` when this is dropped, however `keep` ended.
struct InFlight(String);

impl InFlight {
    /// Marks `course` as being kept; `None` when it already is.
    fn start(course: &str) -> Option<Self> {
        let started = IN_FLIGHT.with(|set| set.borrow_mut().insert(course.to_owned()));
        if started {
            STARTED.with(|count| count.set(count.get() + 1));
        }
        started.then(|| Self(course.to_owned()))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.with(|set| set.borrow_mut().remove(&self.0));
    }
}

/// Whether any course is being kept right now.
fn keeping_any() -> bool {
    IN_FLIGHT.with(|set| !set.borrow().is_empty())
}

/// How many keeps have started on this page so far.
fn keeps_started() -> u64 {
    STARTED.with(Cell::get)
}

/// `keep`, once at a time per course: when the same course is already being kept (the course
/// page's download and the background refresh at start), waits for that one and uses its copy if
/// it is as new as `detail`, instead of fetching every lesson twice.
async fn keep_once(
    store: &Store,
    detail: CourseDetail,
    on_progress: &dyn Fn(Progress),
) -> Result<OfflineCourse, ClientError> {
    let id = detail.summary.id.as_str().to_owned();
    loop {
        if let Some(_keeping) = InFlight::start(&id) {
            return keep(store, detail, on_progress).await;
        }
        while IN_FLIGHT.with(|set| set.borrow().contains(&id)) {
            gloo_timers::future::TimeoutFuture::new(200).await;
        }
        if let Some(copy) = kept::course(store, &id).await? {
            if !is_stale(&copy, &detail) {
                return Ok(copy);
            }
        }
    }
}

/// Whether `copy` is older than the course as the server now describes it (`fresh`): a teacher
/// changed its details, outline or a lesson since it was downloaded.
pub fn is_stale(copy: &OfflineCourse, fresh: &CourseDetail) -> bool {
    copy.detail.summary.updated_at < fresh.summary.updated_at
}

/// Downloads again every downloaded course of the signed-in user that a teacher has changed
/// since, in the background (the app calls it at start and when the network comes back), after
/// deleting what an interrupted download left behind. A course
/// the server no longer shows, or a failure on the way, leaves its copy as it was: it is still
/// readable, and the next call tries again.
pub async fn refresh_stale() {
    let Ok(store) = user_store().await else {
        return;
    };
    if !keeping_any() {
        // What a download cut short (a closed tab) kept without a course record; a keep that
        // starts meanwhile stops the cleanup.
        let before = keeps_started();
        let busy = move || keeps_started() != before;
        if let Err(error) = kept::forget_orphans(&store, busy).await {
            let line = format!("leftovers of an interrupted download were not deleted: {error}");
            web_sys::console::warn_1(&line.into());
        }
    }
    let Ok(copies) = kept::courses(&store).await else {
        return;
    };
    for copy in copies {
        let id = copy.detail.summary.id.as_str().to_owned();
        match api::course(&id).await {
            Ok(fresh) if is_stale(&copy, &fresh) => {
                if let Err(error) = keep_once(&store, fresh, &|_| {}).await {
                    let line =
                        format!("the offline copy of course {id} was not refreshed: {error}");
                    web_sys::console::warn_1(&line.into());
                }
            }
            Ok(_) => {}
            Err(error) if is_unreachable(&error) => return,
            Err(error) => {
                let line = format!("course {id} was not checked for changes: {error}");
                web_sys::console::warn_1(&line.into());
            }
        }
    }
}

/// Keeps `detail` and everything it shows on the device (see `download`). A course downloaded
/// before is replaced: its record is written once the new copy is whole, then the lessons the
/// course no longer has and the images no downloaded course shows any more are deleted. Images
/// already kept are not fetched again (a media path names its content).
async fn keep(
    store: &Store,
    detail: CourseDetail,
    on_progress: &dyn Fn(Progress),
) -> Result<OfflineCourse, ClientError> {
    let lessons: Vec<_> = detail
        .modules
        .iter()
        .flat_map(|module| module.lessons.iter().map(|lesson| lesson.id.clone()))
        .collect();
    let mut progress = Progress {
        lessons_done: 0,
        lessons_total: lessons.len() as u32,
        bytes: kept::json_size(&detail),
    };
    on_progress(progress);
    let mut media = Vec::<String>::new();
    let course_images = detail
        .summary
        .cover_url
        .iter()
        .cloned()
        .chain(kept::media_paths(&detail.description_html));
    progress.bytes += keep_media(store, course_images, &mut media).await?;
    for lesson in &lessons {
        let view = api::lesson(detail.summary.id.as_str(), lesson.as_str()).await?;
        progress.bytes += kept::save_lesson(store, &view).await?;
        progress.bytes += keep_media(store, kept::media_paths(&view.html), &mut media).await?;
        progress.lessons_done += 1;
        on_progress(progress);
    }
    let earlier = kept::course(store, detail.summary.id.as_str()).await?;
    let course = OfflineCourse {
        detail,
        lessons,
        media,
        bytes: progress.bytes,
        saved_at: js_sys::Date::now(),
    };
    kept::save_course(store, &course).await?;
    if let Some(earlier) = earlier {
        kept::forget_unused(store, &earlier, &course).await?;
    }
    Ok(course)
}

/// Keeps the images at `paths` not among `kept_paths` yet, adding them to it; the bytes they take.
async fn keep_media(
    store: &Store,
    paths: impl IntoIterator<Item = String>,
    kept_paths: &mut Vec<String>,
) -> Result<u64, ClientError> {
    let mut bytes = 0;
    for path in paths {
        if kept_paths.contains(&path) {
            continue;
        }
        let blob = match kept::media(store, &path).await? {
            Some(blob) => blob,
            None => {
                let blob = api::media(&path).await?;
                kept::save_media(store, &path, &blob).await?;
                blob
            }
        };
        bytes += blob.size() as u64;
        kept_paths.push(path);
    }
    Ok(bytes)
}

/// Forgets the downloaded copy of the course with id `course_id`.
pub async fn remove(course_id: &str) -> Result<(), ClientError> {
    kept::remove(&user_store().await?, course_id).await
}

/// The signed-in user's downloaded copy of `course` (id or slug), if there is one.
pub async fn downloaded(course: &str) -> Option<OfflineCourse> {
    kept::course(&user_store().await.ok()?, course)
        .await
        .ok()
        .flatten()
}

/// The course page's data: the server's answer `fetched`, or, when the server could not be
/// reached, the downloaded copy of `course` (id or slug). Any other failure stands.
pub async fn course_or_offline(
    course: &str,
    fetched: Result<CourseDetail, ClientError>,
) -> Result<(CourseDetail, Source), ClientError> {
    match fetched {
        Ok(detail) => Ok((detail, Source::Network)),
        Err(error) if is_unreachable(&error) => match downloaded(course).await {
            Some(copy) => Ok((copy.detail, Source::OfflineCopy)),
            None => Err(error),
        },
        Err(error) => Err(error),
    }
}

/// The lesson page's data: the server's answer `fetched`, or, when the server could not be
/// reached, the downloaded copy of lesson `lesson` of `course` (id or slug). Any other failure
/// stands.
pub async fn lesson_or_offline(
    course: &str,
    lesson: &str,
    fetched: Result<LessonView, ClientError>,
) -> Result<(LessonView, Source), ClientError> {
    match fetched {
        Ok(view) => Ok((view, Source::Network)),
        Err(error) if is_unreachable(&error) => {
            let copy = match user_store().await {
                Ok(store) => kept::lesson(&store, lesson).await.ok().flatten(),
                Err(_) => None,
            };
            // The address names the course too: a lesson kept for another course is not this one.
            let belongs = match &copy {
                Some(view) => downloaded(course)
                    .await
                    .is_some_and(|c| c.detail.summary.id == view.course_id),
                None => false,
            };
            match copy {
                Some(view) if belongs => Ok((view, Source::OfflineCopy)),
                _ => Err(error),
            }
        }
        Err(error) => Err(error),
    }
}

/// Object URLs (`blob:`) for the kept images among `paths`, as (path, URL) pairs. The caller
/// revokes them (`revoke`) when the page that shows them goes away.
pub async fn media_urls(paths: &BTreeSet<String>) -> Vec<(String, String)> {
    let mut urls = Vec::new();
    let Ok(store) = user_store().await else {
        return urls;
    };
    let store = &store;
    for path in paths {
        if let Ok(Some(blob)) = kept::media(store, path).await {
            if let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) {
                urls.push((path.clone(), url));
            }
        }
    }
    urls
}

/// Frees object URLs made by `media_urls`.
pub fn revoke(urls: &[(String, String)]) {
    for (_, url) in urls {
        let _ = web_sys::Url::revoke_object_url(url);
    }
}

/// While `html` (the offline copy's HTML a page shows) is `Some`, points the `<img>`s matched by
/// `selector` that show one of its kept images at the kept bytes (object URLs), since the
/// network's `/media/` answers cannot arrive; the URLs are freed when `html` changes or the page
/// goes away. Only the `src` of images whose `src` is a kept path changes.
#[hook]
pub fn use_kept_images(html: Option<String>, selector: &'static str) {
    use_effect_with(html, move |html| {
        let made = Rc::new(RefCell::new(Vec::<(String, String)>::new()));
        let alive = Rc::new(Cell::new(true));
        if let Some(html) = html.clone() {
            let (made, alive) = (made.clone(), alive.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let paths: BTreeSet<String> = media_paths(&html).into_iter().collect();
                let urls = media_urls(&paths).await;
                if alive.get() {
                    show_kept_images(selector, &urls);
                }
                *made.borrow_mut() = urls;
                if !alive.get() {
                    revoke(&made.borrow());
                }
            });
        }
        move || {
            alive.set(false);
            revoke(&made.borrow());
        }
    });
}

/// Points the images matched by `selector` at the kept copies (`(path, object URL)` pairs).
fn show_kept_images(selector: &str, urls: &[(String, String)]) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(images) = document.query_selector_all(selector) else {
        return;
    };
    for index in 0..images.length() {
        let Some(image) = images
            .item(index)
            .and_then(|node| node.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        let src = image.get_attribute("src").unwrap_or_default();
        if let Some((_, url)) = urls.iter().find(|(path, _)| *path == src) {
            let _ = image.set_attribute("src", url);
        }
    }
}

/// An object URL for the kept image at `path` (`/media/{hash}`), if the signed-in user kept it;
/// the caller revokes it (`revoke`).
pub async fn kept_image_url(path: &str) -> Option<String> {
    let store = user_store().await.ok()?;
    let blob = kept::media(&store, path).await.ok().flatten()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// The browser's `navigator.storage`, where there is one (secure contexts).
fn storage_manager() -> Option<JsValue> {
    let navigator = web_sys::window()?.navigator();
    js_sys::Reflect::get(&navigator, &JsValue::from_str("storage"))
        .ok()
        .filter(|storage| !storage.is_undefined() && !storage.is_null())
}

/// Calls `navigator.storage.{method}()` and awaits its promise.
async fn call_storage(method: &str) -> Option<JsValue> {
    let storage = storage_manager()?;
    let function: js_sys::Function = js_sys::Reflect::get(&storage, &JsValue::from_str(method))
        .ok()?
        .dyn_into()
        .ok()?;
    let promise: js_sys::Promise = function.call0(&storage).ok()?.dyn_into().ok()?;
    JsFuture::from(promise).await.ok()
}

/// Asks the browser to keep the site's storage under pressure (`navigator.storage.persist()`);
/// whether it agreed, when it can say.
pub async fn persist() -> Option<bool> {
    call_storage("persist").await?.as_bool()
}

/// What the site's storage uses and may use on this device, in bytes
/// (`navigator.storage.estimate()`), where the browser tells.
pub async fn estimate() -> Option<(u64, u64)> {
    let estimate = call_storage("estimate").await?;
    let number = |name: &str| {
        js_sys::Reflect::get(&estimate, &JsValue::from_str(name))
            .ok()?
            .as_f64()
    };
    Some((number("usage")? as u64, number("quota")? as u64))
}
