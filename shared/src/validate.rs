//! Limits enforced by both the client (before sending) and the server (always).

/// Page size used when a list request names none.
pub const PAGE_LIMIT_DEFAULT: u32 = 20;
/// Largest page a list request may ask for.
pub const PAGE_LIMIT_MAX: u32 = 100;
/// Largest request body the API accepts, in bytes (sync messages included).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Checks a requested page size: `None` means the default.
///
/// Returns the size to use, or a message for the caller when it is out of range.
pub fn page_limit(requested: Option<u32>) -> Result<u32, String> {
    match requested {
        None => Ok(PAGE_LIMIT_DEFAULT),
        Some(n) if (1..=PAGE_LIMIT_MAX).contains(&n) => Ok(n),
        Some(n) => Err(format!(
            "limit must be between 1 and {PAGE_LIMIT_MAX}, got {n}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_limit_table() {
        let cases = [
            (None, Ok(PAGE_LIMIT_DEFAULT)),
            (Some(1), Ok(1)),
            (Some(PAGE_LIMIT_MAX), Ok(PAGE_LIMIT_MAX)),
            (Some(0), Err(())),
            (Some(PAGE_LIMIT_MAX + 1), Err(())),
        ];
        for (input, expected) in cases {
            assert_eq!(page_limit(input).map_err(|_| ()), expected, "{input:?}");
        }
    }
}
