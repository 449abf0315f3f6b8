//! Server-sent events read from a byte stream: the `data:` of each event, whole, whatever the
//! chunks the network cut the stream into (a line, or a multi-byte character, may be split
//! between two chunks). Pure: no browser, no JSON; `api` feeds it chunks and parses what it gives.
//!
//! Follows the `text/event-stream` format: lines end with LF, CRLF or CR; a blank line ends an
//! event; `data:` lines (one optional space after the colon) are joined with LF; comment lines
//! (`:` first, the keep-alives) and other fields (`event:`, `id:`, `retry:`) are ignored.

/// Splits a stream of bytes into the data of its events.
#[derive(Debug, Default)]
pub struct EventStreamDecoder {
    /// Bytes of a line whose end has not arrived yet (possibly ending inside a character).
    partial: Vec<u8>,
    /// The data lines of the event being read.
    data: Option<String>,
    /// The last chunk ended with CR: an LF starting the next one belongs to the same line end.
    after_cr: bool,
}

impl EventStreamDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the next chunk; returns the data of every event it completed, in order.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<String> {
        let mut events = Vec::new();
        let mut bytes = chunk;
        if self.after_cr {
            self.after_cr = false;
            if let Some(rest) = bytes.strip_prefix(b"\n") {
                bytes = rest;
            }
        }
        while let Some(end) = bytes.iter().position(|&b| b == b'\n' || b == b'\r') {
            self.partial.extend_from_slice(&bytes[..end]);
            let line = std::mem::take(&mut self.partial);
            self.line(&line, &mut events);
            let crlf = bytes[end] == b'\r';
            bytes = &bytes[end + 1..];
            if crlf {
                match bytes.first() {
                    Some(b'\n') => bytes = &bytes[1..],
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
        }
        self.partial.extend_from_slice(bytes);
        events
    }

    /// The end of the stream: the data of an event the server did not close with a blank line.
    pub fn finish(mut self) -> Option<String> {
        let line = std::mem::take(&mut self.partial);
        let mut events = Vec::new();
        if !line.is_empty() {
            self.line(&line, &mut events);
        }
        events.pop().or(self.data)
    }

    fn line(&mut self, line: &[u8], events: &mut Vec<String>) {
        if line.is_empty() {
            events.extend(self.data.take());
            return;
        }
        // A whole line is whole characters: UTF-8 never uses CR or LF inside a character.
        let line = String::from_utf8_lossy(line);
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        if field == "data" {
            match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_owned()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event of `stream` fed in chunks of `size` bytes.
    fn decode_in_chunks(stream: &[u8], size: usize) -> Vec<String> {
        let mut decoder = EventStreamDecoder::new();
        let mut events: Vec<String> = stream.chunks(size).flat_map(|c| decoder.push(c)).collect();
        events.extend(decoder.finish());
        events
    }

    #[test]
    fn events_are_the_data_lines_before_a_blank_line() {
        let stream = b"data: {\"type\":\"delta\",\"text\":\"Hi\"}\n\ndata: {\"type\":\"done\"}\n\n";
        assert_eq!(
            decode_in_chunks(stream, stream.len()),
            vec![r#"{"type":"delta","text":"Hi"}"#, r#"{"type":"done"}"#]
        );
    }

    #[test]
    fn any_chunking_gives_the_same_events_even_inside_a_character() {
        let stream =
            "data: {\"text\":\"Владение — ownership 🦀\"}\n\n: keep-alive\n\ndata: второе\n\n"
                .as_bytes();
        let whole = decode_in_chunks(stream, stream.len());
        assert_eq!(
            whole,
            vec!["{\"text\":\"Владение — ownership 🦀\"}", "второе"]
        );
        for size in 1..stream.len() {
            assert_eq!(decode_in_chunks(stream, size), whole, "chunks of {size}");
        }
    }

    #[test]
    fn comments_and_other_fields_are_ignored() {
        let stream = b": ping\n\nevent: message\nid: 7\nretry: 100\ndata: x\n\n:\n\n";
        assert_eq!(decode_in_chunks(stream, 3), vec!["x"]);
    }

    #[test]
    fn crlf_and_cr_end_lines_too_even_split_between_chunks() {
        let stream = b"data: a\r\n\r\ndata: b\r\rdata: c\ndata: d\n\n";
        let expected = vec!["a", "b", "c\nd"];
        for size in 1..=stream.len() {
            assert_eq!(decode_in_chunks(stream, size), expected, "chunks of {size}");
        }
    }

    #[test]
    fn data_without_a_space_and_several_data_lines() {
        assert_eq!(
            decode_in_chunks(b"data:one\ndata:  two\ndata\n\n", 4),
            vec!["one\n two\n"]
        );
    }

    #[test]
    fn an_unclosed_last_event_is_kept_at_the_end() {
        assert_eq!(decode_in_chunks(b"data: a\n\ndata: b", 2), vec!["a", "b"]);
        assert_eq!(decode_in_chunks(b"data: a\n\ndata: b\n", 2), vec!["a", "b"]);
        assert!(decode_in_chunks(b": only a comment", 2).is_empty());
    }
}
