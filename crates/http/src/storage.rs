//! The attachment store: bytes kept under their SHA-256 in a folder (`KEFU_ATTACHMENT_DIR`),
//! two levels deep (`ab/abcdef…`). A file is written to a temporary name and renamed, so a
//! reader never sees half of one; the same bytes uploaded twice are kept once.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

/// Where attachments are kept, and the largest one accepted.
#[derive(Debug, Clone)]
pub struct AttachmentStore {
    dir: PathBuf,
    /// The largest attachment, in bytes (`KEFU_ATTACHMENT_LIMIT`).
    pub max_bytes: usize,
}

impl AttachmentStore {
    /// A store in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>, max_bytes: usize) -> Self {
        Self { dir: dir.into(), max_bytes }
    }

    fn path(&self, key: &str) -> Result<PathBuf, String> {
        let valid = key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit());
        if !valid {
            return Err(format!("{key:?} is not a SHA-256"));
        }
        Ok(self.dir.join(&key[..2]).join(key))
    }

    /// Keeps `bytes` under `key` (their SHA-256), unless kept already.
    pub fn put(&self, key: &str, bytes: &[u8]) -> Result<(), String> {
        let path = self.path(key)?;
        if path.exists() {
            return Ok(());
        }
        let folder = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        let temp = folder.join(format!(".{key}.{}", uuid::Uuid::now_v7()));
        let written = std::fs::File::create(&temp).and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        });
        if let Err(e) = written.and_then(|()| std::fs::rename(&temp, &path)) {
            let _ = std::fs::remove_file(&temp);
            return Err(format!("{}: {e}", path.display()));
        }
        Ok(())
    }

    /// The bytes kept under `key`.
    pub fn get(&self, key: &str) -> Result<Vec<u8>, String> {
        let path = self.path(key)?;
        std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_kept_once_under_their_hash_and_read_back() {
        let dir = std::env::temp_dir().join(format!("kefu-store-{}", uuid::Uuid::now_v7()));
        let store = AttachmentStore::new(&dir, 10);
        let key = "ab".repeat(32);
        store.put(&key, b"first").unwrap();
        store.put(&key, b"second").unwrap();
        assert_eq!(store.get(&key).unwrap(), b"first");
        assert!(dir.join("ab").join(&key).is_file());
        assert!(store.put("../../etc/passwd", b"x").is_err());
        assert!(store.get(&"cd".repeat(32)).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
