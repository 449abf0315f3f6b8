use proptest::prelude::*;

use super::*;

fn card(line: usize, front: &str, back: &str, tags: &[&str]) -> RowOutcome {
    RowOutcome::Card(ImportedCard {
        line,
        front: front.to_owned(),
        back: back.to_owned(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
    })
}

fn problem(line: usize, problem: RowProblem) -> RowOutcome {
    RowOutcome::Problem { line, problem }
}

fn outcomes(text: &str) -> Vec<RowOutcome> {
    rows(text.as_bytes()).unwrap().collect()
}

#[test]
fn files_read_row_by_row_as_cards_or_problems() {
    let table: Vec<(&str, &str, Vec<RowOutcome>)> = vec![
        (
            "Anki export with HTML and a tags column",
            "#separator:tab\n#html:true\n#tags column:3\n\
             <b>cat</b>\tкошка<br>кот\tanimals ru\n\
             a &amp; b &lt;c&gt;\t<div>one</div><div>two</div>\t\n",
            vec![
                card(4, "cat", "кошка\nкот", &["animals", "ru"]),
                card(5, "a & b <c>", "one\ntwo", &[]),
            ],
        ),
        (
            "Anki export without HTML keeps markup as text",
            "#separator:Semicolon\n#html:false\n<b>x</b>;y\n",
            vec![card(3, "<b>x</b>", "y", &[])],
        ),
        (
            "Anki's guid, notetype and deck columns are not fields",
            "#separator:tab\n#html:false\n#guid column:1\n#notetype column:2\n#deck column:3\n\
             #tags column:6\nq0Xx\tBasic\tSpanish\thola\thello\tgreeting\n",
            vec![card(7, "hola", "hello", &["greeting"])],
        ),
        (
            "#tags: applies to every card, with the row's own tags after it",
            "#separator:pipe\n#tags:deck::es  es\n#other header:ignored\nuno|one|num es\n",
            vec![card(4, "uno", "one", &["deck::es", "es", "num"])],
        ),
        (
            "a literal separator character and a space separator",
            "#separator:~\nleft~right\n",
            vec![card(2, "left", "right", &[])],
        ),
        (
            "space separator",
            "#separator:space\nsol sun\n",
            vec![card(2, "sol", "sun", &[])],
        ),
        (
            "CSV with a header row, quotes, doubled quotes and a line break in quotes",
            "Front,Back,Tags\n\"Hello, world\",\"He said \"\"hi\"\"\",greet\n\
             \"two\nlines\",back,\n",
            vec![
                card(2, "Hello, world", "He said \"hi\"", &["greet"]),
                card(3, "two\nlines", "back", &[]),
            ],
        ),
        (
            "a header row in Russian, columns in another order, an unnamed column ignored",
            "теги;ответ;заметка;вопрос\nгл;бежать;мой;run\n",
            vec![card(2, "run", "бежать", &["гл"])],
        ),
        (
            "semicolons are sniffed, commas inside stay text",
            "один, два;one, two\nтри;three\n",
            vec![
                card(1, "один, два", "one, two", &[]),
                card(2, "три", "three", &[]),
            ],
        ),
        (
            "TSV without a header, CRLF line ends, no final line break",
            "a\tb\r\nc\td\te f\r\n\"x\r\ny\"\tz",
            vec![
                card(1, "a", "b", &[]),
                card(2, "c", "d", &["e", "f"]),
                card(3, "x\ny", "z", &[]),
            ],
        ),
        (
            "trailing empty columns are not extra",
            "a,b,t,,\n",
            vec![card(1, "a", "b", &["t"])],
        ),
        (
            "a quote inside an unquoted field is text",
            "5\" screen,small\n",
            vec![card(1, "5\" screen", "small", &[])],
        ),
        (
            "problems: missing back, missing front, extra columns, empty row",
            "only front\n,only back\n\na,b,c,d\n  ,  \nok,fine\n",
            vec![
                problem(1, RowProblem::MissingBack),
                problem(2, RowProblem::MissingFront),
                problem(3, RowProblem::Empty),
                problem(
                    4,
                    RowProblem::ExtraColumns {
                        found: 4,
                        expected: 3,
                    },
                ),
                problem(5, RowProblem::Empty),
                card(6, "ok", "fine", &[]),
            ],
        ),
        (
            "an HTML field that is only markup is missing",
            "#separator:tab\n#html:true\n<img src=\"a.png\">\tpicture\n",
            vec![problem(3, RowProblem::MissingFront)],
        ),
        (
            "an unterminated quote reports the row it opened on and the lines it swallowed",
            "a,b\n\"never closed,x\nc,d\ne,f\n",
            vec![
                card(1, "a", "b", &[]),
                problem(2, RowProblem::UnterminatedQuote { lines: 3 }),
            ],
        ),
    ];
    for (name, text, expected) in table {
        assert_eq!(outcomes(text), expected, "{name}");
    }
}

#[test]
fn the_layout_says_how_the_file_was_read() {
    let anki = rows(b"#separator:tab\n#html:true\n#tags column:1\nt\tf\tb\n").unwrap();
    let layout = anki.layout().clone();
    assert_eq!(layout.format, Format::AnkiNotes);
    assert_eq!(layout.separator, '\t');
    assert!(layout.html);
    assert_eq!((layout.front, layout.back, layout.tags), (1, 2, Some(0)));
    assert_eq!(anki.collect::<Vec<_>>(), vec![card(4, "f", "b", &["t"])]);

    let report = import("question|answer\nq|a\n".as_bytes()).unwrap();
    assert_eq!(report.layout.format, Format::Delimited);
    assert_eq!(report.layout.separator, '|');
    assert!(report.layout.header_row);
    assert_eq!(report.rows, 1);
}

#[test]
fn long_sides_are_refused_with_their_length() {
    let long = "я".repeat(CARD_TEXT_MAX_CHARS + 1);
    assert_eq!(
        outcomes(&format!("ok,{long}\n")),
        vec![problem(
            1,
            RowProblem::TooLong {
                side: Side::Back,
                chars: CARD_TEXT_MAX_CHARS + 1
            }
        )]
    );
    let exact = "я".repeat(CARD_TEXT_MAX_CHARS);
    assert!(matches!(
        outcomes(&format!("{exact},ok\n"))[..],
        [RowOutcome::Card(_)]
    ));
}

#[test]
fn files_that_are_not_utf8_text_get_one_clear_error() {
    // "кошка,cat" in Windows-1251.
    let cp1251 = b"cat,ok\n\xea\xee\xf8\xea\xe0,cat\n";
    let error = import(cp1251).unwrap_err();
    assert_eq!(
        error,
        FileProblem::NotUtf8 {
            offset: 7,
            line: 2,
            guess: EncodingGuess::SingleByte
        }
    );
    let text = error.to_string();
    assert!(
        text.contains("not UTF-8") && text.contains("Save it as UTF-8"),
        "{text}"
    );

    let utf16_bom: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("a,b\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let no_bom: Vec<u8> = "a,b\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
    for bytes in [utf16_bom, no_bom] {
        assert!(matches!(
            import(&bytes),
            Err(FileProblem::NotUtf8 {
                guess: EncodingGuess::Utf16,
                ..
            })
        ));
    }
    assert_eq!(import(b"PK\x03\x04rest"), Err(FileProblem::AnkiPackage));
    // A UTF-8 byte-order mark (Excel's "CSV UTF-8") is not part of the first field.
    let report = import(b"\xEF\xBB\xBFfront,back\nq,a\n").unwrap();
    assert!(report.layout.header_row);
    assert_eq!(report.cards.len(), 1);
}

#[test]
fn rows_past_the_cap_are_counted_never_dropped_silently() {
    let mut text = String::new();
    for n in 0..MAX_IMPORT_CARDS + 3 {
        text.push_str(&format!("q{n},a{n}\n"));
    }
    text.push_str("bad row\n");
    let report = import(text.as_bytes()).unwrap();
    assert_eq!(report.cards.len(), MAX_IMPORT_CARDS);
    assert_eq!(report.over_limit, 3);
    assert_eq!(report.first_over_limit_line, Some(MAX_IMPORT_CARDS + 1));
    assert_eq!(
        report.problems,
        vec![(MAX_IMPORT_CARDS + 4, RowProblem::MissingBack)]
    );
    assert_eq!(report.rows, MAX_IMPORT_CARDS + 4);
}

#[test]
fn rows_past_the_text_budget_are_counted_and_so_is_every_later_row() {
    // Three cards of 40 bytes each under a 100-byte budget: two fit, the third and every good
    // row after it are past the limit, even a short one that would fit on its own.
    let side = "x".repeat(19);
    let text = format!("{side},{side}\n{side},{side}\n{side},{side}\nq,a\n");
    let report = report(rows(text.as_bytes()).unwrap(), 10, 100);
    assert_eq!(report.cards.len(), 2);
    assert_eq!(report.over_limit, 2);
    assert_eq!(report.first_over_limit_line, Some(3));
    assert_eq!(report.cards[0].text_bytes(), 38);
}

#[test]
fn tags_longer_than_the_event_allows_are_a_problem() {
    let tag = "t".repeat(CARD_TAGS_MAX_CHARS);
    assert_eq!(
        outcomes(&format!("q,a,{tag} more\n")),
        vec![problem(
            1,
            RowProblem::TagsTooLong {
                chars: CARD_TAGS_MAX_CHARS + 5
            }
        )]
    );
    assert!(matches!(
        outcomes(&format!("q,a,{tag}\n"))[..],
        [RowOutcome::Card(_)]
    ));
}

#[test]
fn a_hundred_thousand_bad_rows_give_a_bounded_report_with_the_full_count() {
    let text = "no back\n".repeat(100_000);
    let report = import(text.as_bytes()).unwrap();
    assert_eq!(report.rows, 100_000);
    assert_eq!(report.problem_count, 100_000);
    assert_eq!(report.error_count(), 100_000);
    assert_eq!(report.problems.len(), MAX_REPORTED_PROBLEMS);
    assert_eq!(
        report.problems.last().map(|p| p.0),
        Some(MAX_REPORTED_PROBLEMS)
    );
    assert!(report.cards.is_empty());
}

#[test]
fn empty_rows_are_skipped_and_counted_apart_from_errors() {
    let report = import(b"a,b\n\n\nc\n").unwrap();
    assert_eq!(report.cards.len(), 1);
    assert_eq!(report.problem_count, 3);
    assert_eq!(report.empty_count, 2);
    assert_eq!(report.error_count(), 1);
    assert_eq!(import(b"").unwrap().rows, 0);
}

#[test]
fn html_becomes_plain_text() {
    let table = [
        ("plain", "plain"),
        ("a<br>b<br/>c<BR />d", "a\nb\nc\nd"),
        ("<div>x</div><div>y</div>", "x\ny"),
        ("x<div>y</div>", "x\ny"),
        ("<p>one</p>\n<p>two</p>", "one\ntwo"),
        ("<ul><li>a</li><li>b</li></ul>", "a\nb"),
        (
            "&lt;tag&gt; &amp;&nbsp;&quot;q&quot; &#39;s &#x41;&#1046;",
            "<tag> & \"q\" 's AЖ",
        ),
        ("&unknown; & alone", "&unknown; & alone"),
        ("1 < 2", "1 < 2"),
        (
            "<style>b{color:red}</style>kept<script>alert(1)</script>",
            "kept",
        ),
        ("<span style=\"color:red\">red</span> text", "red text"),
        ("a<br><br><br><br>b", "a\n\nb"),
        ("line\nbreak in source", "line break in source"),
        ("&#0;&#xZZ;", "&#0;&#xZZ;"),
    ];
    for (html, text) in table {
        assert_eq!(html_to_text(html), text, "{html}");
    }
}

/// Writes fields as one RFC 4180 row, quoting every field.
fn csv_row(fields: &[&str]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| format!("\"{}\"", f.replace('"', "\"\"")))
        .collect();
    quoted.join(",") + "\n"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// No bytes at all make the reader panic, and it always ends.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(report) = import(&bytes) {
            prop_assert!(report.cards.len() + report.problem_count + report.over_limit == report.rows);
        }
    }

    /// Text made of the characters the reader cares about never panics either.
    #[test]
    fn arbitrary_card_like_text_never_panics(text in "[#a-z:\"\t,;| \n\r<>&;éя0-9]{0,300}") {
        let report = import(text.as_bytes()).unwrap();
        prop_assert!(report.cards.iter().all(|c| !c.front.is_empty() && !c.back.is_empty()));
    }

    /// Cards written as quoted CSV read back as they were (sides trimmed, as the reader does).
    #[test]
    fn quoted_csv_round_trips(
        cards in prop::collection::vec(("[^\r\u{0}]{1,40}", "[^\r\u{0}]{1,40}", "[a-z]{0,8}"), 1..20)
    ) {
        let cards: Vec<_> = cards
            .into_iter()
            .filter(|(f, b, _)| !f.trim().is_empty() && !b.trim().is_empty())
            .collect();
        prop_assume!(!cards.is_empty());
        // Named columns first, so no card can be taken for a header row.
        let mut text = String::from("front,back,tags\n");
        for (front, back, tag) in &cards {
            text.push_str(&csv_row(&[front, back, tag]));
        }
        let report = import(text.as_bytes()).unwrap();
        prop_assert_eq!(report.layout.separator, ',');
        prop_assert_eq!(report.cards.len(), cards.len());
        for (read, (front, back, tag)) in report.cards.iter().zip(&cards) {
            prop_assert_eq!(&read.front, front.trim());
            prop_assert_eq!(&read.back, back.trim());
            prop_assert_eq!(read.tags_text(), tag.clone());
        }
    }
}
