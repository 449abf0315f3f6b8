//! Secrets handed to people: session tokens and single-use mail tokens.
//!
//! Owns how they are made (32 bytes from the OS CSPRNG, base64url) and how they are stored (only
//! their SHA-256, hex). A token itself is never written to the database or to a log.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

/// Bytes of randomness in a token: 256 bits, far beyond guessing.
const TOKEN_BYTES: usize = 32;

/// A new random token (43 base64url characters) and the hash to store for it.
pub fn generate() -> (String, String) {
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash(&token);
    (token, hash)
}

/// The SHA-256 of a token, lowercase hex: what the database holds and lookups compare.
///
/// A fast hash is enough here (unlike passwords): tokens have 256 bits of entropy, so a leaked
/// table cannot be reversed by guessing.
pub fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    let mut hex = String::with_capacity(digest.len() * 2);
    for byte in digest {
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 0xf)]));
    }
    hex
}

/// Whether `text` could be a token this server issued (bounds the work a garbage token causes).
pub fn looks_valid(text: &str) -> bool {
    text.len() == 43
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_url_safe_and_stored_only_as_their_hash() {
        let (a, hash_a) = generate();
        let (b, _) = generate();
        assert_ne!(a, b);
        assert!(looks_valid(&a), "{a}");
        assert_eq!(hash_a, hash(&a));
        assert_eq!(hash_a.len(), 64);
        assert!(!hash_a.contains(&a));
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(!looks_valid("short"));
        assert!(!looks_valid(&format!("{}=", &a[..42])));
    }
}
