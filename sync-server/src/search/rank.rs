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

use std::collections::HashMap;

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
pub struct Groups<'a> {
    of_stem: HashMap<&'a str, Vec<usize>>,
    count: usize,
}

impl<'a> Groups<'a> {
    pub fn new(groups: &'a [Vec<String>]) -> Self {
        let mut of_stem: HashMap<&str, Vec<usize>> = HashMap::new();
        for (at, group) in groups.iter().enumerate() {
            for stem in group {
                let of = of_stem.entry(stem.as_str()).or_default();
                if !of.contains(&at) {
                    of.push(at);
                }
            }
        }
        Self {
            of_stem,
            count: groups.len(),
        }
    }

    fn add(&self, counts: &mut Counts, stem: &str, times: usize) {
        counts.length += times;
        if let Some(groups) = self.of_stem.get(stem) {
            for &group in groups {
                counts.per_group[group] += times;
            }
        }
    }

    fn empty(&self) -> Counts {
        Counts {
            per_group: vec![0; self.count],
            length: 0,
        }
    }

    /// The counts of a document's stems separated by spaces, title stems already repeated (how
    /// SQLite's `terms` column holds them).
    pub fn count_stems(&self, terms: &str) -> Counts {
        let mut counts = self.empty();
        for stem in terms.split(' ').filter(|s| !s.is_empty()) {
            self.add(&mut counts, stem, 1);
        }
        counts
    }

    /// The counts of a PostgreSQL `tsvector` as text (`'stem':1A,2 'other':3`): each position
    /// counts once, a title position (weight A) `title_weight` times.
    pub fn count_tsvector(&self, tsvector: &str, title_weight: usize) -> Counts {
        let mut counts = self.empty();
        // Stems are letters and digits only, so no lexeme holds a quote or a space.
        for entry in tsvector.split(' ').filter(|s| !s.is_empty()) {
            let Some(rest) = entry.strip_prefix('\'') else {
                continue;
            };
            let Some((stem, positions)) = rest.split_once('\'') else {
                continue;
            };
            let times = match positions.strip_prefix(':') {
                // A lexeme without positions was said once.
                None => 1,
                Some(list) => list
                    .split(',')
                    .map(|p| if p.ends_with('A') { title_weight } else { 1 })
                    .sum(),
            };
            self.add(&mut counts, stem, times);
        }
        counts
    }
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
            groups.count_stems("rust borrow rust borrow rust borrow borrow the rust borrow");
        let postgres = groups.count_tsvector("'borrow':2A,3,6 'rust':1A,5 'the':4", 3);
        assert_eq!(sqlite, postgres);
        assert_eq!(sqlite.per_group, [5, 4]);
        assert_eq!(sqlite.length, 10);
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
        let title_hit = groups.count_stems("borrow borrow borrow a borrow b c");
        let passing = groups.count_stems("x y z a borrow b c");
        let long = groups.count_stems(&format!("borrow {}", "w ".repeat(100)));
        let scores = scores(&[title_hit, passing, long]);
        assert!(scores[0] > scores[1] && scores[1] > scores[2], "{scores:?}");
        assert!(scores.iter().all(|s| *s > 0.0));
    }
}
