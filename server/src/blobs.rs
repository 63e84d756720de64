//! Content-addressed files under the data dir: raw messages and attachments, named by SHA-256.
//!
//! A blob is written (temp file + rename) before the database transaction that refers to it, so
//! a crash leaves at most an unreferenced file, never a row pointing at nothing. The same bytes
//! are stored once, however many messages carry them.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The blob folder.
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

/// Why a blob could not be stored or read.
#[derive(Debug, thiserror::Error)]
#[error("blob store {path}: {source}")]
pub struct BlobError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// The SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl BlobStore {
    /// Opens (creating) the folder and its 256 fan-out subfolders, so that storing a blob
    /// never has to check for its folder.
    pub fn open(root: &Path) -> Result<Self, BlobError> {
        for byte in 0..=255u8 {
            let dir = root.join(format!("{byte:02x}"));
            fs::create_dir_all(&dir).map_err(|source| BlobError { path: dir, source })?;
        }
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    /// Where the blob with this hash lives.
    pub fn path(&self, sha256: &str) -> PathBuf {
        let fan_out = sha256.get(..2).unwrap_or("xx");
        self.root.join(fan_out).join(sha256)
    }

    /// Stores bytes whose hash the caller already computed; a no-op when they are there.
    pub fn put(&self, sha256: &str, bytes: &[u8]) -> Result<(), BlobError> {
        let path = self.path(sha256);
        if path.exists() {
            return Ok(());
        }
        let err = |source| BlobError {
            path: path.clone(),
            source,
        };
        let dir = path.parent().unwrap_or(&self.root);
        // A unique temp name per writer: two processes storing the same blob must not collide.
        let tmp = dir.join(format!(
            ".{sha256}.{}.{:x}.tmp",
            std::process::id(),
            rand::random::<u32>()
        ));
        let mut file = fs::File::create(&tmp).map_err(err)?;
        file.write_all(bytes).map_err(err)?;
        drop(file);
        fs::rename(&tmp, &path).map_err(err)
    }

    /// Reads a blob.
    pub fn get(&self, sha256: &str) -> Result<Vec<u8>, BlobError> {
        let path = self.path(sha256);
        fs::read(&path).map_err(|source| BlobError { path, source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_one_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = BlobStore::open(dir.path()).expect("open");
        let sha = sha256_hex(b"screenshot");
        store.put(&sha, b"screenshot").expect("put");
        store.put(&sha, b"screenshot").expect("put again");
        assert_eq!(store.get(&sha).expect("get"), b"screenshot");
        let files: Vec<_> = fs::read_dir(store.path(&sha).parent().expect("dir"))
            .expect("list")
            .collect();
        assert_eq!(files.len(), 1);
    }
}
