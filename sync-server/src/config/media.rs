//! `[media]`: where uploaded images are kept (`EDU_MEDIA_DIR`) and how large one may be
//! (`EDU_MEDIA_MAX_BYTES`).
//!
//! Owns parsing only; the directory is opened (and created) by `content::media` at start, and the
//! size limit is enforced there and by the upload route's body limit.

use std::path::PathBuf;

use super::{ConfigError, Vars};

pub const DEFAULT_MEDIA_DIR: &str = "data/media";
/// 5 MiB: a screenshot or a photo for a course cover, well below what a flood needs.
pub const DEFAULT_MEDIA_MAX_BYTES: usize = 5 * 1024 * 1024;
/// The largest `EDU_MEDIA_MAX_BYTES` accepted: uploads are held in memory while checked.
pub const MEDIA_MAX_BYTES_CEILING: usize = 100 * 1024 * 1024;

/// Uploaded media.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaConfig {
    /// `EDU_MEDIA_DIR`: the directory files are stored in, named by the SHA-256 of their bytes.
    pub dir: PathBuf,
    /// `EDU_MEDIA_MAX_BYTES`: the largest file accepted, in bytes (1 to 100 MiB).
    pub max_bytes: usize,
}

impl MediaConfig {
    pub(super) fn from_vars(vars: &Vars<'_>) -> Result<Self, ConfigError> {
        let dir = PathBuf::from(
            vars.get("EDU_MEDIA_DIR")
                .unwrap_or_else(|| DEFAULT_MEDIA_DIR.into()),
        );
        let max_bytes = match vars.get("EDU_MEDIA_MAX_BYTES") {
            None => DEFAULT_MEDIA_MAX_BYTES,
            Some(text) => text
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MEDIA_MAX_BYTES_CEILING).contains(n))
                .ok_or_else(|| {
                    ConfigError::new(
                        "EDU_MEDIA_MAX_BYTES",
                        format!(
                            "expected a number of bytes from 1 to {MEDIA_MAX_BYTES_CEILING}, \
                             got {text:?}"
                        ),
                    )
                })?,
        };
        Ok(Self { dir, max_bytes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::parse;

    #[test]
    fn media_defaults_and_bad_sizes() {
        let config = parse(&[]).unwrap();
        assert_eq!(config.media.dir, PathBuf::from("data/media"));
        assert_eq!(config.media.max_bytes, 5 * 1024 * 1024);

        let config = parse(&[
            ("EDU_MEDIA_DIR", "/srv/media"),
            ("EDU_MEDIA_MAX_BYTES", "1048576"),
        ])
        .unwrap();
        assert_eq!(config.media.dir, PathBuf::from("/srv/media"));
        assert_eq!(config.media.max_bytes, 1024 * 1024);

        for bad in ["0", "-1", "5MB", "104857601"] {
            let err = parse(&[("EDU_MEDIA_MAX_BYTES", bad)]).unwrap_err();
            assert_eq!(err.var, "EDU_MEDIA_MAX_BYTES", "{bad}");
        }
    }
}
