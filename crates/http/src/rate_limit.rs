//! Request rate limits on the API (`KEFU_RATE_LIMIT`, off by default): one bucket per client
//! address and one per bearer token (a signed-in user's session or an integration client), each
//! allowing the configured number of requests per period, refilled evenly. A request over
//! either answers 429 with `Retry-After`. Probes, the docs and the contract are never limited.

use std::{
    fmt,
    net::IpAddr,
    num::NonZeroU32,
    str::FromStr,
    sync::atomic::{AtomicU32, Ordering},
    time::Duration,
};

use actix_web::{
    Error, ResponseError,
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::header,
    middleware::Next,
    web,
};
use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
};
use sha2::{Digest, Sha256};

use crate::problem::ApiError;

/// `N/s`, `N/min` or `N/h`: N requests per second, minute or hour, per address and per token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests per period; also the burst.
    pub requests: NonZeroU32,
    /// The period.
    pub per: Duration,
}

impl FromStr for RateLimit {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not a rate such as 600/min, 20/s or 10000/h");
        let (n, unit) = s.trim().split_once('/').ok_or_else(bad)?;
        let requests = n.trim().parse::<NonZeroU32>().map_err(|_| bad())?;
        let per = match unit.trim() {
            "s" | "sec" | "second" => Duration::from_secs(1),
            "m" | "min" | "minute" => Duration::from_secs(60),
            "h" | "hour" => Duration::from_secs(3600),
            _ => return Err(bad()),
        };
        Ok(Self { requests, per })
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.per.as_secs() {
            1 => "s",
            60 => "min",
            _ => "h",
        };
        write!(f, "{}/{unit}", self.requests)
    }
}

/// The buckets, shared by all workers.
pub struct Limiters {
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    by_token: DefaultKeyedRateLimiter<[u8; 16]>,
    checks: AtomicU32,
}

impl fmt::Debug for Limiters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Limiters").finish_non_exhaustive()
    }
}

impl Limiters {
    /// Buckets for `limit`.
    pub fn new(limit: RateLimit) -> Self {
        let interval = limit.per / limit.requests.get();
        let quota = Quota::with_period(interval.max(Duration::from_nanos(1)))
            .unwrap_or_else(|| Quota::per_second(limit.requests))
            .allow_burst(limit.requests);
        Self {
            by_address: RateLimiter::keyed(quota),
            by_token: RateLimiter::keyed(quota),
            checks: AtomicU32::new(0),
        }
    }

    /// `Err(wait)` when the address or the token has used its quota.
    pub fn check(&self, address: Option<IpAddr>, token: Option<&str>) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.by_address.retain_recent();
            self.by_token.retain_recent();
        }
        let now = DefaultClock::default().now();
        if let Some(ip) = address {
            self.by_address.check_key(&ip).map_err(|n| n.wait_time_from(now))?;
        }
        if let Some(token) = token {
            let digest = Sha256::digest(token.as_bytes());
            let mut key = [0u8; 16];
            key.copy_from_slice(&digest[..16]);
            self.by_token.check_key(&key).map_err(|n| n.wait_time_from(now))?;
        }
        Ok(())
    }
}

/// The middleware: a no-op unless `web::Data<Limiters>` is configured.
pub async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let limited = req.path().starts_with("/api/");
    if let (true, Some(limiters)) = (limited, req.app_data::<web::Data<Limiters>>()) {
        let token = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let address = req.peer_addr().map(|a| a.ip());
        if let Err(wait) = limiters.check(address, token) {
            let seconds = i64::try_from(wait.as_secs_f64().ceil() as u64).unwrap_or(i64::MAX);
            let response = ApiError::RateLimited(seconds.max(1)).error_response();
            return Ok(req.into_response(response).map_into_right_body());
        }
    }
    Ok(next.call(req).await?.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_in_three_units() {
        let r: RateLimit = "600/min".parse().unwrap();
        assert_eq!((r.requests.get(), r.per), (600, Duration::from_secs(60)));
        assert_eq!("20/s".parse::<RateLimit>().unwrap().to_string(), "20/s");
        assert_eq!("5/h".parse::<RateLimit>().unwrap().per, Duration::from_secs(3600));
        for bad in ["", "0/s", "ten/s", "10", "10/day", "-1/s"] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad}");
        }
    }

    #[test]
    fn an_address_and_a_token_each_get_their_quota() {
        let limiters = Limiters::new("3/min".parse().unwrap());
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            assert!(limiters.check(Some(a), None).is_ok());
        }
        let wait = limiters.check(Some(a), None).unwrap_err();
        assert!(wait > Duration::from_secs(1) && wait <= Duration::from_secs(20), "{wait:?}");
        for _ in 0..3 {
            assert!(limiters.check(Some(b), Some("t1")).is_ok(), "another address, its own bucket");
        }
        assert!(limiters.check(None, Some("t1")).is_err(), "the token used its three");
        assert!(limiters.check(None, Some("t2")).is_ok());
    }
}
