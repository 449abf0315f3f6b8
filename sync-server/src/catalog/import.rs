//! Course import: a book in the mdBook layout (a folder on disk, a `.zip` in memory, or a folder
//! compiled into the binary) becomes a `NewCourseContent`, the images its lessons refer to, and a
//! per-file `ImportReport`.
//!
//! Owns reading those files safely (no entry may name a place outside the book, no archive may
//! unpack to more than `MAX_UNPACKED_BYTES` or hold more than `MAX_ENTRIES` entries) and the pure
//! parsing of the layout (`parse_book`, no I/O). Never writes anything itself: storing the images
//! and creating the course in one transaction is `import_course`'s job, through `content::media`
//! and `catalog::authoring`.
//!
//! The layout: `book.toml` (`[book] title, description, language` and an `[eduplatform]` table
//! with `subtitle`, `level`, `category`), Markdown under `src/` (or at the top level), and either
//! `src/SUMMARY.md` (`# Part` headings make modules, `- [Title](file.md)` entries make lessons)
//! or one lesson per file in file-name order, `chNN-` prefixes grouping files into modules.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;

use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use sha2::{Digest, Sha256};
use shared::api::authoring::{ImportFile, ImportLesson, ImportModule, ImportOutcome, ImportReport};
use shared::api::courses::{CourseLanguage, CourseLevel};
use shared::validate;

use super::authoring::{NewCourseContent, NewLessonContent, NewModuleContent};
use crate::error::{Error, Result};

/// At most this many entries (files and folders) in a book.
pub const MAX_ENTRIES: usize = 2_000;

/// At most this many bytes in all a book's files together, counted as they are really read
/// (an archive's own size headers are not trusted).
pub const MAX_UNPACKED_BYTES: u64 = 50 * 1024 * 1024;

/// Reading speed for a lesson's estimated minutes.
const WORDS_PER_MINUTE: usize = 200;

const BOOK_TOML: &str = "book.toml";
const SUMMARY_MD: &str = "SUMMARY.md";

fn refuse(message: impl Into<String>) -> Error {
    Error::UnprocessableContent(message.into())
}

/// The files of a book by their `/`-separated path inside it, every path already checked to stay
/// inside the book.
#[derive(Debug, Clone, Default)]
pub struct BookFiles {
    /// The folder's (or the archive's single top folder's) name: the title when `book.toml`
    /// has none.
    name: Option<String>,
    files: BTreeMap<String, Vec<u8>>,
    total_bytes: u64,
}

impl BookFiles {
    /// An empty book called `name`; add files with `add`.
    pub fn named(name: Option<String>) -> Self {
        Self {
            name,
            ..Self::default()
        }
    }

    /// Adds one file, refusing a path that could leave the book, a duplicate, and going over
    /// `MAX_ENTRIES` or `MAX_UNPACKED_BYTES`.
    pub fn add(&mut self, path: &str, bytes: Vec<u8>) -> Result<()> {
        let path = checked_path(path)?;
        if self.files.len() >= MAX_ENTRIES {
            return Err(too_many_entries());
        }
        self.count_bytes(bytes.len() as u64)?;
        if self.files.insert(path.clone(), bytes).is_some() {
            return Err(refuse(format!("{path:?} appears twice")));
        }
        Ok(())
    }

    fn count_bytes(&mut self, bytes: u64) -> Result<()> {
        self.total_bytes = self.total_bytes.saturating_add(bytes);
        if self.total_bytes > MAX_UNPACKED_BYTES {
            return Err(too_large());
        }
        Ok(())
    }

    /// Reads a folder on disk. Symbolic links are refused (they could point anywhere), like in
    /// an archive.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let io = |path: &Path, e: std::io::Error| refuse(format!("{}: {e}", path.display()));
        let meta = std::fs::symlink_metadata(dir).map_err(|e| io(dir, e))?;
        if !meta.is_dir() {
            return Err(refuse(format!("{} is not a folder", dir.display())));
        }
        let name = dir
            .canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()));
        let mut book = Self::named(name);
        let mut pending = vec![(dir.to_path_buf(), String::new())];
        let mut entries = 0usize;
        while let Some((folder, prefix)) = pending.pop() {
            let listing = std::fs::read_dir(&folder).map_err(|e| io(&folder, e))?;
            for entry in listing {
                let entry = entry.map_err(|e| io(&folder, e))?;
                entries += 1;
                if entries > MAX_ENTRIES {
                    return Err(too_many_entries());
                }
                let Some(file_name) = entry.file_name().to_str().map(str::to_owned) else {
                    return Err(refuse(format!(
                        "{}: the name is not UTF-8",
                        entry.path().display()
                    )));
                };
                let path = format!("{prefix}{file_name}");
                let kind = entry.file_type().map_err(|e| io(&entry.path(), e))?;
                if kind.is_symlink() {
                    return Err(refuse(format!("{path:?} is a symbolic link")));
                } else if kind.is_dir() {
                    pending.push((entry.path(), format!("{path}/")));
                } else if kind.is_file() {
                    let mut bytes = Vec::new();
                    let file =
                        std::fs::File::open(entry.path()).map_err(|e| io(&entry.path(), e))?;
                    // Read at most one byte past the limit: a file growing meanwhile cannot
                    // make us read more.
                    let room = MAX_UNPACKED_BYTES.saturating_sub(book.total_bytes) + 1;
                    file.take(room)
                        .read_to_end(&mut bytes)
                        .map_err(|e| io(&entry.path(), e))?;
                    book.add(&path, bytes)?;
                }
            }
        }
        Ok(book)
    }

    /// Reads a `.zip` held in memory. Any entry that names a place outside the book (`..`, an
    /// absolute path, a backslash), a symbolic link or a name that is not UTF-8 refuses the whole
    /// archive, naming the entry.
    pub fn from_zip(bytes: &[u8]) -> Result<Self> {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .map_err(|e| refuse(format!("the upload is not a readable zip archive: {e}")))?;
        if archive.len() > MAX_ENTRIES {
            return Err(too_many_entries());
        }
        let mut book = Self::named(None);
        for index in 0..archive.len() {
            let mut entry = archive
                .by_index(index)
                .map_err(|e| refuse(format!("zip entry {index} cannot be read: {e}")))?;
            let Ok(name) = std::str::from_utf8(entry.name_raw()).map(str::to_owned) else {
                return Err(refuse(format!(
                    "zip entry {:?}: the name is not UTF-8",
                    String::from_utf8_lossy(entry.name_raw())
                )));
            };
            if entry.is_symlink() {
                return Err(refuse(format!("zip entry {name:?} is a symbolic link")));
            }
            // Checked even for folders: a `../` folder is as much an attack as a `../` file.
            checked_path(name.trim_end_matches('/'))?;
            if entry.is_dir() {
                continue;
            }
            let room = MAX_UNPACKED_BYTES.saturating_sub(book.total_bytes) + 1;
            let mut content = Vec::new();
            (&mut entry)
                .take(room)
                .read_to_end(&mut content)
                .map_err(|e| refuse(format!("zip entry {name:?} cannot be unpacked: {e}")))?;
            book.add(&name, content)?;
        }
        book.strip_single_top_folder();
        Ok(book)
    }

    /// A zip of a folder usually holds the folder itself: `my-book/book.toml`. When nothing is at
    /// the top but one folder, that folder is the book.
    fn strip_single_top_folder(&mut self) {
        let mut tops = self
            .files
            .keys()
            .map(|p| p.split_once('/').map(|(top, _)| top));
        let Some(Some(first)) = tops.next() else {
            return;
        };
        let first = first.to_owned();
        if !tops.all(|top| top == Some(first.as_str())) {
            return;
        }
        let prefix = format!("{first}/");
        self.files = std::mem::take(&mut self.files)
            .into_iter()
            .map(|(path, bytes)| (path[prefix.len()..].to_owned(), bytes))
            .collect();
        self.name.get_or_insert(first);
    }

    fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    fn text(&self, path: &str) -> Option<std::result::Result<&str, ()>> {
        self.get(path)
            .map(|b| std::str::from_utf8(b).map_err(|_| ()))
    }
}

fn too_many_entries() -> Error {
    refuse(format!(
        "the book has more than {MAX_ENTRIES} files and folders"
    ))
}

fn too_large() -> Error {
    refuse(format!(
        "the book unpacks to more than {} MiB",
        MAX_UNPACKED_BYTES / 1024 / 1024
    ))
}

/// `name` as a path inside the book: `/`-separated, relative, without `..`, `.` or empty parts
/// (a `./` prefix is dropped), without backslashes or control characters.
fn checked_path(name: &str) -> Result<String> {
    let bad = |why: &str| refuse(format!("entry {name:?} {why}; nothing was imported"));
    if name.is_empty() {
        return Err(bad("has no name"));
    }
    if name.contains('\\') {
        return Err(bad("contains a backslash"));
    }
    if name.chars().any(char::is_control) {
        return Err(bad("contains control characters"));
    }
    if name.starts_with('/') || name.as_bytes().get(1) == Some(&b':') {
        return Err(bad("is an absolute path"));
    }
    let mut parts = Vec::new();
    for part in name.split('/') {
        match part {
            ".." => return Err(bad("points outside the book (`..`)")),
            "" | "." => {}
            part => parts.push(part),
        }
    }
    if parts.is_empty() {
        return Err(bad("has no name"));
    }
    Ok(parts.join("/"))
}

/// An image a lesson refers to, to be stored as media before the course is created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookImage {
    pub path: String,
    /// SHA-256 of `bytes`, lowercase hex: its media name.
    pub hash: String,
    pub bytes: Vec<u8>,
}

/// What a book turns into: the course (its `category` still unset: `category_slug` names it),
/// the images to store first, and the report.
#[derive(Debug, Clone)]
pub struct ParsedBook {
    pub content: NewCourseContent,
    pub category_slug: Option<String>,
    pub images: Vec<BookImage>,
    pub report: ImportReport,
}

#[derive(Debug, Default, serde::Deserialize)]
struct BookToml {
    #[serde(default)]
    book: BookSection,
    #[serde(default)]
    eduplatform: PlatformSection,
}

#[derive(Debug, Default, serde::Deserialize)]
struct BookSection {
    title: Option<String>,
    description: Option<String>,
    language: Option<String>,
    src: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
struct PlatformSection {
    subtitle: Option<String>,
    level: Option<String>,
    category: Option<String>,
}

/// Says whether some bytes are an image the platform stores (`Err` says why not).
pub type ImageCheck<'a> = &'a (dyn Fn(&[u8]) -> std::result::Result<(), String> + Sync);

/// Reads a book's layout into a course. Pure: no I/O, so the CLI, the upload, its dry run and the
/// demo loader share it and tests can call it on files made in memory.
pub fn parse_book(files: &BookFiles, is_image: ImageCheck<'_>) -> Result<ParsedBook> {
    let mut report = Report::new(files);

    let config: BookToml = match files.text(BOOK_TOML) {
        None => BookToml::default(),
        Some(Err(())) => return Err(refuse("book.toml is not UTF-8 text")),
        Some(Ok(text)) => {
            report.set(BOOK_TOML, ImportOutcome::Structure, None);
            toml::from_str(text).map_err(|e| refuse(format!("book.toml is not valid: {e}")))?
        }
    };
    let field = |name: &str, reason: validate::Invalid| {
        refuse(format!("book.toml: {}", reason.english(name)))
    };
    let title = config
        .book
        .title
        .clone()
        .or_else(|| files.name.clone())
        .ok_or_else(|| refuse("book.toml has no [book] title"))?;
    let title = validate::course_title(&title).map_err(|r| field("title", r))?;
    let subtitle = validate::course_subtitle(config.eduplatform.subtitle.as_deref().unwrap_or(""))
        .map_err(|r| field("subtitle", r))?;
    let description =
        validate::course_description(config.book.description.as_deref().unwrap_or(""))
            .map_err(|r| field("description", r))?;
    let language = match config.book.language.as_deref() {
        None => CourseLanguage::En,
        Some(code) => CourseLanguage::from_code(code).ok_or_else(|| {
            refuse(format!(
                "book.toml: language {code:?} is not supported (en or ru)"
            ))
        })?,
    };
    let level = match config.eduplatform.level.as_deref() {
        None => CourseLevel::Beginner,
        Some(code) => CourseLevel::from_code(code).ok_or_else(|| {
            refuse(format!(
                "book.toml: level {code:?} is not beginner, intermediate or advanced"
            ))
        })?,
    };

    let src = source_folder(files, config.book.src.as_deref());
    let outline = match files.text(&format!("{src}{SUMMARY_MD}")) {
        Some(Err(())) => return Err(refuse(format!("{src}{SUMMARY_MD} is not UTF-8 text"))),
        Some(Ok(summary)) => {
            report.set(
                &format!("{src}{SUMMARY_MD}"),
                ImportOutcome::Structure,
                None,
            );
            for path in report.files.keys().cloned().collect::<Vec<_>>() {
                if path.ends_with(".md") && report.files[&path].outcome == ImportOutcome::Skipped {
                    report.set(
                        &path,
                        ImportOutcome::Skipped,
                        Some("not listed in SUMMARY.md"),
                    );
                }
            }
            summary_outline(summary, &src, &title)
        }
        None => file_name_outline(files, &src, &title),
    };

    let mut images = ImageImporter {
        files,
        is_image,
        seen: HashMap::new(),
        images: Vec::new(),
    };
    let mut modules = Vec::new();
    let mut preview = Vec::new();
    for (module_title, paths) in outline {
        let mut lessons = Vec::new();
        let mut shown = Vec::new();
        for path in paths {
            let text = match files.text(&path) {
                None => {
                    report.missing(&path, format!("listed in {src}{SUMMARY_MD}"));
                    continue;
                }
                Some(Err(())) => {
                    report.set(&path, ImportOutcome::Rejected, Some("not UTF-8 text"));
                    continue;
                }
                Some(Ok(text)) => text,
            };
            let lesson = read_lesson(&path, text, &mut images, &mut report)?;
            report.set(&path, ImportOutcome::Lesson, None);
            shown.push(ImportLesson {
                title: lesson.title.clone(),
                path: path.clone(),
                estimated_minutes: lesson.estimated_minutes,
            });
            lessons.push(lesson);
        }
        if lessons.is_empty() {
            continue;
        }
        let module_title = validate::module_title(&module_title)
            .map_err(|r| refuse(format!("module {module_title:?}: {}", r.english("title"))))?;
        preview.push(ImportModule {
            title: module_title.clone(),
            lessons: shown,
        });
        modules.push(NewModuleContent {
            title: module_title,
            lessons,
        });
    }
    if modules.is_empty() {
        return Err(refuse(
            "the book has no lesson: no readable Markdown file under src/ (or at the top level), \
             or none that SUMMARY.md lists",
        ));
    }

    Ok(ParsedBook {
        content: NewCourseContent {
            title: title.clone(),
            subtitle,
            description,
            language,
            level,
            category: None,
            cover: None,
            price: None,
            modules,
            publish: false,
        },
        category_slug: config
            .eduplatform
            .category
            .filter(|slug| !slug.trim().is_empty()),
        images: images.images,
        report: ImportReport {
            title,
            language,
            modules: preview,
            files: report.finish(),
            course_id: None,
        },
    })
}

/// Where the Markdown is: `[book] src` (default `src/`) when that folder has files, otherwise the
/// top level. Ends with `/` unless it is the top level (`""`).
fn source_folder(files: &BookFiles, configured: Option<&str>) -> String {
    let configured = configured
        .and_then(|s| checked_path(s).ok())
        .unwrap_or_else(|| "src".to_owned());
    let prefix = format!("{configured}/");
    if files.files.keys().any(|p| p.starts_with(&prefix)) {
        prefix
    } else {
        String::new()
    }
}

/// Modules and their lesson files from `SUMMARY.md`: a `# Part` heading starts a module, each
/// `[Title](file.md)` entry (in a list or not, nested or not) is a lesson of the current one.
/// Entries before the first part go to a module named after the course; a leading `# Summary`
/// is the file's own title; drafts (`[Title]()`) and links to other sites are left out.
fn summary_outline(summary: &str, src: &str, course_title: &str) -> Vec<(String, Vec<String>)> {
    let mut modules: Vec<(String, Vec<String>)> = vec![(course_title.to_owned(), Vec::new())];
    let mut seen_entry = false;
    for line in summary.lines() {
        let line = line.trim();
        if let Some(heading) = line.strip_prefix('#') {
            let heading = heading.trim_start_matches('#').trim();
            if !seen_entry && modules.len() == 1 && heading.eq_ignore_ascii_case("summary") {
                continue;
            }
            modules.push((heading.to_owned(), Vec::new()));
            continue;
        }
        let item = line
            .strip_prefix("- ")
            .or_else(|| line.strip_prefix("* "))
            .or_else(|| {
                let digits = line.trim_start_matches(|c: char| c.is_ascii_digit());
                (digits.len() < line.len())
                    .then(|| digits.strip_prefix(". "))
                    .flatten()
            })
            .unwrap_or(line)
            .trim();
        let Some(rest) = item.strip_prefix('[') else {
            continue;
        };
        let Some((_, target)) = rest.split_once("](") else {
            continue;
        };
        let Some((target, _)) = target.split_once(')') else {
            continue;
        };
        let target = target.split('#').next().unwrap_or_default().trim();
        if target.is_empty() || target.contains("://") {
            continue;
        }
        let Some(path) = resolve_relative(src, target) else {
            continue;
        };
        seen_entry = true;
        if let Some((_, lessons)) = modules.last_mut() {
            lessons.push(path);
        }
    }
    modules
}

/// Modules and lesson files without a `SUMMARY.md`: every Markdown file directly in the source
/// folder, in file-name order; `chNN-` files grouped by `NN` (a module titled like its first
/// lesson), files without a prefix first, in a module named after the course.
fn file_name_outline(
    files: &BookFiles,
    src: &str,
    course_title: &str,
) -> Vec<(String, Vec<String>)> {
    let mut loose = Vec::new();
    let mut chapters: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for path in files.files.keys() {
        let Some(name) = path.strip_prefix(src) else {
            continue;
        };
        if name.contains('/') || !name.to_ascii_lowercase().ends_with(".md") {
            continue;
        }
        match chapter_number(name) {
            Some(number) => chapters.entry(number).or_default().push(path.clone()),
            None => loose.push(path.clone()),
        }
    }
    let mut outline = Vec::new();
    if !loose.is_empty() {
        outline.push((course_title.to_owned(), loose));
    }
    for (_, paths) in chapters {
        let title = paths
            .first()
            .and_then(|p| files.text(p)?.ok().and_then(first_heading).map(|(t, _)| t))
            .unwrap_or_else(|| file_stem(paths.first().map(String::as_str).unwrap_or("")));
        outline.push((title, paths));
    }
    outline
}

/// `NN` of a `chNN-...` (or `chNN.md`) file name.
fn chapter_number(name: &str) -> Option<u32> {
    let rest = name.strip_prefix("ch")?;
    let end = rest.find(|c: char| !c.is_ascii_digit())?;
    let (digits, after) = rest.split_at(end);
    if digits.is_empty() || !(after.starts_with('-') || after.starts_with('.')) {
        return None;
    }
    digits.parse().ok()
}

fn file_stem(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".md").unwrap_or(name).to_owned()
}

/// `target` (relative to the folder `base`, which is `""` or ends with `/`) as a book path; `None`
/// when it climbs out of the book.
fn resolve_relative(base: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The first `#` heading's text and the byte range of its source.
fn first_heading(markdown: &str) -> Option<(String, std::ops::Range<usize>)> {
    let mut title: Option<(String, std::ops::Range<usize>)> = None;
    for (event, range) in Parser::new_ext(markdown, Options::all()).into_offset_iter() {
        match (&mut title, event) {
            (
                None,
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H1,
                    ..
                }),
            ) => title = Some((String::new(), range)),
            (Some((text, _)), Event::Text(t) | Event::Code(t)) => text.push_str(&t),
            (Some(_), Event::End(TagEnd::Heading(_))) => break,
            _ => {}
        }
    }
    title
        .map(|(text, range)| (text.trim().to_owned(), range))
        .filter(|(text, _)| !text.is_empty())
}

/// Whole-word count of the Markdown's text, for the reading time.
fn estimated_minutes(markdown: &str) -> u32 {
    let words = markdown.split_whitespace().count();
    u32::try_from(words.div_ceil(WORDS_PER_MINUTE))
        .unwrap_or(u32::MAX)
        .clamp(1, validate::LESSON_MINUTES_MAX)
}

fn read_lesson(
    path: &str,
    text: &str,
    images: &mut ImageImporter<'_>,
    report: &mut Report,
) -> Result<NewLessonContent> {
    let (title, body) = match first_heading(text) {
        // The title is shown above the lesson: the heading is not repeated in its body.
        Some((title, range)) => (
            title,
            format!("{}{}", &text[..range.start], &text[range.end..]),
        ),
        None => (file_stem(path), text.to_owned()),
    };
    let title = validate::lesson_title(&title)
        .map_err(|r| refuse(format!("{path}: {}", r.english("title"))))?;
    let folder = path
        .rsplit_once('/')
        .map(|(d, _)| format!("{d}/"))
        .unwrap_or_default();
    let body = rewrite_images(body.trim(), |target| {
        images.import(path, &folder, target, report)
    });
    let body = validate::lesson_body(&body)
        .map_err(|r| refuse(format!("{path}: {}", r.english("body"))))?;
    Ok(NewLessonContent {
        title,
        estimated_minutes: estimated_minutes(&body),
        body,
        video_url: None,
    })
}

/// Replaces the destination of every inline image (`![alt](dest "title")`) for which `replace`
/// gives a new one; everything else is left byte for byte.
fn rewrite_images(markdown: &str, mut replace: impl FnMut(&str) -> Option<String>) -> String {
    let mut edits = Vec::new();
    for (event, range) in Parser::new_ext(markdown, Options::all()).into_offset_iter() {
        let Event::Start(Tag::Image {
            link_type: LinkType::Inline,
            dest_url,
            ..
        }) = event
        else {
            continue;
        };
        let source = &markdown[range.clone()];
        // The destination follows the alt text's `](`: look for it from the end, after the
        // last `](`, so alt text that happens to contain it cannot be hit.
        let Some(open) = source.rfind("](") else {
            continue;
        };
        let Some(at) = source[open..].find(&*dest_url) else {
            continue;
        };
        if let Some(new) = replace(&dest_url) {
            let start = range.start + open + at;
            edits.push((start..start + dest_url.len(), new));
        }
    }
    let mut out = markdown.to_owned();
    for (range, new) in edits.into_iter().rev() {
        out.replace_range(range, &new);
    }
    out
}

/// Finds, checks and remembers the images lessons refer to.
struct ImageImporter<'a> {
    files: &'a BookFiles,
    is_image: ImageCheck<'a>,
    /// Book path → its media hash, or `None` when it could not be used.
    seen: HashMap<String, Option<String>>,
    images: Vec<BookImage>,
}

impl ImageImporter<'_> {
    /// The `/media/{hash}` address for an image `lesson` refers to as `target`; `None` leaves the
    /// link alone (another site's image, a missing or rejected file).
    fn import(
        &mut self,
        lesson: &str,
        folder: &str,
        target: &str,
        report: &mut Report,
    ) -> Option<String> {
        let relative = !target.starts_with('/')
            && !target.starts_with('#')
            && url::Url::parse(target).is_err();
        if !relative || target.is_empty() {
            return None;
        }
        let target = target.split(['?', '#']).next().unwrap_or(target);
        let Some(path) = resolve_relative(folder, target) else {
            report.missing(
                target,
                format!("{lesson} refers to a file outside the book"),
            );
            return None;
        };
        if let Some(known) = self.seen.get(&path) {
            return known.as_ref().map(|hash| format!("/media/{hash}"));
        }
        let found = self
            .files
            .get(&path)
            .map(|b| (path.clone(), b))
            .or_else(|| {
                let spaced = path.replace("%20", " ");
                self.files.get(&spaced).map(|b| (spaced, b))
            });
        let hash = match found {
            None => {
                report.missing(&path, format!("{lesson} refers to it"));
                None
            }
            Some((path, bytes)) => match (self.is_image)(bytes) {
                Err(why) => {
                    report.set(&path, ImportOutcome::Rejected, Some(&why));
                    None
                }
                Ok(()) => {
                    let hash = hex(&Sha256::digest(bytes));
                    report.set(&path, ImportOutcome::Media, None);
                    if !self.images.iter().any(|i| i.hash == hash) {
                        self.images.push(BookImage {
                            path,
                            hash: hash.clone(),
                            bytes: bytes.to_vec(),
                        });
                    }
                    Some(hash)
                }
            },
        };
        self.seen.insert(path, hash.clone());
        hash.map(|hash| format!("/media/{hash}"))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The per-file report being built: every file of the book starts as skipped.
struct Report {
    files: BTreeMap<String, ImportFile>,
    missing: Vec<ImportFile>,
}

impl Report {
    fn new(book: &BookFiles) -> Self {
        let files = book
            .files
            .keys()
            .map(|path| {
                let file = ImportFile {
                    path: path.clone(),
                    outcome: ImportOutcome::Skipped,
                    message: Some("not a lesson, and no lesson refers to it".to_owned()),
                };
                (path.clone(), file)
            })
            .collect();
        Self {
            files,
            missing: Vec::new(),
        }
    }

    fn set(&mut self, path: &str, outcome: ImportOutcome, message: Option<&str>) {
        if let Some(file) = self.files.get_mut(path) {
            file.outcome = outcome;
            file.message = message.map(str::to_owned);
        }
    }

    fn missing(&mut self, path: &str, message: String) {
        if !self.missing.iter().any(|m| m.path == path) {
            self.missing.push(ImportFile {
                path: path.to_owned(),
                outcome: ImportOutcome::Missing,
                message: Some(message),
            });
        }
    }

    fn finish(self) -> Vec<ImportFile> {
        self.files.into_values().chain(self.missing).collect()
    }
}

/// How an import runs: the CLI's `--publish`; the upload's `?dry_run=true`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    pub publish: bool,
    /// Only parse and report; nothing is stored.
    pub dry_run: bool,
}

/// Where an import's images go: the media store and its size limit (`EDU_MEDIA_MAX_BYTES`).
#[derive(Clone, Copy)]
pub struct ImageStore<'a> {
    pub store: &'a dyn crate::content::media::MediaStore,
    pub max_bytes: usize,
}

impl ImageStore<'_> {
    /// Whether `bytes` would be accepted as an upload (by their magic bytes and dimensions).
    pub fn check(&self, bytes: &[u8]) -> std::result::Result<(), String> {
        crate::content::media::inspect_image(bytes, self.max_bytes)
            .map(drop)
            .map_err(|e| e.to_string())
    }
}

/// Imports `book` as a course of `teacher`: parses it, resolves its category, and (unless a dry
/// run) stores its images and creates the course with all its modules and lessons in one
/// transaction, so a failure leaves no course behind (an image file already written stays as
/// unreferenced content-addressed media). Answers with the report, `course_id` set when created.
pub async fn import_course(
    db: &crate::db::Db,
    teacher: &shared::domain::UserId,
    book: &BookFiles,
    options: ImportOptions,
    images: ImageStore<'_>,
) -> Result<ImportReport> {
    let check = |bytes: &[u8]| images.check(bytes);
    let mut parsed = parse_book(book, &check)?;
    if let Some(slug) = &parsed.category_slug {
        match super::categories::category_by_slug(db, slug).await? {
            Some(category) => parsed.content.category = Some(category.id),
            None => {
                if let Some(line) = parsed.report.files.iter_mut().find(|f| f.path == BOOK_TOML) {
                    line.message = Some(format!(
                        "category {slug:?} does not exist: the course has no category"
                    ));
                }
            }
        }
    }
    if options.dry_run {
        return Ok(parsed.report);
    }
    parsed.content.publish = options.publish;
    let mut tx = db.begin().await?;
    for image in &parsed.images {
        let stored = crate::content::media::record_image(
            &mut tx,
            images.store,
            &image.bytes,
            images.max_bytes,
            Some(teacher),
        )
        .await?;
        if stored.item.hash != image.hash {
            return Err(Error::Internal(format!(
                "{}: stored as {} but linked as {}",
                image.path, stored.item.hash, image.hash
            )));
        }
    }
    let course =
        super::authoring::create_course_with_content(&mut tx, teacher, &parsed.content).await?;
    tx.commit().await?;
    parsed.report.course_id = Some(course);
    Ok(parsed.report)
}

/// The id of the teacher or admin with this email address, for the CLI's `--teacher`.
pub async fn teacher_by_email(db: &crate::db::Db, email: &str) -> Result<shared::domain::UserId> {
    let normalised = validate::email(email).map_err(|reason| Error::Validation {
        field: "teacher",
        reason,
    })?;
    let key = validate::email_key(&normalised);
    let found: Option<(shared::domain::UserId, String)> = crate::db::on_pool!(db, pool => {
        sqlx::query_as("SELECT id, role FROM users WHERE email_key = $1")
            .bind(&key)
            .fetch_optional(pool)
            .await?
    });
    match found {
        None => Err(Error::NotFound(format!(
            "no account has the address {email}"
        ))),
        Some((id, role)) if role == "teacher" || role == "admin" => Ok(id),
        Some(_) => Err(Error::Forbidden(format!(
            "{email} is not a teacher or an admin; only they can own courses"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n fake png";

    /// Each module's title with its lessons' titles, in order.
    fn titles(modules: &[crate::catalog::authoring::NewModuleContent]) -> Vec<(&str, Vec<&str>)> {
        modules
            .iter()
            .map(|m| {
                (
                    m.title.as_str(),
                    m.lessons.iter().map(|l| l.title.as_str()).collect(),
                )
            })
            .collect()
    }

    fn png_only(bytes: &[u8]) -> std::result::Result<(), String> {
        if bytes.starts_with(b"\x89PNG") {
            Ok(())
        } else {
            Err("not an image".into())
        }
    }

    fn book(files: &[(&str, &[u8])]) -> BookFiles {
        let mut book = BookFiles::named(Some("folder-name".into()));
        for (path, bytes) in files {
            book.add(path, bytes.to_vec()).unwrap();
        }
        book
    }

    fn parse(files: &[(&str, &[u8])]) -> ParsedBook {
        parse_book(&book(files), &png_only).unwrap()
    }

    fn outcome(parsed: &ParsedBook, path: &str) -> (ImportOutcome, Option<String>) {
        let file = parsed
            .report
            .files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path} not in {:?}", parsed.report.files));
        (file.outcome, file.message.clone())
    }

    const TOML: &[u8] = b"[book]\ntitle = \"Rust basics\"\ndescription = \"All of it\"\n\
        language = \"ru\"\n[eduplatform]\nsubtitle = \"Short\"\nlevel = \"advanced\"\n\
        category = \"programming\"\n";

    #[test]
    fn summary_parts_make_modules_and_entries_lessons_in_order() {
        let summary = b"# Summary\n\n[Intro](intro.md)\n\n# Basics\n\n- [One](one.md)\n  \
            - [Nested](sub/nested.md)\n- [Draft]()\n\n---\n\n# Advanced\n\n1. [Two](./two.md)\n";
        let parsed = parse(&[
            ("book.toml", TOML),
            ("src/SUMMARY.md", summary),
            ("src/intro.md", b"# Welcome\n\nHello."),
            ("src/one.md", b"# First lesson\n\nText."),
            ("src/sub/nested.md", b"No heading here."),
            ("src/two.md", b"# Second\n"),
            ("src/unlisted.md", b"# Unlisted\n"),
        ]);
        let c = &parsed.content;
        assert_eq!(
            (
                c.title.as_str(),
                c.subtitle.as_str(),
                c.description.as_str()
            ),
            ("Rust basics", "Short", "All of it")
        );
        assert_eq!(
            (c.language, c.level),
            (CourseLanguage::Ru, CourseLevel::Advanced)
        );
        assert_eq!(parsed.category_slug.as_deref(), Some("programming"));
        let outline = titles(&c.modules);
        assert_eq!(
            outline,
            [
                ("Rust basics", vec!["Welcome"]),
                ("Basics", vec!["First lesson", "nested"]),
                ("Advanced", vec!["Second"]),
            ]
        );
        assert_eq!(
            c.modules[1].lessons[0].body, "Text.",
            "the title heading is not repeated"
        );
        assert_eq!(
            outcome(&parsed, "src/SUMMARY.md").0,
            ImportOutcome::Structure
        );
        assert_eq!(outcome(&parsed, "book.toml").0, ImportOutcome::Structure);
        assert_eq!(outcome(&parsed, "src/one.md").0, ImportOutcome::Lesson);
        let unlisted = outcome(&parsed, "src/unlisted.md");
        assert_eq!(unlisted.0, ImportOutcome::Skipped);
        assert!(unlisted.1.unwrap().contains("SUMMARY.md"));
        assert_eq!(
            parsed.report.modules[1].lessons[1].path,
            "src/sub/nested.md"
        );
    }

    #[test]
    fn chapter_prefixes_group_files_in_name_order_without_a_summary() {
        let parsed = parse(&[
            ("book.toml", b"[book]\ntitle = \"Chapters\"\n"),
            ("src/ch02-01-more.md", b"# More"),
            ("src/ch01-00-start.md", b"# Getting started"),
            ("src/ch01-01-install.md", b"# Installing"),
            ("src/ch02-00-next.md", b"# Next steps"),
            ("src/README.md", b"# About"),
            ("src/notes.txt", b"not markdown"),
        ]);
        let outline = titles(&parsed.content.modules);
        assert_eq!(
            outline,
            [
                ("Chapters", vec!["About"]),
                ("Getting started", vec!["Getting started", "Installing"]),
                ("Next steps", vec!["Next steps", "More"]),
            ]
        );
        assert_eq!(outcome(&parsed, "src/notes.txt").0, ImportOutcome::Skipped);
        assert_eq!(parsed.content.language, CourseLanguage::En);
        assert_eq!(parsed.content.level, CourseLevel::Beginner);
        assert!(!parsed.content.publish);
    }

    #[test]
    fn markdown_at_the_top_level_without_book_toml_is_a_book_named_after_its_folder() {
        let parsed = parse(&[("a.md", b"# A"), ("b.md", b"plain")]);
        assert_eq!(parsed.content.title, "folder-name");
        let titles: Vec<_> = parsed.content.modules[0]
            .lessons
            .iter()
            .map(|l| l.title.as_str())
            .collect();
        assert_eq!(titles, ["A", "b"]);
    }

    #[test]
    fn minutes_follow_the_word_count_at_two_hundred_a_minute() {
        let words = |n: usize| format!("# T\n\n{}", "word ".repeat(n));
        for (count, minutes) in [(0, 1), (10, 1), (200, 1), (201, 2), (1000, 5)] {
            let text = words(count);
            let parsed = parse(&[("x.md", text.as_bytes())]);
            assert_eq!(
                parsed.content.modules[0].lessons[0].estimated_minutes, minutes,
                "{count} words"
            );
        }
    }

    #[test]
    fn relative_images_become_media_links_and_missing_ones_are_reported() {
        let lesson = b"# Pictures\n\n![a diagram](img/x.png \"title\") and ![same](./img/x.png)\n\
            ![up](../shared/y.png)\n![gone](img/nope.png)\n![text](img/fake.png)\n\
            ![web](https://example.com/z.png) ![root](/media/abc)\n";
        let parsed = parse(&[
            ("src/ch01-a.md", lesson),
            ("src/img/x.png", PNG),
            ("shared/y.png", PNG),
            ("src/img/fake.png", b"GIF? no, text"),
            ("src/img/unused.png", PNG),
        ]);
        let hash = hex(&Sha256::digest(PNG));
        let body = &parsed.content.modules[0].lessons[0].body;
        assert_eq!(
            body,
            &format!(
                "![a diagram](/media/{hash} \"title\") and ![same](/media/{hash})\n\
                 ![up](/media/{hash})\n![gone](img/nope.png)\n![text](img/fake.png)\n\
                 ![web](https://example.com/z.png) ![root](/media/abc)"
            )
        );
        assert_eq!(parsed.images.len(), 1, "the same bytes are stored once");
        assert_eq!(parsed.images[0].hash, hash);
        assert_eq!(outcome(&parsed, "src/img/x.png").0, ImportOutcome::Media);
        assert_eq!(outcome(&parsed, "shared/y.png").0, ImportOutcome::Media);
        assert_eq!(
            outcome(&parsed, "src/img/unused.png").0,
            ImportOutcome::Skipped
        );
        let (fake, why) = outcome(&parsed, "src/img/fake.png");
        assert_eq!(
            (fake, why.as_deref()),
            (ImportOutcome::Rejected, Some("not an image"))
        );
        let (missing, why) = outcome(&parsed, "src/img/nope.png");
        assert_eq!(missing, ImportOutcome::Missing);
        assert!(why.unwrap().contains("src/ch01-a.md"));
    }

    #[test]
    fn a_summary_entry_without_its_file_is_missing_not_fatal() {
        let parsed = parse(&[
            ("SUMMARY.md", b"- [Here](here.md)\n- [Gone](gone.md)\n"),
            ("here.md", b"# Here"),
        ]);
        assert_eq!(parsed.content.modules[0].lessons.len(), 1);
        assert_eq!(outcome(&parsed, "gone.md").0, ImportOutcome::Missing);
    }

    /// A book's files by path, and what the refusal must say.
    type RefusedBook<'a> = (&'a [(&'a str, &'a [u8])], &'a str);

    #[test]
    fn a_book_without_lessons_or_with_bad_settings_is_refused_with_a_reason() {
        let cases: &[RefusedBook<'_>] = &[
            (
                &[("book.toml", b"[book]\ntitle = \"Empty\"\n")],
                "no lesson",
            ),
            (&[("notes.txt", b"hi")], "no lesson"),
            (
                &[("book.toml", b"[book\n"), ("a.md", b"# A")],
                "book.toml is not valid",
            ),
            (
                &[
                    ("book.toml", b"[book]\nlanguage = \"de\"\n"),
                    ("a.md", b"# A"),
                ],
                "language",
            ),
            (
                &[
                    ("book.toml", b"[eduplatform]\nlevel = \"guru\"\n"),
                    ("a.md", b"# A"),
                ],
                "level",
            ),
            (
                &[("book.toml", b"[book]\ntitle = \"x\"\n"), ("a.md", b"# A")],
                "title",
            ),
            (
                &[("SUMMARY.md", b"- [A](a.md)\n"), ("b.md", b"# B")],
                "no lesson",
            ),
        ];
        for (files, says) in cases {
            let err = parse_book(&book(files), &png_only).unwrap_err();
            assert!(
                matches!(&err, Error::UnprocessableContent(m) if m.contains(says)),
                "{files:?}: {err:?}"
            );
        }
    }

    #[test]
    fn paths_leaving_the_book_are_refused() {
        for name in [
            "../evil.md",
            "a/../../evil.md",
            "/etc/passwd",
            "C:/x.md",
            "a\\b.md",
            "",
        ] {
            let err = BookFiles::default().add(name, Vec::new()).unwrap_err();
            assert!(matches!(err, Error::UnprocessableContent(_)), "{name}");
        }
        assert_eq!(checked_path("./src//a.md").unwrap(), "src/a.md");
        assert_eq!(
            resolve_relative("src/", "../img/a.png").as_deref(),
            Some("img/a.png")
        );
        assert_eq!(resolve_relative("src/", "../../a.png"), None);
    }

    #[test]
    fn a_zip_in_a_single_folder_is_read_from_inside_it() {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        zip.add_directory("my-book/", options).unwrap();
        zip.start_file("my-book/a.md", options).unwrap();
        zip.write_all(b"# A").unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let book = BookFiles::from_zip(&bytes).unwrap();
        assert_eq!(book.name.as_deref(), Some("my-book"));
        assert!(book.get("a.md").is_some());
    }
}
