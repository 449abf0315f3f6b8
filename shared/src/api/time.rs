//! The one time format on the wire: RFC 3339 in UTC with milliseconds and a `Z`
//! (`2026-11-29T20:18:17.123Z`).
//!
//! Owns `Timestamp`, which can only hold that format. The server makes one from a
//! `DateTime<Utc>` (feature `chrono`); the client reads it as text or epoch milliseconds without
//! carrying a date library.

/// A moment in UTC, as every API type sends it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(value_type = String, format = DateTime, example = "2026-11-29T20:18:17.123Z")
)]
#[serde(transparent)]
pub struct Timestamp(String);

impl Timestamp {
    /// 1970-01-01T00:00:00.000Z, earlier than any real time: the value a field added later takes
    /// in records saved before it existed, so that they read as older than anything.
    pub fn unix_epoch() -> Self {
        Self("1970-01-01T00:00:00.000Z".to_owned())
    }

    /// Checks `text` is exactly `YYYY-MM-DDTHH:MM:SS.mmmZ` with plausible fields.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bytes = text.as_bytes();
        let digits = |range: std::ops::Range<usize>| {
            bytes
                .get(range.clone())
                .filter(|part| part.iter().all(u8::is_ascii_digit))
                .map(|part| {
                    part.iter()
                        .fold(0u32, |n, digit| n * 10 + u32::from(digit - b'0'))
                })
        };
        let separators = [
            (4, b'-'),
            (7, b'-'),
            (10, b'T'),
            (13, b':'),
            (16, b':'),
            (19, b'.'),
        ];
        let shaped = bytes.len() == 24
            && bytes[23] == b'Z'
            && separators.iter().all(|(at, byte)| bytes[*at] == *byte);
        let fields = (
            digits(0..4),
            digits(5..7),
            digits(8..10),
            digits(11..13),
            digits(14..16),
            digits(17..19),
            digits(20..23),
        );
        match fields {
            (
                Some(_),
                Some(1..=12),
                Some(1..=31),
                Some(0..=23),
                Some(0..=59),
                Some(0..=60),
                Some(_),
            ) if shaped => Ok(Self(text.to_owned())),
            _ => Err(format!(
                "expected a time like 2026-11-29T20:18:17.123Z, got {text:?}"
            )),
        }
    }

    /// The text as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "chrono")]
impl From<chrono::DateTime<chrono::Utc>> for Timestamp {
    fn from(time: chrono::DateTime<chrono::Utc>) -> Self {
        Self(time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_one_format_parses() {
        let cases = [
            ("2026-11-29T20:18:17.123Z", true),
            ("1999-01-01T00:00:00.000Z", true),
            ("2026-11-29T20:18:17Z", false),
            ("2026-11-29T20:18:17.123+00:00", false),
            ("2026-11-29T20:18:17.123456Z", false),
            ("2026-13-29T20:18:17.123Z", false),
            ("2026-11-29 20:18:17.123Z", false),
            ("2026-11-29T24:18:17.123Z", false),
            ("", false),
            ("2026-11-29T20:18:17.12xZ", false),
        ];
        for (text, ok) in cases {
            assert_eq!(Timestamp::parse(text).is_ok(), ok, "{text}");
        }
        let json = serde_json::to_string(&Timestamp::parse("2026-11-29T20:18:17.123Z").unwrap());
        assert_eq!(json.unwrap(), "\"2026-11-29T20:18:17.123Z\"");
        assert!(serde_json::from_str::<Timestamp>("\"2026-11-29T20:18:17Z\"").is_err());
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn a_datetime_becomes_the_one_format() {
        use chrono::TimeZone as _;
        let time = chrono::Utc
            .with_ymd_and_hms(2026, 11, 29, 20, 18, 17)
            .unwrap();
        assert_eq!(Timestamp::from(time).as_str(), "2026-11-29T20:18:17.000Z");
    }
}
