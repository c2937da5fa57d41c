//! The database URL forms kefu accepts (`KEFU_DATABASE_URL`).

use std::{fmt, path::PathBuf, str::FromStr};

/// Where the data lives: a PostgreSQL server or an embedded SQLite file.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `postgres://…` or `postgresql://…`, passed to libpq as given.
    Postgres(String),
    /// `sqlite://PATH`: relative to the working directory unless PATH starts with `/`.
    Sqlite(PathBuf),
}

/// Why a database URL was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UrlError {
    /// The URL names no scheme kefu knows.
    #[error(
        "unsupported database URL scheme {0:?}: use postgres://USER@HOST:PORT/DB or sqlite://PATH"
    )]
    UnknownScheme(String),
    /// The URL has no `scheme://` at all.
    #[error("database URL has no scheme: use postgres://USER@HOST:PORT/DB or sqlite://PATH")]
    NoScheme,
    /// A PostgreSQL URL libpq could not read (a port that is not a number, spaces).
    #[error("malformed PostgreSQL URL: expected postgres://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE")]
    MalformedPostgres,
    /// `sqlite://` with nothing after it.
    #[error("SQLite URL has no file path: use sqlite://data/kefu.db or sqlite:///abs/path.db")]
    EmptySqlitePath,
}

impl FromStr for DatabaseUrl {
    type Err = UrlError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        let url = url.trim();
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(UrlError::NoScheme);
        };
        match scheme.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => {
                let authority = rest.split(['/', '?']).next().unwrap_or_default();
                let host = authority.rsplit('@').next().unwrap_or_default();
                let port = match host.strip_prefix('[') {
                    Some(v6) => v6.split_once("]:").map(|(_, port)| port),
                    None => host.split_once(':').map(|(_, port)| port),
                };
                let port_ok = port.is_none_or(|p| p.split(',').all(|p| p.parse::<u16>().is_ok()));
                if url.contains(char::is_whitespace) || !port_ok {
                    return Err(UrlError::MalformedPostgres);
                }
                Ok(Self::Postgres(url.to_owned()))
            }
            "sqlite" => {
                let path = rest.split('?').next().unwrap_or_default();
                if path.is_empty() {
                    return Err(UrlError::EmptySqlitePath);
                }
                Ok(Self::Sqlite(PathBuf::from(path)))
            }
            other => Err(UrlError::UnknownScheme(other.to_owned())),
        }
    }
}

impl DatabaseUrl {
    /// The backend's name, for logs and metrics.
    pub fn backend(&self) -> &'static str {
        match self {
            Self::Postgres(_) => "postgres",
            Self::Sqlite(_) => "sqlite",
        }
    }
}

/// Never prints a password: `postgres://kefu:***@db/kefu`.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            Self::Postgres(url) => {
                let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
                let (authority, tail) = match rest.find(['/', '?']) {
                    Some(i) => rest.split_at(i),
                    None => (rest, ""),
                };
                let tail = tail.split('?').next().unwrap_or_default();
                match authority.rsplit_once('@') {
                    Some((userinfo, host)) => match userinfo.split_once(':') {
                        Some((user, _password)) => write!(f, "{scheme}://{user}:***@{host}{tail}"),
                        None => write!(f, "{scheme}://{userinfo}@{host}{tail}"),
                    },
                    None => write!(f, "{scheme}://{authority}{tail}"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_documented_forms() {
        assert_eq!("sqlite://data/kefu.db".parse(), Ok(DatabaseUrl::Sqlite("data/kefu.db".into())));
        assert_eq!(
            "sqlite:///var/lib/kefu/kefu.db".parse(),
            Ok(DatabaseUrl::Sqlite("/var/lib/kefu/kefu.db".into()))
        );
        for url in [
            "postgres://postgres@127.0.0.1:5432/kefu",
            "postgresql://u:p@db.example:6543/kefu?sslmode=require",
            "postgres://localhost/kefu",
        ] {
            assert!(matches!(url.parse(), Ok(DatabaseUrl::Postgres(_))), "{url}");
        }
    }

    #[test]
    fn refuses_what_it_cannot_name() {
        assert_eq!("data/kefu.db".parse::<DatabaseUrl>(), Err(UrlError::NoScheme));
        assert_eq!(
            "mysql://root@localhost/kefu".parse::<DatabaseUrl>(),
            Err(UrlError::UnknownScheme("mysql".into()))
        );
        assert_eq!("sqlite://".parse::<DatabaseUrl>(), Err(UrlError::EmptySqlitePath));
        assert_eq!(
            "postgres://host:notaport/db".parse::<DatabaseUrl>(),
            Err(UrlError::MalformedPostgres)
        );
        assert_eq!(
            "postgres://u@host:5432 /db".parse::<DatabaseUrl>(),
            Err(UrlError::MalformedPostgres)
        );
    }

    #[test]
    fn display_hides_the_password() {
        let url: DatabaseUrl =
            "postgres://kefu:s3cret@db:5432/kefu?sslmode=require".parse().unwrap();
        let shown = url.to_string();
        assert!(!shown.contains("s3cret"), "{shown}");
        assert_eq!(shown, "postgres://kefu:***@db:5432/kefu");
        let url: DatabaseUrl = "postgres://postgres@127.0.0.1/x".parse().unwrap();
        assert_eq!(url.to_string(), "postgres://postgres@127.0.0.1/x");
    }
}
