//! Settings: `KEFU_*` environment variables over an optional `kefu.toml`.

use std::{fmt, path::Path, str::FromStr};

use kefu_persistence::DatabaseUrl;
use serde::Deserialize;

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
}

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
        Ok(Self {
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
        })
    }

    /// Reads the process environment.
    pub fn from_env(config: Option<&Path>) -> Result<Self, SettingsError> {
        Self::load(config, |name| std::env::var(name).ok())
    }
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
