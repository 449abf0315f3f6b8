//! `cargo xtask srs replay | fit`: the card scheduler and the parameter fit run on files, through
//! `shared::srs` (the very code the client and the server's fit job run). Reads files or stdin
//! and prints; holds no scheduling rule of its own.

use std::io::{BufRead, Write};

use shared::doc::rfc3339_millis;
use shared::srs::fit::{fit, ReviewRecord};
use shared::srs::sequences::replay_line;
use shared::srs::Rating;

/// `srs replay [FILE]` and `srs fit FILE.csv`.
pub fn command(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("replay") if args.len() <= 2 => replay(args.get(1).map(String::as_str)),
        Some("fit") if args.len() == 2 => fit_file(&args[1]),
        _ => Err("usage: cargo xtask srs replay [FILE] | cargo xtask srs fit FILE.csv".into()),
    }
}

/// Replays each JSON line of `file` (stdin when `None`) and prints one line per input line: the
/// card after each review, or the line's id and what is wrong with it. Blank lines are skipped.
/// Fails only when the input cannot be read.
fn replay(file: Option<&str>) -> Result<(), String> {
    let name = file.unwrap_or("stdin");
    let input: Box<dyn BufRead> = match file {
        Some(path) => Box::new(std::io::BufReader::new(
            std::fs::File::open(path).map_err(|e| format!("cannot open {path}: {e}"))?,
        )),
        None => Box::new(std::io::stdin().lock()),
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (number, line) in input.lines().enumerate() {
        let line = line.map_err(|e| format!("cannot read line {} of {name}: {e}", number + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let outcome = serde_json::to_string(&replay_line(&line))
            .map_err(|e| format!("cannot write the result of line {}: {e}", number + 1))?;
        writeln!(out, "{outcome}").map_err(|e| format!("cannot write to stdout: {e}"))?;
    }
    out.flush()
        .map_err(|e| format!("cannot write to stdout: {e}"))
}

/// Fits weights to the review log in `path` (`card_id,review_time,rating`, an optional header
/// row) and prints them with the log loss before and after. Rows that cannot be read are listed
/// on stderr and left out.
fn fit_file(path: &str) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let (reviews, refused) = read_review_log(&bytes);
    for problem in &refused {
        eprintln!("{path}: {problem}");
    }
    println!(
        "{path}: {} reviews of {} cards read, {} rows refused",
        reviews.len(),
        reviews
            .iter()
            .map(|r| r.card_id.as_str())
            .collect::<std::collections::HashSet<_>>()
            .len(),
        refused.len()
    );
    let fitted = fit(&reviews).map_err(|e| e.to_string())?;
    let weights: Vec<String> = fitted.weights.iter().map(|w| format!("{w:.4}")).collect();
    println!(
        "fitted to {} reviews (each a whole day or more after its card's previous one)",
        fitted.reviews_used
    );
    println!("weights: {}", weights.join(","));
    let change = if fitted.log_loss_before > 0.0 {
        (fitted.log_loss_before - fitted.log_loss_after) / fitted.log_loss_before * 100.0
    } else {
        0.0
    };
    println!(
        "log loss: {:.5} with the default weights, {:.5} fitted ({change:.2}% lower){}",
        fitted.log_loss_before,
        fitted.log_loss_after,
        if fitted.log_loss_after >= fitted.log_loss_before {
            "; no fit beat the defaults, so they are kept"
        } else {
            ""
        }
    );
    Ok(())
}

/// The reviews of a CSV log (`card_id,review_time,rating`, RFC 3339, ratings 1 to 4; fields may
/// be double-quoted), and a message for each row that cannot be read.
fn read_review_log(bytes: &[u8]) -> (Vec<ReviewRecord>, Vec<String>) {
    let mut reviews = Vec::new();
    let mut refused = Vec::new();
    for (index, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let row = index + 1;
        let Ok(line) = std::str::from_utf8(raw) else {
            refused.push(format!("row {row}: not UTF-8"));
            continue;
        };
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line = if row == 1 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        if line.trim().is_empty() {
            continue;
        }
        match read_review_row(line) {
            Ok(review) => reviews.push(review),
            Err(_) if row == 1 && line.to_ascii_lowercase().starts_with("card_id") => {}
            Err(problem) => refused.push(format!("row {row}: {problem}")),
        }
    }
    (reviews, refused)
}

fn read_review_row(line: &str) -> Result<ReviewRecord, String> {
    let fields = split_csv_row(line)?;
    let [card_id, time, rating] = fields.as_slice() else {
        return Err(format!(
            "{} fields, expected 3 (card_id,review_time,rating)",
            fields.len()
        ));
    };
    let card_id = card_id.trim();
    if card_id.is_empty() {
        return Err("empty card_id".into());
    }
    let at_ms = rfc3339_millis(time.trim())
        .ok_or_else(|| format!("review_time {time:?} is not an RFC 3339 time"))?;
    let rating = rating
        .trim()
        .parse::<u8>()
        .ok()
        .and_then(Rating::from_number)
        .ok_or_else(|| format!("rating {rating:?} is not 1 to 4"))?;
    Ok(ReviewRecord {
        card_id: card_id.to_owned(),
        at_ms,
        rating,
    })
}

/// The fields of one CSV row: commas separate, a field may be wrapped in double quotes with `""`
/// for a quote inside.
fn split_csv_row(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (false, '"') if at_field_start => quoted = true,
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => {
                quoted = false;
                if !matches!(chars.peek(), None | Some(',')) {
                    return Err("text after a closing quote".into());
                }
            }
            (false, ',') => {
                fields.push(std::mem::take(&mut field));
                at_field_start = true;
                continue;
            }
            (_, c) => field.push(c),
        }
        at_field_start = false;
    }
    if quoted {
        return Err("unterminated quote".into());
    }
    fields.push(field);
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_review_log_reads_good_rows_and_names_each_bad_one() {
        let log = b"card_id,review_time,rating\r\n\
            a,2026-01-01T10:00:00Z,3\r\n\
            \"b,1\",2026-01-02T10:00:00.250+03:00,\"1\"\n\
            c,yesterday,3\n\
            d,2026-01-01T10:00:00Z,5\n\
            e,2026-01-01T10:00:00Z\n\
            \"f,2026-01-01T10:00:00Z,3\n\
            ,2026-01-01T10:00:00Z,3\n\
            g,2026-01-01T10:00:00Z,3,extra\n\
            \xff\xfe,2026-01-01T10:00:00Z,3\n\
            \n";
        let (reviews, refused) = read_review_log(log);
        assert_eq!(
            reviews,
            vec![
                ReviewRecord {
                    card_id: "a".into(),
                    at_ms: 1_767_261_600_000,
                    rating: Rating::Good
                },
                ReviewRecord {
                    card_id: "b,1".into(),
                    at_ms: 1_767_337_200_250,
                    rating: Rating::Again
                },
            ]
        );
        assert_eq!(
            refused,
            vec![
                "row 4: review_time \"yesterday\" is not an RFC 3339 time",
                "row 5: rating \"5\" is not 1 to 4",
                "row 6: 2 fields, expected 3 (card_id,review_time,rating)",
                "row 7: unterminated quote",
                "row 8: empty card_id",
                "row 9: 4 fields, expected 3 (card_id,review_time,rating)",
                "row 10: not UTF-8",
            ]
        );
    }
}
