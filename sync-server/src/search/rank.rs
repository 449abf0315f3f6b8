//! How well a matching document answers a query: a BM25 score computed here, in Rust, from the
//! document's stems, the same way for both engines.
//!
//! Pure functions, no I/O. The engines' own rankings (FTS5 `bm25`, PostgreSQL `ts_rank`) were the
//! slow part of a search: `bm25` counts every document holding each query word before it scores
//! one row, so a common word cost a pass over a large part of the index on every search. Here only
//! the bounded set of candidates the query fetched is read.
//!
//! Every candidate holds every query word (the query is an AND of its words), so the words'
//! rarity is left out (BM25 without its IDF factor): what ranks is how often a document says the
//! words, against its length, with title words counting `TITLE_WEIGHT` times.

use memchr::memmem;

/// BM25's term-frequency saturation and length normalisation, FTS5's defaults.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// How often a document says each query word (group of stems) and how many stems it has.
#[derive(Debug, Clone, PartialEq)]
pub struct Counts {
    /// Per query group, how many of the document's stems are in it.
    pub per_group: Vec<usize>,
    /// How many stems the document has, title stems counted as often as they count in `per_group`.
    pub length: usize,
}

/// Which query group each stem belongs to (a stem may stand for several query words).
///
/// A document is counted by looking for each query stem in its text (`memchr::memmem`, a few
/// stems against a few hundred bytes) rather than by looking up each of the document's stems in
/// a map: hashing every stem of 500 candidates was most of a search's own CPU time.
pub struct Groups<'a> {
    /// Each distinct stem, the groups it belongs to, and a searcher for it.
    stems: Vec<(&'a str, Vec<usize>, memmem::Finder<'a>)>,
    count: usize,
}

impl<'a> Groups<'a> {
    pub fn new(groups: &'a [Vec<String>]) -> Self {
        let mut stems: Vec<(&str, Vec<usize>, memmem::Finder)> = Vec::new();
        for (at, group) in groups.iter().enumerate() {
            for stem in group.iter().filter(|s| !s.is_empty()) {
                match stems.iter_mut().find(|(known, ..)| *known == stem.as_str()) {
                    Some((_, of, _)) => {
                        if !of.contains(&at) {
                            of.push(at);
                        }
                    }
                    None => stems.push((stem, vec![at], memmem::Finder::new(stem.as_bytes()))),
                }
            }
        }
        Self {
            stems,
            count: groups.len(),
        }
    }

    fn empty(&self, length: usize) -> Counts {
        Counts {
            per_group: vec![0; self.count],
            length,
        }
    }

    /// The counts of a document's stems separated by spaces, title stems already repeated (how
    /// SQLite's `terms` column holds them).
    pub fn count_stems(&self, terms: &[u8]) -> Counts {
        let mut counts = self.empty(words(terms));
        for (stem, groups, finder) in &self.stems {
            let times = finder
                .find_iter(terms)
                .filter(|&at| is_word(terms, at, at + stem.len()))
                .count();
            for &group in groups {
                counts.per_group[group] += times;
            }
        }
        counts
    }

    /// The counts of a PostgreSQL `tsvector` as text (`'stem':1A,2 'other':3`): each position
    /// counts once, a title position (weight A) `title_weight` times.
    ///
    /// Stems are lowercase letters and digits only, so a lexeme holds no quote, space, comma or
    /// `A`: every comma separates two positions and every `A` is a title position's weight.
    pub fn count_tsvector(&self, tsvector: &[u8], title_weight: usize) -> Counts {
        let mut counts = self.empty(said(tsvector, title_weight, words(tsvector)));
        for (stem, groups, finder) in &self.stems {
            let mut times = 0;
            for at in finder.find_iter(tsvector) {
                let end = at + stem.len();
                // `'stem'` as a whole lexeme: a quote on each side, and a space or the start
                // before the first.
                let quoted = at > 0
                    && tsvector[at - 1] == b'\''
                    && (at == 1 || tsvector[at - 2] == b' ')
                    && tsvector.get(end) == Some(&b'\'');
                if !quoted {
                    continue;
                }
                let rest = &tsvector[end + 1..];
                let entry = &rest[..memchr::memchr(b' ', rest).unwrap_or(rest.len())];
                times += match entry.strip_prefix(b":") {
                    // A lexeme without positions was said once.
                    None => 1,
                    Some(positions) => said(positions, title_weight, 1),
                };
            }
            for &group in groups {
                counts.per_group[group] += times;
            }
        }
        counts
    }
}

/// How many words (runs of bytes other than spaces) `text` holds.
fn words(text: &[u8]) -> usize {
    // Written so the compiler vectorises it: byte lanes summed in blocks a byte counter cannot
    // overflow, `&` rather than `&&` (counting byte by byte was a tenth of a search).
    let Some(pairs) = text.len().checked_sub(1) else {
        return 0;
    };
    let starts: usize = text[..pairs]
        .chunks(128)
        .zip(text[1..].chunks(128))
        .map(|(before, at)| {
            let block = before.iter().zip(at).fold(0u8, |n, (&b, &a)| {
                n + (u8::from(b == b' ') & u8::from(a != b' '))
            });
            usize::from(block)
        })
        .sum();
    starts + usize::from(text.first().is_some_and(|&b| b != b' '))
}

/// How many times the positions of `entries` tsvector entries were said: one per entry, one
/// more per comma (another position), a title weight's extra for each `A`.
fn said(text: &[u8], title_weight: usize, entries: usize) -> usize {
    let commas = text.iter().filter(|&&b| b == b',').count();
    let titles = text.iter().filter(|&&b| b == b'A').count();
    entries + commas + titles * title_weight.saturating_sub(1)
}

/// Whether `text[from..to]` is a whole word: a space or an end on each side.
fn is_word(text: &[u8], from: usize, to: usize) -> bool {
    (from == 0 || text[from - 1] == b' ') && (to == text.len() || text[to] == b' ')
}

/// The BM25 score of a document with `counts` among documents of `average_length` stems.
pub fn score(counts: &Counts, average_length: f64) -> f64 {
    counts
        .per_group
        .iter()
        .map(|&tf| term_score(tf, counts.length, average_length))
        .sum()
}

/// BM25's weight of one word said `tf` times in a document of `length` stems, without the word's
/// rarity (multiply by `idf` where documents need not hold every word).
pub fn term_score(tf: usize, length: usize, average_length: f64) -> f64 {
    let norm = 1.0 - B + B * length as f64 / average_length.max(1.0);
    let tf = tf as f64;
    tf * (K1 + 1.0) / (tf + K1 * norm)
}

/// BM25's rarity of a word held by `holding` of `documents` documents (never negative).
pub fn idf(holding: usize, documents: usize) -> f64 {
    let (n, df) = (documents as f64, holding as f64);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// The documents' scores, in their order: BM25 against the average length of these documents.
pub fn scores(counts: &[Counts]) -> Vec<f64> {
    let total: usize = counts.iter().map(|c| c.length).sum();
    let average = total as f64 / counts.len().max(1) as f64;
    counts.iter().map(|c| score(c, average)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(words: &[&[&str]]) -> Vec<Vec<String>> {
        words
            .iter()
            .map(|g| g.iter().map(|s| (*s).to_owned()).collect())
            .collect()
    }

    #[test]
    fn stems_and_tsvectors_count_alike() {
        let query = groups(&[&["borrow"], &["rust", "rusti"]]);
        let groups = Groups::new(&query);
        // Title "Rust borrow" (repeated three times), body "borrow the rust borrow".
        let sqlite =
            groups.count_stems(b"rust borrow rust borrow rust borrow borrow the rust borrow");
        let postgres = groups.count_tsvector(b"'borrow':2A,3,6 'rust':1A,5 'the':4", 3);
        assert_eq!(sqlite, postgres);
        assert_eq!(sqlite.per_group, [5, 4]);
        assert_eq!(sqlite.length, 10);
    }

    #[test]
    fn only_whole_stems_count_wherever_they_stand() {
        let query = groups(&[&["rust"], &["borrow", "rust"]]);
        let groups = Groups::new(&query);
        // A stem inside a longer one is not it; doubled spaces (an empty title) are not words.
        let sqlite = groups.count_stems(b"  rust rusty trust  rust borrowed borrow rust");
        assert_eq!(sqlite.per_group, [3, 4]);
        assert_eq!(sqlite.length, 7);
        let postgres = groups.count_tsvector(
            b"'borrow':6 'borrowed':5 'rust':1A,4,7 'rusty':2 'trust':3",
            3,
        );
        assert_eq!(postgres.per_group, [5, 6]);
        assert_eq!(postgres.length, 9);
        // A lexeme without positions (tsvector stripped of them) was said once.
        let bare = groups.count_tsvector(b"'rust' 'trust'", 3);
        assert_eq!((bare.per_group, bare.length), (vec![1, 1], 2));
        let nothing = groups.count_stems(b"");
        assert_eq!((nothing.per_group, nothing.length), (vec![0, 0], 0));
    }

    #[test]
    fn rare_words_weigh_more() {
        assert!(idf(1, 100) > idf(10, 100) && idf(10, 100) > idf(100, 100));
        assert!(idf(100, 100) > 0.0);
    }

    #[test]
    fn more_mentions_in_fewer_words_rank_higher() {
        let query = groups(&[&["borrow"]]);
        let groups = Groups::new(&query);
        let title_hit = groups.count_stems(b"borrow borrow borrow a borrow b c");
        let passing = groups.count_stems(b"x y z a borrow b c");
        let long = groups.count_stems(format!("borrow {}", "w ".repeat(100)).as_bytes());
        let scores = scores(&[title_hit, passing, long]);
        assert!(scores[0] > scores[1] && scores[1] > scores[2], "{scores:?}");
        assert!(scores.iter().all(|s| *s > 0.0));
    }
}
