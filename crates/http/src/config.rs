//! Settings: `KEFU_*` environment variables over an optional `kefu.toml`.

use std::{
    fmt,
    path::{Path, PathBuf},
    str::FromStr,
    time::Duration,
};

use kefu_persistence::DatabaseUrl;
use serde::Deserialize;

use crate::{jobs::JobSettings, rate_limit::RateLimit};

/// A secret value: usable, never printed (`Debug` and `Display` show `***`).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself; keep the borrow short.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// How log lines look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One line a record, for people.
    #[default]
    Text,
    /// One JSON object a line, for collectors.
    Json,
}

/// The file form; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<String>,
    listen: Option<String>,
    bootstrap_admin_password: Option<Secret>,
    jwt_secret: Option<Secret>,
    log_format: Option<LogFormat>,
    body_limit: Option<usize>,
    workers: Option<usize>,
    request_timeout: Option<u64>,
    cors_origins: Option<Vec<String>>,
    rate_limit: Option<String>,
    attachment_dir: Option<PathBuf>,
    attachment_limit: Option<usize>,
    s3_bucket: Option<String>,
    s3_endpoint: Option<String>,
    s3_region: Option<String>,
    s3_access_key_id: Option<String>,
    s3_secret_access_key: Option<Secret>,
    s3_prefix: Option<String>,
    jobs: Option<String>,
    jobs_interval: Option<String>,
    jobs_lease: Option<String>,
    node_id: Option<String>,
    webhook_retry_schedule: Option<String>,
    webhook_allow_private: Option<String>,
    smtp_url: Option<String>,
    smtp_from: Option<String>,
}

/// kefu's settings, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `KEFU_DATABASE_URL`: `sqlite://PATH` or `postgres://…` (default `sqlite://data/kefu.db`).
    pub database_url: DatabaseUrl,
    /// `KEFU_LISTEN`: `host:port` (default `127.0.0.1:8080`).
    pub listen: String,
    /// `KEFU_BOOTSTRAP_ADMIN_PASSWORD`: creates user `admin` when no user exists.
    pub bootstrap_admin_password: Option<Secret>,
    /// `KEFU_JWT_SECRET`: seeds the signing key set when it is empty.
    pub jwt_secret: Option<Secret>,
    /// `KEFU_LOG_FORMAT`: `text` (default) or `json`.
    pub log_format: LogFormat,
    /// `KEFU_BODY_LIMIT`: the largest request body in bytes (default 1 MiB).
    pub body_limit: usize,
    /// `KEFU_WORKERS`: HTTP worker threads (default: one per core).
    pub workers: Option<usize>,
    /// `KEFU_REQUEST_TIMEOUT`: seconds a client has to send a request's head, and again its
    /// body, before it is answered 408 (default 30).
    pub request_timeout: Duration,
    /// `KEFU_CORS_ORIGINS`: origins (`https://desk.example.com`, comma-separated) whose pages
    /// may call the API from a browser; none by default.
    pub cors_origins: Vec<String>,
    /// `KEFU_RATE_LIMIT`: requests per address and per bearer token (`600/min`, `20/s`,
    /// `10000/h`); off by default.
    pub rate_limit: Option<RateLimit>,
    /// `KEFU_ATTACHMENT_DIR`: the folder complaint attachments are kept in (default
    /// `data/attachments`).
    pub attachment_dir: PathBuf,
    /// `KEFU_ATTACHMENT_LIMIT`: the largest attachment in bytes (default 20 MiB).
    pub attachment_limit: usize,
    /// `KEFU_S3_BUCKET` and its companions: keep attachments in an S3-compatible bucket
    /// instead of `attachment_dir`.
    pub s3: Option<S3Settings>,
    /// `KEFU_JOBS` and its companions: the periodic jobs of `kefu serve`.
    pub jobs: JobSettings,
}

/// An S3-compatible bucket for attachments (AWS S3, MinIO, Ceph, OSS and COS in S3 mode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Settings {
    /// `KEFU_S3_BUCKET`: the bucket.
    pub bucket: String,
    /// `KEFU_S3_ENDPOINT`: the service's URL (`http://127.0.0.1:9000` for a MinIO); default
    /// AWS's for the region.
    pub endpoint: Option<String>,
    /// `KEFU_S3_REGION` (default `us-east-1`).
    pub region: String,
    /// `KEFU_S3_ACCESS_KEY_ID`; without it the usual AWS environment and instance credentials.
    pub access_key_id: Option<String>,
    /// `KEFU_S3_SECRET_ACCESS_KEY`.
    pub secret_access_key: Option<Secret>,
    /// `KEFU_S3_PREFIX`: where in the bucket (default `attachments/`).
    pub prefix: String,
}

/// Every setting with its default, for `kefu serve --help` and the README.
pub const SETTINGS_HELP: &str = "\
Settings (environment, or the same key in lower case in kefu.toml; the environment wins):
  KEFU_DATABASE_URL              sqlite://PATH or postgres://USER@HOST/DB  [default: sqlite://data/kefu.db]
  KEFU_LISTEN                    host:port to serve on                     [default: 127.0.0.1:8080]
  KEFU_BOOTSTRAP_ADMIN_PASSWORD  creates user admin when no user exists    [default: none]
  KEFU_JWT_SECRET                seeds the token signing keys when empty   [default: a random key]
  KEFU_LOG_FORMAT                text or json                              [default: text]
  KEFU_BODY_LIMIT                largest request body, bytes               [default: 1048576]
  KEFU_WORKERS                   HTTP worker threads                       [default: one per core]
  KEFU_REQUEST_TIMEOUT           seconds for a request's head, then body   [default: 30]
  KEFU_CORS_ORIGINS              browser origins allowed, comma-separated  [default: none]
  KEFU_RATE_LIMIT                per address and per token, e.g. 600/min   [default: off]
  KEFU_ATTACHMENT_DIR            folder of complaint attachments           [default: data/attachments]
  KEFU_ATTACHMENT_LIMIT          largest attachment, bytes                 [default: 20971520]
  KEFU_S3_BUCKET                 keep attachments in this S3 bucket        [default: none: the folder]
  KEFU_S3_ENDPOINT               S3-compatible service URL (MinIO, …)      [default: AWS]
  KEFU_S3_REGION                 the bucket's region                       [default: us-east-1]
  KEFU_S3_ACCESS_KEY_ID          access key (with the secret below)        [default: AWS environment]
  KEFU_S3_SECRET_ACCESS_KEY      secret key                                [default: AWS environment]
  KEFU_S3_PREFIX                 key prefix in the bucket                  [default: attachments/]
  KEFU_JOBS                      run the periodic jobs on this node: on/off [default: on]
  KEFU_JOBS_INTERVAL             pause between two rounds of the jobs      [default: 5s]
  KEFU_JOBS_LEASE                how long a node holds what it claimed     [default: 60s]
  KEFU_NODE_ID                   this node's name in leases and job runs   [default: host-pid-random]
  KEFU_WEBHOOK_RETRY_SCHEDULE    delays between webhook attempts           [default: 5s,5m,30m,2h,5h,10h,10h]
  KEFU_WEBHOOK_ALLOW_PRIVATE     let webhooks post to private addresses    [default: false]
  KEFU_SMTP_URL                  mail copies of the inbox through this server [default: none]
  KEFU_SMTP_FROM                 the sender of those mails                 [default: none]
  KEFU_CONFIG                    the settings file                         [default: ./kefu.toml if present]
  RUST_LOG                       log filter                                [default: info]";

/// Why the settings could not be read; one line each.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The file could not be read or parsed.
    #[error("{path}: {reason}")]
    File {
        /// Which file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A value is invalid.
    #[error("{name}: {reason}")]
    Invalid {
        /// The setting's environment name.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

/// The default database: an SQLite file under `./data/`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/kefu.db";

impl Settings {
    /// Reads `config` (if given, it must exist; else `./kefu.toml` if present) and then the
    /// environment through `env`, which wins.
    pub fn load(
        config: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, SettingsError> {
        let file = match config {
            Some(path) => read_file(path)?,
            None if Path::new("kefu.toml").exists() => read_file(Path::new("kefu.toml"))?,
            None => FileSettings::default(),
        };
        let pick = |name: &str, from_file: Option<String>| {
            env(name).filter(|v| !v.is_empty()).or(from_file)
        };
        let url = pick("KEFU_DATABASE_URL", file.database_url)
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let database_url = DatabaseUrl::from_str(&url).map_err(|e| SettingsError::Invalid {
            name: "KEFU_DATABASE_URL",
            reason: e.to_string(),
        })?;
        let listen =
            pick("KEFU_LISTEN", file.listen).unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        if listen.rsplit_once(':').is_none_or(|(_, port)| port.parse::<u16>().is_err()) {
            return Err(SettingsError::Invalid {
                name: "KEFU_LISTEN",
                reason: format!("{listen:?} is not host:port"),
            });
        }
        let log_format = match env("KEFU_LOG_FORMAT").as_deref() {
            Some("json") => LogFormat::Json,
            Some("text") => LogFormat::Text,
            None | Some("") => file.log_format.unwrap_or_default(),
            Some(other) => {
                return Err(SettingsError::Invalid {
                    name: "KEFU_LOG_FORMAT",
                    reason: format!("{other:?} is neither json nor text"),
                });
            }
        };
        let body_limit = match env("KEFU_BODY_LIMIT").filter(|v| !v.is_empty()) {
            Some(v) => v.parse().map_err(|_| SettingsError::Invalid {
                name: "KEFU_BODY_LIMIT",
                reason: format!("{v:?} is not a number of bytes"),
            })?,
            None => file.body_limit.unwrap_or(1 << 20),
        };
        let workers = match env("KEFU_WORKERS").filter(|v| !v.is_empty()) {
            Some(v) => Some(v.parse().ok().filter(|n: &usize| *n > 0).ok_or_else(|| {
                SettingsError::Invalid {
                    name: "KEFU_WORKERS",
                    reason: format!("{v:?} is not a positive number"),
                }
            })?),
            None => file.workers,
        };
        let request_timeout = match env("KEFU_REQUEST_TIMEOUT").filter(|v| !v.is_empty()) {
            Some(v) => v
                .trim_end_matches('s')
                .parse()
                .ok()
                .filter(|n: &u64| (1..=3600).contains(n))
                .ok_or_else(|| SettingsError::Invalid {
                    name: "KEFU_REQUEST_TIMEOUT",
                    reason: format!("{v:?} is not a number of seconds from 1 to 3600"),
                })?,
            None => file.request_timeout.unwrap_or(30),
        };
        let cors_origins = match env("KEFU_CORS_ORIGINS").filter(|v| !v.is_empty()) {
            Some(v) => {
                v.split(',').map(|o| o.trim().to_owned()).filter(|o| !o.is_empty()).collect()
            }
            None => file.cors_origins.unwrap_or_default(),
        };
        if let Some(bad) = cors_origins.iter().find(|o| !is_origin(o)) {
            return Err(SettingsError::Invalid {
                name: "KEFU_CORS_ORIGINS",
                reason: format!("{bad:?} is not an origin such as https://desk.example.com"),
            });
        }
        let rate_limit = match env("KEFU_RATE_LIMIT").filter(|v| !v.is_empty()).or(file.rate_limit)
        {
            None => None,
            Some(v) if v == "off" => None,
            Some(v) => Some(
                v.parse()
                    .map_err(|reason| SettingsError::Invalid { name: "KEFU_RATE_LIMIT", reason })?,
            ),
        };
        let attachment_dir = env("KEFU_ATTACHMENT_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or(file.attachment_dir)
            .unwrap_or_else(|| PathBuf::from("data/attachments"));
        let attachment_limit = match env("KEFU_ATTACHMENT_LIMIT").filter(|v| !v.is_empty()) {
            Some(v) => {
                v.parse().ok().filter(|n: &usize| *n > 0).ok_or_else(|| SettingsError::Invalid {
                    name: "KEFU_ATTACHMENT_LIMIT",
                    reason: format!("{v:?} is not a positive number of bytes"),
                })?
            }
            None => file.attachment_limit.unwrap_or(20 << 20),
        };
        let text = |name: &str, from_file: Option<String>| {
            env(name).filter(|v| !v.is_empty()).or(from_file)
        };
        let s3 = match text("KEFU_S3_BUCKET", file.s3_bucket) {
            None => None,
            Some(bucket) => {
                let endpoint = text("KEFU_S3_ENDPOINT", file.s3_endpoint);
                if let Some(url) = &endpoint
                    && !(url.starts_with("http://") || url.starts_with("https://"))
                {
                    return Err(SettingsError::Invalid {
                        name: "KEFU_S3_ENDPOINT",
                        reason: format!("{url:?} is not an http:// or https:// URL"),
                    });
                }
                let access_key_id = text("KEFU_S3_ACCESS_KEY_ID", file.s3_access_key_id);
                let secret_access_key = env("KEFU_S3_SECRET_ACCESS_KEY")
                    .filter(|v| !v.is_empty())
                    .map(Secret)
                    .or(file.s3_secret_access_key);
                if access_key_id.is_some() != secret_access_key.is_some() {
                    return Err(SettingsError::Invalid {
                        name: "KEFU_S3_ACCESS_KEY_ID",
                        reason: "the access key and KEFU_S3_SECRET_ACCESS_KEY go together".into(),
                    });
                }
                Some(S3Settings {
                    bucket,
                    endpoint,
                    region: text("KEFU_S3_REGION", file.s3_region)
                        .unwrap_or_else(|| "us-east-1".to_owned()),
                    access_key_id,
                    secret_access_key,
                    prefix: text("KEFU_S3_PREFIX", file.s3_prefix)
                        .unwrap_or_else(|| "attachments/".to_owned()),
                })
            }
        };
        let jobs = {
            let file = [
                ("KEFU_JOBS", file.jobs),
                ("KEFU_JOBS_INTERVAL", file.jobs_interval),
                ("KEFU_JOBS_LEASE", file.jobs_lease),
                ("KEFU_NODE_ID", file.node_id),
                ("KEFU_WEBHOOK_RETRY_SCHEDULE", file.webhook_retry_schedule),
                ("KEFU_WEBHOOK_ALLOW_PRIVATE", file.webhook_allow_private),
                ("KEFU_SMTP_URL", file.smtp_url),
                ("KEFU_SMTP_FROM", file.smtp_from),
            ];
            JobSettings::load(|name| {
                let from_file = file.iter().find(|(n, _)| *n == name).and_then(|(_, v)| v.clone());
                env(name).filter(|v| !v.is_empty()).or(from_file)
            })?
        };
        Ok(Self {
            jobs,
            s3,
            attachment_dir,
            attachment_limit,
            database_url,
            listen,
            bootstrap_admin_password: env("KEFU_BOOTSTRAP_ADMIN_PASSWORD")
                .filter(|v| !v.is_empty())
                .map(Secret)
                .or(file.bootstrap_admin_password),
            jwt_secret: env("KEFU_JWT_SECRET")
                .filter(|v| !v.is_empty())
                .map(Secret)
                .or(file.jwt_secret),
            log_format,
            body_limit,
            workers,
            request_timeout: Duration::from_secs(request_timeout),
            cors_origins,
            rate_limit,
        })
    }

    /// Reads the process environment.
    pub fn from_env(config: Option<&Path>) -> Result<Self, SettingsError> {
        Self::load(config, |name| std::env::var(name).ok())
    }
}

/// `scheme://host[:port]`, nothing after: what a browser sends as `Origin`.
fn is_origin(origin: &str) -> bool {
    let Some((scheme, rest)) = origin.split_once("://") else { return false };
    matches!(scheme, "http" | "https")
        && !rest.is_empty()
        && !rest.contains(['/', '?', '#', ' ', '@'])
}

fn read_file(path: &Path) -> Result<FileSettings, SettingsError> {
    let err = |reason: String| SettingsError::File { path: path.display().to_string(), reason };
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    toml::from_str(&text).map_err(|e| err(e.message().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn defaults_are_sqlite_under_data_on_8080() {
        let s = Settings::load(None, env(&[])).unwrap();
        assert_eq!(s.database_url, DatabaseUrl::Sqlite("data/kefu.db".into()));
        assert_eq!(s.listen, "127.0.0.1:8080");
        assert_eq!(s.body_limit, 1 << 20);
        assert_eq!(s.log_format, LogFormat::Text);
    }

    #[test]
    fn environment_wins_and_bad_values_are_named() {
        let s =
            Settings::load(None, env(&[("KEFU_LOG_FORMAT", "json"), ("KEFU_BODY_LIMIT", "10")]))
                .unwrap();
        assert_eq!((s.log_format, s.body_limit), (LogFormat::Json, 10));
        let e = Settings::load(None, env(&[("KEFU_DATABASE_URL", "kefu.db")])).unwrap_err();
        assert!(e.to_string().starts_with("KEFU_DATABASE_URL: "), "{e}");
        let e = Settings::load(None, env(&[("KEFU_LISTEN", "localhost")])).unwrap_err();
        assert!(e.to_string().starts_with("KEFU_LISTEN: "), "{e}");
    }

    #[test]
    fn timeouts_origins_and_rate_limits_are_read_and_checked() {
        let s = Settings::load(None, env(&[])).unwrap();
        assert_eq!(
            (s.request_timeout, s.cors_origins.len(), s.rate_limit),
            (Duration::from_secs(30), 0, None)
        );
        let s = Settings::load(
            None,
            env(&[
                ("KEFU_REQUEST_TIMEOUT", "5"),
                ("KEFU_CORS_ORIGINS", "https://desk.example.com, http://localhost:5173"),
                ("KEFU_RATE_LIMIT", "600/min"),
            ]),
        )
        .unwrap();
        assert_eq!(s.request_timeout, Duration::from_secs(5));
        assert_eq!(s.cors_origins, ["https://desk.example.com", "http://localhost:5173"]);
        assert_eq!(s.rate_limit.map(|r| r.to_string()).as_deref(), Some("600/min"));
        for (name, value) in [
            ("KEFU_REQUEST_TIMEOUT", "0"),
            ("KEFU_REQUEST_TIMEOUT", "soon"),
            ("KEFU_CORS_ORIGINS", "https://desk.example.com/app"),
            ("KEFU_CORS_ORIGINS", "desk.example.com"),
            ("KEFU_RATE_LIMIT", "lots"),
        ] {
            let e = Settings::load(None, env(&[(name, value)])).unwrap_err();
            assert!(e.to_string().starts_with(&format!("{name}: ")), "{e}");
        }
    }

    #[test]
    fn a_bucket_takes_the_attachments_when_named() {
        let s = Settings::load(None, env(&[])).unwrap();
        assert_eq!((s.s3, s.attachment_dir.as_path()), (None, Path::new("data/attachments")));
        let s = Settings::load(
            None,
            env(&[
                ("KEFU_S3_BUCKET", "kefu-files"),
                ("KEFU_S3_ENDPOINT", "http://127.0.0.1:9000"),
                ("KEFU_S3_ACCESS_KEY_ID", "minio"),
                ("KEFU_S3_SECRET_ACCESS_KEY", "minio-secret"),
            ]),
        )
        .unwrap();
        let s3 = s.s3.unwrap();
        assert_eq!((s3.bucket.as_str(), s3.region.as_str()), ("kefu-files", "us-east-1"));
        assert_eq!(
            (s3.prefix.as_str(), s3.endpoint.as_deref()),
            ("attachments/", Some("http://127.0.0.1:9000"))
        );
        assert_eq!(format!("{:?}", s3.secret_access_key), "Some(***)");
        for pairs in [
            vec![("KEFU_S3_BUCKET", "b"), ("KEFU_S3_ENDPOINT", "minio:9000")],
            vec![("KEFU_S3_BUCKET", "b"), ("KEFU_S3_ACCESS_KEY_ID", "alone")],
            vec![("KEFU_ATTACHMENT_LIMIT", "0")],
        ] {
            let e = Settings::load(None, env(&pairs)).unwrap_err();
            assert!(e.to_string().starts_with("KEFU_"), "{e}");
        }
    }

    #[test]
    fn the_settings_file_takes_every_key() {
        let dir = std::env::temp_dir().join(format!("kefu-settings-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("kefu.toml");
        std::fs::write(
            &path,
            "database_url = \"sqlite://x.db\"\nlisten = \"0.0.0.0:9000\"\nlog_format = \"json\"\n\
             body_limit = 2048\nworkers = 3\nrequest_timeout = 12\n\
             cors_origins = [\"https://desk.example.com\"]\nrate_limit = \"20/s\"\n",
        )
        .unwrap();
        let s = Settings::load(Some(&path), env(&[("KEFU_WORKERS", "4")])).unwrap();
        assert_eq!((s.listen.as_str(), s.body_limit, s.workers), ("0.0.0.0:9000", 2048, Some(4)));
        assert_eq!((s.log_format, s.request_timeout), (LogFormat::Json, Duration::from_secs(12)));
        assert_eq!(s.cors_origins, ["https://desk.example.com"]);
        assert_eq!(s.rate_limit.map(|r| r.to_string()).as_deref(), Some("20/s"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn help_lists_every_setting() {
        for name in [
            "KEFU_DATABASE_URL",
            "KEFU_LISTEN",
            "KEFU_BOOTSTRAP_ADMIN_PASSWORD",
            "KEFU_JWT_SECRET",
            "KEFU_LOG_FORMAT",
            "KEFU_BODY_LIMIT",
            "KEFU_WORKERS",
            "KEFU_REQUEST_TIMEOUT",
            "KEFU_CORS_ORIGINS",
            "KEFU_RATE_LIMIT",
        ] {
            assert!(SETTINGS_HELP.contains(name), "{name}");
        }
    }

    #[test]
    fn secrets_never_print() {
        let s = Settings::load(
            None,
            env(&[("KEFU_JWT_SECRET", "hunter2"), ("KEFU_BOOTSTRAP_ADMIN_PASSWORD", "pw-9")]),
        )
        .unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("pw-9"), "{shown}");
    }
}
