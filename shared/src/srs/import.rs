//! Cards from files other tools write: Anki's "Notes in Plain Text" export (with its `#separator`,
//! `#html`, `#tags column` and `#tags` headers) and CSV/TSV with front, back and tags. Reads row by
//! row and keeps at most `MAX_IMPORT_CARDS` cards and `MAX_REPORTED_PROBLEMS` problems, so a file
//! of any length costs bounded memory beyond its own bytes; every row gets an outcome, none is
//! dropped silently. Pure: never writes a card anywhere (the client does, after the learner
//! confirms).

use std::collections::BTreeSet;
use std::fmt;

pub use crate::doc::{CARD_TAGS_MAX_CHARS, CARD_TEXT_MAX_CHARS};

/// The most cards one import adds. 5,000 cards of typical length (~300 bytes each as events) are
/// about 1.5 MB, well under the 4 MiB sync message and 8 MiB document limits
/// (`validate::SYNC_MESSAGE_MAX_BYTES`, `SYNC_DOC_MAX_BYTES`) with room left for their review
/// logs; it covers common shared decks, and is 250 days of 20 new cards a day. Rows past it are
/// reported (`ImportReport::over_limit`), never dropped silently; split a bigger file.
pub const MAX_IMPORT_CARDS: usize = 5_000;

/// The most text (fronts, backs and tags, in UTF-8 bytes) one import adds. The sides may be long
/// (`CARD_TEXT_MAX_CHARS`), so the card cap alone does not bound the size: 3 MiB keeps one import's
/// events inside the 4 MiB sync message (`validate::SYNC_MESSAGE_MAX_BYTES`). Rows past it are
/// reported with those past `MAX_IMPORT_CARDS`.
pub const MAX_IMPORT_TEXT_BYTES: usize = 3 * 1024 * 1024;

/// How many problem rows a report lists one by one; the rest are only counted, so a file of
/// 100,000 bad rows does not make a 100,000-entry report.
pub const MAX_REPORTED_PROBLEMS: usize = 500;

/// A card read from one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedCard {
    /// The line of the file the row starts on (1-based, header lines counted).
    pub line: usize,
    pub front: String,
    pub back: String,
    /// Tags, each once, in the order first seen (from the row's tags column and `#tags:`).
    pub tags: Vec<String>,
}

impl ImportedCard {
    /// The tags as one space-separated text, as the `card_created` event holds them.
    pub fn tags_text(&self) -> String {
        self.tags.join(" ")
    }

    /// The UTF-8 bytes of its text: front, back and tags.
    pub fn text_bytes(&self) -> usize {
        self.front.len() + self.back.len() + self.tags.iter().map(|t| t.len() + 1).sum::<usize>()
    }
}

/// Which side of a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Front,
    Back,
}

/// Why a row gives no card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowProblem {
    /// Nothing in any column: skipped.
    Empty,
    /// The front column is missing or empty.
    MissingFront,
    /// The back column is missing or empty.
    MissingBack,
    /// Text in more columns than front, back and tags.
    ExtraColumns { found: usize, expected: usize },
    /// A quote opened on this row is never closed: the rest of the file (`lines` lines) was read
    /// as part of it and nothing after it could be imported.
    UnterminatedQuote { lines: usize },
    /// A side longer than `CARD_TEXT_MAX_CHARS`.
    TooLong { side: Side, chars: usize },
    /// Tags longer than `CARD_TAGS_MAX_CHARS` together (space-separated, `#tags:` included).
    TagsTooLong { chars: usize },
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("empty row, skipped"),
            Self::MissingFront => f.write_str("the front is missing"),
            Self::MissingBack => f.write_str("the back is missing"),
            Self::ExtraColumns { found, expected } => write!(
                f,
                "{found} columns hold text; expected at most {expected} (front, back, tags)"
            ),
            Self::UnterminatedQuote { lines } => write!(
                f,
                "a quote opened here is never closed ({lines} lines to the end of the file were \
                 read as one row)"
            ),
            Self::TooLong { side, chars } => write!(
                f,
                "the {} has {chars} characters; at most {CARD_TEXT_MAX_CHARS}",
                match side {
                    Side::Front => "front",
                    Side::Back => "back",
                }
            ),
            Self::TagsTooLong { chars } => write!(
                f,
                "the tags have {chars} characters together; at most {CARD_TAGS_MAX_CHARS}"
            ),
        }
    }
}

/// One row's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOutcome {
    Card(ImportedCard),
    Problem { line: usize, problem: RowProblem },
}

/// What a file could be when it is not UTF-8 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodingGuess {
    /// A byte-order mark or zero bytes: UTF-16 (Excel's "Unicode Text").
    Utf16,
    /// Bytes of a single-byte code page (Windows-1251, Windows-1252, KOI8-R, ...).
    SingleByte,
}

/// Why a whole file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// Not UTF-8 text: the first bad byte's offset and line, and what the file looks like.
    NotUtf8 {
        offset: usize,
        line: usize,
        guess: EncodingGuess,
    },
    /// A zip archive: an Anki package (`.apkg`/`.colpkg`), not a text export.
    AnkiPackage,
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotUtf8 {
                offset,
                line,
                guess,
            } => {
                let what = match guess {
                    EncodingGuess::Utf16 => "it looks like UTF-16 (\"Unicode Text\")",
                    EncodingGuess::SingleByte => {
                        "it looks like a single-byte code page such as Windows-1251 or \
                         Windows-1252"
                    }
                };
                write!(
                    f,
                    "the file is not UTF-8 text (byte {offset}, line {line}): {what}. Save it \
                     as UTF-8 (\"CSV UTF-8\" in Excel, character set \"Unicode (UTF-8)\" in \
                     LibreOffice) and import it again"
                )
            }
            Self::AnkiPackage => f.write_str(
                "this is an Anki package (.apkg), not a text file. In Anki, export the deck as \
                 \"Notes in Plain Text\" and import that file",
            ),
        }
    }
}

impl std::error::Error for FileProblem {}

/// Whether the file was read as Anki's export (it has `#` headers) or as plain CSV/TSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    AnkiNotes,
    Delimited,
}

/// How the rows of a file are read, as found in its headers or sniffed from its first rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub format: Format,
    pub separator: char,
    /// Fields hold HTML (`#html:true`), turned into plain text.
    pub html: bool,
    /// The first row named the columns and was not read as a card.
    pub header_row: bool,
    /// 0-based columns of the front, the back and the tags (if any).
    pub front: usize,
    pub back: usize,
    pub tags: Option<usize>,
    /// Columns that are neither (Anki's `#guid`/`#notetype`/`#deck column`, or named by a header
    /// row): never read, never an "extra column".
    pub ignored: BTreeSet<usize>,
    /// Tags every card gets (`#tags:`).
    pub file_tags: Vec<String>,
}

/// Reads `bytes` as a card file and gives each row's outcome in order, one at a time.
pub fn rows(bytes: &[u8]) -> Result<Rows<'_>, FileProblem> {
    let text = utf8_text(bytes)?;
    Ok(Rows::new(text))
}

/// The outcomes of a whole file, with at most `MAX_IMPORT_CARDS` cards and
/// `MAX_REPORTED_PROBLEMS` problems kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub layout: Layout,
    /// Data rows read (header lines and a header row not counted; empty rows counted).
    pub rows: usize,
    /// The cards to add, in file order.
    pub cards: Vec<ImportedCard>,
    /// Rows giving no card, in file order (the first `MAX_REPORTED_PROBLEMS`).
    pub problems: Vec<(usize, RowProblem)>,
    /// All rows giving no card, empty rows included (may exceed `problems.len()`).
    pub problem_count: usize,
    /// Of them, empty rows (skipped without harm).
    pub empty_count: usize,
    /// Good rows past `MAX_IMPORT_CARDS` or `MAX_IMPORT_TEXT_BYTES`, not imported: how many, and
    /// the first one's line.
    pub over_limit: usize,
    pub first_over_limit_line: Option<usize>,
}

impl ImportReport {
    /// Rows that are neither a card nor merely empty.
    pub fn error_count(&self) -> usize {
        self.problem_count - self.empty_count
    }
}

/// Reads a whole file into a report (see `ImportReport`).
pub fn import(bytes: &[u8]) -> Result<ImportReport, FileProblem> {
    Ok(report(
        rows(bytes)?,
        MAX_IMPORT_CARDS,
        MAX_IMPORT_TEXT_BYTES,
    ))
}

/// Collects `rows` into a report keeping at most `cap` cards holding at most `cap_bytes` of text;
/// once a card is past either, every later good row is past the limit too (an import is a prefix
/// of the file, so "split the file from line N" is exact).
pub fn report(mut rows: Rows<'_>, cap: usize, cap_bytes: usize) -> ImportReport {
    let mut text_bytes = 0;
    let mut report = ImportReport {
        layout: rows.layout().clone(),
        rows: 0,
        cards: Vec::new(),
        problems: Vec::new(),
        problem_count: 0,
        empty_count: 0,
        over_limit: 0,
        first_over_limit_line: None,
    };
    for outcome in rows.by_ref() {
        report.rows += 1;
        match outcome {
            RowOutcome::Card(card)
                if report.over_limit == 0
                    && report.cards.len() < cap
                    && text_bytes + card.text_bytes() <= cap_bytes =>
            {
                text_bytes += card.text_bytes();
                report.cards.push(card)
            }
            RowOutcome::Card(card) => {
                report.over_limit += 1;
                report.first_over_limit_line.get_or_insert(card.line);
            }
            RowOutcome::Problem { line, problem } => {
                report.problem_count += 1;
                if problem == RowProblem::Empty {
                    report.empty_count += 1;
                }
                if report.problems.len() < MAX_REPORTED_PROBLEMS {
                    report.problems.push((line, problem));
                }
            }
        }
    }
    // The header row is known only once the first row is read.
    report.layout = rows.layout().clone();
    report
}

/// The text of `bytes` without a UTF-8 byte-order mark, or why it is not UTF-8 text.
fn utf8_text(bytes: &[u8]) -> Result<&str, FileProblem> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(FileProblem::AnkiPackage);
    }
    let line_of = |offset: usize| 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(FileProblem::NotUtf8 {
            offset: 0,
            line: 1,
            guess: EncodingGuess::Utf16,
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        // UTF-16 without a byte-order mark is valid UTF-8 when it is ASCII: its zero bytes say.
        Ok(text) => match text.find('\0') {
            Some(offset) => Err(FileProblem::NotUtf8 {
                offset,
                line: line_of(offset),
                guess: EncodingGuess::Utf16,
            }),
            None => Ok(text),
        },
        Err(error) => {
            let offset = error.valid_up_to();
            Err(FileProblem::NotUtf8 {
                offset,
                line: line_of(offset),
                guess: if bytes.contains(&0) {
                    EncodingGuess::Utf16
                } else {
                    EncodingGuess::SingleByte
                },
            })
        }
    }
}

/// One row as read: its first line and fields, or an unterminated quote.
struct RawRow {
    line: usize,
    fields: Result<Vec<String>, RowProblem>,
}

/// The rows of a file, read one at a time (an `Iterator` of `RowOutcome`).
pub struct Rows<'a> {
    text: &'a str,
    /// Byte offset of the next row.
    pos: usize,
    /// The line `pos` is on (1-based).
    line: usize,
    layout: Layout,
    /// Whether the first data row may still be a header row naming the columns.
    header_pending: bool,
}

impl<'a> Rows<'a> {
    fn new(text: &'a str) -> Self {
        let mut rows = Self {
            text,
            pos: 0,
            line: 1,
            layout: Layout {
                format: Format::Delimited,
                separator: ',',
                html: false,
                header_row: false,
                front: 0,
                back: 1,
                tags: None,
                ignored: BTreeSet::new(),
                file_tags: Vec::new(),
            },
            header_pending: true,
        };
        let separator = rows.read_anki_headers();
        rows.layout.separator = separator.unwrap_or_else(|| sniff_separator(&text[rows.pos..]));
        // Anki names its columns in headers: a first row is then always data.
        rows.header_pending = rows.layout.format == Format::Delimited;
        if rows.layout.tags.is_none() {
            // Front, back, then tags in the next column that is not ignored.
            let mut column = 0;
            let mut fields = Vec::new();
            while fields.len() < 3 {
                if !rows.layout.ignored.contains(&column) {
                    fields.push(column);
                }
                column += 1;
            }
            (rows.layout.front, rows.layout.back) = (fields[0], fields[1]);
            rows.layout.tags = Some(fields[2]);
        } else {
            let tags = rows.layout.tags;
            let mut fields = (0..).filter(|c| !rows.layout.ignored.contains(c) && Some(*c) != tags);
            rows.layout.front = fields.next().unwrap_or(0);
            rows.layout.back = fields.next().unwrap_or(1);
        }
        rows
    }

    /// How the rows are read.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Reads Anki's `#key:value` lines at the top; answers the separator they name, if any.
    fn read_anki_headers(&mut self) -> Option<char> {
        let mut separator = None;
        loop {
            let rest = &self.text[self.pos..];
            let Some(header) = rest.strip_prefix('#') else {
                break;
            };
            let end = rest.find('\n').map_or(rest.len(), |i| i + 1);
            let line = header[..end - 1].trim_end_matches(['\r', '\n']);
            let Some((key, value)) = line.split_once(':') else {
                break;
            };
            let key = key.trim().to_ascii_lowercase();
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_lowercase() || c == ' ') {
                break;
            }
            self.layout.format = Format::AnkiNotes;
            self.pos += end;
            self.line += 1;
            let column = || {
                value
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .map(|n| n - 1)
            };
            match key.as_str() {
                "separator" => separator = separator_named(value),
                "html" => self.layout.html = value.trim().eq_ignore_ascii_case("true"),
                "tags column" => self.layout.tags = column(),
                "tags" => {
                    for tag in value.split_whitespace() {
                        push_tag(&mut self.layout.file_tags, tag);
                    }
                }
                "guid column" | "notetype column" | "deck column" => {
                    if let Some(column) = column() {
                        self.layout.ignored.insert(column);
                    }
                }
                _ => {}
            }
        }
        if let Some(tags) = self.layout.tags {
            self.layout.ignored.remove(&tags);
        }
        separator
    }

    /// Reads the next row's fields (RFC 4180: quotes around a field may hold separators, line
    /// breaks and doubled quotes; a quote inside an unquoted field is kept as text).
    fn next_raw(&mut self) -> Option<RawRow> {
        if self.pos >= self.text.len() {
            return None;
        }
        #[derive(PartialEq)]
        enum State {
            FieldStart,
            Unquoted,
            Quoted,
            QuoteInQuoted,
        }
        let start_line = self.line;
        let separator = self.layout.separator;
        let rest = &self.text[self.pos..];
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut state = State::FieldStart;
        let mut chars = rest.char_indices().peekable();
        let mut consumed = rest.len();
        while let Some((_, c)) = chars.next() {
            let newline = c == '\n' || c == '\r';
            if newline {
                // `\r\n` is one line break.
                if c == '\r' && chars.peek().is_some_and(|(_, next)| *next == '\n') {
                    chars.next();
                }
                self.line += 1;
            }
            match state {
                State::Quoted if c == '"' => state = State::QuoteInQuoted,
                State::Quoted if newline => field.push('\n'),
                State::Quoted => field.push(c),
                State::QuoteInQuoted if c == '"' => {
                    field.push('"');
                    state = State::Quoted;
                }
                State::FieldStart if c == '"' => state = State::Quoted,
                _ if c == separator => {
                    fields.push(std::mem::take(&mut field));
                    state = State::FieldStart;
                }
                _ if newline => {
                    consumed = chars.peek().map_or(rest.len(), |(next, _)| *next);
                    break;
                }
                _ => {
                    field.push(c);
                    state = State::Unquoted;
                }
            }
        }
        self.pos += consumed;
        if state == State::Quoted {
            return Some(RawRow {
                line: start_line,
                fields: Err(RowProblem::UnterminatedQuote {
                    lines: self.line - start_line + usize::from(!self.text.ends_with(['\n', '\r'])),
                }),
            });
        }
        fields.push(field);
        Some(RawRow {
            line: start_line,
            fields: Ok(fields),
        })
    }

    /// If `fields` name the columns (front and back, maybe tags), takes them as the layout.
    fn take_header_row(&mut self, fields: &[String]) -> bool {
        let role = |name: &str| {
            let name = name.trim().to_lowercase();
            if FRONT_NAMES.contains(&name.as_str()) {
                Some(Side::Front)
            } else if BACK_NAMES.contains(&name.as_str()) {
                Some(Side::Back)
            } else {
                None
            }
        };
        let front = fields.iter().position(|f| role(f) == Some(Side::Front));
        let back = fields.iter().position(|f| role(f) == Some(Side::Back));
        let (Some(front), Some(back)) = (front, back) else {
            return false;
        };
        let tags = fields
            .iter()
            .position(|f| TAGS_NAMES.contains(&f.trim().to_lowercase().as_str()));
        self.layout.header_row = true;
        self.layout.front = front;
        self.layout.back = back;
        self.layout.tags = tags;
        // The learner named every column: the others are theirs to keep out.
        self.layout.ignored = (0..fields.len())
            .filter(|c| *c != front && *c != back && Some(*c) != tags)
            .collect();
        true
    }

    /// A row's fields as a card or a problem.
    fn outcome(&self, line: usize, fields: &[String]) -> RowOutcome {
        let problem = |problem| RowOutcome::Problem { line, problem };
        if fields.iter().all(|f| f.trim().is_empty()) {
            return problem(RowProblem::Empty);
        }
        let layout = &self.layout;
        let used = |c: usize| c == layout.front || c == layout.back || Some(c) == layout.tags;
        let filled = fields
            .iter()
            .enumerate()
            .filter(|(c, f)| !layout.ignored.contains(c) && !f.trim().is_empty());
        let extra = filled.clone().filter(|(c, _)| !used(*c)).count();
        if extra > 0 {
            return problem(RowProblem::ExtraColumns {
                found: filled.count(),
                expected: 2 + usize::from(layout.tags.is_some()),
            });
        }
        let text = |column: usize| {
            let raw = fields.get(column).map_or("", String::as_str);
            if layout.html {
                html_to_text(raw)
            } else {
                raw.trim().to_owned()
            }
        };
        let (front, back) = (text(layout.front), text(layout.back));
        if front.is_empty() {
            return problem(RowProblem::MissingFront);
        }
        if back.is_empty() {
            return problem(RowProblem::MissingBack);
        }
        for (side, text) in [(Side::Front, &front), (Side::Back, &back)] {
            let chars = text.chars().count();
            if chars > CARD_TEXT_MAX_CHARS {
                return problem(RowProblem::TooLong { side, chars });
            }
        }
        let mut tags = layout.file_tags.clone();
        if let Some(column) = layout.tags {
            for tag in fields
                .get(column)
                .map_or("", String::as_str)
                .split_whitespace()
            {
                push_tag(&mut tags, tag);
            }
        }
        let chars =
            tags.iter().map(|t| t.chars().count()).sum::<usize>() + tags.len().saturating_sub(1);
        if chars > CARD_TAGS_MAX_CHARS {
            return problem(RowProblem::TagsTooLong { chars });
        }
        RowOutcome::Card(ImportedCard {
            line,
            front,
            back,
            tags,
        })
    }
}

impl Iterator for Rows<'_> {
    type Item = RowOutcome;

    fn next(&mut self) -> Option<RowOutcome> {
        loop {
            let raw = self.next_raw()?;
            let fields = match raw.fields {
                Ok(fields) => fields,
                Err(problem) => {
                    return Some(RowOutcome::Problem {
                        line: raw.line,
                        problem,
                    })
                }
            };
            if std::mem::take(&mut self.header_pending) && self.take_header_row(&fields) {
                continue;
            }
            return Some(self.outcome(raw.line, &fields));
        }
    }
}

/// Names a header row may give the front column (compared lowercased).
const FRONT_NAMES: &[&str] = &[
    "front",
    "question",
    "term",
    "word",
    "вопрос",
    "лицевая сторона",
    "термин",
    "слово",
];
/// Names a header row may give the back column.
const BACK_NAMES: &[&str] = &[
    "back",
    "answer",
    "definition",
    "meaning",
    "translation",
    "ответ",
    "оборотная сторона",
    "оборот",
    "определение",
    "перевод",
];
/// Names a header row may give the tags column.
const TAGS_NAMES: &[&str] = &["tags", "tag", "теги", "метки"];

fn push_tag(tags: &mut Vec<String>, tag: &str) {
    if !tag.is_empty() && !tags.iter().any(|t| t == tag) {
        tags.push(tag.to_owned());
    }
}

/// The separator an Anki `#separator:` header names (`tab`, `comma`, ..., or the character).
fn separator_named(value: &str) -> Option<char> {
    let named = match value.trim().to_ascii_lowercase().as_str() {
        "tab" => '\t',
        "comma" => ',',
        "semicolon" => ';',
        "pipe" => '|',
        "space" => ' ',
        "colon" => ':',
        _ => {
            // A literal character; a space or tab is only ever named, since trim removes it.
            let mut chars = value.chars();
            let c = chars.next()?;
            return (chars.next().is_none() && c != '"' && c != '\n' && c != '\r').then_some(c);
        }
    };
    Some(named)
}

/// The separator of a file without a `#separator:` header: of tab, comma, semicolon and pipe, the
/// one that splits the most of its first 20 rows into as many columns as the first row (ties in
/// that order; tab when none splits anything).
fn sniff_separator(text: &str) -> char {
    const CANDIDATES: [char; 4] = ['\t', ',', ';', '|'];
    let mut scores = [0usize; 4];
    let mut first: Option<[usize; 4]> = None;
    let mut counts = [0usize; 4];
    let mut in_quotes = false;
    let mut lines = 0;
    let mut score_line = |counts: &mut [usize; 4]| {
        if counts.iter().all(|c| *c == 0) {
            return;
        }
        let first = *first.get_or_insert(*counts);
        for i in 0..CANDIDATES.len() {
            scores[i] += usize::from(counts[i] > 0 && counts[i] == first[i]);
        }
        *counts = [0; 4];
    };
    // As the reader does: a quote opens only at a field's start and `""` inside is one quote.
    let mut previous = '\n';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let at_field_start = previous == '\n' || CANDIDATES.contains(&previous);
        previous = c;
        if in_quotes && c == '"' && chars.peek() == Some(&'"') {
            chars.next();
        } else if c == '"' && (in_quotes || at_field_start) {
            in_quotes = !in_quotes;
        } else if !in_quotes && c == '\n' {
            score_line(&mut counts);
            lines += 1;
            if lines == 20 {
                break;
            }
        } else if !in_quotes {
            if let Some(i) = CANDIDATES.iter().position(|s| *s == c) {
                counts[i] += 1;
            }
        }
    }
    score_line(&mut counts);
    let best = scores
        .iter()
        .enumerate()
        .max_by_key(|(i, score)| (**score, std::cmp::Reverse(*i)))
        .map_or(0, |(i, _)| i);
    CANDIDATES[best]
}

/// Anki field HTML as plain text: line breaks for `<br>` and block ends, other tags dropped
/// (with the contents of `<script>` and `<style>`), entities decoded, blank runs tidied.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut hidden: Option<&str> = None;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let Some(end) = rest.find('>') else {
                // A lone `<` is text.
                if hidden.is_none() {
                    out.push('<');
                }
                rest = &rest[1..];
                continue;
            };
            let tag = rest[1..end].trim().to_ascii_lowercase();
            rest = &rest[end + 1..];
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if let Some(open) = hidden {
                if closing && name == open {
                    hidden = None;
                }
                continue;
            }
            match name.as_str() {
                "script" | "style" if !closing && !tag.ends_with('/') => {
                    hidden = Some(if name == "script" { "script" } else { "style" });
                }
                "br" => out.push('\n'),
                // A block starts and ends on its own line (once: `</li><li>` is one break).
                "div" | "p" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul"
                | "ol" | "table" | "blockquote" | "pre"
                    if !out.rsplit('\n').next().unwrap_or("").trim().is_empty() =>
                {
                    out.push('\n')
                }
                _ => {}
            }
            continue;
        }
        if hidden.is_some() {
            rest = &rest[c.len_utf8()..];
            continue;
        }
        if c == '&' {
            if let Some((decoded, len)) = entity(rest) {
                out.push(decoded);
                rest = &rest[len..];
                continue;
            }
        }
        out.push(if c == '\n' || c == '\r' { ' ' } else { c });
        rest = &rest[c.len_utf8()..];
    }
    tidy(&out)
}

/// The character an entity at the start of `text` stands for, and its length.
fn entity(text: &str) -> Option<(char, usize)> {
    let end = text.bytes().take(12).position(|b| b == b';')?;
    let name = &text[1..end];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code).filter(|c| *c != '\0')?
        }
    };
    Some((c, end + 1))
}

/// Trims each line's ends, and the text's, and keeps at most one blank line in a row.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.split('\n').map(str::trim) {
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank_run = 0;
        }
        if !out.is_empty() || !line.is_empty() {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests;
