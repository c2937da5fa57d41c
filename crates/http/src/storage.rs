//! The attachment store: bytes kept under their SHA-256, two levels deep (`ab/abcdef…`), in a
//! folder (`KEFU_ATTACHMENT_DIR`) or in an S3-compatible bucket (`KEFU_S3_BUCKET`, through the
//! `object_store` crate). In the folder a file is written to a temporary name and renamed, so a
//! reader never sees half of one; an object is put whole. The same bytes uploaded twice are
//! kept once.
//!
//! Its calls block: they run on the blocking pool, inside the persistence operation that
//! records the attachment, after the complaint is known to be within the caller's reach. The
//! bucket's requests run on a small runtime of their own.

use std::{
    fmt,
    io::Write,
    path::{Path, PathBuf},
    sync::{Arc, OnceLock},
};

use object_store::{ObjectStore, PutPayload, aws::AmazonS3Builder, path::Path as ObjectPath};

use crate::config::{S3Settings, Settings};

/// Where attachments are kept, and the largest one accepted.
#[derive(Clone)]
pub struct AttachmentStore {
    backend: Backend,
    /// The largest attachment, in bytes (`KEFU_ATTACHMENT_LIMIT`).
    pub max_bytes: usize,
}

#[derive(Clone)]
enum Backend {
    Folder(PathBuf),
    Bucket(Arc<Bucket>),
}

struct Bucket {
    store: Box<dyn ObjectStore>,
    prefix: String,
    name: String,
}

/// The runtime the bucket's requests run on: built once, never dropped (a runtime may not be
/// dropped inside the server's own).
static S3_RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();

/// Runs one request to the bucket to its end, from a blocking thread.
fn block_on<T>(request: impl Future<Output = Result<T, String>>) -> Result<T, String> {
    S3_RUNTIME.get().ok_or("the S3 runtime did not start")?.block_on(request)
}

impl fmt::Debug for AttachmentStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.backend {
            Backend::Folder(dir) => write!(f, "AttachmentStore(folder {})", dir.display()),
            Backend::Bucket(b) => write!(f, "AttachmentStore(s3://{}/{})", b.name, b.prefix),
        }
    }
}

/// The key of `sha256` in a store: `ab/abcdef…`, or why it is no SHA-256.
fn relative(sha256: &str) -> Result<String, String> {
    let valid = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit());
    if !valid {
        return Err(format!("{sha256:?} is not a SHA-256"));
    }
    Ok(format!("{}/{sha256}", &sha256[..2]))
}

impl AttachmentStore {
    /// A store in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>, max_bytes: usize) -> Self {
        Self { backend: Backend::Folder(dir.into()), max_bytes }
    }

    /// The store the settings name: the bucket when `KEFU_S3_BUCKET` is set, else the folder.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        match &settings.s3 {
            None => Ok(Self::new(&settings.attachment_dir, settings.attachment_limit)),
            Some(s3) => Ok(Self {
                backend: Backend::Bucket(Arc::new(bucket(s3)?)),
                max_bytes: settings.attachment_limit,
            }),
        }
    }

    /// Keeps `bytes` under `key` (their SHA-256), unless kept already.
    pub fn put(&self, key: &str, bytes: &[u8]) -> Result<(), String> {
        let relative = relative(key)?;
        match &self.backend {
            Backend::Folder(dir) => put_file(&dir.join(relative), key, bytes),
            Backend::Bucket(b) => {
                let path = ObjectPath::from(format!("{}{relative}", b.prefix));
                let payload = PutPayload::from(bytes.to_vec());
                block_on(async {
                    if b.store.head(&path).await.is_ok() {
                        return Ok(());
                    }
                    b.store.put(&path, payload).await.map(|_| ()).map_err(|e| e.to_string())
                })
            }
        }
    }

    /// The bytes kept under `key`.
    pub fn get(&self, key: &str) -> Result<Vec<u8>, String> {
        let relative = relative(key)?;
        match &self.backend {
            Backend::Folder(dir) => {
                let path = dir.join(relative);
                std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
            }
            Backend::Bucket(b) => {
                let path = ObjectPath::from(format!("{}{relative}", b.prefix));
                block_on(async {
                    let found = b.store.get(&path).await.map_err(|e| e.to_string())?;
                    let bytes = found.bytes().await.map_err(|e| e.to_string())?;
                    Ok(bytes.to_vec())
                })
            }
        }
    }
}

fn put_file(path: &Path, key: &str, bytes: &[u8]) -> Result<(), String> {
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
    if let Err(e) = written.and_then(|()| std::fs::rename(&temp, path)) {
        let _ = std::fs::remove_file(&temp);
        return Err(format!("{}: {e}", path.display()));
    }
    Ok(())
}

fn bucket(s3: &S3Settings) -> anyhow::Result<Bucket> {
    let mut builder =
        AmazonS3Builder::from_env().with_bucket_name(&s3.bucket).with_region(&s3.region);
    if let Some(endpoint) = &s3.endpoint {
        builder = builder.with_endpoint(endpoint).with_allow_http(endpoint.starts_with("http://"));
    }
    if let (Some(id), Some(secret)) = (&s3.access_key_id, &s3.secret_access_key) {
        builder = builder.with_access_key_id(id).with_secret_access_key(secret.expose());
    }
    let store = builder.build()?;
    if S3_RUNTIME.get().is_none() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("kefu-s3")
            .enable_all()
            .build()?;
        let _ = S3_RUNTIME.set(runtime);
    }
    let mut prefix = s3.prefix.trim_start_matches('/').to_owned();
    if !prefix.is_empty() && !prefix.ends_with('/') {
        prefix.push('/');
    }
    Ok(Bucket { store: Box::new(store), prefix, name: s3.bucket.clone() })
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
