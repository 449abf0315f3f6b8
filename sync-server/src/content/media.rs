//! Uploaded images: recognised by their magic bytes (PNG, JPEG, WebP, GIF), measured from their
//! header, recorded in the `media` table and kept in a `MediaStore` under the SHA-256 of their
//! bytes. `LocalMediaDir` is the store of one directory (`EDU_MEDIA_DIR`); an S3-compatible store
//! can implement the same trait.
//!
//! Owns what counts as an acceptable image and where its bytes go. Never trusts a file name or a
//! Content-Type, never decodes pixels (a 40,000×40,000 header is refused before anything is
//! allocated for it), and never writes a path that is not `<dir>/<64 hex digits>`.

use std::fmt;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use chrono::Utc;
use sha2::{Digest, Sha256};
use shared::api::authoring::MediaItem;
use shared::domain::UserId;

use crate::db::{on_pool, on_tx, Db, Tx};
use crate::error::{Error, Result};

/// The widest or tallest image accepted, in pixels.
pub const MAX_SIDE_PX: u32 = 10_000;
/// The most pixels an image may have (40 megapixels): a browser decodes every one of them.
pub const MAX_PIXELS: u64 = 40_000_000;

/// A stored file's name: the SHA-256 of its bytes, 64 lowercase hex digits. Only `of` and `parse`
/// make one, so a name never holds `/`, `..` or anything else a path could be built from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MediaHash(String);

impl MediaHash {
    /// The name of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Self(format!("{:x}", Sha256::digest(bytes)))
    }

    /// Reads a name as it appears in `/media/{hash}`; `None` for anything but 64 lowercase hex.
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Where it is served.
    pub fn url(&self) -> String {
        format!("/media/{}", self.0)
    }
}

impl fmt::Display for MediaHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = io::Result<T>> + Send + 'a>>;

/// Where media bytes live. Names are content hashes, so a `put` of a name that exists is a no-op
/// and files never change once written. Must be safe to call from several tasks at once.
pub trait MediaStore: fmt::Debug + Send + Sync + 'static {
    /// Stores `bytes` under `name` (the hash of `bytes`), all or nothing: a reader never sees a
    /// partly written file.
    fn put<'a>(&'a self, name: &'a MediaHash, bytes: &'a [u8]) -> StoreFuture<'a, ()>;
    /// The bytes stored under `name`; `None` if there are none.
    fn get<'a>(&'a self, name: &'a MediaHash) -> StoreFuture<'a, Option<Vec<u8>>>;
    /// Whether `name` is stored.
    fn exists<'a>(&'a self, name: &'a MediaHash) -> StoreFuture<'a, bool>;
}

/// Media as files in one local directory: `<dir>/<hash>`, written to a temporary file in the same
/// directory and renamed into place (atomic on one file system).
#[derive(Debug, Clone)]
pub struct LocalMediaDir {
    dir: PathBuf,
}

impl LocalMediaDir {
    /// Opens `dir`, creating it if needed; fails if it cannot be created or is not a directory.
    pub async fn open(dir: &Path) -> io::Result<Self> {
        tokio::fs::create_dir_all(dir).await?;
        let dir = tokio::fs::canonicalize(dir).await?;
        if !tokio::fs::metadata(&dir).await?.is_dir() {
            return Err(io::Error::other(format!(
                "{} is not a directory",
                dir.display()
            )));
        }
        Ok(Self { dir })
    }

    /// The directory files are kept in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path_of(&self, name: &MediaHash) -> PathBuf {
        self.dir.join(name.as_str())
    }
}

impl MediaStore for LocalMediaDir {
    fn put<'a>(&'a self, name: &'a MediaHash, bytes: &'a [u8]) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let path = self.path_of(name);
            if tokio::fs::try_exists(&path).await? {
                return Ok(());
            }
            // A unique temporary name: two uploads of the same bytes at once each write their own
            // file, and whichever renames last replaces an identical one.
            let temporary = self
                .dir
                .join(format!(".{name}.{}.tmp", uuid::Uuid::now_v7().simple()));
            let written = async {
                tokio::fs::write(&temporary, bytes).await?;
                tokio::fs::File::open(&temporary).await?.sync_all().await?;
                tokio::fs::rename(&temporary, &path).await
            }
            .await;
            if written.is_err() {
                let _ = tokio::fs::remove_file(&temporary).await;
            }
            written
        })
    }

    fn get<'a>(&'a self, name: &'a MediaHash) -> StoreFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            match tokio::fs::read(self.path_of(name)).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            }
        })
    }

    fn exists<'a>(&'a self, name: &'a MediaHash) -> StoreFuture<'a, bool> {
        Box::pin(async move { tokio::fs::try_exists(self.path_of(name)).await })
    }
}

/// An image type the platform accepts, read from the first bytes of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Webp,
    Gif,
}

impl ImageKind {
    /// Recognises `bytes` by their magic numbers; `None` for anything else (SVG, HTML, BMP, ...).
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        match imagesize::image_type(bytes).ok()? {
            imagesize::ImageType::Png => Some(Self::Png),
            imagesize::ImageType::Jpeg => Some(Self::Jpeg),
            imagesize::ImageType::Webp => Some(Self::Webp),
            imagesize::ImageType::Gif => Some(Self::Gif),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
            Self::Gif => "image/gif",
        }
    }
}

/// What the header of an acceptable image says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageHeader {
    pub kind: ImageKind,
    pub width: u32,
    pub height: u32,
}

/// Checks that `bytes` are an image the platform takes: at most `max_bytes` (413), a PNG, JPEG,
/// WebP or GIF by its magic bytes (415), with readable dimensions within `MAX_SIDE_PX` and
/// `MAX_PIXELS` (422).
pub fn inspect_image(bytes: &[u8], max_bytes: usize) -> Result<ImageHeader> {
    if bytes.len() > max_bytes {
        return Err(Error::PayloadTooLarge { limit: max_bytes });
    }
    let kind = ImageKind::sniff(bytes).ok_or_else(|| {
        Error::UnsupportedMediaType("only PNG, JPEG, WebP and GIF images can be uploaded".into())
    })?;
    let size = imagesize::blob_size(bytes).map_err(|_| {
        Error::UnprocessableContent("the image's dimensions cannot be read: it is damaged".into())
    })?;
    let (width, height) = match (u32::try_from(size.width), u32::try_from(size.height)) {
        (Ok(w), Ok(h)) if w > 0 && h > 0 => (w, h),
        _ => {
            return Err(Error::UnprocessableContent(
                "the image has no pixels or impossible dimensions".into(),
            ))
        }
    };
    if width > MAX_SIDE_PX
        || height > MAX_SIDE_PX
        || u64::from(width) * u64::from(height) > MAX_PIXELS
    {
        return Err(Error::UnprocessableContent(format!(
            "the image is {width}×{height} pixels; at most {MAX_SIDE_PX} pixels a side and \
             {} megapixels are accepted",
            MAX_PIXELS / 1_000_000
        )));
    }
    Ok(ImageHeader {
        kind,
        width,
        height,
    })
}

/// An image as `store_image` left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredImage {
    pub item: MediaItem,
    /// False when the same bytes had been uploaded before (by anyone): nothing new was stored.
    pub is_new: bool,
}

#[derive(sqlx::FromRow)]
struct MediaRow {
    hash: String,
    content_type: String,
    width: i32,
    height: i32,
    bytes: i32,
}

impl From<MediaRow> for MediaItem {
    fn from(row: MediaRow) -> Self {
        Self {
            url: format!("/media/{}", row.hash),
            hash: row.hash,
            content_type: row.content_type,
            // The table's checks keep these positive; a negative one would be a bug, read as 0.
            width: u32::try_from(row.width).unwrap_or(0),
            height: u32::try_from(row.height).unwrap_or(0),
            bytes: u64::try_from(row.bytes).unwrap_or(0),
        }
    }
}

const SELECT_MEDIA: &str =
    "SELECT hash, content_type, width, height, bytes FROM media WHERE hash = $1";

/// Checks `bytes` (see `inspect_image`), stores them in `store` and records them, in one
/// transaction of its own. Uploading bytes that are already stored gives the item recorded then.
pub async fn store_image(
    db: &Db,
    store: &dyn MediaStore,
    bytes: &[u8],
    max_bytes: usize,
    uploader: Option<&UserId>,
) -> Result<StoredImage> {
    let mut tx = db.begin().await?;
    let stored = record_image(&mut tx, store, bytes, max_bytes, uploader).await?;
    tx.commit().await?;
    Ok(stored)
}

/// `store_image` inside a transaction of the caller's (an import stores a course's images with
/// the course). The file is written before the row: if the transaction is rolled back, the file
/// stays as an orphan nobody refers to, which is harmless, never a row without its file.
pub async fn record_image(
    tx: &mut Tx,
    store: &dyn MediaStore,
    bytes: &[u8],
    max_bytes: usize,
    uploader: Option<&UserId>,
) -> Result<StoredImage> {
    let header = inspect_image(bytes, max_bytes)?;
    let hash = MediaHash::of(bytes);
    // Written even when recorded already: puts a lost file back; a no-op otherwise.
    store
        .put(&hash, bytes)
        .await
        .map_err(|e| Error::Internal(format!("cannot store media {hash}: {e}")))?;
    // INTEGER columns: 32 bits on PostgreSQL. Sizes stay far below (EDU_MEDIA_MAX_BYTES ≤ 100 MiB,
    // sides ≤ MAX_SIDE_PX).
    let too_large = || Error::PayloadTooLarge { limit: max_bytes };
    let byte_count = i32::try_from(bytes.len()).map_err(|_| too_large())?;
    let (width, height) = match (i32::try_from(header.width), i32::try_from(header.height)) {
        (Ok(w), Ok(h)) => (w, h),
        _ => return Err(Error::UnprocessableContent("the image is too large".into())),
    };
    let inserted = on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO media (hash, content_type, width, height, bytes, uploaded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (hash) DO NOTHING",
        )
        .bind(hash.as_str())
        .bind(header.kind.content_type())
        .bind(width)
        .bind(height)
        .bind(byte_count)
        .bind(uploader)
        .bind(Utc::now())
        .execute(conn)
        .await?
        .rows_affected()
    });
    let row: MediaRow = on_tx!(tx, conn => {
        sqlx::query_as(SELECT_MEDIA).bind(hash.as_str()).fetch_one(conn).await?
    });
    Ok(StoredImage {
        item: row.into(),
        is_new: inserted == 1,
    })
}

/// The recorded item named `hash`, if any.
pub async fn find(db: &Db, hash: &MediaHash) -> Result<Option<MediaItem>> {
    let row: Option<MediaRow> = on_pool!(db, pool => {
        sqlx::query_as(SELECT_MEDIA).bind(hash.as_str()).fetch_optional(pool).await?
    });
    Ok(row.map(MediaItem::from))
}

/// The bytes stored under `hash`; `NotFound` when there are none (a recorded item whose file is
/// gone is logged: the store lost it).
pub async fn read_bytes(store: &dyn MediaStore, hash: &MediaHash) -> Result<Vec<u8>> {
    let bytes = store
        .get(hash)
        .await
        .map_err(|e| Error::Internal(format!("cannot read media {hash}: {e}")))?;
    bytes.ok_or_else(|| {
        tracing::warn!(%hash, "media is recorded but its file is missing");
        Error::NotFound("no such media".into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG signature and IHDR chunk claiming `width`×`height` (the CRC is not checked here).
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        bytes.extend(width.to_be_bytes());
        bytes.extend(height.to_be_bytes());
        bytes.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
        bytes
    }

    #[test]
    fn names_are_only_64_lowercase_hex_digits() {
        let hash = MediaHash::of(b"hello");
        assert_eq!(
            hash.as_str(),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(MediaHash::parse(hash.as_str()), Some(hash.clone()));
        for bad in [
            "",
            "../etc/passwd",
            &hash.as_str().to_uppercase(),
            &hash.as_str()[1..],
            &format!("{}0", hash.as_str()),
            &format!("{}/", &hash.as_str()[1..]),
        ] {
            assert_eq!(MediaHash::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn images_are_judged_by_bytes_size_and_dimensions() {
        let ok = inspect_image(&png_header(640, 480), 1024).unwrap();
        assert_eq!((ok.kind, ok.width, ok.height), (ImageKind::Png, 640, 480));
        let code = |bytes: &[u8], max| inspect_image(bytes, max).unwrap_err().status().as_u16();
        assert_eq!(code(&png_header(640, 480), 10), 413);
        assert_eq!(
            code(b"<svg xmlns='http://www.w3.org/2000/svg'/>", 1024),
            415
        );
        assert_eq!(code(b"<html><script>alert(1)</script>", 1024), 415);
        assert_eq!(code(b"BM\x00\x00\x00\x00", 1024), 415);
        assert_eq!(code(&png_header(40_000, 40_000), 1024), 422);
        assert_eq!(code(&png_header(10_001, 1), 1024), 422);
        assert_eq!(code(&png_header(8_000, 8_000), 1024), 422, "64 megapixels");
        assert_eq!(code(&png_header(0, 10), 1024), 422);
        assert_eq!(
            code(b"\x89PNG\r\n\x1a\n", 1024),
            415,
            "too short to recognise"
        );
    }

    #[tokio::test]
    async fn the_local_directory_writes_whole_files_named_by_hash() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalMediaDir::open(&dir.path().join("media"))
            .await
            .unwrap();
        let hash = MediaHash::of(b"bytes");
        assert!(!store.exists(&hash).await.unwrap());
        assert_eq!(store.get(&hash).await.unwrap(), None);
        store.put(&hash, b"bytes").await.unwrap();
        store.put(&hash, b"bytes").await.unwrap();
        assert!(store.exists(&hash).await.unwrap());
        assert_eq!(
            store.get(&hash).await.unwrap().as_deref(),
            Some(&b"bytes"[..])
        );
        let names: Vec<_> = std::fs::read_dir(store.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, [hash.as_str()], "no temporary file is left behind");
    }
}
