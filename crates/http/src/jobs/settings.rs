//! The job runner's settings (`KEFU_JOBS`, `KEFU_JOBS_INTERVAL`, `KEFU_JOBS_LEASE`,
//! `KEFU_NODE_ID`, `KEFU_WEBHOOK_RETRY_SCHEDULE`, `KEFU_WEBHOOK_ALLOW_PRIVATE`).

use std::time::Duration;

use super::mail::SmtpSettings;
use crate::config::{Secret, SettingsError};

/// The Standard Webhooks retry schedule: after the first attempt, 5 s, 5 min, 30 min, 2 h, 5 h,
/// 10 h and 10 h (the last attempt about 27½ hours after the first).
pub const DEFAULT_RETRY_SCHEDULE: &str = "5s,5m,30m,2h,5h,10h,10h";

/// How the periodic jobs of this node run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSettings {
    /// `KEFU_JOBS`: `on` (default) or `off` for a node that only answers the API.
    pub enabled: bool,
    /// `KEFU_JOBS_INTERVAL`: the pause between two rounds of the jobs (default 5 s).
    pub interval: Duration,
    /// `KEFU_JOBS_LEASE`: how long a node holds what it claimed before another node may take
    /// it over (default 60 s).
    pub lease: Duration,
    /// `KEFU_NODE_ID`: this node's name in leases and job runs (default: host name, process id
    /// and a random suffix).
    pub node: String,
    /// `KEFU_WEBHOOK_RETRY_SCHEDULE`: the delays between a webhook's attempts, comma-separated
    /// (default [`DEFAULT_RETRY_SCHEDULE`]); each is stretched by up to 10 % of jitter.
    pub retry_schedule: Vec<Duration>,
    /// `KEFU_WEBHOOK_ALLOW_PRIVATE`: let webhooks post to loopback, link-local and private
    /// addresses (default `false`: such URLs are refused, OWASP API7).
    pub allow_private: bool,
    /// `KEFU_SMTP_URL` and `KEFU_SMTP_FROM`: mail copies of the inbox (off by default).
    pub smtp: Option<SmtpSettings>,
}

impl Default for JobSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            interval: Duration::from_secs(5),
            lease: Duration::from_secs(60),
            node: default_node(),
            retry_schedule: parse_schedule(DEFAULT_RETRY_SCHEDULE).unwrap_or_default(),
            allow_private: false,
            smtp: None,
        }
    }
}

fn default_node() -> String {
    let host = std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty());
    let suffix = &uuid::Uuid::now_v7().simple().to_string()[24..];
    format!("{}-{}-{suffix}", host.as_deref().unwrap_or("kefu"), std::process::id())
}

/// `250ms`, `5s`, `5m`, `2h`, `1d`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().ok()?;
    let ms = match unit {
        "ms" => n,
        "s" => n.checked_mul(1_000)?,
        "m" => n.checked_mul(60_000)?,
        "h" => n.checked_mul(3_600_000)?,
        "d" => n.checked_mul(86_400_000)?,
        _ => return None,
    };
    (ms <= 30 * 86_400_000).then(|| Duration::from_millis(ms))
}

/// A comma-separated list of delays.
pub fn parse_schedule(text: &str) -> Option<Vec<Duration>> {
    text.split(',').map(parse_duration).collect::<Option<Vec<_>>>().filter(|s| !s.is_empty())
}

impl JobSettings {
    /// Reads the job settings through `pick` (the environment over the file).
    pub fn load(pick: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let mut s = Self::default();
        let invalid = |name: &'static str, reason: String| SettingsError::Invalid { name, reason };
        if let Some(v) = pick("KEFU_JOBS") {
            s.enabled = match v.as_str() {
                "on" | "true" | "1" => true,
                "off" | "false" | "0" => false,
                _ => return Err(invalid("KEFU_JOBS", format!("{v:?} is neither on nor off"))),
            };
        }
        if let Some(v) = pick("KEFU_JOBS_INTERVAL") {
            s.interval = parse_duration(&v).filter(|d| !d.is_zero()).ok_or_else(|| {
                invalid("KEFU_JOBS_INTERVAL", format!("{v:?} is not a duration such as 5s"))
            })?;
        }
        if let Some(v) = pick("KEFU_JOBS_LEASE") {
            s.lease =
                parse_duration(&v).filter(|d| *d >= Duration::from_secs(1)).ok_or_else(|| {
                    invalid("KEFU_JOBS_LEASE", format!("{v:?} is not a duration of 1s or more"))
                })?;
        }
        if let Some(v) = pick("KEFU_NODE_ID") {
            if v.len() > 100 || v.contains(char::is_control) {
                return Err(invalid(
                    "KEFU_NODE_ID",
                    "must be at most 100 printable characters".into(),
                ));
            }
            s.node = v;
        }
        if let Some(v) = pick("KEFU_WEBHOOK_RETRY_SCHEDULE") {
            s.retry_schedule = parse_schedule(&v).ok_or_else(|| {
                invalid(
                    "KEFU_WEBHOOK_RETRY_SCHEDULE",
                    format!("{v:?} is not a list such as 5s,5m,30m"),
                )
            })?;
        }
        if let Some(v) = pick("KEFU_WEBHOOK_ALLOW_PRIVATE") {
            s.allow_private = match v.as_str() {
                "true" | "1" | "on" => true,
                "false" | "0" | "off" => false,
                _ => {
                    return Err(invalid(
                        "KEFU_WEBHOOK_ALLOW_PRIVATE",
                        format!("{v:?} is neither true nor false"),
                    ));
                }
            };
        }
        s.smtp = match (pick("KEFU_SMTP_URL"), pick("KEFU_SMTP_FROM")) {
            (None, None) => None,
            (Some(url), Some(from)) => Some(SmtpSettings { url: Secret::new(url), from }),
            (Some(_), None) => {
                return Err(invalid("KEFU_SMTP_FROM", "the sender goes with KEFU_SMTP_URL".into()));
            }
            (None, Some(_)) => {
                return Err(invalid(
                    "KEFU_SMTP_URL",
                    "KEFU_SMTP_FROM needs a server to send through".into(),
                ));
            }
        };
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_schedule_retries_for_more_than_a_day() {
        let total: Duration = JobSettings::default().retry_schedule.iter().sum();
        assert!(total >= Duration::from_secs(24 * 3600), "{total:?}");
        assert_eq!(JobSettings::default().retry_schedule.len(), 7);
    }

    #[test]
    fn durations_and_bad_values() {
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("2h"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_duration("5"), None);
        assert_eq!(parse_duration("5x"), None);
        assert_eq!(parse_schedule("1s, 2s").map(|s| s.len()), Some(2));
        let pick = |name: &str| (name == "KEFU_JOBS").then(|| "maybe".to_owned());
        assert!(JobSettings::load(pick).unwrap_err().to_string().starts_with("KEFU_JOBS: "));
        let pick = |name: &str| (name == "KEFU_JOBS").then(|| "off".to_owned());
        assert!(!JobSettings::load(pick).unwrap().enabled);
    }
}
